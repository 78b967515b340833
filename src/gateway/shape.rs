//! Reshaping JSON records by dotted paths: `set` writes request fields, `omit` and
//! `rename` edit responses, and the return-code lookup reads one field.
//!
//! Paths name fields, not array slots: a step through an array (an OCCURS group)
//! applies to every element, so `charges.code` omits the code of each charge.

use serde_json::{Map, Value};

/// Removes the field at `path` (from every element of arrays on the way).
pub fn omit_path(root: &mut Value, path: &[String]) {
    edit_parents(root, path, &mut |map, last| {
        map.shift_remove(last);
    });
}

/// Renames the field at `path` to `new_name`, keeping its place among its siblings.
pub fn rename_path(root: &mut Value, path: &[String], new_name: &str) {
    edit_parents(root, path, &mut |map, last| {
        if !map.contains_key(last) {
            return;
        }
        let old = std::mem::take(map);
        for (k, v) in old {
            if k == last {
                map.insert(new_name.to_string(), v);
            } else {
                map.insert(k, v);
            }
        }
    });
}

/// Calls `edit` with each object that holds the path's last segment.
fn edit_parents(
    root: &mut Value,
    path: &[String],
    edit: &mut dyn FnMut(&mut Map<String, Value>, &str),
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match root {
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| edit_parents(item, path, edit)),
        Value::Object(map) if rest.is_empty() => edit(map, first),
        Value::Object(map) => {
            if let Some(child) = map.get_mut(first) {
                edit_parents(child, rest, edit);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    #[test]
    fn omit_removes_nested_fields_and_array_members() {
        let mut v = json!({
            "a": {"b": 1, "c": 2},
            "charges": [{"code": "X", "n": 1}, {"code": "Y", "n": 2}],
            "z": 3
        });
        omit_path(&mut v, &p("a.b"));
        omit_path(&mut v, &p("charges.code"));
        omit_path(&mut v, &p("z"));
        // A path that names nothing is a no-op, not an error.
        omit_path(&mut v, &p("nope.deeper"));
        assert_eq!(v, json!({"a": {"c": 2}, "charges": [{"n": 1}, {"n": 2}]}));
    }

    #[test]
    fn rename_keeps_position_and_value() {
        let mut v = json!({"rec": {"a": 1, "rc": "00", "z": 2}, "list": [{"k": 1}]});
        rename_path(&mut v, &p("rec.rc"), "return_code");
        rename_path(&mut v, &p("list.k"), "key");
        // Renaming a missing field adds nothing.
        rename_path(&mut v, &p("rec.missing"), "m");
        let keys: Vec<&String> = v["rec"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "return_code", "z"]);
        assert_eq!(v["rec"]["return_code"], "00");
        assert_eq!(v["list"][0]["key"], 1);
    }
}

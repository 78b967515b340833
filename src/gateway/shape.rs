//! Reshaping JSON records by dotted paths: `set` writes request fields, `omit` and
//! `rename` edit responses, and the return-code lookup reads one field.
//!
//! Paths name fields, not array slots: a step through an array (an OCCURS group)
//! applies to every element, so `charges.code` omits the code of each charge.

use serde_json::{Map, Value};

/// Writes `value` at `path`, creating the objects on the way. Fails with the dotted
/// prefix that exists but is not an object (the client sent `{"owner": "x"}` where the
/// route sets `owner.dob`).
pub fn set_path(root: &mut Value, path: &[String], value: Value) -> Result<(), String> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut at = root;
    for (i, name) in parents.iter().enumerate() {
        let Value::Object(map) = at else {
            return Err(path[..i].join("."));
        };
        at = map
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    match at {
        Value::Object(map) => {
            map.insert(last.clone(), value);
            Ok(())
        }
        _ => Err(parents.join(".")),
    }
}

/// The value at `path`, if there is one (first element of any array on the way).
pub fn get_path<'v>(root: &'v Value, path: &[String]) -> Option<&'v Value> {
    let mut at = root;
    for name in path {
        at = match at {
            Value::Object(map) => map.get(name)?,
            Value::Array(items) => items.first()?.as_object()?.get(name)?,
            _ => return None,
        };
    }
    Some(at)
}

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
    fn set_creates_nested_objects() {
        // An empty body gains owner.dob; an existing sibling is kept.
        let mut v = json!({"owner": {"name": "A"}});
        set_path(&mut v, &p("owner.dob"), json!("19800101")).unwrap();
        set_path(&mut v, &p("query.kind.code"), json!("V")).unwrap();
        assert_eq!(
            v,
            json!({"owner": {"name": "A", "dob": "19800101"}, "query": {"kind": {"code": "V"}}})
        );
        // A set value replaces what the body had there.
        set_path(&mut v, &p("owner.name"), json!("B")).unwrap();
        assert_eq!(v["owner"]["name"], "B");
    }

    #[test]
    fn set_through_a_non_object_names_the_blocker() {
        // The body has `owner` as text where the route needs an object.
        let mut v = json!({"owner": "x"});
        assert_eq!(
            set_path(&mut v, &p("owner.dob"), json!("1")),
            Err("owner".into())
        );
        // A body that is not an object at all blocks at the root.
        let mut v = json!([1]);
        assert_eq!(set_path(&mut v, &p("vrm"), json!("1")), Err(String::new()));
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

    #[test]
    fn get_reads_nested_values() {
        let v = json!({"hdr": {"rc": 4}, "t": [{"x": "a"}]});
        assert_eq!(get_path(&v, &p("hdr.rc")), Some(&json!(4)));
        assert_eq!(get_path(&v, &p("t.x")), Some(&json!("a")));
        // Missing fields (a short record) give None.
        assert_eq!(get_path(&v, &p("hdr.nope")), None);
        assert_eq!(get_path(&v, &p("hdr.rc.deeper")), None);
    }
}

//! Small JSON helpers for building answers: deep merge, set a dotted path, find a layout
//! field by its JSON path.

use ferrule_parsers::layout::{Field, Layout};
use serde_json::{Map, Value};

/// Splits a dotted path (`keeper.keeper_name`) into its names.
pub fn split(path: &str) -> Vec<String> {
    path.split('.').map(|s| s.trim().to_string()).collect()
}

/// Puts `overlay`'s fields into `target`, object into object, so `{ keeper = { x = 1 } }`
/// changes one field of the keeper and keeps the rest.
pub fn merge(target: &mut Map<String, Value>, overlay: &Map<String, Value>) {
    for (k, v) in overlay {
        match (target.get_mut(k), v) {
            (Some(Value::Object(t)), Value::Object(o)) => merge(t, o),
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

/// Sets the value at a dotted path, making objects on the way (and replacing anything
/// that is not one).
pub fn set_path(target: &mut Map<String, Value>, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = target;
    for name in parents {
        let slot = at
            .entry(name.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(next) = slot else {
            return;
        };
        at = next;
    }
    at.insert(last.clone(), value);
}

/// The layout field at a JSON path (fillers have no name and are never found). Tables
/// are walked through: `matches.surname` names the surname of every match.
pub fn field_at<'l>(layout: &'l Layout, path: &[String]) -> Option<&'l Field> {
    layout.field_by_json_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn merge_is_deep() {
        // One keeper field changes, its sibling stays; a scalar replaces a scalar.
        let mut t = obj(json!({"rc": 1, "keeper": {"name": "A", "since": 2}}));
        merge(&mut t, &obj(json!({"rc": 0, "keeper": {"name": "B"}})));
        assert_eq!(
            Value::Object(t),
            json!({"rc": 0, "keeper": {"name": "B", "since": 2}})
        );
    }

    #[test]
    fn merge_replaces_a_scalar_with_an_object() {
        // Overlay wins when the shapes differ.
        let mut t = obj(json!({"k": 1}));
        merge(&mut t, &obj(json!({"k": {"a": 1}})));
        assert_eq!(Value::Object(t), json!({"k": {"a": 1}}));
    }

    #[test]
    fn set_path_makes_parents() {
        // `a.b.c` into an empty object; then into a path blocked by a scalar.
        let mut t = Map::new();
        set_path(&mut t, &split("a.b.c"), json!(5));
        assert_eq!(Value::Object(t.clone()), json!({"a": {"b": {"c": 5}}}));
        let mut blocked = obj(json!({"a": 1}));
        set_path(&mut blocked, &split("a.b"), json!(2));
        assert_eq!(Value::Object(blocked), json!({"a": {"b": 2}}));
        // An empty path changes nothing.
        let mut same = obj(json!({"x": 1}));
        set_path(&mut same, &[], json!(2));
        assert_eq!(Value::Object(same), json!({"x": 1}));
    }

    #[test]
    fn field_at_finds_named_fields_only() {
        // Named fields are found through groups; fillers and unknown names are not.
        let src = "       01  R.\n           05  A.\n               10  B  PIC X.\n           05  FILLER PIC X(3).\n";
        let layout = ferrule_parsers::copybook::parse(src, &Default::default()).unwrap();
        assert!(field_at(&layout, &split("a.b")).is_some());
        assert!(field_at(&layout, &split("a.c")).is_none());
        assert!(field_at(&layout, &split("filler")).is_none());
        assert!(field_at(&layout, &split("")).is_none());
    }
}

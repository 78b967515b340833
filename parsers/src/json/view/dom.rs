//! A view applied to a decoded record as a JSON value: the slow path of a gateway,
//! for callers whose sensitive fields are stripped from a DOM and for views the decode
//! plan cannot mirror. The same fields, in the same order, as the one-pass decoder.

use serde_json::{Map, Value};

use super::walk::{self, Tree};
use super::View;

/// Decoded records: objects hold their members, arrays (OCCURS) hold objects.
struct Dom;

impl Tree for Dom {
    fn objects(node: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
        match node {
            Value::Array(items) => items.iter_mut().for_each(|item| Dom::objects(item, f)),
            Value::Object(map) => f(map),
            _ => {}
        }
    }

    fn members(node: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
        Some(node)
    }
}

impl View {
    /// Edits a decoded record as the client sees it: the omits, then the renames, one
    /// after the other (a rename under an already renamed group finds nothing).
    pub fn edit_json(&self, record: &mut Value) {
        walk::apply::<Dom>(self, record);
    }

    /// `path` (named as the layout names it) with the renames of its groups and of the
    /// field itself applied to its segments.
    pub fn shown_path(&self, path: &[String]) -> Vec<String> {
        let mut out = path.to_vec();
        for (renamed, name) in &self.rename {
            if !renamed.is_empty() && path.starts_with(renamed) {
                if let Some(seg) = out.get_mut(renamed.len() - 1) {
                    seg.clone_from(name);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    fn omitting(paths: &[&str]) -> View {
        View {
            omit: paths.iter().map(|s| p(s)).collect(),
            ..View::default()
        }
    }

    #[test]
    fn omit_removes_nested_fields_and_array_members() {
        let mut v = json!({
            "a": {"b": 1, "c": 2},
            "charges": [{"code": "X", "n": 1}, {"code": "Y", "n": 2}],
            "z": 3
        });
        // A path that names nothing is a no-op, not an error; so is an empty one.
        omitting(&["a.b", "charges.code", "z", "nope.deeper", "a.c.deeper"]).edit_json(&mut v);
        View {
            omit: vec![vec![]],
            ..View::default()
        }
        .edit_json(&mut v);
        assert_eq!(v, json!({"a": {"c": 2}, "charges": [{"n": 1}, {"n": 2}]}));
    }

    #[test]
    fn rename_keeps_position_and_value() {
        let mut v = json!({"rec": {"a": 1, "rc": "00", "z": 2}, "list": [{"k": 1}]});
        View {
            rename: vec![
                (p("rec.rc"), "return_code".into()),
                (p("list.k"), "key".into()),
                // Renaming a missing field adds nothing.
                (p("rec.missing"), "m".into()),
            ],
            ..View::default()
        }
        .edit_json(&mut v);
        // In its place (the names sort in the same order, for maps that do not keep it).
        let keys: Vec<&String> = v["rec"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a", "return_code", "z"]);
        assert_eq!(v["rec"]["return_code"], "00");
        assert_eq!(v["list"][0]["key"], 1);
    }

    #[test]
    fn omits_run_before_renames_and_renames_in_order() {
        // `rec` renamed first: `rec.a` then names nothing; the omit of `rec.z` ran
        // before any rename, under the layout's name.
        let mut v = json!({"rec": {"a": 1, "z": 2}});
        View {
            omit: vec![p("rec.z")],
            rename: vec![(p("rec"), "r".into()), (p("rec.a"), "b".into())],
            ..View::default()
        }
        .edit_json(&mut v);
        assert_eq!(v, json!({"r": {"a": 1}}));
    }

    #[test]
    fn the_decode_plan_and_the_json_edit_agree() {
        // One record, one view: compiled into the decoder, or applied to the plain
        // decoder's JSON; both give the same value (nested, OCCURS, renamed groups).
        let src = "       01 R.\n           05 RC PIC 9(2).\n           05 K.\n              10 NAME PIC X(2).\n              10 DOB PIC 9(2).\n           05 T OCCURS 2.\n              10 A PIC X.\n              10 B PIC X.\n";
        let layout = crate::registry::load(src, "t.cpy", None, &Default::default()).unwrap();
        let record = b"\xF0\xF4\xC1\xC2\xF1\xF2\x81\x82\x83\x84";
        let views = [
            View {
                omit: vec![p("rc"), p("t.b"), p("k.nope")],
                rename: vec![(p("k"), "keeper".into()), (p("t.a"), "first".into())],
                ..View::default()
            },
            View {
                omit: vec![p("k.dob"), p("t")],
                rename: vec![(p("k.name"), "n".into()), (p("k"), "owner".into())],
                ..View::default()
            },
        ];
        let opts = crate::json::CodecOptions::default();
        let mode = crate::json::FieldErrorMode::Fail;
        for view in views {
            let mut plain = crate::json::Decoder::new(&layout, opts).unwrap();
            let mut out = Vec::new();
            plain.decode(record, &mut out, mode).unwrap();
            let mut edited: Value = serde_json::from_slice(&out).unwrap();
            view.edit_json(&mut edited);
            let mut shaped = crate::json::Decoder::with_view(&layout, opts, &view).unwrap();
            let mut out = Vec::new();
            shaped.decode(record, &mut out, mode).unwrap();
            let one_pass: Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(one_pass, edited, "{view:?}");
        }
    }

    #[test]
    fn shown_paths_follow_the_renames() {
        let view = View {
            rename: vec![
                (p("keeper"), "owner".into()),
                (p("keeper.name"), "n".into()),
            ],
            ..View::default()
        };
        assert_eq!(view.shown_path(&p("keeper.name")), p("owner.n"));
        assert_eq!(view.shown_path(&p("keeper.dob")), p("owner.dob"));
        // Unrenamed paths and the empty path come back as they were.
        assert_eq!(view.shown_path(&p("vrm")), p("vrm"));
        assert!(view.shown_path(&[]).is_empty());
    }
}

//! Key matching: which response record answers a request.
//!
//! A key is the value at a dotted JSON path. Records come from COBOL fields, so text is
//! compared trimmed (a PIC X(8) `AB12CDE ` is `AB12CDE`) and numbers by decimal value
//! (`007`, `7` and `7.00` are one key). Text that spells a number also matches that
//! number, because a key may be PIC X on one side and PIC 9 on the other. A path that
//! passes through an array looks at every element, so a record with a list of matches
//! is found by any of them.

use std::collections::HashMap;

use serde_json::Value;

use crate::decimal_text::canonical;

/// Every value at `path` in `v`; arrays on the way are searched element by element.
pub fn values_at<'v>(v: &'v Value, path: &[String]) -> Vec<&'v Value> {
    let mut out = Vec::new();
    collect(v, path, &mut out);
    out
}

fn collect<'v>(v: &'v Value, path: &[String], out: &mut Vec<&'v Value>) {
    match (v, path.split_first()) {
        (Value::Array(items), _) => items.iter().for_each(|i| collect(i, path, out)),
        (_, None) => out.push(v),
        (Value::Object(m), Some((name, rest))) => {
            if let Some(child) = m.get(name) {
                collect(child, rest, out);
            }
        }
        _ => {}
    }
}

/// Response records by key value: the first record with a key wins.
#[derive(Debug, Default)]
pub struct KeyIndex {
    text: HashMap<String, usize>,
    number: HashMap<String, usize>,
    ignore_case: bool,
}

impl KeyIndex {
    pub fn new(ignore_case: bool) -> Self {
        KeyIndex {
            ignore_case,
            ..KeyIndex::default()
        }
    }

    fn text_key(&self, s: &str) -> Option<String> {
        let t = s.trim();
        // A blank key is "no key": a blank request must not find a blank record.
        (!t.is_empty()).then(|| {
            if self.ignore_case {
                t.to_ascii_uppercase()
            } else {
                t.to_string()
            }
        })
    }

    /// Files `record` under a key value (text or number; other values are ignored).
    pub fn insert(&mut self, key: &Value, record: usize) {
        match key {
            Value::String(s) => {
                if let Some(k) = self.text_key(s) {
                    self.text.entry(k).or_insert(record);
                }
                if let Some(n) = canonical(s) {
                    self.number.entry(n).or_insert(record);
                }
            }
            Value::Number(n) => {
                let raw = n.to_string();
                let k = canonical(&raw).unwrap_or(raw);
                self.number.entry(k).or_insert(record);
            }
            _ => {}
        }
    }

    /// The record filed under `key`, if any: text first as text, then as a number.
    pub fn find(&self, key: &Value) -> Option<usize> {
        match key {
            Value::String(s) => self
                .text_key(s)
                .and_then(|k| self.text.get(&k))
                .or_else(|| canonical(s).and_then(|n| self.number.get(&n)))
                .copied(),
            Value::Number(n) => {
                let raw = n.to_string();
                let k = canonical(&raw).unwrap_or(raw);
                self.number.get(&k).copied()
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(str::to_string).collect()
    }

    #[test]
    fn trimmed_text_matches() {
        // A PIC X(8) key arrives padded; the record file has it bare.
        let mut ix = KeyIndex::new(false);
        ix.insert(&json!("AB12CDE"), 0);
        assert_eq!(ix.find(&json!("AB12CDE ")), Some(0));
        assert_eq!(ix.find(&json!("  AB12CDE")), Some(0));
    }

    #[test]
    fn text_is_case_sensitive_unless_asked() {
        // `smith` is not `SMITH` by default, and is with ignore_case.
        let mut exact = KeyIndex::new(false);
        exact.insert(&json!("SMITH"), 3);
        assert_eq!(exact.find(&json!("smith")), None);
        let mut loose = KeyIndex::new(true);
        loose.insert(&json!("SMITH"), 3);
        assert_eq!(loose.find(&json!("smith")), Some(3));
    }

    #[test]
    fn numbers_match_by_decimal_value() {
        // 7, 007 and 7.00 are the same key; a text key that spells a number matches it.
        let mut ix = KeyIndex::new(false);
        ix.insert(&json!(7), 1);
        assert_eq!(ix.find(&serde_json::from_str("7.00").unwrap()), Some(1));
        assert_eq!(ix.find(&json!("007")), Some(1));
        assert_eq!(ix.find(&json!(8)), None);
    }

    #[test]
    fn text_record_keys_match_numbers() {
        // Record key PIC X "00123", request key PIC 9 holding 123.
        let mut ix = KeyIndex::new(false);
        ix.insert(&json!("00123"), 4);
        assert_eq!(ix.find(&json!(123)), Some(4));
    }

    #[test]
    fn blank_and_odd_keys_never_match() {
        // A blank request must not find a record whose key is blank; null and objects
        // are not keys at all.
        let mut ix = KeyIndex::new(false);
        ix.insert(&json!("   "), 0);
        ix.insert(&json!(null), 1);
        ix.insert(&json!({"a": 1}), 2);
        assert_eq!(ix.find(&json!("   ")), None);
        assert_eq!(ix.find(&json!("")), None);
        assert_eq!(ix.find(&json!(null)), None);
        assert_eq!(ix.find(&json!(true)), None);
    }

    #[test]
    fn first_record_with_a_key_wins() {
        // Duplicate keys in the record file: the earlier line answers.
        let mut ix = KeyIndex::new(false);
        ix.insert(&json!("X1"), 0);
        ix.insert(&json!("X1"), 5);
        assert_eq!(ix.find(&json!("X1")), Some(0));
    }

    #[test]
    fn paths_walk_objects_and_every_array_element() {
        // `matches.surname` finds each match's surname; missing paths find nothing.
        let rec = json!({"matches": [{"surname": "SMITH"}, {"surname": "JONES"}], "n": {"k": 1}});
        let found: Vec<_> = values_at(&rec, &path("matches.surname"));
        assert_eq!(found, vec![&json!("SMITH"), &json!("JONES")]);
        assert_eq!(values_at(&rec, &path("n.k")), vec![&json!(1)]);
        assert!(values_at(&rec, &path("n.missing")).is_empty());
        assert!(values_at(&rec, &path("n.k.deeper")).is_empty());
    }
}

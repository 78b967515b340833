//! The borrowed tree reads every document as `serde_json::Value` does.

use std::borrow::Cow;

use proptest::prelude::*;
use serde_json::Value;

use super::*;

/// Both readings of `text`: equal values (key order included), or both refused with
/// the same message.
fn same_as_value(text: &str) {
    let ours = serde_json::from_str::<Json>(text).map(|j| Value::from(&j));
    let theirs = serde_json::from_str::<Value>(text);
    match (ours, theirs) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "{text}");
            // Value's equality ignores key order; the encoder's errors do not.
            assert_eq!(a.to_string(), b.to_string(), "{text}");
        }
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
        (a, b) => panic!("{text}: tree {a:?}, value {b:?}"),
    }
}

#[test]
fn reads_documents_as_value_does() {
    for text in [
        "{}",
        "[]",
        "null",
        r#"{"a":1,"b":"x","c":[1,2.50,-0,1e3,1E-2],"d":{"e":null,"f":true}}"#,
        // A repeated key keeps its first place and its last value.
        r#"{"a":1,"b":2,"a":3}"#,
        r#"{"s":"tab\tquote\"\u00e9"}"#,
        "12345678901234567890123456789.000",
        // Broken documents: the parser's own messages.
        r#"{"a":1,}"#,
        r#"{"a":1} x"#,
        r#"{"a":"#,
        "",
        // The number token read as a number, as Value does.
        r#"{"$serde_json::private::Number":"12.5"}"#,
    ] {
        same_as_value(text);
    }
}

#[test]
fn repeated_keys_in_large_objects_keep_first_place_and_last_value() {
    // Past SMALL members repeats are found by hashing, once the object is read.
    let mut text = String::from("{");
    for i in 0..40 {
        text.push_str(&format!("\"k{}\":{i},", i % 25));
    }
    text.push_str("\"k3\":\"last\"}");
    same_as_value(&text);
    let j: Json = serde_json::from_str(&text).unwrap();
    let Json::Object(m) = &j else { panic!() };
    assert_eq!(m.len(), 25);
    assert_eq!(m.get("k3"), Some(&Json::String(Cow::Borrowed("last"))));
}

#[test]
fn strings_without_escapes_are_borrowed() {
    let j: Json = serde_json::from_str(r#"{"plain":"AB12CDE","esc":"A\nB"}"#).unwrap();
    let Json::Object(m) = &j else { panic!() };
    assert!(matches!(
        m.get("plain"),
        Some(Json::String(Cow::Borrowed("AB12CDE")))
    ));
    assert!(matches!(m.get("esc"), Some(Json::String(Cow::Owned(s))) if s == "A\nB"));
}

#[test]
fn insert_replaces_in_place_and_get_or_insert_appends() {
    let mut m = Members::default();
    m.insert("a".into(), Json::Bool(true));
    m.insert("b".into(), Json::Null);
    m.insert("a".into(), Json::Bool(false));
    assert_eq!(m.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(m.get("a"), Some(&Json::Bool(false)));
    *m.get_or_insert_with("c".into(), || Json::Null) = Json::Bool(true);
    assert!(matches!(
        m.get_or_insert_with("a".into(), || Json::Null),
        Json::Bool(false)
    ));
    assert_eq!(
        m.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
}

/// Random JSON text: objects with repeated keys among a few names, escapes, numbers
/// in several spellings; sometimes cut short or with a stray character.
fn json_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        "-?[0-9]{1,25}(\\.[0-9]{1,5})?([eE][-+]?[0-9]{1,2})?",
        "\"([A-Z a-z0-9]|\\\\n|\\\\\"|\\\\u00e9){0,12}\"",
    ];
    leaf.prop_recursive(4, 64, 12, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(("[a-e]{1,2}", inner), 0..24).prop_map(|v| {
                let members: Vec<String> =
                    v.into_iter().map(|(k, x)| format!("\"{k}\":{x}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

proptest! {
    #[test]
    fn random_documents_read_as_value_reads_them(
        text in json_text(),
        cut in 0usize..200,
        stray in any::<bool>(),
    ) {
        same_as_value(&text);
        // Broken variants give the parser's same errors.
        let mut broken: String = text.chars().take(cut).collect();
        if stray {
            broken.push('}');
        }
        same_as_value(&broken);
    }
}

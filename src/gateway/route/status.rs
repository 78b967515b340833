//! Return code -> HTTP status: a route's `status` map applied to the decoded record.
//!
//! Codes compare as text and, when both sides are decimal numbers, by value, so a map
//! key `"0"` matches a PIC 99 return code decoded as `0`, `00` or `0.0`.

use std::borrow::Cow;

use serde_json::Value;

use crate::config::StatusSpec;
use crate::decimal_text::parts;

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

/// The status for a decoded response, or `None` when no entry matches and there is no
/// `*` default (the host answered something the route does not know: 502).
pub fn map_status(spec: &StatusSpec, record: &Value) -> Option<u16> {
    map_code(spec, get_path(record, &spec.field))
}

/// [`map_status`] of the return code's value itself (`None`: the record has none).
pub fn map_code(spec: &StatusSpec, code: Option<&Value>) -> Option<u16> {
    map_text(spec, code.and_then(code_text).as_deref())
}

/// [`map_code`] of a captured return code's JSON text, as the one-pass decoder captured
/// it; `Err` when it is not JSON. A number or a string without escapes is read in place
/// (no `Value`, no copy): a number's text is what serde_json keeps of it
/// (`arbitrary_precision`), a string's content is between its quotes.
pub fn map_captured(spec: &StatusSpec, json: &[u8]) -> Result<Option<u16>, serde_json::Error> {
    if let Some(text) = in_place(json) {
        return Ok(map_text(spec, Some(text)));
    }
    let code = serde_json::from_slice::<Value>(json)?;
    Ok(map_code(spec, Some(&code)))
}

/// The code text of a JSON number, or of a string with nothing escaped (trimmed), read
/// where it is; `None` for anything else (the caller parses it).
fn in_place(json: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(json).ok()?;
    if is_json_number(json) {
        return Some(text);
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    // Control characters are invalid in a JSON string: serde_json decides about those.
    if inner.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        return None;
    }
    Some(inner.trim())
}

/// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`: JSON's number grammar, whole.
fn is_json_number(b: &[u8]) -> bool {
    fn digits(b: &[u8], at: &mut usize) -> usize {
        let start = *at;
        while b.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    }
    let mut at = usize::from(b.first() == Some(&b'-'));
    match b.get(at) {
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => {
            digits(b, &mut at);
        }
        _ => return false,
    }
    if b.get(at) == Some(&b'.') {
        at += 1;
        if digits(b, &mut at) == 0 {
            return false;
        }
    }
    if matches!(b.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(b.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if digits(b, &mut at) == 0 {
            return false;
        }
    }
    at == b.len()
}

/// The status for a return code's text (`None`: no code), or the `*` default.
fn map_text(spec: &StatusSpec, code: Option<&str>) -> Option<u16> {
    code.and_then(|c| {
        spec.map
            .iter()
            .find(|(k, _)| codes_match(k, c))
            .map(|(_, &s)| s)
    })
    .or(spec.default)
}

/// The return code's text in a decoded response, if the record has one.
pub fn code_of(spec: &StatusSpec, record: &Value) -> Option<String> {
    get_path(record, &spec.field)
        .and_then(code_text)
        .map(Cow::into_owned)
}

/// A return code's text, trimmed (`null` and objects are not codes).
fn code_text(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s.trim())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

fn codes_match(key: &str, code: &str) -> bool {
    key == code
        || match (parts(key), parts(code)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn spec(pairs: &[(&str, u16)], default: Option<u16>) -> StatusSpec {
        StatusSpec {
            field: vec!["hdr".into(), "rc".into()],
            map: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<BTreeMap<_, _>>(),
            default,
            detail: None,
        }
    }

    fn rec(rc: Value) -> Value {
        json!({"hdr": {"rc": rc}})
    }

    #[test]
    fn numbers_match_by_decimal_value() {
        let s = spec(&[("0", 200), ("4", 404)], Some(502));
        // A numeric code decoded as 0, 00 (text) or 0.0 all mean "0".
        let zero: Value = serde_json::from_str("0.0").unwrap();
        for rc in [json!(0), json!("00"), zero, json!(" 0 ")] {
            assert_eq!(map_status(&s, &rec(rc.clone())), Some(200), "{rc}");
        }
        assert_eq!(map_status(&s, &rec(json!("004"))), Some(404));
    }

    #[test]
    fn text_codes_match_exactly() {
        let s = spec(&[("OK", 200), ("NF", 404)], None);
        assert_eq!(map_status(&s, &rec(json!("NF"))), Some(404));
        // Case matters: a code is an exact token.
        assert_eq!(map_status(&s, &rec(json!("nf"))), None);
    }

    #[test]
    fn star_is_the_default_and_no_match_is_none() {
        let with_star = spec(&[("0", 200)], Some(503));
        assert_eq!(map_status(&with_star, &rec(json!(8))), Some(503));
        let without = spec(&[("0", 200)], None);
        // Unknown code and no `*`: the caller answers 502.
        assert_eq!(map_status(&without, &rec(json!(8))), None);
        // A record without the field (short record) falls to the default too.
        assert_eq!(map_status(&with_star, &json!({})), Some(503));
        assert_eq!(map_status(&without, &json!({"hdr": {}})), None);
    }

    #[test]
    fn a_code_maps_as_the_record_holding_it_does() {
        // The one-pass path maps the captured value itself: same answers as the record.
        let s = spec(&[("0", 200), ("NF", 404)], Some(502));
        for rc in [
            json!(0),
            json!("000"),
            json!("NF"),
            json!(" NF"),
            json!(7),
            json!(null),
        ] {
            assert_eq!(
                map_code(&s, Some(&rc)),
                map_status(&s, &rec(rc.clone())),
                "{rc}"
            );
        }
        // No code at all: the default, or none.
        assert_eq!(map_code(&s, None), Some(502));
        assert_eq!(map_code(&spec(&[("0", 200)], None), None), None);
        // An object is not a code.
        assert_eq!(map_code(&spec(&[], None), Some(&json!({"rc": 0}))), None);
    }

    #[test]
    fn get_reads_nested_values() {
        let v = json!({"hdr": {"rc": 4}, "t": [{"x": "a"}]});
        assert_eq!(get_path(&v, &path("hdr.rc")), Some(&json!(4)));
        assert_eq!(get_path(&v, &path("t.x")), Some(&json!("a")));
        // Missing fields (a short record) give None.
        assert_eq!(get_path(&v, &path("hdr.nope")), None);
        assert_eq!(get_path(&v, &path("hdr.rc.deeper")), None);
    }

    fn path(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    #[test]
    fn codes_compare_as_exact_decimals() {
        assert!(codes_match("4", "04"));
        assert!(codes_match("-1.50", "-1.5"));
        assert!(codes_match("0", "-0.00"));
        assert!(!codes_match("NF", "nf"));
        // Digits beyond f64 precision still compare exactly.
        assert!(!codes_match("12345678901234567890", "12345678901234567891"));
    }

    #[test]
    fn captured_codes_map_as_their_parsed_values() {
        // Numbers and strings read in place, everything else parsed: the same answers
        // as parsing the captured text into a value first, and the same failures.
        let s = spec(&[("0", 200), ("4", 404), ("-1.50", 409), ("NF", 410)], None);
        for text in [
            "0",
            "00",
            "-0",
            "0.0",
            "4",
            "4.000",
            "-1.5",
            "-01.5",
            "1e3",
            "1E+3",
            "1.",
            ".5",
            "-",
            "",
            "\"NF\"",
            "\" NF \"",
            "\"N\\u0046\"",
            "\"004\"",
            "\"\"",
            "\"caf\u{e9}\"",
            "\"a\tb\"",
            "true",
            "null",
            "{}",
            "[0]",
            " 0",
            "0 ",
            "\"0",
            "+1",
            "--1",
            "01",
        ] {
            let parsed = serde_json::from_slice::<Value>(text.as_bytes())
                .map(|v| map_code(&s, Some(&v)))
                .ok();
            assert_eq!(map_captured(&s, text.as_bytes()).ok(), parsed, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn captured_texts_agree_with_parsing(
            text in "[-+0-9.eE \"NF\\\\tu\u{e9}]{0,8}",
            default in proptest::option::of(500u16..505),
        ) {
            let s = spec(&[("0", 200), ("4", 404), ("-1.50", 409), ("NF", 410)], default);
            let parsed = serde_json::from_slice::<Value>(text.as_bytes())
                .map(|v| map_code(&s, Some(&v)))
                .ok();
            proptest::prop_assert_eq!(map_captured(&s, text.as_bytes()).ok(), parsed);
        }
    }
}

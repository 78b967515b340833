//! Which characters a text field can take: those the backend's code page can write.
//!
//! A JSON string schema with only `maxLength` invites clients (and contract-test tools)
//! to send characters the encoder must refuse (a CJK ideograph into cp037: 400). For a
//! single-byte code page the repertoire is at most 256 characters, so the document can
//! say it exactly as a `pattern`.

use ferrule_parsers::codepage::CodePage;
use serde_json::Value;

/// An anchored ECMA-262 pattern of the characters `codepage` can encode, as `\uXXXX`
/// ranges; `None` for multi-byte pages (UTF-8 and the like), which write any text.
pub fn repertoire_pattern(codepage: &CodePage) -> Option<String> {
    if !codepage.is_single_byte() {
        return None;
    }
    let mut chars: Vec<u32> = (0u8..=255)
        .filter_map(|b| codepage.decode(&[b]).ok())
        .filter_map(|s| {
            let mut it = s.chars();
            match (it.next(), it.next()) {
                // Only characters that also go back to one byte are writable.
                (Some(c), None) if codepage.encode(&s).is_ok_and(|e| e.len() == 1) => {
                    Some(u32::from(c))
                }
                _ => None,
            }
        })
        .filter(|&c| c <= 0xFFFF)
        .collect();
    chars.sort_unstable();
    chars.dedup();
    let mut class = String::new();
    let mut i = 0;
    while let Some(&start) = chars.get(i) {
        let mut end = start;
        while chars.get(i + 1) == Some(&(end + 1)) {
            end += 1;
            i += 1;
        }
        class.push_str(&format!("\\u{start:04x}"));
        if end > start {
            class.push_str(&format!("-\\u{end:04x}"));
        }
        i += 1;
    }
    if class.is_empty() {
        return None;
    }
    Some(format!("^[{class}]*$"))
}

/// Adds `pattern` to every text field of `schema`: a `"type": "string"` with a
/// `maxLength` and nothing already constraining its characters (`pattern`, `enum`,
/// `const`, `format`).
pub fn restrict_text(schema: &mut Value, pattern: &str) {
    match schema {
        Value::Object(node) => {
            let text = node.get("type").and_then(Value::as_str) == Some("string")
                && node.contains_key("maxLength")
                && !["pattern", "enum", "const", "format"]
                    .iter()
                    .any(|k| node.contains_key(*k));
            if text {
                node.insert("pattern".into(), Value::String(pattern.to_string()));
            }
            for (key, value) in node.iter_mut() {
                // Annotations and examples are not schemas.
                if !key.starts_with("x-") && key != "examples" && key != "default" {
                    restrict_text(value, pattern);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| restrict_text(v, pattern)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(name: &str) -> CodePage {
        CodePage::by_name(name).unwrap()
    }

    #[test]
    fn single_byte_pages_have_a_pattern_of_their_characters() {
        // cp037 writes all of Latin-1; the pattern is anchored and accepts ASCII.
        assert_eq!(
            repertoire_pattern(&page("cp037")).as_deref(),
            Some("^[\\u0000-\\u00ff]*$")
        );
        // cp1146 (UK with euro) writes U+20AC.
        let p = repertoire_pattern(&page("cp1146")).unwrap();
        assert!(p.contains("\\u20ac"), "{p}");
        // UTF-8 writes anything: no pattern.
        assert_eq!(repertoire_pattern(&page("utf-8")), None);
    }

    #[test]
    fn only_plain_text_fields_get_the_pattern() {
        let mut s = json!({
            "type": "object",
            "properties": {
                "vrm": {"type": "string", "maxLength": 8},
                "code": {"type": "string", "maxLength": 1, "enum": ["T", "S"]},
                "amount": {"type": "string", "maxLength": 10, "pattern": "^-?[0-9]+$"},
                "n": {"type": "integer"},
                "free": {"type": "string"},
                "rows": {"type": "array", "items": {"type": "object", "properties": {
                    "t": {"type": "string", "maxLength": 4, "x-cobol": {"pic": "X(4)"}}
                }}}
            }
        });
        restrict_text(&mut s, "^[a]*$");
        let props = &s["properties"];
        assert_eq!(props["vrm"]["pattern"], "^[a]*$");
        assert_eq!(
            props["rows"]["items"]["properties"]["t"]["pattern"],
            "^[a]*$"
        );
        // Enumerations, numbers as text, non-strings and unbounded strings are left alone.
        assert!(props["code"].get("pattern").is_none());
        assert_eq!(props["amount"]["pattern"], "^-?[0-9]+$");
        assert!(props["n"].get("pattern").is_none());
        assert!(props["free"].get("pattern").is_none());
    }
}

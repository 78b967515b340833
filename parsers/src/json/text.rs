//! JSON string writing: escapes as RFC 8259 requires, fast path for clean runs.

/// Bytes that must be escaped inside a JSON string.
const fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// True when some byte of `s` must be escaped in a JSON string (rare in record text).
pub fn needs_escaping(s: &[u8]) -> bool {
    // No early exit: a plain OR over the bytes vectorises, and clean text is the norm.
    s.iter().fold(false, |any, &b| any | needs_escape(b))
}

/// Appends `s` (valid UTF-8) as a quoted JSON string.
pub fn write_str(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&s[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            // As serde_json writes them, so edited and one-pass responses agree.
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 15) as usize]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&s[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        let mut out = Vec::new();
        write_str(&mut out, b"a\"b\\c\nd\x01");
        assert_eq!(out, br#""a\"b\\c\nd\u0001""#);
    }

    #[test]
    fn needs_escaping_finds_quotes_backslashes_and_controls() {
        // Clean text, including non-ASCII UTF-8, needs nothing.
        assert!(!needs_escaping("Öst £5 O'Brien".as_bytes()));
        assert!(!needs_escaping(b""));
        // Each kind of byte that must be escaped is found wherever it is.
        assert!(needs_escaping(b"say \"hi"));
        assert!(needs_escaping(b"a\\b"));
        assert!(needs_escaping(b"tab\tend"));
        assert!(needs_escaping(b"\x1f"));
    }

    #[test]
    fn clean_text_is_copied() {
        let mut out = Vec::new();
        write_str(&mut out, "Öst £5".as_bytes());
        assert_eq!(out, "\"Öst £5\"".as_bytes());
    }
}

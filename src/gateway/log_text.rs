//! The strings the log writers may print themselves: printable ASCII and tab, and how
//! `{:?}` (text lines) and serde_json (JSON lines) escape them, which is the same for
//! these bytes. Shared by the span field formatter and the `request done` line.

/// Printable ASCII and tab only: the strings whose escaping here is known to match the
/// subscriber's (`{:?}` of a `str`; serde_json's strings).
pub(super) fn plain(s: &str) -> bool {
    // A fold without an early exit: the compiler checks many bytes per instruction
    // (these strings are ids of ~36 bytes, checked on every request).
    s.bytes().fold(true, |ok, b| {
        ok & ((0x20..0x7f).contains(&b) | (b == b'\t'))
    })
}

/// Hands `out` the escaped text of a plain string in pieces: runs kept as they are, and
/// `\"`, `\\`, `\t` between them. A run is one call, not a call per byte: a request id
/// or a trace id is one piece.
pub(super) fn escaped(s: &str, mut out: impl FnMut(&str)) {
    // Almost always nothing to escape: one vectorisable pass says so.
    if !s
        .bytes()
        .fold(false, |any, b| any | matches!(b, b'"' | b'\\' | b'\t'))
    {
        out(s);
        return;
    }
    let mut start = 0;
    for (at, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\t' => "\\t",
            _ => continue,
        };
        // `at` is an ASCII byte's index: both ends are character boundaries.
        out(s.get(start..at).unwrap_or_default());
        out(escape);
        start = at + 1;
    }
    out(s.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(s: &str) -> String {
        let mut t = String::new();
        escaped(s, |p| t.push_str(p));
        t
    }

    #[test]
    fn pieces_join_to_the_debug_and_json_escapes() {
        // Quotes, backslashes and tabs at the ends, side by side and alone.
        for s in [
            "",
            "plain",
            "\"",
            "\\\\",
            "\t",
            "a \"quoted\" \\ id\twith tab",
            "\"start and end\\",
            "' ~ {} = : ,",
        ] {
            assert!(plain(s), "{s:?}");
            let debug = format!("{s:?}");
            assert_eq!(joined(s), debug[1..debug.len() - 1], "{s:?}");
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(joined(s), json[1..json.len() - 1], "{s:?}");
        }
    }

    #[test]
    fn only_printable_ascii_and_tab_are_plain() {
        assert!(plain("/v1/vehicles/{vrm}"));
        assert!(plain("tab\there"));
        assert!(!plain("caf\u{e9}"));
        assert!(!plain("new\nline"));
        assert!(!plain("\r"));
        assert!(!plain("\u{7f}"));
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_judged_and_escaped_as_debug_and_json_do(s in "[ -~\t\n\u{7f}\u{e9}]{0,80}") {
            let printable = s.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\t');
            proptest::prop_assert_eq!(plain(&s), printable);
            if printable {
                let debug = format!("{s:?}");
                proptest::prop_assert_eq!(joined(&s), &debug[1..debug.len() - 1]);
                let json = serde_json::to_string(&s).unwrap();
                proptest::prop_assert_eq!(joined(&s), &json[1..json.len() - 1]);
            }
        }
    }
}

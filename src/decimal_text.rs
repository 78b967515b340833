//! Decimal numbers written as text, compared by value: a status map's `"4"` matches a
//! return code `04`, a mock's key `7.50` matches a request's `7.5`. Exact (no floats).

/// A decimal's parts as compared: negative, integer digits without leading zeros (`"0"`
/// for none), fraction digits without trailing zeros; `-0` is `0`. `None` for anything
/// that is not a plain decimal (exponents, letters, empty). Allocates nothing: status
/// maps compare their keys with every call's code.
pub fn parts(s: &str) -> Option<(bool, &str, &str)> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let zero = int == "0" && frac.is_empty();
    Some((neg && !zero, int, frac))
}

/// The canonical text of a decimal (`-007.50` -> `-7.5`, `-0.00` -> `0`), surrounding
/// blanks ignored; `None` as for [`parts`].
pub fn canonical(s: &str) -> Option<String> {
    parts(s.trim()).map(|(neg, int, frac)| {
        let sign = if neg { "-" } else { "" };
        let dot = if frac.is_empty() { "" } else { "." };
        format!("{sign}{int}{dot}{frac}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_canonical_and_exact() {
        assert_eq!(canonical("-007.50").as_deref(), Some("-7.5"));
        assert_eq!(canonical("-0.00").as_deref(), Some("0"));
        assert_eq!(canonical("+0.000").as_deref(), Some("0"));
        assert_eq!(canonical("+12").as_deref(), Some("12"));
        assert_eq!(canonical(".5").as_deref(), Some("0.5"));
        assert_eq!(canonical("12.").as_deref(), Some("12"));
        assert_eq!(canonical(" 42 ").as_deref(), Some("42"));
        // Digits beyond f64 precision stay apart.
        assert_ne!(parts("12345678901234567890"), parts("12345678901234567891"));
        for bad in ["", "-", ".", "+.", "1e3", "12A", "AB12", "1.2.3", "--1"] {
            assert_eq!(canonical(bad), None, "{bad}");
        }
    }
}

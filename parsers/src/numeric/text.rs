//! Exact JSON number text from ASCII digits, a sign and a scale: the one formatter behind
//! [`Decimal::write_json`](super::Decimal::write_json) and the decoders that write numbers
//! straight from record bytes (packed, zoned, binary `write_json`), so all agree on it.

/// Writes `(-1)^negative * digits * 10^-scale` as JSON number text. `digits` are ASCII
/// `0`-`9` without leading zeros (empty for zero). The scale's trailing zeros are kept:
/// `12345` at scale 2 is `123.45`, `5` at scale 2 `0.05`, `12` at scale -3 `12000`, zero at
/// scale 2 `0.00`; a negative zero keeps its sign (`-0.00`).
#[inline]
pub(crate) fn write_number(negative: bool, digits: &[u8], scale: i16, out: &mut Vec<u8>) {
    let n = digits.len();
    let s = usize::from(scale.unsigned_abs());
    out.reserve(n + s + 3);
    if negative {
        out.push(b'-');
    }
    if scale <= 0 {
        if n == 0 {
            out.push(b'0');
        } else {
            out.extend_from_slice(digits);
            out.resize(out.len() + s, b'0');
        }
    } else if n > s {
        let (int, frac) = digits.split_at(n - s);
        out.extend_from_slice(int);
        out.push(b'.');
        out.extend_from_slice(frac);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (s - n), b'0');
        out.extend_from_slice(digits);
    }
}

/// The ASCII digits after any leading `0`s.
#[inline]
pub(crate) fn strip_zeros(ascii: &[u8]) -> &[u8] {
    let lead = ascii.iter().take_while(|&&b| b == b'0').count();
    ascii.get(lead..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(negative: bool, digits: &[u8], scale: i16) -> String {
        let mut v = b"x".to_vec();
        write_number(negative, digits, scale, &mut v);
        String::from_utf8(v).unwrap_or_default()
    }

    #[test]
    fn places_the_point_by_scale() {
        // Integer and fraction digits.
        assert_eq!(text(false, b"12345", 2), "x123.45");
        // Fewer digits than the scale.
        assert_eq!(text(true, b"5", 3), "x-0.005");
        // Exactly as many digits as the scale.
        assert_eq!(text(false, b"75", 2), "x0.75");
        // Negative scale (P positions) appends zeros.
        assert_eq!(text(false, b"12", -3), "x12000");
    }

    #[test]
    fn zero_keeps_scale_and_sign() {
        // Zero has no digits; its scale shows, a negative sign stays.
        assert_eq!(text(false, b"", 2), "x0.00");
        assert_eq!(text(true, b"", 2), "x-0.00");
        assert_eq!(text(false, b"", 0), "x0");
        assert_eq!(text(false, b"", -2), "x0");
    }

    #[test]
    fn strips_leading_zeros_only() {
        // Inner and trailing zeros stay; all zeros become nothing.
        assert_eq!(strip_zeros(b"00102"), b"102");
        assert_eq!(strip_zeros(b"000"), b"");
        assert_eq!(strip_zeros(b""), b"");
    }
}

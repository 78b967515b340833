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

/// Writes `(-1)^negative * magnitude * 10^-scale` as exact number text, as
/// [`write_number`] writes its digits (`0.05`, `-123.45`, `12000` at scale -3): for
/// callers holding an integer and a scale (Arrow decimals and integers), a digit word at
/// a time when it has at most 16 digits and a scale of 0 to 15.
pub fn write_scaled(negative: bool, magnitude: u128, scale: i16, out: &mut Vec<u8>) {
    if let Ok(m) = u64::try_from(magnitude) {
        if m < 10_000_000_000_000_000
            && super::swar::write_number(negative, super::swar::digits_of(m), scale, out)
        {
            return;
        }
    }
    // u128 has at most 39 digits; written from the right, BLOCK spare bytes after them.
    let mut ascii = [0u8; 39 + BLOCK];
    let mut start = 39;
    let mut m = magnitude;
    while m > 0 {
        start -= 1;
        if let Some(a) = ascii.get_mut(start) {
            *a = b'0' + (m % 10) as u8;
        }
        m /= 10;
    }
    write_number_in(negative, &ascii, start, 39, scale, out);
}

/// Bytes a caller's digit buffer must hold from the first digit, and from the first
/// fraction digit, for [`write_number_in`] to copy fixed-size blocks.
pub(crate) const BLOCK: usize = 32;

/// [`write_number`] for the digits `buf[from..to]` (no leading zeros), where `buf` may hold
/// anything after `to`. When `buf` has `BLOCK` bytes from `from` and from the first
/// fraction digit (callers pad their stack buffers for that) and the parts fit a block,
/// the text is composed in a stack block with fixed-size copies and appended as one
/// fixed-size block, then cut back: no `memcpy` call of variable length per number.
#[inline]
pub(crate) fn write_number_in(
    negative: bool,
    buf: &[u8],
    from: usize,
    to: usize,
    scale: i16,
    out: &mut Vec<u8>,
) {
    let n = to.saturating_sub(from);
    let s = usize::from(scale.unsigned_abs());
    // Scale <= 0 has no fraction; a negative scale's zeros go through `write_number`.
    let frac = if scale >= 0 { s } else { usize::MAX };
    let int = n.saturating_sub(frac);
    let head = buf.get(from..from + BLOCK);
    let tail = buf
        .get(to.saturating_sub(frac.min(n))..)
        .and_then(|t| t.get(..BLOCK));
    let (Some(head), Some(tail), true) = (head, tail, frac < BLOCK && n <= BLOCK) else {
        write_number(negative, buf.get(from..to).unwrap_or_default(), scale, out);
        return;
    };
    // Zero-filled, so "0.", the zeros of a short fraction and a lone "0" cost nothing.
    let mut block = [b'0'; 2 * BLOCK + 4];
    // Every `at` below stays under BLOCK + 3, so each put fits the block.
    let put = |block: &mut [u8], at: usize, src: &[u8]| {
        if let Some(dst) = block.get_mut(at..at + BLOCK) {
            dst.copy_from_slice(src);
        }
    };
    let set = |block: &mut [u8], at: usize, b: u8| {
        if let Some(slot) = block.get_mut(at) {
            *slot = b;
        }
    };
    let mut at = 0;
    if negative {
        set(&mut block, 0, b'-');
        at = 1;
    }
    if frac == 0 {
        put(&mut block, at, head);
        if n == 0 {
            set(&mut block, at, b'0');
        }
        at += n.max(1);
    } else if int > 0 {
        put(&mut block, at, head);
        at += int;
        put(&mut block, at + 1, tail);
        set(&mut block, at, b'.');
        at += 1 + frac;
    } else {
        // Fewer digits than the scale: "0." then zeros, the digits last.
        set(&mut block, at + 1, b'.');
        at += 2 + (frac - n);
        put(&mut block, at, head);
        at += n;
    }
    let end = out.len() + at;
    out.extend_from_slice(&block);
    out.truncate(end);
}

/// How many leading `0`s the ASCII digits have.
#[inline]
pub(crate) fn lead_zeros(ascii: &[u8]) -> usize {
    ascii.iter().take_while(|&&b| b == b'0').count()
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
    fn block_writer_agrees_with_write_number() {
        // Every digit count, scale and sign, digits at two places in the buffer and junk
        // after them (the fixed-size copies read it and must cut it off).
        for n in 0..=40usize {
            for scale in -4i16..=40 {
                for negative in [false, true] {
                    for from in [0usize, 3] {
                        let digits: Vec<u8> = (0..n).map(|i| b'1' + (i % 9) as u8).collect();
                        let mut buf = vec![b'#'; from + n + 2 * BLOCK];
                        buf[from..from + n].copy_from_slice(&digits);
                        let mut want = b"x".to_vec();
                        write_number(negative, &digits, scale, &mut want);
                        let mut got = b"x".to_vec();
                        write_number_in(negative, &buf, from, from + n, scale, &mut got);
                        assert_eq!(got, want, "n {n} scale {scale} negative {negative}");
                    }
                }
            }
        }
        // A buffer without the spare bytes takes the plain path: the same text.
        let mut out = Vec::new();
        write_number_in(true, b"12345", 0, 5, 2, &mut out);
        assert_eq!(out, b"-123.45");
    }

    #[test]
    fn write_scaled_agrees_with_write_number() {
        // Around every power of ten (the digit word's edges, u64's and u128's), every
        // scale the word takes and some it does not, both signs.
        let mut values = vec![0u128, 1, u128::MAX, u128::from(u64::MAX), 123_456_789];
        for p in 0..=38 {
            let t = 10u128.pow(p);
            values.extend([t - 1, t, t + 1, t / 7 * 3 + 1]);
        }
        for &v in &values {
            for scale in [-3i16, 0, 1, 2, 5, 15, 16, 20, 38, 40] {
                for negative in [false, true] {
                    let digits = v.to_string();
                    let digits = if v == 0 { "" } else { digits.as_str() };
                    let mut want = b"x".to_vec();
                    write_number(negative, digits.as_bytes(), scale, &mut want);
                    let mut got = b"x".to_vec();
                    write_scaled(negative, v, scale, &mut got);
                    assert_eq!(got, want, "{v} scale {scale} negative {negative}");
                }
            }
        }
    }

    #[test]
    fn counts_leading_zeros_only() {
        // Inner and trailing zeros are not counted; all zeros are.
        assert_eq!(lead_zeros(b"00102"), 2);
        assert_eq!(lead_zeros(b"000"), 3);
        assert_eq!(lead_zeros(b""), 0);
    }
}

//! Floating-point items (COMP-1, 4 bytes / COMP-2, 8 bytes) as IBM hexadecimal floating
//! point or IEEE 754, to and from JSON number text.
//!
//! IBM hex float: a sign bit, a 7-bit excess-64 exponent of 16 and a 24-bit (single) or
//! 56-bit (double) fraction; value = 0.fraction * 16^(exponent - 64). A double's fraction
//! has more bits than an `f64`, so conversions use exact big integers.
//!
//! Decode writes the shortest decimal text that [`encode`] maps back to the same bytes, so
//! decode then encode is bit-exact for every normalised IBM value and every finite IEEE
//! value. Encode rounds to the nearest value, ties to even. IBM values outside the
//! normalised range (magnitude >= 16^63 or below 16^-65) are OutOfRange errors rather
//! than silently becoming zero, both ways: unnormalised bytes holding such a value do not
//! decode either. IEEE follows IEEE rules (tiny values become subnormal or zero, too
//! large is OutOfRange). NaN and infinities are NotFinite: JSON cannot hold them.

use super::decimal::scan_number;
use super::{check_len, NumericError};
use crate::dialect::{Endian, FloatFormat};
use crate::layout::FloatWidth;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};
use std::cmp::Ordering;

fn byte_len(width: FloatWidth) -> usize {
    match width {
        FloatWidth::Single => 4,
        FloatWidth::Double => 8,
    }
}

/// Fraction bits of an IBM hex float.
fn ibm_fraction_bits(width: FloatWidth) -> u32 {
    match width {
        FloatWidth::Single => 24,
        FloatWidth::Double => 56,
    }
}

/// Reads the bytes as one unsigned integer in the given order.
fn read_bits(bytes: &[u8], endian: Endian) -> u64 {
    let fold = |acc: u64, b: &u8| (acc << 8) | u64::from(*b);
    match endian {
        Endian::Big => bytes.iter().fold(0, fold),
        Endian::Little => bytes.iter().rev().fold(0, fold),
    }
}

/// Writes the low `out.len()` bytes of `bits` in the given order.
fn write_bits(bits: u64, endian: Endian, out: &mut [u8]) {
    let be = bits.to_be_bytes();
    let tail = be.get(8 - out.len().min(8)..).unwrap_or_default();
    match endian {
        Endian::Big => out.copy_from_slice(tail),
        Endian::Little => out
            .iter_mut()
            .zip(tail.iter().rev())
            .for_each(|(o, b)| *o = *b),
    }
}

/// Writes the float in `bytes` as JSON number text: the shortest text that [`encode`]
/// turns back into the same bytes (for normalised IBM values and all finite IEEE values).
pub fn decode_json(
    bytes: &[u8],
    width: FloatWidth,
    format: FloatFormat,
    out: &mut Vec<u8>,
) -> Result<(), NumericError> {
    check_len(byte_len(width), bytes.len())?;
    match format {
        FloatFormat::IbmHex => ibm_decode(read_bits(bytes, Endian::Big), width, out),
        FloatFormat::Ieee(endian) => {
            let bits = read_bits(bytes, endian);
            // Rust's `{:e}` is the shortest round-trip form for the value's own type.
            let text = match width {
                FloatWidth::Single => {
                    let f = f32::from_bits(bits as u32);
                    f.is_finite().then(|| format!("{f:e}"))
                }
                FloatWidth::Double => {
                    let f = f64::from_bits(bits);
                    f.is_finite().then(|| format!("{f:e}"))
                }
            };
            let text = text.ok_or(NumericError::NotFinite)?;
            let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
            let negative = mantissa.starts_with('-');
            let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
            let frac_len = mantissa.split_once('.').map_or(0, |(_, f)| f.len()) as i64;
            let exp: i64 = exp.parse().map_err(|_| NumericError::NotFinite)?;
            write_number(out, negative, &digits, exp - frac_len);
            Ok(())
        }
    }
}

/// Decodes the float in `bytes` to the nearest `f64` (exact for IEEE values and IBM
/// singles; an IBM double's 56-bit fraction rounds to 53 bits). For typed sinks (Arrow)
/// that hold binary floats; JSON text comes from [`decode_json`].
pub fn decode_f64(
    bytes: &[u8],
    width: FloatWidth,
    format: FloatFormat,
) -> Result<f64, NumericError> {
    let expected = byte_len(width);
    if bytes.len() != expected {
        return Err(NumericError::BadLength {
            expected,
            got: bytes.len(),
        });
    }
    let v = match format {
        FloatFormat::Ieee(endian) => {
            let bits = read_bits(bytes, endian);
            match width {
                FloatWidth::Single => f64::from(f32::from_bits(bits as u32)),
                FloatWidth::Double => f64::from_bits(bits),
            }
        }
        FloatFormat::IbmHex => {
            let bits = read_bits(bytes, Endian::Big);
            let w = ibm_fraction_bits(width);
            let negative = (bits >> (w + 7)) & 1 == 1;
            let mut e = ((bits >> w) & 0x7F) as i32;
            let mut f = bits & ((1u64 << w) - 1);
            if f == 0 {
                return Ok(if negative { -0.0 } else { 0.0 });
            }
            // Unnormalised input is refused where decode_json refuses it.
            while f >> (w - 4) == 0 && e > 0 {
                f <<= 4;
                e -= 1;
            }
            if f >> (w - 4) == 0 {
                return Err(NumericError::OutOfRange);
            }
            // One rounding (the fraction to f64); the power of two scales exactly.
            let m = f as f64 * 2f64.powi(4 * (e - 64) - w as i32);
            if negative {
                -m
            } else {
                m
            }
        }
    };
    if v.is_finite() {
        Ok(v)
    } else {
        Err(NumericError::NotFinite)
    }
}

/// Encodes JSON number text as a float: nearest value, ties to even.
pub fn encode(
    text: &str,
    width: FloatWidth,
    format: FloatFormat,
    out: &mut [u8],
) -> Result<(), NumericError> {
    check_len(byte_len(width), out.len())?;
    let n = scan_number(text)?;
    match format {
        FloatFormat::IbmHex => {
            let digits: String = n.int.chars().chain(n.frac.chars()).collect();
            let d = BigUint::parse_bytes(digits.as_bytes(), 10).unwrap_or_default();
            let p = n.exp - n.frac.len() as i64;
            let bits = ibm_from_decimal(n.negative, &d, p, width)?;
            write_bits(bits, Endian::Big, out);
        }
        FloatFormat::Ieee(endian) => {
            // The grammar is checked above; std's parser is correctly rounded.
            let syntax = |_| NumericError::Syntax(format!("not a number: {text:?}"));
            let bits = match width {
                FloatWidth::Single => {
                    let f: f32 = text.parse().map_err(syntax)?;
                    if !f.is_finite() {
                        return Err(NumericError::OutOfRange);
                    }
                    u64::from(f.to_bits())
                }
                FloatWidth::Double => {
                    let f: f64 = text.parse().map_err(syntax)?;
                    if !f.is_finite() {
                        return Err(NumericError::OutOfRange);
                    }
                    f.to_bits()
                }
            };
            write_bits(bits, endian, out);
        }
    }
    Ok(())
}

/// Compares `num / den` with `2^t`.
fn cmp_pow2(num: &BigUint, den: &BigUint, t: i64) -> Ordering {
    if t >= 0 {
        num.cmp(&(den << t as u64))
    } else {
        (num << t.unsigned_abs()).cmp(den)
    }
}

/// `num / den` rounded to the nearest integer, ties to even.
fn div_round_even(num: &BigUint, den: &BigUint) -> BigUint {
    let (q, r) = num.div_rem(den);
    let twice: BigUint = r << 1u32;
    match twice.cmp(den) {
        Ordering::Greater => q + 1u32,
        Ordering::Equal if q.is_odd() => q + 1u32,
        _ => q,
    }
}

/// `10^e` as a big integer.
fn pow10(e: u64) -> BigUint {
    num_traits::pow(
        BigUint::from(10u32),
        usize::try_from(e).unwrap_or(usize::MAX),
    )
}

/// The nearest normalised IBM hex float to `(-1)^negative * d * 10^p`, as raw bits
/// (32 or 64 of them, sign at the top).
fn ibm_from_decimal(
    negative: bool,
    d: &BigUint,
    p: i64,
    width: FloatWidth,
) -> Result<u64, NumericError> {
    let w = ibm_fraction_bits(width);
    let sign = u64::from(negative) << (w + 7);
    if d.is_zero() {
        return Ok(sign);
    }
    // Cheap bound before building big powers: IBM spans about 10^-79 .. 10^76, and a
    // digit count times log10(2) is within one of the decimal magnitude.
    let magnitude = (d.bits() as f64 * std::f64::consts::LOG10_2) as i64 + p;
    if !(-100..=100).contains(&magnitude) {
        return Err(NumericError::OutOfRange);
    }
    let (num, den) = if p >= 0 {
        (d * pow10(p.unsigned_abs()), BigUint::one())
    } else {
        (d.clone(), pow10(p.unsigned_abs()))
    };
    // floor(log2(value)), then the hex exponent h with 16^(h-1) <= value < 16^h.
    let mut l = num.bits() as i64 - den.bits() as i64;
    if cmp_pow2(&num, &den, l) == Ordering::Less {
        l -= 1;
    }
    let mut h = l.div_euclid(4) + 1;
    let s = i64::from(w) - 4 * h;
    let mut f = if s >= 0 {
        div_round_even(&(num << s as u64), &den)
    } else {
        div_round_even(&num, &(den << s.unsigned_abs()))
    };
    if f.bits() > u64::from(w) {
        // Rounded up to 16^h: one hex digit more.
        f >>= 4u32;
        h += 1;
    }
    let e = h + 64;
    if !(0..=127).contains(&e) {
        return Err(NumericError::OutOfRange);
    }
    let frac = f.iter_u64_digits().next().unwrap_or(0);
    Ok(sign | (e as u64) << w | frac)
}

/// IBM hex float bits to the shortest JSON text that maps back to the same bits.
/// Unnormalised bits whose value lies below the normalised range are OutOfRange: encode
/// refuses such values, so a record holding one could not be written back.
fn ibm_decode(bits: u64, width: FloatWidth, out: &mut Vec<u8>) -> Result<(), NumericError> {
    let w = ibm_fraction_bits(width);
    let negative = (bits >> (w + 7)) & 1 == 1;
    let mut e = ((bits >> w) & 0x7F) as i64;
    let mut f = bits & ((1u64 << w) - 1);
    if f == 0 {
        write_number(out, negative, b"0", 0);
        return Ok(());
    }
    // Unnormalised input: the same value normalised is what text can round-trip to.
    while f >> (w - 4) == 0 && e > 0 {
        f <<= 4;
        e -= 1;
    }
    if f >> (w - 4) == 0 {
        return Err(NumericError::OutOfRange);
    }
    let k = 4 * (e - 64) - i64::from(w);
    let target = (u64::from(negative) << (w + 7)) | (e as u64) << w | f;
    let (num, den) = if k >= 0 {
        (BigUint::from(f) << k as u64, BigUint::one())
    } else {
        (BigUint::from(f), BigUint::one() << k.unsigned_abs())
    };
    let max_digits = if w == 24 { 9 } else { 18 };
    if let Some((c, s)) = shortest(&num, &den, negative, target, width, max_digits) {
        write_number(out, negative, c.to_string().as_bytes(), s);
        return Ok(());
    }
    // No short form found: the exact value.
    let (c, s) = if k >= 0 {
        (num, 0)
    } else {
        (
            BigUint::from(f) * num_traits::pow(BigUint::from(5u32), k.unsigned_abs() as usize),
            k,
        )
    };
    write_number(out, negative, c.to_string().as_bytes(), s);
    Ok(())
}

/// The fewest significant digits `c * 10^s` near `num / den` that encode to `target`.
fn shortest(
    num: &BigUint,
    den: &BigUint,
    negative: bool,
    target: u64,
    width: FloatWidth,
    max_digits: i64,
) -> Option<(BigUint, i64)> {
    // floor(log10(value)), estimated then fixed exactly.
    let approx = num.bits() as f64 - den.bits() as f64;
    let mut e10 = (approx * std::f64::consts::LOG10_2).floor() as i64;
    let ge_pow10 = |e: i64| {
        if e >= 0 {
            *num >= den * pow10(e.unsigned_abs())
        } else {
            num * pow10(e.unsigned_abs()) >= *den
        }
    };
    while !ge_pow10(e10) {
        e10 -= 1;
    }
    while ge_pow10(e10 + 1) {
        e10 += 1;
    }
    let candidate = |n: i64| {
        let s = e10 - n + 1;
        let c = if s >= 0 {
            div_round_even(num, &(den * pow10(s.unsigned_abs())))
        } else {
            div_round_even(&(num * pow10(s.unsigned_abs())), den)
        };
        let ok = ibm_from_decimal(negative, &c, s, width) == Ok(target);
        ok.then_some((c, s))
    };
    // More digits never round-trip worse, so search for the fewest. `max_digits` always
    // round-trips: 10^8 > 2^24 and 10^17 > 2^56, the most fraction bits a width has.
    let (mut lo, mut hi) = (1, max_digits);
    let mut best = candidate(hi)?;
    while lo < hi {
        let mid = (lo + hi) / 2;
        match candidate(mid) {
            Some(found) => {
                best = found;
                hi = mid;
            }
            None => lo = mid + 1,
        }
    }
    Some(best)
}

/// Writes `(-1)^negative * digits * 10^s` as JSON number text: plain notation for
/// everyday magnitudes, `d.dddE-70` style otherwise.
fn write_number(out: &mut Vec<u8>, negative: bool, digits: &[u8], s: i64) {
    let start = digits.iter().position(|&b| b != b'0');
    let Some(start) = start else {
        out.extend_from_slice(if negative { b"-0" } else { b"0" });
        return;
    };
    let end = digits
        .iter()
        .rposition(|&b| b != b'0')
        .map_or(digits.len(), |i| i + 1);
    let sig = digits.get(start..end).unwrap_or(b"0");
    let s = s + (digits.len() - end) as i64;
    // Exponent of the leading digit.
    let x = s + sig.len() as i64 - 1;
    if negative {
        out.push(b'-');
    }
    if (-7..21).contains(&x) {
        if s >= 0 {
            out.extend_from_slice(sig);
            out.resize(out.len() + s as usize, b'0');
        } else if x >= 0 {
            let (int, frac) = sig.split_at((x + 1) as usize);
            out.extend_from_slice(int);
            out.push(b'.');
            out.extend_from_slice(frac);
        } else {
            out.extend_from_slice(b"0.");
            out.resize(out.len() + (-x - 1) as usize, b'0');
            out.extend_from_slice(sig);
        }
    } else {
        let (first, rest) = sig.split_at(1);
        out.extend_from_slice(first);
        if !rest.is_empty() {
            out.push(b'.');
            out.extend_from_slice(rest);
        }
        out.extend_from_slice(format!("E{x}").as_bytes());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use proptest::prelude::*;

    const IBM: FloatFormat = FloatFormat::IbmHex;
    const S: FloatWidth = FloatWidth::Single;
    const D: FloatWidth = FloatWidth::Double;

    fn text(bytes: &[u8], width: FloatWidth, format: FloatFormat) -> String {
        let mut out = Vec::new();
        decode_json(bytes, width, format, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn bytes(t: &str, width: FloatWidth, format: FloatFormat) -> Vec<u8> {
        let mut out = vec![0u8; byte_len(width)];
        encode(t, width, format, &mut out).unwrap();
        out
    }

    #[test]
    fn ibm_single_vectors() {
        // (bytes, text) pairs from the IBM hex float definition.
        let cases: [([u8; 4], &str); 7] = [
            ([0x41, 0x48, 0x00, 0x00], "4.5"),
            ([0xC1, 0x3C, 0x00, 0x00], "-3.75"),
            ([0x41, 0x10, 0x00, 0x00], "1"),
            ([0x42, 0x64, 0x00, 0x00], "100"),
            ([0x00, 0x00, 0x00, 0x00], "0"),
            ([0x40, 0x19, 0x99, 0x9A], "0.1"),
            ([0x7F, 0xFF, 0xFF, 0xFF], "7.237005E75"),
        ];
        for (b, t) in cases {
            assert_eq!(text(&b, S, IBM), t, "{b:02X?}");
            assert_eq!(bytes(t, S, IBM), b, "{t}");
        }
        // Other spellings of the same values.
        assert_eq!(bytes("1.0", S, IBM), [0x41, 0x10, 0, 0]);
        assert_eq!(bytes("1e2", S, IBM), [0x42, 0x64, 0, 0]);
        // Negative zero keeps its sign bit.
        assert_eq!(text(&[0x80, 0, 0, 0], S, IBM), "-0");
        assert_eq!(bytes("-0", S, IBM), [0x80, 0, 0, 0]);
    }

    #[test]
    fn ibm_double_vectors() {
        // 1.0, -100.0, 0.5 and 0.1 (0.1 needs the 56-bit fraction's last bits right).
        let cases: [([u8; 8], &str); 5] = [
            ([0x41, 0x10, 0, 0, 0, 0, 0, 0], "1"),
            ([0xC2, 0x64, 0, 0, 0, 0, 0, 0], "-100"),
            ([0x40, 0x80, 0, 0, 0, 0, 0, 0], "0.5"),
            ([0x40, 0x19, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A], "0.1"),
            ([0x00, 0x10, 0, 0, 0, 0, 0, 0], "5.397605346934028E-79"),
        ];
        for (b, t) in cases {
            assert_eq!(text(&b, D, IBM), t, "{b:02X?}");
            assert_eq!(bytes(t, D, IBM), b, "{t}");
        }
    }

    #[test]
    fn ibm_rounding_and_range() {
        // 1 + 2^-21 is halfway between two singles near 1 (fraction step 2^-20): ties to even.
        assert_eq!(bytes("1.000000476837158203125", S, IBM), [0x41, 0x10, 0, 0]);
        // 7.3e75 is beyond the largest single.
        let mut out = [0u8; 4];
        assert_eq!(
            encode("7.3e75", S, IBM, &mut out),
            Err(NumericError::OutOfRange)
        );
        // Below 16^-65 is an error, not a silent zero.
        assert_eq!(
            encode("1e-80", S, IBM, &mut out),
            Err(NumericError::OutOfRange)
        );
        assert_eq!(
            encode("1e-999999999999", S, IBM, &mut out),
            Err(NumericError::OutOfRange)
        );
        // Not a JSON number.
        assert!(matches!(
            encode("NaN", S, IBM, &mut out),
            Err(NumericError::Syntax(_))
        ));
        // Wrong width.
        assert!(matches!(
            encode("1", D, IBM, &mut out),
            Err(NumericError::BadLength { .. })
        ));
    }

    #[test]
    fn ibm_unnormalised_input_decodes_to_its_value() {
        // 0x42 01 00 00 is 16^2 * 1/256 = 1, unnormalised.
        assert_eq!(text(&[0x42, 0x01, 0, 0], S, IBM), "1");
        // A fraction-zero pattern with an exponent is still zero.
        assert_eq!(text(&[0x41, 0, 0, 0], S, IBM), "0");
        // Normalised at the lowest exponent: 16^-65 still reads and writes back.
        let low = text(&[0x00, 0x10, 0, 0], S, IBM);
        assert_eq!(bytes(&low, S, IBM), [0x00, 0x10, 0, 0]);
    }

    #[test]
    fn ibm_unnormalised_below_the_normal_range_is_out_of_range() {
        // Exponent 0 with a leading zero hex digit: 16^-64 * 2^-56 for COMP-2, a value
        // encode refuses (below 16^-65), so decode refuses it too.
        let mut out = Vec::new();
        assert_eq!(
            decode_json(&[0, 0, 0, 0, 0, 0, 0, 1], D, IBM, &mut out),
            Err(NumericError::OutOfRange)
        );
        assert_eq!(
            decode_json(&[0x80, 0x01, 0, 0], S, IBM, &mut out),
            Err(NumericError::OutOfRange)
        );
        assert!(out.is_empty());
    }

    #[test]
    fn ieee_values() {
        let le = FloatFormat::Ieee(Endian::Little);
        let be = FloatFormat::Ieee(Endian::Big);
        // 4.5f32 is 0x40900000.
        assert_eq!(text(&[0x40, 0x90, 0, 0], S, be), "4.5");
        assert_eq!(bytes("4.5", S, le), [0, 0, 0x90, 0x40]);
        // 0.1f64 prints shortest.
        assert_eq!(text(&0.1f64.to_le_bytes(), D, le), "0.1");
        // Large and tiny magnitudes use an exponent.
        assert_eq!(text(&1e300f64.to_be_bytes(), D, be), "1E300");
        assert_eq!(text(&(-2.5e-10f64).to_be_bytes(), D, be), "-2.5E-10");
        // NaN and infinity cannot be JSON.
        let mut out = Vec::new();
        assert_eq!(
            decode_json(&f32::NAN.to_be_bytes(), S, be, &mut out),
            Err(NumericError::NotFinite)
        );
        assert_eq!(
            decode_json(&f64::INFINITY.to_be_bytes(), D, be, &mut out),
            Err(NumericError::NotFinite)
        );
        // Too large for binary32.
        let mut four = [0u8; 4];
        assert_eq!(
            encode("1e39", S, be, &mut four),
            Err(NumericError::OutOfRange)
        );
        assert!(matches!(
            encode("inf", S, be, &mut four),
            Err(NumericError::Syntax(_))
        ));
    }

    #[test]
    fn decode_f64_ibm_values() {
        let f = |b: &[u8], w| decode_f64(b, w, IBM).unwrap();
        // -118.625 is C2 76 A0 00 (sign 1, exponent 0x42, fraction 0x76A000).
        assert_eq!(f(&[0xC2, 0x76, 0xA0, 0x00], S), -118.625);
        assert_eq!(f(&[0x41, 0x10, 0, 0], S), 1.0);
        assert_eq!(f(&[0x40, 0x80, 0, 0, 0, 0, 0, 0], D), 0.5);
        // 0.1 as a COMP-2 is within one f64 step of 0.1.
        assert_eq!(f(&[0x40, 0x19, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A], D), 0.1);
        // The largest single, (1 - 16^-6) * 16^63 = 0xFFFFFF * 2^228, and the smallest
        // normalised one, 16^-65 = 2^-260: both exact in an f64.
        assert_eq!(
            f(&[0x7F, 0xFF, 0xFF, 0xFF], S),
            16_777_215.0 * 2f64.powi(228)
        );
        assert_eq!(f(&[0x00, 0x10, 0, 0], S), 2f64.powi(-260));
        // Unnormalised 42 01 00 00 is 16^2 / 256 = 1.
        assert_eq!(f(&[0x42, 0x01, 0, 0], S), 1.0);
        // Zero fraction is zero whatever the exponent; the sign bit stays.
        assert_eq!(f(&[0x41, 0, 0, 0], S), 0.0);
        assert!(f(&[0x80, 0, 0, 0], S).is_sign_negative());
        assert!(f(&[0x00, 0, 0, 0], S).is_sign_positive());
    }

    #[test]
    fn decode_f64_refuses_what_decode_json_refuses() {
        // Unnormalised below 16^-65, both widths.
        assert_eq!(
            decode_f64(&[0, 0, 0, 0, 0, 0, 0, 1], D, IBM),
            Err(NumericError::OutOfRange)
        );
        assert_eq!(
            decode_f64(&[0x80, 0x01, 0, 0], S, IBM),
            Err(NumericError::OutOfRange)
        );
        // Wrong length, NaN and infinity.
        assert_eq!(
            decode_f64(&[0x41, 0x10, 0], S, IBM),
            Err(NumericError::BadLength {
                expected: 4,
                got: 3
            })
        );
        let be = FloatFormat::Ieee(Endian::Big);
        assert_eq!(
            decode_f64(&f32::NAN.to_be_bytes(), S, be),
            Err(NumericError::NotFinite)
        );
        assert_eq!(
            decode_f64(&f64::NEG_INFINITY.to_be_bytes(), D, be),
            Err(NumericError::NotFinite)
        );
    }

    #[test]
    fn decode_f64_ieee_both_orders() {
        let le = FloatFormat::Ieee(Endian::Little);
        let be = FloatFormat::Ieee(Endian::Big);
        assert_eq!(decode_f64(&[0x40, 0x90, 0, 0], S, be), Ok(4.5));
        assert_eq!(decode_f64(&[0, 0, 0x90, 0x40], S, le), Ok(4.5));
        assert_eq!(decode_f64(&(-0.1f64).to_le_bytes(), D, le), Ok(-0.1));
        assert_eq!(decode_f64(&1e300f64.to_be_bytes(), D, be), Ok(1e300));
    }

    #[test]
    fn ibm_encode_rounds_once_ties_to_even() {
        // 1 + 3 * 2^-21 lies halfway between fractions 0x100001 and 0x100002 (the step near
        // 1 is 2^-20): the tie goes to the even one.
        assert_eq!(
            bytes("1.000001430511474609375", S, IBM),
            [0x41, 0x10, 0x00, 0x02]
        );
        // 0.063 is 0x0.1020C49B... * 16^0: one rounding gives 0x1020C5. 63/1000 is at least
        // 2^(bits(63) - bits(1000)) = 1/16, the case where the binary exponent is not one
        // less than the bit-length difference; misjudging it would round twice (0x1020C4).
        assert_eq!(bytes("0.063", S, IBM), [0x40, 0x10, 0x20, 0xC5]);
    }

    #[test]
    fn ibm_decode_of_the_single_just_below_a_power_of_ten() {
        // The nearest singles to 1e10, 1e-3 and 1e25 lie just below them, so the shortest
        // text is the power of ten itself, reached by rounding up to "10" and written
        // without the trailing zero.
        assert_eq!(text(&[0x49, 0x25, 0x40, 0xBE], S, IBM), "10000000000");
        assert_eq!(text(&[0x3E, 0x41, 0x89, 0x37], S, IBM), "0.001");
        assert_eq!(text(&[0x55, 0x84, 0x59, 0x51], S, IBM), "1E25");
    }

    #[test]
    fn ibm_encode_rounding_up_to_the_next_hex_exponent() {
        // 0.9999999999 is nearer 1 than the largest single below it (1 - 2^-24): the
        // fraction rounds up to 16^0 and becomes 0.1 * 16^1.
        assert_eq!(bytes("0.9999999999", S, IBM), [0x41, 0x10, 0, 0]);
        assert_eq!(bytes("-0.9999999999", S, IBM), [0xC1, 0x10, 0, 0]);
    }

    #[test]
    fn ibm_decode_negative_values_are_shortest_too() {
        // -0.1 as a single is -0.100000001490116...; the shortest text that writes back
        // the same bytes (sign bit included) is -0.1, not the exact expansion.
        assert_eq!(text(&[0xC0, 0x19, 0x99, 0x9A], S, IBM), "-0.1");
        assert_eq!(
            text(&[0xC0, 0x19, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A], D, IBM),
            "-0.1"
        );
    }

    #[test]
    fn ibm_decode_needs_seven_and_eight_digits() {
        // 0x123457 / 2^20 = 1.13777828...: no 6-digit decimal writes back these bytes, so
        // the shortest text has 7 digits; the largest single below 16 needs 8.
        assert_eq!(text(&[0x41, 0x12, 0x34, 0x57], S, IBM), "1.137778");
        assert_eq!(text(&[0x41, 0xFF, 0xFF, 0xFF], S, IBM), "15.999999");
    }

    #[test]
    fn ibm_decode_of_a_full_double_needs_eighteen_digits() {
        // 56 fraction bits just below 16: 17 digits cannot tell it from its neighbours, so
        // the search must reach `max_digits` (18), not stop one short.
        let t = text(&[0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], D, IBM);
        assert_eq!(t, "15.9999999999999998"); // 16 - 2^-52
    }

    fn round_trip(b: &[u8], width: FloatWidth, format: FloatFormat) -> Result<(), TestCaseError> {
        let t = text(b, width, format);
        let mut out = vec![0u8; b.len()];
        encode(&t, width, format, &mut out).unwrap();
        prop_assert_eq!(&out[..], b, "via {}", t);
        Ok(())
    }

    proptest! {
        #[test]
        fn ibm_single_round_trips(sign: bool, e in 0u32..128, f in (1u32 << 20)..(1u32 << 24)) {
            let bits = u32::from(sign) << 31 | e << 24 | f;
            round_trip(&bits.to_be_bytes(), S, IBM)?;
        }

        #[test]
        fn ibm_double_round_trips(sign: bool, e in 0u64..128, f in (1u64 << 52)..(1u64 << 56)) {
            let bits = u64::from(sign) << 63 | e << 56 | f;
            round_trip(&bits.to_be_bytes(), D, IBM)?;
        }

        #[test]
        fn ieee_round_trips(bits: u64, big: bool) {
            let format = FloatFormat::Ieee(if big { Endian::Big } else { Endian::Little });
            let mut b8 = [0u8; 8];
            write_bits(bits, if big { Endian::Big } else { Endian::Little }, &mut b8);
            if f64::from_bits(bits).is_finite() {
                round_trip(&b8, D, format)?;
            }
            let mut b4 = [0u8; 4];
            write_bits(bits & 0xFFFF_FFFF, if big { Endian::Big } else { Endian::Little }, &mut b4);
            if f32::from_bits(bits as u32).is_finite() {
                round_trip(&b4, S, format)?;
            }
        }
    }
}

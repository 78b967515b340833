//! Binary integers: COMP / COMP-4 / BINARY (big-endian) and COMP-5 (byte order per
//! dialect), two's complement when the PIC is signed.
//!
//! Decode returns the full stored value even when it has more digits than the PIC (IBM's
//! TRUNC(BIN) behaviour; the JSON layer holds it to the PIC under TRUNC(STD/OPT)); encode
//! takes such values when allowed to, and never a value its bytes cannot hold. Zero is
//! never negative here: two's complement has no negative zero.

use super::{fit_unless_beyond, BinaryRange, Decimal, NumericError};
use crate::dialect::Endian;
use crate::layout::NumericPic;

/// Widths a binary item may have (COBOL uses 2, 4 and 8; 1 for some compilers' options).
fn check_width(len: usize) -> Result<(), NumericError> {
    match len {
        1 | 2 | 4 | 8 => Ok(()),
        got => Err(NumericError::BadLength {
            expected: if got < 4 { 2 } else { 8 },
            got,
        }),
    }
}

/// The stored integer as (negative, magnitude): 1, 2, 4 or 8 bytes in `endian` order,
/// two's complement when `signed`.
#[inline]
fn stored(bytes: &[u8], signed: bool, endian: Endian) -> Result<(bool, u64), NumericError> {
    check_width(bytes.len())?;
    let mut raw = 0u64;
    let mut push = |b: &u8| raw = (raw << 8) | u64::from(*b);
    match endian {
        Endian::Big => bytes.iter().for_each(&mut push),
        Endian::Little => bytes.iter().rev().for_each(&mut push),
    }
    if !signed {
        return Ok((false, raw));
    }
    // Shift the sign bit to the top, then back arithmetically to sign-extend.
    let bits = 8 * bytes.len() as u32;
    let v = ((raw << (64 - bits)) as i64) >> (64 - bits);
    Ok((v < 0, v.unsigned_abs()))
}

/// Decodes 1, 2, 4 or 8 bytes; signed (two's complement) if `pic.signed`, with the PIC's
/// scale. The value may exceed the PIC's digits.
pub fn decode(bytes: &[u8], pic: &NumericPic, endian: Endian) -> Result<Decimal, NumericError> {
    let (negative, magnitude) = stored(bytes, pic.signed, endian)?;
    let m = i128::from(magnitude);
    Ok(Decimal::from_i128(if negative { -m } else { m }, pic.scale))
}

/// Decodes like [`decode`] straight to JSON number text in `out` (the same text as
/// `decode(..)?.write_json(out)`; on error `out` is unchanged).
pub fn write_json(
    bytes: &[u8],
    pic: &NumericPic,
    endian: Endian,
    out: &mut Vec<u8>,
) -> Result<(), NumericError> {
    let (negative, magnitude) = stored(bytes, pic.signed, endian)?;
    super::text::write_scaled(negative, u128::from(magnitude), pic.scale, out);
    Ok(())
}

/// Encodes into `out` (1, 2, 4 or 8 bytes) in the given byte order, after rescaling to the
/// PIC's scale. Values with more digits than the PIC are refused (Overflow) unless
/// `allow_beyond_pic` (TRUNC(BIN), COMP-5); values the bytes cannot hold always are
/// (BinaryRange, never wrapped); unsigned refuses negatives (a negative zero is zero).
pub fn encode(
    value: &Decimal,
    pic: &NumericPic,
    endian: Endian,
    allow_beyond_pic: bool,
    out: &mut [u8],
) -> Result<(), NumericError> {
    check_width(out.len())?;
    let n = fit_unless_beyond(value, pic, allow_beyond_pic)?.to_i128()?;
    if n < 0 && !pic.signed {
        return Err(NumericError::Negative);
    }
    let bits = 8 * out.len() as u32;
    let (min, max) = if pic.signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    if n < min || n > max {
        // Never wrapped or cut: say what the bytes hold, at the PIC's scale.
        let text = |x: i128| Decimal::from_i128(x, pic.scale).to_string();
        return Err(NumericError::BinaryRange(Box::new(BinaryRange {
            value: text(n),
            bytes: out.len() as u8,
            min: text(min),
            max: text(max),
        })));
    }
    // Two's complement truncated to the width is the stored form for both signednesses.
    let raw = (n as u64).to_be_bytes();
    let tail = raw.get(8 - out.len()..).unwrap_or_default();
    match endian {
        Endian::Big => out.copy_from_slice(tail),
        Endian::Little => {
            for (o, b) in out.iter_mut().zip(tail.iter().rev()) {
                *o = *b;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pic(digits: u16, scale: i16, signed: bool) -> NumericPic {
        NumericPic {
            digits,
            scale,
            signed,
        }
    }

    #[test]
    fn decodes_both_orders_and_signs() {
        // S9(4) COMP: FF FE is -2.
        assert_eq!(
            decode(&[0xFF, 0xFE], &pic(4, 0, true), Endian::Big).unwrap(),
            Decimal::from_i128(-2, 0)
        );
        // Unsigned 9(4): FF FE is 65534, beyond the PIC (TRUNC(BIN)).
        assert_eq!(
            decode(&[0xFF, 0xFE], &pic(4, 0, false), Endian::Big).unwrap(),
            Decimal::from_i128(65534, 0)
        );
        // COMP-5 little-endian S9(7)V99: 0x00000102 = 258 -> 2.58.
        assert_eq!(
            decode(&[0x02, 0x01, 0, 0], &pic(9, 2, true), Endian::Little).unwrap(),
            Decimal::from_i128(258, 2)
        );
        // 8-byte extremes.
        let min = [0x80, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            decode(&min, &pic(18, 0, true), Endian::Big).unwrap(),
            Decimal::from_i128(i128::from(i64::MIN), 0)
        );
        assert_eq!(
            decode(&[0xFF; 8], &pic(18, 0, false), Endian::Big).unwrap(),
            Decimal::from_i128(i128::from(u64::MAX), 0)
        );
        // One byte.
        assert_eq!(
            decode(&[0x80], &pic(2, 0, true), Endian::Big).unwrap(),
            Decimal::from_i128(-128, 0)
        );
    }

    #[test]
    fn a_bad_width_names_the_nearest_binary_width() {
        // Below four bytes a halfword was meant, above it a doubleword.
        for (got, expected) in [(0, 2), (3, 2), (5, 8), (7, 8), (16, 8)] {
            let bytes = vec![0u8; got];
            let e = NumericError::BadLength { expected, got };
            assert_eq!(
                decode(&bytes, &pic(4, 0, true), Endian::Big),
                Err(e.clone())
            );
            let mut out = bytes.clone();
            let one = Decimal::from_i128(1, 0);
            assert_eq!(
                encode(&one, &pic(4, 0, true), Endian::Big, true, &mut out),
                Err(e)
            );
        }
    }

    #[test]
    fn decode_rejects_odd_widths() {
        // 3 bytes is no binary width.
        assert!(matches!(
            decode(&[1, 2, 3], &pic(4, 0, true), Endian::Big),
            Err(NumericError::BadLength { got: 3, .. })
        ));
        assert!(decode(&[], &pic(4, 0, true), Endian::Big).is_err());
    }

    #[test]
    fn encodes_and_refuses() {
        let mut out = [0u8; 2];
        // -2 big-endian.
        encode(
            &Decimal::from_i128(-2, 0),
            &pic(4, 0, true),
            Endian::Big,
            false,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0xFF, 0xFE]);
        // 2.58 at scale 2 little-endian.
        encode(
            &Decimal::from_i128(258, 2),
            &pic(4, 2, true),
            Endian::Little,
            false,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0x02, 0x01]);
        // 12345 has more digits than S9(4) ...
        assert!(matches!(
            encode(
                &Decimal::from_i128(12345, 0),
                &pic(4, 0, true),
                Endian::Big,
                false,
                &mut out
            ),
            Err(NumericError::Overflow {
                digits: 5,
                allowed: 4
            })
        ));
        // ... but fits the halfword when allowed.
        encode(
            &Decimal::from_i128(12345, 0),
            &pic(4, 0, true),
            Endian::Big,
            true,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0x30, 0x39]);
        // 40000 never fits a signed halfword.
        assert!(matches!(
            encode(
                &Decimal::from_i128(40000, 0),
                &pic(4, 0, true),
                Endian::Big,
                true,
                &mut out
            ),
            Err(NumericError::BinaryRange(_))
        ));
        // Unsigned refuses negatives.
        assert_eq!(
            encode(
                &Decimal::from_i128(-1, 0),
                &pic(4, 0, false),
                Endian::Big,
                false,
                &mut out
            ),
            Err(NumericError::Negative)
        );
        // Fraction digits the scale cannot hold.
        assert_eq!(
            encode(
                &Decimal::from_i128(1, 3),
                &pic(4, 2, true),
                Endian::Big,
                false,
                &mut out
            ),
            Err(NumericError::Inexact { scale: 2 })
        );
    }

    /// Encodes `v` (scale 0) into `width` bytes, beyond the PIC allowed.
    fn enc(v: i128, width: usize, signed: bool) -> Result<Vec<u8>, NumericError> {
        let mut out = vec![0u8; width];
        encode(
            &Decimal::from_i128(v, 0),
            &pic(18, 0, signed),
            Endian::Big,
            true,
            &mut out,
        )?;
        Ok(out)
    }

    #[test]
    fn storage_limits_hold_at_the_exact_edge() {
        // Each width's last value fits, the next one out is refused: never wrapped or cut.
        assert_eq!(enc(65535, 2, false).unwrap(), [0xFF, 0xFF]);
        assert_eq!(
            enc(65536, 2, false),
            Err(NumericError::BinaryRange(Box::new(BinaryRange {
                value: "65536".into(),
                bytes: 2,
                min: "0".into(),
                max: "65535".into()
            })))
        );
        assert_eq!(enc(32767, 2, true).unwrap(), [0x7F, 0xFF]);
        assert_eq!(enc(-32768, 2, true).unwrap(), [0x80, 0x00]);
        assert!(matches!(
            enc(32768, 2, true),
            Err(NumericError::BinaryRange(r)) if r.bytes == 2
        ));
        assert_eq!(
            enc(-32769, 2, true).unwrap_err().to_string(),
            "value -32769 does not fit 2 bytes of binary (-32768 to 32767)"
        );
        // One, four and eight bytes, both signednesses.
        assert_eq!(enc(255, 1, false).unwrap(), [0xFF]);
        assert!(enc(256, 1, false).is_err());
        assert_eq!(enc(127, 1, true).unwrap(), [0x7F]);
        assert_eq!(enc(-128, 1, true).unwrap(), [0x80]);
        assert!(enc(128, 1, true).is_err() && enc(-129, 1, true).is_err());
        assert_eq!(enc(0xFFFF_FFFF, 4, false).unwrap(), [0xFF; 4]);
        assert!(enc(0x1_0000_0000, 4, false).is_err());
        assert_eq!(enc(-(1 << 31), 4, true).unwrap(), [0x80, 0, 0, 0]);
        assert!(enc(1 << 31, 4, true).is_err() && enc(-(1 << 31) - 1, 4, true).is_err());
        let u64_max = i128::from(u64::MAX);
        assert_eq!(enc(u64_max, 8, false).unwrap(), [0xFF; 8]);
        assert!(enc(u64_max + 1, 8, false).is_err());
        let i64_min = i128::from(i64::MIN);
        assert_eq!(enc(i64_min, 8, true).unwrap(), i64::MIN.to_be_bytes());
        assert_eq!(
            enc(i64_min + 1, 8, true).unwrap(),
            (i64::MIN + 1).to_be_bytes()
        );
        assert!(enc(i64_min - 1, 8, true).is_err());
        assert!(enc(i128::from(i64::MAX) + 1, 8, true).is_err());
        // The range is reported at the PIC's scale: 655.36 in 9(3)V99 COMP.
        let mut out = [0u8; 2];
        assert_eq!(
            encode(
                &Decimal::from_i128(65536, 2),
                &pic(5, 2, false),
                Endian::Big,
                true,
                &mut out
            )
            .unwrap_err()
            .to_string(),
            "value 655.36 does not fit 2 bytes of binary (0.00 to 655.35)"
        );
    }

    #[test]
    fn the_pic_limit_holds_at_the_exact_edge() {
        // S9(4) COMP without TRUNC(BIN): 9999 and -9999 fit, 10000 and -10000 do not.
        let mut out = [0u8; 2];
        let p = pic(4, 0, true);
        for (v, ok) in [(9999, true), (-9999, true), (10000, false), (-10000, false)] {
            let r = encode(&Decimal::from_i128(v, 0), &p, Endian::Big, false, &mut out);
            assert_eq!(r.is_ok(), ok, "{v}");
        }
        // With it, 10000 fits and is written as it is, not cut to the PIC.
        encode(
            &Decimal::from_i128(10000, 0),
            &p,
            Endian::Big,
            true,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0x27, 0x10]);
    }

    #[test]
    fn zero_is_never_negative() {
        // A negative zero from JSON ("-0", "-0.00") is written as zero, in unsigned
        // fields too, and reads back as a plain 0 on both decode paths.
        for signed in [true, false] {
            let p = pic(4, 2, signed);
            let mut out = [0xAAu8; 2];
            let z = Decimal::zero(2).with_negative(true);
            encode(&z, &p, Endian::Little, false, &mut out).unwrap();
            assert_eq!(out, [0, 0]);
            let d = decode(&out, &p, Endian::Big).unwrap();
            assert!(!d.is_negative());
            assert_eq!(d.to_string(), "0.00");
            let mut text = Vec::new();
            write_json(&out, &p, Endian::Big, &mut text).unwrap();
            assert_eq!(text, b"0.00");
        }
    }

    #[test]
    fn little_endian_writes_the_low_byte_first() {
        // 0x0102 = 258 in two, four and eight bytes.
        for width in [2usize, 4, 8] {
            let mut out = vec![0u8; width];
            let p = pic(9, 0, false);
            encode(
                &Decimal::from_i128(258, 0),
                &p,
                Endian::Little,
                true,
                &mut out,
            )
            .unwrap();
            let mut want = vec![0u8; width];
            want[0] = 0x02;
            want[1] = 0x01;
            assert_eq!(out, want);
            assert_eq!(decode(&out, &p, Endian::Little).unwrap().to_string(), "258");
        }
    }

    proptest! {
        #[test]
        fn round_trips(width in prop_oneof![Just(1usize), Just(2), Just(4), Just(8)],
                       raw: u64, signed: bool, scale in -3i16..10, big: bool) {
            let endian = if big { Endian::Big } else { Endian::Little };
            let p = pic(18, scale, signed);
            let bytes = &raw.to_be_bytes()[8 - width..];
            let v = decode(bytes, &p, endian).unwrap();
            let mut out = vec![0u8; width];
            encode(&v, &p, endian, true, &mut out).unwrap();
            prop_assert_eq!(&out[..], bytes);
            prop_assert_eq!(decode(&out, &p, endian).unwrap(), v);
        }

        #[test]
        fn write_json_agrees_with_decimal(width in 0usize..10, raw: u64, signed: bool,
                                          scale in -3i16..25, big: bool) {
            // Same text as decode + Decimal::write_json, or the same error.
            let endian = if big { Endian::Big } else { Endian::Little };
            let p = pic(18, scale, signed);
            let bytes: Vec<u8> = raw.to_be_bytes().iter().copied().cycle().take(width).collect();
            let mut out = Vec::new();
            let got = write_json(&bytes, &p, endian, &mut out).map(|()| String::from_utf8(out).unwrap());
            prop_assert_eq!(got, decode(&bytes, &p, endian).map(|d| d.to_string()));
        }
    }

    #[test]
    fn write_json_text_and_errors() {
        // -2 as S9(3)V99 COMP (FF FE): -0.02; i64::MIN keeps every digit.
        let mut out = Vec::new();
        write_json(&[0xFF, 0xFE], &pic(5, 2, true), Endian::Big, &mut out).unwrap();
        assert_eq!(out, b"-0.02");
        out.clear();
        write_json(
            &[0x80, 0, 0, 0, 0, 0, 0, 0],
            &pic(18, 0, true),
            Endian::Big,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, b"-9223372036854775808");
        // Three bytes is no binary width; out is untouched.
        out.clear();
        assert!(matches!(
            write_json(&[1, 2, 3], &pic(4, 0, false), Endian::Big, &mut out),
            Err(NumericError::BadLength { .. })
        ));
        assert!(out.is_empty());
    }
}

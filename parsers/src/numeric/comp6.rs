//! USAGE COMP-6 (Micro Focus, GnuCOBOL): unsigned packed decimal with no sign nibble.
//!
//! `PIC 9(n) COMP-6` takes ceil(n/2) bytes, two digits a byte; an odd digit count leaves
//! a pad nibble first. Like [`super::packed`], decode reads the pad nibble as a digit (the
//! value may exceed the PIC) and encode may use it only when allowed to go beyond the PIC.

use super::packed::put_digits;
use super::{fit_to_nibbles, Decimal, DigitBuf, NumericError};
use crate::layout::NumericPic;

/// Bytes of a `PIC 9(digits) COMP-6` item.
pub fn byte_len(pic: &NumericPic) -> usize {
    usize::from(pic.digits).div_ceil(2)
}

fn check_len(pic: &NumericPic, got: usize) -> Result<(), NumericError> {
    let expected = byte_len(pic);
    if got == expected && got > 0 {
        Ok(())
    } else {
        Err(NumericError::BadLength { expected, got })
    }
}

/// Decodes the digit nibbles of `bytes` (each 0-9) with the PIC's scale.
pub fn decode(bytes: &[u8], pic: &NumericPic) -> Result<Decimal, NumericError> {
    check_len(pic, bytes.len())?;
    let mut digits = DigitBuf::new();
    for (offset, &b) in bytes.iter().enumerate() {
        for nibble in [b >> 4, b & 0x0F] {
            if nibble > 9 {
                return Err(NumericError::InvalidNibble { offset, nibble });
            }
            digits.push(nibble);
        }
    }
    digits.finish(false, pic.scale)
}

/// Decodes like [`decode`] straight to JSON number text in `out` (on error `out` is
/// unchanged).
pub fn write_json(bytes: &[u8], pic: &NumericPic, out: &mut Vec<u8>) -> Result<(), NumericError> {
    decode(bytes, pic)?.write_json(out);
    Ok(())
}

/// Encodes into `out` (exactly ceil(digits/2) bytes) after rescaling to the PIC's scale.
/// Negative values are refused: COMP-6 has nowhere to keep a sign.
pub fn encode(
    value: &Decimal,
    pic: &NumericPic,
    allow_beyond_pic: bool,
    out: &mut [u8],
) -> Result<(), NumericError> {
    check_len(pic, out.len())?;
    // Every nibble holds a digit, the pad nibble of an odd count too.
    let v = fit_to_nibbles(value, pic, allow_beyond_pic, 2 * out.len())?;
    if v.is_negative() && !v.is_zero() {
        return Err(NumericError::Negative);
    }
    // Digits sit right-aligned in the 2*len nibbles.
    put_digits(out, 2 * out.len(), v.digits());
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pic(digits: u16, scale: i16) -> NumericPic {
        NumericPic {
            digits,
            scale,
            signed: false,
        }
    }

    #[test]
    fn sizes_are_half_the_digits_rounded_up() {
        // GnuCOBOL 3.1.2: LENGTH OF 9(5) / 9(4) / 9(1) COMP-6 is 3 / 2 / 1.
        assert_eq!(byte_len(&pic(5, 0)), 3);
        assert_eq!(byte_len(&pic(4, 0)), 2);
        assert_eq!(byte_len(&pic(1, 0)), 1);
    }

    #[test]
    fn decodes_without_a_sign_nibble() {
        // 9(5) COMP-6 holding 12345: 01 23 45.
        let d = decode(&[0x01, 0x23, 0x45], &pic(5, 0)).unwrap();
        assert_eq!(d, Decimal::from_i128(12_345, 0));
        // 9(2)V99: 12.34.
        let mut out = Vec::new();
        write_json(&[0x12, 0x34], &pic(4, 2), &mut out).unwrap();
        assert_eq!(out, b"12.34");
    }

    #[test]
    fn refuses_sign_nibbles_and_bad_lengths() {
        // A COMP-3 style trailing C is not a digit.
        assert_eq!(
            decode(&[0x12, 0x3C], &pic(4, 0)),
            Err(NumericError::InvalidNibble {
                offset: 1,
                nibble: 0xC
            })
        );
        assert_eq!(
            decode(&[0x12], &pic(4, 0)),
            Err(NumericError::BadLength {
                expected: 2,
                got: 1
            })
        );
        let mut out = Vec::new();
        assert!(write_json(&[0xF0], &pic(1, 0), &mut out).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn encode_refuses_negatives_and_overflow() {
        let mut out = [0u8; 3];
        let v = Decimal::parse("12345").unwrap();
        encode(&v, &pic(5, 0), false, &mut out).unwrap();
        assert_eq!(out, [0x01, 0x23, 0x45]);
        assert_eq!(
            encode(&Decimal::parse("-1").unwrap(), &pic(5, 0), false, &mut out),
            Err(NumericError::Negative)
        );
        // 6 digits into 9(5): refused unless the pad nibble may be used.
        let big = Decimal::parse("123456").unwrap();
        assert!(encode(&big, &pic(5, 0), false, &mut out).is_err());
        encode(&big, &pic(5, 0), true, &mut out).unwrap();
        assert_eq!(out, [0x12, 0x34, 0x56]);
    }

    #[test]
    fn a_zero_digit_picture_has_no_valid_length() {
        // PIC 9(0) takes no bytes: an empty item holds no digit, so it is refused both
        // ways rather than read as zero.
        assert_eq!(
            decode(&[], &pic(0, 0)),
            Err(NumericError::BadLength {
                expected: 0,
                got: 0
            })
        );
        assert!(matches!(
            encode(&Decimal::parse("0").unwrap(), &pic(0, 0), true, &mut []),
            Err(NumericError::BadLength { .. })
        ));
    }

    proptest! {
        #[test]
        fn round_trips(digits in proptest::collection::vec(0u8..10, 1..=18)) {
            let p = pic(digits.len() as u16, 0);
            let mut bytes = vec![0u8; byte_len(&p)];
            let v = Decimal::from_parts(false, &digits, 0).unwrap();
            encode(&v, &p, false, &mut bytes).unwrap();
            let back = decode(&bytes, &p).unwrap();
            prop_assert_eq!(back, v.rescale(0).unwrap());
        }
    }
}

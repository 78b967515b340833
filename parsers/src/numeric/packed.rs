//! Packed decimal (COMP-3 / PACKED-DECIMAL): two digits per byte, the last nibble is the
//! sign.
//!
//! A PIC with `d` digits takes `d/2 + 1` bytes; an even digit count leaves one pad nibble
//! in front, which IBM hardware reads as a digit, so decode does too.

use super::{fit_to_pic, Decimal, DigitBuf, NumericError};
use crate::layout::NumericPic;

/// Bytes a packed field of this PIC occupies.
fn byte_len(pic: &NumericPic) -> usize {
    usize::from(pic.digits) / 2 + 1
}

/// Decodes packed bytes. Sign nibbles A, C, E, F are positive and B, D negative (IBM's
/// rules; a negative sign in an unsigned PIC is InvalidSign); a digit nibble above 9 is
/// InvalidNibble with its byte offset.
pub fn decode(bytes: &[u8], pic: &NumericPic) -> Result<Decimal, NumericError> {
    let expected = byte_len(pic);
    let Some((&last, body)) = bytes.split_last().filter(|_| bytes.len() == expected) else {
        return Err(NumericError::BadLength {
            expected,
            got: bytes.len(),
        });
    };
    let mut buf = DigitBuf::new();
    let nibble = |offset: usize, n: u8| {
        if n > 9 {
            Err(NumericError::InvalidNibble { offset, nibble: n })
        } else {
            Ok(n)
        }
    };
    for (offset, &b) in body.iter().enumerate() {
        buf.push(nibble(offset, b >> 4)?);
        buf.push(nibble(offset, b & 0x0F)?);
    }
    buf.push(nibble(body.len(), last >> 4)?);
    let negative = match last & 0x0F {
        0xB | 0xD => true,
        0xA | 0xC | 0xE | 0xF => false,
        _ => {
            return Err(NumericError::InvalidSign {
                offset: body.len(),
                byte: last,
            })
        }
    };
    if negative && !pic.signed {
        return Err(NumericError::NegativeUnsigned {
            offset: body.len(),
            byte: last,
        });
    }
    buf.finish(negative, pic.scale)
}

/// Encodes into `out` (exactly `digits/2 + 1` bytes): sign C positive and D negative for
/// signed fields, F for unsigned ones. The value is rescaled to the PIC's scale first.
/// With `allow_beyond_pic`, an even digit count may also use the pad nibble (which decode
/// reads as a digit), so every value decode returns can be written back.
pub fn encode(
    value: &Decimal,
    pic: &NumericPic,
    allow_beyond_pic: bool,
    out: &mut [u8],
) -> Result<(), NumericError> {
    let expected = byte_len(pic);
    if out.len() != expected {
        return Err(NumericError::BadLength {
            expected,
            got: out.len(),
        });
    }
    let room = NumericPic {
        // Every digit nibble: the PIC's digits plus the pad nibble of an even count.
        digits: u16::try_from(2 * expected - 1).unwrap_or(u16::MAX),
        ..*pic
    };
    let v = fit_to_pic(value, if allow_beyond_pic { &room } else { pic })?;
    if v.is_negative() && !pic.signed && !v.is_zero() {
        return Err(NumericError::Negative);
    }
    let sign = match (pic.signed, v.is_negative()) {
        (false, _) => 0x0F,
        (true, false) => 0x0C,
        (true, true) => 0x0D,
    };
    out.fill(0);
    // Digits sit right-aligned in the 2*len - 1 digit nibbles.
    let first = 2 * expected - 1 - v.digits().len();
    for (i, &d) in v.digits().iter().enumerate() {
        let p = first + i;
        if let Some(b) = out.get_mut(p / 2) {
            *b |= if p & 1 == 0 { d << 4 } else { d };
        }
    }
    if let Some(b) = out.last_mut() {
        *b |= sign;
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
    fn unsigned_fields_refuse_negative_signs() {
        // PIC 9(3) COMP-3 with a D or B sign: not a number COBOL would accept.
        let e = decode(&[0x12, 0x3D], &pic(3, 0, false)).unwrap_err();
        assert_eq!(
            e,
            NumericError::NegativeUnsigned {
                offset: 1,
                byte: 0x3D
            }
        );
        assert!(decode(&[0x12, 0x3B], &pic(3, 0, false)).is_err());
        // C and F are both positive and fine.
        assert_eq!(
            decode(&[0x12, 0x3C], &pic(3, 0, false))
                .unwrap()
                .to_string(),
            "123"
        );
    }

    #[test]
    fn decodes_signs_and_scale() {
        // S9(5)V99: 1234567 positive, C sign.
        let p = pic(7, 2, true);
        assert_eq!(
            decode(&[0x12, 0x34, 0x56, 0x7C], &p).unwrap(),
            Decimal::from_i128(1_234_567, 2)
        );
        // D and B are negative.
        assert_eq!(
            decode(&[0x00, 0x00, 0x12, 0x3D], &p).unwrap(),
            Decimal::from_i128(-123, 2)
        );
        assert_eq!(
            decode(&[0x00, 0x00, 0x12, 0x3B], &p).unwrap(),
            Decimal::from_i128(-123, 2)
        );
        // F (unsigned), A and E are positive.
        for s in [0x0F, 0x0A, 0x0E] {
            assert_eq!(decode(&[0, 0, 0, s], &p).unwrap(), Decimal::zero(2));
        }
        // Negative zero keeps its sign.
        assert!(decode(&[0x0D], &pic(1, 0, true)).unwrap().is_negative());
    }

    #[test]
    fn even_digit_count_reads_the_pad_nibble() {
        // 9(4): pad nibble 0 then 1234.
        assert_eq!(
            decode(&[0x01, 0x23, 0x4F], &pic(4, 0, false)).unwrap(),
            Decimal::from_i128(1234, 0)
        );
        // A non-zero pad is read as a digit, like the hardware does.
        assert_eq!(
            decode(&[0x11, 0x23, 0x4F], &pic(4, 0, false)).unwrap(),
            Decimal::from_i128(11234, 0)
        );
    }

    #[test]
    fn rejects_bad_nibbles_and_lengths() {
        // 0xA in a digit position of byte 1.
        assert_eq!(
            decode(&[0x12, 0x3A, 0x4C], &pic(5, 0, true)),
            Err(NumericError::InvalidNibble {
                offset: 1,
                nibble: 0xA
            })
        );
        // A digit in the sign position.
        assert_eq!(
            decode(&[0x12, 0x34, 0x55], &pic(5, 0, true)),
            Err(NumericError::InvalidSign {
                offset: 2,
                byte: 0x55
            })
        );
        // Three bytes for a five-digit... four-byte field.
        assert_eq!(
            decode(&[0x12, 0x34, 0x5C], &pic(7, 0, true)),
            Err(NumericError::BadLength {
                expected: 4,
                got: 3
            })
        );
        // Empty input.
        assert!(decode(&[], &pic(1, 0, true)).is_err());
    }

    #[test]
    fn encodes_per_sign_rules() {
        let mut out = [0u8; 4];
        // Signed positive: C.
        encode(
            &Decimal::from_i128(1_234_567, 2),
            &pic(7, 2, true),
            false,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0x12, 0x34, 0x56, 0x7C]);
        // Signed negative, rescaled from 1.5: D.
        encode(
            &Decimal::from_i128(-15, 1),
            &pic(7, 2, true),
            false,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0x00, 0x00, 0x15, 0x0D]);
        // Unsigned: F.
        encode(
            &Decimal::from_i128(42, 0),
            &pic(7, 0, false),
            false,
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0x00, 0x00, 0x04, 0x2F]);
        // Negative zero round-trips as D.
        let mut one = [0u8; 1];
        encode(
            &Decimal::zero(0).with_negative(true),
            &pic(1, 0, true),
            false,
            &mut one,
        )
        .unwrap();
        assert_eq!(one, [0x0D]);
    }

    #[test]
    fn encode_refuses_what_does_not_fit() {
        let mut out = [0u8; 2];
        // 1234 needs 4 digits, S9(3) has 3.
        assert_eq!(
            encode(
                &Decimal::from_i128(1234, 0),
                &pic(3, 0, true),
                false,
                &mut out
            ),
            Err(NumericError::Overflow {
                digits: 4,
                allowed: 3
            })
        );
        // 1.25 cannot be shown with one decimal.
        assert_eq!(
            encode(
                &Decimal::from_i128(125, 2),
                &pic(3, 1, true),
                false,
                &mut out
            ),
            Err(NumericError::Inexact { scale: 1 })
        );
        // Unsigned field, negative value.
        assert_eq!(
            encode(
                &Decimal::from_i128(-1, 0),
                &pic(3, 0, false),
                false,
                &mut out
            ),
            Err(NumericError::Negative)
        );
        // Wrong buffer size.
        assert!(matches!(
            encode(
                &Decimal::from_i128(1, 0),
                &pic(5, 0, false),
                false,
                &mut out
            ),
            Err(NumericError::BadLength {
                expected: 3,
                got: 2
            })
        ));
    }

    #[test]
    fn beyond_pic_fills_the_pad_nibble_only_when_allowed() {
        // 9(4) has five digit nibbles: 11234 (as decode reads 11 23 4F) fits them.
        let mut out = [0u8; 3];
        let v = Decimal::from_i128(11234, 0);
        assert!(encode(&v, &pic(4, 0, false), false, &mut out).is_err());
        encode(&v, &pic(4, 0, false), true, &mut out).unwrap();
        assert_eq!(out, [0x11, 0x23, 0x4F]);
        // Six digits never fit three bytes.
        let v = Decimal::from_i128(112_345, 0);
        assert!(matches!(
            encode(&v, &pic(4, 0, false), true, &mut out),
            Err(NumericError::Overflow { .. })
        ));
    }

    proptest! {
        #[test]
        fn round_trips(digits in 1u16..=40, scale in -5i16..45, signed: bool, neg: bool,
                       seed in proptest::collection::vec(0u8..10, 40)) {
            let p = pic(digits, scale, signed);
            let v = Decimal::from_parts(neg && signed, &seed[..usize::from(digits)], scale).unwrap();
            let mut out = vec![0u8; byte_len(&p)];
            encode(&v, &p, false, &mut out).unwrap();
            prop_assert_eq!(decode(&out, &p).unwrap(), v);
        }
    }
}

//! Zoned decimal (USAGE DISPLAY numbers): one digit per byte, the sign either overpunched
//! into the zone of the first or last digit, or a separate `+`/`-` byte.
//!
//! EBCDIC digits are `F0`-`F9` and the overpunched zone is the sign (C/A/E/F positive,
//! D/B negative, F also unsigned). ASCII digits are `0`-`9`; an overpunched digit is
//! either IBM's letters (`{ A-I` positive, `} J-R` negative) or the GnuCOBOL/Micro Focus
//! convention (plain digit positive, `p`-`y` negative). Decode accepts both ASCII
//! conventions; encode writes the one in [`ZonedCode::ascii_sign`].

use super::{fit_to_pic, Decimal, DigitBuf, NumericError};
use crate::dialect::AsciiSign;
use crate::layout::{NumericPic, SignPosition};

/// Which bytes a zoned number is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZonedCode {
    /// EBCDIC code page (digits F0-F9) rather than ASCII (30-39).
    pub ebcdic: bool,
    /// The overpunch convention encode writes in ASCII (decode accepts both).
    pub ascii_sign: AsciiSign,
}

impl ZonedCode {
    /// EBCDIC (the ASCII convention is then unused).
    pub const EBCDIC: ZonedCode = ZonedCode {
        ebcdic: true,
        ascii_sign: AsciiSign::Letters,
    };

    fn zero(self) -> u8 {
        if self.ebcdic {
            0xF0
        } else {
            b'0'
        }
    }

    fn space(self) -> u8 {
        if self.ebcdic {
            0x40
        } else {
            b' '
        }
    }

    fn plus(self) -> u8 {
        if self.ebcdic {
            0x4E
        } else {
            b'+'
        }
    }

    fn minus(self) -> u8 {
        if self.ebcdic {
            0x60
        } else {
            b'-'
        }
    }

    /// Reads one overpunched byte: the digit and whether it is negative.
    fn overpunch(self, offset: usize, b: u8) -> Result<(u8, bool), NumericError> {
        let sign_err = || {
            // A blank is a missing digit rather than a wrong sign.
            if b == self.space() {
                NumericError::InvalidDigit { offset, byte: b }
            } else {
                NumericError::InvalidSign { offset, byte: b }
            }
        };
        if self.ebcdic {
            let d = b & 0x0F;
            if d > 9 {
                return Err(NumericError::InvalidDigit { offset, byte: b });
            }
            return match b >> 4 {
                0xC | 0xA | 0xE | 0xF => Ok((d, false)),
                0xD | 0xB => Ok((d, true)),
                _ => Err(sign_err()),
            };
        }
        match b {
            b'0'..=b'9' => Ok((b - b'0', false)),
            b'{' => Ok((0, false)),
            b'A'..=b'I' => Ok((b - b'A' + 1, false)),
            b'}' => Ok((0, true)),
            b'J'..=b'R' => Ok((b - b'J' + 1, true)),
            b'p'..=b'y' => Ok((b - b'p', true)),
            _ => Err(sign_err()),
        }
    }

    /// Writes one overpunched digit for a signed field.
    fn punch(self, d: u8, negative: bool) -> u8 {
        if self.ebcdic {
            return if negative { 0xD0 | d } else { 0xC0 | d };
        }
        match (self.ascii_sign, negative) {
            (AsciiSign::Letters, false) if d == 0 => b'{',
            (AsciiSign::Letters, false) => b'A' + d - 1,
            (AsciiSign::Letters, true) if d == 0 => b'}',
            (AsciiSign::Letters, true) => b'J' + d - 1,
            (AsciiSign::Lowercase, false) => b'0' + d,
            (AsciiSign::Lowercase, true) => b'p' + d,
        }
    }
}

/// Where the digits and the sign sit in a field of `digits` digits.
struct Shape {
    len: usize,
    /// Offset of the first digit byte.
    first: usize,
    /// Offset of the separate sign byte, or of the overpunched digit.
    sign_at: Option<usize>,
    separate: bool,
}

fn shape(pic: &NumericPic, sign: SignPosition) -> Shape {
    let n = usize::from(pic.digits);
    match sign {
        SignPosition::TrailingOverpunch => Shape {
            len: n,
            first: 0,
            sign_at: n.checked_sub(1),
            separate: false,
        },
        SignPosition::LeadingOverpunch => Shape {
            len: n,
            first: 0,
            sign_at: (n > 0).then_some(0),
            separate: false,
        },
        SignPosition::TrailingSeparate => Shape {
            len: n + 1,
            first: 0,
            sign_at: Some(n),
            separate: true,
        },
        SignPosition::LeadingSeparate => Shape {
            len: n + 1,
            first: 1,
            sign_at: Some(0),
            separate: true,
        },
    }
}

/// Pushes plain digit bytes starting at field offset `base`.
#[inline]
fn plain_digits(
    buf: &mut DigitBuf,
    bytes: &[u8],
    base: usize,
    code: ZonedCode,
) -> Result<(), NumericError> {
    let zero = code.zero();
    for (i, &b) in bytes.iter().enumerate() {
        let d = b.wrapping_sub(zero);
        if d > 9 {
            return Err(NumericError::InvalidDigit {
                offset: base + i,
                byte: b,
            });
        }
        buf.push(d);
    }
    Ok(())
}

/// Decodes a zoned field of `pic.digits` digits (plus one byte for a separate sign).
/// All-space fields are an InvalidDigit error: whether blank means zero is the caller's call.
pub fn decode(
    bytes: &[u8],
    pic: &NumericPic,
    sign: SignPosition,
    code: ZonedCode,
) -> Result<Decimal, NumericError> {
    let s = shape(pic, sign);
    if bytes.len() != s.len {
        return Err(NumericError::BadLength {
            expected: s.len,
            got: bytes.len(),
        });
    }
    let mut buf = DigitBuf::new();
    let digits = bytes
        .get(s.first..s.first + usize::from(pic.digits))
        .unwrap_or_default();
    let negative = match (s.separate, s.sign_at) {
        (true, Some(at)) => {
            plain_digits(&mut buf, digits, s.first, code)?;
            match bytes.get(at).copied() {
                Some(b) if b == code.plus() => false,
                Some(b) if b == code.minus() => true,
                b => {
                    return Err(NumericError::InvalidSign {
                        offset: at,
                        byte: b.unwrap_or(0),
                    })
                }
            }
        }
        (false, Some(at)) => {
            // Plain digits before and after the overpunched one.
            let (before, rest) = digits.split_at(at.min(digits.len()));
            let Some((&over, after)) = rest.split_first() else {
                return Err(NumericError::BadLength {
                    expected: s.len,
                    got: bytes.len(),
                });
            };
            plain_digits(&mut buf, before, 0, code)?;
            let (d, negative) = code.overpunch(at, over)?;
            if negative && !pic.signed {
                // An unsigned item cannot hold a negative value: encode would refuse it.
                return Err(NumericError::InvalidSign {
                    offset: at,
                    byte: over,
                });
            }
            buf.push(d);
            plain_digits(&mut buf, after, at + 1, code)?;
            negative
        }
        (_, None) => false,
    };
    buf.finish(negative, pic.scale)
}

/// Encodes into `out` (exactly the field's length). The value is rescaled to the PIC's
/// scale first (Inexact if digits would be lost, Overflow if it has too many). Signed
/// fields get C/D zones (EBCDIC) or the ASCII convention; unsigned ones plain digits.
pub fn encode(
    value: &Decimal,
    pic: &NumericPic,
    sign: SignPosition,
    code: ZonedCode,
    out: &mut [u8],
) -> Result<(), NumericError> {
    let s = shape(pic, sign);
    if out.len() != s.len {
        return Err(NumericError::BadLength {
            expected: s.len,
            got: out.len(),
        });
    }
    let v = fit_to_pic(value, pic)?;
    if v.is_negative() && !pic.signed && !v.is_zero() {
        return Err(NumericError::Negative);
    }
    let negative = v.is_negative() && pic.signed;
    let zero = code.zero();
    let n = usize::from(pic.digits);
    let field = out.get_mut(s.first..s.first + n).unwrap_or_default();
    field.fill(zero);
    let pad = n - v.digits().len();
    for (slot, &d) in field.iter_mut().skip(pad).zip(v.digits()) {
        *slot = zero + d;
    }
    match (s.separate, s.sign_at) {
        (true, Some(at)) => {
            if let Some(b) = out.get_mut(at) {
                *b = if negative { code.minus() } else { code.plus() };
            }
        }
        (false, Some(at)) if pic.signed => {
            if let Some(b) = out.get_mut(at) {
                *b = code.punch(b.wrapping_sub(zero), negative);
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EB: ZonedCode = ZonedCode::EBCDIC;
    const LETTERS: ZonedCode = ZonedCode {
        ebcdic: false,
        ascii_sign: AsciiSign::Letters,
    };
    const LOWER: ZonedCode = ZonedCode {
        ebcdic: false,
        ascii_sign: AsciiSign::Lowercase,
    };
    use SignPosition::*;

    fn pic(digits: u16, scale: i16, signed: bool) -> NumericPic {
        NumericPic {
            digits,
            scale,
            signed,
        }
    }

    fn enc(v: i128, scale: i16, p: &NumericPic, sign: SignPosition, code: ZonedCode) -> Vec<u8> {
        let mut out = vec![0u8; shape(p, sign).len];
        encode(&Decimal::from_i128(v, scale), p, sign, code, &mut out).unwrap();
        out
    }

    #[test]
    fn unsigned_fields_refuse_a_negative_overpunch() {
        // 9(3) with a D zone (EBCDIC) or `J`/`p` (ASCII) in the last digit: a negative
        // value for an unsigned PIC, which encode could not write back.
        let p = pic(3, 0, false);
        assert_eq!(
            decode(&[0xF1, 0xF2, 0xD3], &p, TrailingOverpunch, EB),
            Err(NumericError::InvalidSign {
                offset: 2,
                byte: 0xD3
            })
        );
        assert!(decode(b"12L", &p, TrailingOverpunch, LETTERS).is_err());
        assert!(decode(b"12s", &p, TrailingOverpunch, LOWER).is_err());
        // Positive zones (C, F) and plain digits still read.
        assert_eq!(
            decode(&[0xF1, 0xF2, 0xC3], &p, TrailingOverpunch, EB).unwrap(),
            Decimal::from_i128(123, 0)
        );
    }

    #[test]
    fn ebcdic_overpunch_zones() {
        let p = pic(5, 2, true);
        // S9(3)V99 123.45 positive: trailing C5.
        assert_eq!(
            decode(&[0xF1, 0xF2, 0xF3, 0xF4, 0xC5], &p, TrailingOverpunch, EB).unwrap(),
            Decimal::from_i128(12345, 2)
        );
        // D and B zones are negative.
        assert_eq!(
            decode(&[0xF0, 0xF0, 0xF0, 0xF4, 0xD5], &p, TrailingOverpunch, EB).unwrap(),
            Decimal::from_i128(-45, 2)
        );
        assert_eq!(
            decode(&[0xF0, 0xF0, 0xF0, 0xF4, 0xB5], &p, TrailingOverpunch, EB).unwrap(),
            Decimal::from_i128(-45, 2)
        );
        // A, E, F zones are positive.
        for z in [0xA5, 0xE5, 0xF5] {
            assert_eq!(
                decode(&[0xF0, 0xF0, 0xF0, 0xF0, z], &p, TrailingOverpunch, EB).unwrap(),
                Decimal::from_i128(5, 2)
            );
        }
        // Leading overpunch: the sign is in the first byte.
        assert_eq!(
            decode(&[0xD1, 0xF2, 0xF3, 0xF4, 0xF5], &p, LeadingOverpunch, EB).unwrap(),
            Decimal::from_i128(-12345, 2)
        );
        // Encode writes C, D and F.
        assert_eq!(
            enc(12345, 2, &p, TrailingOverpunch, EB),
            [0xF1, 0xF2, 0xF3, 0xF4, 0xC5]
        );
        assert_eq!(
            enc(-45, 2, &p, TrailingOverpunch, EB),
            [0xF0, 0xF0, 0xF0, 0xF4, 0xD5]
        );
        assert_eq!(
            enc(45, 2, &pic(5, 2, false), TrailingOverpunch, EB),
            [0xF0, 0xF0, 0xF0, 0xF4, 0xF5]
        );
    }

    #[test]
    fn separate_signs() {
        let p = pic(3, 0, true);
        // EBCDIC '-' (0x60) trailing.
        assert_eq!(
            decode(&[0xF1, 0xF2, 0xF3, 0x60], &p, TrailingSeparate, EB).unwrap(),
            Decimal::from_i128(-123, 0)
        );
        // ASCII '+' leading.
        assert_eq!(
            decode(b"+123", &p, LeadingSeparate, LETTERS).unwrap(),
            Decimal::from_i128(123, 0)
        );
        assert_eq!(enc(-7, 0, &p, LeadingSeparate, LOWER), b"-007");
        assert_eq!(
            enc(7, 0, &p, TrailingSeparate, EB),
            [0xF0, 0xF0, 0xF7, 0x4E]
        );
        // A blank where the sign belongs.
        assert_eq!(
            decode(b" 123", &p, LeadingSeparate, LETTERS),
            Err(NumericError::InvalidSign {
                offset: 0,
                byte: b' '
            })
        );
    }

    #[test]
    fn ascii_conventions() {
        let p = pic(3, 0, true);
        // IBM letters: '}' is -0, 'R' is -9, '{' is +0, 'I' is +9.
        assert_eq!(
            decode(b"12}", &p, TrailingOverpunch, LETTERS).unwrap(),
            Decimal::from_i128(-120, 0)
        );
        assert_eq!(
            decode(b"12R", &p, TrailingOverpunch, LOWER).unwrap(),
            Decimal::from_i128(-129, 0)
        );
        assert_eq!(
            decode(b"12I", &p, TrailingOverpunch, LOWER).unwrap(),
            Decimal::from_i128(129, 0)
        );
        // GnuCOBOL: plain digit positive, 'y' is -9.
        assert_eq!(
            decode(b"12y", &p, TrailingOverpunch, LETTERS).unwrap(),
            Decimal::from_i128(-129, 0)
        );
        assert_eq!(
            decode(b"p12", &p, LeadingOverpunch, LETTERS).unwrap(),
            Decimal::from_i128(-12, 0)
        );
        // Encode per convention.
        assert_eq!(enc(120, 0, &p, TrailingOverpunch, LETTERS), b"12{");
        assert_eq!(enc(-121, 0, &p, TrailingOverpunch, LETTERS), b"12J");
        assert_eq!(enc(121, 0, &p, TrailingOverpunch, LOWER), b"121");
        assert_eq!(enc(-121, 0, &p, TrailingOverpunch, LOWER), b"12q");
    }

    #[test]
    fn rejects_bad_bytes() {
        let p = pic(3, 0, true);
        // All spaces: the caller decides what blank means.
        assert_eq!(
            decode(b"   ", &p, TrailingOverpunch, LETTERS),
            Err(NumericError::InvalidDigit {
                offset: 0,
                byte: b' '
            })
        );
        assert_eq!(
            decode(&[0x40; 3], &p, TrailingOverpunch, EB),
            Err(NumericError::InvalidDigit {
                offset: 0,
                byte: 0x40
            })
        );
        // A blank overpunched byte is a missing digit.
        assert_eq!(
            decode(&[0xF1, 0xF2, 0x40], &p, TrailingOverpunch, EB),
            Err(NumericError::InvalidDigit {
                offset: 2,
                byte: 0x40
            })
        );
        // Zone 3 in EBCDIC is no sign.
        assert_eq!(
            decode(&[0xF1, 0xF2, 0x33], &p, TrailingOverpunch, EB),
            Err(NumericError::InvalidSign {
                offset: 2,
                byte: 0x33
            })
        );
        // ASCII digit in an EBCDIC field.
        assert_eq!(
            decode(&[0x31, 0xF2, 0xC3], &p, TrailingOverpunch, EB),
            Err(NumericError::InvalidDigit {
                offset: 0,
                byte: 0x31
            })
        );
        // Leading separate: offsets count the sign byte.
        assert_eq!(
            decode(b"+1x3", &p, LeadingSeparate, LETTERS),
            Err(NumericError::InvalidDigit {
                offset: 2,
                byte: b'x'
            })
        );
        // Wrong length.
        assert_eq!(
            decode(b"1234", &p, TrailingOverpunch, LETTERS),
            Err(NumericError::BadLength {
                expected: 3,
                got: 4
            })
        );
    }

    #[test]
    fn encode_refusals() {
        let mut out = [0u8; 3];
        // Too many integer digits.
        assert_eq!(
            encode(
                &Decimal::from_i128(1234, 0),
                &pic(3, 0, true),
                TrailingOverpunch,
                EB,
                &mut out
            ),
            Err(NumericError::Overflow {
                digits: 4,
                allowed: 3
            })
        );
        // Negative into unsigned.
        assert_eq!(
            encode(
                &Decimal::from_i128(-1, 0),
                &pic(3, 0, false),
                TrailingOverpunch,
                EB,
                &mut out
            ),
            Err(NumericError::Negative)
        );
        // More fraction digits than the scale.
        assert_eq!(
            encode(
                &Decimal::from_i128(15, 1),
                &pic(3, 0, true),
                TrailingOverpunch,
                EB,
                &mut out
            ),
            Err(NumericError::Inexact { scale: 0 })
        );
        // Out buffer of the wrong size.
        assert!(encode(
            &Decimal::zero(0),
            &pic(3, 0, true),
            TrailingSeparate,
            EB,
            &mut out
        )
        .is_err());
    }

    #[test]
    fn p_scaling() {
        // PIC 9(3)PPP: 3 stored digits, value = digits * 1000.
        let p = pic(3, -3, false);
        let v = decode(b"123", &p, TrailingOverpunch, LETTERS).unwrap();
        assert_eq!(v.to_string(), "123000");
        assert_eq!(enc(123_000, 0, &p, TrailingOverpunch, LETTERS), b"123");
        // PIC PPP99: value = 0.000dd.
        let p = pic(2, 5, false);
        assert_eq!(
            decode(b"12", &p, TrailingOverpunch, LETTERS)
                .unwrap()
                .to_string(),
            "0.00012"
        );
        assert_eq!(enc(12, 5, &p, TrailingOverpunch, LETTERS), b"12");
        // 0.001 needs digit positions PPP99 does not have.
        let mut out = [0u8; 2];
        assert!(encode(
            &Decimal::from_i128(1, 3),
            &p,
            TrailingOverpunch,
            LETTERS,
            &mut out
        )
        .is_err());
    }

    fn any_code() -> impl Strategy<Value = ZonedCode> {
        prop_oneof![Just(EB), Just(LETTERS), Just(LOWER)]
    }

    fn any_sign() -> impl Strategy<Value = SignPosition> {
        prop_oneof![
            Just(TrailingOverpunch),
            Just(LeadingOverpunch),
            Just(TrailingSeparate),
            Just(LeadingSeparate)
        ]
    }

    proptest! {
        #[test]
        fn round_trips(digits in 1u16..=40, scale in -5i16..45, signed: bool, neg: bool,
                       seed in proptest::collection::vec(0u8..10, 40),
                       sign in any_sign(), code in any_code()) {
            let p = pic(digits, scale, signed);
            let v = Decimal::from_parts(neg && signed, &seed[..usize::from(digits)], scale).unwrap();
            let mut out = vec![0u8; shape(&p, sign).len];
            encode(&v, &p, sign, code, &mut out).unwrap();
            prop_assert_eq!(decode(&out, &p, sign, code).unwrap(), v);
        }
    }
}

//! Zoned decimal (USAGE DISPLAY numbers): one digit per byte, the sign either overpunched
//! into the zone of the first or last digit, or a separate `+`/`-` byte.
//!
//! EBCDIC digits are `F0`-`F9` and the overpunched zone is the sign (C/A/E/F positive,
//! D/B negative, F also unsigned). ASCII digits are `0`-`9`; an overpunched digit is
//! either IBM's letters (`{ A-I` positive, `} J-R` negative) or the GnuCOBOL/Micro Focus
//! convention (plain digit positive, `p`-`y` negative). Decode accepts both ASCII
//! conventions; encode writes the one in [`ZonedCode::ascii_sign`].

use super::{check_len, fit_to_pic, swar, Decimal, DigitBuf, NumericError, MAX_DIGITS};
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
    /// [`Self::overpunch`]'s digit and sign of a valid byte, `None` for any other: the
    /// EBCDIC zones decided inline, without building the error.
    #[inline(always)]
    fn overpunch_fast(self, offset: usize, b: u8) -> Option<(u8, bool)> {
        if !self.ebcdic {
            return self.overpunch(offset, b).ok();
        }
        let d = b & 0x0F;
        match b >> 4 {
            0xC | 0xA | 0xE | 0xF if d <= 9 => Some((d, false)),
            0xD | 0xB if d <= 9 => Some((d, true)),
            _ => None,
        }
    }

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
    check_len(s.len, bytes.len())?;
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
        // An unsigned field holds plain digits only (zone F, or 3 in ASCII): a sign
        // zone there is what COBOL's NUMERIC test rejects, and usually text in a REDEFINES.
        (false, Some(_)) if !pic.signed => {
            plain_digits(&mut buf, digits, s.first, code)?;
            false
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
            buf.push(d);
            plain_digits(&mut buf, after, at + 1, code)?;
            negative
        }
        (_, None) => false,
    };
    if negative && !pic.signed {
        // COBOL's NUMERIC test fails such a field; IBM sign rules give it no positive reading.
        let at = s.sign_at.unwrap_or(0);
        let byte = bytes.get(at).copied().unwrap_or(0);
        return Err(NumericError::NegativeUnsigned { offset: at, byte });
    }
    buf.finish(negative, pic.scale)
}

/// Decodes a zoned field straight to JSON number text in `out`: the same text as
/// `decode(..)?.write_json(out)` and the same errors (`out` is then unchanged), without
/// building a [`Decimal`] for valid fields of up to MAX_DIGITS digits.
pub fn write_json(
    bytes: &[u8],
    pic: &NumericPic,
    sign: SignPosition,
    code: ZonedCode,
    out: &mut Vec<u8>,
) -> Result<(), NumericError> {
    if write_json_fast(bytes, pic, sign, code, out) {
        return Ok(());
    }
    let s = shape(pic, sign);
    let n = usize::from(pic.digits);
    // BLOCK spare bytes so the number text is copied in fixed-size blocks.
    let mut ascii = [0u8; MAX_DIGITS + super::text::BLOCK];
    let fast = bytes.len() == s.len && n <= MAX_DIGITS;
    if let (Some(digits), Some(dst), true) =
        (bytes.get(s.first..s.first + n), ascii.get_mut(..n), fast)
    {
        // The overpunched digit of a signed field, read apart from the plain ones.
        let over = s.sign_at.filter(|_| !s.separate && pic.signed);
        let (worst, negative) = match over {
            Some(at) => {
                let (d_before, d_rest) = digits.split_at(at.min(n));
                let (a_before, a_rest) = dst.split_at_mut(at.min(n));
                let w = ascii_digits(a_before, d_before, code).max(ascii_digits(
                    a_rest.get_mut(1..).unwrap_or_default(),
                    d_rest.get(1..).unwrap_or_default(),
                    code,
                ));
                let punched = match (d_rest.first(), a_rest.first_mut()) {
                    (Some(&b), Some(a)) => code.overpunch(at, b).ok().map(|(d, neg)| {
                        *a = b'0' + d;
                        neg
                    }),
                    _ => None,
                };
                (w, punched)
            }
            None => {
                let w = ascii_digits(dst, digits, code);
                let negative = match (s.separate, s.sign_at.and_then(|at| bytes.get(at))) {
                    (true, Some(&b)) if b == code.plus() => Some(false),
                    (true, Some(&b)) if b == code.minus() && pic.signed => Some(true),
                    (true, _) => None,
                    (false, _) => Some(false),
                };
                (w, negative)
            }
        };
        if let (Some(negative), true) = (negative, worst <= 9) {
            let lead = super::text::lead_zeros(ascii.get(..n).unwrap_or_default());
            super::text::write_number_in(negative, &ascii, lead, n, pic.scale, out);
            return Ok(());
        }
    }
    // Invalid or long fields: the checked decoder finds the exact error.
    decode(bytes, pic, sign, code)?.write_json(out);
    Ok(())
}

/// [`write_json`] a word at a time for valid fields of up to [`swar::MAX`] digits: true
/// when it wrote the number, false (nothing written) for any other field, which the
/// byte loops then write or refuse with the exact error.
#[inline]
pub(crate) fn write_json_fast(
    bytes: &[u8],
    pic: &NumericPic,
    sign: SignPosition,
    code: ZonedCode,
    out: &mut Vec<u8>,
) -> bool {
    let s = shape(pic, sign);
    let n = usize::from(pic.digits);
    let Some(digits) = bytes.get(s.first..s.first + n) else {
        return false;
    };
    if bytes.len() != s.len || n > swar::MAX {
        return false;
    }
    // Digit values where the bytes are digits (zones 0xF or 0x3; both zeros end in 0,
    // so XOR leaves 0-9 exactly for digits and more than 9 for anything else).
    let mut w = swar::load(digits) ^ (swar::splat(code.zero()) & swar::low(n));
    let negative = match s.sign_at {
        Some(at) if !s.separate && pic.signed => {
            // The overpunched byte: its digit goes in the word, its zone is the sign.
            let Some((d, negative)) = digits.get(at).and_then(|&b| code.overpunch_fast(at, b))
            else {
                return false;
            };
            let shift = 8 * (n - 1 - at);
            w = (w & !(0xFF << shift)) | (u128::from(d) << shift);
            negative
        }
        Some(at) if s.separate => match bytes.get(at) {
            Some(&b) if b == code.plus() => false,
            Some(&b) if b == code.minus() && pic.signed => true,
            _ => return false,
        },
        _ => false,
    };
    swar::all_digits(w) && swar::write_number(negative, w, pic.scale, out)
}

/// Plain digit bytes to ASCII digits; returns the largest digit value seen (above 9
/// when some byte is not a digit).
#[inline]
fn ascii_digits(dst: &mut [u8], src: &[u8], code: ZonedCode) -> u8 {
    let zero = code.zero();
    let mut worst = 0u8;
    for (a, &b) in dst.iter_mut().zip(src) {
        let d = b.wrapping_sub(zero);
        worst = worst.max(d);
        *a = d.wrapping_add(b'0');
    }
    worst
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
    check_len(s.len, out.len())?;
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
    fn unsigned_fields_refuse_negative_overpunch() {
        let p = NumericPic {
            digits: 3,
            scale: 0,
            signed: false,
        };
        // EBCDIC F1 F2 D7: -127 in a signed field, invalid in PIC 9(3).
        let e = decode(
            &[0xF1, 0xF2, 0xD7],
            &p,
            SignPosition::TrailingOverpunch,
            ZonedCode::EBCDIC,
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                NumericError::InvalidDigit {
                    offset: 2,
                    byte: 0xD7
                } | NumericError::InvalidSign { offset: 2, .. }
            ),
            "{e:?}"
        );
        // Nor a positive sign zone: E7 is the letter X in cp037.
        assert!(decode(
            &[0xF1, 0xF2, 0xE7],
            &p,
            SignPosition::TrailingOverpunch,
            ZonedCode::EBCDIC
        )
        .is_err());
        assert!(decode(
            &[0xF1, 0xF2, 0xC7],
            &p,
            SignPosition::TrailingOverpunch,
            ZonedCode::EBCDIC
        )
        .is_err());
        // ASCII "12w" (GnuCOBOL's -7) likewise.
        let ascii = ZonedCode {
            ebcdic: false,
            ascii_sign: AsciiSign::Lowercase,
        };
        assert!(decode(b"12w", &p, SignPosition::TrailingOverpunch, ascii).is_err());
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
    fn forty_digits_decode_and_forty_one_do_not() {
        // 40 nines fill a Decimal exactly; a 41st significant digit does not fit, while
        // a 41-digit field with a leading zero still holds 40.
        let forty = [0xF9u8; 40];
        let v = decode(&forty, &pic(40, 0, false), TrailingOverpunch, EB).unwrap();
        assert_eq!(v.digits().len(), 40);
        let mut out = [0u8; 40];
        encode(&v, &pic(40, 0, false), TrailingOverpunch, EB, &mut out).unwrap();
        assert_eq!(out, forty);
        let p41 = pic(41, 0, false);
        let e = decode(&[0xF9; 41], &p41, TrailingOverpunch, EB).unwrap_err();
        assert_eq!(
            e,
            NumericError::Overflow {
                digits: 41,
                allowed: 40
            }
        );
        let mut lead = [0xF9u8; 41];
        lead[0] = 0xF0;
        assert_eq!(
            json(&lead, &p41, TrailingOverpunch, EB).unwrap(),
            format!("x{}", "9".repeat(40))
        );
        assert!(json(&[0xF9; 41], &p41, TrailingOverpunch, EB).is_err());
    }

    #[test]
    fn negative_zero_keeps_its_sign_only_where_one_is_stored() {
        // -0 in a signed field is a D zone or a '-'; unsigned fields write plain zeros.
        let z = Decimal::zero(0).with_negative(true);
        let mut out = [0u8; 2];
        encode(&z, &pic(2, 0, true), TrailingOverpunch, EB, &mut out).unwrap();
        assert_eq!(out, [0xF0, 0xD0]);
        encode(&z, &pic(2, 0, false), TrailingOverpunch, EB, &mut out).unwrap();
        assert_eq!(out, [0xF0, 0xF0]);
        let mut sep = [0u8; 3];
        encode(&z, &pic(2, 0, true), LeadingSeparate, LETTERS, &mut sep).unwrap();
        assert_eq!(&sep, b"-00");
        assert_eq!(
            json(b"-00", &pic(2, 0, true), LeadingSeparate, LETTERS).unwrap(),
            "x-0"
        );
        // Letters: } is -0, { is +0; lowercase: p is -0.
        assert_eq!(
            enc(0, 0, &pic(1, 0, true), TrailingOverpunch, LETTERS),
            b"{"
        );
        let mut one = [0u8; 1];
        encode(&z, &pic(1, 0, true), TrailingOverpunch, LETTERS, &mut one).unwrap();
        assert_eq!(&one, b"}");
        encode(&z, &pic(1, 0, true), TrailingOverpunch, LOWER, &mut one).unwrap();
        assert_eq!(&one, b"p");
    }

    #[test]
    fn every_overpunch_digit_round_trips_in_every_convention() {
        // The ends of each letter run (A and I, J and R, p and y) and both zeros.
        for code in [EB, LETTERS, LOWER] {
            for v in -9i128..=9 {
                let p = pic(1, 0, true);
                let bytes = enc(v, 0, &p, TrailingOverpunch, code);
                let back = decode(&bytes, &p, TrailingOverpunch, code).unwrap();
                assert_eq!(back, Decimal::from_i128(v, 0), "{code:?} {v}");
            }
        }
        assert_eq!(
            enc(9, 0, &pic(1, 0, true), TrailingOverpunch, LETTERS),
            b"I"
        );
        assert_eq!(
            enc(-9, 0, &pic(1, 0, true), TrailingOverpunch, LETTERS),
            b"R"
        );
        assert_eq!(enc(-9, 0, &pic(1, 0, true), TrailingOverpunch, LOWER), b"y");
        assert_eq!(
            enc(1, 0, &pic(1, 0, true), TrailingOverpunch, LETTERS),
            b"A"
        );
        assert_eq!(
            enc(-1, 0, &pic(1, 0, true), TrailingOverpunch, LETTERS),
            b"J"
        );
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

    fn json(
        bytes: &[u8],
        p: &NumericPic,
        sign: SignPosition,
        code: ZonedCode,
    ) -> Result<String, NumericError> {
        let mut out = b"x".to_vec();
        write_json(bytes, p, sign, code, &mut out).map(|()| String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_bad_digit_after_a_leading_overpunch_is_located() {
        // S9(3) SIGN LEADING: C1 is +1; the blank at byte 1 is the error, not byte 0.
        let e = decode(&[0xC1, 0x40, 0xF2], &pic(3, 0, true), LeadingOverpunch, EB);
        assert_eq!(
            e.unwrap_err(),
            NumericError::InvalidDigit {
                offset: 1,
                byte: 0x40
            }
        );
    }

    #[test]
    fn a_field_without_digit_bytes_is_zero_for_either_overpunch() {
        // No digit byte means no byte to carry an overpunched sign, leading or trailing:
        // the empty field is 0, not a length error.
        let p = pic(0, 0, true);
        for sign in [LeadingOverpunch, TrailingOverpunch] {
            assert!(decode(&[], &p, sign, EB).unwrap().is_zero(), "{sign:?}");
            assert_eq!(json(&[], &p, sign, EB).unwrap(), "x0", "{sign:?}");
        }
    }

    #[test]
    fn writes_json_text_directly() {
        let p = pic(5, 2, true);
        // EBCDIC 00123 trailing overpunch D: -1.23.
        let t = SignPosition::TrailingOverpunch;
        assert_eq!(
            json(&[0xF0, 0xF0, 0xF1, 0xF2, 0xD3], &p, t, EB).unwrap(),
            "x-1.23"
        );
        // Negative zero keeps its sign.
        assert_eq!(
            json(&[0xF0, 0xF0, 0xF0, 0xF0, 0xD0], &p, t, EB).unwrap(),
            "x-0.00"
        );
        // Leading separate sign, ASCII.
        let l = SignPosition::LeadingSeparate;
        assert_eq!(json(b"+12345", &p, l, LETTERS).unwrap(), "x123.45");
        // Unsigned, negative scale (P): zeros appended.
        assert_eq!(
            json(&[0xF4, 0xF2], &pic(2, -2, false), t, EB).unwrap(),
            "x4200"
        );
    }

    #[test]
    fn write_json_reports_decode_errors() {
        let p = pic(3, 0, true);
        let t = SignPosition::TrailingOverpunch;
        // A space among the digits, a bad zone, a wrong length: decode's errors.
        assert_eq!(
            json(&[0xF1, 0x40, 0xC3], &p, t, EB),
            Err(NumericError::InvalidDigit {
                offset: 1,
                byte: 0x40
            })
        );
        assert!(matches!(
            json(&[0xF1, 0xF2, 0x73], &p, t, EB),
            Err(NumericError::InvalidSign { .. })
        ));
        assert!(matches!(
            json(&[0xF1], &p, t, EB),
            Err(NumericError::BadLength { .. })
        ));
        // A byte too many is refused too, not read as the first three digits.
        assert_eq!(
            json(&[0xF1, 0xF2, 0xC3, 0xF4], &p, t, EB),
            Err(NumericError::BadLength {
                expected: 3,
                got: 4
            })
        );
        // Minus sign in an unsigned separate-sign field.
        let u = pic(2, 0, false);
        assert!(matches!(
            json(b"-12", &u, SignPosition::LeadingSeparate, LETTERS),
            Err(NumericError::NegativeUnsigned { .. })
        ));
    }

    #[test]
    fn overpunch_fast_agrees_with_overpunch() {
        // Every byte, every code: the same digit and sign, or None where it errs.
        for code in [EB, LETTERS, LOWER] {
            for b in 0..=255u8 {
                assert_eq!(
                    code.overpunch_fast(3, b),
                    code.overpunch(3, b).ok(),
                    "{b:#04X}"
                );
            }
        }
    }

    #[test]
    fn fast_writer_takes_valid_short_fields_and_declines_the_rest() {
        // S9(3)V99 trailing overpunch, -123.45: written by the word path.
        let p = pic(5, 2, true);
        let mut out = Vec::new();
        assert!(write_json_fast(
            &[0xF1, 0xF2, 0xF3, 0xF4, 0xD5],
            &p,
            TrailingOverpunch,
            EB,
            &mut out
        ));
        assert_eq!(out, b"-123.45");
        // A bad digit, a bad sign, 17 digits, a negative scale: declined, nothing written.
        let mut out = Vec::new();
        assert!(!write_json_fast(
            &[0xF1, 0xFA, 0xF3, 0xF4, 0xD5],
            &p,
            TrailingOverpunch,
            EB,
            &mut out
        ));
        assert!(!write_json_fast(
            &[0xF1, 0xF2, 0xF3, 0xF4, 0x45],
            &p,
            TrailingOverpunch,
            EB,
            &mut out
        ));
        assert!(!write_json_fast(
            &[0xF1; 17],
            &pic(17, 0, false),
            TrailingOverpunch,
            EB,
            &mut out
        ));
        assert!(!write_json_fast(
            &[0xF1; 3],
            &pic(3, -2, false),
            TrailingOverpunch,
            EB,
            &mut out
        ));
        assert!(out.is_empty());
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

        #[test]
        fn fast_writer_agrees_with_decimal(
            bytes in proptest::collection::vec(
                prop_oneof![8 => (0u8..10).prop_map(|d| 0xF0 | d),
                            2 => prop::sample::select(vec![0xC1u8, 0xD5, 0xA0, 0xB9, 0xE3,
                                0x4E, 0x60, 0x40]),
                            1 => any::<u8>()],
                1..18),
            scale in -2i16..18, signed: bool, sign in any_sign(),
        ) {
            // Whenever the word path writes, it writes decode's text; where decode
            // fails, it declines. Valid EBCDIC fields of up to 16 digits and scales
            // 0..=15 it must take (else the fast path could silently never run).
            let sep = matches!(sign, LeadingSeparate | TrailingSeparate) as usize;
            let p = pic(bytes.len().saturating_sub(sep).max(1) as u16, scale, signed);
            let want = decode(&bytes, &p, sign, EB).map(|d| d.to_string());
            let mut out = Vec::new();
            let took = write_json_fast(&bytes, &p, sign, EB, &mut out);
            match &want {
                Ok(text) if took => prop_assert_eq!(String::from_utf8(out).unwrap(), text.clone()),
                Ok(_) => prop_assert!(p.digits > 16 || !(0..=15).contains(&scale)),
                Err(_) => prop_assert!(!took && out.is_empty()),
            }
        }

        #[test]
        fn write_json_agrees_with_decimal(
            bytes in proptest::collection::vec(
                // Mostly digits (either code), some signs, zones and noise.
                prop_oneof![6 => (0u8..10).prop_map(|d| 0xF0 | d),
                            3 => (0u8..10).prop_map(|d| b'0' + d),
                            2 => prop::sample::select(vec![0xC1u8, 0xD5, 0xA0, 0xB9, 0xE3,
                                b'{', b'}', b'J', b'p', b'+', b'-', 0x4E, 0x60, 0x40]),
                            1 => any::<u8>()],
                0..44),
            scale in -5i16..45, signed: bool, sign in any_sign(), code in any_code(),
        ) {
            // Same text as decode + Decimal::write_json, or the same error.
            let sep = matches!(sign, LeadingSeparate | TrailingSeparate) as usize;
            let p = pic(bytes.len().saturating_sub(sep).max(1) as u16, scale, signed);
            let want = decode(&bytes, &p, sign, code).map(|d| d.to_string());
            prop_assert_eq!(json(&bytes, &p, sign, code).map(|s| s[1..].to_string()), want);
        }
    }
}

//! Packed decimal (COMP-3 / PACKED-DECIMAL): two digits per byte, the last nibble is the
//! sign.
//!
//! A PIC with `d` digits takes `d/2 + 1` bytes; an even digit count leaves one pad nibble
//! in front, which IBM hardware reads as a digit, so decode does too.

use super::{check_len, fit_to_nibbles, swar, Decimal, DigitBuf, NumericError, MAX_DIGITS};
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
    // Fields of up to MAX_DIGITS digits with valid nibbles (nearly all) take the fast
    // path; the checked loop handles the rest and finds the exact error.
    let (digits, len) = match unpack(body, last) {
        Some(d) => d,
        None => return decode_checked(body, last, pic),
    };
    Ok(Decimal::from_digit_array(
        sign(body.len(), last, pic)?,
        digits,
        len,
        pic.scale,
    ))
}

/// Each byte's two digit nibbles as ASCII; `0xFF 0xFF` when either is not a digit.
const PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0xFF; 2]; 256];
    let mut b = 0;
    while b < 256 {
        let (hi, lo) = ((b >> 4) as u8, (b & 0x0F) as u8);
        if hi <= 9 && lo <= 9 {
            t[b] = [b'0' + hi, b'0' + lo];
        }
        b += 1;
    }
    t
};

/// Decodes packed bytes straight to JSON number text in `out`: the same text as
/// `decode(..)?.write_json(out)` and the same errors (`out` is then unchanged), without
/// building a [`Decimal`] for valid fields of up to MAX_DIGITS digit nibbles.
pub fn write_json(bytes: &[u8], pic: &NumericPic, out: &mut Vec<u8>) -> Result<(), NumericError> {
    if write_json_fast(bytes, pic, out) {
        return Ok(());
    }
    // Digit nibbles: two per byte before the last, plus its high nibble; BLOCK spare
    // bytes so the number text is copied in fixed-size blocks.
    let mut ascii = [0u8; MAX_DIGITS + 1 + super::text::BLOCK];
    let fast = bytes.len() == byte_len(pic) && 2 * bytes.len() - 1 <= MAX_DIGITS;
    if let Some((&last, body)) = bytes.split_last().filter(|_| fast) {
        // Invalid pairs are 0xFF: OR-ing the first bytes checks them all at once.
        let mut bad = 0u8;
        for (slot, &b) in ascii.chunks_exact_mut(2).zip(body) {
            let pair = PAIRS[usize::from(b)];
            bad |= pair[0];
            slot.copy_from_slice(&pair);
        }
        let hi = last >> 4;
        let n = 2 * body.len();
        let negative = match last & 0x0F {
            0xB | 0xD if pic.signed => Some(true),
            0xA | 0xC | 0xE | 0xF => Some(false),
            _ => None,
        };
        if let (Some(negative), Some(slot), true) =
            (negative, ascii.get_mut(n), bad < 0x80 && hi <= 9)
        {
            *slot = b'0' + hi;
            let lead = super::text::lead_zeros(ascii.get(..=n).unwrap_or_default());
            super::text::write_number_in(negative, &ascii, lead, n + 1, pic.scale, out);
            return Ok(());
        }
    }
    // Invalid or long fields: the checked decoder finds the exact error.
    decode(bytes, pic)?.write_json(out);
    Ok(())
}

/// [`write_json`] a word at a time for valid fields of up to 8 bytes (15 digit nibbles):
/// true when it wrote the number, false (nothing written) for any other field, which
/// the byte loops then write or refuse with the exact error.
#[inline]
pub(crate) fn write_json_fast(bytes: &[u8], pic: &NumericPic, out: &mut Vec<u8>) -> bool {
    let len = bytes.len();
    if len != byte_len(pic) || len > 8 {
        return false;
    }
    // At most 8 bytes: the word's low 64 bits hold them all.
    let x = swar::load(bytes) as u64;
    let negative = match x & 0x0F {
        0xB | 0xD if pic.signed => true,
        0xA | 0xC | 0xE | 0xF => false,
        _ => return false,
    };
    // The digit nibbles above the sign, one per byte.
    let d = swar::spread_nibbles(x >> 4);
    swar::all_digits(d) && swar::write_number(negative, d, pic.scale, out)
}

/// The digit nibbles without leading zeros, left-aligned in a zeroed array, and their
/// count; `None` when a nibble is not a digit or there are more than MAX_DIGITS nibbles.
#[inline]
fn unpack(body: &[u8], last: u8) -> Option<([u8; MAX_DIGITS], u8)> {
    // Whole zero bytes in front hold only leading zeros.
    let lead = body.iter().take_while(|&&b| b == 0).count();
    let rest = body.get(lead..)?;
    let n = 2 * rest.len() + 1;
    if n > MAX_DIGITS {
        return None;
    }
    // One spare slot so that a leading zero nibble can be dropped by starting at 1.
    let mut raw = [0u8; MAX_DIGITS + 1];
    // Bit 4 of `nibble + 6` is set exactly when the nibble is above 9: OR-ing them all
    // checks every nibble with no branch in the loop.
    let mut bad = (last >> 4) + 6;
    for (pair, &b) in raw.chunks_exact_mut(2).zip(rest) {
        let (hi, lo) = (b >> 4, b & 0x0F);
        bad |= (hi + 6) | (lo + 6);
        if let [h, l] = pair {
            *h = hi;
            *l = lo;
        }
    }
    if bad & 0x10 != 0 {
        return None;
    }
    *raw.get_mut(n - 1)? = last >> 4;
    // `rest` starts with a non-zero byte, so at most its high nibble is a leading zero
    // (or the last nibble, when the value is zero).
    let skip = usize::from(raw.first() == Some(&0));
    let digits = raw.get(skip..skip + MAX_DIGITS)?.try_into().ok()?;
    Some((digits, (n - skip) as u8))
}

/// The sign of the last byte; `offset` is that byte's place in the field. An unsigned
/// field with a negative sign is not a number COBOL would accept.
#[inline]
fn sign(offset: usize, last: u8, pic: &NumericPic) -> Result<bool, NumericError> {
    match last & 0x0F {
        0xB | 0xD if pic.signed => Ok(true),
        0xB | 0xD => Err(NumericError::NegativeUnsigned { offset, byte: last }),
        0xA | 0xC | 0xE | 0xF => Ok(false),
        _ => Err(NumericError::InvalidSign { offset, byte: last }),
    }
}

/// Nibble by nibble, reporting the first bad one: the path for invalid or very long fields.
fn decode_checked(body: &[u8], last: u8, pic: &NumericPic) -> Result<Decimal, NumericError> {
    let mut buf = DigitBuf::new();
    for (offset, &b) in body.iter().enumerate() {
        let (hi, lo) = (b >> 4, b & 0x0F);
        if (hi > 9) | (lo > 9) {
            let nibble = if hi > 9 { hi } else { lo };
            return Err(NumericError::InvalidNibble { offset, nibble });
        }
        buf.push(hi);
        buf.push(lo);
    }
    let hi = last >> 4;
    if hi > 9 {
        return Err(NumericError::InvalidNibble {
            offset: body.len(),
            nibble: hi,
        });
    }
    buf.push(hi);
    buf.finish(sign(body.len(), last, pic)?, pic.scale)
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
    check_len(expected, out.len())?;
    // Every digit nibble: the PIC's digits plus the pad nibble of an even count.
    let v = fit_to_nibbles(value, pic, allow_beyond_pic, 2 * expected - 1)?;
    if v.is_negative() && !pic.signed && !v.is_zero() {
        return Err(NumericError::Negative);
    }
    let sign = match (pic.signed, v.is_negative()) {
        (false, _) => 0x0F,
        (true, false) => 0x0C,
        (true, true) => 0x0D,
    };
    // Digits sit right-aligned in the 2*len - 1 digit nibbles.
    put_digits(out, 2 * expected - 1, v.digits());
    if let Some(b) = out.last_mut() {
        *b |= sign;
    }
    Ok(())
}

/// Zeroes `out` and writes `digits` (0-9 each) right-aligned in its first `nibbles`
/// nibbles, high nibble first (packed decimal and COMP-6 share this layout).
pub(super) fn put_digits(out: &mut [u8], nibbles: usize, digits: &[u8]) {
    out.fill(0);
    let first = nibbles.saturating_sub(digits.len());
    for (i, &d) in digits.iter().enumerate() {
        let p = first + i;
        if let Some(b) = out.get_mut(p / 2) {
            *b |= if p & 1 == 0 { d << 4 } else { d };
        }
    }
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
    fn the_pair_table_holds_every_digit_pair_and_nothing_else() {
        // The fast path's table: ASCII digits for bytes 00-99 in BCD, FF FF for the rest
        // (a table that said "invalid" too often would only be slower, so check it whole).
        for b in 0..=255u8 {
            let (hi, lo) = (b >> 4, b & 0x0F);
            let want = if hi <= 9 && lo <= 9 {
                [b'0' + hi, b'0' + lo]
            } else {
                [0xFF, 0xFF]
            };
            assert_eq!(PAIRS[usize::from(b)], want, "{b:02X}");
        }
    }

    #[test]
    fn a_bad_digit_beside_the_sign_is_found_on_both_paths() {
        // The last byte's high nibble is a digit: A-F there is an error, whatever the
        // sign nibble says, on the fast path (write_json) as on decode.
        for last in [0xAC, 0xFD, 0xBF, 0xCA] {
            let bytes = [0x12, last];
            let want = Err(NumericError::InvalidNibble {
                offset: 1,
                nibble: last >> 4,
            });
            assert_eq!(decode(&bytes, &pic(3, 0, true)).map(|_| ()), want);
            let mut out = Vec::new();
            assert_eq!(write_json(&bytes, &pic(3, 0, true), &mut out), want);
            assert!(out.is_empty());
        }
        // 9 is the largest digit: 0x9C is 9 positive.
        let mut out = Vec::new();
        write_json(&[0x12, 0x9C], &pic(3, 0, true), &mut out).unwrap();
        assert_eq!(out, b"129");
    }

    #[test]
    fn every_bad_digit_nibble_in_the_body_is_found_by_decode() {
        // Each of A-F, high or low, in an otherwise zero body (which decode's fast path
        // takes): the checked error, never a value with a digit above 9.
        for bad in 0xA..=0xF_u8 {
            for (byte, nibble) in [(bad << 4, bad), (bad, bad)] {
                let bytes = [0x00, byte, 0x0C];
                let want = Err(NumericError::InvalidNibble { offset: 1, nibble });
                assert_eq!(decode(&bytes, &pic(5, 0, true)), want, "{byte:02X}");
            }
        }
    }

    #[test]
    fn the_first_bad_nibble_is_named() {
        // High nibble bad, low nibble bad, both bad (the high one is first), each
        // beside a 9, the largest digit.
        for (bytes, offset, nibble) in [
            ([0xA1u8, 0x23, 0x4C], 0, 0xA),
            ([0x9A, 0x23, 0x4C], 0, 0xA),
            ([0xBC, 0x23, 0x4C], 0, 0xB),
            ([0x12, 0x9F, 0x4C], 1, 0xF),
        ] {
            let want = Err(NumericError::InvalidNibble { offset, nibble });
            assert_eq!(
                decode(&bytes, &pic(5, 0, true)).map(|_| ()),
                want,
                "{bytes:02X?}"
            );
            assert_eq!(write_json(&bytes, &pic(5, 0, true), &mut Vec::new()), want);
        }
    }

    #[test]
    fn forty_digits_decode_and_forty_one_do_not() {
        // PIC 9(40) COMP-3 is 21 bytes, 41 digit nibbles (the first a pad nibble): 40
        // significant digits are the most a Decimal holds, on both decode paths.
        let p = pic(40, 0, false);
        let mut forty = vec![0x09u8];
        forty.extend([0x99; 19]);
        forty.push(0x9F);
        let v = decode(&forty, &p).unwrap();
        assert_eq!(v.digits().len(), 40);
        let mut text = Vec::new();
        write_json(&forty, &p, &mut text).unwrap();
        assert_eq!(text, "9".repeat(40).as_bytes());
        // A digit in the pad nibble makes 41.
        let mut forty_one = forty.clone();
        forty_one[0] = 0x19;
        let e = NumericError::Overflow {
            digits: 41,
            allowed: 40,
        };
        assert_eq!(decode(&forty_one, &p), Err(e.clone()));
        assert_eq!(write_json(&forty_one, &p, &mut Vec::new()), Err(e));
        // Encode writes 40 digits, with or without the pad nibble allowed.
        let mut out = vec![0u8; 21];
        encode(&v, &p, false, &mut out).unwrap();
        assert_eq!(out, forty);
        // 39 digits in 20 bytes: the fast path's widest field.
        let p39 = pic(39, 0, true);
        let mut bytes = vec![0x99u8; 19];
        bytes.push(0x9D);
        let mut text = Vec::new();
        write_json(&bytes, &p39, &mut text).unwrap();
        assert_eq!(text, format!("-{}", "9".repeat(39)).as_bytes());
    }

    #[test]
    fn negative_zero_keeps_its_sign_only_where_one_is_stored() {
        // -0 in a signed field is D; in an unsigned field it is zero with sign F.
        let z = Decimal::zero(2).with_negative(true);
        let mut out = [0xAAu8; 2];
        encode(&z, &pic(3, 2, true), false, &mut out).unwrap();
        assert_eq!(out, [0x00, 0x0D]);
        encode(&z, &pic(3, 2, false), false, &mut out).unwrap();
        assert_eq!(out, [0x00, 0x0F]);
        let mut text = Vec::new();
        write_json(&[0x00, 0x0D], &pic(3, 2, true), &mut text).unwrap();
        assert_eq!(text, b"-0.00");
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

        #[test]
        fn write_json_agrees_with_decimal(
            bytes in proptest::collection::vec(
                prop_oneof![4 => (0u8..10, 0u8..10).prop_map(|(h, l)| h << 4 | l),
                            2 => Just(0u8),
                            1 => any::<u8>()],
                1..24),
            scale in -5i16..45,
            signed: bool,
        ) {
            // Same text as decode + Decimal::write_json, or the same error.
            let p = pic((bytes.len() * 2 - 1) as u16, scale, signed);
            let want = decode(&bytes, &p).map(|d| d.to_string());
            prop_assert_eq!(json(&bytes, &p).map(|s| s[1..].to_string()), want);
        }

        #[test]
        fn word_writer_agrees_with_decimal(
            bytes in proptest::collection::vec(
                prop_oneof![6 => (0u8..10, 0u8..10).prop_map(|(h, l)| h << 4 | l),
                            2 => Just(0u8),
                            1 => any::<u8>()],
                1..10),
            sign in prop::sample::select(vec![0xAu8, 0xB, 0xC, 0xD, 0xE, 0xF, 0x0, 0x9]),
            scale in -2i16..18,
            signed: bool,
            pad: bool,
        ) {
            // Whenever the word path writes, it writes decode's text; where decode
            // fails, it declines; valid fields of up to 8 bytes at scales 0..=15 it
            // must take. Odd and even digit counts (the pad nibble) both.
            let mut bytes = bytes;
            if let Some(last) = bytes.last_mut() {
                *last = (*last & 0xF0) | sign;
            }
            let digits = (bytes.len() * 2 - 1 - usize::from(pad && bytes.len() > 1)) as u16;
            let p = pic(digits, scale, signed);
            let want = decode(&bytes, &p).map(|d| d.to_string());
            let mut out = Vec::new();
            let took = write_json_fast(&bytes, &p, &mut out);
            match &want {
                Ok(text) if took => prop_assert_eq!(String::from_utf8(out).unwrap(), text.clone()),
                Ok(_) => prop_assert!(bytes.len() > 8 || !(0..=15).contains(&scale)),
                Err(_) => prop_assert!(!took && out.is_empty()),
            }
        }

        #[test]
        fn fast_path_agrees_with_checked_loop(
            bytes in proptest::collection::vec(
                // Mostly valid digit pairs and zero bytes, sometimes anything.
                prop_oneof![4 => (0u8..10, 0u8..10).prop_map(|(h, l)| h << 4 | l),
                            2 => Just(0u8),
                            1 => any::<u8>()],
                1..24),
            scale in -3i16..10,
        ) {
            // Same Decimal or the same error, for lengths either side of MAX_DIGITS.
            let p = pic((bytes.len() * 2 - 1) as u16, scale, true);
            let (&last, body) = bytes.split_last().unwrap();
            prop_assert_eq!(decode(&bytes, &p), decode_checked(body, last, &p));
        }
    }

    fn json(bytes: &[u8], p: &NumericPic) -> Result<String, NumericError> {
        let mut out = b"x".to_vec();
        write_json(bytes, p, &mut out).map(|()| String::from_utf8(out).unwrap())
    }

    #[test]
    fn writes_json_text_directly() {
        // S9(5)V99 +1234567: point inserted at the scale.
        assert_eq!(
            json(&[0x12, 0x34, 0x56, 0x7C], &pic(7, 2, true)).unwrap(),
            "x12345.67"
        );
        // Leading zeros dropped, fewer digits than the scale.
        assert_eq!(
            json(&[0x00, 0x00, 0x00, 0x5D], &pic(7, 3, true)).unwrap(),
            "x-0.005"
        );
        // Negative zero keeps its sign and scale.
        assert_eq!(json(&[0x00, 0x0D], &pic(3, 2, true)).unwrap(), "x-0.00");
        // Trailing P positions (scale -2) append zeros; zero stays "0".
        assert_eq!(json(&[0x12, 0x3F], &pic(3, -2, false)).unwrap(), "x12300");
        assert_eq!(json(&[0x00, 0x0F], &pic(3, -2, false)).unwrap(), "x0");
    }

    #[test]
    fn write_json_reports_decode_errors() {
        // Bad nibble, bad sign, negative unsigned, wrong length: decode's errors, out untouched.
        let p = pic(5, 0, true);
        assert_eq!(
            json(&[0x12, 0x3A, 0x4C], &p),
            Err(NumericError::InvalidNibble {
                offset: 1,
                nibble: 0xA
            })
        );
        assert_eq!(
            json(&[0x12, 0x34, 0x55], &p),
            Err(NumericError::InvalidSign {
                offset: 2,
                byte: 0x55
            })
        );
        assert!(matches!(
            json(&[0x12, 0x3D], &pic(3, 0, false)),
            Err(NumericError::NegativeUnsigned { .. })
        ));
        assert!(matches!(
            json(&[0x1C], &p),
            Err(NumericError::BadLength { .. })
        ));
        let mut out = Vec::new();
        assert!(write_json(&[0xA2, 0x1C], &pic(3, 0, true), &mut out).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn fast_path_edges() {
        // Leading zero bytes, then a zero high nibble: 0x00 0x01 0x2C is +12.
        assert_eq!(
            decode(&[0x00, 0x01, 0x2C], &pic(5, 0, true)).unwrap(),
            Decimal::from_i128(12, 0)
        );
        // All zero with a D sign: negative zero, no digits.
        let z = decode(&[0x00, 0x00, 0x0D], &pic(5, 2, true)).unwrap();
        assert!(z.is_zero() && z.is_negative());
        // A bad nibble inside the leading zeros' run is still found, at its byte.
        assert_eq!(
            decode(&[0x00, 0x0A, 0x1C], &pic(5, 0, true)),
            Err(NumericError::InvalidNibble {
                offset: 1,
                nibble: 0xA
            })
        );
        // 41 nibbles (more than MAX_DIGITS) of leading zeros and 1 still decode.
        let mut long = vec![0u8; 20];
        long.push(0x1C);
        assert_eq!(
            decode(&long, &pic(41, 0, true)).unwrap(),
            Decimal::from_i128(1, 0)
        );
    }
}

//! USAGE COMP-X (Micro Focus, GnuCOBOL): an unsigned big-endian binary integer of 1 to 8
//! bytes whose width comes from the PICTURE, not from IBM's 2/4/8 steps.
//!
//! `PIC 9(n) COMP-X` takes the fewest bytes that hold 10^n - 1 ([`bytes_for_digits`]);
//! `PIC X(n) COMP-X` takes n bytes and holds any value those bytes can. Decode returns the
//! full stored value (like [`super::binary`]); encode refuses values beyond the PIC's
//! digits unless asked, and always refuses values the bytes cannot hold.

use super::{fit_unless_beyond, Decimal, NumericError};
use crate::layout::NumericPic;

/// Widest COMP-X item: 8 bytes (a u64).
pub const MAX_BYTES: usize = 8;

/// Bytes a `PIC 9(digits) COMP-X` item takes: the fewest that hold 10^digits - 1
/// (GnuCOBOL 3.1.2 and Micro Focus agree). `None` past 18 digits (more than 8 bytes).
pub fn bytes_for_digits(digits: u16) -> Option<u8> {
    let max = 10u64.checked_pow(u32::from(digits))?.checked_sub(1)?;
    // Bytes needed for `max`: 1 for 0..=255, 2 up to 65535, ...
    let bits = 64 - max.leading_zeros();
    let bytes = bits.div_ceil(8).max(1);
    u8::try_from(bytes)
        .ok()
        .filter(|&b| usize::from(b) <= MAX_BYTES)
}

/// Digits of a `PIC X(bytes) COMP-X` item: the most nines the bytes hold (1 byte: 99,
/// 2 digits; 2 bytes: 9999), at most 18. GnuCOBOL 3.1.2 truncates a MOVE to these digits
/// (`MOVE 65535` to `X(2) COMP-X` keeps 5535); the bytes themselves may hold more, which
/// decode shows and encode writes only when allowed beyond the PIC.
pub fn digits_for_bytes(bytes: u8) -> u16 {
    (1u16..=18)
        .take_while(|&d| bytes_for_digits(d).is_some_and(|b| b <= bytes))
        .last()
        .unwrap_or(1)
}

fn check_width(len: usize) -> Result<(), NumericError> {
    if (1..=MAX_BYTES).contains(&len) {
        Ok(())
    } else {
        Err(NumericError::BadLength {
            expected: len.clamp(1, MAX_BYTES),
            got: len,
        })
    }
}

fn raw(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// Decodes 1 to 8 big-endian bytes as an unsigned number with the PIC's scale.
pub fn decode(bytes: &[u8], pic: &NumericPic) -> Result<Decimal, NumericError> {
    check_width(bytes.len())?;
    Ok(Decimal::from_i128(i128::from(raw(bytes)), pic.scale))
}

/// Decodes like [`decode`] straight to JSON number text in `out` (on error `out` is
/// unchanged).
pub fn write_json(bytes: &[u8], pic: &NumericPic, out: &mut Vec<u8>) -> Result<(), NumericError> {
    decode(bytes, pic)?.write_json(out);
    Ok(())
}

/// Encodes into `out` (1 to 8 bytes, big-endian) after rescaling to the PIC's scale.
/// Values with more digits than the PIC are refused unless `allow_beyond_pic`; values the
/// bytes cannot hold and negative values always are.
pub fn encode(
    value: &Decimal,
    pic: &NumericPic,
    allow_beyond_pic: bool,
    out: &mut [u8],
) -> Result<(), NumericError> {
    check_width(out.len())?;
    let v = fit_unless_beyond(value, pic, allow_beyond_pic)?;
    let n = v.to_i128()?;
    if n < 0 {
        return Err(NumericError::Negative);
    }
    let bits = 8 * out.len() as u32;
    let max = (1i128 << bits) - 1;
    if n > max {
        let int = |d: usize| {
            u16::try_from(d)
                .unwrap_or(u16::MAX)
                .saturating_sub(pic.scale.max(0).unsigned_abs())
        };
        return Err(NumericError::Overflow {
            digits: int(v.digits().len()),
            allowed: int(max.unsigned_abs().to_string().len()),
        });
    }
    let be = (n as u64).to_be_bytes();
    out.copy_from_slice(be.get(MAX_BYTES - out.len()..).unwrap_or_default());
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
    fn picture_9_sizes_match_gnucobol() {
        // LENGTH OF PIC 9(1) .. 9(18) COMP-X as GnuCOBOL 3.1.2 (`cobc -x`, -std=default
        // and -std=mf alike) displays it.
        let gnucobol: [u8; 18] = [1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 7, 8, 8];
        for (n, want) in (1u16..).zip(gnucobol) {
            assert_eq!(bytes_for_digits(n), Some(want), "PIC 9({n}) COMP-X");
        }
        // 10^20 - 1 does not fit 8 bytes (the copybook layer stops at 18 digits anyway).
        assert_eq!(bytes_for_digits(20), None);
    }

    #[test]
    fn picture_x_digits_match_gnucobol() {
        // GnuCOBOL 3.1.2 keeps 55, 5535, 6777215, 294967295 and 446744073709551615 of
        // MOVEs of each width's largest value to X(1), X(2), X(3), X(4), X(8) COMP-X.
        let gnucobol: [u16; 8] = [2, 4, 7, 9, 12, 14, 16, 18];
        for (n, want) in (1u8..).zip(gnucobol) {
            assert_eq!(digits_for_bytes(n), want, "PIC X({n}) COMP-X");
        }
    }

    #[test]
    fn decodes_odd_widths_big_endian() {
        // 9(5) COMP-X is 3 bytes: 0x01E240 = 123456 (beyond the PIC: shown in full).
        let d = decode(&[0x01, 0xE2, 0x40], &pic(5, 0)).unwrap();
        assert_eq!(d, Decimal::from_i128(123_456, 0));
        // 9(3)V9 COMP-X: scale applies to the stored integer.
        let mut out = Vec::new();
        write_json(&[0x30, 0x39], &pic(4, 1), &mut out).unwrap();
        assert_eq!(out, b"1234.5");
    }

    #[test]
    fn refuses_widths_outside_one_to_eight() {
        // 0 and 9 bytes: no COMP-X item has them.
        assert!(matches!(
            decode(&[], &pic(1, 0)),
            Err(NumericError::BadLength { got: 0, .. })
        ));
        assert!(matches!(
            decode(&[0; 9], &pic(18, 0)),
            Err(NumericError::BadLength { got: 9, .. })
        ));
        let mut out = Vec::new();
        assert!(write_json(&[0; 9], &pic(18, 0), &mut out).is_err());
        assert!(out.is_empty());
    }

    #[test]
    fn encode_refuses_negatives_and_values_too_wide() {
        let mut out = [0u8; 2];
        // Unsigned only.
        let neg = Decimal::parse("-1").unwrap();
        assert_eq!(
            encode(&neg, &pic(4, 0), false, &mut out),
            Err(NumericError::Negative)
        );
        // 12345 has 5 digits; 9(4) allows 4.
        let big = Decimal::parse("12345").unwrap();
        assert!(matches!(
            encode(&big, &pic(4, 0), false, &mut out),
            Err(NumericError::Overflow { .. })
        ));
        // Beyond the PIC is allowed on request, but 70000 does not fit 2 bytes.
        encode(&big, &pic(4, 0), true, &mut out).unwrap();
        assert_eq!(out, [0x30, 0x39]);
        let huge = Decimal::parse("70000").unwrap();
        assert!(matches!(
            encode(&huge, &pic(5, 0), true, &mut out),
            Err(NumericError::Overflow { allowed: 5, .. })
        ));
    }

    #[test]
    fn encode_range_edges_of_two_bytes() {
        // X(2) COMP-X holds 0 to 65535 (allowed beyond the PIC's 4 digits): both ends are
        // written, 65536 is refused rather than wrapped to 00 00.
        let p = pic(digits_for_bytes(2), 0);
        let mut out = [0xAAu8; 2];
        encode(&Decimal::parse("0").unwrap(), &p, true, &mut out).unwrap();
        assert_eq!(out, [0x00, 0x00]);
        encode(&Decimal::parse("65535").unwrap(), &p, true, &mut out).unwrap();
        assert_eq!(out, [0xFF, 0xFF]);
        assert!(matches!(
            encode(&Decimal::parse("65536").unwrap(), &p, true, &mut out),
            Err(NumericError::Overflow { allowed: 5, .. })
        ));
    }

    proptest! {
        #[test]
        fn round_trips_every_width(bytes in proptest::collection::vec(any::<u8>(), 1..=8)) {
            // Every stored value is written back when allowed beyond the PIC.
            let p = pic(digits_for_bytes(bytes.len() as u8), 0);
            let d = decode(&bytes, &p).unwrap();
            let mut out = vec![0u8; bytes.len()];
            encode(&d, &p, true, &mut out).unwrap();
            prop_assert_eq!(out, bytes);
        }
    }
}

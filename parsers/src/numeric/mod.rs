//! Exact numeric codecs: the bytes of COBOL numbers to exact decimals and back.
//!
//! [`Decimal`] is the common currency: unscaled digits and a power of ten, never `f64`.
//! Each storage format is one file: [`zoned`] (USAGE DISPLAY, overpunched or separate
//! sign), [`packed`] (COMP-3), [`binary`] (COMP/COMP-4/BINARY/COMP-5), [`compx`] and
//! [`comp6`] (Micro Focus COMP-X and COMP-6), [`float`]
//! (COMP-1/COMP-2 as IBM hexadecimal or IEEE) and [`edited`] (numeric-edited pictures).
//! Zoned, packed, binary and `Decimal` never allocate: they sit on the decoder's hot path.

pub mod binary;
pub mod comp6;
pub mod compx;
pub mod decimal;
pub mod edited;
pub mod float;
pub mod packed;
mod swar;
mod text;
pub mod zoned;

pub use decimal::{Decimal, MAX_DIGITS};
pub use edited::EditedPicture;
pub use text::write_scaled;
pub use zoned::ZonedCode;

use crate::layout::NumericPic;
use thiserror::Error;

/// Why a number could not be decoded or encoded. Offsets are bytes within the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NumericError {
    #[error("invalid digit 0x{byte:02X} at byte {offset}")]
    InvalidDigit { offset: usize, byte: u8 },
    #[error("invalid sign 0x{byte:02X} at byte {offset}")]
    InvalidSign { offset: usize, byte: u8 },
    #[error("negative sign 0x{byte:02X} at byte {offset} in an unsigned field")]
    NegativeUnsigned { offset: usize, byte: u8 },
    #[error("invalid packed-decimal nibble 0x{nibble:X} at byte {offset}")]
    InvalidNibble { offset: usize, nibble: u8 },
    #[error("value needs {digits} integer digits, the PIC allows {allowed}")]
    Overflow { digits: u16, allowed: u16 },
    #[error("value has more fraction digits than scale {scale} allows")]
    Inexact { scale: i16 },
    #[error("negative value for an unsigned field")]
    Negative,
    #[error("value is not a finite number (NaN or infinity)")]
    NotFinite,
    #[error("value is outside the range of the floating-point format")]
    OutOfRange,
    #[error("value {} does not fit {} bytes of binary ({} to {})", .0.value, .0.bytes, .0.min, .0.max)]
    BinaryRange(Box<BinaryRange>),
    #[error("invalid number syntax: {0}")]
    Syntax(String),
    #[error("field is {got} bytes, expected {expected}")]
    BadLength { expected: usize, got: usize },
    #[error("invalid edited picture: {0}")]
    Picture(String),
}

/// A value a binary item's bytes cannot hold, and the range they can, as decimal text at
/// the PIC's scale (boxed: errors stay small on the hot path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryRange {
    pub value: String,
    pub bytes: u8,
    pub min: String,
    pub max: String,
}

/// Checks that `value` (already at `pic.scale`) has no more digits than the PIC stores.
///
/// The error counts integer digits (left of the point) as a person reading the PIC would.
pub(crate) fn check_fits(value: &Decimal, pic: &NumericPic) -> Result<(), NumericError> {
    let needed = value.digits().len();
    if needed <= pic.digits as usize {
        return Ok(());
    }
    let scale = i32::from(pic.scale);
    let to_u16 = |n: i32| u16::try_from(n.max(0)).unwrap_or(u16::MAX);
    Err(NumericError::Overflow {
        digits: to_u16(needed as i32 - scale),
        allowed: to_u16(i32::from(pic.digits) - scale),
    })
}

/// Rescales to the PIC's scale and checks the digit count: the common start of every encoder.
pub(crate) fn fit_to_pic(value: &Decimal, pic: &NumericPic) -> Result<Decimal, NumericError> {
    let v = value.rescale(pic.scale)?;
    check_fits(&v, pic)?;
    Ok(v)
}

/// [`fit_to_pic`], or with `allow_beyond_pic` only the rescale: binary items may hold more
/// digits than their PIC (TRUNC(BIN), COMP-5); what the bytes hold is checked by the caller.
pub(crate) fn fit_unless_beyond(
    value: &Decimal,
    pic: &NumericPic,
    allow_beyond_pic: bool,
) -> Result<Decimal, NumericError> {
    if allow_beyond_pic {
        value.rescale(pic.scale)
    } else {
        fit_to_pic(value, pic)
    }
}

/// [`fit_to_pic`] against the PIC, or with `allow_beyond_pic` against all `nibbles` digit
/// nibbles of a packed item (a pad nibble holds a digit too, so decode's values write back).
pub(crate) fn fit_to_nibbles(
    value: &Decimal,
    pic: &NumericPic,
    allow_beyond_pic: bool,
    nibbles: usize,
) -> Result<Decimal, NumericError> {
    if !allow_beyond_pic {
        return fit_to_pic(value, pic);
    }
    let room = NumericPic {
        digits: u16::try_from(nibbles).unwrap_or(u16::MAX),
        ..*pic
    };
    fit_to_pic(value, &room)
}

/// A field must be exactly `expected` bytes.
pub(crate) fn check_len(expected: usize, got: usize) -> Result<(), NumericError> {
    if got == expected {
        Ok(())
    } else {
        Err(NumericError::BadLength { expected, got })
    }
}

/// Collects digits most significant first, dropping leading zeros, without allocating.
///
/// Branch-free per digit (it sits on the decoder's hot path): each digit is stored at
/// the current length and the length grows unless it is a leading zero, so every slot at
/// or past the length stays 0 and the array can become a [`Decimal`] as it is.
#[derive(Clone, Copy)]
pub(crate) struct DigitBuf {
    buf: [u8; MAX_DIGITS],
    /// Significant digits seen, including those beyond MAX_DIGITS (for the error).
    seen: usize,
}

impl DigitBuf {
    pub(crate) const fn new() -> Self {
        DigitBuf {
            buf: [0; MAX_DIGITS],
            seen: 0,
        }
    }

    /// Appends one digit value 0-9.
    #[inline]
    pub(crate) fn push(&mut self, d: u8) {
        // A leading zero is written where the first significant digit will go.
        if let Some(slot) = self.buf.get_mut(self.seen) {
            *slot = d;
        }
        self.seen += usize::from(self.seen != 0 || d != 0);
    }

    /// The digits as a Decimal, or Overflow when more than MAX_DIGITS were pushed.
    #[inline]
    pub(crate) fn finish(&self, negative: bool, scale: i16) -> Result<Decimal, NumericError> {
        if self.seen > MAX_DIGITS {
            return Err(NumericError::Overflow {
                digits: u16::try_from(self.seen).unwrap_or(u16::MAX),
                allowed: MAX_DIGITS as u16,
            });
        }
        Ok(Decimal::from_digit_array(
            negative,
            self.buf,
            self.seen as u8,
            scale,
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_lower_case_line() {
        // The wording other modules and users see.
        let e = NumericError::InvalidNibble {
            offset: 3,
            nibble: 0xA,
        };
        assert_eq!(e.to_string(), "invalid packed-decimal nibble 0xA at byte 3");
        let e = NumericError::Overflow {
            digits: 6,
            allowed: 5,
        };
        assert_eq!(
            e.to_string(),
            "value needs 6 integer digits, the PIC allows 5"
        );
    }

    #[test]
    fn check_fits_counts_integer_digits() {
        // 123456.00 in 9(5)V99: 8 stored digits, 7 allowed, reported as 6 vs 5.
        let pic = NumericPic {
            digits: 7,
            scale: 2,
            signed: false,
        };
        let v = Decimal::from_i128(12_345_600, 2);
        assert_eq!(
            check_fits(&v, &pic),
            Err(NumericError::Overflow {
                digits: 6,
                allowed: 5
            })
        );
        // 12345.00 fits exactly.
        assert!(check_fits(&Decimal::from_i128(1_234_500, 2), &pic).is_ok());
    }

    #[test]
    fn digit_buf_drops_only_leading_zeros() {
        // 0 0 1 0 2 0 -> 1020; inner and trailing zeros stay.
        let mut b = DigitBuf::new();
        for d in [0, 0, 1, 0, 2, 0] {
            b.push(d);
        }
        assert_eq!(b.finish(true, 2).unwrap(), Decimal::from_i128(-1020, 2));
        // Only zeros: zero with no digits, sign and scale kept.
        let mut b = DigitBuf::new();
        b.push(0);
        b.push(0);
        let z = b.finish(true, 1).unwrap();
        assert!(z.is_zero() && z.is_negative() && z.digits().is_empty());
        assert_eq!(z, Decimal::zero(1).with_negative(true));
    }

    #[test]
    fn digit_buf_refuses_too_many_digits() {
        // 41 significant digits cannot be held.
        let mut b = DigitBuf::new();
        for _ in 0..41 {
            b.push(7);
        }
        assert!(matches!(
            b.finish(false, 0),
            Err(NumericError::Overflow { digits: 41, .. })
        ));
    }
}

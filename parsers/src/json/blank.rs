//! Numeric items left blank: every byte a space of the code page, or every byte
//! low-values (X'00'), in a zoned, packed, numeric-edited or COMP-6 item. Uninitialised
//! fields of real files often hold them. They are no number, so by default they are an
//! error like any other bad digit; [`BlankNumbers`] lets a caller read them as null (and
//! write null back as spaces) or as zero, without counting the record as bad.
//! Binary and float items have no blank: spaces there are a valid number (X'40404040').

use crate::layout::{DataType, Field};

/// What a blank numeric item decodes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlankNumbers {
    /// An invalid-digit error naming the field, as for any other bad bytes.
    #[default]
    Error,
    /// `null`; encoding writes a `null` for such an item as spaces.
    Null,
    /// Zero at the PIC's scale (as BLANK WHEN ZERO reads blanks); encoding is unchanged.
    Zero,
}

impl BlankNumbers {
    /// `error`, `null` or `zero` (case-insensitive).
    pub fn by_name(name: &str) -> Option<BlankNumbers> {
        match name.to_ascii_lowercase().as_str() {
            "error" => Some(BlankNumbers::Error),
            "null" => Some(BlankNumbers::Null),
            "zero" => Some(BlankNumbers::Zero),
            _ => None,
        }
    }
}

/// True when `bytes` are all `space` (the code page's) or all low-values, and not empty.
#[inline]
pub fn is_blank(bytes: &[u8], space: u8) -> bool {
    match bytes.first() {
        Some(&f) if f == space || f == 0 => bytes.iter().all(|&b| b == f),
        _ => false,
    }
}

/// What one blank item reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blank {
    Null,
    /// Zero at this scale.
    Zero(i16),
}

/// True for the item types that can be blank (see the module doc).
pub(crate) fn can_be_blank(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Zoned { .. }
            | DataType::Packed { .. }
            | DataType::Edited { .. }
            | DataType::Comp6 { .. }
    )
}

/// What `bytes` of item `f` (of type `dt`) read as when they are blank: BLANK WHEN ZERO's
/// spaces as zero (the copybook says so, whatever the mode), other blanks per `mode`;
/// `None`: the bytes are to be decoded.
#[inline]
pub(crate) fn read_blank(
    mode: BlankNumbers,
    f: &Field,
    dt: &DataType,
    bytes: &[u8],
    space: u8,
) -> Option<Blank> {
    let text = matches!(
        dt,
        DataType::Alphanumeric { .. } | DataType::National { .. }
    );
    if f.blank_when_zero && !text && bytes.iter().all(|&b| b == space) {
        // At the PIC's scale: the same text as the digits of a zero would give.
        return Some(Blank::Zero(match dt {
            DataType::Zoned { pic, .. }
            | DataType::Packed { pic }
            | DataType::Binary { pic, .. }
            | DataType::Edited { pic, .. } => pic.scale,
            _ => 0,
        }));
    }
    blank(mode, dt, bytes, space)
}

/// What `bytes` of an item of type `dt` read as under `mode` when they are blank; `None`
/// when they are not, the type has no blank, or blanks are errors.
#[inline]
pub(crate) fn blank(mode: BlankNumbers, dt: &DataType, bytes: &[u8], space: u8) -> Option<Blank> {
    if mode == BlankNumbers::Error {
        return None;
    }
    let scale = match dt {
        DataType::Zoned { pic, .. }
        | DataType::Packed { pic }
        | DataType::Edited { pic, .. }
        | DataType::Comp6 { pic } => pic.scale,
        _ => return None,
    };
    blank_at_scale(mode, scale, bytes, space)
}

/// [`blank`] for an item known to be of a type that can be blank, at `scale`.
#[inline]
pub(crate) fn blank_at_scale(
    mode: BlankNumbers,
    scale: i16,
    bytes: &[u8],
    space: u8,
) -> Option<Blank> {
    if !is_blank(bytes, space) {
        return None;
    }
    match mode {
        BlankNumbers::Null => Some(Blank::Null),
        BlankNumbers::Zero => Some(Blank::Zero(scale)),
        BlankNumbers::Error => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{NumericPic, SignPosition};

    fn zoned(scale: i16) -> DataType {
        DataType::Zoned {
            pic: NumericPic {
                digits: 5,
                scale,
                signed: true,
            },
            sign: SignPosition::TrailingOverpunch,
        }
    }

    #[test]
    fn spaces_or_low_values_only() {
        let dt = zoned(2);
        let null = BlankNumbers::Null;
        assert_eq!(blank(null, &dt, &[0x40; 5], 0x40), Some(Blank::Null));
        assert_eq!(blank(null, &dt, &[0; 5], 0x40), Some(Blank::Null));
        assert_eq!(
            blank(BlankNumbers::Zero, &dt, &[0x40; 5], 0x40),
            Some(Blank::Zero(2))
        );
        // Mixed spaces and low-values, a digit among blanks, ASCII spaces in EBCDIC: not blank.
        assert_eq!(blank(null, &dt, &[0x40, 0, 0x40, 0x40, 0x40], 0x40), None);
        assert_eq!(
            blank(null, &dt, &[0x40, 0x40, 0xF1, 0x40, 0x40], 0x40),
            None
        );
        assert_eq!(blank(null, &dt, &[0x20; 5], 0x40), None);
        assert_eq!(blank(null, &dt, &[], 0x40), None);
        // Errors by default.
        assert_eq!(blank(BlankNumbers::Error, &dt, &[0x40; 5], 0x40), None);
    }

    #[test]
    fn binary_and_text_have_no_blank() {
        let bin = DataType::Binary {
            pic: NumericPic {
                digits: 9,
                scale: 0,
                signed: true,
            },
            bytes: 4,
            native: false,
        };
        assert!(!can_be_blank(&bin));
        assert_eq!(blank(BlankNumbers::Null, &bin, &[0x40; 4], 0x40), None);
        let text = DataType::Alphanumeric { len: 3 };
        assert_eq!(blank(BlankNumbers::Null, &text, &[0x40; 3], 0x40), None);
    }

    #[test]
    fn names() {
        assert_eq!(BlankNumbers::by_name("NULL"), Some(BlankNumbers::Null));
        assert_eq!(BlankNumbers::by_name("zero"), Some(BlankNumbers::Zero));
        assert_eq!(BlankNumbers::by_name("error"), Some(BlankNumbers::Error));
        assert_eq!(BlankNumbers::by_name("blank"), None);
    }
}

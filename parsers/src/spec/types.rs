//! `type = "..."`: which keys each field type takes, and the physical [`DataType`] of an
//! elementary field built from them.

use super::error::Diag;
use super::raw::RawField;
use crate::dialect::EditSymbols;
use crate::layout::{binary_bytes, DataType, FloatWidth, NumericPic, SignPosition};
use crate::numeric::EditedPicture;
use std::ops::{Range, RangeInclusive};
use toml::Spanned;

/// Largest record (and so field) the spec format accepts, in bytes.
pub(super) const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;
/// Digit positions allowed in zoned, packed and edited numbers.
const MAX_DECIMAL_DIGITS: i64 = 31;
/// Powers of ten a number may be scaled by, either way.
const MAX_SCALE: i64 = 31;

/// The values of `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Type {
    Text,
    National,
    Zoned,
    Packed,
    Binary,
    Float,
    Edited,
    Filler,
    Group,
}

impl Type {
    /// Every type name, for error messages.
    pub(super) const NAMES: &'static str =
        "text, national, zoned, packed, binary, float, edited, filler, group";

    pub(super) fn parse(name: &str) -> Option<Type> {
        Some(match name {
            "text" => Type::Text,
            "national" => Type::National,
            "zoned" => Type::Zoned,
            "packed" => Type::Packed,
            "binary" => Type::Binary,
            "float" => Type::Float,
            "edited" => Type::Edited,
            "filler" => Type::Filler,
            "group" => Type::Group,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Type::Text => "text",
            Type::National => "national",
            Type::Zoned => "zoned",
            Type::Packed => "packed",
            Type::Binary => "binary",
            Type::Float => "float",
            Type::Edited => "edited",
            Type::Filler => "filler",
            Type::Group => "group",
        }
    }

    /// Whether a type-specific key (see `RawField::typed_keys`) applies to this type.
    /// `type`, `offset` and `value` apply to every type.
    pub(super) fn allows(self, key: &str) -> bool {
        use Type::*;
        match key {
            "name" | "overlays" | "occurs" | "when" => self != Filler,
            "conditions" => !matches!(self, Filler | Group | Float),
            "fields" => self == Group,
            "length" => matches!(self, Text | National | Filler | Group),
            "digits" | "scale" | "signed" => matches!(self, Zoned | Packed | Binary),
            "sign" => self == Zoned,
            "bytes" | "native" => self == Binary,
            "width" => self == Float,
            "picture" => self == Edited,
            "justify" => matches!(self, Text | National),
            "blank_when_zero" => matches!(self, Zoned | Edited),
            _ => false,
        }
    }
}

/// Checks an integer setting against its range; the message names the field and setting.
pub(super) fn int_in(
    d: &mut Diag,
    v: &Spanned<i64>,
    path: &str,
    what: &str,
    range: RangeInclusive<i64>,
) -> Option<i64> {
    let n = *v.get_ref();
    if range.contains(&n) {
        Some(n)
    } else {
        let (lo, hi) = (range.start(), range.end());
        let between = if *lo < 0 {
            format!("between {lo} and {hi}")
        } else {
            format!("{lo}-{hi}")
        };
        d.err(
            v.span(),
            format!("field `{path}`: {what} must be {between}, got {n}"),
        );
        None
    }
}

/// A required integer setting.
fn required(
    d: &mut Diag,
    v: &Option<Spanned<i64>>,
    table: &Range<usize>,
    path: &str,
    key: &str,
    what: &str,
    range: RangeInclusive<i64>,
) -> Option<i64> {
    match v {
        Some(v) => int_in(d, v, path, what, range),
        None => {
            d.err(
                table.clone(),
                format!("field `{path}`: `{key}` is required"),
            );
            None
        }
    }
}

/// The byte length of a `text`/`filler` field or the character count of a `national` one.
pub(super) fn length(
    d: &mut Diag,
    raw: &RawField,
    table: &Range<usize>,
    path: &str,
    ty: Type,
) -> Option<usize> {
    let max = if ty == Type::National {
        MAX_RECORD_BYTES / 2
    } else {
        MAX_RECORD_BYTES
    };
    let what = if ty == Type::National {
        "length (characters)"
    } else {
        "length (bytes)"
    };
    let n = required(d, &raw.length, table, path, "length", what, 1..=max as i64)?;
    usize::try_from(n).ok()
}

/// Builds the physical type of an elementary (non-group, non-filler) field.
pub(super) fn elementary(
    d: &mut Diag,
    ty: Type,
    raw: &RawField,
    table: &Range<usize>,
    path: &str,
    symbols: EditSymbols,
) -> Option<DataType> {
    match ty {
        Type::Text => Some(DataType::Alphanumeric {
            len: length(d, raw, table, path, ty)?,
        }),
        Type::National => Some(DataType::National {
            chars: length(d, raw, table, path, ty)?,
        }),
        Type::Zoned => zoned(d, raw, table, path),
        Type::Packed => {
            let pic = decimal_pic(d, raw, table, path, "packed")?;
            Some(DataType::Packed { pic })
        }
        Type::Binary => binary(d, raw, table, path),
        Type::Float => float(d, raw, table, path),
        Type::Edited => edited(d, raw, table, path, symbols),
        Type::Filler | Type::Group => None,
    }
}

/// `digits`, `scale`, `signed` of a zoned or packed number.
fn decimal_pic(
    d: &mut Diag,
    raw: &RawField,
    table: &Range<usize>,
    path: &str,
    kind: &str,
) -> Option<NumericPic> {
    let what = format!("{kind} digits");
    let digits = required(
        d,
        &raw.digits,
        table,
        path,
        "digits",
        &what,
        1..=MAX_DECIMAL_DIGITS,
    );
    let scale = scale(d, raw, path);
    Some(NumericPic {
        digits: u16::try_from(digits?).ok()?,
        scale: scale?,
        signed: raw.signed.as_ref().is_some_and(|s| *s.get_ref()),
    })
}

fn scale(d: &mut Diag, raw: &RawField, path: &str) -> Option<i16> {
    match &raw.scale {
        None => Some(0),
        Some(s) => {
            int_in(d, s, path, "scale", -MAX_SCALE..=MAX_SCALE).and_then(|s| i16::try_from(s).ok())
        }
    }
}

fn zoned(d: &mut Diag, raw: &RawField, table: &Range<usize>, path: &str) -> Option<DataType> {
    let pic = decimal_pic(d, raw, table, path, "zoned");
    let sign = match &raw.sign {
        None => Some(SignPosition::TrailingOverpunch),
        Some(s) => {
            let pos = match s.get_ref().as_str() {
                "trailing" => Some(SignPosition::TrailingOverpunch),
                "leading" => Some(SignPosition::LeadingOverpunch),
                "trailing-separate" => Some(SignPosition::TrailingSeparate),
                "leading-separate" => Some(SignPosition::LeadingSeparate),
                other => {
                    d.err(s.span(), format!("field `{path}`: sign must be trailing, leading, trailing-separate or leading-separate, got `{other}`"));
                    None
                }
            };
            if !raw.signed.as_ref().is_some_and(|v| *v.get_ref()) {
                d.err(
                    s.span(),
                    format!("field `{path}`: `sign` needs `signed = true`"),
                );
                return None;
            }
            pos
        }
    };
    Some(DataType::Zoned {
        pic: pic?,
        sign: sign?,
    })
}

fn binary(d: &mut Diag, raw: &RawField, table: &Range<usize>, path: &str) -> Option<DataType> {
    // Digits a binary item of each size holds (IBM's PIC 9(n) COMP ranges).
    fn max_digits(bytes: u8) -> u16 {
        match bytes {
            1 => 2,
            2 => 4,
            4 => 9,
            _ => 18,
        }
    }
    let bytes = match &raw.bytes {
        Some(b) if matches!(*b.get_ref(), 1 | 2 | 4 | 8) => u8::try_from(*b.get_ref()).ok(),
        Some(b) => {
            d.err(
                b.span(),
                format!(
                    "field `{path}`: binary bytes must be 1, 2, 4 or 8, got {}",
                    b.get_ref()
                ),
            );
            None
        }
        None => Some(0),
    };
    let digits = match &raw.digits {
        Some(v) => int_in(d, v, path, "binary digits", 1..=18).and_then(|n| u16::try_from(n).ok()),
        None => Some(0),
    };
    let scale = scale(d, raw, path);
    let (bytes, digits) = match (bytes?, digits?) {
        (0, 0) => {
            d.err(
                table.clone(),
                format!("field `{path}`: binary needs `bytes` (1, 2, 4 or 8) or `digits`"),
            );
            return None;
        }
        (0, digits) => (binary_bytes(digits), digits),
        (bytes, 0) => (bytes, max_digits(bytes)),
        (bytes, digits) if digits > max_digits(bytes) => {
            if let Some(v) = &raw.digits {
                d.err(
                    v.span(),
                    format!(
                        "field `{path}`: {bytes} binary bytes hold at most {} digits, got {digits}",
                        max_digits(bytes)
                    ),
                );
            }
            return None;
        }
        both => both,
    };
    Some(DataType::Binary {
        pic: NumericPic {
            digits,
            scale: scale?,
            signed: raw.signed.as_ref().is_some_and(|s| *s.get_ref()),
        },
        bytes,
        native: raw.native.as_ref().is_some_and(|n| *n.get_ref()),
    })
}

fn float(d: &mut Diag, raw: &RawField, table: &Range<usize>, path: &str) -> Option<DataType> {
    let Some(w) = &raw.width else {
        d.err(
            table.clone(),
            format!("field `{path}`: `width` is required (single or double)"),
        );
        return None;
    };
    let width = match w.get_ref().as_str() {
        "single" => FloatWidth::Single,
        "double" => FloatWidth::Double,
        other => {
            d.err(
                w.span(),
                format!("field `{path}`: float width must be single or double, got `{other}`"),
            );
            return None;
        }
    };
    Some(DataType::Float { width })
}

fn edited(
    d: &mut Diag,
    raw: &RawField,
    table: &Range<usize>,
    path: &str,
    symbols: EditSymbols,
) -> Option<DataType> {
    let Some(p) = &raw.picture else {
        d.err(
            table.clone(),
            format!("field `{path}`: `picture` is required (e.g. \"ZZ,ZZ9.99-\")"),
        );
        return None;
    };
    // The same picture parser the codec uses, so the layout and the codec agree on sizes.
    match EditedPicture::parse_with(p.get_ref(), symbols) {
        Ok(ep) => Some(DataType::Edited {
            picture: p.get_ref().trim().to_ascii_uppercase(),
            pic: ep.numeric_pic(),
            len: ep.len(),
            symbols,
        }),
        Err(why) => {
            d.err(
                p.span(),
                format!("field `{path}`: picture `{}`: {why}", p.get_ref()),
            );
            None
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use crate::spec::raw::RawSpec;

    /// Builds the type of the first field of a one-field spec.
    fn build(field: &str) -> Result<DataType, String> {
        let src = format!("[record]\nname = \"R\"\n[[field]]\n{field}\n");
        let raw: RawSpec = toml::from_str(&src).unwrap();
        let f = raw.field[0].get_ref();
        let ty = Type::parse(f.ty.as_ref().unwrap().get_ref()).unwrap();
        let mut d = Diag::new(&src);
        let out = elementary(
            &mut d,
            ty,
            f,
            &raw.field[0].span(),
            "f",
            EditSymbols::STANDARD,
        );
        match d.finish() {
            Ok(()) => Ok(out.unwrap()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn builds_every_elementary_type() {
        // Text and national lengths.
        assert_eq!(
            build("type = \"text\"\nlength = 8"),
            Ok(DataType::Alphanumeric { len: 8 })
        );
        assert_eq!(
            build("type = \"national\"\nlength = 4"),
            Ok(DataType::National { chars: 4 })
        );
        // Zoned with a leading separate sign.
        let pic = NumericPic {
            digits: 5,
            scale: 2,
            signed: true,
        };
        assert_eq!(
            build("type = \"zoned\"\ndigits = 5\nscale = 2\nsigned = true\nsign = \"leading-separate\""),
            Ok(DataType::Zoned { pic, sign: SignPosition::LeadingSeparate })
        );
        // Packed, unsigned by default.
        let pic = NumericPic {
            digits: 9,
            scale: 0,
            signed: false,
        };
        assert_eq!(
            build("type = \"packed\"\ndigits = 9"),
            Ok(DataType::Packed { pic })
        );
        // Binary digits default from bytes; bytes default from digits.
        let pic = NumericPic {
            digits: 9,
            scale: 0,
            signed: false,
        };
        assert_eq!(
            build("type = \"binary\"\nbytes = 4"),
            Ok(DataType::Binary {
                pic,
                bytes: 4,
                native: false
            })
        );
        let pic = NumericPic {
            digits: 12,
            scale: 0,
            signed: true,
        };
        assert_eq!(
            build("type = \"binary\"\ndigits = 12\nsigned = true\nnative = true"),
            Ok(DataType::Binary {
                pic,
                bytes: 8,
                native: true
            })
        );
        // Float widths.
        assert_eq!(
            build("type = \"float\"\nwidth = \"double\""),
            Ok(DataType::Float {
                width: FloatWidth::Double
            })
        );
        // Edited pictures are sized by the scanner.
        let pic = NumericPic {
            digits: 7,
            scale: 2,
            signed: true,
        };
        assert_eq!(
            build("type = \"edited\"\npicture = \"zz,zz9.99-\""),
            Ok(DataType::Edited {
                picture: "ZZ,ZZ9.99-".into(),
                pic,
                len: 10,
                symbols: EditSymbols::STANDARD,
            })
        );
    }

    #[test]
    fn rejects_bad_settings() {
        // Packed digits out of range, with the field's name in the message.
        assert!(build("type = \"packed\"\ndigits = 40")
            .unwrap_err()
            .contains("field `f`: packed digits must be 1-31, got 40"));
        // Missing required keys.
        assert!(build("type = \"text\"")
            .unwrap_err()
            .contains("`length` is required"));
        assert!(build("type = \"float\"")
            .unwrap_err()
            .contains("`width` is required"));
        assert!(build("type = \"edited\"")
            .unwrap_err()
            .contains("`picture` is required"));
        assert!(build("type = \"binary\"").unwrap_err().contains("`bytes`"));
        // Binary sizes and digits that do not fit.
        assert!(build("type = \"binary\"\nbytes = 3")
            .unwrap_err()
            .contains("1, 2, 4 or 8"));
        assert!(build("type = \"binary\"\nbytes = 2\ndigits = 5")
            .unwrap_err()
            .contains("at most 4 digits"));
        // A sign on an unsigned number, and an unknown sign.
        assert!(build("type = \"zoned\"\ndigits = 3\nsign = \"leading\"")
            .unwrap_err()
            .contains("signed = true"));
        assert!(
            build("type = \"zoned\"\ndigits = 3\nsigned = true\nsign = \"left\"")
                .unwrap_err()
                .contains("got `left`")
        );
        // Bad float width and a bad picture.
        assert!(build("type = \"float\"\nwidth = \"half\"")
            .unwrap_err()
            .contains("got `half`"));
        assert!(build("type = \"edited\"\npicture = \"XX\"")
            .unwrap_err()
            .contains("picture `XX`"));
        // Scale far out of range.
        assert!(build("type = \"zoned\"\ndigits = 3\nscale = 99")
            .unwrap_err()
            .contains("scale must be between -31 and 31"));
    }

    #[test]
    fn keys_apply_per_type() {
        // `digits` belongs to numbers, `length` to text; names everywhere but fillers.
        assert!(Type::Zoned.allows("digits") && !Type::Text.allows("digits"));
        assert!(Type::Text.allows("length") && !Type::Packed.allows("length"));
        assert!(!Type::Filler.allows("name") && Type::Group.allows("occurs"));
        assert_eq!(Type::parse("comp-3"), None);
    }
}

//! One elementary item's bytes -> its typed value, by the same rules as the JSON
//! decoder's item writer (blank-when-zero, TRUNC, padding trimmed on the padding side).

use crate::dialect::Endian;
use crate::json::blank::{read_blank, Blank};
use crate::json::walk_rules::{trim_padding, utf16_units};
use crate::json::{CodecOptions, RecordErrorKind};
use crate::layout::{DataType, Field, NumericPic};
use crate::numeric::{self, edited::EditedPicture, zoned::ZonedCode, Decimal, NumericError};

use super::Value;

/// Decodes `bytes` of item `f`; text goes to the end of `text`. `None`: a blank number
/// read as null ([`crate::json::BlankNumbers::Null`]).
pub(super) fn item(
    opts: &CodecOptions,
    f: &Field,
    dt: &DataType,
    edited: Option<&EditedPicture>,
    bytes: &[u8],
    text: &mut String,
) -> Result<Option<Value>, RecordErrorKind> {
    let cp = opts.codepage;
    match read_blank(opts.blank_numbers, f, dt, bytes, cp.space()) {
        Some(Blank::Null) => return Ok(None),
        Some(Blank::Zero(scale)) => return Ok(Some(Value::Decimal(Decimal::zero(scale)))),
        None => {}
    }
    let beyond = opts.trunc.beyond_pic();
    let d = match dt {
        DataType::Alphanumeric { .. } => return alphanumeric(opts, f, bytes, text).map(Some),
        DataType::National { .. } => return national(f, bytes, text).map(Some),
        DataType::Zoned { pic, sign } => {
            let code = ZonedCode {
                ebcdic: cp.is_ebcdic(),
                ascii_sign: opts.dialect.ascii_sign,
            };
            numeric::zoned::decode(bytes, pic, *sign, code)?
        }
        DataType::Packed { pic } => within(numeric::packed::decode(bytes, pic)?, pic, beyond)?,
        DataType::Binary { pic, native, .. } => {
            let endian = if *native {
                opts.dialect.comp5_endian
            } else {
                Endian::Big
            };
            // COMP-5 is native binary whatever TRUNC says (as on IBM hosts).
            within(
                numeric::binary::decode(bytes, pic, endian)?,
                pic,
                beyond || *native,
            )?
        }
        DataType::CompX { pic, .. } => within(numeric::compx::decode(bytes, pic)?, pic, beyond)?,
        DataType::Comp6 { pic } => within(numeric::comp6::decode(bytes, pic)?, pic, beyond)?,
        DataType::Float { width } => {
            return Ok(Some(Value::Float(numeric::float::decode_f64(
                bytes,
                *width,
                opts.dialect.float_format,
            )?)))
        }
        DataType::Edited { .. } => {
            let Some(pic) = edited else {
                return Err(RecordErrorKind::Json("edited picture not compiled".into()));
            };
            pic.decode(&cp.decode(bytes)?)?
        }
    };
    Ok(Some(Value::Decimal(d)))
}

/// `v`, refused when it has more digits than its PIC and TRUNC holds values to it.
fn within(v: Decimal, pic: &NumericPic, beyond: bool) -> Result<Decimal, NumericError> {
    if !beyond {
        numeric::check_fits(&v, pic)?;
    }
    Ok(v)
}

/// Text in the record's code page, its padding side trimmed.
fn alphanumeric(
    opts: &CodecOptions,
    f: &Field,
    bytes: &[u8],
    text: &mut String,
) -> Result<Value, RecordErrorKind> {
    let sp = opts.codepage.space();
    let t = trim_padding(bytes, sp, f.justified_right);
    let start = text.len();
    let mut buf = std::mem::take(text).into_bytes();
    let r = opts.codepage.decode_to_utf8(t, &mut buf);
    // The code page writes UTF-8 only; a failure leaves the text as it was.
    if r.is_err() {
        buf.truncate(start);
    }
    *text = String::from_utf8(buf).unwrap_or_default();
    r?;
    Ok(Value::Text {
        start,
        end: text.len(),
    })
}

/// UTF-16BE national text, U+0020 padding trimmed on the padding side.
fn national(f: &Field, bytes: &[u8], text: &mut String) -> Result<Value, RecordErrorKind> {
    let units = utf16_units(bytes);
    let body = trim_padding(&units, 0x20, f.justified_right);
    let start = text.len();
    for c in char::decode_utf16(body.iter().copied()) {
        match c {
            Ok(c) => text.push(c),
            Err(_) => {
                text.truncate(start);
                return Err(RecordErrorKind::BadNational);
            }
        }
    }
    Ok(Value::Text {
        start,
        end: text.len(),
    })
}

//! The schema of one elementary item's value: strings with their length, numbers with the
//! bounds their digits, scale and bytes allow.
//!
//! Both directions share their bounds, as the codec's two sides agree: under `--trunc bin` a
//! binary item's full stored value (COMP-X too) and a packed item's pad nibble (COMP-6 too),
//! under `std`/`opt` the PIC's digits (COMP-5 always takes its full stored range). `multipleOf` with a fraction (0.01) is given to Encode only:
//! common validators (Python's `jsonschema`, ajv) divide in binary floating point and reject
//! 0.07 as a multiple of 0.01, which would make exact responses fail; the scale stays in
//! `x-cobol.scale` for Decode. An integral step (scale 0 -> `integer`, P scaling -> 1000) is
//! exact in any validator and is given to both.

use serde_json::{json, Map, Value};

use crate::layout::{DataType, Field, FloatWidth, NumericPic};

use super::SchemaOptions;

/// Every decimal number the decoder can write as a string (`numbers_as_strings`).
const DECIMAL_TEXT: &str = "^-?[0-9]+(\\.[0-9]+)?$";

/// The range of a numeric item's stored integer, before its scale applies.
enum Stored {
    /// At most this many decimal digits.
    Digits(u32),
    /// A binary item's full range.
    Raw { min: i128, max: i128 },
}

/// Type keywords of an elementary item.
pub(super) fn schema(_f: &Field, dt: &DataType, opts: &SchemaOptions) -> Map<String, Value> {
    let mut m = Map::new();
    match dt {
        // Length in characters: single-byte code pages hold one per byte; decoded text is
        // never longer than its bytes.
        DataType::Alphanumeric { len } => {
            m.insert("type".into(), "string".into());
            m.insert("maxLength".into(), (*len).into());
        }
        // UTF-16 code units; JSON Schema counts code points, which are never more.
        DataType::National { chars } => {
            m.insert("type".into(), "string".into());
            m.insert("maxLength".into(), (*chars).into());
        }
        DataType::Float { width } => {
            float(&mut m, *width, opts);
        }
        DataType::Zoned { pic, .. } | DataType::Edited { pic, .. } => {
            number(&mut m, pic, Stored::Digits(u32::from(pic.digits)), opts);
        }
        DataType::Packed { pic } => {
            // Under TRUNC(BIN) every nibble but the sign holds a digit, a pad nibble included.
            let beyond = opts.trunc.beyond_pic();
            let nibbles = 2 * dt.byte_len() as u32 - 1;
            let digits = if beyond {
                nibbles
            } else {
                u32::from(pic.digits)
            };
            number(&mut m, pic, Stored::Digits(digits), opts);
        }
        DataType::Binary { pic, bytes, native } => {
            let stored = if opts.trunc.beyond_pic() || *native {
                let bits = 8 * u32::from(*bytes);
                if pic.signed {
                    Stored::Raw {
                        min: -(1i128 << (bits - 1)),
                        max: (1i128 << (bits - 1)) - 1,
                    }
                } else {
                    Stored::Raw {
                        min: 0,
                        max: (1i128 << bits) - 1,
                    }
                }
            } else {
                Stored::Digits(u32::from(pic.digits))
            };
            number(&mut m, pic, stored, opts);
        }
        DataType::CompX { pic, bytes, .. } => {
            let stored = if opts.trunc.beyond_pic() {
                Stored::Raw {
                    min: 0,
                    max: (1i128 << (8 * u32::from(*bytes))) - 1,
                }
            } else {
                Stored::Digits(u32::from(pic.digits))
            };
            number(&mut m, pic, stored, opts);
        }
        DataType::Comp6 { pic } => {
            // Under TRUNC(BIN) every nibble holds a digit, a pad nibble included.
            let digits = if opts.trunc.beyond_pic() {
                2 * dt.byte_len() as u32
            } else {
                u32::from(pic.digits)
            };
            number(&mut m, pic, Stored::Digits(digits), opts);
        }
    }
    m
}

fn float(m: &mut Map<String, Value>, width: FloatWidth, opts: &SchemaOptions) {
    let _ = width; // both widths are written as exact decimal text
    match (opts.decode(), opts.numbers_as_strings) {
        (true, true) => {
            m.insert("type".into(), "string".into());
            m.insert("pattern".into(), DECIMAL_TEXT.into());
        }
        (false, true) => {
            m.insert("type".into(), json!(["number", "string"]));
            m.insert("pattern".into(), DECIMAL_TEXT.into());
        }
        _ => {
            m.insert("type".into(), "number".into());
        }
    }
}

fn number(m: &mut Map<String, Value>, pic: &NumericPic, stored: Stored, opts: &SchemaOptions) {
    let scale = i32::from(pic.scale);
    if opts.decode() && opts.numbers_as_strings {
        m.insert("type".into(), "string".into());
        m.insert("pattern".into(), DECIMAL_TEXT.into());
        return;
    }
    let ty = if scale <= 0 { "integer" } else { "number" };
    let (min, max) = match stored {
        Stored::Digits(d) => {
            let max = scaled(&"9".repeat(d as usize), scale);
            let min = if pic.signed {
                format!("-{max}")
            } else {
                "0".into()
            };
            (min, max)
        }
        Stored::Raw { min, max } => (signed_scaled(min, scale), signed_scaled(max, scale)),
    };
    match (
        opts.numbers_as_strings,
        digits_pattern(pic, &stored_digits(&stored)),
    ) {
        // Encode takes a string too; the pattern holds it to the same digits.
        (true, Some(p)) => {
            m.insert("type".into(), json!([ty, "string"]));
            m.insert("pattern".into(), p.into());
        }
        _ => {
            m.insert("type".into(), ty.into());
        }
    }
    m.insert("minimum".into(), number_value(&min));
    m.insert("maximum".into(), number_value(&max));
    if scale < 0 || !opts.decode() && scale > 0 {
        m.insert("multipleOf".into(), number_value(&scaled("1", scale)));
    }
}

fn stored_digits(s: &Stored) -> Option<u32> {
    match s {
        Stored::Digits(d) => Some(*d),
        Stored::Raw { .. } => None,
    }
}

/// A string of at most the field's digits, for Encode with `numbers_as_strings`; none where
/// a plain pattern cannot say it (P scaling, binary ranges): then only numbers are offered.
fn digits_pattern(pic: &NumericPic, digits: &Option<u32>) -> Option<String> {
    let d = (*digits)? as i32;
    let s = i32::from(pic.scale);
    if s < 0 || s > d {
        return None;
    }
    let sign = if pic.signed { "-?" } else { "" };
    let int = match d - s {
        0 => "0?".to_string(),
        n => format!("[0-9]{{1,{n}}}"),
    };
    let frac = match s {
        0 => String::new(),
        n => format!("(\\.[0-9]{{1,{n}}})?"),
    };
    Some(format!("^{sign}{int}{frac}$"))
}

/// Decimal text of `digits` (an unsigned integer in ASCII) divided by 10^scale.
fn scaled(digits: &str, scale: i32) -> String {
    if scale <= 0 {
        let mut s = digits.trim_start_matches('0').to_string();
        if s.is_empty() {
            return "0".into();
        }
        s.push_str(&"0".repeat((-scale) as usize));
        return s;
    }
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    let int = int.trim_start_matches('0');
    format!("{}.{frac}", if int.is_empty() { "0" } else { int })
}

fn signed_scaled(v: i128, scale: i32) -> String {
    let t = scaled(&v.unsigned_abs().to_string(), scale);
    if v < 0 {
        format!("-{t}")
    } else {
        t
    }
}

/// A JSON number from exact decimal text (serde_json keeps the text with
/// `arbitrary_precision`, as the workspace builds it).
pub(super) fn number_value(text: &str) -> Value {
    serde_json::from_str::<serde_json::Number>(text)
        .map(Value::Number)
        .unwrap_or_else(|_| Value::String(text.to_string()))
}

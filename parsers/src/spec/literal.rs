//! `value = ...` (the default used when encoding a record that omits the field) and
//! `conditions = [...]` (named values, like COBOL level 88), turned into layout literals.
//!
//! Decimal values are written as strings or integers, never TOML floats, so no digit is
//! lost on the way in.

use super::build::valid_name;
use super::error::Diag;
use super::raw::RawCondition;
use crate::layout::{Condition, ConditionValue, Literal, NumericPic};
use toml::{Spanned, Value};

/// What a literal must fit.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    /// Text of at most `chars` characters (text, national, filler, group).
    Text { chars: usize },
    /// A decimal number of this shape (zoned, packed, binary, edited).
    Number { pic: NumericPic },
    /// A floating-point number.
    Float,
}

/// Converts `value = ...` for a field occupying `bytes` bytes.
pub(super) fn value(
    d: &mut Diag,
    v: &Spanned<Value>,
    target: Target,
    bytes: usize,
    path: &str,
) -> Option<Literal> {
    let span = v.span();
    let fail = |d: &mut Diag, why: String| {
        d.err(span.clone(), format!("field `{path}`: {why}"));
        None
    };
    match (v.get_ref(), target) {
        (Value::String(s), Target::Text { chars }) => {
            let n = s.chars().count();
            if n > chars {
                return fail(
                    d,
                    format!("default \"{s}\" has {n} characters, the field holds {chars}"),
                );
            }
            Some(Literal::Text(s.clone()))
        }
        (Value::String(s), Target::Number { pic }) => {
            number(s, Some(pic)).map_or_else(|why| fail(d, why), Some)
        }
        (Value::String(s), Target::Float) => number(s, None).map_or_else(|why| fail(d, why), Some),
        (Value::Integer(i), Target::Number { pic }) => {
            number(&i.to_string(), Some(pic)).map_or_else(|why| fail(d, why), Some)
        }
        (Value::Integer(i), Target::Float) => Some(Literal::Number(i.to_string())),
        (Value::Integer(_), Target::Text { .. }) => {
            fail(d, "a text default must be a string".into())
        }
        (Value::Float(_), _) => fail(
            d,
            "write decimal defaults as strings (value = \"12.50\") so no digit is lost".into(),
        ),
        (Value::Table(t), _) => special(t, target, bytes).map_or_else(|why| fail(d, why), Some),
        (other, _) => fail(d, format!("a default cannot be a {}", other.type_str())),
    }
}

/// `{ fill = "spaces" }`, `{ hex = "00FF" }` or `{ all = "*" }`.
fn special(t: &toml::Table, target: Target, bytes: usize) -> Result<Literal, String> {
    const FORMS: &str = "{ fill = \"spaces\" | \"zeros\" | \"low-values\" | \"high-values\" | \"quotes\" }, { hex = \"...\" } or { all = \"...\" }";
    let mut entries = t.iter();
    let (Some((key, Value::String(s))), None) = (entries.next(), entries.next()) else {
        return Err(format!("a table default must be one of {FORMS}"));
    };
    let text = matches!(target, Target::Text { .. });
    match key.as_str() {
        "fill" => match s.as_str() {
            "spaces" if text => Ok(Literal::Spaces),
            "quotes" if text => Ok(Literal::Quotes),
            "zeros" => Ok(Literal::Zeros),
            "low-values" => Ok(Literal::LowValues),
            "high-values" => Ok(Literal::HighValues),
            "spaces" | "quotes" => Err(format!("a number cannot be filled with {s}")),
            _ => Err(format!(
                "fill must be spaces, zeros, low-values, high-values or quotes, got `{s}`"
            )),
        },
        "hex" => {
            let bytes_out = hex(s)?;
            if bytes_out.len() > bytes {
                return Err(format!(
                    "hex default has {} bytes, the field holds {bytes}",
                    bytes_out.len()
                ));
            }
            Ok(Literal::Hex(bytes_out))
        }
        "all" if text && !s.is_empty() => Ok(Literal::All(Box::new(Literal::Text(s.clone())))),
        "all" if text => Err("`all` needs at least one character".into()),
        "all" => Err("`all` applies to text fields only".into()),
        _ => Err(format!("a table default must be one of {FORMS}")),
    }
}

fn hex(s: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u32> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            c.to_digit(16)
                .ok_or_else(|| format!("`{c}` is not a hex digit"))
        })
        .collect::<Result<_, _>>()?;
    let pairs = digits.chunks_exact(2);
    if digits.is_empty() || !pairs.remainder().is_empty() {
        return Err("hex default needs an even, non-zero number of hex digits".into());
    }
    Ok(pairs
        .map(|p| p.iter().fold(0u8, |acc, &d| (acc << 4) | (d as u8)))
        .collect())
}

/// Checks decimal text (`-12.50`) and, for a decimal field, that it fits the field.
fn number(s: &str, pic: Option<NumericPic>) -> Result<Literal, String> {
    let t = s.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
        return Err(format!("default \"{s}\" is not a decimal number"));
    }
    if let Some(pic) = pic {
        if neg && !pic.signed {
            return Err(format!(
                "default \"{s}\" is negative but the field is unsigned"
            ));
        }
        let frac_len = frac.trim_end_matches('0').len() as i32;
        let int_len = int.trim_start_matches('0').len() as i32;
        let max_frac = i32::from(pic.scale).max(0);
        let max_int = (i32::from(pic.digits) - i32::from(pic.scale)).max(0);
        if frac_len > max_frac || int_len > max_int {
            return Err(format!(
                "default \"{s}\" does not fit {} digits with scale {}",
                pic.digits, pic.scale
            ));
        }
    }
    Ok(Literal::Number(t.to_string()))
}

/// Converts `conditions = [...]` of a field.
pub(super) fn conditions(
    d: &mut Diag,
    raw: &[Spanned<RawCondition>],
    target: Target,
    bytes: usize,
    path: &str,
) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    for c in raw {
        let c = c.get_ref();
        let name = c.name.get_ref();
        if !valid_name(name) {
            d.err(
                c.name.span(),
                format!("field `{path}`: condition name `{name}` must match [a-z_][a-z0-9_]*"),
            );
        } else if out.iter().any(|o| o.name == *name) {
            d.err(
                c.name.span(),
                format!("field `{path}`: condition `{name}` is defined twice"),
            );
        }
        if c.values.get_ref().is_empty() {
            d.err(
                c.values.span(),
                format!("field `{path}`: condition `{name}` needs at least one value"),
            );
        }
        let mut values = Vec::new();
        for v in c.values.get_ref() {
            if let Value::Table(t) = v.get_ref() {
                if let (Some(from), Some(to), 2) = (t.get("from"), t.get("to"), t.len()) {
                    let from = Spanned::new(v.span(), from.clone());
                    let to = Spanned::new(v.span(), to.clone());
                    if let (Some(a), Some(b)) = (
                        value(d, &from, target, bytes, path),
                        value(d, &to, target, bytes, path),
                    ) {
                        values.push(ConditionValue::Range(a, b));
                    }
                    continue;
                }
            }
            if let Some(l) = value(d, v, target, bytes, path) {
                values.push(ConditionValue::One(l));
            }
        }
        out.push(Condition {
            name: name.clone(),
            values,
        });
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    const PIC: NumericPic = NumericPic {
        digits: 5,
        scale: 2,
        signed: false,
    };

    fn lit(toml_value: &str, target: Target) -> Result<Literal, String> {
        let src = format!("v = {toml_value}");
        #[derive(serde::Deserialize)]
        struct W {
            v: Spanned<Value>,
        }
        let w: W = toml::from_str(&src).unwrap();
        let mut d = Diag::new(&src);
        let out = value(&mut d, &w.v, target, 4, "f");
        d.finish().map(|()| out.unwrap()).map_err(|e| e.to_string())
    }

    #[test]
    fn converts_defaults() {
        // Text, numbers as strings and integers, and the special forms.
        assert_eq!(
            lit("\"AB\"", Target::Text { chars: 4 }),
            Ok(Literal::Text("AB".into()))
        );
        assert_eq!(
            lit("\"123.45\"", Target::Number { pic: PIC }),
            Ok(Literal::Number("123.45".into()))
        );
        assert_eq!(
            lit("7", Target::Number { pic: PIC }),
            Ok(Literal::Number("7".into()))
        );
        assert_eq!(
            lit("{ fill = \"spaces\" }", Target::Text { chars: 4 }),
            Ok(Literal::Spaces)
        );
        assert_eq!(
            lit("{ fill = \"zeros\" }", Target::Number { pic: PIC }),
            Ok(Literal::Zeros)
        );
        assert_eq!(
            lit("{ hex = \"00 ff\" }", Target::Float),
            Ok(Literal::Hex(vec![0x00, 0xFF]))
        );
        assert_eq!(
            lit("{ all = \"*\" }", Target::Text { chars: 4 }),
            Ok(Literal::All(Box::new(Literal::Text("*".into()))))
        );
        assert_eq!(
            lit("\"-1.5\"", Target::Float),
            Ok(Literal::Number("-1.5".into()))
        );
    }

    #[test]
    fn rejects_defaults_that_do_not_fit() {
        // Too long, too many digits, negative into unsigned, not a number.
        assert!(lit("\"ABCDE\"", Target::Text { chars: 4 })
            .unwrap_err()
            .contains("5 characters"));
        assert!(lit("\"1234.5\"", Target::Number { pic: PIC })
            .unwrap_err()
            .contains("does not fit"));
        assert!(lit("\"0.125\"", Target::Number { pic: PIC })
            .unwrap_err()
            .contains("does not fit"));
        assert!(lit("-1", Target::Number { pic: PIC })
            .unwrap_err()
            .contains("unsigned"));
        assert!(lit("\"1e5\"", Target::Number { pic: PIC })
            .unwrap_err()
            .contains("not a decimal"));
        // TOML floats would lose digits.
        assert!(lit("1.5", Target::Number { pic: PIC })
            .unwrap_err()
            .contains("as strings"));
        // Wrong kinds of special value.
        assert!(lit("{ fill = \"spaces\" }", Target::Number { pic: PIC })
            .unwrap_err()
            .contains("cannot be filled"));
        assert!(lit("{ hex = \"0\" }", Target::Float)
            .unwrap_err()
            .contains("even"));
        assert!(lit("{ hex = \"0011223344\" }", Target::Float)
            .unwrap_err()
            .contains("5 bytes"));
        assert!(lit("{ all = \"*\" }", Target::Float)
            .unwrap_err()
            .contains("text fields only"));
        assert!(lit("{ colour = \"red\" }", Target::Float)
            .unwrap_err()
            .contains("must be one of"));
        assert!(lit("true", Target::Float).unwrap_err().contains("boolean"));
        assert!(lit("5", Target::Text { chars: 4 })
            .unwrap_err()
            .contains("must be a string"));
    }
}

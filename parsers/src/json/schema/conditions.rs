//! Level-88 condition names and VALUE clauses in a schema.
//!
//! `x-cobol-conditions` always lists them ({condition name: value, [values] or "low THRU
//! high"}). A hard `enum` is given to Encode only: the program that reads a request tests
//! its 88s, so a client that sends one of those values sends something meaningful, and the
//! list is what client generators turn into enumerations. The enum also holds what a missing
//! member is written as (its VALUE, else blank or zero): omitting it is allowed, so saying it
//! explicitly must be too, and real records often leave a flag blank (the PNC sample's
//! `status`). A record decoded with some other value does not pass the Encode schema as it
//! stands: by design, the request contract is the 88 list. Decode gets no `enum`: an 88 list
//! names the values a program tests for, not every value files hold (spaces in a flag never
//! set, codes retired years ago), and the decoder writes whatever the bytes say; a response
//! must not fail validation for that. Nor is there an `enum` where a condition has a range or
//! a value JSON text cannot show exactly (LOW-VALUES, HIGH-VALUES, hex literals).
//!
//! A VALUE clause becomes Encode's `default`: the encoder writes it for a missing field.

use serde_json::{Map, Value};

use crate::layout::{ConditionValue, DataType, Field, Literal};

use super::item::number_value;
use super::SchemaOptions;

/// Adds `x-cobol-conditions`, and `enum`/`default` for Encode, to an item's schema.
pub(super) fn add(m: &mut Map<String, Value>, f: &Field, dt: &DataType, opts: &SchemaOptions) {
    if !opts.decode() {
        if let Some(v) = f.value.as_ref().and_then(|l| json_of(l, f, dt)) {
            m.insert("default".into(), v);
        }
    }
    if f.conditions.is_empty() {
        return;
    }
    let mut listed = Map::new();
    let mut values: Option<Vec<Value>> = Some(Vec::new());
    for c in &f.conditions {
        let shown: Vec<Value> = c
            .values
            .iter()
            .map(|v| match v {
                ConditionValue::One(l) => {
                    let j = json_of(l, f, dt);
                    match (&j, values.as_mut()) {
                        (Some(j), Some(list)) if !list.contains(j) => list.push(j.clone()),
                        (Some(_), _) => {}
                        (None, _) => values = None,
                    }
                    j.unwrap_or_else(|| Value::String(literal_text(l)))
                }
                ConditionValue::Range(lo, hi) => {
                    values = None;
                    Value::String(format!("{} THRU {}", literal_text(lo), literal_text(hi)))
                }
            })
            .collect();
        let shown = match <[Value; 1]>::try_from(shown) {
            Ok([one]) => one,
            Err(many) => Value::Array(many),
        };
        listed.insert(c.name.clone(), shown);
    }
    if !opts.decode() {
        if let Some(mut list) = values.filter(|l| !l.is_empty()) {
            // What a missing member gets is accepted when given explicitly too.
            let missing = match &f.value {
                Some(l) => json_of(l, f, dt),
                None if is_numeric(dt) => Some(0.into()),
                None => Some(Value::String(String::new())),
            };
            if let Some(v) = missing.filter(|v| !list.contains(v)) {
                list.push(v);
            }
            m.insert("enum".into(), Value::Array(list));
        }
    }
    m.insert("x-cobol-conditions".into(), Value::Object(listed));
}

fn is_numeric(dt: &DataType) -> bool {
    !matches!(
        dt,
        DataType::Alphanumeric { .. } | DataType::National { .. }
    )
}

/// The JSON value the decoder writes for a field holding `lit` (and the encoder turns back
/// into those bytes), when there is one.
fn json_of(lit: &Literal, f: &Field, dt: &DataType) -> Option<Value> {
    let len = match dt {
        DataType::National { chars } => *chars,
        _ => dt.byte_len(),
    };
    if is_numeric(dt) {
        return match lit {
            Literal::Number(n) => match number_value(n) {
                v @ Value::Number(_) => Some(v),
                _ => None,
            },
            Literal::Zeros => Some(0.into()),
            _ => None,
        };
    }
    let text = match lit {
        Literal::Text(s) | Literal::Number(s) => s.clone(),
        Literal::Spaces => String::new(),
        Literal::Zeros => "0".repeat(len),
        Literal::Quotes => "\"".repeat(len),
        Literal::All(inner) => match inner.as_ref() {
            Literal::Text(s) if !s.is_empty() => s.chars().cycle().take(len).collect(),
            _ => return None,
        },
        Literal::LowValues | Literal::HighValues | Literal::Hex(_) => return None,
    };
    // As the decoder shows it: the padding side trimmed.
    let shown = if f.justified_right {
        text.trim_start_matches(' ')
    } else {
        text.trim_end_matches(' ')
    };
    (shown.chars().count() <= len).then(|| Value::String(shown.to_string()))
}

/// A literal as COBOL writes it, for values JSON cannot show exactly.
fn literal_text(lit: &Literal) -> String {
    match lit {
        Literal::Text(s) => format!("'{s}'"),
        Literal::Number(n) => n.clone(),
        Literal::Hex(b) => format!(
            "X'{}'",
            b.iter().map(|x| format!("{x:02X}")).collect::<String>()
        ),
        Literal::Zeros => "ZEROS".into(),
        Literal::Spaces => "SPACES".into(),
        Literal::LowValues => "LOW-VALUES".into(),
        Literal::HighValues => "HIGH-VALUES".into(),
        Literal::Quotes => "QUOTES".into(),
        Literal::All(inner) => format!("ALL {}", literal_text(inner)),
    }
}

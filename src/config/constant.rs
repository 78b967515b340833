//! Whether a value written in the config (a `set` constant, a parameter example) fits
//! its request field, checked the way the gateway will encode it on every call: as a
//! JSON string at the field's path, through the route's request layout with the
//! backend's code page and dialect. A constant that does not fit would make every call
//! a 400 blamed on the caller, so `check` refuses it instead.

use ferrule_parsers::json::{CodecOptions, Encoder};
use ferrule_parsers::layout::{DataType, FieldKind, Layout};
use serde_json::{Map, Value};

/// `Err` says why `text` cannot go into the request field at `field` (a dotted JSON
/// path already known to name an elementary item).
pub fn fits(
    layout: &Layout,
    codec: CodecOptions,
    field: &[String],
    text: &str,
) -> Result<(), String> {
    let mut encoder = Encoder::new(layout, codec).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(layout.max_len());
    let Err(errors) = encoder.encode_all(&record_with(field, text), &mut out, false) else {
        return Ok(());
    };
    // The other fields are absent and take their defaults; only this one's errors count.
    let dotted = field.join(".");
    let Some(e) = errors.iter().find(|e| e.path == dotted) else {
        return Ok(());
    };
    Err(format!(
        "{} does not fit {}: {}",
        Value::String(text.to_string()),
        picture(layout, field),
        e.kind
    ))
}

/// `{"a": {"b": text}}` for the path `a.b`.
fn record_with(field: &[String], text: &str) -> Value {
    field
        .iter()
        .rev()
        .fold(Value::String(text.to_string()), |inner, name| {
            let mut m = Map::new();
            m.insert(name.clone(), inner);
            Value::Object(m)
        })
}

/// The field's type as the copybook wrote it: `PIC X(4)`, `PIC S9(5)V9(2) COMP-3`, `COMP-1`.
fn picture(layout: &Layout, field: &[String]) -> String {
    match layout.field_by_json_path(field).map(|f| &f.kind) {
        Some(FieldKind::Item(dt @ DataType::Float { .. })) => dt.describe(),
        Some(FieldKind::Item(dt)) => format!("PIC {}", dt.describe()),
        _ => "the field".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrule_parsers::copybook::{self, ParseOptions};

    fn layout() -> Layout {
        let text = "       01 REQ.\n          05 TRAN-CODE PIC X(4).\n          05 N PIC 9(3).\n          05 OWNER.\n             10 DOB PIC 9(8).\n";
        copybook::parse(text, &ParseOptions::default()).expect("copybook")
    }

    fn check(path: &str, text: &str) -> Result<(), String> {
        let p: Vec<String> = path.split('.').map(String::from).collect();
        fits(&layout(), CodecOptions::default(), &p, text)
    }

    #[test]
    fn values_that_fit_pass() {
        assert_eq!(check("tran_code", "VEHQ"), Ok(()));
        assert_eq!(check("tran_code", "VQ"), Ok(()));
        assert_eq!(check("n", "042"), Ok(()));
        assert_eq!(check("owner.dob", "19800101"), Ok(()));
    }

    #[test]
    fn values_that_do_not_fit_say_why_with_the_picture() {
        let e = check("tran_code", "VEHICLEQ").unwrap_err();
        assert!(
            e.starts_with("\"VEHICLEQ\" does not fit PIC X(4): text of 8 bytes"),
            "{e}"
        );
        let e = check("n", "ABC").unwrap_err();
        assert!(e.starts_with("\"ABC\" does not fit PIC 9(3): "), "{e}");
        let e = check("n", "1234").unwrap_err();
        assert!(e.contains("PIC 9(3)"), "{e}");
        // Nested fields are reached by their dotted path.
        assert!(check("owner.dob", "1980-01-01").is_err());
    }
}

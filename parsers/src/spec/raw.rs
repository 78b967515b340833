//! The spec file as written: serde structs that mirror the TOML, every value wrapped in
//! [`Spanned`] so semantic errors can point at it. Nothing is checked here beyond TOML
//! types and unknown keys; `build` gives the values their meaning.

use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;

/// The whole file: one `[record]` and its `[[field]]`s.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpec {
    pub record: Spanned<RawRecord>,
    #[serde(default)]
    pub field: Vec<Spanned<RawField>>,
}

/// `[record]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRecord {
    pub name: Spanned<String>,
    /// Declared record length in bytes; a longer declaration pads with FILLER.
    pub length: Option<Spanned<i64>>,
    /// `"comma"` for DECIMAL-POINT IS COMMA in `edited` pictures (default `"period"`).
    pub decimal_point: Option<Spanned<String>>,
    /// CURRENCY SIGN of `edited` pictures (one character, e.g. `"£"`; default `"$"`).
    pub currency_sign: Option<Spanned<String>>,
    /// The PICTURE symbol standing for `currency_sign` (default: the sign itself).
    pub currency_symbol: Option<Spanned<String>>,
}

/// One `[[field]]` (or `[[field.fields]]`, or an inline table in `fields = [...]`).
/// Which keys apply depends on `type`; `build` rejects the others by name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawField {
    pub name: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub ty: Option<Spanned<String>>,
    pub length: Option<Spanned<i64>>,
    pub digits: Option<Spanned<i64>>,
    pub scale: Option<Spanned<i64>>,
    pub signed: Option<Spanned<bool>>,
    pub sign: Option<Spanned<String>>,
    pub bytes: Option<Spanned<i64>>,
    pub native: Option<Spanned<bool>>,
    pub width: Option<Spanned<String>>,
    pub picture: Option<Spanned<String>>,
    pub justify: Option<Spanned<String>>,
    pub blank_when_zero: Option<Spanned<bool>>,
    pub offset: Option<Spanned<i64>>,
    pub overlays: Option<Spanned<String>>,
    /// An integer, or `{ min, max, depending_on }`.
    pub occurs: Option<Spanned<toml::Value>>,
    pub when: Option<Spanned<RawWhen>>,
    pub value: Option<Spanned<toml::Value>>,
    pub conditions: Option<Vec<Spanned<RawCondition>>>,
    pub fields: Option<Spanned<Vec<Spanned<RawField>>>>,
}

/// `when = { field = "rec_type", values = ["A", "B"] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWhen {
    pub field: Spanned<String>,
    pub values: Spanned<Vec<Spanned<toml::Value>>>,
}

/// `{ name = "stolen", values = ["S", { from = "1", to = "5" }] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCondition {
    pub name: Spanned<String>,
    pub values: Spanned<Vec<Spanned<toml::Value>>>,
}

impl RawField {
    /// The type-specific keys present, with where they are written, so `build` can
    /// reject the ones that do not apply to the field's type.
    pub(super) fn typed_keys(&self) -> Vec<(&'static str, Range<usize>)> {
        fn key<T>(
            out: &mut Vec<(&'static str, Range<usize>)>,
            k: &'static str,
            v: &Option<Spanned<T>>,
        ) {
            if let Some(v) = v {
                out.push((k, v.span()));
            }
        }
        let mut out = Vec::new();
        key(&mut out, "name", &self.name);
        key(&mut out, "length", &self.length);
        key(&mut out, "digits", &self.digits);
        key(&mut out, "scale", &self.scale);
        key(&mut out, "signed", &self.signed);
        key(&mut out, "sign", &self.sign);
        key(&mut out, "bytes", &self.bytes);
        key(&mut out, "native", &self.native);
        key(&mut out, "width", &self.width);
        key(&mut out, "picture", &self.picture);
        key(&mut out, "justify", &self.justify);
        key(&mut out, "blank_when_zero", &self.blank_when_zero);
        key(&mut out, "overlays", &self.overlays);
        key(&mut out, "occurs", &self.occurs);
        key(&mut out, "when", &self.when);
        key(&mut out, "fields", &self.fields);
        if let Some(c) = self.conditions.as_ref().and_then(|c| c.first()) {
            out.push(("conditions", c.span()));
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn reads_nested_fields_with_spans() {
        // A group with one child in array-of-tables form keeps each table's span.
        let src = "[record]\nname = \"R\"\n[[field]]\nname = \"g\"\ntype = \"group\"\n[[field.fields]]\nname = \"a\"\n";
        let raw: RawSpec = toml::from_str(src).unwrap();
        let g = raw.field[0].get_ref();
        let kids = g.fields.as_ref().unwrap().get_ref();
        assert_eq!(&src[kids[0].span()], "[[field.fields]]\nname = \"a\"");
    }

    #[test]
    fn rejects_unknown_keys() {
        // A misspelt key is refused, not ignored.
        let src = "[record]\nname = \"R\"\n[[field]]\nlenght = 3\n";
        let e = toml::from_str::<RawSpec>(src).unwrap_err();
        assert!(e.message().contains("unknown field `lenght`"));
    }
}

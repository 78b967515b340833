//! Multi-layout files: several 01 records in one file, each record's layout chosen by
//! the value of one field (a record-type code), as `--segment FIELD --record-map
//! C=FIRM-REC,P=PERSON-REC` asks.
//!
//! The segment field is looked up, by COBOL or JSON name, in the **first** layout of the
//! map. It must be an elementary text or number item outside every table with no
//! OCCURS DEPENDING ON table before it, so it sits at one byte offset in every record.
//! Every other layout that has a field of that name must have it at the same offset with
//! the same length (a copybook whose record types disagree on where the code is would
//! otherwise be read wrongly without a word). For each record, those bytes are decoded
//! with the first layout's type: text trimmed of its padding, numbers as their value, and
//! compared with the map's values (`01` and `1` are the same number). Encoding reads the
//! same field from the JSON object at the first layout's JSON path.

use serde_json::Value;

use crate::layout::{DataType, Field, FieldKind, Layout};

use super::error::{RecordError, RecordErrorKind};
use super::item::ItemWriter;
use super::CodecOptions;

/// Layouts chosen per record by one field's value.
pub struct SegmentMap {
    layouts: Vec<Layout>,
    /// Map value -> index into `layouts`, in the order given.
    values: Vec<(String, usize)>,
    /// The segment field as the first layout defines it.
    field: Field,
    /// Its JSON path in the first layout (`header.rec_type`).
    json_path: Vec<String>,
}

impl SegmentMap {
    /// `records`: (value, layout) in map order; a layout may appear under several values
    /// (give it once per value). `field` names the segment field (see the module docs).
    pub fn new(records: Vec<(String, Layout)>, field: &str) -> Result<SegmentMap, String> {
        let Some((_, first)) = records.first() else {
            return Err("the record map is empty".into());
        };
        let path = first
            .find_path(field)
            .ok_or_else(|| format!("no field named `{field}` in {}", first.name))?;
        let mut json_path = Vec::new();
        let mut f = &first.root;
        for &i in &path {
            f = f.children().get(i).ok_or("bad path")?;
            if f.occurs.is_some() {
                return Err(format!("`{field}` is inside a table (OCCURS)"));
            }
            json_path.push(f.json_name.clone());
        }
        let dt = match &f.kind {
            FieldKind::Item(DataType::Edited { .. }) | FieldKind::Group(_) => {
                return Err(format!(
                    "`{field}` must be an elementary text or number item"
                ))
            }
            FieldKind::Item(dt) => dt,
        };
        if first.root.any(&|t| {
            t.occurs.as_ref().is_some_and(|o| o.depending_on.is_some()) && t.offset < f.offset
        }) {
            return Err(format!(
                "`{field}` comes after an OCCURS DEPENDING ON table, so its offset varies"
            ));
        }
        let field_def = f.clone();
        let len = dt.byte_len();
        for (_, l) in records.iter().skip(1) {
            if let Some(other) = l.find_path(field).and_then(|p| l.field_at(&p)) {
                let other_len = match &other.kind {
                    FieldKind::Item(dt) => dt.byte_len(),
                    FieldKind::Group(_) => other.size,
                };
                if other.offset != field_def.offset || other_len != len {
                    return Err(format!(
                        "`{field}` is at offset {} ({} bytes) in {} but at offset {} ({} bytes) in {}",
                        field_def.offset, len, first.name, other.offset, other_len, l.name
                    ));
                }
            }
        }
        let mut layouts: Vec<Layout> = Vec::new();
        let mut values: Vec<(String, usize)> = Vec::new();
        for (value, layout) in records {
            let idx = match layouts.iter().position(|l| l.name == layout.name) {
                Some(i) => i,
                None => {
                    layouts.push(layout);
                    layouts.len() - 1
                }
            };
            if values.iter().any(|(v, _)| same_value(v, &value)) {
                return Err(format!("value `{value}` is mapped twice"));
            }
            values.push((value, idx));
        }
        Ok(SegmentMap {
            layouts,
            values,
            field: field_def,
            json_path,
        })
    }

    /// The distinct layouts, in the order the map first names them.
    pub fn layouts(&self) -> &[Layout] {
        &self.layouts
    }

    /// The segment field's JSON path, dotted, for messages.
    pub fn field_path(&self) -> String {
        self.json_path.join(".")
    }

    /// Index (into [`Self::layouts`]) of the layout for record bytes `rec`.
    pub fn choose(&self, rec: &[u8], opts: CodecOptions) -> Result<usize, RecordError> {
        let f = &self.field;
        let FieldKind::Item(dt) = &f.kind else {
            return Err(self.unknown(String::new(), &[]));
        };
        let len = dt.byte_len();
        let bytes = rec.get(f.offset..f.offset + len).ok_or_else(|| {
            let have = rec.get(f.offset..).unwrap_or_default();
            RecordError::new(
                self.field_path(),
                f.offset,
                have,
                RecordErrorKind::CutShort {
                    have: have.len(),
                    need: len,
                },
            )
        })?;
        let mut out = Vec::new();
        ItemWriter::new(CodecOptions {
            numbers_as_strings: false,
            ..opts
        })
        .item(f, dt, None, bytes, &mut out)
        .map_err(|kind| RecordError::new(self.field_path(), f.offset, bytes, kind))?;
        let text = String::from_utf8_lossy(&out);
        let value = match serde_json::from_str::<Value>(&text) {
            Ok(Value::String(s)) => s,
            _ => text.into_owned(),
        };
        self.lookup(&value)
            .ok_or_else(|| self.unknown(value, bytes))
    }

    /// Index of the layout for a JSON object, by its segment field's value.
    pub fn choose_json(&self, v: &Value) -> Result<usize, RecordError> {
        let found = self.json_path.iter().try_fold(v, |v, name| v.get(name));
        let value = match found {
            Some(Value::String(s)) => s.trim_end().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return Err(RecordError::new(
                    self.field_path(),
                    self.field.offset,
                    &[],
                    RecordErrorKind::Json(format!(
                        "the segment field `{}` (a string or number) chooses the record layout and is missing",
                        self.field_path()
                    )),
                ))
            }
        };
        self.lookup(&value).ok_or_else(|| self.unknown(value, &[]))
    }

    fn lookup(&self, value: &str) -> Option<usize> {
        self.values
            .iter()
            .find(|(v, _)| same_value(v, value))
            .map(|(_, i)| *i)
    }

    fn unknown(&self, value: String, bytes: &[u8]) -> RecordError {
        let known = self
            .values
            .iter()
            .map(|(v, _)| v.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        RecordError::new(
            self.field_path(),
            self.field.offset,
            bytes,
            RecordErrorKind::UnknownSegment { value, known },
        )
    }
}

/// Map values and field values match as text, or as numbers when both are integers.
fn same_value(a: &str, b: &str) -> bool {
    a == b || matches!((a.parse::<i128>(), b.parse::<i128>()), (Ok(x), Ok(y)) if x == y)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::codepage::CodePage;
    use crate::copybook::{parse_all, SourceFormat};

    const BOOK: &str = "\
       01 FIRM-REC.
           05 REC-TYPE PIC X.
           05 CO-NAME  PIC X(5).
       01 PERSON-REC.
           05 REC-TYPE PIC X.
           05 P-AGE    PIC 99.
       01 BAD-REC.
           05 FILLER   PIC X.
           05 REC-TYPE PIC X.
";

    fn layouts() -> Vec<Layout> {
        parse_all(BOOK, SourceFormat::Free).unwrap()
    }

    fn map(pairs: &[(&str, usize)], field: &str) -> Result<SegmentMap, String> {
        let l = layouts();
        SegmentMap::new(
            pairs
                .iter()
                .map(|(v, i)| (v.to_string(), l[*i].clone()))
                .collect(),
            field,
        )
    }

    fn opts() -> CodecOptions {
        CodecOptions {
            codepage: CodePage::by_name("latin1").unwrap(),
            ..CodecOptions::default()
        }
    }

    #[test]
    fn records_choose_their_layout_by_the_field() {
        let m = map(&[("C", 0), ("P", 1)], "REC-TYPE").unwrap();
        assert_eq!(m.choose(b"CACME", opts()).unwrap(), 0);
        assert_eq!(m.choose(b"P42", opts()).unwrap(), 1);
        assert_eq!(
            m.choose_json(&serde_json::json!({"rec_type": "P"}))
                .unwrap(),
            1
        );
        // A value not in the map is located at the field.
        let e = m.choose(b"X42", opts()).unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.offset, e.bytes.as_slice()),
            ("rec_type", 0, &b"X"[..])
        );
        assert_eq!(
            e.kind.to_string(),
            "segment value `X` is not in the record map (known: C, P)"
        );
        // JSON without the field cannot be placed.
        assert!(m.choose_json(&serde_json::json!({"co_name": "A"})).is_err());
    }

    #[test]
    fn maps_that_cannot_work_are_refused() {
        // The field sits elsewhere in another record.
        let e = map(&[("C", 0), ("B", 2)], "REC-TYPE").err().unwrap();
        assert!(
            e.contains("at offset 0 (1 bytes) in FIRM-REC but at offset 1"),
            "{e}"
        );
        assert!(map(&[("C", 0)], "NOPE").is_err());
        assert!(map(&[("C", 0), ("c", 1), ("C", 1)], "REC-TYPE").is_err());
        assert!(map(&[], "REC-TYPE").is_err());
    }

    #[test]
    fn numeric_codes_match_by_value() {
        let m = map(&[("1", 1)], "P-AGE").unwrap();
        // PIC 99 holding 01: the map's `1` and `01` are the same code.
        assert_eq!(m.choose(b"P01", opts()).unwrap(), 0);
        assert!(m.choose(b"P02", opts()).is_err());
        // Bad digits are the field's own error, located.
        let e = m.choose(b"Pxx", opts()).unwrap_err();
        assert_eq!((e.path.as_str(), e.offset), ("p_age", 1));
    }
}

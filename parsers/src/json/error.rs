//! Record errors: where (record, field path, byte offset), what, and the bytes involved.

use std::fmt;

use crate::codepage::CodePageError;
use crate::numeric::NumericError;

/// One bad field or record. Displays on one line, e.g.
/// `record 12, field cust.balance, byte 40: invalid packed-decimal nibble 0xA (bytes 12 3A 4C)`.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    /// 1-based record number in the input (0 until the caller sets it).
    pub record: u64,
    /// Dotted JSON path of the field, with array indexes (`charges[2].code`).
    pub path: String,
    /// Byte offset of the field within the record.
    pub offset: usize,
    /// The field's bytes as found (empty for encode errors).
    pub bytes: Vec<u8>,
    pub kind: RecordErrorKind,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordErrorKind {
    #[error("{0}")]
    Numeric(#[from] NumericError),
    #[error("{0}")]
    Text(#[from] CodePageError),
    #[error("record ends inside the field: {have} of its {need} bytes are present")]
    CutShort { have: usize, need: usize },
    #[error("OCCURS DEPENDING ON count {count} is outside {min} to {max}")]
    OdoRange { count: i128, min: usize, max: usize },
    #[error("OCCURS DEPENDING ON counter {0} holds no valid number before its table")]
    OdoCounterUnread(String),
    #[error("malformed UTF-16 in national field")]
    BadNational,
    #[error("expected {expected}, got {got}")]
    WrongType {
        expected: &'static str,
        got: &'static str,
    },
    #[error("text of {len} bytes does not fit the field's {max}")]
    TooLong { len: usize, max: usize },
    #[error("{count} elements, the table holds {min} to {max}")]
    TooManyElements {
        count: usize,
        min: usize,
        max: usize,
    },
    #[error("counter says {counter}, the array has {actual} elements")]
    CounterMismatch { counter: i128, actual: usize },
    #[error("unknown field `{0}`")]
    UnknownField(String),
    #[error("invalid JSON: {0}")]
    Json(String),
    /// Multi-layout files: the segment field's value names no record of the map.
    #[error("segment value `{value}` is not in the record map (known: {known})")]
    UnknownSegment { value: String, known: String },
}

impl RecordError {
    pub(crate) fn new(path: String, offset: usize, bytes: &[u8], kind: RecordErrorKind) -> Self {
        RecordError {
            record: 0,
            path,
            offset,
            bytes: bytes.to_vec(),
            kind,
        }
    }

    /// The same error, located at a record number.
    pub fn at_record(mut self, record: u64) -> Self {
        self.record = record;
        self
    }
}

/// Bytes as spaced hex, at most 32 shown.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len().min(32) * 3 + 4);
    for (i, b) in bytes.iter().take(32).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02X}"));
    }
    if bytes.len() > 32 {
        s.push_str(" ...");
    }
    s
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(record)"
        } else {
            &self.path
        };
        write!(
            f,
            "record {}, field {}, byte {}: {}",
            self.record, path, self.offset, self.kind
        )?;
        if !self.bytes.is_empty() {
            write!(f, " (bytes {})", hex(&self.bytes))?;
        }
        Ok(())
    }
}

impl std::error::Error for RecordError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_on_one_line_with_location_and_bytes() {
        let e = RecordError::new(
            "cust.balance".into(),
            40,
            &[0x12, 0x3A, 0x4C],
            RecordErrorKind::CutShort { have: 3, need: 5 },
        )
        .at_record(12);
        assert_eq!(
            e.to_string(),
            "record 12, field cust.balance, byte 40: record ends inside the field: \
             3 of its 5 bytes are present (bytes 12 3A 4C)"
        );
    }

    #[test]
    fn long_byte_runs_are_cut() {
        // A 40-byte field shows 32 bytes and an ellipsis, not the whole record.
        let h = hex(&[0u8; 40]);
        assert!(h.ends_with("00 ..."));
        assert_eq!(h.matches("00").count(), 32);
    }
}

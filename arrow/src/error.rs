//! Errors of the columnar layer, each naming where it arose.

use ferrule_parsers::json::RecordError;

#[derive(Debug, thiserror::Error)]
pub enum ColumnarError {
    /// Arrow's decimal128 holds 38 digits; wider items are refused, not rounded.
    #[error(
        "field {path} (line {line}): {digits} digits do not fit Arrow's decimal128 \
         (38 at most); columnar output refuses it rather than lose digits (if the extra \
         digit is a packed pad nibble or binary beyond its PIC, --trunc std holds the \
         item to its PIC)"
    )]
    TooManyDigits {
        path: String,
        line: u32,
        digits: u32,
    },
    /// The layout cannot be decoded at all (an edited picture that does not parse).
    #[error("{0}")]
    Layout(RecordError),
    /// A record's bad field (record number, field path, byte offset, bytes).
    #[error("{0}")]
    Record(Box<RecordError>),
    /// A record's events did not follow the plan: a bug, reported instead of a panic.
    #[error("record {record}: decoded values do not match the column plan ({what})")]
    Mismatch { record: u64, what: &'static str },
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    #[cfg(feature = "writers")]
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

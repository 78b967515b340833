//! Rust errors -> the Python exceptions of `ferrule._errors`, with their location fields.
//! The exception classes are plain Python (subclassable, picklable by Spark); this module
//! only fills them in.

use ferrule_arrow::ColumnarError;
use ferrule_parsers::framing::FramingError;
use ferrule_parsers::json::RecordError;
use ferrule_parsers::registry::LoadError;
use pyo3::call::PyCallArgs;
use pyo3::exceptions::{PyOSError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Why a decode stopped.
#[derive(Debug)]
pub enum DecodeError {
    /// A bad record under `on_error="fail"`; `input_offset`: where its framing starts.
    Record {
        error: Box<RecordError>,
        input_offset: u64,
    },
    Framing(FramingError),
    Columnar(ColumnarError),
    Io {
        path: String,
        error: std::io::Error,
    },
}

/// An instance of `ferrule._errors.<class>` as a raisable error.
fn raise<'py, A: PyCallArgs<'py>>(py: Python<'py>, class: &str, args: A) -> PyErr {
    let made = py
        .import("ferrule._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// `CopybookError(message, line, column)`.
pub fn copybook(py: Python<'_>, e: &LoadError) -> PyErr {
    raise(py, "CopybookError", (e.rendered.clone(), e.line, e.column))
}

/// A copybook problem found after parsing (a `select` that names no field), no location.
pub fn copybook_message(py: Python<'_>, message: String) -> PyErr {
    raise(py, "CopybookError", (message, None::<u32>, None::<u32>))
}

/// `RecordError(message, record, field, offset, bytes, input_offset)`.
pub fn record(py: Python<'_>, e: &RecordError, input_offset: u64) -> PyErr {
    let field = (!e.path.is_empty()).then(|| e.path.clone());
    raise(
        py,
        "RecordError",
        (
            e.to_string(),
            e.record,
            field,
            e.offset,
            PyBytes::new(py, &e.bytes),
            input_offset,
        ),
    )
}

/// The record number and input offset a framing error names, where it names them.
fn framing_location(e: &FramingError) -> (Option<u64>, Option<u64>) {
    use FramingError as F;
    match e {
        F::Truncated { record, offset, .. }
        | F::BadHeader { record, offset, .. }
        | F::TooLong { record, offset, .. }
        | F::BlockOverrun { record, offset, .. }
        | F::BlockTruncated { record, offset, .. }
        | F::WrongLength { record, offset, .. }
        | F::ContainsTerminator { record, offset, .. }
        | F::BadMeasure { record, offset, .. }
        | F::BadSegment { record, offset, .. } => (Some(*record), Some(*offset)),
        F::Io(_) | F::Unknown(_) | F::Unsupported(_) | F::Failed => (None, None),
    }
}

/// A decode's error as its Python exception.
pub fn decode(py: Python<'_>, e: DecodeError) -> PyErr {
    match e {
        DecodeError::Record {
            error,
            input_offset,
        } => record(py, &error, input_offset),
        DecodeError::Framing(FramingError::Io(io)) => PyOSError::new_err(io.to_string()),
        DecodeError::Framing(f) => {
            let (rec, off) = framing_location(&f);
            raise(py, "FramingError", (f.to_string(), rec, off))
        }
        DecodeError::Columnar(ColumnarError::Record(r)) => record(py, &r, 0),
        DecodeError::Columnar(c) => PyRuntimeError::new_err(c.to_string()),
        DecodeError::Io { path, error } => PyOSError::new_err(format!("{path}: {error}")),
    }
}

//! `ferrule._ferrule.Layout`: a parsed copybook with its decode options; gives the Arrow
//! schema and decodes buffers and files to record batches that cross to pyarrow through
//! the Arrow C data interface (no copy of the column buffers).

use std::fs::File;
use std::path::PathBuf;

use arrow_pyarrow::{PyArrowType, Table, ToPyArrow};
use arrow_schema::Schema;
use ferrule_arrow::{ColumnPlan, PlanOptions};
use ferrule_parsers::framing::Framing;
use ferrule_parsers::json::CodecOptions;
use ferrule_parsers::layout::Layout as RecordLayout;
use ferrule_parsers::registry;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::decode::{decode_all, Reported, BATCH_ROWS};
use crate::errors::{self, DecodeError};
use crate::options::{Options, ReadOptions};
use crate::split;

/// A record layout and the options its records are read with.
#[pyclass(frozen, module = "ferrule._ferrule", name = "Layout")]
pub struct Layout {
    layout: RecordLayout,
    codec: CodecOptions,
    read: ReadOptions,
}

impl Layout {
    fn schema(&self, read: ReadOptions) -> Result<Schema, DecodeError> {
        let plan = ColumnPlan::new(
            &self.layout,
            &self.codec,
            PlanOptions {
                flatten: read.flatten,
            },
        )
        .map_err(DecodeError::Columnar)?;
        Ok(plan.schema.as_ref().clone())
    }
}

/// Appends skipped or nulled records' errors to the caller's list, if it gave one.
fn report(py: Python<'_>, list: Option<&Bound<'_, PyList>>, bad: &[Reported]) -> PyResult<()> {
    if let Some(list) = list {
        for (e, at) in bad {
            list.append(errors::record(py, e, *at).into_value(py))?;
        }
    }
    Ok(())
}

#[pymethods]
impl Layout {
    /// `Layout(source, name, **options)`: `source` is the copybook text, `name` its file name
    /// (for messages, and to pick the format by extension).
    #[new]
    #[pyo3(signature = (source, name, **options))]
    fn new(
        py: Python<'_>,
        source: &str,
        name: &str,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let o = Options::from_kwargs(options)?;
        let mut layout = registry::load(source, name, o.format.as_deref(), &o.load)
            .map_err(|e| errors::copybook(py, &e))?;
        for s in &o.select {
            let bad = || {
                errors::copybook_message(
                    py,
                    format!("select {s:?}: expected ALTERNATIVE=FIELD:V1,V2"),
                )
            };
            let (alt, rest) = s.split_once('=').ok_or_else(bad)?;
            let (field, values) = rest.split_once(':').ok_or_else(bad)?;
            let values = values.split(',').map(|v| v.trim().to_string()).collect();
            layout
                .select_alternative(alt.trim(), field.trim(), values)
                .map_err(|e| errors::copybook_message(py, format!("select {s:?}: {e}")))?;
        }
        let made = Layout {
            layout,
            codec: o.codec,
            read: o.read,
        };
        // Refuse now what no record could be decoded with (items beyond decimal128).
        made.schema(made.read).map_err(|e| errors::decode(py, e))?;
        Ok(made)
    }

    /// The record's name as written in the copybook (`CUSTOMER-REC`).
    #[getter]
    fn name(&self) -> String {
        self.layout.name.clone()
    }

    /// The record's length in bytes (its longest, with OCCURS DEPENDING ON at maximum).
    #[getter]
    fn record_length(&self) -> usize {
        self.layout.max_len()
    }

    /// The framing records are read with by default (`fixed`, `rdw`, ...).
    #[getter]
    fn framing(&self) -> String {
        self.read.framing.name()
    }

    /// The pyarrow.Schema of the decoded records.
    #[pyo3(signature = (**options))]
    fn arrow_schema<'py>(
        &self,
        py: Python<'py>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let read = self.read.with_kwargs(options)?;
        let schema = self.schema(read).map_err(|e| errors::decode(py, e))?;
        schema.to_pyarrow(py)
    }

    /// Decodes every record of `data` (bytes) into one pyarrow.RecordBatch. Bad records
    /// that `on_error` skips or keeps are appended to `errors` when a list is given.
    #[pyo3(signature = (data, errors=None, **options))]
    fn decode<'py>(
        &self,
        py: Python<'py>,
        data: &[u8],
        errors: Option<&Bound<'py, PyList>>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let read = self.read.with_kwargs(options)?;
        let (batches, bad) = py
            .detach(|| decode_all(&self.layout, &self.codec, read, data, usize::MAX))
            .map_err(|e| errors::decode(py, e))?;
        report(py, errors, &bad)?;
        let batch = match batches.into_iter().next() {
            Some(b) => b,
            None => arrow_array::RecordBatch::new_empty(
                self.schema(read).map_err(|e| errors::decode(py, e))?.into(),
            ),
        };
        batch.to_pyarrow(py)
    }

    /// Decodes the file at `path` into a pyarrow.Table (batches of 65536 rows).
    #[pyo3(signature = (path, errors=None, **options))]
    fn read<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        errors: Option<&Bound<'py, PyList>>,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let read = self.read.with_kwargs(options)?;
        let (batches, bad) = py
            .detach(|| {
                let file = File::open(&path).map_err(|error| DecodeError::Io {
                    path: path.display().to_string(),
                    error,
                })?;
                decode_all(&self.layout, &self.codec, read, file, BATCH_ROWS)
            })
            .map_err(|e| errors::decode(py, e))?;
        report(py, errors, &bad)?;
        let schema = self.schema(read).map_err(|e| errors::decode(py, e))?;
        let table = Table::try_new(batches, schema.into())
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        PyArrowType(table).into_pyobject(py)
    }

    /// Byte ranges `[(start, end), ...]` of the file at `path`, each starting on a record
    /// boundary and about `split_bytes` long (see `ferrule.spark`).
    #[pyo3(signature = (path, split_bytes, framing=None))]
    fn splits(
        &self,
        py: Python<'_>,
        path: PathBuf,
        split_bytes: u64,
        framing: Option<&str>,
    ) -> PyResult<Vec<(u64, u64)>> {
        let framing = match framing {
            Some(f) => Framing::parse(f)
                .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("framing: {e}")))?,
            None => self.read.framing,
        };
        // ODO records in a file without headers are found only by decoding from the start.
        let measured = self.layout.has_odo() && !self.codec.odo_stored_max;
        let record_len = if measured { 0 } else { self.layout.max_len() };
        py.detach(|| split::splits(&path, framing, record_len, split_bytes))
            .map_err(|e| errors::decode(py, e))
    }
}

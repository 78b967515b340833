//! Ferrule's columnar face: a record layout as an Arrow schema, decoded records as Arrow
//! record batches, and writers for Parquet, Arrow IPC files and CSV.
//!
//! Records are read through `ferrule_parsers::values` (typed values: exact decimals,
//! floats, text), never through JSON text. [`plan`] maps the layout's shape to columns
//! once; [`RecordBatchBuilder`] appends each record's values to them; [`writer`] writes
//! batches to one file or a partitioned dataset. [`DirectPlan`] builds the same batches
//! straight from the bytes of fixed-length records, a column at a time, when the layout
//! and the batch allow it. [`csv`] writes CSV text from batches by hand.
#![forbid(unsafe_code)]
#![warn(clippy::expect_used)]

mod builder;
#[cfg(feature = "writers")]
pub mod csv;
pub mod direct;
mod error;
pub mod plan;
pub mod read;
#[cfg(feature = "writers")]
mod row_group;
#[cfg(feature = "writers")]
pub mod writer;

#[cfg(test)]
mod tests;

pub use builder::RecordBatchBuilder;
pub use direct::DirectPlan;
pub use error::ColumnarError;
pub use plan::{arrow_schema, describe, ColumnPlan, PlanOptions};
#[cfg(feature = "writers")]
pub use row_group::{ParquetCompression, RowGroup, RowGroupEncoder};
#[cfg(feature = "writers")]
pub use writer::{Format, Part, Preparer, Writer};

/// The batches [`RecordBatchBuilder`] builds and [`Writer`] writes.
pub use arrow_array::RecordBatch;

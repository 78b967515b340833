//! `ferrule._ferrule`, the native half of the `ferrule` Python package: copybook layouts,
//! records decoded to Arrow record batches (handed to pyarrow through the Arrow C data
//! interface), record-aligned file splits. The Python half (`python/ferrule/`) adds the
//! path-or-text copybook argument, `ferrule.read` and the Spark helper.
//!
//! The parsers and the Arrow builder are the Rust crates the CLI uses, unchanged: the
//! package decodes exactly what `ferrule decode --to parquet` decodes.

mod decode;
mod errors;
mod layout;
mod options;
mod split;

use pyo3::prelude::*;

#[pymodule]
fn _ferrule(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<layout::Layout>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

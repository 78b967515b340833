//! CSV output written by hand from record batches: a header line of column names, then
//! one line per row, cells joined by `,` and ended by `\n`; a cell is quoted only when
//! it holds a comma, a quote or a line break (its quotes doubled, RFC 4180); decimals are
//! exact text (`-0.05`), nulls empty, and a row of one empty cell is `""` (so that it is
//! not read as no row).
//!
//! These are the bytes `arrow_csv::Writer` wrote, without its per-cell `fmt` machinery
//! (a `String` per cell, `i128`'s `Display`, the `csv` crate's record buffer), which took
//! ~85% of `decode --to csv`. `csv/tests.rs` checks the two writers against each other.
//!
//! [`CsvText`] is a batch's rows as text, made on the thread that built the batch;
//! [`CsvFile`] writes the header and then texts to the output.

mod cell;
#[cfg(test)]
mod tests;

use std::io::Write;

use arrow_array::RecordBatch;
use arrow_cast::display::FormatOptions;
use arrow_schema::{ArrowError, Schema};

use crate::error::ColumnarError;
use cell::Column;
pub(crate) use cell::{needs_quotes, quoted};

/// Appends the header line: the column names, quoted as cells are.
pub fn write_header(schema: &Schema, out: &mut Vec<u8>) {
    let start = out.len();
    for (i, f) in schema.fields().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        cell::text(f.name().as_bytes(), out);
    }
    end_row(start, out);
}

/// Appends every row of `batch`, one line each.
pub fn write_rows(batch: &RecordBatch, out: &mut Vec<u8>) -> Result<(), ColumnarError> {
    rows_into(batch, out, &mut Vec::new())
}

/// [`write_rows`], noting where each line ends in `ends`.
fn rows_into(
    batch: &RecordBatch,
    out: &mut Vec<u8>,
    ends: &mut Vec<usize>,
) -> Result<(), ColumnarError> {
    let options = FormatOptions::default().with_null("");
    let columns = batch
        .columns()
        .iter()
        .map(|a| Column::new(a.as_ref(), &options))
        .collect::<Result<Vec<_>, _>>()?;
    let rows = batch.num_rows();
    // Text as it is, numbers ~12 bytes, a separator each: one allocation per batch.
    let text: usize = columns.iter().map(Column::text_bytes).sum();
    out.reserve(text + rows * (columns.len() * 13 + 3));
    let mut scratch = String::new();
    ends.reserve(rows);
    for row in 0..rows {
        let start = out.len();
        for (i, c) in columns.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            c.write(row, out, &mut scratch).map_err(|e| {
                ColumnarError::Arrow(ArrowError::CsvError(format!(
                    "Error processing row {}, col {}: {e}",
                    row + 1,
                    i + 1
                )))
            })?;
        }
        end_row(start, out);
        ends.push(out.len());
    }
    Ok(())
}

/// Ends a line begun at `start`; a line with nothing on it gets `""`, one empty cell.
#[inline]
pub(crate) fn end_row(start: usize, out: &mut Vec<u8>) {
    if out.len() == start {
        out.extend_from_slice(b"\"\"");
    }
    out.push(b'\n');
}

/// A batch's rows as CSV text (no header), with where each line ends, so that a
/// dataset's parts can take some of its rows.
#[derive(Debug, Default)]
pub struct CsvText {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl CsvText {
    pub fn new(batch: &RecordBatch) -> Result<CsvText, ColumnarError> {
        let mut text = CsvText::default();
        rows_into(batch, &mut text.bytes, &mut text.ends)?;
        Ok(text)
    }

    /// Text made elsewhere (the direct path): `ends` must be where its lines end.
    pub(crate) fn from_lines(bytes: Vec<u8>, ends: Vec<usize>) -> CsvText {
        CsvText { bytes, ends }
    }

    pub fn rows(&self) -> usize {
        self.ends.len()
    }

    /// The lines of rows `from..from + n` (fewer past the end).
    pub fn lines(&self, from: usize, n: usize) -> &[u8] {
        // Where the lines before `row` end: where row `row` starts.
        let start_of = |row: usize| match row.checked_sub(1) {
            Some(i) => self.ends.get(i).copied().unwrap_or(self.bytes.len()),
            None => 0,
        };
        let to = from.saturating_add(n).min(self.rows());
        self.bytes
            .get(start_of(from.min(to))..start_of(to))
            .unwrap_or_default()
    }
}

/// One CSV output: the header before the first rows (or at the close, for no rows).
pub struct CsvFile<W: Write> {
    sink: W,
    header: Option<Vec<u8>>,
    buf: Vec<u8>,
}

impl<W: Write> CsvFile<W> {
    pub fn new(schema: &Schema, sink: W) -> Self {
        let mut header = Vec::new();
        write_header(schema, &mut header);
        CsvFile {
            sink,
            header: Some(header),
            buf: Vec::new(),
        }
    }

    /// Writes `batch`'s rows.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), ColumnarError> {
        self.buf.clear();
        write_rows(batch, &mut self.buf)?;
        let buf = std::mem::take(&mut self.buf);
        let r = self.put(&buf);
        self.buf = buf;
        r
    }

    /// Writes rows already made text (or some of their lines, [`CsvText::lines`]).
    pub fn write_text(&mut self, lines: &[u8]) -> Result<(), ColumnarError> {
        self.put(lines)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), ColumnarError> {
        if let Some(h) = self.header.take() {
            self.sink.write_all(&h).map_err(io)?;
        }
        self.sink.write_all(bytes).map_err(io)
    }

    /// Writes the header if no rows came, flushes, and gives the sink back.
    pub fn finish(mut self) -> Result<W, ColumnarError> {
        self.put(&[])?;
        self.sink.flush().map_err(io)?;
        Ok(self.sink)
    }
}

fn io(source: std::io::Error) -> ColumnarError {
    ColumnarError::Io {
        path: "output".to_string(),
        source,
    }
}

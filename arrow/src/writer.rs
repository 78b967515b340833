//! Record batches to files: Parquet (snappy), Arrow IPC file, or CSV; one stream or a
//! partitioned dataset (`DIR/part-00000.parquet`, ... of at most N rows each).
//!
//! Each Parquet write is one row group: the caller's batches set the row-group size (and
//! so the memory the writer holds). Batches can be encoded before they reach the writer,
//! on the thread that built them ([`Preparer`]).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::file::writer::SerializedFileWriter;

use crate::csv::{CsvFile, CsvText};
use crate::direct::DirectPlan;
use crate::error::ColumnarError;
use crate::row_group::{ParquetCompression, RowGroup, RowGroupEncoder};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Parquet,
    /// The Arrow IPC file format (Feather v2).
    Arrow,
    /// CSV with a header line; needs a flattened plan (no structs or lists).
    Csv,
}

impl Format {
    /// The file name extension of a dataset part.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Arrow => "arrow",
            Format::Csv => "csv",
        }
    }
}

type Sink = Box<dyn Write + Send>;

/// Rows per Parquet row group at most, by default. A row group is held in memory (as
/// Arrow arrays and encoded) until it is written, so this bounds memory whatever the file
/// size (parquet-rs' default, a million rows, held ~250 MB of 250-byte records).
pub const PARQUET_ROW_GROUP_ROWS: usize = 65_536;

/// One open output file (or stream).
enum Open {
    Parquet(SerializedFileWriter<Sink>),
    Arrow(arrow_ipc::writer::FileWriter<Sink>),
    Csv(CsvFile<Sink>),
}

/// A batch on its way to the [`Writer`]: as built, or (Parquet, CSV) already encoded by
/// the thread that built it.
#[derive(Debug)]
pub enum Part {
    Batch(RecordBatch),
    Encoded {
        group: RowGroup,
        /// Kept when the writer may have to split the rows between dataset parts.
        batch: Option<RecordBatch>,
    },
    /// CSV rows as text (split between dataset parts at line ends).
    Text(CsvText),
}

impl Part {
    pub fn rows(&self) -> usize {
        match self {
            Part::Batch(b) => b.num_rows(),
            Part::Encoded { group, .. } => group.rows(),
            Part::Text(text) => text.rows(),
        }
    }
}

/// Turns batches into [`Part`]s for one [`Writer`], on any thread.
#[derive(Clone)]
pub struct Preparer {
    encoder: Option<RowGroupEncoder>,
    /// CSV: rows become text here, on the worker's thread, not on the writer's.
    csv: bool,
    keep_batches: bool,
}

impl Preparer {
    /// The part of `records` straight from the direct path (CSV: text, with no arrays
    /// between), or `None` when the generic path must decode them.
    pub fn direct(
        &self,
        plan: &DirectPlan,
        records: &[&[u8]],
    ) -> Option<Result<Part, ColumnarError>> {
        if self.csv && plan.is_flat() {
            return plan.csv(records).map(|text| Ok(Part::Text(text)));
        }
        plan.decode(records).map(|batch| self.prepare(batch))
    }

    pub fn prepare(&self, batch: RecordBatch) -> Result<Part, ColumnarError> {
        Ok(match &self.encoder {
            Some(e) => Part::Encoded {
                group: e.encode(&batch)?,
                batch: self.keep_batches.then_some(batch),
            },
            None if self.csv => Part::Text(CsvText::new(&batch)?),
            None => Part::Batch(batch),
        })
    }
}

impl Open {
    fn new(
        format: Format,
        schema: &SchemaRef,
        encoder: Option<&RowGroupEncoder>,
        sink: Sink,
    ) -> Result<Open, ColumnarError> {
        Ok(match (format, encoder) {
            (Format::Parquet, Some(e)) => Open::Parquet(e.open(sink)?),
            (Format::Parquet, None) => {
                return Err(ColumnarError::Mismatch {
                    record: 0,
                    what: "a Parquet writer without its encoder",
                })
            }
            (Format::Arrow, _) => {
                Open::Arrow(arrow_ipc::writer::FileWriter::try_new(sink, schema)?)
            }
            (Format::Csv, _) => Open::Csv(CsvFile::new(schema, sink)),
        })
    }

    fn write(
        &mut self,
        batch: &RecordBatch,
        encoder: Option<&RowGroupEncoder>,
    ) -> Result<(), ColumnarError> {
        match (self, encoder) {
            (Open::Parquet(w), Some(e)) => e.encode(batch)?.append_to(w)?,
            (Open::Parquet(_), None) => {
                return Err(ColumnarError::Mismatch {
                    record: 0,
                    what: "a Parquet writer without its encoder",
                })
            }
            (Open::Arrow(w), _) => w.write(batch)?,
            (Open::Csv(w), _) => w.write(batch)?,
        }
        Ok(())
    }

    fn close(self) -> Result<(), ColumnarError> {
        match self {
            Open::Parquet(w) => {
                // Writes the footer first.
                let mut sink = w.into_inner()?;
                sink.flush().map_err(|e| io("output", e))?;
            }
            Open::Arrow(mut w) => {
                w.finish()?;
                let mut sink = w.into_inner()?;
                sink.flush().map_err(|e| io("output", e))?;
            }
            Open::Csv(w) => {
                // A CSV of no rows still gets its header line.
                w.finish()?;
            }
        }
        Ok(())
    }
}

fn io(path: &str, source: std::io::Error) -> ColumnarError {
    ColumnarError::Io {
        path: path.to_string(),
        source,
    }
}

/// Where batches go: one stream, or parts in a directory.
enum Target {
    Stream(Option<Sink>),
    Dir { dir: PathBuf, rows_per_file: usize },
}

/// Writes batches of one schema in one format.
pub struct Writer {
    format: Format,
    schema: SchemaRef,
    target: Target,
    open: Option<Open>,
    rows_in_file: usize,
    files: Vec<PathBuf>,
    /// Parquet: the properties and schema every part is written with.
    encoder: Option<RowGroupEncoder>,
    /// Parquet: rows per row group that [`Writer::write`] cuts batches into.
    group_rows: usize,
}

impl Writer {
    /// Everything into `sink` (a file or standard output).
    pub fn to_stream(format: Format, schema: SchemaRef, sink: Sink) -> Result<Self, ColumnarError> {
        Writer::new(format, schema, Target::Stream(Some(sink)))
    }

    /// A dataset in `dir` (created if missing): `part-00000.<ext>`, ... each of at most
    /// `rows_per_file` rows (0: no limit, one part).
    pub fn to_dir(
        format: Format,
        schema: SchemaRef,
        dir: &Path,
        rows_per_file: usize,
    ) -> Result<Self, ColumnarError> {
        std::fs::create_dir_all(dir).map_err(|e| io(&dir.display().to_string(), e))?;
        let rows_per_file = if rows_per_file == 0 {
            usize::MAX
        } else {
            rows_per_file
        };
        Writer::new(
            format,
            schema,
            Target::Dir {
                dir: dir.to_path_buf(),
                rows_per_file,
            },
        )
    }

    fn new(format: Format, schema: SchemaRef, target: Target) -> Result<Self, ColumnarError> {
        let encoder = match format {
            Format::Parquet => Some(RowGroupEncoder::new(
                schema.clone(),
                ParquetCompression::default(),
            )?),
            Format::Arrow | Format::Csv => None,
        };
        Ok(Writer {
            format,
            schema,
            target,
            open: None,
            rows_in_file: 0,
            files: Vec::new(),
            encoder,
            group_rows: PARQUET_ROW_GROUP_ROWS,
        })
    }

    /// Parquet: compress with `compression` (before the first write).
    pub fn with_compression(
        mut self,
        compression: ParquetCompression,
    ) -> Result<Self, ColumnarError> {
        if self.encoder.is_some() {
            self.encoder = Some(RowGroupEncoder::new(self.schema.clone(), compression)?);
        }
        Ok(self)
    }

    /// Parquet: at most `rows` rows per row group from [`Writer::write`] (at least 1).
    pub fn with_row_group_rows(mut self, rows: usize) -> Self {
        self.group_rows = rows.max(1);
        self
    }

    /// What lets other threads encode batches for this writer ([`Writer::write_part`]).
    pub fn preparer(&self) -> Preparer {
        Preparer {
            encoder: self.encoder.clone(),
            csv: self.format == Format::Csv,
            keep_batches: matches!(self.target, Target::Dir { rows_per_file, .. } if rows_per_file != usize::MAX),
        }
    }

    /// Rows the open file still takes.
    fn room(&self) -> usize {
        match self.target {
            Target::Dir { rows_per_file, .. } => rows_per_file - self.rows_in_file,
            Target::Stream(_) => usize::MAX,
        }
    }

    /// Opens the next output (the stream, or the next part file).
    fn open_next(&mut self) -> Result<(), ColumnarError> {
        let sink: Sink = match &mut self.target {
            Target::Stream(sink) => match sink.take() {
                Some(s) => s,
                None => return Ok(()),
            },
            Target::Dir { dir, .. } => {
                let path = dir.join(format!(
                    "part-{:05}.{}",
                    self.files.len(),
                    self.format.extension()
                ));
                let f = File::create(&path).map_err(|e| io(&path.display().to_string(), e))?;
                self.files.push(path);
                Box::new(BufWriter::with_capacity(1 << 16, f))
            }
        };
        self.open = Some(Open::new(
            self.format,
            &self.schema,
            self.encoder.as_ref(),
            sink,
        )?);
        self.rows_in_file = 0;
        Ok(())
    }

    /// Closes a full part (or opens the first output) so that rows can be written.
    fn make_room(&mut self) -> Result<(), ColumnarError> {
        if self.open.is_none() || self.room() == 0 {
            if let Some(done) = self.open.take() {
                done.close()?;
            }
            self.open_next()?;
        }
        Ok(())
    }

    /// Writes `batch`, starting new parts as they fill (Parquet: row groups of at most
    /// the row-group size, encoded on this thread).
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), ColumnarError> {
        let step = match self.format {
            Format::Parquet => self.group_rows,
            Format::Arrow | Format::Csv => usize::MAX,
        };
        let mut from = 0;
        while from < batch.num_rows() {
            self.make_room()?;
            let n = self.room().min(step).min(batch.num_rows() - from);
            if let Some(open) = self.open.as_mut() {
                open.write(&batch.slice(from, n), self.encoder.as_ref())?;
            }
            self.rows_in_file += n;
            from += n;
        }
        Ok(())
    }

    /// Writes a part made by this writer's [`Preparer`]: an encoded row group as it is
    /// when it fits in the open part, else its batch, split between parts.
    pub fn write_part(&mut self, part: Part) -> Result<(), ColumnarError> {
        match part {
            Part::Batch(b) => self.write(&b),
            Part::Encoded { group, batch } => {
                let rows = group.rows();
                if rows == 0 {
                    return Ok(());
                }
                self.make_room()?;
                let fits = rows <= self.room();
                match (self.open.as_mut(), batch) {
                    (Some(Open::Parquet(file)), _) if fits => {
                        group.append_to(file)?;
                        self.rows_in_file += rows;
                        Ok(())
                    }
                    (_, Some(batch)) => self.write(&batch),
                    _ => Err(ColumnarError::Mismatch {
                        record: 0,
                        what: "an encoded row group too large for its part, without its rows",
                    }),
                }
            }
            Part::Text(text) => {
                let mut from = 0;
                while from < text.rows() {
                    self.make_room()?;
                    let n = self.room().min(text.rows() - from);
                    let Some(Open::Csv(file)) = self.open.as_mut() else {
                        return Err(ColumnarError::Mismatch {
                            record: 0,
                            what: "CSV text for a writer of another format",
                        });
                    };
                    file.write_text(text.lines(from, n))?;
                    self.rows_in_file += n;
                    from += n;
                }
                Ok(())
            }
        }
    }

    /// Closes the output; returns the part files written (empty for a stream). No
    /// rows at all still writes one (empty) file with the schema.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, ColumnarError> {
        if self.open.is_none() && self.files.is_empty() {
            self.open_next()?;
        }
        if let Some(open) = self.open.take() {
            open.close()?;
        }
        Ok(self.files)
    }
}

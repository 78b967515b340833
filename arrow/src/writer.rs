//! Record batches to files: Parquet (snappy), Arrow IPC file, or CSV; one stream or a
//! partitioned dataset (`DIR/part-00000.parquet`, ... of at most N rows each).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::ColumnarError;

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

/// One open output file (or stream).
enum Open {
    Parquet(ArrowWriter<Sink>),
    Arrow(arrow_ipc::writer::FileWriter<Sink>),
    Csv(arrow_csv::Writer<Sink>),
}

/// Rows per Parquet row group. The writer holds a whole row group in memory before it
/// writes it out, so this bounds memory whatever the file size (the default, a million
/// rows, held ~250 MB of 250-byte records).
pub const PARQUET_ROW_GROUP_ROWS: usize = 65_536;
/// And at most this many encoded bytes, for records of any size.
pub const PARQUET_ROW_GROUP_BYTES: usize = 32 << 20;

impl Open {
    fn new(format: Format, schema: &SchemaRef, sink: Sink) -> Result<Open, ColumnarError> {
        Ok(match format {
            Format::Parquet => {
                let props = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(PARQUET_ROW_GROUP_ROWS))
                    .set_max_row_group_bytes(Some(PARQUET_ROW_GROUP_BYTES))
                    .build();
                Open::Parquet(ArrowWriter::try_new(sink, schema.clone(), Some(props))?)
            }
            Format::Arrow => Open::Arrow(arrow_ipc::writer::FileWriter::try_new(sink, schema)?),
            Format::Csv => Open::Csv(
                arrow_csv::WriterBuilder::new()
                    .with_header(true)
                    .build(sink),
            ),
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), ColumnarError> {
        match self {
            Open::Parquet(w) => w.write(batch)?,
            Open::Arrow(w) => w.write(batch)?,
            Open::Csv(w) => w.write(batch)?,
        }
        Ok(())
    }

    fn close(self, schema: &SchemaRef) -> Result<(), ColumnarError> {
        match self {
            Open::Parquet(w) => {
                let mut sink = w.into_inner()?;
                sink.flush().map_err(|e| io("output", e))?;
            }
            Open::Arrow(mut w) => {
                w.finish()?;
                let mut sink = w.into_inner()?;
                sink.flush().map_err(|e| io("output", e))?;
            }
            Open::Csv(mut w) => {
                // A CSV of no rows still gets its header line.
                w.write(&RecordBatch::new_empty(schema.clone()))?;
                let mut sink = w.into_inner();
                sink.flush().map_err(|e| io("output", e))?;
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
}

impl Writer {
    /// Everything into `sink` (a file or standard output).
    pub fn to_stream(format: Format, schema: SchemaRef, sink: Sink) -> Self {
        Writer {
            format,
            schema,
            target: Target::Stream(Some(sink)),
            open: None,
            rows_in_file: 0,
            files: Vec::new(),
        }
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
        Ok(Writer {
            format,
            schema,
            target: Target::Dir {
                dir: dir.to_path_buf(),
                rows_per_file: if rows_per_file == 0 {
                    usize::MAX
                } else {
                    rows_per_file
                },
            },
            open: None,
            rows_in_file: 0,
            files: Vec::new(),
        })
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
        self.open = Some(Open::new(self.format, &self.schema, sink)?);
        self.rows_in_file = 0;
        Ok(())
    }

    /// Writes `batch`, starting new parts as they fill.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), ColumnarError> {
        let limit = match self.target {
            Target::Dir { rows_per_file, .. } => rows_per_file,
            Target::Stream(_) => usize::MAX,
        };
        let mut from = 0;
        while from < batch.num_rows() {
            if self.open.is_none() || self.rows_in_file >= limit {
                if let Some(done) = self.open.take() {
                    done.close(&self.schema)?;
                }
                self.open_next()?;
            }
            let room = limit - self.rows_in_file;
            let n = room.min(batch.num_rows() - from);
            if let Some(open) = self.open.as_mut() {
                open.write(&batch.slice(from, n))?;
            }
            self.rows_in_file += n;
            from += n;
        }
        Ok(())
    }

    /// Closes the output; returns the part files written (empty for a stream). No
    /// rows at all still writes one (empty) file with the schema.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, ColumnarError> {
        if self.open.is_none() && self.files.is_empty() {
            self.open_next()?;
        }
        if let Some(open) = self.open.take() {
            open.close(&self.schema)?;
        }
        Ok(self.files)
    }
}

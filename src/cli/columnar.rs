//! `ferrule decode --to parquet|arrow|csv`: records to columns through `ferrule-arrow`,
//! with decode's framing, `--on-error` policy, quarantine and summary.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ferrule_arrow::read::{read_batches, ReadError, ReadPlan, RecordSink};
use ferrule_arrow::writer::PARQUET_ROW_GROUP_ROWS;
use ferrule_arrow::{
    ColumnPlan, DirectPlan, Format, ParquetCompression, Part, PlanOptions, Preparer, RecordBatch,
    RecordBatchBuilder, Writer,
};
use ferrule_parsers::framing::{Framing, MeasuredError, RecordReader};
use ferrule_parsers::json::{CodecOptions, FieldErrorMode};
use ferrule_parsers::layout::Layout;
use ferrule_parsers::values::{RecordValues, ValueDecoder};

use super::args::RecordLayoutArgs;
use super::convert::OnError;
use super::pipeline::{self, BadRecord, Batch, BatchSize, Counts, Done, Policy, Progress, Work};
use super::quarantine::{Quarantine, Tally};
use super::{CodecArgs, Failure};

/// Rows per Arrow batch (Arrow IPC and CSV).
const BATCH_ROWS: usize = 8192;
/// Parquet: input bytes per row group at most by default (`--row-group-bytes`), whatever
/// `--row-group-rows` says, so that wide records do not make row groups (and memory)
/// grow: each thread holds its row group as input, as Arrow arrays and encoded until it
/// is written. 1 MiB keeps peak RSS under 64 MB per thread (bench/README.md).
pub const ROW_GROUP_BYTES: usize = 1 << 20;

/// Parquet compression (`--compression`).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Default)]
pub enum CompressionArg {
    #[default]
    Snappy,
    None,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Default)]
pub enum OutputFormat {
    /// JSON Lines (one object per record).
    #[default]
    Jsonl,
    /// Parquet (snappy-compressed).
    Parquet,
    /// Arrow IPC file (Feather v2).
    Arrow,
    /// CSV with a header line; columns flattened, decimals as exact text.
    Csv,
}

/// Decode's columnar options.
#[derive(Args, Debug, Default)]
pub struct ColumnarArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub to: OutputFormat,
    /// Write a dataset into DIR (`part-00000.parquet`, ...) instead of one file
    /// (parquet, arrow, csv).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// With --out: at most N records per part file (default: one part).
    #[arg(long, value_name = "N", requires = "out")]
    pub rows_per_file: Option<usize>,
    /// One column per elementary item named `group__field`, tables numbered from 1
    /// (`items__1__qty`), instead of structs and lists (csv always flattens).
    #[arg(long)]
    pub flatten: bool,
    /// Parquet: at most N records per row group [default: 65536].
    #[arg(long, value_name = "N")]
    pub row_group_rows: Option<usize>,
    /// Parquet: at most N bytes of input records per row group (at least one record)
    /// [default: 1048576].
    #[arg(long, value_name = "N")]
    pub row_group_bytes: Option<usize>,
    /// Parquet compression [default: snappy].
    #[arg(long, value_enum)]
    pub compression: Option<CompressionArg>,
}

impl ColumnarArgs {
    /// True when the output is columnar, not JSON Lines.
    pub fn wanted(&self) -> bool {
        self.to != OutputFormat::Jsonl
    }

    /// Refuses the columnar options with JSON Lines output.
    pub fn check_jsonl(&self) -> Result<(), Failure> {
        if !self.wanted() && (self.out.is_some() || self.flatten) {
            return Err(Failure::usage(
                "error: --out and --flatten need a columnar --to (parquet, arrow, csv)",
            ));
        }
        self.check_parquet()
    }

    /// Refuses the Parquet options with another `--to`, and a row group of no rows.
    fn check_parquet(&self) -> Result<(), Failure> {
        let given = [
            self.row_group_rows.is_some(),
            self.row_group_bytes.is_some(),
            self.compression.is_some(),
        ];
        if self.to != OutputFormat::Parquet && given.contains(&true) {
            return Err(Failure::usage(
                "error: --row-group-rows, --row-group-bytes and --compression need --to parquet",
            ));
        }
        if self.row_group_rows == Some(0) || self.row_group_bytes == Some(0) {
            return Err(Failure::usage(
                "error: --row-group-rows and --row-group-bytes must be at least 1",
            ));
        }
        Ok(())
    }

    /// Records per Parquet row group.
    fn group_rows(&self) -> usize {
        self.row_group_rows.unwrap_or(PARQUET_ROW_GROUP_ROWS)
    }
}

/// What decode hands over besides the columnar options.
pub struct Job<'a> {
    pub layout: &'a RecordLayoutArgs,
    pub codec: &'a CodecArgs,
    pub opts: CodecOptions,
    pub on_error: OnError,
    pub quarantine: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub input: Option<PathBuf>,
    /// Worker threads (`--threads`).
    pub threads: usize,
    pub no_progress: bool,
}

pub fn decode(args: &ColumnarArgs, job: Job<'_>) -> Result<(), Failure> {
    let format = match args.to {
        OutputFormat::Parquet => Format::Parquet,
        OutputFormat::Arrow => Format::Arrow,
        OutputFormat::Csv => Format::Csv,
        OutputFormat::Jsonl => return Err(Failure::usage("error: not a columnar format")),
    };
    if job.output.is_some() && args.out.is_some() {
        return Err(Failure::usage(
            "error: give either --output FILE or --out DIR, not both",
        ));
    }
    args.check_parquet()?;
    let layout = job.layout.load(job.codec.dialect.dialect())?;
    let opts = job.opts;
    let flatten = args.flatten || format == Format::Csv;
    let mut decoder =
        ValueDecoder::new(&layout, opts).map_err(|e| Failure::usage(format!("error: {e}")))?;
    let plan = ColumnPlan::from_shape(decoder.shape(), &opts, PlanOptions { flatten })
        .map_err(|e| Failure::usage(format!("error: {e}")))?;
    let schema = plan.schema.clone();
    let mut builder = RecordBatchBuilder::new(plan).map_err(fail)?;
    let writer = match &args.out {
        Some(dir) => Writer::to_dir(format, schema, dir, args.rows_per_file.unwrap_or(0))
            .map_err(|e| Failure::usage(format!("error: {e}")))?,
        None => Writer::to_stream(format, schema, sink(&job.output)?).map_err(fail)?,
    };
    let compression = match args.compression.unwrap_or_default() {
        CompressionArg::Snappy => ParquetCompression::Snappy,
        CompressionArg::None => ParquetCompression::None,
    };
    let mut writer = writer
        .with_compression(compression)
        .map_err(fail)?
        .with_row_group_rows(args.group_rows());
    // A Parquet batch is a row group.
    let size = match format {
        Format::Parquet => BatchSize {
            records: args.group_rows(),
            bytes: args.row_group_bytes.unwrap_or(ROW_GROUP_BYTES),
        },
        Format::Arrow | Format::Csv => BatchSize::default(),
    };
    // Fixed-framed ODO records are as long as their counters say (as decode reads them).
    let measured = layout.has_odo() && !opts.odo_stored_max;
    let framing =
        Framing::parse(&job.codec.framing).map_err(|e| Failure::usage(format!("error: {e}")))?;
    let framing = match framing {
        Framing::Fixed { .. } => Framing::Fixed {
            len: if measured { 0 } else { layout.max_len() },
        },
        other => other,
    };
    let measured = measured && matches!(framing, Framing::Fixed { .. });
    let (input, total) = pipeline::open_input(&job.input)?;
    let reader = RecordReader::new(input, framing);
    let progress = Progress::new(total, job.no_progress);
    let end = End {
        ran: Ok(()),
        counts: Counts::default(),
        tally: Tally::new(job.on_error == OnError::Null),
        quarantine: Quarantine::open(job.quarantine.as_deref(), framing)?,
    };
    let end = if measured {
        let plan = ReadPlan {
            measured: Some(layout.max_len()),
            batch_rows: match format {
                Format::Parquet => args.group_rows(),
                Format::Arrow | Format::Csv => BATCH_ROWS,
            },
            // ODO layouts have no direct path.
            direct: None,
        };
        decode_measured(
            &job,
            reader,
            (&mut decoder, &mut builder, plan),
            &mut writer,
            end,
        )
    } else {
        let plan = (builder.plan().clone(), size);
        decode_batches(&job, &layout, plan, reader, &progress, &mut writer, end)
    };
    // The records decoded before a stop are still written, as JSON Lines output does.
    pipeline::finish_run(
        &progress,
        &end.counts,
        end.tally,
        (end.quarantine, job.quarantine.as_deref()),
        end.ran,
        || writer.finish().map(|_| ()).map_err(fail),
    )
}

/// How a run went, and what is left to close.
struct End {
    ran: Result<(), Failure>,
    counts: Counts,
    tally: Tally,
    quarantine: Quarantine,
}

/// Decodes fixed-framed OCCURS DEPENDING ON records on this thread: where the next
/// record starts is known only once this one is decoded.
fn decode_measured<R: std::io::Read>(
    job: &Job<'_>,
    mut reader: RecordReader<R>,
    (decoder, builder, plan): (&mut ValueDecoder<'_>, &mut RecordBatchBuilder, ReadPlan<'_>),
    writer: &mut Writer,
    end: End,
) -> End {
    let mut settle = Settle {
        writer,
        quarantine: end.quarantine,
        tally: end.tally,
        on_error: job.on_error,
        rows: 0,
        kept: 0,
        counts: end.counts,
    };
    let ran = read_batches(&mut reader, decoder, builder, plan, &mut settle);
    let Settle {
        quarantine,
        tally,
        rows,
        kept,
        mut counts,
        ..
    } = settle;
    // Bad records kept with nulls are rows too: count them once.
    counts.records = rows.saturating_sub(kept) + counts.bad;
    End {
        ran,
        counts,
        tally,
        quarantine,
    }
}

/// Where the one-thread loop's batches and bad records go: batches to the writer, bad
/// records to [`pipeline::settle_bad`] as the pipeline's do.
struct Settle<'w> {
    writer: &'w mut Writer,
    quarantine: Quarantine,
    tally: Tally,
    on_error: OnError,
    /// Rows written, and how many of them are bad records kept with nulls.
    rows: u64,
    kept: u64,
    counts: Counts,
}

impl RecordSink for Settle<'_> {
    type Error = Failure;

    fn batch(&mut self, batch: RecordBatch) -> Result<(), Failure> {
        self.rows += batch.num_rows() as u64;
        self.writer.write(&batch).map_err(fail)
    }

    fn bad(&mut self, bad: ferrule_arrow::read::BadRecord) -> Result<bool, Failure> {
        self.counts.bad += 1;
        let keep = self.on_error == OnError::Null && !bad.whole;
        let bad = BadRecord {
            raw: bad.raw,
            offset: bad.offset,
            errors: bad.errors,
        };
        pipeline::settle_bad(&mut self.quarantine, &mut self.tally, self.on_error, bad)?;
        self.kept += u64::from(keep);
        Ok(keep)
    }
}

impl From<ReadError> for Failure {
    fn from(e: ReadError) -> Failure {
        match e {
            ReadError::Read(MeasuredError::Measure { record, source, .. }) => {
                Failure::data(format!(
                    "error: {} (the next record's start is unknown, so decoding stops)",
                    source.at_record(record)
                ))
            }
            ReadError::Read(other) => Failure::data(format!("error: {other}")),
            ReadError::Columnar(e) => fail(e),
        }
    }
}

/// Decodes batches of records on every core ([`pipeline`]), each worker building Arrow
/// batches of its own (and, for Parquet, encoding them as row groups); the writer writes
/// them in input order.
fn decode_batches<R: std::io::Read + Send>(
    job: &Job<'_>,
    layout: &Layout,
    (plan, size): (ColumnPlan, BatchSize),
    reader: RecordReader<R>,
    progress: &Progress,
    writer: &mut Writer,
    end: End,
) -> End {
    let End {
        mut counts,
        mut tally,
        mut quarantine,
        ..
    } = end;
    let opts = job.opts;
    let preparer = writer.preparer();
    // Fixed-offset layouts: clean batches straight to columns, the rest as below.
    let direct = DirectPlan::new(layout, &opts, &plan);
    let make = || {
        let decoder =
            ValueDecoder::new(layout, opts).map_err(|e| Failure::usage(format!("error: {e}")))?;
        let builder = RecordBatchBuilder::new(plan.clone()).map_err(fail)?;
        Ok(Columns {
            decoder,
            builder,
            rv: RecordValues::default(),
            preparer: preparer.clone(),
            direct: direct.clone(),
        })
    };
    let ran = pipeline::run(
        reader,
        Policy {
            threads: job.threads,
            on_error: job.on_error,
            batch: size,
        },
        make,
        progress,
        &mut counts,
        |part: Option<Part>| match part {
            Some(p) => writer.write_part(p).map_err(fail),
            None => Ok(()),
        },
        |bad| pipeline::settle_bad(&mut quarantine, &mut tally, job.on_error, bad),
    );
    End {
        ran,
        counts,
        tally,
        quarantine,
    }
}

/// Decodes batches to Arrow record batches, encoded for the writer (one worker per
/// thread).
struct Columns<'l> {
    decoder: ValueDecoder<'l>,
    builder: RecordBatchBuilder,
    rv: RecordValues,
    preparer: Preparer,
    /// The direct path, when the layout has one ([`DirectPlan`]).
    direct: Option<DirectPlan>,
}

impl Work for Columns<'_> {
    type Out = Option<Part>;

    fn run(&mut self, batch: &Batch, on_error: OnError) -> Result<Done<Self::Out>, Failure> {
        if let Some(direct) = self.direct.as_ref().filter(|_| batch.len() > 0) {
            let records: Vec<&[u8]> = (0..batch.len()).map(|i| batch.record(i).0).collect();
            // `None`: some record is one the direct path is not sure of (it may be bad),
            // so the generic loop below decodes the batch and finds out.
            if let Some(part) = self.preparer.direct(direct, &records) {
                return Ok(Done {
                    out: Some(part.map_err(fail)?),
                    good: batch.len() as u64,
                    bad: Vec::new(),
                });
            }
        }
        let mut done = Done {
            out: None,
            good: 0,
            bad: Vec::new(),
        };
        let rv = &mut self.rv;
        for i in 0..batch.len() {
            let (record, number, offset) = batch.record(i);
            let (errors, whole) = match self.decoder.decode(record, FieldErrorMode::Null, rv) {
                Ok(()) if rv.field_errors.is_empty() => {
                    self.builder.append(rv, number).map_err(fail)?;
                    done.good += 1;
                    continue;
                }
                Ok(()) => (std::mem::take(&mut rv.field_errors), false),
                Err(e) => (vec![e], true),
            };
            if on_error == OnError::Null && !whole {
                self.builder.append(rv, number).map_err(fail)?;
            }
            done.bad.push(BadRecord {
                raw: record.to_vec(),
                offset,
                errors: errors.into_iter().map(|e| e.at_record(number)).collect(),
            });
            if on_error == OnError::Fail {
                break;
            }
        }
        if !self.builder.is_empty() {
            let batch = self.builder.finish().map_err(fail)?;
            done.out = Some(self.preparer.prepare(batch).map_err(fail)?);
        }
        Ok(done)
    }
}

fn fail(e: ferrule_arrow::ColumnarError) -> Failure {
    Failure::data(format!("error: {e}"))
}

/// The output file, or standard output (the Parquet writer wants a `Send` sink).
fn sink(path: &Option<PathBuf>) -> Result<Box<dyn Write + Send>, Failure> {
    Ok(match path {
        Some(p) if p.as_os_str() != "-" => {
            let f = File::create(p).map_err(|e| {
                Failure::usage(format!("error: cannot create {}: {e}", p.display()))
            })?;
            Box::new(BufWriter::with_capacity(1 << 16, f))
        }
        _ => Box::new(BufWriter::with_capacity(1 << 16, std::io::stdout())),
    })
}

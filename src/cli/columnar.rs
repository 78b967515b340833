//! `ferrule decode --to parquet|arrow|csv`: records to columns through `ferrule-arrow`,
//! with decode's framing, `--on-error` policy, quarantine and summary.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ferrule_arrow::{ColumnPlan, Format, PlanOptions, RecordBatch, RecordBatchBuilder, Writer};
use ferrule_parsers::framing::{Framing, MeasuredError, RecordReader};
use ferrule_parsers::json::{CodecOptions, FieldErrorMode, RecordError};
use ferrule_parsers::layout::Layout;
use ferrule_parsers::values::{RecordValues, ValueDecoder};

use super::args::RecordLayoutArgs;
use super::convert::{open_input, OnError};
use super::pipeline::{self, BadRecord, Batch, Counts, Done, Policy, Progress, Work};
use super::quarantine::{Quarantine, Tally};
use super::{CodecArgs, Failure};

/// Rows per Arrow batch (and per Parquet row-group write).
const BATCH_ROWS: usize = 8192;

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
        Ok(())
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
    let layout = job.layout.load(job.codec.dialect.dialect())?;
    let opts = job.opts;
    let flatten = args.flatten || format == Format::Csv;
    let mut decoder =
        ValueDecoder::new(&layout, opts).map_err(|e| Failure::usage(format!("error: {e}")))?;
    let plan = ColumnPlan::from_shape(decoder.shape(), &opts, PlanOptions { flatten })
        .map_err(|e| Failure::usage(format!("error: {e}")))?;
    let schema = plan.schema.clone();
    let mut builder = RecordBatchBuilder::new(plan).map_err(fail)?;
    let mut writer = match &args.out {
        Some(dir) => Writer::to_dir(format, schema, dir, args.rows_per_file.unwrap_or(0))
            .map_err(|e| Failure::usage(format!("error: {e}")))?,
        None => Writer::to_stream(format, schema, sink(&job.output)?),
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
    if !measured {
        let plan = builder.plan().clone();
        return decode_batches(&job, &layout, plan, framing, writer);
    }
    let (input, _) = open_input(&job.input)?;
    let mut reader = RecordReader::new(input, framing);
    let mut quarantine = Quarantine::open(job.quarantine.as_deref(), framing)?;
    let mut tally = Tally::new(job.on_error == OnError::Null);
    let mut rv = RecordValues::default();
    let max_len = layout.max_len();
    let mut run = || -> Result<(), Failure> {
        loop {
            let mut outcome: Option<Result<(), RecordError>> = None;
            let next = if measured {
                reader
                    .next_measured(max_len, |bytes| {
                        decoder.decode(bytes, FieldErrorMode::Null, &mut rv)?;
                        outcome = Some(Ok(()));
                        Ok::<usize, RecordError>(rv.consumed)
                    })
                    .map_err(|e| match e {
                        MeasuredError::Measure { record, source, .. } => format!(
                            "{} (the next record's start is unknown, so decoding stops)",
                            source.at_record(record)
                        ),
                        other => other.to_string(),
                    })
            } else {
                reader.next_record().map_err(|e| e.to_string())
            };
            let record = match next {
                Ok(Some(r)) => r,
                Ok(None) => return Ok(()),
                Err(e) => return Err(Failure::data(format!("error: {e}"))),
            };
            let result = match outcome.take() {
                Some(r) => r,
                None => decoder.decode(record, FieldErrorMode::Null, &mut rv),
            };
            // Only bad records are copied, so that the reader can be asked where they were.
            let raw = match &result {
                Ok(()) if rv.field_errors.is_empty() => Vec::new(),
                _ => record.to_vec(),
            };
            let number = reader.record_number();
            let (errors, whole) = match result {
                Ok(()) if rv.field_errors.is_empty() => {
                    builder.append(&rv, number).map_err(fail)?;
                    tally.good += 1;
                    flush(&mut builder, &mut writer, BATCH_ROWS)?;
                    continue;
                }
                Ok(()) => (std::mem::take(&mut rv.field_errors), false),
                Err(e) => (vec![e], true),
            };
            let errors: Vec<RecordError> =
                errors.into_iter().map(|e| e.at_record(number)).collect();
            quarantine.record(&raw, reader.record_offset(), &errors)?;
            if job.on_error == OnError::Fail {
                let first = errors.first().map(ToString::to_string).unwrap_or_default();
                return Err(Failure::data(format!("error: {first}")));
            }
            if job.on_error == OnError::Null && !whole {
                builder.append(&rv, number).map_err(fail)?;
            }
            tally.bad(&errors);
            flush(&mut builder, &mut writer, BATCH_ROWS)?;
        }
    };
    let ran = run();
    // The records decoded before a stop are still written, as JSON Lines output does.
    let written = flush(&mut builder, &mut writer, 1)
        .and_then(|()| writer.finish().map(|_| ()).map_err(fail));
    let finished = quarantine.finish();
    tally.summary("decoded", job.quarantine.as_deref());
    ran?;
    written?;
    finished
}

/// Decodes batches of records on every core ([`pipeline`]), each worker building Arrow
/// batches of its own; the writer writes them in input order.
fn decode_batches(
    job: &Job<'_>,
    layout: &Layout,
    plan: ColumnPlan,
    framing: Framing,
    mut writer: Writer,
) -> Result<(), Failure> {
    let (input, total) = pipeline::open_input(&job.input)?;
    let reader = RecordReader::new(input, framing);
    let mut quarantine = Quarantine::open(job.quarantine.as_deref(), framing)?;
    let mut tally = Tally::new(job.on_error == OnError::Null);
    let progress = Progress::new(total, job.no_progress);
    let mut counts = Counts::default();
    let opts = job.opts;
    let make = || {
        let decoder =
            ValueDecoder::new(layout, opts).map_err(|e| Failure::usage(format!("error: {e}")))?;
        let builder = RecordBatchBuilder::new(plan.clone()).map_err(fail)?;
        Ok(Columns {
            decoder,
            builder,
            rv: RecordValues::default(),
        })
    };
    let ran = pipeline::run(
        reader,
        Policy {
            threads: job.threads,
            on_error: job.on_error,
        },
        make,
        &progress,
        &mut counts,
        |batch: Option<RecordBatch>| match batch {
            Some(b) => writer.write(&b).map_err(fail),
            None => Ok(()),
        },
        |bad| pipeline::settle_bad(&mut quarantine, &mut tally, job.on_error, bad),
    );
    progress.finish();
    // The records decoded before a stop are still written, as JSON Lines output does.
    let written = writer.finish().map(|_| ()).map_err(fail);
    let finished = quarantine.finish();
    tally.good = counts.records - counts.bad;
    tally.summary("decoded", job.quarantine.as_deref());
    eprintln!(
        "{}",
        counts.summary_line(job.quarantine.is_some(), progress.seconds())
    );
    ran?;
    written?;
    finished
}

/// Decodes batches to Arrow record batches (one worker per thread).
struct Columns<'l> {
    decoder: ValueDecoder<'l>,
    builder: RecordBatchBuilder,
    rv: RecordValues,
}

impl Work for Columns<'_> {
    type Out = Option<RecordBatch>;

    fn run(&mut self, batch: &Batch, on_error: OnError) -> Result<Done<Self::Out>, Failure> {
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
            done.out = Some(self.builder.finish().map_err(fail)?);
        }
        Ok(done)
    }
}

/// Writes the rows built so far once there are at least `min` of them.
fn flush(builder: &mut RecordBatchBuilder, writer: &mut Writer, min: usize) -> Result<(), Failure> {
    if builder.len() >= min {
        let batch = builder.finish().map_err(fail)?;
        writer.write(&batch).map_err(fail)?;
    }
    Ok(())
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

//! `ferrule decode` and `ferrule encode`: streaming, constant memory, files or stdin/stdout.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use ferrule_parsers::framing::{Framing, MeasuredError, RecordReader, RecordWriter};
use ferrule_parsers::json::{
    CodecOptions, Decoded, Decoder, Encoder, FieldErrorMode, RecordError, RecordErrorKind, View,
};
use ferrule_parsers::layout::Layout;

use super::args::{select_help, JsonOutArgs, RecordLayoutArgs};
use super::odo_hint;
use super::pipeline::{self, BadRecord, Batch, BatchSize, Counts, Done, Policy, Progress};
use super::quarantine::{Quarantine, Tally};
use super::segmented::{self, SegmentArgs};
use super::{CodecArgs, Failure};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum OnError {
    /// Stop at the first bad record, exit 1.
    Fail,
    /// Drop bad records, count and report them.
    Skip,
    /// Keep bad records with each bad field as null, report every field.
    Null,
}

/// Encode's choices: a JSON line that cannot be encoded has no record to keep with nulls.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum EncodeOnError {
    /// Stop at the first bad line, exit 1.
    Fail,
    /// Drop bad lines, count and report them.
    Skip,
}

#[derive(Args, Debug)]
#[command(mut_arg("select", |a| a.help(select_help::DECODE)))]
pub struct DecodeArgs {
    #[command(flatten)]
    layout: RecordLayoutArgs,
    #[command(flatten)]
    codec: CodecArgs,
    #[command(flatten)]
    json: JsonOutArgs,
    #[command(flatten)]
    segments: SegmentArgs,
    /// What to do with a record whose bytes are invalid.
    #[arg(long, value_enum, default_value = "fail")]
    on_error: OnError,
    /// Write each bad record's raw bytes (in the input's framing) to FILE and its error
    /// reports to FILE.errors.jsonl, so nothing is lost whatever --on-error says.
    #[arg(long, value_name = "FILE")]
    quarantine: Option<PathBuf>,
    /// Output file (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Never show a progress bar (it shows only when stderr is a terminal).
    #[arg(long)]
    no_progress: bool,
    /// Decode on N threads (default: every core); the output is the same, in input
    /// order. Fixed-framed OCCURS DEPENDING ON files are read on one.
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Leave out the trailing empty occurrences of fixed OCCURS tables (all spaces or
    /// low-values, or blank text and zeros), as gateway routes do by default.
    #[arg(long)]
    drop_empty_occurs: bool,
    /// Input file of records; `-` or nothing reads standard input.
    input: Option<PathBuf>,
    #[command(flatten)]
    columnar: super::columnar::ColumnarArgs,
}

#[derive(Args, Debug)]
#[command(mut_arg("select", |a| a.help(select_help::ENCODE)))]
pub struct EncodeArgs {
    #[command(flatten)]
    layout: RecordLayoutArgs,
    #[command(flatten)]
    codec: CodecArgs,
    #[command(flatten)]
    segments: SegmentArgs,
    /// What to do with a JSON line that cannot be encoded.
    #[arg(long, value_enum, default_value = "fail")]
    on_error: EncodeOnError,
    /// Write each bad JSON line to FILE and its error report to FILE.errors.jsonl.
    #[arg(long, value_name = "FILE")]
    quarantine: Option<PathBuf>,
    /// With a variable-length framing, end a record whose last present field is text after
    /// that text's last non-space byte (segmented records whose last field was cut short).
    #[arg(long)]
    trim_trailing: bool,
    /// Output file (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Input file of JSON Lines; `-` or nothing reads standard input.
    input: Option<PathBuf>,
}

pub(super) fn open_input(path: &Option<PathBuf>) -> Result<(Box<dyn Read>, Option<u64>), Failure> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            let f = File::open(p)
                .map_err(|e| Failure::usage(format!("error: cannot open {}: {e}", p.display())))?;
            let len = f.metadata().ok().map(|m| m.len());
            Ok((Box::new(f), len))
        }
        _ => Ok((Box::new(io::stdin().lock()), None)),
    }
}

pub(super) fn open_output(path: &Option<PathBuf>) -> Result<Box<dyn Write>, Failure> {
    match path {
        Some(p) if p.as_os_str() != "-" => {
            let f = File::create(p).map_err(|e| {
                Failure::usage(format!("error: cannot create {}: {e}", p.display()))
            })?;
            Ok(Box::new(BufWriter::with_capacity(1 << 16, f)))
        }
        _ => Ok(Box::new(BufWriter::with_capacity(
            1 << 16,
            io::stdout().lock(),
        ))),
    }
}

/// The framing named on the command line, with the layout's record length for `fixed`.
fn framing_for(name: &str, layout: &Layout, variable: bool) -> Result<Framing, Failure> {
    let f = Framing::parse(name).map_err(|e| Failure::usage(format!("error: {e}")))?;
    Ok(match f {
        Framing::Fixed { .. } => Framing::Fixed {
            len: if variable { 0 } else { layout.max_len() },
        },
        other => other,
    })
}

fn progress_bar(total: Option<u64>, off: bool) -> Option<indicatif::ProgressBar> {
    let total = total.filter(|_| !off && io::stderr().is_terminal())?;
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    Some(bar)
}

pub fn decode(args: DecodeArgs) -> Result<(), Failure> {
    args.columnar.check_jsonl()?;
    let threads = pipeline::threads(args.threads)?;
    if args.columnar.wanted() {
        if args.segments.segment.is_some() || args.drop_empty_occurs {
            return Err(Failure::usage(
                "error: --segment and --drop-empty-occurs are for JSON Lines output only",
            ));
        }
        let mut opts = args.codec.codec_options()?;
        args.json.apply(&mut opts);
        let job = super::columnar::Job {
            layout: &args.layout,
            codec: &args.codec,
            opts,
            on_error: args.on_error,
            quarantine: args.quarantine,
            output: args.output,
            input: args.input,
            threads,
            no_progress: args.no_progress,
        };
        return super::columnar::decode(&args.columnar, job);
    }
    if let Some(map) = args
        .segments
        .load(&args.layout, args.codec.dialect.dialect())?
    {
        let mut opts = args.codec.codec_options()?;
        args.json.apply(&mut opts);
        return segmented::decode(segmented::DecodeJob {
            map,
            codec: &args.codec,
            opts,
            on_error: args.on_error,
            quarantine: args.quarantine,
            output: args.output,
            input: args.input,
        });
    }
    let layout = args.layout.load(args.codec.dialect.dialect())?;
    let mut opts = args.codec.codec_options()?;
    args.json.apply(&mut opts);
    // A fixed-framed file of OCCURS DEPENDING ON records: each record is as long as its counter says.
    let measured = layout.has_odo() && !opts.odo_stored_max;
    let framing = framing_for(&args.codec.framing, &layout, measured)?;
    let measured = measured && matches!(framing, Framing::Fixed { .. });
    let view = View::trimming(args.drop_empty_occurs);
    let mut decoder = Decoder::with_view(&layout, opts, &view)
        .map_err(|e| Failure::usage(format!("error: {e}")))?;
    if !measured {
        let job = Lines {
            layout: &layout,
            opts,
            view: &view,
            framing,
            threads,
        };
        return decode_lines(&args, job);
    }
    let (input, total) = open_input(&args.input)?;
    let mut reader = RecordReader::new(input, framing);
    let mut out = open_output(&args.output)?;
    let quarantine = Quarantine::open(args.quarantine.as_deref(), framing)?;
    let mut sink = Sink::new(quarantine, args.on_error);
    let bar = progress_bar(total, args.no_progress);
    let max_len = layout.max_len();
    // The first bytes of a measured file, to suggest another reading if a counter fails.
    let mut seen = odo_hint::Seen::default();
    // Whatever stops the loop (the end, a bad record under `fail`, a framing error, an
    // I/O error), the records decoded before it are still in `sink`: written below.
    let mut run = || -> Result<(), Failure> {
        loop {
            // Field errors come back as nulls plus reports; the policy is applied below.
            let mut outcome = None;
            let next = if measured {
                let mut window = None;
                reader
                    .next_measured(max_len, |bytes| {
                        // Without a valid counter the next record's start is unknown: fatal.
                        let d = match decoder.decode(bytes, &mut sink.buf, FieldErrorMode::Null) {
                            Ok(d) => d,
                            Err(e) => {
                                window = Some(bytes.to_vec());
                                return Err(e);
                            }
                        };
                        let consumed = d.consumed;
                        seen.push(bytes.get(..consumed).unwrap_or_default());
                        outcome = Some(Ok(d));
                        Ok::<usize, RecordError>(consumed)
                    })
                    .map_err(|e| match e {
                        MeasuredError::Measure {
                            record,
                            offset,
                            source,
                        } => {
                            let source = source.at_record(record);
                            let bytes = window.take().unwrap_or_default();
                            // Reported (and kept raw) before stopping: the bytes from the record's
                            // start, as many as its longest form could take.
                            if let Err(q) =
                                sink.quarantine.record(
                                    &bytes,
                                    offset,
                                    std::slice::from_ref(&source),
                                )
                            {
                                return q.message;
                            }
                            seen.push(&bytes);
                            let mut text = format!(
                                "{source} (the next record's start is unknown: fixed framing reads OCCURS DEPENDING ON records at their actual length, so decoding stops)"
                            );
                            if let Some(h) = odo_hint::hint(&layout, opts, &seen) {
                                text.push('\n');
                                text.push_str(&h);
                            }
                            text
                        }
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
            let mark = sink.buf.len();
            let result = match outcome.take() {
                Some(r) => r,
                None => decoder.decode(record, &mut sink.buf, FieldErrorMode::Null),
            };
            if let Some(bad) = sink.settle(result, record, mark) {
                sink.bad(bad, reader.record_number(), reader.record_offset())?;
            }
            sink.flush_if_large(&mut out, &bar, reader.bytes_read())?;
        }
    };
    let ran = run();
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    sink.finish(ran, out, args.quarantine.as_deref())
}

/// A JSON Lines decode of records the framing cuts (everything but fixed-framed ODO).
struct Lines<'a> {
    layout: &'a Layout,
    opts: CodecOptions,
    view: &'a View,
    framing: Framing,
    threads: usize,
}

/// Decodes batches of records on every core ([`pipeline`]), writing JSON Lines in
/// input order.
fn decode_lines(args: &DecodeArgs, job: Lines<'_>) -> Result<(), Failure> {
    let (input, total) = pipeline::open_input(&args.input)?;
    let reader = RecordReader::new(input, job.framing);
    let mut out = open_output(&args.output)?;
    let mut quarantine = Quarantine::open(args.quarantine.as_deref(), job.framing)?;
    let mut tally = Tally::new(args.on_error == OnError::Null);
    let progress = Progress::new(total, args.no_progress);
    let mut counts = Counts::default();
    let make = || {
        Decoder::with_view(job.layout, job.opts, job.view)
            .map(|decoder| JsonLines { decoder, room: 0 })
            .map_err(|e| Failure::usage(format!("error: {e}")))
    };
    let ran = pipeline::run(
        reader,
        Policy {
            threads: job.threads,
            on_error: args.on_error,
            batch: BatchSize::default(),
        },
        make,
        &progress,
        &mut counts,
        |buf: Vec<u8>| Ok(out.write_all(&buf)?),
        |bad| pipeline::settle_bad(&mut quarantine, &mut tally, args.on_error, bad),
    );
    pipeline::finish_run(
        &progress,
        &counts,
        tally,
        (quarantine, args.quarantine.as_deref()),
        ran,
        || Ok(out.flush()?),
    )
}

/// Decodes batches to JSON Lines text (one worker per thread).
struct JsonLines<'l> {
    decoder: Decoder<'l>,
    /// Output bytes to make room for: what the largest batch so far took, and a bit.
    room: usize,
}

impl pipeline::Work for JsonLines<'_> {
    type Out = Vec<u8>;

    fn run(&mut self, batch: &Batch, on_error: OnError) -> Result<Done<Vec<u8>>, Failure> {
        // As large as the largest batch so far needed (JSON is a few times the record
        // bytes), so that the buffer is not copied as it grows.
        let mut buf = Vec::with_capacity(self.room.max(3 * batch.data_len()));
        let mut done = Done {
            out: Vec::new(),
            good: 0,
            bad: Vec::new(),
        };
        for i in 0..batch.len() {
            let (record, number, offset) = batch.record(i);
            let mark = buf.len();
            let (errors, whole) = match self.decoder.decode(record, &mut buf, FieldErrorMode::Null)
            {
                Ok(d) if d.field_errors.is_empty() => {
                    buf.push(b'\n');
                    done.good += 1;
                    continue;
                }
                Ok(d) => (d.field_errors, false),
                Err(e) => (vec![e], true),
            };
            // Kept with nulls, or taken back (dropped, or the run stops before it).
            if on_error == OnError::Null && !whole {
                buf.push(b'\n');
            } else {
                buf.truncate(mark);
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
        self.room = self.room.max(buf.len() + buf.len() / 8);
        done.out = buf;
        Ok(done)
    }
}

/// Where decoded records go, and what happens to bad ones: shared by the one-layout and
/// the multi-layout (`segmented`) decode loops.
pub(super) struct Sink {
    /// JSON Lines not yet written out.
    pub buf: Vec<u8>,
    pub quarantine: Quarantine,
    tally: Tally,
    on_error: OnError,
}

/// A record that decoded with errors: its bytes, the errors, where its JSON began in
/// the buffer, and whether the decoder gave up on the whole record (its output was
/// taken back) rather than writing nulls.
pub(super) struct Bad {
    raw: Vec<u8>,
    errors: Vec<RecordError>,
    mark: usize,
    whole: bool,
}

impl Sink {
    pub fn new(quarantine: Quarantine, on_error: OnError) -> Sink {
        Sink {
            buf: Vec::with_capacity(1 << 17),
            quarantine,
            tally: Tally::new(on_error == OnError::Null),
            on_error,
        }
    }

    /// Ends a record that decoded cleanly (its JSON in `buf` from `mark`) with its
    /// newline; hands a bad one back for [`Self::bad`], with a copy of its bytes (only
    /// bad records are copied, so that the reader can then be asked where they were).
    pub fn settle(
        &mut self,
        result: Result<Decoded, RecordError>,
        record: &[u8],
        mark: usize,
    ) -> Option<Bad> {
        let (errors, whole) = match result {
            Ok(d) if d.field_errors.is_empty() => {
                self.buf.push(b'\n');
                self.tally.good += 1;
                return None;
            }
            Ok(d) => (d.field_errors, false),
            Err(e) => (vec![e], true),
        };
        Some(Bad {
            raw: record.to_vec(),
            errors,
            mark,
            whole,
        })
    }

    /// Ends a bad record (record `number` at byte `offset` of the input) as
    /// `--on-error` says: quarantined, then kept with nulls, dropped, or the run stops
    /// with its first error.
    pub fn bad(&mut self, bad: Bad, number: u64, offset: u64) -> Result<(), Failure> {
        let errors: Vec<RecordError> = bad
            .errors
            .into_iter()
            .map(|e| e.at_record(number))
            .collect();
        self.quarantine.record(&bad.raw, offset, &errors)?;
        if self.on_error == OnError::Null && !bad.whole {
            self.buf.push(b'\n');
        } else {
            self.buf.truncate(bad.mark);
        }
        if self.on_error == OnError::Fail {
            let first = errors.first().map(ToString::to_string).unwrap_or_default();
            return Err(Failure::data(format!("error: {first}")));
        }
        self.tally.bad(&errors);
        Ok(())
    }

    /// Writes out the JSON gathered so far once it is large, and moves the progress bar.
    pub fn flush_if_large(
        &mut self,
        out: &mut dyn Write,
        bar: &Option<indicatif::ProgressBar>,
        position: u64,
    ) -> Result<(), Failure> {
        if self.buf.len() >= 1 << 16 {
            out.write_all(&self.buf)?;
            self.buf.clear();
            if let Some(b) = bar {
                b.set_position(position);
            }
        }
        Ok(())
    }

    /// Whatever stopped the decode loop (`ran`: the end, a bad record under `fail`, a
    /// framing or I/O error), the records decoded before it are written and the
    /// quarantine closed; then the first failure is the outcome.
    pub fn finish(
        self,
        ran: Result<(), Failure>,
        mut out: Box<dyn Write>,
        quarantine_path: Option<&Path>,
    ) -> Result<(), Failure> {
        let written = out.write_all(&self.buf).and_then(|()| out.flush());
        let finished = self.quarantine.finish();
        self.tally.summary("decoded", quarantine_path);
        ran?;
        written?;
        finished
    }
}

pub fn encode(args: EncodeArgs) -> Result<(), Failure> {
    let opts = args.codec.codec_options()?;
    if let Some(map) = args
        .segments
        .load(&args.layout, args.codec.dialect.dialect())?
    {
        return segmented::encode(segmented::EncodeJob {
            map,
            codec: &args.codec,
            opts,
            on_error: args.on_error,
            trim_trailing: args.trim_trailing,
            quarantine: args.quarantine,
            output: args.output,
            input: args.input,
        });
    }
    let layout = args.layout.load(args.codec.dialect.dialect())?;
    let variable = layout.has_odo() && !opts.odo_stored_max;
    let framing = framing_for(&args.codec.framing, &layout, variable)?;
    // Variable-length framings keep short records short, as the decoder reads them.
    let trim = !matches!(framing, Framing::Fixed { .. });
    if args.trim_trailing && !trim {
        return Err(Failure::usage(
            "error: --trim-trailing needs a variable-length --framing (rdw, len2, ...): fixed records have one length",
        ));
    }
    let mut encoder =
        Encoder::new(&layout, opts).map_err(|e| Failure::usage(format!("error: {e}")))?;
    encoder.set_trim_trailing(args.trim_trailing);
    let (input, output) = (&args.input, &args.output);
    let quarantine = args.quarantine.as_deref();
    encode_lines(
        input,
        output,
        framing,
        quarantine,
        args.on_error,
        |v, rec| encoder.encode(v, rec, trim),
    )
}

/// The encode loop of one-layout and multi-layout files alike: each non-blank JSON line
/// is parsed and handed to `encode` to build its record, which is written in `framing`;
/// a bad line is quarantined, then skipped or the run stops, as `on_error` says.
pub(super) fn encode_lines(
    input: &Option<PathBuf>,
    output: &Option<PathBuf>,
    framing: Framing,
    quarantine_path: Option<&Path>,
    on_error: EncodeOnError,
    mut encode: impl FnMut(&serde_json::Value, &mut Vec<u8>) -> Result<(), RecordError>,
) -> Result<(), Failure> {
    let (input, _) = open_input(input)?;
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut writer = RecordWriter::new(open_output(output)?, framing);
    let mut quarantine = Quarantine::open_lines(quarantine_path)?;
    let mut tally = Tally::new(false);
    let mut line = Vec::with_capacity(4096);
    let mut rec = Vec::with_capacity(4096);
    let mut number = 0u64;
    let mut offset = 0u64;
    // Whatever stops the loop, the records encoded before it are written (an open BDW
    // block included) by `finish` below.
    let mut run = || -> Result<(), Failure> {
        loop {
            line.clear();
            let n = input.read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok(());
            }
            let line_offset = offset;
            offset += n as u64;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            number += 1;
            rec.clear();
            let result = serde_json::from_slice::<serde_json::Value>(&line)
                .map_err(|e| RecordError {
                    record: 0,
                    path: String::new(),
                    offset: e.column().saturating_sub(1),
                    bytes: Vec::new(),
                    kind: RecordErrorKind::Json(e.to_string()),
                })
                .and_then(|v| encode(&v, &mut rec));
            match result {
                Ok(()) => {
                    writer
                        .write_record(&rec)
                        .map_err(|e| Failure::data(format!("error: record {number}: {e}")))?;
                    tally.good += 1;
                }
                Err(e) => {
                    let e = e.at_record(number);
                    quarantine.record(&line, line_offset, std::slice::from_ref(&e))?;
                    if on_error == EncodeOnError::Fail {
                        return Err(Failure::data(format!("error: {e}")));
                    }
                    tally.bad(std::slice::from_ref(&e));
                }
            }
        }
    };
    let ran = run();
    let written = writer
        .finish()
        .map_err(|e| Failure::data(format!("error: {e}")))
        .and_then(|mut out| Ok(out.flush()?));
    let finished = quarantine.finish();
    tally.summary("encoded", quarantine_path);
    ran?;
    written?;
    finished
}

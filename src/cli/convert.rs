//! `ferrule decode` and `ferrule encode`: streaming, constant memory, files or stdin/stdout.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ferrule_parsers::framing::{Framing, MeasuredError, RecordReader, RecordWriter};
use ferrule_parsers::json::{Decoder, Encoder, FieldErrorMode, RecordError, RecordErrorKind};
use ferrule_parsers::layout::Layout;

use super::quarantine::{Quarantine, Tally};
use super::{CodecArgs, Failure, LayoutArgs};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq)]
pub enum OnError {
    /// Stop at the first bad record, exit 1.
    Fail,
    /// Drop bad records, count and report them.
    Skip,
    /// Keep bad records with each bad field as null, report every field (decode only).
    Null,
}

#[derive(Args, Debug)]
pub struct DecodeArgs {
    #[command(flatten)]
    layout: LayoutArgs,
    #[command(flatten)]
    codec: CodecArgs,
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
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Input file of records; `-` or nothing reads standard input.
    input: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct EncodeArgs {
    #[command(flatten)]
    layout: LayoutArgs,
    #[command(flatten)]
    codec: CodecArgs,
    /// What to do with a JSON line that cannot be encoded (fail or skip).
    #[arg(long, value_enum, default_value = "fail")]
    on_error: OnError,
    /// Write each bad JSON line to FILE and its error report to FILE.errors.jsonl.
    #[arg(long, value_name = "FILE")]
    quarantine: Option<PathBuf>,
    /// Output file (default: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Input file of JSON Lines; `-` or nothing reads standard input.
    input: Option<PathBuf>,
}

fn open_input(path: &Option<PathBuf>) -> Result<(Box<dyn Read>, Option<u64>), Failure> {
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

fn open_output(path: &Option<PathBuf>) -> Result<Box<dyn Write>, Failure> {
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
    let layout = args.layout.load()?;
    let opts = args.codec.codec_options()?;
    // A fixed-framed file of OCCURS DEPENDING ON records: each record is as long as its counter says.
    let measured = layout.has_odo() && !opts.odo_stored_max;
    let framing = framing_for(&args.codec.framing, &layout, measured)?;
    let measured = measured && matches!(framing, Framing::Fixed { .. });
    let mut decoder =
        Decoder::new(&layout, opts).map_err(|e| Failure::usage(format!("error: {e}")))?;
    let (input, total) = open_input(&args.input)?;
    let mut reader = RecordReader::new(input, framing);
    let mut out = open_output(&args.output)?;
    let mut quarantine = Quarantine::open(args.quarantine.as_deref(), framing)?;
    let mut tally = Tally::new(args.on_error == OnError::Null);
    let bar = progress_bar(total, args.no_progress);
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let max_len = layout.max_len();
    loop {
        // Field errors come back as nulls plus reports; the policy is applied below.
        let mut outcome = None;
        let next = if measured {
            reader
                .next_measured(max_len, |bytes| {
                    // Without a valid counter the next record's start is unknown: fatal.
                    let d = decoder.decode(bytes, &mut buf, FieldErrorMode::Null)?;
                    let consumed = d.consumed;
                    outcome = Some(Ok(d));
                    Ok::<usize, RecordError>(consumed)
                })
                .map_err(|e| match e {
                    MeasuredError::Measure { record, source, .. } => {
                        format!(
                            "{} (the next record's start is unknown, so decoding stops)",
                            source.at_record(record)
                        )
                    }
                    other => other.to_string(),
                })
        } else {
            reader.next_record().map_err(|e| e.to_string())
        };
        let record = match next {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                out.flush()?;
                return Err(Failure::data(format!("error: {e}")));
            }
        };
        let mark = buf.len();
        let result = match outcome.take() {
            Some(r) => r,
            None => decoder.decode(record, &mut buf, FieldErrorMode::Null),
        };
        let errors = match result {
            Ok(d) if d.field_errors.is_empty() => {
                buf.push(b'\n');
                tally.good += 1;
                continue_flush(&mut out, &mut buf, &bar, reader.bytes_read())?;
                continue;
            }
            Ok(d) => d.field_errors,
            Err(e) => vec![e],
        };
        // Only bad records are copied, so that the reader can be asked where they were.
        let raw = record.to_vec();
        let number = reader.record_number();
        let errors: Vec<RecordError> = errors.into_iter().map(|e| e.at_record(number)).collect();
        quarantine.record(&raw, reader.record_offset(), &errors)?;
        let keep = args.on_error == OnError::Null && errors.iter().all(|e| !is_record_level(e));
        if keep {
            buf.push(b'\n');
        } else {
            buf.truncate(mark);
        }
        if args.on_error == OnError::Fail {
            out.write_all(&buf)?;
            out.flush()?;
            quarantine.finish()?;
            return Err(Failure::data(format!("error: {}", errors[0])));
        }
        tally.bad(&errors);
        continue_flush(&mut out, &mut buf, &bar, reader.bytes_read())?;
    }
    out.write_all(&buf)?;
    out.flush()?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    quarantine.finish()?;
    tally.summary("decoded", args.quarantine.as_deref());
    Ok(())
}

/// Writes out the JSON gathered so far once it is large, and moves the progress bar.
fn continue_flush(
    out: &mut dyn Write,
    buf: &mut Vec<u8>,
    bar: &Option<indicatif::ProgressBar>,
    position: u64,
) -> Result<(), Failure> {
    if buf.len() >= 1 << 16 {
        out.write_all(buf)?;
        buf.clear();
        if let Some(b) = bar {
            b.set_position(position);
        }
    }
    Ok(())
}

/// Errors about the record as a whole (its length, its ODO count): no field to null out.
fn is_record_level(e: &RecordError) -> bool {
    matches!(
        e.kind,
        RecordErrorKind::OdoRange { .. }
            | RecordErrorKind::OdoCounterUnread(_)
            | RecordErrorKind::CutShort { .. }
    ) && e.path.is_empty()
}

pub fn encode(args: EncodeArgs) -> Result<(), Failure> {
    if args.on_error == OnError::Null {
        return Err(Failure::usage(
            "error: encode takes --on-error fail or skip",
        ));
    }
    let layout = args.layout.load()?;
    let opts = args.codec.codec_options()?;
    let variable = layout.has_odo() && !opts.odo_stored_max;
    let framing = framing_for(&args.codec.framing, &layout, variable)?;
    // Variable-length framings keep short records short, as the decoder reads them.
    let trim = !matches!(framing, Framing::Fixed { .. });
    let mut encoder =
        Encoder::new(&layout, opts).map_err(|e| Failure::usage(format!("error: {e}")))?;
    let (input, _) = open_input(&args.input)?;
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut writer = RecordWriter::new(open_output(&args.output)?, framing);
    let mut quarantine = Quarantine::open_lines(args.quarantine.as_deref())?;
    let mut tally = Tally::new(false);
    let mut line = Vec::with_capacity(4096);
    let mut rec = Vec::with_capacity(layout.max_len());
    let mut number = 0u64;
    let mut offset = 0u64;
    loop {
        line.clear();
        let n = input.read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
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
            .and_then(|v| encoder.encode(&v, &mut rec, trim));
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
                if args.on_error == OnError::Skip {
                    tally.bad(std::slice::from_ref(&e));
                } else {
                    writer
                        .finish()
                        .map_err(|e| Failure::data(format!("error: {e}")))?;
                    quarantine.finish()?;
                    return Err(Failure::data(format!("error: {e}")));
                }
            }
        }
    }
    let mut out = writer
        .finish()
        .map_err(|e| Failure::data(format!("error: {e}")))?;
    out.flush()?;
    quarantine.finish()?;
    tally.summary("encoded", args.quarantine.as_deref());
    Ok(())
}

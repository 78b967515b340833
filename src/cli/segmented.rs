//! `decode` / `encode` of multi-layout files: several 01 records in one file, each
//! record's layout chosen by a field's value (`--segment FIELD --record-map
//! C=FIRM-REC,P=PERSON-REC`). How the field is found and compared is
//! [`ferrule_parsers::json::SegmentMap`]'s to say; this module runs the file through it.
//!
//! With `--framing fixed` every record is as long as the longest layout (a `RECFM=FB`
//! file holds one record length; shorter record types are padded): decode reads each
//! record's own fields from its start, encode pads shorter records with code-page spaces.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use clap::Args;
use ferrule_parsers::dialect::Dialect;
use ferrule_parsers::framing::{Framing, RecordReader, RecordWriter};
use ferrule_parsers::json::{
    CodecOptions, Decoder, Encoder, FieldErrorMode, RecordError, RecordErrorKind, SegmentMap,
};

use super::args::RecordLayoutArgs;
use super::convert::{open_input, open_output, EncodeOnError, OnError};
use super::quarantine::{Quarantine, Tally};
use super::{CodecArgs, Failure};

/// Multi-layout files.
#[derive(Args, Debug, Default)]
pub struct SegmentArgs {
    /// The field whose value chooses each record's layout (looked up in the first record
    /// of --record-map, at its offset there); needs --record-map.
    #[arg(long, value_name = "FIELD", requires = "record_map")]
    pub segment: Option<String>,
    /// Which 01 record each value of the --segment field means: `C=FIRM-REC,P=PERSON-REC`.
    #[arg(long, value_name = "VALUE=RECORD,...", requires = "segment")]
    pub record_map: Option<String>,
}

impl SegmentArgs {
    /// The segment map, when `--segment` is given.
    pub fn load(
        &self,
        layout: &RecordLayoutArgs,
        dialect: Dialect,
    ) -> Result<Option<SegmentMap>, Failure> {
        let (Some(field), Some(map)) = (&self.segment, &self.record_map) else {
            return Ok(None);
        };
        if layout.record.is_some() {
            return Err(Failure::usage(
                "error: --record picks one record; with --segment the records are named in --record-map",
            ));
        }
        let mut records = Vec::new();
        for pair in map.split(',').filter(|p| !p.trim().is_empty()) {
            let (value, record) = pair.split_once('=').ok_or_else(|| {
                Failure::usage(format!(
                    "error: --record-map `{pair}`: expected VALUE=RECORD (e.g. C=FIRM-REC)"
                ))
            })?;
            let one = RecordLayoutArgs {
                record: Some(record.trim().to_string()),
                ..layout.clone()
            };
            records.push((value.trim().to_string(), one.load(dialect)?));
        }
        SegmentMap::new(records, field)
            .map(Some)
            .map_err(|e| Failure::usage(format!("error: --segment {field}: {e}")))
    }
}

/// The framing for all layouts of the map (fixed: the longest record).
fn framing(codec: &CodecArgs, map: &SegmentMap, opts: CodecOptions) -> Result<Framing, Failure> {
    let f = Framing::parse(&codec.framing).map_err(|e| Failure::usage(format!("error: {e}")))?;
    let Framing::Fixed { .. } = f else {
        return Ok(f);
    };
    if !opts.odo_stored_max && map.layouts().iter().any(|l| l.has_odo()) {
        return Err(Failure::usage(
            "error: --segment with OCCURS DEPENDING ON needs --odo-stored-max or a framing with lengths (rdw, len2, ...)",
        ));
    }
    let len = map.layouts().iter().map(|l| l.max_len()).max().unwrap_or(0);
    Ok(Framing::Fixed { len })
}

/// What `decode` hands over for a multi-layout file.
pub struct DecodeJob<'a> {
    pub map: SegmentMap,
    pub codec: &'a CodecArgs,
    /// The codec options with the JSON shape (`--redefines`, `--numbers-as-strings`) applied.
    pub opts: CodecOptions,
    pub on_error: OnError,
    pub quarantine: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub input: Option<PathBuf>,
}

pub fn decode(job: DecodeJob<'_>) -> Result<(), Failure> {
    let opts = job.opts;
    let framing = framing(job.codec, &job.map, opts)?;
    let mut decoders = job
        .map
        .layouts()
        .iter()
        .map(|l| Decoder::new(l, opts))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::usage(format!("error: {e}")))?;
    let (input, _) = open_input(&job.input)?;
    let mut reader = RecordReader::new(input, framing);
    let mut out = open_output(&job.output)?;
    let mut quarantine = Quarantine::open(job.quarantine.as_deref(), framing)?;
    let mut tally = Tally::new(job.on_error == OnError::Null);
    let mut buf = Vec::with_capacity(1 << 16);
    loop {
        let record = match reader.next_record() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                out.write_all(&buf)?;
                out.flush()?;
                quarantine.finish()?;
                return Err(Failure::data(format!("error: {e}")));
            }
        };
        let mark = buf.len();
        let result = job.map.choose(record, opts).and_then(|i| {
            decoders
                .get_mut(i)
                .ok_or_else(|| RecordError {
                    record: 0,
                    path: String::new(),
                    offset: 0,
                    bytes: Vec::new(),
                    kind: RecordErrorKind::Json("no decoder for the chosen layout".into()),
                })?
                .decode(record, &mut buf, FieldErrorMode::Null)
        });
        let (errors, whole) = match result {
            Ok(d) if d.field_errors.is_empty() => {
                buf.push(b'\n');
                tally.good += 1;
                flush_if_large(&mut out, &mut buf)?;
                continue;
            }
            Ok(d) => (d.field_errors, false),
            Err(e) => (vec![e], true),
        };
        // Only bad records are copied, so that the reader can be asked where they were.
        let raw = record.to_vec();
        let number = reader.record_number();
        let errors: Vec<RecordError> = errors.into_iter().map(|e| e.at_record(number)).collect();
        quarantine.record(&raw, reader.record_offset(), &errors)?;
        if job.on_error == OnError::Null && !whole {
            buf.push(b'\n');
        } else {
            buf.truncate(mark);
        }
        if job.on_error == OnError::Fail {
            out.write_all(&buf)?;
            out.flush()?;
            quarantine.finish()?;
            let first = errors.first().map(|e| e.to_string()).unwrap_or_default();
            return Err(Failure::data(format!("error: {first}")));
        }
        tally.bad(&errors);
        flush_if_large(&mut out, &mut buf)?;
    }
    out.write_all(&buf)?;
    out.flush()?;
    quarantine.finish()?;
    tally.summary("decoded", job.quarantine.as_deref());
    Ok(())
}

fn flush_if_large(out: &mut dyn Write, buf: &mut Vec<u8>) -> Result<(), Failure> {
    if buf.len() >= 1 << 16 {
        out.write_all(buf)?;
        buf.clear();
    }
    Ok(())
}

/// What `encode` hands over for a multi-layout file.
pub struct EncodeJob<'a> {
    pub map: SegmentMap,
    pub codec: &'a CodecArgs,
    pub opts: CodecOptions,
    pub on_error: EncodeOnError,
    pub trim_trailing: bool,
    pub quarantine: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub input: Option<PathBuf>,
}

pub fn encode(job: EncodeJob<'_>) -> Result<(), Failure> {
    let opts = job.opts;
    let framing = framing(job.codec, &job.map, opts)?;
    let fixed_len = match framing {
        Framing::Fixed { len } => Some(len),
        _ => None,
    };
    if job.trim_trailing && fixed_len.is_some() {
        return Err(Failure::usage(
            "error: --trim-trailing needs a variable-length --framing (rdw, len2, ...): fixed records have one length",
        ));
    }
    let mut encoders = job
        .map
        .layouts()
        .iter()
        .map(|l| Encoder::new(l, opts))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::usage(format!("error: {e}")))?;
    for e in &mut encoders {
        e.set_trim_trailing(job.trim_trailing);
    }
    let (input, _) = open_input(&job.input)?;
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut writer = RecordWriter::new(open_output(&job.output)?, framing);
    let mut quarantine = Quarantine::open_lines(job.quarantine.as_deref())?;
    let mut tally = Tally::new(false);
    let (mut line, mut rec) = (Vec::new(), Vec::new());
    let (mut number, mut offset) = (0u64, 0u64);
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
            .and_then(|v| {
                let i = job.map.choose_json(&v)?;
                match encoders.get_mut(i) {
                    Some(enc) => enc.encode(&v, &mut rec, fixed_len.is_none()),
                    None => Ok(()),
                }
            });
        match result {
            Ok(()) => {
                if let Some(len) = fixed_len {
                    // Shorter record types are padded to the file's one record length.
                    rec.resize(len, opts.codepage.space());
                }
                writer
                    .write_record(&rec)
                    .map_err(|e| Failure::data(format!("error: record {number}: {e}")))?;
                tally.good += 1;
            }
            Err(e) => {
                let e = e.at_record(number);
                quarantine.record(&line, line_offset, std::slice::from_ref(&e))?;
                if job.on_error == EncodeOnError::Fail {
                    writer
                        .finish()
                        .map_err(|e| Failure::data(format!("error: {e}")))?;
                    quarantine.finish()?;
                    return Err(Failure::data(format!("error: {e}")));
                }
                tally.bad(std::slice::from_ref(&e));
            }
        }
    }
    let mut out = writer
        .finish()
        .map_err(|e| Failure::data(format!("error: {e}")))?;
    out.flush()?;
    quarantine.finish()?;
    tally.summary("encoded", job.quarantine.as_deref());
    Ok(())
}

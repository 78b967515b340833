//! `decode` / `encode` of multi-layout files: several 01 records in one file, each
//! record's layout chosen by a field's value (`--segment FIELD --record-map
//! C=FIRM-REC,P=PERSON-REC`). How the field is found and compared is
//! [`ferrule_parsers::json::SegmentMap`]'s to say; this module runs the file through it.
//!
//! With `--framing fixed` every record is as long as the longest layout (a `RECFM=FB`
//! file holds one record length; shorter record types are padded): decode reads each
//! record's own fields from its start, encode pads shorter records with code-page spaces.

use std::path::PathBuf;

use clap::Args;
use ferrule_parsers::dialect::Dialect;
use ferrule_parsers::framing::{Framing, RecordReader};
use ferrule_parsers::json::{
    CodecOptions, Decoder, Encoder, FieldErrorMode, RecordError, RecordErrorKind, SegmentMap,
};

use super::args::RecordLayoutArgs;
use super::convert::{encode_lines, open_input, open_output, EncodeOnError, OnError, Sink};
use super::quarantine::Quarantine;
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
    let quarantine = Quarantine::open(job.quarantine.as_deref(), framing)?;
    let mut sink = Sink::new(quarantine, job.on_error);
    let mut run = || -> Result<(), Failure> {
        loop {
            let record = match reader.next_record() {
                Ok(Some(r)) => r,
                Ok(None) => return Ok(()),
                Err(e) => return Err(Failure::data(format!("error: {e}"))),
            };
            let mark = sink.buf.len();
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
                    .decode(record, &mut sink.buf, FieldErrorMode::Null)
            });
            if let Some(bad) = sink.settle(result, record, mark) {
                sink.bad(bad, reader.record_number(), reader.record_offset())?;
            }
            sink.flush_if_large(&mut out, &None, 0)?;
        }
    };
    let ran = run();
    sink.finish(ran, out, job.quarantine.as_deref())
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
    let space = opts.codepage.space();
    let quarantine = job.quarantine.as_deref();
    encode_lines(
        &job.input,
        &job.output,
        framing,
        quarantine,
        job.on_error,
        |v, rec| {
            let i = job.map.choose_json(v)?;
            if let Some(enc) = encoders.get_mut(i) {
                enc.encode(v, rec, fixed_len.is_none())?;
            }
            if let Some(len) = fixed_len {
                // Shorter record types are padded to the file's one record length.
                rec.resize(len, space);
            }
            Ok(())
        },
    )
}

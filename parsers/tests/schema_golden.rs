//! The JSON Schemas against real records: every golden sample in `samples/golden.toml`
//! decodes (through the real decoder) to JSON its Decode schema accepts, with either
//! REDEFINES mode, and its `.jsonl` (the encoder's input in the golden test) is accepted by
//! the Encode schema and by the encoder. Broken copies of a record must fail.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::framing::{Framing, RecordReader};
use ferrule_parsers::json::{
    record_schema, CodecOptions, Decoder, Encoder, FieldErrorMode, RedefinesMode, SchemaDirection,
    SchemaOptions,
};
use ferrule_parsers::layout::Layout;
use ferrule_parsers::registry::{self, LoadOptions};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Manifest {
    pair: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    name: String,
    layout: String,
    args: Vec<String>,
}

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samples")
}

fn pairs() -> Vec<Pair> {
    let text = std::fs::read_to_string(samples().join("golden.toml")).unwrap();
    let m: Manifest = toml::from_str(&text).unwrap();
    assert!(!m.pair.is_empty(), "golden.toml lists no pairs");
    m.pair
}

/// The value after `flag` in a pair's CLI arguments.
fn arg<'a>(p: &'a Pair, flag: &str) -> Option<&'a str> {
    let i = p.args.iter().position(|a| a == flag)?;
    p.args.get(i + 1).map(String::as_str)
}

fn load(p: &Pair) -> (Layout, CodecOptions, Framing) {
    let src = std::fs::read_to_string(samples().join(&p.layout)).unwrap();
    let layout = registry::load(&src, &p.layout, None, &LoadOptions::default()).unwrap();
    let mut opts = CodecOptions::default();
    if let Some(cp) = arg(p, "--codepage") {
        opts.codepage = CodePage::by_name(cp).unwrap();
    }
    let framing = match Framing::parse(arg(p, "--framing").unwrap_or("fixed")).unwrap() {
        Framing::Fixed { .. } => Framing::Fixed {
            len: layout.max_len(),
        },
        f => f,
    };
    (layout, opts, framing)
}

/// Every record of a pair's `.bin`, decoded by the real decoder.
fn decoded(p: &Pair, layout: &Layout, opts: CodecOptions, framing: &Framing) -> Vec<Value> {
    let file = std::fs::File::open(samples().join(format!("{}.bin", p.name))).unwrap();
    let mut reader = RecordReader::new(file, *framing);
    let mut dec = Decoder::new(layout, opts).unwrap();
    let mut out = Vec::new();
    while let Some(rec) = reader.next_record().unwrap() {
        let mut json = Vec::new();
        dec.decode(rec, &mut json, FieldErrorMode::Fail).unwrap();
        out.push(serde_json::from_slice(&json).unwrap());
    }
    assert!(!out.is_empty(), "{}: no records", p.name);
    out
}

fn validator(layout: &Layout, opts: &SchemaOptions) -> jsonschema::Validator {
    let schema = record_schema(layout, opts);
    jsonschema::draft202012::new(&schema).unwrap()
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_decoded_sample_record_fits_its_decode_schema() {
    for p in pairs() {
        let (layout, mut opts, framing) = load(&p);
        for mode in [RedefinesMode::First, RedefinesMode::All] {
            opts.redefines = mode;
            let schema_opts = SchemaOptions::for_codec(SchemaDirection::Decode, &opts);
            let v = validator(&layout, &schema_opts);
            for (i, rec) in decoded(&p, &layout, opts, &framing).iter().enumerate() {
                let e = errors(&v, rec);
                assert!(
                    e.is_empty(),
                    "{} record {} ({mode:?}): {e:?}",
                    p.name,
                    i + 1
                );
            }
        }
    }
}

#[test]
fn every_sample_json_fits_its_encode_schema_and_encodes() {
    for p in pairs() {
        let (layout, opts, framing) = load(&p);
        let v = validator(
            &layout,
            &SchemaOptions::for_codec(SchemaDirection::Encode, &opts),
        );
        let text = std::fs::read_to_string(samples().join(format!("{}.jsonl", p.name))).unwrap();
        let given: Vec<Value> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        // The golden files and what the decoder writes now: both are encoder input.
        let round_trip = decoded(&p, &layout, opts, &framing);
        let mut enc = Encoder::new(&layout, opts).unwrap();
        for (i, rec) in given.iter().chain(&round_trip).enumerate() {
            let e = errors(&v, rec);
            assert!(e.is_empty(), "{} record {}: {e:?}", p.name, i + 1);
            enc.encode(
                rec,
                &mut Vec::new(),
                !matches!(framing, Framing::Fixed { .. }),
            )
            .unwrap();
        }
    }
}

/// The first string and first number member of a record object, as JSON pointers.
fn first_members(v: &Value, at: &str, text: &mut Option<String>, num: &mut Option<String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| first_members(x, &format!("{at}/{k}"), text, num)),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| first_members(x, &format!("{at}/{i}"), text, num)),
        Value::String(_) if text.is_none() => *text = Some(at.to_string()),
        Value::Number(_) if num.is_none() => *num = Some(at.to_string()),
        _ => {}
    }
}

#[test]
fn broken_sample_records_fail_both_schemas() {
    for p in pairs() {
        let (layout, opts, framing) = load(&p);
        let rec = decoded(&p, &layout, opts, &framing).remove(0);
        let (mut text, mut num) = (None, None);
        first_members(&rec, "", &mut text, &mut num);
        let (text, num) = (text.unwrap(), num.unwrap());
        for dir in [SchemaDirection::Decode, SchemaDirection::Encode] {
            let v = validator(&layout, &SchemaOptions::for_codec(dir, &opts));
            assert!(v.is_valid(&rec), "{} {dir:?}: the record itself", p.name);
            // Text longer than any field of the record.
            let mut long = rec.clone();
            *long.pointer_mut(&text).unwrap() = Value::String("X".repeat(layout.max_len() + 1));
            assert!(!v.is_valid(&long), "{} {dir:?}: too-long {text}", p.name);
            // A number with more digits than any PIC holds.
            let mut big = rec.clone();
            *big.pointer_mut(&num).unwrap() = serde_json::from_str("1e40").unwrap();
            assert!(!v.is_valid(&big), "{} {dir:?}: too-big {num}", p.name);
            // A member the layout does not have.
            let mut extra = rec.clone();
            extra
                .as_object_mut()
                .unwrap()
                .insert("no_such_field".into(), Value::Bool(true));
            assert!(!v.is_valid(&extra), "{} {dir:?}: unknown member", p.name);
        }
    }
}

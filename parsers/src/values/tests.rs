//! The typed walk against the JSON decoder: on the golden samples and on layouts with
//! ODO tables, REDEFINES sets and bad bytes, both must say the same thing about every
//! field (a missing key and `null` count alike: the walk gives every shown member one
//! event, JSON leaves absent members out).

#![allow(clippy::unwrap_used)]

use serde_json::{Map, Value as Json};

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::framing::{Framing, RecordReader};
use crate::json::{CodecOptions, Decoder, FieldErrorMode, RecordErrorKind, RedefinesMode};
use crate::layout::{FieldKind, Layout};

use super::{Event, RecordValues, Shape, ShapeNode, Value, ValueDecoder};

/// Events of one record as JSON (decimals as their exact text), shown members only.
fn events_json(shape: &Shape<'_>, rv: &RecordValues) -> Json {
    let mut ev = rv.events.iter();
    let members = match shape.root.field.kind {
        FieldKind::Group(_) => Shape::members(&shape.root),
        FieldKind::Item(_) => vec![&shape.root],
    };
    let obj = object(&members, &mut ev, rv);
    assert!(ev.next().is_none(), "events left over");
    obj
}

fn object<'e>(
    members: &[&ShapeNode<'_>],
    ev: &mut impl Iterator<Item = &'e Event>,
    rv: &RecordValues,
) -> Json {
    let mut m = Map::new();
    for n in members {
        m.insert(
            n.field.json_name.clone(),
            one(n, ev, rv, n.field.occurs.is_some()),
        );
    }
    Json::Object(m)
}

fn one<'e>(
    n: &ShapeNode<'_>,
    ev: &mut impl Iterator<Item = &'e Event>,
    rv: &RecordValues,
    table: bool,
) -> Json {
    match ev.next().unwrap() {
        Event::Null => Json::Null,
        Event::Value(Value::Text { start, end }) => Json::String(rv.text_of(*start, *end).into()),
        Event::Value(Value::Decimal(d)) => {
            let mut b = Vec::new();
            d.write_json(&mut b);
            serde_json::from_slice(&b).unwrap()
        }
        Event::Value(Value::Float(f)) => serde_json::json!(f),
        Event::Group => {
            let o = object(&Shape::members(n), ev, rv);
            assert_eq!(ev.next(), Some(&Event::End));
            o
        }
        Event::List(k) => {
            assert!(table, "a list for a field without OCCURS");
            let items = (0..*k).map(|_| one(n, ev, rv, false)).collect();
            assert_eq!(ev.next(), Some(&Event::End));
            Json::Array(items)
        }
        Event::End => panic!("unexpected end"),
    }
}

/// Drops null members, recursively (absent and null mean the same here).
fn strip(v: Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip(v)))
                .collect(),
        ),
        Json::Array(a) => Json::Array(a.into_iter().map(strip).collect()),
        other => other,
    }
}

/// Decodes `record` both ways and compares; returns the walk's values.
fn agree(layout: &Layout, opts: CodecOptions, record: &[u8], mode: FieldErrorMode) -> RecordValues {
    let mut json = Decoder::new(layout, opts).unwrap();
    let mut typed = ValueDecoder::new(layout, opts).unwrap();
    let mut out = Vec::new();
    let j = json.decode(record, &mut out, mode);
    let mut rv = RecordValues::default();
    let t = typed.decode(record, mode, &mut rv);
    match (j, t) {
        (Ok(d), Ok(())) => {
            let want: Json = serde_json::from_slice(&out).unwrap();
            let got = events_json(typed.shape(), &rv);
            assert_eq!(strip(got), strip(want));
            assert_eq!(rv.consumed, d.consumed);
            assert_eq!(rv.field_errors, d.field_errors);
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        (a, b) => panic!("json {a:?} but typed {b:?}"),
    }
    rv
}

fn cp(name: &str) -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name(name).unwrap(),
        ..CodecOptions::default()
    }
}

fn sample(copybook: &str, bin: &[u8], opts: CodecOptions, framing: Framing) {
    let layout = parse(copybook, &ParseOptions::default()).unwrap();
    let framing = match framing {
        Framing::Fixed { .. } => Framing::Fixed {
            len: layout.max_len(),
        },
        f => f,
    };
    let mut r = RecordReader::new(bin, framing);
    let mut n = 0;
    while let Some(rec) = r.next_record().unwrap() {
        for mode in [FieldErrorMode::Fail, FieldErrorMode::Null] {
            agree(&layout, opts, rec, mode);
            let all = CodecOptions {
                redefines: RedefinesMode::All,
                ..opts
            };
            agree(&layout, all, rec, mode);
        }
        n += 1;
    }
    assert!(n > 0, "sample holds no records");
}

#[test]
fn golden_samples_agree_with_json() {
    // Fixed-length EBCDIC with REDEFINES, OCCURS, COMP, COMP-3 and separate signs.
    sample(
        include_str!("../../../samples/person.cpy"),
        include_bytes!("../../../samples/person.cp037.bin"),
        cp("cp037"),
        Framing::Fixed { len: 0 },
    );
    sample(
        include_str!("../../../samples/vehicle.cpy"),
        include_bytes!("../../../samples/vehicle.cp1146.bin"),
        cp("cp1146"),
        Framing::Fixed { len: 0 },
    );
    // Variable-length (RDW) records.
    sample(
        include_str!("../../../samples/custody.cpy"),
        include_bytes!("../../../samples/custody.rdw.bin"),
        cp("cp285"),
        Framing::parse("rdw").unwrap(),
    );
}

const ODO: &str = "\
       01 REC.
           05 GCNT PIC 9.
           05 GRP OCCURS 1 TO 3 TIMES DEPENDING ON GCNT.
              10 G-CODE PIC X.
              10 G-AMT PIC S9(2)V9 COMP-3.
           05 TAIL PIC XX.
";

#[test]
fn odo_tables_shift_what_follows() {
    let layout = parse(ODO, &ParseOptions::default()).unwrap();
    let opts = cp("cp037");
    // GCNT=2: two elements (A +12.3, B -0.5), then TAIL right after them.
    let rec = [0xF2, 0xC1, 0x12, 0x3C, 0xC2, 0x00, 0x5D, 0xE3, 0xE3];
    let rv = agree(&layout, opts, &rec, FieldErrorMode::Fail);
    assert_eq!(rv.consumed, 9);
    assert!(matches!(rv.events.get(1), Some(Event::List(2))));
    // A counter out of range fails the record where the table starts.
    let bad = [0xF7, 0xC1, 0x12, 0x3C, 0xE3, 0xE3];
    let mut typed = ValueDecoder::new(&layout, opts).unwrap();
    let e = typed
        .decode(&bad, FieldErrorMode::Null, &mut RecordValues::default())
        .unwrap_err();
    assert_eq!(e.path, "grp");
    assert!(matches!(e.kind, RecordErrorKind::OdoRange { count: 7, .. }));
    agree(&layout, opts, &bad, FieldErrorMode::Null);
}

#[test]
fn bad_fields_fail_or_become_null_with_their_location() {
    let layout = parse(ODO, &ParseOptions::default()).unwrap();
    let opts = cp("cp037");
    // Element 1's packed amount holds an invalid nibble (0xA).
    let rec = [0xF1, 0xC1, 0x1A, 0x3C, 0xE3, 0xE3];
    let mut typed = ValueDecoder::new(&layout, opts).unwrap();
    let mut rv = RecordValues::default();
    let e = typed
        .decode(&rec, FieldErrorMode::Fail, &mut rv)
        .unwrap_err();
    assert_eq!((e.path.as_str(), e.offset), ("grp[0].g_amt", 2));
    assert_eq!(e.bytes, vec![0x1A, 0x3C]);
    typed.decode(&rec, FieldErrorMode::Null, &mut rv).unwrap();
    assert_eq!(rv.field_errors.len(), 1);
    assert!(rv.events.contains(&Event::Null));
    agree(&layout, opts, &rec, FieldErrorMode::Null);
    agree(&layout, opts, &rec, FieldErrorMode::Fail);
}

const REDEF: &str = "\
       01 REC.
           05 KIND PIC X.
           05 BODY PIC X(4).
           05 AMT REDEFINES BODY PIC S9(7) COMP-3.
           05 FILLER.
              10 NOTE PIC X(2).
";

#[test]
fn redefines_modes_and_short_records() {
    let layout = parse(REDEF, &ParseOptions::default()).unwrap();
    let first = cp("cp037");
    let all = CodecOptions {
        redefines: RedefinesMode::All,
        ..first
    };
    // Text in BODY: under All, AMT's packed reading is invalid and becomes null quietly.
    let text = [0xC1, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6];
    let rv = agree(&layout, all, &text, FieldErrorMode::Fail);
    assert!(rv.field_errors.is_empty());
    // First: AMT is no column at all; NOTE (in a transparent FILLER) is one.
    let shape = Shape::new(&layout, RedefinesMode::First).unwrap();
    let names: Vec<_> = Shape::members(&shape.root)
        .iter()
        .map(|n| n.field.json_name.as_str())
        .collect();
    assert_eq!(names, ["kind", "body", "note"]);
    let shape = Shape::new(&layout, RedefinesMode::All).unwrap();
    assert_eq!(Shape::members(&shape.root).len(), 4);
    // A record cut short before NOTE: NOTE is null (JSON leaves it out).
    let rv = agree(&layout, first, &text[..5], FieldErrorMode::Fail);
    assert_eq!(rv.events.last(), Some(&Event::Null));
    // Cut inside a number: the number's bytes are a located error.
    let num = [0xC1, 0x00, 0x00];
    agree(&layout, all, &num, FieldErrorMode::Null);
}

#[test]
fn floats_decode_to_f64() {
    let layout = parse(
        "       01 REC.\n           05 F1 COMP-1.\n           05 F2 COMP-2.\n",
        &ParseOptions::default(),
    )
    .unwrap();
    // IBM hex: 0x41100000 = 1.0; 0xC2640000 00000000 = -100.0.
    let rec = [0x41, 0x10, 0, 0, 0xC2, 0x64, 0, 0, 0, 0, 0, 0];
    let mut typed = ValueDecoder::new(&layout, cp("cp037")).unwrap();
    let mut rv = RecordValues::default();
    typed.decode(&rec, FieldErrorMode::Fail, &mut rv).unwrap();
    assert_eq!(
        rv.events,
        [
            Event::Value(Value::Float(1.0)),
            Event::Value(Value::Float(-100.0))
        ]
    );
    // An unnormalised IBM value with exponent 0 cannot be normalised: refused.
    let bad = [0x00, 0x01, 0, 0, 0x42, 0x64, 0, 0, 0, 0, 0, 0];
    let e = typed
        .decode(&bad, FieldErrorMode::Fail, &mut rv)
        .unwrap_err();
    assert_eq!(e.path, "f1");
}

#[test]
fn discriminated_redefines_agree_with_json() {
    // The body overlay is chosen per record by header.event_type (selectors).
    let layout = crate::spec::parse(
        include_str!("../../../samples/custody-event.layout.toml"),
        &crate::spec::ParseOptions::default(),
    )
    .unwrap();
    let bin = include_bytes!("../../../samples/custody-event.cp1146.bin");
    let opts = cp("cp1146");
    for rec in bin.chunks(layout.max_len()) {
        for redefines in [RedefinesMode::First, RedefinesMode::All] {
            let o = CodecOptions { redefines, ..opts };
            agree(&layout, o, rec, FieldErrorMode::Fail);
        }
    }
}

proptest::proptest! {
    /// Any bytes, any length: the walk and the JSON decoder agree, and neither panics.
    #[test]
    fn random_bytes_agree_with_json(rec in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        let layout = parse(include_str!("../../../samples/person.cpy"), &ParseOptions::default()).unwrap();
        for mode in [FieldErrorMode::Fail, FieldErrorMode::Null] {
            for redefines in [RedefinesMode::First, RedefinesMode::All] {
                agree(&layout, CodecOptions { redefines, ..cp("cp037") }, &rec, mode);
            }
        }
        let odo = parse(ODO, &ParseOptions::default()).unwrap();
        agree(&odo, cp("cp037"), &rec, FieldErrorMode::Null);
    }
}

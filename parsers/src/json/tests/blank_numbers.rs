//! Blank numeric items (all spaces or all low-values) under each [`BlankNumbers`] mode,
//! through the flat decoder, the tree walk, the typed-value walk, the encoder and the
//! JSON Schema, on one record of every type that can be blank and some that cannot.

#![allow(clippy::unwrap_used)]

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::json::{
    record_schema, BlankNumbers, CodecOptions, Decoder, Encoder, FieldErrorMode, RecordError,
    SchemaDirection, SchemaOptions,
};
use crate::layout::Layout;
use crate::values::{Event, ValueDecoder};

const CPY: &str = "\
       01 REC.
           05 ZON    PIC S9(3)V99.
           05 PAK    PIC S9(5) COMP-3.
           05 EDT    PIC ZZ9.99.
           05 BWZ    PIC 9(3) BLANK WHEN ZERO.
           05 BIN    PIC 9(4) COMP.
           05 TXT    PIC X(2).
           05 TBL    PIC 9(2) OCCURS 2.
";

fn layout() -> Layout {
    parse(CPY, &ParseOptions::default()).unwrap()
}

fn opts(mode: BlankNumbers) -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name("cp037").unwrap(),
        blank_numbers: mode,
        ..CodecOptions::default()
    }
}

/// ZON 5 + PAK 3 + EDT 6 + BWZ 3 + BIN 2 + TXT 2 + TBL 4 = 25 bytes.
fn record(zon: &[u8], pak: &[u8], tbl1: &[u8]) -> Vec<u8> {
    let mut r = Vec::new();
    r.extend_from_slice(zon);
    r.extend_from_slice(pak);
    r.extend_from_slice(&[0x40, 0x40, 0xF1, 0x4B, 0xF5, 0xF0]); // "  1.50"
    r.extend_from_slice(&[0x40; 3]); // BWZ: blank means zero whatever the mode
    r.extend_from_slice(&[0x40, 0x40]); // BIN: X'4040' is 16448, never blank
    r.extend_from_slice(&[0xC1, 0x40]); // "A "
    r.extend_from_slice(&[0xF0, 0xF7]); // TBL(1) 7
    r.extend_from_slice(tbl1);
    r
}

fn decode(rec: &[u8], mode: BlankNumbers) -> Result<String, RecordError> {
    let l = layout();
    let mut d = Decoder::new(&l, opts(mode)).unwrap();
    let mut flat = Vec::new();
    let a = d.decode(rec, &mut flat, FieldErrorMode::Fail);
    let mut tree = Vec::new();
    let b = d.decode_tree_walk(rec, &mut tree, FieldErrorMode::Fail);
    // Both walks agree, errors included.
    assert_eq!(a.is_ok(), b.is_ok());
    assert_eq!(flat, tree);
    a?;
    Ok(String::from_utf8(flat).unwrap())
}

#[test]
fn blanks_are_errors_by_default() {
    let rec = record(&[0x40; 5], &[0x12, 0x34, 0x5C], &[0xF0, 0xF1]);
    let e = decode(&rec, BlankNumbers::Error).unwrap_err();
    assert_eq!(e.path, "zon");
    assert_eq!(e.offset, 0);
}

#[test]
fn null_mode_reads_spaces_and_low_values_as_null() {
    let rec = record(&[0x40; 5], &[0; 3], &[0x40, 0x40]);
    let json = decode(&rec, BlankNumbers::Null).unwrap();
    assert_eq!(
        json,
        r#"{"zon":null,"pak":null,"edt":1.50,"bwz":0,"bin":16448,"txt":"A","tbl":[7,null]}"#
    );
}

#[test]
fn zero_mode_reads_blanks_as_zero_at_the_pic_scale() {
    let rec = record(&[0x40; 5], &[0x40; 3], &[0, 0]);
    let json = decode(&rec, BlankNumbers::Zero).unwrap();
    assert_eq!(
        json,
        r#"{"zon":0.00,"pak":0,"edt":1.50,"bwz":0,"bin":16448,"txt":"A","tbl":[7,0]}"#
    );
}

#[test]
fn partly_blank_fields_stay_errors() {
    // A digit among the blanks is a bad field in every mode.
    let rec = record(
        &[0x40, 0x40, 0xF1, 0x40, 0x40],
        &[0x12, 0x34, 0x5C],
        &[0xF0, 0xF1],
    );
    for mode in [BlankNumbers::Null, BlankNumbers::Zero] {
        let e = decode(&rec, mode).unwrap_err();
        assert_eq!((e.path.as_str(), e.offset), ("zon", 0), "{mode:?}");
    }
}

#[test]
fn typed_values_agree() {
    let rec = record(&[0x40; 5], &[0; 3], &[0x40, 0x40]);
    let l = layout();
    let mut d = ValueDecoder::new(&l, opts(BlankNumbers::Null)).unwrap();
    let mut out = Default::default();
    d.decode(&rec, FieldErrorMode::Fail, &mut out).unwrap();
    // ZON, PAK, EDT, BWZ, BIN, TXT, List(2), 7, null, End.
    let nulls: Vec<usize> = (out.events.iter().enumerate())
        .filter(|(_, e)| **e == Event::Null)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(nulls, [0, 1, 8], "{:?}", out.events);
    assert_eq!(out.events[6], Event::List(2));
    assert!(out.field_errors.is_empty());
    // Under Error the same record is refused at ZON.
    let mut d = ValueDecoder::new(&l, opts(BlankNumbers::Error)).unwrap();
    let e = d.decode(&rec, FieldErrorMode::Fail, &mut out).unwrap_err();
    assert_eq!(e.path, "zon");
}

fn encode(json: &str, mode: BlankNumbers) -> Result<Vec<u8>, RecordError> {
    let l = layout();
    let mut out = Vec::new();
    Encoder::new(&l, opts(mode)).unwrap().encode(
        &serde_json::from_str(json).unwrap(),
        &mut out,
        false,
    )?;
    Ok(out)
}

#[test]
fn null_mode_writes_null_as_blanks_and_round_trips() {
    let json = r#"{"zon":null,"pak":null,"edt":1.50,"bwz":0,"bin":16448,"txt":"A","tbl":[7,null]}"#;
    let rec = encode(json, BlankNumbers::Null).unwrap();
    assert_eq!(rec, record(&[0x40; 5], &[0x40; 3], &[0x40, 0x40]));
    assert_eq!(decode(&rec, BlankNumbers::Null).unwrap(), json);
    // Elsewhere a null is an absent member (zero), or a wrong type inside a table.
    let absent = encode(r#"{"zon":null}"#, BlankNumbers::Error).unwrap();
    assert_eq!(&absent[..5], &[0xF0, 0xF0, 0xF0, 0xF0, 0xC0]);
    let e = encode(r#"{"tbl":[7,null]}"#, BlankNumbers::Error).unwrap_err();
    assert_eq!(e.path, "tbl[1]");
    // A null binary item is still an absent one, in every mode: it has no blank.
    let bin = encode(r#"{"bin":null}"#, BlankNumbers::Null).unwrap();
    assert_eq!(&bin[17..19], &[0, 0]);
    // BLANK WHEN ZERO reads spaces as zero: its null is written as low-values, which
    // read back as null (found by the decode fuzz target).
    let mut rec = record(&[0x40; 5], &[0; 3], &[0x40, 0x40]);
    rec[14..17].fill(0);
    let json = decode(&rec, BlankNumbers::Null).unwrap();
    assert!(json.contains(r#""bwz":null"#), "{json}");
    let again = encode(&json, BlankNumbers::Null).unwrap();
    assert_eq!(&again[14..17], &[0, 0, 0]);
    assert_eq!(decode(&again, BlankNumbers::Null).unwrap(), json);
}

#[test]
fn a_borrowed_tree_writes_null_as_blanks_as_a_value_does() {
    // The gateway encodes requests from a tree borrowing the body (`Json`).
    let body = r#"{"zon":null,"pak":null,"bwz":null,"bin":null,"tbl":[7,null]}"#;
    let tree: crate::json::Json = serde_json::from_str(body).unwrap();
    let l = layout();
    for mode in [BlankNumbers::Error, BlankNumbers::Null] {
        let mut out = Vec::new();
        let r = Encoder::new(&l, opts(mode))
            .unwrap()
            .encode_all_from(&tree, &mut out, false);
        match encode(body, mode) {
            Ok(want) => {
                assert!(r.is_ok(), "{mode:?}");
                assert_eq!(out, want, "{mode:?}");
            }
            // Under Error a null table element is a wrong type on both paths.
            Err(e) => assert_eq!(r.unwrap_err()[0].path, e.path, "{mode:?}"),
        }
    }
    let mut out = Vec::new();
    Encoder::new(&l, opts(BlankNumbers::Null))
        .unwrap()
        .encode_all_from(&tree, &mut out, false)
        .unwrap();
    assert_eq!(&out[..8], &[0x40; 8]);
    assert_eq!(&out[14..17], &[0, 0, 0]);
}

#[test]
fn schema_allows_null_where_blanks_decode_to_it() {
    let l = layout();
    for direction in [SchemaDirection::Decode, SchemaDirection::Encode] {
        let s = record_schema(
            &l,
            &SchemaOptions::for_codec(direction, &opts(BlankNumbers::Null)),
        );
        let p = &s["properties"];
        assert_eq!(p["zon"]["type"], serde_json::json!(["number", "null"]));
        assert_eq!(p["pak"]["type"], serde_json::json!(["integer", "null"]));
        assert_eq!(
            p["tbl"]["items"]["type"],
            serde_json::json!(["integer", "null"])
        );
        assert_eq!(p["bin"]["type"], "integer");
        let s = record_schema(
            &l,
            &SchemaOptions::for_codec(direction, &opts(BlankNumbers::Zero)),
        );
        assert_eq!(s["properties"]["zon"]["type"], "number");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn mode() -> impl Strategy<Value = BlankNumbers> {
        prop_oneof![
            Just(BlankNumbers::Error),
            Just(BlankNumbers::Null),
            Just(BlankNumbers::Zero)
        ]
    }

    proptest! {
        /// Records of blanks, digits, signs and junk: the flat decoder and the tree walk
        /// agree under every mode (`decode` asserts it), and whatever decodes encodes back
        /// to a record that decodes to the same JSON.
        #[test]
        fn walks_agree_and_decoded_json_round_trips(
            rec in proptest::collection::vec(
                prop_oneof![Just(0x40u8), Just(0), Just(0xF1), Just(0xC2), Just(0x5C), Just(0x12)],
                25,
            ),
            mode in mode(),
        ) {
            if let Ok(json) = decode(&rec, mode) {
                let again = encode(&json, mode).unwrap();
                prop_assert_eq!(decode(&again, mode).unwrap(), json);
            }
        }
    }
}

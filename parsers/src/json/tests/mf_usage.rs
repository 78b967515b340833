//! Micro Focus USAGE COMP-X and COMP-6 from copybook text through both codecs, the
//! JSON Schema and the listing: sizes as GnuCOBOL 3.1.2 lays them out, values both ways,
//! and bad bytes and values reported at their field.

#![allow(clippy::unwrap_used)]

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::json::{
    record_schema, CodecOptions, Decoder, Encoder, FieldErrorMode, RecordError, SchemaDirection,
    SchemaOptions,
};
use crate::layout::{DataType, FieldKind, Layout};

const MF: &str = "\
       01 REC.
           05 CNT    PIC 9(5) COMP-X.
           05 FLAGS  PIC X(2) COMP-X.
           05 RATE   PIC 9(3)V9 COMP-X.
           05 QTY    PIC 9(7) COMP-6.
           05 PRICE  PIC 9(3)V99 COMP-6.
           05 SQTY   PIC S9(3) COMP-6.
";

fn layout() -> Layout {
    parse(MF, &ParseOptions::default()).unwrap()
}

fn opts() -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name("latin1").unwrap(),
        ..CodecOptions::default()
    }
}

fn decode(rec: &[u8]) -> Result<String, RecordError> {
    let layout = layout();
    let mut out = Vec::new();
    Decoder::new(&layout, opts())
        .unwrap()
        .decode(rec, &mut out, FieldErrorMode::Fail)?;
    Ok(String::from_utf8(out).unwrap())
}

fn encode(json: &str, o: CodecOptions) -> Result<Vec<u8>, RecordError> {
    let layout = layout();
    let mut out = Vec::new();
    Encoder::new(&layout, o).unwrap().encode(
        &serde_json::from_str(json).unwrap(),
        &mut out,
        false,
    )?;
    Ok(out)
}

/// 3 + 2 + 2 bytes of COMP-X, 4 + 3 of COMP-6, 2 of COMP-3 (signed COMP-6).
const REC: &[u8] = &[
    0x01, 0x86, 0x9F, // CNT 99999
    0xFF, 0xFE, // FLAGS 65534: beyond the 4 digits a MOVE keeps, shown in full
    0x04, 0xD2, // RATE 123.4
    0x01, 0x23, 0x45, 0x67, // QTY 1234567 (pad nibble 0)
    0x01, 0x23, 0x45, // PRICE 123.45 (pad nibble 0)
    0x12, 0x3D, // SQTY -123
];

#[test]
fn sizes_and_listing_follow_gnucobol() {
    let l = layout();
    let rows: Vec<(String, usize, usize, String)> = l
        .walk()
        .into_iter()
        .skip(1)
        .map(|(p, f)| {
            let ty = match &f.kind {
                FieldKind::Item(d) => d.describe(),
                FieldKind::Group(_) => String::new(),
            };
            (p, f.offset, f.size, ty)
        })
        .collect();
    let want = [
        ("rec.cnt", 0, 3, "9(5) COMP-X"),
        ("rec.flags", 3, 2, "X(2) COMP-X"),
        ("rec.rate", 5, 2, "9(3)V9(1) COMP-X"),
        ("rec.qty", 7, 4, "9(7) COMP-6"),
        ("rec.price", 11, 3, "9(3)V9(2) COMP-6"),
        // GnuCOBOL: "COMP-6 with sign - changing to COMP-3".
        ("rec.sqty", 14, 2, "S9(3) COMP-3"),
    ];
    let got: Vec<(&str, usize, usize, &str)> = rows
        .iter()
        .map(|(p, o, s, t)| (p.as_str(), *o, *s, t.as_str()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(l.max_len(), REC.len());
}

#[test]
fn decodes_and_encodes_back_the_same_bytes() {
    let json = decode(REC).unwrap();
    assert_eq!(
        json,
        r#"{"cnt":99999,"flags":65534,"rate":123.4,"qty":1234567,"price":123.45,"sqty":-123}"#
    );
    // FLAGS holds more than its 4 digits: written back under TRUNC(BIN) (the default),
    // refused under TRUNC(STD).
    assert_eq!(encode(&json, opts()).unwrap(), REC);
    let std = CodecOptions {
        trunc: crate::dialect::Trunc::Std,
        ..opts()
    };
    assert!(encode(&json, std).is_err());
}

#[test]
fn bad_bytes_and_values_are_reported_at_their_field() {
    // A sign nibble in QTY (COMP-6 has none): field, offset and bytes in the error.
    let mut rec = REC.to_vec();
    rec[10] = 0x6C;
    let e = decode(&rec).unwrap_err().to_string();
    assert!(e.contains("qty") && e.contains("byte 7"), "{e}");
    assert!(e.contains("nibble 0xC"), "{e}");
    // Negative into unsigned COMP-X and COMP-6; 6 digits into 9(5) COMP-X under
    // TRUNC(STD) (TRUNC(BIN) writes what the 3 bytes hold); 2^24 into 3 bytes under any.
    let std = CodecOptions {
        trunc: crate::dialect::Trunc::Std,
        ..opts()
    };
    for (json, field, o) in [
        (r#"{"cnt":-1}"#, "cnt", opts()),
        (r#"{"qty":-5}"#, "qty", opts()),
        (r#"{"cnt":123456}"#, "cnt", std),
        (r#"{"cnt":16777216}"#, "cnt", opts()),
    ] {
        let e = encode(json, o).unwrap_err().to_string();
        assert!(e.contains(field), "{json}: {e}");
    }
    assert!(encode(r#"{"cnt":123456}"#, opts()).is_ok());
}

#[test]
fn schema_bounds_follow_the_stored_bytes() {
    let l = layout();
    let dec = record_schema(
        &l,
        &SchemaOptions {
            direction: SchemaDirection::Decode,
            ..SchemaOptions::default()
        },
    );
    let flags = &dec["properties"]["flags"];
    // Decode shows every value the 2 bytes hold.
    assert_eq!(flags["maximum"], 65535, "{flags}");
    assert_eq!(flags["minimum"], 0, "{flags}");
    let enc = record_schema(
        &l,
        &SchemaOptions {
            direction: SchemaDirection::Encode,
            ..SchemaOptions::default()
        },
    );
    // Encode under TRUNC(BIN), the default, takes what decode shows; under STD the PIC.
    assert_eq!(enc["properties"]["flags"]["maximum"], 65535);
    let std = record_schema(
        &l,
        &SchemaOptions {
            direction: SchemaDirection::Encode,
            trunc: crate::dialect::Trunc::Std,
            ..SchemaOptions::default()
        },
    );
    assert_eq!(std["properties"]["flags"]["maximum"], 9999);
    // QTY 9(7) COMP-6: 4 bytes hold 8 digits (the pad nibble), STD holds it to 7.
    assert_eq!(enc["properties"]["qty"]["maximum"], 99_999_999);
    assert_eq!(std["properties"]["qty"]["maximum"], 9_999_999);
    assert_eq!(enc["properties"]["qty"]["minimum"], 0);
    let x = &enc["properties"]["cnt"]["x-cobol"];
    assert_eq!(x["usage"], "COMP-X", "{x}");
}

#[test]
fn refusals_say_why() {
    for (src, want) in [
        ("01 R. 05 A PIC S9(4) COMP-X.", "signed COMP-X"),
        ("01 R. 05 A PIC 9(19) COMP-X.", "19 digits"),
        ("01 R. 05 A PIC X(9) COMP-X.", "1 to 8 bytes"),
        ("01 R. 05 A PIC X(3) COMP-6.", "numeric PICTURE"),
        ("01 R. 05 A PIC 9 COMP-0.", "COMP-0 is not supported"),
    ] {
        let src = format!("       {src}");
        let e = parse(&src, &ParseOptions::default()).unwrap_err();
        assert!(e.to_string().contains(want), "{src}: {e}");
    }
    assert!(matches!(
        crate::copybook::parse("       01 R. 05 A PIC 9 COMP-X.", &ParseOptions::default())
            .unwrap()
            .root
            .children()[0]
            .kind,
        FieldKind::Item(DataType::CompX { bytes: 1, .. })
    ));
}

/// COMP-X is binary and COMP-6's pad nibble a packed one: under every TRUNC mode decode
/// accepts a value exactly when encode writes it, at the PIC's edge and the bytes' edge.
#[test]
fn comp_x_and_comp6_follow_trunc_at_the_edges() {
    use crate::dialect::Trunc;
    let src = "\
       01 REC.
           05 N  PIC 9(4) COMP-X.
           05 X  PIC X(2) COMP-X.
           05 S  PIC 9(3) COMP-6.
";
    let l = parse(src, &ParseOptions::default()).unwrap();
    let run = |trunc, rec: &[u8]| {
        let o = CodecOptions { trunc, ..opts() };
        let mut json = Vec::new();
        let decoded = Decoder::new(&l, o)
            .unwrap()
            .decode(rec, &mut json, FieldErrorMode::Fail)
            .map(|_| String::from_utf8(json).unwrap());
        (decoded, o)
    };
    let encode_one = |o: CodecOptions, json: &str| {
        let mut out = Vec::new();
        Encoder::new(&l, o)
            .unwrap()
            .encode(&serde_json::from_str(json).unwrap(), &mut out, false)
            .map(|_| out)
    };
    // (record, its JSON, what TRUNC(BIN) does, what STD and OPT do)
    let cases: &[(&[u8], &str, bool, bool)] = &[
        // Every item at its PIC's edge: 9999, 9999, 999.
        (
            &[0x27, 0x0F, 0x27, 0x0F, 0x09, 0x99],
            r#"{"n":9999,"x":9999,"s":999}"#,
            true,
            true,
        ),
        // One past it in N (10000), X (10000), S (1000, the pad nibble).
        (
            &[0x27, 0x10, 0x00, 0x00, 0x00, 0x00],
            r#"{"n":10000,"x":0,"s":0}"#,
            true,
            false,
        ),
        (
            &[0x00, 0x00, 0x27, 0x10, 0x00, 0x00],
            r#"{"n":0,"x":10000,"s":0}"#,
            true,
            false,
        ),
        (
            &[0x00, 0x00, 0x00, 0x00, 0x10, 0x00],
            r#"{"n":0,"x":0,"s":1000}"#,
            true,
            false,
        ),
        // What the bytes hold at most.
        (
            &[0xFF, 0xFF, 0xFF, 0xFF, 0x99, 0x99],
            r#"{"n":65535,"x":65535,"s":9999}"#,
            true,
            false,
        ),
    ];
    for (rec, json, bin_ok, std_ok) in cases {
        for (trunc, ok) in [
            (Trunc::Bin, bin_ok),
            (Trunc::Std, std_ok),
            (Trunc::Opt, std_ok),
        ] {
            let (decoded, o) = run(trunc, rec);
            let encoded = encode_one(o, json);
            assert_eq!(decoded.is_ok(), *ok, "{trunc:?} decode {json}: {decoded:?}");
            assert_eq!(encoded.is_ok(), *ok, "{trunc:?} encode {json}: {encoded:?}");
            if *ok {
                assert_eq!(decoded.unwrap(), *json);
                assert_eq!(encoded.unwrap(), *rec);
            } else {
                let e = decoded.unwrap_err().to_string();
                assert!(e.contains("the PIC allows"), "{e}");
            }
        }
    }
    // Past what the bytes hold: refused under every mode (never wrapped).
    for trunc in [Trunc::Bin, Trunc::Std, Trunc::Opt] {
        let o = CodecOptions { trunc, ..opts() };
        assert!(encode_one(o, r#"{"n":65536}"#).is_err());
        assert!(encode_one(o, r#"{"s":10000}"#).is_err());
    }
    // The schema's bounds are the same in both directions under each mode.
    for (trunc, n_max, s_max) in [(Trunc::Bin, 65535, 9999), (Trunc::Std, 9999, 999)] {
        for direction in [SchemaDirection::Decode, SchemaDirection::Encode] {
            let s = record_schema(
                &l,
                &SchemaOptions {
                    direction,
                    trunc,
                    ..SchemaOptions::default()
                },
            );
            assert_eq!(
                s["properties"]["n"]["maximum"], n_max,
                "{trunc:?} {direction:?}"
            );
            assert_eq!(
                s["properties"]["x"]["maximum"], n_max,
                "{trunc:?} {direction:?}"
            );
            assert_eq!(
                s["properties"]["s"]["maximum"], s_max,
                "{trunc:?} {direction:?}"
            );
        }
    }
}

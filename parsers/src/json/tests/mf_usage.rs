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

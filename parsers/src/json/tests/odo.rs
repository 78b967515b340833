//! Nested OCCURS DEPENDING ON (IBM's complex ODO) through both codecs: an ODO table
//! inside a fixed table and inside another ODO table, the fields after them moved up,
//! and counters out of range reported where the table starts.

#![allow(clippy::unwrap_used)]

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::json::{CodecOptions, Decoder, Encoder, FieldErrorMode, RecordError, RecordErrorKind};
use crate::layout::Layout;

/// Outer ODO of groups, each with an inner ODO of items; a fixed table whose rows hold an
/// ODO table; a tail after everything (IBM lays all of it out back to back).
const NESTED: &str = "\
       01 REC.
           05 GCNT PIC 9.
           05 ICNT PIC 9.
           05 NCNT PIC 9.
           05 GRP OCCURS 1 TO 3 TIMES DEPENDING ON GCNT.
              10 G-CODE PIC X.
              10 ITEM OCCURS 0 TO 4 TIMES DEPENDING ON ICNT PIC X.
              10 G-END PIC X.
           05 ROW OCCURS 2 TIMES.
              10 NOTE OCCURS 0 TO 2 TIMES DEPENDING ON NCNT PIC XX.
              10 ROW-END PIC X.
           05 TAIL PIC XX.
";

fn layout() -> Layout {
    parse(NESTED, &ParseOptions::default()).unwrap()
}

fn opts() -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name("latin1").unwrap(),
        ..CodecOptions::default()
    }
}

fn decode(rec: &[u8], o: CodecOptions) -> Result<(String, usize), RecordError> {
    let layout = layout();
    let mut out = Vec::new();
    let d = Decoder::new(&layout, o)
        .unwrap()
        .decode(rec, &mut out, FieldErrorMode::Fail)?;
    Ok((String::from_utf8(out).unwrap(), d.consumed))
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

#[test]
fn nested_tables_follow_one_another_at_their_actual_length() {
    // 2 groups of 3 items (5 bytes each), 2 rows of 1 note (3 bytes each), then the tail.
    let rec = b"231aXYZ!bUVW?n1|n2/TT";
    let (json, consumed) = decode(rec, opts()).unwrap();
    assert_eq!(
        json,
        r#"{"gcnt":2,"icnt":3,"ncnt":1,"grp":[{"g_code":"a","item":["X","Y","Z"],"g_end":"!"},{"g_code":"b","item":["U","V","W"],"g_end":"?"}],"row":[{"note":["n1"],"row_end":"|"},{"note":["n2"],"row_end":"/"}],"tail":"TT"}"#
    );
    assert_eq!(consumed, rec.len());
    // The encoder writes the same bytes back, counters from the JSON.
    assert_eq!(encode(&json, opts()).unwrap(), rec);
}

#[test]
fn empty_inner_tables_and_counters_filled_in_by_the_encoder() {
    // No items, no notes: groups are 2 bytes, rows 1 byte.
    let rec = b"100ab|/TT";
    let (json, _) = decode(rec, opts()).unwrap();
    assert_eq!(
        json,
        r#"{"gcnt":1,"icnt":0,"ncnt":0,"grp":[{"g_code":"a","item":[],"g_end":"b"}],"row":[{"note":[],"row_end":"|"},{"note":[],"row_end":"/"}],"tail":"TT"}"#
    );
    // Counters left out of the JSON are taken from the arrays.
    let json = r#"{"grp":[{"g_code":"a","item":[],"g_end":"b"}],"row":[{"note":[],"row_end":"|"},{"note":[],"row_end":"/"}],"tail":"TT"}"#;
    assert_eq!(encode(json, opts()).unwrap(), rec);
}

#[test]
fn inner_tables_on_one_counter_must_agree() {
    // No counter given: the first group's 2 items set ICNT, the second group's 1 item
    // disagrees, which IBM's layout cannot hold (every element has the same length).
    let json = r#"{"grp":[{"item":["a","b"]},{"item":["c"]}]}"#;
    let e = encode(json, opts()).unwrap_err();
    assert!(
        matches!(
            e.kind,
            RecordErrorKind::CounterMismatch {
                counter: 2,
                actual: 1
            }
        ),
        "{e}"
    );
    assert_eq!(e.path, "grp[1].item");
}

#[test]
fn a_nested_counter_out_of_range_is_located() {
    // ICNT 7 > 4: reported at the first group's item table, byte 4.
    let e = decode(b"171aXYZ!", opts()).unwrap_err();
    assert!(
        matches!(
            e.kind,
            RecordErrorKind::OdoRange {
                count: 7,
                min: 0,
                max: 4
            }
        ),
        "{e}"
    );
    assert_eq!((e.path.as_str(), e.offset), ("grp[0].item", 4));
    // And the encoder refuses too many inner elements.
    let json = r#"{"grp":[{"item":["a","b","c","d","e"]}]}"#;
    let e = encode(json, opts()).unwrap_err();
    assert!(
        matches!(e.kind, RecordErrorKind::TooManyElements { .. }),
        "{e}"
    );
}

#[test]
fn stored_at_maximum_nothing_moves() {
    // --odo-stored-max: every table at its static size (3 groups of 6, 2 rows of 5).
    let mut rec = b"111".to_vec();
    rec.extend_from_slice(b"aX...!"); // group 1: item X, 3 unused slots
    rec.extend_from_slice(b"......"); // groups 2 and 3: unused
    rec.extend_from_slice(b"......");
    rec.extend_from_slice(b"n1..|n2../TT");
    let o = CodecOptions {
        odo_stored_max: true,
        ..opts()
    };
    let (json, consumed) = decode(&rec, o).unwrap();
    assert_eq!(
        json,
        r#"{"gcnt":1,"icnt":1,"ncnt":1,"grp":[{"g_code":"a","item":["X"],"g_end":"!"}],"row":[{"note":["n1"],"row_end":"|"},{"note":["n2"],"row_end":"/"}],"tail":"TT"}"#
    );
    assert_eq!(consumed, layout().max_len());
}

#[test]
fn schemas_describe_nested_tables_and_variably_located_items() {
    use crate::json::{record_schema, SchemaDirection, SchemaOptions};
    let layout = layout();
    let s = record_schema(
        &layout,
        &SchemaOptions {
            direction: SchemaDirection::Encode,
            ..SchemaOptions::default()
        },
    );
    let props = &s["properties"];
    let item = &props["grp"]["items"]["properties"]["item"];
    assert_eq!(item["maxItems"], 4);
    assert_eq!(item["x-cobol"]["occurs"]["counter"], "icnt");
    // Items after a table that can be short move up; the counters before it do not.
    assert_eq!(props["tail"]["x-cobol"]["variably_located"], true);
    assert_eq!(
        props["grp"]["items"]["properties"]["g_end"]["x-cobol"]["variably_located"],
        true
    );
    assert!(props["ncnt"]["x-cobol"].get("variably_located").is_none());
    assert!(props["grp"]["x-cobol"].get("variably_located").is_none());
}

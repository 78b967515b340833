//! Named items under an unnamed (FILLER) group: IBM lets programs name them, so JSON
//! shows them as members of the FILLER's parent, in decode (walk and flat program),
//! encode, the JSON Schema and views. A FILLER group with OCCURS or in a REDEFINES set
//! cannot be opened that way: it shows under the key `filler` (`filler_2`, ...), an
//! array of its occurrences or an alternative of its set.

#![allow(clippy::unwrap_used)]

use serde_json::{json, Value};

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::json::{
    record_schema, CodecOptions, Decoder, Encoder, FieldErrorMode, RecordErrorKind,
    SchemaDirection, SchemaOptions, View,
};
use crate::layout::Layout;

/// A FILLER group beside a named group, one nested in another, and a name clash with
/// a sibling (which gets the usual `_2`).
const REC: &str = "\
       01 REC.
           05 ID PIC X(2).
           05 FILLER.
              10 CODE PIC X(2).
              10 FILLER PIC X.
              10 FILLER.
                 15 DEEP PIC 9.
              10 ID PIC X.
           05 GRP.
              10 FILLER.
                 15 INNER PIC X.
           05 TAIL PIC X.
";

/// FILLER groups JSON cannot open: one with OCCURS, one redefined by a sibling, one
/// that redefines a named item, and a FILLER table with nothing named in it.
const CLOSED: &str = "\
       01 REC.
           05 FILLER OCCURS 2.
              10 T PIC X.
              10 FILLER PIC X.
           05 FILLER.
              10 R PIC X.
           05 ALT REDEFINES FILLER PIC X.
           05 CODE PIC XX.
           05 FILLER REDEFINES CODE.
              10 C1 PIC X.
              10 FILLER.
                 15 C2 PIC X.
           05 FILLER OCCURS 2.
              10 FILLER PIC X.
";

/// A FILLER table sized by a counter, beside a named item called `filler` in JSON
/// terms (`FILLER-1` is a legal name): the suffixes keep the keys apart.
const ODO: &str = "\
       01 REC.
           05 N PIC 9.
           05 FILLER-1 PIC X.
           05 FILLER OCCURS 1 TO 3 DEPENDING ON N.
              10 AMT PIC 9(2).
           05 TAIL PIC X.
";

fn layout(src: &str) -> Layout {
    parse(src, &ParseOptions::default()).unwrap()
}

fn opts() -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name("latin1").unwrap(),
        ..CodecOptions::default()
    }
}

/// Decodes through both the flat program and the tree walk; they must agree. (Layouts
/// with OCCURS DEPENDING ON have no flat program: only the walk runs.)
fn decode(l: &Layout, view: &View, rec: &[u8]) -> String {
    let mut d = Decoder::with_view(l, opts(), view).unwrap();
    let mut flat = Vec::new();
    d.decode(rec, &mut flat, FieldErrorMode::Fail).unwrap();
    assert_eq!(d.uses_flat(), !l.has_odo());
    let mut walk = Vec::new();
    d.decode_tree_walk(rec, &mut walk, FieldErrorMode::Fail)
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&flat),
        String::from_utf8_lossy(&walk)
    );
    String::from_utf8(flat).unwrap()
}

fn encode(l: &Layout, v: &Value) -> Result<Vec<u8>, crate::json::RecordError> {
    let mut out = Vec::new();
    Encoder::new(l, opts())
        .unwrap()
        .encode(v, &mut out, false)?;
    Ok(out)
}

#[test]
fn named_items_of_a_filler_group_are_members_of_its_parent() {
    let l = layout(REC);
    let json = decode(&l, &View::default(), b"abcd-7eIZ");
    assert_eq!(
        json,
        r#"{"id":"ab","code":"cd","deep":7,"id_2":"e","grp":{"inner":"I"},"tail":"Z"}"#
    );
}

#[test]
fn they_encode_back_to_the_same_bytes() {
    let l = layout(REC);
    let rec = b"abcd 7eIZ";
    let json = decode(&l, &View::default(), rec);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(encode(&l, &v).unwrap(), rec);
}

#[test]
fn the_filler_group_itself_is_no_key_when_encoding() {
    let l = layout(REC);
    let e = encode(&l, &json!({"id": "ab", "": {"code": "cd"}})).unwrap_err();
    assert!(matches!(e.kind, RecordErrorKind::UnknownField(ref k) if k.is_empty()));
    // A wrong value inside names the item where the JSON shows it.
    let e = encode(&l, &json!({"deep": "x"})).unwrap_err();
    assert_eq!(e.path, "deep");
}

#[test]
fn a_bad_value_inside_is_reported_under_its_json_path() {
    let l = layout(REC);
    let mut d = Decoder::new(&l, opts()).unwrap();
    let e = d
        .decode(b"abcd-XeIZ", &mut Vec::new(), FieldErrorMode::Fail)
        .unwrap_err();
    assert_eq!(e.path, "deep");
    let e = d
        .decode_tree_walk(b"abcd-XeIZ", &mut Vec::new(), FieldErrorMode::Fail)
        .unwrap_err();
    assert_eq!(e.path, "deep");
}

#[test]
fn views_reach_them_by_their_json_path() {
    let l = layout(REC);
    let view = View {
        omit: vec![vec!["code".into()]],
        rename: vec![(vec!["grp".into(), "inner".into()], "in".into())],
        capture: Some(vec!["deep".into()]),
        drop_empty_occurs: false,
    };
    let mut d = Decoder::with_view(&l, opts(), &view).unwrap();
    let mut out = Vec::new();
    let got = d
        .decode(b"abcd-7eIZ", &mut out, FieldErrorMode::Fail)
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"id":"ab","deep":7,"id_2":"e","grp":{"in":"I"},"tail":"Z"}"#
    );
    assert_eq!(got.captured.as_deref(), Some(&b"7"[..]));
    // Renaming onto a key the FILLER's items show under is a clash.
    let clash = View {
        rename: vec![(vec!["tail".into()], "code".into())],
        ..View::default()
    };
    assert!(Decoder::with_view(&l, opts(), &clash).is_err());
}

#[test]
fn the_schema_lists_them_with_the_parents_members() {
    let l = layout(REC);
    for direction in [SchemaDirection::Decode, SchemaDirection::Encode] {
        let o = SchemaOptions {
            direction,
            ..SchemaOptions::default()
        };
        let s = record_schema(&l, &o);
        let mut keys: Vec<&String> = s["properties"].as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["code", "deep", "grp", "id", "id_2", "tail"]);
        assert!(s["properties"]["grp"]["properties"]["inner"].is_object());
        let v: Value = serde_json::from_str(&decode(&l, &View::default(), b"abcd-7eIZ")).unwrap();
        assert!(jsonschema::draft202012::new(&s).unwrap().is_valid(&v));
    }
}

#[test]
fn filler_tables_and_redefines_show_under_a_filler_key() {
    let l = layout(CLOSED);
    let rec = b"a-b-cXYpq";
    assert_eq!(
        decode(&l, &View::default(), rec),
        r#"{"filler":[{"t":"a"},{"t":"b"}],"filler_2":{"r":"c"},"code":"XY"}"#
    );
    // Every alternative: the redefining FILLER group shows its items too.
    let all = CodecOptions {
        redefines: crate::json::RedefinesMode::All,
        ..opts()
    };
    let mut out = Vec::new();
    Decoder::new(&l, all)
        .unwrap()
        .decode(rec, &mut out, FieldErrorMode::Fail)
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        r#"{"filler":[{"t":"a"},{"t":"b"}],"filler_2":{"r":"c"},"alt":"c","code":"XY","filler_3":{"c1":"X","c2":"Y"}}"#
    );
    // The field names of a table's items say which occurrence.
    let e = Decoder::new(&layout(ODO), opts())
        .unwrap()
        .decode(b"2-01x2Z", &mut Vec::new(), FieldErrorMode::Fail)
        .unwrap_err();
    assert_eq!(e.path, "filler[1].amt");
}

#[test]
fn filler_keys_encode_back_to_the_same_bytes() {
    let l = layout(CLOSED);
    // The unnamed FILLER bytes are written as spaces.
    let rec = b"a b cXYpq";
    let v: Value = serde_json::from_str(&decode(&l, &View::default(), rec)).unwrap();
    let mut want = rec.to_vec();
    want[7..9].copy_from_slice(b"  "); // the last table has nothing named: spaces
    assert_eq!(encode(&l, &v).unwrap(), want);
    // The redefining FILLER group is chosen by its key, like any alternative.
    let alt = json!({"filler": [{"t": "a"}, {"t": "b"}], "filler_3": {"c1": "M", "c2": "N"}});
    assert_eq!(&encode(&l, &alt).unwrap()[5..7], b"MN");
    // Items of a FILLER table are not members of the parent.
    let e = encode(&l, &json!({"t": "x"})).unwrap_err();
    assert!(matches!(e.kind, RecordErrorKind::UnknownField(ref k) if k == "t"));
}

#[test]
fn a_filler_table_depending_on_a_counter_is_an_array_of_its_count() {
    let l = layout(ODO);
    let json = decode(&l, &View::default(), b"2-0102Z");
    assert_eq!(
        json,
        r#"{"n":2,"filler_1":"-","filler":[{"amt":1},{"amt":2}],"tail":"Z"}"#
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(encode(&l, &v).unwrap(), b"2-0102Z");
}

#[test]
fn the_schema_describes_filler_keys_as_decode_writes_them() {
    for (src, rec) in [(CLOSED, &b"a b cXYpq"[..]), (ODO, &b"3-010203Z"[..])] {
        let l = layout(src);
        let v: Value = serde_json::from_str(&decode(&l, &View::default(), rec)).unwrap();
        for direction in [SchemaDirection::Decode, SchemaDirection::Encode] {
            let o = SchemaOptions {
                direction,
                ..SchemaOptions::default()
            };
            let s = record_schema(&l, &o);
            assert_eq!(s["properties"]["filler"]["type"], "array", "{s}");
            assert!(
                s["properties"]["filler"]["items"]["properties"]["amt"].is_object()
                    || s["properties"]["filler"]["items"]["properties"]["t"].is_object(),
                "{s}"
            );
            assert!(
                jsonschema::draft202012::new(&s).unwrap().is_valid(&v),
                "{s}"
            );
        }
    }
    // An item of a FILLER table is reached through the key.
    let l = layout(ODO);
    assert!(l.field_by_json_path(&["filler", "amt"]).is_some());
    assert!(l.field_by_json_path(&["amt"]).is_none());
}

#[test]
fn a_filler_key_never_takes_a_name_written_in_the_copybook() {
    // `FILLER-2` is an ordinary name (JSON `filler_2`): the second FILLER table moves on.
    let l = layout(
        "\
       01 REC.
           05 FILLER-2 PIC X.
           05 FILLER OCCURS 2.
              10 A PIC X.
           05 FILLER OCCURS 2.
              10 B PIC X.
",
    );
    assert_eq!(
        decode(&l, &View::default(), b"-abcd"),
        r#"{"filler_2":"-","filler":[{"a":"a"},{"a":"b"}],"filler_3":[{"b":"c"},{"b":"d"}]}"#
    );
}

#[test]
fn views_reach_a_filler_tables_items_through_its_key() {
    let view = View {
        omit: vec![vec!["tail".into()]],
        rename: vec![(vec!["filler".into(), "amt".into()], "amount".into())],
        ..View::default()
    };
    assert_eq!(
        decode(&layout(ODO), &view, b"2-0102Z"),
        r#"{"n":2,"filler_1":"-","filler":[{"amount":1},{"amount":2}]}"#
    );
    // A REDEFINES alternative keyed `filler` is reached like a named one: not at all.
    let view = View {
        omit: vec![vec!["filler_2".into()]],
        ..View::default()
    };
    assert!(Decoder::with_view(&layout(CLOSED), opts(), &view).is_err());
}

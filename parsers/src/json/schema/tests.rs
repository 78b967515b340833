//! One test per mapping rule, on small copybooks; the schemas are checked with a real
//! 2020-12 validator as well as by their keywords.

use serde_json::{json, Value};

use super::*;
use crate::copybook::{parse, ParseOptions};

fn layout(body: &str) -> Layout {
    let src: String = format!("       01 REC.\n{body}")
        .lines()
        .map(|l| format!("{l}\n"))
        .collect();
    parse(&src, &ParseOptions::default()).unwrap()
}

fn opts(direction: SchemaDirection) -> SchemaOptions {
    SchemaOptions {
        direction,
        ..SchemaOptions::default()
    }
}

fn decode_schema(body: &str) -> Value {
    record_schema(&layout(body), &opts(SchemaDirection::Decode))
}

fn encode_schema(body: &str) -> Value {
    record_schema(&layout(body), &opts(SchemaDirection::Encode))
}

fn valid(schema: &Value, instance: Value) -> bool {
    jsonschema::draft202012::new(schema)
        .unwrap()
        .is_valid(&instance)
}

#[test]
fn signed_scaled_numbers_get_bounds_from_digits_and_scale() {
    let body = "           05 AMT PIC S9(5)V99 COMP-3.";
    let e = encode_schema(body);
    let amt = &e["properties"]["amt"];
    assert_eq!(amt["type"], "number");
    assert_eq!(amt["minimum"].to_string(), "-99999.99");
    assert_eq!(amt["maximum"].to_string(), "99999.99");
    assert_eq!(amt["multipleOf"].to_string(), "0.01");
    assert!(valid(&e, json!({"amt": -99999.99})));
    // One digit too many, and one decimal too many, are refused.
    assert!(!valid(&e, json!({"amt": 100000})));
    assert!(!valid(&e, json!({"amt": 1.001})));
    // Decode: S9(5)V99 COMP-3 takes 4 bytes, 7 digit nibbles: the PIC's digits exactly;
    // no fractional multipleOf (float validators reject 0.07 against 0.01).
    let d = decode_schema(body);
    assert_eq!(d["properties"]["amt"]["maximum"].to_string(), "99999.99");
    assert!(d["properties"]["amt"].get("multipleOf").is_none());
    assert_eq!(d["properties"]["amt"]["x-cobol"]["scale"], 2);
    assert!(!valid(&d, json!({"amt": "1.00"})));
}

#[test]
fn unsigned_numbers_start_at_zero_and_scale_zero_is_integer() {
    let e = encode_schema("           05 N PIC 9(3).");
    let n = &e["properties"]["n"];
    assert_eq!(n["type"], "integer");
    assert_eq!(n["minimum"], 0);
    assert_eq!(n["maximum"], 999);
    assert!(!valid(&e, json!({"n": -1})));
    assert!(!valid(&e, json!({"n": 1.5})));
    assert!(valid(&e, json!({"n": 999})));
}

#[test]
fn p_scaling_moves_the_bounds_and_the_step() {
    // Trailing P: stored digits times 1000.
    let e = encode_schema("           05 BIG PIC 9(3)PPP.\n           05 SMALL PIC SVPP99.");
    let big = &e["properties"]["big"];
    assert_eq!(big["type"], "integer");
    assert_eq!(big["maximum"], 999000);
    assert_eq!(big["multipleOf"], 1000);
    assert!(valid(&e, json!({"big": 12000})));
    assert!(!valid(&e, json!({"big": 12500})));
    // Leading P: the digits sit after two unstored zeros.
    let small = &e["properties"]["small"];
    assert_eq!(small["maximum"].to_string(), "0.0099");
    assert_eq!(small["minimum"].to_string(), "-0.0099");
    assert_eq!(small["multipleOf"].to_string(), "0.0001");
    // Decode keeps the integral step: it is exact in any validator.
    let d = decode_schema("           05 BIG PIC 9(3)PPP.");
    assert_eq!(d["properties"]["big"]["multipleOf"], 1000);
}

#[test]
fn binary_items_take_their_full_stored_range_under_trunc_bin() {
    let body = "           05 B PIC S9(4) COMP.\n           05 U PIC 9(4) COMP.\n           05 N PIC 9(4) COMP-5.";
    // TRUNC(BIN), the default: both directions take what the bytes hold.
    for s in [decode_schema(body), encode_schema(body)] {
        assert_eq!(s["properties"]["b"]["minimum"], -32768);
        assert_eq!(s["properties"]["b"]["maximum"], 32767);
        assert_eq!(s["properties"]["u"]["minimum"], 0);
        assert_eq!(s["properties"]["u"]["maximum"], 65535);
        assert!(!valid(&s, json!({"u": 65536})));
    }
    // TRUNC(STD) holds both directions to the PIC, COMP-5 excepted.
    for direction in [SchemaDirection::Decode, SchemaDirection::Encode] {
        let std = SchemaOptions {
            direction,
            trunc: Trunc::Std,
            ..SchemaOptions::default()
        };
        let s = record_schema(&layout(body), &std);
        assert_eq!(s["properties"]["b"]["maximum"], 9999);
        assert_eq!(s["properties"]["u"]["maximum"], 9999);
        assert_eq!(s["properties"]["n"]["maximum"], 65535);
        assert!(!valid(&s, json!({"u": 10000})));
    }
}

#[test]
fn packed_even_digits_decode_their_pad_nibble() {
    // 9(4) COMP-3 takes 3 bytes: under TRUNC(BIN) both sides use all 5 digit nibbles.
    let body = "           05 P PIC 9(4) COMP-3.";
    assert_eq!(decode_schema(body)["properties"]["p"]["maximum"], 99999);
    assert_eq!(encode_schema(body)["properties"]["p"]["maximum"], 99999);
    // Under TRUNC(STD) neither side uses the pad nibble.
    let std = SchemaOptions {
        trunc: Trunc::Std,
        ..SchemaOptions::default()
    };
    assert_eq!(
        record_schema(&layout(body), &std)["properties"]["p"]["maximum"],
        9999
    );
}

#[test]
fn text_is_a_string_of_at_most_its_length() {
    let body = "           05 NAME PIC X(5).\n           05 WIDE PIC N(3).\n           05 FILLER PIC X(4).";
    let d = decode_schema(body);
    assert_eq!(d["properties"]["name"]["maxLength"], 5);
    assert_eq!(d["properties"]["wide"]["maxLength"], 3);
    assert_eq!(d["additionalProperties"], false);
    assert_eq!(d["required"], json!(["name", "wide"]));
    assert!(valid(&d, json!({"name": "ABCDE", "wide": "ÄÖÜ"})));
    // Too long, a number for text, an unknown member (FILLER has none) all fail.
    assert!(!valid(&d, json!({"name": "ABCDEF", "wide": ""})));
    assert!(!valid(&d, json!({"name": 5, "wide": ""})));
    assert!(!valid(&d, json!({"name": "", "wide": "", "filler": "x"})));
    // Encode requires nothing: missing members take VALUE or blanks.
    let e = encode_schema(body);
    assert!(e.get("required").is_none());
    assert!(valid(&e, json!({})));
}

#[test]
fn every_member_says_where_it_comes_from() {
    let d = decode_schema(
        "           05 ID PIC X(4).\n           05 GRP.\n              10 AMT PIC S9(5)V99 COMP-3.\n              10 F PIC X.",
    );
    let amt = &d["properties"]["grp"]["properties"]["amt"];
    assert_eq!(
        amt["x-cobol"],
        json!({"name": "AMT", "level": 10, "pic": "S9(5)V9(2)", "usage": "COMP-3",
               "scale": 2, "offset": 4, "length": 4})
    );
    assert_eq!(
        amt["description"],
        "AMT PIC S9(5)V9(2) COMP-3, 2 decimal places at offset 4"
    );
    let grp = &d["properties"]["grp"];
    assert_eq!(grp["x-cobol"]["offset"], 4);
    assert_eq!(grp["x-cobol"]["length"], 5);
    assert_eq!(grp["properties"]["f"]["x-cobol"]["offset"], 8);
    assert_eq!(d["x-cobol"]["name"], "REC");
    assert_eq!(d["x-cobol"]["length"], 9);
}

#[test]
fn occurs_is_an_array_of_exactly_its_count_when_decoded() {
    let body = "           05 T PIC X(2) OCCURS 3 TIMES.";
    let d = decode_schema(body);
    let t = &d["properties"]["t"];
    assert_eq!(t["type"], "array");
    assert_eq!(t["minItems"], 3);
    assert_eq!(t["maxItems"], 3);
    assert_eq!(t["items"]["maxLength"], 2);
    assert_eq!(t["x-cobol"]["occurs"], 3);
    assert!(!valid(&d, json!({"t": ["a", "b"]})));
    // The encoder fills missing elements with blanks, and refuses a fourth.
    let e = encode_schema(body);
    assert!(valid(&e, json!({"t": ["a"]})));
    assert!(!valid(&e, json!({"t": ["a", "b", "c", "d"]})));
}

#[test]
fn odo_tables_take_their_bounds_and_name_their_counter() {
    let body = "           05 CNT PIC 9.\n           05 TBL OCCURS 1 TO 3 TIMES DEPENDING ON CNT.\n              10 A PIC X.";
    for s in [decode_schema(body), encode_schema(body)] {
        let t = &s["properties"]["tbl"];
        assert_eq!(t["minItems"], 1);
        assert_eq!(t["maxItems"], 3);
        assert_eq!(
            t["x-cobol"]["occurs"],
            json!({"min": 1, "max": 3, "depending_on": "CNT", "counter": "cnt"})
        );
        assert_eq!(s["properties"]["cnt"]["x-cobol"]["counts"], json!(["tbl"]));
        // Both codecs refuse a counter outside the table's range.
        assert_eq!(s["properties"]["cnt"]["minimum"], 1);
        assert_eq!(s["properties"]["cnt"]["maximum"], 3);
        assert!(!valid(&s, json!({"cnt": 0, "tbl": []})));
    }
    let e = encode_schema(body);
    assert!(valid(&e, json!({"tbl": [{"a": "X"}, {"a": "Y"}]})));
}

#[test]
fn dropped_empty_occurrences_lift_min_items_of_fixed_tables_only() {
    let l = layout("           05 T PIC X OCCURS 2 TIMES.\n           05 C PIC 9.\n           05 D PIC X OCCURS 1 TO 3 DEPENDING ON C.");
    let o = SchemaOptions {
        drop_empty_occurs: true,
        ..SchemaOptions::default()
    };
    let s = record_schema(&l, &o);
    assert!(s["properties"]["t"].get("minItems").is_none(), "{s}");
    assert_eq!(s["properties"]["t"]["maxItems"], 2);
    assert_eq!(s["properties"]["d"]["minItems"], 1);
    assert!(valid(&s, json!({"t": ["A"], "c": 1, "d": ["X"]})));
    // Without it, the fixed table always has its two elements.
    assert_eq!(
        decode_schema("           05 T PIC X OCCURS 2 TIMES.")["properties"]["t"]["minItems"],
        2
    );
}

#[test]
fn short_records_require_nothing() {
    let l = layout("           05 A PIC X.\n           05 T PIC X OCCURS 2 TIMES.");
    let o = SchemaOptions {
        short_records: true,
        ..SchemaOptions::default()
    };
    let s = record_schema(&l, &o);
    assert!(s.get("required").is_none());
    assert!(s["properties"]["t"].get("minItems").is_none());
    assert!(valid(&s, json!({"a": "X", "t": ["1"]})));
    assert!(!valid(&s, json!({"a": "XY"})));
}

const REDEF: &str = "           05 D PIC 9(8).\n           05 D-R REDEFINES D.\n              10 YY PIC 9(4).\n              10 MD PIC 9(4).\n           05 D-X REDEFINES D PIC X(8).";

#[test]
fn redefines_decode_first_shows_only_the_first_definition() {
    let d = decode_schema(REDEF);
    let props = d["properties"].as_object().unwrap();
    assert_eq!(props.keys().collect::<Vec<_>>(), ["d"]);
    assert!(!valid(&d, json!({"d": 1, "d_x": "A"})));
}

#[test]
fn redefines_decode_all_shows_every_alternative_or_null() {
    let o = SchemaOptions {
        redefines: RedefinesMode::All,
        ..SchemaOptions::default()
    };
    let d = record_schema(&layout(REDEF), &o);
    assert_eq!(d["required"], json!(["d", "d_r", "d_x"]));
    assert!(valid(
        &d,
        json!({"d": 20240101, "d_r": {"yy": 2024, "md": 101}, "d_x": "20240101"})
    ));
    assert!(valid(
        &d,
        json!({"d": null, "d_r": null, "d_x": "ABCDEFGH"})
    ));
    assert_eq!(d["properties"]["d_r"]["x-cobol"]["redefines"], "D");
}

#[test]
fn redefines_encode_takes_at_most_one_alternative() {
    let e = encode_schema(REDEF);
    assert!(valid(&e, json!({})));
    assert!(valid(&e, json!({"d": 20240101})));
    assert!(valid(&e, json!({"d_r": {"yy": 2024}})));
    assert!(valid(&e, json!({"d_x": "ABC"})));
    // The encoder would write the first and silently drop the other.
    assert!(!valid(&e, json!({"d": 1, "d_x": "ABC"})));
    assert!(!valid(&e, json!({"d_r": {}, "d_x": "ABC"})));
}

#[test]
fn two_redefines_sets_in_one_group_are_both_limited() {
    let e = encode_schema(
        "           05 A PIC X.\n           05 B REDEFINES A PIC 9.\n           05 C PIC X.\n           05 D REDEFINES C PIC 9.",
    );
    assert_eq!(e["allOf"].as_array().unwrap().len(), 2);
    assert!(valid(&e, json!({"a": "x", "d": 1})));
    assert!(!valid(&e, json!({"c": "x", "d": 1})));
}

#[test]
fn selected_alternatives_are_exclusive_when_their_values_are() {
    let mut l = layout(
        "           05 KIND PIC X.\n           05 BODY-A PIC X(4).\n           05 BODY-B REDEFINES BODY-A PIC 9(4).",
    );
    l.select_alternative("BODY-A", "KIND", vec!["A".into()])
        .unwrap();
    l.select_alternative("BODY-B", "KIND", vec!["B".into()])
        .unwrap();
    let d = record_schema(&l, &SchemaOptions::default());
    assert_eq!(d["required"], json!(["kind"]));
    assert_eq!(
        d["properties"]["body_b"]["x-cobol"]["when"]["values"],
        json!(["B"])
    );
    assert!(valid(&d, json!({"kind": "B", "body_b": 12})));
    assert!(!valid(
        &d,
        json!({"kind": "B", "body_a": "x", "body_b": 12})
    ));
}

const FLAGS: &str = "           05 ST PIC X.\n              88 OPEN-ST VALUE 'O'.\n              88 SHUT VALUE 'S' 'C'.\n           05 LVL PIC 99.\n              88 LOW VALUE 1 THRU 3.\n           05 YN PIC X VALUE 'N'.";

#[test]
fn conditions_are_listed_and_limit_encode_only() {
    let e = encode_schema(FLAGS);
    let st = &e["properties"]["st"];
    assert_eq!(
        st["x-cobol-conditions"],
        json!({"OPEN-ST": "O", "SHUT": ["S", "C"]})
    );
    // Blank, which a missing member is written as, is allowed when given too.
    assert_eq!(st["enum"], json!(["O", "S", "C", ""]));
    assert!(valid(&e, json!({"st": "C"})));
    assert!(!valid(&e, json!({"st": "X"})));
    // A range cannot be an enum; it is listed only.
    let lvl = &e["properties"]["lvl"];
    assert!(lvl.get("enum").is_none());
    assert_eq!(lvl["x-cobol-conditions"], json!({"LOW": "1 THRU 3"}));
    // VALUE is what the encoder writes for a missing member.
    assert_eq!(e["properties"]["yn"]["default"], "N");
    let with_value =
        encode_schema("           05 F PIC X VALUE 'N'.\n              88 F-YES VALUE 'Y'.");
    assert_eq!(with_value["properties"]["f"]["enum"], json!(["Y", "N"]));
    // Files hold values their 88s never named: a response may carry them.
    let d = decode_schema(FLAGS);
    assert!(d["properties"]["st"].get("enum").is_none());
    assert_eq!(d["properties"]["st"]["x-cobol-conditions"]["OPEN-ST"], "O");
    assert!(valid(&d, json!({"st": "X", "lvl": 7, "yn": "Y"})));
}

#[test]
fn numbers_as_strings_are_strings_when_decoded_and_either_when_encoded() {
    let l = layout("           05 AMT PIC S9(3)V99 COMP-3.");
    let d = record_schema(
        &l,
        &SchemaOptions {
            numbers_as_strings: true,
            ..SchemaOptions::default()
        },
    );
    assert!(valid(&d, json!({"amt": "-123.45"})));
    assert!(!valid(&d, json!({"amt": -123.45})));
    let e = record_schema(
        &l,
        &SchemaOptions {
            direction: SchemaDirection::Encode,
            numbers_as_strings: true,
            ..SchemaOptions::default()
        },
    );
    assert!(valid(&e, json!({"amt": "-123.45"})));
    assert!(valid(&e, json!({"amt": -123.45})));
    assert!(!valid(&e, json!({"amt": "1234"})));
    assert!(!valid(&e, json!({"amt": "1.234"})));
}

#[test]
fn floats_are_numbers_without_a_step() {
    let d = decode_schema("           05 F1 COMP-1.\n           05 F2 COMP-2.");
    assert_eq!(d["properties"]["f1"]["type"], "number");
    assert!(d["properties"]["f2"].get("multipleOf").is_none());
    assert_eq!(d["properties"]["f2"]["x-cobol"]["pic"], "COMP-2");
    assert!(!valid(&d, json!({"f1": "1.5", "f2": 0})));
}

#[test]
fn an_elementary_record_is_an_object_of_one_member() {
    let l = parse("       01 CODE PIC X(3).\n", &ParseOptions::default()).unwrap();
    let d = record_schema(&l, &SchemaOptions::default());
    assert_eq!(d["required"], json!(["code"]));
    assert!(valid(&d, json!({"code": "ABC"})));
    assert!(!valid(&d, json!("ABC")));
}

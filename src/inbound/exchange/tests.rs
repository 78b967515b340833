use super::*;
use serde_json::json;

fn layout() -> Layout {
    let text = "       01 R.\n          05 RC PIC 9(2).\n          05 MSG PIC X(10).\n          05 NAME PIC X(5).\n          05 AMT PIC S9(3)V99.\n";
    ferrule_parsers::copybook::parse(text, &Default::default()).expect("copybook")
}

#[test]
fn values_are_shaped_for_their_fields() {
    let l = layout();
    let p = |s: &str| vec![s.to_string()];
    // A number into a text field becomes its text; into a number field it stays.
    assert_eq!(fit(&l, &p("name"), json!(12)), json!("12"));
    assert_eq!(fit(&l, &p("name"), json!(true)), json!("Y"));
    assert_eq!(fit(&l, &p("amt"), json!(1.5)), json!(1.5));
    assert_eq!(fit(&l, &p("amt"), json!("1.50")), json!("1.50"));
}

#[test]
fn short_or_bad_records_are_refused_with_where() {
    let l = layout();
    let codec = CodecOptions {
        codepage: ferrule_parsers::codepage::CodePage::by_name("latin1").expect("latin1"),
        ..CodecOptions::default()
    };
    let e = decode(&l, codec, b"00").unwrap_err();
    assert!(e.contains("record of 2 bytes"), "{e}");
    let e = decode(&l, codec, b"0!MESSAGE   NAME 00150").unwrap_err();
    assert!(e.contains("rc"), "{e}");
    let v = decode(&l, codec, b"04MESSAGE   NAME 00150").expect("decodes");
    assert_eq!(v["name"], "NAME");
}

#[test]
fn failure_records_carry_the_code_the_message_and_the_reply_constants() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = crate::inbound::testing::one_route(
        "http://127.0.0.1:9/x",
        "reply = { city = \"N/A\", street = \"-\" }\n\
         errors = { field = \"result_code\", message_field = \"message_text\", \
         map = { timeout = 8, \"*\" = 12 } }",
    );
    let g = crate::inbound::testing::load(dir.path(), &text);
    let route = &g.inbound.routes[0];
    let codec = g.inbound.listeners[0].codec;
    let long = "x".repeat(100);
    let rec = failure_record(route, codec, "timeout", &long);
    let rec = String::from_utf8(rec).expect("latin1 ascii");
    assert_eq!(rec.len(), 104);
    assert_eq!(&rec[..2], "08");
    // The message is cut to its field; the constants are there; the rest blank/zero.
    assert_eq!(&rec[2..42], &long[..40]);
    assert_eq!(rec[42..72].trim_end(), "-");
    assert_eq!(rec[72..92].trim_end(), "N/A");
    assert_eq!(&rec[92..], "000000000000");
    // A constant that does not fit is refused by the config check.
    let bad = text.replace("city = \"N/A\"", "city = \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\"");
    let ps = crate::config::load_str(&bad, &dir.path().join("ferrule.toml")).expect_err("invalid");
    assert_eq!(ps.len(), 1, "{ps:?}");
    assert_eq!(ps[0].path, "inbound[0].reply.city", "{ps:?}");
}

/// The list route: `addrl-rsp.cpy` with its three tables filled from `extra`'s `fields`.
fn list_route(dir: &std::path::Path, fields: &str) -> (Arc<InboundRoute>, CodecOptions) {
    let text = crate::inbound::testing::one_route(
        "http://127.0.0.1:9/x",
        &format!(
            "{fields}\nerrors = {{ field = \"result_code\", message_field = \"message_text\", \
             map = {{ \"*\" = 12 }} }}"
        ),
    )
    .replace("addrq-rsp.cpy", "addrl-rsp.cpy");
    let g = crate::inbound::testing::load(dir, &text);
    (g.inbound.routes[0].clone(), g.inbound.listeners[0].codec)
}

const LIST_FIELDS: &str = "fields = { \
    matches = { from = \"results\", count = \"match_count\", \
                each = { house = \"premises\", street = \"road.name\", uprn = \"uprn\" } }, \
    tags = { from = \"tags\" }, \
    nearby = { from = \"near\", each = { name = \"town\" } } }";

#[test]
fn tables_are_filled_from_arrays_element_by_element() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (route, codec) = list_route(dir.path(), LIST_FIELDS);
    let answer = json!({
        "results": [
            {"premises": "7", "road": {"name": "MILL LANE"}, "uprn": 100012345678u64},
            {"premises": 9, "road": {"name": "MILL LANE"}, "uprn": null},
        ],
        "tags": ["RES", "URB"],
        "near": [{"town": "YORK"}],
    });
    let rec = answer_record(&route, codec, answer.to_string().as_bytes()).expect("fits");
    let rec = String::from_utf8(rec).expect("latin1 ascii");
    let blank_match = format!("{}{}{}", " ".repeat(26), "0".repeat(12), " ".repeat(22));
    let expected = [
        "00",
        &" ".repeat(40),
        "02",
        &format!("7     {:20}100012345678{}", "MILL LANE", " ".repeat(22)),
        // A number into a text member is its text; a null member stays zero.
        &format!("9     {:20}000000000000{}", "MILL LANE", " ".repeat(22)),
        &blank_match,
        "RES URB ",
        // The DEPENDING ON counter follows the array: one element, so the record ends there.
        "01",
        "YORK      ",
    ]
    .concat();
    assert_eq!(rec, expected);
}

#[test]
fn absent_arrays_leave_tables_empty_and_wrong_shapes_are_bad_responses() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (route, codec) = list_route(dir.path(), LIST_FIELDS);
    // No arrays at all: counts 0, tables blank, the DEPENDING ON table absent.
    let rec = answer_record(&route, codec, b"{}").expect("fits");
    let rec = String::from_utf8(rec).expect("latin1 ascii");
    assert_eq!(rec.len(), 2 + 40 + 2 + 3 * 60 + 8 + 2);
    assert_eq!(&rec[42..44], "00");
    assert!(rec.ends_with("        00"), "{rec}");
    // Not an array: said, with the path.
    let e = answer_record(&route, codec, br#"{"results": {"premises": "7"}}"#).unwrap_err();
    assert_eq!(e, "`results` in the answer is not an array");
    // More than the table holds: refused by default, naming both sizes...
    let four = json!({"results": [{}, {}, {}, {"premises": "4"}]}).to_string();
    let e = answer_record(&route, codec, four.as_bytes()).unwrap_err();
    assert_eq!(e, "4 elements at `results`: the table `matches` holds 3");
    let three_near = json!({"near": [{}, {}, {}]}).to_string();
    let e = answer_record(&route, codec, three_near.as_bytes()).unwrap_err();
    assert_eq!(e, "3 elements at `near`: the table `nearby` holds 2");
    // ...or the first ones kept with `overflow = "truncate"`, the count saying how many.
    let (route, codec) = list_route(
        dir.path(),
        &LIST_FIELDS.replace("count = ", "overflow = \"truncate\", count = "),
    );
    let rec = answer_record(&route, codec, four.as_bytes()).expect("fits");
    let rec = String::from_utf8(rec).expect("latin1 ascii");
    assert_eq!(&rec[42..44], "03");
    assert!(!rec.contains('4'), "{rec}");
}

#[test]
fn a_binary_count_in_the_style_of_generated_language_structures_is_set() {
    // CICS and z/OS Connect tooling write a table's count as `-num PIC S9(9) COMP-5 SYNC`
    // beside the table (here after a 1-byte field, so SYNC pads it to offset 4).
    let dir = tempfile::tempdir().expect("temp dir");
    let cpy = dir.path().join("gen-rsp.cpy");
    std::fs::write(
        &cpy,
        "       01 RESPONSE.\n\
         \x20         03 RESULT-CODE PIC 9(2).\n\
         \x20         03 results-num PIC S9(9) COMP-5 SYNC.\n\
         \x20         03 results OCCURS 2.\n\
         \x20           05 id PIC S9(9) COMP-5 SYNC.\n\
         \x20           05 label PIC X(3).\n",
    )
    .expect("copybook");
    let text = crate::inbound::testing::one_route(
        "http://127.0.0.1:9/x",
        "fields = { results = { from = \"items\", count = \"results_num\", \
         each = { id = \"id\", label = \"name\" } } }\n\
         errors = { field = \"result_code\", map = { \"*\" = 12 } }",
    )
    .replace(
        &format!(
            "{}/tests/cobol/inbound/addrq-rsp.cpy",
            env!("CARGO_MANIFEST_DIR")
        ),
        &cpy.display().to_string(),
    );
    let g = crate::inbound::testing::load(dir.path(), &text);
    let (route, codec) = (&g.inbound.routes[0], g.inbound.listeners[0].codec);
    let answer = json!({"items": [{"id": 7, "name": "abc"}]});
    let rec = answer_record(route, codec, answer.to_string().as_bytes()).expect("fits");
    // "00", 2 slack bytes, the count 1 (big-endian: the listener's dialect is IBM's), then
    // the first element (id at its own 4-byte boundary) and a blank second one.
    assert_eq!(&rec[..2], b"00");
    assert_eq!(&rec[4..8], 1i32.to_be_bytes());
    assert_eq!(&rec[8..12], 7i32.to_be_bytes());
    assert_eq!(&rec[12..15], b"abc");
    assert_eq!(rec.len(), 8 + 2 * 8, "{rec:?}");
}

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

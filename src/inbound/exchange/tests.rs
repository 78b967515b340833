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

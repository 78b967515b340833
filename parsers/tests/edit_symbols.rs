//! DECIMAL-POINT IS COMMA and currency signs through the record codecs: edited fields
//! decode and encode exactly, and the code page must hold the currency sign in one byte.
#![allow(clippy::unwrap_used)]

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::copybook::{parse, ParseOptions, SourceFormat};
use ferrule_parsers::dialect::EditSymbols;
use ferrule_parsers::json::{CodecOptions, Decoder, Encoder, FieldErrorMode};
use ferrule_parsers::layout::Layout;

fn layout(src: &str, symbols: EditSymbols) -> Layout {
    let opts = ParseOptions {
        format: SourceFormat::Free,
        symbols,
        ..Default::default()
    };
    parse(src, &opts).unwrap_or_else(|e| panic!("{}", e.render(src, "t.cpy")))
}

fn opts(cp: &str) -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name(cp).unwrap(),
        numbers_as_strings: true,
        ..Default::default()
    }
}

fn decode(l: &Layout, cp: &str, record: &[u8]) -> String {
    let mut d = Decoder::new(l, opts(cp)).unwrap();
    let mut out = Vec::new();
    d.decode(record, &mut out, FieldErrorMode::Fail).unwrap();
    String::from_utf8(out).unwrap()
}

fn encode(l: &Layout, cp: &str, json: &str) -> Vec<u8> {
    let mut e = Encoder::new(l, opts(cp)).unwrap();
    let mut out = Vec::new();
    e.encode(&serde_json::from_str(json).unwrap(), &mut out, false)
        .unwrap();
    out
}

#[test]
fn european_amounts_round_trip_in_latin1_and_ebcdic() {
    // 1234567.89 as `Z.ZZZ.ZZ9,99` is "1.234.567,89", in ASCII and in cp1140.
    let comma = EditSymbols {
        decimal_comma: true,
        ..EditSymbols::STANDARD
    };
    let l = layout(
        "01 R.\n 05 AMT PIC Z.ZZZ.ZZ9,99.\n 05 NEG PIC -.--9,99.",
        comma,
    );
    let bytes = b"1.234.567,89  -12,50";
    let json = decode(&l, "latin1", bytes);
    assert_eq!(json, r#"{"amt":"1234567.89","neg":"-12.50"}"#);
    assert_eq!(encode(&l, "latin1", &json), bytes);
    let ebcdic = CodePage::by_name("cp1140")
        .unwrap()
        .encode("1.234.567,89  -12,50")
        .unwrap();
    assert_eq!(decode(&l, "cp1140", &ebcdic), json);
    assert_eq!(encode(&l, "cp1140", &json), ebcdic);
}

#[test]
fn currency_signs_use_the_code_pages_single_byte() {
    // The euro is 0x9F in cp1140, 0xA4 in ISO-8859-15: one byte, one position.
    let euro = EditSymbols::STANDARD.with_currency("€", Some("U")).unwrap();
    let l = layout("01 R.\n 05 P PIC UUU,UU9.99.", euro);
    assert_eq!(l.root.size, 10);
    let latin9 = [b" \xA4", &b"1,234.56"[..]].concat();
    assert_eq!(decode(&l, "iso-8859-15", &latin9), r#"{"p":"1234.56"}"#);
    assert_eq!(encode(&l, "iso-8859-15", r#"{"p":"1234.56"}"#), latin9);
    let cp1140 = encode(&l, "cp1140", r#"{"p":"1234.56"}"#);
    assert_eq!(cp1140.get(1), Some(&0x9F));
    assert_eq!(decode(&l, "cp1140", &cp1140), r#"{"p":"1234.56"}"#);
    // The pound in cp285 (UK EBCDIC) is 0x5B, where cp037 has `$`.
    let pound = EditSymbols::STANDARD.with_currency("£", None).unwrap();
    let l = layout("01 R.\n 05 P PIC £££,££9.99.", pound);
    let b = encode(&l, "cp285", r#"{"p":"99999.99"}"#);
    assert_eq!(b.first(), Some(&0x5B));
    assert_eq!(decode(&l, "cp285", &b), r#"{"p":"99999.99"}"#);
}

#[test]
fn a_code_page_without_the_sign_is_refused_up_front() {
    // cp037 has no euro sign, UTF-8 writes it in three bytes: both refused by name.
    let euro = EditSymbols::STANDARD.with_currency("€", None).unwrap();
    let l = layout("01 R.\n 05 P PIC €€€9.99.", euro);
    for cp in ["cp037", "utf-8", "latin1"] {
        let e = Decoder::new(&l, opts(cp)).err().unwrap();
        let m = e.to_string();
        assert!(
            m.contains("has no single-byte form in code page"),
            "{cp}: {m}"
        );
        assert!(Encoder::new(&l, opts(cp)).is_err(), "{cp}");
    }
}

//! Records that end inside their last field (segmented files cut the last field short):
//! text decodes to the bytes that are there, a number cut short stays an error, and the
//! encoder can write such a record back at its original length.

#![allow(clippy::unwrap_used)]

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::json::{CodecOptions, Decoder, Encoder, FieldErrorMode, RecordError, RecordErrorKind};

const REC: &str = "\
       01 R.
           05 N PIC 9(3).
           05 T PIC X(6).
           05 W PIC N(2).
";

fn opts() -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name("latin1").unwrap(),
        ..CodecOptions::default()
    }
}

fn decode(rec: &[u8], mode: FieldErrorMode) -> Result<(String, usize), RecordError> {
    let layout = parse(REC, &ParseOptions::default()).unwrap();
    let mut out = Vec::new();
    let d = Decoder::new(&layout, opts())
        .unwrap()
        .decode(rec, &mut out, mode)?;
    Ok((String::from_utf8(out).unwrap(), d.field_errors.len()))
}

fn encode(json: &str, trim_trailing: bool) -> Vec<u8> {
    let layout = parse(REC, &ParseOptions::default()).unwrap();
    let mut enc = Encoder::new(&layout, opts()).unwrap();
    enc.set_trim_trailing(trim_trailing);
    let mut out = Vec::new();
    enc.encode(&serde_json::from_str(json).unwrap(), &mut out, true)
        .unwrap();
    out
}

#[test]
fn text_cut_short_decodes_the_bytes_that_are_there() {
    // The record ends 2 bytes into T (and before W): T is "ab", W is absent.
    assert_eq!(
        decode(b"123ab", FieldErrorMode::Fail).unwrap(),
        (r#"{"n":123,"t":"ab"}"#.to_string(), 0)
    );
    // PIC N cut after one whole UTF-16 unit and half of the next: the whole unit.
    assert_eq!(
        decode(b"123abcdef\x00Z\x00", FieldErrorMode::Fail).unwrap(),
        (r#"{"n":123,"t":"abcdef","w":"Z"}"#.to_string(), 0)
    );
}

#[test]
fn a_number_cut_short_is_still_an_error() {
    // N needs 3 bytes, the record has 2: an error at byte 0, or null with a report.
    let e = decode(b"12", FieldErrorMode::Fail).unwrap_err();
    assert!(
        matches!(e.kind, RecordErrorKind::CutShort { have: 2, need: 3 }),
        "{e}"
    );
    assert_eq!((e.path.as_str(), e.offset), ("n", 0));
    assert_eq!(
        decode(b"12", FieldErrorMode::Null).unwrap(),
        (r#"{"n":null}"#.to_string(), 1)
    );
    // Half a UTF-16 unit is not text either.
    let e = decode(b"123abcdef\x00", FieldErrorMode::Fail).unwrap_err();
    assert!(matches!(e.kind, RecordErrorKind::CutShort { .. }), "{e}");
}

#[test]
fn trim_trailing_writes_a_cut_record_back_at_its_length() {
    let json = r#"{"n":123,"t":"ab"}"#;
    // Without it the last present field is written whole; with it the record ends
    // after the text's content, as the cut record did.
    assert_eq!(encode(json, false), b"123ab    ");
    assert_eq!(encode(json, true), b"123ab");
    // Empty text keeps one byte, so the field is still there when read back.
    assert_eq!(encode(r#"{"n":1,"t":""}"#, true), b"001 ");
    // A number last: nothing to trim.
    assert_eq!(encode(r#"{"n":7}"#, true), b"007");
}

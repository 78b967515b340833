//! The encoder's shortcut for unsigned integer zoned items given plain digits (`"62"`,
//! `62`): the same bytes and errors as the general path through a parsed decimal, which
//! the same digits with a leading `+` take.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::json::{CodecOptions, Encoder, Json, RecordErrorKind};

/// Unsigned integers of several sizes (the shortcut's), and items it leaves alone: a
/// signed one, one with decimals, one BLANK WHEN ZERO and one SIGN SEPARATE.
const REC: &str = "\
       01 REC.
           05 A PIC 9.
           05 B PIC 9(3).
           05 C PIC 9(5).
           05 S PIC S9(3).
           05 D PIC 9(3)V9.
           05 Z PIC 9(2) BLANK WHEN ZERO.
           05 L PIC S9(2) SIGN LEADING SEPARATE.
";

const KEYS: [&str; 7] = ["a", "b", "c", "s", "d", "z", "l"];

/// The record for `{key: value}` (value as JSON text), or the error's path and kind.
fn encode(page: &str, key: &str, value: &str) -> Encoded {
    let l = parse(REC, &ParseOptions::default()).unwrap();
    let opts = CodecOptions {
        codepage: CodePage::by_name(page).unwrap(),
        ..CodecOptions::default()
    };
    let text = format!("{{\"{key}\":{value}}}");
    let json: Json = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    Encoder::new(&l, opts)
        .unwrap()
        .encode_all_from(&json, &mut out, false)
        .map(|()| out)
        .map_err(|mut e| {
            let e = e.remove(0);
            (e.path, e.kind)
        })
}

#[test]
fn plain_digits_are_written_zero_filled() {
    // "62" into PIC 9(3): 062 in EBCDIC digits, everything else at its default.
    let rec = encode("cp037", "b", "\"62\"").unwrap();
    assert_eq!(rec.get(1..4).unwrap(), [0xF0, 0xF6, 0xF2]);
    let rec = encode("latin1", "c", "7").unwrap();
    assert_eq!(rec.get(4..9).unwrap(), b"00007");
    // Too many digits: the general path's overflow, naming the field.
    let (path, kind) = encode("latin1", "b", "\"1234\"").unwrap_err();
    assert_eq!(path, "b");
    assert_eq!(kind, encode("latin1", "b", "\"+1234\"").unwrap_err().1);
}

type Encoded = Result<Vec<u8>, (String, RecordErrorKind)>;

/// The same bytes, or an error for the same field (the shortcut writes nothing on an
/// error: the general path reports it, quoting the text it was given).
fn same(got: &Encoded, want: &Encoded) -> Result<(), TestCaseError> {
    match (got, want) {
        (Err((a, _)), Err((b, _))) => prop_assert_eq!(a, b),
        _ => prop_assert_eq!(got, want),
    }
    Ok(())
}

proptest! {
    /// Any digits (none, leading zeros, too many), as a string or a number, into every
    /// kind of item: what the general path writes for them (reached with a `+`).
    #[test]
    fn digits_encode_as_the_general_path_does(
        digits in "[0-9]{0,7}",
        key in proptest::sample::select(KEYS.to_vec()),
        ebcdic in any::<bool>(),
        pad in any::<bool>(),
    ) {
        let page = if ebcdic { "cp037" } else { "latin1" };
        let sp = if pad { " " } else { "" };
        let want = encode(page, key, &format!("\"{sp}+{digits}{sp}\""));
        same(&encode(page, key, &format!("\"{sp}{digits}{sp}\"")), &want)?;
        // A JSON number has no leading zeros.
        if !digits.is_empty() && (digits == "0" || !digits.starts_with('0')) {
            same(&encode(page, key, &digits), &want)?;
        }
    }
}

//! Dropping trailing empty occurrences with and without the memo of an element seen to
//! decode empty: the same JSON and errors, fewer elements decoded.

use proptest::prelude::*;

use super::*;
use crate::copybook::{parse, ParseOptions};
use crate::json::{CodecOptions, Decoder, FieldErrorMode, View};

/// Runs the rule over `elements` (each one byte naming its JSON: `E` empty, `X` not),
/// returning the text and how many elements were decoded.
fn run(elements: &[u8], memo: Option<&mut Memo>) -> (String, usize) {
    let mut out = b"[".to_vec();
    let mut decoded = 0;
    let bytes: Vec<[u8; 1]> = elements.iter().map(|&b| [b]).collect();
    drop_trailing_empty::<()>(
        &mut out,
        elements.len(),
        1,
        b' ',
        |i| bytes.get(i).map_or(&[][..], |b| &b[..]),
        memo,
        |i, out| {
            decoded += 1;
            if i > 0 {
                out.push(b',');
            }
            let json: &[u8] = if elements.get(i) == Some(&b'E') {
                br#"{"a":""}"#
            } else {
                br#"{"a":"X"}"#
            };
            out.extend_from_slice(json);
            Ok(())
        },
    )
    .unwrap();
    out.push(b']');
    (String::from_utf8(out).unwrap(), decoded)
}

#[test]
fn bytes_seen_empty_are_copied_without_decoding() {
    // Learnt on the first record: the trailing Es are decoded once and remembered.
    let mut memo = Memo::new();
    assert_eq!(run(b"XEE", Some(&mut memo)), (r#"[{"a":"X"}]"#.into(), 3));
    assert_eq!(memo.get(1).map(|m| m.0.as_slice()), Some(&b"E"[..]));
    // Then they are not decoded at all, and the answer is the same.
    assert_eq!(run(b"XEE", Some(&mut memo)), (r#"[{"a":"X"}]"#.into(), 1));
    assert_eq!(run(b"XEE", None), (r#"[{"a":"X"}]"#.into(), 3));
    // An E before an X is still written, in its place (index 1 is known; 0 is not).
    let with = run(b"EEX", Some(&mut memo));
    assert_eq!(with, (r#"[{"a":""},{"a":""},{"a":"X"}]"#.into(), 2));
    assert_eq!(with.0, run(b"EEX", None).0);
    // Nothing learnt from a non-empty element.
    let mut fresh = Memo::new();
    run(b"XX", Some(&mut fresh));
    assert!(fresh.iter().all(|(b, _)| b.is_empty()));
}

const TABLE: &str = "\
       01 R.
           05 RC PIC 9(2).
           05 T OCCURS 4.
              10 A PIC X(2).
              10 N PIC 9(2).
              10 P PIC S9(3) COMP-3.
";

/// Element images: empty ones (blanks and zeros, two spellings of a packed zero, all
/// spaces, low-values), a shown one, and two invalid ones (a letter in a zoned field,
/// a bad packed sign).
const ELEMENTS: [[u8; 6]; 7] = [
    [0x40, 0x40, 0xF0, 0xF0, 0x00, 0x0C],
    [0x40, 0x40, 0xF0, 0xF0, 0x00, 0x0F],
    [0x40; 6],
    [0x00; 6],
    [0xC1, 0xC2, 0xF1, 0xF2, 0x01, 0x2C],
    [0x40, 0x40, 0xC1, 0xF0, 0x00, 0x0C],
    [0x40, 0x40, 0xF0, 0xF0, 0x00, 0x05],
];

proptest! {
    #[test]
    fn a_decoder_that_remembers_writes_what_a_fresh_one_writes(
        records in prop::collection::vec(prop::collection::vec(0..ELEMENTS.len(), 4), 1..12),
        null_mode in any::<bool>(),
    ) {
        let layout = parse(TABLE, &ParseOptions::default()).unwrap();
        let view = View::trimming(true);
        let mode = if null_mode { FieldErrorMode::Null } else { FieldErrorMode::Fail };
        let mut kept = Decoder::with_view(&layout, CodecOptions::default(), &view).unwrap();
        prop_assert!(kept.uses_flat());
        for picks in records {
            let mut rec = vec![0xF0, 0xF0];
            for p in picks {
                rec.extend_from_slice(&ELEMENTS[p]);
            }
            let mut fresh = Decoder::with_view(&layout, CodecOptions::default(), &view).unwrap();
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let ra = kept.decode(&rec, &mut a, mode);
            let rb = fresh.decode(&rec, &mut b, mode);
            prop_assert_eq!(ra, rb);
            prop_assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
        }
    }
}

//! Hidden text (a FILLER, a field a view omits) in the flat program: where the code
//! page decodes every byte such text can neither fail nor show, so the program has no
//! step for it; where it does not, its bad bytes still fail the record as in the walk.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::json::{CodecOptions, Decoder, FieldErrorMode, RecordError, View};
use crate::layout::Layout;

/// Hidden text before, between and after shown items, and inside a trimmed table's
/// elements; the omitted NOTE is hidden by the view.
const REC: &str = "\
       01 REC.
           05 ID PIC X(2).
           05 FILLER PIC X(2).
           05 NOTE PIC X(2).
           05 T OCCURS 3.
              10 FILLER PIC X.
              10 V PIC X.
              10 N PIC 9.
           05 FILLER PIC X(3).
";

fn layout() -> Layout {
    parse(REC, &ParseOptions::default()).unwrap()
}

fn view() -> View {
    View {
        omit: vec![vec!["note".into()]],
        drop_empty_occurs: true,
        ..View::default()
    }
}

fn opts(page: &str) -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name(page).unwrap(),
        ..CodecOptions::default()
    }
}

type Both = (
    Result<String, RecordError>,
    Result<(String, usize), RecordError>,
);

/// The flat program's and the walk's answers for `rec` in `mode`: the text (or the
/// error) and, in Null mode, the field errors' paths.
fn both(page: &str, rec: &[u8], mode: FieldErrorMode) -> (Both, Both) {
    let l = layout();
    let mut d = Decoder::with_view(&l, opts(page), &view()).unwrap();
    assert!(d.uses_flat());
    let mut run = |walk: bool| -> Both {
        let mut out = Vec::new();
        let r = if walk {
            d.decode_tree_walk(rec, &mut out, mode)
        } else {
            d.decode(rec, &mut out, mode)
        };
        let text = String::from_utf8(out).unwrap();
        let paths = r.map(|got| {
            let paths: Vec<_> = got.field_errors.iter().map(|e| e.path.clone()).collect();
            (paths.join(","), got.field_errors.len())
        });
        (Ok(text), paths)
    };
    (run(false), run(true))
}

#[test]
fn hidden_text_in_a_total_page_is_no_step_and_writes_the_same() {
    // cp037: every byte decodes, so the FILLERs and NOTE have no steps; any bytes there
    // (quotes, controls, 0xFF) change nothing.
    let mut rec = vec![0xC1, 0xC2, 0x7F, 0xFF, 0x00, 0x05];
    rec.extend_from_slice(&[0x40, 0xC1, 0xF1, 0xFF, 0x40, 0xF0, 0x40, 0x40, 0x40]);
    rec.extend_from_slice(&[0x7F, 0xE0, 0x15]);
    let (flat, walk) = both("cp037", &rec, FieldErrorMode::Fail);
    assert_eq!(
        flat.0.as_ref().unwrap(),
        r#"{"id":"AB","t":[{"v":"A","n":1}]}"#
    );
    assert_eq!(flat, walk);
}

#[test]
fn hidden_text_that_cannot_decode_still_fails_the_record() {
    // ascii: bytes from 0x80 do not decode, so hidden text keeps its steps and its
    // error, in the FILLER after ID, in NOTE and in a table element's FILLER.
    for at in [2, 4, 6, 9, 15] {
        let mut rec = b"ab  noxA1 B2 C3   ".to_vec();
        rec[at] = 0x80;
        let l = layout();
        let mut d = Decoder::with_view(&l, opts("ascii"), &view()).unwrap();
        let flat = d
            .decode(&rec, &mut Vec::new(), FieldErrorMode::Fail)
            .unwrap_err();
        let walk = d
            .decode_tree_walk(&rec, &mut Vec::new(), FieldErrorMode::Fail)
            .unwrap_err();
        assert_eq!(flat, walk, "byte {at}");
        // In Null mode the error is counted, and nothing is shown for it.
        let (flat, walk) = both("ascii", &rec, FieldErrorMode::Null);
        assert_eq!(flat.1.as_ref().unwrap().1, 1, "byte {at}");
        assert_eq!(flat, walk, "byte {at}");
    }
}

proptest! {
    /// Any record, in a page that decodes every byte and in one that does not: the flat
    /// program (with or without hidden steps) and the walk agree, in both modes.
    #[test]
    fn flat_and_walk_agree_on_hidden_text(
        rec in proptest::collection::vec(
            prop_oneof![Just(0x40u8), Just(0x20), Just(0xF0), Just(0xF1), Just(0x31),
                Just(0xC1), Just(0x41), Just(0x80), Just(0xFF), Just(0x7F), any::<u8>()],
            18,
        ),
        null in any::<bool>(),
    ) {
        let mode = if null { FieldErrorMode::Null } else { FieldErrorMode::Fail };
        for page in ["cp037", "ascii", "latin1"] {
            let (flat, walk) = both(page, &rec, mode);
            prop_assert_eq!(flat, walk, "{}", page);
        }
    }
}

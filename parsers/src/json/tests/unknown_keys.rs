//! Keys the layout does not have: the encoder names each one, in document order,
//! against the keys each group's plan lists (its named members and those of its
//! transparent FILLER groups), whatever order the object gives them in.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use crate::codepage::CodePage;
use crate::copybook::{parse, ParseOptions};
use crate::json::{CodecOptions, Encoder, Json, RecordErrorKind};

/// Known keys: a, b, c (a member of a transparent FILLER group) and d; `filler` is not
/// one.
const REC: &str = "\
       01 REC.
           05 A PIC X.
           05 FILLER PIC X.
           05 B PIC 9.
           05 FILLER.
              10 C PIC X.
           05 D PIC X.
";

const KNOWN: [&str; 4] = ["a", "b", "c", "d"];

/// The unknown keys `encode_all` reports for the object with `keys` (in that order).
fn unknown(keys: &[&str]) -> Vec<String> {
    let l = parse(REC, &ParseOptions::default()).unwrap();
    let opts = CodecOptions {
        codepage: CodePage::by_name("latin1").unwrap(),
        ..CodecOptions::default()
    };
    let members: Vec<String> = keys
        .iter()
        .map(|k| match *k {
            "b" => format!("\"{k}\":1"),
            _ => format!("\"{k}\":\"x\""),
        })
        .collect();
    let text = format!("{{{}}}", members.join(","));
    let json: Json = serde_json::from_str(&text).unwrap();
    let mut enc = Encoder::new(&l, opts).unwrap();
    match enc.encode_all_from(&json, &mut Vec::new(), false) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .into_iter()
            .map(|e| match e.kind {
                RecordErrorKind::UnknownField(k) => {
                    assert_eq!(e.path, k);
                    k
                }
                other => panic!("{text}: {other:?}"),
            })
            .collect(),
    }
}

#[test]
fn keys_in_the_layouts_order_are_known() {
    assert!(unknown(&["a", "b", "d"]).is_empty());
    // A member of the transparent FILLER group, in order or not.
    assert!(unknown(&["a", "b", "c", "d"]).is_empty());
    assert!(unknown(&["c", "a"]).is_empty());
    // Out of the layout's order (the gateway's `set` templates come sorted by name).
    assert!(unknown(&["d", "b", "a"]).is_empty());
}

#[test]
fn an_unknown_key_among_ordered_ones_is_named() {
    // After, between and before keys in the layout's order.
    assert_eq!(unknown(&["a", "b", "zz"]), ["zz"]);
    assert_eq!(unknown(&["a", "e", "d"]), ["e"]);
    assert_eq!(unknown(&["filler", "a"]), ["filler"]);
    assert_eq!(unknown(&["a", "filler", "b", "zz"]), ["filler", "zz"]);
}

proptest! {
    /// Any choice and order of known and unknown keys: exactly the unknown ones are
    /// named, in document order.
    #[test]
    fn exactly_the_unknown_keys_are_named(
        picks in proptest::sample::subsequence(
            vec!["a", "b", "c", "d", "filler", "e", "zz"], 0..=7),
        shuffle in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let mut keys = picks;
        if shuffle {
            // A deterministic shuffle from the seed (proptest shrinks the seed).
            let n = keys.len();
            for i in (1..n).rev() {
                let j = (seed.rotate_left(i as u32) % (i as u64 + 1)) as usize;
                keys.swap(i, j);
            }
        }
        let want: Vec<&str> = keys.iter().copied().filter(|k| !KNOWN.contains(k)).collect();
        prop_assert_eq!(unknown(&keys), want);
    }
}

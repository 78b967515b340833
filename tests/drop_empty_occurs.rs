//! `ferrule decode --drop-empty-occurs`: trailing blank slots of fixed OCCURS tables are
//! left out (off by default), and `ferrule encode` writes the shortened tables back to
//! the same bytes.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

#[test]
fn decode_drops_trailing_empty_occurrences_only_when_asked_and_encode_restores_them() {
    let bytes = std::fs::read(sample("person.cp037.bin")).unwrap();
    let cpy = sample("person.cpy");
    let args = ["--copybook", path_str(&cpy)];
    // Off by default: every slot of WARNING-MARKERS OCCURS 4.
    let plain = ferrule(&[&["decode"][..], &args[..], &["-"]].concat(), &bytes);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let rows = parse_lines(&stdout(&plain));
    assert_eq!(
        rows[0]["warning_markers"],
        serde_json::json!(["FI", "", "", ""])
    );
    // On: only up to the last filled one.
    let dec = ferrule(
        &[&["decode", "--drop-empty-occurs"][..], &args[..], &["-"]].concat(),
        &bytes,
    );
    assert!(dec.status.success(), "{}", stderr(&dec));
    let trimmed = parse_lines(&stdout(&dec));
    assert_eq!(trimmed.len(), rows.len());
    assert_eq!(trimmed[0]["warning_markers"], serde_json::json!(["FI"]));
    assert_eq!(
        trimmed[1]["warning_markers"],
        serde_json::json!(["VI", "WE", "DR"])
    );
    // Encode fills the missing slots with blanks: the original bytes again.
    let enc = ferrule(&[&["encode"][..], &args[..]].concat(), &dec.stdout);
    assert!(enc.status.success(), "{}", stderr(&enc));
    assert_eq!(enc.stdout, bytes);
}

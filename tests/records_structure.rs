//! The record-structure options of `ferrule decode` / `encode`, through the real binary:
//! records cut inside their last text field (`--trim-trailing`), OCCURS DEPENDING ON under
//! fixed framing (hints and `--on-error`), multi-layout files (`--segment`,
//! `--record-map`) and spanned variable records (`--framing vbs`).

// A test that cannot set itself up should fail loudly.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ferrule, parse_lines, path_str, stderr, stdout};

/// A copybook written to a temporary directory (kept alive by the returned guard).
fn copybook(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rec.cpy");
    std::fs::write(&p, text).unwrap();
    let s = path_str(&p).to_string();
    (dir, s)
}

/// Bytes with an IBM RDW (big-endian length including the 4 header bytes) before each.
fn rdw(records: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        out.extend_from_slice(&((r.len() + 4) as u16).to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(r);
    }
    out
}

const CUT: &str = "\
       01 SEG-REC.
           05 SEG-ID   PIC 9(3).
           05 SEG-NAME PIC X(10).
           05 SEG-AMT  PIC 9(4).
";

#[test]
fn records_cut_inside_a_text_field_decode_and_encode_back_at_their_length() {
    let (_d, cpy) = copybook(CUT);
    let args = [
        "-c",
        cpy.as_str(),
        "--codepage",
        "latin1",
        "--framing",
        "rdw",
    ];
    // Record 1 is whole; record 2 ends 4 bytes into SEG-NAME.
    let input = rdw(&[b"001ABCDEFGHIJ0042", b"002WXYZ"]);
    let out = ferrule(&[&["decode"][..], &args].concat(), &input);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = parse_lines(&stdout(&out));
    assert_eq!(recs[1]["seg_name"], "WXYZ");
    assert!(recs[1].get("seg_amt").is_none());
    // --trim-trailing gives the original bytes back; without it SEG-NAME is written whole.
    let back = ferrule(
        &[&["encode", "--trim-trailing"][..], &args].concat(),
        &out.stdout,
    );
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(back.stdout, input);
    let whole = ferrule(&[&["encode"][..], &args].concat(), &out.stdout);
    assert_eq!(whole.stdout, rdw(&[b"001ABCDEFGHIJ0042", b"002WXYZ      "]));
    // A number cut short is still an error, located.
    let bad = ferrule(
        &[&["decode"][..], &args].concat(),
        &rdw(&[b"001ABCDEFGHIJ00"]),
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("record 1, field seg_amt, byte 13"),
        "{}",
        stderr(&bad)
    );
    // Fixed records have one length: the flag is a usage error there.
    let fixed = ferrule(
        &[
            "encode",
            "--trim-trailing",
            "-c",
            &cpy,
            "--framing",
            "fixed",
        ],
        b"{}\n",
    );
    assert_eq!(fixed.status.code(), Some(2), "{}", stderr(&fixed));
}

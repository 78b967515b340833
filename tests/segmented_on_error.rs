//! `--on-error` and `--quarantine` on multi-layout files (`--segment`), through the real
//! binary: the multi-layout loops share the one-layout loops' handling of bad records,
//! so each policy must act the same here (records before a failure written, bad ones
//! kept with nulls, skipped or quarantined).

// A test that cannot set itself up should fail loudly.
#![allow(clippy::unwrap_used)]

mod common;

use common::{ferrule, parse_lines, path_str, stderr, stdout};

const MULTI: &str = "\
       01 FIRM-REC.
           05 REC-TYPE  PIC X.
           05 FIRM-NAME PIC X(8).
           05 FIRM-EMPS PIC 9(4).
       01 PERSON-REC.
           05 REC-TYPE  PIC X.
           05 P-NAME    PIC X(6).
";

/// The copybook in a temporary directory, and the arguments every call shares.
fn setup() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let cpy = dir.path().join("multi.cpy");
    std::fs::write(&cpy, MULTI).unwrap();
    let args = [
        "-c",
        path_str(&cpy),
        "--codepage",
        "latin1",
        "--segment",
        "REC-TYPE",
        "--record-map",
        "C=FIRM-REC,P=PERSON-REC",
    ];
    (dir, args.iter().map(|s| s.to_string()).collect())
}

fn run(cmd: &str, policy: &[&str], args: &[String], input: &[u8]) -> std::process::Output {
    let mut all = vec![cmd];
    all.extend_from_slice(policy);
    all.extend(args.iter().map(String::as_str));
    ferrule(&all, input)
}

// Fixed framing: 13 bytes a record; record 2's FIRM-EMPS is not a number.
const GOOD_BAD_GOOD: &[u8] = b"CACME LTD0042CZED CO  00X7PALICE       ";

#[test]
fn decode_null_keeps_the_bad_record_with_its_field_null() {
    let (_d, args) = setup();
    let out = run("decode", &["--on-error", "null"], &args, GOOD_BAD_GOOD);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = parse_lines(&stdout(&out));
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[1]["firm_name"], "ZED CO");
    assert!(recs[1]["firm_emps"].is_null());
    assert_eq!(recs[2]["p_name"], "ALICE");
    let err = stderr(&out);
    assert!(err.contains("record 2, field firm_emps, byte 9"), "{err}");
    assert!(err.contains("1 bad record kept with null fields"), "{err}");
}

#[test]
fn decode_skip_quarantines_the_bad_record_and_goes_on() {
    let (dir, args) = setup();
    let q = dir.path().join("bad.bin");
    let policy = ["--on-error", "skip", "--quarantine", path_str(&q)];
    let out = run("decode", &policy, &args, GOOD_BAD_GOOD);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(parse_lines(&stdout(&out)).len(), 2);
    assert_eq!(std::fs::read(&q).unwrap(), b"CZED CO  00X7");
    let reports = std::fs::read_to_string(dir.path().join("bad.bin.errors.jsonl")).unwrap();
    assert!(reports.contains("firm_emps"), "{reports}");
}

#[test]
fn decode_fail_stops_at_the_bad_record_after_writing_the_ones_before() {
    let (_d, args) = setup();
    let out = run("decode", &["--on-error", "fail"], &args, GOOD_BAD_GOOD);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let recs = parse_lines(&stdout(&out));
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["firm_name"], "ACME LTD");
    assert!(
        stderr(&out).contains("record 2, field firm_emps"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn decode_writes_the_records_before_a_framing_error() {
    let (_d, args) = setup();
    // An RDW that claims more bytes than the file holds, after one good record.
    let mut input = vec![0, 17, 0, 0];
    input.extend_from_slice(b"CACME LTD0042");
    input.extend_from_slice(&[0, 40, 0, 0, b'P']);
    let mut all = args.clone();
    all.extend(["--framing".to_string(), "rdw".to_string()]);
    let out = run("decode", &[], &all, &input);
    assert!(!out.status.success());
    let recs = parse_lines(&stdout(&out));
    assert_eq!(recs.len(), 1, "{}", stderr(&out));
    assert_eq!(recs[0]["firm_emps"], 42);
}

#[test]
fn encode_skip_quarantines_the_bad_line_and_encodes_the_rest() {
    let (dir, args) = setup();
    let q = dir.path().join("bad.jsonl");
    let policy = ["--on-error", "skip", "--quarantine", path_str(&q)];
    let input = b"{\"rec_type\":\"P\",\"p_name\":\"BOB\"}\n{\"rec_type\":\"Q\"}\n\n{\"rec_type\":\"C\",\"firm_name\":\"X\",\"firm_emps\":3}\n";
    let out = run("encode", &policy, &args, input);
    assert!(out.status.success(), "{}", stderr(&out));
    // Fixed framing: the person record padded to the firm record's 13 bytes.
    assert_eq!(out.stdout, b"PBOB         CX       0003");
    assert_eq!(std::fs::read(&q).unwrap(), b"{\"rec_type\":\"Q\"}\n");
    assert!(stderr(&out).contains("record 2"), "{}", stderr(&out));
}

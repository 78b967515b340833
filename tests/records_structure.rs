//! The record-structure options of `ferrule decode` / `encode`, through the real binary:
//! records cut inside their last text field (`--trim-trailing`), OCCURS DEPENDING ON under
//! fixed framing (hints and `--on-error`), multi-layout files (`--segment`,
//! `--record-map`, with each `--on-error` policy) and spanned variable records
//! (`--framing vbs`).

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

const ODO: &str = "\
       01 ODO-REC.
           05 CNT  PIC 9.
           05 TBL  OCCURS 0 TO 5 TIMES DEPENDING ON CNT PIC XX.
           05 TAIL PIC X.
";

/// Four 12-byte records stored at full size (`--odo-stored-max`); the third's counter is 9.
const PADDED: &[u8] = b"2aabb......Z3aabbcc....Y9xxxxxxxxxxW1aa........V";

#[test]
fn a_file_padded_to_the_maximum_read_at_actual_length_stops_with_a_hint() {
    let (dir, cpy) = copybook(ODO);
    let q = dir.path().join("bad.bin");
    let out = ferrule(
        &[
            "decode",
            "-c",
            &cpy,
            "--codepage",
            "latin1",
            "--on-error",
            "skip",
            "--quarantine",
            path_str(&q),
        ],
        PADDED,
    );
    // Record 2 starts inside record 1's padding: its counter is not a number.
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("record 2, field tbl, byte 1"), "{err}");
    assert!(err.contains("the next record's start is unknown"), "{err}");
    assert!(err.contains("hint: read with --odo-stored-max"), "{err}");
    // The record is reported and kept raw before decoding stops. (Record 1's JSON is the
    // "decode loses records on error" fix of convert.rs's error path, tested there.)
    assert_eq!(std::fs::read(&q).unwrap(), &PADDED[6..18]);
    let reports = std::fs::read_to_string(dir.path().join("bad.bin.errors.jsonl")).unwrap();
    assert!(
        reports.contains(r#""record":2,"input_offset":6"#),
        "{reports}"
    );

    // A file with RDWs read as fixed: the hint names the framing.
    let rdw_file = rdw(&[b"2aabbZ", b"3aabbccY"]);
    let out = ferrule(&["decode", "-c", &cpy, "--codepage", "latin1"], &rdw_file);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("hint: read with --framing rdw,"),
        "{}",
        stderr(&out)
    );
    // The suggested readings do decode those files.
    let ok = ferrule(
        &[
            "decode",
            "-c",
            &cpy,
            "--codepage",
            "latin1",
            "--framing",
            "rdw",
        ],
        &rdw_file,
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
}

#[test]
fn a_bad_counter_in_a_file_stored_at_full_size_does_not_stop_the_file() {
    let (_d, cpy) = copybook(ODO);
    let run = |mode: &str| {
        ferrule(
            &[
                "decode",
                "-c",
                &cpy,
                "--codepage",
                "latin1",
                "--odo-stored-max",
                "--on-error",
                mode,
            ],
            PADDED,
        )
    };
    // null: the table is null, the rest of the record is there, the file goes on.
    let out = run("null");
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = parse_lines(&stdout(&out));
    assert_eq!(recs.len(), 4);
    assert!(recs[2]["tbl"].is_null());
    assert_eq!(recs[2]["tail"], "W");
    assert_eq!(recs[3]["tail"], "V");
    assert!(stderr(&out)
        .contains("record 3, field tbl, byte 1: OCCURS DEPENDING ON count 9 is outside 0 to 5"));
    // skip: the record is dropped and reported, no empty line in its place.
    let out = run("skip");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3);
    assert!(stdout(&out).lines().all(|l| !l.is_empty()));
}

#[test]
fn with_rdw_framing_a_record_with_a_bad_counter_is_dropped_not_an_empty_line() {
    // Length headers say where the next record starts: the bad one is reported, the
    // others decode. (A bad counter moves everything after the table: no field to null.)
    let (_d, cpy) = copybook(ODO);
    let input = rdw(&[b"1aaZ", b"9xxY", b"0W"]);
    let out = ferrule(
        &[
            "decode",
            "-c",
            &cpy,
            "--codepage",
            "latin1",
            "--framing",
            "rdw",
            "--on-error",
            "null",
        ],
        &input,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().all(|l| !l.is_empty()), "{text}");
}

const MULTI: &str = "\
       01 FIRM-REC.
           05 REC-TYPE  PIC X.
           05 FIRM-NAME PIC X(8).
           05 FIRM-EMPS PIC 9(4).
       01 PERSON-REC.
           05 REC-TYPE  PIC X.
           05 P-NAME    PIC X(6).
";

#[test]
fn multi_layout_files_choose_each_record_by_its_segment_field() {
    let (dir, cpy) = copybook(MULTI);
    let seg = [
        "--segment",
        "REC-TYPE",
        "--record-map",
        "C=FIRM-REC,P=PERSON-REC",
    ];
    let base = ["-c", cpy.as_str(), "--codepage", "latin1"];
    // Fixed framing: one record length (13, the longest), shorter types padded.
    let input = b"CACME LTD0042PALICE       CZED CO  0007";
    let out = ferrule(&[&["decode"][..], &base, &seg].concat(), input);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = parse_lines(&stdout(&out));
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["firm_name"], "ACME LTD");
    assert_eq!(recs[1]["p_name"], "ALICE");
    assert!(recs[1].get("firm_name").is_none());
    assert_eq!(recs[2]["firm_emps"], 7);
    // And back: each JSON line's rec_type picks its record; the bytes come back.
    let back = ferrule(&[&["encode"][..], &base, &seg].concat(), &out.stdout);
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(back.stdout, input);
    // With RDWs each record keeps its own length.
    let framed = rdw(&[b"CACME LTD0042", b"PALICE "]);
    let args = [&base[..], &["--framing", "rdw"], &seg].concat();
    let out = ferrule(&[&["decode"][..], &args].concat(), &framed);
    assert!(out.status.success(), "{}", stderr(&out));
    let back = ferrule(&[&["encode"][..], &args].concat(), &out.stdout);
    assert_eq!(back.stdout, framed);

    // A value not in the map: located, and with skip the file goes on.
    let q = dir.path().join("bad.bin");
    let bad = ferrule(
        &[
            &["decode", "--on-error", "skip", "--quarantine", path_str(&q)][..],
            &base,
            &seg,
        ]
        .concat(),
        b"XACME LTD0042PALICE       ",
    );
    assert!(bad.status.success(), "{}", stderr(&bad));
    assert_eq!(parse_lines(&stdout(&bad)).len(), 1);
    assert!(
        stderr(&bad).contains(
            "record 1, field rec_type, byte 0: segment value `X` is not in the record map (known: C, P)"
        ),
        "{}",
        stderr(&bad)
    );
    // Encode: a line whose segment value is unknown or missing fails, named.
    let bad = ferrule(
        &[&["encode"][..], &base, &seg].concat(),
        b"{\"rec_type\":\"Q\"}\n",
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("segment value `Q`"),
        "{}",
        stderr(&bad)
    );
    let bad = ferrule(
        &[&["encode"][..], &base, &seg].concat(),
        b"{\"p_name\":\"BOB\"}\n",
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("segment field `rec_type`"),
        "{}",
        stderr(&bad)
    );
    // Usage errors: a field no record has, a map entry without `=`.
    for map in ["C=FIRM-REC,P", "C=NO-SUCH-REC"] {
        let out = ferrule(
            &[
                &["decode"][..],
                &base,
                &["--segment", "REC-TYPE", "--record-map", map],
            ]
            .concat(),
            b"",
        );
        assert_eq!(out.status.code(), Some(2), "{map}: {}", stderr(&out));
    }
    // Record types of varying length (ODO) cannot share one fixed length.
    let (_o, odo_cpy) = copybook(&format!("{MULTI}{ODO}"));
    let out = ferrule(
        &[
            "decode",
            "-c",
            &odo_cpy,
            "--segment",
            "REC-TYPE",
            "--record-map",
            "C=FIRM-REC,O=ODO-REC",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--odo-stored-max"),
        "{}",
        stderr(&out)
    );
    let out = ferrule(
        &[
            &["decode"][..],
            &base,
            &["--segment", "NOPE", "--record-map", "C=FIRM-REC"],
        ]
        .concat(),
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no field named `NOPE`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn spanned_records_are_joined_on_decode_and_spanned_on_encode() {
    // A 40000-byte text field: longer than a VBS block, so it must span.
    let (_d, cpy) = copybook(
        "\
       01 BIG-REC.
           05 BIG-ID   PIC X(4).
           05 BIG-TEXT PIC X(40000).
",
    );
    let text: String = (0..40000)
        .map(|i| (b'a' + (i % 26) as u8) as char)
        .collect();
    let json = format!("{{\"big_id\":\"B001\",\"big_text\":\"{text}\"}}\n");
    for framing in ["vbs", "rdw-spanned"] {
        let args = [
            "-c",
            cpy.as_str(),
            "--codepage",
            "latin1",
            "--framing",
            framing,
        ];
        let enc = ferrule(&[&["encode"][..], &args].concat(), json.as_bytes());
        assert!(enc.status.success(), "{framing}: {}", stderr(&enc));
        // More than one segment was written (first segment flag 1 in its SDW).
        let sdw = if framing == "vbs" { 4 } else { 0 };
        assert_eq!(enc.stdout[sdw + 2], 1, "{framing}");
        let dec = ferrule(&[&["decode"][..], &args].concat(), &enc.stdout);
        assert!(dec.status.success(), "{framing}: {}", stderr(&dec));
        assert_eq!(parse_lines(&stdout(&dec))[0]["big_text"], text.as_str());
    }
    // A last segment with no first: located.
    let bad = ferrule(
        &["decode", "-c", &cpy, "--framing", "rdw-spanned"],
        b"\x00\x08\x02\x00B001",
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("record 1 at byte 0: spanned segment 00 08 02 00 is a middle or last segment with no first segment before it"),
        "{}",
        stderr(&bad)
    );
}

// `--on-error` and `--quarantine` on multi-layout files: the multi-layout loops share
// the one-layout loops' handling of bad records, so each policy must act the same here
// (records before a failure written, bad ones kept with nulls, skipped or quarantined).

/// The multi-layout copybook in a temporary directory, and the arguments every call shares.
fn multi_setup() -> (tempfile::TempDir, Vec<String>) {
    let (dir, cpy) = copybook(MULTI);
    let args = [
        "-c",
        cpy.as_str(),
        "--codepage",
        "latin1",
        "--segment",
        "REC-TYPE",
        "--record-map",
        "C=FIRM-REC,P=PERSON-REC",
    ];
    (dir, args.iter().map(|s| s.to_string()).collect())
}

fn multi_run(cmd: &str, policy: &[&str], args: &[String], input: &[u8]) -> std::process::Output {
    let mut all = vec![cmd];
    all.extend_from_slice(policy);
    all.extend(args.iter().map(String::as_str));
    ferrule(&all, input)
}

// Fixed framing: 13 bytes a record; record 2's FIRM-EMPS is not a number.
const MULTI_GOOD_BAD_GOOD: &[u8] = b"CACME LTD0042CZED CO  00X7PALICE       ";

#[test]
fn multi_layout_decode_null_keeps_the_bad_record_with_its_field_null() {
    let (_d, args) = multi_setup();
    let out = multi_run(
        "decode",
        &["--on-error", "null"],
        &args,
        MULTI_GOOD_BAD_GOOD,
    );
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
fn multi_layout_decode_skip_quarantines_the_bad_record_and_goes_on() {
    let (dir, args) = multi_setup();
    let q = dir.path().join("bad.bin");
    let policy = ["--on-error", "skip", "--quarantine", path_str(&q)];
    let out = multi_run("decode", &policy, &args, MULTI_GOOD_BAD_GOOD);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(parse_lines(&stdout(&out)).len(), 2);
    assert_eq!(std::fs::read(&q).unwrap(), b"CZED CO  00X7");
    let reports = std::fs::read_to_string(dir.path().join("bad.bin.errors.jsonl")).unwrap();
    assert!(reports.contains("firm_emps"), "{reports}");
}

#[test]
fn multi_layout_decode_fail_stops_at_the_bad_record_after_writing_the_ones_before() {
    let (_d, args) = multi_setup();
    let out = multi_run(
        "decode",
        &["--on-error", "fail"],
        &args,
        MULTI_GOOD_BAD_GOOD,
    );
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
fn multi_layout_decode_writes_the_records_before_a_framing_error() {
    let (_d, args) = multi_setup();
    // An RDW that claims more bytes than the file holds, after one good record.
    let mut input = vec![0, 17, 0, 0];
    input.extend_from_slice(b"CACME LTD0042");
    input.extend_from_slice(&[0, 40, 0, 0, b'P']);
    let mut all = args.clone();
    all.extend(["--framing".to_string(), "rdw".to_string()]);
    let out = multi_run("decode", &[], &all, &input);
    assert!(!out.status.success());
    let recs = parse_lines(&stdout(&out));
    assert_eq!(recs.len(), 1, "{}", stderr(&out));
    assert_eq!(recs[0]["firm_emps"], 42);
}

#[test]
fn multi_layout_encode_skip_quarantines_the_bad_line_and_encodes_the_rest() {
    let (dir, args) = multi_setup();
    let q = dir.path().join("bad.jsonl");
    let policy = ["--on-error", "skip", "--quarantine", path_str(&q)];
    let input = b"{\"rec_type\":\"P\",\"p_name\":\"BOB\"}\n{\"rec_type\":\"Q\"}\n\n{\"rec_type\":\"C\",\"firm_name\":\"X\",\"firm_emps\":3}\n";
    let out = multi_run("encode", &policy, &args, input);
    assert!(out.status.success(), "{}", stderr(&out));
    // Fixed framing: the person record padded to the firm record's 13 bytes.
    assert_eq!(out.stdout, b"PBOB         CX       0003");
    assert_eq!(std::fs::read(&q).unwrap(), b"{\"rec_type\":\"Q\"}\n");
    assert!(stderr(&out).contains("record 2"), "{}", stderr(&out));
}

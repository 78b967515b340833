//! `decode` and `encode` stopped by an error keep every record they finished before it:
//! on stdout and with `-o`, under each `--on-error`, for a fixed or RDW file cut short,
//! and for a bad JSON line in the middle of an encode.

mod common;

use common::*;

/// The person sample (three 207-byte records) cut inside record 3.
fn person_cut_short() -> Vec<u8> {
    let mut d = std::fs::read(sample("person.cp037.bin")).expect("sample");
    d.truncate(600);
    d
}

fn person_cpy() -> String {
    path_str(&sample("person.cpy")).to_string()
}

/// The first `n` records of the person sample as decoded JSON.
fn person_json(n: usize) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(sample("person.cp037.jsonl")).expect("sample");
    parse_lines(&text).into_iter().take(n).collect()
}

fn assert_same(got: &[serde_json::Value], want: &[serde_json::Value]) {
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(same_json(g, w), "{g} != {w}");
    }
}

#[test]
fn a_file_cut_short_keeps_the_records_before_the_cut_on_stdout() {
    // Each --on-error: the cut is a framing error, fatal whatever the policy says.
    for policy in ["fail", "skip", "null"] {
        let out = ferrule(
            &["decode", "-c", &person_cpy(), "--on-error", policy],
            &person_cut_short(),
        );
        assert_eq!(out.status.code(), Some(1), "{policy}");
        assert!(
            stderr(&out).contains("record 3 at byte 414: input ends after 186"),
            "{policy}: {}",
            stderr(&out)
        );
        assert_same(&parse_lines(&stdout(&out)), &person_json(2));
    }
}

#[test]
fn a_file_cut_short_keeps_the_records_before_the_cut_in_the_output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("cut.bin");
    std::fs::write(&input, person_cut_short()).expect("write");
    let output = dir.path().join("out.jsonl");
    let out = ferrule(
        &[
            "decode",
            "-c",
            &person_cpy(),
            path_str(&input),
            "-o",
            path_str(&output),
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    let written = std::fs::read_to_string(&output).expect("output file");
    assert_same(&parse_lines(&written), &person_json(2));
}

#[test]
fn an_rdw_file_cut_short_keeps_the_records_before_the_cut() {
    let full = std::fs::read(sample("custody.rdw.bin")).expect("sample");
    let cpy = sample("custody.cpy");
    let args = [
        "decode",
        "-c",
        path_str(&cpy),
        "--codepage",
        "cp285",
        "--framing",
        "rdw",
    ];
    let whole = ferrule(&args, &full);
    assert!(whole.status.success(), "{}", stderr(&whole));
    let want = parse_lines(&stdout(&whole));
    assert!(want.len() >= 3);
    // Cut inside record 3: the RDW promises more bytes than there are.
    let cut = ferrule(&args, &full[..300]);
    assert_eq!(cut.status.code(), Some(1));
    assert!(
        stderr(&cut).contains("record 3 at byte 260"),
        "{}",
        stderr(&cut)
    );
    assert_same(&parse_lines(&stdout(&cut)), &want[..2]);
}

#[test]
fn skip_mode_reports_its_tally_even_when_a_cut_stops_it() {
    // Record 1 bad (an invalid packed nibble), record 2 good, record 3 cut short.
    let mut d = person_cut_short();
    d[159] = 0x3A;
    let out = ferrule(&["decode", "-c", &person_cpy(), "--on-error", "skip"], &d);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("1 record decoded, 1 bad record skipped"),
        "{err}"
    );
    assert_same(&parse_lines(&stdout(&out)), &person_json(2)[1..]);
}

/// Three good JSON lines with a bad one second.
fn json_with_a_bad_line() -> Vec<u8> {
    let lines: Vec<String> = person_json(3).iter().map(|v| v.to_string()).collect();
    format!(
        "{}\n{{\"no_such_field\":1}}\n{}\n{}\n",
        lines[0], lines[1], lines[2]
    )
    .into_bytes()
}

#[test]
fn encode_stopped_by_a_bad_line_keeps_the_record_before_it_in_every_framing() {
    let records = std::fs::read(sample("person.cp037.bin")).expect("sample");
    let first = &records[..207];
    for framing in ["fixed", "rdw", "bdw", "len4"] {
        // What the first record alone looks like in this framing.
        let alone = ferrule(
            &["encode", "-c", &person_cpy(), "--framing", framing],
            format!("{}\n", person_json(1)[0]).as_bytes(),
        );
        assert!(alone.status.success(), "{}", stderr(&alone));
        let out = ferrule(
            &["encode", "-c", &person_cpy(), "--framing", framing],
            &json_with_a_bad_line(),
        );
        assert_eq!(out.status.code(), Some(1), "{framing}");
        assert!(
            stderr(&out).contains("record 2, field no_such_field"),
            "{}",
            stderr(&out)
        );
        assert_eq!(out.stdout, alone.stdout, "{framing}");
        if framing == "fixed" {
            assert_eq!(out.stdout, first);
        }
    }
}

#[test]
fn encode_stopped_by_a_bad_line_keeps_the_record_before_it_in_the_output_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = dir.path().join("out.bin");
    let out = ferrule(
        &["encode", "-c", &person_cpy(), "-o", path_str(&output)],
        &json_with_a_bad_line(),
    );
    assert_eq!(out.status.code(), Some(1));
    let records = std::fs::read(sample("person.cp037.bin")).expect("sample");
    assert_eq!(std::fs::read(&output).expect("output"), &records[..207]);
    // Skipping it, the other three are all there.
    let out = ferrule(
        &[
            "encode",
            "-c",
            &person_cpy(),
            "--on-error",
            "skip",
            "-o",
            path_str(&output),
        ],
        &json_with_a_bad_line(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&output).expect("output"), records);
}

#[test]
fn encode_takes_no_null_policy() {
    // `null` keeps a decoded record with null fields; a bad JSON line has no record.
    let out = ferrule(&["encode", "-c", &person_cpy(), "--on-error", "null"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'null'"),
        "{}",
        stderr(&out)
    );
}

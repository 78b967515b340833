//! The CLI as a user runs it: the real binary, real files, real pipes.

mod common;

use common::*;

fn person_records() -> Vec<u8> {
    std::fs::read(sample("person.cp037.bin")).expect("sample")
}

/// Record 2 of the person sample with an invalid nibble in OUTSTANDING-FINES (byte 158).
fn person_with_bad_packed() -> Vec<u8> {
    let mut d = person_records();
    let len = d.len() / 3;
    d[len + 159] = 0x3A;
    d
}

fn person_cpy() -> String {
    path_str(&sample("person.cpy")).to_string()
}

#[test]
fn decode_then_encode_gives_the_same_bytes_through_pipes() {
    let bytes = std::fs::read(sample("custody.rdw.bin")).expect("sample");
    let cpy = sample("custody.cpy");
    let args = [
        "--copybook",
        path_str(&cpy),
        "--codepage",
        "cp285",
        "--framing",
        "rdw",
    ];
    let dec = ferrule(&[&["decode"], &args[..], &["-"]].concat(), &bytes);
    assert!(dec.status.success(), "{}", stderr(&dec));
    let enc = ferrule(&[&["encode"], &args[..]].concat(), &dec.stdout);
    assert!(enc.status.success(), "{}", stderr(&enc));
    assert_eq!(enc.stdout, bytes);
}

#[test]
fn a_bad_field_fails_the_run_naming_record_field_offset_and_bytes() {
    let out = ferrule(&["decode", "-c", &person_cpy()], &person_with_bad_packed());
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "record 2, field outstanding_fines, byte 158: invalid packed-decimal nibble 0xA"
        ) && err.contains("(bytes 00 3A 00 00 0C)"),
        "{err}"
    );
    // The good record before the bad one was still written.
    assert_eq!(parse_lines(&stdout(&out)).len(), 1);
}

#[test]
fn skip_drops_bad_records_and_quarantine_keeps_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("bad.bin");
    let input = person_with_bad_packed();
    let out = ferrule(
        &[
            "decode",
            "-c",
            &person_cpy(),
            "--on-error",
            "skip",
            "--quarantine",
            path_str(&q),
        ],
        &input,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = parse_lines(&stdout(&out));
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["nominal_ref"], "N000099999");
    assert!(
        stderr(&out).contains("1 bad record skipped"),
        "{}",
        stderr(&out)
    );
    // The raw record is kept byte for byte, with a report beside it.
    let len = input.len() / 3;
    assert_eq!(std::fs::read(&q).expect("quarantine"), &input[len..2 * len]);
    let report = std::fs::read_to_string(dir.path().join("bad.bin.errors.jsonl")).expect("report");
    let report: serde_json::Value = serde_json::from_str(report.trim()).expect("report JSON");
    assert_eq!(report["record"], 2);
    assert_eq!(report["input_offset"], len as u64);
    assert_eq!(report["errors"][0]["field"], "outstanding_fines");
    assert_eq!(report["errors"][0]["bytes"], "00 3A 00 00 0C");
}

#[test]
fn null_keeps_the_record_with_the_bad_field_null() {
    let out = ferrule(
        &["decode", "-c", &person_cpy(), "--on-error", "null"],
        &person_with_bad_packed(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = parse_lines(&stdout(&out));
    assert_eq!(lines.len(), 3);
    assert!(lines[1]["outstanding_fines"].is_null());
    assert_eq!(lines[1]["nominal_ref"], "N000067890");
    assert!(stderr(&out).contains("warning: record 2, field outstanding_fines"));
}

#[test]
fn a_truncated_fixed_file_is_an_error_naming_the_record() {
    let mut d = person_records();
    d.truncate(d.len() - 10);
    let out = ferrule(&["decode", "-c", &person_cpy()], &d);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("record 3"), "{}", stderr(&out));
}

#[test]
fn copybook_errors_name_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = dir.path().join("bad.cpy");
    std::fs::write(&cpy, "       01 A.\n          05 B PIC X(3.\n").expect("write");
    let out = ferrule(&["decode", "-c", path_str(&cpy)], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.cpy:2:23"), "{err}");
    assert!(err.contains("05 B PIC X(3."), "{err}");
}

#[test]
fn unknown_code_page_and_framing_are_usage_errors() {
    let out = ferrule(
        &["decode", "-c", &person_cpy(), "--codepage", "cp9999"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown code page `cp9999`"),
        "{}",
        stderr(&out)
    );
    let out = ferrule(&["decode", "-c", &person_cpy(), "--framing", "zigzag"], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn encode_refuses_values_that_do_not_fit_naming_record_and_field() {
    let cpy = person_cpy();
    // Too many integer digits for S9(7)V99.
    let out = ferrule(
        &["encode", "-c", &cpy],
        b"{\"nominal_ref\":\"X\"}\n{\"outstanding_fines\":123456789}\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("record 2, field outstanding_fines"), "{err}");
    assert!(err.contains("integer digits"), "{err}");
    // Text too long for X(10).
    let out = ferrule(
        &["encode", "-c", &cpy],
        b"{\"nominal_ref\":\"ABCDEFGHIJK\"}\n",
    );
    assert!(
        stderr(&out).contains("record 1, field nominal_ref") && stderr(&out).contains("11 bytes")
    );
    // More fraction digits than the scale: never rounded silently.
    let out = ferrule(&["encode", "-c", &cpy], b"{\"outstanding_fines\":1.234}\n");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // A character cp037 cannot hold is an error, not a silent '?'.
    let out = ferrule(
        &["encode", "-c", &cpy],
        "{\"nominal_ref\":\"€5\"}\n".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot be written in cp037"),
        "{}",
        stderr(&out)
    );
    // Wrong type and unknown fields.
    let out = ferrule(&["encode", "-c", &cpy], b"{\"height_cm\":\"tall\"}\n");
    assert_eq!(out.status.code(), Some(1));
    let out = ferrule(&["encode", "-c", &cpy], b"{\"shoe_size\":9}\n");
    assert!(
        stderr(&out).contains("unknown field `shoe_size`"),
        "{}",
        stderr(&out)
    );
    // Not JSON at all.
    let out = ferrule(&["encode", "-c", &cpy], b"{\"nominal_ref\":\n");
    assert!(stderr(&out).contains("record 1") && stderr(&out).contains("invalid JSON"));
}

#[test]
fn encode_fills_missing_fields_from_value_clauses_or_blanks() {
    let cpy = sample("vehicle.cpy");
    let out = ferrule(
        &["encode", "-c", path_str(&cpy)],
        b"{\"vrm\":\"AB12CDE\"}\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let back = ferrule(&["decode", "-c", path_str(&cpy)], &out.stdout);
    let rec = &parse_lines(&stdout(&back))[0];
    assert_eq!(rec["insured_flag"], "N", "VALUE 'N' is the default");
    assert_eq!(rec["make"], "");
    assert!(same_number(&rec["estimated_value"].to_string(), "0"));
}

#[test]
fn encode_skip_quarantines_the_bad_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = dir.path().join("bad.jsonl");
    let input = b"{\"nominal_ref\":\"A\"}\n{\"height_cm\":12345}\n{\"nominal_ref\":\"B\"}\n";
    let out = ferrule(
        &[
            "encode",
            "-c",
            &person_cpy(),
            "--on-error",
            "skip",
            "--quarantine",
            path_str(&q),
        ],
        input,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout.len(), 2 * 207);
    assert_eq!(
        std::fs::read_to_string(&q).expect("q"),
        "{\"height_cm\":12345}\n"
    );
}

#[test]
fn numbers_can_be_written_as_strings_and_read_back() {
    let cpy = person_cpy();
    let out = ferrule(
        &["decode", "-c", &cpy, "--numbers-as-strings"],
        &person_records(),
    );
    let first = &parse_lines(&stdout(&out))[0];
    assert_eq!(first["outstanding_fines"], "125.50");
    assert_eq!(first["last_seen_lon"], "-3.198765");
    let back = ferrule(&["encode", "-c", &cpy], &out.stdout);
    assert_eq!(back.stdout, person_records());
}

#[test]
fn redefines_all_shows_every_alternative() {
    let out = ferrule(
        &["decode", "-c", &person_cpy(), "--redefines", "all"],
        &person_records(),
    );
    let first = &parse_lines(&stdout(&out))[0];
    assert_eq!(first["birth_date"], 19790704);
    assert_eq!(first["birth_date_r"]["birth_mm"], 7);
    // And the default shows only the first definition.
    let out = ferrule(&["decode", "-c", &person_cpy()], &person_records());
    assert!(parse_lines(&stdout(&out))[0].get("birth_date_r").is_none());
}

#[test]
fn layout_lists_offsets_lengths_and_types() {
    let out = ferrule(&["layout", "-c", path_str(&sample("custody.cpy"))], b"");
    assert!(out.status.success());
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("FINE-AMOUNT"))
        .expect("FINE-AMOUNT listed");
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[..4], ["10", "FINE-AMOUNT", "122", "4"]);
    assert!(text.contains("0 TO 10 DEPENDING ON CHARGE-COUNT"));
    let out = ferrule(
        &["layout", "-c", path_str(&sample("custody.cpy")), "--json"],
        b"",
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON listing");
    assert_eq!(doc["length"], 315);
    assert!(doc["fields"]
        .as_array()
        .is_some_and(|f| f.iter().any(|f| f["path"] == "custody_rec.charges.plea")));
}

#[test]
fn a_short_rdw_record_omits_the_fields_past_its_end() {
    // PERSON-REC records cut after SEX (offset 74): later fields are absent, not garbage.
    let rec = &person_records()[..75];
    let mut framed = vec![0, 79, 0, 0];
    framed.extend_from_slice(rec);
    let out = ferrule(
        &["decode", "-c", &person_cpy(), "--framing", "rdw"],
        &framed,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let r = &parse_lines(&stdout(&out))[0];
    assert_eq!(r["sex"], "F");
    assert!(r.get("height_cm").is_none());
    // Encoding it back with the same framing gives the same short record.
    let back = ferrule(
        &["encode", "-c", &person_cpy(), "--framing", "rdw"],
        &out.stdout,
    );
    assert_eq!(back.stdout, framed);
    // A field cut in the middle is an error.
    let mut cut = vec![0, 74, 0, 0];
    cut.extend_from_slice(&person_records()[..70]);
    let out = ferrule(&["decode", "-c", &person_cpy(), "--framing", "rdw"], &cut);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("field birth_date, byte 66"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_rdw_headers_say_the_file_may_not_be_rdw() {
    let out = ferrule(
        &["decode", "-c", &person_cpy(), "--framing", "rdw"],
        &person_records(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("record 1"), "{}", stderr(&out));
}

#[test]
fn demo_records_decodes_the_embedded_sample() {
    let out = ferrule(&["demo", "--records"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = parse_lines(&stdout(&out));
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[2]["charges"].as_array().map(Vec::len), Some(3));
}

#[test]
fn the_select_option_picks_an_alternative_per_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = dir.path().join("seg.cpy");
    std::fs::write(
        &cpy,
        "       01 SEG-REC.\n\
         \x20          05 REC-TYPE PIC X.\n\
         \x20          05 PERSON-PART.\n\
         \x20             10 NAME PIC X(6).\n\
         \x20          05 VEHICLE-PART REDEFINES PERSON-PART.\n\
         \x20             10 VRM PIC X(4).\n\
         \x20             10 WHEELS PIC 9(2).\n",
    )
    .expect("write");
    let sel = [
        "--select",
        "PERSON-PART=REC-TYPE:P",
        "--select",
        "VEHICLE-PART=REC-TYPE:V",
    ];
    let cpy = path_str(&cpy);
    let input = b"{\"rec_type\":\"P\",\"person_part\":{\"name\":\"ALICE\"}}\n{\"rec_type\":\"V\",\"vehicle_part\":{\"vrm\":\"AB12\",\"wheels\":4}}\n";
    let enc = ferrule(
        &[&["encode", "-c", cpy, "--codepage", "latin1"], &sel[..]].concat(),
        input,
    );
    assert!(enc.status.success(), "{}", stderr(&enc));
    assert_eq!(enc.stdout, b"PALICE VAB1204");
    let dec = ferrule(
        &[&["decode", "-c", cpy, "--codepage", "latin1"], &sel[..]].concat(),
        &enc.stdout,
    );
    let lines = parse_lines(&stdout(&dec));
    assert_eq!(lines[0]["person_part"]["name"], "ALICE");
    assert!(lines[0].get("vehicle_part").is_none());
    assert_eq!(lines[1]["vehicle_part"]["wheels"], 4);
    assert!(lines[1].get("person_part").is_none());
}

#[test]
fn odo_records_in_a_fixed_file_are_as_long_as_their_counter_says() {
    let cpy = sample("custody.cpy");
    let cpy = path_str(&cpy);
    let json = std::fs::read(sample("custody.rdw.jsonl")).expect("sample");
    let cp = ["--codepage", "cp285"];
    // Fixed framing, IBM semantics: records of 105 + 21 * count bytes, back to back.
    let packed = ferrule(&[&["encode", "-c", cpy], &cp[..]].concat(), &json);
    assert_eq!(packed.stdout.len(), 3 * 105 + 5 * 21);
    let back = ferrule(&[&["decode", "-c", cpy], &cp[..]].concat(), &packed.stdout);
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(
        parse_lines(&stdout(&back)),
        parse_lines(&String::from_utf8_lossy(&json))
    );
    // Files that always store the maximum: every record is 315 bytes.
    let max = ferrule(
        &[&["encode", "-c", cpy, "--odo-stored-max"], &cp[..]].concat(),
        &json,
    );
    assert_eq!(max.stdout.len(), 3 * 315);
    let back = ferrule(
        &[&["decode", "-c", cpy, "--odo-stored-max"], &cp[..]].concat(),
        &max.stdout,
    );
    assert_eq!(parse_lines(&stdout(&back)).len(), 3);
    // A counter beyond the table's maximum: the record's end is unknown, so decoding stops.
    let mut bad = packed.stdout.clone();
    bad[103..105].copy_from_slice(&[0, 11]);
    let out = ferrule(
        &[&["decode", "-c", cpy, "--on-error", "skip"], &cp[..]].concat(),
        &bad,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("OCCURS DEPENDING ON count 11 is outside 0 to 10"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn trunc_decides_binary_values_beyond_the_pic_for_decode_and_encode_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = dir.path().join("bin.cpy");
    std::fs::write(&cpy, "       01 R.\n           05 N PIC S9(4) COMP.\n").expect("write");
    let cpy = path_str(&cpy);
    // 0x7FFF = 32767: five digits in a four-digit PIC. TRUNC(BIN), the default, reads it
    // and writes it back.
    let out = ferrule(&["decode", "-c", cpy], &[0x7F, 0xFF]);
    assert_eq!(stdout(&out).trim(), "{\"n\":32767}");
    let back = ferrule(&["encode", "-c", cpy], b"{\"n\":32767}\n");
    assert_eq!(back.stdout, [0x7F, 0xFF], "{}", stderr(&back));
    // std and opt refuse it on both sides, naming the record and field.
    for trunc in ["std", "opt"] {
        let refused = ferrule(&["decode", "-c", cpy, "--trunc", trunc], &[0x7F, 0xFF]);
        assert_eq!(refused.status.code(), Some(1));
        let err = stderr(&refused);
        assert!(
            err.contains(
                "record 1, field n, byte 0: value needs 5 integer digits, the PIC allows 4"
            ),
            "{err}"
        );
        let refused = ferrule(&["encode", "-c", cpy, "--trunc", trunc], b"{\"n\":32767}\n");
        assert_eq!(refused.status.code(), Some(1));
        assert!(
            stderr(&refused).contains("record 1, field n"),
            "{}",
            stderr(&refused)
        );
    }
    // The former flag still means --trunc bin, and cannot be mixed with --trunc.
    let allowed = ferrule(
        &["encode", "-c", cpy, "--allow-beyond-pic"],
        b"{\"n\":32767}\n",
    );
    assert_eq!(allowed.stdout, [0x7F, 0xFF]);
    let both = ferrule(
        &["encode", "-c", cpy, "--allow-beyond-pic", "--trunc", "std"],
        b"{\"n\":1}\n",
    );
    assert_eq!(both.status.code(), Some(2));
    // What two bytes cannot hold is refused whatever the setting, never wrapped.
    let too_big = ferrule(&["encode", "-c", cpy], b"{\"n\":32768}\n");
    assert_eq!(too_big.status.code(), Some(1));
    assert!(
        stderr(&too_big).contains("value 32768 does not fit 2 bytes of binary (-32768 to 32767)"),
        "{}",
        stderr(&too_big)
    );
}

#[test]
fn an_error_with_stderr_unwritable_keeps_its_exit_code() {
    // eprintln! panicked (exit 101) when stderr was full; the usage error is still exit 2.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_ferrule"))
        .args(["decode", "--copybook", "/nonexistent/none.cpy", "-"])
        .stdin(std::process::Stdio::null())
        .stderr(full)
        .status()
        .expect("run ferrule");
    assert_eq!(status.code(), Some(2));
}

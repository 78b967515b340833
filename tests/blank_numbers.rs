//! `--blank-numbers`: zoned and packed fields left blank (all spaces, all low-values), as
//! uninitialised fields of real extracts hold them, through the real binary: a bad field
//! by default, null or zero when asked, the same in JSON Lines, Parquet, Arrow and CSV
//! (read back by pyarrow and DuckDB), and null written back as blanks by `encode`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{ferrule, parse_lines, sample, stderr, stdout};

const LEN: usize = 207;

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The person sample with record 2's OUTSTANDING-FINES (packed, bytes 158-162) and
/// HEIGHT-CM (zoned, 75-77) all spaces, and record 3's fines all low-values.
fn blank_file(dir: &Path) -> (PathBuf, Vec<u8>) {
    let mut bin = std::fs::read(sample("person.cp037.bin")).expect("sample");
    assert!(bin.len() >= 3 * LEN);
    bin[LEN + 158..LEN + 163].fill(0x40);
    bin[LEN + 75..LEN + 78].fill(0x40);
    bin[2 * LEN + 158..2 * LEN + 163].fill(0);
    let path = dir.join("blank.bin");
    std::fs::write(&path, &bin).expect("write");
    (path, bin)
}

fn decode(file: &Path, extra: &[&str]) -> std::process::Output {
    let cpy = sample("person.cpy");
    let args = [&["decode", "--copybook", s(&cpy), s(file)][..], extra].concat();
    ferrule(&args, b"")
}

#[test]
fn blank_numbers_are_bad_fields_by_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, _) = blank_file(dir.path());
    let out = decode(&file, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("record 2, field"), "{err}");
    // Skipped, they are counted bad.
    let out = decode(&file, &["--on-error", "skip"]);
    assert!(stderr(&out).contains("2 bad"), "{}", stderr(&out));
}

#[test]
fn null_and_zero_modes_read_blanks_without_bad_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, bin) = blank_file(dir.path());
    let records = bin.len() / LEN;
    let out = decode(&file, &["--blank-numbers", "null"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains(" 0 bad"), "{}", stderr(&out));
    let rows = parse_lines(&stdout(&out));
    assert_eq!(rows.len(), records);
    assert!(rows[1]["outstanding_fines"].is_null());
    assert!(rows[1]["height_cm"].is_null());
    assert!(rows[2]["outstanding_fines"].is_null());
    assert!(rows[0]["outstanding_fines"].is_number());

    let out = decode(&file, &["--blank-numbers", "zero"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let second = text.lines().nth(1).expect("record 2");
    assert!(second.contains(r#""outstanding_fines":0.00"#), "{second}");
    assert!(second.contains(r#""height_cm":0"#), "{second}");

    // Bad values stay bad: a blank among digits is no blank.
    let mut partly = bin.clone();
    partly[75] = 0x40;
    let p = dir.path().join("partly.bin");
    std::fs::write(&p, &partly).expect("write");
    let out = decode(&p, &["--blank-numbers", "null"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("record 1, field height_cm, byte 75"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn encode_writes_null_back_as_blanks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, bin) = blank_file(dir.path());
    let out = decode(&file, &["--blank-numbers", "null"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cpy = sample("person.cpy");
    let enc = ferrule(
        &["encode", "--copybook", s(&cpy), "--blank-numbers", "null"],
        &out.stdout,
    );
    assert!(enc.status.success(), "{}", stderr(&enc));
    // Spaces come back as they were; low-values come back as spaces (null has one spelling).
    let mut want = bin.clone();
    want[2 * LEN + 158..2 * LEN + 163].fill(0x40);
    assert_eq!(enc.stdout.len(), want.len());
    assert!(enc.stdout == want, "encode did not restore the blanks");
}

#[test]
fn columnar_outputs_hold_the_same_nulls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, _) = blank_file(dir.path());
    let jsonl = dir.path().join("blank.jsonl");
    let out = decode(&file, &["--blank-numbers", "null", "-o", s(&jsonl)]);
    assert!(out.status.success(), "{}", stderr(&out));
    for format in ["parquet", "arrow", "csv"] {
        let path = dir.path().join(format!("blank.{format}"));
        let out = decode(
            &file,
            &["--blank-numbers", "null", "--to", format, "-o", s(&path)],
        );
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert!(stderr(&out).contains(" 0 bad"), "{}", stderr(&out));
        // pyarrow and DuckDB read it back; rows, types and decimal sums match the JSON Lines.
        let script = common::repo().join("tests/fixtures/columnar_check.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg(format).arg(&path).arg(&jsonl);
        if format == "csv" {
            cmd.arg("--flat");
        }
        let check = cmd.output().expect("python3 runs");
        assert!(
            check.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

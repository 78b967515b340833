//! `ferrule decode --threads N` end to end: the real binary on files made here (fixed and
//! RDW, tens of thousands of records so that there are many batches, bad records
//! spread through them). Every output format, quarantine file and error report must be
//! the same, byte for byte, with one thread and with four, under each `--on-error`
//! mode; the summary line says what happened.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{ferrule, path_str, stderr};

const COPYBOOK: &str = "\
       01  REC.
           05  ID        PIC 9(8).
           05  NAME      PIC X(12).
           05  AMT       PIC S9(7)V99 COMP-3.
";
const REC_LEN: usize = 25;
const RECORDS: usize = 30_000;

/// Records whose number is a multiple of this have a bad packed AMT (a whole-field
/// error), and those one past it a letter in ID.
const BAD_EVERY: usize = 997;

fn ebcdic(text: &str) -> Vec<u8> {
    text.bytes()
        .map(|b| match b {
            b'0'..=b'9' => 0xF0 + (b - b'0'),
            b'A'..=b'I' => 0xC1 + (b - b'A'),
            b'J'..=b'R' => 0xD1 + (b - b'J'),
            b'S'..=b'Z' => 0xE2 + (b - b'S'),
            _ => 0x40,
        })
        .collect()
}

/// Record `n` (1-based): good, or bad as [`BAD_EVERY`] says.
fn record(n: usize) -> Vec<u8> {
    let mut r = ebcdic(&format!("{n:08}"));
    if n % BAD_EVERY == 1 && n > 1 {
        r[3] = 0xC1; // 'A' among the digits
    }
    r.extend(ebcdic(&format!("{:<12}", format!("NAME {}", n % 1000))));
    // Nine digits and a sign nibble: the amount is n cents, negative for odd n.
    let digits = format!("{:09}", n % 1_000_000_000);
    let mut nibbles: Vec<u8> = digits.bytes().map(|d| d - b'0').collect();
    nibbles.push(if n % 2 == 1 { 0xD } else { 0xC });
    let mut packed: Vec<u8> = nibbles.chunks(2).map(|p| (p[0] << 4) | p[1]).collect();
    if n.is_multiple_of(BAD_EVERY) {
        packed = vec![0xFF; 5];
    }
    r.extend(packed);
    assert_eq!(r.len(), REC_LEN);
    r
}

/// The test file: `fixed` or `rdw` framed.
fn make_file(dir: &Path, framing: &str) -> PathBuf {
    let mut bytes = Vec::new();
    for n in 1..=RECORDS {
        let r = record(n);
        if framing == "rdw" {
            bytes.extend(((r.len() + 4) as u16).to_be_bytes());
            bytes.extend([0, 0]);
        }
        bytes.extend(r);
    }
    let path = dir.join(format!("data.{framing}.bin"));
    std::fs::write(&path, bytes).expect("write data");
    path
}

/// One decode run's outputs: exit code, stdout or output file, quarantine files, and
/// stderr without the summary line (its seconds vary).
#[derive(PartialEq)]
struct Run {
    code: Option<i32>,
    output: Vec<u8>,
    quarantine: Vec<u8>,
    reports: Vec<u8>,
    warnings: String,
    summary: String,
}

fn run(dir: &Path, data: &Path, framing: &str, to: &str, mode: &str, threads: &str) -> Run {
    let cpy = dir.join("rec.cpy");
    std::fs::write(&cpy, COPYBOOK).expect("write copybook");
    let tag = format!("{framing}.{to}.{mode}.{threads}");
    let out = dir.join(format!("out.{tag}"));
    let q = dir.join(format!("q.{tag}"));
    let o: Output = ferrule(
        &[
            "decode",
            "--copybook",
            path_str(&cpy),
            "--framing",
            framing,
            "--to",
            to,
            "--on-error",
            mode,
            "--quarantine",
            path_str(&q),
            "--threads",
            threads,
            "-o",
            path_str(&out),
            path_str(data),
        ],
        b"",
    );
    // The quarantine's name differs from run to run; what is said about it must not.
    let err = stderr(&o).replace(path_str(&q), "QUARANTINE");
    let (summary, warnings): (Vec<&str>, Vec<&str>) = err
        .lines()
        .partition(|l| l.starts_with("ferrule: summary:"));
    let mut reports = std::fs::read(format!("{}.errors.jsonl", q.display())).unwrap_or_default();
    reports.shrink_to_fit();
    Run {
        code: o.status.code(),
        output: std::fs::read(&out).unwrap_or_default(),
        quarantine: std::fs::read(&q).unwrap_or_default(),
        reports,
        warnings: warnings.join("\n"),
        summary: summary.join("\n"),
    }
}

impl std::fmt::Debug for Run {
    // Sizes, not megabytes of bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}, output {} bytes, quarantine {} bytes, reports {} bytes, stderr:\n{}\n{}",
            self.code,
            self.output.len(),
            self.quarantine.len(),
            self.reports.len(),
            self.warnings
                .lines()
                .rev()
                .take(3)
                .collect::<Vec<_>>()
                .join("\n"),
            self.summary
        )
    }
}

/// Fails naming the first part where two runs differ.
fn assert_same(a: &Run, b: &Run, what: &str) {
    let first_diff = |x: &[u8], y: &[u8]| x.iter().zip(y).position(|(p, q)| p != q);
    for (name, x, y) in [
        ("output", &a.output, &b.output),
        ("quarantine", &a.quarantine, &b.quarantine),
        ("reports", &a.reports, &b.reports),
    ] {
        assert!(
            x == y,
            "{what}: {name} differs ({} vs {} bytes, first difference at {:?})\n{a:?}\n---\n{b:?}",
            x.len(),
            y.len(),
            first_diff(x, y)
        );
    }
    assert_eq!(a.code, b.code, "{what}: exit codes\n{a:?}\n---\n{b:?}");
    assert_eq!(a.warnings, b.warnings, "{what}: stderr");
}

/// `records, bad, quarantined` from a summary line (`ferrule: summary: 30000 records,
/// 30 bad, 30 quarantined, 0.12 s`).
fn summary_counts(line: &str) -> (u64, u64, u64) {
    let nums: Vec<u64> = line
        .trim_start_matches("ferrule: summary:")
        .split(',')
        .take(3)
        .map(|part| {
            part.split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no count in {line:?}"))
        })
        .collect();
    (nums[0], nums[1], nums[2])
}

#[test]
fn one_thread_and_four_write_the_same_bytes_in_every_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = RECORDS / BAD_EVERY * 2; // every multiple, and the record after each
    for framing in ["fixed", "rdw"] {
        let data = make_file(dir.path(), framing);
        for to in ["jsonl", "csv", "parquet", "arrow"] {
            for mode in ["skip", "null", "fail"] {
                let one = run(dir.path(), &data, framing, to, mode, "1");
                let four = run(dir.path(), &data, framing, to, mode, "4");
                let what = format!("{framing} --to {to} --on-error {mode}");
                assert_same(&one, &four, &what);
                assert!(!one.output.is_empty(), "{what}: no output");
                let (records, bad_n, quarantined) = summary_counts(&one.summary);
                if mode == "fail" {
                    // Stops at the first bad record (number 997), the ones before it written.
                    assert_eq!(one.code, Some(1), "{what}");
                    assert_eq!((records, bad_n, quarantined), (997, 1, 1), "{what}");
                    assert!(
                        one.warnings.contains("record 997, field amt"),
                        "{what}: {}",
                        one.warnings
                    );
                } else {
                    assert_eq!(one.code, Some(0), "{what}: {}", one.warnings);
                    assert_eq!(
                        (records, bad_n, quarantined),
                        (RECORDS as u64, bad as u64, bad as u64),
                        "{what}"
                    );
                    let reports = String::from_utf8_lossy(&one.reports);
                    assert_eq!(reports.lines().count(), bad, "{what}");
                    assert!(reports.contains("\"record\":1994"), "{what}");
                }
                let quarantined_len = if framing == "rdw" {
                    REC_LEN + 4
                } else {
                    REC_LEN
                };
                assert_eq!(
                    one.quarantine.len(),
                    quarantined as usize * quarantined_len,
                    "{what}: quarantine holds every bad record, raw"
                );
            }
        }
    }
}

#[test]
fn records_kept_skipped_or_written_before_the_stop_are_the_right_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = make_file(dir.path(), "rdw");
    let lines = |r: &Run| String::from_utf8_lossy(&r.output).lines().count();
    let bad = RECORDS / BAD_EVERY * 2;
    let null = run(dir.path(), &data, "rdw", "jsonl", "null", "4");
    assert_eq!(lines(&null), RECORDS, "null keeps every record");
    let skip = run(dir.path(), &data, "rdw", "jsonl", "skip", "4");
    assert_eq!(lines(&skip), RECORDS - bad, "skip drops the bad ones");
    let fail = run(dir.path(), &data, "rdw", "jsonl", "fail", "4");
    let text = String::from_utf8_lossy(&fail.output).to_string();
    assert_eq!(
        lines(&fail),
        996,
        "fail writes the records before the first bad one"
    );
    assert!(
        text.lines().last().unwrap_or("").contains("\"id\":996"),
        "{text:.200}"
    );
    // In order: record n is line n.
    let ids: Vec<u64> = String::from_utf8_lossy(&null.output)
        .lines()
        .take(20_000)
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_u64())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "records out of order");
}

#[test]
fn parquet_and_arrow_read_back_as_equal_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = make_file(dir.path(), "fixed");
    for to in ["parquet", "arrow"] {
        run(dir.path(), &data, "fixed", to, "null", "1");
        run(dir.path(), &data, "fixed", to, "null", "4");
        let one = dir.path().join(format!("out.fixed.{to}.null.1"));
        let four = dir.path().join(format!("out.fixed.{to}.null.4"));
        let script = format!(
            "import sys, pyarrow.parquet as pq, pyarrow.feather as f\n\
             read = pq.read_table if sys.argv[1] == 'parquet' else f.read_table\n\
             a, b = read(sys.argv[2]), read(sys.argv[3])\n\
             assert a.num_rows == {RECORDS}, a.num_rows\n\
             assert a.equals(b), 'tables differ'\n\
             print(a.schema.field('amt').type)\n"
        );
        let out = std::process::Command::new("python3")
            .args(["-c", &script, to, path_str(&one), path_str(&four)])
            .output()
            .expect("python3 runs");
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(
            !text.contains("ModuleNotFoundError"),
            "pyarrow is not installed: `python3 -m pip install pyarrow`\n{text}"
        );
        assert!(out.status.success(), "{to}: {text}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("decimal128(9, 2)"),
            "{to}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn a_truncated_tail_stops_after_every_record_before_it() {
    // A framing error in the last batch: all records before it are written, in order,
    // whatever the thread count, and the run fails naming the offset.
    let dir = tempfile::tempdir().expect("tempdir");
    let data = make_file(dir.path(), "fixed");
    let mut bytes = std::fs::read(&data).expect("read");
    bytes.extend_from_slice(&[0xF1; 7]);
    std::fs::write(&data, bytes).expect("write");
    let one = run(dir.path(), &data, "fixed", "jsonl", "skip", "1");
    let four = run(dir.path(), &data, "fixed", "jsonl", "skip", "4");
    assert_same(&one, &four, "truncated tail");
    assert_eq!(one.code, Some(1));
    let bad = RECORDS / BAD_EVERY * 2;
    assert_eq!(
        String::from_utf8_lossy(&one.output).lines().count(),
        RECORDS - bad
    );
    assert!(one.warnings.contains("error:"), "{}", one.warnings);
}

#[test]
fn threads_zero_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = make_file(dir.path(), "fixed");
    let r = run(dir.path(), &data, "fixed", "jsonl", "skip", "0");
    assert_eq!(r.code, Some(2), "{}", r.warnings);
    assert!(r.warnings.contains("--threads"), "{}", r.warnings);
}

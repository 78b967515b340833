//! `ferrule decode --to parquet|arrow|csv` end to end: the real binary on the golden
//! samples, its output read back by independent readers (pyarrow and DuckDB, from PyPI)
//! and compared row by row, type by type and sum by sum with `ferrule decode`'s JSON
//! Lines of the same file; bad records under each `--on-error` mode.

mod common;

use std::path::Path;
use std::process::Command;

use common::{ferrule, sample, stderr};
use serde_json::Value;

/// Runs the Python checker (tests/fixtures/columnar_check.py); its JSON summary.
fn check(format: &str, path: &Path, jsonl: &Path, flat: bool) -> Value {
    let script = common::repo().join("tests/fixtures/columnar_check.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg(format).arg(path).arg(jsonl);
    if flat {
        cmd.arg("--flat");
    }
    let out = cmd.output().expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        !text.contains("ModuleNotFoundError"),
        "pyarrow and duckdb are not installed: `python3 -m pip install pyarrow duckdb` \
         (scripts/test.sh does)\n{text}"
    );
    assert!(out.status.success(), "{format} {}: {text}", path.display());
    serde_json::from_slice(&out.stdout).expect("checker prints JSON")
}

/// `ferrule decode` with `args`; fails the test on a non-zero exit.
fn decode(args: &[&str]) -> std::process::Output {
    let mut all = vec!["decode"];
    all.extend_from_slice(args);
    let out = ferrule(&all, b"");
    assert!(out.status.success(), "decode {args:?}: {}", stderr(&out));
    out
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The golden samples with their decode options.
const SAMPLES: &[(&str, &str, &[&str])] = &[
    ("person.cpy", "person.cp037.bin", &[]),
    (
        "vehicle.cpy",
        "vehicle.cp1146.bin",
        &["--codepage", "cp1146"],
    ),
    (
        "custody.cpy",
        "custody.rdw.bin",
        &["--codepage", "cp285", "--framing", "rdw"],
    ),
];

#[test]
fn every_format_reads_back_as_the_json_lines_say() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (cpy, bin, opts) in SAMPLES {
        let cpy = sample(cpy);
        let bin = sample(bin);
        let base = [&["--copybook", s(&cpy), s(&bin)][..], opts].concat();
        let jsonl = dir
            .path()
            .join(format!("{bin:?}.jsonl").replace(['/', '"'], "_"));
        decode(&[&base[..], &["-o", s(&jsonl)]].concat());
        for (format, flat) in [
            ("parquet", false),
            ("parquet", true),
            ("arrow", false),
            ("csv", true),
        ] {
            let out = dir.path().join(format!("out.{format}.{flat}"));
            let mut args = [&base[..], &["--to", format, "-o", s(&out)]].concat();
            if flat {
                args.push("--flatten");
            }
            decode(&args);
            let summary = check(format, &out, &jsonl, flat);
            assert!(summary["rows"].as_u64().unwrap_or(0) > 0, "{summary}");
        }
    }
}

#[test]
fn decimals_stay_decimals_and_sums_match() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cpy, bin) = (sample("person.cpy"), sample("person.cp037.bin"));
    let jsonl = dir.path().join("p.jsonl");
    decode(&["--copybook", s(&cpy), s(&bin), "-o", s(&jsonl)]);
    let pq = dir.path().join("p.parquet");
    decode(&[
        "--copybook",
        s(&cpy),
        s(&bin),
        "--to",
        "parquet",
        "-o",
        s(&pq),
    ]);
    let summary = check("parquet", &pq, &jsonl, false);
    let types = &summary["types"];
    // COMP-3 S9(7)V99, SIGN LEADING SEPARATE S9(3)V9(6), COMP S9(4): exact types.
    assert_eq!(types["outstanding_fines"], "decimal128(9, 2)");
    assert_eq!(types["duckdb:outstanding_fines"], "DECIMAL(9,2)");
    assert_eq!(types["duckdb:last_seen_lat"], "DECIMAL(9,6)");
    assert_eq!(types["conviction_count"], "int16");
    assert_eq!(types["warning_markers"], "list<item: string>");
    // DuckDB summed it; the checker compared it with the JSON Lines' exact sum.
    assert!(
        summary["sums"]["outstanding_fines"].is_string(),
        "{summary}"
    );
}

#[test]
fn a_dataset_splits_into_parts_that_read_as_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cpy, bin) = (sample("vehicle.cpy"), sample("vehicle.cp1146.bin"));
    let base = ["--copybook", s(&cpy), s(&bin), "--codepage", "cp1146"];
    let jsonl = dir.path().join("v.jsonl");
    decode(&[&base[..], &["-o", s(&jsonl)]].concat());
    let rows = std::fs::read_to_string(&jsonl)
        .expect("jsonl")
        .lines()
        .count();
    assert!(rows >= 2, "the sample needs two records to split");
    let out = dir.path().join("ds");
    decode(
        &[
            &base[..],
            &["--to", "parquet", "--out", s(&out), "--rows-per-file", "1"],
        ]
        .concat(),
    );
    for i in 0..rows {
        assert!(
            out.join(format!("part-{i:05}.parquet")).exists(),
            "part {i}"
        );
    }
    let summary = check("parquet", &out, &jsonl, false);
    assert_eq!(summary["files"].as_u64(), Some(rows as u64));
}

/// The person sample with a copy of its first record whose COMP-3 fines field (byte 158)
/// holds an invalid nibble, placed second.
fn with_bad_record(dir: &Path) -> (std::path::PathBuf, usize) {
    let bin = std::fs::read(sample("person.cp037.bin")).expect("sample");
    let len = 207;
    let mut bad = bin.get(..len).expect("a record").to_vec();
    bad[158] = 0x1A;
    let mut out = bin[..len].to_vec();
    out.extend(&bad);
    out.extend(&bin[len..]);
    let path = dir.join("bad.bin");
    std::fs::write(&path, &out).expect("write");
    (path, out.len() / len)
}

#[test]
fn bad_records_follow_on_error_in_every_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (bin, records) = with_bad_record(dir.path());
    let cpy = sample("person.cpy");
    let base = ["--copybook", s(&cpy), s(&bin)];
    // fail: exit 1 naming record 2, the field path, its byte offset and bytes.
    let pq = dir.path().join("fail.parquet");
    let out = ferrule(
        &[&["decode"][..], &base, &["--to", "parquet", "-o", s(&pq)]].concat(),
        b"",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "record 2, field outstanding_fines, byte 158: invalid packed-decimal nibble 0xA"
        ),
        "{err}"
    );
    // skip and null: the same rows as JSON Lines under the same mode, bad ones quarantined.
    for mode in ["skip", "null"] {
        let jsonl = dir.path().join(format!("{mode}.jsonl"));
        let q = dir.path().join(format!("{mode}.quarantine"));
        decode(&[&base[..], &["--on-error", mode, "-o", s(&jsonl)]].concat());
        for format in ["parquet", "arrow", "csv"] {
            let out = dir.path().join(format!("{mode}.{format}"));
            decode(
                &[
                    &base[..],
                    &[
                        "--on-error",
                        mode,
                        "--to",
                        format,
                        "-o",
                        s(&out),
                        "--quarantine",
                        s(&q),
                    ],
                ]
                .concat(),
            );
            let summary = check(format, &out, &jsonl, format == "csv");
            let want = if mode == "skip" { records - 1 } else { records };
            assert_eq!(
                summary["rows"].as_u64(),
                Some(want as u64),
                "{mode} {format}"
            );
            let kept = std::fs::read(&q).expect("quarantine");
            assert_eq!(kept.len(), 207, "{mode} {format}: the bad record's bytes");
        }
    }
}

#[test]
fn schema_arrow_prints_types_and_88_levels() {
    let cpy = sample("person.cpy");
    let out = ferrule(&["schema", "--arrow", "--copybook", s(&cpy)], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("outstanding_fines: Decimal128(9, 2)\n"),
        "{text}"
    );
    assert!(text.contains("  surname: Utf8\n"), "{text}");
    assert!(
        text.contains(r#"sex: Utf8  -- 88 {"SEX-MALE":["M"]"#),
        "{text}"
    );
    let flat = ferrule(
        &["schema", "--arrow", "--flatten", "--copybook", s(&cpy)],
        b"",
    );
    let text = String::from_utf8_lossy(&flat.stdout);
    assert!(text.contains("name_block__surname: Utf8\n"), "{text}");
    assert!(text.contains("warning_markers__4: Utf8\n"), "{text}");
}

#[test]
fn columnar_options_are_refused_where_they_mean_nothing() {
    let (cpy, bin) = (sample("person.cpy"), sample("person.cp037.bin"));
    // --flatten with JSON Lines output; --out together with --output.
    let out = ferrule(
        &["decode", "--copybook", s(&cpy), s(&bin), "--flatten"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = ferrule(
        &[
            "decode",
            "--copybook",
            s(&cpy),
            s(&bin),
            "--to",
            "csv",
            "--out",
            "/tmp/x",
            "-o",
            "/tmp/y",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not both"), "{}", stderr(&out));
}

#[test]
fn fixed_framed_odo_records_are_read_at_their_measured_length() {
    // The RDW sample without its record descriptor words: ODO records back to back, each
    // as long as its counter says (decode measures them; so must the columnar path).
    let dir = tempfile::tempdir().expect("tempdir");
    let rdw = std::fs::read(sample("custody.rdw.bin")).expect("sample");
    let mut fixed = Vec::new();
    let mut at = 0;
    while let Some(head) = rdw.get(at..at + 4) {
        let len = usize::from(u16::from_be_bytes([head[0], head[1]]));
        fixed.extend(rdw.get(at + 4..at + len).expect("whole record"));
        at += len;
    }
    let bin = dir.path().join("custody.fixed.bin");
    std::fs::write(&bin, &fixed).expect("write");
    let cpy = sample("custody.cpy");
    let base = ["--copybook", s(&cpy), s(&bin), "--codepage", "cp285"];
    let jsonl = dir.path().join("c.jsonl");
    decode(&[&base[..], &["-o", s(&jsonl)]].concat());
    let pq = dir.path().join("c.parquet");
    decode(&[&base[..], &["--to", "parquet", "-o", s(&pq)]].concat());
    let summary = check("parquet", &pq, &jsonl, false);
    assert!(summary["rows"].as_u64().unwrap_or(0) >= 2, "{summary}");
}

/// pyarrow's view of a Parquet file's layout: rows per row group, and per column path
/// its compression and encodings (first row group).
fn parquet_layout(path: &Path) -> Value {
    let script = r#"
import json, sys
import pyarrow.parquet as pq
m = pq.ParquetFile(sys.argv[1]).metadata
cols = {}
if m.num_row_groups:
    g = m.row_group(0)
    for i in range(g.num_columns):
        c = g.column(i)
        cols[c.path_in_schema] = {"compression": c.compression, "encodings": list(c.encodings)}
print(json.dumps({"groups": [m.row_group(i).num_rows for i in range(m.num_row_groups)], "columns": cols}))
"#;
    let out = Command::new("python3")
        .args(["-c", script, s(path)])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The person sample (3 records) 10 times over in `dir`: its copybook, the file, and
/// the file's JSON Lines (`ferrule decode`).
fn people(dir: &Path) -> [std::path::PathBuf; 3] {
    let bin = std::fs::read(sample("person.cp037.bin")).expect("sample");
    let (cpy, path) = (sample("person.cpy"), dir.join("people.bin"));
    std::fs::write(&path, bin.repeat(10)).expect("write");
    let jsonl = dir.join("people.jsonl");
    decode(&["--copybook", s(&cpy), s(&path), "-o", s(&jsonl)]);
    [cpy, path, jsonl]
}

#[test]
fn row_groups_follow_the_row_group_size_on_any_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let [cpy, bin, jsonl] = people(dir.path());
    let base = ["--copybook", s(&cpy), s(&bin)];
    // 207-byte records: 7 a group by count; 4 by size (a fifth would pass 1000 bytes).
    let cases = [
        ("--row-group-rows", "7", serde_json::json!([7, 7, 7, 7, 2])),
        (
            "--row-group-bytes",
            "1000",
            serde_json::json!([4, 4, 4, 4, 4, 4, 4, 2]),
        ),
    ];
    for (option, n, groups) in cases {
        let mut bytes = Vec::new();
        for threads in ["1", "3"] {
            let pq = dir.path().join(format!("p{threads}.parquet"));
            let to = ["--to", "parquet", option, n];
            decode(&[&base[..], &to, &["--threads", threads, "-o", s(&pq)]].concat());
            assert_eq!(
                parquet_layout(&pq)["groups"],
                groups,
                "{option} {n}, {threads} threads"
            );
            check("parquet", &pq, &jsonl, false);
            bytes.push(std::fs::read(&pq).expect("parquet"));
        }
        assert!(
            bytes[0] == bytes[1],
            "1 and 3 threads wrote different files"
        );
    }
}

#[test]
fn dataset_parts_split_row_groups_that_do_not_fit() {
    // 30 rows, parts of 4, row groups of 3 encoded on the workers: a row group that
    // crosses a part boundary is split by the writer; the parts still read as one.
    let dir = tempfile::tempdir().expect("tempdir");
    let [cpy, bin, jsonl] = people(dir.path());
    let base = ["--copybook", s(&cpy), s(&bin)];
    for threads in ["1", "2"] {
        let ds = dir.path().join(format!("ds{threads}"));
        let to = ["--to", "parquet", "--row-group-rows", "3"];
        let parts = ["--rows-per-file", "4", "--threads", threads];
        decode(&[&base[..], &to, &parts, &["--out", s(&ds)]].concat());
        let mut rows = Vec::new();
        for i in 0..8 {
            let groups = parquet_layout(&ds.join(format!("part-{i:05}.parquet")))["groups"].clone();
            let groups: Vec<u64> = serde_json::from_value(groups).expect("row counts");
            assert!(groups.iter().all(|&g| g <= 3), "part {i}: {groups:?}");
            rows.push(groups.iter().sum::<u64>());
        }
        assert_eq!(rows, [4, 4, 4, 4, 4, 4, 4, 2], "{threads} threads");
        assert!(!ds.join("part-00008.parquet").exists());
        let summary = check("parquet", &ds, &jsonl, false);
        assert_eq!(summary["rows"].as_u64(), Some(30));
    }
}

#[test]
fn dictionaries_only_for_text_and_compression_as_asked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let [cpy, bin, jsonl] = people(dir.path());
    let base = ["--copybook", s(&cpy), s(&bin), "--to", "parquet"];
    for (compression, want) in [(None, "SNAPPY"), (Some("none"), "UNCOMPRESSED")] {
        let pq = dir.path().join(format!("{want}.parquet"));
        let mut args = [&base[..], &["-o", s(&pq)]].concat();
        if let Some(c) = compression {
            args.extend(["--compression", c]);
        }
        decode(&args);
        check("parquet", &pq, &jsonl, false);
        let layout = parquet_layout(&pq);
        let columns = layout["columns"].as_object().expect("columns");
        for (path, c) in columns {
            assert_eq!(c["compression"], want, "{path}");
            let dict = c["encodings"]
                .as_array()
                .expect("encodings")
                .iter()
                .any(|e| e.as_str().is_some_and(|e| e.contains("DICTIONARY")));
            // Text columns keep a dictionary; decimals and integers are plain.
            let text = ["nominal_ref", "name_block.surname"].contains(&path.as_str());
            let amount = ["outstanding_fines", "conviction_count"].contains(&path.as_str());
            assert!(!text || dict, "{path}: {c}");
            assert!(!amount || !dict, "{path}: {c}");
        }
        assert!(columns.contains_key("outstanding_fines"), "{columns:?}");
    }
}

#[test]
fn parquet_options_are_refused_where_they_mean_nothing() {
    let (cpy, bin) = (sample("person.cpy"), sample("person.cp037.bin"));
    let base = ["decode", "--copybook", s(&cpy), s(&bin)];
    for extra in [
        &["--to", "csv", "--compression", "none"][..],
        &["--row-group-rows", "10"],
        &[
            "--to",
            "parquet",
            "--row-group-rows",
            "0",
            "-o",
            "/dev/null",
        ],
        &["--to", "parquet", "--compression", "zip", "-o", "/dev/null"],
    ] {
        let out = ferrule(&[&base[..], extra].concat(), b"");
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
    }
}

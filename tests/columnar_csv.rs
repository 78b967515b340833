//! `ferrule decode --to csv` end to end: a clean batch of fixed-length records goes from
//! bytes straight to CSV lines (the direct path), a batch holding a bad record goes
//! through Arrow columns (the generic path); both must give the same lines, under every
//! `--on-error` mode, on one thread or two, in one file or split between dataset parts.

mod common;

use std::path::Path;

use common::{ferrule, sample, stderr};

const LEN: usize = 207;

/// `decode --to csv` of `bin` with `args`, as it ran.
fn run(bin: &Path, args: &[&str]) -> std::process::Output {
    let cpy = sample("person.cpy");
    let mut all = vec![
        "decode",
        "--copybook",
        cpy.to_str().expect("utf-8 path"),
        bin.to_str().expect("utf-8 path"),
        "--to",
        "csv",
        "--no-progress",
    ];
    all.extend_from_slice(args);
    ferrule(&all, b"")
}

/// `decode --to csv` of `bin` with `args`, its standard output (it must succeed).
fn csv(bin: &Path, args: &[&str]) -> String {
    let out = run(bin, args);
    assert!(out.status.success(), "decode {args:?}: {}", stderr(&out));
    String::from_utf8(out.stdout).expect("CSV is UTF-8")
}

#[test]
fn the_direct_and_generic_paths_write_the_same_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let clean_bin = sample("person.cp037.bin");
    let records = std::fs::read(&clean_bin).expect("sample");
    assert!(records.len() >= 2 * LEN && records.len().is_multiple_of(LEN));
    // The same records, then a copy of the first whose COMP-3 fines (byte 158) holds an
    // invalid nibble: the batch cannot go the direct way.
    let mut bad = records.get(..LEN).expect("a record").to_vec();
    bad[158] = 0x1A;
    let bad_bin = dir.path().join("bad.bin");
    std::fs::write(&bad_bin, [records.as_slice(), &bad].concat()).expect("write");

    let clean = csv(&clean_bin, &["--threads", "1"]);
    let lines: Vec<&str> = clean.lines().collect();
    assert_eq!(
        lines.len(),
        1 + records.len() / LEN,
        "a header and a line a record"
    );
    assert_eq!(csv(&clean_bin, &["--threads", "2"]), clean);

    // skip: the clean lines, whichever path wrote them, and the bad record quarantined.
    let q = dir.path().join("q.bin");
    let skipped = csv(
        &bad_bin,
        &[
            "--on-error",
            "skip",
            "--quarantine",
            q.to_str().expect("path"),
        ],
    );
    assert_eq!(skipped, clean);
    assert_eq!(std::fs::read(&q).expect("quarantine"), bad);

    // null: one more line, the first record's with its fines cell empty.
    let header: Vec<&str> = lines[0].split(',').collect();
    let fines = header
        .iter()
        .position(|&h| h == "outstanding_fines")
        .expect("a fines column");
    assert!(
        !lines[1].contains('"'),
        "unquoted cells, so ',' splits them"
    );
    let mut cells: Vec<&str> = lines[1].split(',').collect();
    cells[fines] = "";
    let want = format!("{clean}{}\n", cells.join(","));
    for threads in ["1", "2"] {
        let nulled = csv(&bad_bin, &["--on-error", "null", "--threads", threads]);
        assert_eq!(nulled, want, "--threads {threads}");
    }

    // fail: exit 1 naming the bad field; the records before it are still written.
    let out = run(&bad_bin, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("invalid packed-decimal nibble 0xA"));
    assert_eq!(String::from_utf8_lossy(&out.stdout), clean);
}

#[test]
fn dataset_parts_split_the_text_at_line_ends() {
    // Parts of 2 rows each (the sample has 3): every part its header, the rows in order.
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = sample("person.cp037.bin");
    let clean = csv(&bin, &[]);
    let (header, body) = clean.split_once('\n').expect("a header line");
    let out = dir.path().join("parts");
    for threads in ["1", "2"] {
        let _ = std::fs::remove_dir_all(&out);
        csv(
            &bin,
            &[
                "--out",
                out.to_str().expect("path"),
                "--rows-per-file",
                "2",
                "--threads",
                threads,
            ],
        );
        let mut names: Vec<_> = std::fs::read_dir(&out)
            .expect("parts")
            .map(|e| e.expect("entry").path())
            .collect();
        names.sort();
        let rows = body.lines().count();
        assert_eq!(names.len(), rows.div_ceil(2), "--threads {threads}");
        let mut joined = String::new();
        for p in &names {
            let text = std::fs::read_to_string(p).expect("part");
            let (h, rest) = text.split_once('\n').expect("a header line");
            assert_eq!(h, header);
            assert!(rest.lines().count() <= 2);
            joined.push_str(rest);
        }
        assert_eq!(joined, body, "--threads {threads}");
    }
}

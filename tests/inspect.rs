//! `ferrule inspect FILE --copybook C` end to end: files written here by `ferrule encode`
//! in every framing inspect tries and in several code pages of both families; inspect's
//! top answer must be the options they were written with (or a reading that is the same
//! bytes, e.g. `bdw` for a VBS file without spanned records), and a file that fits
//! nothing gets a clear message.

mod common;

use std::path::{Path, PathBuf};

use common::{ferrule, path_str, stderr, stdout};

const COPYBOOK: &str = "\
       01  CUST.
           05  CUST-ID     PIC 9(6).
           05  NAME        PIC X(16).
           05  BALANCE     PIC S9(7)V99 COMP-3.
           05  VISITS      PIC S9(4) COMP.
           05  CITY        PIC X(10).
";

/// Records as JSON Lines, with `text` in every NAME (the code page's own letters).
fn jsonl(text: &str, n: usize) -> String {
    (1..=n)
        .map(|i| {
            // Amounts and counts whose bytes hold no 0x0A or 0x15 (line ends).
            format!(
                "{{\"cust_id\":{},\"name\":\"{text} {}\",\"balance\":{}.{:02},\"visits\":{},\"city\":\"PARIS\"}}\n",
                100_000 + i,
                i % 7,
                200 + i % 7 * 111,
                22 + i % 3 * 11,
                i % 60 + 32
            )
        })
        .collect()
}

fn write_copybook(dir: &Path) -> PathBuf {
    let cpy = dir.join("cust.cpy");
    std::fs::write(&cpy, COPYBOOK).expect("write copybook");
    cpy
}

/// A file of `n` records encoded with `framing` and `codepage`.
fn encoded(dir: &Path, framing: &str, codepage: &str, text: &str, n: usize) -> PathBuf {
    let cpy = write_copybook(dir);
    let out = dir.join(format!("data.{framing}.{codepage}.bin"));
    let o = ferrule(
        &[
            "encode",
            "--copybook",
            path_str(&cpy),
            "--framing",
            framing,
            "--codepage",
            codepage,
            "-o",
            path_str(&out),
        ],
        jsonl(text, n).as_bytes(),
    );
    assert!(
        o.status.success(),
        "encode {framing} {codepage}: {}",
        stderr(&o)
    );
    out
}

/// `ferrule inspect`'s first suggested `decode` line.
fn top_answer(dir: &Path, file: &Path, extra: &[&str]) -> (String, String) {
    let cpy = write_copybook(dir);
    let mut args = vec!["inspect", "--copybook", path_str(&cpy), path_str(file)];
    args.extend_from_slice(extra);
    let o = ferrule(&args, b"");
    let out = stdout(&o);
    assert!(o.status.success(), "inspect: {}{out}", stderr(&o));
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("ferrule decode"))
        .unwrap_or_else(|| panic!("no decode line in:\n{out}"))
        .to_string();
    (line, out)
}

#[test]
fn every_framing_is_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The reading inspect should give, when another spelling reads the same bytes.
    let framings: &[(&str, &[&str])] = &[
        ("fixed", &[]),
        ("rdw", &[]),
        ("rdw-le", &[]),
        ("rdw-excl", &[]),
        ("rdw-le-excl", &[]),
        ("bdw", &[]),
        ("bdw-le", &[]),
        ("bdw-excl", &[]),
        ("bdw-le-excl", &[]),
        // Without spanned records, VBS is VB and RDW-spanned is RDW.
        ("vbs", &["bdw"]),
        ("rdw-spanned", &["rdw"]),
        ("len2", &[]),
        ("len4", &[]),
        ("len2-le", &[]),
        // A 4-byte little-endian length under 64 KiB is an RDW-LE that excludes itself.
        ("len4-le", &["rdw-le-excl"]),
        ("lines-ebcdic", &[]),
    ];
    for (framing, same) in framings {
        let file = encoded(dir.path(), framing, "cp037", "DUPONT", 50);
        let (line, out) = top_answer(dir.path(), &file, &[]);
        let ok = std::iter::once(framing)
            .chain(same.iter())
            .any(|f| line.contains(&format!("--framing {f} --codepage cp037")));
        assert!(ok, "{framing}: top answer `{line}`\n{out}");
        assert!(
            out.contains("50 of 50 records decode cleanly"),
            "{framing}:\n{out}"
        );
    }
    // ASCII text lines.
    let file = encoded(dir.path(), "lines", "latin1", "DUPONT", 50);
    let (line, out) = top_answer(dir.path(), &file, &[]);
    assert!(line.contains("--framing lines --codepage"), "{line}\n{out}");
}

#[test]
fn code_pages_of_both_families_are_told_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Each page's own letters or punctuation: what tells it from its neighbours.
    let pages = [
        ("cp037", "A[B] CO"),
        ("cp273", "MÜLLER ÄÖ"),
        ("cp1047", "A^[B] CO"),
        ("utf-8", "CAFÉ ÉTÉ"),
        ("latin1", "MÜLLER ÄÖ"),
    ];
    for (cp, text) in pages {
        let file = encoded(dir.path(), "rdw", cp, text, 30);
        let (line, out) = top_answer(dir.path(), &file, &[]);
        assert!(
            line.contains(&format!("--framing rdw --codepage {cp} ")),
            "{cp}: top answer `{line}`\n{out}"
        );
    }
}

#[test]
fn runners_up_show_their_first_mismatch_in_hex() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = encoded(dir.path(), "rdw", "cp037", "DUPONT", 20);
    let (_, out) = top_answer(dir.path(), &file, &["--top", "5"]);
    assert!(out.contains("first mismatch:"), "{out}");
    // A field error names the field and shows the bytes.
    assert!(
        out.lines()
            .any(|l| l.contains("first mismatch:") && (l.contains("bytes") || l.contains("field"))),
        "{out}"
    );
}

#[test]
fn a_sample_reads_only_the_start_of_a_big_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = encoded(dir.path(), "fixed", "cp037", "DUPONT", 3000);
    let (line, out) = top_answer(dir.path(), &file, &["--sample", "10"]);
    assert!(line.contains("--framing fixed --codepage cp037"), "{out}");
    assert!(out.contains("10 of 10 records"), "{out}");
}

#[test]
fn a_file_that_fits_nothing_is_said_clearly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = write_copybook(dir.path());
    let junk = dir.path().join("junk.bin");
    // Bytes no framing cuts into 39-byte records whose numbers decode.
    std::fs::write(&junk, [0xFFu8; 37]).expect("write");
    let o = ferrule(
        &["inspect", "--copybook", path_str(&cpy), path_str(&junk)],
        b"",
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("fits no framing, code page"), "{err}");
    // An empty file too.
    let empty = dir.path().join("empty.bin");
    std::fs::write(&empty, b"").expect("write");
    let o = ferrule(
        &["inspect", "--copybook", path_str(&cpy), path_str(&empty)],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is empty"), "{}", stderr(&o));
}

#[test]
fn odo_modes_are_told_apart() {
    // OCCURS DEPENDING ON in a file without length headers: records as long as their
    // counters say, or every table stored at its maximum (--odo-stored-max).
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = dir.path().join("ord.cpy");
    std::fs::write(
        &cpy,
        "       01  ORD.
           05  ORD-ID     PIC 9(6).
           05  N          PIC 9(2).
           05  ITEM OCCURS 0 TO 5 TIMES DEPENDING ON N.
               10  SKU    PIC X(4).
               10  QTY    PIC S9(3) COMP-3.
           05  TAIL       PIC X(4).
",
    )
    .expect("write copybook");
    let lines: String = (1..=40)
        .map(|i| {
            let items: Vec<String> = (0..i % 4 + 1)
                .map(|j| format!("{{\"sku\":\"S{j}\",\"qty\":{}}}", j + 2))
                .collect();
            format!(
                "{{\"ord_id\":{},\"n\":{},\"item\":[{}],\"tail\":\"END\"}}\n",
                200_000 + i,
                items.len(),
                items.join(",")
            )
        })
        .collect();
    for stored_max in [false, true] {
        let out = dir.path().join(format!("ord.{stored_max}.bin"));
        let mut args = vec!["encode", "--copybook", path_str(&cpy), "-o", path_str(&out)];
        if stored_max {
            args.push("--odo-stored-max");
        }
        let o = ferrule(&args, lines.as_bytes());
        assert!(o.status.success(), "encode: {}", stderr(&o));
        let o = ferrule(
            &["inspect", "--copybook", path_str(&cpy), path_str(&out)],
            b"",
        );
        let text = stdout(&o);
        assert!(o.status.success(), "{}{text}", stderr(&o));
        let top = text
            .lines()
            .find(|l| l.trim_start().starts_with("ferrule decode"))
            .unwrap_or_default();
        assert!(top.contains("--framing fixed --codepage cp037"), "{text}");
        assert_eq!(top.contains("--odo-stored-max"), stored_max, "{text}");
        assert!(text.contains("40 of 40 records decode cleanly"), "{text}");
    }
}

#[test]
fn blank_numbers_are_suggested_when_they_are_the_only_fault() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = encoded(dir.path(), "fixed", "cp500", "MULLER", 20);
    // CUST 6 + 16 + 5 + 2 + 10 = 39 bytes; BALANCE (packed, 22-26) of every third record
    // left as spaces, CUST-ID (zoned, 0-5) of record 2 as low-values.
    let mut bytes = std::fs::read(&file).expect("read");
    for r in (0..20).step_by(3) {
        bytes[r * 39 + 22..r * 39 + 27].fill(0x40);
    }
    bytes[39..45].fill(0);
    std::fs::write(&file, &bytes).expect("write");
    let (line, out) = top_answer(dir.path(), &file, &[]);
    assert!(line.contains("--framing fixed"), "{out}");
    assert!(line.contains("--blank-numbers null"), "{out}");
    assert!(out.contains("20 of 20 records decode cleanly"), "{out}");
    assert!(
        out.contains("8 of them only with --blank-numbers null"),
        "{out}"
    );
    // Without blanks, the option is not suggested.
    let clean = encoded(dir.path(), "fixed", "cp037", "DUPONT", 20);
    let (line, _) = top_answer(dir.path(), &clean, &[]);
    assert!(!line.contains("--blank-numbers"), "{line}");
}

//! Replays the framing fuzz corpus through the fuzz target's property, so every input the
//! fuzzer kept (and every crash it found, once added) is checked by `cargo test`.
#![allow(clippy::unwrap_used)] // Tests: a failed unwrap is a failed test.

mod common;

use ferrule_parsers::framing::fuzz_check;

#[test]
fn replay_framing_corpus() {
    for (name, data) in common::corpus("framing") {
        let result = std::panic::catch_unwind(|| fuzz_check(&data));
        assert!(
            result.is_ok(),
            "corpus file {name} fails the framing property"
        );
    }
}

/// Seeds: a selector byte (see `fuzz_check`: low nibble picks the framing, high nibble the
/// fixed length - 1) then a small meaningful stream. Run with FERRULE_WRITE_FUZZ_SEEDS=1
/// to (re)write them.
#[test]
fn write_framing_seeds() {
    if std::env::var_os("FERRULE_WRITE_FUZZ_SEEDS").is_none() {
        return;
    }
    let seeds: &[(&str, &[u8])] = &[
        // fixed:3 (high nibble 2), two records and a truncated tail.
        ("fixed3-truncated-tail", b"\x20abcdefgh"),
        // IBM RDW: "ab" and an empty record.
        ("rdw-two-records", b"\x01\x00\x06\x00\x00ab\x00\x04\x00\x00"),
        // IBM RDW over text: non-zero reserved bytes.
        ("rdw-not-rdw", b"\x01HELLO WORLD\n"),
        // rdw-le-excl: one 3-byte record.
        ("rdw-le-excl", b"\x04\x03\x00\x00\x00xyz"),
        // BDW: block with two records, an empty block, block with one empty record.
        (
            "bdw-blocks",
            b"\x05\x00\x0f\x00\x00\x00\x06\x00\x00ab\x00\x05\x00\x00c\x00\x04\x00\x00\x00\x08\x00\x00\x00\x04\x00\x00",
        ),
        // Extended BDW (high bit) around one record.
        ("bdw-extended", b"\x05\x80\x00\x00\x0a\x00\x06\x00\x00ab"),
        // BDW whose length disagrees with its RDW.
        ("bdw-overrun", b"\x05\x00\x08\x00\x00\x00\x06\x00\x00ab"),
        // len2 then a record past the end.
        ("len2-truncated", b"\x09\x00\x02ab\x00\x05abc"),
        // len4 with a hostile length.
        ("len4-hostile", b"\x0a\xff\xff\xff\xffabc"),
        // Lines: LF, CRLF, CR CR LF, unterminated last line.
        ("lines-mixed", b"\x0ba\nbc\r\n\r\r\nlast\r"),
        // EBCDIC lines: NL-terminated, LF inside.
        ("lines-ebcdic", b"\x0c\xc1\x0a\x15\xc2\x0d\x15\x25"),
        // Measured: count byte + that many bytes, then a short tail.
        ("measured", b"\x0d\x02ab\x00\x05ab"),
    ];
    let dir = common::corpus_dir("framing");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, data) in seeds {
        fuzz_check(data);
        std::fs::write(dir.join(format!("seed-{name}")), data).unwrap();
    }
}

//! `--decimal-point` and `--currency-sign` through the real binary: European amounts and
//! a euro sign in EBCDIC (cp1140) decode and re-encode to the same bytes; bad values and
//! a code page without the sign are refused by name.

mod common;

use common::*;

const COPYBOOK: &str = "       01  INVOICE.
           05  COMPANY-NAME    PIC X(10).
           05  NET-AMOUNT      PIC Z.ZZZ.ZZ9,99.
           05  PRICE           PIC UUU.UU9,99-.
";

fn copybook(dir: &tempfile::TempDir) -> String {
    let cpy = dir.path().join("invoice.cpy");
    std::fs::write(&cpy, COPYBOOK).expect("write");
    path_str(&cpy).to_string()
}

fn cp1140(text: &str) -> Vec<u8> {
    ferrule_parsers::codepage::CodePage::by_name("cp1140")
        .expect("cp1140")
        .encode(text)
        .expect("encodable")
}

#[test]
fn european_amounts_and_a_euro_sign_round_trip_in_cp1140() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = copybook(&dir);
    let args = [
        "-c",
        cpy.as_str(),
        "--codepage",
        "cp1140",
        "--framing",
        "fixed",
        "--decimal-point",
        "comma",
        "--currency-sign",
        "€",
        "--currency-symbol",
        "U",
    ];
    let record = cp1140("ACME GMBH 1.234.567,89    €12,50-");
    assert_eq!(
        record.iter().filter(|&&b| b == 0x9F).count(),
        1,
        "one euro byte"
    );
    let dec = ferrule(&[&["decode"], &args[..], &["-"]].concat(), &record);
    assert!(dec.status.success(), "{}", stderr(&dec));
    let json = parse_lines(&stdout(&dec));
    assert_eq!(json[0]["net_amount"].to_string(), "1234567.89");
    assert_eq!(json[0]["price"].to_string(), "-12.50");
    let enc = ferrule(&[&["encode"], &args[..]].concat(), &dec.stdout);
    assert!(enc.status.success(), "{}", stderr(&enc));
    assert_eq!(enc.stdout, record);
}

#[test]
fn bad_symbols_and_a_code_page_without_the_sign_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cpy = copybook(&dir);
    // Not a decimal point name: a usage error.
    let out = ferrule(&["decode", "-c", &cpy, "--decimal-point", "dot-ish"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--decimal-point `dot-ish`"),
        "{}",
        stderr(&out)
    );
    // A three-letter currency string.
    let out = ferrule(&["layout", "-c", &cpy, "--currency-sign", "EUR"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("3 characters"), "{}", stderr(&out));
    // Without the options the copybook itself is refused: two decimal points.
    let out = ferrule(&["layout", "-c", &cpy], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invoice.cpy:3:"), "{}", stderr(&out));
    // cp037 has no euro sign.
    let out = ferrule(
        &[
            "decode",
            "-c",
            &cpy,
            "--codepage",
            "cp037",
            "--decimal-point",
            "comma",
            "--currency-sign",
            "€",
            "--currency-symbol",
            "U",
            "-",
        ],
        b"",
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("has no single-byte form in code page cp037"),
        "{}",
        stderr(&out)
    );
}

//! Ferrule's code pages checked against the real glibc `iconv` binary, all 256 bytes of
//! every EBCDIC page, in both directions, plus true ISO-8859-1 and windows-1252.
//!
//! Without `iconv` the test prints a note and passes, unless `CI=true`, where a missing
//! reference would silently turn the check off, so it fails instead.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use ferrule_parsers::codepage::CodePage;

/// Ferrule name and iconv name of every EBCDIC page Ferrule ships.
const EBCDIC: &[(&str, &str)] = &[
    ("cp037", "IBM037"),
    ("cp273", "IBM273"),
    ("cp277", "IBM277"),
    ("cp278", "IBM278"),
    ("cp280", "IBM280"),
    ("cp284", "IBM284"),
    ("cp285", "IBM285"),
    ("cp297", "IBM297"),
    ("cp500", "IBM500"),
    ("cp871", "IBM871"),
    ("cp1047", "IBM1047"),
    ("cp1140", "IBM1140"),
    ("cp1141", "IBM1141"),
    ("cp1142", "IBM1142"),
    ("cp1143", "IBM1143"),
    ("cp1144", "IBM1144"),
    ("cp1145", "IBM1145"),
    ("cp1146", "IBM1146"),
    ("cp1147", "IBM1147"),
    ("cp1148", "IBM1148"),
    ("cp1149", "IBM1149"),
];

/// Bytes glibc's CP1252 rejects but WHATWG windows-1252 (encoding_rs) maps to the C1
/// controls U+0081, U+008D, U+008F, U+0090, U+009D. Ferrule follows encoding_rs there.
const CP1252_GLIBC_HOLES: &[u8] = &[0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Is iconv here? If not: fail under CI, else say so and skip.
fn iconv_available() -> bool {
    let found = Command::new("iconv")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the `iconv` binary is required under CI=true to verify code pages; install glibc's iconv (libc-bin)");
        }
        eprintln!("note: `iconv` not found; skipping the iconv comparison");
    }
    found
}

/// Run `iconv -f from -t to` on `input`; `None` if iconv rejects any of it.
fn iconv(from: &str, to: &str, input: &[u8]) -> Option<Vec<u8>> {
    let mut child = Command::new("iconv")
        .args(["-f", from, "-t", to])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    output.status.success().then_some(output.stdout)
}

/// iconv's character for each byte of `charset`, `None` where iconv rejects the byte.
/// All 256 at once via UTF-32BE; byte by byte only if iconv rejects some byte.
fn iconv_decode_each(charset: &str) -> Vec<Option<char>> {
    let all: Vec<u8> = (0..=255).collect();
    let utf32_chars = |out: &[u8]| -> Vec<char> {
        out.chunks_exact(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])).unwrap())
            .collect()
    };
    if let Some(out) = iconv(charset, "UTF-32BE", &all) {
        let chars = utf32_chars(&out);
        assert_eq!(
            chars.len(),
            256,
            "{charset}: iconv gave {} chars",
            chars.len()
        );
        return chars.into_iter().map(Some).collect();
    }
    all.iter()
        .map(|&b| {
            iconv(charset, "UTF-32BE", &[b]).map(|out| {
                let chars = utf32_chars(&out);
                assert_eq!(chars.len(), 1, "{charset} byte {b:#04X}");
                chars[0]
            })
        })
        .collect()
}

/// Ferrule's character for each byte, `None` where Ferrule reports an error.
fn ferrule_decode_each(page: CodePage) -> Vec<Option<char>> {
    (0..=255u8)
        .map(|b| {
            page.decode(&[b]).ok().map(|s| {
                let mut chars = s.chars();
                let ch = chars.next().unwrap();
                assert!(chars.next().is_none(), "{} byte {b:#04X}", page.name());
                ch
            })
        })
        .collect()
}

/// Compare decode of every byte not in `skip`, then encode of every character both
/// sides decoded, one mismatch message per disagreement.
fn compare(name: &str, charset: &str, skip: &[u8]) -> Vec<String> {
    let page = CodePage::by_name(name).unwrap();
    let ours = ferrule_decode_each(page);
    let theirs = iconv_decode_each(charset);
    let mut problems = Vec::new();
    let mut agreed = String::new();
    let mut agreed_bytes = Vec::new();
    for b in 0..=255u8 {
        let (o, t) = (ours[usize::from(b)], theirs[usize::from(b)]);
        if skip.contains(&b) {
            continue;
        }
        if o != t {
            problems.push(format!(
                "{name} decode {b:#04X}: ferrule {o:?}, iconv {t:?}"
            ));
        } else if let Some(ch) = o {
            agreed.push(ch);
            agreed_bytes.push(b);
        }
    }
    // Decoding the whole run at once must match decoding byte by byte.
    assert_eq!(page.decode(&agreed_bytes).unwrap(), agreed, "{name}");

    // Reverse: every character, through both encoders.
    let ours = page.encode(&agreed).unwrap();
    let theirs = iconv("UTF-8", charset, agreed.as_bytes());
    match theirs {
        Some(theirs) if theirs == ours => {}
        Some(theirs) => {
            for ((ch, o), t) in agreed.chars().zip(&ours).zip(&theirs) {
                if o != t {
                    problems.push(format!(
                        "{name} encode {ch:?}: ferrule {o:#04X}, iconv {t:#04X}"
                    ));
                }
            }
            if theirs.len() != ours.len() {
                problems.push(format!("{name} encode: iconv gave {} bytes", theirs.len()));
            }
        }
        None => problems.push(format!("{name}: iconv could not encode its own characters")),
    }
    // Byte-exact: decoding then encoding gives the original bytes.
    if ours != agreed_bytes {
        problems.push(format!(
            "{name}: decode+encode does not give the bytes back"
        ));
    }
    problems
}

#[test]
fn ebcdic_pages_match_iconv() {
    if !iconv_available() {
        return;
    }
    let problems: Vec<String> = EBCDIC
        .iter()
        .flat_map(|&(name, charset)| compare(name, charset, &[]))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn latin1_matches_iconv_iso_8859_1() {
    if !iconv_available() {
        return;
    }
    let problems = compare("latin1", "ISO-8859-1", &[]);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn windows_1252_matches_iconv_cp1252_except_glibc_holes() {
    if !iconv_available() {
        return;
    }
    let problems = compare("windows-1252", "CP1252", CP1252_GLIBC_HOLES);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The holes are exactly where documented: glibc rejects them, encoding_rs gives the
    // C1 control of the same value.
    let theirs = iconv_decode_each("CP1252");
    let page = CodePage::by_name("windows-1252").unwrap();
    for b in 0..=255u8 {
        let hole = theirs[usize::from(b)].is_none();
        assert_eq!(hole, CP1252_GLIBC_HOLES.contains(&b), "byte {b:#04X}");
        if hole {
            assert_eq!(
                page.decode(&[b]).unwrap(),
                char::from(b).to_string(),
                "byte {b:#04X}"
            );
        }
    }
}

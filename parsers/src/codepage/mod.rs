//! Code pages for record text: bytes of a PIC X field <-> UTF-8.
//!
//! Three kinds of page sit behind one [`CodePage`] value:
//! - EBCDIC (cp037, cp285, cp1140..cp1149, ...): tables generated from glibc iconv
//!   (`ebcdic_tables.rs`, by `parsers/tools/gen_codepages.py`) and checked against it again
//!   by `parsers/tests/codepage_iconv.rs`; see `ebcdic.rs`.
//! - True ISO-8859-1 and 7-bit US-ASCII, done directly (`direct.rs`) because encoding_rs
//!   reads those labels as windows-1252.
//! - Every other ASCII-family encoding encoding_rs knows by label (`ascii.rs`).
//!
//! No conversion ever substitutes: a byte without a character, a malformed sequence or a
//! character the page cannot hold is an error that says where.

mod ascii;
mod direct;
mod ebcdic;
mod ebcdic_tables;

use direct::Direct;
use encoding_rs::Encoding;

/// A code page: how the text of a record field is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodePage {
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ebcdic(&'static ebcdic::Page),
    Direct(Direct),
    EncodingRs(&'static Encoding),
}

/// A conversion failure, with where it happened.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum CodePageError {
    /// A byte that has no character in the page.
    #[error("byte 0x{byte:02X} at offset {offset} has no character in {codepage}")]
    Unmappable {
        codepage: &'static str,
        offset: usize,
        byte: u8,
    },
    /// A character the page cannot hold; `index` counts characters, not bytes.
    #[error("character {ch:?} (U+{:04X}) at position {index} cannot be written in {codepage}", *ch as u32)]
    Unencodable {
        codepage: &'static str,
        index: usize,
        ch: char,
    },
    /// A multi-byte sequence that is invalid or cut short, starting at byte `offset`.
    #[error("malformed {codepage} sequence at byte {offset}")]
    Malformed {
        codepage: &'static str,
        offset: usize,
    },
}

/// Names accepted for true ISO-8859-1 (which WHATWG would map to windows-1252).
const LATIN1_NAMES: &[&str] = &[
    "latin1",
    "latin-1",
    "l1",
    "iso-8859-1",
    "iso8859-1",
    "iso88591",
    "iso_8859-1",
    "iso_8859-1:1987",
    "iso-ir-100",
    "csisolatin1",
    "cp819",
    "ibm819",
];

/// Names accepted for 7-bit US-ASCII (which WHATWG would map to windows-1252).
const ASCII_NAMES: &[&str] = &[
    "ascii",
    "us-ascii",
    "ansi_x3.4-1968",
    "iso646-us",
    "iso-ir-6",
    "csascii",
    "us",
    "cp367",
    "ibm367",
];

/// Prefixes an EBCDIC page number may carry: `cp037`, `IBM-037`, `ibm01140`, `ccsid1140`.
const EBCDIC_PREFIXES: &[&str] = &[
    "csibm", "ibm-", "ibm_", "ibm", "cp-", "cp", "ccsid-", "ccsid",
];

/// The list behind [`CodePage::names`]: every EBCDIC page, then common ASCII-family ones.
const NAMES: &[&str] = &[
    "cp037",
    "cp273",
    "cp277",
    "cp278",
    "cp280",
    "cp284",
    "cp285",
    "cp297",
    "cp500",
    "cp871",
    "cp1047",
    "cp1140",
    "cp1141",
    "cp1142",
    "cp1143",
    "cp1144",
    "cp1145",
    "cp1146",
    "cp1147",
    "cp1148",
    "cp1149",
    "utf-8",
    "latin1",
    "ascii",
    "windows-1252",
    "iso-8859-15",
    "shift_jis",
    "euc-jp",
    "gbk",
    "big5",
];

impl CodePage {
    /// Look a code page up by name, case-insensitively. Accepts `cp037`, `CP037`, `037`,
    /// `37`, `ibm037`, `IBM-037`, `ibm01140`, IANA aliases such as `ebcdic-cp-us`; `latin1`,
    /// `iso-8859-1`, `l1` (true ISO-8859-1); `ascii`, `us-ascii` (7-bit); and every
    /// encoding_rs label (`utf-8`, `utf8`, `windows-1252`, `iso-8859-15`, `shift_jis`, ...)
    /// except UTF-16 and `replacement`. Unknown names give `None`.
    pub fn by_name(name: &str) -> Option<CodePage> {
        let lower = name.trim().to_ascii_lowercase();
        let kind = if LATIN1_NAMES.contains(&lower.as_str()) {
            Kind::Direct(direct::LATIN1)
        } else if ASCII_NAMES.contains(&lower.as_str()) {
            Kind::Direct(direct::ASCII)
        } else if let Some(page) = ebcdic_by_name(&lower) {
            Kind::Ebcdic(page)
        } else {
            let enc = Encoding::for_label_no_replacement(lower.as_bytes())?;
            if !ascii::is_supported(enc) {
                return None;
            }
            Kind::EncodingRs(enc)
        };
        Some(CodePage { kind })
    }

    /// The canonical name: `cp037`, `latin1`, `ascii`, `utf-8`, `windows-1252`, ...
    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::Ebcdic(page) => page.name,
            Kind::Direct(d) => d.name,
            Kind::EncodingRs(enc) => ascii::canonical_name(enc),
        }
    }

    /// Is this an EBCDIC page?
    pub fn is_ebcdic(&self) -> bool {
        matches!(self.kind, Kind::Ebcdic(_))
    }

    /// The byte for U+0020 (0x40 EBCDIC, 0x20 ASCII-family).
    pub fn space(&self) -> u8 {
        if self.is_ebcdic() {
            0x40
        } else {
            0x20
        }
    }

    /// Byte-for-byte single-byte page? (true for EBCDIC, latin1, windows-125x, iso-8859-x;
    /// false for utf-8, shift_jis)
    pub fn is_single_byte(&self) -> bool {
        match self.kind {
            Kind::Ebcdic(_) | Kind::Direct(_) => true,
            Kind::EncodingRs(enc) => enc.is_single_byte(),
        }
    }

    /// Append the UTF-8 text of `bytes` to `out`. Error names the byte offset and byte
    /// value (or the offset of a malformed sequence). On error `out` is left unchanged.
    pub fn decode_to_utf8(&self, bytes: &[u8], out: &mut Vec<u8>) -> Result<(), CodePageError> {
        match self.kind {
            Kind::Ebcdic(page) => page.decode_to_utf8(bytes, out),
            Kind::Direct(d) => d.decode_to_utf8(bytes, out),
            Kind::EncodingRs(enc) => ascii::decode_to_utf8(enc, bytes, out),
        }
    }

    /// Appends `bytes` as a quoted JSON string and returns true when their text is plain
    /// ASCII that a JSON string holds unescaped (EBCDIC pages only, where one table pass
    /// decides it); otherwise leaves `out` as it was and returns false.
    pub fn json_string_plain(&self, bytes: &[u8], out: &mut Vec<u8>) -> bool {
        match self.kind {
            Kind::Ebcdic(page) => page.json_string_plain(bytes, out),
            Kind::Direct(_) | Kind::EncodingRs(_) => false,
        }
    }

    /// Convenience: decode into a String.
    pub fn decode(&self, bytes: &[u8]) -> Result<String, CodePageError> {
        let mut out = Vec::with_capacity(bytes.len());
        self.decode_to_utf8(bytes, &mut out)?;
        // Every decoder above emits valid UTF-8; a failure here would be our bug, so
        // report it rather than panic.
        String::from_utf8(out).map_err(|e| CodePageError::Malformed {
            codepage: self.name(),
            offset: e.utf8_error().valid_up_to(),
        })
    }

    /// Append the encoded bytes of `text` to `out`. Error names the character and its
    /// char index. On error `out` is left unchanged.
    pub fn encode_into(&self, text: &str, out: &mut Vec<u8>) -> Result<(), CodePageError> {
        match self.kind {
            Kind::Ebcdic(page) => page.encode_into(text, out),
            Kind::Direct(d) => d.encode_into(text, out),
            Kind::EncodingRs(enc) => ascii::encode_into(enc, text, out),
        }
    }

    /// Convenience: encode into a new Vec.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, CodePageError> {
        let mut out = Vec::with_capacity(text.len());
        self.encode_into(text, &mut out)?;
        Ok(out)
    }

    /// All canonical names, for `--help` and error messages: every EBCDIC page plus a few
    /// common ASCII-family examples (any encoding_rs label is also accepted).
    pub fn names() -> &'static [&'static str] {
        NAMES
    }
}

/// An EBCDIC page from an IANA alias or a number with an optional prefix (`lower` is
/// already lower case).
fn ebcdic_by_name(lower: &str) -> Option<&'static ebcdic::Page> {
    if let Some(page) = ebcdic::by_alias(lower) {
        return Some(page);
    }
    let digits = EBCDIC_PREFIXES
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(lower);
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ebcdic::by_number(digits.parse().ok()?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn page(name: &str) -> CodePage {
        CodePage::by_name(name).unwrap()
    }

    #[test]
    fn cp037_letters() {
        // C1 C2 C3 is "ABC" in every Latin EBCDIC page.
        assert_eq!(page("cp037").decode(b"\xC1\xC2\xC3").unwrap(), "ABC");
    }

    #[test]
    fn cp285_pound() {
        // The UK page puts '£' at 0x5B, where cp037 has '$'.
        assert_eq!(page("cp285").decode(b"\x5B").unwrap(), "£");
        assert_eq!(page("cp037").decode(b"\x5B").unwrap(), "$");
    }

    #[test]
    fn cp1146_euro() {
        // The UK euro page puts '€' at 0x9F (cp285 has '¤' there).
        assert_eq!(page("cp1146").decode(b"\x9F").unwrap(), "€");
        assert_eq!(page("cp285").decode(b"\x9F").unwrap(), "¤");
        assert_eq!(page("cp1146").encode("€").unwrap(), b"\x9F");
    }

    #[test]
    fn cp1047_differs_from_cp037() {
        // The open-systems page moves [ ] ^ ¬ and friends.
        let cp037 = page("cp037");
        let cp1047 = page("cp1047");
        for (byte, in_037, in_1047) in [
            (0xBA, "[", "Ý"),
            (0xBB, "]", "¨"),
            (0xAD, "Ý", "["),
            (0xBD, "¨", "]"),
            (0x5F, "¬", "^"),
            (0xB0, "^", "¬"),
        ] {
            assert_eq!(cp037.decode(&[byte]).unwrap(), in_037, "cp037 {byte:#04X}");
            assert_eq!(
                cp1047.decode(&[byte]).unwrap(),
                in_1047,
                "cp1047 {byte:#04X}"
            );
        }
    }

    #[test]
    fn euro_not_in_cp037() {
        // cp037 predates the euro: error names the char and its index.
        let err = page("cp037").encode("12€").unwrap_err();
        assert_eq!(
            err,
            CodePageError::Unencodable {
                codepage: "cp037",
                index: 2,
                ch: '€'
            }
        );
        assert_eq!(
            err.to_string(),
            "character '€' (U+20AC) at position 2 cannot be written in cp037"
        );
    }

    #[test]
    fn check_mark_not_in_latin1() {
        // '✓' U+2713 is beyond Latin-1.
        assert!(matches!(
            page("latin1").encode("✓"),
            Err(CodePageError::Unencodable {
                index: 0,
                ch: '✓',
                ..
            })
        ));
    }

    #[test]
    fn latin1_is_not_windows_1252() {
        // 0x80: U+0080 in ISO-8859-1, '€' in windows-1252.
        assert_eq!(page("iso-8859-1").decode(b"\x80").unwrap(), "\u{80}");
        assert_eq!(page("windows-1252").decode(b"\x80").unwrap(), "€");
    }

    #[test]
    fn malformed_utf8_offset() {
        // A truncated 3-byte sequence starting at offset 1.
        let err = page("utf-8").decode(b"a\xE2\x82").unwrap_err();
        assert_eq!(
            err,
            CodePageError::Malformed {
                codepage: "utf-8",
                offset: 1
            }
        );
        assert_eq!(err.to_string(), "malformed utf-8 sequence at byte 1");
    }

    #[test]
    fn unmappable_message() {
        // ascii rejects 0x80 and says where.
        let err = page("ascii").decode(b"ab\x80").unwrap_err();
        assert_eq!(
            err.to_string(),
            "byte 0x80 at offset 2 has no character in ascii"
        );
    }

    #[test]
    fn unknown_names() {
        // Not a code page, not an EBCDIC number we have, UTF-16, replacement, empty.
        for name in [
            "klingon",
            "cp9999",
            "37x",
            "cp",
            "",
            "utf-16le",
            "utf-16",
            "iso-2022-kr",
            "1252",
        ] {
            assert_eq!(CodePage::by_name(name), None, "{name:?}");
        }
    }

    #[test]
    fn aliases() {
        // Spellings of the same page resolve to one canonical name.
        for (alias, canonical) in [
            ("cp037", "cp037"),
            ("CP037", "cp037"),
            ("037", "cp037"),
            ("37", "cp037"),
            ("ibm037", "cp037"),
            ("IBM-037", "cp037"),
            ("ibm-037", "cp037"),
            ("ebcdic-cp-us", "cp037"),
            ("IBM01146", "cp1146"),
            ("cp1146", "cp1146"),
            ("1047", "cp1047"),
            ("ebcdic-cp-gb", "cp285"),
            ("utf-8", "utf-8"),
            ("UTF8", "utf-8"),
            ("latin1", "latin1"),
            ("ISO-8859-1", "latin1"),
            ("l1", "latin1"),
            ("iso-8859-15", "iso-8859-15"),
            ("windows-1252", "windows-1252"),
            ("cp1252", "windows-1252"),
            ("ascii", "ascii"),
            ("US-ASCII", "ascii"),
            ("Shift_JIS", "shift_jis"),
            ("sjis", "shift_jis"),
            (" cp500 ", "cp500"),
        ] {
            assert_eq!(page(alias).name(), canonical, "{alias}");
        }
    }

    #[test]
    fn names_all_resolve_to_themselves() {
        // Every listed name is canonical.
        for &name in CodePage::names() {
            assert_eq!(page(name).name(), name);
        }
    }

    #[test]
    fn space_and_single_byte() {
        // EBCDIC space is 0x40; multi-byte pages are not single-byte.
        assert_eq!(page("cp037").space(), 0x40);
        assert_eq!(page("utf-8").space(), 0x20);
        assert!(page("cp037").is_ebcdic() && page("cp037").is_single_byte());
        assert!(page("latin1").is_single_byte() && page("windows-1250").is_single_byte());
        assert!(page("iso-8859-2").is_single_byte());
        assert!(!page("utf-8").is_single_byte() && !page("shift_jis").is_single_byte());
        assert!(!page("latin1").is_ebcdic());
    }

    #[test]
    fn json_string_plain_takes_only_clean_ascii() {
        let cp = page("cp037");
        let mut out = b"x".to_vec();
        // "AB 1" is plain, quoted.
        assert!(cp.json_string_plain(&[0xC1, 0xC2, 0x40, 0xF1], &mut out));
        assert_eq!(out, b"x\"AB 1\"");
        // A quote (0x7F), a control byte (0x05, tab) or a non-ASCII letter (0x63, Ä) is not,
        // in the 8-byte blocks or in the rest after them: out is left as it was.
        for bad in [0x7F, 0x05, 0x63] {
            for at in [0, 7, 8, 12] {
                let mut bytes = [0xC1; 13];
                bytes[at] = bad;
                assert!(!cp.json_string_plain(&bytes, &mut out));
                assert_eq!(out, b"x\"AB 1\"");
            }
        }
        // Every length across the block edges: the letters, then the closing quote.
        for n in 0..=17 {
            let mut out = Vec::new();
            assert!(cp.json_string_plain(&vec![0xC1; n], &mut out));
            assert_eq!(out, format!("\"{}\"", "A".repeat(n)).as_bytes());
        }
        // ASCII-family pages always take the general path.
        assert!(!page("latin1").json_string_plain(b"AB", &mut out));
    }

    #[test]
    fn decode_to_utf8_appends() {
        // Output is appended after what the caller already has.
        let mut out = b"x=".to_vec();
        page("cp500").decode_to_utf8(b"\xF1\xF2", &mut out).unwrap();
        assert_eq!(out, b"x=12");
    }
}

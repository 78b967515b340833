//! Table-driven EBCDIC codec: one [`Page`] per IBM code page.
//!
//! The byte -> code point tables are generated from glibc iconv (`ebcdic_tables.rs`).
//! Everything else is derived from them at compile time by `const fn`s, so there is no
//! lazy initialisation on the hot path: decoding is one table lookup per byte that
//! yields the UTF-8 bytes ready to append, encoding is one lookup per character.

use super::ebcdic_tables as t;
use super::CodePageError;

/// Largest number of characters above U+00FF one page may hold (the euro sign, the
/// overline of cp285). Checked at compile time by [`reverse_map`].
const MAX_HIGH: usize = 4;

/// One-byte-table entry for a byte whose character is not ASCII (or is unmappable);
/// never a valid ASCII byte.
const NOT_ASCII: u8 = 0xFF;

/// Reverse-map entry meaning "no byte encodes this character".
const NO_BYTE: u16 = 0xFFFF;

/// The UTF-8 form of one table entry; `len == 0` marks an unmappable byte.
/// EBCDIC tables hold BMP characters only, so three bytes always suffice.
#[derive(Clone, Copy)]
struct Utf8Seq {
    len: u8,
    bytes: [u8; 3],
}

/// Character -> byte map: a direct array for U+0000..U+00FF, where nearly all EBCDIC
/// characters live, and a short list for the few above (e.g. `€`).
struct Reverse {
    low: [u16; 256],
    high: [(u16, u8); MAX_HIGH],
    high_len: usize,
}

/// One EBCDIC code page with its derived decode and encode tables.
pub(crate) struct Page {
    /// Canonical name, e.g. `cp037`.
    pub(crate) name: &'static str,
    /// IBM code page number, e.g. 37.
    pub(crate) number: u16,
    /// Extra IANA names (`ebcdic-cp-us`), lower case.
    pub(crate) aliases: &'static [&'static str],
    /// Each byte's ASCII character, or [`NOT_ASCII`].
    ascii: [u8; 256],
    /// As `ascii`, with the characters a JSON string must escape also [`NOT_ASCII`].
    json_plain: [u8; 256],
    utf8: [Utf8Seq; 256],
    reverse: Reverse,
}

impl std::fmt::Debug for Page {
    // The tables are noise in debug output; the name identifies the page.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl PartialEq for Page {
    fn eq(&self, other: &Self) -> bool {
        self.number == other.number
    }
}

impl Eq for Page {}

impl Page {
    /// Append the UTF-8 text of `bytes` to `out`; on error `out` is left as it was.
    pub(crate) fn decode_to_utf8(
        &self,
        bytes: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), CodePageError> {
        let start = out.len();
        // Fast path: text records are mostly letters, digits and spaces, which map to
        // ASCII. Translate everything through the one-byte table (a tight loop with no
        // branches), then look for the first byte that was not ASCII.
        out.extend(bytes.iter().map(|&b| self.ascii[usize::from(b)]));
        let written = out.get(start..).unwrap_or_default();
        // `is_ascii` scans a word at a time; the common all-ASCII case ends here.
        if written.is_ascii() {
            return Ok(());
        }
        let first = written
            .iter()
            .position(|&c| c == NOT_ASCII)
            .unwrap_or(written.len());
        out.truncate(start + first);
        let rest = bytes.get(first..).unwrap_or_default();
        for (i, &byte) in rest.iter().enumerate() {
            let seq = &self.utf8[usize::from(byte)];
            match seq.len {
                1 => out.push(seq.bytes[0]),
                2 => out.extend_from_slice(&seq.bytes[..2]),
                3 => out.extend_from_slice(&seq.bytes),
                _ => {
                    out.truncate(start);
                    return Err(CodePageError::Unmappable {
                        codepage: self.name,
                        offset: first + i,
                        byte,
                    });
                }
            }
        }
        Ok(())
    }

    /// Appends `bytes` as a quoted JSON string when every byte is an ASCII character
    /// that needs no escaping (the usual record text) and returns true; otherwise leaves
    /// `out` as it was and returns false (use [`Self::decode_to_utf8`] and escape).
    pub(crate) fn json_string_plain(&self, bytes: &[u8], out: &mut Vec<u8>) -> bool {
        let start = out.len();
        // Table entries that are not plain ASCII have bit 7 set: OR-ing them as they
        // are written decides the whole string at the end, with no branch per byte
        // and no second pass.
        let mut bad = 0u8;
        out.push(b'"');
        out.extend(bytes.iter().map(|&b| {
            let c = self.json_plain[usize::from(b)];
            bad |= c;
            c
        }));
        if bad >= 0x80 {
            out.truncate(start);
            return false;
        }
        out.push(b'"');
        true
    }

    /// Append the bytes encoding `text` to `out`; on error `out` is left as it was.
    pub(crate) fn encode_into(&self, text: &str, out: &mut Vec<u8>) -> Result<(), CodePageError> {
        let start = out.len();
        out.reserve(text.len());
        for (index, ch) in text.chars().enumerate() {
            match self.encode_char(ch) {
                Some(byte) => out.push(byte),
                None => {
                    out.truncate(start);
                    return Err(CodePageError::Unencodable {
                        codepage: self.name,
                        index,
                        ch,
                    });
                }
            }
        }
        Ok(())
    }

    /// The byte for `ch`, if the page has one.
    pub(crate) fn encode_char(&self, ch: char) -> Option<u8> {
        let cp = u32::from(ch);
        if let Some(&entry) = self.reverse.low.get(cp as usize) {
            return u8::try_from(entry).ok();
        }
        self.reverse
            .high
            .iter()
            .take(self.reverse.high_len)
            .find(|&&(c, _)| u32::from(c) == cp)
            .map(|&(_, byte)| byte)
    }
}

/// The ASCII character of every table entry, [`NOT_ASCII`] for the rest.
const fn ascii_table(table: &[u16; 256]) -> [u8; 256] {
    let mut out = [NOT_ASCII; 256];
    let mut i = 0;
    while i < 256 {
        if table[i] < 0x80 {
            out[i] = table[i] as u8;
        }
        i += 1;
    }
    out
}

/// ASCII characters that need no escaping in a JSON string, [`NOT_ASCII`] for the rest.
const fn json_plain_table(table: &[u16; 256]) -> [u8; 256] {
    let mut out = ascii_table(table);
    let mut i = 0;
    while i < 256 {
        if out[i] < 0x20 || out[i] == b'"' || out[i] == b'\\' {
            out[i] = NOT_ASCII;
        }
        i += 1;
    }
    out
}

/// UTF-8 form of every table entry; surrogates and [`t::UNMAPPABLE`] become unmappable.
const fn utf8_table(table: &[u16; 256]) -> [Utf8Seq; 256] {
    let mut out = [Utf8Seq {
        len: 0,
        bytes: [0; 3],
    }; 256];
    let mut i = 0;
    while i < 256 {
        let cp = table[i];
        out[i] = if cp == t::UNMAPPABLE || (cp >= 0xD800 && cp <= 0xDFFF) {
            Utf8Seq {
                len: 0,
                bytes: [0; 3],
            }
        } else if cp < 0x80 {
            Utf8Seq {
                len: 1,
                bytes: [cp as u8, 0, 0],
            }
        } else if cp < 0x800 {
            Utf8Seq {
                len: 2,
                bytes: [0xC0 | (cp >> 6) as u8, 0x80 | (cp & 0x3F) as u8, 0],
            }
        } else {
            Utf8Seq {
                len: 3,
                bytes: [
                    0xE0 | (cp >> 12) as u8,
                    0x80 | ((cp >> 6) & 0x3F) as u8,
                    0x80 | (cp & 0x3F) as u8,
                ],
            }
        };
        i += 1;
    }
    out
}

/// Inverse of `table`. If two bytes share a character the lower byte wins (no shipped
/// page does this; the iconv test would catch a disagreement).
const fn reverse_map(table: &[u16; 256]) -> Reverse {
    let mut rev = Reverse {
        low: [NO_BYTE; 256],
        high: [(0, 0); MAX_HIGH],
        high_len: 0,
    };
    let mut i = 0;
    while i < 256 {
        let cp = table[i];
        if cp == t::UNMAPPABLE || (cp >= 0xD800 && cp <= 0xDFFF) {
            // Nothing encodes to an unmappable byte.
        } else if cp < 0x100 {
            if rev.low[cp as usize] == NO_BYTE {
                rev.low[cp as usize] = i as u16;
            }
        } else {
            let mut seen = false;
            let mut k = 0;
            while k < rev.high_len {
                if rev.high[k].0 == cp {
                    seen = true;
                }
                k += 1;
            }
            if !seen {
                // A compile-time error if a new table outgrows MAX_HIGH.
                assert!(rev.high_len < MAX_HIGH, "raise MAX_HIGH");
                rev.high[rev.high_len] = (cp, i as u8);
                rev.high_len += 1;
            }
        }
        i += 1;
    }
    rev
}

const fn page(
    name: &'static str,
    number: u16,
    aliases: &'static [&'static str],
    table: &[u16; 256],
) -> Page {
    Page {
        name,
        number,
        aliases,
        ascii: ascii_table(table),
        json_plain: json_plain_table(table),
        utf8: utf8_table(table),
        reverse: reverse_map(table),
    }
}

/// Every supported EBCDIC page, in the order `CodePage::names` lists them.
pub(crate) static PAGES: [Page; 21] = [
    page(
        "cp037",
        37,
        &[
            "ebcdic-cp-us",
            "ebcdic-cp-ca",
            "ebcdic-cp-wt",
            "ebcdic-cp-nl",
        ],
        &t::CP037,
    ),
    page("cp273", 273, &[], &t::CP273),
    page("cp277", 277, &["ebcdic-cp-dk", "ebcdic-cp-no"], &t::CP277),
    page("cp278", 278, &["ebcdic-cp-fi", "ebcdic-cp-se"], &t::CP278),
    page("cp280", 280, &["ebcdic-cp-it"], &t::CP280),
    page("cp284", 284, &["ebcdic-cp-es"], &t::CP284),
    page("cp285", 285, &["ebcdic-cp-gb"], &t::CP285),
    page("cp297", 297, &["ebcdic-cp-fr"], &t::CP297),
    page("cp500", 500, &["ebcdic-cp-be", "ebcdic-cp-ch"], &t::CP500),
    page("cp871", 871, &["ebcdic-cp-is"], &t::CP871),
    page("cp1047", 1047, &[], &t::CP1047),
    page("cp1140", 1140, &["ebcdic-us-37+euro"], &t::CP1140),
    page("cp1141", 1141, &["ebcdic-de-273+euro"], &t::CP1141),
    page(
        "cp1142",
        1142,
        &["ebcdic-dk-277+euro", "ebcdic-no-277+euro"],
        &t::CP1142,
    ),
    page(
        "cp1143",
        1143,
        &["ebcdic-fi-278+euro", "ebcdic-se-278+euro"],
        &t::CP1143,
    ),
    page("cp1144", 1144, &["ebcdic-it-280+euro"], &t::CP1144),
    page("cp1145", 1145, &["ebcdic-es-284+euro"], &t::CP1145),
    page("cp1146", 1146, &["ebcdic-gb-285+euro"], &t::CP1146),
    page("cp1147", 1147, &["ebcdic-fr-297+euro"], &t::CP1147),
    page(
        "cp1148",
        1148,
        &["ebcdic-international-500+euro"],
        &t::CP1148,
    ),
    page("cp1149", 1149, &["ebcdic-is-871+euro"], &t::CP1149),
];

/// The page with IBM number `number` (37, 1146, ...).
pub(crate) fn by_number(number: u16) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.number == number)
}

/// The page with IANA alias `alias` (already lower case).
pub(crate) fn by_alias(alias: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.aliases.contains(&alias))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cp037() -> &'static Page {
        by_number(37).unwrap()
    }

    #[test]
    fn decodes_one_two_and_three_byte_utf8() {
        let mut out = Vec::new();
        // 0xC1 'A' (1 byte), 0x4A '¢' (2 bytes) in cp037; 0x9F '€' (3 bytes) in cp1140.
        cp037().decode_to_utf8(&[0xC1, 0x4A], &mut out).unwrap();
        by_number(1140)
            .unwrap()
            .decode_to_utf8(&[0x9F], &mut out)
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "A¢€");
    }

    #[test]
    fn unmappable_table_entry_is_an_error_and_leaves_output_alone() {
        // A page whose byte 0x02 has no character, as iconv would report it.
        let mut table = t::CP037;
        table[2] = t::UNMAPPABLE;
        let p = page("test", 1, &[], &table);
        let mut out = b"kept".to_vec();
        let err = p.decode_to_utf8(&[0xC1, 0x02], &mut out).unwrap_err();
        assert_eq!(
            err,
            CodePageError::Unmappable {
                codepage: "test",
                offset: 1,
                byte: 0x02
            }
        );
        assert_eq!(out, b"kept");
        // And nothing encodes to it: U+0002 is not in the page.
        assert_eq!(p.encode_char('\u{2}'), None);
    }

    #[test]
    fn fast_path_hands_over_to_general_path() {
        // ASCII prefix "AB", then '¢' (0x4A), then ASCII again "1", then unmappable 0x02
        // at offset 4: the error offset counts from the start of the input.
        let mut table = t::CP037;
        table[2] = t::UNMAPPABLE;
        let p = page("test", 1, &[], &table);
        let mut out = Vec::new();
        p.decode_to_utf8(&[0xC1, 0xC2, 0x4A, 0xF1], &mut out)
            .unwrap();
        assert_eq!(out, "AB¢1".as_bytes());
        let err = p
            .decode_to_utf8(&[0xC1, 0xC2, 0x4A, 0xF1, 0x02], &mut out)
            .unwrap_err();
        assert!(matches!(
            err,
            CodePageError::Unmappable {
                offset: 4,
                byte: 0x02,
                ..
            }
        ));
        assert_eq!(out, "AB¢1".as_bytes());
    }

    #[test]
    fn encode_uses_low_array_and_high_list() {
        // 'A' -> 0xC1 via the direct array; '€' -> 0x9F via the high list in cp1140.
        assert_eq!(cp037().encode_char('A'), Some(0xC1));
        assert_eq!(by_number(1140).unwrap().encode_char('€'), Some(0x9F));
        // U+0100 is in neither.
        assert_eq!(cp037().encode_char('\u{100}'), None);
    }

    #[test]
    fn encode_error_leaves_output_alone() {
        // '€' is not in cp037; the error names it and its char index 1.
        let mut out = b"x".to_vec();
        let err = cp037().encode_into("A€", &mut out).unwrap_err();
        assert_eq!(
            err,
            CodePageError::Unencodable {
                codepage: "cp037",
                index: 1,
                ch: '€'
            }
        );
        assert_eq!(out, b"x");
    }

    #[test]
    fn every_shipped_page_is_a_bijection() {
        // Each byte decodes and encodes back to itself.
        for p in &PAGES {
            for b in 0..=255u8 {
                let s = String::from_utf8({
                    let mut v = Vec::new();
                    p.decode_to_utf8(&[b], &mut v).unwrap();
                    v
                })
                .unwrap();
                let ch = s.chars().next().unwrap();
                assert_eq!(p.encode_char(ch), Some(b), "{} byte {b:#04X}", p.name);
            }
        }
    }

    #[test]
    fn lookup_by_number_and_alias() {
        // Numbers and IANA aliases find pages; unknown ones do not.
        assert_eq!(by_number(1146).unwrap().name, "cp1146");
        assert_eq!(by_alias("ebcdic-cp-gb").unwrap().name, "cp285");
        assert!(by_number(1252).is_none());
        assert!(by_alias("ebcdic-cp-xx").is_none());
    }
}

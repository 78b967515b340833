//! ASCII-family code pages through encoding_rs: UTF-8, windows-125x, ISO-8859-x (but not
//! -1, see `direct.rs`), KOI8, Shift_JIS, EUC-JP, GBK, Big5, ...
//!
//! encoding_rs replaces bad input with U+FFFD (decoding) or HTML numeric references
//! (encoding) unless asked not to; a record converter must never do either silently, so
//! only the `*_without_replacement` calls are used and every stop becomes an error.

use encoding_rs::{DecoderResult, EncoderResult, Encoding, UTF_8};

use super::CodePageError;

/// The canonical (lower-case) name Ferrule uses for an encoding_rs encoding.
pub(crate) fn canonical_name(enc: &'static Encoding) -> &'static str {
    match enc.name() {
        "UTF-8" => "utf-8",
        "Shift_JIS" => "shift_jis",
        "EUC-JP" => "euc-jp",
        "EUC-KR" => "euc-kr",
        "ISO-2022-JP" => "iso-2022-jp",
        "GBK" => "gbk",
        "Big5" => "big5",
        "KOI8-R" => "koi8-r",
        "KOI8-U" => "koi8-u",
        "IBM866" => "ibm866",
        "ISO-8859-2" => "iso-8859-2",
        "ISO-8859-3" => "iso-8859-3",
        "ISO-8859-4" => "iso-8859-4",
        "ISO-8859-5" => "iso-8859-5",
        "ISO-8859-6" => "iso-8859-6",
        "ISO-8859-7" => "iso-8859-7",
        "ISO-8859-8" => "iso-8859-8",
        "ISO-8859-8-I" => "iso-8859-8-i",
        "ISO-8859-10" => "iso-8859-10",
        "ISO-8859-13" => "iso-8859-13",
        "ISO-8859-14" => "iso-8859-14",
        "ISO-8859-15" => "iso-8859-15",
        "ISO-8859-16" => "iso-8859-16",
        // windows-125x, gb18030, macintosh, x-mac-cyrillic, x-user-defined: already lower.
        other => other,
    }
}

/// Whether Ferrule offers `enc` as a code page. UTF-16 is left out because its space is
/// two bytes (NATIONAL fields are the layout codec's business), and encoding_rs cannot
/// encode to it; `replacement` is not a real encoding.
pub(crate) fn is_supported(enc: &'static Encoding) -> bool {
    enc.output_encoding() == enc
}

/// Append the UTF-8 text of `bytes` in `enc` to `out`; on error `out` is left as it was.
pub(crate) fn decode_to_utf8(
    enc: &'static Encoding,
    bytes: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), CodePageError> {
    let name = canonical_name(enc);
    if enc == UTF_8 {
        // std's validator is the fast path; a BOM is kept as U+FEFF so text round-trips.
        return match std::str::from_utf8(bytes) {
            Ok(_) => {
                out.extend_from_slice(bytes);
                Ok(())
            }
            Err(e) => Err(CodePageError::Malformed {
                codepage: name,
                offset: e.valid_up_to(),
            }),
        };
    }
    let start = out.len();
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut read_total = 0;
    loop {
        let rest = bytes.get(read_total..).unwrap_or_default();
        // Room for the rest; OutputFull below covers a short estimate.
        let room = decoder
            .max_utf8_buffer_length_without_replacement(rest.len())
            .unwrap_or(rest.len())
            .max(4);
        let written_before = out.len();
        out.resize(written_before + room, 0);
        let dst = out.get_mut(written_before..).unwrap_or_default();
        let (result, read, written) = decoder.decode_to_utf8_without_replacement(rest, dst, true);
        out.truncate(written_before + written);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => return Ok(()),
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad_len, after) => {
                out.truncate(start);
                let offset = read_total
                    .saturating_sub(usize::from(after))
                    .saturating_sub(usize::from(bad_len));
                return Err(malformed(enc, name, bytes, offset, bad_len));
            }
        }
    }
}

/// In a single-byte page a bad byte is simply one without a character; say which.
fn malformed(
    enc: &'static Encoding,
    codepage: &'static str,
    bytes: &[u8],
    offset: usize,
    bad_len: u8,
) -> CodePageError {
    match bytes.get(offset) {
        Some(&byte) if enc.is_single_byte() && bad_len == 1 => CodePageError::Unmappable {
            codepage,
            offset,
            byte,
        },
        _ => CodePageError::Malformed { codepage, offset },
    }
}

/// Append the bytes encoding `text` in `enc` to `out`; on error `out` is left as it was.
pub(crate) fn encode_into(
    enc: &'static Encoding,
    text: &str,
    out: &mut Vec<u8>,
) -> Result<(), CodePageError> {
    if enc == UTF_8 {
        out.extend_from_slice(text.as_bytes());
        return Ok(());
    }
    let start = out.len();
    let mut encoder = enc.new_encoder();
    let mut read_total = 0;
    loop {
        let rest = text.get(read_total..).unwrap_or_default();
        let room = encoder
            .max_buffer_length_from_utf8_without_replacement(rest.len())
            .unwrap_or(rest.len())
            .max(8);
        let written_before = out.len();
        out.resize(written_before + room, 0);
        let dst = out.get_mut(written_before..).unwrap_or_default();
        let (result, read, written) = encoder.encode_from_utf8_without_replacement(rest, dst, true);
        out.truncate(written_before + written);
        read_total += read;
        match result {
            EncoderResult::InputEmpty => return Ok(()),
            EncoderResult::OutputFull => {}
            EncoderResult::Unmappable(ch) => {
                out.truncate(start);
                // `read` includes the unmappable character; its char index is the
                // number of characters before it.
                let before = read_total.saturating_sub(ch.len_utf8());
                let index = text.get(..before).map_or(0, |s| s.chars().count());
                return Err(CodePageError::Unencodable {
                    codepage: canonical_name(enc),
                    index,
                    ch,
                });
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use encoding_rs::{EUC_JP, SHIFT_JIS, UTF_16LE, WINDOWS_1252, WINDOWS_1253};

    fn decode(enc: &'static Encoding, bytes: &[u8]) -> Result<String, CodePageError> {
        let mut out = Vec::new();
        decode_to_utf8(enc, bytes, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn encode(enc: &'static Encoding, text: &str) -> Result<Vec<u8>, CodePageError> {
        let mut out = Vec::new();
        encode_into(enc, text, &mut out)?;
        Ok(out)
    }

    #[test]
    fn utf8_malformed_names_offset() {
        // 0xFF at offset 2 can never start a UTF-8 sequence.
        assert_eq!(
            decode(UTF_8, b"ab\xFFcd"),
            Err(CodePageError::Malformed {
                codepage: "utf-8",
                offset: 2
            })
        );
        // A BOM survives as U+FEFF.
        assert_eq!(decode(UTF_8, b"\xEF\xBB\xBFx").unwrap(), "\u{FEFF}x");
    }

    #[test]
    fn windows_1252_decodes_euro() {
        // 0x80 is '€' in windows-1252.
        assert_eq!(decode(WINDOWS_1252, b"\x80 5").unwrap(), "€ 5");
        assert_eq!(encode(WINDOWS_1252, "€ 5").unwrap(), b"\x80 5");
    }

    #[test]
    fn single_byte_hole_is_unmappable() {
        // 0xAA has no character in windows-1253.
        assert_eq!(
            decode(WINDOWS_1253, b"ab\xAA"),
            Err(CodePageError::Unmappable {
                codepage: "windows-1253",
                offset: 2,
                byte: 0xAA
            })
        );
    }

    #[test]
    fn shift_jis_round_trip_and_truncated_sequence() {
        // 0x93FA 0x967B is "日本"; a lone lead byte 0x93 at the end is malformed at 2.
        assert_eq!(decode(SHIFT_JIS, b"\x93\xFA\x96\x7B").unwrap(), "日本");
        assert_eq!(encode(SHIFT_JIS, "日本").unwrap(), b"\x93\xFA\x96\x7B");
        assert_eq!(
            decode(SHIFT_JIS, b"\x93\xFA\x93"),
            Err(CodePageError::Malformed {
                codepage: "shift_jis",
                offset: 2
            })
        );
    }

    #[test]
    fn unencodable_names_char_and_index_not_html_entity() {
        // '✓' at char index 2 is not in windows-1252: an error, never "&#10003;".
        assert_eq!(
            encode(WINDOWS_1252, "ab✓c"),
            Err(CodePageError::Unencodable {
                codepage: "windows-1252",
                index: 2,
                ch: '✓'
            })
        );
        // Char index, not byte index: 'é' takes two UTF-8 bytes.
        assert!(matches!(
            encode(EUC_JP, "é✓"),
            Err(CodePageError::Unencodable {
                index: 0,
                ch: 'é',
                ..
            })
        ));
    }

    #[test]
    fn long_input_crosses_output_buffer_estimates() {
        // Many multi-byte characters, decoded and encoded in one call each.
        let text = "日本語テキスト".repeat(5000);
        let bytes = encode(SHIFT_JIS, &text).unwrap();
        assert_eq!(decode(SHIFT_JIS, &bytes).unwrap(), text);
    }

    #[test]
    fn utf16_and_replacement_are_not_offered() {
        // UTF-16 spaces are two bytes; `replacement` decodes everything to an error.
        assert!(!is_supported(UTF_16LE));
        assert!(!is_supported(encoding_rs::REPLACEMENT));
        assert!(is_supported(SHIFT_JIS));
    }
}

//! Code pages where byte value = code point: true ISO-8859-1 and 7-bit US-ASCII.
//!
//! Implemented here rather than through encoding_rs because the WHATWG Encoding Standard
//! (which encoding_rs follows) treats `latin1`, `iso-8859-1` and `ascii` as labels of
//! windows-1252. Legacy record files labelled ISO-8859-1 mean the real thing: 0x80..0x9F
//! are C1 controls, not `€`, `‚`, ... .

use super::CodePageError;

/// A byte = code point page covering U+0000..=`max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Direct {
    pub(crate) name: &'static str,
    max: u8,
}

/// ISO-8859-1: every byte is the code point of the same value.
pub(crate) const LATIN1: Direct = Direct {
    name: "latin1",
    max: 0xFF,
};

/// US-ASCII: bytes 0x00..=0x7F; 0x80 and above are errors.
pub(crate) const ASCII: Direct = Direct {
    name: "ascii",
    max: 0x7F,
};

impl Direct {
    /// Append the UTF-8 text of `bytes` to `out`; on error `out` is left as it was.
    pub(crate) fn decode_to_utf8(
        &self,
        bytes: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), CodePageError> {
        if let Some(offset) = bytes.iter().position(|&b| b > self.max) {
            return Err(CodePageError::Unmappable {
                codepage: self.name,
                offset,
                byte: bytes.get(offset).copied().unwrap_or_default(),
            });
        }
        if bytes.is_ascii() {
            out.extend_from_slice(bytes);
            return Ok(());
        }
        out.reserve(bytes.len() + bytes.len() / 2);
        for &b in bytes {
            if b < 0x80 {
                out.push(b);
            } else {
                // U+0080..U+00FF: two UTF-8 bytes, C2 or C3 followed by the low six bits.
                out.extend_from_slice(&[0xC0 | (b >> 6), 0x80 | (b & 0x3F)]);
            }
        }
        Ok(())
    }

    /// Append the bytes encoding `text` to `out`; on error `out` is left as it was.
    pub(crate) fn encode_into(&self, text: &str, out: &mut Vec<u8>) -> Result<(), CodePageError> {
        if text.is_ascii() {
            out.extend_from_slice(text.as_bytes());
            return Ok(());
        }
        let start = out.len();
        out.reserve(text.len());
        for (index, ch) in text.chars().enumerate() {
            match u8::try_from(ch) {
                Ok(b) if b <= self.max => out.push(b),
                _ => {
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
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn decode(page: Direct, bytes: &[u8]) -> Result<String, CodePageError> {
        let mut out = Vec::new();
        page.decode_to_utf8(bytes, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn latin1_is_byte_equals_code_point() {
        // 0x80 is the C1 control U+0080 (windows-1252 would say '€'); 0xE9 is 'é'.
        assert_eq!(decode(LATIN1, b"a\x80\xE9\xFF").unwrap(), "a\u{80}é\u{FF}");
    }

    #[test]
    fn latin1_encode_rejects_above_u00ff() {
        // '✓' U+2713 at char index 2.
        let mut out = Vec::new();
        let err = LATIN1.encode_into("é ✓", &mut out).unwrap_err();
        assert_eq!(
            err,
            CodePageError::Unencodable {
                codepage: "latin1",
                index: 2,
                ch: '✓'
            }
        );
        assert!(out.is_empty());
    }

    #[test]
    fn ascii_rejects_high_bytes() {
        // 0xE9 at offset 1 is not 7-bit.
        assert_eq!(
            decode(ASCII, b"a\xE9"),
            Err(CodePageError::Unmappable {
                codepage: "ascii",
                offset: 1,
                byte: 0xE9
            })
        );
        assert_eq!(decode(ASCII, b"plain").unwrap(), "plain");
    }

    #[test]
    fn ascii_encode_rejects_non_ascii() {
        // 'é' U+00E9 fits latin1 but not ascii.
        let mut out = Vec::new();
        assert!(matches!(
            ASCII.encode_into("caf\u{E9}", &mut out),
            Err(CodePageError::Unencodable {
                index: 3,
                ch: 'é',
                ..
            })
        ));
        LATIN1.encode_into("caf\u{E9}", &mut out).unwrap();
        assert_eq!(out, b"caf\xE9");
    }
}

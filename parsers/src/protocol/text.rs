//! Fixed-width text fields of protocol headers (IMS Connect IRM names, CICS tranids):
//! blank-padded, in EBCDIC (cp037) or ASCII, as the client chooses.

use crate::codepage::CodePage;

/// How the text fields of a protocol header are encoded on the wire.
///
/// IMS Connect learns it from the IRM_ID field (`*` is X'5C' in EBCDIC, X'2A' in ASCII)
/// and answers in the same encoding; the CICS listeners accept either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderEncoding {
    /// EBCDIC code page 037 (the default of the IBM samples).
    #[default]
    Ebcdic,
    /// 7-bit US-ASCII.
    Ascii,
}

/// A header text value that does not fit its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextFieldError {
    /// Longer than the field.
    #[error("{field} {value:?} is {len} bytes long; the field holds {max}")]
    TooLong {
        field: &'static str,
        value: String,
        len: usize,
        max: usize,
    },
    /// A character the header encoding cannot hold.
    #[error("{field} {value:?} cannot be written in {encoding:?}: {detail}")]
    Unencodable {
        field: &'static str,
        value: String,
        encoding: HeaderEncoding,
        detail: String,
    },
    /// Bytes that are not text in the header encoding.
    #[error("{field} bytes {bytes} are not {encoding:?} text: {detail}")]
    Undecodable {
        field: &'static str,
        bytes: String,
        encoding: HeaderEncoding,
        detail: String,
    },
}

impl HeaderEncoding {
    /// The code page behind this encoding.
    pub fn code_page(self) -> Option<CodePage> {
        match self {
            HeaderEncoding::Ebcdic => CodePage::by_name("cp037"),
            HeaderEncoding::Ascii => CodePage::by_name("ascii"),
        }
    }

    /// The blank that pads fields.
    pub fn space(self) -> u8 {
        match self {
            HeaderEncoding::Ebcdic => 0x40,
            HeaderEncoding::Ascii => 0x20,
        }
    }

    /// Encodes `value` blank-padded to exactly `width` bytes, appended to `out`.
    pub fn put_field(
        self,
        field: &'static str,
        value: &str,
        width: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), TextFieldError> {
        let bytes = self.encode(field, value)?;
        if bytes.len() > width {
            return Err(TextFieldError::TooLong {
                field,
                value: shown(field, value),
                len: bytes.len(),
                max: width,
            });
        }
        out.extend_from_slice(&bytes);
        out.resize(out.len() + width - bytes.len(), self.space());
        Ok(())
    }

    /// Encodes `value` as it is (no padding).
    pub fn encode(self, field: &'static str, value: &str) -> Result<Vec<u8>, TextFieldError> {
        let unencodable = |detail: String| TextFieldError::Unencodable {
            field,
            value: shown(field, value),
            encoding: self,
            detail,
        };
        let page = self
            .code_page()
            .ok_or_else(|| unencodable("code page missing".into()))?;
        page.encode(value).map_err(|e| unencodable(e.to_string()))
    }

    /// Decodes a field, dropping trailing blanks (and trailing X'00', which some clients
    /// leave in unused fields).
    pub fn get_field(self, field: &'static str, bytes: &[u8]) -> Result<String, TextFieldError> {
        let end = bytes
            .iter()
            .rposition(|&b| b != self.space() && b != 0)
            .map_or(0, |i| i + 1);
        let bytes = bytes.get(..end).unwrap_or_default();
        let undecodable = |detail: String| TextFieldError::Undecodable {
            field,
            bytes: shown(field, &hex(bytes)),
            encoding: self,
            detail,
        };
        let page = self
            .code_page()
            .ok_or_else(|| undecodable("code page missing".into()))?;
        page.decode(bytes).map_err(|e| undecodable(e.to_string()))
    }
}

/// A value as errors show it: secrets (password fields) never appear in messages or logs.
fn shown(field: &str, value: &str) -> String {
    if field.contains("password") {
        "<redacted>".to_owned()
    } else {
        value.to_owned()
    }
}

/// `12 3A 4C`: bytes as the error messages show them.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let shown = bytes.iter().take(32).map(|b| format!("{b:02X}"));
    let mut s = shown.collect::<Vec<_>>().join(" ");
    if bytes.len() > 32 {
        s.push_str(" ...");
    }
    s
}

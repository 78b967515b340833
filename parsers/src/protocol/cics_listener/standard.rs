//! The standard listener's transaction request message (TRM):
//! `tran[,[client-in-data][,KC|,TD|,IC,hhmmss]]`, text in the client's code page, sent as
//! the first transmission. The tranid is 1-4 characters; client-in-data at most 35 bytes
//! and free of commas (the listener cannot tell them from delimiters).

use super::CicsError;
use crate::codepage::CodePage;
use crate::protocol::text::hex;

/// Most client-in-data bytes the listener passes on (CLIENT-IN-DATA PIC X(35)).
pub const MAX_CLIENT_DATA: usize = 35;
/// Longest TRM: tran(4) , data(35) ,IC, hhmmss.
pub const MAX_TRM_LEN: usize = 4 + 1 + MAX_CLIENT_DATA + 4 + 6;

/// How the listener starts the transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StartType {
    /// Nothing written: the listener's default, task control.
    #[default]
    Default,
    /// `KC`: EXEC CICS START now.
    Kc,
    /// `TD`: a record on the transient data queue named like the tranid.
    Td,
    /// `IC,hhmmss`: EXEC CICS START after a delay.
    Ic { delay: String },
}

/// A transaction request message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransactionRequest {
    /// The CICS transaction to start, 1-4 characters.
    pub tranid: String,
    /// Data for the security exit and the started transaction (may be empty).
    pub client_data: String,
    pub start: StartType,
}

impl TransactionRequest {
    /// Checks the limits the listener documents.
    pub fn validate(&self) -> Result<(), CicsError> {
        let bad = |reason| {
            Err(CicsError::Tranid {
                value: self.tranid.clone(),
                reason,
            })
        };
        let n = self.tranid.chars().count();
        if n == 0 || n > 4 {
            return bad("must be 1 to 4 characters");
        }
        if self
            .tranid
            .chars()
            .any(|c| c == ',' || c.is_whitespace() || c.is_control())
        {
            return bad("must not hold commas, blanks or control characters");
        }
        if let StartType::Ic { delay } = &self.start {
            if delay.len() != 6 || !delay.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CicsError::Delay {
                    value: delay.clone(),
                });
            }
        }
        Ok(())
    }

    /// The TRM bytes in `page`.
    pub fn encode(&self, page: CodePage) -> Result<Vec<u8>, CicsError> {
        self.validate()?;
        let text = |field, s: &str| {
            page.encode(s)
                .map_err(|source| CicsError::Text { field, source })
        };
        let comma = text("delimiter", ",")?;
        let data = text("client_data", &self.client_data)?;
        if data.len() > MAX_CLIENT_DATA {
            return Err(CicsError::ClientDataTooLong {
                len: data.len(),
                max: MAX_CLIENT_DATA,
            });
        }
        if let Some(offset) = find(&data, &comma) {
            return Err(CicsError::ClientDataComma { offset });
        }
        let mut out = text("tranid", &self.tranid)?;
        let start = match &self.start {
            StartType::Default => None,
            StartType::Kc => Some("KC".to_owned()),
            StartType::Td => Some("TD".to_owned()),
            StartType::Ic { delay } => Some(format!("IC,{delay}")),
        };
        if !data.is_empty() || start.is_some() {
            out.extend_from_slice(&comma);
            out.extend_from_slice(&data);
        }
        if let Some(start) = start {
            out.extend_from_slice(&comma);
            out.extend_from_slice(&text("start type", &start)?);
        }
        Ok(out)
    }

    /// Reads a TRM: `bytes` is the whole first transmission (the host side).
    pub fn decode(bytes: &[u8], page: CodePage) -> Result<TransactionRequest, CicsError> {
        if bytes.len() > MAX_TRM_LEN {
            return Err(CicsError::Malformed {
                offset: MAX_TRM_LEN,
                found: format!("{} bytes", bytes.len()),
                reason: "longer than tran,35 bytes of client data,IC,hhmmss",
            });
        }
        let text = page.decode(bytes).map_err(|source| CicsError::Text {
            field: "transaction request message",
            source,
        })?;
        let malformed = |reason| CicsError::Malformed {
            offset: 0,
            found: hex(bytes),
            reason,
        };
        let mut parts = text.split(',');
        let tranid = parts.next().unwrap_or_default().to_owned();
        let client_data = parts.next().unwrap_or_default().to_owned();
        let kind = parts.next().map(str::to_ascii_uppercase);
        let start = match kind.as_deref() {
            None => StartType::Default,
            Some("KC") => StartType::Kc,
            Some("TD") => StartType::Td,
            Some("IC") => StartType::Ic {
                delay: parts
                    .next()
                    .ok_or_else(|| malformed("IC needs a comma and a delay hhmmss"))?
                    .to_owned(),
            },
            Some(_) => return Err(malformed("start type must be KC, IC or TD")),
        };
        // IBM's syntax allows one trailing comma after KC or TD; nothing else may follow.
        let rest: Vec<&str> = parts.collect();
        let trailing_ok = matches!(start, StartType::Kc | StartType::Td) && rest == [""];
        if !rest.is_empty() && !trailing_ok {
            return Err(malformed("text after the start type"));
        }
        if page.encode(&client_data).map_or(0, |d| d.len()) > MAX_CLIENT_DATA {
            return Err(CicsError::ClientDataTooLong {
                len: client_data.len(),
                max: MAX_CLIENT_DATA,
            });
        }
        let trm = TransactionRequest {
            tranid,
            client_data,
            start,
        };
        trm.validate()?;
        Ok(trm)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

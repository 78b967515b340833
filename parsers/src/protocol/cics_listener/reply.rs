//! Telling the listener's refusal from the application's answer.
//!
//! When the listener cannot start the requested transaction (unknown or disabled
//! tranid, a security exit saying no, a malformed request) it writes one of its
//! `EZYnnnnE` messages to the client, in ASCII or EBCDIC (the enhanced listener's MSGFORM),
//! and closes the connection; e.g. `EZY1353E 10/11/05 14:02:56 COMMA MISSING AFTER IC ...`.
//! Anything else is the started transaction talking.

use crate::protocol::text::HeaderEncoding;

/// Length of a message id: `EZY`, four digits, a severity letter.
const ID_LEN: usize = 8;

/// A refusal written by the listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerError {
    /// `EZY1353E`.
    pub message_id: String,
    /// The first line of the message, as text.
    pub text: String,
    /// The encoding it came in.
    pub encoding: HeaderEncoding,
}

/// What the first bytes of a reply are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Too few bytes to tell yet.
    NeedMore(usize),
    /// The listener refused the request.
    ListenerError(ListenerError),
    /// The application's own answer.
    Application,
}

fn to_ascii(b: u8, encoding: HeaderEncoding) -> u8 {
    match encoding {
        HeaderEncoding::Ascii => b,
        HeaderEncoding::Ebcdic => match b {
            0xC1..=0xC9 => b'A' + (b - 0xC1),
            0xD1..=0xD9 => b'J' + (b - 0xD1),
            0xE2..=0xE9 => b'S' + (b - 0xE2),
            0xF0..=0xF9 => b'0' + (b - 0xF0),
            0x40 => b' ',
            _ => 0,
        },
    }
}

/// Could `bytes` (at most 8) begin an `EZYnnnnX` id in `encoding`?
fn id_prefix(bytes: &[u8], encoding: HeaderEncoding) -> bool {
    bytes.iter().enumerate().all(|(i, &b)| {
        let c = to_ascii(b, encoding);
        match i {
            0 => c == b'E',
            1 => c == b'Z',
            2 => c == b'Y',
            3..=6 => c.is_ascii_digit(),
            _ => c.is_ascii_uppercase(),
        }
    })
}

/// Classifies the first bytes of what came back after a request. At `eof` a short
/// prefix is the application's answer (there will be no more bytes to decide with).
pub fn classify_reply(buf: &[u8], eof: bool) -> Reply {
    let head = buf.get(..ID_LEN.min(buf.len())).unwrap_or_default();
    for encoding in [HeaderEncoding::Ascii, HeaderEncoding::Ebcdic] {
        if !id_prefix(head, encoding) {
            continue;
        }
        if head.len() < ID_LEN {
            return if eof {
                Reply::Application
            } else {
                Reply::NeedMore(ID_LEN - head.len())
            };
        }
        let line_end = buf
            .iter()
            .position(|&b| matches!(b, b'\n' | b'\r' | 0x15 | 0x25 | 0))
            .unwrap_or(buf.len());
        let line = buf.get(..line_end).unwrap_or_default();
        let text = encoding
            .code_page()
            .and_then(|p| p.decode(line).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(line).into_owned());
        let message_id = head
            .iter()
            .map(|&b| char::from(to_ascii(b, encoding)))
            .collect();
        return Reply::ListenerError(ListenerError {
            message_id,
            text: text.trim_end().to_owned(),
            encoding,
        });
    }
    Reply::Application
}

/// A listener refusal as the listener writes it (the host side): `text` should begin
/// with the message id.
pub fn encode_listener_error(
    text: &str,
    encoding: HeaderEncoding,
) -> Result<Vec<u8>, crate::protocol::TextFieldError> {
    encoding.encode("listener message", text)
}

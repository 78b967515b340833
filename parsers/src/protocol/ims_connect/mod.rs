//! IMS Connect, as spoken to the sample user message exits HWSSMPL0 (`*SAMPLE*`) and
//! HWSSMPL1 (`*SAMPL1*`).
//!
//! A request is `LLLL | IRM | LLZZ data... | X'00040000'`: a 4-byte total length, the IMS
//! request message header (28 fixed bytes plus the 52-byte user portion, [`irm`]), data
//! segments whose first carries the transaction code ([`segments`]), and the end-of-message
//! segment. An answer is data segments closed by the complete-status message `*CSMOKY*`,
//! or a lone request-status message `*REQSTS*` carrying return and reason codes
//! ([`answer`]); HWSSMPL1 puts a 4-byte total length in front, HWSSMPL0 does not.
//! [`request`] builds and reads requests. Offsets and sources: docs/mainframe-protocols.md.

pub mod answer;
pub mod irm;
pub mod request;
pub mod segments;

pub use answer::{encode_answer, encode_request_status};
pub use answer::{Answer, AnswerDecoder, AnswerFormat, CompleteStatus, RequestStatus};
pub use irm::{CommitMode, IrmSettings, MessageType, SocketType, SyncLevel};
pub use request::{encode_request, Progress, Request, RequestDecoder};

use super::text::TextFieldError;

/// The end-of-message segment: LL = 4, ZZ = 0, no data.
pub const END_OF_MESSAGE: [u8; 4] = [0x00, 0x04, 0x00, 0x00];

/// Largest LLLL a user-written client may send (X'7FFFFFFF', IBM's limit).
pub const MAX_MESSAGE_LEN: usize = 0x7FFF_FFFF;

/// Largest LL of one segment: IMS segment lengths are signed halfwords.
pub const MAX_SEGMENT_LEN: usize = 0x7FFF;

/// Messages larger than this are refused unless the caller raises the limit: bounds the
/// memory a hostile length field can make us reserve (the same default as framing).
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = crate::framing::DEFAULT_MAX_RECORD_LEN;

/// What went wrong building or reading an IMS Connect message. Offsets count from the
/// first byte of the message (the LLLL field when there is one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImsError {
    /// A header value that does not fit or cannot be encoded.
    #[error("IMS Connect header: {0}")]
    Field(#[from] TextFieldError),
    /// A setting outside what IMS Connect accepts.
    #[error("IMS Connect setting {field}: {reason}")]
    Setting { field: &'static str, reason: String },
    /// A data segment too long for its LL field.
    #[error("IMS Connect segment {index} has {len} data bytes; at most {max} fit")]
    SegmentTooLong {
        index: usize,
        len: usize,
        max: usize,
    },
    /// A message longer than the limit (ours or IBM's).
    #[error("IMS Connect message of {len} bytes exceeds the limit of {max}")]
    MessageTooLong { len: usize, max: usize },
    /// A length field that cannot be right.
    #[error("IMS Connect {field} at byte {offset} is {value}: {reason}")]
    BadLength {
        field: &'static str,
        offset: usize,
        value: usize,
        reason: &'static str,
    },
    /// A header field with a value the protocol does not define.
    #[error("IMS Connect {field} at byte {offset} has {found}: {reason}")]
    BadField {
        field: &'static str,
        offset: usize,
        found: String,
        reason: &'static str,
    },
    /// Bytes after the end of the message that no structure accounts for.
    #[error("IMS Connect message ends at byte {offset} but {extra} more bytes follow ({bytes})")]
    TrailingBytes {
        offset: usize,
        extra: usize,
        bytes: String,
    },
    /// The peer stopped sending in the middle of a message.
    #[error("IMS Connect message truncated at byte {offset}: {needed} more bytes expected")]
    Truncated { offset: usize, needed: usize },
    /// IMS Connect (or its exit) rejected the request with a request-status message.
    #[error("{0}")]
    RequestStatus(RequestStatus),
}

#[cfg(test)]
mod tests;

//! The z/OS Communications Server CICS socket listeners (CSKL, program EZACIC02).
//!
//! The standard listener reads a transaction request message `TRAN,client-data` as the
//! first transmission on a connection and starts that transaction, which then owns the
//! socket ([`standard`]). The enhanced listener reads a fixed-length header of MSGLEN
//! bytes instead and starts its configured transaction ([`enhanced`]). Either listener
//! answers a request it refuses with an `EZYnnnnE` message and closes the connection
//! ([`reply`]). Layouts and sources: docs/mainframe-protocols.md.

pub mod enhanced;
pub mod reply;
pub mod standard;

pub use enhanced::{decode_header, encode_header, MAX_MSGLEN};
pub use reply::{classify_reply, encode_listener_error, ListenerError, Reply};
pub use standard::{StartType, TransactionRequest, MAX_CLIENT_DATA};

use crate::codepage::CodePageError;

/// What went wrong building or reading a listener message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CicsError {
    /// A transaction id the listener would refuse.
    #[error("CICS listener tranid {value:?}: {reason}")]
    Tranid { value: String, reason: &'static str },
    /// Client data longer than the listener passes on.
    #[error("CICS listener client data is {len} bytes; the listener takes at most {max}")]
    ClientDataTooLong { len: usize, max: usize },
    /// A comma inside client data, which the listener would read as a delimiter.
    #[error("CICS listener client data has a comma at byte {offset}; the listener reads it as a delimiter")]
    ClientDataComma { offset: usize },
    /// An interval-control delay that is not `hhmmss`.
    #[error("CICS listener IC delay {value:?} must be six digits hhmmss")]
    Delay { value: String },
    /// Text the code page cannot hold or bytes it cannot read.
    #[error("CICS listener {field}: {source}")]
    Text {
        field: &'static str,
        source: CodePageError,
    },
    /// A malformed message from the peer.
    #[error("CICS listener message at byte {offset} ({found}): {reason}")]
    Malformed {
        offset: usize,
        found: String,
        reason: &'static str,
    },
    /// An enhanced-listener header length outside 0..=999 (EZACICD MSGLEN).
    #[error("CICS enhanced listener MSGLEN {value} is outside 0..={max}")]
    MsgLen { value: usize, max: usize },
    /// The peer stopped before the header was complete.
    #[error("CICS listener header truncated: {needed} more bytes expected after byte {offset}")]
    Truncated { offset: usize, needed: usize },
}

#[cfg(test)]
mod tests;

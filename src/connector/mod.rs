//! The legacy side: connectors from request record bytes to response record bytes.
//!
//! Each connector (tcp, http, exec) is a tower `Service<Exchange>` in its own file; one
//! stack builder ([`build`]) puts the session limit in front of it, so no backend ever
//! holds more sessions than its `max_sessions`, whatever the kind.

use std::time::Duration;

use bytes::Bytes;

/// How records are cut on the wire to a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendFraming {
    /// 4-byte big-endian length counting the record only.
    Len4,
    /// 2-byte big-endian length counting the record only.
    Len2,
    /// No header: the request is the request layout's length, the response the response layout's.
    Fixed,
    /// Each record ends with this byte.
    Delimiter(u8),
    /// IBM RDW: 2-byte big-endian length counting the 4-byte header, then two zero bytes.
    Rdw,
}

impl BackendFraming {
    pub fn parse(name: &str, delimiter: u8) -> Result<BackendFraming, String> {
        match name.to_ascii_lowercase().as_str() {
            "len4" => Ok(BackendFraming::Len4),
            "len2" => Ok(BackendFraming::Len2),
            "fixed" => Ok(BackendFraming::Fixed),
            "delimiter" | "lines" => Ok(BackendFraming::Delimiter(delimiter)),
            "rdw" => Ok(BackendFraming::Rdw),
            other => Err(format!(
                "`{other}`: expected len4, len2, fixed, delimiter or rdw"
            )),
        }
    }
}

/// One request to a legacy host.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The encoded request record (without framing).
    pub request: Bytes,
    /// The response record's length, for `fixed` framing (the response layout's length).
    pub response_len: usize,
}

/// Why a backend exchange failed; the gateway maps each kind to a status.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConnectorError {
    /// The host refused or could not be reached (502).
    #[error("cannot connect: {0}")]
    Unreachable(String),
    /// The host reset or closed the connection before a whole response (502).
    #[error("connection lost: {0}")]
    Closed(String),
    /// No (complete) response in time (504).
    #[error("no response within {0:?}")]
    Timeout(Duration),
    /// Every session busy and the queue full, or waited too long (503).
    #[error("backend saturated: all sessions busy")]
    Saturated { retry_after: Duration },
    /// The bytes on the wire were not a valid frame (502).
    #[error("bad framing from the host: {0}")]
    BadFrame(String),
    /// An exec backend's program failed (502).
    #[error("program failed: {0}")]
    Program(String),
}

impl ConnectorError {
    /// Stable, bounded name for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ConnectorError::Unreachable(_) => "unreachable",
            ConnectorError::Closed(_) => "closed",
            ConnectorError::Timeout(_) => "timeout",
            ConnectorError::Saturated { .. } => "saturated",
            ConnectorError::BadFrame(_) => "bad_frame",
            ConnectorError::Program(_) => "program",
        }
    }
}

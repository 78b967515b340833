//! The legacy side: connectors from request record bytes to response record bytes.
//!
//! Each connector (tcp, http, exec) is a tower `Service<Exchange>` in its own file; one
//! stack builder ([`build`]) puts the session limit in front of it, so no backend ever
//! holds more sessions than its `max_sessions`, whatever the kind.

use std::time::Duration;

use bytes::Bytes;
use tower::util::BoxCloneSyncService;
use tower::ServiceBuilder;

use crate::config::{BackendKind, BackendSpec};

pub mod exec;
pub mod frame;
pub mod http;
pub mod limit;
pub mod metered;
pub mod tcp;

/// A backend's whole stack, ready to share between requests (cheap to clone).
pub type BackendService = BoxCloneSyncService<Exchange, Bytes, ConnectorError>;

/// The one stack builder for a backend, outside in: metrics, the session limit (bounded
/// queue, queue timeout -> `Saturated`), the connector for `spec.kind`.
pub fn build(spec: &BackendSpec) -> BackendService {
    let connector = match &spec.kind {
        BackendKind::Tcp { address } => {
            BoxCloneSyncService::new(tcp::TcpConnector::new(address, spec))
        }
        BackendKind::Http { url } => BoxCloneSyncService::new(http::HttpConnector::new(url, spec)),
        BackendKind::Exec { command, args } => {
            BoxCloneSyncService::new(exec::ExecConnector::new(command, args, spec))
        }
    };
    let stack = ServiceBuilder::new()
        // Metrics outermost: refusals by the limit are counted, and latency includes the
        // queue wait, which is what the caller experiences.
        .layer(metered::MeteredLayer::new(&spec.name))
        // The session limit before the connector: no kind of backend ever sees more than
        // max_sessions exchanges at once, and overload fails fast instead of piling up.
        .layer(limit::SessionLimitLayer::new(
            &spec.name,
            spec.max_sessions,
            spec.max_queue,
            spec.queue_timeout,
        ))
        .service(connector);
    BoxCloneSyncService::new(stack)
}

/// For `/readyz`: could a session be opened right now?
///
/// tcp: a connection within `connect_timeout` (opened and closed at once, outside the
/// session limit); http: the same to the URL's host and port; exec: the command resolves
/// to an executable file.
pub async fn probe(spec: &BackendSpec) -> bool {
    let dial = |target: String| async move {
        matches!(
            tokio::time::timeout(spec.connect_timeout, tokio::net::TcpStream::connect(target))
                .await,
            Ok(Ok(_))
        )
    };
    match &spec.kind {
        BackendKind::Tcp { address } => dial(address.clone()).await,
        BackendKind::Http { url } => match http::parse_url(url) {
            Ok(uri) => {
                let host = uri
                    .host()
                    .unwrap_or_default()
                    .trim_start_matches('[')
                    .trim_end_matches(']');
                let port = uri.port_u16().unwrap_or(80);
                // IPv6 literals need their brackets back in a host:port string.
                let target = if host.contains(':') {
                    format!("[{host}]:{port}")
                } else {
                    format!("{host}:{port}")
                };
                dial(target).await
            }
            Err(_) => false,
        },
        BackendKind::Exec { command, .. } => exec::resolve(command).is_some(),
    }
}

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

/// A backend spec with test-friendly defaults (generous timeouts, a few sessions).
#[cfg(test)]
pub(crate) fn test_spec(kind: BackendKind, framing: BackendFraming) -> BackendSpec {
    BackendSpec {
        name: "test".into(),
        kind,
        framing,
        codec: ferrule_parsers::json::CodecOptions::default(),
        max_sessions: 4,
        max_queue: 8,
        queue_timeout: Duration::from_secs(20),
        timeout: Duration::from_secs(20),
        connect_timeout: Duration::from_secs(5),
    }
}

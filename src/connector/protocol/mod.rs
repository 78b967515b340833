//! Transaction-manager protocols on `tcp` backends: `protocol = "ims-connect"` ([`ims`])
//! and `protocol = "cics-listener"` ([`cics`]).
//!
//! A protocol wraps the request record in its envelope and unwraps the answer, using the
//! sans-I/O codecs of `ferrule_parsers::protocol`; the framing of the record inside (CICS)
//! stays the backend's. Each protocol is its own [`Connector`](super::Connector) rather
//! than a hook in the plain tcp pool: IMS Connect and the CICS listeners decide when a
//! connection ends (a transaction socket, a listener that hands the socket to a task), so
//! their connection handling differs from a plain pooled socket.

use std::sync::Arc;
use std::time::Duration;

use ferrule_parsers::protocol::HeaderEncoding;
use tokio::net::TcpStream;

use super::tls::{BackendTls, Stream};
use super::ConnectorError;
use crate::config::table::Problems;
use crate::config::BackendKind;

pub mod cics;
pub mod ims;

/// A tcp backend's protocol, checked: what its connector is built from.
#[derive(Debug, Clone, PartialEq)]
pub enum TcpProtocol {
    Ims(ims::ImsSettings),
    Cics(cics::CicsSettings),
}

impl TcpProtocol {
    /// The name as written in `protocol = "..."`.
    pub fn name(&self) -> &'static str {
        match self {
            TcpProtocol::Ims(_) => "ims-connect",
            TcpProtocol::Cics(_) => "cics-listener",
        }
    }
}

/// Checks `protocol` and its table (`ims` or `cics`); every problem at its key.
pub fn validate(
    protocol: Option<&str>,
    ims: Option<&ims::ImsConfig>,
    cics: Option<&cics::CicsConfig>,
    address: String,
    tls: Option<Arc<BackendTls>>,
) -> Result<BackendKind, Problems> {
    let mut ps = Problems::new();
    let checked = match (protocol, ims, cics) {
        (Some("ims-connect"), Some(c), None) => c.validate(&mut ps).map(TcpProtocol::Ims),
        (Some("ims-connect"), None, _) => {
            ps.push((
                "ims".into(),
                "required with protocol = \"ims-connect\"".into(),
            ));
            None
        }
        (Some("cics-listener"), None, Some(c)) => c.validate(&mut ps).map(TcpProtocol::Cics),
        (Some("cics-listener"), _, None) => {
            ps.push((
                "cics".into(),
                "required with protocol = \"cics-listener\"".into(),
            ));
            None
        }
        (Some("ims-connect"), Some(_), Some(_)) => {
            ps.push((
                "cics".into(),
                "only with protocol = \"cics-listener\"".into(),
            ));
            None
        }
        (Some("cics-listener"), Some(_), Some(_)) => {
            ps.push(("ims".into(), "only with protocol = \"ims-connect\"".into()));
            None
        }
        (Some(other), _, _) => {
            ps.push((
                "protocol".into(),
                format!("`{other}`: expected ims-connect or cics-listener"),
            ));
            None
        }
        (None, Some(_), _) => {
            ps.push(("ims".into(), "only with protocol = \"ims-connect\"".into()));
            None
        }
        (None, None, Some(_)) => {
            ps.push((
                "cics".into(),
                "only with protocol = \"cics-listener\"".into(),
            ));
            None
        }
        (None, None, None) => None,
    };
    match checked {
        Some(protocol) if ps.is_empty() => Ok(BackendKind::TcpProtocol {
            address,
            tls,
            protocol: Arc::new(protocol),
        }),
        _ => Err(ps),
    }
}

/// `encoding = "ebcdic" | "ascii"` of a protocol table.
pub fn encoding(name: &str, key: &str, ps: &mut Problems) -> HeaderEncoding {
    match name.to_ascii_lowercase().as_str() {
        "ebcdic" => HeaderEncoding::Ebcdic,
        "ascii" => HeaderEncoding::Ascii,
        _ => {
            ps.push((key.into(), format!("`{name}`: expected ebcdic or ascii")));
            HeaderEncoding::Ebcdic
        }
    }
}

/// The default header encoding's name.
pub fn default_encoding() -> String {
    "ebcdic".into()
}

/// Where a protocol connector connects, and how.
#[derive(Debug, Clone)]
pub struct Dial {
    pub address: String,
    pub tls: Option<Arc<BackendTls>>,
    pub connect_timeout: Duration,
}

impl Dial {
    /// A connection (TLS when configured) within `connect_timeout`.
    pub async fn open(&self) -> Result<Stream, ConnectorError> {
        let attempt = async {
            let stream = TcpStream::connect(&self.address).await?;
            // Messages are sent whole: don't let Nagle hold them back.
            let _ = stream.set_nodelay(true);
            match &self.tls {
                None => Ok::<_, std::io::Error>(Stream::Plain(stream)),
                Some(tls) => {
                    let s = tls
                        .connector
                        .connect(tls.server_name.clone(), stream)
                        .await
                        .map_err(super::tls::handshake_error)?;
                    Ok(Stream::Tls(Box::new(s)))
                }
            }
        };
        match tokio::time::timeout(self.connect_timeout, attempt).await {
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => Err(ConnectorError::Unreachable(format!(
                "{}: {e}",
                self.address
            ))),
            Err(_) => Err(ConnectorError::Unreachable(format!(
                "{}: no connection within {:?}",
                self.address, self.connect_timeout
            ))),
        }
    }
}

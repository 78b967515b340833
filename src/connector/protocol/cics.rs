//! `protocol = "cics-listener"`: the z/OS CICS socket listener in front of a CICS
//! transaction, one connection per call.
//!
//! Standard mode sends the transaction request message `TRAN,client-data` first; enhanced
//! mode sends the client data blank-padded to `msglen` bytes instead. The request record
//! follows in the backend's framing, and the answer is read in that framing too. When
//! the listener refuses the request it writes an `EZYnnnnX` message and closes: that is
//! [`ConnectorError::Refused`] naming the message (logged, never shown to the client).

use std::sync::Arc;

use bytes::Bytes;
use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::protocol::cics_listener::{
    classify_reply, encode_header, Reply, TransactionRequest, MAX_MSGLEN,
};
use ferrule_parsers::protocol::HeaderEncoding;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};

use super::{default_encoding, encoding, Dial};
use crate::config::table::Problems;
use crate::config::Template;
use crate::connector::envelope::{Envelope, RouteEnvelope};
use crate::connector::frame::{encode, read_frame};
use crate::connector::{BackendFraming, Connector, ConnectorError, Exchange};

/// `[backend.cics]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CicsConfig {
    /// `standard` (a TRM first, the default) or `enhanced` (a fixed-length header).
    #[serde(default = "default_mode")]
    pub mode: String,
    /// standard: the CICS transaction the listener starts (1-4 characters).
    pub tranid: Option<String>,
    /// The client data passed to the transaction (standard: at most 35 bytes, no comma).
    #[serde(default)]
    pub client_data: String,
    /// `ebcdic` (default) or `ascii`: the TRM's or header's text.
    #[serde(default = "default_encoding")]
    pub encoding: String,
    /// enhanced: the listener's MSGLEN, 0-999 (default 35).
    pub msglen: Option<usize>,
}

fn default_mode() -> String {
    "standard".into()
}

/// Default enhanced-listener header length: the standard listener's client data size.
pub const DEFAULT_MSGLEN: usize = 35;

/// `[backend.cics]`, checked: the bytes sent before every request record.
#[derive(Debug, Clone, PartialEq)]
pub struct CicsSettings {
    pub enhanced: bool,
    /// The TRM (standard) or header (enhanced), encoded once.
    pub prefix: Vec<u8>,
    pub encoding: HeaderEncoding,
    /// What `prefix` was built from, for routes that change a part of it.
    pub tranid: String,
    pub client_data: String,
    pub msglen: usize,
    pub page: CodePage,
}

impl CicsConfig {
    /// Checks the mode, tranid, client data and length; problems at `cics.<key>`.
    pub fn validate(&self, ps: &mut Problems) -> Option<CicsSettings> {
        let before = ps.len();
        let enc = encoding(&self.encoding, "cics.encoding", ps);
        let Some(page) = enc.code_page() else {
            ps.push(("cics.encoding".into(), "no code page for it".into()));
            return None;
        };
        let prefix = match self.mode.as_str() {
            "standard" => {
                if self.msglen.is_some() {
                    ps.push(("cics.msglen".into(), "only with mode = \"enhanced\"".into()));
                }
                match &self.tranid {
                    None => {
                        ps.push((
                            "cics.tranid".into(),
                            "required with mode = \"standard\"".into(),
                        ));
                        None
                    }
                    Some(t) => TransactionRequest {
                        tranid: t.clone(),
                        client_data: self.client_data.clone(),
                        ..TransactionRequest::default()
                    }
                    .encode(page)
                    .map_err(|e| ps.push(("cics".into(), e.to_string())))
                    .ok(),
                }
            }
            "enhanced" => {
                if self.tranid.is_some() {
                    ps.push((
                        "cics.tranid".into(),
                        "only with mode = \"standard\" (the enhanced listener starts its own transaction)".into(),
                    ));
                }
                let msglen = self.msglen.unwrap_or(DEFAULT_MSGLEN);
                if msglen > MAX_MSGLEN {
                    ps.push((
                        "cics.msglen".into(),
                        format!("{msglen}: at most {MAX_MSGLEN}"),
                    ));
                    None
                } else {
                    encode_header(&self.client_data, msglen, page)
                        .map_err(|e| ps.push(("cics.client_data".into(), e.to_string())))
                        .ok()
                }
            }
            other => {
                ps.push((
                    "cics.mode".into(),
                    format!("`{other}`: expected standard or enhanced"),
                ));
                None
            }
        };
        match prefix {
            Some(prefix) if ps.len() == before => Some(CicsSettings {
                enhanced: self.mode == "enhanced",
                prefix,
                encoding: enc,
                tranid: self.tranid.clone().unwrap_or_default(),
                client_data: self.client_data.clone(),
                msglen: self.msglen.unwrap_or(DEFAULT_MSGLEN),
                page,
            }),
            _ => None,
        }
    }
}

/// A route's `cics = { tranid = "...", client_data = "..." }`: its own transaction
/// (standard mode) and client data on the backend's listener. `client_data` may hold
/// `{param}` placeholders, filled from the call's path or query like `set`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteCicsConfig {
    pub tranid: Option<String>,
    pub client_data: Option<String>,
}

impl RouteCicsConfig {
    /// Checks what can be checked now; a constant envelope is encoded once here.
    pub fn validate(&self, backend: &CicsSettings, ps: &mut Problems) -> Option<RouteEnvelope> {
        if backend.enhanced && self.tranid.is_some() {
            ps.push((
                "cics.tranid".into(),
                "only with mode = \"standard\" (the enhanced listener starts its own transaction)"
                    .into(),
            ));
            return None;
        }
        let data = match self.client_data.as_deref().map(Template::parse) {
            None => Template::Const(backend.client_data.clone()),
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                ps.push(("cics.client_data".into(), e));
                return None;
            }
        };
        match data {
            Template::Const(text) => match backend.prefix_with(self.tranid.as_deref(), &text) {
                Ok(prefix) => Some(RouteEnvelope::Fixed(Envelope {
                    trancode: None,
                    cics_prefix: Some(Bytes::from(prefix)),
                })),
                Err(e) => {
                    ps.push(("cics".into(), e));
                    None
                }
            },
            client_data => Some(RouteEnvelope::CicsData {
                tranid: self.tranid.clone(),
                client_data,
                backend: Arc::new(backend.clone()),
            }),
        }
    }
}

/// The connector of a CICS listener backend: a new connection per call.
#[derive(Debug, Clone)]
pub struct CicsConnector {
    inner: Arc<(Dial, CicsSettings, BackendFraming)>,
}

impl CicsConnector {
    pub fn new(dial: Dial, settings: CicsSettings, framing: BackendFraming) -> Self {
        CicsConnector {
            inner: Arc::new((dial, settings, framing)),
        }
    }
}

impl Connector for CicsConnector {
    fn call(
        &self,
        ex: Exchange,
    ) -> impl std::future::Future<Output = Result<Bytes, ConnectorError>> + Send {
        let inner = self.inner.clone();
        async move {
            let (dial, settings, framing) = &*inner;
            exchange(dial, settings, *framing, &ex).await
        }
    }
}

async fn exchange(
    dial: &Dial,
    settings: &CicsSettings,
    framing: BackendFraming,
    ex: &Exchange,
) -> Result<Bytes, ConnectorError> {
    let address = &dial.address;
    let record = encode(framing, &ex.request)?;
    let mut io = dial.open().await?;
    let lost = |e: std::io::Error| ConnectorError::Closed(format!("{address}: {e}"));
    let prefix = ex
        .envelope
        .cics_prefix
        .as_deref()
        .unwrap_or(&settings.prefix);
    io.write_all(prefix).await.map_err(lost)?;
    // A listener that refuses the TRM answers and closes, so the record may not get
    // through: its message, read below, says more than the failed write would.
    let sent = async {
        io.write_all(&record).await?;
        io.flush().await
    }
    .await;
    // Enough of the answer to tell a listener message from the application's record.
    let mut head = Vec::new();
    let mut buf = [0u8; 512];
    let mut eof = false;
    loop {
        match classify_reply(&head, eof) {
            Reply::ListenerError(m) => {
                return Err(ConnectorError::Refused(format!(
                    "{address}: CICS listener refused the request: {} ({})",
                    m.message_id, m.text
                )));
            }
            Reply::Application => break,
            Reply::NeedMore(_) => {}
        }
        let n = io.read(&mut buf).await.map_err(lost)?;
        match buf.get(..n) {
            Some(b) if n > 0 => head.extend_from_slice(b),
            _ => eof = true,
        }
    }
    if head.is_empty() {
        return Err(match sent {
            Err(e) => lost(e),
            Ok(()) => ConnectorError::Closed(format!(
                "{address}: the listener closed the connection without answering"
            )),
        });
    }
    let mut reader = BufReader::new(AsyncReadExt::chain(&head[..], io));
    read_frame(&mut reader, framing, ex.response_len).await
}

#[cfg(test)]
mod tests;

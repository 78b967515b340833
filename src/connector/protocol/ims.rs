//! `protocol = "ims-connect"`: each call sends `LLLL | IRM | LLZZ trancode+data... |
//! X'00040000'` and reads data segments up to the `*CSMOKY*` complete-status message.
//!
//! Record mapping: the request record is cut into segments of at most 32,763 data bytes
//! (the first also carries the 8-byte transaction code in front, so it holds 8 fewer);
//! the answer record is every output segment's data, concatenated in order. A
//! `*REQSTS*` request-status answer is [`ConnectorError::Refused`], its return and reason
//! codes in the message (logged, never shown to the client).
//!
//! Sockets: a transaction socket (IRM_SOCT X'00', the default) is opened per call and
//! closed by IMS Connect after the answer; with `persistent = true` (X'10') connections are
//! kept and reused, one call at a time each, and any error drops the connection.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use ferrule_parsers::protocol::ims_connect::{
    encode_request, AnswerDecoder, AnswerFormat, ImsError, IrmSettings, SocketType,
};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{default_encoding, encoding, Dial};
use crate::config::table::Problems;
use crate::connector::envelope::Envelope;
use crate::connector::tls::Stream;
use crate::connector::{Connector, ConnectorError, Exchange};

/// Most data bytes in one segment: LL is a signed halfword counting its own 4 bytes.
const SEGMENT_DATA: usize = ferrule_parsers::protocol::ims_connect::segments::MAX_SEGMENT_DATA;
/// Bytes of the first segment taken by the transaction code.
const TRANCODE_LEN: usize = 8;

/// `[backend.ims]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImsConfig {
    /// IRM_ID: the user message exit (`*SAMPL1*`, HWSSMPL1, by default).
    #[serde(default = "default_exit_id")]
    pub exit_id: String,
    /// IRM_IMSDESTID: the IMS datastore.
    pub datastore: String,
    /// IRM_TRNCOD and the start of the first segment.
    pub trancode: String,
    /// IRM_CLIENTID: fixed when given; absent, one is generated per connection (two
    /// connections never share a client id, which IMS Connect would refuse).
    pub client_id: Option<String>,
    #[serde(default)]
    pub lterm: String,
    #[serde(default)]
    pub racf_user: String,
    #[serde(default)]
    pub racf_group: String,
    /// The environment variable holding the RACF password (never the password itself).
    pub racf_password_env: Option<String>,
    /// IRM_TIMER byte: 0 default, 1-158 an interval, 233 no wait, 255 block.
    #[serde(default)]
    pub timer: u8,
    /// `ebcdic` (default) or `ascii`: the header's text fields.
    #[serde(default = "default_encoding")]
    pub encoding: String,
    /// Keep connections open across calls (IRM_SOCT X'10').
    #[serde(default)]
    pub persistent: bool,
}

fn default_exit_id() -> String {
    ferrule_parsers::protocol::ims_connect::irm::EXIT_SAMPL1.into()
}

/// `[backend.ims]`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ImsSettings {
    /// The IRM; `client_id` is blank when one is generated per connection.
    pub irm: IrmSettings,
    pub generate_client_id: bool,
}

impl ImsConfig {
    /// Checks every value IMS Connect would refuse; problems at `ims.<key>`.
    pub fn validate(&self, ps: &mut Problems) -> Option<ImsSettings> {
        let at = |k: &str| format!("ims.{k}");
        let before = ps.len();
        let encoding = encoding(&self.encoding, &at("encoding"), ps);
        let racf_password = match &self.racf_password_env {
            None => String::new(),
            Some(var) => std::env::var(var).unwrap_or_else(|_| {
                ps.push((
                    at("racf_password_env"),
                    format!("environment variable `{var}` is not set"),
                ));
                String::new()
            }),
        };
        let irm = IrmSettings {
            exit_id: self.exit_id.clone(),
            datastore: self.datastore.clone(),
            trancode: self.trancode.clone(),
            client_id: self.client_id.clone().unwrap_or_default(),
            lterm: self.lterm.clone(),
            racf_user: self.racf_user.clone(),
            racf_group: self.racf_group.clone(),
            racf_password,
            timer: self.timer,
            socket: if self.persistent {
                SocketType::Persistent
            } else {
                SocketType::Transaction
            },
            encoding,
            ..IrmSettings::default()
        };
        if !matches!(self.timer, 0..=0x9E | 0xE9 | 0xFF) {
            ps.push((
                at("timer"),
                format!(
                    "{}: expected 0-158, 233 (no wait) or 255 (block)",
                    self.timer
                ),
            ));
        }
        if let Err(e) = irm.validate() {
            let key = match &e {
                ImsError::Setting { field, .. } => at(field),
                _ => "ims".into(),
            };
            ps.push((key, e.to_string()));
        }
        // Every text field must fit its 8 bytes in the chosen encoding: encode once now.
        if ps.len() == before {
            if let Err(e) = encode_request::<&[u8]>(&irm, &[]) {
                ps.push(("ims".into(), e.to_string()));
            }
        }
        (ps.len() == before).then_some(ImsSettings {
            irm,
            generate_client_id: self.client_id.is_none(),
        })
    }
}

/// A route's `ims = { trancode = "..." }`: its own transaction on the backend's IMS Connect.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteImsConfig {
    pub trancode: String,
}

impl RouteImsConfig {
    /// Checks the transaction code as the backend's is checked; problems at `ims.trancode`.
    pub fn validate(&self, backend: &ImsSettings, ps: &mut Problems) -> Option<Envelope> {
        let irm = IrmSettings {
            trancode: self.trancode.clone(),
            ..backend.irm.clone()
        };
        let checked = irm
            .validate()
            .and_then(|()| encode_request::<&[u8]>(&irm, &[]).map(drop));
        match checked {
            Ok(()) => Some(Envelope {
                trancode: Some(self.trancode.as_str().into()),
                cics_prefix: None,
            }),
            Err(e) => {
                ps.push(("ims.trancode".into(), e.to_string()));
                None
            }
        }
    }
}

/// The connector of an IMS Connect backend. Clones share the idle connections.
#[derive(Debug, Clone)]
pub struct ImsConnector {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dial: Dial,
    settings: ImsSettings,
    /// persistent: idle connections, at most `max_idle`.
    idle: Mutex<Vec<Conn>>,
    max_idle: usize,
}

#[derive(Debug)]
struct Conn {
    io: Stream,
    /// The IRM for this connection (its client id).
    irm: IrmSettings,
}

impl ImsConnector {
    pub fn new(dial: Dial, settings: ImsSettings, max_sessions: usize) -> Self {
        ImsConnector {
            inner: Arc::new(Inner {
                dial,
                settings,
                idle: Mutex::new(Vec::new()),
                max_idle: max_sessions,
            }),
        }
    }
}

impl Connector for ImsConnector {
    fn call(
        &self,
        ex: Exchange,
    ) -> impl std::future::Future<Output = Result<Bytes, ConnectorError>> + Send {
        let inner = self.inner.clone();
        async move {
            inner
                .exchange(&ex.request, ex.envelope.trancode.as_deref())
                .await
        }
    }
}

/// The request record as IMS segments: the first leaves room for the transaction code.
pub fn segments(record: &[u8]) -> Vec<&[u8]> {
    let (first, rest) = record.split_at(record.len().min(SEGMENT_DATA - TRANCODE_LEN));
    std::iter::once(first)
        .chain(rest.chunks(SEGMENT_DATA))
        .collect()
}

/// A client id for a new connection: `F` and 7 hex digits, unique enough that two
/// connections (or two gateway replicas) do not collide.
fn new_client_id() -> String {
    let id = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .to_ascii_uppercase();
    format!("F{}", id.get(..7).unwrap_or("0000000"))
}

impl Inner {
    /// `trancode`: the route's, instead of the backend's.
    async fn exchange(
        &self,
        record: &[u8],
        trancode: Option<&str>,
    ) -> Result<Bytes, ConnectorError> {
        let persistent = self.settings.irm.socket == SocketType::Persistent;
        let pooled = if persistent {
            self.idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop()
        } else {
            None
        };
        let mut conn = match pooled {
            Some(c) if c.io.idle_and_open() => c,
            _ => {
                let mut irm = self.settings.irm.clone();
                if self.settings.generate_client_id {
                    irm.client_id = new_client_id();
                }
                Conn {
                    io: self.dial.open().await?,
                    irm,
                }
            }
        };
        let routed;
        let irm = match trancode {
            Some(t) => {
                routed = IrmSettings {
                    trancode: t.to_string(),
                    ..conn.irm.clone()
                };
                &routed
            }
            None => &conn.irm,
        };
        let wire = encode_request(irm, &segments(record)).map_err(|e| {
            ConnectorError::BadFrame(format!("building the IMS Connect request: {e}"))
        })?;
        let answer = self.round_trip(&mut conn, &wire).await?;
        if persistent {
            let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < self.max_idle {
                idle.push(conn);
            }
        }
        Ok(answer)
    }

    async fn round_trip(&self, conn: &mut Conn, wire: &[u8]) -> Result<Bytes, ConnectorError> {
        let address = &self.dial.address;
        let lost = |e: std::io::Error| ConnectorError::Closed(format!("{address}: {e}"));
        conn.io.write_all(wire).await.map_err(lost)?;
        conn.io.flush().await.map_err(lost)?;
        let mut decoder = AnswerDecoder::new(AnswerFormat {
            length_prefix: conn.irm.answer_has_length_prefix(),
            ..AnswerFormat::default()
        });
        let mut buf = vec![0u8; 8192];
        let answer = loop {
            match decoder.poll() {
                Ok(ferrule_parsers::protocol::Progress::Done(a)) => break a,
                Ok(ferrule_parsers::protocol::Progress::NeedMore(_)) => {
                    let n = conn.io.read(&mut buf).await.map_err(lost)?;
                    match buf.get(..n) {
                        Some(b) if n > 0 => decoder.feed(b),
                        _ => decoder.set_eof(),
                    }
                }
                Err(ImsError::RequestStatus(rsm)) => {
                    return Err(ConnectorError::Refused(format!("{address}: {rsm}")));
                }
                Err(e @ ImsError::Truncated { .. }) => {
                    return Err(ConnectorError::Closed(format!("{address}: {e}")));
                }
                Err(e) => return Err(ConnectorError::BadFrame(format!("{address}: {e}"))),
            }
        };
        if !decoder.buffered().is_empty() {
            return Err(ConnectorError::BadFrame(format!(
                "{address}: {} bytes after the IMS Connect end of message",
                decoder.buffered().len()
            )));
        }
        Ok(Bytes::from(answer.segments.concat()))
    }
}

#[cfg(test)]
mod tests;

//! What a route changes in a protocol backend's envelope: the IMS Connect transaction
//! code, the CICS listener's first transmission (TRM or header). One backend (one IMS
//! Connect or listener address) then serves many transactions, one per route.
//!
//! Constant settings are encoded once, when the config is checked; CICS client data
//! built from the call's parameters is encoded per call, before the backend is asked, so
//! a parameter that does not fit is the caller's 400, not the host's 502.

use std::sync::Arc;

use bytes::Bytes;
use ferrule_parsers::protocol::cics_listener::{
    encode_header, TransactionRequest, MAX_CLIENT_DATA,
};

use super::protocol::cics::CicsSettings;
use crate::config::Template;

/// The per-call envelope: each part replaces the backend's own when present.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    /// IMS Connect: IRM_TRNCOD and the first 8 bytes of the first segment.
    pub trancode: Option<Arc<str>>,
    /// CICS listener: the bytes sent before the record (TRM or enhanced header).
    pub cics_prefix: Option<Bytes>,
}

/// A route's envelope, checked.
#[derive(Debug, Clone, Default)]
pub enum RouteEnvelope {
    /// The backend's own settings.
    #[default]
    Backend,
    /// Fixed for the route, encoded once.
    Fixed(Envelope),
    /// CICS client data with parameters in it, encoded per call.
    CicsData {
        /// The route's tranid, else the backend's (standard mode).
        tranid: Option<String>,
        client_data: Template,
        backend: Arc<CicsSettings>,
    },
}

/// Why a per-call envelope could not be built: the parameters involved and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeError {
    pub params: Vec<String>,
    pub detail: String,
}

impl RouteEnvelope {
    /// The call parameters the envelope reads (path or query, like `set`'s).
    pub fn params(&self) -> Vec<&str> {
        match self {
            RouteEnvelope::CicsData { client_data, .. } => client_data.params(),
            _ => Vec::new(),
        }
    }

    /// The most client-data bytes the listener takes, when parameters fill it.
    pub fn max_client_data(&self) -> Option<usize> {
        match self {
            RouteEnvelope::CicsData { backend, .. } if backend.enhanced => Some(backend.msglen),
            RouteEnvelope::CicsData { .. } => Some(MAX_CLIENT_DATA),
            _ => None,
        }
    }

    /// The envelope of one call; `lookup` finds a parameter's value (path or query).
    pub fn render(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Envelope, EnvelopeError> {
        match self {
            RouteEnvelope::Backend => Ok(Envelope::default()),
            RouteEnvelope::Fixed(e) => Ok(e.clone()),
            RouteEnvelope::CicsData {
                tranid,
                client_data,
                backend,
            } => {
                let params = || {
                    client_data
                        .params()
                        .into_iter()
                        .map(str::to_string)
                        .collect()
                };
                let data = client_data
                    .render(lookup)
                    .map_err(|missing| EnvelopeError {
                        params: vec![missing.clone()],
                        detail: format!("missing parameter `{missing}`"),
                    })?;
                let prefix = backend
                    .prefix_with(tranid.as_deref(), &data)
                    .map_err(|detail| EnvelopeError {
                        params: params(),
                        detail,
                    })?;
                Ok(Envelope {
                    trancode: None,
                    cics_prefix: Some(Bytes::from(prefix)),
                })
            }
        }
    }
}

impl CicsSettings {
    /// The first transmission with `tranid` (standard mode; None: the backend's) and
    /// `client_data`, as the listener documents its limits.
    pub fn prefix_with(&self, tranid: Option<&str>, client_data: &str) -> Result<Vec<u8>, String> {
        let encoded = if self.enhanced {
            encode_header(client_data, self.msglen, self.page)
        } else {
            TransactionRequest {
                tranid: tranid.unwrap_or(&self.tranid).to_string(),
                client_data: client_data.to_string(),
                ..TransactionRequest::default()
            }
            .encode(self.page)
        };
        encoded.map_err(|e| e.to_string())
    }
}

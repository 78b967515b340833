//! STAND-IN for the connector branch, so the gateway compiles and its smoke test runs
//! before the real `crate::connector::{build, probe, BackendService}` lands.
//!
//! It speaks only `tcp` with `len4` framing, one fresh connection per request and no
//! pool or session limit. When merging: delete this file and, in `gateway/mod.rs`,
//! replace `mod standin; use standin as backend;` with `use crate::connector as backend;`.

use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::util::BoxCloneSyncService;

use crate::config::{BackendKind, BackendSpec};
use crate::connector::{ConnectorError, Exchange};

/// Request record bytes in, response record bytes out.
pub type BackendService = BoxCloneSyncService<Exchange, Bytes, ConnectorError>;

/// A service for one backend (stand-in: a fresh len4 TCP exchange per call).
pub fn build(spec: &BackendSpec) -> BackendService {
    let address = match &spec.kind {
        BackendKind::Tcp { address } => Some(address.clone()),
        _ => None,
    };
    let (timeout, connect_timeout) = (spec.timeout, spec.connect_timeout);
    BoxCloneSyncService::new(tower::service_fn(move |ex: Exchange| {
        let address = address.clone();
        async move {
            let address = address
                .ok_or_else(|| ConnectorError::Unreachable("stand-in speaks tcp only".into()))?;
            let mut stream = tokio::time::timeout(connect_timeout, TcpStream::connect(&address))
                .await
                .map_err(|_| ConnectorError::Unreachable("connect timed out".into()))?
                .map_err(|e| ConnectorError::Unreachable(e.to_string()))?;
            tokio::time::timeout(timeout, exchange(&mut stream, &ex.request))
                .await
                .map_err(|_| ConnectorError::Timeout(timeout))?
        }
    }))
}

async fn exchange(stream: &mut TcpStream, request: &[u8]) -> Result<Bytes, ConnectorError> {
    let closed = |e: std::io::Error| ConnectorError::Closed(e.to_string());
    let len = u32::try_from(request.len())
        .map_err(|_| ConnectorError::BadFrame("request too long for len4".into()))?;
    stream.write_all(&len.to_be_bytes()).await.map_err(closed)?;
    stream.write_all(request).await.map_err(closed)?;
    let mut head = [0u8; 4];
    stream.read_exact(&mut head).await.map_err(closed)?;
    let n = u32::from_be_bytes(head) as usize;
    if n > 16 << 20 {
        return Err(ConnectorError::BadFrame(format!("length {n} too large")));
    }
    let mut body = vec![0u8; n];
    stream.read_exact(&mut body).await.map_err(closed)?;
    Ok(Bytes::from(body))
}

/// Whether the backend accepts a connection (stand-in: tcp connect only).
pub async fn probe(spec: &BackendSpec) -> bool {
    match &spec.kind {
        BackendKind::Tcp { address } => {
            let t = spec.connect_timeout.max(Duration::from_millis(1));
            matches!(
                tokio::time::timeout(t, TcpStream::connect(address)).await,
                Ok(Ok(_))
            )
        }
        _ => true,
    }
}

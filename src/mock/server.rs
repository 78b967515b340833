//! The hosts on the network: one accept loop per host, one task per connection, each
//! connection answering its requests in order until the client closes; plus the
//! optional HTTP status endpoint.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Map, Value};
use tokio::io::{AsyncReadExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use super::answer::answer;
use super::config::FaultKind;
use super::frame::{self, read_frame, FrameError};
use super::host::{Host, MockSet};
use super::stats::{Counters, Snapshot};
use crate::connector::BackendFraming;

/// A listener that could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("{name}: cannot listen on {address}: {source}")]
pub struct StartError {
    pub name: String,
    pub address: String,
    pub source: std::io::Error,
}

/// Hosts that are listening. Dropping it stops them and closes their connections.
#[derive(Debug)]
pub struct Running {
    /// Each host's name and the address it really listens on (port 0 resolved).
    pub hosts: Vec<(String, SocketAddr)>,
    /// The status endpoint's address, when configured.
    pub status: Option<SocketAddr>,
    counters: Vec<(String, Arc<Counters>)>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Each accept loop owns its connections' tasks, so aborting it ends them too.
        self.tasks.iter().for_each(JoinHandle::abort);
    }
}

impl Running {
    /// One line per host, for the end of a run.
    pub fn summary(&self) -> Vec<String> {
        self.counters
            .iter()
            .map(|(name, c)| {
                let s = c.snapshot();
                format!(
                    "ferrule mock: {name}: {} requests, {} connections (peak {} at once)",
                    s.requests, s.connections_total, s.connections_peak
                )
            })
            .collect()
    }
}

/// One host at run time.
struct HostRun {
    host: Arc<Host>,
    counters: Arc<Counters>,
    /// Request ordinal for fault injection; unlike the counters, never reset.
    ordinal: AtomicU64,
}

/// Binds every host (and the status endpoint) and starts serving; returns once all
/// listen, so the addresses can be printed before any client connects.
pub async fn start(set: MockSet) -> Result<Running, StartError> {
    let mut running = Running {
        hosts: Vec::new(),
        status: None,
        counters: Vec::new(),
        tasks: Vec::new(),
    };
    for host in set.hosts {
        let listener = bind(&host.name, &host.listen).await?;
        let addr = local_addr(&host.name, &host.listen, &listener)?;
        let counters = Arc::new(Counters::default());
        running.hosts.push((host.name.clone(), addr));
        running
            .counters
            .push((host.name.clone(), Arc::clone(&counters)));
        let run = Arc::new(HostRun {
            host,
            counters,
            ordinal: AtomicU64::new(0),
        });
        running.tasks.push(tokio::spawn(accept_loop(listener, run)));
    }
    for api in set.apis {
        let listener = bind(&api.name, &api.listen).await?;
        let addr = local_addr(&api.name, &api.listen, &listener)?;
        running.hosts.push((api.name.clone(), addr));
        let counters = Arc::new(Counters::default());
        running
            .counters
            .push((api.name.clone(), Arc::clone(&counters)));
        running
            .tasks
            .push(tokio::spawn(super::api::serve(api, listener, counters)));
    }
    if let Some(address) = &set.status_listen {
        let listener = bind("status", address).await?;
        running.status = Some(local_addr("status", address, &listener)?);
        let app = status_router(running.counters.clone());
        running.tasks.push(tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::warn!(error = %e, "status endpoint stopped");
            }
        }));
    }
    Ok(running)
}

async fn bind(name: &str, address: &str) -> Result<TcpListener, StartError> {
    TcpListener::bind(address)
        .await
        .map_err(|source| StartError {
            name: name.into(),
            address: address.into(),
            source,
        })
}

fn local_addr(name: &str, address: &str, l: &TcpListener) -> Result<SocketAddr, StartError> {
    l.local_addr().map_err(|source| StartError {
        name: name.into(),
        address: address.into(),
        source,
    })
}

async fn accept_loop(listener: TcpListener, run: Arc<HostRun>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(serve_connection(Arc::clone(&run), stream));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(host = %run.host.name, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

async fn serve_connection(run: Arc<HostRun>, stream: TcpStream) {
    let _open = run.counters.connection();
    // Answers are single small writes; do not let Nagle hold them back.
    let _ = stream.set_nodelay(true);
    if let Some(protocol) = &run.host.protocol {
        return super::protocol::serve(&run.host, protocol, &run.counters, stream).await;
    }
    let mut io = BufReader::new(stream);
    let host = &*run.host;
    loop {
        let request = match read_frame(&mut io, host.framing, host.request.max_len()).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(FrameError::Io(e)) => {
                // The client went away (often a reset from a pool dropping it): routine.
                tracing::debug!(host = %host.name, error = %e, "connection lost");
                return;
            }
            Err(e) => {
                // Framing cannot be resynchronised: drop the connection, keep the host.
                tracing::warn!(host = %host.name, error = %e, "bad request frame; closing the connection");
                return;
            }
        };
        let _busy = run.counters.request();
        let n = run.ordinal.fetch_add(1, Ordering::SeqCst) + 1;
        if !host.latency.is_zero() {
            tokio::time::sleep(host.latency).await;
        }
        let (record, outcome) = answer(host, &request);
        tracing::debug!(host = %host.name, request = n, outcome = ?outcome, "answered");
        let fault = host.faults.and_then(|f| {
            let nth = n.checked_rem(f.every_nth) == Some(0);
            let within = f.max_faults == 0
                || n.checked_div(f.every_nth)
                    .is_some_and(|k| k <= f.max_faults);
            (nth && within).then_some(f.kind)
        });
        let keep_open = match fault {
            None => send(&mut io, host, &record).await,
            Some(kind) => {
                tracing::info!(host = %host.name, request = n, fault = kind.name(), "injecting fault");
                inject(kind, &mut io, host, &record).await
            }
        };
        if !keep_open {
            return;
        }
    }
}

/// Writes one framed answer; false when the client has gone.
async fn send(io: &mut BufReader<TcpStream>, host: &Host, record: &[u8]) -> bool {
    let wire = frame::frame(
        host.framing,
        record,
        host.response.max_len(),
        host.codec.codepage.space(),
    );
    frame::write_all(io, &wire).await.is_ok()
}

/// Misbehaves as asked; true when the connection goes on serving afterwards.
async fn inject(
    kind: FaultKind,
    io: &mut BufReader<TcpStream>,
    host: &Host,
    record: &[u8],
) -> bool {
    let fixed = host.framing == BackendFraming::Fixed;
    match kind {
        FaultKind::Reset => {
            let pad = host.codec.codepage.space();
            let wire = frame::frame(host.framing, record, host.response.max_len(), pad);
            let _ = frame::write_all(io, wire.get(..wire.len() / 2).unwrap_or_default()).await;
            // SO_LINGER 0: closing sends RST instead of FIN.
            let _ = io.get_ref().set_zero_linger();
            false
        }
        FaultKind::Close => false,
        FaultKind::Stall => {
            // Hold the connection, answer nothing, until the client gives up.
            let mut sink = [0u8; 512];
            while matches!(io.read(&mut sink).await, Ok(n) if n > 0) {}
            false
        }
        FaultKind::Garbage => {
            let junk = vec![0xFF; record.len().max(1)];
            send(io, host, &junk).await
        }
        FaultKind::Short if fixed => {
            let _ = frame::write_all(io, record.get(..record.len() / 2).unwrap_or_default()).await;
            false
        }
        FaultKind::Short => {
            send(io, host, record.get(..record.len() / 2).unwrap_or_default()).await
        }
    }
}

fn status_json(counters: &[(String, Arc<Counters>)]) -> Value {
    let mut hosts = Map::new();
    let mut total = Snapshot::default();
    for (name, c) in counters {
        let s = c.snapshot();
        total = total.add(s);
        hosts.insert(name.clone(), s.to_json());
    }
    let mut out = match total.to_json() {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    out.insert("hosts".into(), Value::Object(hosts));
    Value::Object(out)
}

/// `GET /status` (or `/`): counts; `POST /reset`: start a new measurement.
fn status_router(counters: Vec<(String, Arc<Counters>)>) -> Router {
    let counters = Arc::new(counters);
    let read = {
        let c = Arc::clone(&counters);
        move || {
            let c = Arc::clone(&c);
            async move { Json(status_json(&c)) }
        }
    };
    let reset = {
        let c = Arc::clone(&counters);
        move || {
            let c = Arc::clone(&c);
            async move {
                c.iter().for_each(|(_, k)| k.reset());
                Json(status_json(&c))
            }
        }
    };
    Router::new()
        .route("/", get(read.clone()))
        .route("/status", get(read))
        .route("/reset", post(reset))
}

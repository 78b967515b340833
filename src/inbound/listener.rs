//! The sockets legacy programs connect to: one accept loop per `[[listener]]`, at most
//! `max_connections` connections at once (the rest wait in the backlog), one task per
//! connection serving its records in order, each answered before the next is read.
//!
//! On shutdown the loops stop accepting, and each connection ends after the record it
//! is serving (a connection waiting for its next record ends at once); the gateway's
//! drain deadline bounds the whole. Routes are read from the live config per record,
//! so a reload changes them; the sockets themselves change on restart.

use std::net::SocketAddr;
use std::sync::Arc;

use ferrule_parsers::framing::FramingError;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use super::exchange::{self, Served};
use super::quarantine::Quarantine;
use super::spec::{InboundSet, ListenerSpec};
use crate::audit::{AuditEvent, AuditLog};
use crate::connector::frame::{frame_bytes, next_record, MAX_RECORD};
use crate::telemetry;
use crate::trace::context::TraceContext;

/// What a record is served with, from the live config: read per record, so reloads apply.
pub struct Live {
    pub set: Arc<InboundSet>,
    /// The gateway's `[audit]` log: inbound calls get lines too (`direction: inbound`).
    pub audit: Option<AuditLog>,
}

/// The live inbound config, as the gateway holds it now.
pub type Current = Arc<dyn Fn() -> Live + Send + Sync>;

/// A listener bound and ready to serve.
pub struct Bound {
    pub index: usize,
    pub spec: ListenerSpec,
    pub addr: SocketAddr,
    listener: TcpListener,
    quarantine: Option<Arc<Quarantine>>,
}

/// Why a listener could not start.
#[derive(Debug, thiserror::Error)]
#[error("listener `{name}`: {what}: {source}")]
pub struct BindError {
    pub name: String,
    pub what: String,
    pub source: std::io::Error,
}

/// Binds every listener of `set` and opens its quarantine file.
pub async fn bind(set: &InboundSet) -> Result<Vec<Bound>, BindError> {
    let mut out = Vec::new();
    for (index, spec) in set.listeners.iter().enumerate() {
        let err = |what: String| {
            let name = spec.name.clone();
            move |source| BindError { name, what, source }
        };
        let listener = TcpListener::bind(&spec.listen)
            .await
            .map_err(err(format!("cannot listen on {}", spec.listen)))?;
        let addr = listener.local_addr().map_err(err("local address".into()))?;
        let quarantine = match &spec.quarantine {
            Some(p) => Some(Arc::new(
                Quarantine::open(p, spec.framing.wire(0), spec.quarantine_max_bytes)
                    .map_err(err(format!("cannot open {}", p.display())))?,
            )),
            None => None,
        };
        out.push(Bound {
            index,
            spec: spec.clone(),
            addr,
            listener,
            quarantine,
        });
    }
    Ok(out)
}

/// Serves every bound listener until `stop` turns true, then drains.
pub async fn serve(bound: Vec<Bound>, current: Current, stop: watch::Receiver<bool>) {
    let mut loops = JoinSet::new();
    for b in bound {
        tracing::info!(listener = %b.spec.name, address = %b.addr, "inbound listener");
        loops.spawn(accept_loop(b, current.clone(), stop.clone()));
    }
    while loops.join_next().await.is_some() {}
}

/// Resolves once `stop` is true (never, if its sender is gone without saying so).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|&s| s).await.is_err() {
        std::future::pending::<()>().await;
    }
}

async fn accept_loop(b: Bound, current: Current, mut stop: watch::Receiver<bool>) {
    let limit = Arc::new(Semaphore::new(b.spec.max_connections));
    let spec = Arc::new(b.spec);
    let mut conns = JoinSet::new();
    loop {
        // A free slot first: beyond `max_connections` programs wait in the backlog.
        let permit = tokio::select! {
            p = limit.clone().acquire_owned() => p,
            () = stopped(&mut stop) => break,
        };
        let Ok(permit) = permit else { break };
        tokio::select! {
            accepted = b.listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let c = Conn {
                        index: b.index,
                        spec: Arc::clone(&spec),
                        peer,
                        current: current.clone(),
                        quarantine: b.quarantine.clone(),
                        stop: stop.clone(),
                        _permit: permit,
                    };
                    conns.spawn(c.run(stream));
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(listener = %spec.name, error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            () = stopped(&mut stop) => break,
            // Reap finished connections so the set does not grow without bound.
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(b.listener);
    while conns.join_next().await.is_some() {}
}

/// One program's connection.
struct Conn {
    index: usize,
    spec: Arc<ListenerSpec>,
    peer: SocketAddr,
    current: Current,
    quarantine: Option<Arc<Quarantine>>,
    stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
}

impl Conn {
    async fn run(self, stream: TcpStream) {
        let labels = [("listener", self.spec.name.clone())];
        metrics::gauge!(telemetry::INBOUND_CONNECTIONS, &labels).increment(1.0);
        // Answers are single small writes; do not let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        match self.spec.tls.clone() {
            None => self.records(stream, None).await,
            Some(tls) => {
                let shake =
                    tokio::time::timeout(tls.handshake_timeout, tls.acceptor.accept(stream));
                match shake.await {
                    Ok(Ok(s)) => {
                        // The verified client certificate's subject names the program in
                        // audit lines (mTLS), as it names HTTP callers.
                        let principal = s
                            .get_ref()
                            .1
                            .peer_certificates()
                            .and_then(|c| c.first())
                            .and_then(|c| crate::gateway::tls::client_cert(c))
                            .map(|c| c.subject);
                        self.records(s, principal).await
                    }
                    Ok(Err(e)) => {
                        tracing::info!(listener = %self.spec.name, peer = %self.peer, error = %e,
                            "TLS handshake failed");
                    }
                    Err(_) => {
                        tracing::info!(listener = %self.spec.name, peer = %self.peer,
                            "TLS handshake timed out");
                    }
                }
            }
        }
        metrics::gauge!(telemetry::INBOUND_CONNECTIONS, &labels).decrement(1.0);
    }

    /// Serves records until the program closes, goes idle, or the gateway stops.
    async fn records<S: AsyncRead + AsyncWrite + Unpin>(
        mut self,
        stream: S,
        principal: Option<String>,
    ) {
        let mut io = BufReader::new(stream);
        loop {
            let live = (self.current)();
            let set = &live.set;
            let len = set
                .routes_of(self.index)
                .next()
                .map_or(0, |r| r.request.max_len());
            let wire = self.spec.framing.wire(len);
            if wire == (ferrule_parsers::framing::Framing::Fixed { len: 0 }) {
                // Nothing to cut records with (no route on this listener): never spin.
                return;
            }
            let read = tokio::time::timeout(
                self.spec.idle_timeout,
                next_record(&mut io, wire, MAX_RECORD),
            );
            let read = tokio::select! {
                r = read => r,
                () = stopped(&mut self.stop) => return,
            };
            let bytes = match read {
                Err(_) => return, // idle
                Ok(Ok(None)) => return,
                Ok(Ok(Some(b))) => b,
                Ok(Err(FramingError::Io(_))) => return,
                Ok(Err(e)) => {
                    // The stream cannot be cut any further: answer once, then close.
                    let why = format!("bad frame: {e}");
                    self.keep(&[], &why);
                    self.count("<none>", "bad_record");
                    if let Some(r) = set.routes_of(self.index).next() {
                        let rec = exchange::failure_record(r, self.spec.codec, "bad_record", &why);
                        let _ = self.send(&mut io, &rec).await;
                    }
                    return;
                }
            };
            let arrived = (std::time::SystemTime::now(), std::time::Instant::now());
            // Each record starts a trace of its own: the API gets its `traceparent`, the
            // audit line its id.
            let trace = TraceContext::start(&axum::http::HeaderMap::new());
            let served = exchange::serve(set, self.index, self.spec.codec, &bytes, &trace).await;
            self.count(&served.route, served.outcome);
            if let Some(why) = &served.rejected {
                self.keep(&bytes, why);
            }
            let record = match &live.audit {
                Some(log) => {
                    self.audited(log, arrived, principal.clone(), served, &trace)
                        .await
                }
                None => served.record,
            };
            let Some(record) = record else { return };
            if !self.send(&mut io, &record).await {
                return;
            }
        }
    }

    /// Writes the record's audit line; fail closed as the HTTP side does: when the line
    /// cannot be written the program gets a failure record (code `*`) instead.
    async fn audited(
        &self,
        log: &AuditLog,
        (time, started): (std::time::SystemTime, std::time::Instant),
        principal: Option<String>,
        served: Served,
        trace: &TraceContext,
    ) -> Option<Vec<u8>> {
        let event = AuditEvent {
            time,
            request_id: uuid::Uuid::new_v4().to_string(),
            trace_id: String::from_utf8_lossy(&trace.trace_hex()).into_owned(),
            principal,
            client_addr: self.peer.to_string(),
            route: served.route.clone(),
            method: served
                .answering
                .as_ref()
                .filter(|_| served.call_ms.is_some())
                .map(|r| r.method.clone())
                .unwrap_or_default(),
            purpose: None,
            keys: Vec::new(),
            // 0: no HTTP answer (timeout, refused, bad or unrouted record).
            status: served.status.unwrap_or(0),
            latency_ms: started.elapsed().as_secs_f64() * 1000.0,
            backend_ms: served.call_ms,
            direction: Some("inbound"),
            outcome: Some(served.outcome),
        };
        match log.record(event).await {
            Ok(()) => served.record,
            Err(e) => {
                tracing::error!(listener = %self.spec.name, error = %e,
                    "audit line not written; inbound call answered as failed");
                let route = served.answering?;
                let why = "audit log unavailable";
                Some(exchange::failure_record(
                    &route,
                    self.spec.codec,
                    "audit",
                    why,
                ))
            }
        }
    }

    fn count(&self, route: &str, outcome: &'static str) {
        metrics::counter!(telemetry::INBOUND_RECORDS_TOTAL, "listener" => self.spec.name.clone(),
            "route" => route.to_string(), "outcome" => outcome)
        .increment(1);
    }

    fn keep(&self, bytes: &[u8], why: &str) {
        tracing::warn!(listener = %self.spec.name, peer = %self.peer, error = %why,
            "incoming record rejected");
        if let Some(q) = &self.quarantine {
            q.keep(&self.spec.name, &self.peer.to_string(), bytes, why);
        }
    }

    /// Writes one framed record; false when it cannot go (the connection then ends).
    async fn send<S: AsyncWrite + Unpin>(&self, io: &mut S, record: &[u8]) -> bool {
        let framed = match frame_bytes(self.spec.framing.wire(0), record) {
            Ok(f) => f,
            Err(e) => {
                tracing::error!(listener = %self.spec.name, error = %e,
                    "response record cannot be framed; closing the connection");
                return false;
            }
        };
        io.write_all(&framed).await.is_ok() && io.flush().await.is_ok()
    }
}

//! The legacy side: connectors from request record bytes to response record bytes.
//!
//! Each connector (tcp, http, exec) implements the small [`Connector`] trait in its own
//! file: one exchange, nothing else. One stack builder ([`build`]) wraps any of them the
//! same way: metrics, the session limit (no backend ever holds more sessions than its
//! `max_sessions`, whatever the kind) and the exchange timeout.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use ferrule_parsers::framing::{Framing, RdwOptions};
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceBuilder};

use crate::config::{BackendKind, BackendSpec};

pub mod breaker;
pub mod envelope;
pub mod exec;
pub mod frame;
pub mod home;
pub mod http;
pub mod limit;
pub mod metered;
pub mod protocol;
pub mod tcp;
pub mod timeout;
pub mod tls;

/// A way to reach a legacy host: one request record out, one response record back.
///
/// Only the exchange itself: timeouts, the session limit and metrics are the shared
/// stack's ([`build`]), so a connector never repeats them. Dropping the future abandons
/// the exchange (the timeout does that): a connector must leave nothing behind then (a
/// half-used connection is not pooled, a started program is killed).
pub trait Connector: Send + Sync + 'static {
    fn call(&self, ex: Exchange) -> impl Future<Output = Result<Bytes, ConnectorError>> + Send;
}

/// A backend's whole stack, ready to share between requests (cheap to clone).
pub type BackendService = BoxCloneSyncService<Exchange, Bytes, ConnectorError>;

/// The connector for `spec.kind` in the one backend stack.
#[cfg(test)]
pub(crate) fn build(spec: &BackendSpec) -> BackendService {
    served(spec).0
}

/// [`build`], with the backend's circuit breaker when it has one (`/readyz` reads it).
pub fn served(spec: &BackendSpec) -> (BackendService, Option<Arc<breaker::Breaker>>) {
    let breaker = spec
        .breaker
        .map(|settings| breaker::Breaker::new(&spec.name, settings));
    let service = match &spec.kind {
        BackendKind::Tcp { address } | BackendKind::TcpTls { address, .. } => {
            stack(spec, breaker.clone(), tcp::TcpConnector::new(address, spec))
        }
        BackendKind::TcpProtocol {
            address,
            tls,
            protocol,
        } => {
            let dial = protocol::Dial {
                address: address.clone(),
                tls: tls.clone(),
                connect_timeout: spec.connect_timeout,
            };
            match &**protocol {
                protocol::TcpProtocol::Ims(s) => stack(
                    spec,
                    breaker.clone(),
                    protocol::ims::ImsConnector::new(dial, s.clone(), spec.max_sessions),
                ),
                protocol::TcpProtocol::Cics(s) => stack(
                    spec,
                    breaker.clone(),
                    protocol::cics::CicsConnector::new(dial, s.clone(), spec.framing),
                ),
            }
        }
        BackendKind::Http { url, tls } => stack(
            spec,
            breaker.clone(),
            http::HttpConnector::new(url, tls.as_ref(), spec),
        ),
        BackendKind::Exec { command, args } => stack(
            spec,
            breaker.clone(),
            exec::ExecConnector::new(command, args, spec),
        ),
    };
    (service, breaker)
}

/// The one stack around any connector, outside in: metrics, the circuit breaker (when
/// configured), the session limit (bounded queue, queue timeout -> `Saturated`), the
/// exchange timeout, the connector.
pub fn stack(
    spec: &BackendSpec,
    breaker: Option<Arc<breaker::Breaker>>,
    connector: impl Connector,
) -> BackendService {
    let breaker = breaker.map(breaker::BreakerLayer::new);
    let stack = ServiceBuilder::new()
        // Metrics outermost: refusals by the limit are counted, and latency includes the
        // queue wait, which is what the caller experiences.
        .layer(metered::MeteredLayer::new(&spec.name))
        // Before the limit: an open circuit refuses without taking a session or a queue
        // place; it sees timeouts, which the layer inside produces.
        .option_layer(breaker)
        // The session limit before the connector: no kind of backend ever sees more than
        // max_sessions exchanges at once, and overload fails fast instead of piling up.
        .layer(limit::SessionLimitLayer::new(
            &spec.name,
            spec.max_sessions,
            spec.max_queue,
            spec.queue_timeout,
        ))
        // The timeout inside the limit: it bounds the exchange, not the wait for a
        // session (`queue_timeout` does), and a timed-out exchange gives its session back.
        .layer(timeout::TimeoutLayer::new(spec.timeout))
        .service(AsService(Arc::new(connector)));
    BoxCloneSyncService::new(stack)
}

/// A connector with only the timeout around it (no limit, no metrics): for tests of one
/// connector's own behaviour.
#[cfg(test)]
pub(crate) fn timed(connector: impl Connector, timeout: Duration) -> BackendService {
    BoxCloneSyncService::new(
        timeout::TimeoutLayer::new(timeout).layer_on(AsService(Arc::new(connector))),
    )
}

/// The one tower `Service` over any [`Connector`] (clones share it).
struct AsService<C>(Arc<C>);

impl<C> Clone for AsService<C> {
    fn clone(&self) -> Self {
        AsService(self.0.clone())
    }
}

impl<C: Connector> Service<Exchange> for AsService<C> {
    type Response = Bytes;
    type Error = ConnectorError;
    type Future = Pin<Box<dyn Future<Output = Result<Bytes, ConnectorError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), ConnectorError>> {
        // Sessions are made on demand; bounding them is the session limit's job.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, ex: Exchange) -> Self::Future {
        let connector = self.0.clone();
        Box::pin(async move { connector.call(ex).await })
    }
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
        // TLS backends: reaching the port is what readiness asks; the handshake is per session.
        BackendKind::Tcp { address }
        | BackendKind::TcpTls { address, .. }
        | BackendKind::TcpProtocol { address, .. } => dial(address.clone()).await,
        BackendKind::Http { url, tls } => match http::target(url, tls.is_some()) {
            Ok(uri) => {
                let host = uri
                    .host()
                    .unwrap_or_default()
                    .trim_start_matches('[')
                    .trim_end_matches(']');
                let default_port = if tls.is_some() { 443 } else { 80 };
                let port = uri.port_u16().unwrap_or(default_port);
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
    /// Any other framing files know (`rdw-le`, `bdw`, `len2-le`, `lines-ebcdic`...).
    Records(Framing),
}

impl BackendFraming {
    /// A backend's `framing`: every spelling files accept (`ferrule_parsers::framing::
    /// FRAMING_SPELLINGS`), plus `delimiter` (and, as before, `lines`) ending each record
    /// with the backend's `delimiter` byte.
    pub fn parse(name: &str, delimiter: u8) -> Result<BackendFraming, String> {
        let lower = name.trim().to_ascii_lowercase();
        if lower == "delimiter" || lower == "lines" {
            return Ok(BackendFraming::Delimiter(delimiter));
        }
        match Framing::parse(&lower).map_err(|e| e.to_string())? {
            Framing::Len4 => Ok(BackendFraming::Len4),
            Framing::Len2 => Ok(BackendFraming::Len2),
            Framing::Fixed { len: 0 } => Ok(BackendFraming::Fixed),
            // A length here would disagree with the routes' layouts, which decide it.
            Framing::Fixed { .. } => Err(format!(
                "`{}`: a backend's fixed records are as long as each route's request and \
                 response layouts; write `fixed`",
                name.trim()
            )),
            Framing::Rdw(o) if o == RdwOptions::IBM => Ok(BackendFraming::Rdw),
            Framing::Delimiter(d) => Ok(BackendFraming::Delimiter(d)),
            other => Ok(BackendFraming::Records(other)),
        }
    }

    /// The framing the bytes on the wire have; `fixed_len` is the record length of `fixed`.
    pub fn wire(self, fixed_len: usize) -> Framing {
        match self {
            BackendFraming::Len4 => Framing::Len4,
            BackendFraming::Len2 => Framing::Len2,
            BackendFraming::Fixed => Framing::Fixed { len: fixed_len },
            BackendFraming::Delimiter(d) => Framing::Delimiter(d),
            BackendFraming::Rdw => Framing::Rdw(RdwOptions::IBM),
            BackendFraming::Records(f) => f,
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
    /// The route's part of a protocol backend's envelope (default: the backend's own).
    pub envelope: envelope::Envelope,
    /// The call's trace, for backends that carry one (`http`: as headers).
    pub trace: Option<http::TraceHeaders>,
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
    /// The host's transaction manager refused the request (IMS Connect request status,
    /// a CICS listener message) (502). The message carries its codes: logged, never
    /// shown to the client.
    #[error("host refused the request: {0}")]
    Refused(String),
    /// The backend's circuit breaker is open: the host was not called (503).
    #[error("circuit open: the host keeps failing")]
    CircuitOpen { retry_after: Duration },
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
            ConnectorError::Refused(_) => "refused",
            ConnectorError::CircuitOpen { .. } => "circuit_open",
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
        breaker: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio::sync::Semaphore;
    use tower::ServiceExt;

    /// Guards against hangs only; no test passes or fails on timing.
    const HANG: Duration = Duration::from_secs(30);

    #[test]
    fn backends_take_every_file_framing() {
        // The records layer's spellings reach backends; the historical names keep theirs.
        assert_eq!(
            BackendFraming::parse("len2-le", b'\n').unwrap().wire(0),
            Framing::Len2Le
        );
        assert_eq!(
            BackendFraming::parse("LEN4-LE", b'\n').unwrap().wire(0),
            Framing::Len4Le
        );
        assert_eq!(
            BackendFraming::parse("delimiter", 0x25).unwrap(),
            BackendFraming::Delimiter(0x25)
        );
        assert_eq!(
            BackendFraming::parse("rdw", 0).unwrap(),
            BackendFraming::Rdw
        );
        assert!(BackendFraming::parse("bdw-le", 0).is_ok());
        assert_eq!(BackendFraming::parse("fixed", 0), Ok(BackendFraming::Fixed));
        let err = BackendFraming::parse("fixed:80", 0).unwrap_err();
        assert!(
            err.contains("`fixed:80`") && err.contains("write `fixed`"),
            "{err}"
        );
        assert!(BackendFraming::parse("len3", 0)
            .unwrap_err()
            .contains("len2-le"));
    }

    fn tcp(addr: &str) -> BackendSpec {
        test_spec(
            BackendKind::Tcp {
                address: addr.into(),
            },
            BackendFraming::Len4,
        )
    }

    fn ex(request: &'static [u8]) -> Exchange {
        Exchange {
            request: Bytes::from_static(request),
            response_len: request.len(),
            envelope: Default::default(),
            trace: None,
        }
    }

    /// A len4 echo host that holds each answer until `gate` gives a permit, and records the
    /// most connections it ever had open at once.
    struct SlowHost {
        addr: String,
        gate: Arc<Semaphore>,
        open: Arc<AtomicUsize>,
        peak: Arc<AtomicUsize>,
        accepts: Arc<AtomicUsize>,
    }

    async fn slow_host() -> SlowHost {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let host = SlowHost {
            addr: listener.local_addr().unwrap().to_string(),
            gate: Arc::new(Semaphore::new(0)),
            open: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
            accepts: Arc::new(AtomicUsize::new(0)),
        };
        let (gate, open, peak, accepts) = (
            host.gate.clone(),
            host.open.clone(),
            host.peak.clone(),
            host.accepts.clone(),
        );
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                accepts.fetch_add(1, Ordering::SeqCst);
                let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                let (gate, open) = (gate.clone(), open.clone());
                tokio::spawn(async move {
                    while let Ok(n) = s.read_u32().await {
                        let mut rec = vec![0u8; n as usize];
                        if s.read_exact(&mut rec).await.is_err() {
                            break;
                        }
                        gate.acquire().await.unwrap().forget();
                        let mut wire = n.to_be_bytes().to_vec();
                        wire.extend_from_slice(&rec);
                        if s.write_all(&wire).await.is_err() {
                            break;
                        }
                    }
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        host
    }

    #[tokio::test]
    async fn session_limit_holds_against_a_slow_host() {
        // max_sessions 3, max_queue 5, 20 requests at once: 3 in flight, 5 queued, 12 refused.
        let host = slow_host().await;
        let mut spec = tcp(&host.addr);
        spec.max_sessions = 3;
        spec.max_queue = 5;
        let svc = build(&spec);
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..20 {
            calls.spawn(tokio::time::timeout(
                HANG,
                svc.clone().oneshot(ex(b"VEHQ AB12CDE")),
            ));
        }
        // The refusals come back while the host still holds every answer.
        let mut saturated = 0;
        while saturated < 12 {
            match calls.join_next().await.unwrap().unwrap().expect("hung") {
                Err(ConnectorError::Saturated { .. }) => saturated += 1,
                other => panic!("expected Saturated while the host is stalled, got {other:?}"),
            }
        }
        host.gate.add_permits(1000);
        let mut ok = 0;
        while let Some(r) = calls.join_next().await {
            assert_eq!(&r.unwrap().expect("hung").unwrap()[..], b"VEHQ AB12CDE");
            ok += 1;
        }
        assert_eq!(ok, 8);
        assert!(
            host.peak.load(Ordering::SeqCst) <= 3,
            "host saw {} connections",
            host.peak.load(Ordering::SeqCst)
        );
        assert!(host.accepts.load(Ordering::SeqCst) <= 3);
    }

    #[tokio::test]
    async fn queue_timeout_is_saturated() {
        // One session held by a stalled answer; the next request waits 50 ms, then 503s.
        let host = slow_host().await;
        let mut spec = tcp(&host.addr);
        spec.max_sessions = 1;
        spec.queue_timeout = Duration::from_millis(50);
        let svc = build(&spec);
        let hog = tokio::spawn(svc.clone().oneshot(ex(b"FIRST")));
        while host.accepts.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let r = tokio::time::timeout(HANG, svc.clone().oneshot(ex(b"SECOND")))
            .await
            .unwrap();
        assert!(matches!(r, Err(ConnectorError::Saturated { .. })), "{r:?}");
        host.gate.add_permits(10);
        assert_eq!(&hog.await.unwrap().unwrap()[..], b"FIRST");
    }

    /// A connector that never answers, and counts the exchanges it was given.
    struct Stuck(Arc<AtomicUsize>);

    impl Connector for Stuck {
        fn call(&self, _: Exchange) -> impl Future<Output = Result<Bytes, ConnectorError>> + Send {
            self.0.fetch_add(1, Ordering::SeqCst);
            std::future::pending()
        }
    }

    #[tokio::test]
    async fn any_connector_gets_the_shared_limit_and_timeout() {
        // A new kind only implements the exchange: the stack bounds its sessions and time.
        let calls = Arc::new(AtomicUsize::new(0));
        let mut spec = tcp("127.0.0.1:1");
        spec.max_sessions = 1;
        spec.max_queue = 0;
        spec.timeout = Duration::from_millis(50);
        let svc = stack(&spec, None, Stuck(calls.clone()));
        let first = tokio::spawn(svc.clone().oneshot(ex(b"ONE")));
        while calls.load(Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        // The only session is taken and there is no queue: refused at once.
        let second = svc.clone().oneshot(ex(b"TWO")).await;
        assert!(
            matches!(second, Err(ConnectorError::Saturated { .. })),
            "{second:?}"
        );
        // The first is cut off by the timeout, and its session comes back.
        let first = tokio::time::timeout(HANG, first).await.unwrap().unwrap();
        assert_eq!(
            first,
            Err(ConnectorError::Timeout(Duration::from_millis(50)))
        );
        let third = tokio::time::timeout(HANG, svc.clone().oneshot(ex(b"THREE")))
            .await
            .unwrap();
        assert_eq!(
            third,
            Err(ConnectorError::Timeout(Duration::from_millis(50)))
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn build_makes_every_kind() {
        // exec: `cat` echoes the framed record.
        let spec = test_spec(
            BackendKind::Exec {
                command: "cat".into(),
                args: vec![],
            },
            BackendFraming::Len2,
        );
        assert_eq!(&build(&spec).oneshot(ex(b"REC")).await.unwrap()[..], b"REC");
        // tcp and http against a dead port: Unreachable through the whole stack.
        let dead = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let r = build(&tcp(&dead.to_string())).oneshot(ex(b"REC")).await;
        assert!(matches!(r, Err(ConnectorError::Unreachable(_))), "{r:?}");
        let spec = test_spec(
            BackendKind::Http {
                url: format!("http://{dead}/x"),
                tls: None,
            },
            BackendFraming::Len4,
        );
        let r = build(&spec).oneshot(ex(b"REC")).await;
        assert!(matches!(r, Err(ConnectorError::Unreachable(_))), "{r:?}");
    }

    #[tokio::test]
    async fn probe_reports_what_can_be_opened() {
        let live = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let up = live.local_addr().unwrap();
        let down = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        // tcp: listening yes, dead port no.
        assert!(probe(&tcp(&up.to_string())).await);
        assert!(!probe(&tcp(&down.to_string())).await);
        // http: the URL's host:port is dialled; an unusable URL is not ready.
        let http =
            |url: String| test_spec(BackendKind::Http { url, tls: None }, BackendFraming::Len4);
        assert!(probe(&http(format!("http://{up}/enquiry"))).await);
        assert!(!probe(&http(format!("http://{down}/enquiry"))).await);
        assert!(!probe(&http("https://127.0.0.1/x".into())).await);
        // https with TLS settings: the URL's host:port is dialled too (the handshake is
        // per call, as for tcp backends); with settings, an http URL is not ready.
        let dir = tempfile::tempdir().unwrap();
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_pem = dir.path().join("ca.pem");
        std::fs::write(&ca_pem, ca.self_signed(&ca_key).unwrap().pem()).unwrap();
        let tls = Arc::new(tls::BackendTls::load(&ca_pem, None, "localhost").unwrap());
        let https = |url: String| {
            test_spec(
                BackendKind::Http {
                    url,
                    tls: Some(tls.clone()),
                },
                BackendFraming::Len4,
            )
        };
        assert!(probe(&https(format!("https://{up}/enquiry"))).await);
        assert!(!probe(&https(format!("https://{down}/enquiry"))).await);
        assert!(!probe(&https(format!("http://{up}/enquiry"))).await);
        // exec: an executable on PATH yes, a missing one no.
        let exec = |c: &str| {
            test_spec(
                BackendKind::Exec {
                    command: c.into(),
                    args: vec![],
                },
                BackendFraming::Fixed,
            )
        };
        assert!(probe(&exec("sh")).await);
        assert!(!probe(&exec("/nonexistent/nomenq")).await);
    }

    #[test]
    fn metrics_use_the_telemetry_names() {
        // A local Prometheus recorder on a current-thread runtime sees every emission.
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&recorder, || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let dead = TcpListener::bind("127.0.0.1:0")
                    .await
                    .unwrap()
                    .local_addr()
                    .unwrap();
                let r = build(&tcp(&dead.to_string())).oneshot(ex(b"REC")).await;
                assert!(r.is_err());
                let spec = test_spec(
                    BackendKind::Exec {
                        command: "cat".into(),
                        args: vec![],
                    },
                    BackendFraming::Len4,
                );
                build(&spec).oneshot(ex(b"REC")).await.unwrap();
            });
        });
        let text = handle.render();
        let has = |needle: &str| assert!(text.contains(needle), "missing {needle} in:\n{text}");
        has(r#"ferrule_backend_errors_total{backend="test",kind="unreachable"} 1"#);
        has(r#"ferrule_backend_duration_seconds_count{backend="test",outcome="unreachable"} 1"#);
        has(r#"ferrule_backend_duration_seconds_count{backend="test",outcome="ok"} 1"#);
        // Gauges are back to zero once every exchange is over.
        has(r#"ferrule_backend_sessions_in_use{backend="test"} 0"#);
    }
}

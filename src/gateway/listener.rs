//! The one accept loop for the plain and the TLS listener, with the hardening limits:
//! header size, header read time (the slowloris defence), open connections.
//!
//! At `max_connections` the loop stops accepting: further clients wait in the kernel's
//! listen backlog (their `connect` succeeds, nothing is read) until a connection closes,
//! and are refused by the kernel once the backlog is full. Waiting rather than closing
//! keeps a short burst from failing calls that would have been served a moment later.
//!
//! Idle keep-alive: hyper starts the header read timer again as soon as a connection is
//! idle, so an idle keep-alive connection is closed after `header_read_timeout` too; hyper
//! has no separate idle timeout for HTTP/1.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method};
use axum::response::Response;
use axum::BoxError;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::{Service, ServiceExt};

use super::tls::{client_cert, ClientCert, ServerTls};
use super::workers::Workers;
use crate::config::{defaults, CorsConfig, ServerConfig};

/// Validated `[server]` connection limits and `[server.cors]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListenerSettings {
    /// Largest request head (request line and headers); 431 beyond.
    pub max_header_bytes: usize,
    /// A client must send a whole request head within this, and an idle keep-alive
    /// connection is closed after it.
    pub header_read_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// CORS answers; `None`: no CORS headers at all.
    pub cors: Option<Cors>,
    /// HTTP/2 without TLS (prior knowledge); over TLS, ALPN decides (`[server] http2`).
    pub h2c: bool,
    pub max_concurrent_streams: u32,
}

impl Default for ListenerSettings {
    fn default() -> Self {
        ListenerSettings {
            max_header_bytes: defaults::max_header_bytes(),
            header_read_timeout: Duration::from_millis(defaults::header_read_timeout_ms()),
            max_connections: defaults::max_connections(),
            cors: None,
            h2c: false,
            max_concurrent_streams: defaults::max_concurrent_streams(),
        }
    }
}

impl ListenerSettings {
    /// Checks the `[server]` limits and `[server.cors]`; each problem is
    /// `(key under server, message)`.
    pub fn from_config(s: &ServerConfig) -> Result<ListenerSettings, Vec<(String, String)>> {
        let mut problems = Vec::new();
        let mut positive = |key: &str, v: u64| {
            if v == 0 {
                problems.push((key.to_string(), "must be at least 1".to_string()));
            }
        };
        positive("max_header_bytes", s.max_header_bytes as u64);
        positive("header_read_timeout_ms", s.header_read_timeout_ms);
        positive("max_connections", s.max_connections as u64);
        positive(
            "max_concurrent_streams",
            u64::from(s.max_concurrent_streams),
        );
        let cors = s.cors.as_ref().and_then(|c| match cors(c) {
            Ok(c) => Some(c),
            Err(mut ps) => {
                problems.append(&mut ps);
                None
            }
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(ListenerSettings {
            max_header_bytes: s.max_header_bytes,
            header_read_timeout: Duration::from_millis(s.header_read_timeout_ms),
            max_connections: s.max_connections,
            cors,
            h2c: s.h2c,
            max_concurrent_streams: s.max_concurrent_streams,
        })
    }
}

/// `[server.cors]`: every origin, method and header name must be valid HTTP.
fn cors(c: &CorsConfig) -> Result<Cors, Vec<(String, String)>> {
    let mut problems = Vec::new();
    let bad = |problems: &mut Vec<_>, key: &str, i: usize, what: &str, v: &str| {
        problems.push((format!("cors.{key}[{i}]"), format!("`{v}` is not {what}")));
    };
    let allow_origins = if c.allow_origins.iter().any(|o| o == "*") {
        if c.allow_origins.len() > 1 {
            problems.push((
                "cors.allow_origins".into(),
                "\"*\" allows any origin and cannot be listed with others".into(),
            ));
        }
        None
    } else {
        let mut list = Vec::new();
        for (i, o) in c.allow_origins.iter().enumerate() {
            // An origin is scheme://host[:port], no path: browsers send exactly that.
            let shaped = (o.starts_with("https://") || o.starts_with("http://"))
                && !o
                    .trim_end_matches('/')
                    .split("//")
                    .nth(1)
                    .unwrap_or("")
                    .contains('/');
            match HeaderValue::from_str(o) {
                Ok(v) if shaped => list.push(v),
                _ => bad(
                    &mut problems,
                    "allow_origins",
                    i,
                    "an origin like https://app.example",
                    o,
                ),
            }
        }
        Some(list)
    };
    let mut allow_methods = Vec::new();
    for (i, m) in c.allow_methods.iter().enumerate() {
        match Method::from_bytes(m.to_ascii_uppercase().as_bytes()) {
            Ok(m) => allow_methods.push(m),
            Err(_) => bad(&mut problems, "allow_methods", i, "an HTTP method", m),
        }
    }
    let mut allow_headers = Vec::new();
    for (i, h) in c.allow_headers.iter().enumerate() {
        match HeaderName::from_bytes(h.as_bytes()) {
            Ok(h) => allow_headers.push(h),
            Err(_) => bad(&mut problems, "allow_headers", i, "a header name", h),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Cors {
        allow_origins,
        allow_methods,
        allow_headers,
        max_age: Duration::from_secs(c.max_age_secs),
    })
}

/// Validated `[server.cors]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cors {
    /// Allowed origins; `None` means any (`"*"`).
    pub allow_origins: Option<Vec<HeaderValue>>,
    pub allow_methods: Vec<Method>,
    pub allow_headers: Vec<HeaderName>,
    pub max_age: Duration,
}

/// What a connection is served with: an HTTP service, cloned per connection and per
/// request (a clone should be a reference count).
pub trait App:
    Service<Request<Incoming>, Response = Response, Error = Self::Refusal, Future = Self::Answer>
    + Clone
    + Send
    + Sync
    + 'static
{
    type Refusal: Into<BoxError>;
    type Answer: Future<Output = Result<Response, Self::Refusal>> + Send + 'static;
}

impl<S> App for S
where
    S: Service<Request<Incoming>, Response = Response> + Clone + Send + Sync + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    type Refusal = S::Error;
    type Answer = S::Future;
}

/// A request as hyper hands it over.
type Request<B> = axum::http::Request<B>;

/// Accepts connections on `listener` (TLS when `tls` is set) and serves `app` on each
/// until `shutdown` completes; then stops accepting and waits for open connections to
/// finish their calls in flight (the caller bounds that wait with the shutdown grace).
#[cfg(test)]
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<ServerTls>>,
    limits: &ListenerSettings,
    app: impl App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_on(listener, tls, limits, app, None, shutdown).await
}

/// [`serve`], with each connection served on one of `workers`' threads when given
/// (thread-per-core), else as a task of the current runtime.
pub async fn serve_on(
    listener: TcpListener,
    tls: Option<Arc<ServerTls>>,
    limits: &ListenerSettings,
    app: impl App,
    workers: Option<&Workers>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let http = Http::new(limits);
    tokio::pin!(shutdown);
    loop {
        // A slot first: at the limit nothing is accepted, clients wait in the backlog.
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Taken before any handshake, so shutdown waits for connections still in it.
        let watcher = graceful.watcher();
        let conn = Conn {
            peer,
            app: app.clone(),
            http: http.clone(),
            watcher,
            _permit: permit,
        };
        match workers {
            None => {
                tokio::spawn(conn.run(stream, tls.clone()));
            }
            Some(w) => {
                let tls = tls.clone();
                w.hand_over(stream, Box::new(move |s| Box::pin(conn.run(s, tls))));
            }
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// The HTTP settings every connection is served with: HTTP/1.1, and HTTP/2 where TLS's
/// ALPN chose it or, with `h2c`, where a plain connection opens with the HTTP/2 preface;
/// the same header limit both ways.
#[derive(Clone)]
struct Http {
    h1: hyper::server::conn::http1::Builder,
    h2: hyper::server::conn::http2::Builder<TokioExecutor>,
    h2c: bool,
    /// How long a plain connection may take to send its first bytes (`h2c` peeks them).
    first_bytes: Duration,
}

/// What a client that speaks HTTP/2 without TLS sends first (RFC 9113, 3.4).
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

impl Http {
    fn new(limits: &ListenerSettings) -> Http {
        let mut h1 = hyper::server::conn::http1::Builder::new();
        h1.timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .max_header_size(limits.max_header_bytes.max(1));
        let mut h2 = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
        h2.timer(TokioTimer::new())
            .max_concurrent_streams(limits.max_concurrent_streams)
            .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX));
        Http {
            h1,
            h2,
            h2c: limits.h2c,
            first_bytes: limits.header_read_timeout,
        }
    }

    /// With `h2c`: whether a plain connection starts with the HTTP/2 preface (peeked, so
    /// HTTP/1.1 reads the same bytes).
    async fn plain_is_h2(&self, stream: &TcpStream) -> bool {
        if !self.h2c {
            return false;
        }
        let mut head = [0u8; 24];
        let peeked = async {
            loop {
                match stream.peek(&mut head).await {
                    // Fewer bytes than the preface so far: wait while they still match it.
                    Ok(n) if n < head.len() && n > 0 && head[..n] == H2_PREFACE[..n] => {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    Ok(n) => return head[..n] == *H2_PREFACE,
                    Err(_) => return false,
                }
            }
        };
        tokio::time::timeout(self.first_bytes, peeked)
            .await
            .unwrap_or(false)
    }
}

/// One accepted connection and what serving it needs; the slot is freed when it drops.
struct Conn<A> {
    peer: SocketAddr,
    app: A,
    http: Http,
    watcher: Watcher,
    _permit: OwnedSemaphorePermit,
}

impl<A: App> Conn<A> {
    /// The TLS handshake within its timeout (when TLS is on), then HTTP/1.1 until the
    /// connection closes.
    async fn run(self, stream: TcpStream, tls: Option<Arc<ServerTls>>) {
        let _ = stream.set_nodelay(true);
        let Some(tls) = tls else {
            let h2 = self.http.plain_is_h2(&stream).await;
            return self.http(stream, None, h2).await;
        };
        let peer = self.peer;
        match tokio::time::timeout(tls.handshake_timeout, tls.acceptor.accept(stream)).await {
            Ok(Ok(s)) => {
                // Only verified certificates get here: the verifier rejected any other.
                let cert = s
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|chain| chain.first())
                    .and_then(|leaf| client_cert(leaf.as_ref()));
                let h2 = s.get_ref().1.alpn_protocol() == Some(b"h2");
                self.http(s, cert, h2).await;
            }
            Ok(Err(e)) => tracing::debug!(client = %peer, error = %e, "TLS handshake failed"),
            Err(_) => tracing::debug!(client = %peer, "TLS handshake timed out"),
        }
    }

    async fn http<I>(self, io: I, cert: Option<ClientCert>, h2: bool)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let peer = self.peer;
        let service = self.app.map_request(move |mut req: Request<Incoming>| {
            if let Some(cert) = &cert {
                req.extensions_mut().insert(cert.clone());
            }
            // The client address for the audit log and per-address rate limits.
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
            req
        });
        // No upgrades: the gateway's routes are plain JSON calls, and the graceful
        // watcher takes only the plain connection type.
        let io = TokioIo::new(io);
        let service = TowerToHyperService::new(service);
        let ended = if h2 {
            let conn = self.http.h2.serve_connection(io, service);
            self.watcher.watch(conn).await
        } else {
            let conn = self.http.h1.serve_connection(io, service);
            self.watcher.watch(conn).await
        };
        if let Err(e) = ended {
            tracing::debug!(client = %peer, error = %e, "connection ended with an error");
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// How long anything may take before a test gives up: a hang guard, never a timing.
    pub(crate) const HANG: Duration = Duration::from_secs(30);

    /// A test server: its address, its shutdown trigger and its task.
    pub(crate) type Running = (
        SocketAddr,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<std::io::Result<()>>,
    );

    /// Triggers the shutdown and waits (bounded) for `serve` to return `Ok`.
    pub(crate) async fn stop_and_join(
        stop: tokio::sync::oneshot::Sender<()>,
        server: tokio::task::JoinHandle<std::io::Result<()>>,
    ) {
        stop.send(()).unwrap();
        tokio::time::timeout(HANG, server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
    }

    async fn start(limits: ListenerSettings) -> Running {
        let app = axum::Router::new().route(
            "/who",
            axum::routing::get(
                |axum::extract::ConnectInfo(a): axum::extract::ConnectInfo<SocketAddr>| async move {
                    a.ip().to_string()
                },
            ),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            serve(listener, None, &limits, app, async move {
                let _ = rx.await;
            })
            .await
        });
        (addr, tx, server)
    }

    async fn exchange(addr: SocketAddr, head: &str) -> String {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(head.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(HANG, s.read_to_end(&mut buf))
            .await
            .unwrap();
        String::from_utf8_lossy(&buf).into_owned()
    }

    fn settings(text: &str) -> Result<ListenerSettings, Vec<(String, String)>> {
        ListenerSettings::from_config(&toml::from_str::<ServerConfig>(text).unwrap())
    }

    #[test]
    fn defaults_apply_and_cors_is_off_without_its_table() {
        assert_eq!(settings("").unwrap(), ListenerSettings::default());
    }

    #[test]
    fn a_valid_cors_table_is_taken() {
        // Methods are upper-cased; `*` means any origin.
        let s = settings(
            "max_connections = 5\n[cors]\nallow_origins = [\"*\"]\nallow_methods = [\"get\"]\n",
        )
        .unwrap();
        assert_eq!(s.max_connections, 5);
        let cors = s.cors.unwrap();
        assert_eq!(cors.allow_origins, None);
        assert_eq!(cors.allow_methods, vec![Method::GET]);
        assert_eq!(cors.max_age, Duration::from_secs(600));
    }

    #[test]
    fn zero_limits_and_bad_cors_entries_are_each_named() {
        let e = settings(
            "max_header_bytes = 0\nheader_read_timeout_ms = 0\nmax_connections = 0\n\
             [cors]\nallow_origins = [\"app.example\", \"https://a.example/x\"]\n\
             allow_methods = [\"GE T\"]\nallow_headers = [\"bad header\"]\n",
        )
        .unwrap_err();
        let keys: Vec<&str> = e.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "max_header_bytes",
                "header_read_timeout_ms",
                "max_connections",
                "cors.allow_origins[0]",
                "cors.allow_origins[1]",
                "cors.allow_methods[0]",
                "cors.allow_headers[0]",
            ]
        );
        // `*` with other origins is contradictory.
        let e = settings("[cors]\nallow_origins = [\"*\", \"https://a.example\"]\n").unwrap_err();
        assert_eq!(e[0].0, "cors.allow_origins");
    }

    #[tokio::test]
    async fn plain_connections_carry_the_client_address() {
        let (addr, stop, server) = start(ListenerSettings::default()).await;
        let got = exchange(
            addr,
            "GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .await;
        assert!(got.starts_with("HTTP/1.1 200"), "{got}");
        assert!(got.ends_with("127.0.0.1"), "{got}");
        stop_and_join(stop, server).await;
    }

    #[tokio::test]
    async fn an_oversized_head_is_refused_with_431() {
        // 200 bytes of header against a limit of 128.
        let limits = ListenerSettings {
            max_header_bytes: 128,
            ..ListenerSettings::default()
        };
        let (addr, _stop, _server) = start(limits).await;
        let big = "a".repeat(200);
        let got = exchange(
            addr,
            &format!("GET /who HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n"),
        )
        .await;
        assert!(got.starts_with("HTTP/1.1 431"), "{got}");
    }

    #[tokio::test]
    async fn a_silent_client_is_cut_off_after_the_header_timeout() {
        // Connects and sends half a request line: disconnected, not held forever.
        let limits = ListenerSettings {
            header_read_timeout: Duration::from_millis(200),
            ..ListenerSettings::default()
        };
        let (addr, _stop, _server) = start(limits).await;
        let got = exchange(addr, "GET /who HT").await;
        assert!(!got.contains("200 OK"), "{got}");
    }
}

//! TCP connector: persistent pooled connections to a legacy host, one request in flight per
//! connection, records cut by the backend's framing.
//!
//! Failure rules, so one bad connection never poisons later requests:
//! - any error drops the connection it happened on (it never goes back to the pool);
//! - a connection with unread bytes after a response is out of step and dropped too;
//! - after a failed connect, new connects wait (50 ms doubling to 2 s, reset on success);
//!   requests needing a connection meanwhile fail fast with `Unreachable`.
//!
//! Hosts close idle connections. Two defences keep that from failing a request:
//! 1. before reuse, a non-blocking read on the idle socket: EOF (or unexpected bytes) means
//!    the host is done with it and it is dropped. This costs no round trip and catches the
//!    usual case, a close that arrived while the connection sat in the pool;
//! 2. for the race where the close arrives just after that check, a request that fails on a
//!    *reused* connection before any response byte arrived is retried once on a fresh one.
//!    Only that phase is retried: once a response byte has been read, the host has answered
//!    and a resend could repeat its work. A host that reads a request, acts on it, and closes
//!    without a byte of answer would see it twice; hosts doing that are broken anyway, and the
//!    alternative (failing every request that meets an idle close) is worse for everyone else.

use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::frame::{encode, read_frame};
use super::home;
use super::tls::{BackendTls, Stream};
use super::{BackendFraming, Connector, ConnectorError, Exchange};
use crate::config::table::Problems;
use crate::config::{BackendKind, BackendSpec, BackendTlsConfig};
use open::{OpenCount, Place};

mod open;

/// `kind = "tcp"`: the settings only a tcp backend has.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TcpConfig {
    /// `host:port`.
    pub address: String,
    /// TLS towards the host (it sits behind a TLS terminator).
    pub tls: Option<BackendTlsConfig>,
    /// `ims-connect` or `cics-listener` (`connector/protocol/`), with its `ims`/`cics` table.
    pub protocol: Option<String>,
    // Boxed: rarely set, and large beside the other kinds' settings.
    pub ims: Option<Box<super::protocol::ims::ImsConfig>>,
    pub cics: Option<Box<super::protocol::cics::CicsConfig>>,
}

impl TcpConfig {
    /// Checks the address and loads the TLS files (`base`: the config file's folder).
    pub fn validate(&self, base: &Path) -> Result<BackendKind, Problems> {
        let address = self.address.clone();
        if address.trim().is_empty() {
            return Err(vec![("address".into(), "must not be empty".into())]);
        }
        if self.protocol.is_some() || self.ims.is_some() || self.cics.is_some() {
            let tls = match &self.tls {
                None => None,
                Some(t) => Some(Arc::new(
                    backend_tls(t, &address, base).map_err(|m| vec![("tls".into(), m)])?,
                )),
            };
            let (ims, cics) = (self.ims.as_deref(), self.cics.as_deref());
            return super::protocol::validate(self.protocol.as_deref(), ims, cics, address, tls);
        }
        match &self.tls {
            None => Ok(BackendKind::Tcp { address }),
            Some(t) => match backend_tls(t, &address, base) {
                Ok(tls) => Ok(BackendKind::TcpTls {
                    address,
                    tls: Arc::new(tls),
                }),
                Err(m) => Err(vec![("tls".into(), m)]),
            },
        }
    }
}

/// A tcp backend's `tls`: files loaded, the server name defaulting to the address's host.
pub(crate) fn backend_tls(
    t: &BackendTlsConfig,
    address: &str,
    base: &Path,
) -> Result<BackendTls, String> {
    let client = match (&t.cert, &t.key) {
        (Some(c), Some(k)) => Some((base.join(c), base.join(k))),
        (None, None) => None,
        (Some(_), None) => return Err("key: required with cert".into()),
        (None, Some(_)) => return Err("cert: required with key".into()),
    };
    let host = address
        .rsplit_once(':')
        .map_or(address, |(h, _)| h)
        .trim_start_matches('[')
        .trim_end_matches(']');
    let name = t.server_name.as_deref().unwrap_or(host);
    // The loader's messages name the file or setting at fault.
    BackendTls::load(
        &base.join(&t.ca),
        client.as_ref().map(|(c, k)| (c.as_path(), k.as_path())),
        name,
    )
}

/// First wait after a failed connect; doubles per failure.
const BACKOFF_FIRST: Duration = Duration::from_millis(50);
/// Longest wait between connect attempts.
const BACKOFF_MAX: Duration = Duration::from_secs(2);

/// A [`Connector`] over a pool of connections to one `host:port`. Clones share the pool.
#[derive(Clone, Debug)]
pub struct TcpConnector {
    pool: Arc<Pool>,
}

#[derive(Debug)]
struct Pool {
    address: String,
    framing: BackendFraming,
    connect_timeout: Duration,
    /// Connections open, in use or idle: at most `max_sessions` while the session limit
    /// in front holds, across serving threads too (`open`); also the most kept idle.
    open: OpenCount,
    /// Set for `tls = { ... }`: every connection is TLS over TCP.
    tls: Option<Arc<BackendTls>>,
    idle: Mutex<Vec<Conn>>,
    backoff: Mutex<Backoff>,
}

#[derive(Debug)]
struct Conn {
    io: BufReader<Stream>,
    /// The serving thread whose reactor its reads wake (`home`): the one that opened it,
    /// or the one it was moved to.
    home: usize,
    /// Its place among the pool's open connections, given back when it is dropped.
    _place: Place,
}

/// How a round trip failed: whether the host could have started answering.
enum Failure {
    /// Nothing of a response was read: safe to retry once if the connection was reused.
    BeforeResponse(ConnectorError),
    /// Part of a response was read, or the response was bad: never retried.
    During(ConnectorError),
}

impl TcpConnector {
    /// A connector to `address` using the spec's framing, timeouts and `max_sessions`.
    pub fn new(address: &str, spec: &BackendSpec) -> TcpConnector {
        TcpConnector {
            pool: Arc::new(Pool {
                address: address.to_string(),
                framing: spec.framing,
                connect_timeout: spec.connect_timeout,
                open: OpenCount::new(spec.max_sessions),
                tls: match &spec.kind {
                    BackendKind::TcpTls { tls, .. } => Some(tls.clone()),
                    _ => None,
                },
                idle: Mutex::new(Vec::new()),
                backoff: Mutex::new(Backoff::default()),
            }),
        }
    }
}

impl Connector for TcpConnector {
    fn call(&self, ex: Exchange) -> impl Future<Output = Result<Bytes, ConnectorError>> + Send {
        // Abandoned (timeout, caller gone): the connection in use is dropped with the
        // future, never pooled half-read.
        self.pool.exchange(ex)
    }
}

impl Pool {
    async fn exchange(&self, ex: Exchange) -> Result<Bytes, ConnectorError> {
        // Frame first: a record that cannot be framed never touches a connection.
        let wire = encode(self.framing, &ex.request)?;
        let (mut conn, reused) = self.checkout().await?;
        match self.round_trip(&mut conn, &wire, ex.response_len).await {
            Ok(record) => {
                self.checkin(conn);
                return Ok(record);
            }
            Err(Failure::BeforeResponse(e)) if reused => {
                tracing::debug!(backend.address = %self.address, error = %e,
                    "pooled connection failed before any response byte; retrying once on a fresh one");
            }
            Err(Failure::BeforeResponse(e) | Failure::During(e)) => return Err(e),
        }
        drop(conn);
        let mut conn = self.fresh().await?;
        match self.round_trip(&mut conn, &wire, ex.response_len).await {
            Ok(record) => {
                self.checkin(conn);
                Ok(record)
            }
            Err(Failure::BeforeResponse(e) | Failure::During(e)) => Err(e),
        }
    }

    /// Writes the framed request, then reads one framed response.
    async fn round_trip(
        &self,
        conn: &mut Conn,
        wire: &[u8],
        response_len: usize,
    ) -> Result<Bytes, Failure> {
        let before = |e: std::io::Error| {
            Failure::BeforeResponse(ConnectorError::Closed(format!("{}: {e}", self.address)))
        };
        let stream = conn.io.get_mut();
        stream.write_all(wire).await.map_err(before)?;
        stream.flush().await.map_err(before)?;
        // Wait for the first response byte separately: up to here nothing of an answer has
        // arrived, which is what makes a retry on a fresh connection safe.
        let nothing_to_wait_for = self.framing == BackendFraming::Fixed && response_len == 0;
        if !nothing_to_wait_for {
            let first = conn.io.fill_buf().await.map_err(before)?;
            if first.is_empty() {
                return Err(Failure::BeforeResponse(ConnectorError::Closed(format!(
                    "{}: host closed the connection without answering",
                    self.address
                ))));
            }
        }
        read_frame(&mut conn.io, self.framing, response_len)
            .await
            .map_err(Failure::During)
    }

    /// An idle connection of this serving thread that still looks alive; else a new one
    /// while the host has fewer than `max_sessions` open; else another thread's idle
    /// connection, moved to this one (the host is not sent more connections than that).
    async fn checkout(&self) -> Result<(Conn, bool), ConnectorError> {
        let here = home::current();
        // Only this thread's own first (one home unless `[server] threads`).
        if let Some(conn) = self.take_alive(|c| c.home == here) {
            return Ok((conn, true));
        }
        // A connection found closed while looking frees a place: look again, a few times.
        for _ in 0..3 {
            if let Some(place) = self.open.reserve() {
                return Ok((self.connect(place).await?, false));
            }
            if let Some(conn) = self.take_alive(|_| true).and_then(|c| c.moved_to(here)) {
                return Ok((conn, true));
            }
        }
        // Neither a place nor an idle connection: only without a session limit in front.
        Ok((self.connect(self.open.beyond()).await?, false))
    }

    /// A new connection within the limit if a place is free, else beyond it (a retry:
    /// the failed connection's place was just given back).
    async fn fresh(&self) -> Result<Conn, ConnectorError> {
        let place = self.open.reserve().unwrap_or_else(|| self.open.beyond());
        self.connect(place).await
    }

    /// The most recently used idle connection that `fits` and still looks alive; those
    /// found closed are dropped on the way.
    fn take_alive(&self, fits: impl Fn(&Conn) -> bool) -> Option<Conn> {
        loop {
            // Most recently used first: the least likely to have hit a host's idle timeout.
            let conn = take_last(&mut lock(&self.idle), &fits)?;
            if conn.is_alive() {
                return Some(conn);
            }
            tracing::debug!(backend.address = %self.address, "dropping a pooled connection the host closed");
        }
    }

    /// Back into the pool, unless out of step or the pool is full.
    fn checkin(&self, conn: Conn) {
        if !conn.io.buffer().is_empty() {
            tracing::warn!(backend.address = %self.address, extra_bytes = conn.io.buffer().len(),
                "host sent more than one response; dropping the connection");
            return;
        }
        let mut idle = lock(&self.idle);
        if idle.len() >= self.open.max() && !idle.is_empty() {
            // Full: the least recently used goes (possibly another thread's, which would
            // otherwise keep this thread opening a connection per call).
            idle.remove(0);
        }
        idle.push(conn);
    }

    async fn connect(&self, place: Place) -> Result<Conn, ConnectorError> {
        if let Some(e) = lock(&self.backoff).refuse(Instant::now()) {
            return Err(e);
        }
        // connect_timeout covers the TLS handshake too: both are "opening a session".
        let attempt = tokio::time::timeout(self.connect_timeout, self.open());
        let error = match attempt.await {
            Ok(Ok(stream)) => {
                lock(&self.backoff).succeeded();
                return Ok(Conn {
                    io: BufReader::new(stream),
                    home: home::current(),
                    _place: place,
                });
            }
            Ok(Err(e)) => format!("{}: {e}", self.address),
            Err(_) => format!(
                "{}: no connection within {:?}",
                self.address, self.connect_timeout
            ),
        };
        lock(&self.backoff).failed(Instant::now(), &error);
        Err(ConnectorError::Unreachable(error))
    }
}

impl Pool {
    /// A TCP connection, with the TLS handshake done when the backend has `tls`.
    async fn open(&self) -> std::io::Result<Stream> {
        let stream = TcpStream::connect(&self.address).await?;
        // Records are small and sent whole: don't let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        match &self.tls {
            None => Ok(Stream::Plain(stream)),
            Some(tls) => {
                let tls_stream = tls
                    .connector
                    .connect(tls.server_name.clone(), stream)
                    .await
                    .map_err(super::tls::handshake_error)?;
                Ok(Stream::Tls(Box::new(tls_stream)))
            }
        }
    }
}

impl Conn {
    /// False when the host closed it while idle, or it holds bytes nobody asked for.
    fn is_alive(&self) -> bool {
        self.io.buffer().is_empty() && self.io.get_ref().idle_and_open()
    }

    /// The connection registered with serving thread `here`'s reactor, so its reads wake
    /// that thread. Only for an idle one (its buffer is empty). A TLS connection stays
    /// where it is: its reads then wake the other thread's reactor, which still works.
    /// `None` when the socket could not be moved (it is closed; its place is free again).
    fn moved_to(self, here: usize) -> Option<Conn> {
        if self.home == here {
            return Some(self);
        }
        let Conn { io, home, _place } = self;
        match io.into_inner() {
            // `into_std` leaves it non-blocking; `from_std` registers it with this runtime.
            Stream::Plain(tcp) => match tcp.into_std().and_then(TcpStream::from_std) {
                Ok(tcp) => Some(Conn {
                    io: BufReader::new(Stream::Plain(tcp)),
                    home: here,
                    _place,
                }),
                Err(e) => {
                    tracing::debug!(error = %e, "a pooled connection could not move threads");
                    None
                }
            },
            tls => Some(Conn {
                io: BufReader::new(tls),
                home,
                _place,
            }),
        }
    }
}

/// Removes and returns the last item that `fits`.
fn take_last<T>(items: &mut Vec<T>, fits: impl Fn(&T) -> bool) -> Option<T> {
    let at = items.iter().rposition(fits)?;
    Some(items.remove(at))
}

/// Reconnect pacing after failed connects.
#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
    retry_at: Option<Instant>,
    last_error: String,
}

impl Backoff {
    /// The error to fail fast with while a wait is in progress.
    fn refuse(&self, now: Instant) -> Option<ConnectorError> {
        let at = self.retry_at.filter(|&at| at > now)?;
        Some(ConnectorError::Unreachable(format!(
            "{} (next connect attempt in {:?})",
            self.last_error,
            at - now
        )))
    }

    fn failed(&mut self, now: Instant, error: &str) {
        let delay = BACKOFF_FIRST
            .saturating_mul(1 << self.failures.min(6))
            .min(BACKOFF_MAX);
        self.failures = self.failures.saturating_add(1);
        self.retry_at = Some(now + delay);
        self.last_error = error.to_string();
    }

    fn succeeded(&mut self) {
        *self = Backoff::default();
    }
}

/// The pool's locks guard plain data and are never held across an await; a panic elsewhere
/// cannot leave that data half-changed, so a poisoned lock is still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BackendKind;
    use crate::connector::{test_spec, timed, BackendService};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;
    use tower::ServiceExt;

    /// Guards every test against hanging; never a pass/fail timing.
    const HANG: Duration = Duration::from_secs(20);

    fn spec(addr: &str, framing: BackendFraming) -> BackendSpec {
        test_spec(
            BackendKind::Tcp {
                address: addr.to_string(),
            },
            framing,
        )
    }

    fn ex(request: &[u8]) -> Exchange {
        Exchange {
            request: Bytes::copy_from_slice(request),
            response_len: request.len(),
            envelope: Default::default(),
            trace: None,
        }
    }

    /// The connector with its backend's timeout around it, as the stack has it (without
    /// the session limit: these tests watch the pool on its own).
    fn connector(addr: &str, spec: &BackendSpec) -> BackendService {
        timed(TcpConnector::new(addr, spec), spec.timeout)
    }

    async fn call(c: &BackendService, request: &[u8]) -> Result<Bytes, ConnectorError> {
        tokio::time::timeout(HANG, c.clone().oneshot(ex(request)))
            .await
            .expect("test hung")
    }

    /// Reads one len4 request from a test server's side of the connection.
    async fn read_len4(s: &mut TcpStream) -> Option<Vec<u8>> {
        let n = s.read_u32().await.ok()?;
        let mut buf = vec![0u8; n as usize];
        s.read_exact(&mut buf).await.ok()?;
        Some(buf)
    }

    async fn write_len4(s: &mut TcpStream, record: &[u8]) {
        let _ = s
            .write_all(&encode(BackendFraming::Len4, record).unwrap())
            .await;
    }

    /// A len4 echo host answering at most `per_conn` requests per connection; counts accepts.
    async fn echo_host(per_conn: usize) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let accepts = Arc::new(AtomicUsize::new(0));
        let counter = accepts.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    for _ in 0..per_conn {
                        let Some(req) = read_len4(&mut s).await else {
                            return;
                        };
                        write_len4(&mut s, &req).await;
                    }
                });
            }
        });
        (addr, accepts)
    }

    /// A host that runs `answer` on each connection's first request.
    async fn host<F, Fut>(answer: F) -> String
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                tokio::spawn(answer(s));
            }
        });
        addr
    }

    #[tokio::test]
    async fn connections_are_reused() {
        // Five sequential requests travel over one connection.
        let (addr, accepts) = echo_host(usize::MAX).await;
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        for i in 0..5u8 {
            assert_eq!(&call(&c, &[b'A', i]).await.unwrap()[..], &[b'A', i]);
        }
        assert_eq!(accepts.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn every_framing_works_against_a_host() {
        // The host answers with the request's own wire bytes: an echo works for any framing.
        for framing in [
            BackendFraming::Len4,
            BackendFraming::Len2,
            BackendFraming::Rdw,
            BackendFraming::Fixed,
            BackendFraming::Delimiter(b'\n'),
        ] {
            let addr = host(|mut s: TcpStream| async move {
                let mut buf = [0u8; 64];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            })
            .await;
            let c = connector(&addr, &spec(&addr, framing));
            for _ in 0..3 {
                assert_eq!(
                    &call(&c, b"REC-01").await.unwrap()[..],
                    b"REC-01",
                    "{framing:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn refused_connect_is_unreachable_and_backs_off() {
        // Bind then drop a listener: nothing listens on that port now.
        let dead = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let addr = dead.to_string();
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        let first = call(&c, b"X").await;
        assert!(
            matches!(first, Err(ConnectorError::Unreachable(_))),
            "{first:?}"
        );
        // Straight after, the connector is backing off and fails fast, still Unreachable.
        let second = call(&c, b"X").await;
        assert!(
            matches!(&second, Err(ConnectorError::Unreachable(m)) if m.contains("next connect attempt")),
            "{second:?}"
        );
    }

    #[tokio::test]
    async fn host_coming_back_is_used_after_the_backoff() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        drop(listener);
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        assert!(matches!(
            call(&c, b"X").await,
            Err(ConnectorError::Unreachable(_))
        ));
        // The host starts on the same port.
        let listener = TcpListener::bind(&addr).await.unwrap();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    while let Some(req) = read_len4(&mut s).await {
                        write_len4(&mut s, &req).await;
                    }
                });
            }
        });
        // Requests fail fast until the backoff ends, then succeed.
        let recovered = tokio::time::timeout(HANG, async {
            loop {
                match c.clone().oneshot(ex(b"BACK")).await {
                    Ok(r) => return r,
                    Err(ConnectorError::Unreachable(_)) => {
                        tokio::time::sleep(Duration::from_millis(10)).await
                    }
                    Err(e) => panic!("unexpected {e:?}"),
                }
            }
        })
        .await
        .expect("host never came back");
        assert_eq!(&recovered[..], b"BACK");
    }

    #[tokio::test]
    async fn reset_mid_record_is_closed() {
        // Half a frame, then a reset (linger 0 makes the close an RST).
        let addr = host(|mut s: TcpStream| async move {
            let _ = read_len4(&mut s).await;
            let _ = s.write_all(b"\x00\x00\x00\x10HALF").await;
            let _ = s.set_zero_linger();
        })
        .await;
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        let r = call(&c, b"REQ").await;
        assert!(matches!(r, Err(ConnectorError::Closed(_))), "{r:?}");
    }

    #[tokio::test]
    async fn close_after_half_a_frame_is_closed() {
        // Half a length header, then an orderly close.
        let addr = host(|mut s: TcpStream| async move {
            let _ = read_len4(&mut s).await;
            let _ = s.write_all(b"\x00\x00").await;
        })
        .await;
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        let r = call(&c, b"REQ").await;
        assert!(matches!(r, Err(ConnectorError::Closed(_))), "{r:?}");
    }

    #[tokio::test]
    async fn close_without_answer_on_a_fresh_connection_is_closed() {
        // A fresh connection is never retried: the host really did not answer.
        let addr = host(|mut s: TcpStream| async move {
            let _ = read_len4(&mut s).await;
        })
        .await;
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        let r = call(&c, b"REQ").await;
        assert!(matches!(r, Err(ConnectorError::Closed(_))), "{r:?}");
    }

    #[tokio::test]
    async fn stalled_host_is_a_timeout_and_the_connection_is_replaced() {
        // The first connection reads the request and never answers; later ones echo.
        let stalled = Arc::new(AtomicUsize::new(0));
        let seen = stalled.clone();
        let addr = host(move |mut s: TcpStream| {
            let first = seen.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                while let Some(req) = read_len4(&mut s).await {
                    if first {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                    }
                    write_len4(&mut s, &req).await;
                }
            }
        })
        .await;
        let mut sp = spec(&addr, BackendFraming::Len4);
        sp.timeout = Duration::from_millis(100);
        let c = connector(&addr, &sp);
        let r = call(&c, b"REQ").await;
        assert_eq!(r, Err(ConnectorError::Timeout(Duration::from_millis(100))));
        // The stalled connection was dropped: the next request gets a fresh one and succeeds.
        assert_eq!(&call(&c, b"NEXT").await.unwrap()[..], b"NEXT");
        assert_eq!(stalled.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn garbage_length_is_a_bad_frame() {
        // 0xFFFFFFFF: a 4 GiB record that must not be allocated.
        let addr = host(|mut s: TcpStream| async move {
            let _ = read_len4(&mut s).await;
            let _ = s.write_all(b"\xFF\xFF\xFF\xFFgarbage").await;
            tokio::time::sleep(Duration::from_secs(3600)).await;
        })
        .await;
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        let r = call(&c, b"REQ").await;
        assert!(matches!(r, Err(ConnectorError::BadFrame(_))), "{r:?}");
    }

    #[tokio::test]
    async fn host_closing_after_n_requests_does_not_fail_later_ones() {
        // The host answers two requests per connection, then closes it.
        let (addr, accepts) = echo_host(2).await;
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        for i in 0..7u8 {
            assert_eq!(&call(&c, &[i]).await.unwrap()[..], &[i], "request {i}");
        }
        assert_eq!(accepts.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn reused_connection_closed_before_answering_is_retried_once() {
        // Each connection answers its first request, then reads the second and closes
        // without a byte: the stale-connection race. The retry on a fresh one succeeds.
        let (listener, accepts) = (
            TcpListener::bind("127.0.0.1:0").await.unwrap(),
            Arc::new(AtomicUsize::new(0)),
        );
        let addr = listener.local_addr().unwrap().to_string();
        let counter = accepts.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let Some(req) = read_len4(&mut s).await else {
                        return;
                    };
                    write_len4(&mut s, &req).await;
                    let _ = read_len4(&mut s).await;
                });
            }
        });
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        for i in 0..4u8 {
            assert_eq!(&call(&c, &[i]).await.unwrap()[..], &[i], "request {i}");
        }
        assert_eq!(accepts.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn idle_connection_closed_by_the_host_is_detected_before_reuse() {
        // One request per connection; after the answer the host closes. Once the close
        // has reached us, the pooled connection is seen dead without writing to it.
        let (addr, accepts) = echo_host(1).await;
        let sp = spec(&addr, BackendFraming::Len4);
        // A clone shares the pool: the test looks into it while the stack uses it.
        let raw = TcpConnector::new(&addr, &sp);
        let c = timed(raw.clone(), sp.timeout);
        assert_eq!(&call(&c, b"1").await.unwrap()[..], b"1");
        let conn_closed = tokio::time::timeout(HANG, async {
            loop {
                let dead = lock(&raw.pool.idle)
                    .first()
                    .is_some_and(|conn| !conn.is_alive());
                if dead {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
        conn_closed.await.expect("close never seen");
        assert_eq!(&call(&c, b"2").await.unwrap()[..], b"2");
        assert_eq!(accepts.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn pool_keeps_at_most_max_sessions_idle() {
        // With no session limit in front, 6 concurrent calls open 6 connections,
        // but only max_sessions = 2 of them go back to the pool.
        let (addr, _) = echo_host(usize::MAX).await;
        let mut sp = spec(&addr, BackendFraming::Len4);
        sp.max_sessions = 2;
        let raw = TcpConnector::new(&addr, &sp);
        let c = timed(raw.clone(), sp.timeout);
        let mut calls = tokio::task::JoinSet::new();
        for i in 0..6u8 {
            let c = c.clone();
            calls.spawn(async move { call(&c, &[i]).await });
        }
        while let Some(r) = calls.join_next().await {
            r.unwrap().unwrap();
        }
        assert!(lock(&raw.pool.idle).len() <= 2);
    }

    #[tokio::test]
    async fn each_serving_thread_reuses_only_its_own_connections() {
        // Thread-per-core: a connection opened on home 0 is not used by home 1 (its reads
        // would wake home 0's thread), and each home then reuses its own.
        let (addr, accepts) = echo_host(usize::MAX).await;
        let c = connector(&addr, &spec(&addr, BackendFraming::Len4));
        home::set(0);
        assert_eq!(&call(&c, b"a").await.unwrap()[..], b"a");
        home::set(1);
        assert_eq!(&call(&c, b"b").await.unwrap()[..], b"b");
        assert_eq!(accepts.load(Ordering::SeqCst), 2);
        assert_eq!(&call(&c, b"c").await.unwrap()[..], b"c");
        home::set(0);
        assert_eq!(&call(&c, b"d").await.unwrap()[..], b"d");
        assert_eq!(accepts.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn at_the_limit_a_thread_takes_over_another_threads_idle_connection() {
        // max_sessions = 1: home 1 finds no idle connection of its own, but the host has
        // its one session open already, so home 0's idle connection moves to home 1
        // rather than a second one being opened; home 1 then keeps reusing it.
        let (addr, accepts) = echo_host(usize::MAX).await;
        let mut sp = spec(&addr, BackendFraming::Len4);
        sp.max_sessions = 1;
        let raw = TcpConnector::new(&addr, &sp);
        let c = timed(raw.clone(), sp.timeout);
        home::set(0);
        call(&c, b"a").await.unwrap();
        home::set(1);
        assert_eq!(&call(&c, b"b").await.unwrap()[..], b"b");
        assert_eq!(&call(&c, b"c").await.unwrap()[..], b"c");
        assert_eq!(accepts.load(Ordering::SeqCst), 1);
        let homes: Vec<usize> = lock(&raw.pool.idle).iter().map(|c| c.home).collect();
        assert_eq!(homes, [1]);
        assert_eq!(raw.pool.open.now(), 1);
        home::set(0);
    }

    #[tokio::test]
    async fn threads_together_never_open_more_than_max_sessions() {
        // Behind the session limit, as served: two homes taking turns with two calls at
        // once each, over and over. The host never sees a third connection.
        let (addr, accepts) = echo_host(usize::MAX).await;
        let mut sp = spec(&addr, BackendFraming::Len4);
        sp.max_sessions = 2;
        let raw = TcpConnector::new(&addr, &sp);
        let c = crate::connector::stack(&sp, None, raw.clone());
        for round in 0..6u8 {
            home::set(usize::from(round % 2));
            let (one, two) = ([round, 1], [round, 2]);
            let (a, b) = tokio::join!(call(&c, &one), call(&c, &two));
            assert_eq!(&a.unwrap()[..], [round, 1]);
            assert_eq!(&b.unwrap()[..], [round, 2]);
            assert!(raw.pool.open.now() <= 2, "round {round}");
        }
        assert_eq!(accepts.load(Ordering::SeqCst), 2);
        home::set(0);
    }

    #[tokio::test]
    async fn a_closed_connection_gives_its_place_back() {
        // The host closes every connection after one answer: each call opens a new one,
        // and the count of open connections never grows past the limit of 1.
        let (addr, accepts) = echo_host(1).await;
        let mut sp = spec(&addr, BackendFraming::Len4);
        sp.max_sessions = 1;
        let raw = TcpConnector::new(&addr, &sp);
        let c = timed(raw.clone(), sp.timeout);
        for i in 0..3u8 {
            assert_eq!(&call(&c, &[i]).await.unwrap()[..], [i]);
            assert!(raw.pool.open.now() <= 1);
        }
        assert!(accepts.load(Ordering::SeqCst) >= 2);
    }

    #[test]
    fn take_last_takes_the_latest_match_only() {
        let mut v = vec![1, 2, 3, 2, 5];
        assert_eq!(take_last(&mut v, |&x| x == 2), Some(2));
        assert_eq!(v, [1, 2, 3, 5]);
        assert_eq!(take_last(&mut v, |&x| x == 9), None);
        assert_eq!(take_last(&mut Vec::<u8>::new(), |_| true), None);
    }

    #[tokio::test]
    async fn unframeable_request_never_touches_a_connection() {
        // A len2 record over 65,535 bytes fails before connecting (the port is dead anyway).
        let dead = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let addr = dead.to_string();
        let c = connector(&addr, &spec(&addr, BackendFraming::Len2));
        let r = call(&c, &vec![0u8; 70_000]).await;
        assert!(matches!(r, Err(ConnectorError::BadFrame(_))), "{r:?}");
    }

    #[test]
    fn backoff_doubles_to_two_seconds_and_resets() {
        let now = Instant::now();
        let mut b = Backoff::default();
        let mut waits = Vec::new();
        for _ in 0..8 {
            b.failed(now, "refused");
            waits.push(b.retry_at.unwrap() - now);
        }
        let ms: Vec<u128> = waits.iter().map(|d| d.as_millis()).collect();
        assert_eq!(ms, [50, 100, 200, 400, 800, 1600, 2000, 2000]);
        // While waiting: refused with the last error; after: allowed.
        assert!(
            matches!(b.refuse(now), Some(ConnectorError::Unreachable(m)) if m.starts_with("refused"))
        );
        assert!(b.refuse(now + BACKOFF_MAX).is_none());
        // A success starts over at 50 ms.
        b.succeeded();
        assert!(b.refuse(now).is_none());
        b.failed(now, "refused");
        assert_eq!(b.retry_at.unwrap() - now, BACKOFF_FIRST);
    }
}

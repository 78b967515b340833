//! HTTP connector: POSTs the request record to the backend's URL as
//! `application/octet-stream`; a 2xx body is the response record.
//!
//! Uses hyper-util's pooled legacy client over HTTP/1.1, plain for `http://` URLs and TLS
//! over TCP for `https://` ones ([`Dial`]). An `https://` URL needs a `tls = { ca = ... }`
//! table: the gateway trusts only the CA bundle it is given (legacy hosts carry internal
//! CAs, and the public web roots would add a dependency and trust nobody asked for).
//! `tls` on an `http://` URL is a config problem too. The backend's framing does not
//! apply: HTTP already delimits the body.
//!
//! Error mapping: no connection or a failed TLS handshake -> `Unreachable` (the
//! handshake's reason, as for tcp backends, in front: [`super::tls::handshake_error`]);
//! connection lost mid-exchange -> `Closed`; a non-2xx status -> `Program` (the host's
//! program answered, with a failure); a body over 16 MiB -> `BadFrame`; the whole request
//! (connect included) beyond `timeout` -> `Timeout` (the shared stack's timeout,
//! [`super::timeout`]).

use std::future::Future;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::rt::ReadBufCursor;
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector as Dialer};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::Deserialize;

use super::frame::MAX_RECORD;
use super::tls::{BackendTls, Stream};
use super::{Connector, ConnectorError, Exchange};
use crate::config::table::Problems;
use crate::config::{BackendKind, BackendSpec, BackendTlsConfig};
use crate::trace::context::{TRACEPARENT, TRACESTATE};

/// `kind = "http"`: the settings only an http backend has.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// The URL record bytes are POSTed to.
    pub url: String,
    /// TLS towards the host: required by, and only allowed with, an `https://` URL.
    pub tls: Option<BackendTlsConfig>,
}

impl HttpConfig {
    /// The connector parses the URL on every call: a bad one would make each a 502. The
    /// TLS files are loaded here (`base`: the config file's folder), so a bad one is a
    /// config problem, never a failed request.
    pub fn validate(&self, base: &Path) -> Result<BackendKind, Problems> {
        let uri = parse_url(&self.url).map_err(|e| vec![("url".into(), e)])?;
        let tls = match (uri.scheme_str(), &self.tls) {
            (Some("https"), None) => {
                return Err(vec![(
                    "tls".into(),
                    "missing: an https URL needs `tls = { ca = \"...\" }`, the CA bundle to trust"
                        .into(),
                )])
            }
            (Some("https"), Some(t)) => {
                // The server name defaults to the URL's host, as a tcp address's does.
                let address = format!(
                    "{}:{}",
                    uri.host().unwrap_or_default(),
                    uri.port_u16().unwrap_or(443)
                );
                let tls = super::tcp::backend_tls(t, &address, base)
                    .map_err(|m| vec![("tls".into(), m)])?;
                Some(Arc::new(tls))
            }
            (_, Some(_)) => {
                return Err(vec![(
                    "tls".into(),
                    format!("set on `{}`: use an https:// URL for TLS", self.url),
                )])
            }
            (_, None) => None,
        };
        Ok(BackendKind::Http {
            url: self.url.clone(),
            tls,
        })
    }
}

/// A [`Connector`] posting records to one URL. Clones share the connection pool.
#[derive(Clone, Debug)]
pub struct HttpConnector {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// The parsed URL, or why it cannot be used (reported on every call).
    target: Result<Uri, String>,
    client: Client<Dial, Full<Bytes>>,
}

impl HttpConnector {
    pub fn new(url: &str, tls: Option<&Arc<BackendTls>>, spec: &BackendSpec) -> HttpConnector {
        // The session limit caps connections in use; keep that many for reuse.
        let client = client(tls.cloned(), spec.connect_timeout, spec.max_sessions.max(1));
        HttpConnector {
            shared: Arc::new(Shared {
                target: target(url, tls.is_some()),
                client,
            }),
        }
    }
}

/// A pooled HTTP/1.1 client: plain, or TLS with `tls` only (also what fetches JWKS).
pub type HttpClient = Client<Dial, Full<Bytes>>;

/// The client of [`HttpClient`]; `connect_timeout` bounds the TCP connect.
pub fn client(
    tls: Option<Arc<BackendTls>>,
    connect_timeout: Duration,
    max_idle: usize,
) -> HttpClient {
    let mut tcp = Dialer::new();
    tcp.set_connect_timeout(Some(connect_timeout));
    tcp.set_nodelay(true);
    // https URLs reach the dialer too; [`Dial`] adds the TLS.
    tcp.enforce_http(false);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(max_idle)
        .build(Dial {
            tcp,
            tls,
            handshake_timeout: connect_timeout,
        })
}

/// The TLS settings an `http(s)://` URL needs: some exactly for https. Problems are
/// (key, message) with `url` or `tls`.
pub fn https_tls(
    url: &str,
    tls: Option<&BackendTlsConfig>,
    base: &Path,
) -> Result<Option<Arc<BackendTls>>, (String, String)> {
    // The URL up to its first hole: holes may only follow the host.
    let fixed = url.split('{').next().unwrap_or_default();
    let uri = parse_url(fixed).map_err(|m| ("url".to_string(), m))?;
    if !url.contains("://") || fixed.matches('/').count() < 3 && fixed.len() < url.len() {
        return Err((
            "url".into(),
            format!("`{url}`: `{{field}}` holes may only follow the host"),
        ));
    }
    match (uri.scheme_str(), tls) {
        (Some("https"), None) => Err((
            "tls".into(),
            "missing: an https URL needs `tls = { ca = \"...\" }`, the CA bundle to trust".into(),
        )),
        (Some("https"), Some(t)) => {
            let address = format!(
                "{}:{}",
                uri.host().unwrap_or_default(),
                uri.port_u16().unwrap_or(443)
            );
            super::tcp::backend_tls(t, &address, base)
                .map(|t| Some(Arc::new(t)))
                .map_err(|m| ("tls".into(), m))
        }
        (_, Some(_)) => Err((
            "tls".into(),
            format!("set on `{url}`: use an https:// URL for TLS"),
        )),
        (_, None) => Ok(None),
    }
}

/// An `http://` or `https://` URL with a host, as the connector can use it.
pub fn parse_url(url: &str) -> Result<Uri, String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("invalid URL `{url}`: {e}"))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(other) => {
            return Err(format!(
                "`{url}`: scheme {other} is not supported, only http and https"
            ))
        }
        None => {
            return Err(format!(
                "`{url}`: no scheme, expected http://host:port/path"
            ))
        }
    }
    if uri.host().is_none() {
        return Err(format!("`{url}`: no host"));
    }
    Ok(uri)
}

/// The URL when it fits the backend's TLS: `https://` with settings, `http://` without.
/// Config checks refuse the others; this keeps a connector built without them honest.
pub fn target(url: &str, has_tls: bool) -> Result<Uri, String> {
    let uri = parse_url(url)?;
    match (uri.scheme_str() == Some("https"), has_tls) {
        (true, false) => Err(format!("`{url}`: https needs the backend's `tls` settings")),
        (false, true) => Err(format!("`{url}`: `tls` is set but the URL is not https")),
        _ => Ok(uri),
    }
}

/// Opens connections for hyper's pool: TCP, then the TLS handshake when the backend has
/// `tls` (the URL is then https, [`target`] sees to it).
#[derive(Clone, Debug)]
pub struct Dial {
    tcp: Dialer,
    tls: Option<Arc<BackendTls>>,
    /// The connect timeout again: a host that takes the TCP connection but never
    /// finishes the handshake is as unreachable as one that refuses it (as tcp backends).
    handshake_timeout: Duration,
}

type Dialling = Pin<Box<dyn Future<Output = io::Result<Conn>> + Send>>;

impl tower::Service<Uri> for Dial {
    type Response = Conn;
    type Error = io::Error;
    type Future = Dialling;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        tower::Service::<Uri>::poll_ready(&mut self.tcp, cx).map_err(io::Error::other)
    }

    fn call(&mut self, uri: Uri) -> Dialling {
        let connecting = tower::Service::<Uri>::call(&mut self.tcp, uri);
        let (tls, limit) = (self.tls.clone(), self.handshake_timeout);
        Box::pin(async move {
            let tcp = connecting.await.map_err(io::Error::other)?.into_inner();
            let stream = match tls {
                None => Stream::Plain(tcp),
                Some(tls) => {
                    let handshake = tls.connector.connect(tls.server_name.clone(), tcp);
                    let done = tokio::time::timeout(limit, handshake).await.map_err(|_| {
                        io::Error::new(
                            io::ErrorKind::TimedOut,
                            format!("TLS handshake did not finish within {limit:?}"),
                        )
                    })?;
                    Stream::Tls(Box::new(done.map_err(super::tls::handshake_error)?))
                }
            };
            Ok(Conn(TokioIo::new(stream)))
        })
    }
}

/// One pooled connection, plain or TLS, in hyper's I/O traits.
#[derive(Debug)]
pub struct Conn(TokioIo<Stream>);

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

/// W3C Trace Context headers for the host: the call's trace, with the exchange as parent.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceHeaders {
    pub traceparent: HeaderValue,
    /// The caller's `tracestate`, passed on as received.
    pub tracestate: Option<HeaderValue>,
}

impl Connector for HttpConnector {
    fn call(&self, ex: Exchange) -> impl Future<Output = Result<Bytes, ConnectorError>> + Send {
        self.shared.post(ex.request, ex.trace)
    }
}

impl Shared {
    async fn post(
        &self,
        record: Bytes,
        trace: Option<TraceHeaders>,
    ) -> Result<Bytes, ConnectorError> {
        let uri = self.target.clone().map_err(ConnectorError::Unreachable)?;
        let mut req = Request::new(Full::new(record));
        *req.method_mut() = Method::POST;
        *req.uri_mut() = uri;
        req.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        if let Some(t) = trace {
            req.headers_mut()
                .insert(HeaderName::from_static(TRACEPARENT), t.traceparent);
            if let Some(state) = t.tracestate {
                req.headers_mut()
                    .insert(HeaderName::from_static(TRACESTATE), state);
            }
        }
        let resp = self.client.request(req).await.map_err(|e| {
            let msg = error_chain(&e);
            if e.is_connect() {
                ConnectorError::Unreachable(msg)
            } else {
                ConnectorError::Closed(msg)
            }
        })?;
        let status = resp.status();
        if !status.is_success() {
            // The body may hold the host's details; they go nowhere near the client.
            return Err(ConnectorError::Program(format!(
                "host answered HTTP {status}"
            )));
        }
        let body = Limited::new(resp.into_body(), MAX_RECORD)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    ConnectorError::BadFrame(format!("response body over {MAX_RECORD} bytes"))
                } else {
                    ConnectorError::Closed(format!("reading the response body: {e}"))
                }
            })?;
        Ok(body.to_bytes())
    }
}

/// `outer: inner: innermost`, since hyper's top-level messages alone say little.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BackendKind;
    use crate::connector::{test_spec, timed, BackendFraming, BackendService};
    use hyper::body::Incoming;
    use hyper::server::conn::http1;
    use hyper::service::service_fn;
    use hyper::{Response, StatusCode};
    use hyper_util::rt::TokioIo;
    use std::time::Duration;
    use tokio::net::TcpListener;
    use tower::ServiceExt;

    /// A tiny hyper server: `/echo` returns the body (checking the content type),
    /// `/fail` answers 500, `/stall` never answers, `/drop` closes the connection.
    async fn server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let svc = service_fn(|req: Request<Incoming>| async move {
                        let path = req.uri().path().to_string();
                        // `/trace` answers with the trace headers it got.
                        let trace = ["traceparent", "tracestate"]
                            .map(|h| {
                                req.headers()
                                    .get(h)
                                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                                    .unwrap_or_default()
                            })
                            .join(" ");
                        let typed = req.headers().get(CONTENT_TYPE)
                            == Some(&HeaderValue::from_static("application/octet-stream"));
                        let post = req.method() == Method::POST;
                        let body = req
                            .into_body()
                            .collect()
                            .await
                            .map_err(std::io::Error::other)?
                            .to_bytes();
                        let (status, body) = match path.as_str() {
                            "/echo" if typed && post => (StatusCode::OK, body),
                            "/echo" => (StatusCode::BAD_REQUEST, Bytes::new()),
                            "/trace" => (StatusCode::OK, Bytes::from(trace)),
                            "/stall" => {
                                tokio::time::sleep(Duration::from_secs(3600)).await;
                                (StatusCode::OK, body)
                            }
                            "/drop" => {
                                return Err(std::io::Error::other("dropping the connection"))
                            }
                            _ => (
                                StatusCode::INTERNAL_SERVER_ERROR,
                                Bytes::from_static(b"secret details"),
                            ),
                        };
                        let mut resp = Response::new(Full::new(body));
                        *resp.status_mut() = status;
                        Ok::<_, std::io::Error>(resp)
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(s), svc)
                        .await;
                });
            }
        });
        format!("http://{addr}")
    }

    fn connector(url: &str, timeout: Duration) -> BackendService {
        let spec = test_spec(
            BackendKind::Http {
                url: url.into(),
                tls: None,
            },
            BackendFraming::Len4,
        );
        timed(HttpConnector::new(url, None, &spec), timeout)
    }

    async fn call(c: &BackendService, request: &[u8]) -> Result<Bytes, ConnectorError> {
        let ex = Exchange {
            request: Bytes::copy_from_slice(request),
            response_len: 0,
            envelope: Default::default(),
            trace: None,
        };
        tokio::time::timeout(Duration::from_secs(20), c.clone().oneshot(ex))
            .await
            .expect("test hung")
    }

    #[tokio::test]
    async fn posts_the_record_and_returns_the_body() {
        // Binary bytes survive both ways, over a reused connection.
        let c = connector(&format!("{}/echo", server().await), Duration::from_secs(20));
        for _ in 0..3 {
            assert_eq!(
                &call(&c, b"\x00\xC1\xFF\x0A").await.unwrap()[..],
                b"\x00\xC1\xFF\x0A"
            );
        }
    }

    #[tokio::test]
    async fn the_trace_headers_reach_the_host() {
        // With trace headers both are sent; without, neither.
        let c = connector(
            &format!("{}/trace", server().await),
            Duration::from_secs(20),
        );
        let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let ex = Exchange {
            request: Bytes::from_static(b"REQ"),
            response_len: 0,
            envelope: Default::default(),
            trace: Some(TraceHeaders {
                traceparent: HeaderValue::from_static(parent),
                tracestate: Some(HeaderValue::from_static("congo=t61rcWkgMzE")),
            }),
        };
        let got = c.clone().oneshot(ex).await.unwrap();
        assert_eq!(&got[..], format!("{parent} congo=t61rcWkgMzE").as_bytes());
        assert_eq!(&call(&c, b"REQ").await.unwrap()[..], b" ");
    }

    #[tokio::test]
    async fn non_2xx_is_a_program_error_without_the_body() {
        let c = connector(&format!("{}/fail", server().await), Duration::from_secs(20));
        match call(&c, b"REQ").await {
            Err(ConnectorError::Program(m)) => {
                assert!(m.contains("500"), "{m}");
                assert!(!m.contains("secret"), "{m}");
            }
            other => panic!("expected Program, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn stalled_host_is_a_timeout() {
        let c = connector(
            &format!("{}/stall", server().await),
            Duration::from_millis(100),
        );
        assert_eq!(
            call(&c, b"REQ").await,
            Err(ConnectorError::Timeout(Duration::from_millis(100)))
        );
    }

    #[tokio::test]
    async fn dropped_connection_is_closed() {
        let c = connector(&format!("{}/drop", server().await), Duration::from_secs(20));
        let r = call(&c, b"REQ").await;
        assert!(matches!(r, Err(ConnectorError::Closed(_))), "{r:?}");
    }

    #[tokio::test]
    async fn refused_connect_is_unreachable() {
        // Bind then drop a listener: a dead port.
        let dead = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let c = connector(&format!("http://{dead}/echo"), Duration::from_secs(20));
        let r = call(&c, b"REQ").await;
        assert!(matches!(r, Err(ConnectorError::Unreachable(_))), "{r:?}");
    }

    #[test]
    fn the_url_scheme_must_match_the_tls_settings() {
        // https with settings and http without are usable; the other pairs are not.
        assert!(target("https://h:1/x", true).is_ok());
        assert!(target("http://h:1/x", false).is_ok());
        let e = target("https://h:1/x", false).unwrap_err();
        assert!(e.contains("https needs"), "{e}");
        let e = target("http://h:1/x", true).unwrap_err();
        assert!(e.contains("not https"), "{e}");
        let e = target("ftp://h:1/x", true).unwrap_err();
        assert!(e.contains("only http and https"), "{e}");
    }

    #[test]
    fn tls_settings_are_checked_with_the_config() {
        let check = |text: &str| {
            let c: HttpConfig = toml::from_str(text).unwrap();
            c.validate(Path::new("/nonexistent"))
        };
        let keys = |ps: Problems| {
            ps.into_iter()
                .map(|(k, m)| format!("{k}: {m}"))
                .collect::<Vec<_>>()
        };
        // Plain http needs nothing more.
        assert_eq!(
            check("url = \"http://h:1/x\"").unwrap(),
            BackendKind::Http {
                url: "http://h:1/x".into(),
                tls: None
            }
        );
        // https without tls: no CA to trust.
        let e = keys(check("url = \"https://h:1/x\"").unwrap_err());
        assert!(e[0].starts_with("tls: missing"), "{e:?}");
        // tls on plain http: refused rather than ignored.
        let e = keys(check("url = \"http://h:1/x\"\ntls = { ca = \"ca.pem\" }").unwrap_err());
        assert!(e[0].contains("use an https:// URL"), "{e:?}");
        // A CA file that is not there is named, under the config's folder.
        let e = keys(check("url = \"https://h:1/x\"\ntls = { ca = \"ca.pem\" }").unwrap_err());
        assert!(e[0].contains("/nonexistent/ca.pem"), "{e:?}");
        // A bad URL is reported at `url`, before any TLS file is read.
        let e = keys(check("url = \"gopher://h/x\"\ntls = { ca = \"ca.pem\" }").unwrap_err());
        assert!(e[0].starts_with("url: "), "{e:?}");
    }

    #[tokio::test]
    async fn unusable_urls_are_unreachable() {
        // https without TLS settings is not dialled; nor is a URL without scheme or host.
        for url in [
            "https://127.0.0.1:1/x",
            "127.0.0.1:1/x",
            "http:///x",
            "not a url",
        ] {
            let c = connector(url, Duration::from_secs(20));
            let r = call(&c, b"REQ").await;
            assert!(
                matches!(r, Err(ConnectorError::Unreachable(_))),
                "{url}: {r:?}"
            );
        }
    }
}

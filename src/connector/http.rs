//! HTTP connector: POSTs the request record to the backend's URL as
//! `application/octet-stream`; a 2xx body is the response record.
//!
//! Uses hyper-util's pooled legacy client over plain HTTP/1.1 (no TLS: legacy hosts behind
//! the gateway sit on the same network; `https://` URLs are refused with `Unreachable`). The
//! backend's framing does not apply: HTTP already delimits the body.
//!
//! Error mapping: no connection -> `Unreachable`; connection lost mid-exchange -> `Closed`;
//! a non-2xx status -> `Program` (the host's program answered, with a failure); a body over
//! 16 MiB -> `BadFrame`; the whole request (connect included) beyond `timeout` -> `Timeout`
//! (the shared stack's timeout, [`super::timeout`]).

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector as Dialer;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;

use super::frame::MAX_RECORD;
use super::{Connector, ConnectorError, Exchange};
use crate::config::table::Problems;
use crate::config::{BackendKind, BackendSpec};

/// `kind = "http"`: the settings only an http backend has.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// The URL record bytes are POSTed to.
    pub url: String,
}

impl HttpConfig {
    /// The connector parses the URL on every call: a bad one would make each a 502.
    pub fn validate(&self) -> Result<BackendKind, Problems> {
        parse_url(&self.url).map_err(|e| vec![("url".into(), e)])?;
        Ok(BackendKind::Http {
            url: self.url.clone(),
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
    client: Client<Dialer, Full<Bytes>>,
}

impl HttpConnector {
    pub fn new(url: &str, spec: &BackendSpec) -> HttpConnector {
        let mut dialer = Dialer::new();
        dialer.set_connect_timeout(Some(spec.connect_timeout));
        dialer.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            // The session limit caps connections in use; keep that many for reuse.
            .pool_max_idle_per_host(spec.max_sessions.max(1))
            .build(dialer);
        HttpConnector {
            shared: Arc::new(Shared {
                target: parse_url(url),
                client,
            }),
        }
    }
}

/// An `http://` URL with a host, as the connector can use it.
pub fn parse_url(url: &str) -> Result<Uri, String> {
    let uri: Uri = url
        .parse()
        .map_err(|e| format!("invalid URL `{url}`: {e}"))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some(other) => {
            return Err(format!(
                "`{url}`: scheme {other} is not supported, only http"
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

impl Connector for HttpConnector {
    fn call(&self, ex: Exchange) -> impl Future<Output = Result<Bytes, ConnectorError>> + Send {
        self.shared.post(ex.request)
    }
}

impl Shared {
    async fn post(&self, record: Bytes) -> Result<Bytes, ConnectorError> {
        let uri = self.target.clone().map_err(ConnectorError::Unreachable)?;
        let mut req = Request::new(Full::new(record));
        *req.method_mut() = Method::POST;
        *req.uri_mut() = uri;
        req.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
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
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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
        let spec = test_spec(BackendKind::Http { url: url.into() }, BackendFraming::Len4);
        timed(HttpConnector::new(url, &spec), timeout)
    }

    async fn call(c: &BackendService, request: &[u8]) -> Result<Bytes, ConnectorError> {
        let ex = Exchange {
            request: Bytes::copy_from_slice(request),
            response_len: 0,
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

    #[tokio::test]
    async fn unusable_urls_are_unreachable() {
        // https is not spoken; a URL without scheme or host cannot be dialled.
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

//! An HTTP/1.1 host for the tests (a legacy http backend, an API): a hyper service on a
//! tokio runtime of its own thread, behind TLS when given settings for it.
// Test code: a failed setup step should stop the test where it happened.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// The small vehicle enquiry the TLS and trace tests route through their hosts: a
/// 12-byte request (`VEHQ` and a VRM) and its answer layout.
pub const VEH_REQ_CPY: &str = "       01  VEH-REQ.
           05  TRAN-CODE   PIC X(4).
           05  VRM         PIC X(8).
";

pub const VEH_RSP_CPY: &str = "       01  VEH-RSP.
           05  RETURN-CODE PIC 9(2).
           05  MAKE        PIC X(10).
";

/// The answer record `00FORD` (and 6 spaces) in cp037.
pub const FORD_CP037: &[u8; 12] = b"\xF0\xF0\xC6\xD6\xD9\xC4\x40\x40\x40\x40\x40\x40";

/// Serves every request with `svc` on a port of 127.0.0.1 (returned), over TLS when `tls`
/// is given, else plain HTTP. A failed handshake ends that connection only.
pub fn serve<F, Fut>(tls: Option<Arc<rustls::ServerConfig>>, svc: F) -> u16
where
    F: Fn(Request<Incoming>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let (acceptor, svc) = (acceptor.clone(), svc.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(move |req| {
                        let answer = svc(req);
                        async move { Ok::<_, std::convert::Infallible>(answer.await) }
                    });
                    let http = hyper::server::conn::http1::Builder::new();
                    let _ = match acceptor {
                        None => http.serve_connection(TokioIo::new(tcp), svc).await,
                        Some(a) => match a.accept(tcp).await {
                            Ok(s) => http.serve_connection(TokioIo::new(s), svc).await,
                            Err(_) => return,
                        },
                    };
                });
            }
        });
    });
    port
}

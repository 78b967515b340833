//! Benchmark baseline for the gateway: the least an HTTP/1.1 server on this machine can do
//! per request. A bare hyper 1 server on a tokio multi-thread runtime with the same number
//! of worker threads as `ferrule serve` (tokio's default: one per core) answers every
//! request with the same fixed JSON body: no routing, no record encoding, no backend.
//! `bench/gateway.sh` measures it with the same wrk run as the gateway, in the same
//! sitting, so the gateway's figure is a ratio to this ceiling.
//!
//! ```text
//! cargo run --release --example hyper_baseline -- BODY.json [127.0.0.1:0]
//! ```
//! `BODY.json` is sent as is (the script saves one of the gateway's own answers, so the
//! bytes on the wire match). Prints `hyper_baseline: listening on http://ADDR`, then
//! serves until killed.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{header, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(body_path) = args.next() else {
        eprintln!("usage: hyper_baseline BODY.json [LISTEN_ADDR]");
        return ExitCode::from(2);
    };
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:0".to_string());
    let body = match std::fs::read(&body_path) {
        Ok(b) => Bytes::from(b),
        Err(e) => {
            eprintln!("hyper_baseline: {body_path}: {e}");
            return ExitCode::from(2);
        }
    };
    // The same runtime `ferrule serve` builds: multi-thread, default worker count.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hyper_baseline: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(&listen, body)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hyper_baseline: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(listen: &str, body: Bytes) -> std::io::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    let addr: SocketAddr = listener.local_addr()?;
    // Scripts read the port from this line, as from `ferrule serve`'s.
    println!("hyper_baseline: listening on http://{addr}");
    loop {
        // Socket options as `axum::serve` leaves them for the gateway (Nagle on): the
        // same wire behaviour, so the comparison is about the work per request.
        let (stream, _) = listener.accept().await?;
        let body = body.clone();
        tokio::spawn(async move {
            let service = service_fn(move |_req: Request<Incoming>| {
                let body = body.clone();
                async move {
                    let mut rsp = Response::new(Full::new(body));
                    rsp.headers_mut().insert(
                        header::CONTENT_TYPE,
                        header::HeaderValue::from_static("application/json"),
                    );
                    Ok::<_, Infallible>(rsp)
                }
            });
            // A client that goes away mid-request is routine under wrk.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

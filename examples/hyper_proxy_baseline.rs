//! Benchmark baseline for the gateway with the backend hop in it: per HTTP request, one
//! fixed request record goes to the legacy host over a pooled TCP connection (4-byte
//! length framing, as the demo's hosts speak) and its answer is read back whole; the HTTP
//! answer is a fixed JSON body. No routing, no validation, no record encoding or decoding,
//! no metrics or logs: what any proxy in front of that host must pay at the least, on the
//! same machine. `bench/gateway.sh` measures it beside `hyper_baseline` (no hop at all)
//! and the gateway, in the same sitting.
//!
//! ```text
//! cargo run --release --example hyper_proxy_baseline -- BODY.json REQUEST.bin HOST:PORT [127.0.0.1:0]
//! ```
//! `REQUEST.bin` is the request record (unframed), e.g. from `ferrule encode`. Prints
//! `hyper_proxy_baseline: listening on http://ADDR`, then serves until killed.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{header, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Idle connections to the host; one request in flight per connection, as the gateway.
struct Pool {
    backend: String,
    frame: Vec<u8>,
    idle: Mutex<Vec<TcpStream>>,
}

impl Pool {
    /// One exchange: the framed request out, the framed answer in.
    async fn round_trip(&self) -> std::io::Result<()> {
        let taken = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let mut conn = match taken {
            Some(c) => c,
            None => {
                let c = TcpStream::connect(&self.backend).await?;
                c.set_nodelay(true)?;
                c
            }
        };
        conn.write_all(&self.frame).await?;
        let mut len = [0u8; 4];
        conn.read_exact(&mut len).await?;
        let mut answer = vec![0u8; u32::from_be_bytes(len) as usize];
        conn.read_exact(&mut answer).await?;
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
        Ok(())
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [body_path, request_path, backend, rest @ ..] = args.as_slice() else {
        eprintln!("usage: hyper_proxy_baseline BODY.json REQUEST.bin HOST:PORT [LISTEN_ADDR]");
        return ExitCode::from(2);
    };
    let listen = rest
        .first()
        .cloned()
        .unwrap_or_else(|| "127.0.0.1:0".into());
    let (body, record) = match (std::fs::read(body_path), std::fs::read(request_path)) {
        (Ok(b), Ok(r)) => (Bytes::from(b), r),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("hyper_proxy_baseline: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(len) = u32::try_from(record.len()) else {
        eprintln!("hyper_proxy_baseline: request record too long");
        return ExitCode::from(2);
    };
    let mut frame = len.to_be_bytes().to_vec();
    frame.extend_from_slice(&record);
    let pool = Arc::new(Pool {
        backend: backend.clone(),
        frame,
        idle: Mutex::new(Vec::new()),
    });
    // The same runtime `ferrule serve` builds: multi-thread, default worker count.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hyper_proxy_baseline: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(&listen, body, pool)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hyper_proxy_baseline: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(listen: &str, body: Bytes, pool: Arc<Pool>) -> std::io::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    let addr: SocketAddr = listener.local_addr()?;
    println!("hyper_proxy_baseline: listening on http://{addr}");
    loop {
        let (stream, _) = listener.accept().await?;
        let (body, pool) = (body.clone(), pool.clone());
        tokio::spawn(async move {
            let service = service_fn(move |_req: Request<Incoming>| {
                let (body, pool) = (body.clone(), pool.clone());
                async move {
                    let rsp = match pool.round_trip().await {
                        Ok(()) => {
                            let mut rsp = Response::new(Full::new(body));
                            rsp.headers_mut().insert(
                                header::CONTENT_TYPE,
                                header::HeaderValue::from_static("application/json"),
                            );
                            rsp
                        }
                        Err(_) => {
                            let mut rsp = Response::new(Full::new(Bytes::new()));
                            *rsp.status_mut() = StatusCode::BAD_GATEWAY;
                            rsp
                        }
                    };
                    Ok::<_, Infallible>(rsp)
                }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

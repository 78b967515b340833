//! Hand-over and lifetime of the serving threads.

use std::sync::mpsc as std_mpsc;

use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use super::*;

/// Guards against a hang; never a pass/fail timing.
const HANG: Duration = Duration::from_secs(30);

/// Accepts one connection from a fresh client; returns both ends.
async fn pair(listener: &TcpListener) -> (std::net::TcpStream, TcpStream) {
    let addr = listener.local_addr().unwrap();
    let client = std::net::TcpStream::connect(addr).unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// Serving that reports its thread's name and home, then reads until the client closes.
fn reporting(tx: std_mpsc::Sender<(String, usize)>) -> Serve {
    Box::new(move |mut s: TcpStream| {
        Box::pin(async move {
            let name = std::thread::current().name().unwrap_or("").to_string();
            let _ = tx.send((name, home::current()));
            let mut buf = [0u8; 16];
            while matches!(s.read(&mut buf).await, Ok(n) if n > 0) {}
        })
    })
}

#[tokio::test]
async fn connections_go_to_the_least_loaded_thread_and_are_served_there() {
    let workers = Workers::start(2).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (tx, rx) = std_mpsc::channel();
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (client, server) = pair(&listener).await;
        workers.hand_over(server, reporting(tx.clone()));
        clients.push(client);
    }
    let mut seen: Vec<(String, usize)> = (0..4).map(|_| rx.recv_timeout(HANG).unwrap()).collect();
    seen.sort();
    // Two each (the load counts connections still open), on threads of their own whose
    // home is their index: pooled backend connections stay there.
    assert_eq!(
        seen,
        [
            ("ferrule-serve-0".to_string(), 0),
            ("ferrule-serve-0".to_string(), 0),
            ("ferrule-serve-1".to_string(), 1),
            ("ferrule-serve-1".to_string(), 1),
        ]
    );
    let loads: Vec<usize> = workers
        .threads
        .iter()
        .map(|t| t.load.load(Ordering::Relaxed))
        .collect();
    assert_eq!(loads, [2, 2]);
    // Closed connections are no longer counted.
    drop(clients);
    let idle = async {
        while workers
            .threads
            .iter()
            .any(|t| t.load.load(Ordering::Relaxed) > 0)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(HANG, idle).await.unwrap();
    tokio::time::timeout(HANG, workers.finish()).await.unwrap();
}

#[tokio::test]
async fn finish_ends_threads_still_serving_a_connection() {
    // Past the drain deadline a connection may still be open: it is dropped, not waited for.
    let workers = Workers::start(1).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (tx, rx) = std_mpsc::channel();
    let (mut client, server) = pair(&listener).await;
    workers.hand_over(server, reporting(tx));
    rx.recv_timeout(HANG).unwrap();
    tokio::time::timeout(HANG, workers.finish()).await.unwrap();
    // The server side went with its thread's runtime: the client reads end of stream.
    client.set_read_timeout(Some(HANG)).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(std::io::Read::read(&mut client, &mut buf).unwrap(), 0);
}

#[test]
fn zero_threads_still_means_one() {
    // `Workers::start` is only called for threads >= 1; 0 must not leave nowhere to serve.
    let w = Workers::start(0).unwrap();
    assert_eq!(w.threads.len(), 1);
}

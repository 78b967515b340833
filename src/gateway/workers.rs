//! Thread-per-core serving (`[server] threads = N`): N threads, each with its own
//! single-threaded tokio runtime. The accept loop (on the caller's runtime) hands each
//! accepted connection to the thread serving the fewest, and that thread serves it to
//! the end: the HTTP exchange, the handler, and the backend exchanges, whose pooled tcp
//! connections stay with the thread that opened them (`connector::home`). So no work is
//! stolen and no wake-up crosses threads on the request path; one hand-over per
//! connection is the only hop. The default (`threads = 0`) is one work-stealing runtime.
//!
//! Everything else is shared as before: the routes and their live state (swapped on
//! reload), the connection slots, the graceful drain (the accept loop's watchers follow
//! connections onto any thread). The threads end when [`Workers::finish`] is awaited or
//! the [`Workers`] dropped, which ends whatever they still run (the drain deadline).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::connector::home;

/// How long a thread's runtime may take to end the tasks it still has once released.
const RUNTIME_END: Duration = Duration::from_secs(1);

/// Serves one connection to its end, on the thread it was handed to.
pub type Serve = Box<dyn FnOnce(TcpStream) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// A connection on its way to a serving thread.
struct Handoff {
    stream: std::net::TcpStream,
    serve: Serve,
}

/// The serving threads.
pub struct Workers {
    threads: Vec<Thread>,
}

/// One serving thread: where to send it connections, and how many it serves now.
struct Thread {
    inbox: mpsc::UnboundedSender<Handoff>,
    load: Arc<AtomicUsize>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Workers {
    /// Starts `n` (at least one) serving threads, each with its own runtime.
    pub fn start(n: usize) -> std::io::Result<Workers> {
        let mut threads = Vec::with_capacity(n.max(1));
        for index in 0..n.max(1) {
            // Built here, so a runtime that cannot start fails `serve` at once.
            // Parked (nothing left to run), the thread writes its batch of log lines.
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .on_thread_park(super::log_batch::park)
                .build()?;
            let (inbox, rx) = mpsc::unbounded_channel();
            let load = Arc::new(AtomicUsize::new(0));
            let counted = load.clone();
            let handle = std::thread::Builder::new()
                .name(format!("ferrule-serve-{index}"))
                .spawn(move || run(index, runtime, rx, counted))?;
            threads.push(Thread {
                inbox,
                load,
                handle: Some(handle),
            });
        }
        Ok(Workers { threads })
    }

    /// Hands `stream` to the thread serving the fewest connections, to be served there
    /// by `serve`. A connection that cannot be moved (its socket failed) is dropped.
    pub fn hand_over(&self, stream: TcpStream, serve: Serve) {
        let Some(thread) = self
            .threads
            .iter()
            .min_by_key(|t| t.load.load(Ordering::Relaxed))
        else {
            return;
        };
        let stream = match stream.into_std() {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(error = %e, "accepted connection lost in the hand-over");
                return;
            }
        };
        // Counted here, not on arrival: the next accept must already see it.
        thread.load.fetch_add(1, Ordering::Relaxed);
        if thread.inbox.send(Handoff { stream, serve }).is_err() {
            thread.load.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Ends the threads (their connections should be drained by now: anything still
    /// running is dropped) and waits for them, off the async threads.
    pub async fn finish(mut self) {
        let handles: Vec<_> = self
            .threads
            .drain(..)
            .filter_map(|mut t| t.handle.take())
            .collect();
        let _ = tokio::task::spawn_blocking(move || {
            for h in handles {
                let _ = h.join();
            }
        })
        .await;
    }
}

/// A serving thread: runs every connection handed to it until its inbox closes.
fn run(
    index: usize,
    runtime: tokio::runtime::Runtime,
    mut inbox: mpsc::UnboundedReceiver<Handoff>,
    load: Arc<AtomicUsize>,
) {
    home::set(index);
    runtime.block_on(async move {
        while let Some(Handoff { stream, serve }) = inbox.recv().await {
            let load = load.clone();
            tokio::spawn(async move {
                // Registered with this thread's reactor: its reads wake this thread.
                if let Ok(s) = stream
                    .set_nonblocking(true)
                    .and_then(|()| TcpStream::from_std(stream))
                {
                    serve(s).await;
                }
                load.fetch_sub(1, Ordering::Relaxed);
            });
        }
    });
    runtime.shutdown_timeout(RUNTIME_END);
    super::log_batch::stop();
}

#[cfg(test)]
mod tests;

//! Log lines gathered per serving thread and written a batch at a time, so the line each
//! request writes at `info` costs a copy into a buffer instead of a `write` system call
//! of its own (one of the ~6 per call; the rest are the call's own sockets).
//!
//! Only lines below `warn` wait: a warning or an error is written at once, with whatever
//! the thread had gathered before it.
//!
//! A thread batches once its runtime has parked it (tokio's `on_thread_park`, [`park`]):
//! only runtime workers park, so threads that never would (the blocking pool, `main`)
//! keep writing each line at once. A batch is written when:
//! - the thread parks, i.e. it has nothing left to do: a quiet gateway writes every line
//!   as soon as its call is done;
//! - it reaches [`BATCH_BYTES`], or its first line is [`MAX_DELAY`] old when another
//!   arrives: a busy thread writes about every few milliseconds;
//! - the thread stops ([`stop`], or its end).
//!
//! What this gives up: the lines of a batch not yet written are lost if the process is
//! killed (SIGKILL, abort): at most [`BATCH_BYTES`] per serving thread, under load only.
//! A panicking handler is caught and its lines are written as usual. Lines of different
//! threads can reach the file up to a batch apart; each thread's lines keep their order.

use std::cell::RefCell;
use std::fs::File;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::telemetry;

/// A batch is written once it holds this much.
pub const BATCH_BYTES: usize = 16 * 1024;

/// A line waits at most about this long when others follow it (a thread that goes quiet
/// writes its batch when it parks).
pub const MAX_DELAY: Duration = Duration::from_millis(50);

/// One thread's batch.
struct Batch {
    /// Where it goes: the log output (`logs`), learnt from the first line.
    out: Option<Arc<File>>,
    buf: Vec<u8>,
    lines: u64,
    /// When the first line of the batch arrived.
    since: Option<Instant>,
}

impl Batch {
    /// Writes what is gathered; a batch that cannot be written is dropped and its lines
    /// counted, as a single line would be.
    fn write(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        if let Some(out) = &self.out {
            if (&**out).write_all(&self.buf).is_err() {
                metrics::counter!(telemetry::LOG_LINES_DROPPED_TOTAL).increment(self.lines);
            }
        }
        self.buf.clear();
        self.lines = 0;
        self.since = None;
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        self.write();
    }
}

thread_local! {
    /// `None`: this thread writes each line at once.
    static BATCH: RefCell<Option<Batch>> = const { RefCell::new(None) };
}

/// For a runtime's `on_thread_park`: this thread batches from now on, and what it has
/// gathered is written before it sleeps.
pub fn park() {
    let _ = BATCH.try_with(|b| {
        if let Ok(mut b) = b.try_borrow_mut() {
            b.get_or_insert_with(|| Batch {
                out: None,
                buf: Vec::with_capacity(BATCH_BYTES),
                lines: 0,
                since: None,
            })
            .write();
        }
    });
}

/// For a runtime's `on_thread_stop`: writes what is gathered; the thread writes each
/// line at once from now on.
pub fn stop() {
    let _ = BATCH.try_with(|b| {
        if let Ok(mut b) = b.try_borrow_mut() {
            // Dropping the batch writes it.
            b.take();
        }
    });
}

/// Takes `line` into this thread's batch, writing the batch when it is due, or at once
/// with the line when `urgent` (warnings and errors: the batch goes with it, so the
/// thread's lines keep their order); `false` when this thread does not batch (the caller
/// writes the line itself).
pub fn append(out: &Arc<File>, line: &[u8], urgent: bool) -> bool {
    BATCH
        .try_with(|b| {
            let Ok(mut b) = b.try_borrow_mut() else {
                return false;
            };
            let Some(batch) = b.as_mut() else {
                return false;
            };
            match &batch.out {
                Some(o) if Arc::ptr_eq(o, out) => {}
                // Another output (never in a running gateway): what it had goes there first.
                _ => {
                    batch.write();
                    batch.out = Some(out.clone());
                }
            }
            let now = Instant::now();
            let since = *batch.since.get_or_insert(now);
            batch.buf.extend_from_slice(line);
            batch.lines += 1;
            if urgent || batch.buf.len() >= BATCH_BYTES || now.duration_since(since) >= MAX_DELAY {
                batch.write();
            }
            true
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests;

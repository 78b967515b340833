//! Tamper-evident audit log: one JSON line per gateway call, hash-chained, durable before
//! the call is answered.
//!
//! ```text
//! {"seq":42,"time":"2024-03-01T12:00:00.123Z","request_id":"…","trace_id":"<32 hex>","principal":"pc1234",
//!  "client_addr":"10.0.0.5:50412","route":"/vehicles/{vrm}","method":"GET","purpose":"INV",
//!  "keys":{"vrm":"<hmac hex or plain>"},"status":200,"latency_ms":3.2,"backend_ms":2.9,
//!  "prev":"<hash of line 41>","hash":"<hash of this line up to ,\"hash\">"}
//! ```
//! (one line in the file). See [`chain`] for what the hashes cover and [`verify()`] for what
//! is detected. What a hash chain cannot show on its own: a rewrite of every line from some
//! point on by someone who can recompute the hashes, and lines cut off the *end* of the log
//! (the remaining chain is intact). Against the first, set a chain key (HMAC) kept away from
//! the log's host ([`AuditConfig::chain_key`]); against the second, the writer copies the
//! head to a [`checkpoint`] file, and `verify` checks the chain still reaches it
//! ([`VerifyOptions::anchors`]).
//!
//! The module is self-contained (no `crate::` paths) and public as `ferrule::audit`: tests
//! and benchmarks write logs exactly as the gateway does.

pub mod chain;
pub mod checkpoint;
mod error;
mod event;
mod log;
mod segments;
#[cfg(test)]
mod tests;
// Public only so `examples/stamp_bench.rs` can time it; not part of the API.
#[doc(hidden)]
pub mod time;
mod verify;

use std::path::PathBuf;
use std::time::Duration;

pub use checkpoint::{Checkpoint, Checkpointing};
pub use error::{AuditError, Broken, Unanchored, VerifyError};
pub use event::AuditEvent;
pub use log::AuditLog;
pub use verify::{expand, verify, Anchor, VerifyOptions, VerifyReport};

/// When lines reach the disk, and so when [`AuditLog::record`] returns. The default
/// ([`FlushPolicy::Os`]) is also the config's default when `[audit]` has no `flush`: there
/// is no second constant (docs/security.md says why it is the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlushPolicy {
    /// Write and fsync before `record` returns: nothing answered is lost, even on power
    /// loss. Lines that queue while an fsync runs share the next one (group commit), so
    /// throughput grows with concurrency.
    EveryLine,
    /// Group commit on a timer: fsync at most once per interval; `record` still returns only
    /// once the fsync covering its line is done, so the guarantee is the same as
    /// `EveryLine`, traded for latency (up to the interval) against fewer fsyncs.
    Interval(Duration),
    /// Write only (no fsync; the default): `record` returns once the line is in the kernel.
    /// Survives a crash of the gateway (`kill -9`), not of the machine. The caller writes its own
    /// line when the file is free (no thread hop); calls that find it busy queue for the
    /// writer thread, which writes them together.
    #[default]
    Os,
}

/// Where and how to write the log.
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// The live file; rotated files are `PATH.<seq of their first line>` beside it.
    pub path: PathBuf,
    pub flush: FlushPolicy,
    /// Rotate before a line would take the live file past this size. `None`: never.
    pub rotate_bytes: Option<u64>,
    /// Key for [`AuditLog::keyed`] (HMAC-SHA256 of key field values), so the log can be
    /// searched for a known value without holding values in the clear.
    pub hmac_key: Option<Vec<u8>>,
    /// Key for the chain itself: line hashes become HMAC-SHA256 under this key, so a
    /// rewrite of the log cannot be re-sealed without it. `verify` then needs the key.
    pub chain_key: Option<Vec<u8>>,
    /// Where and how often the chain's head is copied, so lines cut off the end of the log
    /// can be detected. `None`: no checkpoint.
    pub checkpoint: Option<Checkpointing>,
}

impl AuditConfig {
    /// The defaults: [`FlushPolicy::default()`], no rotation, no keys, no checkpoint.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        AuditConfig {
            path: path.into(),
            flush: FlushPolicy::default(),
            rotate_bytes: None,
            hmac_key: None,
            chain_key: None,
            checkpoint: None,
        }
    }
}

//! What can go wrong when writing or verifying an audit log, with the file and line it is about.

use std::path::PathBuf;

/// Opening or writing the log failed. Any `Err` from [`super::AuditLog::record`] means the
/// caller must refuse the call (fail closed): the line is not known to be durable.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// A file operation failed (`op` says which: open, write, fsync, rename ...).
    #[error("audit log {}: {op}: {source}", path.display())]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// The existing log cannot be resumed: its first or last line is not a sealed audit
    /// line (`ferrule audit verify` names the line).
    #[error("audit log {}: cannot resume the chain from its {which} line: {why}", path.display())]
    Resume {
        path: PathBuf,
        which: &'static str,
        why: Broken,
    },
    /// The existing log's last line does not check under the configured chain key, and the
    /// reason is known (`why`). A chain cannot change key midway: start a new log.
    #[error("audit log {}: {why}; a chain cannot change its key midway: move the log and its rotated files aside (and the checkpoint) to start a new one", path.display())]
    ChainKey { path: PathBuf, why: &'static str },
    /// The path exists but is not a regular file (a directory, device, FIFO).
    #[error("audit log {}: not a regular file", path.display())]
    NotRegularFile { path: PathBuf },
    /// The checkpoint file says the chain went further than the log does (lines were cut
    /// off the end, or the log was replaced), or it cannot be read. The log is not opened:
    /// writing on would bury the evidence.
    #[error("audit checkpoint {}: {why}", path.display())]
    Checkpoint { path: PathBuf, why: String },
    /// An earlier write or fsync failed; the log refuses every later record until reopened,
    /// so no call is served unaudited and no line is skipped silently.
    #[error("audit log is in a failed state after an earlier error: {0}")]
    Failed(String),
}

/// Why a line breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    /// The file ends without a newline: an interrupted write, or a truncated line.
    #[error("incomplete line (no newline at the end of the file): interrupted write or truncated")]
    Torn,
    /// The line is not JSON ending in a `"hash"` member, or lacks `seq`/`prev`.
    #[error("not a sealed audit line: {0}")]
    Malformed(String),
    /// The line's content does not match its own `hash`: the line was edited.
    #[error("content does not match its hash (line edited)")]
    HashMismatch,
    /// `seq` is not the one after the previous line's.
    #[error("seq {found} where {expected} was expected (lines deleted, reordered or inserted)")]
    SeqGap { expected: u64, found: u64 },
    /// `prev` is not the previous line's hash.
    #[error("prev does not match the previous line's hash (a line before it was edited, deleted, reordered or inserted)")]
    PrevMismatch,
}

/// The first line that breaks the chain, or a file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// `line` is 1-based within `file`.
    #[error("{} line {line}: {why}", file.display())]
    Broken {
        file: PathBuf,
        line: u64,
        why: Broken,
    },
    #[error("{}: {source}", file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// No file was given, or the base path has neither a file nor rotated siblings.
    #[error("{}: no audit log files found", file.display())]
    NoFiles { file: PathBuf },
    /// A checkpoint file given to check against cannot be read.
    #[error("checkpoint {}: {why}", file.display())]
    Checkpoint { file: PathBuf, why: String },
    /// The chain is intact but does not agree with a head known from elsewhere; `anchor`
    /// names where that head came from (`--expect-head`, `checkpoint FILE`).
    #[error("{anchor}: {why}")]
    Anchor { anchor: String, why: Unanchored },
}

/// How an intact chain disagrees with a head known from elsewhere. Hashes are hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unanchored {
    /// Only a hash was known, and no line has it.
    #[error("head {expected} is not the hash of any line; the log ends at seq {last_seq} with head {last_head}: lines cut off the end, or another log")]
    HeadNotFound {
        expected: String,
        last_seq: u64,
        last_head: String,
    },
    /// The known head is a line the log no longer reaches.
    #[error("head is line seq {seq} ({expected}) but the log ends at seq {last_seq} with head {last_head}: lines cut off the end")]
    CutShort {
        seq: u64,
        expected: String,
        last_seq: u64,
        last_head: String,
    },
    /// The line with the known head's seq has another hash.
    #[error("line seq {seq} should have hash {expected} but {} line {line} has {found}: the log was rewritten from there or before", file.display())]
    Rewritten {
        seq: u64,
        expected: String,
        found: String,
        file: PathBuf,
        line: u64,
    },
    /// The known head is before the first line checked (older files archived elsewhere).
    #[error("head is line seq {seq}, before the first line checked (seq {first_seq}): give the older files too, or a newer head")]
    BeforeFirst { seq: u64, first_seq: u64 },
}

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
    /// The path exists but is not a regular file (a directory, device, FIFO).
    #[error("audit log {}: not a regular file", path.display())]
    NotRegularFile { path: PathBuf },
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
}

//! Incoming records that could not be served, kept with their bytes: appended to the
//! listener's `quarantine` file in the listener's framing (so `ferrule decode` reads it
//! back), with one JSON line per record in `<file>.errors.jsonl` saying why, as the
//! `decode --quarantine` files are.
//!
//! A program sending garbage must not fill the disk: once the record file would pass
//! `quarantine_max_bytes`, both files move to `<file>.1` and `<file>.errors.jsonl.1`
//! (replacing the previous pair) and new ones start, so at most about twice the limit
//! is kept, always the newest records.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ferrule_parsers::framing::Framing;

use crate::connector::frame::frame_bytes;

/// A listener's quarantine files.
pub struct Quarantine {
    framing: Framing,
    path: PathBuf,
    reports: PathBuf,
    max_bytes: u64,
    files: Mutex<Files>,
}

/// The open pair, and how many bytes the record file holds.
struct Files {
    raw: File,
    reports: File,
    written: u64,
}

fn append(p: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(p)
}

/// `path` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s: OsString = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

impl Files {
    fn open(path: &Path, reports: &Path) -> std::io::Result<Files> {
        let raw = append(path)?;
        let written = raw.metadata()?.len();
        Ok(Files {
            raw,
            reports: append(reports)?,
            written,
        })
    }
}

impl Quarantine {
    /// Opens (creating or appending to) `path` and its report file; the record file is
    /// rotated once it would pass `max_bytes`.
    pub fn open(path: &Path, framing: Framing, max_bytes: u64) -> std::io::Result<Quarantine> {
        let reports = with_suffix(path, ".errors.jsonl");
        let framing = match framing {
            // Records kept as they came: a short one is not padded.
            Framing::Fixed { .. } => Framing::Fixed { len: 0 },
            f => f,
        };
        Ok(Quarantine {
            framing,
            files: Mutex::new(Files::open(path, &reports)?),
            path: path.to_path_buf(),
            reports,
            max_bytes,
        })
    }

    /// Keeps one record and why; a write failure is logged, never fatal to the call.
    pub fn keep(&self, listener: &str, peer: &str, bytes: &[u8], why: &str) {
        let framed = frame_bytes(self.framing, bytes).unwrap_or_else(|_| bytes.to_vec());
        let report = serde_json::json!({
            "listener": listener,
            "peer": peer,
            "bytes": bytes.len(),
            "error": why,
        });
        let mut files = self
            .files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let len = framed.len() as u64;
        if files.written > 0 && files.written.saturating_add(len) > self.max_bytes {
            match self.rotate() {
                Ok(fresh) => {
                    *files = fresh;
                    tracing::warn!(listener, path = %self.path.display(),
                        "quarantine file full: moved to .1, a new one started");
                }
                Err(e) => tracing::error!(listener, error = %e,
                    "quarantine rotation failed; appending to the full file"),
            }
        }
        let Files {
            raw,
            reports,
            written,
        } = &mut *files;
        let r = raw
            .write_all(&framed)
            .and_then(|()| raw.flush())
            .and_then(|()| writeln!(reports, "{report}"))
            .and_then(|()| reports.flush());
        match r {
            Ok(()) => *written += len,
            Err(e) => tracing::error!(listener, error = %e, "quarantine write failed"),
        }
    }

    /// Moves both files to their `.1` names and opens new ones.
    fn rotate(&self) -> std::io::Result<Files> {
        std::fs::rename(&self.path, with_suffix(&self.path, ".1"))?;
        std::fs::rename(&self.reports, with_suffix(&self.reports, ".1"))?;
        Files::open(&self.path, &self.reports)
    }
}

#[cfg(test)]
mod tests;

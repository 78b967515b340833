//! Incoming records that could not be served, kept with their bytes: appended to the
//! listener's `quarantine` file in the listener's framing (so `ferrule decode` reads it
//! back), with one JSON line per record in `<file>.errors.jsonl` saying why, as the
//! `decode --quarantine` files are.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ferrule_parsers::framing::Framing;

use crate::connector::frame::frame_bytes;

/// A listener's quarantine files.
pub struct Quarantine {
    framing: Framing,
    files: Mutex<(File, File)>,
}

fn append(p: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(p)
}

impl Quarantine {
    /// Opens (creating or appending to) `path` and its report file.
    pub fn open(path: &Path, framing: Framing) -> std::io::Result<Quarantine> {
        let mut reports = path.as_os_str().to_owned();
        reports.push(".errors.jsonl");
        let framing = match framing {
            // Records kept as they came: a short one is not padded.
            Framing::Fixed { .. } => Framing::Fixed { len: 0 },
            f => f,
        };
        Ok(Quarantine {
            framing,
            files: Mutex::new((append(path)?, append(&PathBuf::from(reports))?)),
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
        let (raw, reports) = &mut *files;
        let r = raw
            .write_all(&framed)
            .and_then(|()| raw.flush())
            .and_then(|()| writeln!(reports, "{report}"))
            .and_then(|()| reports.flush());
        if let Err(e) = r {
            tracing::error!(listener, error = %e, "quarantine write failed");
        }
    }
}

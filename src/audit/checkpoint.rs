//! The chain's head, copied to a second file: what shows that lines were cut off the end
//! of the log (the chain that is left is intact, so the log alone cannot show it).
//!
//! ```text
//! {"file":"audit.log","lines":1042,"head":"<hash of line seq 1042>","time":"2024-03-01T12:00:00.123Z"}
//! ```
//! Written whole or not at all (a temp file beside it, fsynced, then renamed over it), so a
//! reader never sees half of one. Keep it where the log's writers cannot rewrite it (another
//! volume, a shipped copy): whoever can edit both can cut both.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::segments::parent_dir;
use super::time::Stamp;

/// Where the head is copied, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpointing {
    pub path: PathBuf,
    /// Copy the head after this many new lines (and when the log is opened and closed).
    pub every_lines: u64,
}

/// Lines between checkpoints when the config does not say: a rename and an fsync per
/// thousand lines cost nothing next to the lines, and a cut shorter than that between two
/// checkpoints is still caught at the next one.
pub const DEFAULT_EVERY_LINES: u64 = 1000;

/// One checkpoint file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// Name of the file that held the head line when the checkpoint was written (the live
    /// file; rotation renames it later, so `verify` finds the line by `lines`, not by name).
    pub file: String,
    /// Lines in the chain, which is also the head line's `seq` (0: an empty log).
    pub lines: u64,
    /// The head line's hash, 64 hex digits (all zeros for an empty log).
    pub head: String,
    /// When the checkpoint was written (RFC 3339 UTC), for people reading it.
    pub time: String,
}

impl Checkpoint {
    /// The checkpoint of a chain whose last line is `lines` with `head`, held by `file`.
    pub fn new(file: &Path, lines: u64, head: &[u8; 32]) -> Checkpoint {
        Checkpoint {
            file: file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            lines,
            head: hex::encode(head),
            time: Stamp::of(SystemTime::now()).as_str().to_string(),
        }
    }

    /// The head as bytes; `Err` says what is wrong with the `head` member.
    pub fn head_hash(&self) -> Result<[u8; 32], String> {
        let mut h = [0u8; 32];
        hex::decode_to_slice(&self.head, &mut h)
            .map_err(|e| format!("head `{}` is not a 64-digit hex hash: {e}", self.head))?;
        Ok(h)
    }

    /// Reads and checks a checkpoint file. `Ok(None)`: there is none. `Err(why)`: it exists
    /// but cannot be read or is not a checkpoint.
    pub fn read(path: &Path) -> Result<Option<Checkpoint>, String> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let c: Checkpoint =
            serde_json::from_slice(&bytes).map_err(|e| format!("not a checkpoint: {e}"))?;
        c.head_hash()?;
        Ok(Some(c))
    }

    /// Replaces the file at `path` with this checkpoint, atomically and durably: a temp
    /// file in the same folder, fsynced, renamed over `path`, then the folder fsynced.
    pub fn write(&self, path: &Path) -> io::Result<()> {
        let mut json = serde_json::to_vec(self).map_err(io::Error::other)?;
        json.push(b'\n');
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        File::open(parent_dir(path))?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_checkpoint_reads_back() {
        // Whole JSON object, no temp file left behind, the head as given.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("audit.checkpoint");
        let c = Checkpoint::new(&dir.path().join("audit.log"), 7, &[0xab; 32]);
        c.write(&p).unwrap();
        let back = Checkpoint::read(&p).unwrap().unwrap();
        assert_eq!(back, c);
        assert_eq!((back.file.as_str(), back.lines), ("audit.log", 7));
        assert_eq!(back.head_hash().unwrap(), [0xab; 32]);
        assert!(!dir.path().join("audit.checkpoint.tmp").exists());
        // Written again: replaced, not appended.
        Checkpoint::new(&dir.path().join("audit.log"), 8, &[1; 32])
            .write(&p)
            .unwrap();
        assert_eq!(Checkpoint::read(&p).unwrap().unwrap().lines, 8);
    }

    #[test]
    fn missing_checkpoint_is_none() {
        // No file yet: not an error (a new log).
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Checkpoint::read(&dir.path().join("none")), Ok(None));
    }

    #[test]
    fn bad_checkpoints_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c");
        // Not JSON.
        std::fs::write(&p, b"lines=3").unwrap();
        let e = Checkpoint::read(&p).unwrap_err();
        assert!(e.contains("not a checkpoint"), "{e}");
        // An unknown member.
        std::fs::write(
            &p,
            br#"{"file":"a","lines":1,"head":"00","time":"t","extra":1}"#,
        )
        .unwrap();
        assert!(Checkpoint::read(&p).is_err());
        // A head that is not 32 bytes of hex.
        std::fs::write(&p, br#"{"file":"a","lines":1,"head":"abc","time":"t"}"#).unwrap();
        let e = Checkpoint::read(&p).unwrap_err();
        assert!(e.contains("64-digit hex"), "{e}");
        // A folder where the file should be.
        let e = Checkpoint::read(dir.path()).unwrap_err();
        assert!(!e.is_empty());
    }

    #[test]
    fn write_into_a_missing_folder_fails() {
        // The folder is not created on the fly: a typo in the path is an error.
        let dir = tempfile::tempdir().unwrap();
        let c = Checkpoint::new(Path::new("audit.log"), 0, &[0; 32]);
        assert!(c.write(&dir.path().join("no/such/dir/c")).is_err());
    }
}

//! The files of one log: the live file `PATH` and its rotated predecessors
//! `PATH.<first-seq>` (zero-padded to 12 digits so `ls` lists them in chain order), and
//! reading the first and last lines of a file without reading all of it.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The name a live file takes when rotated: `PATH.<seq of its first line>`.
pub fn rotated_name(base: &Path, first_seq: u64) -> PathBuf {
    let mut s = OsString::from(base.as_os_str());
    s.push(format!(".{first_seq:012}"));
    PathBuf::from(s)
}

/// Rotated siblings of `base` (`PATH.<digits>`), oldest first.
pub fn rotated(base: &Path) -> io::Result<Vec<PathBuf>> {
    let Some(name) = base.file_name().and_then(|n| n.to_str()) else {
        return Ok(Vec::new());
    };
    let dir = parent_dir(base);
    let prefix = format!("{name}.");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if let Ok(seq) = rest.parse::<u64>() {
            found.push((seq, dir.join(&file_name)));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

/// Every file of the log at `base` in chain order: rotated siblings, then `base` if it exists.
pub fn chain_files(base: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = rotated(base)?;
    if base.exists() {
        files.push(base.to_path_buf());
    }
    Ok(files)
}

/// The directory holding `path` (`.` for a bare file name), to list or fsync.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The first line of a file, without its newline; `None` for an empty file. A first line
/// without a newline is returned as is (the caller checks it like any other).
pub fn first_line(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    // Lines are a few hundred bytes; the cap keeps a file of garbage from being read whole.
    BufReader::new(File::open(path)?)
        .take(MAX_LINE)
        .read_until(b'\n', &mut line)?;
    if line.last() == Some(&b'\n') {
        line.pop();
    }
    Ok((!line.is_empty()).then_some(line))
}

/// The end of a file: its last complete line and any bytes after it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tail {
    /// The last line that ends in `\n` (without it), if any.
    pub last: Option<Vec<u8>>,
    /// Where the bytes after the last `\n` start: the file length when it ends in `\n`.
    pub complete_len: u64,
    /// Bytes after the last `\n`: an interrupted write (or a truncated line).
    pub torn: Vec<u8>,
}

/// Longest line the reader looks back for; an audit line is far shorter.
const MAX_LINE: u64 = 1 << 20;

/// Reads the tail of `path` backwards, at most [`MAX_LINE`] bytes past the last newline.
pub fn tail(path: &Path) -> io::Result<Tail> {
    let mut f = File::open(path)?;
    let len = f.metadata()?.len();
    let start = len.saturating_sub(2 * MAX_LINE);
    f.seek(SeekFrom::Start(start))?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf)?;
    let complete = match buf.iter().rposition(|&b| b == b'\n') {
        Some(i) => i + 1,
        None if start == 0 => 0,
        None => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "no newline in the last 2 MiB: not an audit log",
            ))
        }
    };
    let (done, torn) = buf.split_at(complete);
    let body = done.strip_suffix(b"\n").unwrap_or(done);
    let last = match body.iter().rposition(|&b| b == b'\n') {
        Some(i) => body.get(i + 1..).map(<[u8]>::to_vec),
        None if start == 0 => (!body.is_empty()).then(|| body.to_vec()),
        None => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "last line longer than 1 MiB: not an audit log",
            ))
        }
    };
    Ok(Tail {
        last,
        complete_len: start + complete as u64,
        torn: torn.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.log");
        std::fs::write(&p, bytes).unwrap();
        (dir, p)
    }

    #[test]
    fn tail_of_complete_file() {
        // Two lines: the last is "b", nothing torn.
        let (_d, p) = file_with(b"a\nb\n");
        let t = tail(&p).unwrap();
        assert_eq!(t.last.as_deref(), Some(&b"b"[..]));
        assert_eq!((t.complete_len, t.torn.len()), (4, 0));
    }

    #[test]
    fn tail_with_torn_write() {
        // "c" has no newline: it is torn, "b" is the last complete line.
        let (_d, p) = file_with(b"a\nb\nc");
        let t = tail(&p).unwrap();
        assert_eq!(t.last.as_deref(), Some(&b"b"[..]));
        assert_eq!((t.complete_len, t.torn.as_slice()), (4, &b"c"[..]));
    }

    #[test]
    fn tail_of_empty_and_single_torn() {
        // An empty file has no lines; a lone fragment is all torn.
        let (_d, p) = file_with(b"");
        assert_eq!(tail(&p).unwrap(), Tail::default());
        let (_d, p) = file_with(b"abc");
        let t = tail(&p).unwrap();
        assert_eq!((t.last, t.complete_len, t.torn), (None, 0, b"abc".to_vec()));
    }

    #[test]
    fn tail_of_missing_file_fails() {
        // A path that does not exist is an error, not an empty tail.
        assert!(tail(Path::new("/nonexistent/ferrule/audit.log")).is_err());
    }

    #[test]
    fn first_line_reads_one_line() {
        // The first line without its newline; None when empty.
        let (_d, p) = file_with(b"first\nsecond\n");
        assert_eq!(first_line(&p).unwrap(), Some(b"first".to_vec()));
        let (_d, p) = file_with(b"");
        assert_eq!(first_line(&p).unwrap(), None);
    }

    #[test]
    fn rotated_siblings_in_seq_order() {
        // Numeric suffixes only, sorted by number; other names are ignored.
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("audit.log");
        for n in [
            "audit.log.000000000101",
            "audit.log.000000000001",
            "audit.log.torn-5",
            "audit.log.x",
            "other.1",
        ] {
            std::fs::write(dir.path().join(n), b"").unwrap();
        }
        std::fs::write(&base, b"").unwrap();
        let files = chain_files(&base).unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "audit.log.000000000001",
                "audit.log.000000000101",
                "audit.log"
            ]
        );
        assert_eq!(
            rotated_name(&base, 101),
            dir.path().join("audit.log.000000000101")
        );
    }
}

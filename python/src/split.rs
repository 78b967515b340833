//! Byte ranges of a file that start on record boundaries, for readers that each decode one
//! range (`ferrule.spark`). Fixed-length records: arithmetic. Framings with a header or
//! terminator per record (RDW, length prefixes, lines): one pass over the framing, the way
//! Cobrix indexes variable-length files, keeping the first record that starts at or after
//! each multiple of the split size; a range runs to the next one's start, so its last
//! record ends past the nominal boundary. Framings whose records cannot be found from a
//! record's own start (BDW blocks, spanned segments, ODO records without headers) give one
//! range per file.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use ferrule_parsers::framing::{Framing, RecordReader};

use crate::errors::DecodeError;

/// A range `[start, end)` of the file's bytes.
pub type Range = (u64, u64);

/// The ranges of `path` for `framing`; `record_len` is the layout's length (fixed framing
/// without one of its own), 0 when records are measured (ODO).
pub fn splits(
    path: &Path,
    framing: Framing,
    record_len: usize,
    split_bytes: u64,
) -> Result<Vec<Range>, DecodeError> {
    let io = |error| DecodeError::Io {
        path: path.display().to_string(),
        error,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size == 0 {
        return Ok(Vec::new());
    }
    let split_bytes = split_bytes.max(1);
    let starts = match framing {
        Framing::Fixed { len } => {
            let len = if len == 0 { record_len } else { len } as u64;
            match split_bytes.checked_div(len) {
                Some(per) => {
                    let step = per.max(1) * len;
                    (0..size.div_ceil(step)).map(|k| k * step).collect()
                }
                // No length to count by (measured ODO records): the file whole.
                None => vec![0],
            }
        }
        Framing::Rdw(o) if o.bdw => vec![0],
        Framing::Spanned { .. } => vec![0],
        _ => scan(File::open(path).map_err(io)?, framing, split_bytes),
    };
    let ends = starts.iter().skip(1).copied().chain(std::iter::once(size));
    Ok(starts.iter().copied().zip(ends).collect())
}

/// Offsets of the first record at or after each multiple of `split_bytes` (0 first). A
/// framing error ends the scan: the bytes after the last good record stay in the last
/// range, whose reader then reports the error with its location.
fn scan(file: File, framing: Framing, split_bytes: u64) -> Vec<u64> {
    let mut reader = RecordReader::new(BufReader::with_capacity(1 << 20, file), framing);
    let mut starts = vec![0];
    let mut boundary = split_bytes;
    while let Ok(Some(_)) = reader.next_record() {
        let at = reader.record_offset();
        if at >= boundary {
            starts.push(at);
            boundary = (at / split_bytes + 1) * split_bytes;
        }
    }
    starts
}

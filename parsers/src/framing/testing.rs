//! Test helpers shared by the framings' unit tests.

use super::{Framing, FramingError, RecordReader};

/// Every record `f` cuts from `data`, and the error that stopped it, if any.
pub(crate) fn read_all(data: &[u8], f: Framing) -> (Vec<Vec<u8>>, Option<FramingError>) {
    let mut r = RecordReader::new(data, f);
    let mut out = Vec::new();
    loop {
        match r.next_record() {
            Ok(Some(rec)) => out.push(rec.to_vec()),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

//! Where batches come from: records cut one by one by the file's framing, or, for
//! fixed-length records, read straight into the batch buffer.
//!
//! Fixed records need no cutting: a batch is a whole number of them, so the bytes are
//! read into the batch itself (no deframer buffer, no copy per record, no table of
//! record ends). Both kinds cut the same batches, with the same record numbers, offsets
//! and stop messages (`source/tests.rs` checks them against each other).

use std::io::Read;

use ferrule_parsers::framing::{Framing, FramingError, RecordReader};

use super::{Batch, BatchSize};

/// The reader side of the pipeline.
pub(super) enum Source<R: Read> {
    /// Any framing: each record cut by the deframer and copied into the batch.
    Framed {
        reader: RecordReader<R>,
        size: BatchSize,
        done: bool,
    },
    /// Fixed-length records read straight into the batch.
    Fixed(Fixed<R>),
}

impl<R: Read> Source<R> {
    /// Reads fixed-length records directly when nothing is buffered in `reader` and
    /// its limits allow the length; otherwise cuts with `reader`.
    pub(super) fn new(reader: RecordReader<R>, size: BatchSize) -> Source<R> {
        match reader.framing() {
            Framing::Fixed { len }
                if len > 0
                    && len <= reader.max_record_len()
                    && reader.buffered().is_empty()
                    && reader.can_continue() =>
            {
                let (records, pos) = (reader.record_number(), reader.bytes_read());
                Source::Fixed(Fixed {
                    inner: reader.into_inner(),
                    len,
                    per_batch: records_per_batch(len, size),
                    records,
                    pos,
                    done: false,
                })
            }
            _ => Source::Framed {
                reader,
                size,
                done: false,
            },
        }
    }

    /// The next batch; `None` once the input is done (or failed, after a batch that
    /// says so).
    pub(super) fn cut(&mut self) -> Option<Batch> {
        match self {
            Source::Framed { reader, size, done } => cut_framed(reader, *size, done),
            Source::Fixed(f) => f.cut(),
        }
    }
}

/// Fixed records per batch: as many whole records as fit in `size.bytes`, at most
/// `size.records`, at least one (what [`cut_framed`] cuts from records of one length).
fn records_per_batch(len: usize, size: BatchSize) -> usize {
    (size.bytes / len.max(1)).clamp(1, size.records.max(1))
}

/// Cuts the next batch record by record.
fn cut_framed<R: Read>(
    reader: &mut RecordReader<R>,
    size: BatchSize,
    done: &mut bool,
) -> Option<Batch> {
    if *done {
        return None;
    }
    let records = size.records.max(1);
    // Sized once: growing by doubling would copy the batch again and again.
    let mut b = Batch {
        data: Vec::with_capacity(size.bytes),
        ends: Vec::with_capacity(records.min(size.bytes)),
        offsets: Vec::with_capacity(records.min(size.bytes)),
        first: reader.record_number() + 1,
        ..Batch::default()
    };
    // One more record is cut while one as long as the last still fits: batches of
    // records of one length then never outgrow the buffer (growing it copied the batch
    // into a buffer of twice the size; an allocator keeps such blocks resident a while).
    let mut last = 0;
    while b.ends.len() < records && (b.ends.is_empty() || b.data.len() + last <= size.bytes) {
        match reader.next_record() {
            Ok(Some(r)) => {
                last = r.len();
                b.data.extend_from_slice(r);
                b.ends.push(b.data.len());
                b.offsets.push(reader.record_offset());
            }
            Ok(None) => {
                *done = true;
                break;
            }
            Err(e) => {
                b.stop = Some(e.to_string());
                *done = true;
                break;
            }
        }
    }
    b.bytes_read = reader.bytes_read();
    (!b.ends.is_empty() || b.stop.is_some()).then_some(b)
}

/// Fixed-length records read straight into batches.
pub(super) struct Fixed<R> {
    inner: R,
    /// Record length (> 0).
    len: usize,
    per_batch: usize,
    /// Records read so far, and the input bytes they took.
    records: u64,
    pos: u64,
    done: bool,
}

impl<R: Read> Fixed<R> {
    fn cut(&mut self) -> Option<Batch> {
        if self.done {
            return None;
        }
        let len = self.len;
        let want = self.per_batch.saturating_mul(len);
        // Read into spare capacity: no zeroing of a megabyte per batch first (~1% of a
        // decode's instructions). What was read before an error stays in `data`.
        let mut data = Vec::with_capacity(want);
        let mut stop = None;
        let limit = u64::try_from(want).unwrap_or(u64::MAX);
        match (&mut self.inner).take(limit).read_to_end(&mut data) {
            Ok(_) if data.len() < want => self.done = true,
            Ok(_) => {}
            // As the deframer reports it; the batch keeps the whole records before it.
            Err(e) => {
                stop = Some(FramingError::Io(e).to_string());
                self.done = true;
            }
        }
        let filled = data.len();
        let whole = filled - filled % len;
        let count = (whole / len) as u64;
        if stop.is_none() && whole < filled {
            stop = Some(
                FramingError::Truncated {
                    record: self.records + count + 1,
                    offset: self.pos + whole as u64,
                    have: filled - whole,
                    need: len,
                }
                .to_string(),
            );
        }
        data.truncate(whole);
        let batch = Batch {
            data,
            stride: len,
            start: self.pos,
            first: self.records + 1,
            bytes_read: self.pos + whole as u64,
            stop,
            ..Batch::default()
        };
        self.records += count;
        self.pos += whole as u64;
        (count > 0 || batch.stop.is_some()).then_some(batch)
    }
}

#[cfg(test)]
mod tests;

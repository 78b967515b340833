//! The record reader: one growable buffer over any `Read`, handed to the framing kinds.
//!
//! Records are returned as slices of the buffer, so the common case copies nothing per
//! record. The buffer grows only as real bytes arrive, so a hostile length header costs
//! memory in proportion to the input, and never past the record size limit.

use std::io::{ErrorKind, Read};

use super::{fixed, length_prefix, lines, rdw, vbs, Framing, FramingError};

/// Records longer than this are refused unless [`RecordReader::with_max_record_len`] says otherwise.
pub const DEFAULT_MAX_RECORD_LEN: usize = 16 * 1024 * 1024;

/// Buffer size at the first read: large reads keep the hot path in memory, not in syscalls.
const DEFAULT_INITIAL_BUFFER: usize = 64 * 1024;

/// Cuts a byte stream into records according to a [`Framing`].
///
/// Errors: I/O errors leave the reader usable (nothing was consumed; retry if the error is
/// transient). Every framing error is fatal, because the next record boundary is unknown:
/// afterwards [`RecordReader::can_continue`] is false and reading returns [`FramingError::Failed`].
#[derive(Debug)]
pub struct RecordReader<R: Read> {
    inner: R,
    framing: Framing,
    buf: Vec<u8>,
    /// `buf[start..end]` holds the bytes read but not yet consumed.
    start: usize,
    end: usize,
    eof: bool,
    initial_buffer: usize,
    pub(super) max_record_len: usize,
    /// Input offset of `buf[start]`.
    pos: u64,
    /// Number of records returned so far.
    records: u64,
    record_offset: u64,
    failed: bool,
    /// BDW state: bytes left in the current block, and where that block began.
    pub(super) block_left: u64,
    pub(super) block_offset: u64,
    /// Spanned records: the segments joined so far (records that span are copied).
    pub(super) joined: Vec<u8>,
}

/// Error of [`RecordReader::next_measured`]: a framing error, or the measure callback's own.
#[derive(Debug, thiserror::Error)]
pub enum MeasuredError<E> {
    /// The stream could not be read or the measured length was impossible.
    #[error(transparent)]
    Framing(#[from] FramingError),
    /// The callback refused the bytes (e.g. an OCCURS DEPENDING ON count out of range).
    #[error("record {record} at byte {offset}: {source}")]
    Measure { record: u64, offset: u64, source: E },
}

impl<R: Read> RecordReader<R> {
    /// A reader of `framing` records from `inner`. No bytes are read until the first record is asked for.
    pub fn new(inner: R, framing: Framing) -> Self {
        RecordReader {
            inner,
            framing,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            initial_buffer: DEFAULT_INITIAL_BUFFER,
            max_record_len: DEFAULT_MAX_RECORD_LEN,
            pos: 0,
            records: 0,
            record_offset: 0,
            failed: false,
            block_left: 0,
            block_offset: 0,
            joined: Vec::new(),
        }
    }

    /// Sets the largest record accepted (default [`DEFAULT_MAX_RECORD_LEN`]); longer ones are
    /// [`FramingError::TooLong`]. Bounds the memory a hostile length header can make us use.
    pub fn with_max_record_len(mut self, max: usize) -> Self {
        self.max_record_len = max;
        self
    }

    /// Sets the size of the first buffer allocation (default 64 KiB, at least 1); it grows as needed.
    pub fn with_initial_buffer(mut self, bytes: usize) -> Self {
        self.initial_buffer = bytes.max(1);
        self
    }

    /// The framing this reader cuts.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// Next record's bytes, borrowed from the internal buffer, or `None` at a clean end of input.
    /// `Fixed { len: 0 }` is refused here: it needs [`RecordReader::next_measured`].
    pub fn next_record(&mut self) -> Result<Option<&[u8]>, FramingError> {
        if self.failed {
            return Err(FramingError::Failed);
        }
        match self.framing {
            Framing::Fixed { len } => fixed::read(self, len),
            Framing::Rdw(opts) => rdw::read(self, opts),
            Framing::Spanned { bdw } => vbs::read(self, bdw),
            Framing::Len2 => length_prefix::read(self, 2),
            Framing::Len4 => length_prefix::read(self, 4),
            Framing::Lines => lines::read(self, lines::LF),
            Framing::LinesEbcdic => lines::read(self, lines::EBCDIC_NL),
        }
    }

    /// For layouts whose length depends on the content (OCCURS DEPENDING ON in a file without
    /// length headers): presents up to `max_len` bytes (fewer only at the end of the input) to
    /// `measure`, which returns how many of them the record really has; those bytes are the record.
    /// Returns `None` at a clean end of input. Only for `Framing::Fixed` (its `len` is ignored).
    /// A `measure` result of 0 or more than it was given is [`FramingError::BadMeasure`];
    /// a record that needs more bytes than the input has left is the callback's to report.
    pub fn next_measured<E>(
        &mut self,
        max_len: usize,
        measure: impl FnOnce(&[u8]) -> Result<usize, E>,
    ) -> Result<Option<&[u8]>, MeasuredError<E>> {
        if self.failed {
            return Err(FramingError::Failed.into());
        }
        if !matches!(self.framing, Framing::Fixed { .. }) {
            return Err(FramingError::Unsupported(
                "measured records need fixed framing (no length headers)",
            )
            .into());
        }
        if max_len == 0 {
            return Err(FramingError::Unsupported("measured records need max_len > 0").into());
        }
        if max_len > self.max_record_len {
            let e = self.too_long(max_len as u64, self.max_record_len);
            return Err(e.into());
        }
        let have = self.fill_to(max_len)?;
        if have == 0 {
            return Ok(None);
        }
        let given = have.min(max_len);
        let result = measure(self.peek(given));
        let got = match result {
            Ok(n) => n,
            Err(source) => {
                self.failed = true;
                return Err(MeasuredError::Measure {
                    record: self.next_number(),
                    offset: self.pos,
                    source,
                });
            }
        };
        if got == 0 || got > given {
            let e = FramingError::BadMeasure {
                record: self.next_number(),
                offset: self.pos,
                got,
                given,
            };
            return Err(self.fail(e).into());
        }
        Ok(Some(self.emit(0, got, 0)))
    }

    /// 1-based number of the record last returned (0 before the first).
    pub fn record_number(&self) -> u64 {
        self.records
    }

    /// Input offset where the last returned record's framing began (its RDW, not its BDW).
    pub fn record_offset(&self) -> u64 {
        self.record_offset
    }

    /// Input bytes consumed so far: everything up to the end of the last returned record.
    pub fn bytes_read(&self) -> u64 {
        self.pos
    }

    /// Whether reading can go on: false after any framing error (the next record boundary
    /// is unknown, including for fixed records, where the only framing error is a truncated
    /// tail). I/O errors do not stop the reader.
    pub fn can_continue(&self) -> bool {
        !self.failed
    }

    /// Gives back the inner reader; unconsumed buffered bytes are lost.
    pub fn into_inner(self) -> R {
        self.inner
    }

    // ---- Interface for the framing kinds ----

    /// Makes at least `n` unconsumed bytes available, or as many as the input has left.
    /// Returns how many are available (may exceed `n`).
    pub(super) fn fill_to(&mut self, n: usize) -> Result<usize, FramingError> {
        while self.end - self.start < n && !self.eof {
            if self.end == self.buf.len() {
                self.make_room(n);
            }
            let Some(space) = self.buf.get_mut(self.end..) else {
                break;
            };
            match self.inner.read(space) {
                Ok(0) => self.eof = true,
                Ok(got) => self.end += got.min(space.len()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(FramingError::Io(e)),
            }
        }
        Ok(self.end - self.start)
    }

    /// Frees space at the tail: slide unconsumed bytes to the front, growing (doubling, up to
    /// what `n` needs) only when the buffer itself is too small.
    fn make_room(&mut self, n: usize) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let len = self.buf.len();
            let grown = if len == 0 {
                self.initial_buffer
            } else {
                len.saturating_mul(2).min(n.max(len + 1))
            };
            self.buf.resize(grown.max(len + 1), 0);
        }
    }

    /// Up to `n` unconsumed bytes, without consuming them.
    pub(super) fn peek(&self, n: usize) -> &[u8] {
        let end = self.end.min(self.start.saturating_add(n));
        self.buf.get(self.start..end).unwrap_or(&[])
    }

    /// Skips `n` bytes of framing that belong to no record (a BDW).
    pub(super) fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.pos += n as u64;
    }

    /// Returns the next record: `header` framing bytes, `len` record bytes, `trailer` framing
    /// bytes, all already available. Counts the record and consumes all three.
    pub(super) fn emit(&mut self, header: usize, len: usize, trailer: usize) -> &[u8] {
        self.records += 1;
        self.record_offset = self.pos;
        let first = self.start.saturating_add(header).min(self.end);
        let last = first.saturating_add(len).min(self.end);
        let total = header.saturating_add(len).saturating_add(trailer);
        self.consume(total);
        self.buf.get(first..last).unwrap_or(&[])
    }

    /// Appends `len` record bytes after `header` framing bytes (all available) to the
    /// joined record, consuming both.
    pub(super) fn join(&mut self, header: usize, len: usize) {
        let first = self.start.saturating_add(header).min(self.end);
        let last = first.saturating_add(len).min(self.end);
        if let Some(part) = self.buf.get(first..last) {
            self.joined.extend_from_slice(part);
        }
        self.consume(header.saturating_add(len));
    }

    /// Returns the joined record, whose first segment began at input offset `offset`.
    pub(super) fn emit_joined(&mut self, offset: u64) -> &[u8] {
        self.records += 1;
        self.record_offset = offset;
        &self.joined
    }

    /// Number the next record will get, for errors.
    pub(super) fn next_number(&self) -> u64 {
        self.records + 1
    }

    /// Input offset of the next unconsumed byte, for errors.
    pub(super) fn offset(&self) -> u64 {
        self.pos
    }

    /// Marks the reader failed (framing errors are fatal) and passes the error on.
    pub(super) fn fail(&mut self, e: FramingError) -> FramingError {
        self.failed = true;
        e
    }

    /// A fatal [`FramingError::TooLong`] for the next record.
    pub(super) fn too_long(&mut self, len: u64, max: usize) -> FramingError {
        let e = FramingError::TooLong {
            record: self.next_number(),
            offset: self.pos,
            len,
            max: max as u64,
        };
        self.fail(e)
    }

    /// A fatal [`FramingError::Truncated`] for the next record.
    pub(super) fn truncated(&mut self, have: usize, need: usize) -> FramingError {
        let e = FramingError::Truncated {
            record: self.next_number(),
            offset: self.pos,
            have,
            need,
        };
        self.fail(e)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::framing::fuzz::Chunked;

    #[test]
    fn buffer_grows_and_compacts_across_small_reads() {
        // 1-byte initial buffer and 1-byte reads: records still come out whole.
        let data: Vec<u8> = (0..=255u8).collect();
        let mut r = RecordReader::new(Chunked::new(&data, vec![1, 3]), Framing::Fixed { len: 7 })
            .with_initial_buffer(1);
        let mut seen = Vec::new();
        let err = loop {
            match r.next_record() {
                Ok(Some(rec)) => seen.extend_from_slice(rec),
                Ok(None) => break None,
                Err(e) => break Some(e),
            }
        };
        // 256 = 36 * 7 + 4: the tail is truncated.
        assert!(matches!(
            err,
            Some(FramingError::Truncated {
                record: 37,
                offset: 252,
                have: 4,
                need: 7
            })
        ));
        assert_eq!(seen.len(), 252);
        assert_eq!(&seen[..], &data[..252]);
    }

    #[test]
    fn measured_records() {
        // First byte says how many more bytes the record has.
        let data = [2, b'a', b'b', 0, 1, b'c'];
        let mut r = RecordReader::new(&data[..], Framing::Fixed { len: 0 });
        let measure = |b: &[u8]| -> Result<usize, String> {
            let n = 1 + usize::from(b[0]);
            if n <= b.len() {
                Ok(n)
            } else {
                Err(format!("needs {n} bytes, {} left", b.len()))
            }
        };
        assert_eq!(
            r.next_measured(10, measure).unwrap(),
            Some(&[2, b'a', b'b'][..])
        );
        assert_eq!(r.next_measured(10, measure).unwrap(), Some(&[0][..]));
        assert_eq!((r.record_number(), r.record_offset()), (2, 3));
        assert_eq!(r.next_measured(10, measure).unwrap(), Some(&[1, b'c'][..]));
        assert!(r.next_measured(10, measure).unwrap().is_none());
        assert_eq!(r.bytes_read(), 6);
    }

    #[test]
    fn measured_errors() {
        // The callback's error is passed on with the location, and is fatal.
        let mut r = RecordReader::new(&[5u8, 1][..], Framing::Fixed { len: 0 });
        let e = r
            .next_measured(10, |_| Err::<usize, _>("count 5 out of range"))
            .unwrap_err();
        assert_eq!(e.to_string(), "record 1 at byte 0: count 5 out of range");
        assert!(!r.can_continue());
        assert!(matches!(
            r.next_measured(10, |_| Ok::<_, ()>(1)),
            Err(MeasuredError::Framing(FramingError::Failed))
        ));
        // Measuring more than was presented is BadMeasure.
        let mut r = RecordReader::new(&[5u8, 1][..], Framing::Fixed { len: 0 });
        let e = r.next_measured(10, |_| Ok::<_, String>(3)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "record 1 at byte 0: measured length 3 is not within 1..=2 (the bytes presented)"
        );
        // Zero would never advance.
        let mut r = RecordReader::new(&[5u8][..], Framing::Fixed { len: 0 });
        assert!(r.next_measured(10, |_| Ok::<_, ()>(0)).is_err());
        // Only fixed framing, max_len within limits and not zero.
        let mut r = RecordReader::new(&[5u8][..], Framing::Len2);
        assert!(r.next_measured(10, |_| Ok::<_, ()>(1)).is_err());
        let mut r = RecordReader::new(&[5u8][..], Framing::Fixed { len: 0 }).with_max_record_len(4);
        let e = r.next_measured(10, |_| Ok::<_, ()>(1)).unwrap_err();
        assert!(matches!(
            e,
            MeasuredError::Framing(FramingError::TooLong {
                len: 10,
                max: 4,
                ..
            })
        ));
        let mut r = RecordReader::new(&[5u8][..], Framing::Fixed { len: 0 });
        assert!(r.next_measured(0, |_| Ok::<_, ()>(1)).is_err());
    }

    #[test]
    fn io_errors_are_not_fatal() {
        // A reader that fails once, then delivers: the record still comes out.
        struct FailOnce(bool, &'static [u8]);
        impl Read for FailOnce {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if !self.0 {
                    self.0 = true;
                    return Err(std::io::Error::other("boom"));
                }
                self.1.read(buf)
            }
        }
        let mut r = RecordReader::new(FailOnce(false, b"ab"), Framing::Fixed { len: 2 });
        assert!(matches!(r.next_record(), Err(FramingError::Io(_))));
        assert!(r.can_continue());
        assert_eq!(r.next_record().unwrap(), Some(&b"ab"[..]));
    }

    #[test]
    fn interrupted_reads_are_retried() {
        // ErrorKind::Interrupted is not an error for the caller.
        struct Interrupt(u8, &'static [u8]);
        impl Read for Interrupt {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 > 0 {
                    self.0 -= 1;
                    return Err(ErrorKind::Interrupted.into());
                }
                self.1.read(buf)
            }
        }
        let mut r = RecordReader::new(Interrupt(3, b"xy"), Framing::Fixed { len: 2 });
        assert_eq!(r.next_record().unwrap(), Some(&b"xy"[..]));
    }
}

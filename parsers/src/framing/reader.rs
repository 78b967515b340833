//! The record reader: a thin loop that feeds a [`Deframer`] from any `Read`.
//!
//! All framing knowledge is in the deframer (the same one sockets, pipes and the mock host
//! use); this file only reads bytes when the deframer asks for them. Records are returned
//! as slices of the deframer's buffer, so the common case copies nothing per record. The
//! buffer grows only as real bytes arrive, so a hostile length header costs memory in
//! proportion to the input, and never past the record size limit.

use std::io::{ErrorKind, Read};

use super::{Advance, Deframer, Framing, FramingError};

/// Cuts a byte stream into records according to a [`Framing`].
///
/// Errors: I/O errors leave the reader usable (nothing was consumed; retry if the error is
/// transient). Every framing error is fatal, because the next record boundary is unknown:
/// afterwards [`RecordReader::can_continue`] is false and reading returns [`FramingError::Failed`].
#[derive(Debug)]
pub struct RecordReader<R: Read> {
    inner: R,
    frames: Deframer,
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
            frames: Deframer::new(framing),
        }
    }

    /// Sets the largest record accepted (default [`super::DEFAULT_MAX_RECORD_LEN`]); longer ones are
    /// [`FramingError::TooLong`]. Bounds the memory a hostile length header can make us use.
    pub fn with_max_record_len(mut self, max: usize) -> Self {
        self.frames = self.frames.with_max_record_len(max);
        self
    }

    /// Sets the size of the first buffer allocation (default 64 KiB, at least 1); it grows as needed.
    pub fn with_initial_buffer(mut self, bytes: usize) -> Self {
        self.frames = self.frames.with_initial_buffer(bytes);
        self
    }

    /// The framing this reader cuts.
    pub fn framing(&self) -> Framing {
        self.frames.framing()
    }

    /// The largest record accepted.
    pub fn max_record_len(&self) -> usize {
        self.frames.max_record_len()
    }

    /// Bytes read from the inner reader but not yet returned as a record: a caller that
    /// takes the inner reader back ([`RecordReader::into_inner`]) loses them.
    pub fn buffered(&self) -> &[u8] {
        self.frames.buffered()
    }

    /// Next record's bytes, borrowed from the internal buffer, or `None` at a clean end of input.
    /// `Fixed { len: 0 }` is refused here: it needs [`RecordReader::next_measured`].
    pub fn next_record(&mut self) -> Result<Option<&[u8]>, FramingError> {
        loop {
            match self.frames.advance()? {
                Advance::Record => return Ok(Some(self.frames.record())),
                Advance::End => return Ok(None),
                Advance::Pending(n) => self.read_more(n)?,
            }
        }
    }

    /// Reads once into the deframer, so that it may hold `n` unconsumed bytes; marks the end
    /// of input when the reader has none left.
    fn read_more(&mut self, n: usize) -> Result<(), FramingError> {
        let want = n.saturating_sub(self.frames.buffered().len());
        loop {
            match self.inner.read(self.frames.spare(want)) {
                Ok(0) => self.frames.set_eof(),
                Ok(got) => self.frames.commit(got),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(FramingError::Io(e)),
            }
            return Ok(());
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
        if !self.frames.can_continue() {
            return Err(FramingError::Failed.into());
        }
        if !matches!(self.frames.framing(), Framing::Fixed { .. }) {
            return Err(FramingError::Unsupported(
                "measured records need fixed framing (no length headers)",
            )
            .into());
        }
        if max_len == 0 {
            return Err(FramingError::Unsupported("measured records need max_len > 0").into());
        }
        let max = self.frames.max_record_len();
        if max_len > max {
            self.frames.mark_failed();
            return Err(FramingError::TooLong {
                record: self.frames.record_number() + 1,
                offset: self.frames.bytes_read(),
                len: max_len as u64,
                max: max as u64,
            }
            .into());
        }
        loop {
            match self.frames.peek_measured(max_len)? {
                Advance::End => return Ok(None),
                Advance::Pending(n) => self.read_more(n)?,
                Advance::Record => break,
            }
        }
        let given = self.frames.buffered().len().min(max_len);
        let record = self.frames.record_number() + 1;
        let offset = self.frames.bytes_read();
        let got = match measure(self.frames.buffered().get(..given).unwrap_or_default()) {
            Ok(n) => n,
            Err(source) => {
                self.frames.mark_failed();
                return Err(MeasuredError::Measure {
                    record,
                    offset,
                    source,
                });
            }
        };
        if got == 0 || got > given {
            self.frames.mark_failed();
            return Err(FramingError::BadMeasure {
                record,
                offset,
                got,
                given,
            }
            .into());
        }
        self.frames.emit_measured(got);
        Ok(Some(self.frames.record()))
    }

    /// 1-based number of the record last returned (0 before the first).
    pub fn record_number(&self) -> u64 {
        self.frames.record_number()
    }

    /// Input offset where the last returned record's framing began (its RDW, not its BDW).
    pub fn record_offset(&self) -> u64 {
        self.frames.record_offset()
    }

    /// Input bytes consumed so far: everything up to the end of the last returned record.
    pub fn bytes_read(&self) -> u64 {
        self.frames.bytes_read()
    }

    /// Whether reading can go on: false after any framing error (the next record boundary
    /// is unknown, including for fixed records, where the only framing error is a truncated
    /// tail). I/O errors do not stop the reader.
    pub fn can_continue(&self) -> bool {
        self.frames.can_continue()
    }

    /// Gives back the inner reader; unconsumed buffered bytes are lost.
    pub fn into_inner(self) -> R {
        self.inner
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
        // max_len at the reader's limit is allowed; over it, the error names the record
        // that was to be read and where it starts.
        let mut r =
            RecordReader::new(&[5u8, 6, 7][..], Framing::Fixed { len: 0 }).with_max_record_len(4);
        assert_eq!(
            r.next_measured(4, |_| Ok::<_, ()>(2)).unwrap(),
            Some(&[5, 6][..])
        );
        let e = r.next_measured(5, |_| Ok::<_, ()>(1)).unwrap_err();
        assert!(matches!(
            e,
            MeasuredError::Framing(FramingError::TooLong {
                record: 2,
                offset: 2,
                len: 5,
                max: 4,
            })
        ));
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

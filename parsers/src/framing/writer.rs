//! The record writer: adds each framing's bytes around records, buffering output.

use std::io::{BufWriter, Write};

use super::{fixed, length_prefix, lines, rdw, vbs, Framing, FramingError};

/// Output buffer: headers and records go out in few large writes, not two syscalls per record.
const OUTPUT_BUFFER: usize = 64 * 1024;

/// Writes records with their framing. Call [`RecordWriter::finish`] at the end: it flushes,
/// and with BDW framing it writes the last (buffered) block; dropping the writer loses both.
#[derive(Debug)]
pub struct RecordWriter<W: Write> {
    out: BufWriter<W>,
    framing: Framing,
    /// Records written so far.
    records: u64,
    /// Bytes handed to `out` so far.
    written: u64,
    /// BDW framing: the open block (BDW placeholder + RDW records), empty when none is open.
    pub(super) block: Vec<u8>,
}

impl<W: Write> RecordWriter<W> {
    /// A writer of `framing` records to `inner`.
    pub fn new(inner: W, framing: Framing) -> Self {
        Self::with_buffer(inner, framing, OUTPUT_BUFFER)
    }

    /// A writer without a buffer of its own: every header and record goes straight to
    /// `inner`. For an in-memory `inner` (a `Vec`), where a buffer would only cost an
    /// allocation and a second copy (a backend call frames one record per request).
    pub fn unbuffered(inner: W, framing: Framing) -> Self {
        Self::with_buffer(inner, framing, 0)
    }

    fn with_buffer(inner: W, framing: Framing, bytes: usize) -> Self {
        RecordWriter {
            out: BufWriter::with_capacity(bytes, inner),
            framing,
            records: 0,
            written: 0,
            block: Vec::new(),
        }
    }

    /// Writes one record with its framing (RDW header, length prefix, line terminator...).
    /// Records longer than [`Framing::write_limit`] are [`FramingError::TooLong`]; with
    /// `Fixed { len }` the record must be exactly `len` bytes, unless `len` is 0 (any length,
    /// written as is, for content-measured records). A line record may not contain its
    /// terminator; one ending in CR gets an extra CR so that reading it back strips only that.
    pub fn write_record(&mut self, record: &[u8]) -> Result<(), FramingError> {
        match self.framing {
            Framing::Fixed { len } => fixed::write(self, len, record)?,
            Framing::Rdw(opts) => rdw::write(self, opts, record)?,
            Framing::Spanned { bdw } => vbs::write(self, bdw, record)?,
            Framing::Len2 => length_prefix::write(self, 2, false, record)?,
            Framing::Len4 => length_prefix::write(self, 4, false, record)?,
            Framing::Len2Le => length_prefix::write(self, 2, true, record)?,
            Framing::Len4Le => length_prefix::write(self, 4, true, record)?,
            Framing::Lines => lines::write(self, lines::LF, true, record)?,
            Framing::LinesEbcdic => lines::write(self, lines::EBCDIC_NL, true, record)?,
            Framing::Delimiter(byte) => lines::write(self, byte, false, record)?,
        }
        self.records += 1;
        Ok(())
    }

    /// Writes out everything buffered, closing an open BDW block first, so a peer waiting
    /// for a record gets it now.
    pub fn flush(&mut self) -> Result<(), FramingError> {
        match self.framing {
            Framing::Rdw(opts) => rdw::close_block(self, opts)?,
            Framing::Spanned { bdw: true } => rdw::close_block(self, rdw::VBS)?,
            _ => {}
        }
        self.out.flush()?;
        Ok(())
    }

    /// Flushes (closing an open BDW block) and gives back the inner writer.
    pub fn finish(mut self) -> Result<W, FramingError> {
        self.flush()?;
        self.out
            .into_inner()
            .map_err(|e| FramingError::Io(e.into_error()))
    }

    /// Records written so far.
    pub fn records_written(&self) -> u64 {
        self.records
    }

    /// Bytes of output so far, counting an open BDW block as if it were written.
    pub fn bytes_written(&self) -> u64 {
        self.written + self.block.len() as u64
    }

    // ---- Interface for the framing kinds ----

    /// Number and output offset of the record being written, for errors.
    pub(super) fn location(&self) -> (u64, u64) {
        (self.records + 1, self.bytes_written())
    }

    /// Writes framing or record bytes to the output.
    pub(super) fn put(&mut self, bytes: &[u8]) -> Result<(), FramingError> {
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// A [`FramingError::TooLong`] for the record being written.
    pub(super) fn too_long(&self, len: usize, max: usize) -> FramingError {
        let (record, offset) = self.location();
        FramingError::TooLong {
            record,
            offset,
            len: len as u64,
            max: max as u64,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn counts_records_and_bytes() {
        // Two len2 records: 2+1 and 2+2 bytes.
        let mut w = RecordWriter::new(Vec::new(), Framing::Len2);
        w.write_record(b"a").unwrap();
        w.write_record(b"bc").unwrap();
        assert_eq!((w.records_written(), w.bytes_written()), (2, 7));
        assert_eq!(w.finish().unwrap(), b"\x00\x01a\x00\x02bc");
    }

    #[test]
    fn unbuffered_writes_what_buffered_writes() {
        // Every framing, two records (the second empty where allowed), and the errors.
        for name in crate::framing::FRAMING_SPELLINGS {
            let spelling = name.replace(":N", ":3").replace(":HH", ":0A");
            let framing = Framing::parse(&spelling).unwrap();
            let write = |mut w: RecordWriter<Vec<u8>>| {
                let a = w.write_record(b"abc").map_err(|e| e.to_string());
                let b = w.write_record(b"xy\n").map_err(|e| e.to_string());
                let counts = (w.records_written(), w.bytes_written());
                (a, b, counts, w.finish().map_err(|e| e.to_string()))
            };
            assert_eq!(
                write(RecordWriter::unbuffered(Vec::new(), framing)),
                write(RecordWriter::new(Vec::new(), framing)),
                "{name}"
            );
        }
    }

    #[test]
    fn an_open_bdw_block_counts_as_written() {
        // A VB record waits in its block until finish; it already counts: BDW 4 + RDW 4 + 3.
        let mut w = RecordWriter::new(Vec::new(), Framing::parse("bdw").unwrap());
        w.write_record(b"abc").unwrap();
        assert_eq!((w.records_written(), w.bytes_written()), (1, 11));
        assert_eq!(w.finish().unwrap().len(), 11);
    }

    #[test]
    fn io_errors_surface() {
        // A sink that refuses everything: the error shows at flush time.
        #[derive(Debug)]
        struct Refuse;
        impl Write for Refuse {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut w = RecordWriter::new(Refuse, Framing::Lines);
        w.write_record(b"x").unwrap();
        let e = w.finish().unwrap_err();
        assert_eq!(e.to_string(), "I/O error: disk full");
    }
}

//! The framing fuzz property, shared by the cargo-fuzz target and the corpus replay test.
//!
//! Input: the first byte picks a framing (low nibble: kind; high nibble: fixed record
//! length - 1), the rest is the stream. Checked: reading never panics and always ends;
//! reading in small odd chunks gives the same records and error as reading at once; every
//! record read comes back unchanged after writing and reading it again; and for framings
//! with one spelling per record the rewritten stream equals the bytes consumed.

use std::io::Read;

use super::{Framing, FramingError, RdwOptions, RecordReader, RecordWriter};

/// Longest record the measured mode presents to its measure function.
const MEASURED_MAX: usize = 17;

/// What the first input byte selects.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Framed(Framing),
    /// `Fixed { len: 0 }` read with `next_measured`: a record is its first byte
    /// (mod 16) plus one bytes long.
    Measured,
}

impl Mode {
    fn from_byte(b: u8) -> Mode {
        let rdw = |little_endian, length_excludes_header, bdw| {
            Mode::Framed(Framing::Rdw(RdwOptions {
                little_endian,
                length_excludes_header,
                bdw,
            }))
        };
        match b & 0x0F {
            1 => rdw(false, false, false),
            2 => rdw(true, false, false),
            3 => rdw(false, true, false),
            4 => rdw(true, true, false),
            5 => rdw(false, false, true),
            6 => rdw(true, false, true),
            7 => rdw(false, true, true),
            8 => rdw(true, true, true),
            // Bit 4 picks the little-endian prefix, or an arbitrary delimiter for lines.
            9 if b & 0x10 != 0 => Mode::Framed(Framing::Len2Le),
            10 if b & 0x10 != 0 => Mode::Framed(Framing::Len4Le),
            11 if b & 0x10 != 0 => Mode::Framed(Framing::Delimiter(b >> 5)),
            9 => Mode::Framed(Framing::Len2),
            10 => Mode::Framed(Framing::Len4),
            11 => Mode::Framed(Framing::Lines),
            12 => Mode::Framed(Framing::LinesEbcdic),
            13 => Mode::Measured,
            14 => Mode::Framed(Framing::Spanned { bdw: false }),
            15 => Mode::Framed(Framing::Spanned { bdw: true }),
            _ => Mode::Framed(Framing::Fixed {
                len: usize::from(b >> 4) + 1,
            }),
        }
    }

    /// The framing records are written back with.
    fn write_framing(self) -> Framing {
        match self {
            Mode::Framed(f) => f,
            Mode::Measured => Framing::Fixed { len: 0 },
        }
    }

    /// Whether each record has exactly one framed spelling, so rewriting reproduces the input.
    fn canonical(self) -> bool {
        match self {
            Mode::Framed(Framing::Rdw(o)) => !o.bdw,
            Mode::Framed(
                Framing::Fixed { .. }
                | Framing::Len2
                | Framing::Len4
                | Framing::Len2Le
                | Framing::Len4Le,
            ) => true,
            Mode::Measured => true,
            // Lines lose a CR; spanned input may split records that fit in one segment.
            // A delimited last record may lack its delimiter.
            Mode::Framed(
                Framing::Lines
                | Framing::LinesEbcdic
                | Framing::Delimiter(_)
                | Framing::Spanned { .. },
            ) => false,
        }
    }
}

/// The outcome of reading a whole stream.
#[derive(Debug, PartialEq)]
struct Outcome {
    records: Vec<Vec<u8>>,
    /// The error's message, if reading stopped on one.
    error: Option<String>,
    consumed: u64,
}

fn measure(bytes: &[u8]) -> Result<usize, String> {
    let n = usize::from(bytes.first().copied().unwrap_or(0) % 16) + 1;
    if n <= bytes.len() {
        Ok(n)
    } else {
        Err(format!("needs {n} bytes, {} left", bytes.len()))
    }
}

fn read_all<R: Read>(mode: Mode, mut reader: RecordReader<R>) -> Outcome {
    let mut records = Vec::new();
    let error = loop {
        let next = match mode {
            Mode::Framed(_) => reader.next_record().map_err(|e| e.to_string()),
            Mode::Measured => reader
                .next_measured(MEASURED_MAX, measure)
                .map_err(|e| e.to_string()),
        };
        match next {
            Ok(Some(rec)) => {
                records.push(rec.to_vec());
                assert_eq!(reader.record_number(), records.len() as u64);
                assert!(reader.record_offset() < reader.bytes_read());
            }
            Ok(None) => break None,
            Err(e) => {
                // Framing errors are fatal and stay so.
                assert!(!reader.can_continue(), "{e}");
                assert!(matches!(reader.next_record(), Err(FramingError::Failed)));
                break Some(e);
            }
        }
    };
    Outcome {
        records,
        error,
        consumed: reader.bytes_read(),
    }
}

fn write_all(framing: Framing, records: &[Vec<u8>]) -> Result<Vec<u8>, FramingError> {
    let mut w = RecordWriter::new(Vec::new(), framing);
    for r in records {
        w.write_record(r)?;
    }
    w.finish()
}

/// Runs the framing fuzz property on one input; panics when it does not hold.
pub fn fuzz_check(data: &[u8]) {
    let Some((&selector, stream)) = data.split_first() else {
        return;
    };
    let mode = Mode::from_byte(selector);
    let framing = match mode {
        Mode::Framed(f) => f,
        Mode::Measured => Framing::Fixed { len: 0 },
    };
    // Small limit: the same code paths as 16 MiB, without the memory.
    let max = 1 << 16;
    let whole = read_all(
        mode,
        RecordReader::new(stream, framing).with_max_record_len(max),
    );
    let sizes = stream
        .iter()
        .map(|&b| usize::from(b % 7) + 1)
        .take(64)
        .collect();
    let chunked = RecordReader::new(Chunked::new(stream, sizes), framing)
        .with_max_record_len(max)
        .with_initial_buffer(3);
    assert_eq!(whole, read_all(mode, chunked), "chunked reading differs");

    let write_framing = mode.write_framing();
    let limit = write_framing.write_limit();
    let mut writable = Vec::new();
    for rec in &whole.records {
        match write_all(write_framing, std::slice::from_ref(rec)) {
            Ok(bytes) => {
                let again = read_all(mode, RecordReader::new(&bytes[..], framing));
                assert_eq!(
                    again.records,
                    vec![rec.clone()],
                    "record changed on rewrite"
                );
                assert_eq!(again.error, None);
                writable.push(rec.clone());
            }
            // The writer keeps IBM's limits where readers are lenient.
            Err(FramingError::TooLong { .. }) if rec.len() > limit => {}
            Err(e) => panic!("a record read could not be written: {e}"),
        }
    }
    if mode.canonical() && writable.len() == whole.records.len() {
        let bytes = write_all(write_framing, &whole.records).unwrap_or_default();
        let consumed = usize::try_from(whole.consumed).unwrap_or(usize::MAX);
        assert_eq!(
            Some(&bytes[..]),
            stream.get(..consumed),
            "rewritten stream differs"
        );
    }
    // All writable records together read back as they were (BDW blocks, line endings).
    if let Ok(bytes) = write_all(write_framing, &writable) {
        let again = read_all(mode, RecordReader::new(&bytes[..], framing));
        assert_eq!(again.records, writable, "stream changed on rewrite");
    }
}

/// A reader that hands out its data in chunks of the given sizes (cycled), to exercise
/// every buffer boundary.
#[derive(Debug)]
pub(crate) struct Chunked<'a> {
    data: &'a [u8],
    sizes: Vec<usize>,
    next: usize,
}

impl<'a> Chunked<'a> {
    pub(crate) fn new(data: &'a [u8], sizes: Vec<usize>) -> Self {
        Chunked {
            data,
            sizes,
            next: 0,
        }
    }
}

impl Read for Chunked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = self.sizes.get(self.next).copied().unwrap_or(1).max(1);
        self.next = (self.next + 1) % self.sizes.len().max(1);
        let n = size.min(buf.len()).min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        buf.get_mut(..n).unwrap_or_default().copy_from_slice(head);
        self.data = tail;
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fuzz_check_accepts_valid_and_invalid_streams() {
        // Empty input, valid RDW, garbage RDW, truncated fixed, lines with CRs, measured.
        fuzz_check(b"");
        fuzz_check(b"\x01\x00\x06\x00\x00ab");
        fuzz_check(b"\x01HELLO");
        fuzz_check(b"\x10abcde");
        fuzz_check(b"\x0ba\r\r\nb\rc");
        fuzz_check(b"\x0d\x02ab\x00\x05");
    }

    #[test]
    fn chunked_reads_in_given_sizes() {
        // Sizes 1, 2 cycled, capped by the buffer.
        let mut c = Chunked::new(b"abcdef", vec![1, 2]);
        let mut buf = [0u8; 4];
        assert_eq!(c.read(&mut buf).unwrap(), 1);
        assert_eq!(c.read(&mut buf).unwrap(), 2);
        assert_eq!(c.read(&mut buf[..0]).unwrap(), 0);
        assert_eq!(c.read(&mut buf).unwrap(), 2);
        assert_eq!(c.read(&mut buf).unwrap(), 1);
        // Exhausted: end of input.
        assert_eq!(c.read(&mut buf).unwrap(), 0);
    }
}

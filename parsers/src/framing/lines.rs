//! Text lines: records ended by a terminator byte (LF, or NL 0x15 for EBCDIC text).
//!
//! A CR right before the terminator belongs to the framing (CRLF files), and a last line
//! without a terminator is still a record.

use std::io::Write;

use super::deframer::{Cut, Deframer};

use super::{FramingError, RecordWriter};

/// ASCII line feed.
pub(super) const LF: u8 = 0x0A;
/// EBCDIC new line.
pub(super) const EBCDIC_NL: u8 = 0x15;
/// Carriage return, the same byte in ASCII and EBCDIC.
const CR: u8 = 0x0D;

/// Reads one line ended by `term`. `text` lines (`lines`, `lines-ebcdic`) treat a CR right
/// before it as framing and an unterminated last line as a record; a bare `delimiter`
/// record is its bytes as they are and must end with its delimiter (on a socket, a missing
/// one means the peer went away mid-record).
pub(super) fn read(r: &mut Deframer, term: u8, text: bool) -> Result<bool, Cut> {
    loop {
        // Bytes already searched stay searched while we wait for more (`r.scanned`), so
        // each byte is scanned once however the input arrives.
        let scanned = r.scanned;
        let avail = r.peek(usize::MAX);
        let unscanned = avail.get(scanned..).unwrap_or(&[]);
        if let Some(i) = memchr::memchr(term, unscanned) {
            let end = scanned + i;
            let len = if text && end > 0 && avail.get(end - 1) == Some(&CR) {
                end - 1
            } else {
                end
            };
            r.scanned = 0;
            if len > r.max_record_len {
                return Err(r.too_long(len as u64, r.max_record_len));
            }
            return Ok(r.emit(0, len, end + 1 - len));
        }
        let scanned = avail.len();
        r.scanned = scanned;
        // Room for a CR and the terminator after a record of the largest size.
        if scanned > r.max_record_len.saturating_add(1) {
            return Err(r.too_long(scanned as u64, r.max_record_len));
        }
        let have = r.fill_to(scanned + 1)?;
        if have == scanned {
            // End of input: what is left is the last line, unterminated.
            r.scanned = 0;
            if have == 0 {
                return Ok(false);
            }
            if !text {
                return Err(r.truncated(have, have + 1));
            }
            if have > r.max_record_len {
                return Err(r.too_long(have as u64, r.max_record_len));
            }
            return Ok(r.emit(0, have, 0));
        }
    }
}

/// Bytes of `chunk` up to and including the first terminator (all of it if none).
pub(super) fn take_hint(term: u8, chunk: &[u8]) -> usize {
    memchr::memchr(term, chunk).map_or(chunk.len(), |i| i + 1)
}

/// Writes a line and its terminator.
pub(super) fn write<W: Write>(
    w: &mut RecordWriter<W>,
    term: u8,
    strip_cr: bool,
    record: &[u8],
) -> Result<(), FramingError> {
    if let Some(at) = memchr::memchr(term, record) {
        let (record_no, offset) = w.location();
        return Err(FramingError::ContainsTerminator {
            record: record_no,
            offset,
            at,
            byte: term,
        });
    }
    w.put(record)?;
    // The reader strips one CR before the terminator: add one so the record's own CR survives.
    if strip_cr && record.last() == Some(&CR) {
        w.put(&[CR])?;
    }
    w.put(&[term])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::framing::{Framing, FramingError, RecordReader, RecordWriter};

    fn read_all(data: &[u8], f: Framing) -> Vec<Vec<u8>> {
        let (recs, err) = crate::framing::testing::read_all(data, f);
        assert!(err.is_none(), "{err:?}");
        recs
    }

    #[test]
    fn lf_crlf_and_unterminated_last_line() {
        // LF, CRLF, an empty line, and a last line without terminator.
        let recs = read_all(b"a\nbc\r\n\nlast", Framing::Lines);
        assert_eq!(
            recs,
            vec![b"a".to_vec(), b"bc".to_vec(), vec![], b"last".to_vec()]
        );
        // A final terminator does not make an extra empty record.
        assert_eq!(read_all(b"a\n", Framing::Lines).len(), 1);
        // A lone CR at the end of an unterminated line stays.
        assert_eq!(read_all(b"a\r", Framing::Lines), vec![b"a\r".to_vec()]);
        // Only one CR is framing.
        assert_eq!(read_all(b"a\r\r\n", Framing::Lines), vec![b"a\r".to_vec()]);
    }

    #[test]
    fn ebcdic_lines_use_nl() {
        // 0x15 ends EBCDIC lines; 0x0A (LF) and 0x25 (EBCDIC LF) are data.
        let recs = read_all(b"\xc1\x0a\x15\xc2\x0d\x15\x25", Framing::LinesEbcdic);
        assert_eq!(
            recs,
            vec![b"\xc1\x0a".to_vec(), b"\xc2".to_vec(), b"\x25".to_vec()]
        );
    }

    #[test]
    fn offsets_and_numbers() {
        // Record 2 ("bc") starts at byte 2.
        let mut r = RecordReader::new(&b"a\nbc\n"[..], Framing::Lines);
        r.next_record().unwrap();
        r.next_record().unwrap();
        assert_eq!(
            (r.record_number(), r.record_offset(), r.bytes_read()),
            (2, 2, 5)
        );
    }

    #[test]
    fn overlong_line_is_refused() {
        // A 5-byte line with a 3-byte limit, terminated or not.
        for data in [&b"abcde\n"[..], b"abcde"] {
            let mut r = RecordReader::new(data, Framing::Lines).with_max_record_len(3);
            let e = r.next_record().unwrap_err();
            assert!(
                matches!(
                    e,
                    FramingError::TooLong {
                        record: 1,
                        offset: 0,
                        max: 3,
                        ..
                    }
                ),
                "{e}"
            );
            assert!(!r.can_continue());
            assert!(matches!(r.next_record(), Err(FramingError::Failed)));
        }
    }

    /// Hands out one byte per read: every line spans reads.
    struct OneByte<'a>(&'a [u8]);

    impl std::io::Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            match buf.first_mut() {
                Some(b) => *b = *first,
                None => return Ok(0),
            }
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn lines_at_the_limit_pass_whole_and_byte_by_byte() {
        // Lines of exactly the 3-byte limit, LF and CRLF, the last unterminated: none is
        // too long, and a byte at a time (the CR waiting for its LF) reads the same.
        let data = b"abc\nde\r\nfgh\r\nijk";
        let want: Vec<Vec<u8>> = ["abc", "de", "fgh", "ijk"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        let whole = RecordReader::new(&data[..], Framing::Lines).with_max_record_len(3);
        let trickled = RecordReader::new(OneByte(data), Framing::Lines).with_max_record_len(3);
        for mut r in [Box::new(whole) as Box<dyn NextRecord>, Box::new(trickled)] {
            let mut got = Vec::new();
            while let Some(rec) = r.next().unwrap() {
                got.push(rec);
            }
            assert_eq!(got, want);
        }
        // One byte over, unterminated at the end of input: still too long.
        let mut r = RecordReader::new(OneByte(b"abcd"), Framing::Lines).with_max_record_len(3);
        assert!(matches!(
            r.next_record(),
            Err(FramingError::TooLong { max: 3, .. })
        ));
    }

    #[test]
    fn a_binary_delimited_record_without_its_delimiter_is_truncated() {
        // Only text lines may end without a terminator: a delimited record lacks one byte.
        let mut r = RecordReader::new(OneByte(b"ab|cd"), Framing::Delimiter(b'|'));
        assert_eq!(r.next_record().unwrap(), Some(&b"ab"[..]));
        assert!(matches!(
            r.next_record(),
            Err(FramingError::Truncated {
                record: 2,
                offset: 3,
                have: 2,
                need: 3
            })
        ));
    }

    /// Readers over different inputs, side by side.
    trait NextRecord {
        fn next(&mut self) -> Result<Option<Vec<u8>>, FramingError>;
    }

    impl<R: std::io::Read> NextRecord for RecordReader<R> {
        fn next(&mut self) -> Result<Option<Vec<u8>>, FramingError> {
            self.next_record().map(|r| r.map(<[u8]>::to_vec))
        }
    }

    #[test]
    fn writer_terminates_and_refuses_embedded_terminator() {
        // Each line gets LF; a record ending in CR gets an extra CR before the LF.
        let mut w = RecordWriter::new(Vec::new(), Framing::Lines);
        w.write_record(b"a").unwrap();
        w.write_record(b"b\r").unwrap();
        let e = w.write_record(b"c\nd").unwrap_err();
        assert_eq!(
            e.to_string(),
            "record 3 at byte 6: byte 1 of the record is the line terminator 0A"
        );
        assert_eq!(w.finish().unwrap(), b"a\nb\r\r\n");
        // EBCDIC: NL is the terminator, LF is fine inside.
        let mut w = RecordWriter::new(Vec::new(), Framing::LinesEbcdic);
        w.write_record(b"a\n").unwrap();
        assert!(w.write_record(b"\x15").is_err());
        assert_eq!(w.finish().unwrap(), b"a\n\x15");
    }
}

//! Fixed-length records: every record is the same number of bytes, with no framing bytes.

use std::io::Write;

use super::deframer::{Cut, Deframer};

use super::{FramingError, RecordWriter};

/// Reads one `len`-byte record. A partial record at the end of the input is `Truncated`.
pub(super) fn read(r: &mut Deframer, len: usize) -> Result<bool, Cut> {
    if len == 0 {
        return Err(FramingError::Unsupported(
            "fixed framing without a record length: use next_measured",
        )
        .into());
    }
    if len > r.max_record_len {
        return Err(r.too_long(len as u64, r.max_record_len));
    }
    if !r.fill_whole(len)? {
        return Ok(false);
    }
    Ok(r.emit(0, len, 0))
}

/// Writes one record as it is; with `len > 0` it must be exactly `len` bytes.
pub(super) fn write<W: Write>(
    w: &mut RecordWriter<W>,
    len: usize,
    record: &[u8],
) -> Result<(), FramingError> {
    if len != 0 && record.len() != len {
        let (record_no, offset) = w.location();
        return Err(FramingError::WrongLength {
            record: record_no,
            offset,
            len: record.len(),
            expected: len,
        });
    }
    w.put(record)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::framing::{Framing, FramingError, RecordReader, RecordWriter};

    fn read_all(data: &[u8], len: usize) -> (Vec<Vec<u8>>, Option<FramingError>) {
        crate::framing::testing::read_all(data, Framing::Fixed { len })
    }

    #[test]
    fn reads_records_of_the_given_length() {
        // Two 3-byte records, then a clean end.
        let (recs, err) = read_all(b"abcdef", 3);
        assert_eq!(recs, vec![b"abc".to_vec(), b"def".to_vec()]);
        assert!(err.is_none());
        // Empty input: no records.
        assert_eq!(read_all(b"", 3).0.len(), 0);
    }

    #[test]
    fn trailing_partial_record_is_truncated() {
        // 8 bytes of 3-byte records: record 3 at byte 6 has 2 of 3 bytes.
        let (recs, err) = read_all(b"abcdefgh", 3);
        assert_eq!(recs.len(), 2);
        let e = err.unwrap();
        assert!(matches!(
            e,
            FramingError::Truncated {
                record: 3,
                offset: 6,
                have: 2,
                need: 3
            }
        ));
        assert_eq!(
            e.to_string(),
            "record 3 at byte 6: input ends after 2 of the record's 3 bytes"
        );
    }

    #[test]
    fn zero_length_and_over_limit_are_refused() {
        // len 0 is only for next_measured.
        assert!(matches!(
            read_all(b"ab", 0).1,
            Some(FramingError::Unsupported(_))
        ));
        // A record length beyond the reader's limit.
        let mut r =
            RecordReader::new(&b"abcd"[..], Framing::Fixed { len: 4 }).with_max_record_len(3);
        assert!(matches!(
            r.next_record(),
            Err(FramingError::TooLong { len: 4, max: 3, .. })
        ));
    }

    #[test]
    fn a_record_of_exactly_the_limit_is_read() {
        // The limit is the longest record accepted, not the first one refused.
        let mut r =
            RecordReader::new(&b"abc"[..], Framing::Fixed { len: 3 }).with_max_record_len(3);
        assert_eq!(r.next_record().unwrap(), Some(&b"abc"[..]));
        assert!(r.next_record().unwrap().is_none());
    }

    #[test]
    fn writer_checks_the_length() {
        // Right length is written as is; wrong length is an error naming record 2.
        let mut w = RecordWriter::new(Vec::new(), Framing::Fixed { len: 2 });
        w.write_record(b"ab").unwrap();
        let e = w.write_record(b"abc").unwrap_err();
        assert_eq!(
            e.to_string(),
            "record 2 at byte 2: record is 3 bytes but fixed framing needs exactly 2"
        );
        assert_eq!(w.finish().unwrap(), b"ab");
        // len 0 writes anything as is.
        let mut w = RecordWriter::new(Vec::new(), Framing::Fixed { len: 0 });
        w.write_record(b"a").unwrap();
        w.write_record(b"bcd").unwrap();
        assert_eq!(w.finish().unwrap(), b"abcd");
    }
}

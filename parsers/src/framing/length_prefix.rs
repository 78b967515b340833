//! Length-prefixed records: a 2- or 4-byte big-endian length counting the record only.

use std::io::{Read, Write};

use super::{FramingError, RecordReader, RecordWriter};

/// Reads one record after its `width`-byte (2 or 4) prefix.
pub(super) fn read<R: Read>(
    r: &mut RecordReader<R>,
    width: usize,
) -> Result<Option<&[u8]>, FramingError> {
    let have = r.fill_to(width)?;
    if have == 0 {
        return Ok(None);
    }
    if have < width {
        return Err(r.truncated(have, width));
    }
    let len = r
        .peek(width)
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let len = match usize::try_from(len) {
        Ok(n) if n <= r.max_record_len => n,
        _ => return Err(r.too_long(len, r.max_record_len)),
    };
    let need = width + len;
    let have = r.fill_to(need)?;
    if have < need {
        return Err(r.truncated(have, need));
    }
    Ok(Some(r.emit(width, len, 0)))
}

/// Writes the `width`-byte prefix and the record.
pub(super) fn write<W: Write>(
    w: &mut RecordWriter<W>,
    width: usize,
    record: &[u8],
) -> Result<(), FramingError> {
    let bytes = (record.len() as u64).to_be_bytes();
    // The prefix is the low `width` bytes; anything in the high bytes does not fit.
    let (high, prefix) = bytes.split_at(bytes.len().saturating_sub(width));
    if high.iter().any(|&b| b != 0) {
        let max = if width == 2 {
            u64::from(u16::MAX)
        } else {
            u64::from(u32::MAX)
        };
        return Err(w.too_long(record.len(), usize::try_from(max).unwrap_or(usize::MAX)));
    }
    w.put(prefix)?;
    w.put(record)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::framing::{Framing, FramingError, RecordReader, RecordWriter};

    fn read_all(data: &[u8], f: Framing) -> (Vec<Vec<u8>>, Option<FramingError>) {
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

    #[test]
    fn reads_len2_and_len4() {
        // len2: "ab", then an empty record.
        let (recs, err) = read_all(b"\x00\x02ab\x00\x00", Framing::Len2);
        assert_eq!(recs, vec![b"ab".to_vec(), vec![]]);
        assert!(err.is_none());
        // len4: one 3-byte record.
        let (recs, err) = read_all(b"\x00\x00\x00\x03xyz", Framing::Len4);
        assert_eq!(recs, vec![b"xyz".to_vec()]);
        assert!(err.is_none());
    }

    #[test]
    fn truncated_prefix_and_body() {
        // One byte of a 2-byte prefix.
        let e = read_all(b"\x00", Framing::Len2).1.unwrap();
        assert!(matches!(
            e,
            FramingError::Truncated {
                record: 1,
                offset: 0,
                have: 1,
                need: 2
            }
        ));
        // Record 2 at byte 3 says 5 bytes, only 2 follow (4 of 7 with the prefix).
        let e = read_all(b"\x00\x01a\x00\x05bc", Framing::Len2).1.unwrap();
        assert_eq!(
            e.to_string(),
            "record 2 at byte 3: input ends after 4 of the record's 7 bytes"
        );
    }

    #[test]
    fn hostile_length_is_too_long() {
        // A 4 GiB length against the 16 MiB default limit: refused before any allocation.
        let e = read_all(b"\xff\xff\xff\xffabc", Framing::Len4).1.unwrap();
        assert_eq!(
            e.to_string(),
            "record 1 at byte 0: length 4294967295 exceeds the limit of 16777216 bytes"
        );
    }

    #[test]
    fn writes_prefixes_and_refuses_oversized() {
        // Big-endian prefixes.
        let mut w = RecordWriter::new(Vec::new(), Framing::Len4);
        w.write_record(b"hi").unwrap();
        assert_eq!(w.finish().unwrap(), b"\x00\x00\x00\x02hi");
        // 65536 bytes do not fit len2.
        let mut w = RecordWriter::new(Vec::new(), Framing::Len2);
        let e = w.write_record(&vec![0; 65536]).unwrap_err();
        assert!(matches!(
            e,
            FramingError::TooLong {
                record: 1,
                len: 65536,
                max: 65535,
                ..
            }
        ));
        // 65535 do.
        w.write_record(&vec![0; 65535]).unwrap();
        assert_eq!(w.finish().unwrap().len(), 65537);
    }
}

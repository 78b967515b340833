//! Length-prefixed records: a 2- or 4-byte length counting the record only, big-endian
//! (`len2`, `len4`) or little-endian (`len2-le`, `len4-le`, written by x86 programs).

use std::io::Write;

use super::deframer::{Cut, Deframer};

use super::{FramingError, RecordWriter};

/// Reads one record after its `width`-byte (2 or 4) prefix.
pub(super) fn read(r: &mut Deframer, width: usize, little_endian: bool) -> Result<bool, Cut> {
    if !r.fill_whole(width)? {
        return Ok(false);
    }
    let len = prefix_value(r.peek(width), little_endian);
    let len = match usize::try_from(len) {
        Ok(n) if n <= r.max_record_len => n,
        _ => return Err(r.too_long(len, r.max_record_len)),
    };
    r.fill_exact(width + len)?;
    Ok(r.emit(width, len, 0))
}

/// The longest record a `width`-byte (2 or 4) prefix can announce.
pub(super) fn max_len(width: usize) -> usize {
    let max = if width == 2 {
        u64::from(u16::MAX)
    } else {
        u64::from(u32::MAX)
    };
    usize::try_from(max).unwrap_or(usize::MAX)
}

/// The length a prefix holds.
fn prefix_value(prefix: &[u8], little_endian: bool) -> u64 {
    let fold = |acc: u64, &b: &u8| (acc << 8) | u64::from(b);
    if little_endian {
        prefix.iter().rev().fold(0, fold)
    } else {
        prefix.iter().fold(0, fold)
    }
}

/// Writes the `width`-byte prefix and the record.
pub(super) fn write<W: Write>(
    w: &mut RecordWriter<W>,
    width: usize,
    little_endian: bool,
    record: &[u8],
) -> Result<(), FramingError> {
    let bytes = (record.len() as u64).to_be_bytes();
    // The prefix is the low `width` bytes; anything in the high bytes does not fit.
    let (high, low) = bytes.split_at(bytes.len().saturating_sub(width));
    let mut buf = [0u8; 8];
    let prefix = buf.get_mut(..low.len()).unwrap_or_default();
    prefix.copy_from_slice(low);
    if little_endian {
        prefix.reverse();
    }
    if high.iter().any(|&b| b != 0) {
        return Err(w.too_long(record.len(), max_len(width)));
    }
    w.put(prefix)?;
    w.put(record)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::framing::testing::read_all;
    use crate::framing::{Framing, FramingError, RecordWriter};

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
    fn little_endian_prefixes_read_and_write() {
        // len2-le: 03 00 is three bytes; len4-le: 02 00 00 00 is two.
        let (recs, err) = read_all(b"\x03\x00abc", Framing::Len2Le);
        assert_eq!((recs, err.is_none()), (vec![b"abc".to_vec()], true));
        let (recs, err) = read_all(b"\x02\x00\x00\x00hi", Framing::Len4Le);
        assert_eq!((recs, err.is_none()), (vec![b"hi".to_vec()], true));
        // The same bytes read big-endian are a 768-byte record, truncated.
        assert!(read_all(b"\x03\x00abc", Framing::Len2).1.is_some());
        let mut w = RecordWriter::new(Vec::new(), Framing::Len2Le);
        w.write_record(b"xyz").unwrap();
        assert_eq!(w.finish().unwrap(), b"\x03\x00xyz");
        let mut w = RecordWriter::new(Vec::new(), Framing::Len4Le);
        w.write_record(&vec![7; 0x0102]).unwrap();
        assert_eq!(&w.finish().unwrap()[..4], b"\x02\x01\x00\x00");
        // Past the 2-byte field: refused, as big-endian.
        let mut w = RecordWriter::new(Vec::new(), Framing::Len2Le);
        assert!(w.write_record(&vec![0; 65536]).is_err());
        // A hostile little-endian header is refused before its body arrives.
        let e = read_all(b"\xff\xff\xff\xff", Framing::Len4Le).1.unwrap();
        assert!(matches!(
            e,
            FramingError::TooLong {
                len: 4294967295,
                ..
            }
        ));
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

//! IBM variable-length records: RDW before each record, optionally BDW blocks around them.
//!
//! An RDW is a 2-byte length (big-endian, counting the 4 RDW bytes, on IBM) and two zero
//! bytes. A BDW is the same shape for a block of RDW records; a BDW whose first bit is set
//! is the extended form, a 31-bit length in all 4 bytes. Non-zero reserved bytes are the
//! usual sign that a file is not RDW-framed at all (or is spanned, `RECFM=VBS`: read it
//! with `vbs.rs`), so they are reported rather than skipped.

use std::io::Write;

use super::deframer::{Cut, Deframer};

use super::{FramingError, RdwOptions, RecordWriter};

/// Largest record in an RDW: IBM's 32760-byte LRECL limit minus the RDW.
pub(super) const MAX_RDW_RECORD: usize = 32756;
/// Largest block we write: IBM's 32760-byte BLKSIZE limit for VB.
pub(super) const MAX_BLOCK: usize = 32760;
/// Largest record in a BDW block: one RDW record filling a whole block.
pub(super) const MAX_BDW_RECORD: usize = MAX_BLOCK - 8;

pub(super) const HEADER: usize = 4;

/// The header convention of spanned files: IBM's (big-endian, length counting the header).
pub(super) const VBS: RdwOptions = RdwOptions {
    bdw: true,
    ..RdwOptions::IBM
};

/// Length of the whole RDW record (header included) that `h` announces.
fn rdw_total(h: [u8; 4], o: RdwOptions) -> Result<usize, &'static str> {
    if h[2] != 0 || h[3] != 0 {
        return Err("has non-zero reserved bytes (is this file really RDW-framed?)");
    }
    let len = usize::from(length_field(h, o));
    if o.length_excludes_header {
        Ok(len + HEADER)
    } else if len < HEADER {
        Err("has a length below 4, the size of the RDW itself (is this file really RDW-framed?)")
    } else {
        Ok(len)
    }
}

/// Length of the whole block (BDW included) that `h` announces.
fn bdw_total(h: [u8; 4], o: RdwOptions) -> Result<u64, &'static str> {
    let len = if !o.little_endian && h[0] & 0x80 != 0 {
        // Extended BDW: 31-bit length in all four bytes.
        u64::from(u32::from_be_bytes(h) & 0x7FFF_FFFF)
    } else if h[2] != 0 || h[3] != 0 {
        return Err("has non-zero reserved bytes (is this file really BDW-framed?)");
    } else {
        u64::from(length_field(h, o))
    };
    if o.length_excludes_header {
        Ok(len + HEADER as u64)
    } else if len < HEADER as u64 {
        Err("has a length below 4, the size of the BDW itself (is this file really BDW-framed?)")
    } else {
        Ok(len)
    }
}

fn length_field(h: [u8; 4], o: RdwOptions) -> u16 {
    if o.little_endian {
        u16::from_le_bytes([h[0], h[1]])
    } else {
        u16::from_be_bytes([h[0], h[1]])
    }
}

/// The 4 header bytes at the reader's position (callers made sure 4 are available).
pub(super) fn peek_header(r: &Deframer) -> [u8; 4] {
    let mut h = [0u8; 4];
    for (d, s) in h.iter_mut().zip(r.peek(HEADER)) {
        *d = *s;
    }
    h
}

pub(super) fn bad_header(
    r: &mut Deframer,
    kind: &'static str,
    header: [u8; 4],
    reason: &'static str,
) -> Cut {
    let e = FramingError::BadHeader {
        record: r.next_number(),
        offset: r.offset(),
        kind,
        header,
        reason,
    };
    r.fail(e)
}

pub(super) fn block_truncated(r: &mut Deframer, have: usize) -> Cut {
    let e = FramingError::BlockTruncated {
        record: r.next_number(),
        offset: r.offset(),
        missing: r.block_left.saturating_sub(have as u64),
        block_offset: r.block_offset,
    };
    r.fail(e)
}

pub(super) fn block_overrun(r: &mut Deframer, need: u64) -> Cut {
    let e = FramingError::BlockOverrun {
        record: r.next_number(),
        offset: r.offset(),
        header: r.peek(HEADER).to_vec(),
        need,
        left: r.block_left,
        block_offset: r.block_offset,
    };
    r.fail(e)
}

/// Moves past BDWs until inside a block with bytes left. `false` at a clean end of input.
pub(super) fn enter_block(r: &mut Deframer, o: RdwOptions) -> Result<bool, Cut> {
    // Empty blocks (BDW length 4) hold no records: skip them.
    while r.block_left == 0 {
        if !r.fill_whole(HEADER)? {
            return Ok(false);
        }
        let h = peek_header(r);
        let total = bdw_total(h, o).map_err(|why| bad_header(r, "BDW", h, why))?;
        r.block_offset = r.offset();
        r.block_left = total - HEADER as u64;
        r.consume(HEADER);
    }
    Ok(true)
}

/// Reads one RDW record (inside BDW blocks if `o.bdw`).
pub(super) fn read(r: &mut Deframer, o: RdwOptions) -> Result<bool, Cut> {
    if o.bdw && !enter_block(r, o)? {
        return Ok(false);
    }
    let have = r.fill_to(HEADER)?;
    if o.bdw {
        if r.block_left < HEADER as u64 {
            return Err(block_overrun(r, HEADER as u64));
        }
        if have < HEADER {
            return Err(block_truncated(r, have));
        }
    } else if have == 0 {
        return Ok(false);
    } else if have < HEADER {
        return Err(r.truncated(have, HEADER));
    }
    let h = peek_header(r);
    let total = rdw_total(h, o).map_err(|why| bad_header(r, "RDW", h, why))?;
    if o.bdw && total as u64 > r.block_left {
        return Err(block_overrun(r, total as u64));
    }
    if total - HEADER > r.max_record_len {
        return Err(r.too_long((total - HEADER) as u64, r.max_record_len));
    }
    let have = r.fill_to(total)?;
    if have < total {
        return Err(if o.bdw {
            block_truncated(r, have)
        } else {
            r.truncated(have, total)
        });
    }
    if o.bdw {
        r.block_left -= total as u64;
    }
    Ok(r.emit(HEADER, total - HEADER, 0))
}

/// A 4-byte RDW/BDW header for a length that fits 16 bits, in the options' convention.
pub(super) fn header(total: usize, o: RdwOptions) -> [u8; 4] {
    let field = if o.length_excludes_header {
        total - HEADER
    } else {
        total
    };
    let field = u16::try_from(field).unwrap_or(u16::MAX);
    let [a, b] = if o.little_endian {
        field.to_le_bytes()
    } else {
        field.to_be_bytes()
    };
    [a, b, 0, 0]
}

/// Writes one record: with its RDW, into the open BDW block if `o.bdw`.
pub(super) fn write<W: Write>(
    w: &mut RecordWriter<W>,
    o: RdwOptions,
    record: &[u8],
) -> Result<(), FramingError> {
    let max = if o.bdw {
        MAX_BDW_RECORD
    } else {
        MAX_RDW_RECORD
    };
    if record.len() > max {
        return Err(w.too_long(record.len(), max));
    }
    let total = record.len() + HEADER;
    if !o.bdw {
        w.put(&header(total, o))?;
        return w.put(record);
    }
    if !w.block.is_empty() && w.block.len() + total > MAX_BLOCK {
        close_block(w, o)?;
    }
    if w.block.is_empty() {
        // Placeholder BDW, filled in when the block closes.
        w.block.extend_from_slice(&[0; HEADER]);
    }
    w.block.extend_from_slice(&header(total, o));
    w.block.extend_from_slice(record);
    Ok(())
}

/// Writes the open BDW block, if any, with its BDW.
pub(super) fn close_block<W: Write>(
    w: &mut RecordWriter<W>,
    o: RdwOptions,
) -> Result<(), FramingError> {
    if w.block.is_empty() {
        return Ok(());
    }
    let mut block = std::mem::take(&mut w.block);
    let bdw = header(block.len(), o);
    for (d, s) in block.iter_mut().zip(bdw) {
        *d = s;
    }
    let result = w.put(&block);
    // Keep the allocation for the next block.
    block.clear();
    w.block = block;
    result
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::framing::{Framing, FramingError, RdwOptions, RecordReader, RecordWriter};

    fn framing(name: &str) -> Framing {
        Framing::parse(name).unwrap()
    }

    fn read_all(data: &[u8], f: &str) -> (Vec<Vec<u8>>, Option<FramingError>) {
        crate::framing::testing::read_all(data, framing(f))
    }

    fn write_all(records: &[&[u8]], f: &str) -> Vec<u8> {
        let mut w = RecordWriter::new(Vec::new(), framing(f));
        for r in records {
            w.write_record(r).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn ibm_rdw_reads_and_writes() {
        // Length 6 = 4 header + "ab"; length 4 = empty record.
        let data = b"\x00\x06\x00\x00ab\x00\x04\x00\x00";
        let (recs, err) = read_all(data, "rdw");
        assert_eq!(recs, vec![b"ab".to_vec(), vec![]]);
        assert!(err.is_none());
        assert_eq!(write_all(&[b"ab", b""], "rdw"), data);
    }

    #[test]
    fn rdw_variants() {
        // Little-endian, header included.
        assert_eq!(write_all(&[b"ab"], "rdw-le"), b"\x06\x00\x00\x00ab");
        // Big-endian, header excluded.
        assert_eq!(write_all(&[b"ab"], "rdw-excl"), b"\x00\x02\x00\x00ab");
        // Little-endian, header excluded.
        assert_eq!(write_all(&[b"ab"], "rdw-le-excl"), b"\x02\x00\x00\x00ab");
        for f in ["rdw-le", "rdw-excl", "rdw-le-excl"] {
            let bytes = write_all(&[b"ab", b"c"], f);
            assert_eq!(
                read_all(&bytes, f).0,
                vec![b"ab".to_vec(), b"c".to_vec()],
                "{f}"
            );
        }
        // Excluded length 0 is an empty record.
        assert_eq!(
            read_all(b"\x00\x00\x00\x00", "rdw-excl").0,
            vec![Vec::<u8>::new()]
        );
    }

    #[test]
    fn reserved_bytes_are_a_bad_header() {
        // Record 2 at byte 6: text where an RDW should be.
        let (recs, err) = read_all(b"\x00\x06\x00\x00abHELLO", "rdw");
        assert_eq!(recs.len(), 1);
        assert_eq!(
            err.unwrap().to_string(),
            "record 2 at byte 6: RDW 48 45 4C 4C has non-zero reserved bytes (is this file really RDW-framed?)"
        );
    }

    #[test]
    fn length_below_header_is_a_bad_header() {
        // Length 3 cannot include a 4-byte RDW.
        let e = read_all(b"\x00\x03\x00\x00", "rdw").1.unwrap();
        assert!(matches!(
            e,
            FramingError::BadHeader {
                kind: "RDW",
                header: [0, 3, 0, 0],
                ..
            }
        ));
    }

    #[test]
    fn record_past_end_of_input_is_truncated() {
        // RDW says 10 bytes (6 of data), 3 follow: 7 of 10.
        let e = read_all(b"\x00\x0a\x00\x00abc", "rdw").1.unwrap();
        assert!(matches!(
            e,
            FramingError::Truncated {
                record: 1,
                offset: 0,
                have: 7,
                need: 10
            }
        ));
        // Half an RDW.
        let e = read_all(b"\x00\x0a", "rdw").1.unwrap();
        assert!(matches!(
            e,
            FramingError::Truncated {
                have: 2,
                need: 4,
                ..
            }
        ));
    }

    #[test]
    fn rdw_limit_on_write_and_read() {
        // 32757 bytes exceed IBM's RDW record limit.
        let mut w = RecordWriter::new(Vec::new(), framing("rdw"));
        assert!(matches!(
            w.write_record(&vec![0; 32757]),
            Err(FramingError::TooLong {
                len: 32757,
                max: 32756,
                ..
            })
        ));
        w.write_record(&vec![0; 32756]).unwrap();
        // The reader's own limit applies to RDW lengths too.
        let mut r = RecordReader::new(&b"\x00\x0a\x00\x00abcdef"[..], framing("rdw"))
            .with_max_record_len(5);
        assert!(matches!(
            r.next_record(),
            Err(FramingError::TooLong { len: 6, max: 5, .. })
        ));
    }

    #[test]
    fn rdw_limits_hold_at_the_exact_edge() {
        // The writer's limit: 32756 bytes is written (RDW length 32760 = 0x7FF8) and
        // reads back whole; one byte more is refused above.
        let rec = vec![0xC1; 32756];
        let bytes = write_all(&[&rec], "rdw");
        assert_eq!(&bytes[..4], b"\x7f\xf8\x00\x00");
        let (recs, err) = read_all(&bytes, "rdw");
        assert_eq!(recs, vec![rec]);
        assert!(err.is_none());
        // The reader's limit: a record of exactly the maximum is read, one more is not.
        let six = b"\x00\x0a\x00\x00abcdef";
        let mut r = RecordReader::new(&six[..], framing("rdw")).with_max_record_len(6);
        assert_eq!(r.next_record().unwrap(), Some(&b"abcdef"[..]));
        let mut r = RecordReader::new(&six[..], framing("rdw")).with_max_record_len(5);
        assert!(matches!(
            r.next_record(),
            Err(FramingError::TooLong { len: 6, max: 5, .. })
        ));
        // The same edges when the length excludes the header.
        let six = b"\x00\x06\x00\x00abcdef";
        let mut r = RecordReader::new(&six[..], framing("rdw-excl")).with_max_record_len(6);
        assert_eq!(r.next_record().unwrap(), Some(&b"abcdef"[..]));
        let mut r = RecordReader::new(&six[..], framing("rdw-excl")).with_max_record_len(5);
        assert!(matches!(
            r.next_record(),
            Err(FramingError::TooLong { len: 6, max: 5, .. })
        ));
    }

    #[test]
    fn each_reserved_byte_alone_is_a_bad_header() {
        // Either reserved byte set on its own is enough (RDW and BDW).
        for h in [b"\x00\x06\x01\x00ab", b"\x00\x06\x00\x01ab"] {
            let e = read_all(h, "rdw").1.unwrap();
            assert!(
                matches!(e, FramingError::BadHeader { kind: "RDW", .. }),
                "{e:?}"
            );
        }
        for h in [b"\x00\x0a\x01\x00", b"\x00\x0a\x00\x01"] {
            let e = read_all(h, "bdw").1.unwrap();
            assert!(
                matches!(e, FramingError::BadHeader { kind: "BDW", .. }),
                "{e:?}"
            );
        }
    }

    #[test]
    fn a_block_filled_exactly_to_32760_is_one_block() {
        // Two records of 16374 bytes: 4 + 2 * (4 + 16374) = 32760, the block limit
        // exactly, so both share one block; a third opens the next.
        let rec = vec![1u8; 16374];
        let bytes = write_all(&[&rec, &rec, &rec], "bdw");
        assert_eq!(&bytes[..4], b"\x7f\xf8\x00\x00");
        assert_eq!(&bytes[32760..32764], b"\x3f\xfe\x00\x00");
        assert_eq!(bytes.len(), 32760 + 4 + 16378);
        assert_eq!(read_all(&bytes, "bdw").0.len(), 3);
        // One byte more each: the second record no longer fits the first block.
        let rec = vec![1u8; 16375];
        let bytes = write_all(&[&rec, &rec], "bdw");
        assert_eq!(&bytes[..4], b"\x3f\xff\x00\x00");
    }

    #[test]
    fn a_little_endian_bdw_has_no_extended_form() {
        // A block of 0x86 bytes little-endian starts 86 00: its first byte has the high
        // bit set, which marks an extended BDW only in IBM's big-endian form.
        let rec = vec![b'x'; 0x86 - 8];
        let f = Framing::Rdw(RdwOptions {
            little_endian: true,
            length_excludes_header: false,
            bdw: true,
        });
        let mut w = RecordWriter::new(Vec::new(), f);
        w.write_record(&rec).unwrap();
        let bytes = w.finish().unwrap();
        assert_eq!(&bytes[..4], b"\x86\x00\x00\x00");
        let mut r = RecordReader::new(&bytes[..], f);
        assert_eq!(r.next_record().unwrap(), Some(&rec[..]));
        assert_eq!(r.next_record().unwrap(), None);
    }

    #[test]
    fn bdw_blocks() {
        // One block of 4 + 6 + 5 bytes with records "ab" and "c", then an empty block,
        // then a block with one empty record.
        let data = b"\x00\x0f\x00\x00\x00\x06\x00\x00ab\x00\x05\x00\x00c\x00\x04\x00\x00\x00\x08\x00\x00\x00\x04\x00\x00";
        let (recs, err) = read_all(data, "bdw");
        assert_eq!(recs, vec![b"ab".to_vec(), b"c".to_vec(), vec![]]);
        assert!(err.is_none());
        // The writer puts both records in one block.
        assert_eq!(write_all(&[b"ab", b"c"], "vb"), &data[..15]);
        // Record offsets are those of the RDWs.
        let mut r = RecordReader::new(&data[..], framing("bdw"));
        r.next_record().unwrap();
        r.next_record().unwrap();
        assert_eq!(r.record_offset(), 10);
    }

    #[test]
    fn extended_bdw() {
        // High bit set: 31-bit length 0x0000000A = BDW + one 6-byte RDW record.
        let data = b"\x80\x00\x00\x0a\x00\x06\x00\x00ab";
        let (recs, err) = read_all(data, "bdw");
        assert_eq!(recs, vec![b"ab".to_vec()]);
        assert!(err.is_none(), "{err:?}");
        // The high bit is a flag, not part of the length: the block ends after 10 bytes
        // and a plain BDW follows (a wrong length would run past the input).
        let data = b"\x80\x00\x00\x0a\x00\x06\x00\x00ab\x00\x09\x00\x00\x00\x05\x00\x00c";
        let (recs, err) = read_all(data, "bdw");
        assert_eq!(recs, vec![b"ab".to_vec(), b"c".to_vec()]);
        assert!(err.is_none(), "{err:?}");
    }

    #[test]
    fn bdw_errors() {
        // BDW with reserved bytes set.
        let e = read_all(b"\x00\x0a\x00\x01", "bdw").1.unwrap();
        assert_eq!(
            e.to_string(),
            "record 1 at byte 0: BDW 00 0A 00 01 has non-zero reserved bytes (is this file really BDW-framed?)"
        );
        // BDW length 2.
        let e = read_all(b"\x00\x02\x00\x00", "bdw").1.unwrap();
        assert!(matches!(e, FramingError::BadHeader { kind: "BDW", .. }));
        // Block of 8 holds 4 bytes, the RDW inside says 6.
        let e = read_all(b"\x00\x08\x00\x00\x00\x06\x00\x00ab", "bdw")
            .1
            .unwrap();
        assert_eq!(
            e.to_string(),
            "record 1 at byte 4: RDW 00 06 00 00 needs 6 bytes but the block that starts at byte 0 has only 4 left (BDW length disagrees with its RDWs)"
        );
        // Block of 6 leaves 2 bytes: too few for an RDW.
        let e = read_all(b"\x00\x06\x00\x00\x00\x04", "bdw").1.unwrap();
        assert!(matches!(
            e,
            FramingError::BlockOverrun {
                need: 4,
                left: 2,
                ..
            }
        ));
        // Block of 20, input ends after one 6-byte record: 10 bytes missing.
        let e = read_all(b"\x00\x14\x00\x00\x00\x06\x00\x00ab", "bdw")
            .1
            .unwrap();
        assert_eq!(
            e.to_string(),
            "record 2 at byte 10: input ends 10 bytes before the end of the block that starts at byte 0"
        );
        // Input ends inside an RDW record inside a block.
        let e = read_all(b"\x00\x14\x00\x00\x00\x08\x00\x00ab", "bdw")
            .1
            .unwrap();
        assert!(matches!(
            e,
            FramingError::BlockTruncated { missing: 10, .. }
        ));
        // Half a BDW.
        let e = read_all(b"\x00", "bdw").1.unwrap();
        assert!(matches!(
            e,
            FramingError::Truncated {
                have: 1,
                need: 4,
                ..
            }
        ));
    }

    #[test]
    fn bdw_writer_splits_blocks_at_32760() {
        // Three 16000-byte records: two blocks (4+16004+... > 32760 after two).
        let rec = vec![7u8; 16000];
        let bytes = write_all(&[&rec, &rec, &rec], "bdw");
        // First block: BDW + 2 RDW records = 4 + 2 * 16004 = 32012 = 0x7D0C.
        assert_eq!(&bytes[..4], b"\x7d\x0c\x00\x00");
        assert_eq!(&bytes[32012..32016], b"\x3e\x88\x00\x00");
        assert_eq!(read_all(&bytes, "bdw").0.len(), 3);
        // One record filling a whole block is the largest allowed.
        let mut w = RecordWriter::new(Vec::new(), framing("bdw"));
        assert!(matches!(
            w.write_record(&vec![0; 32753]),
            Err(FramingError::TooLong { max: 32752, .. })
        ));
        w.write_record(&vec![0; 32752]).unwrap();
        assert_eq!(&w.finish().unwrap()[..4], b"\x7f\xf8\x00\x00");
    }

    #[test]
    fn bdw_little_endian_excluded() {
        // Options apply to the BDW as well: LE, excluding the header.
        let f = Framing::Rdw(RdwOptions {
            little_endian: true,
            length_excludes_header: true,
            bdw: true,
        });
        let mut w = RecordWriter::new(Vec::new(), f);
        w.write_record(b"ab").unwrap();
        let bytes = w.finish().unwrap();
        assert_eq!(bytes, b"\x06\x00\x00\x00\x02\x00\x00\x00ab");
        let (recs, err) = read_all(&bytes, "bdw-le-excl");
        assert_eq!(recs, vec![b"ab".to_vec()]);
        assert!(err.is_none(), "{err:?}");
        // Two blocks back to back: the second BDW is found where the first block's
        // length (6, plus its own 4 bytes) says it ends.
        let two = [&bytes[..], b"\x05\x00\x00\x00\x01\x00\x00\x00c"].concat();
        let (recs, err) = read_all(&two, "bdw-le-excl");
        assert_eq!(recs, vec![b"ab".to_vec(), b"c".to_vec()]);
        assert!(err.is_none(), "{err:?}");
    }
}

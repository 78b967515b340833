//! IBM spanned variable records (`RECFM=VBS`, or segments without blocks): a record
//! longer than a block is cut into segments, each behind a segment descriptor word (SDW)
//! shaped like an RDW: a 2-byte big-endian length counting the 4 header bytes, a flags
//! byte (0 complete, 1 first, 2 last, 3 middle segment of a record) and a zero byte.
//!
//! Reading joins the segments of a record (a record in one segment is returned without a
//! copy); segments out of order are errors naming the segment. Writing cuts a record into
//! segments only when it does not fit in one block (one segment without blocks); the
//! first segment fills a fresh block, and each next one starts a new block.

use std::io::Write;

use super::deframer::{Cut, Deframer};

use super::rdw::{self, HEADER, MAX_BLOCK, MAX_RDW_RECORD, VBS};
use super::{FramingError, RdwOptions, RecordWriter};

/// Segment descriptor flags (third SDW byte).
const COMPLETE: u8 = 0;
const FIRST: u8 = 1;
const LAST: u8 = 2;
const MIDDLE: u8 = 3;

fn options(bdw: bool) -> RdwOptions {
    RdwOptions { bdw, ..VBS }
}

fn bad_segment(r: &mut Deframer, reason: &'static str) -> Cut {
    let e = FramingError::BadSegment {
        record: r.next_number(),
        offset: r.offset(),
        header: r.peek(HEADER).to_vec(),
        reason,
    };
    r.fail(e)
}

/// What the segment walk found.
enum Step {
    /// A clean end of input between records.
    End,
    /// A complete segment of this many record bytes, header not yet consumed.
    Complete(usize),
    /// A spanned record joined in the reader; its first segment began at this offset.
    Joined(u64),
}

/// Reads one record, joining its segments.
pub(super) fn read(r: &mut Deframer, bdw: bool) -> Result<bool, Cut> {
    // A record whose segments are still open resumes where it waited for bytes.
    if r.span_open.is_none() {
        r.joined.clear();
    }
    match walk(r, bdw)? {
        Step::End => Ok(false),
        Step::Complete(len) => Ok(r.emit(HEADER, len, 0)),
        Step::Joined(at) => {
            r.span_open = None;
            Ok(r.emit_joined(at))
        }
    }
}

/// Walks segments up to the end of one record; `r.span_open` is set once a spanned record is.
fn walk(r: &mut Deframer, bdw: bool) -> Result<Step, Cut> {
    let o = options(bdw);
    loop {
        let more = if bdw {
            rdw::enter_block(r, o)?
        } else {
            r.fill_to(HEADER)? > 0
        };
        if !more {
            return match r.span_open {
                None => Ok(Step::End),
                Some(_) => Err(bad_segment(
                    r,
                    "missing: the input ends before the last segment of a spanned record",
                )),
            };
        }
        let have = r.fill_to(HEADER)?;
        if bdw && r.block_left < HEADER as u64 {
            return Err(rdw::block_overrun(r, HEADER as u64));
        }
        if have < HEADER {
            return Err(if bdw {
                rdw::block_truncated(r, have)
            } else {
                r.truncated(have, HEADER)
            });
        }
        let h = rdw::peek_header(r);
        let total = usize::from(u16::from_be_bytes([h[0], h[1]]));
        if h[3] != 0 || h[2] > MIDDLE {
            return Err(rdw::bad_header(
                r,
                "SDW",
                h,
                "has flags other than 0-3 or a non-zero last byte (is this file really spanned?)",
            ));
        }
        if total < HEADER {
            return Err(rdw::bad_header(
                r,
                "SDW",
                h,
                "has a length below 4, the size of the SDW itself",
            ));
        }
        if bdw && total as u64 > r.block_left {
            return Err(rdw::block_overrun(r, total as u64));
        }
        let len = total - HEADER;
        if r.joined.len().saturating_add(len) > r.max_record_len {
            let so_far = (r.joined.len() + len) as u64;
            return Err(r.too_long(so_far, r.max_record_len));
        }
        let have = r.fill_to(total)?;
        if have < total {
            return Err(if bdw {
                rdw::block_truncated(r, have)
            } else {
                r.truncated(have, total)
            });
        }
        let flag = h[2];
        match (r.span_open, flag) {
            (None, COMPLETE) => {
                if bdw {
                    r.block_left -= total as u64;
                }
                return Ok(Step::Complete(len));
            }
            (None, FIRST) => r.span_open = Some(r.offset()),
            (Some(_), MIDDLE | LAST) => {}
            (None, _) => {
                return Err(bad_segment(
                    r,
                    "is a middle or last segment with no first segment before it",
                ))
            }
            (Some(_), _) => {
                return Err(bad_segment(
                    r,
                    "starts a record while the previous spanned record has no last segment",
                ))
            }
        }
        if bdw {
            r.block_left -= total as u64;
        }
        r.join(HEADER, len);
        if flag == LAST {
            return Ok(Step::Joined(r.span_open.unwrap_or_default()));
        }
    }
}

/// Writes one record: one complete segment if it fits, else first, middle..., last.
pub(super) fn write<W: Write>(
    w: &mut RecordWriter<W>,
    bdw: bool,
    record: &[u8],
) -> Result<(), FramingError> {
    let o = options(bdw);
    if bdw && !w.block.is_empty() && w.block.len() + HEADER + record.len() > MAX_BLOCK {
        rdw::close_block(w, o)?;
    }
    let mut rest = record;
    let mut first = true;
    loop {
        let room = if bdw {
            if w.block.is_empty() {
                // Placeholder BDW, filled in when the block closes.
                w.block.extend_from_slice(&[0; HEADER]);
            }
            MAX_BLOCK.saturating_sub(w.block.len() + HEADER)
        } else {
            // Without blocks a segment is only bounded by the RDW record limit.
            MAX_RDW_RECORD
        };
        let take = rest.len().min(room);
        let (part, next) = rest.split_at(take);
        let last = next.is_empty();
        let flag = match (first, last) {
            (true, true) => COMPLETE,
            (true, false) => FIRST,
            (false, true) => LAST,
            (false, false) => MIDDLE,
        };
        let mut sdw = rdw::header(take + HEADER, o);
        sdw[2] = flag;
        if bdw {
            w.block.extend_from_slice(&sdw);
            w.block.extend_from_slice(part);
        } else {
            w.put(&sdw)?;
            w.put(part)?;
        }
        if last {
            return Ok(());
        }
        if bdw {
            rdw::close_block(w, o)?;
        }
        rest = next;
        first = false;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::framing::testing::read_all;
    use crate::framing::{Framing, FramingError, RecordReader, RecordWriter};

    const SEGMENTS: Framing = Framing::Spanned { bdw: false };
    const VBS: Framing = Framing::Spanned { bdw: true };

    #[test]
    fn segments_are_joined_in_order() {
        // "ab" complete; "cdefg" as first "cd", middle "e", last "fg"; then "h".
        let data = b"\x00\x06\x00\x00ab\x00\x06\x01\x00cd\x00\x05\x03\x00e\x00\x06\x02\x00fg\x00\x05\x00\x00h";
        let (recs, err) = read_all(data, SEGMENTS);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(recs, vec![b"ab".to_vec(), b"cdefg".to_vec(), b"h".to_vec()]);
        // The joined record is numbered once and located at its first segment.
        let mut r = RecordReader::new(&data[..], SEGMENTS);
        r.next_record().unwrap();
        r.next_record().unwrap();
        assert_eq!((r.record_number(), r.record_offset()), (2, 6));
    }

    #[test]
    fn segments_out_of_order_are_located() {
        // A middle segment first.
        let (_, e) = read_all(b"\x00\x05\x03\x00x", SEGMENTS);
        let e = e.unwrap();
        assert!(
            matches!(
                e,
                FramingError::BadSegment {
                    record: 1,
                    offset: 0,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("no first segment"), "{e}");
        // A complete segment while a record is open (its last segment lost).
        let (recs, e) = read_all(
            b"\x00\x05\x00\x00a\x00\x05\x01\x00b\x00\x05\x00\x00c",
            SEGMENTS,
        );
        assert_eq!(recs, vec![b"a".to_vec()]);
        let e = e.unwrap();
        assert!(
            matches!(
                e,
                FramingError::BadSegment {
                    record: 2,
                    offset: 10,
                    ..
                }
            ),
            "{e}"
        );
        assert_eq!(
            e.to_string(),
            "record 2 at byte 10: spanned segment 00 05 00 00 starts a record while the previous spanned record has no last segment"
        );
        // The input ends inside a spanned record.
        let (_, e) = read_all(b"\x00\x05\x01\x00a", SEGMENTS);
        assert!(e
            .unwrap()
            .to_string()
            .contains("ends before the last segment"));
        // Flags beyond 3 are not a spanned file.
        let (_, e) = read_all(b"\x00\x05\x04\x00a", SEGMENTS);
        assert!(matches!(
            e,
            Some(FramingError::BadHeader { kind: "SDW", .. })
        ));
    }

    #[test]
    fn long_records_are_written_spanned_and_read_back() {
        // Records longer than a block span blocks; short ones stay whole.
        let long: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
        for f in [VBS, SEGMENTS] {
            let mut w = RecordWriter::new(Vec::new(), f);
            for r in [&b"short"[..], &long, b"", b"x"] {
                w.write_record(r).unwrap();
            }
            let bytes = w.finish().unwrap();
            let (recs, err) = read_all(&bytes, f);
            assert!(err.is_none(), "{f}: {err:?}");
            assert_eq!(
                recs,
                vec![b"short".to_vec(), long.clone(), vec![], b"x".to_vec()],
                "{f}"
            );
        }
        // Without blocks: 32756 + 32756 + 4488 bytes in first, middle, last segments.
        let mut w = RecordWriter::new(Vec::new(), SEGMENTS);
        w.write_record(&long).unwrap();
        let bytes = w.finish().unwrap();
        assert_eq!(&bytes[..4], b"\x7f\xf8\x01\x00");
        assert_eq!(&bytes[32760..32764], b"\x7f\xf8\x03\x00");
        assert_eq!(&bytes[65520..65524], &[0x11, 0x8c, 0x02, 0x00]);
        assert_eq!(bytes.len(), 70_000 + 12);
    }

    #[test]
    fn vbs_blocks_hold_segments() {
        // One block (BDW 4 + SDW 4 + 2) holding a complete segment.
        let mut w = RecordWriter::new(Vec::new(), VBS);
        w.write_record(b"ab").unwrap();
        assert_eq!(w.finish().unwrap(), b"\x00\x0a\x00\x00\x00\x06\x00\x00ab");
        // A segment longer than what its block has left is refused.
        let (_, e) = read_all(b"\x00\x0a\x00\x00\x00\x08\x00\x00ab", VBS);
        assert!(
            matches!(e, Some(FramingError::BlockOverrun { .. })),
            "{e:?}"
        );
    }

    fn write_vbs(records: &[&[u8]]) -> Vec<u8> {
        let mut w = RecordWriter::new(Vec::new(), VBS);
        for r in records {
            w.write_record(r).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn short_records_share_a_block() {
        // BDW 15 = 4 + (4 + 2) + (4 + 1): both complete segments in one block.
        assert_eq!(
            write_vbs(&[b"ab", b"c"]),
            b"\x00\x0f\x00\x00\x00\x06\x00\x00ab\x00\x05\x00\x00c"
        );
    }

    #[test]
    fn a_record_that_fits_the_open_block_exactly_stays_in_it() {
        // 4 + (4 + 16000) + (4 + 16748) = 32760: the second record fills the block to the
        // byte, whole, without a new block or a split.
        let (a, b) = (vec![1u8; 16000], vec![2u8; 16748]);
        let bytes = write_vbs(&[&a, &b]);
        assert_eq!(bytes.len(), 32760);
        assert_eq!(&bytes[..4], b"\x7f\xf8\x00\x00");
        assert_eq!(&bytes[16008..16012], &[0x41, 0x70, 0x00, 0x00]);
        // One byte more does not fit what is left: the open block is closed and the
        // record goes whole (flags 00) into a fresh block rather than being spanned.
        let b = vec![2u8; 16749];
        let bytes = write_vbs(&[&a, &b]);
        assert_eq!(&bytes[..4], &[0x3e, 0x88, 0x00, 0x00]);
        assert_eq!(
            &bytes[16008..16016],
            &[0x41, 0x75, 0x00, 0x00, 0x41, 0x71, 0x00, 0x00]
        );
        assert_eq!(bytes.len(), 16008 + 8 + 16749);
        // Far too long for the open block: also closed first.
        let b = vec![2u8; 20000];
        let bytes = write_vbs(&[&a, &b]);
        assert_eq!(
            &bytes[16008..16016],
            &[0x4e, 0x28, 0x00, 0x00, 0x4e, 0x24, 0x00, 0x00]
        );
    }

    #[test]
    fn a_spanned_record_fills_each_fresh_block() {
        // 70000 bytes: the first segment takes all a fresh block holds (32760 - 8 =
        // 32752 bytes, SDW length 32756 = 7F F4), flags first; so does the middle one.
        let long = vec![3u8; 70_000];
        let bytes = write_vbs(&[&long]);
        assert_eq!(&bytes[..8], b"\x7f\xf8\x00\x00\x7f\xf4\x01\x00");
        assert_eq!(&bytes[32760..32768], b"\x7f\xf8\x00\x00\x7f\xf4\x03\x00");
        // The rest, 70000 - 2 * 32752 = 4496 bytes: SDW 4500 = 11 94, flags last.
        assert_eq!(
            &bytes[65520..65528],
            &[0x11, 0x98, 0x00, 0x00, 0x11, 0x94, 0x02, 0x00]
        );
        assert_eq!(bytes.len(), 70_000 + 3 * 8);
    }

    #[test]
    fn the_record_limit_counts_joined_segments_at_the_edge() {
        // "cd" then "efg": a 5-byte record. A limit of 5 reads it; 4 refuses it once the
        // last segment would make 5 (the count is of the joined record, not one segment).
        let data = b"\x00\x06\x01\x00cd\x00\x07\x02\x00efg";
        let mut r = RecordReader::new(&data[..], SEGMENTS).with_max_record_len(5);
        assert_eq!(r.next_record().unwrap(), Some(&b"cdefg"[..]));
        let mut r = RecordReader::new(&data[..], SEGMENTS).with_max_record_len(4);
        let e = r.next_record().unwrap_err();
        assert!(
            matches!(e, FramingError::TooLong { len: 5, max: 4, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn block_room_for_an_sdw_is_checked_at_the_edge() {
        // A block with exactly 4 bytes left holds an empty complete segment.
        let (recs, err) = read_all(b"\x00\x08\x00\x00\x00\x04\x00\x00", VBS);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(recs, vec![Vec::<u8>::new()]);
        // With 2 left, the SDW itself does not fit: refused for the 4 header bytes, before
        // the SDW (which would claim 5) is read.
        let (_, e) = read_all(b"\x00\x06\x00\x00\x00\x05\x00\x00x", VBS);
        assert!(
            matches!(
                e,
                Some(FramingError::BlockOverrun {
                    need: 4,
                    left: 2,
                    ..
                })
            ),
            "{e:?}"
        );
    }
}

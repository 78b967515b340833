//! LLZZ segments: a 2-byte big-endian length that counts itself, 2 reserved bytes, data.
//! Shared by requests (where LL = 4 with ZZ = 0 is the end of message) and answers.

use super::{ImsError, MAX_SEGMENT_LEN};

/// Largest data length of one segment.
pub const MAX_SEGMENT_DATA: usize = MAX_SEGMENT_LEN - 4;

/// Appends `LL ZZ data` with ZZ = 0. `index` names the segment in errors.
pub fn put_segment(index: usize, data: &[u8], out: &mut Vec<u8>) -> Result<(), ImsError> {
    put_segment_parts(index, &[], data, out)
}

/// Appends one segment whose data is `head` then `tail` (the first request segment is the
/// transaction code followed by the caller's data).
pub fn put_segment_parts(
    index: usize,
    head: &[u8],
    tail: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), ImsError> {
    let len = head.len() + tail.len();
    if len > MAX_SEGMENT_DATA {
        return Err(ImsError::SegmentTooLong {
            index,
            len,
            max: MAX_SEGMENT_DATA.saturating_sub(head.len()),
        });
    }
    // Fits: len + 4 <= 0x7FFF.
    let ll = u16::try_from(len + 4).unwrap_or(u16::MAX);
    out.extend_from_slice(&ll.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(head);
    out.extend_from_slice(tail);
    Ok(())
}

/// One segment found in a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// LL: the whole segment's length.
    pub ll: usize,
    /// The two ZZ bytes.
    pub zz: [u8; 2],
    /// The bytes after LLZZ.
    pub data: &'a [u8],
}

/// What [`read_segment`] found at an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentRead<'a> {
    /// A whole segment.
    Segment(Segment<'a>),
    /// The buffer ends before the segment does: this many more bytes are needed.
    NeedMore(usize),
}

/// Reads the segment starting at `buf[at..]`. `base` is the message offset of `buf[0]`
/// for error messages.
pub fn read_segment(buf: &[u8], at: usize, base: usize) -> Result<SegmentRead<'_>, ImsError> {
    let rest = buf.get(at..).unwrap_or_default();
    let (Some(&l0), Some(&l1)) = (rest.first(), rest.get(1)) else {
        return Ok(SegmentRead::NeedMore(2 - rest.len()));
    };
    let ll = usize::from(u16::from_be_bytes([l0, l1]));
    if !(4..=MAX_SEGMENT_LEN).contains(&ll) {
        return Err(ImsError::BadLength {
            field: "segment LL",
            offset: base + at,
            value: ll,
            reason: "must be 4 to 32767 (it counts its own 4 LLZZ bytes)",
        });
    }
    let Some(whole) = rest.get(..ll) else {
        return Ok(SegmentRead::NeedMore(ll - rest.len()));
    };
    let zz = [
        whole.get(2).copied().unwrap_or(0),
        whole.get(3).copied().unwrap_or(0),
    ];
    Ok(SegmentRead::Segment(Segment {
        ll,
        zz,
        data: whole.get(4..).unwrap_or_default(),
    }))
}

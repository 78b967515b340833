//! The sans-I/O record cutter: bytes go in, records come out, no `Read` anywhere.
//!
//! A [`Deframer`] owns one growable buffer. Whoever has the bytes (a file reader, a socket,
//! a pipe, the mock host, the fuzz target) copies them into [`Deframer::spare`] and calls
//! [`Deframer::advance`]; the framing kinds (one file each) look only at that buffer. When
//! a framing needs more bytes than are buffered it says so ([`Advance::Pending`]) instead of
//! reading, so the same code serves blocking files and async sockets (the shape of
//! tokio-util's `Decoder`, without tokio). The caller must say when no more bytes will come
//! ([`Deframer::set_eof`]): only then is a short tail an error rather than a wait.

use super::{fixed, length_prefix, lines, rdw, vbs, Framing, FramingError};

/// Records longer than this are refused unless [`Deframer::with_max_record_len`] says
/// otherwise. One limit for files, backends and the mock host (see docs/records.md).
pub const DEFAULT_MAX_RECORD_LEN: usize = 16 * 1024 * 1024;

/// Buffer size at the first fill: large reads keep the hot path in memory, not in syscalls.
const DEFAULT_INITIAL_BUFFER: usize = 64 * 1024;

/// What [`Deframer::advance`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// A record is ready: [`Deframer::record`] returns it until the next `advance`.
    Record,
    /// Fewer bytes are buffered than the next step needs: give it at least this many
    /// unconsumed bytes in all (or call [`Deframer::set_eof`]), then advance again.
    Pending(usize),
    /// A clean end of input between records.
    End,
}

/// Why a framing kind stopped: waiting for bytes, or a real error.
#[derive(Debug)]
pub(super) enum Cut {
    Pending(usize),
    Fail(FramingError),
}

impl From<FramingError> for Cut {
    fn from(e: FramingError) -> Self {
        Cut::Fail(e)
    }
}

/// Where the last record lies: in the buffer, or joined from spanned segments.
#[derive(Debug, Clone, Copy)]
enum Ready {
    None,
    Buffer(usize, usize),
    Joined,
}

/// Cuts records out of the bytes given to it, according to a [`Framing`].
///
/// Every framing error is fatal, because the next record boundary is unknown: afterwards
/// [`Deframer::can_continue`] is false and advancing returns [`FramingError::Failed`].
#[derive(Debug)]
pub struct Deframer {
    framing: Framing,
    buf: Vec<u8>,
    /// `buf[start..end]` holds the bytes given but not yet consumed.
    start: usize,
    end: usize,
    eof: bool,
    initial_buffer: usize,
    pub(super) max_record_len: usize,
    /// Input offset of `buf[start]`.
    pos: u64,
    /// Number of records returned so far.
    records: u64,
    record_offset: u64,
    failed: bool,
    ready: Ready,
    /// BDW state: bytes left in the current block, and where that block began.
    pub(super) block_left: u64,
    pub(super) block_offset: u64,
    /// Spanned records: the segments joined so far (records that span are copied), and the
    /// input offset of the open record's first segment.
    pub(super) joined: Vec<u8>,
    pub(super) span_open: Option<u64>,
    /// Lines: bytes already searched for the terminator, so waiting rescans nothing.
    pub(super) scanned: usize,
}

impl Deframer {
    /// A cutter of `framing` records. Nothing is allocated until bytes arrive.
    pub fn new(framing: Framing) -> Self {
        Deframer {
            framing,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            initial_buffer: DEFAULT_INITIAL_BUFFER,
            max_record_len: DEFAULT_MAX_RECORD_LEN,
            pos: 0,
            records: 0,
            record_offset: 0,
            failed: false,
            ready: Ready::None,
            block_left: 0,
            block_offset: 0,
            joined: Vec::new(),
            span_open: None,
            scanned: 0,
        }
    }

    /// Sets the largest record accepted (default [`DEFAULT_MAX_RECORD_LEN`]); longer ones are
    /// [`FramingError::TooLong`]. Bounds the memory a hostile length header can make us use.
    pub fn with_max_record_len(mut self, max: usize) -> Self {
        self.max_record_len = max;
        self
    }

    /// Sets the size of the first buffer allocation (default 64 KiB, at least 1).
    pub fn with_initial_buffer(mut self, bytes: usize) -> Self {
        self.initial_buffer = bytes.max(1);
        self
    }

    /// The framing this cutter cuts.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// The largest record accepted.
    pub fn max_record_len(&self) -> usize {
        self.max_record_len
    }

    /// Changes the framing between records (a backend's `fixed` answer length differs per
    /// call). Block and segment state starts afresh; buffered bytes stay.
    pub fn set_framing(&mut self, framing: Framing) {
        self.framing = framing;
        self.block_left = 0;
        self.span_open = None;
        self.scanned = 0;
    }

    /// Writable space after the buffered bytes, at least `min` bytes (at least 1). Fill a
    /// prefix of it and report how much with [`Deframer::commit`].
    pub fn spare(&mut self, min: usize) -> &mut [u8] {
        let min = min.max(1);
        if self.buf.len() - self.end < min {
            self.make_room(self.end - self.start + min);
        }
        self.buf.get_mut(self.end..).unwrap_or_default()
    }

    /// Marks `n` bytes of [`Deframer::spare`] as filled.
    pub fn commit(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// Copies `bytes` in after the buffered ones.
    pub fn extend_from_slice(&mut self, bytes: &[u8]) {
        let space = self.spare(bytes.len());
        if let Some(dst) = space.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
            self.commit(bytes.len());
        }
    }

    /// No more bytes will come: a partial record buffered now is truncated, not pending.
    pub fn set_eof(&mut self) {
        self.eof = true;
    }

    /// Whether [`Deframer::set_eof`] was called.
    pub fn is_eof(&self) -> bool {
        self.eof
    }

    /// Bytes given but not yet consumed by a record.
    pub fn buffered(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or_default()
    }

    /// Cuts the next record if the buffered bytes hold one.
    pub fn advance(&mut self) -> Result<Advance, FramingError> {
        self.ready = Ready::None;
        if self.failed {
            return Err(FramingError::Failed);
        }
        let cut = match self.framing {
            Framing::Fixed { len } => fixed::read(self, len),
            Framing::Rdw(opts) => rdw::read(self, opts),
            Framing::Spanned { bdw } => vbs::read(self, bdw),
            Framing::Len2 => length_prefix::read(self, 2, false),
            Framing::Len4 => length_prefix::read(self, 4, false),
            Framing::Len2Le => length_prefix::read(self, 2, true),
            Framing::Len4Le => length_prefix::read(self, 4, true),
            Framing::Lines => lines::read(self, lines::LF, true),
            Framing::LinesEbcdic => lines::read(self, lines::EBCDIC_NL, true),
            Framing::Delimiter(byte) => lines::read(self, byte, false),
        };
        match cut {
            Ok(true) => Ok(Advance::Record),
            Ok(false) => Ok(Advance::End),
            Err(Cut::Pending(n)) => Ok(Advance::Pending(n)),
            Err(Cut::Fail(e)) => Err(e),
        }
    }

    /// How many bytes of `chunk` (what a socket has buffered) to give after `advance` said
    /// `Pending(want)`, so that no byte past the end of the next record is taken: callers on
    /// a connection leave the rest where it was, for the next record or as a sign the peer
    /// is out of step. Always at least 1 for a non-empty chunk.
    pub fn take_hint(&self, want: usize, chunk: &[u8]) -> usize {
        let needed = want.saturating_sub(self.buffered().len()).max(1);
        let needed = match self.framing {
            // The record ends at the terminator, wherever that is in the chunk.
            Framing::Lines => lines::take_hint(lines::LF, chunk),
            Framing::LinesEbcdic => lines::take_hint(lines::EBCDIC_NL, chunk),
            Framing::Delimiter(byte) => lines::take_hint(byte, chunk),
            _ => needed,
        };
        needed.min(chunk.len())
    }

    /// The record the last [`Deframer::advance`] returned [`Advance::Record`] for (empty otherwise).
    pub fn record(&self) -> &[u8] {
        match self.ready {
            Ready::None => &[],
            Ready::Buffer(first, last) => self.buf.get(first..last).unwrap_or_default(),
            Ready::Joined => &self.joined,
        }
    }

    /// For content-measured records (see `RecordReader::next_measured`): up to `max_len`
    /// unconsumed bytes, or `Pending` while fewer are buffered and more may come.
    pub(super) fn peek_measured(&mut self, max_len: usize) -> Result<Advance, FramingError> {
        self.ready = Ready::None;
        match self.fill_to(max_len) {
            Ok(0) => Ok(Advance::End),
            Ok(_) => Ok(Advance::Record),
            Err(Cut::Pending(n)) => Ok(Advance::Pending(n)),
            Err(Cut::Fail(e)) => Err(e),
        }
    }

    /// 1-based number of the record last returned (0 before the first).
    pub fn record_number(&self) -> u64 {
        self.records
    }

    /// Input offset where the last returned record's framing began (its RDW, not its BDW).
    pub fn record_offset(&self) -> u64 {
        self.record_offset
    }

    /// Input bytes consumed so far: everything up to the end of the last returned record.
    pub fn bytes_read(&self) -> u64 {
        self.pos
    }

    /// Whether cutting can go on: false after any framing error.
    pub fn can_continue(&self) -> bool {
        !self.failed
    }

    // ---- Interface for the framing kinds ----

    /// The number of unconsumed bytes, if at least `n` are buffered or no more will come;
    /// otherwise `Pending(n)`.
    pub(super) fn fill_to(&mut self, n: usize) -> Result<usize, Cut> {
        let have = self.end - self.start;
        if have < n && !self.eof {
            return Err(Cut::Pending(n));
        }
        Ok(have)
    }

    /// Whether the next `n` bytes are all here: `false` at a clean end of input (no byte
    /// left), `Truncated` when the input ends inside them.
    pub(super) fn fill_whole(&mut self, n: usize) -> Result<bool, Cut> {
        let have = self.fill_to(n)?;
        if have == 0 {
            return Ok(false);
        }
        self.fill_exact(n)?;
        Ok(true)
    }

    /// The next `n` bytes are all here, or the input ends inside them: `Truncated`.
    pub(super) fn fill_exact(&mut self, n: usize) -> Result<(), Cut> {
        let have = self.fill_to(n)?;
        if have < n {
            return Err(self.truncated(have, n));
        }
        Ok(())
    }

    /// Frees space at the tail: slide unconsumed bytes to the front, growing (doubling, up to
    /// what `n` needs) only when the buffer itself is too small.
    fn make_room(&mut self, n: usize) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let len = self.buf.len();
        if len < n || self.end == len {
            let grown = if len == 0 {
                self.initial_buffer
            } else {
                len.saturating_mul(2)
            };
            self.buf.resize(grown.max(n).max(len + 1), 0);
        }
    }

    /// Up to `n` unconsumed bytes, without consuming them.
    pub(super) fn peek(&self, n: usize) -> &[u8] {
        let end = self.end.min(self.start.saturating_add(n));
        self.buf.get(self.start..end).unwrap_or(&[])
    }

    /// Skips `n` bytes of framing that belong to no record (a BDW).
    pub(super) fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.pos += n as u64;
    }

    /// Marks the next record: `header` framing bytes, `len` record bytes, `trailer` framing
    /// bytes, all already available. Counts the record and consumes all three.
    pub(super) fn emit(&mut self, header: usize, len: usize, trailer: usize) -> bool {
        self.records += 1;
        self.record_offset = self.pos;
        let first = self.start.saturating_add(header).min(self.end);
        let last = first.saturating_add(len).min(self.end);
        let total = header.saturating_add(len).saturating_add(trailer);
        self.consume(total);
        self.ready = Ready::Buffer(first, last);
        true
    }

    /// Appends `len` record bytes after `header` framing bytes (all available) to the
    /// joined record, consuming both.
    pub(super) fn join(&mut self, header: usize, len: usize) {
        let first = self.start.saturating_add(header).min(self.end);
        let last = first.saturating_add(len).min(self.end);
        if let Some(part) = self.buf.get(first..last) {
            self.joined.extend_from_slice(part);
        }
        self.consume(header.saturating_add(len));
    }

    /// Marks the joined record, whose first segment began at input offset `offset`.
    pub(super) fn emit_joined(&mut self, offset: u64) -> bool {
        self.records += 1;
        self.record_offset = offset;
        self.ready = Ready::Joined;
        true
    }

    /// Counts a content-measured record of `len` bytes and marks it.
    pub(super) fn emit_measured(&mut self, len: usize) {
        self.emit(0, len, 0);
    }

    /// Number the next record will get, for errors.
    pub(super) fn next_number(&self) -> u64 {
        self.records + 1
    }

    /// Input offset of the next unconsumed byte, for errors.
    pub(super) fn offset(&self) -> u64 {
        self.pos
    }

    /// Marks the cutter failed (framing errors are fatal) and passes the error on.
    pub(super) fn fail(&mut self, e: FramingError) -> Cut {
        self.failed = true;
        Cut::Fail(e)
    }

    /// Marks the cutter failed without an error value (the caller reports its own).
    pub(super) fn mark_failed(&mut self) {
        self.failed = true;
    }

    /// A fatal [`FramingError::TooLong`] for the next record.
    pub(super) fn too_long(&mut self, len: u64, max: usize) -> Cut {
        let e = FramingError::TooLong {
            record: self.next_number(),
            offset: self.pos,
            len,
            max: max as u64,
        };
        self.fail(e)
    }

    /// A fatal [`FramingError::Truncated`] for the next record.
    pub(super) fn truncated(&mut self, have: usize, need: usize) -> Cut {
        let e = FramingError::Truncated {
            record: self.next_number(),
            offset: self.pos,
            have,
            need,
        };
        self.fail(e)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Feeds `data` one byte at a time, collecting records, until End or an error.
    fn byte_by_byte(framing: Framing, data: &[u8]) -> (Vec<Vec<u8>>, Option<FramingError>) {
        let mut d = Deframer::new(framing).with_initial_buffer(1);
        let mut rest = data;
        let mut out = Vec::new();
        loop {
            match d.advance() {
                Ok(Advance::Record) => out.push(d.record().to_vec()),
                Ok(Advance::End) => return (out, None),
                Ok(Advance::Pending(_)) => match rest.split_first() {
                    Some((b, tail)) => {
                        d.extend_from_slice(&[*b]);
                        rest = tail;
                    }
                    None => d.set_eof(),
                },
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn waits_for_bytes_instead_of_failing() {
        // Half a len2 header is pending, not truncated, until the end is announced.
        let mut d = Deframer::new(Framing::Len2);
        d.extend_from_slice(b"\x00");
        assert_eq!(d.advance().unwrap(), Advance::Pending(2));
        d.extend_from_slice(b"\x02a");
        assert_eq!(d.advance().unwrap(), Advance::Pending(4));
        d.extend_from_slice(b"b\x00");
        assert_eq!(d.advance().unwrap(), Advance::Record);
        assert_eq!(d.record(), b"ab");
        assert_eq!(d.buffered(), b"\x00");
        d.set_eof();
        assert!(matches!(
            d.advance(),
            Err(FramingError::Truncated {
                record: 2,
                offset: 4,
                have: 1,
                need: 2
            })
        ));
        assert!(!d.can_continue());
        assert!(matches!(d.advance(), Err(FramingError::Failed)));
    }

    #[test]
    fn byte_by_byte_cuts_what_whole_input_cuts() {
        // Spanned segments, BDW blocks and lines all survive one-byte feeding.
        let cases: [(&str, &[u8]); 4] = [
            (
                "rdw-spanned",
                b"\x00\x06\x01\x00ab\x00\x05\x02\x00c\x00\x05\x00\x00d",
            ),
            ("bdw", b"\x00\x0e\x00\x00\x00\x05\x00\x00x\x00\x05\x00\x00y"),
            ("lines", b"one\r\ntwo\nthree"),
            ("len4-le", b"\x02\x00\x00\x00hi\x00\x00\x00\x00"),
        ];
        for (name, data) in cases {
            let f = Framing::parse(name).unwrap();
            let mut whole = Deframer::new(f);
            whole.extend_from_slice(data);
            whole.set_eof();
            let mut expected = Vec::new();
            while whole.advance().unwrap() == Advance::Record {
                expected.push(whole.record().to_vec());
            }
            let (got, err) = byte_by_byte(f, data);
            assert!(err.is_none(), "{name}: {err:?}");
            assert_eq!(got, expected, "{name}");
            assert!(!got.is_empty(), "{name}");
        }
    }

    #[test]
    fn take_hint_takes_no_byte_past_the_next_record() {
        // len2 "\x00\x04abcd" then the next record: Pending(6) asks for 6 bytes, and with
        // 2 already buffered the hint is the 4 still missing, not the whole chunk.
        let mut d = Deframer::new(Framing::Len2);
        assert_eq!(d.take_hint(6, b"\x00\x04abcd\x00\x01z"), 6);
        d.extend_from_slice(b"\x00\x04");
        assert_eq!(d.take_hint(6, b"abcd\x00\x01z"), 4);
        // Never more than the chunk holds.
        assert_eq!(d.take_hint(6, b"ab"), 2);
        // Terminated records end at the terminator, wherever it is in the chunk.
        for (f, chunk) in [
            (Framing::Lines, &b"ab\ncd\n"[..]),
            (Framing::LinesEbcdic, &b"ab\x15cd\x15"[..]),
            (Framing::Delimiter(b'|'), &b"ab|cd|"[..]),
        ] {
            let d = Deframer::new(f);
            assert_eq!(d.take_hint(1, chunk), 3, "{f}");
        }
    }

    #[test]
    fn spare_always_has_the_room_asked_for() {
        // Chunks of 1 to 7 bytes into a 4-byte first buffer, 3-byte records taken out as
        // they complete: every request for room is met whether the buffer must slide its
        // unconsumed bytes to the front, grow, or both, and no byte is lost.
        let data: Vec<u8> = (0..200u8).collect();
        let mut d = Deframer::new(Framing::Fixed { len: 3 }).with_initial_buffer(4);
        let (mut rest, mut out, mut size) = (&data[..], Vec::new(), 1);
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(size.min(rest.len()));
            for min in [1, chunk.len(), 9] {
                assert!(d.spare(min).len() >= min, "min {min}");
            }
            d.extend_from_slice(chunk);
            rest = tail;
            size = size % 7 + 1;
            while d.advance().unwrap() == Advance::Record {
                out.extend_from_slice(d.record());
            }
        }
        assert_eq!(out, data[..198]);
        assert_eq!(d.buffered(), &data[198..]);
    }

    #[test]
    fn eof_is_only_what_the_caller_said() {
        // Callers on a connection ask whether the peer is done; buffered bytes alone
        // say nothing about it.
        let mut d = Deframer::new(Framing::Len2);
        d.extend_from_slice(b"\x00");
        assert!(!d.is_eof());
        d.set_eof();
        assert!(d.is_eof());
    }

    #[test]
    fn set_framing_cuts_the_next_record_the_new_way() {
        // A backend's fixed answer length changes per call: 3 bytes, then 2, from the
        // same buffered bytes.
        let mut d = Deframer::new(Framing::Fixed { len: 3 });
        d.extend_from_slice(b"abcde");
        assert_eq!(d.advance().unwrap(), Advance::Record);
        assert_eq!(d.record(), b"abc");
        d.set_framing(Framing::Fixed { len: 2 });
        assert_eq!(d.framing(), Framing::Fixed { len: 2 });
        assert_eq!(d.advance().unwrap(), Advance::Record);
        assert_eq!(d.record(), b"de");
    }

    #[test]
    fn a_record_one_past_the_limit_is_refused() {
        // len2 record of 4 bytes with a 4-byte limit passes; 5 bytes is TooLong at once,
        // before its body has arrived.
        let mut d = Deframer::new(Framing::Len2).with_max_record_len(4);
        d.extend_from_slice(b"\x00\x04abcd\x00\x05");
        assert_eq!(d.advance().unwrap(), Advance::Record);
        assert!(matches!(
            d.advance(),
            Err(FramingError::TooLong {
                record: 2,
                len: 5,
                max: 4,
                ..
            })
        ));
    }
}

//! Framing: cutting a byte stream into records, and writing records with their framing.
//!
//! Framing is not format: this module knows where a record starts and ends (fixed length,
//! IBM RDW/BDW headers, a length prefix, a line terminator) and nothing about what is
//! inside. [`RecordReader`] hands out each record as a slice of its internal buffer (no
//! copy per record); [`RecordWriter`] adds the framing back. Each framing kind lives in
//! its own file; this file holds the [`Framing`] choice, its CLI spellings and the errors.
//!
//! ```
//! use ferrule_parsers::framing::{Framing, RecordReader, RecordWriter};
//!
//! let framing = Framing::parse("rdw")?;
//! let mut w = RecordWriter::new(Vec::new(), framing);
//! w.write_record(b"hello")?;
//! let bytes = w.finish()?;
//! assert_eq!(bytes, b"\x00\x09\x00\x00hello");
//!
//! let mut r = RecordReader::new(&bytes[..], framing);
//! while let Some(record) = r.next_record()? {
//!     assert_eq!(record, b"hello");
//! }
//! # Ok::<(), ferrule_parsers::framing::FramingError>(())
//! ```

use std::fmt;

mod deframer;
mod fixed;
mod fuzz;
mod length_prefix;
mod lines;
mod rdw;
mod reader;
#[cfg(test)]
mod testing;
mod vbs;
mod writer;

pub use deframer::{Advance, Deframer, DEFAULT_MAX_RECORD_LEN};
pub use fuzz::fuzz_check;
pub use reader::{MeasuredError, RecordReader};
pub use writer::RecordWriter;

/// How records are delimited in a byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Every record is `len` bytes. `len == 0` means "no fixed length": the writer writes
    /// records as they are, and the reader only supports [`RecordReader::next_measured`].
    Fixed {
        /// Record length in bytes.
        len: usize,
    },
    /// IBM variable records: a 4-byte record descriptor word before each record,
    /// optionally grouped into blocks with a block descriptor word.
    Rdw(RdwOptions),
    /// IBM spanned variable records (`RECFM=VBS`): a record longer than a block is cut
    /// into segments, each with a segment descriptor word (an RDW whose third byte says
    /// complete 0, first 1, last 2 or middle 3); `bdw`: inside BDW blocks. Joined on read.
    Spanned {
        /// Segments are grouped into blocks, each starting with a BDW.
        bdw: bool,
    },
    /// 2-byte big-endian length prefix counting the record only.
    Len2,
    /// 4-byte big-endian length prefix counting the record only.
    Len4,
    /// 2-byte little-endian length prefix counting the record only.
    Len2Le,
    /// 4-byte little-endian length prefix counting the record only.
    Len4Le,
    /// Text lines ended by LF (0x0A); a CR (0x0D) right before the LF is not part of the record.
    Lines,
    /// EBCDIC text lines ended by NL (0x15); a CR (0x0D) right before the NL is not part of the record.
    LinesEbcdic,
    /// Records ended by this byte, taken as is (no CR handling): a backend's `delimiter`.
    Delimiter(u8),
}

/// Variants of the RDW header. The default is IBM's: big-endian, length includes the header, no blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RdwOptions {
    /// The 2-byte length is little-endian (written by some non-IBM tools).
    pub little_endian: bool,
    /// The length counts the record only, not the 4 header bytes.
    pub length_excludes_header: bool,
    /// Records are grouped into blocks, each starting with a BDW (IBM `RECFM=VB`).
    /// The BDW uses the same byte order and length convention as the RDWs.
    pub bdw: bool,
}

impl RdwOptions {
    /// IBM's RDW: big-endian length that includes the 4 header bytes.
    pub const IBM: RdwOptions = RdwOptions {
        little_endian: false,
        length_excludes_header: false,
        bdw: false,
    };
}

/// The spellings [`Framing::parse`] accepts, for help texts.
pub const FRAMING_SPELLINGS: &[&str] = &[
    "fixed:N",
    "rdw",
    "rdw-le",
    "rdw-excl",
    "rdw-le-excl",
    "bdw",
    "vb",
    "bdw-le",
    "bdw-excl",
    "bdw-le-excl",
    "vbs",
    "rdw-spanned",
    "len2",
    "len4",
    "len2-le",
    "len4-le",
    "lines",
    "lines-ebcdic",
    "delimiter:HH",
];

impl Framing {
    /// Parses a CLI spelling (see [`FRAMING_SPELLINGS`]), case-insensitively.
    /// `fixed` without a length means `Fixed { len: 0 }` (length taken from elsewhere).
    pub fn parse(name: &str) -> Result<Framing, FramingError> {
        let lower = name.trim().to_ascii_lowercase();
        let unknown = || FramingError::Unknown(name.to_string());
        match lower.as_str() {
            "fixed" => return Ok(Framing::Fixed { len: 0 }),
            "len2" => return Ok(Framing::Len2),
            "len4" => return Ok(Framing::Len4),
            "len2-le" => return Ok(Framing::Len2Le),
            "len4-le" => return Ok(Framing::Len4Le),
            "lines" => return Ok(Framing::Lines),
            "lines-ebcdic" => return Ok(Framing::LinesEbcdic),
            "vbs" => return Ok(Framing::Spanned { bdw: true }),
            "rdw-spanned" => return Ok(Framing::Spanned { bdw: false }),
            "vb" => {
                return Ok(Framing::Rdw(RdwOptions {
                    bdw: true,
                    ..RdwOptions::IBM
                }))
            }
            _ => {}
        }
        if let Some(n) = lower
            .strip_prefix("fixed:")
            .or_else(|| lower.strip_prefix("fixed="))
        {
            let len = n.parse::<usize>().map_err(|_| unknown())?;
            return Ok(Framing::Fixed { len });
        }
        if let Some(hex) = lower.strip_prefix("delimiter:") {
            let byte =
                u8::from_str_radix(hex.trim_start_matches("0x"), 16).map_err(|_| unknown())?;
            return Ok(Framing::Delimiter(byte));
        }
        let mut parts = lower.split('-');
        let bdw = match parts.next() {
            Some("rdw") => false,
            Some("bdw") => true,
            _ => return Err(unknown()),
        };
        let mut opts = RdwOptions {
            bdw,
            ..RdwOptions::IBM
        };
        // Modifiers in the documented order, each at most once.
        let mut rest = parts.peekable();
        if rest.peek() == Some(&"le") {
            opts.little_endian = true;
            rest.next();
        }
        if rest.peek() == Some(&"excl") {
            opts.length_excludes_header = true;
            rest.next();
        }
        if rest.next().is_some() {
            return Err(unknown());
        }
        Ok(Framing::Rdw(opts))
    }

    /// The spelling [`Framing::parse`] turns back into this framing (e.g. `fixed:80`, `rdw-le`).
    pub fn name(&self) -> String {
        self.to_string()
    }

    /// The longest record [`RecordWriter`] accepts with this framing (for `Fixed`, the only
    /// length it accepts). RDW records stop at IBM's 32756 (32752 inside BDW blocks, whose
    /// size is capped at 32760) even where the header could say more, so output stays valid on z/OS.
    pub fn write_limit(&self) -> usize {
        match *self {
            Framing::Fixed { len: 0 } => usize::MAX,
            Framing::Fixed { len } => len,
            Framing::Rdw(o) if o.bdw => rdw::MAX_BDW_RECORD,
            Framing::Rdw(_) => rdw::MAX_RDW_RECORD,
            Framing::Spanned { .. } => DEFAULT_MAX_RECORD_LEN,
            Framing::Len2 | Framing::Len2Le => length_prefix::max_len(2),
            Framing::Len4 | Framing::Len4Le => length_prefix::max_len(4),
            Framing::Lines | Framing::LinesEbcdic | Framing::Delimiter(_) => usize::MAX,
        }
    }
}

impl fmt::Display for Framing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Framing::Fixed { len: 0 } => f.write_str("fixed"),
            Framing::Fixed { len } => write!(f, "fixed:{len}"),
            Framing::Rdw(o) => {
                f.write_str(if o.bdw { "bdw" } else { "rdw" })?;
                if o.little_endian {
                    f.write_str("-le")?;
                }
                if o.length_excludes_header {
                    f.write_str("-excl")?;
                }
                Ok(())
            }
            Framing::Spanned { bdw: true } => f.write_str("vbs"),
            Framing::Spanned { bdw: false } => f.write_str("rdw-spanned"),
            Framing::Len2 => f.write_str("len2"),
            Framing::Len4 => f.write_str("len4"),
            Framing::Lines => f.write_str("lines"),
            Framing::LinesEbcdic => f.write_str("lines-ebcdic"),
            Framing::Len2Le => f.write_str("len2-le"),
            Framing::Len4Le => f.write_str("len4-le"),
            Framing::Delimiter(b) => write!(f, "delimiter:{b:02x}"),
        }
    }
}

/// Bytes shown as upper-case hex pairs separated by spaces (`00 50 12 34`), for error messages.
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

/// Why records could not be read or written. `record` is the 1-based number of the record
/// concerned and `offset` the byte offset (in the input, or in the output when writing)
/// where its framing begins.
#[derive(Debug, thiserror::Error)]
pub enum FramingError {
    /// The underlying reader or writer failed. Reading may be retried (no bytes were lost).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The input ended inside a record or its header.
    #[error(
        "record {record} at byte {offset}: input ends after {have} of the record's {need} bytes"
    )]
    Truncated {
        record: u64,
        offset: u64,
        have: usize,
        need: usize,
    },
    /// An RDW or BDW header that cannot be right.
    #[error("record {record} at byte {offset}: {kind} {} {reason}", Hex(.header))]
    BadHeader {
        record: u64,
        offset: u64,
        /// `"RDW"` or `"BDW"`.
        kind: &'static str,
        header: [u8; 4],
        reason: &'static str,
    },
    /// A record longer than the framing (or the reader's memory limit) allows.
    #[error("record {record} at byte {offset}: length {len} exceeds the limit of {max} bytes")]
    TooLong {
        record: u64,
        offset: u64,
        len: u64,
        max: u64,
    },
    /// An RDW that does not fit in what its BDW block has left.
    #[error("record {record} at byte {offset}: RDW {} needs {need} bytes but the block that starts at byte {block_offset} has only {left} left (BDW length disagrees with its RDWs)", Hex(.header))]
    BlockOverrun {
        record: u64,
        offset: u64,
        /// The RDW bytes found (fewer than 4 at the end of the input).
        header: Vec<u8>,
        need: u64,
        left: u64,
        block_offset: u64,
    },
    /// The input ended before the end of a BDW block.
    #[error("record {record} at byte {offset}: input ends {missing} bytes before the end of the block that starts at byte {block_offset}")]
    BlockTruncated {
        record: u64,
        offset: u64,
        missing: u64,
        block_offset: u64,
    },
    /// Writing: a record whose length is not the fixed record length.
    #[error("record {record} at byte {offset}: record is {len} bytes but fixed framing needs exactly {expected}")]
    WrongLength {
        record: u64,
        offset: u64,
        len: usize,
        expected: usize,
    },
    /// Writing: a line record that contains its own terminator.
    #[error("record {record} at byte {offset}: byte {at} of the record is the line terminator {byte:02X}")]
    ContainsTerminator {
        record: u64,
        offset: u64,
        at: usize,
        byte: u8,
    },
    /// The `measure` callback of [`RecordReader::next_measured`] returned an impossible length.
    #[error("record {record} at byte {offset}: measured length {got} is not within 1..={given} (the bytes presented)")]
    BadMeasure {
        record: u64,
        offset: u64,
        got: usize,
        given: usize,
    },
    /// A framing name [`Framing::parse`] does not know.
    #[error("unknown framing {0:?}; expected one of: fixed:N, rdw, rdw-le, rdw-excl, rdw-le-excl, bdw (vb), bdw-le, bdw-excl, bdw-le-excl, vbs, rdw-spanned, len2, len4, len2-le, len4-le, lines, lines-ebcdic, delimiter:HH")]
    Unknown(String),
    /// The operation does not apply to this framing.
    #[error("{0}")]
    Unsupported(&'static str),
    /// A spanned-record segment out of order (a middle or last segment with no first one
    /// before it, a complete or first one while a record's segments are still open), or
    /// the input ending inside a spanned record.
    #[error("record {record} at byte {offset}: spanned segment {} {reason}", Hex(.header))]
    BadSegment {
        record: u64,
        offset: u64,
        /// The segment descriptor word found (fewer than 4 bytes at the end of the input).
        header: Vec<u8>,
        reason: &'static str,
    },
    /// A previous framing error left the reader without a record boundary to resume from.
    #[error("reading stopped after an earlier framing error")]
    Failed,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_every_spelling_and_name_round_trips() {
        for s in FRAMING_SPELLINGS {
            let s = s.replace('N', "80").replace("HH", "0a");
            let f = Framing::parse(&s).unwrap();
            assert_eq!(Framing::parse(&f.name()).unwrap(), f, "{s}");
        }
    }

    #[test]
    fn parse_known_values() {
        // IBM RDW is the default option set.
        assert_eq!(
            Framing::parse("rdw").unwrap(),
            Framing::Rdw(RdwOptions::IBM)
        );
        // vb is bdw.
        assert_eq!(
            Framing::parse("VB").unwrap(),
            Framing::parse("bdw").unwrap()
        );
        // Both modifiers, in order.
        assert_eq!(
            Framing::parse("rdw-le-excl").unwrap(),
            Framing::Rdw(RdwOptions {
                little_endian: true,
                length_excludes_header: true,
                bdw: false
            })
        );
        // Fixed with a length, both separators.
        assert_eq!(
            Framing::parse("fixed=80").unwrap(),
            Framing::Fixed { len: 80 }
        );
        assert_eq!(Framing::parse("fixed").unwrap(), Framing::Fixed { len: 0 });
    }

    #[test]
    fn parse_rejects_unknown_names() {
        // Modifiers out of order, repeated, unknown; bad lengths; other words.
        for bad in [
            "rdw-excl-le",
            "rdw-le-le",
            "rdw-x",
            "fixed:",
            "fixed:-1",
            "csv",
            "",
        ] {
            let e = Framing::parse(bad).unwrap_err();
            assert!(matches!(e, FramingError::Unknown(_)), "{bad}");
            assert!(e.to_string().contains("expected one of"));
        }
    }

    #[test]
    fn hex_formats_bytes() {
        // Upper-case pairs with single spaces; nothing for no bytes.
        assert_eq!(Hex(&[0x00, 0x50, 0x12, 0xab]).to_string(), "00 50 12 AB");
        assert_eq!(Hex(&[]).to_string(), "");
    }

    #[test]
    fn write_limits() {
        // IBM limits for RDW, field capacity for length prefixes.
        assert_eq!(Framing::parse("rdw").unwrap().write_limit(), 32756);
        assert_eq!(Framing::parse("bdw").unwrap().write_limit(), 32752);
        assert_eq!(Framing::Len2.write_limit(), 65535);
        assert_eq!(Framing::Fixed { len: 0 }.write_limit(), usize::MAX);
    }
}

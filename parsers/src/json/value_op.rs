//! A flat step's value writer, chosen once when the program is compiled: the common item
//! types under the common options go straight to their text or numeric writer, so the
//! per-value type match and BLANK WHEN ZERO test of [`ItemWriter::item`] are paid at
//! compile time. Anything else still goes through `item`, which stays the one place
//! that knows every type; each direct writer here is the one `item` itself calls for
//! that case, so both write the same text and errors by construction.

use crate::dialect::Endian;
use crate::layout::{DataType, Field, NumericPic, SignPosition};
use crate::numeric;

use super::blank::blank_at_scale;
use super::error::RecordErrorKind;
use super::item::ItemWriter;
use super::walk_rules::trim_trailing;
use super::CodecOptions;

/// How a step writes its value.
#[derive(Clone, Copy)]
pub(crate) enum ValueOp<'l> {
    /// Alphanumeric, left-justified: `ItemWriter::text` with its trailing padding trimmed.
    Text,
    /// Zoned decimal written as a JSON number.
    Zoned {
        pic: &'l NumericPic,
        sign: SignPosition,
    },
    /// Packed decimal under TRUNC(BIN), written as a JSON number.
    Packed { pic: &'l NumericPic },
    /// Big-endian binary (COMP, COMP-4, BINARY) under TRUNC(BIN), written as a JSON number.
    Binary { pic: &'l NumericPic },
    /// Everything else: `ItemWriter::item`.
    General,
}

impl<'l> ValueOp<'l> {
    /// The writer for item `f` of type `dt` under `opts`; `edited` items are General.
    pub fn compile(f: &'l Field, dt: &'l DataType, opts: &CodecOptions) -> ValueOp<'l> {
        // Quoted numbers and blank-means-zero items keep `item`'s extra handling; blank
        // numbers under `--blank-numbers` are caught in `write`, after the fast writer.
        let number = !opts.numbers_as_strings && !f.blank_when_zero;
        let bin = opts.trunc.beyond_pic();
        match dt {
            DataType::Alphanumeric { .. } if !f.justified_right => ValueOp::Text,
            DataType::Zoned { pic, sign } if number => ValueOp::Zoned { pic, sign: *sign },
            DataType::Packed { pic } if number && bin => ValueOp::Packed { pic },
            DataType::Binary {
                pic, native: false, ..
            } if number && bin => ValueOp::Binary { pic },
            _ => ValueOp::General,
        }
    }

    /// Writes the value of a valid field of the usual shape (plain text, numbers that
    /// fit a word: the codecs' `write_json_fast`) and returns true; false, having
    /// written nothing, for anything else, which [`Self::write`] then writes or refuses
    /// with its exact error. Both write the same text: the codecs' `write_json` and
    /// `ItemWriter::text` try the same fast writers first.
    #[inline]
    pub fn write_fast(self, items: &ItemWriter, bytes: &[u8], out: &mut Vec<u8>) -> bool {
        match self {
            ValueOp::Text => {
                let cp = items.opts.codepage;
                cp.json_string_plain(trim_trailing(bytes, items.space), out)
            }
            ValueOp::Zoned { pic, sign } => {
                numeric::zoned::write_json_fast(bytes, pic, sign, items.zoned, out)
            }
            ValueOp::Packed { pic } => numeric::packed::write_json_fast(bytes, pic, out),
            // On error it writes nothing; `write` then reports it.
            ValueOp::Binary { pic } => {
                numeric::binary::write_json(bytes, pic, Endian::Big, out).is_ok()
            }
            ValueOp::General => false,
        }
    }

    /// Writes the value of `bytes`; `General` needs the item itself (`item`).
    #[inline]
    pub fn write(
        self,
        items: &mut ItemWriter,
        bytes: &[u8],
        out: &mut Vec<u8>,
        item: impl FnOnce(&mut ItemWriter, &mut Vec<u8>) -> Result<(), RecordErrorKind>,
    ) -> Result<(), RecordErrorKind> {
        if let ValueOp::Zoned { pic, .. } | ValueOp::Packed { pic } = self {
            let mode = items.opts.blank_numbers;
            if let Some(b) = blank_at_scale(mode, pic.scale, bytes, items.space) {
                items.blank(b, out);
                return Ok(());
            }
        }
        match self {
            ValueOp::Text => items.text(false, bytes, out),
            ValueOp::Zoned { pic, sign } => Ok(numeric::zoned::write_json(
                bytes,
                pic,
                sign,
                items.zoned,
                out,
            )?),
            ValueOp::Packed { pic } => Ok(numeric::packed::write_json(bytes, pic, out)?),
            ValueOp::Binary { pic } => {
                Ok(numeric::binary::write_json(bytes, pic, Endian::Big, out)?)
            }
            ValueOp::General => item(items, out),
        }
    }
}

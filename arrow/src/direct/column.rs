//! One elementary item's Arrow array over a whole batch, a column at a time: for every
//! record, every occurrence of the item (its offsets in the record, in the order a list
//! column holds them), straight from the bytes into the array's buffers. `None` when a
//! value is one the direct path is not sure of (the batch then goes the generic way).

use std::sync::Arc;

use arrow_array::types::{
    Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{ArrayRef, ArrowPrimitiveType, PrimitiveArray, StringArray};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::dialect::FloatFormat;
use ferrule_parsers::json::{is_blank, BlankNumbers};
use ferrule_parsers::layout::{FloatWidth, NumericPic, SignPosition};
use ferrule_parsers::numeric::float::decode_f64;
use ferrule_parsers::numeric::{packed, zoned, ZonedCode};

use super::number::{Binary, Packed, Zoned};
use crate::plan::Leaf;

/// How an item's bytes become a value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Read {
    /// Code-page text, the padding side trimmed of spaces.
    Text {
        codepage: CodePage,
        justified_right: bool,
    },
    /// UTF-16BE text, U+0020 padding trimmed.
    National {
        justified_right: bool,
    },
    Packed(Packed),
    Zoned(Zoned),
    Binary(Binary),
    Float {
        width: FloatWidth,
        format: FloatFormat,
    },
}

/// An integer read, as the column stores it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Number {
    pub read: Read,
    /// Trailing P positions: the stored integer times this (1 without).
    pub times: i128,
    /// BLANK WHEN ZERO: all bytes this space byte is the value 0.
    pub blank: Option<u8>,
    /// `--blank-numbers` for zoned and packed reads (`Error` for every other read):
    /// what all code-page spaces (`space`) or all low-values are.
    pub blanks: BlankNumbers,
    pub space: u8,
}

impl Number {
    /// The value of `bytes` through `read` (the kind's reader, chosen once per column so
    /// that the loop over values inlines it), blank and P scaling applied.
    #[inline(always)]
    fn with(&self, bytes: &[u8], read: impl Fn(&[u8]) -> Option<i128>) -> Option<i128> {
        if let Some(sp) = self.blank {
            if bytes.iter().all(|&b| b == sp) {
                return Some(0);
            }
        }
        if self.blanks == BlankNumbers::Zero && self.is_blank(bytes) {
            return Some(0);
        }
        let v = read(bytes)?;
        if self.times == 1 {
            Some(v)
        } else {
            v.checked_mul(self.times)
        }
    }

    /// All spaces or all low-values (what `--blank-numbers` reads as null or zero).
    #[inline]
    fn is_blank(&self, bytes: &[u8]) -> bool {
        is_blank(bytes, self.space)
    }

    /// What `--blank-numbers` makes of `bytes` when they are a blank it reads (BLANK WHEN
    /// ZERO's spaces are its own zero, read by [`Self::get`]); `None` otherwise.
    #[inline]
    pub(crate) fn blank_reads(&self, bytes: &[u8]) -> Option<BlankNumbers> {
        if self.blanks == BlankNumbers::Error || !self.is_blank(bytes) {
            return None;
        }
        if self.blank.is_some() && bytes.first().copied() == self.blank {
            return None;
        }
        Some(self.blanks)
    }

    /// True when the generic walk accepts `bytes` (a blank read as null is as valid as
    /// one read as zero): for checks of hidden items.
    fn valid(&self, bytes: &[u8]) -> bool {
        (self.blanks != BlankNumbers::Error && self.is_blank(bytes)) || self.get(bytes).is_some()
    }

    /// The value of `bytes` (one call per value: for row-wise writers); `None` for a
    /// blank read as null, which has no value.
    #[inline]
    pub(crate) fn get(&self, bytes: &[u8]) -> Option<i128> {
        match self.read {
            Read::Packed(p) => self.with(bytes, |b| p.read(b)),
            Read::Zoned(z) => self.with(bytes, |b| z.read(b)),
            Read::Binary(x) => self.with(bytes, |b| x.read(b)),
            _ => None,
        }
    }
}

/// A packed or zoned item whose value is its own digits at the column's scale (no P
/// scaling, no BLANK WHEN ZERO): text can be written from those digits, as the JSON
/// writers do, instead of from an integer read first. Only the CSV writer (feature
/// `writers`) writes them.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "writers"), allow(dead_code))]
pub(crate) enum Digits {
    Packed {
        pic: NumericPic,
        /// TRUNC holds the item to its PIC: an even digit count's pad nibble must be 0.
        pad_zero: bool,
    },
    Zoned(NumericPic, SignPosition, ZonedCode),
}

#[cfg_attr(not(feature = "writers"), allow(dead_code))]
impl Digits {
    /// Appends the item's number text, or gives `None` where the generic walk would
    /// refuse the item: the codecs' JSON writers accept exactly what their decoders do,
    /// and the walk's one check beyond them (TRUNC on packed) is the pad nibble. A stored
    /// minus zero is written `0` (an Arrow decimal has no negative zero).
    #[inline]
    pub fn write(self, bytes: &[u8], out: &mut Vec<u8>) -> Option<()> {
        let start = out.len();
        match self {
            Digits::Packed { pic, pad_zero } => {
                if pad_zero && bytes.first().is_some_and(|&b| b >> 4 != 0) {
                    return None;
                }
                packed::write_json(bytes, &pic, out).ok()?;
            }
            Digits::Zoned(pic, sign, code) => {
                zoned::write_json(bytes, &pic, sign, code, out).ok()?;
            }
        }
        if let Some((b'-', rest)) = out.get(start..).and_then(<[u8]>::split_first) {
            if rest.iter().all(|&b| b == b'0' || b == b'.') {
                out.remove(start);
            }
        }
        Some(())
    }
}

/// One leaf: where its occurrences sit in a record and how to read them.
#[derive(Debug, Clone)]
pub(crate) struct LeafProg {
    pub leaf: Leaf,
    pub number: Number,
    /// Packed and zoned columns: their digits, for text.
    #[cfg_attr(not(feature = "writers"), allow(dead_code))]
    pub digits: Option<Digits>,
    /// Offsets of the item's occurrences within a record, in list order.
    pub at: Vec<usize>,
    pub len: usize,
}

impl LeafProg {
    /// The array of every record's occurrences.
    pub fn array(&self, recs: &[&[u8]]) -> Option<ArrayRef> {
        let n = self.number;
        Some(match (self.leaf, n.read) {
            (Leaf::Utf8, Read::Text { .. } | Read::National { .. }) => {
                Arc::new(self.text(recs)?) as ArrayRef
            }
            (Leaf::Decimal { precision, scale }, _) => Arc::new(
                self.numbers::<Decimal128Type>(recs, Some)?
                    .with_precision_and_scale(precision, scale)
                    .ok()?,
            ),
            (Leaf::Int { bytes, signed }, _) => match (bytes, signed) {
                (1, true) => self.int::<Int8Type>(recs)?,
                (2, true) => self.int::<Int16Type>(recs)?,
                (3 | 4, true) => self.int::<Int32Type>(recs)?,
                (_, true) => self.int::<Int64Type>(recs)?,
                (1, false) => self.int::<UInt8Type>(recs)?,
                (2, false) => self.int::<UInt16Type>(recs)?,
                (3 | 4, false) => self.int::<UInt32Type>(recs)?,
                (_, false) => self.int::<UInt64Type>(recs)?,
            },
            (Leaf::Float32, Read::Float { width, format }) => {
                // An IEEE single widened to f64 narrows back exactly.
                Arc::new(self.ints::<Float32Type>(recs, |b| {
                    decode_f64(b, width, format).ok().map(|f| f as f32)
                })?)
            }
            (Leaf::Float64, Read::Float { width, format }) => {
                Arc::new(self.ints::<Float64Type>(recs, |b| decode_f64(b, width, format).ok())?)
            }
            _ => return None,
        })
    }

    fn int<T: ArrowPrimitiveType>(&self, recs: &[&[u8]]) -> Option<ArrayRef>
    where
        T::Native: TryFrom<i128>,
    {
        let a = self.numbers::<T>(recs, |v| T::Native::try_from(v).ok())?;
        Some(Arc::new(a))
    }

    /// Every occurrence's integer through `to` (the column's native type), the kind's
    /// reader picked here, outside the loop.
    fn numbers<T: ArrowPrimitiveType>(
        &self,
        recs: &[&[u8]],
        to: impl Fn(i128) -> Option<T::Native>,
    ) -> Option<PrimitiveArray<T>> {
        let n = &self.number;
        if n.blanks == BlankNumbers::Null {
            return match n.read {
                Read::Packed(p) => self.nullable::<T>(recs, |b| to(n.with(b, |b| p.read(b))?)),
                Read::Zoned(z) => self.nullable::<T>(recs, |b| to(n.with(b, |b| z.read(b))?)),
                _ => None,
            };
        }
        match n.read {
            Read::Packed(p) => self.ints::<T>(recs, |b| to(n.with(b, |b| p.read(b))?)),
            Read::Zoned(z) => self.ints::<T>(recs, |b| to(n.with(b, |b| z.read(b))?)),
            Read::Binary(x) => self.ints::<T>(recs, |b| to(n.with(b, |b| x.read(b))?)),
            _ => None,
        }
    }

    /// Every occurrence's value through `f`, no nulls.
    #[inline]
    fn ints<T: ArrowPrimitiveType>(
        &self,
        recs: &[&[u8]],
        f: impl Fn(&[u8]) -> Option<T::Native>,
    ) -> Option<PrimitiveArray<T>> {
        let mut out = Vec::with_capacity(recs.len() * self.at.len());
        for rec in recs {
            for &at in &self.at {
                out.push(f(rec.get(at..at + self.len)?)?);
            }
        }
        Some(PrimitiveArray::new(ScalarBuffer::from(out), None))
    }

    /// [`Self::ints`] where blanks are null (`--blank-numbers null`); BLANK WHEN ZERO
    /// still reads its spaces as zero (through `f`).
    fn nullable<T: ArrowPrimitiveType>(
        &self,
        recs: &[&[u8]],
        f: impl Fn(&[u8]) -> Option<T::Native>,
    ) -> Option<PrimitiveArray<T>> {
        let n = &self.number;
        let total = recs.len() * self.at.len();
        let mut out = Vec::with_capacity(total);
        let mut valid = Vec::with_capacity(total);
        let mut nulls = 0usize;
        for rec in recs {
            for &at in &self.at {
                let bytes = rec.get(at..at + self.len)?;
                if n.blank_reads(bytes).is_some() {
                    out.push(T::Native::default());
                    valid.push(false);
                    nulls += 1;
                } else {
                    out.push(f(bytes)?);
                    valid.push(true);
                }
            }
        }
        let nulls = (nulls > 0).then(|| NullBuffer::from(valid));
        Some(PrimitiveArray::new(ScalarBuffer::from(out), nulls))
    }

    /// Text occurrences, decoded into one values buffer.
    fn text(&self, recs: &[&[u8]]) -> Option<StringArray> {
        let mut values = Vec::with_capacity(recs.len() * self.at.len() * self.len);
        let mut offsets = Vec::with_capacity(recs.len() * self.at.len() + 1);
        offsets.push(0i32);
        for rec in recs {
            for &at in &self.at {
                text(self.number.read, rec.get(at..at + self.len)?, &mut values)?;
                offsets.push(i32::try_from(values.len()).ok()?);
            }
        }
        // Offsets only grow, so this cannot fail on them; the values are UTF-8 from the
        // code page (checked once more here, for the whole buffer at once).
        StringArray::try_new(OffsetBuffer::new(offsets.into()), values.into(), None).ok()
    }
}

/// Appends the text of `bytes` read as `read` says; `None` when it is not text or the
/// code page refuses it.
#[inline]
pub(crate) fn text(read: Read, bytes: &[u8], out: &mut Vec<u8>) -> Option<()> {
    match read {
        Read::Text {
            codepage,
            justified_right,
        } => {
            let t = trim(bytes, codepage.space(), justified_right);
            codepage.decode_to_utf8(t, out).ok()
        }
        Read::National { justified_right } => national(bytes, justified_right, out),
        _ => None,
    }
}

/// Text (bytes or UTF-16 units) without its padding: leading when right-justified, else
/// trailing (as `walk_rules::trim_padding`).
#[inline]
fn trim<T: PartialEq + Copy>(units: &[T], pad: T, justified_right: bool) -> &[T] {
    let n = if justified_right {
        units.iter().take_while(|&&u| u == pad).count()
    } else {
        units.iter().rev().take_while(|&&u| u == pad).count()
    };
    if justified_right {
        units.get(n..)
    } else {
        units.get(..units.len() - n)
    }
    .unwrap_or_default()
}

/// UTF-16BE units, U+0020 padding trimmed, appended as UTF-8; `None` on a lone surrogate.
fn national(bytes: &[u8], justified_right: bool, out: &mut Vec<u8>) -> Option<()> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| {
            u16::from_be_bytes([
                c.first().copied().unwrap_or(0),
                c.get(1).copied().unwrap_or(0),
            ])
        })
        .collect();
    let body = trim(&units, 0x20, justified_right);
    let mut buf = [0u8; 4];
    for c in char::decode_utf16(body.iter().copied()) {
        out.extend_from_slice(c.ok()?.encode_utf8(&mut buf).as_bytes());
    }
    Some(())
}

/// Checks that every record's occurrences of a hidden item (FILLER) read cleanly: the
/// generic walk decodes them too and reports a bad one.
pub(crate) fn check(prog: &LeafProg, recs: &[&[u8]]) -> Option<()> {
    let mut scratch = Vec::new();
    for rec in recs {
        for &at in &prog.at {
            let bytes = rec.get(at..at + prog.len)?;
            match prog.number.read {
                read @ (Read::Text { .. } | Read::National { .. }) => {
                    scratch.clear();
                    text(read, bytes, &mut scratch)?;
                }
                Read::Float { width, format } => {
                    decode_f64(bytes, width, format).ok()?;
                }
                Read::Packed(_) | Read::Zoned(_) | Read::Binary(_) => {
                    if !prog.number.valid(bytes) {
                        return None;
                    }
                }
            }
        }
    }
    Some(())
}

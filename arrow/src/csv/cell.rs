//! One column's cells as CSV text, a writer per Arrow type picked once per batch: text
//! copied (quoted only when RFC 4180 needs it), decimals and integers through the
//! parsers' exact number writer (`numeric::write_scaled`), anything else through
//! `arrow_cast`'s formatter (the one `arrow_csv` uses): the bytes `arrow_csv` wrote.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type,
    UInt8Type,
};
use arrow_array::{Array, StringArray};
use arrow_buffer::NullBuffer;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{ArrowError, DataType};
use ferrule_parsers::numeric::write_scaled;

use crate::error::ColumnarError;

/// How one column's values become text.
enum Cells<'a> {
    Text(&'a StringArray),
    Decimal {
        values: &'a [i128],
        scale: i8,
    },
    I8(&'a [i8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
    U64(&'a [u64]),
    /// Floats and whatever else: `arrow_cast`'s text, quoted when needed.
    Other(ArrayFormatter<'a>),
}

/// One column of a batch, ready to write a row's cell.
pub(super) struct Column<'a> {
    cells: Cells<'a>,
    nulls: Option<&'a NullBuffer>,
}

impl<'a> Column<'a> {
    /// The writer of `array`; nested types are refused as `arrow_csv` refuses them.
    pub fn new(array: &'a dyn Array, options: &FormatOptions<'a>) -> Result<Self, ColumnarError> {
        let cells = match array.data_type() {
            DataType::Utf8 => Cells::Text(array.as_string::<i32>()),
            DataType::Decimal128(_, scale) => Cells::Decimal {
                values: array.as_primitive::<Decimal128Type>().values(),
                scale: *scale,
            },
            DataType::Int8 => Cells::I8(array.as_primitive::<Int8Type>().values()),
            DataType::Int16 => Cells::I16(array.as_primitive::<Int16Type>().values()),
            DataType::Int32 => Cells::I32(array.as_primitive::<Int32Type>().values()),
            DataType::Int64 => Cells::I64(array.as_primitive::<Int64Type>().values()),
            DataType::UInt8 => Cells::U8(array.as_primitive::<UInt8Type>().values()),
            DataType::UInt16 => Cells::U16(array.as_primitive::<UInt16Type>().values()),
            DataType::UInt32 => Cells::U32(array.as_primitive::<UInt32Type>().values()),
            DataType::UInt64 => Cells::U64(array.as_primitive::<UInt64Type>().values()),
            t if t.is_nested() => {
                return Err(ColumnarError::Arrow(ArrowError::CsvError(format!(
                    "Nested type {t} is not supported in CSV"
                ))))
            }
            _ => Cells::Other(ArrayFormatter::try_new(array, options)?),
        };
        Ok(Column {
            cells,
            // The fallback formatter checks (logical) nulls itself as well.
            nulls: array.nulls(),
        })
    }

    /// Bytes of text the column's values hold (to size the output once).
    pub fn text_bytes(&self) -> usize {
        match &self.cells {
            Cells::Text(a) => a.value_data().len(),
            _ => 0,
        }
    }

    /// Appends row `row`'s cell (nothing for a null). `scratch` is the fallback's text.
    #[inline]
    pub fn write(
        &self,
        row: usize,
        out: &mut Vec<u8>,
        scratch: &mut String,
    ) -> Result<(), ArrowError> {
        if self.nulls.is_some_and(|n| n.is_null(row)) {
            return Ok(());
        }
        match &self.cells {
            Cells::Text(a) => {
                if row < a.len() {
                    text(a.value(row).as_bytes(), out);
                }
            }
            Cells::Decimal { values, scale } => {
                if let Some(&v) = values.get(row) {
                    decimal(v, *scale, out);
                }
            }
            Cells::I8(v) => int(v, row, out),
            Cells::I16(v) => int(v, row, out),
            Cells::I32(v) => int(v, row, out),
            Cells::I64(v) => int(v, row, out),
            Cells::U8(v) => int(v, row, out),
            Cells::U16(v) => int(v, row, out),
            Cells::U32(v) => int(v, row, out),
            Cells::U64(v) => int(v, row, out),
            Cells::Other(f) => {
                scratch.clear();
                f.value(row).write(scratch)?;
                text(scratch.as_bytes(), out);
            }
        }
        Ok(())
    }
}

#[inline]
fn int<T: Into<i128> + Copy>(values: &[T], row: usize, out: &mut Vec<u8>) {
    if let Some(&v) = values.get(row) {
        let v: i128 = v.into();
        write_scaled(v < 0, v.unsigned_abs(), 0, out);
    }
}

/// Appends `value * 10^-scale` as `arrow_cast` writes it: the point `scale` digits from
/// the right with zeros in front as needed (`0.05`), a negative scale's zeros after
/// (none for zero). `value` is never a negative zero, so no minus sign shows on a zero.
#[inline]
pub(super) fn decimal(value: i128, scale: i8, out: &mut Vec<u8>) {
    write_scaled(value < 0, value.unsigned_abs(), i16::from(scale), out);
}

/// Appends a text cell, in quotes (its quotes doubled) when it holds a comma, a quote or
/// a line break, as RFC 4180 (and `csv`'s `QuoteStyle::Necessary`) has it.
#[inline]
pub(crate) fn text(s: &[u8], out: &mut Vec<u8>) {
    if needs_quotes(s) {
        quoted(s, out);
    } else {
        out.extend_from_slice(s);
    }
}

/// Whether a text cell holds a comma, a quote or a line break: 8 bytes at a time, each
/// compared with the four at once (a byte-wise loop cost more than copying the cell).
#[inline]
pub(crate) fn needs_quotes(s: &[u8]) -> bool {
    const ONES: u64 = u64::MAX / 0xFF;
    // Any byte of `x` zero (exact for the question "any?").
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & (ONES << 7);
    let hit = |w: u64| {
        zero(w ^ (ONES * u64::from(b',')))
            | zero(w ^ (ONES * u64::from(b'"')))
            | zero(w ^ (ONES * u64::from(b'\n')))
            | zero(w ^ (ONES * u64::from(b'\r')))
    };
    let (words, rest) = s.as_chunks::<8>();
    let mut found = words
        .iter()
        .fold(0, |acc, w| acc | hit(u64::from_le_bytes(*w)));
    if !rest.is_empty() {
        // The tail as one word, padded with bytes that are none of the four.
        let mut last = [b'a'; 8];
        if let Some(dst) = last.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        found |= hit(u64::from_le_bytes(last));
    }
    found != 0
}

/// Appends `s` in quotes, its quotes doubled.
pub(crate) fn quoted(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for part in s.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

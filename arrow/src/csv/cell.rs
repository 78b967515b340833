//! One column's cells as CSV text, a writer per Arrow type picked once per batch: text
//! copied (quoted only when RFC 4180 needs it), decimals and integers through `itoa`
//! with the point placed by hand, anything else through `arrow_cast`'s formatter (the
//! one `arrow_csv` uses), so every type writes the bytes `arrow_csv` wrote.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type,
    UInt8Type,
};
use arrow_array::{Array, StringArray};
use arrow_buffer::NullBuffer;
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::{ArrowError, DataType};

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
fn int<T: itoa::Integer + Copy>(values: &[T], row: usize, out: &mut Vec<u8>) {
    if let Some(&v) = values.get(row) {
        out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }
}

/// Appends `value * 10^-scale` as `arrow_cast` writes it: the point `scale` digits from
/// the right with zeros in front as needed (`0.05`), a negative scale's zeros after
/// (none for zero).
#[inline]
pub(super) fn decimal(value: i128, scale: i8, out: &mut Vec<u8>) {
    let mut buf = itoa::Buffer::new();
    let mag = value.unsigned_abs();
    // Most decimals fit 64 bits, whose digits come much faster than 128 bits'.
    let digits = match u64::try_from(mag) {
        Ok(m) => buf.format(m),
        Err(_) => buf.format(mag),
    }
    .as_bytes();
    if value < 0 {
        out.push(b'-');
    }
    let s = usize::from(scale.unsigned_abs());
    if scale == 0 {
        out.extend_from_slice(digits);
    } else if scale < 0 {
        out.extend_from_slice(digits);
        if mag != 0 {
            out.resize(out.len() + s, b'0');
        }
    } else if digits.len() > s {
        let (whole, fraction) = digits.split_at(digits.len() - s);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    } else {
        out.extend_from_slice(b"0.");
        out.resize(out.len() + (s - digits.len()), b'0');
        out.extend_from_slice(digits);
    }
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

/// Whether a text cell holds a comma, a quote or a line break.
#[inline]
pub(crate) fn needs_quotes(s: &[u8]) -> bool {
    // No early exit: the fold compiles to vector compares over the whole cell.
    s.iter().fold(false, |acc, &b| {
        acc | (b == b',') | (b == b'"') | (b == b'\n') | (b == b'\r')
    })
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

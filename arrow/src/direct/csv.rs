//! The direct path to CSV: a batch of fixed-length records straight to CSV lines, a row
//! at a time, with no Arrow arrays between (building them and reading them back for
//! text was most of what was left of `decode --to csv`). Values are read by the readers
//! of [`DirectPlan::decode`]'s columns, except packed and zoned decimals, written from
//! their digits by the codecs' number writers (which check them as the generic walk
//! does). Whatever batch this is sure of, the generic path decodes cleanly to the same
//! text (`csv/tests.rs` checks it against `arrow_csv` over valid, damaged and random
//! records); a batch it is not sure of goes the generic way.

use ferrule_parsers::json::BlankNumbers;
use ferrule_parsers::numeric::float::decode_f64;
use ferrule_parsers::numeric::write_scaled;

use super::column::{self, Digits, LeafProg, Read};
use super::{DirectPlan, Prog};
use crate::csv::{end_row, CsvText};
use crate::plan::Leaf;

impl DirectPlan {
    /// True when every column is one item (a flattened plan, as CSV's always is).
    pub fn is_flat(&self) -> bool {
        self.columns
            .iter()
            .all(|p| matches!(p, Prog::Leaf(l) if l.at.len() == 1))
    }

    /// `records` as CSV lines (no header), or `None` when some record is one it is not
    /// sure of (the generic path then decodes the batch) or the plan is not flat.
    pub fn csv(&self, records: &[&[u8]]) -> Option<CsvText> {
        self.records_fit(records)?;
        let cells = self
            .columns
            .iter()
            .map(|p| match p {
                Prog::Leaf(l) => Cell::new(l),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        // Records are fixed-length; CSV text is seldom longer than its record.
        let mut out = Vec::with_capacity(records.len() * (self.record_len + cells.len() + 1));
        let mut ends = Vec::with_capacity(records.len());
        for rec in records {
            let start = out.len();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                c.write(rec, &mut out)?;
            }
            end_row(start, &mut out);
            ends.push(out.len());
        }
        Some(CsvText::from_lines(out, ends))
    }
}

/// How one column's cell is written.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    /// A packed or zoned item's own digits.
    Digits(Digits),
    Decimal {
        scale: i16,
    },
    Int {
        bytes: u8,
        signed: bool,
    },
    Float32,
    Float64,
}

/// One column of a flattened plan: its item's place in the record and its writer.
struct Cell<'p> {
    leaf: &'p LeafProg,
    at: usize,
    kind: Kind,
}

impl<'p> Cell<'p> {
    /// The cell of a one-occurrence leaf whose type and read go together (as
    /// `LeafProg::array` takes them); `None` otherwise.
    fn new(leaf: &'p LeafProg) -> Option<Cell<'p>> {
        let [at] = leaf.at.as_slice() else {
            return None;
        };
        let numeric = matches!(
            leaf.number.read,
            Read::Packed(_) | Read::Zoned(_) | Read::Binary(_)
        );
        let kind = match (leaf.leaf, leaf.number.read) {
            (Leaf::Utf8, Read::Text { .. } | Read::National { .. }) => Kind::Text,
            // Digits at another scale than the column's would be another number.
            (Leaf::Decimal { scale, .. }, _) if numeric => match leaf.digits {
                Some(d) if digits_scale(d) == i16::from(scale) => Kind::Digits(d),
                _ => Kind::Decimal {
                    scale: i16::from(scale),
                },
            },
            (Leaf::Int { bytes, signed }, _) if numeric => Kind::Int { bytes, signed },
            (Leaf::Float32, Read::Float { .. }) => Kind::Float32,
            (Leaf::Float64, Read::Float { .. }) => Kind::Float64,
            _ => return None,
        };
        Some(Cell {
            leaf,
            at: *at,
            kind,
        })
    }

    /// Appends the cell of `rec`; `None` for a value the direct path is not sure of.
    #[inline]
    fn write(&self, rec: &[u8], out: &mut Vec<u8>) -> Option<()> {
        let bytes = rec.get(self.at..self.at + self.leaf.len)?;
        let n = &self.leaf.number;
        // `--blank-numbers`: a blank is an empty cell (null) or zero, as its column holds it.
        match n.blank_reads(bytes) {
            Some(BlankNumbers::Null) => return Some(()),
            Some(_) => {
                if let Kind::Digits(d) = self.kind {
                    write_scaled(false, 0, digits_scale(d), out);
                    return Some(());
                }
            }
            None => {}
        }
        match self.kind {
            Kind::Text => {
                let start = out.len();
                column::text(n.read, bytes, out)?;
                quote_from(start, out);
            }
            // Straight from the digits: checked as the generic walk checks them, so a
            // batch this takes the generic path would write the same (see `Digits`).
            Kind::Digits(d) => d.write(bytes, out)?,
            Kind::Decimal { scale } => {
                let v = n.get(bytes)?;
                write_scaled(v < 0, v.unsigned_abs(), scale, out);
            }
            Kind::Int {
                bytes: width,
                signed,
            } => {
                let v = n.get(bytes)?;
                if !fits(v, width, signed) {
                    return None;
                }
                write_scaled(v < 0, v.unsigned_abs(), 0, out);
            }
            Kind::Float32 | Kind::Float64 => {
                let Read::Float { width, format } = n.read else {
                    return None;
                };
                let f = decode_f64(bytes, width, format).ok()?;
                let mut buf = ryu::Buffer::new();
                // An IEEE single widened to f64 narrows back exactly (as the column).
                let t = match self.kind {
                    Kind::Float32 => buf.format(f as f32),
                    _ => buf.format(f),
                };
                out.extend_from_slice(t.as_bytes());
            }
        }
        Some(())
    }
}

/// The scale a packed or zoned item's text is written at.
fn digits_scale(d: Digits) -> i16 {
    match d {
        Digits::Packed { pic, .. } | Digits::Zoned(pic, ..) => pic.scale,
    }
}

/// Whether `v` fits the integer column type of `bytes` and `signed` (as the array's
/// native type takes it or refuses it).
fn fits(v: i128, bytes: u8, signed: bool) -> bool {
    match (bytes, signed) {
        (1, true) => i8::try_from(v).is_ok(),
        (2, true) => i16::try_from(v).is_ok(),
        (3 | 4, true) => i32::try_from(v).is_ok(),
        (_, true) => i64::try_from(v).is_ok(),
        (1, false) => u8::try_from(v).is_ok(),
        (2, false) => u16::try_from(v).is_ok(),
        (3 | 4, false) => u32::try_from(v).is_ok(),
        (_, false) => u64::try_from(v).is_ok(),
    }
}

/// Quotes the text cell written from `start` when it needs it (rare: the text is taken
/// out and written back quoted).
#[inline]
fn quote_from(start: usize, out: &mut Vec<u8>) {
    let cell = out.get(start..).unwrap_or_default();
    if !crate::csv::needs_quotes(cell) {
        return;
    }
    let cell = out.split_off(start);
    crate::csv::quoted(&cell, out);
}

//! The direct path: a batch of fixed-length records straight to a record batch, a column
//! at a time, with no typed values in between (the generic path decodes each record to
//! `RecordValues` events and appends them field by field: most of `decode --to parquet`'s
//! time went there).
//!
//! [`DirectPlan::new`] compiles a layout once, and only layouts whose every item sits at
//! a fixed offset (no OCCURS DEPENDING ON, REDEFINES shown as the first alternative only,
//! no edited or COMP-6 items); other layouts get `None` and keep the generic path.
//! [`DirectPlan::decode`] gives the same batch as the generic path, or `None` when any
//! record or value in the batch is one it is not sure of (a record of another length, an
//! invalid nibble, a sign or text the codecs refuse, a value beyond its PIC): the caller
//! then decodes that batch the generic way, so bad records, their errors, quarantine and
//! record numbers stay exactly as they were.

mod column;
mod compile;
#[cfg(feature = "writers")]
mod csv;
mod number;

#[cfg(test)]
pub(crate) mod tests;

use std::sync::Arc;

use arrow_array::{ArrayRef, ListArray, RecordBatch, RecordBatchOptions, StructArray};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{FieldRef, Fields, SchemaRef};
use ferrule_parsers::json::CodecOptions;
use ferrule_parsers::layout::{FieldKind, Layout};
use ferrule_parsers::values::Shape;

use crate::plan::{record_members, ColumnPlan};
use column::LeafProg;
use compile::Ctx;

/// A layout's columns as programs over record bytes.
#[derive(Debug, Clone)]
pub struct DirectPlan {
    record_len: usize,
    schema: SchemaRef,
    columns: Vec<Prog>,
    /// Items with no column that the generic walk still decodes (and may refuse).
    checks: Vec<LeafProg>,
}

/// One column (or a struct's or list's part of one).
#[derive(Debug, Clone)]
enum Prog {
    Leaf(LeafProg),
    Struct {
        fields: Fields,
        children: Vec<Prog>,
    },
    /// A table of exactly `count` elements per row.
    List {
        field: FieldRef,
        count: usize,
        elem: Box<Prog>,
    },
}

impl DirectPlan {
    /// The direct plan of `plan` (which must have been made from `layout` and `codec`),
    /// or `None` when the layout needs the generic path.
    pub fn new(layout: &Layout, codec: &CodecOptions, plan: &ColumnPlan) -> Option<DirectPlan> {
        let shape = Shape::new(layout, codec.redefines).ok()?;
        let ctx = Ctx {
            codec,
            record_len: layout.max_len(),
        };
        let mut checks = Vec::new();
        ctx.hidden(&shape.root, &[0], &mut checks)?;
        let shown = record_members(&shape);
        if shown.len() != plan.members.len() {
            return None;
        }
        let mut columns = Vec::new();
        for (n, m) in shown.iter().zip(&plan.members) {
            if plan.options.flatten {
                ctx.flat(n, &m.node, 0, &mut columns)?;
            } else {
                columns.push(ctx.nested(n, m, &[0])?);
            }
        }
        if columns.len() != plan.schema.fields().len() {
            return None;
        }
        // A record that is one item: the walk reads it as a member of no group.
        if !matches!(layout.root.kind, FieldKind::Group(_)) && columns.len() != 1 {
            return None;
        }
        Some(DirectPlan {
            record_len: layout.max_len(),
            schema: plan.schema.clone(),
            columns,
            checks,
        })
    }

    /// Bytes every record must have.
    pub fn record_len(&self) -> usize {
        self.record_len
    }

    /// `Some` when every record has the length and its hidden items (FILLER) read
    /// cleanly: what both of the direct path's outputs check before their columns.
    fn records_fit(&self, records: &[&[u8]]) -> Option<()> {
        if records.iter().any(|r| r.len() != self.record_len) {
            return None;
        }
        for c in &self.checks {
            column::check(c, records)?;
        }
        Some(())
    }

    /// The batch of `records`, or `None` when the generic path must decode them.
    pub fn decode(&self, records: &[&[u8]]) -> Option<RecordBatch> {
        self.records_fit(records)?;
        let arrays = self
            .columns
            .iter()
            .map(|p| array(p, records, records.len()))
            .collect::<Option<Vec<_>>>()?;
        let opts = RecordBatchOptions::new().with_row_count(Some(records.len()));
        RecordBatch::try_new_with_options(self.schema.clone(), arrays, &opts).ok()
    }
}

/// The array of `prog` over `records`, `n` values long (rows times enclosing elements).
fn array(prog: &Prog, records: &[&[u8]], n: usize) -> Option<ArrayRef> {
    Some(match prog {
        Prog::Leaf(leaf) => leaf.array(records)?,
        Prog::Struct { fields, children } => {
            let arrays = children
                .iter()
                .map(|c| array(c, records, n))
                .collect::<Option<Vec<_>>>()?;
            Arc::new(StructArray::try_new(fields.clone(), arrays, None).ok()?)
        }
        Prog::List { field, count, elem } => {
            let values = array(elem, records, n.checked_mul(*count)?)?;
            let offsets = (0..=n)
                .map(|i| i32::try_from(i * count).ok())
                .collect::<Option<Vec<_>>>()?;
            Arc::new(
                ListArray::try_new(
                    field.clone(),
                    OffsetBuffer::new(offsets.into()),
                    values,
                    None,
                )
                .ok()?,
            )
        }
    })
}

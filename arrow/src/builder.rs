//! Decoded records -> Arrow record batches: one builder per column, filled straight from
//! the typed values of `ferrule_parsers::values` (no JSON text in between).

use std::sync::Arc;

use arrow_array::builder::{
    Decimal128Builder, Float32Builder, Float64Builder, Int16Builder, Int32Builder, Int64Builder,
    Int8Builder, StringBuilder, UInt16Builder, UInt32Builder, UInt64Builder, UInt8Builder,
};
use arrow_array::{ArrayRef, ListArray, RecordBatch, StructArray};
use arrow_buffer::{NullBufferBuilder, OffsetBuffer};
use arrow_schema::{Field as ArrowField, Fields};
use ferrule_parsers::numeric::Decimal;
use ferrule_parsers::values::{Event, RecordValues, Value};

use crate::error::ColumnarError;
use crate::plan::{nested_type, ColumnPlan, Leaf, Node};

/// Builds record batches of one [`ColumnPlan`].
pub struct RecordBatchBuilder {
    plan: ColumnPlan,
    /// Nested: one column per member. Flattened: one per elementary item.
    cols: Vec<Col>,
    /// Flattened: which leaf columns each member's events go to.
    flat: Vec<Flat>,
    rows: usize,
}

/// One column being built.
enum Col {
    Decimal(Decimal128Builder, i8),
    I8(Int8Builder),
    I16(Int16Builder),
    I32(Int32Builder),
    I64(Int64Builder),
    U8(UInt8Builder),
    U16(UInt16Builder),
    U32(UInt32Builder),
    U64(UInt64Builder),
    F32(Float32Builder),
    F64(Float64Builder),
    Utf8(StringBuilder),
    Struct {
        fields: Fields,
        children: Vec<Col>,
        nulls: NullBufferBuilder,
    },
    List {
        field: Arc<ArrowField>,
        child: Box<Col>,
        offsets: Vec<i32>,
        nulls: NullBufferBuilder,
    },
}

/// A member of a flattened plan: where its elementary items' columns are.
enum Flat {
    Leaf(usize),
    Struct(Vec<Flat>),
    /// One entry per possible element, in order.
    List(Vec<Flat>),
}

/// Why a record's events could not be appended (the caller adds the record number).
type Step = Result<(), &'static str>;

impl RecordBatchBuilder {
    pub fn new(plan: ColumnPlan) -> Result<Self, ColumnarError> {
        let (cols, flat) = if plan.options.flatten {
            let mut leaves = Vec::new();
            let flat = plan
                .members
                .iter()
                .map(|m| flat_of(&m.node, &mut leaves))
                .collect();
            (leaves, flat)
        } else {
            let cols = plan
                .members
                .iter()
                .map(|m| col_of(&m.node))
                .collect::<Result<_, _>>()?;
            (cols, Vec::new())
        };
        Ok(RecordBatchBuilder {
            plan,
            cols,
            flat,
            rows: 0,
        })
    }

    pub fn plan(&self) -> &ColumnPlan {
        &self.plan
    }

    /// Rows appended since the last [`Self::finish`].
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Appends one decoded record (`record`: its number, for errors). The events must
    /// come from a `ValueDecoder` of the same layout and options as the plan.
    pub fn append(&mut self, rv: &RecordValues, record: u64) -> Result<(), ColumnarError> {
        let mut ev = rv.events.iter();
        let r = if self.plan.options.flatten {
            let cols = &mut self.cols;
            self.flat
                .iter()
                .try_for_each(|f| take_flat(f, &mut ev, rv, cols))
        } else {
            self.cols.iter_mut().try_for_each(|c| take(c, &mut ev, rv))
        };
        let r = r.and_then(|()| match ev.next() {
            None => Ok(()),
            Some(_) => Err("more values than columns"),
        });
        // A half-appended row would misalign every later row: a bug, so stop here.
        r.map_err(|what| ColumnarError::Mismatch { record, what })?;
        self.rows += 1;
        Ok(())
    }

    /// The rows so far as one batch; the builder starts empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, ColumnarError> {
        let arrays: Vec<ArrayRef> = self.cols.iter_mut().map(finish).collect::<Result<_, _>>()?;
        let rows = self.rows;
        self.rows = 0;
        let opts = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(
            self.plan.schema.clone(),
            arrays,
            &opts,
        )?)
    }
}

fn col_of(node: &Node) -> Result<Col, ColumnarError> {
    Ok(match node {
        Node::Leaf(l) => leaf_col(*l)?,
        Node::Struct(members) => {
            let Some(arrow_schema::DataType::Struct(fields)) = Some(nested_type(node)) else {
                return Err(ColumnarError::Mismatch {
                    record: 0,
                    what: "struct type",
                });
            };
            Col::Struct {
                fields,
                children: members
                    .iter()
                    .map(|m| col_of(&m.node))
                    .collect::<Result<_, _>>()?,
                nulls: NullBufferBuilder::new(0),
            }
        }
        Node::List { elem, .. } => Col::List {
            field: Arc::new(ArrowField::new("item", nested_type(elem), true)),
            child: Box::new(col_of(elem)?),
            offsets: vec![0],
            nulls: NullBufferBuilder::new(0),
        },
    })
}

fn leaf_col(l: Leaf) -> Result<Col, ColumnarError> {
    Ok(match l {
        Leaf::Decimal { precision, scale } => Col::Decimal(
            Decimal128Builder::new().with_precision_and_scale(precision, scale)?,
            scale,
        ),
        Leaf::Int { bytes, signed } => match (bytes, signed) {
            (1, true) => Col::I8(Int8Builder::new()),
            (2, true) => Col::I16(Int16Builder::new()),
            (3 | 4, true) => Col::I32(Int32Builder::new()),
            (_, true) => Col::I64(Int64Builder::new()),
            (1, false) => Col::U8(UInt8Builder::new()),
            (2, false) => Col::U16(UInt16Builder::new()),
            (3 | 4, false) => Col::U32(UInt32Builder::new()),
            (_, false) => Col::U64(UInt64Builder::new()),
        },
        Leaf::Float32 => Col::F32(Float32Builder::new()),
        Leaf::Float64 => Col::F64(Float64Builder::new()),
        Leaf::Utf8 => Col::Utf8(StringBuilder::new()),
    })
}

fn flat_of(node: &Node, leaves: &mut Vec<Col>) -> Flat {
    match node {
        Node::Leaf(l) => {
            // Types come from the plan, which has already built them once for the schema.
            leaves.push(leaf_col(*l).unwrap_or(Col::Utf8(StringBuilder::new())));
            Flat::Leaf(leaves.len() - 1)
        }
        Node::Struct(members) => {
            Flat::Struct(members.iter().map(|m| flat_of(&m.node, leaves)).collect())
        }
        Node::List { elem, max } => Flat::List((0..*max).map(|_| flat_of(elem, leaves)).collect()),
    }
}

/// Appends the next member's events to `col`.
fn take<'e>(col: &mut Col, ev: &mut impl Iterator<Item = &'e Event>, rv: &RecordValues) -> Step {
    match ev.next().ok_or("fewer values than columns")? {
        Event::Null => {
            null(col);
            Ok(())
        }
        Event::Value(v) => value(col, v, rv),
        Event::Group => {
            let Col::Struct {
                children, nulls, ..
            } = col
            else {
                return Err("a group where the plan has no struct");
            };
            for c in children.iter_mut() {
                take(c, ev, rv)?;
            }
            nulls.append_non_null();
            end(ev)
        }
        Event::List(n) => {
            let Col::List {
                child,
                offsets,
                nulls,
                ..
            } = col
            else {
                return Err("a table where the plan has no list");
            };
            for _ in 0..*n {
                take(child, ev, rv)?;
            }
            let last = offsets.last().copied().unwrap_or(0);
            offsets.push(last + i32::try_from(*n).map_err(|_| "table too long")?);
            nulls.append_non_null();
            end(ev)
        }
        Event::End => Err("an end where a value was due"),
    }
}

fn end<'e>(ev: &mut impl Iterator<Item = &'e Event>) -> Step {
    match ev.next() {
        Some(Event::End) => Ok(()),
        _ => Err("a group or table not closed where the plan ends it"),
    }
}

/// A null row in `col` (a struct's children get one too: their lengths must match).
fn null(col: &mut Col) {
    match col {
        Col::Decimal(b, _) => b.append_null(),
        Col::I8(b) => b.append_null(),
        Col::I16(b) => b.append_null(),
        Col::I32(b) => b.append_null(),
        Col::I64(b) => b.append_null(),
        Col::U8(b) => b.append_null(),
        Col::U16(b) => b.append_null(),
        Col::U32(b) => b.append_null(),
        Col::U64(b) => b.append_null(),
        Col::F32(b) => b.append_null(),
        Col::F64(b) => b.append_null(),
        Col::Utf8(b) => b.append_null(),
        Col::Struct {
            children, nulls, ..
        } => {
            children.iter_mut().for_each(null);
            nulls.append_null();
        }
        Col::List { offsets, nulls, .. } => {
            let last = offsets.last().copied().unwrap_or(0);
            offsets.push(last);
            nulls.append_null();
        }
    }
}

/// The unscaled integer of `d` at `scale`, if it has one that fits.
pub(crate) fn unscaled(d: &Decimal, scale: i16) -> Result<i128, &'static str> {
    let digits = d.digits();
    if d.scale() == scale && digits.len() <= 18 {
        // Most record fields: 18 digits fit a u64, so no i128 step per digit (a
        // twentieth of `decode --to parquet`'s time went to `Decimal::to_i128`).
        let v = i128::from(digits.iter().fold(0u64, |v, &x| v * 10 + u64::from(x)));
        return Ok(if d.is_negative() { -v } else { v });
    }
    let d = if d.scale() == scale {
        *d
    } else {
        d.rescale(scale)
            .map_err(|_| "a decimal off its column's scale")?
    };
    d.to_i128().map_err(|_| "a decimal beyond 38 digits")
}

fn int<T: TryFrom<i128>>(d: &Decimal) -> Result<T, &'static str> {
    T::try_from(unscaled(d, 0)?).map_err(|_| "an integer beyond its column's size")
}

fn value(col: &mut Col, v: &Value, rv: &RecordValues) -> Step {
    match (col, v) {
        (Col::Decimal(b, scale), Value::Decimal(d)) => {
            b.append_value(unscaled(d, i16::from(*scale))?)
        }
        (Col::I8(b), Value::Decimal(d)) => b.append_value(int(d)?),
        (Col::I16(b), Value::Decimal(d)) => b.append_value(int(d)?),
        (Col::I32(b), Value::Decimal(d)) => b.append_value(int(d)?),
        (Col::I64(b), Value::Decimal(d)) => b.append_value(int(d)?),
        (Col::U8(b), Value::Decimal(d)) => b.append_value(int(d)?),
        (Col::U16(b), Value::Decimal(d)) => b.append_value(int(d)?),
        (Col::U32(b), Value::Decimal(d)) => b.append_value(int(d)?),
        (Col::U64(b), Value::Decimal(d)) => b.append_value(int(d)?),
        // An IEEE single widened to f64 narrows back exactly.
        (Col::F32(b), Value::Float(f)) => b.append_value(*f as f32),
        (Col::F64(b), Value::Float(f)) => b.append_value(*f),
        (Col::Utf8(b), Value::Text { start, end }) => b.append_value(rv.text_of(*start, *end)),
        _ => return Err("a value of another type than its column"),
    }
    Ok(())
}

/// Appends the next member's events to its flattened leaf columns.
fn take_flat<'e>(
    flat: &Flat,
    ev: &mut impl Iterator<Item = &'e Event>,
    rv: &RecordValues,
    cols: &mut [Col],
) -> Step {
    let event = ev.next().ok_or("fewer values than columns")?;
    match (flat, event) {
        (_, Event::Null) => {
            null_flat(flat, cols);
            Ok(())
        }
        (Flat::Leaf(i), Event::Value(v)) => {
            value(cols.get_mut(*i).ok_or("a leaf column missing")?, v, rv)
        }
        (Flat::Struct(members), Event::Group) => {
            for m in members {
                take_flat(m, ev, rv, cols)?;
            }
            end(ev)
        }
        (Flat::List(elems), Event::List(n)) => {
            if *n > elems.len() {
                return Err("more elements than the table's maximum");
            }
            for (i, e) in elems.iter().enumerate() {
                if i < *n {
                    take_flat(e, ev, rv, cols)?;
                } else {
                    null_flat(e, cols);
                }
            }
            end(ev)
        }
        _ => Err("an event of another shape than its column"),
    }
}

fn null_flat(flat: &Flat, cols: &mut [Col]) {
    match flat {
        Flat::Leaf(i) => {
            if let Some(c) = cols.get_mut(*i) {
                null(c);
            }
        }
        Flat::Struct(v) | Flat::List(v) => v.iter().for_each(|f| null_flat(f, cols)),
    }
}

fn finish(col: &mut Col) -> Result<ArrayRef, ColumnarError> {
    Ok(match col {
        Col::Decimal(b, _) => Arc::new(b.finish()),
        Col::I8(b) => Arc::new(b.finish()),
        Col::I16(b) => Arc::new(b.finish()),
        Col::I32(b) => Arc::new(b.finish()),
        Col::I64(b) => Arc::new(b.finish()),
        Col::U8(b) => Arc::new(b.finish()),
        Col::U16(b) => Arc::new(b.finish()),
        Col::U32(b) => Arc::new(b.finish()),
        Col::U64(b) => Arc::new(b.finish()),
        Col::F32(b) => Arc::new(b.finish()),
        Col::F64(b) => Arc::new(b.finish()),
        Col::Utf8(b) => Arc::new(b.finish()),
        Col::Struct {
            fields,
            children,
            nulls,
        } => {
            let arrays = children.iter_mut().map(finish).collect::<Result<_, _>>()?;
            Arc::new(StructArray::try_new(
                fields.clone(),
                arrays,
                nulls.finish(),
            )?)
        }
        Col::List {
            field,
            child,
            offsets,
            nulls,
        } => {
            let values = finish(child)?;
            let offs = OffsetBuffer::new(std::mem::replace(offsets, vec![0]).into());
            Arc::new(ListArray::try_new(
                field.clone(),
                offs,
                values,
                nulls.finish(),
            )?)
        }
    })
}

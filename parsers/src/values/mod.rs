//! Records as typed values: the same layout walk as the JSON decoder, but its output is
//! a flat list of [`Event`]s holding exact decimals, floats and text instead of JSON text.
//!
//! Columnar writers (Arrow, Parquet, CSV in `ferrule-arrow`) and bindings read records
//! through this module. Its [`Shape`] says which members a record shows, once per
//! layout, so a schema built from the shape and the events of every record agree by
//! construction: every shown member yields exactly one value, null or group or list, in
//! shape order, whether or not the record holds it.

mod item;
mod shape;
mod walk;

#[cfg(test)]
mod tests;

pub use shape::{Shape, ShapeNode};
pub use walk::{RecordValues, ValueDecoder};

use crate::numeric::Decimal;

/// One step of a decoded record, in shape order.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// An elementary item's value.
    Value(Value),
    /// A member (item, group or table) the record does not hold or whose bytes were
    /// invalid (`FieldErrorMode::Null`), or an inactive REDEFINES alternative.
    Null,
    /// A group occurrence begins: one event per shown member follows, then [`Event::End`].
    Group,
    /// A table begins with this many elements; each element's events follow, then
    /// [`Event::End`].
    List(usize),
    /// The group or table begun last ends.
    End,
}

/// An elementary item's decoded value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Text (alphanumeric, national): this byte range of [`RecordValues::text`].
    Text { start: usize, end: usize },
    /// Every decimal kind (zoned, packed, binary, COMP-X, COMP-6, edited), exact.
    Decimal(Decimal),
    /// COMP-1 / COMP-2, as the nearest `f64` (IEEE singles and IBM singles exactly).
    Float(f64),
}

//! Records <-> JSON with a layout: the decoder writes JSON text straight from record
//! bytes (no DOM, exact decimal text), the encoder builds record bytes from JSON values.
//!
//! Both walk the same compiled [`plan`] of the layout, so they agree by construction on
//! where every field sits, including OCCURS DEPENDING ON shifts and REDEFINES choices.

pub(crate) mod blank;
mod decode;
mod encode;
mod error;
mod flat;
mod fuzz;
mod input;
mod item;
pub(crate) mod path;
mod plan;
mod schema;
mod segment;
mod text;
mod tree;
mod trim;
mod value_op;
mod view;
pub(crate) mod walk_rules;

#[cfg(test)]
mod tests;

pub use blank::{is_blank, BlankNumbers};
pub use decode::{Decoded, Decoder};
pub use encode::Encoder;
pub use error::{hex as hex_bytes, RecordError, RecordErrorKind};
pub use fuzz::fuzz_check;
pub use input::{Input, Object, Shape};
pub use schema::{record_schema, SchemaDirection, SchemaOptions};
pub use segment::SegmentMap;
pub use tree::{Json, Members};
pub use view::schema as view_schema;
pub use view::View;

use crate::codepage::CodePage;
use crate::dialect::{Dialect, Trunc};

/// Which REDEFINES alternatives appear in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RedefinesMode {
    /// Only the first definition (the item that is redefined), unless a selector picks another.
    #[default]
    First,
    /// Every alternative; one whose bytes are not valid for its types becomes `null`.
    All,
}

/// What the decoder does with a field whose bytes are invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldErrorMode {
    /// The record fails with the first bad field.
    #[default]
    Fail,
    /// The bad field becomes `null`; every such error is returned with the record.
    Null,
}

/// Settings shared by the decoder and the encoder.
#[derive(Debug, Clone, Copy)]
pub struct CodecOptions {
    pub codepage: CodePage,
    pub dialect: Dialect,
    pub redefines: RedefinesMode,
    /// Write numbers as JSON strings (`"-1234.50"`) for consumers that parse JSON numbers
    /// into binary floating point. The encoder accepts both forms either way.
    pub numbers_as_strings: bool,
    /// The file stores every OCCURS DEPENDING ON table at its maximum size, so later
    /// fields do not shift.
    pub odo_stored_max: bool,
    /// Whether binary items (and the pad nibble of even-digit packed items) hold values
    /// beyond their PIC digits: IBM's TRUNC option. Decode and encode apply it alike, so
    /// every value decode writes encodes back.
    pub trunc: Trunc,
    /// What blank numeric items (all spaces or all low-values) decode to.
    pub blank_numbers: BlankNumbers,
}

impl Default for CodecOptions {
    fn default() -> Self {
        CodecOptions {
            codepage: CodePage::by_name("cp037")
                .unwrap_or_else(|| unreachable!("cp037 is built in")),
            dialect: Dialect::IBM,
            redefines: RedefinesMode::First,
            numbers_as_strings: false,
            odo_stored_max: false,
            trunc: Trunc::Bin,
            blank_numbers: BlankNumbers::Error,
        }
    }
}

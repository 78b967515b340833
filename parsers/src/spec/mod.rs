//! Fixed-width record layouts for non-COBOL systems (RPG, PL/I, assembler programs,
//! vendor file formats), declared in TOML and compiled to the same
//! [`Layout`] the copybook parser produces.
//!
//! # The format
//!
//! One record per file: a `[record]` table and its `[[field]]`s, in record order.
//!
//! ```toml
//! # vehicle.layout.toml
//! [record]
//! name = "VEHICLE-REC"        # the record's name, as listings show it
//! length = 145                # optional: bytes; a longer length pads with FILLER
//!
//! [[field]]
//! name = "rec_type"           # JSON name: [a-z_][a-z0-9_]*, unique in its group
//! type = "text"
//! length = 1
//!
//! [[field]]
//! name = "vrm"
//! type = "text"
//! length = 8
//! justify = "left"            # left (default) | right
//! value = { fill = "spaces" } # optional encode default
//!
//! [[field]]
//! name = "first_registered"
//! type = "zoned"
//! digits = 8
//! offset = 12                 # bytes from the group start; bytes 9-11 become FILLER
//!
//! [[field]]
//! name = "price"
//! type = "packed"
//! digits = 9
//! scale = 2
//! signed = true
//! value = "0.00"              # decimals as strings: exact, never floats
//!
//! [[field]]
//! name = "mileage"
//! type = "binary"
//! bytes = 4                   # digits default from bytes (1->2, 2->4, 4->9, 8->18)
//!
//! [[field]]
//! name = "status"
//! type = "text"
//! length = 1
//! conditions = [              # named values, like COBOL level 88
//!   { name = "stolen", values = ["S"] },
//!   { name = "scrapped", values = ["X", { from = "Y", to = "Z" }] },
//! ]
//!
//! [[field]]
//! name = "owner_count"
//! type = "zoned"
//! digits = 1
//!
//! [[field]]
//! name = "owners"
//! type = "group"
//! occurs = { min = 0, max = 3, depending_on = "owner_count" }   # or occurs = 3
//!
//!   [[field.fields]]
//!   name = "name"
//!   type = "text"
//!   length = 30
//!
//!   [[field.fields]]
//!   name = "since"
//!   type = "zoned"
//!   digits = 8
//! ```
//!
//! A record with alternative layouts for different record types overlays them and says
//! which applies when (the base may carry `when` too):
//!
//! ```toml
//! [[field]]
//! name = "arrest"
//! type = "group"
//! when = { field = "rec_type", values = ["A"] }
//!   [[field.fields]]
//!   name = "officer"
//!   type = "text"
//!   length = 8
//!
//! [[field]]
//! name = "release"
//! type = "group"
//! overlays = "arrest"         # starts where `arrest` starts (like REDEFINES)
//! when = { field = "rec_type", values = ["R"] }
//!   [[field.fields]]
//!   name = "released_at"
//!   type = "zoned"
//!   digits = 12
//! ```
//!
//! ## Types and their keys
//!
//! | `type`     | keys                                                        | layout type |
//! |------------|-------------------------------------------------------------|-------------|
//! | `text`     | `length` (bytes), `justify`                                 | `Alphanumeric` |
//! | `national` | `length` (UTF-16 characters), `justify`                     | `National` |
//! | `zoned`    | `digits` 1-31, `scale`, `signed`, `sign` = `trailing` (default) \| `leading` \| `trailing-separate` \| `leading-separate`, `blank_when_zero` | `Zoned` |
//! | `packed`   | `digits` 1-31, `scale`, `signed`                            | `Packed` |
//! | `binary`   | `bytes` 1/2/4/8 and/or `digits` 1-18, `scale`, `signed`, `native` (COMP-5: byte order per dialect) | `Binary` |
//! | `float`    | `width` = `single` \| `double`                              | `Float` |
//! | `edited`   | `picture` (e.g. `"ZZ,ZZ9.99-"`), `blank_when_zero`          | `Edited` |
//! | `filler`   | `length`; no name; not in JSON                              | FILLER |
//! | `group`    | `fields`, optional `length`                                 | a group |
//!
//! Every type takes `offset`, `value`; every type but `filler` takes `overlays`,
//! `occurs` and `when`; elementary types but `float` take `conditions`. A key that does
//! not apply to the type is an error, as is any unknown key. `scale` counts decimal
//! places (negative: trailing zeros not stored); `signed` defaults to false.
//!
//! ## Placement
//!
//! A field starts where the previous one ended unless it says `offset` (relative to its
//! group). A gap before an explicit offset becomes an unnamed FILLER (encoded as spaces);
//! an offset inside an earlier field is an error unless the field `overlays` it. A table
//! with `depending_on` counts at its maximum for the offsets after it; it cannot sit inside
//! another table, be overlaid, or be followed by an explicit offset in its group. Names in
//! `depending_on` and `when.field` are looked up among the siblings, then outwards through
//! the enclosing groups; a dotted name (`header.rec_type`) is a path from the record.
//!
//! ## Defaults and conditions
//!
//! `value` is a string (text, or a decimal number as text), an integer, or one of
//! `{ fill = "spaces" | "zeros" | "low-values" | "high-values" | "quotes" }`,
//! `{ hex = "00FF" }`, `{ all = "*" }`. TOML floats are refused: they would lose digits.
//!
//! ## Errors
//!
//! [`parse`] reports every semantic problem at once ([`SpecError::Many`]), each with its
//! line and column; [`SpecError::render`] prints them like a compiler.

mod build;
mod error;
mod literal;
mod raw;
mod resolve;
mod types;

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests;

pub use error::SpecError;

use crate::dialect::EditSymbols;
use crate::layout::Layout;
use error::Diag;
use raw::RawSpec;

/// How to read a spec file.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// When set, the record the caller expects (compared without regard to case): a
    /// spec describing another record is refused with [`SpecError::RecordNotFound`].
    pub record: Option<String>,
    /// Decimal point and currency sign of `edited` fields (`--decimal-point`,
    /// `--currency-sign`), combined with the `[record]` keys by [`EditSymbols::merge`].
    pub symbols: EditSymbols,
}

/// Compiles a TOML layout spec into a [`Layout`].
///
/// Never panics; returns every semantic problem it finds, located in `source`.
pub fn parse(source: &str, opts: &ParseOptions) -> Result<Layout, SpecError> {
    let raw: RawSpec = toml::from_str(source).map_err(|e| SpecError::from_toml(&e, source))?;
    let rec = raw.record.get_ref();
    if let Some(wanted) = &opts.record {
        if !wanted.eq_ignore_ascii_case(rec.name.get_ref()) {
            let span = rec.name.span();
            let (line, column) = error::line_col(source, span.start);
            return Err(SpecError::RecordNotFound {
                wanted: wanted.clone(),
                found: rec.name.get_ref().clone(),
                line,
                column,
                span,
            });
        }
    }
    let mut d = Diag::new(source);
    let mut builder = build::Builder::new(&mut d);
    builder.symbols = opts.symbols;
    let mut root = builder.record(&raw);
    let pending = std::mem::take(&mut builder.pending);
    let earlier = d.count() > 0;
    resolve::resolve(&mut root, pending, &mut d, earlier);
    d.finish()?;
    Ok(Layout {
        name: rec.name.get_ref().clone(),
        root,
        renames: Vec::new(),
    })
}

//! JSON Schema (2020-12) of a record layout: what the decoder emits ([`SchemaDirection::Decode`],
//! response bodies) or what the encoder accepts ([`SchemaDirection::Encode`], request bodies).
//!
//! The two directions are held to opposite promises, because that is what their users rely on:
//! - **Decode** admits every object the decoder can write for a full-length record (with
//!   [`SchemaOptions::short_records`], also for records cut short): a response never fails
//!   validation because the schema was too strict. Where a keyword would only be true of
//!   well-kept data (an 88-level list, PIC digits of a binary item) it is left out or put in an
//!   `x-` annotation.
//! - **Encode** admits only objects the encoder accepts: a client that keeps to the schema never
//!   gets a field error. What the schema cannot say is listed in the module's tests and
//!   annotations: characters outside the code page, an ODO counter that disagrees with its
//!   array's length, a REDEFINES alternative that disagrees with its discriminator.
//!
//! The fragment has no `$schema`; it is meant for OpenAPI 3.1 `components` (whose dialect is
//! 2020-12) as well as for `ferrule schema`, which wraps it. Every field carries `x-cobol`
//! (name, level, pic, usage, offset and length; offsets with every OCCURS DEPENDING ON table at
//! its maximum) and a one-line `description`.

mod annotate;
mod conditions;
mod item;
mod redefines;
#[cfg(test)]
mod tests;

use serde_json::{json, Map, Value};

use crate::layout::{Field, FieldKind, Layout};

use super::blank::can_be_blank;
use super::{BlankNumbers, CodecOptions, RedefinesMode};
use crate::dialect::Trunc;
use redefines::Role;

/// Which side of the codec a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemaDirection {
    /// What the decoder emits (response bodies).
    #[default]
    Decode,
    /// What the encoder accepts (request bodies).
    Encode,
}

/// How to describe a record: the direction and the codec settings that change its JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SchemaOptions {
    pub direction: SchemaDirection,
    /// As [`CodecOptions::redefines`].
    pub redefines: RedefinesMode,
    /// As [`CodecOptions::numbers_as_strings`]: Decode describes numbers as decimal strings;
    /// Encode admits a number or a string of the field's digits.
    pub numbers_as_strings: bool,
    /// As [`CodecOptions::trunc`]: under `Bin` binary and even-digit packed items are
    /// bounded by their bytes rather than their PIC, in both directions (decode and encode
    /// agree). COMP-5 is always bounded by its bytes.
    pub trunc: Trunc,
    /// Decode only: records may end before their last fields (RDW and other variable-length
    /// files), so no field is `required` and no table has `minItems`. Off for fixed-length
    /// records such as a gateway's responses, where every field is always present.
    pub short_records: bool,
    /// Decode only: trailing empty occurrences of fixed tables are left out
    /// ([`super::View::drop_empty_occurs`]), so a fixed table has no `minItems`.
    pub drop_empty_occurs: bool,
    /// As [`CodecOptions::blank_numbers`]: under `Null`, items that may be blank are
    /// nullable in both directions (decode writes null for blanks, encode blanks for null).
    pub blank_numbers: BlankNumbers,
}

impl SchemaOptions {
    /// Options for `direction` with the JSON-shaping settings of a codec.
    pub fn for_codec(direction: SchemaDirection, codec: &CodecOptions) -> SchemaOptions {
        SchemaOptions {
            direction,
            redefines: codec.redefines,
            numbers_as_strings: codec.numbers_as_strings,
            trunc: codec.trunc,
            short_records: false,
            drop_empty_occurs: false,
            blank_numbers: codec.blank_numbers,
        }
    }

    fn decode(&self) -> bool {
        self.direction == SchemaDirection::Decode
    }
}

/// The JSON Schema fragment (no `$schema`) of one record's JSON object.
pub fn record_schema(layout: &Layout, opts: &SchemaOptions) -> Value {
    let ctx = Ctx { layout, opts };
    let mut path = Vec::new();
    let mut schema = match &layout.root.kind {
        FieldKind::Group(children) => ctx.object(children, &mut path),
        // An elementary 01 item is written as an object holding that one member.
        FieldKind::Item(_) => ctx.object(std::slice::from_ref(&layout.root), &mut path),
    };
    if let Value::Object(m) = &mut schema {
        m.insert(
            "description".into(),
            Value::String(format!(
                "Record {} ({} bytes{})",
                layout.name,
                layout.max_len(),
                if layout.has_odo() { " at most" } else { "" }
            )),
        );
        m.insert(
            "x-cobol".into(),
            json!({"name": layout.name, "level": layout.root.level, "offset": 0,
                   "length": layout.max_len()}),
        );
    }
    schema
}

/// What every part of the walk needs.
struct Ctx<'a> {
    layout: &'a Layout,
    opts: &'a SchemaOptions,
}

impl Ctx<'_> {
    /// The object for a group's members (`path`: child indexes from the root to the group).
    fn object(&self, children: &[Field], path: &mut Vec<usize>) -> Value {
        let mut props = Map::new();
        let mut required = Vec::new();
        let mut limits = Vec::new();
        self.members(children, path, &mut props, &mut required, &mut limits);
        let mut m = Map::new();
        m.insert("type".into(), "object".into());
        m.insert("properties".into(), Value::Object(props));
        if !required.is_empty() {
            m.insert("required".into(), Value::Array(required));
        }
        m.insert("additionalProperties".into(), false.into());
        match limits.len() {
            0 => {}
            1 => {
                if let Some(Value::Object(one)) = limits.pop() {
                    m.extend(one);
                }
            }
            _ => {
                m.insert("allOf".into(), Value::Array(limits));
            }
        }
        Value::Object(m)
    }

    /// A group's members into one object's parts; a transparent FILLER group's members
    /// join them (see `Field::is_transparent_in`).
    fn members(
        &self,
        children: &[Field],
        path: &mut Vec<usize>,
        props: &mut Map<String, Value>,
        required: &mut Vec<Value>,
        limits: &mut Vec<Value>,
    ) {
        let decode = self.opts.decode();
        for (i, c) in children.iter().enumerate() {
            if Field::is_transparent_in(children, i) {
                path.push(i);
                self.members(c.children(), path, props, required, limits);
                path.pop();
                continue;
            }
            if c.is_filler() {
                continue; // never shown, and refused as a key when encoding
            }
            let role = redefines::role(children, i, self.opts);
            if role == Role::Never {
                continue;
            }
            // An elementary 01 item is its own root: it has no index path.
            let own = !std::ptr::eq(c, &self.layout.root);
            if own {
                path.push(i);
            }
            let mut s = self.field(c, path);
            if own {
                path.pop();
            }
            if let Role::Shown { nullable: true, .. } = role {
                make_nullable(&mut s);
            }
            if decode
                && !self.opts.short_records
                && matches!(role, Role::Shown { always: true, .. })
            {
                required.push(Value::String(c.json_name.clone()));
            }
            props.insert(c.json_name.clone(), s);
        }
        limits.extend(redefines::at_most_one(children, self.opts));
    }

    /// One member: its value (an array of them for OCCURS) with its annotations.
    fn field(&self, f: &Field, path: &mut Vec<usize>) -> Value {
        let value = match &f.kind {
            FieldKind::Group(children) => self.object(children, path),
            FieldKind::Item(dt) => {
                let mut m = item::schema(f, dt, self.opts);
                if let Some((lo, hi)) = annotate::counter_range(self.layout, path) {
                    if f.occurs.is_none() && m.contains_key("maximum") {
                        m.insert("minimum".into(), lo.into());
                        m.insert("maximum".into(), hi.into());
                    }
                }
                conditions::add(&mut m, f, dt, self.opts);
                let mut v = Value::Object(m);
                if self.opts.blank_numbers == BlankNumbers::Null && can_be_blank(dt) {
                    make_nullable(&mut v);
                }
                v
            }
        };
        let mut m = match &f.occurs {
            None => match value {
                Value::Object(m) => m,
                _ => Map::new(),
            },
            Some(o) => {
                let mut m = Map::new();
                m.insert("type".into(), "array".into());
                m.insert("items".into(), value);
                // Encode fills missing elements of a fixed table with defaults, and takes
                // an ODO table's count from its array.
                let fixed = o.depending_on.is_none();
                let min = match self.opts.direction {
                    SchemaDirection::Decode if self.opts.short_records => 0,
                    SchemaDirection::Decode if fixed && self.opts.drop_empty_occurs => 0,
                    SchemaDirection::Decode => o.min,
                    SchemaDirection::Encode if fixed => 0,
                    SchemaDirection::Encode => o.min,
                };
                if min > 0 {
                    m.insert("minItems".into(), min.into());
                }
                m.insert("maxItems".into(), o.max.into());
                m
            }
        };
        annotate::add(&mut m, self.layout, f, path, self.opts);
        Value::Object(m)
    }
}

/// Lets a member also be `null` (a REDEFINES alternative whose bytes do not fit its types).
fn make_nullable(s: &mut Value) {
    let Value::Object(m) = s else { return };
    match m.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            m.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) => types.push("null".into()),
        _ => {}
    }
}

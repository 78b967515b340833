//! A layout's columns: which Arrow type each shown field takes, nested (structs and
//! lists) or flattened (`a__b__c`, tables as `items__1__price` ...).
//!
//! Types: decimal128(p, s) for zoned, packed, COMP-6, edited and scaled binary (exact);
//! integers by size for unscaled binary (unsigned for unsigned PICs and COMP-X); Float32
//! for IEEE COMP-1, Float64 for COMP-2 and IBM hex COMP-1 (which f32 cannot hold
//! exactly); Utf8 for text and national. Items above 38 digits are refused.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_schema::{DataType as ArrowType, Field as ArrowField, Fields, Schema, SchemaRef};
use ferrule_parsers::dialect::FloatFormat;
use ferrule_parsers::json::CodecOptions;
use ferrule_parsers::layout::{
    ConditionValue, DataType, Field, FieldKind, FloatWidth, Layout, Literal, NumericPic,
};
use ferrule_parsers::values::{Shape, ShapeNode};

use crate::error::ColumnarError;

/// Arrow's decimal128 limit.
const MAX_PRECISION: u32 = 38;

/// How the columns are laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// One column per elementary item, named by its path joined with `__`; a table's
    /// elements numbered from 1 (`items__1__price`). CSV needs it.
    pub flatten: bool,
}

/// One elementary item's column type, and the scale its decimals are stored at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leaf {
    Decimal { precision: u8, scale: i8 },
    Int { bytes: u8, signed: bool },
    Float32,
    Float64,
    Utf8,
}

impl Leaf {
    pub fn arrow_type(self) -> ArrowType {
        match self {
            Leaf::Decimal { precision, scale } => ArrowType::Decimal128(precision, scale),
            Leaf::Int { bytes, signed } => match (bytes, signed) {
                (1, true) => ArrowType::Int8,
                (2, true) => ArrowType::Int16,
                (3 | 4, true) => ArrowType::Int32,
                (_, true) => ArrowType::Int64,
                (1, false) => ArrowType::UInt8,
                (2, false) => ArrowType::UInt16,
                (3 | 4, false) => ArrowType::UInt32,
                (_, false) => ArrowType::UInt64,
            },
            Leaf::Float32 => ArrowType::Float32,
            Leaf::Float64 => ArrowType::Float64,
            Leaf::Utf8 => ArrowType::Utf8,
        }
    }
}

/// The column tree of one shown field.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Leaf(Leaf),
    Struct(Vec<Member>),
    /// A table of at most `max` elements.
    List {
        elem: Box<Node>,
        max: usize,
    },
}

/// A named member of a record or group.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub node: Node,
    /// COBOL name, picture and level-88 conditions, as Arrow field metadata.
    pub metadata: HashMap<String, String>,
}

/// A layout's columns, built once and shared by the schema and the batch builder.
#[derive(Debug, Clone)]
pub struct ColumnPlan {
    pub members: Vec<Member>,
    pub options: PlanOptions,
    pub schema: SchemaRef,
}

impl ColumnPlan {
    pub fn new(
        layout: &Layout,
        codec: &CodecOptions,
        options: PlanOptions,
    ) -> Result<ColumnPlan, ColumnarError> {
        let shape = Shape::new(layout, codec.redefines).map_err(ColumnarError::Layout)?;
        Self::from_shape(&shape, codec, options)
    }

    /// The plan of a shape already compiled (the one a `ValueDecoder` walks).
    pub fn from_shape(
        shape: &Shape<'_>,
        codec: &CodecOptions,
        options: PlanOptions,
    ) -> Result<ColumnPlan, ColumnarError> {
        let members = record_members(shape)
            .into_iter()
            .map(|n| member(n, codec, ""))
            .collect::<Result<Vec<_>, _>>()?;
        let fields: Vec<ArrowField> = if options.flatten {
            let mut out = Vec::new();
            for m in &members {
                flat_fields(&m.name, &m.node, &m.metadata, &mut out);
            }
            out
        } else {
            members.iter().map(nested_field).collect()
        };
        Ok(ColumnPlan {
            members,
            options,
            schema: Arc::new(Schema::new(fields)),
        })
    }
}

/// The Arrow schema of `layout`'s records.
pub fn arrow_schema(
    layout: &Layout,
    codec: &CodecOptions,
    options: PlanOptions,
) -> Result<SchemaRef, ColumnarError> {
    Ok(ColumnPlan::new(layout, codec, options)?.schema)
}

/// A record's shown members: the root group's, or the root item alone.
pub(crate) fn record_members<'s, 'l>(shape: &'s Shape<'l>) -> Vec<&'s ShapeNode<'l>> {
    match shape.root.field.kind {
        FieldKind::Group(_) => Shape::members(&shape.root),
        FieldKind::Item(_) => vec![&shape.root],
    }
}

fn member(n: &ShapeNode<'_>, codec: &CodecOptions, parent: &str) -> Result<Member, ColumnarError> {
    let f = n.field;
    let path = if parent.is_empty() {
        f.json_name.clone()
    } else {
        format!("{parent}.{}", f.json_name)
    };
    let base = match &f.kind {
        FieldKind::Group(_) => Node::Struct(
            Shape::members(n)
                .into_iter()
                .map(|c| member(c, codec, &path))
                .collect::<Result<_, _>>()?,
        ),
        FieldKind::Item(dt) => Node::Leaf(leaf(f, dt, codec, &path)?),
    };
    let node = match &f.occurs {
        Some(o) => Node::List {
            elem: Box::new(base),
            max: o.max,
        },
        None => base,
    };
    Ok(Member {
        name: f.json_name.clone(),
        node,
        metadata: metadata(f),
    })
}

/// The column type of one elementary item.
fn leaf(f: &Field, dt: &DataType, codec: &CodecOptions, path: &str) -> Result<Leaf, ColumnarError> {
    let beyond = codec.trunc.beyond_pic();
    let decimal = |pic: &NumericPic, extra: u32| decimal(pic, extra, f, path);
    Ok(match dt {
        DataType::Alphanumeric { .. } | DataType::National { .. } => Leaf::Utf8,
        DataType::Zoned { pic, .. } | DataType::Edited { pic, .. } => decimal(pic, 0)?,
        // TRUNC(BIN): an even-digit item's pad nibble may hold one more digit.
        DataType::Packed { pic } | DataType::Comp6 { pic } => {
            decimal(pic, u32::from(beyond && pic.digits % 2 == 0))?
        }
        DataType::Binary {
            pic, bytes, native, ..
        } => {
            if pic.scale == 0 {
                Leaf::Int {
                    bytes: *bytes,
                    signed: pic.signed,
                }
            } else if beyond || *native {
                // The bytes, not the PIC, bound the value: room for all their digits.
                let held = binary_digits(*bytes, pic.signed);
                decimal(pic, held.saturating_sub(u32::from(pic.digits)))?
            } else {
                decimal(pic, 0)?
            }
        }
        DataType::CompX { pic, bytes, .. } => {
            if pic.scale == 0 {
                Leaf::Int {
                    bytes: *bytes,
                    signed: false,
                }
            } else {
                let held = binary_digits(*bytes, false);
                decimal(pic, held.saturating_sub(u32::from(pic.digits)))?
            }
        }
        DataType::Float {
            width: FloatWidth::Single,
        } if matches!(codec.dialect.float_format, FloatFormat::Ieee(_)) => Leaf::Float32,
        DataType::Float { .. } => Leaf::Float64,
    })
}

/// Decimal digits `bytes` of binary can hold.
fn binary_digits(bytes: u8, signed: bool) -> u32 {
    match (bytes, signed) {
        (1, _) => 3,
        (2, _) => 5,
        (3, _) => 8,
        (4, _) => 10,
        (5, _) => 13,
        (6, _) => 15,
        (7, _) => 17,
        (8, true) => 19,
        _ => 20,
    }
}

/// decimal128(p, s) for a PIC: trailing P positions (negative scale) widen the
/// precision at scale 0 (Parquet has no negative scales); leading ones (scale above the
/// digits) make the precision the scale.
fn decimal(pic: &NumericPic, extra: u32, f: &Field, path: &str) -> Result<Leaf, ColumnarError> {
    let digits = u32::from(pic.digits) + extra;
    let scale = i32::from(pic.scale);
    let (precision, scale) = if scale < 0 {
        (digits + scale.unsigned_abs(), 0)
    } else {
        (digits.max(scale.unsigned_abs()), scale)
    };
    if precision > MAX_PRECISION {
        return Err(ColumnarError::TooManyDigits {
            path: path.to_string(),
            line: f.pos.line,
            digits: precision,
        });
    }
    Ok(Leaf::Decimal {
        precision: precision.max(1) as u8,
        scale: scale as i8,
    })
}

fn metadata(f: &Field) -> HashMap<String, String> {
    let mut m = HashMap::new();
    m.insert("cobol.name".into(), f.name.clone());
    if let FieldKind::Item(dt) = &f.kind {
        m.insert("cobol.picture".into(), dt.describe());
    }
    if !f.conditions.is_empty() {
        // {"STATUS-ACTIVE": ["A"], "AGE-ADULT": ["18 THRU 120"]}
        let conds: serde_json::Map<String, serde_json::Value> = f
            .conditions
            .iter()
            .map(|c| {
                let values = c
                    .values
                    .iter()
                    .map(|v| match v {
                        ConditionValue::One(l) => literal(l).into(),
                        ConditionValue::Range(a, b) => {
                            format!("{} THRU {}", literal(a), literal(b)).into()
                        }
                    })
                    .collect();
                (c.name.clone(), serde_json::Value::Array(values))
            })
            .collect();
        m.insert(
            "cobol.level88".into(),
            serde_json::Value::Object(conds).to_string(),
        );
    }
    m
}

fn literal(l: &Literal) -> String {
    match l {
        Literal::Text(t) | Literal::Number(t) => t.clone(),
        Literal::Hex(b) => format!(
            "X'{}'",
            ferrule_parsers::json::hex_bytes(b).replace(' ', "")
        ),
        Literal::Zeros => "ZERO".into(),
        Literal::Spaces => "SPACE".into(),
        Literal::LowValues => "LOW-VALUE".into(),
        Literal::HighValues => "HIGH-VALUE".into(),
        Literal::Quotes => "QUOTE".into(),
        Literal::All(inner) => format!("ALL {}", literal(inner)),
    }
}

/// The nested Arrow type of a column tree.
pub(crate) fn nested_type(node: &Node) -> ArrowType {
    match node {
        Node::Leaf(l) => l.arrow_type(),
        Node::Struct(members) => ArrowType::Struct(Fields::from(
            members.iter().map(nested_field).collect::<Vec<_>>(),
        )),
        Node::List { elem, .. } => {
            ArrowType::List(Arc::new(ArrowField::new("item", nested_type(elem), true)))
        }
    }
}

fn nested_field(m: &Member) -> ArrowField {
    ArrowField::new(&m.name, nested_type(&m.node), true).with_metadata(m.metadata.clone())
}

/// Flattened columns of a member: `prefix__child`, tables numbered from 1.
fn flat_fields(name: &str, node: &Node, meta: &HashMap<String, String>, out: &mut Vec<ArrowField>) {
    match node {
        Node::Leaf(l) => {
            out.push(ArrowField::new(name, l.arrow_type(), true).with_metadata(meta.clone()))
        }
        Node::Struct(members) => {
            for m in members {
                flat_fields(&format!("{name}__{}", m.name), &m.node, &m.metadata, out);
            }
        }
        Node::List { elem, max } => {
            for i in 1..=*max {
                flat_fields(&format!("{name}__{i}"), elem, meta, out);
            }
        }
    }
}

/// The schema as an indented listing, one field a line with its Arrow type and level-88
/// conditions (`ferrule schema --arrow`).
pub fn describe(schema: &Schema) -> String {
    fn field(f: &ArrowField, depth: usize, out: &mut String) {
        let pad = "  ".repeat(depth);
        let (ty, children) = match f.data_type() {
            ArrowType::Struct(fs) => ("struct".to_string(), Some(fs.clone())),
            ArrowType::List(item) => match item.data_type() {
                ArrowType::Struct(fs) => ("list<struct>".to_string(), Some(fs.clone())),
                t => (format!("list<{t}>"), None),
            },
            t => (t.to_string(), None),
        };
        out.push_str(&format!("{pad}{}: {ty}", f.name()));
        if let Some(c) = f.metadata().get("cobol.level88") {
            out.push_str(&format!("  -- 88 {c}"));
        }
        out.push('\n');
        for c in children.iter().flat_map(|fs| fs.iter()) {
            field(c, depth + 1, out);
        }
    }
    let mut out = String::new();
    for f in schema.fields() {
        field(f, 0, &mut out);
    }
    out
}

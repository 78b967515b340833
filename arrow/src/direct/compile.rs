//! A layout's shape -> the direct path's programs, once per layout and options: for
//! every column leaf the offsets of its occurrences and how to read them, for every
//! hidden item (FILLER) the same, to check it. `None` for whatever the direct path does
//! not do (OCCURS DEPENDING ON, REDEFINES chosen by data or all shown, edited and COMP-6
//! items, ...): those layouts keep the generic path.

use std::sync::Arc;

use arrow_schema::{DataType as ArrowType, Field as ArrowField};
use ferrule_parsers::dialect::Endian;
use ferrule_parsers::json::{BlankNumbers, CodecOptions, RedefinesMode};
use ferrule_parsers::layout::{DataType, Field, FieldKind, NumericPic};
use ferrule_parsers::numeric::ZonedCode;
use ferrule_parsers::values::{Shape, ShapeNode};

use super::column::{Digits, LeafProg, Number, Read};
use super::number::{Binary, Packed, Zoned};
use super::Prog;
use crate::plan::{nested_type, Leaf, Member, Node};

/// The shifts of every occurrence of the enclosing tables, in list order (`[0]` outside
/// any table), and `node`'s own occurrences added.
fn occurrences(shifts: &[usize], f: &Field) -> Option<Vec<usize>> {
    match &f.occurs {
        None => Some(shifts.to_vec()),
        Some(o) if o.max > 0 && o.depending_on.is_none() => Some(
            shifts
                .iter()
                .flat_map(|s| (0..o.max).map(move |i| s + i * f.size))
                .collect(),
        ),
        Some(_) => None,
    }
}

/// What compiling needs besides the tree.
pub(super) struct Ctx<'c> {
    pub codec: &'c CodecOptions,
    pub record_len: usize,
}

impl Ctx<'_> {
    /// The nested program of a shown member (`shifts`: its enclosing occurrences).
    pub fn nested(&self, n: &ShapeNode<'_>, m: &Member, shifts: &[usize]) -> Option<Prog> {
        let own = occurrences(shifts, n.field)?;
        let base = match &m.node {
            Node::List { elem, .. } => elem,
            other => other,
        };
        let base_prog = self.base(n, base, &own)?;
        Some(match (&n.field.occurs, &m.node) {
            (Some(o), Node::List { elem, max }) if *max == o.max => Prog::List {
                field: Arc::new(ArrowField::new("item", nested_type(elem), true)),
                count: o.max,
                elem: Box::new(base_prog),
            },
            (None, Node::Leaf(_) | Node::Struct(_)) => base_prog,
            _ => return None,
        })
    }

    /// One occurrence's program (a struct's or a leaf's) at every shift in `at`.
    fn base(&self, n: &ShapeNode<'_>, node: &Node, at: &[usize]) -> Option<Prog> {
        match (&n.field.kind, node) {
            (FieldKind::Group(_), Node::Struct(members)) => {
                let children = paired(n, members)?
                    .into_iter()
                    .map(|(c, m)| self.nested(c, m, at))
                    .collect::<Option<Vec<_>>>()?;
                let ArrowType::Struct(fields) = nested_type(node) else {
                    return None;
                };
                Some(Prog::Struct { fields, children })
            }
            (FieldKind::Item(dt), Node::Leaf(leaf)) => {
                Some(Prog::Leaf(self.leaf(n.field, dt, Some(*leaf), at)?))
            }
            _ => None,
        }
    }

    /// The flattened programs of a shown member, one per column, in `flat_fields` order
    /// (a table's elements one after the other).
    pub fn flat(
        &self,
        n: &ShapeNode<'_>,
        node: &Node,
        shift: usize,
        out: &mut Vec<Prog>,
    ) -> Option<()> {
        let f = n.field;
        let (node, count) = match (&f.occurs, node) {
            (Some(o), Node::List { elem, max }) if *max == o.max && o.depending_on.is_none() => {
                (elem.as_ref(), o.max)
            }
            (None, _) => (node, 1),
            _ => return None,
        };
        for at in (0..count).map(|i| shift + i * f.size) {
            match (&f.kind, node) {
                (FieldKind::Group(_), Node::Struct(members)) => {
                    for (c, m) in paired(n, members)? {
                        self.flat(c, &m.node, at, out)?;
                    }
                }
                (FieldKind::Item(dt), Node::Leaf(leaf)) => {
                    out.push(Prog::Leaf(self.leaf(f, dt, Some(*leaf), &[at])?));
                }
                _ => return None,
            }
        }
        Some(())
    }

    /// Every item the walk visits but shows no column for (FILLER), to be checked.
    pub fn hidden(
        &self,
        n: &ShapeNode<'_>,
        shifts: &[usize],
        out: &mut Vec<LeafProg>,
    ) -> Option<()> {
        let f = n.field;
        if f.size == 0 || f.select_when.is_some() {
            return None;
        }
        let own = occurrences(shifts, f)?;
        match &f.kind {
            FieldKind::Item(dt) if !n.shown => {
                out.push(self.leaf(f, dt, None, &own)?);
            }
            FieldKind::Item(_) => {}
            FieldKind::Group(_) => {
                if n.transparent && f.occurs.is_some() {
                    return None;
                }
                let siblings = f.children();
                for (i, c) in n.children.iter().enumerate() {
                    match c.field.redefines {
                        // A later alternative: First mode never walks it.
                        Some(r) if r < i && self.codec.redefines == RedefinesMode::First => {
                            continue
                        }
                        Some(_) => return None,
                        None if self.codec.redefines == RedefinesMode::All
                            && siblings.iter().any(|s| s.redefines == Some(i)) =>
                        {
                            return None
                        }
                        None => {}
                    }
                    self.hidden(c, &own, out)?;
                }
            }
        }
        Some(())
    }

    /// An item's program: its reads at every shift in `at`, into a `leaf` column (`None`:
    /// a hidden item, read only to be checked).
    fn leaf(&self, f: &Field, dt: &DataType, leaf: Option<Leaf>, at: &[usize]) -> Option<LeafProg> {
        let len = dt.byte_len();
        let at: Vec<usize> = at.iter().map(|s| s + f.offset).collect();
        if len == 0 || at.iter().any(|&a| a + len > self.record_len) {
            return None;
        }
        let opts = self.codec;
        let cp = opts.codepage;
        let beyond = opts.trunc.beyond_pic();
        let numeric = |read: Read, pic: &NumericPic| -> Option<Number> {
            Some(Number {
                read,
                times: match leaf {
                    Some(leaf) => times(pic, leaf)?,
                    None => 1,
                },
                blank: f.blank_when_zero.then(|| cp.space()),
                // Binary reads have no blank (X'4040' is a number).
                blanks: match read {
                    Read::Packed(_) | Read::Zoned(_) => opts.blank_numbers,
                    _ => BlankNumbers::Error,
                },
                space: cp.space(),
            })
        };
        let number = match dt {
            DataType::Alphanumeric { .. } => Number {
                read: Read::Text {
                    codepage: cp,
                    justified_right: f.justified_right,
                },
                times: 1,
                blank: None,
                blanks: BlankNumbers::Error,
                space: cp.space(),
            },
            DataType::National { .. } => Number {
                read: Read::National {
                    justified_right: f.justified_right,
                },
                times: 1,
                blank: None,
                blanks: BlankNumbers::Error,
                space: cp.space(),
            },
            DataType::Zoned { pic, sign } if pic.digits > 0 => numeric(
                Read::Zoned(Zoned {
                    signed: pic.signed,
                    sign: *sign,
                    ebcdic: cp.is_ebcdic(),
                }),
                pic,
            )?,
            DataType::Packed { pic } if len <= 20 => numeric(
                Read::Packed(Packed {
                    signed: pic.signed,
                    pad_zero: !beyond && pic.digits % 2 == 0,
                }),
                pic,
            )?,
            // The binary codec reads 1, 2, 4 or 8 bytes and refuses other widths.
            DataType::Binary { pic, native, .. } if matches!(len, 1 | 2 | 4 | 8) => numeric(
                Read::Binary(Binary {
                    signed: pic.signed,
                    endian: if *native {
                        opts.dialect.comp5_endian
                    } else {
                        Endian::Big
                    },
                    // COMP-5 is native binary whatever TRUNC says.
                    below: below(pic, beyond || *native)?,
                }),
                pic,
            )?,
            DataType::CompX { pic, .. } => numeric(
                Read::Binary(Binary {
                    signed: false,
                    endian: Endian::Big,
                    below: below(pic, beyond)?,
                }),
                pic,
            )?,
            DataType::Float { width } if !f.blank_when_zero => Number {
                read: Read::Float {
                    width: *width,
                    format: opts.dialect.float_format,
                },
                times: 1,
                blank: None,
                blanks: BlankNumbers::Error,
                space: cp.space(),
            },
            _ => return None,
        };
        let digits = match (dt, number.read) {
            _ if number.times != 1 || number.blank.is_some() || leaf.is_none() => None,
            (DataType::Packed { pic }, Read::Packed(p)) => Some(Digits::Packed {
                pic: *pic,
                pad_zero: p.pad_zero,
            }),
            (DataType::Zoned { pic, sign }, _) => Some(Digits::Zoned(
                *pic,
                *sign,
                ZonedCode {
                    ebcdic: cp.is_ebcdic(),
                    ascii_sign: opts.dialect.ascii_sign,
                },
            )),
            _ => None,
        };
        Some(LeafProg {
            leaf: leaf.unwrap_or(Leaf::Utf8),
            number,
            digits,
            at,
            len,
        })
    }
}

/// A group's shown members beside the plan's members of its struct (the same list, as
/// the plan is built from the same shape).
fn paired<'s, 'l, 'm>(
    n: &'s ShapeNode<'l>,
    members: &'m [Member],
) -> Option<Vec<(&'s ShapeNode<'l>, &'m Member)>> {
    let shown = Shape::members(n);
    (shown.len() == members.len()).then(|| shown.into_iter().zip(members).collect())
}

/// The bound a binary item's magnitude must stay under when TRUNC holds it to its PIC
/// (`Some(None)`: no bound); `None` if 10^digits does not fit a u128.
fn below(pic: &NumericPic, beyond: bool) -> Option<Option<u128>> {
    if beyond {
        return Some(None);
    }
    10u128.checked_pow(u32::from(pic.digits)).map(Some)
}

/// What the stored integer is multiplied by at the column's scale: 10^p for `p` trailing
/// P positions (the column is at scale 0), else 1. `None` when the column is not at the
/// PIC's scale (or 0 for trailing P), which the plan never makes.
fn times(pic: &NumericPic, leaf: Leaf) -> Option<i128> {
    let col_scale = match leaf {
        Leaf::Decimal { scale, .. } => i16::from(scale),
        Leaf::Int { .. } => 0,
        _ => return None,
    };
    if pic.scale < 0 {
        (col_scale == 0).then(|| 10i128.checked_pow(u32::from(pic.scale.unsigned_abs())))?
    } else {
        (col_scale == pic.scale).then_some(1)
    }
}

//! PICTURE + USAGE + SIGN -> the physical type of an elementary item.

use super::entry::{reserved_name_message, Entry, SignClause, Usage};
use super::lex::Spanned;
use super::picture::{self, Picture};
use super::{CopybookError, Ctx};
use crate::layout::{binary_bytes, DataType, FloatWidth, NumericPic, SignPosition};
use crate::numeric::compx;

/// Most digits of a DISPLAY or packed number: IBM stops at 31 (ARITH(EXTEND)), GnuCOBOL
/// and Micro Focus at 38; the decimal type holds 40.
const MAX_DECIMAL_DIGITS: u16 = 38;
/// Most digits of a binary number (8 bytes).
const MAX_BINARY_DIGITS: u16 = 18;

/// USAGE and SIGN given on a group apply to every elementary item below it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Inherited {
    pub usage: Option<Usage>,
    pub sign: Option<SignClause>,
    pub sync: bool,
}

impl Inherited {
    /// What children of `e` inherit; a child USAGE that contradicts its group's is an error.
    pub fn below(self, ctx: &Ctx<'_>, e: &Entry) -> Result<Inherited, CopybookError> {
        Ok(Inherited {
            usage: effective_usage(ctx, self, e)?,
            sign: e.sign.as_ref().map(|s| s.value).or(self.sign),
            sync: self.sync || e.sync,
        })
    }
}

/// The entry's own USAGE, checked against the one inherited from its group.
fn effective_usage(
    ctx: &Ctx<'_>,
    inh: Inherited,
    e: &Entry,
) -> Result<Option<Usage>, CopybookError> {
    match (&e.usage, inh.usage) {
        (Some(own), Some(group)) if own.value != group => Err(ctx.err(
            own.rest_len,
            format!(
                "USAGE {} conflicts with USAGE {} of the group it belongs to",
                usage_name(own.value),
                usage_name(group)
            ),
        )),
        (Some(own), _) => Ok(Some(own.value)),
        (None, group) => Ok(group),
    }
}

fn usage_name(u: Usage) -> &'static str {
    match u {
        Usage::Display => "DISPLAY",
        Usage::Binary => "BINARY",
        Usage::Comp5 => "COMP-5",
        Usage::Comp1 => "COMP-1",
        Usage::Comp2 => "COMP-2",
        Usage::Packed => "COMP-3",
        Usage::CompX => "COMP-X",
        Usage::Comp6 => "COMP-6",
        Usage::National => "NATIONAL",
        Usage::Index => "INDEX",
        Usage::Pointer => "POINTER",
        Usage::Pointer32 => "POINTER-32",
        Usage::Pointer64 => "POINTER-64",
        Usage::ProcedurePointer => "PROCEDURE-POINTER",
        Usage::FunctionPointer => "FUNCTION-POINTER",
    }
}

/// The USAGE of elementary entry `e` when it is an index or pointer (`POINTER`, `INDEX`,
/// ...), whose type is native binary of the dialect's address width.
pub(crate) fn address_usage(ctx: &Ctx<'_>, e: &Entry, inh: Inherited) -> Option<&'static str> {
    let usage = effective_usage(ctx, inh, e).ok()??;
    address_bytes(ctx, usage).map(|_| usage_name(usage))
}

/// The physical type of elementary entry `e`.
///
/// An unnamed entry that starts with a reserved word (`05 COMP PIC X(30).`) and makes no
/// sense as written most likely meant that word as its name: the error says so.
pub(crate) fn data_type(
    ctx: &Ctx<'_>,
    e: &Entry,
    inh: Inherited,
) -> Result<DataType, CopybookError> {
    elementary_type(ctx, e, inh).map_err(|err| match &e.lead_keyword {
        Some(k) if e.name.is_none() && !matches!(k.value.as_str(), "PIC" | "PICTURE") => ctx.err(
            k.rest_len,
            format!(
                "{} (read as an unnamed entry: {})",
                reserved_name_message(&k.value),
                err.message()
            ),
        ),
        _ => err,
    })
}

fn elementary_type(ctx: &Ctx<'_>, e: &Entry, inh: Inherited) -> Result<DataType, CopybookError> {
    let usage = effective_usage(ctx, inh, e)?.unwrap_or(Usage::Display);
    let pic = match &e.pic {
        Some(p) => Some((parse_pic(ctx, p)?, p)),
        None => None,
    };
    let dt = match (usage, pic) {
        (_, Some((_, p))) if no_picture(usage) => {
            return Err(ctx.err(
                p.rest_len,
                format!("USAGE {} items take no PICTURE clause", usage_name(usage)),
            ))
        }
        (Usage::Comp1, None) => DataType::Float {
            width: FloatWidth::Single,
        },
        (Usage::Comp2, None) => DataType::Float {
            width: FloatWidth::Double,
        },
        (usage, None) => match address_bytes(ctx, usage) {
            Some(bytes) => address_type(bytes),
            None => {
                return Err(ctx.err(
                    e.rest_len,
                    format!(
                        "{} has no PICTURE clause and no subordinate items",
                        e.name_or_filler()
                    ),
                ))
            }
        },
        (usage, Some((pic, p))) => with_picture(ctx, usage, pic, p)?,
    };
    apply_sign(ctx, e, inh, dt)
}

/// USAGEs that stand alone: floats, indexes and pointers.
fn no_picture(u: Usage) -> bool {
    matches!(
        u,
        Usage::Comp1
            | Usage::Comp2
            | Usage::Index
            | Usage::Pointer
            | Usage::Pointer32
            | Usage::Pointer64
            | Usage::ProcedurePointer
            | Usage::FunctionPointer
    )
}

/// Bytes of an index or pointer item under the dialect the layout is loaded for
/// (`None` for other usages). INDEX is 4 bytes on IBM (31-bit) and GnuCOBOL 3.1 (x86-64).
fn address_bytes(ctx: &Ctx<'_>, u: Usage) -> Option<u8> {
    match u {
        Usage::Index | Usage::Pointer32 => Some(4),
        Usage::Pointer64 => Some(8),
        Usage::Pointer | Usage::FunctionPointer => Some(ctx.dialect.pointer_bytes),
        Usage::ProcedurePointer => Some(ctx.dialect.procedure_pointer_bytes),
        _ => None,
    }
}

/// An address or index: unsigned, in the machine's own byte order (COMP-5), the whole
/// word being the value whatever TRUNC says.
fn address_type(bytes: u8) -> DataType {
    DataType::Binary {
        pic: NumericPic {
            digits: if bytes == 8 { 20 } else { 10 },
            scale: 0,
            signed: false,
        },
        bytes,
        native: true,
    }
}

fn parse_pic(ctx: &Ctx<'_>, p: &Spanned<String>) -> Result<Picture, CopybookError> {
    picture::parse(&p.value, ctx.symbols)
        .map_err(|e| ctx.err(p.rest_len.saturating_sub(e.offset), e.message))
}

/// A type from a PICTURE and a USAGE that needs one.
fn with_picture(
    ctx: &Ctx<'_>,
    usage: Usage,
    pic: Picture,
    p: &Spanned<String>,
) -> Result<DataType, CopybookError> {
    let limit = |n: NumericPic, max: u16| {
        if n.digits > max {
            Err(ctx.err(
                p.rest_len,
                format!(
                    "{} digits is more than the {max} a {} item can hold",
                    n.digits,
                    usage_name(usage)
                ),
            ))
        } else {
            Ok(n)
        }
    };
    let needs_numeric = || {
        ctx.err(
            p.rest_len,
            format!(
                "USAGE {} needs a numeric PICTURE (9, S, V, P)",
                usage_name(usage)
            ),
        )
    };
    Ok(match (usage, pic) {
        (Usage::Display, Picture::Alphanumeric { len }) => DataType::Alphanumeric { len },
        (Usage::Display | Usage::National, Picture::National { chars }) => {
            DataType::National { chars }
        }
        (Usage::National, Picture::Alphanumeric { len }) => DataType::National { chars: len },
        (Usage::National, _) => {
            return Err(ctx.err(p.rest_len, "national numeric items are not supported"))
        }
        (Usage::Display, Picture::Numeric(n)) => DataType::Zoned {
            pic: limit(n, MAX_DECIMAL_DIGITS)?,
            sign: SignPosition::TrailingOverpunch,
        },
        (Usage::Display, Picture::Edited { pic, len }) => DataType::Edited {
            picture: p.value.clone(),
            pic,
            len,
            symbols: ctx.symbols,
        },
        (Usage::Packed, Picture::Numeric(n)) => DataType::Packed {
            pic: limit(n, MAX_DECIMAL_DIGITS)?,
        },
        (Usage::Binary | Usage::Comp5, Picture::Numeric(n)) => {
            let n = limit(n, MAX_BINARY_DIGITS)?;
            DataType::Binary {
                pic: n,
                bytes: binary_bytes(n.digits),
                native: usage == Usage::Comp5,
            }
        }
        (Usage::CompX, pic) => comp_x(ctx, pic, p)?,
        // GnuCOBOL ("COMP-6 with sign - changing to COMP-3") and Micro Focus both store a
        // signed COMP-6 as COMP-3.
        (Usage::Comp6, Picture::Numeric(n)) if n.signed => DataType::Packed {
            pic: limit(n, MAX_DECIMAL_DIGITS)?,
        },
        (Usage::Comp6, Picture::Numeric(n)) => DataType::Comp6 {
            pic: limit(n, MAX_DECIMAL_DIGITS)?,
        },
        _ => return Err(needs_numeric()),
    })
}

/// `PIC 9(n) COMP-X` (the fewest bytes holding n nines) or `PIC X(n) COMP-X` (n bytes).
fn comp_x(ctx: &Ctx<'_>, pic: Picture, p: &Spanned<String>) -> Result<DataType, CopybookError> {
    let err = |m: String| Err(ctx.err(p.rest_len, m));
    match pic {
        Picture::Numeric(n) if n.signed => {
            err("a signed COMP-X item is not supported (COMP-X is unsigned; use COMP-5)".into())
        }
        Picture::Numeric(n) => match compx::bytes_for_digits(n.digits) {
            Some(bytes) if n.digits <= MAX_BINARY_DIGITS => Ok(DataType::CompX {
                pic: n,
                bytes,
                by_bytes: false,
            }),
            _ => err(format!(
                "{} digits is more than the {MAX_BINARY_DIGITS} a COMP-X item can hold",
                n.digits
            )),
        },
        Picture::Alphanumeric { len } => match u8::try_from(len) {
            Ok(bytes) if (1..=compx::MAX_BYTES).contains(&len) => Ok(DataType::CompX {
                pic: NumericPic {
                    digits: compx::digits_for_bytes(bytes),
                    scale: 0,
                    signed: false,
                },
                bytes,
                by_bytes: true,
            }),
            _ => err(format!(
                "PIC X({len}) COMP-X is {len} bytes; a COMP-X item holds 1 to {} bytes",
                compx::MAX_BYTES
            )),
        },
        _ => err("USAGE COMP-X needs a PICTURE of 9s (with V) or of Xs".into()),
    }
}

/// SIGN LEADING/TRAILING [SEPARATE]: only for signed DISPLAY numbers.
fn apply_sign(
    ctx: &Ctx<'_>,
    e: &Entry,
    inh: Inherited,
    dt: DataType,
) -> Result<DataType, CopybookError> {
    let (clause, own_at) = match (&e.sign, inh.sign) {
        (Some(s), _) => (s.value, Some(s.rest_len)),
        (None, Some(s)) => (s, None),
        (None, None) => return Ok(dt),
    };
    match dt {
        // Lenient: a SIGN clause on an unsigned PIC still means the sign is stored.
        DataType::Zoned { mut pic, .. } => {
            pic.signed = true;
            let sign = match (clause.leading, clause.separate) {
                (true, true) => SignPosition::LeadingSeparate,
                (true, false) => SignPosition::LeadingOverpunch,
                (false, true) => SignPosition::TrailingSeparate,
                (false, false) => SignPosition::TrailingOverpunch,
            };
            Ok(DataType::Zoned { pic, sign })
        }
        // A group's SIGN clause only concerns its signed DISPLAY numbers.
        other if own_at.is_none() => Ok(other),
        _ => Err(ctx.err(
            own_at.unwrap_or(e.rest_len),
            "the SIGN clause needs a signed numeric DISPLAY item (PIC S9...)",
        )),
    }
}

/// Alignment of a SYNCHRONIZED item: its natural boundary (binary 2/4/8, COMP-1 4, COMP-2 8).
pub(crate) fn sync_boundary(dt: &DataType) -> usize {
    match dt {
        DataType::Binary { bytes, .. } => usize::from(*bytes),
        DataType::Float {
            width: FloatWidth::Single,
        } => 4,
        DataType::Float {
            width: FloatWidth::Double,
        } => 8,
        _ => 1,
    }
}

//! PICTURE strings: symbols with repetition (`9(5)`, `X(10)`) and what they declare:
//! alphanumeric, national, numeric (9 S V P) or numeric-edited.

use nom::branch::alt;
use nom::bytes::complete::tag_no_case;
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{cut, map, opt};
use nom::error::context;
use nom::sequence::{delimited, pair};
use nom::Parser;

use super::lex::{Fail, PResult};
use crate::dialect::EditSymbols;
use crate::layout::NumericPic;

/// Largest repetition count accepted in `c(n)`, and the largest item length.
const MAX_LEN: usize = 999_999_999;

/// What a PICTURE string declares (before USAGE is applied).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Picture {
    /// X / A (with 9, B, 0, / insertions): text of `len` characters.
    Alphanumeric { len: usize },
    /// N (with B, 0, / insertions): national characters.
    National { chars: usize },
    /// 9, S, V, P only.
    Numeric(NumericPic),
    /// Numeric-edited: `len` printable characters showing a number shaped like `pic`.
    Edited { pic: NumericPic, len: usize },
}

/// A PICTURE problem at byte `offset` of the PIC string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PicError {
    pub offset: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    A,
    X,
    N,
    G,
    Nine,
    S,
    V,
    P,
    Z,
    Star,
    Plus,
    Minus,
    Dot,
    Comma,
    B,
    Zero,
    Slash,
    Dollar,
    Cr,
    Db,
    E,
    One,
}

/// One symbol of the PIC string with its repetition count and byte offset.
#[derive(Debug, Clone, Copy)]
struct Tok {
    sym: Sym,
    count: usize,
    offset: usize,
}

fn symbol(i: &str) -> PResult<'_, Sym> {
    alt((
        map(tag_no_case("CR"), |_| Sym::Cr),
        map(tag_no_case("DB"), |_| Sym::Db),
        map(one_of("AaXxNnGg9SsVvPpZz*+-.,Bb0/$Ee1"), |c| {
            match c.to_ascii_uppercase() {
                'A' => Sym::A,
                'X' => Sym::X,
                'N' => Sym::N,
                'G' => Sym::G,
                '9' => Sym::Nine,
                'S' => Sym::S,
                'V' => Sym::V,
                'P' => Sym::P,
                'Z' => Sym::Z,
                '*' => Sym::Star,
                '+' => Sym::Plus,
                '-' => Sym::Minus,
                '.' => Sym::Dot,
                ',' => Sym::Comma,
                'B' => Sym::B,
                '0' => Sym::Zero,
                '/' => Sym::Slash,
                '$' => Sym::Dollar,
                'E' => Sym::E,
                _ => Sym::One,
            }
        }),
    ))
    .parse(i)
}

/// `(n)` after a symbol.
fn repetition(i: &str) -> PResult<'_, Option<&str>> {
    opt(delimited(
        char('('),
        cut(context("a repetition count inside `( )`", digit1)),
        cut(context("`)` to close the repetition count", char(')'))),
    ))
    .parse(i)
}

/// Splits the PIC string into symbols with counts.
fn tokens(pic: &str) -> Result<Vec<Tok>, PicError> {
    let mut out = Vec::new();
    let mut rest = pic;
    while !rest.is_empty() {
        let offset = pic.len() - rest.len();
        let (r, (sym, rep)) = pair(symbol, repetition)
            .parse(rest)
            .map_err(|e| nom_err(pic, e))?;
        let count = match rep {
            None => 1,
            Some(n) => {
                let count_offset = offset + 2;
                match n.parse::<usize>() {
                    Ok(0) => {
                        return Err(err(count_offset, "a repetition count must be at least 1"))
                    }
                    Ok(c) if c <= MAX_LEN => c,
                    _ => return Err(err(count_offset, "the repetition count is too large")),
                }
            }
        };
        if matches!(sym, Sym::Cr | Sym::Db | Sym::S | Sym::V) && rep.is_some() && count > 1 {
            let what = pic.get(offset..offset + 1).unwrap_or_default();
            return Err(err(offset, format!("`{what}` cannot be repeated")));
        }
        out.push(Tok { sym, count, offset });
        rest = r;
    }
    Ok(out)
}

fn nom_err(pic: &str, e: nom::Err<Fail<'_>>) -> PicError {
    match e {
        nom::Err::Error(f) | nom::Err::Failure(f) => {
            let offset = pic.len() - f.at.len();
            let message = match (f.message, f.expected) {
                (Some(m), _) => m,
                (None, Some(x)) => format!("expected {x} in the PIC string"),
                (None, None) => {
                    let c = f.at.chars().next().unwrap_or(' ');
                    format!("`{c}` is not a PICTURE symbol")
                }
            };
            PicError { offset, message }
        }
        nom::Err::Incomplete(_) => err(pic.len(), "incomplete PIC string"),
    }
}

fn err(offset: usize, message: impl Into<String>) -> PicError {
    PicError {
        offset,
        message: message.into(),
    }
}

/// Parses a PICTURE string (as written after PIC) under DECIMAL-POINT IS COMMA and the
/// currency symbol of `symbols`; error offsets point into `pic` as written.
pub(crate) fn parse(pic: &str, symbols: EditSymbols) -> Result<Picture, PicError> {
    if symbols.is_standard() {
        return parse_standard(pic).map_err(|mut e| {
            // `Z.ZZZ.ZZ9,99` is the usual way to meet a program's DECIMAL-POINT IS COMMA.
            if e.message.contains("only one decimal point") && pic.contains(',') {
                e.message.push_str(
                    " (for a program with DECIMAL-POINT IS COMMA, give --decimal-point comma \
                     or decimal_point = \"comma\")",
                );
            }
            e
        });
    }
    let (standard, offsets) = symbols
        .normalize(pic)
        .map_err(|(offset, message)| err(offset, message))?;
    parse_standard(&standard).map_err(|e| PicError {
        offset: offsets.get(e.offset).copied().unwrap_or(pic.len()),
        message: e.message,
    })
}

/// Parses a PICTURE string written with `.` point, `,` grouping and `$` currency.
fn parse_standard(pic: &str) -> Result<Picture, PicError> {
    let toks = tokens(pic)?;
    if toks.is_empty() {
        return Err(err(0, "empty PIC string"));
    }
    let has = |s: Sym| toks.iter().find(|t| t.sym == s);
    if let Some(t) = has(Sym::E) {
        return Err(err(
            t.offset,
            "floating-point edited pictures (E) are not supported",
        ));
    }
    if let Some(t) = has(Sym::G) {
        return Err(err(
            t.offset,
            "PIC G (DBCS) is not supported; use PIC N (national)",
        ));
    }
    if let Some(t) = has(Sym::One) {
        return Err(err(t.offset, "PIC 1 (boolean) is not supported"));
    }
    let edit = |s: Sym| {
        matches!(
            s,
            Sym::Z
                | Sym::Star
                | Sym::Plus
                | Sym::Minus
                | Sym::Dot
                | Sym::Comma
                | Sym::Cr
                | Sym::Db
                | Sym::Dollar
        )
    };
    if has(Sym::N).is_some() {
        text_picture(&toks, "N", |s| {
            matches!(s, Sym::N | Sym::B | Sym::Zero | Sym::Slash)
        })
        .map(|chars| Picture::National { chars })
    } else if has(Sym::X).is_some() || has(Sym::A).is_some() {
        text_picture(&toks, "X/A", |s| {
            matches!(
                s,
                Sym::X | Sym::A | Sym::Nine | Sym::B | Sym::Zero | Sym::Slash
            )
        })
        .map(|len| Picture::Alphanumeric { len })
    } else if toks
        .iter()
        .any(|t| edit(t.sym) || matches!(t.sym, Sym::B | Sym::Zero | Sym::Slash))
    {
        edited(&toks)
    } else {
        numeric(&toks).map(Picture::Numeric)
    }
}

/// Alphanumeric or national: every symbol must pass `allowed`; returns the length.
fn text_picture(
    toks: &[Tok],
    kind: &str,
    allowed: impl Fn(Sym) -> bool,
) -> Result<usize, PicError> {
    if let Some(t) = toks.iter().find(|t| !allowed(t.sym)) {
        return Err(err(
            t.offset,
            format!("this symbol cannot be mixed with {kind} in a PIC string"),
        ));
    }
    total(toks, |_| 1)
}

/// Sum of `width(sym) * count` over the tokens, bounded by `MAX_LEN`.
fn total(toks: &[Tok], width: impl Fn(Sym) -> usize) -> Result<usize, PicError> {
    let mut n: usize = 0;
    for t in toks {
        n = t
            .count
            .checked_mul(width(t.sym))
            .and_then(|w| n.checked_add(w))
            .filter(|&n| n <= MAX_LEN)
            .ok_or_else(|| err(t.offset, "the PIC string describes too many characters"))?;
    }
    Ok(n)
}

fn offset_of(toks: &[Tok], idx: usize) -> usize {
    toks.get(idx).map_or(0, |t| t.offset)
}

fn digits_u16(n: usize, offset: usize) -> Result<u16, PicError> {
    u16::try_from(n).map_err(|_| err(offset, "too many digit positions"))
}

/// 9, S, V and P only: digits and scale.
fn numeric(toks: &[Tok]) -> Result<NumericPic, PicError> {
    let mut signed = false;
    let mut v_at: Option<usize> = None;
    for (idx, t) in toks.iter().enumerate() {
        match t.sym {
            Sym::S if idx == 0 => signed = true,
            Sym::S => {
                return Err(err(
                    t.offset,
                    "S must be the first symbol of the PIC string",
                ))
            }
            Sym::V if v_at.is_some() => {
                return Err(err(t.offset, "a PIC string can have only one V"))
            }
            Sym::V => v_at = Some(idx),
            _ => {}
        }
    }
    let nines: Vec<usize> = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.sym == Sym::Nine)
        .map(|(i, _)| i)
        .collect();
    let (Some(&first9), Some(&last9)) = (nines.first(), nines.last()) else {
        return Err(err(0, "a numeric PIC string needs at least one 9"));
    };
    let count = |range: &mut dyn Iterator<Item = &Tok>, s: Sym| -> usize {
        range.filter(|t| t.sym == s).map(|t| t.count).sum()
    };
    let digits = count(&mut toks.iter(), Sym::Nine);
    let ps: Vec<usize> = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.sym == Sym::P)
        .map(|(i, _)| i)
        .collect();
    let leading_p = ps.iter().all(|&p| p < first9);
    let trailing_p = ps.iter().all(|&p| p > last9);
    let n_p = count(&mut toks.iter(), Sym::P);
    let scale: i64 = match (ps.first(), v_at) {
        (None, None) => 0,
        (None, Some(v)) => count(&mut toks.iter().skip(v), Sym::Nine) as i64,
        (Some(_), v) if leading_p => {
            // The assumed point is left of the Ps (`PPP99`, `VPPP99`).
            if let Some(v) = v.filter(|&v| ps.iter().any(|&p| p < v)) {
                return Err(err(offset_of(toks, v), "V must come before the leading Ps"));
            }
            (n_p + digits) as i64
        }
        (Some(_), v) if trailing_p => {
            // The assumed point is right of the Ps (`999PPP`, `999PPPV`).
            if let Some(v) = v.filter(|&v| ps.iter().any(|&p| p > v)) {
                return Err(err(offset_of(toks, v), "V must come after the trailing Ps"));
            }
            -(n_p as i64)
        }
        (Some(&p), _) => {
            let off = offset_of(toks, p);
            return Err(err(
                off,
                "P must be at the left or right end of the digit positions",
            ));
        }
    };
    let off = toks.first().map_or(0, |t| t.offset);
    Ok(NumericPic {
        digits: digits_u16(digits, off)?,
        scale: i16::try_from(scale).map_err(|_| err(off, "the scale is out of range"))?,
        signed,
    })
}

/// Numeric-edited: printable length, digit positions and the places after the point.
fn edited(toks: &[Tok]) -> Result<Picture, PicError> {
    if let Some(t) = toks.iter().find(|t| t.sym == Sym::S) {
        return Err(err(
            t.offset,
            "S is not allowed in an edited picture; use +, -, CR or DB",
        ));
    }
    let points: Vec<&Tok> = toks
        .iter()
        .filter(|t| matches!(t.sym, Sym::Dot | Sym::V))
        .collect();
    if let Some(t) = points
        .get(1)
        .or_else(|| points.first().filter(|t| t.count > 1))
    {
        return Err(err(
            t.offset,
            "an edited picture can have only one decimal point",
        ));
    }
    let len = total(toks, |s| match s {
        Sym::V | Sym::P => 0,
        Sym::Cr | Sym::Db => 2,
        _ => 1,
    })?;
    // A floating insertion string (`$$$`, `+++`, `---`) holds one digit fewer than its length.
    let floating = |s: Sym| {
        matches!(s, Sym::Plus | Sym::Minus | Sym::Dollar)
            && toks
                .iter()
                .filter(|t| t.sym == s)
                .map(|t| t.count)
                .sum::<usize>()
                > 1
    };
    let is_digit = |s: Sym| matches!(s, Sym::Nine | Sym::Z | Sym::Star) || floating(s);
    let mut digits: usize = 0;
    let mut scale: usize = 0;
    let mut after_point = false;
    for t in toks {
        if matches!(t.sym, Sym::Dot | Sym::V) {
            after_point = true;
        } else if is_digit(t.sym) {
            digits = digits.saturating_add(t.count);
            if after_point {
                scale = scale.saturating_add(t.count);
            }
        }
    }
    let floats = [Sym::Plus, Sym::Minus, Sym::Dollar]
        .into_iter()
        .filter(|&s| floating(s))
        .count();
    let digits = digits.saturating_sub(floats);
    if digits == 0 {
        return Err(err(
            0,
            "an edited picture needs at least one digit position",
        ));
    }
    let signed = toks
        .iter()
        .any(|t| matches!(t.sym, Sym::Plus | Sym::Minus | Sym::Cr | Sym::Db));
    Ok(Picture::Edited {
        pic: NumericPic {
            digits: digits_u16(digits, 0)?,
            scale: i16::try_from(scale).map_err(|_| err(0, "the scale is out of range"))?,
            signed,
        },
        len,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn num(digits: u16, scale: i16, signed: bool) -> Picture {
        Picture::Numeric(NumericPic {
            digits,
            scale,
            signed,
        })
    }

    #[test]
    fn alphanumeric_and_national() {
        // Repetition and plain symbols add up.
        assert_eq!(
            parse_standard("X(10)"),
            Ok(Picture::Alphanumeric { len: 10 })
        );
        assert_eq!(parse_standard("xxA"), Ok(Picture::Alphanumeric { len: 3 }));
        // Alphanumeric-edited: insertion characters count.
        assert_eq!(
            parse_standard("XXBXX/X0"),
            Ok(Picture::Alphanumeric { len: 8 })
        );
        // X with 9 is alphanumeric, as COBOL treats it.
        assert_eq!(
            parse_standard("X(2)9(3)"),
            Ok(Picture::Alphanumeric { len: 5 })
        );
        assert_eq!(parse_standard("N(5)"), Ok(Picture::National { chars: 5 }));
    }

    #[test]
    fn numeric_digits_and_scale() {
        // V99 gives scale 2; S marks signed.
        assert_eq!(parse_standard("S9(7)V99"), Ok(num(9, 2, true)));
        assert_eq!(parse_standard("9(5)"), Ok(num(5, 0, false)));
        // Trailing Ps scale by a negative power.
        assert_eq!(parse_standard("9(3)PPP"), Ok(num(3, -3, false)));
        // Leading Ps (with or without V) put the point left of them.
        assert_eq!(parse_standard("PPP99"), Ok(num(2, 5, false)));
        assert_eq!(parse_standard("VPPP99"), Ok(num(2, 5, false)));
        assert_eq!(parse_standard("SV9(4)"), Ok(num(4, 4, true)));
    }

    #[test]
    fn edited_pictures() {
        // Z,ZZ9.99CR: 11 printable characters, 7 digits, 2 decimals, signed.
        assert_eq!(
            parse_standard("ZZ,ZZ9.99CR"),
            Ok(Picture::Edited {
                pic: NumericPic {
                    digits: 7,
                    scale: 2,
                    signed: true
                },
                len: 11
            })
        );
        // Floating $ holds one digit fewer than its length.
        assert_eq!(
            parse_standard("$$$,$$9.99"),
            Ok(Picture::Edited {
                pic: NumericPic {
                    digits: 7,
                    scale: 2,
                    signed: false
                },
                len: 10
            })
        );
        // A single leading minus is a sign, not a digit.
        assert_eq!(
            parse_standard("-9(3)"),
            Ok(Picture::Edited {
                pic: NumericPic {
                    digits: 3,
                    scale: 0,
                    signed: true
                },
                len: 4
            })
        );
        // Simple insertion with 9s only: a date.
        assert_eq!(
            parse_standard("99/99/99"),
            Ok(Picture::Edited {
                pic: NumericPic {
                    digits: 6,
                    scale: 0,
                    signed: false
                },
                len: 8
            })
        );
        // Check protection stars.
        assert_eq!(
            parse_standard("**,**9.99"),
            Ok(Picture::Edited {
                pic: NumericPic {
                    digits: 7,
                    scale: 2,
                    signed: false
                },
                len: 9
            })
        );
    }

    #[test]
    fn comma_and_currency_pictures() {
        // Under DECIMAL-POINT IS COMMA the comma is the point: two decimals here.
        let comma = EditSymbols {
            decimal_comma: true,
            ..EditSymbols::STANDARD
        };
        let edited = |digits, scale, len| {
            Ok(Picture::Edited {
                pic: NumericPic {
                    digits,
                    scale,
                    signed: false,
                },
                len,
            })
        };
        assert_eq!(parse("Z.ZZZ.ZZ9,99", comma), edited(9, 2, 12));
        // The same picture read with the standard point is refused (two points), with a
        // hint at the option.
        let e = parse("Z.ZZZ.ZZ9,99", EditSymbols::STANDARD).unwrap_err();
        assert_eq!(e.offset, 5);
        assert!(e.message.contains("--decimal-point comma"), "{}", e.message);
        // Without a comma there is no such hint.
        let e = parse("Z.ZZ9.99", EditSymbols::STANDARD).unwrap_err();
        assert!(!e.message.contains("DECIMAL-POINT"), "{}", e.message);
        // A numeric PIC does not change.
        assert_eq!(parse("S9(5)V99", comma), Ok(num(7, 2, true)));
        // A floating pound sign: one character, two UTF-8 bytes.
        let pound = EditSymbols::STANDARD.with_currency("£", None).unwrap();
        assert_eq!(parse("£££,££9.99", pound), edited(7, 2, 10));
        // Offsets stay in the PIC as written: `Q` is at byte 3, after the two-byte £.
        assert_eq!(parse("£9Q", pound).unwrap_err().offset, 3);
        // `$` is not the currency symbol when another one is declared.
        let e = parse("$$9", pound).unwrap_err();
        assert_eq!(e.offset, 0);
        assert!(
            e.message.contains("not the currency symbol"),
            "{}",
            e.message
        );
        // A picture symbol `L` for the sign `£` (either case).
        let l = EditSymbols::STANDARD.with_currency("£", Some("L")).unwrap();
        assert_eq!(parse("lll,ll9.99", l), edited(7, 2, 10));
    }

    #[test]
    fn errors_carry_offsets() {
        // Each bad PIC reports the byte offset of the culprit.
        assert_eq!(parse_standard("").unwrap_err().offset, 0);
        assert_eq!(parse_standard("9(0)").unwrap_err().offset, 2);
        assert_eq!(parse_standard("9(").unwrap_err().offset, 2);
        assert_eq!(parse_standard("9(5").unwrap_err().offset, 3);
        assert_eq!(parse_standard("9S9").unwrap_err().offset, 1);
        assert_eq!(parse_standard("9V9V9").unwrap_err().offset, 3);
        assert_eq!(parse_standard("XXV").unwrap_err().offset, 2);
        assert_eq!(parse_standard("SX(3)").unwrap_err().offset, 0);
        assert_eq!(parse_standard("99P9").unwrap_err().offset, 2);
        assert_eq!(parse_standard("S").unwrap_err().offset, 0);
        assert_eq!(parse_standard("9Q").unwrap_err().offset, 1);
        assert_eq!(parse_standard("ZZ9.9.9").unwrap_err().offset, 5);
        assert_eq!(parse_standard("9(99999999999)").unwrap_err().offset, 2);
        assert_eq!(parse_standard("SZZ9").unwrap_err().offset, 0);
        assert_eq!(parse_standard("N9").unwrap_err().offset, 1);
    }
}

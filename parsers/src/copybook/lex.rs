//! Word-level grammar shared by the entry and PICTURE parsers: the nom error type,
//! separators, words, keywords and literals.
//!
//! Parsers run over the clean text (see `source`); an error keeps the remaining input so
//! its byte offset is `text.len() - rest.len()`, which maps back to the original line.

use std::borrow::Cow;

use nom::combinator::cut;
use nom::error::{context, ContextError, ErrorKind, ParseError};
use nom::{IResult, Parser};

use crate::layout::Literal;

/// The private nom error: where it failed and what was expected there.
#[derive(Debug, PartialEq)]
pub(crate) struct Fail<'a> {
    /// Input remaining where the problem is.
    pub at: &'a str,
    /// What the grammar wanted (`a PIC string after PIC`).
    pub expected: Option<Cow<'static, str>>,
    /// A complete message for problems that are not "expected X" (bad level number ...).
    pub message: Option<String>,
}

impl<'a> ParseError<&'a str> for Fail<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        Fail {
            at: input,
            expected: None,
            message: None,
        }
    }

    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        // Between alternatives, the one that got further says more.
        if other.at.len() <= self.at.len() {
            other
        } else {
            self
        }
    }
}

impl<'a> ContextError<&'a str> for Fail<'a> {
    fn add_context(_input: &'a str, ctx: &'static str, mut other: Self) -> Self {
        // The innermost label is the most precise one; keep it.
        if other.expected.is_none() && other.message.is_none() {
            other.expected = Some(Cow::Borrowed(ctx));
        }
        other
    }
}

pub(crate) type PResult<'a, T> = IResult<&'a str, T, Fail<'a>>;

/// A committed failure with a complete message at `at`.
pub(crate) fn fail_msg<'a, T>(at: &'a str, message: impl Into<String>) -> PResult<'a, T> {
    Err(nom::Err::Failure(Fail {
        at,
        expected: None,
        message: Some(message.into()),
    }))
}

/// A committed "expected X" failure at `at`.
pub(crate) fn fail_expected<'a, T>(at: &'a str, expected: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Failure(Fail {
        at,
        expected: Some(Cow::Borrowed(expected)),
        message: None,
    }))
}

/// A recoverable failure at `at` (lets `alt` try the next branch).
pub(crate) fn backtrack<'a, T>(at: &'a str) -> PResult<'a, T> {
    Err(nom::Err::Error(Fail {
        at,
        expected: None,
        message: None,
    }))
}

/// A value with the position of its first character, kept as the length of the input
/// remaining there (so the offset is `text.len() - rest_len`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub rest_len: usize,
}

/// Runs `p` after separators and records where its value starts.
pub(crate) fn spanned<'a, T>(
    mut p: impl Parser<&'a str, Output = T, Error = Fail<'a>>,
) -> impl FnMut(&'a str) -> PResult<'a, Spanned<T>> {
    move |i| {
        let (i, ()) = ws(i)?;
        let rest_len = i.len();
        let (i, value) = p.parse(i)?;
        Ok((i, Spanned { value, rest_len }))
    }
}

/// True when `c` ends a word: `.`, `,` or `;` followed by a space or the end.
fn is_separator_at(i: &str) -> bool {
    let mut it = i.chars();
    matches!(it.next(), Some('.' | ',' | ';'))
        && !matches!(it.next(), Some(c) if !c.is_whitespace())
}

/// Skips white space and the `,`/`;` separators (which COBOL treats as spaces).
pub(crate) fn ws(i: &str) -> PResult<'_, ()> {
    let mut rest = i.trim_start();
    while rest.starts_with([',', ';'])
        && (is_separator_at(rest) || rest.get(1..).is_some_and(|r| r.starts_with(['\'', '"'])))
    {
        rest = rest.get(1..).unwrap_or_default().trim_start();
    }
    Ok((rest, ()))
}

/// True at the entry-terminating period (a `.` followed by a space or the end).
pub(crate) fn at_period(i: &str) -> bool {
    i.starts_with('.') && is_separator_at(i)
}

/// A character string up to a space, a quote or a separator period/comma.
fn raw_word(i: &str) -> PResult<'_, &str> {
    let mut end = 0;
    for (idx, c) in i.char_indices() {
        let here = i.get(idx..).unwrap_or_default();
        if c.is_whitespace() || c == '\'' || c == '"' || is_separator_at(here) {
            break;
        }
        end = idx + c.len_utf8();
    }
    match (i.get(..end), i.get(end..)) {
        (Some(w), Some(rest)) if end > 0 => Ok((rest, w)),
        _ => backtrack(i),
    }
}

/// The next word, after separators.
pub(crate) fn word(i: &str) -> PResult<'_, &str> {
    let (i, ()) = ws(i)?;
    raw_word(i)
}

/// The keyword `k` (case-insensitive), as a whole word.
pub(crate) fn kw<'a>(k: &'static str) -> impl Fn(&'a str) -> PResult<'a, &'a str> {
    move |i| {
        let (i, ()) = ws(i)?;
        let (rest, w) = raw_word(i)?;
        if w.eq_ignore_ascii_case(k) {
            Ok((rest, w))
        } else {
            backtrack(i)
        }
    }
}

/// One of the keywords in `ks`.
pub(crate) fn any_kw<'a>(ks: &'static [&'static str]) -> impl Fn(&'a str) -> PResult<'a, &'a str> {
    move |i| {
        let (i, ()) = ws(i)?;
        let (rest, w) = raw_word(i)?;
        if ks.iter().any(|k| w.eq_ignore_ascii_case(k)) {
            Ok((rest, w))
        } else {
            backtrack(i)
        }
    }
}

/// True for a user-defined COBOL word: letters, digits, `-` and `_`, at least one letter.
pub(crate) fn is_cobol_word(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && w.chars().any(|c| c.is_ascii_alphabetic())
        && !w.starts_with('-')
        && !w.ends_with('-')
}

/// An unsigned integer word (OCCURS counts).
pub(crate) fn integer(i: &str) -> PResult<'_, usize> {
    let (i, ()) = ws(i)?;
    let (rest, w) = raw_word(i)?;
    if !w.bytes().all(|b| b.is_ascii_digit()) {
        return backtrack(i);
    }
    match w.parse::<usize>() {
        Ok(n) => Ok((rest, n)),
        Err(_) => fail_msg(i, format!("the number {w} is too large")),
    }
}

/// A literal: quoted text, `X'..'` hex, `N'..'`, a number, a figurative constant, or
/// `ALL` followed by one of those.
pub(crate) fn literal(i: &str) -> PResult<'_, Literal> {
    let (i, ()) = ws(i)?;
    if let Ok((rest, _)) = kw("ALL")(i) {
        // Not recursive: `ALL ALL ALL ...` must not grow the stack.
        let (rest, inner) = cut(context("a literal after ALL", simple_literal)).parse(rest)?;
        return Ok((rest, Literal::All(Box::new(inner))));
    }
    simple_literal(i)
}

/// A literal without `ALL`.
fn simple_literal(i: &str) -> PResult<'_, Literal> {
    let (i, ()) = ws(i)?;
    if i.starts_with(['\'', '"']) {
        return quoted(i).map(|(r, s)| (r, Literal::Text(s)));
    }
    let mut chars = i.chars();
    if let (Some(p), Some('\'' | '"')) = (chars.next(), chars.next()) {
        let body = i.get(1..).unwrap_or_default();
        match p.to_ascii_uppercase() {
            'X' => return hex(i, body),
            'N' | 'G' | 'Z' => return quoted(body).map(|(r, s)| (r, Literal::Text(s))),
            _ => {}
        }
    }
    let (rest, w) = raw_word(i)?;
    let lit = match w.to_ascii_uppercase().as_str() {
        "ZERO" | "ZEROS" | "ZEROES" => Literal::Zeros,
        "SPACE" | "SPACES" => Literal::Spaces,
        "LOW-VALUE" | "LOW-VALUES" | "NULL" | "NULLS" => Literal::LowValues,
        "HIGH-VALUE" | "HIGH-VALUES" => Literal::HighValues,
        "QUOTE" | "QUOTES" => Literal::Quotes,
        _ if is_numeric_literal(w) => Literal::Number(w.to_string()),
        // Kept as written: only the tree stage knows whether the decimal point is a comma.
        _ if super::comma_literal::is_comma_number(w) => Literal::Number(w.to_string()),
        _ => return backtrack(i),
    };
    Ok((rest, lit))
}

/// `'text'` or `"text"`, a doubled quote standing for one.
fn quoted(i: &str) -> PResult<'_, String> {
    let mut chars = i.char_indices();
    let Some((_, q)) = chars.next() else {
        return backtrack(i);
    };
    let mut out = String::new();
    let mut pending_quote = false;
    for (idx, c) in chars {
        if pending_quote {
            if c == q {
                out.push(q);
                pending_quote = false;
                continue;
            }
            return Ok((i.get(idx..).unwrap_or_default(), out));
        }
        if c == q {
            pending_quote = true;
        } else if c == '\n' {
            break;
        } else {
            out.push(c);
        }
    }
    if pending_quote {
        return Ok(("", out));
    }
    fail_msg(
        i,
        "unterminated literal: the closing quote is missing on this line",
    )
}

/// `X'C1C2'`: an even number of hex digits.
fn hex<'a>(start: &'a str, body: &'a str) -> PResult<'a, Literal> {
    let (rest, text) = quoted(body)?;
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return fail_msg(
            start,
            "a hexadecimal literal needs an even number of hex digits",
        );
    }
    let bytes = text
        .as_bytes()
        .chunks(2)
        .map(|p| {
            let hi = (p.first().copied().unwrap_or(b'0') as char)
                .to_digit(16)
                .unwrap_or(0);
            let lo = (p.get(1).copied().unwrap_or(b'0') as char)
                .to_digit(16)
                .unwrap_or(0);
            (hi * 16 + lo) as u8
        })
        .collect();
    Ok((rest, Literal::Hex(bytes)))
}

/// `[+-]digits[.digits][E[+-]digits]` with at least one digit before any exponent.
pub(crate) fn is_numeric_literal(w: &str) -> bool {
    let body = w.strip_prefix(['+', '-']).unwrap_or(w);
    let (mantissa, exp) = match body.find(['E', 'e']) {
        Some(p) => (body.get(..p).unwrap_or_default(), body.get(p + 1..)),
        None => (body, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let int = parts.next().unwrap_or_default();
    let frac = parts.next().unwrap_or_default();
    let digits_ok = int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(int.is_empty() && frac.is_empty());
    let exp_ok = match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
        }
    };
    digits_ok && exp_ok
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn words_stop_at_separator_periods_only() {
        // The period inside a PIC string belongs to it; the final one ends the entry.
        assert_eq!(word("  9(5).99. rest"), Ok((". rest", "9(5).99")));
        assert_eq!(word("ZZ,ZZ9 x"), Ok((" x", "ZZ,ZZ9")));
        // Nothing but a separator: no word.
        assert!(word(" . ").is_err());
    }

    #[test]
    fn commas_and_semicolons_are_spaces() {
        // `, ` between values is a separator.
        assert_eq!(ws(" , ; x"), Ok(("x", ())));
    }

    #[test]
    fn literals() {
        // Doubled quotes, hex, numbers and figuratives.
        assert_eq!(
            literal("'IT''S' x").unwrap().1,
            Literal::Text("IT'S".into())
        );
        assert_eq!(literal("\"A\"").unwrap().1, Literal::Text("A".into()));
        assert_eq!(literal("X'00ff'").unwrap().1, Literal::Hex(vec![0, 255]));
        assert_eq!(
            literal("-12.50.").unwrap(),
            (".", Literal::Number("-12.50".into()))
        );
        assert_eq!(literal("zeroes").unwrap().1, Literal::Zeros);
        assert_eq!(
            literal("ALL '*'").unwrap().1,
            Literal::All(Box::new(Literal::Text("*".into())))
        );
        assert_eq!(
            literal("1.5E+3").unwrap().1,
            Literal::Number("1.5E+3".into())
        );
    }

    #[test]
    fn bad_literals() {
        // Unterminated quote and odd hex digits fail for good; a word is no literal.
        assert!(matches!(literal("'ABC\n"), Err(nom::Err::Failure(_))));
        assert!(matches!(literal("X'ABC'"), Err(nom::Err::Failure(_))));
        assert!(matches!(literal("FOO"), Err(nom::Err::Error(_))));
        assert!(!is_numeric_literal("1.2.3"));
        assert!(!is_numeric_literal("-"));
        // ALL takes exactly one plain literal.
        assert!(matches!(literal("ALL ALL 'A'"), Err(nom::Err::Failure(_))));
    }

    #[test]
    fn cobol_words() {
        // Names need a letter and cannot start or end with a hyphen.
        assert!(is_cobol_word("CUST-NAME"));
        assert!(is_cobol_word("1ST"));
        assert!(!is_cobol_word("123"));
        assert!(!is_cobol_word("-A"));
        assert!(!is_cobol_word("X(5)"));
    }
}

//! Data description entries: `level [name] clauses... .` parsed from the clean text.
//!
//! Only the grammar lives here; what the clauses mean for offsets and types is `build`'s job.

use nom::branch::alt;
use nom::combinator::{cut, map, opt};
use nom::error::context;
use nom::multi::{many0, many1};
use nom::sequence::preceded;
use nom::Parser;

use super::lex::{
    any_kw, at_period, backtrack, fail_expected, fail_msg, integer, is_cobol_word, kw, literal,
    spanned, word, ws, Fail, PResult, Spanned,
};
use crate::layout::{ConditionValue, Literal};

/// A data name with its qualifiers (`A OF B IN C` -> name A, qualifiers [B, C]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QName {
    pub name: String,
    pub qualifiers: Vec<String>,
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)?;
        for q in &self.qualifiers {
            write!(f, " OF {q}")?;
        }
        Ok(())
    }
}

/// USAGE values we can lay out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Usage {
    Display,
    /// COMP, COMP-4, COMPUTATIONAL(-4), BINARY: big-endian binary.
    Binary,
    /// COMP-5: native binary.
    Comp5,
    Comp1,
    Comp2,
    /// COMP-3, PACKED-DECIMAL.
    Packed,
    /// COMP-X (Micro Focus): unsigned big-endian binary sized by the PICTURE.
    CompX,
    /// COMP-6 (Micro Focus): unsigned packed decimal without a sign nibble.
    Comp6,
    National,
    Index,
    /// POINTER: the dialect's address width.
    Pointer,
    /// POINTER-32 (IBM): 4 bytes whatever the address width.
    Pointer32,
    /// POINTER-64 (IBM): 8 bytes.
    Pointer64,
    /// PROCEDURE-POINTER: the dialect's procedure-pointer width.
    ProcedurePointer,
    /// FUNCTION-POINTER (IBM), PROGRAM-POINTER (GnuCOBOL, Micro Focus): an address.
    FunctionPointer,
}

/// `OCCURS min [TO max] [TIMES] [DEPENDING ON name] [keys] [INDEXED BY ...]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OccursClause {
    pub min: usize,
    pub max: usize,
    pub depending: Option<Spanned<QName>>,
}

/// `SIGN [IS] LEADING|TRAILING [SEPARATE [CHARACTER]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SignClause {
    pub leading: bool,
    pub separate: bool,
}

/// One data description entry as written.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    pub level: u8,
    /// Where the level number starts.
    pub rest_len: usize,
    /// `None` for FILLER and unnamed entries.
    pub name: Option<Spanned<String>>,
    pub pic: Option<Spanned<String>>,
    pub usage: Option<Spanned<Usage>>,
    /// VALUE / VALUES: one value for data items, a list for level 88.
    pub values: Option<Spanned<Vec<ConditionValue>>>,
    pub redefines: Option<Spanned<QName>>,
    pub occurs: Option<Spanned<OccursClause>>,
    pub sync: bool,
    pub justified: bool,
    pub blank_when_zero: bool,
    pub sign: Option<Spanned<SignClause>>,
    pub renames: Option<(Spanned<QName>, Option<Spanned<QName>>)>,
    /// The reserved word that stood where the name goes in an unnamed entry
    /// (`05 COMP PIC X.`): errors about the entry mention it.
    pub lead_keyword: Option<Spanned<String>>,
}

impl Entry {
    /// The name as written, `FILLER` when there is none.
    pub fn name_or_filler(&self) -> &str {
        self.name.as_ref().map_or("FILLER", |n| n.value.as_str())
    }
}

enum Clause {
    Pic(Spanned<String>),
    Usage(Spanned<Usage>),
    Values(Spanned<Vec<ConditionValue>>),
    Redefines(Spanned<QName>),
    Occurs(Spanned<OccursClause>),
    Sync,
    Justified,
    BlankWhenZero,
    Sign(Spanned<SignClause>),
    Renames(Spanned<QName>, Option<Spanned<QName>>),
    Ignored,
}

/// Every spelling of a USAGE we lay out, with what it means.
const USAGE_WORDS: &[(&str, Usage)] = &[
    ("DISPLAY", Usage::Display),
    ("COMP", Usage::Binary),
    ("COMP-4", Usage::Binary),
    ("COMPUTATIONAL", Usage::Binary),
    ("COMPUTATIONAL-4", Usage::Binary),
    ("BINARY", Usage::Binary),
    ("COMP-5", Usage::Comp5),
    ("COMPUTATIONAL-5", Usage::Comp5),
    ("COMP-1", Usage::Comp1),
    ("COMPUTATIONAL-1", Usage::Comp1),
    ("COMP-2", Usage::Comp2),
    ("COMPUTATIONAL-2", Usage::Comp2),
    ("COMP-3", Usage::Packed),
    ("COMPUTATIONAL-3", Usage::Packed),
    ("PACKED-DECIMAL", Usage::Packed),
    ("COMP-X", Usage::CompX),
    ("COMPUTATIONAL-X", Usage::CompX),
    ("COMP-6", Usage::Comp6),
    ("COMPUTATIONAL-6", Usage::Comp6),
    ("NATIONAL", Usage::National),
    ("INDEX", Usage::Index),
    ("POINTER", Usage::Pointer),
    ("POINTER-32", Usage::Pointer32),
    ("POINTER-64", Usage::Pointer64),
    ("PROCEDURE-POINTER", Usage::ProcedurePointer),
    ("FUNCTION-POINTER", Usage::FunctionPointer),
    ("PROGRAM-POINTER", Usage::FunctionPointer),
];

/// Words the clause grammar gives a meaning to (besides the USAGE spellings): none of
/// them can name a data item. A name that merely contains one (`COMPANY-NAME`,
/// `VALUE-DATE`, `X-COMP`) is an ordinary name; the tests take every word of this list
/// and of [`USAGE_WORDS`] as a name prefix and suffix.
pub(crate) const CLAUSE_WORDS: &[&str] = &[
    "PIC",
    "PICTURE",
    "USAGE",
    "VALUE",
    "VALUES",
    "REDEFINES",
    "OCCURS",
    "SYNC",
    "SYNCHRONIZED",
    "JUST",
    "JUSTIFIED",
    "BLANK",
    "WHEN",
    "ZERO",
    "ZEROS",
    "ZEROES",
    "SIGN",
    "LEADING",
    "TRAILING",
    "SEPARATE",
    "CHARACTER",
    "GLOBAL",
    "EXTERNAL",
    "RENAMES",
    "IS",
    "ARE",
    "INDEXED",
    "ASCENDING",
    "DESCENDING",
    "DEPENDING",
    "TIMES",
    "KEY",
    "BY",
    "ON",
    "TO",
    "THRU",
    "THROUGH",
    "OF",
    "IN",
    "LEFT",
    "RIGHT",
    "ALL",
    "SPACE",
    "SPACES",
    "HIGH-VALUE",
    "HIGH-VALUES",
    "LOW-VALUE",
    "LOW-VALUES",
    "QUOTE",
    "QUOTES",
    "NULL",
    "NULLS",
];

/// Every reserved word of the entry grammar: the clause words and the USAGE spellings.
pub(crate) fn keywords() -> impl Iterator<Item = &'static str> {
    CLAUSE_WORDS
        .iter()
        .copied()
        .chain(USAGE_WORDS.iter().map(|(w, _)| *w))
}

/// True when `w` is, as a whole word, a reserved word of the entry grammar.
pub(crate) fn is_reserved(w: &str) -> bool {
    keywords().any(|k| w.eq_ignore_ascii_case(k))
}

/// True for a USAGE spelling some compiler has that we do not lay out: `COMP-n`,
/// `COMPUTATIONAL-n` with a one-character suffix (`COMP-6`, `COMP-N`), `DISPLAY-1`,
/// `OBJECT-POINTER`. Only consulted where a clause is expected: as a name, such a
/// word is an ordinary data name.
fn is_other_usage(w: &str) -> bool {
    let u = w.to_ascii_uppercase();
    let comp_suffix = u
        .strip_prefix("COMPUTATIONAL-")
        .or_else(|| u.strip_prefix("COMP-"));
    comp_suffix.is_some_and(|s| s.len() == 1 && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        || u == "DISPLAY-1"
        || u.ends_with("-POINTER")
}

/// A user-defined word that is not a reserved word (as a whole word: `COMPANY-NAME` is
/// a name, `COMP` is not).
fn data_name(i: &str) -> PResult<'_, String> {
    let (rest, w) = word(i)?;
    if is_cobol_word(w) && !is_reserved(w) {
        Ok((rest, w.to_string()))
    } else {
        backtrack(ws(i)?.0)
    }
}

/// `name [OF|IN qualifier]...`
fn qname(i: &str) -> PResult<'_, QName> {
    map(
        (
            data_name,
            many0(preceded(
                any_kw(&["OF", "IN"]),
                cut(context("a data name after OF/IN", data_name)),
            )),
        ),
        |(name, qualifiers)| QName { name, qualifiers },
    )
    .parse(i)
}

fn usage_word(i: &str) -> PResult<'_, Usage> {
    let (i, ()) = ws(i)?;
    let (rest, w) = word(i)?;
    if let Some((_, u)) = USAGE_WORDS.iter().find(|(k, _)| w.eq_ignore_ascii_case(k)) {
        return Ok((rest, *u));
    }
    if is_other_usage(w) {
        let u = w.to_ascii_uppercase();
        let what = match u
            .strip_prefix("COMPUTATIONAL")
            .or_else(|| u.strip_prefix("COMP"))
        {
            Some("-0") => " (compilers disagree on it; GnuCOBOL 3.1 does not implement it)",
            _ => "",
        };
        return fail_msg(i, format!("USAGE {w} is not supported{what}"));
    }
    backtrack(i)
}

fn pic_clause(i: &str) -> PResult<'_, Clause> {
    let (i, _) = any_kw(&["PIC", "PICTURE"])(i)?;
    let (i, _) = opt(kw("IS")).parse(i)?;
    let (i, pic) = cut(context("a PIC string after PIC", spanned(word))).parse(i)?;
    Ok((
        i,
        Clause::Pic(Spanned {
            value: pic.value.to_string(),
            rest_len: pic.rest_len,
        }),
    ))
}

fn usage_clause(i: &str) -> PResult<'_, Clause> {
    let explicit = preceded(
        kw("USAGE"),
        cut(preceded(
            opt(kw("IS")),
            context("a usage after USAGE", spanned(usage_word)),
        )),
    );
    map(alt((explicit, spanned(usage_word))), Clause::Usage).parse(i)
}

/// One value, or a range `a THRU b`.
fn condition_value(i: &str) -> PResult<'_, ConditionValue> {
    let (i, first) = literal(i)?;
    let (i, thru) = opt(preceded(
        any_kw(&["THRU", "THROUGH"]),
        cut(context("a literal after THRU", literal)),
    ))
    .parse(i)?;
    Ok((
        i,
        match thru {
            Some(last) => ConditionValue::Range(first, last),
            None => ConditionValue::One(first),
        },
    ))
}

fn value_clause(i: &str) -> PResult<'_, Clause> {
    let (i, _) = any_kw(&["VALUE", "VALUES"])(i)?;
    let (i, _) = opt(any_kw(&["IS", "ARE"])).parse(i)?;
    let (i, values) = cut(context(
        "a literal after VALUE",
        spanned(many1(condition_value)),
    ))
    .parse(i)?;
    Ok((i, Clause::Values(values)))
}

fn redefines_clause(i: &str) -> PResult<'_, Clause> {
    preceded(
        kw("REDEFINES"),
        cut(map(
            context("a data name after REDEFINES", spanned(qname)),
            Clause::Redefines,
        )),
    )
    .parse(i)
}

/// `ASCENDING|DESCENDING [KEY] [IS] names` or `INDEXED [BY] names`: accepted, not used.
fn occurs_extra(i: &str) -> PResult<'_, Option<Spanned<QName>>> {
    let keys = preceded(
        (
            any_kw(&["ASCENDING", "DESCENDING"]),
            opt(kw("KEY")),
            opt(kw("IS")),
        ),
        cut(context("a key name", many1(qname))),
    );
    let indexed = preceded(
        (kw("INDEXED"), opt(kw("BY"))),
        cut(context("an index name after INDEXED BY", many1(data_name))),
    );
    let depending = preceded(
        (kw("DEPENDING"), opt(kw("ON"))),
        cut(context(
            "the counter's name after DEPENDING ON",
            spanned(qname),
        )),
    );
    alt((
        map(keys, |_| None),
        map(indexed, |_| None),
        map(depending, Some),
    ))
    .parse(i)
}

fn occurs_clause(i: &str) -> PResult<'_, Clause> {
    let (i, _) = ws(i)?;
    let start = i.len();
    let (i, _) = kw("OCCURS")(i)?;
    let (i, first) = cut(context("a number after OCCURS", integer)).parse(i)?;
    let (i, to) = opt(preceded(
        kw("TO"),
        cut(context("a number after TO", integer)),
    ))
    .parse(i)?;
    let (i, _) = opt(kw("TIMES")).parse(i)?;
    let (i, extras) = many0(occurs_extra).parse(i)?;
    let depending = extras.into_iter().flatten().next();
    let (min, max) = match to {
        Some(max) => (first, max),
        // `OCCURS n DEPENDING ON x` without TO: 0 to n.
        None if depending.is_some() => (0, first),
        None => (first, first),
    };
    let clause = OccursClause {
        min,
        max,
        depending,
    };
    Ok((
        i,
        Clause::Occurs(Spanned {
            value: clause,
            rest_len: start,
        }),
    ))
}

fn sign_clause(i: &str) -> PResult<'_, Clause> {
    let position = any_kw(&["LEADING", "TRAILING"]);
    let explicit = preceded(
        (kw("SIGN"), opt(kw("IS"))),
        cut(context(
            "LEADING or TRAILING after SIGN",
            spanned(any_kw(&["LEADING", "TRAILING"])),
        )),
    );
    let (i, pos) = alt((explicit, spanned(position))).parse(i)?;
    let (i, sep) = opt((kw("SEPARATE"), opt(kw("CHARACTER")))).parse(i)?;
    let clause = SignClause {
        leading: pos.value.eq_ignore_ascii_case("LEADING"),
        separate: sep.is_some(),
    };
    Ok((
        i,
        Clause::Sign(Spanned {
            value: clause,
            rest_len: pos.rest_len,
        }),
    ))
}

fn renames_clause(i: &str) -> PResult<'_, Clause> {
    let (i, _) = kw("RENAMES")(i)?;
    let (i, from) = cut(context("a data name after RENAMES", spanned(qname))).parse(i)?;
    let (i, thru) = opt(preceded(
        any_kw(&["THRU", "THROUGH"]),
        cut(context("a data name after THRU", spanned(qname))),
    ))
    .parse(i)?;
    Ok((i, Clause::Renames(from, thru)))
}

fn flag_clause(i: &str) -> PResult<'_, Clause> {
    alt((
        map(
            (
                any_kw(&["SYNC", "SYNCHRONIZED"]),
                opt(any_kw(&["LEFT", "RIGHT"])),
            ),
            |_| Clause::Sync,
        ),
        map((any_kw(&["JUST", "JUSTIFIED"]), opt(kw("RIGHT"))), |_| {
            Clause::Justified
        }),
        map(
            (
                kw("BLANK"),
                opt(kw("WHEN")),
                cut(context(
                    "ZERO after BLANK WHEN",
                    any_kw(&["ZERO", "ZEROS", "ZEROES"]),
                )),
            ),
            |_| Clause::BlankWhenZero,
        ),
        map((opt(kw("IS")), any_kw(&["GLOBAL", "EXTERNAL"])), |_| {
            Clause::Ignored
        }),
    ))
    .parse(i)
}

fn clause(i: &str) -> PResult<'_, Clause> {
    alt((
        pic_clause,
        value_clause,
        usage_clause,
        redefines_clause,
        occurs_clause,
        sign_clause,
        renames_clause,
        flag_clause,
    ))
    .parse(i)
}

/// What a statement in the copybook turned out to be.
pub(crate) enum Statement {
    Entry(Box<Entry>),
    /// EJECT, SKIP1/2/3: listing control, no meaning for the layout; also the
    /// `SPECIAL-NAMES.` paragraph header.
    Skip,
    /// Clauses of a SPECIAL-NAMES paragraph that change numeric-edited pictures.
    SpecialNames(Vec<Spanned<SpecialName>>),
}

/// A SPECIAL-NAMES clause Ferrule reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SpecialName {
    /// `DECIMAL-POINT IS COMMA`.
    DecimalComma,
    /// `CURRENCY [SIGN] [IS] "£" [[WITH] PICTURE SYMBOL "L"]`.
    Currency {
        sign: String,
        symbol: Option<String>,
    },
}

/// A quoted literal's text (a currency sign or symbol).
fn quoted_text(i: &str) -> PResult<'_, String> {
    let (rest, lit) = literal(i)?;
    match lit {
        Literal::Text(t) => Ok((rest, t)),
        _ => backtrack(i),
    }
}

/// `DECIMAL-POINT IS COMMA` or `CURRENCY SIGN IS "£" [WITH PICTURE SYMBOL "L"]`.
fn special_name(i: &str) -> PResult<'_, SpecialName> {
    let decimal = map(
        (
            kw("DECIMAL-POINT"),
            opt(kw("IS")),
            cut(context("COMMA after DECIMAL-POINT IS", kw("COMMA"))),
        ),
        |_| SpecialName::DecimalComma,
    );
    let symbol = preceded(
        (opt(kw("WITH")), opt(kw("PICTURE")), kw("SYMBOL")),
        cut(context(
            "a quoted character after PICTURE SYMBOL",
            quoted_text,
        )),
    );
    let currency = map(
        (
            kw("CURRENCY"),
            opt(kw("SIGN")),
            opt(kw("IS")),
            cut(context(
                "a quoted currency sign after CURRENCY SIGN IS",
                quoted_text,
            )),
            opt(symbol),
        ),
        |(_, _, _, sign, symbol)| SpecialName::Currency { sign, symbol },
    );
    alt((decimal, currency)).parse(i)
}

/// The SPECIAL-NAMES clauses from `i` to the period that ends the paragraph.
fn special_names(i: &str) -> PResult<'_, Statement> {
    let (mut i, first) = spanned(special_name)(i)?;
    let mut out = vec![first];
    loop {
        let (j, ()) = ws(i)?;
        if j.is_empty() {
            return Ok((j, Statement::SpecialNames(out)));
        }
        if at_period(j) {
            return Ok((j.get(1..).unwrap_or_default(), Statement::SpecialNames(out)));
        }
        match spanned(special_name)(j) {
            Ok((rest, s)) => {
                out.push(s);
                i = rest;
            }
            Err(nom::Err::Error(_)) => {
                return fail_expected(
                    j,
                    "DECIMAL-POINT IS COMMA, CURRENCY SIGN or `.` (other SPECIAL-NAMES \
                     clauses are not read)",
                )
            }
            Err(e) => return Err(e),
        }
    }
}

/// Parses one statement from `i` (which starts at a non-blank character).
pub(crate) fn statement(i: &str) -> PResult<'_, Statement> {
    let (i, ()) = ws(i)?;
    let start = i;
    let (rest, first) = context("a level number", word).parse(i)?;
    let upper = first.to_ascii_uppercase();
    match upper.as_str() {
        "COPY" | "REPLACE" => {
            return fail_msg(
                start,
                format!("{upper} statements are not expanded; expand them first"),
            )
        }
        "DECIMAL-POINT" | "CURRENCY" => return special_names(start),
        "EXEC" => {
            let (rest, ()) = super::exec_block::skip(start)?;
            return Ok((rest, Statement::Skip));
        }
        "SPECIAL-NAMES" => {
            let rest = rest.trim_start();
            if !at_period(rest) {
                return fail_expected(rest, "`.` after SPECIAL-NAMES");
            }
            return Ok((rest.get(1..).unwrap_or_default(), Statement::Skip));
        }
        "EJECT" | "SKIP1" | "SKIP2" | "SKIP3" => {
            let rest = rest.trim_start();
            let rest = if at_period(rest) {
                rest.get(1..).unwrap_or_default()
            } else {
                rest
            };
            return Ok((rest, Statement::Skip));
        }
        _ => {}
    }
    if !first.bytes().all(|b| b.is_ascii_digit()) {
        return fail_expected(start, "a level number");
    }
    let level = match first.parse::<u8>() {
        Ok(n @ (1..=49 | 66 | 77 | 88)) if first.len() <= 2 => n,
        _ => {
            return fail_msg(
                start,
                format!("level number {first} is out of range (01-49, 66, 77 or 88)"),
            )
        }
    };
    let mut entry = Entry {
        level,
        rest_len: start.len(),
        ..Entry::default()
    };
    let (i, name) = opt(spanned(data_name)).parse(rest)?;
    entry.name = name.filter(|n| !n.value.eq_ignore_ascii_case("FILLER"));
    // A reserved word where the name goes starts a clause of an unnamed entry
    // (`05 PIC X.`, `05 COMP-3 PIC S9(5).`); remember it to explain errors.
    let lead = match (&entry.name, word(rest)) {
        (None, Ok((after, w))) if is_reserved(w) => Some((after, w)),
        _ => None,
    };
    if let Some((_, w)) = lead {
        entry.lead_keyword = Some(Spanned {
            value: w.to_ascii_uppercase(),
            rest_len: ws(rest)?.0.len(),
        });
    }
    match clauses(&mut entry, i) {
        Ok((rest, ())) => Ok((rest, Statement::Entry(Box::new(entry)))),
        Err(e) => {
            // When the entry reads well with that word taken as its name, the author
            // meant it as one: say so rather than point into a clause.
            if let Some((after, w)) = lead {
                if clauses(&mut Entry::default(), after).is_ok() {
                    return fail_msg(ws(rest)?.0, reserved_name_message(w));
                }
            }
            Err(e)
        }
    }
}

/// Why a reserved word cannot be a data name.
pub(crate) fn reserved_name_message(w: &str) -> String {
    format!(
        "{} is a reserved word and cannot name a data item; rename it (e.g. WS-{})",
        w.to_ascii_uppercase(),
        w.to_ascii_uppercase()
    )
}

/// The clauses of an entry up to its period (or the end of the text).
fn clauses<'a>(entry: &mut Entry, mut i: &'a str) -> PResult<'a, ()> {
    loop {
        let (j, ()) = ws(i)?;
        if j.is_empty() {
            // Lenient: a missing final period.
            return Ok((j, ()));
        }
        if at_period(j) {
            return Ok((j.get(1..).unwrap_or_default(), ()));
        }
        let (rest, c) = match clause(j) {
            Ok(ok) => ok,
            Err(nom::Err::Error(_)) => return fail_expected(j, "a clause or `.` ending the entry"),
            Err(e) => return Err(e),
        };
        apply(entry, c, j)?;
        i = rest;
    }
}

/// Stores a clause in the entry; a clause given twice is an error at its start.
fn apply<'a>(e: &mut Entry, c: Clause, at: &'a str) -> Result<(), nom::Err<Fail<'a>>> {
    fn once<'a, T>(
        slot: &mut Option<T>,
        v: T,
        at: &'a str,
        what: &str,
    ) -> Result<(), nom::Err<Fail<'a>>> {
        if slot.is_some() {
            return fail_msg::<()>(at, format!("duplicate {what} clause")).map(|_| ());
        }
        *slot = Some(v);
        Ok(())
    }
    match c {
        Clause::Pic(p) => once(&mut e.pic, p, at, "PICTURE"),
        Clause::Usage(u) => once(&mut e.usage, u, at, "USAGE"),
        Clause::Values(v) => once(&mut e.values, v, at, "VALUE"),
        Clause::Redefines(r) => once(&mut e.redefines, r, at, "REDEFINES"),
        Clause::Occurs(o) => once(&mut e.occurs, o, at, "OCCURS"),
        Clause::Sign(s) => once(&mut e.sign, s, at, "SIGN"),
        Clause::Renames(a, b) => once(&mut e.renames, (a, b), at, "RENAMES"),
        Clause::Sync => {
            e.sync = true;
            Ok(())
        }
        Clause::Justified => {
            e.justified = true;
            Ok(())
        }
        Clause::BlankWhenZero => {
            e.blank_when_zero = true;
            Ok(())
        }
        Clause::Ignored => Ok(()),
    }
}

/// Keeps the first value when a data item (not a level 88) has a VALUE clause.
pub(crate) fn single_value(values: &[ConditionValue]) -> Option<&Literal> {
    match values {
        [ConditionValue::One(l)] => Some(l),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn entry(src: &str) -> Entry {
        match statement(src) {
            Ok((_, Statement::Entry(e))) => *e,
            Ok(_) => panic!("not an entry"),
            Err(e) => panic!("{e:?}"),
        }
    }

    fn err_at(src: &str) -> usize {
        match statement(src) {
            Err(nom::Err::Failure(f)) | Err(nom::Err::Error(f)) => src.len() - f.at.len(),
            _ => panic!("no error for {src}"),
        }
    }

    #[test]
    fn clauses_in_any_order() {
        // PIC, USAGE, VALUE, SYNC in an unusual order.
        let e = entry("05 AMT COMP-3 VALUE -1.5 PIC S9(5)V99 SYNC.");
        assert_eq!(e.level, 5);
        assert_eq!(e.name.unwrap().value, "AMT");
        assert_eq!(e.pic.unwrap().value, "S9(5)V99");
        assert_eq!(e.usage.unwrap().value, Usage::Packed);
        assert!(e.sync);
        assert_eq!(
            e.values.unwrap().value,
            vec![ConditionValue::One(Literal::Number("-1.5".into()))]
        );
    }

    #[test]
    fn filler_and_unnamed() {
        // Both have no name.
        assert!(entry("05 FILLER PIC X.").name.is_none());
        assert!(entry("05 PIC X(3).").name.is_none());
    }

    #[test]
    fn occurs_forms() {
        // Fixed OCCURS with keys and indexes.
        let o = entry("05 T OCCURS 10 TIMES ASCENDING KEY IS K INDEXED BY I J.")
            .occurs
            .unwrap();
        assert_eq!((o.value.min, o.value.max), (10, 10));
        // ODO with a qualified counter.
        let o = entry("05 T OCCURS 1 TO 5 DEPENDING ON N OF HDR.")
            .occurs
            .unwrap()
            .value;
        assert_eq!((o.min, o.max), (1, 5));
        let d = o.depending.unwrap().value;
        assert_eq!(d.name, "N");
        assert_eq!(d.qualifiers, vec!["HDR".to_string()]);
    }

    #[test]
    fn level_88_values_and_ranges() {
        // Several values and a THRU range.
        let e = entry("88 OK VALUES ARE 'A', 'B' 1 THRU 9.");
        let v = e.values.unwrap().value;
        assert_eq!(v.len(), 3);
        assert!(matches!(v[2], ConditionValue::Range(_, _)));
    }

    #[test]
    fn sign_and_flags() {
        // SIGN without the SIGN keyword, JUST, BLANK WHEN ZERO.
        let e = entry("05 A PIC S9(3) LEADING SEPARATE CHARACTER BLANK WHEN ZERO.");
        assert_eq!(
            e.sign.unwrap().value,
            SignClause {
                leading: true,
                separate: true
            }
        );
        assert!(e.blank_when_zero);
        assert!(entry("05 B PIC X(3) JUSTIFIED RIGHT IS GLOBAL.").justified);
    }

    #[test]
    fn renames() {
        // 66 with THROUGH.
        let (a, b) = entry("66 R RENAMES A THROUGH B.").renames.unwrap();
        assert_eq!(a.value.name, "A");
        assert_eq!(b.unwrap().value.name, "B");
    }

    #[test]
    fn missing_final_period_is_accepted() {
        // End of input ends the entry.
        assert_eq!(entry("05 A PIC X").pic.unwrap().value, "X");
    }

    /// The message of a failed statement.
    fn err_message(src: &str) -> String {
        match statement(src) {
            Err(nom::Err::Failure(f)) | Err(nom::Err::Error(f)) => f
                .message
                .or(f.expected.map(|c| c.to_string()))
                .unwrap_or_default(),
            _ => panic!("no error for {src}"),
        }
    }

    #[test]
    fn names_that_begin_or_end_with_a_keyword_are_names() {
        // Every reserved word, as a prefix and as a suffix of a name, in every place a
        // name goes: the entry's name, REDEFINES, DEPENDING ON, OF, INDEXED BY, RENAMES.
        for k in keywords() {
            for name in [format!("{k}-X"), format!("X-{k}"), format!("{k}-{k}")] {
                // `COMP` + `-X` is itself a usage (COMP-X).
                if is_reserved(&name) {
                    continue;
                }
                let e = entry(&format!("05 {name} PIC X(3)."));
                assert_eq!(e.name.map(|n| n.value), Some(name.clone()), "{name}");
                assert_eq!(e.pic.map(|p| p.value), Some("X(3)".into()), "{name}");
                let lower = name.to_ascii_lowercase();
                let e = entry(&format!(
                    "05 {lower} REDEFINES {name} OCCURS 1 TO 3 DEPENDING ON {name} OF {name} \
                     INDEXED BY {name} PIC 9 COMP-3."
                ));
                assert_eq!(e.redefines.unwrap().value.name, name);
                let d = e.occurs.unwrap().value.depending.unwrap().value;
                assert_eq!((d.name, d.qualifiers), (name.clone(), vec![name.clone()]));
                assert_eq!(e.usage.unwrap().value, Usage::Packed);
                let (a, b) = entry(&format!("66 {name} RENAMES {name} THRU {name}."))
                    .renames
                    .unwrap();
                assert_eq!((a.value.name, b.unwrap().value.name), (name.clone(), name));
            }
        }
        // The names of the issue, from customer and computation copybooks.
        for name in [
            "COMPANY-NAME",
            "COMP-CODE",
            "COMPUTED-TAX",
            "COMPLIANCE-FLAG",
            "COMPUTATIONAL-UNITS",
            "BINARY-FLAGS",
            "DISPLAY-NAME",
            "INDEXED-BY",
            "POINTER-TYPE",
            "COMP-NO",
            "COMP-X-FLAG",
        ] {
            let e = entry(&format!("05  {name}  PIC X(30)."));
            assert_eq!(e.name.unwrap().value, name);
        }
    }

    #[test]
    fn a_keyword_as_the_whole_name_is_never_a_name() {
        // Each reserved word alone after the level number is either a clause of an
        // unnamed entry or refused; it never becomes the entry's name.
        for k in keywords() {
            match statement(&format!("05 {k} PIC X(3).")) {
                Ok((_, Statement::Entry(e))) => assert!(e.name.is_none(), "{k}"),
                Ok(_) => panic!("{k}: not an entry"),
                Err(_) => {}
            }
        }
        // When the entry only makes sense with the word as its name, the error says so,
        // at the word.
        for src in [
            "05 VALUE PIC X(3).",
            "05 OCCURS PIC X(3).",
            "05 REDEFINES PIC X(3).",
            "05 SIGN PIC S9(3).",
            "05 KEY PIC X(3).",
            "05 TIMES PIC 9(3) COMP-3.",
            "05 USAGE PIC X(3).",
            "05 RENAMES PIC X.",
            "05 DEPENDING PIC 9.",
            "05 PIC PIC X.",
        ] {
            let m = err_message(src);
            assert!(
                m.contains("is a reserved word and cannot name a data item"),
                "{src}: {m}"
            );
            assert_eq!(err_at(src), 3, "{src}");
        }
        // An unknown COMP-n in clause position is an unsupported usage.
        assert_eq!(
            err_message("05 A PIC 9 COMP-9."),
            "USAGE COMP-9 is not supported"
        );
        // ... but a COMP-n name is a name (only the whole known spellings are reserved).
        assert_eq!(entry("05 COMP-A PIC X.").name.unwrap().value, "COMP-A");
        // A word beginning with COMP in clause position is not taken for a usage.
        assert_eq!(
            err_message("05 A PIC X COMPANY."),
            "a clause or `.` ending the entry"
        );
    }

    #[test]
    fn errors_point_at_the_culprit() {
        // PIC without a string: at the period.
        assert_eq!(err_at("05 A PIC ."), 9);
        // An unknown clause: at its first character.
        assert_eq!(err_at("05 A PIC X FOO."), 11);
        // Level numbers out of range.
        assert_eq!(err_at("50 A PIC X."), 0);
        assert_eq!(err_at("001 A."), 0);
        // Not a level number.
        assert_eq!(err_at("A PIC X."), 0);
        // COPY is not expanded.
        assert_eq!(err_at("COPY FOO."), 0);
        // Duplicate clause.
        assert_eq!(err_at("05 A PIC X PIC X."), 11);
        // Unsupported usage.
        assert_eq!(err_at("05 A PIC 9 COMP-0."), 11);
        // OCCURS without a number.
        assert_eq!(err_at("05 A OCCURS X."), 12);
    }
}

//! COBOL copybook parser: data description entries -> [`Layout`].
//!
//! The pipeline, one file per step:
//! - `source`: reference format (fixed columns or free), comments, continuation lines ->
//!   clean text with a map back to original lines and columns;
//! - `lex`, `entry`: the grammar (nom) of period-terminated entries and their clauses;
//! - `picture`: PICTURE strings;
//! - `tree`: level numbers -> records and groups, 88s and 66s attached;
//! - `types`, `build`, `resolve`: types, offsets, REDEFINES, OCCURS/ODO, SYNC, names.
//!
//! Every error carries the line and column of the original text ([`CopybookError`]).

mod build;
mod entry;
mod error;
mod lex;
mod picture;
mod resolve;
mod source;
mod tree;
mod types;

pub use error::CopybookError;

use crate::dialect::EditSymbols;
use crate::layout::{Layout, SourcePos};
use entry::{SpecialName, Statement};
use lex::{Fail, Spanned};

/// How the copybook text is laid out in columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceFormat {
    /// Fixed when every line fits the fixed columns (see [`SourceFormat::Fixed`]), else free.
    #[default]
    Auto,
    /// Columns 1-6 sequence, 7 indicator (`*` `/` comment, `-` continuation, `D` debug),
    /// 8-72 code, 73-80 ignored.
    Fixed,
    /// Code anywhere on the line; `*>` starts a comment.
    Free,
}

/// What to parse and how.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Pick this 01 record by name (case-insensitive); `None` = the first one.
    pub record: Option<String>,
    /// Reference format of the text.
    pub format: SourceFormat,
    /// DECIMAL-POINT IS COMMA and the currency sign of numeric-edited pictures, combined
    /// with a SPECIAL-NAMES paragraph in the text by [`EditSymbols::merge`].
    pub symbols: EditSymbols,
}

/// Parses a copybook and returns the selected 01 record's layout.
pub fn parse(source: &str, opts: &ParseOptions) -> Result<Layout, CopybookError> {
    let all = parse_records(source, opts.format, opts.symbols)?;
    match &opts.record {
        None => all.into_iter().next().ok_or(CopybookError::NoRecords),
        Some(name) => {
            let available: Vec<String> = all.iter().map(|l| l.name.clone()).collect();
            all.into_iter()
                .find(|l| l.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| CopybookError::UnknownRecord {
                    name: name.clone(),
                    available,
                })
        }
    }
}

/// Parses every 01 record (and each level-77 item, as its own one-field record).
///
/// A copybook whose first entry is below level 01 is wrapped in an implicit 01 named
/// `RECORD`.
pub fn parse_all(source: &str, format: SourceFormat) -> Result<Vec<Layout>, CopybookError> {
    parse_records(source, format, EditSymbols::STANDARD)
}

/// [`parse_all`] with the caller's editing symbols.
fn parse_records(
    source: &str,
    format: SourceFormat,
    symbols: EditSymbols,
) -> Result<Vec<Layout>, CopybookError> {
    let clean = source::clean(source, format)
        .map_err(|e| CopybookError::invalid(source, e.pos, e.message))?;
    let mut ctx = Ctx {
        source,
        clean: &clean,
        symbols,
    };
    let (entries, declared) = entries(&ctx)?;
    if let Some(d) = declared {
        ctx.symbols = symbols
            .merge(d.value)
            .map_err(|why| ctx.err(d.rest_len, why))?;
    }
    if entries.is_empty() {
        return Err(CopybookError::NoRecords);
    }
    tree::records(&ctx, entries)?
        .into_iter()
        .map(|d| build::layout(&ctx, d))
        .collect()
}

/// Splits the clean text into entries, and reads what SPECIAL-NAMES clauses declare
/// (with where the first of them is).
fn entries(
    ctx: &Ctx<'_>,
) -> Result<(Vec<entry::Entry>, Option<Spanned<EditSymbols>>), CopybookError> {
    let mut out = Vec::new();
    let mut declared: Option<Spanned<EditSymbols>> = None;
    let mut rest = ctx.clean.text.as_str();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok((out, declared));
        }
        match entry::statement(rest) {
            Ok((r, Statement::Entry(e))) => {
                out.push(*e);
                rest = r;
            }
            Ok((r, Statement::Skip)) => rest = r,
            Ok((r, Statement::SpecialNames(names))) => {
                for n in names {
                    let d = declared.get_or_insert(Spanned {
                        value: EditSymbols::STANDARD,
                        rest_len: n.rest_len,
                    });
                    d.value = match n.value {
                        SpecialName::DecimalComma => EditSymbols {
                            decimal_comma: true,
                            ..d.value
                        },
                        SpecialName::Currency { sign, symbol } => d
                            .value
                            .with_currency(&sign, symbol.as_deref())
                            .map_err(|why| ctx.err(n.rest_len, why))?,
                    };
                }
                rest = r;
            }
            Err(nom::Err::Error(f) | nom::Err::Failure(f)) => return Err(ctx.nom_error(f)),
            Err(nom::Err::Incomplete(_)) => {
                return Err(ctx.err(0, "unexpected end of the copybook"));
            }
        }
    }
}

/// What the later stages need to locate an error: the original and the clean text.
pub(crate) struct Ctx<'a> {
    source: &'a str,
    clean: &'a source::Clean,
    /// Decimal point and currency of numeric-edited pictures.
    symbols: EditSymbols,
}

impl Ctx<'_> {
    /// Original position of the clean-text point `rest_len` bytes before its end.
    fn pos(&self, rest_len: usize) -> SourcePos {
        self.clean
            .pos_at(self.clean.text.len().saturating_sub(rest_len))
    }

    /// A located meaning error.
    fn err(&self, rest_len: usize, message: impl Into<String>) -> CopybookError {
        CopybookError::invalid(self.source, self.pos(rest_len), message)
    }

    /// Turns the grammar's error into a located one.
    fn nom_error(&self, f: Fail<'_>) -> CopybookError {
        let pos = self.pos(f.at.len());
        if let Some(m) = f.message {
            return CopybookError::invalid(self.source, pos, m);
        }
        let found: String =
            f.at.split_whitespace()
                .next()
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect();
        let expected = f.expected.as_deref().unwrap_or("a data description entry");
        CopybookError::syntax(
            self.source,
            pos,
            expected,
            Some(found).filter(|s| !s.is_empty()),
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

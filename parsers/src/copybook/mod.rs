//! COBOL copybook parser: data description entries -> [`Layout`].
//!
//! The pipeline, one file per step:
//! - `source`: reference format (fixed columns, shifted, or free), comments,
//!   continuation lines -> clean text with a map back to original lines and columns;
//! - `words`, `statement`, `replacing`, `expand`: COPY members (found through a
//!   [`MemberSource`], see `members`) and REPLACE statements, over text words;
//! - `lex`, `entry`: the grammar (nom) of period-terminated entries and their clauses;
//! - `picture`: PICTURE strings;
//! - `tree`: level numbers -> records and groups, 88s and 66s attached;
//! - `types`, `build`, `resolve`: types, offsets, REDEFINES, OCCURS/ODO, SYNC, names.
//!
//! Every error carries the line and column of the original text ([`CopybookError`]),
//! and for text from a COPY member, the member and the COPY statements that brought it.

mod build;
mod comma_literal;
mod entry;
mod error;
mod exec_block;
mod expand;
mod lex;
mod members;
mod picture;
mod replacing;
mod resolve;
mod source;
mod statement;
mod tree;
mod types;
mod words;

pub use error::{CopySite, CopybookError};
pub use expand::{MAX_COPY_DEPTH, MAX_EXPANDED_BYTES};
pub use members::{IncludePath, Member, MemberMap, MemberSource, NoMembers, MEMBER_EXTENSIONS};

use crate::dialect::{Dialect, EditSymbols};
use crate::layout::{Layout, SourcePos};
use entry::{SpecialName, Statement};
use lex::{Fail, Spanned};
use words::Origin;

/// How the copybook text is laid out in columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SourceFormat {
    /// Fixed when every line fits the fixed columns (see [`SourceFormat::Fixed`]);
    /// else code may start in column 1, with `*` or `/` first on a comment line and
    /// columns 73-80 ignored unless code clearly runs past 72; a `>>SOURCE FORMAT`
    /// directive decides over both.
    #[default]
    Auto,
    /// Columns 1-6 sequence, 7 indicator (`*` `/` comment, `-` continuation, `D` debug),
    /// 8-72 code, 73-80 ignored.
    Fixed,
    /// Code anywhere on the line; `*>` starts a comment.
    Free,
}

impl std::str::FromStr for SourceFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(SourceFormat::Auto),
            "fixed" => Ok(SourceFormat::Fixed),
            "free" => Ok(SourceFormat::Free),
            _ => Err(format!(
                "unknown source format `{s}` (expected auto, fixed or free)"
            )),
        }
    }
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
    /// The compiler the layout is for: it sizes USAGE POINTER and PROCEDURE-POINTER
    /// items ([`Dialect::pointer_bytes`]); IBM (4-byte pointers) by default.
    pub dialect: Dialect,
}

/// Name given to a copybook parsed without one (in messages about COPY members).
const UNNAMED: &str = "copybook";

/// Parses a copybook and returns the selected 01 record's layout.
///
/// COPY statements find no members: use [`parse_with`] to give them.
pub fn parse(source: &str, opts: &ParseOptions) -> Result<Layout, CopybookError> {
    parse_with(source, UNNAMED, opts, &NoMembers)
}

/// Parses a copybook called `file_name` whose COPY statements find their members in
/// `members`, and returns the selected 01 record's layout.
pub fn parse_with(
    source: &str,
    file_name: &str,
    opts: &ParseOptions,
    members: &dyn MemberSource,
) -> Result<Layout, CopybookError> {
    let all = parse_records(source, file_name, opts, members)?;
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
/// `RECORD`. COPY statements find no members: use [`parse_all_with`] to give them.
pub fn parse_all(source: &str, format: SourceFormat) -> Result<Vec<Layout>, CopybookError> {
    parse_all_with(source, UNNAMED, format, &NoMembers)
}

/// [`parse_all`] for a copybook called `file_name` with COPY members from `members`.
pub fn parse_all_with(
    source: &str,
    file_name: &str,
    format: SourceFormat,
    members: &dyn MemberSource,
) -> Result<Vec<Layout>, CopybookError> {
    let opts = ParseOptions {
        format,
        ..ParseOptions::default()
    };
    parse_records(source, file_name, &opts, members)
}

/// [`parse_all_with`] with the caller's editing symbols.
fn parse_records(
    source: &str,
    file_name: &str,
    opts: &ParseOptions,
    members: &dyn MemberSource,
) -> Result<Vec<Layout>, CopybookError> {
    let (format, symbols) = (opts.format, opts.symbols);
    let ex = expand::expand(source, file_name, format, members);
    let mut ctx = match &ex.body {
        Ok(body) => Ctx {
            files: &ex.files,
            body,
            symbols,
            dialect: opts.dialect,
        },
        Err(l) => {
            let e = locate(&ex.files, l.at, |src, pos| {
                CopybookError::invalid(src, pos, l.message.clone())
            });
            return Err(with_format_note(
                &ex.files,
                l.at,
                l.message.contains("indicator"),
                e,
            ));
        }
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

/// The copybook as the grammar sees it: COPY members and REPLACE applied, sequence
/// areas and comments gone, one line per code line. Starts with a `>>SOURCE FORMAT
/// FREE` line so that the text reads back the same way.
pub fn expand(
    source: &str,
    file_name: &str,
    format: SourceFormat,
    members: &dyn MemberSource,
) -> Result<String, CopybookError> {
    let ex = expand::expand(source, file_name, format, members);
    match ex.body {
        Ok(body) => Ok(format!(
            ">>SOURCE FORMAT FREE\n*> {file_name} with COPY and REPLACE expanded\n{}\n",
            body.text.trim_end()
        )),
        Err(l) => {
            let e = locate(&ex.files, l.at, |src, pos| {
                CopybookError::invalid(src, pos, l.message.clone())
            });
            Err(with_format_note(
                &ex.files,
                l.at,
                l.message.contains("indicator"),
                e,
            ))
        }
    }
}

/// An error at `at`, in the file it names: wrapped with the COPY chain for a member.
fn locate(
    files: &[expand::File],
    at: Origin,
    make: impl FnOnce(&str, SourcePos) -> CopybookError,
) -> CopybookError {
    let file = files.get(at.file as usize);
    let inner = make(file.map_or("", |f| f.text.as_str()), at.pos);
    let Some(file) = file.filter(|_| at.file != 0) else {
        return inner;
    };
    let mut copied_from = Vec::new();
    let mut site = file.copied_at;
    // Each file was copied by an earlier one, so this ends; the bound makes it certain.
    while let Some(o) = site.filter(|_| copied_from.len() < files.len()) {
        let parent = files.get(o.file as usize);
        copied_from.push(CopySite {
            file: parent.map(|p| p.name.clone()).unwrap_or_default(),
            line: o.pos.line,
            column: o.pos.column,
        });
        site = parent.and_then(|p| p.copied_at);
    }
    CopybookError::InMember {
        member: file.name.clone(),
        copied_from,
        error: Box::new(inner),
    }
}

/// Adds which source format was assumed, and why, to an error that suggests the text
/// was read in the wrong one (`hopeless`), when the format was guessed.
fn with_format_note(
    files: &[expand::File],
    at: Origin,
    hopeless: bool,
    e: CopybookError,
) -> CopybookError {
    let detection = files
        .get(at.file as usize)
        .and_then(|f| f.detection.as_ref());
    match detection {
        Some(d) if hopeless && d.detected => CopybookError::Format {
            note: d.describe(),
            error: Box::new(e),
        },
        _ => e,
    }
}

/// Splits the clean text into entries, and reads what SPECIAL-NAMES clauses declare
/// (with where the first of them is).
fn entries(
    ctx: &Ctx<'_>,
) -> Result<(Vec<entry::Entry>, Option<Spanned<EditSymbols>>), CopybookError> {
    let mut out = Vec::new();
    let mut declared: Option<Spanned<EditSymbols>> = None;
    let mut rest = ctx.body.text.as_str();
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
            Err(nom::Err::Error(f) | nom::Err::Failure(f)) => {
                // Failing where an entry should start is what comment lines or sequence
                // numbers read as code look like: say which format was assumed.
                let at_start = f.at.len() == rest.len();
                return Err(ctx.nom_error(f, at_start));
            }
            Err(nom::Err::Incomplete(_)) => {
                return Err(ctx.err(0, "unexpected end of the copybook"));
            }
        }
    }
}

/// What the later stages need to locate an error: the files read and the expanded text.
pub(crate) struct Ctx<'a> {
    files: &'a [expand::File],
    body: &'a expand::Body,
    /// Decimal point and currency of numeric-edited pictures.
    symbols: EditSymbols,
    /// Sizes pointer items.
    dialect: Dialect,
}

impl Ctx<'_> {
    /// Origin of the expanded-text point `rest_len` bytes before its end.
    fn origin(&self, rest_len: usize) -> Origin {
        self.body
            .origin_at(self.body.text.len().saturating_sub(rest_len))
    }

    /// Original position (in its own file) of the point `rest_len` bytes before the end.
    fn pos(&self, rest_len: usize) -> SourcePos {
        self.origin(rest_len).pos
    }

    /// A located meaning error.
    fn err(&self, rest_len: usize, message: impl Into<String>) -> CopybookError {
        let message = message.into();
        locate(self.files, self.origin(rest_len), |src, pos| {
            CopybookError::invalid(src, pos, message)
        })
    }

    /// Turns the grammar's error into a located one; `at_start`: it failed where an
    /// entry should start.
    fn nom_error(&self, f: Fail<'_>, at_start: bool) -> CopybookError {
        let at = self.origin(f.at.len());
        if let Some(m) = f.message {
            let e = locate(self.files, at, |src, pos| {
                CopybookError::invalid(src, pos, m)
            });
            return with_format_note(self.files, at, at_start, e);
        }
        let found: String =
            f.at.split_whitespace()
                .next()
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect();
        let expected = f.expected.as_deref().unwrap_or("a data description entry");
        let e = locate(self.files, at, |src, pos| {
            CopybookError::syntax(src, pos, expected, Some(found).filter(|s| !s.is_empty()))
        });
        with_format_note(self.files, at, at_start, e)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

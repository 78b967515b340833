//! Errors of the TOML layout-spec parser, located by line and column, and a collector
//! that gathers every semantic problem so one run reports them all.

use std::fmt::Write as _;
use std::ops::Range;

/// A problem in a layout spec. Every variant except [`SpecError::Many`] points at the
/// offending text (1-based line and column, column counted in characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// The text is not valid TOML, or does not fit the spec's shape (unknown key, wrong
    /// value type, missing `[record]`). Reported by the TOML reader, which stops at the first.
    #[error("{}TOML: {message}", at(*line, *column))]
    Toml {
        message: String,
        line: Option<u32>,
        column: Option<u32>,
        /// Byte range in the source, when the reader knows it.
        span: Option<Range<usize>>,
    },
    /// A well-formed spec that describes an impossible or ambiguous layout.
    #[error("line {line}, column {column}: {message}")]
    Invalid {
        message: String,
        line: u32,
        column: u32,
        /// Byte range in the source.
        span: Range<usize>,
    },
    /// [`super::ParseOptions::record`] asks for a record this file does not describe.
    #[error(
        "line {line}, column {column}: record `{wanted}` not found: this spec describes `{found}`"
    )]
    RecordNotFound {
        wanted: String,
        found: String,
        line: u32,
        column: u32,
        span: Range<usize>,
    },
    /// Several semantic problems, in source order.
    #[error("{} problems in the layout spec:\n{}", .0.len(), list(.0))]
    Many(Vec<SpecError>),
}

fn at(line: Option<u32>, column: Option<u32>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!("line {l}, column {c}: "),
        _ => String::new(),
    }
}

fn list(errors: &[SpecError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
    lines.join("\n")
}

impl SpecError {
    /// 1-based line of the problem (the first one for [`SpecError::Many`]).
    pub fn line(&self) -> Option<u32> {
        match self {
            SpecError::Toml { line, .. } => *line,
            SpecError::Invalid { line, .. } | SpecError::RecordNotFound { line, .. } => Some(*line),
            SpecError::Many(v) => v.first().and_then(SpecError::line),
        }
    }

    /// 1-based column (in characters) of the problem (the first one for [`SpecError::Many`]).
    pub fn column(&self) -> Option<u32> {
        match self {
            SpecError::Toml { column, .. } => *column,
            SpecError::Invalid { column, .. } | SpecError::RecordNotFound { column, .. } => {
                Some(*column)
            }
            SpecError::Many(v) => v.first().and_then(SpecError::column),
        }
    }

    /// The problem without its location prefix.
    pub fn message(&self) -> String {
        match self {
            SpecError::Toml { message, .. } => format!("TOML: {message}"),
            SpecError::Invalid { message, .. } => message.clone(),
            e @ SpecError::RecordNotFound { .. } => {
                let full = e.to_string();
                full.split_once(": ")
                    .map_or(full.clone(), |(_, m)| m.to_string())
            }
            SpecError::Many(v) => format!("{} problems", v.len()),
        }
    }

    fn span(&self) -> Option<Range<usize>> {
        match self {
            SpecError::Toml { span, .. } => span.clone(),
            SpecError::Invalid { span, .. } | SpecError::RecordNotFound { span, .. } => {
                Some(span.clone())
            }
            SpecError::Many(_) => None,
        }
    }

    /// Compiler-style text: the message, `file:line:column`, the source line and a caret
    /// under the offending text. `source` must be the text that was parsed.
    pub fn render(&self, source: &str, file_name: &str) -> String {
        let mut out = String::new();
        if let SpecError::Many(v) = self {
            for e in v {
                out.push_str(&e.render(source, file_name));
            }
            let _ = writeln!(out, "error: {} problems in {file_name}", v.len());
            return out;
        }
        let _ = writeln!(out, "error: {}", self.message());
        let (Some(line), Some(column)) = (self.line(), self.column()) else {
            let _ = writeln!(out, " --> {file_name}");
            return out;
        };
        let _ = writeln!(out, " --> {file_name}:{line}:{column}");
        let text = source
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .unwrap_or("");
        let width = self.span().map_or(1, |s| {
            // Underline the span's part on this line only.
            let start = s.start.min(source.len());
            let end = s.end.min(source.len()).max(start);
            let piece = source.get(start..end).unwrap_or("");
            piece.lines().next().map_or(1, |l| l.chars().count().max(1))
        });
        let gutter = line.to_string().len();
        let pad = " ".repeat(column.saturating_sub(1) as usize);
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{line} | {text}");
        let _ = writeln!(out, "{:gutter$} | {pad}{}", "", "^".repeat(width));
        out
    }
}

/// 1-based line and character column of a byte offset.
pub(super) fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = source.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

impl SpecError {
    /// Wraps an error of the TOML reader, locating it in `source`.
    pub(super) fn from_toml(e: &toml::de::Error, source: &str) -> SpecError {
        let span = e.span();
        let (line, column) = match &span {
            Some(s) => {
                let (l, c) = line_col(source, s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        SpecError::Toml {
            message: e.message().trim().to_string(),
            line,
            column,
            span,
        }
    }
}

/// Collects semantic problems while a spec is compiled.
pub(super) struct Diag<'s> {
    source: &'s str,
    errors: Vec<SpecError>,
}

impl<'s> Diag<'s> {
    pub(super) fn new(source: &'s str) -> Self {
        Diag {
            source,
            errors: Vec::new(),
        }
    }

    /// Records a problem at a byte span of the source.
    pub(super) fn err(&mut self, span: Range<usize>, message: impl Into<String>) {
        let (line, column) = line_col(self.source, span.start);
        self.errors.push(SpecError::Invalid {
            message: message.into(),
            line,
            column,
            span,
        });
    }

    pub(super) fn source(&self) -> &'s str {
        self.source
    }

    pub(super) fn count(&self) -> usize {
        self.errors.len()
    }

    /// `Ok(())` when nothing was recorded, the one error, or all of them in source order.
    pub(super) fn finish(mut self) -> Result<(), SpecError> {
        self.errors.sort_by_key(|e| (e.line(), e.column()));
        match self.errors.len() {
            0 => Ok(()),
            1 => Err(self.errors.remove(0)),
            _ => Err(SpecError::Many(self.errors)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        // Second line, after a two-byte character: column counts characters, not bytes.
        assert_eq!(line_col("a\né = 1", 4), (2, 2));
        // An offset inside a multi-byte character backs off to its start.
        assert_eq!(line_col("é", 1), (1, 1));
        // Past the end clamps to the end.
        assert_eq!(line_col("ab", 99), (1, 3));
    }

    #[test]
    fn render_shows_line_and_caret() {
        let src = "[record]\nname = \"X\"\ndigits = 40\n";
        let mut d = Diag::new(src);
        d.err(29..31, "packed digits must be 1-31, got 40");
        let e = d.finish().unwrap_err();
        assert_eq!((e.line(), e.column()), (Some(3), Some(10)));
        let text = e.render(src, "v.layout.toml");
        assert!(text.contains("error: packed digits must be 1-31, got 40"));
        assert!(text.contains(" --> v.layout.toml:3:10"));
        assert!(text.contains("3 | digits = 40"));
        assert!(text.contains("  |          ^^\n"));
    }

    #[test]
    fn many_sorts_and_renders_every_problem() {
        let src = "a\nb\n";
        let mut d = Diag::new(src);
        d.err(2..3, "second");
        d.err(0..1, "first");
        let e = d.finish().unwrap_err();
        let SpecError::Many(v) = &e else {
            panic!("expected Many")
        };
        assert_eq!(v[0].message(), "first");
        assert_eq!(e.line(), Some(1));
        assert!(e.render(src, "f").contains("2 problems in f"));
    }

    #[test]
    fn toml_error_without_span_has_no_location() {
        let e = SpecError::Toml {
            message: "boom".into(),
            line: None,
            column: None,
            span: None,
        };
        assert_eq!(e.line(), None);
        assert_eq!(e.render("", "f"), "error: TOML: boom\n --> f\n");
    }
}

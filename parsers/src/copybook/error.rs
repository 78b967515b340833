//! Copybook errors: located in the original source text and printable like a compiler's.

use crate::layout::SourcePos;

/// Why a copybook could not be turned into a layout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopybookError {
    /// The text does not follow the copybook grammar.
    #[error(
        "line {line}, column {column}: expected {expected}{}",
        found_suffix(found)
    )]
    Syntax {
        /// 1-based line in the original source.
        line: u32,
        /// 1-based column (characters) in the original source line.
        column: u32,
        /// What the grammar wanted here (`a PIC string after PIC`).
        expected: String,
        /// The text found instead (`None` at end of input).
        found: Option<String>,
        /// The original source line, for messages.
        source_line: String,
    },
    /// The entries parse but do not describe a valid layout (bad PIC, unknown
    /// REDEFINES target, ODO counter not found, ...).
    #[error("line {line}, column {column}: {message}")]
    Invalid {
        /// 1-based line in the original source.
        line: u32,
        /// 1-based column (characters) in the original source line.
        column: u32,
        /// What is wrong.
        message: String,
        /// The original source line, for messages.
        source_line: String,
    },
    /// `ParseOptions::record` names no 01 record of the copybook.
    #[error("no record named {name}; the copybook defines: {}", available.join(", "))]
    UnknownRecord {
        /// The name asked for.
        name: String,
        /// Names of the records the copybook does define.
        available: Vec<String>,
    },
    /// The copybook holds no data description entries.
    #[error("the copybook defines no records (no data description entries found)")]
    NoRecords,
    /// A problem inside a COPY member: the member's own located error, and the COPY
    /// statements that brought the member in (innermost first).
    #[error("{}", in_member(member, copied_from, error))]
    InMember {
        /// The member's file (or map key).
        member: String,
        /// Each COPY statement on the way, the innermost first.
        copied_from: Vec<CopySite>,
        /// The error, located in the member's text.
        error: Box<CopybookError>,
    },
    /// An error in text that does not read as its source format was guessed: the error
    /// and which format was assumed, and why.
    #[error("{error} ({note})")]
    Format {
        /// `read as fixed format because ...`.
        note: String,
        error: Box<CopybookError>,
    },
}

/// Where a COPY statement sits: file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySite {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for CopySite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// `in member X.cpy:3:12, copied from main.cpy:5:8: message`.
fn in_member(member: &str, copied_from: &[CopySite], error: &CopybookError) -> String {
    let mut s = format!("in member {member}");
    if let (Some(l), Some(c)) = (error.line(), error.column()) {
        s.push_str(&format!(":{l}:{c}"));
    }
    for site in copied_from {
        s.push_str(&format!(", copied from {site}"));
    }
    format!("{s}: {}", error.message())
}

fn found_suffix(found: &Option<String>) -> String {
    match found {
        Some(f) => format!(", found `{f}`"),
        None => ", found the end of the copybook".into(),
    }
}

impl CopybookError {
    pub(crate) fn syntax(
        source: &str,
        pos: SourcePos,
        expected: &str,
        found: Option<String>,
    ) -> Self {
        CopybookError::Syntax {
            line: pos.line,
            column: pos.column,
            expected: expected.to_string(),
            found,
            source_line: source_line(source, pos.line),
        }
    }

    pub(crate) fn invalid(source: &str, pos: SourcePos, message: impl Into<String>) -> Self {
        CopybookError::Invalid {
            line: pos.line,
            column: pos.column,
            message: message.into(),
            source_line: source_line(source, pos.line),
        }
    }

    /// 1-based line of the problem in the original source, when it has one.
    ///
    /// For an error inside a COPY member, the line in that member (see [`Self::file`]).
    pub fn line(&self) -> Option<u32> {
        match self {
            CopybookError::Syntax { line, .. } | CopybookError::Invalid { line, .. } => Some(*line),
            CopybookError::InMember { error, .. } | CopybookError::Format { error, .. } => {
                error.line()
            }
            _ => None,
        }
    }

    /// 1-based column of the problem in the original source line, when it has one.
    pub fn column(&self) -> Option<u32> {
        match self {
            CopybookError::Syntax { column, .. } | CopybookError::Invalid { column, .. } => {
                Some(*column)
            }
            CopybookError::InMember { error, .. } | CopybookError::Format { error, .. } => {
                error.column()
            }
            _ => None,
        }
    }

    /// The COPY member the problem is in (`None`: the copybook itself).
    pub fn file(&self) -> Option<&str> {
        match self {
            CopybookError::InMember { member, .. } => Some(member),
            CopybookError::Format { error, .. } => error.file(),
            _ => None,
        }
    }

    /// The message without its location.
    pub fn message(&self) -> String {
        match self {
            CopybookError::InMember {
                member,
                copied_from,
                error,
            } => in_member(member, copied_from, error),
            CopybookError::Format { note, error } => format!("{} ({note})", error.message()),
            CopybookError::Syntax {
                expected, found, ..
            } => {
                format!("expected {expected}{}", found_suffix(found))
            }
            CopybookError::Invalid { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// Compiler-style report: message, `file:line:column`, the source line and a caret.
    pub fn render(&self, source: &str, file_name: &str) -> String {
        match self {
            CopybookError::InMember {
                member,
                copied_from,
                error,
            } => {
                // The member's line is kept in the inner error; `source` is the copybook's.
                let mut out = error.render("", member);
                for site in copied_from {
                    out.push_str(&format!("  = note: copied from {site}\n"));
                }
                return out;
            }
            CopybookError::Format { note, error } => {
                let mut out = error.render(source, file_name);
                out.push_str(&format!("  = note: {note}\n"));
                return out;
            }
            _ => {}
        }
        let mut out = format!("error: {}\n", self.message());
        let (Some(line), Some(column)) = (self.line(), self.column()) else {
            out.push_str(&format!(" --> {file_name}\n"));
            return out;
        };
        // Prefer the caller's source; fall back to the line kept in the error.
        let text = match self {
            _ if source_line_exists(source, line) => source_line(source, line),
            CopybookError::Syntax { source_line, .. }
            | CopybookError::Invalid { source_line, .. } => source_line.clone(),
            _ => String::new(),
        };
        let num = line.to_string();
        let gutter = " ".repeat(num.len());
        // Copy tabs from the line so the caret lines up however the terminal expands them.
        let pad: String = text
            .chars()
            .take(column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(&format!("{gutter}--> {file_name}:{line}:{column}\n"));
        out.push_str(&format!("{gutter} |\n"));
        out.push_str(&format!("{num} | {text}\n"));
        out.push_str(&format!("{gutter} | {pad}^\n"));
        out
    }
}

fn source_line_exists(source: &str, line: u32) -> bool {
    line >= 1 && source.lines().nth(line as usize - 1).is_some()
}

/// The original text of 1-based `line` (empty past the end).
fn source_line(source: &str, line: u32) -> String {
    let idx = (line as usize).saturating_sub(1);
    source
        .strip_prefix('\u{feff}')
        .unwrap_or(source)
        .split('\n')
        .nth(idx)
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn render_points_at_the_column() {
        // The caret sits under column 30 of line 2.
        let src = "       01 P.\n           05 CUST-NAME   PIC .\n";
        let e = CopybookError::syntax(
            src,
            SourcePos {
                line: 2,
                column: 30,
            },
            "a PIC string after PIC",
            Some(".".into()),
        );
        let r = e.render(src, "person.cpy");
        let expected = "error: expected a PIC string after PIC, found `.`\n \
                        --> person.cpy:2:30\n  |\n2 |            05 CUST-NAME   PIC .\n  \
                        |                              ^\n";
        assert_eq!(r, expected);
        assert_eq!(e.line(), Some(2));
        assert_eq!(e.column(), Some(30));
    }

    #[test]
    fn render_without_location() {
        // Errors without a position still name the file.
        let e = CopybookError::NoRecords;
        assert!(e.render("", "x.cpy").contains("--> x.cpy"));
        assert_eq!(e.line(), None);
    }
}

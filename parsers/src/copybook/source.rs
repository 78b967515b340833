//! Reference format: turns fixed- or free-format copybook text into clean code text.
//!
//! Sequence area, indicator column, columns 73-80, comment lines and `*>` comments are
//! removed, continuation lines are joined, and every byte of the clean text keeps the
//! line and column it came from so errors point into the original source.
//!
//! Tabs expand to the next multiple of 8 columns when deciding which area a character
//! sits in (so a tab-indented fixed-format line still finds column 8), but reported
//! columns count characters of the original line (a tab counts as one).

use super::SourceFormat;
use crate::layout::SourcePos;

/// Last column of the code area in fixed format.
const CODE_END_COL: usize = 72;
/// Tab stops every this many columns.
const TAB_WIDTH: usize = 8;

/// Code text with comments and reference-format areas removed.
#[derive(Debug)]
pub(crate) struct Clean {
    pub text: String,
    /// Original position of each byte of `text`.
    pos: Vec<SourcePos>,
    /// Position just past the last code character (for errors at end of input).
    end: SourcePos,
}

impl Clean {
    /// Original line and column of the byte at `offset` in the clean text.
    pub fn pos_at(&self, offset: usize) -> SourcePos {
        self.pos.get(offset).copied().unwrap_or(self.end)
    }
}

/// A reference-format problem, located in the original text.
#[derive(Debug, PartialEq)]
pub(crate) struct SourceError {
    pub pos: SourcePos,
    pub message: String,
}

/// One character of an original line: the character and its 1-based original column.
type Cell = (char, u32);

/// Expands tabs to spaces (each keeps the tab's original column).
fn cells(line: &str) -> Vec<Cell> {
    let mut out = Vec::with_capacity(line.len());
    for (i, c) in line.chars().enumerate() {
        let col = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if c == '\t' {
            let next = (out.len() / TAB_WIDTH + 1) * TAB_WIDTH;
            while out.len() < next {
                out.push((' ', col));
            }
        } else if c.is_control() {
            // Form feeds and other controls separate words like spaces do.
            out.push((' ', col));
        } else {
            out.push((c, col));
        }
    }
    out
}

/// Splits the source into lines without their terminators (`\n` or `\r\n`).
fn lines(source: &str) -> impl Iterator<Item = &str> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// How the columns of a text are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Columns {
    /// Columns 1-6 sequence area, 7 indicator, 8-72 code, 73-80 identification.
    Fixed,
    /// Fixed-format text shifted left (trimmed of its sequence area, re-indented,
    /// exported by tools): code from column 1, a line whose first character is `*` or
    /// `/` is a comment line, and with `cut_at_72` columns past 72 are an
    /// identification area.
    Loose { cut_at_72: bool },
    /// Code anywhere on the line; `*>` starts a comment.
    Free,
}

/// The columns a text is read with, and why (for messages about hopeless text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Detection {
    pub format: Columns,
    /// Why: the evidence (`line 3 has code in columns 1-6`) or the option that said so.
    pub reason: String,
    /// True when guessed (`Auto`), false when asked for.
    pub detected: bool,
}

impl Detection {
    /// `read as fixed format because ...`, for error notes.
    pub fn describe(&self) -> String {
        let name = match self.format {
            Columns::Fixed => "fixed format",
            Columns::Loose { cut_at_72: true } => {
                "shifted fixed format (code from column 1, `*` or `/` comment lines, \
                 columns 73-80 ignored)"
            }
            Columns::Loose { cut_at_72: false } => {
                "shifted format (code from column 1, `*` or `/` comment lines)"
            }
            Columns::Free => "free format",
        };
        format!("read as {name} because {}", self.reason)
    }
}

/// The columns to read `source` with: as asked, or detected for `Auto`.
pub(crate) fn detection_for(source: &str, format: SourceFormat) -> Detection {
    let asked = |format, reason: &str| Detection {
        format,
        reason: reason.into(),
        detected: false,
    };
    match format {
        SourceFormat::Fixed => asked(Columns::Fixed, "the fixed source format was asked for"),
        SourceFormat::Free => asked(Columns::Free, "the free source format was asked for"),
        SourceFormat::Auto => detect(source),
    }
}

/// Detects how to read a text for `Auto`.
///
/// A `>>SOURCE FORMAT` or `$SET SOURCEFORMAT` directive decides. Otherwise the text is
/// fixed when every non-blank line has a valid indicator in column 7 and nothing that
/// looks like code (a level number followed by a word, or `*>`) in columns 1-6. Any
/// other text is read as shifted fixed format: code from column 1, `*`/`/` comment
/// lines, and columns 73-80 ignored unless some line clearly has code there (a word
/// across columns 72-73, a line longer than 80, text past 72 ending an entry) or a
/// `*>` comment says the text was written free.
pub(crate) fn detect(source: &str) -> Detection {
    let found = |format, reason: String| Detection {
        format,
        reason,
        detected: true,
    };
    if let Some((n, format)) = directive(source) {
        let name = if format == Columns::Free {
            "FREE"
        } else {
            "FIXED"
        };
        return found(
            format,
            format!("line {n} has a source format {name} directive"),
        );
    }
    let mut offending = None;
    for (n, line) in lines(source).enumerate() {
        let c = cells(line);
        if c.iter().all(|(ch, _)| ch.is_whitespace()) {
            continue;
        }
        let seq: String = c.iter().take(6).map(|(ch, _)| *ch).collect();
        let indicator = c.get(6).map_or(' ', |(ch, _)| *ch);
        if looks_like_code(&seq) {
            offending = Some(format!("line {} has code in columns 1-6", n + 1));
            break;
        }
        if !matches!(indicator, ' ' | '*' | '/' | '-' | 'D' | 'd' | '$') {
            offending = Some(format!(
                "line {} has `{indicator}` in column 7, which is no indicator",
                n + 1
            ));
            break;
        }
    }
    let Some(offending) = offending else {
        return found(
            Columns::Fixed,
            "every line has a valid indicator in column 7 and no code in columns 1-6".into(),
        );
    };
    match code_past_72(source) {
        None => found(Columns::Loose { cut_at_72: true }, offending),
        Some(why) => found(
            Columns::Loose { cut_at_72: false },
            format!("{offending} and {why}"),
        ),
    }
}

/// A `>>SOURCE [FORMAT] [IS] FREE|FIXED` or `$SET SOURCEFORMAT"FREE"` line: its number
/// and the format it names.
fn directive(source: &str) -> Option<(usize, Columns)> {
    for (n, line) in lines(source).enumerate() {
        let t = line.trim_start().to_ascii_uppercase();
        let t = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
        let is_directive = t.starts_with(">>SOURCE")
            || t.starts_with("$SET")
            || t.starts_with("$ SET")
            || t.starts_with(">> SOURCE");
        if !is_directive || !t.contains("FORMAT") {
            continue;
        }
        if t.contains("FREE") {
            return Some((n + 1, Columns::Free));
        }
        if t.contains("FIXED") {
            return Some((n + 1, Columns::Fixed));
        }
    }
    None
}

/// Why columns past 72 must be code (`None`: they can be an identification area).
fn code_past_72(source: &str) -> Option<String> {
    for (n, line) in lines(source).enumerate() {
        let c = cells(line);
        let text: String = c.iter().map(|(ch, _)| *ch).collect();
        if text.contains("*>") {
            return Some(format!("line {} has a `*>` comment", n + 1));
        }
        let past: String = c.iter().skip(CODE_END_COL).map(|(ch, _)| *ch).collect();
        let past = past.trim_end();
        if past.is_empty() {
            continue;
        }
        let at = |i: usize| c.get(i).is_some_and(|(ch, _)| !ch.is_whitespace());
        let reason = if at(CODE_END_COL - 1) && at(CODE_END_COL) {
            "a word across columns 72 and 73"
        } else if c.len() > 80 && !c.iter().skip(80).all(|(ch, _)| ch.is_whitespace()) {
            "text past column 80"
        } else if past.ends_with('.') {
            "an entry ending past column 72"
        } else {
            continue;
        };
        return Some(format!("line {} has {reason}", n + 1));
    }
    None
}

/// True when the sequence area holds what reads as code rather than a sequence number.
fn looks_like_code(seq: &str) -> bool {
    let t = seq.trim_start();
    if t.starts_with("*>") {
        return true;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    // `05 NAME`: a level number, a space, then a word starting in the sequence area.
    (1..=2).contains(&digits)
        && t[digits..].starts_with(' ')
        && t[digits..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_alphanumeric())
}

/// Builds the clean text from `source` in the given format (`Auto` is detected first).
#[cfg(test)]
pub(crate) fn clean(source: &str, format: SourceFormat) -> Result<Clean, SourceError> {
    clean_as(source, detection_for(source, format).format)
}

/// Builds the clean text from `source` read with `columns`.
pub(crate) fn clean_as(source: &str, columns: Columns) -> Result<Clean, SourceError> {
    let mut b = Builder::default();
    for (n, line) in lines(source).enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let c = cells(line);
        match columns {
            Columns::Free => b.code_line(line_no, &c),
            Columns::Fixed => b.fixed_line(line_no, &c)?,
            Columns::Loose { cut_at_72 } => b.loose_line(line_no, &c, cut_at_72),
        }
    }
    Ok(b.finish())
}

/// Cuts `code` at a `*>` comment that is outside any literal (`open`: quote open at start).
fn strip_comment(code: &[Cell], mut open: Option<char>) -> &[Cell] {
    for (i, &(ch, _)) in code.iter().enumerate() {
        match open {
            Some(q) if ch == q => open = None,
            Some(_) => {}
            None if ch == '\'' || ch == '"' => open = Some(ch),
            None if ch == '*' && code.get(i + 1).is_some_and(|n| n.0 == '>') => {
                return code.get(..i).unwrap_or(code);
            }
            None => {}
        }
    }
    code
}

/// Accumulates clean text line by line.
#[derive(Default)]
struct Builder {
    text: String,
    pos: Vec<SourcePos>,
    /// Quote that is open at the end of the text (a literal continued on the next line).
    open_quote: Option<char>,
    /// Expanded width of the last code line, to pad a continued literal to column 72.
    last_width: usize,
    last_pos: SourcePos,
}

impl Builder {
    fn push(&mut self, ch: char, pos: SourcePos) {
        self.text.push(ch);
        for _ in 0..ch.len_utf8() {
            self.pos.push(pos);
        }
        self.last_pos = pos;
    }

    /// Fixed format: cols 1-6 sequence, col 7 indicator, cols 8-72 code.
    fn fixed_line(&mut self, line: u32, c: &[Cell]) -> Result<(), SourceError> {
        let Some(&(indicator, ind_col)) = c.get(6) else {
            return Ok(()); // sequence area only
        };
        let code = c.get(7..c.len().min(CODE_END_COL)).unwrap_or(&[]);
        match indicator {
            // `$` starts a Micro Focus directive line (`$SET ...`): no data description.
            '*' | '/' | 'D' | 'd' | '$' => Ok(()),
            ' ' => {
                self.code_line(line, code);
                Ok(())
            }
            '-' => self.continuation(line, code, ind_col),
            other => Err(SourceError {
                pos: SourcePos {
                    line,
                    column: ind_col,
                },
                message: format!(
                    "invalid indicator `{other}` in column 7 (expected space, `*`, `/`, `-` or `D`)"
                ),
            }),
        }
    }

    /// Shifted fixed format: a `*` or `/` first character makes a comment line (no
    /// data description entry starts with either), anything else is code.
    fn loose_line(&mut self, line: u32, c: &[Cell], cut_at_72: bool) {
        let code = if cut_at_72 {
            c.get(..c.len().min(CODE_END_COL)).unwrap_or(c)
        } else {
            c
        };
        let first = code.iter().position(|(ch, _)| !ch.is_whitespace());
        let Some(first) = first else {
            return;
        };
        let at = |i: usize| code.get(i).map(|(ch, _)| *ch);
        let comment = match at(first) {
            Some('*') => at(first + 1) != Some('>'),
            // `/` ejects a page; `$` starts a Micro Focus directive (`$SET ...`).
            Some('/' | '$') => true,
            _ => false,
        };
        if !comment {
            self.code_line(line, code);
        }
    }

    /// A line of code that starts a new line of text.
    fn code_line(&mut self, line: u32, code: &[Cell]) {
        // A literal left open on the previous line is not continued: the lexer reports it.
        self.open_quote = None;
        let code = strip_comment(code, None);
        let first = code.iter().position(|(ch, _)| !ch.is_whitespace());
        let Some(first) = first else {
            return;
        };
        // `>>SOURCE FORMAT ...` and other compiler directives say nothing about data.
        let rest = code.get(first..).unwrap_or_default();
        if rest.first().map(|c| c.0) == Some('>') && rest.get(1).map(|c| c.0) == Some('>') {
            return;
        }
        if !self.text.is_empty() {
            let end = SourcePos {
                line: self.last_pos.line,
                column: self.last_pos.column + 1,
            };
            self.push('\n', end);
        }
        self.append(line, code);
    }

    /// Appends code characters, tracking whether a literal is left open.
    fn append(&mut self, line: u32, code: &[Cell]) {
        for &(ch, col) in code {
            match self.open_quote {
                Some(q) if ch == q => self.open_quote = None,
                None if ch == '\'' || ch == '"' => self.open_quote = Some(ch),
                _ => {}
            }
            self.push(ch, SourcePos { line, column: col });
        }
        self.last_width = code.len() + 7;
    }

    /// A `-` line: continues an open literal after its opening quote, or joins words.
    fn continuation(&mut self, line: u32, code: &[Cell], ind_col: u32) -> Result<(), SourceError> {
        let start = code.iter().position(|(ch, _)| !ch.is_whitespace());
        let Some(start) = start else {
            return Ok(());
        };
        let rest = code.get(start..).unwrap_or(&[]);
        match self.open_quote {
            Some(q) => {
                // The continued literal runs to column 72 of the line before.
                let pad = CODE_END_COL.saturating_sub(self.last_width);
                let pos = self.last_pos;
                for _ in 0..pad {
                    self.push(' ', pos);
                }
                match rest.first() {
                    Some(&(ch, _)) if ch == q => {
                        let rest = strip_comment(rest.get(1..).unwrap_or(&[]), Some(q));
                        self.append(line, rest);
                        Ok(())
                    }
                    Some(&(_, col)) => Err(SourceError {
                        pos: SourcePos { line, column: col },
                        message: format!(
                            "a continued literal must resume with `{q}` on the continuation line"
                        ),
                    }),
                    None => Ok(()),
                }
            }
            None => {
                if self.text.is_empty() {
                    return Err(SourceError {
                        pos: SourcePos {
                            line,
                            column: ind_col,
                        },
                        message: "continuation line with nothing to continue".into(),
                    });
                }
                // Words join: the first non-blank character follows the last one directly.
                while self.text.ends_with(char::is_whitespace) {
                    self.text.pop();
                    self.pos.pop();
                }
                self.append(line, strip_comment(rest, None));
                Ok(())
            }
        }
    }

    fn finish(self) -> Clean {
        let end = SourcePos {
            line: self.last_pos.line.max(1),
            column: self.last_pos.column + 1,
        };
        Clean {
            text: self.text,
            pos: self.pos,
            end,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fixed(src: &str) -> Clean {
        clean(src, SourceFormat::Fixed).unwrap()
    }

    #[test]
    fn fixed_format_drops_sequence_indicator_and_identification_areas() {
        // Sequence numbers in 1-6, text in 73-80.
        let src =
            "000100 01  REC.                                                         XX000100\n";
        let c = fixed(src);
        assert_eq!(c.text.trim_end(), "01  REC.");
        // `01` starts in column 8.
        assert_eq!(c.pos_at(0), SourcePos { line: 1, column: 8 });
    }

    #[test]
    fn comment_lines_and_floating_comments_are_removed() {
        // `*`, `/` and `D` indicators, and a `*>` comment after code.
        let src = "      * comment\n      / eject\n      D debug\n       01 A. *> note\n";
        assert_eq!(fixed(src).text.trim_end(), "01 A.");
    }

    #[test]
    fn floating_comment_marker_inside_a_literal_is_kept() {
        // `*>` between quotes is data, not a comment.
        let src = "       05 A PIC X(4) VALUE '*>'.\n";
        assert_eq!(fixed(src).text, "05 A PIC X(4) VALUE '*>'.");
    }

    #[test]
    fn continued_literal_resumes_after_the_quote() {
        // The literal runs to column 72, then resumes after the quote on the next line.
        let first = format!("{:<72}", "       05 A PIC X(70) VALUE 'ABC");
        let src = format!("{first}\n      -    'DEF'.\n");
        let c = fixed(&src);
        let lit_start = c.text.find('\'').unwrap();
        let lit = &c.text[lit_start..];
        assert!(lit.starts_with("'ABC "));
        assert!(lit.ends_with("DEF'."));
        // `'ABC` ends at column 32; padding to column 72 adds 40 spaces.
        assert_eq!(lit.len(), 4 + (72 - 32) + 4 + 1);
        // The `D` of DEF maps back to line 2, column 13.
        let d = c.text.rfind('D').unwrap();
        assert_eq!(
            c.pos_at(d),
            SourcePos {
                line: 2,
                column: 13
            }
        );
    }

    #[test]
    fn continued_literal_without_quote_is_an_error() {
        // The continuation line must restart the literal with a quote.
        let src = "       05 A PIC X(9) VALUE 'ABC\n      -    DEF'.\n";
        let e = clean(src, SourceFormat::Fixed).unwrap_err();
        assert_eq!(
            e.pos,
            SourcePos {
                line: 2,
                column: 12
            }
        );
    }

    #[test]
    fn continued_word_joins_without_space() {
        // A word split across lines becomes one word.
        let src = "       05 CUST-NA\n      -    ME PIC X.\n";
        assert_eq!(fixed(src).text, "05 CUST-NAME PIC X.");
    }

    #[test]
    fn invalid_indicator_is_reported_at_column_7() {
        // `X` is not a valid indicator.
        let e = clean("      X 01 A.\n", SourceFormat::Fixed).unwrap_err();
        assert_eq!(e.pos, SourcePos { line: 1, column: 7 });
    }

    #[test]
    fn free_format_keeps_every_column() {
        // Code may start in column 1; `*>` comments anywhere.
        let c = clean("01 A.\n*> c\n  05 B PIC X. *> c\n", SourceFormat::Free).unwrap();
        assert_eq!(c.text, "01 A.\n  05 B PIC X. ");
        assert_eq!(
            c.pos_at(c.text.find('B').unwrap()),
            SourcePos { line: 3, column: 6 }
        );
    }

    #[test]
    fn directive_lines_are_skipped() {
        // `$SET` in column 7 (fixed) and `>>SOURCE` (either format) carry no data.
        let c =
            fixed("      $SET SOURCEFORMAT\"FIXED\"\n       >>SOURCE FORMAT FIXED\n       01 A.\n");
        assert_eq!(c.text, "01 A.");
        let c = clean(">>SOURCE FORMAT FREE\n01 A.\n", SourceFormat::Free).unwrap();
        assert_eq!(c.text, "01 A.");
    }

    #[test]
    fn tabs_expand_to_multiples_of_eight() {
        // A tab reaches column 9, inside the code area; its original column is 1.
        let c = fixed("\t01 A.\n");
        assert_eq!(c.text, " 01 A.");
        assert_eq!(c.pos_at(1), SourcePos { line: 1, column: 2 });
    }

    #[test]
    fn auto_detects_fixed_shifted_and_free() {
        let f = |s: &str| detect(s).format;
        // Sequence numbers and column-7 comments: fixed.
        assert_eq!(
            f("000100 01 A.\n000200*x\n000300     05 B PIC X.\n"),
            Columns::Fixed
        );
        // Code from column 1: shifted, 73-80 ignored.
        assert_eq!(
            f("01 A.\n   05 B PIC X.\n"),
            Columns::Loose { cut_at_72: true }
        );
        // Level number in the sequence area with an otherwise valid column 7.
        let d = detect("05 AB PIC X.\n");
        assert_eq!(d.reason, "line 1 has code in columns 1-6");
        // `*>` anywhere: columns past 72 are code.
        assert_eq!(f("*> hello\n01 A.\n"), Columns::Loose { cut_at_72: false });
        // A word across columns 72/73: code past 72.
        let long = format!("01 A.\n{:<70}XXXX.\n", "   05 B PIC X(5) VALUE");
        assert_eq!(f(&long), Columns::Loose { cut_at_72: false });
        assert!(detect(&long)
            .reason
            .contains("line 2 has a word across columns 72 and 73"));
        // Directives decide.
        assert_eq!(f(">>SOURCE FORMAT IS FREE\n       01 A.\n"), Columns::Free);
        assert_eq!(
            f("      $SET SOURCEFORMAT\"FIXED\"\n01 A.\n"),
            Columns::Fixed
        );
    }

    #[test]
    fn shifted_code_with_column_7_comments() {
        // Code in columns 1-7, `*` comments in column 7, change tags in 73-80.
        let src = format!(
            "      ******************\n01 REC.{}CHG00001\n      * note\n  05 A PIC X.\n/\n",
            " ".repeat(65)
        );
        let d = detect(&src);
        assert_eq!(d.format, Columns::Loose { cut_at_72: true });
        let c = clean_as(&src, d.format).unwrap();
        let lines: Vec<&str> = c.text.lines().map(str::trim_end).collect();
        assert_eq!(lines, ["01 REC.", "  05 A PIC X."]);
        assert_eq!(
            c.pos_at(c.text.find('A').unwrap()),
            SourcePos { line: 4, column: 6 }
        );
        assert!(d.describe().starts_with("read as shifted fixed format"));
    }

    #[test]
    fn crlf_tabs_and_lower_case_in_shifted_text() {
        // CRLF endings go; a tab indents; `*>` comments after code go too.
        let c = clean("01 rec.\r\n\t05 a pic x. *> c\r\n", SourceFormat::Auto).unwrap();
        assert_eq!(c.text, "01 rec.\n        05 a pic x. ");
    }
}

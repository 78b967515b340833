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

/// Decides between fixed and free format for `Auto`.
///
/// Fixed when every non-blank line has a valid indicator in column 7 and nothing that
/// looks like code (a level number followed by a word, or `*>`) in columns 1-6.
pub(crate) fn detect(source: &str) -> SourceFormat {
    for line in lines(source) {
        let c = cells(line);
        if c.iter().all(|(ch, _)| ch.is_whitespace()) {
            continue;
        }
        let seq: String = c.iter().take(6).map(|(ch, _)| *ch).collect();
        let indicator = c.get(6).map_or(' ', |(ch, _)| *ch);
        if !matches!(indicator, ' ' | '*' | '/' | '-' | 'D' | 'd' | '$') || looks_like_code(&seq) {
            return SourceFormat::Free;
        }
    }
    SourceFormat::Fixed
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
pub(crate) fn clean(source: &str, format: SourceFormat) -> Result<Clean, SourceError> {
    let format = match format {
        SourceFormat::Auto => detect(source),
        f => f,
    };
    let mut b = Builder::default();
    for (n, line) in lines(source).enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let c = cells(line);
        match format {
            SourceFormat::Free => b.code_line(line_no, &c),
            _ => b.fixed_line(line_no, &c)?,
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
    fn auto_detects_fixed_and_free() {
        // Sequence numbers and column-7 comments: fixed.
        assert_eq!(
            detect("000100 01 A.\n000200*x\n000300     05 B PIC X.\n"),
            SourceFormat::Fixed
        );
        // Code from column 1: free.
        assert_eq!(detect("01 A.\n   05 B PIC X.\n"), SourceFormat::Free);
        // `*>` at column 1: free.
        assert_eq!(detect("*> hello\n       01 A.\n"), SourceFormat::Free);
        // Level number in the sequence area with an otherwise valid column 7.
        assert_eq!(detect("05 AB PIC X.\n"), SourceFormat::Free);
    }
}

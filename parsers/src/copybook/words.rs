//! Text words: the units COPY REPLACING and REPLACE match and replace.
//!
//! The standard compares pseudo-text with library text word by word, with any run of
//! spaces, commas and semicolons counting as one separator. A text word is a literal,
//! a separator period, a parenthesis, a colon, or a run of other characters. Colons
//! and parentheses being words of their own is what lets `==:PFX:==` replace the
//! `:PFX:` inside `:PFX:-NAME` (IBM Enterprise COBOL and GnuCOBOL do this).
//!
//! Each word keeps the separator text before it and the original position of every
//! byte, so words that were written together stay together when the expanded text is
//! put back into one string, and errors still point into the right file.

use super::source::Clean;
use crate::layout::SourcePos;

/// Where one byte of the expanded text came from: a file (index into the expander's
/// file table; 0 is the copybook itself) and a position in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Origin {
    pub file: u32,
    pub pos: SourcePos,
}

/// What a text word is, for matching and for the COPY/REPLACE statement grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A character-string, or a single `(`, `)` or `:`.
    Word,
    /// A quoted literal with its prefix (`X'C1'`); compared exactly.
    Literal,
    /// The separator period.
    Period,
    /// The pseudo-text delimiter `==`.
    Delim,
}

/// Text with the origin of each of its bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Piece {
    pub text: String,
    pub origins: Vec<Origin>,
}

impl Piece {
    fn push(&mut self, ch: char, at: Origin) {
        self.text.push(ch);
        for _ in 0..ch.len_utf8() {
            self.origins.push(at);
        }
    }

    /// Appends another piece.
    pub fn extend(&mut self, other: &Piece) {
        self.text.push_str(&other.text);
        self.origins.extend_from_slice(&other.origins);
    }
}

/// One text word and the separators written before it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub kind: Kind,
    pub gap: Piece,
    pub body: Piece,
}

impl Word {
    /// Where the word itself starts.
    pub fn origin(&self) -> Origin {
        self.body
            .origins
            .first()
            .or(self.gap.origins.last())
            .copied()
            .unwrap_or_default()
    }

    /// True for the (case-insensitive) word `kw`.
    pub fn is(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.body.text.eq_ignore_ascii_case(kw)
    }

    /// Text-word equality: words ignore case, literals do not.
    pub fn same(&self, other: &Word) -> bool {
        self.kind == other.kind
            && match self.kind {
                Kind::Literal => self.body.text == other.body.text,
                _ => self.body.text.eq_ignore_ascii_case(&other.body.text),
            }
    }
}

/// A file's words and the separators after its last word.
#[derive(Debug, Clone, Default)]
pub(crate) struct Words {
    pub words: Vec<Word>,
    pub tail: Piece,
}

/// True when a `.`/`,`/`;` at `i` is a separator (followed by white space or the end).
fn separator_at(chars: &[(char, Origin)], i: usize) -> bool {
    chars.get(i + 1).is_none_or(|(c, _)| c.is_whitespace())
}

/// Splits the clean text of file `file` into text words.
pub(crate) fn split(clean: &Clean, file: u32) -> Words {
    let chars: Vec<(char, Origin)> = clean
        .text
        .char_indices()
        .map(|(i, c)| {
            (
                c,
                Origin {
                    file,
                    pos: clean.pos_at(i),
                },
            )
        })
        .collect();
    split_chars(&chars)
}

/// Splits characters with origins into text words.
pub(crate) fn split_chars(chars: &[(char, Origin)]) -> Words {
    let mut out = Words::default();
    let mut gap = Piece::default();
    let mut i = 0;
    while let Some(&(c, at)) = chars.get(i) {
        let is_gap = c.is_whitespace() || (matches!(c, ',' | ';') && separator_at(chars, i));
        if is_gap {
            gap.push(c, at);
            i += 1;
            continue;
        }
        let (kind, end) = word_at(chars, i);
        let mut body = Piece::default();
        for &(ch, o) in chars.get(i..end).unwrap_or_default() {
            body.push(ch, o);
        }
        out.words.push(Word {
            kind,
            gap: std::mem::take(&mut gap),
            body,
        });
        i = end.max(i + 1);
    }
    out.tail = gap;
    out
}

/// The kind and end (exclusive) of the word starting at `i` (not a separator).
fn word_at(chars: &[(char, Origin)], i: usize) -> (Kind, usize) {
    let at = |k: usize| chars.get(k).map(|(c, _)| *c);
    let c = at(i).unwrap_or(' ');
    if c == '=' && at(i + 1) == Some('=') {
        return (Kind::Delim, i + 2);
    }
    if c == '.' && (separator_at(chars, i) || at(i + 1) == Some('=')) {
        return (Kind::Period, i + 1);
    }
    if matches!(c, '(' | ')' | ':') {
        return (Kind::Word, i + 1);
    }
    if c == '\'' || c == '"' {
        return (Kind::Literal, literal_end(chars, i + 1, c));
    }
    let prefixed = matches!(c.to_ascii_uppercase(), 'X' | 'N' | 'G' | 'Z')
        && matches!(at(i + 1), Some('\'' | '"'));
    if prefixed {
        let q = at(i + 1).unwrap_or('\'');
        return (Kind::Literal, literal_end(chars, i + 2, q));
    }
    let mut k = i;
    while let Some(ch) = at(k) {
        let stop = ch.is_whitespace()
            || matches!(ch, '\'' | '"' | '(' | ')' | ':')
            || (ch == '=' && at(k + 1) == Some('='))
            || (matches!(ch, '.' | ',' | ';') && separator_at(chars, k))
            || (ch == '.' && at(k + 1) == Some('=') && at(k + 2) == Some('='));
        if stop && k > i {
            break;
        }
        k += 1;
    }
    (Kind::Word, k)
}

/// End of a literal whose body starts at `i`: after the closing quote (a doubled quote
/// stays inside), or at the end of the line when it is not closed.
fn literal_end(chars: &[(char, Origin)], mut i: usize, q: char) -> usize {
    while let Some(&(c, _)) = chars.get(i) {
        if c == '\n' {
            return i;
        }
        if c == q {
            if chars.get(i + 1).map(|(c, _)| *c) == Some(q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

/// Joins words back into text (with origins), ending with `tail`.
pub(crate) fn join(words: &[Word], tail: &Piece) -> Piece {
    let mut out = Piece::default();
    for w in words {
        out.extend(&w.gap);
        out.extend(&w.body);
    }
    out.extend(tail);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<(Kind, String)> {
        let chars: Vec<(char, Origin)> = s.chars().map(|c| (c, Origin::default())).collect();
        split_chars(&chars)
            .words
            .into_iter()
            .map(|w| (w.kind, w.body.text))
            .collect()
    }

    #[test]
    fn colons_and_parentheses_are_words_of_their_own() {
        // `:PFX:-NAME` is four words; `X(5)` three... plus the parentheses.
        let w = words("05 :PFX:-NAME PIC X(5).");
        let texts: Vec<&str> = w.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            ["05", ":", "PFX", ":", "-NAME", "PIC", "X", "(", "5", ")", "."]
        );
        assert_eq!(w.last().unwrap().0, Kind::Period);
    }

    #[test]
    fn literals_pictures_and_pseudo_text() {
        // A literal keeps its spaces and doubled quotes; a PIC keeps its inner period
        // and comma; `==` delimits pseudo-text even when glued to a word.
        let w = words("VALUE 'A ''B' X'C1' PIC ZZ,ZZ9.99, ==:T:== BY ====.");
        let texts: Vec<&str> = w.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "VALUE",
                "'A ''B'",
                "X'C1'",
                "PIC",
                "ZZ,ZZ9.99",
                "==",
                ":",
                "T",
                ":",
                "==",
                "BY",
                "==",
                "==",
                "."
            ]
        );
    }

    #[test]
    fn unterminated_literal_stops_at_the_line_end() {
        // The lexer reports it later; splitting must not swallow the next line.
        let w = words("'ABC\n05 B.");
        assert_eq!(w[0], (Kind::Literal, "'ABC".into()));
        assert_eq!(w[1], (Kind::Word, "05".into()));
    }

    #[test]
    fn join_restores_the_text() {
        // Splitting then joining gives the same string back.
        let s = "  01 A.\n   05 :P:-B PIC X(2) VALUE ', x'.  ";
        let chars: Vec<(char, Origin)> = s.chars().map(|c| (c, Origin::default())).collect();
        let w = split_chars(&chars);
        assert_eq!(join(&w.words, &w.tail).text, s);
    }
}

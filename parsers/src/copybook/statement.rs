//! The grammar of the COPY and REPLACE statements, over text words.
//!
//! ```text
//! COPY name [OF|IN library] [SUPPRESS] [REPLACING operand BY operand ...] .
//! REPLACE [ALSO] operand BY operand ... .      REPLACE [LAST] OFF .
//! operand: ==pseudo-text== | LEADING ==word== | TRAILING ==word== | word | literal
//! ```

use super::replacing::Rule;
use super::words::{Kind, Origin, Word};

/// A library-statement problem at a word.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Located {
    pub at: Origin,
    pub message: String,
}

impl Located {
    pub fn new(at: Origin, message: impl Into<String>) -> Self {
        Located {
            at,
            message: message.into(),
        }
    }
}

/// A parsed COPY statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Copy {
    pub name: String,
    pub library: Option<String>,
    pub rules: Vec<Rule>,
    /// Index of the first word after the statement's period.
    pub end: usize,
}

/// A parsed REPLACE statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Replace {
    /// New rules; `also` keeps the active ones after them.
    On { rules: Vec<Rule>, also: bool },
    /// `REPLACE OFF` / `REPLACE LAST OFF`.
    Off,
}

/// Reads words from a statement, with the position of the statement for errors at
/// its end.
struct Cursor<'w> {
    words: &'w [Word],
    i: usize,
    stmt: &'static str,
    start: Origin,
}

impl<'w> Cursor<'w> {
    fn peek(&self) -> Option<&'w Word> {
        self.words.get(self.i)
    }

    fn next(&mut self) -> Option<&'w Word> {
        let w = self.words.get(self.i);
        self.i += 1;
        w
    }

    fn eat(&mut self, kw: &str) -> bool {
        if self.peek().is_some_and(|w| w.is(kw)) {
            self.i += 1;
            return true;
        }
        false
    }

    /// An error at the current word (or at the statement, at the end of the text).
    fn err(&self, expected: &str) -> Located {
        match self.peek() {
            Some(w) => Located::new(
                w.origin(),
                format!(
                    "expected {expected} in the {} statement, found `{}`",
                    self.stmt,
                    shorten(&w.body.text)
                ),
            ),
            None => Located::new(
                self.start,
                format!(
                    "the {} statement is not finished: expected {expected}, found the end \
                     of the text",
                    self.stmt
                ),
            ),
        }
    }

    /// `==...==`, after its opening delimiter has been seen.
    fn pseudo_text(&mut self) -> Result<Vec<Word>, Located> {
        let open = self.peek().map(Word::origin).unwrap_or(self.start);
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.next() {
                Some(w) if w.kind == Kind::Delim => return Ok(out),
                Some(w) => out.push(w.clone()),
                None => {
                    return Err(Located::new(
                        open,
                        "pseudo-text opened with `==` is never closed by `==`",
                    ))
                }
            }
        }
    }

    /// One operand: pseudo-text, or a single word or literal.
    fn operand(&mut self, expected: &str) -> Result<Vec<Word>, Located> {
        match self.peek() {
            Some(w) if w.kind == Kind::Delim => self.pseudo_text(),
            Some(w) if matches!(w.kind, Kind::Word | Kind::Literal) && !w.is("BY") => {
                self.i += 1;
                Ok(vec![w.clone()])
            }
            _ => Err(self.err(expected)),
        }
    }

    /// `operand BY operand`, or its LEADING/TRAILING form.
    fn rule(&mut self) -> Result<Rule, Located> {
        let partial = if self.eat("LEADING") {
            Some(true)
        } else if self.eat("TRAILING") {
            Some(false)
        } else {
            None
        };
        let at = self.peek().map(Word::origin).unwrap_or(self.start);
        let from = self.operand("`==text==`, a word or a literal to replace")?;
        if !from.iter().any(|w| w.kind != Kind::Period) {
            return Err(Located::new(
                at,
                "the text to replace must hold at least one text word",
            ));
        }
        if !self.eat("BY") {
            return Err(self.err("BY"));
        }
        let to = self.operand("`==text==`, a word or a literal after BY")?;
        let Some(leading) = partial else {
            return Ok(Rule::Words { from, to });
        };
        let single = |ws: &[Word], allow_empty: bool| match ws {
            [] if allow_empty => Some(String::new()),
            [w] if w.kind == Kind::Word => Some(w.body.text.clone()),
            _ => None,
        };
        let (Some(from), Some(to)) = (single(&from, false), single(&to, true)) else {
            return Err(Located::new(
                at,
                "LEADING and TRAILING replace part of one word: give one word on each side \
                 (the replacement may be empty)",
            ));
        };
        Ok(if leading {
            Rule::Leading { from, to }
        } else {
            Rule::Trailing { from, to }
        })
    }

    /// Rules up to the statement's period.
    fn rules(&mut self) -> Result<Vec<Rule>, Located> {
        let mut rules = vec![self.rule()?];
        loop {
            match self.peek() {
                Some(w) if w.kind == Kind::Period => {
                    self.i += 1;
                    return Ok(rules);
                }
                Some(_) => rules.push(self.rule()?),
                None => return Err(self.err("`.`")),
            }
        }
    }

    fn period(&mut self) -> Result<(), Located> {
        match self.peek() {
            Some(w) if w.kind == Kind::Period => {
                self.i += 1;
                Ok(())
            }
            _ => Err(self.err("`.`")),
        }
    }
}

/// The text of a name or literal operand (quotes removed).
fn name_of(w: &Word) -> String {
    let t = &w.body.text;
    if w.kind == Kind::Literal {
        let inner = t.get(1..t.len().saturating_sub(1)).unwrap_or_default();
        let q = t.chars().next().unwrap_or('"');
        return inner.replace(&format!("{q}{q}"), &q.to_string());
    }
    t.clone()
}

fn shorten(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Parses the COPY statement whose `COPY` word is at `start`.
pub(crate) fn copy(words: &[Word], start: usize) -> Result<Copy, Located> {
    let at = words.get(start).map(Word::origin).unwrap_or_default();
    let mut c = Cursor {
        words,
        i: start + 1,
        stmt: "COPY",
        start: at,
    };
    let name = match c.peek() {
        Some(w) if matches!(w.kind, Kind::Word | Kind::Literal) => name_of(w),
        _ => return Err(c.err("a member name")),
    };
    c.i += 1;
    let library = if c.eat("OF") || c.eat("IN") {
        match c.peek() {
            Some(w) if matches!(w.kind, Kind::Word | Kind::Literal) => {
                c.i += 1;
                Some(name_of(w))
            }
            _ => return Err(c.err("a library name after OF/IN")),
        }
    } else {
        None
    };
    c.eat("SUPPRESS");
    let rules = if c.eat("REPLACING") {
        c.rules()?
    } else {
        c.period()?;
        Vec::new()
    };
    Ok(Copy {
        name,
        library,
        rules,
        end: c.i,
    })
}

/// Parses the REPLACE statement whose `REPLACE` word is at `start`; returns it and the
/// index of the first word after it.
pub(crate) fn replace(words: &[Word], start: usize) -> Result<(Replace, usize), Located> {
    let at = words.get(start).map(Word::origin).unwrap_or_default();
    let mut c = Cursor {
        words,
        i: start + 1,
        stmt: "REPLACE",
        start: at,
    };
    let last = c.eat("LAST");
    if c.eat("OFF") {
        c.period()?;
        return Ok((Replace::Off, c.i));
    }
    if last {
        return Err(c.err("OFF after REPLACE LAST"));
    }
    let also = c.eat("ALSO");
    let rules = c.rules()?;
    Ok((Replace::On { rules, also }, c.i))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::words::split_chars;
    use super::*;

    fn ws(s: &str) -> Vec<Word> {
        let chars: Vec<(char, Origin)> = s.chars().map(|c| (c, Origin::default())).collect();
        split_chars(&chars).words
    }

    #[test]
    fn copy_forms() {
        // Name, library, SUPPRESS, REPLACING with pseudo-text, words and LEADING.
        let w = ws(
            "COPY custrec OF lib SUPPRESS REPLACING ==:P:== BY ==X== A BY 'B' \
                    LEADING ==WS-== BY ==LS-==. 01 X.",
        );
        let c = copy(&w, 0).unwrap();
        assert_eq!(c.name, "custrec");
        assert_eq!(c.library.as_deref(), Some("lib"));
        assert_eq!(c.rules.len(), 3);
        assert!(matches!(&c.rules[2], Rule::Leading { from, to } if from == "WS-" && to == "LS-"));
        assert!(w[c.end].is("01"));
        // A literal name loses its quotes.
        assert_eq!(copy(&ws("COPY \"a b.cpy\"."), 0).unwrap().name, "a b.cpy");
    }

    #[test]
    fn copy_errors_say_what_was_expected() {
        // No period, no BY, unclosed pseudo-text, empty operand, nothing after COPY.
        let msg = |s: &str| copy(&ws(s), 0).unwrap_err().message;
        assert!(
            msg("COPY A 01 B.").contains("expected `.`"),
            "{}",
            msg("COPY A 01 B.")
        );
        assert!(msg("COPY A REPLACING ==X== TO ==Y==.").contains("expected BY"));
        assert!(msg("COPY A REPLACING ==X BY Y.").contains("never closed"));
        assert!(msg("COPY A REPLACING ==== BY ==Y==.").contains("at least one"));
        assert!(msg("COPY").contains("not finished"));
        assert!(msg("COPY A REPLACING LEADING ==A B== BY ==C==.").contains("one word"));
    }

    #[test]
    fn replace_forms() {
        // ON with ALSO, OFF, LAST OFF; LAST needs OFF.
        let w = ws("REPLACE ALSO ==A== BY ==B==. REPLACE OFF. REPLACE LAST OFF.");
        let (r, end) = replace(&w, 0).unwrap();
        assert!(matches!(r, Replace::On { also: true, .. }));
        assert_eq!(replace(&w, end).unwrap().0, Replace::Off);
        assert_eq!(replace(&w, end + 3).unwrap().0, Replace::Off);
        assert!(replace(&ws("REPLACE LAST ==A== BY ==B==."), 0).is_err());
    }
}

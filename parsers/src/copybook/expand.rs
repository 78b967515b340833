//! COPY and REPLACE: turns a copybook and its members into one text for the grammar.
//!
//! Each file (the copybook, then every member a COPY brings in) is cleaned in its own
//! source format and split into text words. A COPY statement is replaced by its
//! member's words, after the member's own COPY statements are expanded and then the
//! statement's REPLACING rules applied (so an outer REPLACING also reaches text that
//! nested COPYs brought in, as GnuCOBOL does). REPLACE statements then act on the whole
//! expanded text, each from its period to the next REPLACE.
//!
//! Bad input stops with a located error: an unknown member, a member that copies
//! itself (directly or not), COPY nested deeper than [`MAX_COPY_DEPTH`], or an
//! expansion larger than [`MAX_EXPANDED_BYTES`] (members copied many times over).

use super::members::MemberSource;
use super::replacing::{self, Rule};
use super::source::{self, Detection};
use super::statement::{self, Located, Replace};
use super::words::{self, Origin, Piece, Word};
use super::SourceFormat;
use crate::layout::SourcePos;

/// COPY statements may nest this deep (the copybook itself is depth 0).
pub const MAX_COPY_DEPTH: usize = 32;
/// Upper bound on the expanded text, in bytes.
pub const MAX_EXPANDED_BYTES: usize = 8 << 20;

/// One file of the expansion: the copybook (index 0) or one copy of a member.
#[derive(Debug, Clone)]
pub(crate) struct File {
    /// Path or member name, as messages show it.
    pub name: String,
    pub text: String,
    /// Where the COPY statement that brought it in starts (`None` for the copybook).
    pub copied_at: Option<Origin>,
    /// The format it was read in, and why (for messages about hopeless text).
    pub detection: Option<Detection>,
}

/// The expanded text and where each of its bytes came from.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub text: String,
    origins: Vec<Origin>,
    end: Origin,
}

impl Body {
    /// Origin of the byte at `offset` (the end of the text past it).
    pub fn origin_at(&self, offset: usize) -> Origin {
        self.origins.get(offset).copied().unwrap_or(self.end)
    }
}

/// The result of expanding: every file read (for locating errors) and the text.
pub(crate) struct Expansion {
    pub files: Vec<File>,
    pub body: Result<Body, Located>,
}

/// Expands the copybook `text` called `name`.
pub(crate) fn expand(
    text: &str,
    name: &str,
    format: SourceFormat,
    members: &dyn MemberSource,
) -> Expansion {
    expand_within(text, name, format, members, MAX_EXPANDED_BYTES)
}

/// [`expand`] with another size limit (tests reach it without building megabytes).
fn expand_within(
    text: &str,
    name: &str,
    format: SourceFormat,
    members: &dyn MemberSource,
    limit: usize,
) -> Expansion {
    let mut ex = Expander {
        limit,
        members,
        format,
        files: vec![File {
            name: name.to_string(),
            text: text.to_string(),
            copied_at: None,
            detection: None,
        }],
        bytes: 0,
    };
    let body = ex.run();
    Expansion {
        files: ex.files,
        body,
    }
}

struct Expander<'m> {
    members: &'m dyn MemberSource,
    format: SourceFormat,
    files: Vec<File>,
    /// Bytes of text produced so far, over all levels.
    bytes: usize,
    limit: usize,
}

impl Expander<'_> {
    fn run(&mut self) -> Result<Body, Located> {
        let mut stack = vec![self
            .files
            .first()
            .map(|f| f.name.clone())
            .unwrap_or_default()];
        let (words, tail) = self.file_words(0, 0, &mut stack)?;
        let words = replace_statements(words)?;
        unreplaced_tag(&words)?;
        let piece = words::join(&words, &tail);
        let end = match piece.origins.last() {
            Some(o) => Origin {
                file: o.file,
                pos: SourcePos {
                    line: o.pos.line,
                    column: o.pos.column + 1,
                },
            },
            None => Origin {
                file: 0,
                pos: SourcePos { line: 1, column: 1 },
            },
        };
        Ok(Body {
            text: piece.text,
            origins: piece.origins,
            end,
        })
    }

    /// The words of file `idx` with its COPY statements expanded, and its trailing
    /// separators.
    fn file_words(
        &mut self,
        idx: u32,
        depth: usize,
        stack: &mut Vec<String>,
    ) -> Result<(Vec<Word>, Piece), Located> {
        let text = self
            .files
            .get(idx as usize)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let detection = source::detection_for(&text, self.format);
        let clean = source::clean_as(&text, detection.format).map_err(|e| {
            Located::new(
                Origin {
                    file: idx,
                    pos: e.pos,
                },
                e.message,
            )
        })?;
        if let Some(f) = self.files.get_mut(idx as usize) {
            f.detection = Some(detection);
        }
        let split = words::split(&clean, idx);
        let mut out = Vec::with_capacity(split.words.len());
        let mut pending = Piece::default();
        let mut i = 0;
        while let Some(w) = split.words.get(i) {
            if !w.is("COPY") {
                out.push(with_gap(&mut pending, w.clone()));
                self.count(w, w.origin())?;
                i += 1;
                continue;
            }
            let stmt = statement::copy(&split.words, i)?;
            let copied = self.member(idx, w.origin(), &stmt, depth, stack)?;
            pending.extend(&w.gap);
            for m in copied {
                out.push(with_gap(&mut pending, m));
            }
            i = stmt.end;
        }
        let mut tail = pending;
        tail.extend(&split.tail);
        Ok((out, tail))
    }

    /// The words a COPY statement at `at` in file `from` brings in, REPLACING applied.
    fn member(
        &mut self,
        from: u32,
        at: Origin,
        stmt: &statement::Copy,
        depth: usize,
        stack: &mut Vec<String>,
    ) -> Result<Vec<Word>, Located> {
        if depth + 1 > MAX_COPY_DEPTH {
            return Err(Located::new(
                at,
                format!(
                    "COPY {} is nested more than {MAX_COPY_DEPTH} deep (the limit for \
                     members copying members)",
                    stmt.name
                ),
            ));
        }
        let from_name = self
            .files
            .get(from as usize)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let member = self
            .members
            .load(&stmt.name, stmt.library.as_deref(), &from_name)
            .map_err(|m| Located::new(at, m))?;
        if let Some(first) = stack.iter().position(|n| *n == member.name) {
            let mut chain: Vec<&str> = stack.iter().skip(first).map(String::as_str).collect();
            chain.push(&member.name);
            return Err(Located::new(
                at,
                format!(
                    "COPY cycle: {} (a member may not copy itself, directly or through others)",
                    chain.join(" copies ")
                ),
            ));
        }
        let idx = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        stack.push(member.name.clone());
        self.files.push(File {
            name: member.name,
            text: member.text,
            copied_at: Some(at),
            detection: None,
        });
        let (words, _tail) = self.file_words(idx, depth + 1, stack)?;
        stack.pop();
        let replaced = replacing::apply(&stmt.rules, words);
        if !stmt.rules.is_empty() {
            let size: usize = replaced
                .iter()
                .map(|w| w.gap.text.len() + w.body.text.len())
                .sum();
            self.add(size, at)?;
        }
        Ok(replaced)
    }

    fn count(&mut self, w: &Word, at: Origin) -> Result<(), Located> {
        self.add(w.gap.text.len() + w.body.text.len(), at)
    }

    fn add(&mut self, n: usize, at: Origin) -> Result<(), Located> {
        self.bytes = self.bytes.saturating_add(n);
        if self.bytes > self.limit {
            return Err(Located::new(
                at,
                format!(
                    "the expanded copybook exceeds {} KiB: members are copied too many times",
                    self.limit >> 10
                ),
            ));
        }
        Ok(())
    }
}

/// Refuses a `:TAG:` left in the text: a member meant for COPY ... REPLACING, loaded
/// on its own or copied without the REPLACING for that tag.
fn unreplaced_tag(words: &[Word]) -> Result<(), Located> {
    for w in words.windows(3) {
        let [open, tag, close] = w else { continue };
        let glued = tag.gap.text.is_empty() && close.gap.text.is_empty();
        if open.is(":") && close.is(":") && glued && tag.kind == words::Kind::Word {
            let t = &tag.body.text;
            return Err(Located::new(
                open.origin(),
                format!(
                    "`:{t}:` is a placeholder for COPY ... REPLACING ==:{t}:== BY ==...==; \
                     load the copybook that copies this member, or add that REPLACING"
                ),
            ));
        }
    }
    Ok(())
}

/// Prepends separators left by a word that was taken out (a COPY statement).
fn with_gap(pending: &mut Piece, mut w: Word) -> Word {
    if !pending.text.is_empty() {
        let mut gap = std::mem::take(pending);
        gap.extend(&w.gap);
        w.gap = gap;
    }
    w
}

/// Applies REPLACE statements to the expanded words and takes the statements out.
fn replace_statements(words: Vec<Word>) -> Result<Vec<Word>, Located> {
    if !words.iter().any(|w| w.is("REPLACE")) {
        return Ok(words);
    }
    let mut out = Vec::with_capacity(words.len());
    let mut segment = Vec::new();
    let mut active: Vec<Rule> = Vec::new();
    let mut pending = Piece::default();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        if !w.is("REPLACE") {
            segment.push(with_gap(&mut pending, w.clone()));
            i += 1;
            continue;
        }
        out.extend(replacing::apply(&active, std::mem::take(&mut segment)));
        let (stmt, end) = statement::replace(&words, i)?;
        pending.extend(&w.gap);
        active = match stmt {
            Replace::Off => Vec::new(),
            Replace::On { mut rules, also } => {
                if also {
                    rules.extend(active);
                }
                rules
            }
        };
        i = end;
    }
    out.extend(replacing::apply(&active, segment));
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::members::MemberMap;
    use super::*;

    fn text(src: &str, members: &MemberMap) -> Result<String, String> {
        let e = expand(src, "main.cpy", SourceFormat::Free, members);
        e.body.map(|b| b.text).map_err(|l| l.message)
    }

    #[test]
    fn copy_is_replaced_by_the_member() {
        // The statement, period included, gives way to the member's text.
        let mut m = MemberMap::new();
        m.insert("ADDR.cpy", "05 STREET PIC X(20).\n05 CITY PIC X(10).");
        let t = text("01 R.\n  COPY ADDR.\n  05 ZIP PIC X(5).", &m).unwrap();
        assert_eq!(
            t,
            "01 R.\n  05 STREET PIC X(20).\n05 CITY PIC X(10).\n  05 ZIP PIC X(5)."
        );
    }

    #[test]
    fn replacing_reaches_nested_members() {
        // The outer REPLACING applies after the inner COPY is expanded.
        let mut m = MemberMap::new();
        m.insert("OUTER", "05 :P:-A PIC X.\nCOPY INNER.")
            .insert("INNER", "05 :P:-B PIC X.");
        let t = text("01 R. COPY OUTER REPLACING ==:P:== BY ==WS==.", &m).unwrap();
        assert_eq!(t, "01 R. 05 WS-A PIC X.\n05 WS-B PIC X.");
    }

    #[test]
    fn replace_statements_act_until_off() {
        // REPLACE acts on the text after it, copied text included, until REPLACE OFF.
        let mut m = MemberMap::new();
        m.insert("M", "05 X-A PIC X.");
        let src = "REPLACE ==X-A== BY ==Y-A==. 01 R. COPY M. REPLACE OFF. 05 X-A PIC X.";
        assert_eq!(
            text(src, &m).unwrap(),
            " 01 R. 05 Y-A PIC X.  05 X-A PIC X."
        );
    }

    #[test]
    fn unknown_member_cycle_depth_and_size_are_errors() {
        let mut m = MemberMap::new();
        assert!(text("COPY NOPE.", &m)
            .unwrap_err()
            .contains("`NOPE` not found"));
        m.insert("A", "COPY B.").insert("B", "COPY A.");
        let e = text("COPY A.", &m).unwrap_err();
        assert_eq!(
            e,
            "COPY cycle: A copies B copies A (a member may not copy itself, directly or \
             through others)"
        );
        // Copying the copybook itself is a cycle too.
        m.insert("main.cpy", "05 X.");
        assert!(text("COPY main.", &m).unwrap_err().contains("COPY cycle"));
        // A chain 50 deep stops at the limit.
        let mut deep = MemberMap::new();
        for n in 0..50 {
            deep.insert(format!("M{n}"), format!("COPY M{}.", n + 1));
        }
        deep.insert("M50", "05 X PIC X.");
        let e = text("COPY M0.", &deep).unwrap_err();
        assert!(e.contains("nested more than 32 deep"), "{e}");
        // Ten copies of ten copies of ... grows past the size limit, not the memory.
        let mut wide = MemberMap::new();
        let ten = |n: usize| "COPY N{n}. ".repeat(10).replace("{n}", &n.to_string());
        for n in 0..12 {
            wide.insert(format!("N{n}"), ten(n + 1));
        }
        wide.insert("N12", "05 X PIC X(10) VALUE 'ABCDEFGHIJ'.");
        let e = expand_within("COPY N0.", "main", SourceFormat::Free, &wide, 64 << 10);
        let e = e.body.unwrap_err().message;
        assert!(e.contains("exceeds 64 KiB"), "{e}");
    }

    #[test]
    fn errors_point_into_the_member() {
        // A bad REPLACING operand is located in the file that holds it.
        let mut m = MemberMap::new();
        m.insert("A", "\n  COPY B REPLACING X Y.");
        m.insert("B", "05 X.");
        let e = expand("01 R.\nCOPY A.", "main.cpy", SourceFormat::Free, &m);
        let l = e.body.unwrap_err();
        assert_eq!(l.at.file, 1);
        assert_eq!(
            l.at.pos,
            SourcePos {
                line: 2,
                column: 22
            }
        );
        assert_eq!(e.files[1].name, "A");
        assert_eq!(
            e.files[1].copied_at.unwrap().pos,
            SourcePos { line: 2, column: 1 }
        );
    }
}

//! Replacement rules of `COPY ... REPLACING` and `REPLACE`, and applying them to words.
//!
//! As the standard defines it: at each word of the text the rules are tried in the
//! order written; the first whose operand matches the words there replaces them, and
//! scanning resumes after the matched words. Replaced text is never scanned again,
//! so `==A== BY ==B== ==B== BY ==A==` swaps and no rule set can loop.
//! `LEADING`/`TRAILING` (IBM Enterprise COBOL, GnuCOBOL) replace the start or end of
//! any word that begins or ends with the operand.

use super::words::{Kind, Piece, Word};

/// One `operand BY operand` pair.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rule {
    /// Whole text words: `==a b== BY ==c==`, or a single word or literal.
    Words { from: Vec<Word>, to: Vec<Word> },
    /// `LEADING ==pre== BY ==new==`: the start of a word.
    Leading { from: String, to: String },
    /// `TRAILING ==suf== BY ==new==`: the end of a word.
    Trailing { from: String, to: String },
}

/// Replaces with `rules` throughout `words`.
pub(crate) fn apply(rules: &[Rule], words: Vec<Word>) -> Vec<Word> {
    if rules.is_empty() {
        return words;
    }
    let mut out = Vec::with_capacity(words.len());
    // Separators of replaced words that produced nothing, for the next word out.
    let mut pending = Piece::default();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let hit = rules
            .iter()
            .find_map(|r| matches(r, &words, i).map(|n| (r, n)));
        let Some((rule, n)) = hit else {
            out.push(with_gap(&mut pending, w.clone()));
            i += 1;
            continue;
        };
        let mut produced = replacement(rule, w).into_iter();
        match produced.next() {
            None => {
                pending.extend(&w.gap);
            }
            Some(mut first) => {
                first.gap = w.gap.clone();
                out.push(with_gap(&mut pending, first));
                out.extend(produced);
            }
        }
        i += n.max(1);
    }
    out
}

/// Prepends separators left over from a word that was replaced by nothing.
fn with_gap(pending: &mut Piece, mut w: Word) -> Word {
    if !pending.text.is_empty() {
        let mut gap = std::mem::take(pending);
        gap.extend(&w.gap);
        w.gap = gap;
    }
    w
}

/// How many words starting at `i` the rule matches.
fn matches(rule: &Rule, words: &[Word], i: usize) -> Option<usize> {
    let w = words.get(i)?;
    match rule {
        Rule::Words { from, .. } => {
            let run = words.get(i..i + from.len())?;
            (!from.is_empty() && run.iter().zip(from).all(|(a, b)| a.same(b))).then_some(from.len())
        }
        Rule::Leading { from, .. } => (w.kind == Kind::Word
            && w.body.text.len() >= from.len()
            && w.body
                .text
                .get(..from.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(from)))
        .then_some(1),
        Rule::Trailing { from, .. } => {
            let cut = w.body.text.len().checked_sub(from.len())?;
            (w.kind == Kind::Word
                && w.body
                    .text
                    .get(cut..)
                    .is_some_and(|s| s.eq_ignore_ascii_case(from)))
            .then_some(1)
        }
    }
}

/// The words that replace a match starting at word `w`. Replacement text takes the
/// position of the matched word, so errors in it point where it landed.
fn replacement(rule: &Rule, w: &Word) -> Vec<Word> {
    let at = w.origin();
    let relocate = |p: &Piece| Piece {
        text: p.text.clone(),
        origins: vec![at; p.origins.len()],
    };
    let partial = |text: String| -> Vec<Word> {
        if text.is_empty() {
            return Vec::new();
        }
        vec![Word {
            kind: Kind::Word,
            gap: Piece::default(),
            body: Piece {
                origins: vec![at; text.len()],
                text,
            },
        }]
    };
    match rule {
        Rule::Words { to, .. } => to
            .iter()
            .map(|t| Word {
                kind: t.kind,
                gap: relocate(&t.gap),
                body: relocate(&t.body),
            })
            .collect(),
        Rule::Leading { from, to } => {
            let rest = w.body.text.get(from.len()..).unwrap_or_default();
            partial(format!("{to}{rest}"))
        }
        Rule::Trailing { from, to } => {
            let keep = w.body.text.len().saturating_sub(from.len());
            let head = w.body.text.get(..keep).unwrap_or_default();
            partial(format!("{head}{to}"))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::words::{join, split_chars, Origin};
    use super::*;

    fn ws(s: &str) -> Vec<Word> {
        let chars: Vec<(char, Origin)> = s.chars().map(|c| (c, Origin::default())).collect();
        split_chars(&chars).words
    }

    fn run(rules: &[Rule], s: &str) -> String {
        join(&apply(rules, ws(s)), &Piece::default()).text
    }

    fn words(from: &str, to: &str) -> Rule {
        Rule::Words {
            from: ws(from),
            to: ws(to),
        }
    }

    #[test]
    fn tag_inside_a_word_is_replaced() {
        // `==:PFX:==` matches the colon-delimited tag; the rest of the word stays glued.
        let r = [words(":PFX:", "HOME")];
        assert_eq!(run(&r, "05 :PFX:-NAME PIC X."), "05 HOME-NAME PIC X.");
    }

    #[test]
    fn matching_is_by_words_not_characters() {
        // `==A B==` matches across any separators, case-insensitively; `AB` is not `A B`.
        let r = [words("pic x", "PIC 9")];
        assert_eq!(run(&r, "05 A PIC\n   X."), "05 A PIC 9.");
        assert_eq!(run(&r, "05 A PICX."), "05 A PICX.");
        // A word only matches a whole word: `A` does not touch `AB`.
        assert_eq!(run(&[words("A", "Z")], "A AB A-B"), "Z AB A-B");
    }

    #[test]
    fn literals_match_exactly() {
        // Case matters inside literals.
        let r = [words("'a'", "'b'")];
        assert_eq!(run(&r, "VALUE 'A' 'a'"), "VALUE 'A' 'b'");
    }

    #[test]
    fn replaced_text_is_not_rescanned() {
        // A swap terminates: no REPLACING cycle is possible.
        let r = [words("A", "B"), words("B", "A")];
        assert_eq!(run(&r, "A B A"), "B A B");
        // A rule whose result contains its own operand does not recurse.
        assert_eq!(run(&[words("X", "X X")], "X"), "X X");
    }

    #[test]
    fn first_rule_wins() {
        // Rules are tried in the order written.
        let r = [words("A", "1"), words("A B", "2")];
        assert_eq!(run(&r, "A B"), "1 B");
    }

    #[test]
    fn empty_replacement_keeps_separators() {
        // Deleting a tag must not glue the words around it.
        let r = [words(":P:", "")];
        assert_eq!(run(&r, "05 :P:-A PIC X."), "05 -A PIC X.");
        assert_eq!(run(&[words("B", "")], "A B C"), "A  C");
    }

    #[test]
    fn leading_and_trailing_replace_part_of_a_word() {
        // Prefixes and suffixes of words, not of literals.
        let lead = [Rule::Leading {
            from: "WS-".into(),
            to: "LS-".into(),
        }];
        assert_eq!(run(&lead, "05 ws-name 'WS-X' WS-"), "05 LS-name 'WS-X' LS-");
        let trail = [Rule::Trailing {
            from: "-IN".into(),
            to: "".into(),
        }];
        assert_eq!(run(&trail, "05 A-IN B -IN"), "05 A B");
    }
}

//! `EXEC SQL ... END-EXEC` blocks, as DB2 DCLGEN members hold them before the COBOL host
//! structure (`EXEC SQL DECLARE tbl TABLE ( ... ) END-EXEC.`). The table declaration says
//! nothing the host structure does not, so the block is skipped; `EXEC SQL INCLUDE`, which
//! would bring in entries, is refused rather than silently dropped.

use super::lex::{at_period, fail_msg, PResult};

/// Skips the block that starts at `start` (at the word `EXEC`), up to and including
/// `END-EXEC` and an optional period. Quoted SQL text is passed over whole.
pub(crate) fn skip(start: &str) -> PResult<'_, ()> {
    let body = start.get(4..).unwrap_or_default();
    let mut words = body.split_whitespace();
    if words.next().is_some_and(|w| !w.eq_ignore_ascii_case("SQL")) {
        return fail_msg(start, "only EXEC SQL blocks are read (and skipped)");
    }
    if words
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("INCLUDE"))
    {
        return fail_msg(
            start,
            "EXEC SQL INCLUDE is not expanded: copy the member's entries in instead",
        );
    }
    let mut quote: Option<char> = None;
    for (idx, c) in body.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None => {
                let here = body.get(idx..).unwrap_or_default();
                let word_start = idx == 0
                    || body
                        .get(..idx)
                        .and_then(|b| b.chars().next_back())
                        .is_some_and(|p| p.is_whitespace() || p == ')');
                let is_end = here
                    .get(..8)
                    .is_some_and(|w| w.eq_ignore_ascii_case("END-EXEC"));
                let ends_word = here.get(8..).is_some_and(|r| {
                    r.is_empty() || r.starts_with(|c: char| c.is_whitespace() || c == '.')
                });
                if word_start && is_end && ends_word {
                    let rest = here.get(8..).unwrap_or_default();
                    let trimmed = rest.trim_start();
                    let rest = if at_period(trimmed) {
                        trimmed.get(1..).unwrap_or_default()
                    } else {
                        rest
                    };
                    return Ok((rest, ()));
                }
            }
        }
    }
    fail_msg(start, "EXEC SQL without END-EXEC")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn skips_to_after_end_exec_and_its_period() {
        let src = "EXEC SQL DECLARE T TABLE\n ( A CHAR(10) NOT NULL,\n B DECIMAL(7, 2)\n ) END-EXEC.\n01 R.";
        assert_eq!(skip(src).unwrap().0, "\n01 R.");
        // Lower case, no period, END-EXEC inside quotes passed over.
        let src = "exec sql declare t table ( a char(1) default 'END-EXEC' ) end-exec 01 R.";
        assert_eq!(skip(src).unwrap().0, " 01 R.");
    }

    #[test]
    fn refuses_what_it_cannot_skip() {
        let msg = |src: &str| match skip(src) {
            Err(nom::Err::Failure(f)) | Err(nom::Err::Error(f)) => f.message.unwrap_or_default(),
            Ok(_) => panic!("accepted {src}"),
            Err(e) => panic!("{e:?}"),
        };
        assert!(msg("EXEC SQL DECLARE T TABLE ( A CHAR(1) ).\n01 R.").contains("without END-EXEC"));
        assert!(msg("EXEC SQL INCLUDE SQLCA END-EXEC.").contains("INCLUDE is not expanded"));
        assert!(msg("EXEC CICS SEND END-EXEC.").contains("only EXEC SQL"));
        // A word that merely starts with END-EXEC does not end the block.
        assert!(msg("EXEC SQL X END-EXECX").contains("without END-EXEC"));
    }
}

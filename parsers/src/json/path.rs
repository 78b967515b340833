//! Field paths in record errors (`cust.orders[2].amount`): the segments the codecs keep
//! while walking a record, and their one text form, shared by decoder and encoder.

use std::fmt::Write as _;

/// One step of a field path: a member's JSON name or an OCCURS element index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seg<'l> {
    Name(&'l str),
    Index(usize),
}

/// The path as error messages show it: names joined by `.`, indexes as `[i]`.
pub(crate) fn path_string<'a, 'l: 'a>(segs: impl IntoIterator<Item = &'a Seg<'l>>) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Name(n) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(n);
            }
            Seg::Index(i) => {
                // Writing to a String cannot fail.
                let _ = write!(s, "[{i}]");
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_names_and_indexes() {
        // A member of the third element of a table inside a group.
        let p = [
            Seg::Name("cust"),
            Seg::Name("orders"),
            Seg::Index(2),
            Seg::Name("amount"),
        ];
        assert_eq!(path_string(&p), "cust.orders[2].amount");
        // A path that starts with an index has no leading dot.
        assert_eq!(path_string(&[Seg::Index(0), Seg::Name("a")]), "[0].a");
    }

    #[test]
    fn empty_path_is_empty_text() {
        // The record itself (no segment) shows as nothing, not as ".".
        assert_eq!(path_string(&[]), "");
    }
}

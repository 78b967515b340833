//! Where in the file a problem's config path (`route[1].set.tran_code`) was written, as
//! a 1-based line and column, so that `check` and `serve` print problems the way a
//! compiler does (`ferrule.toml:12:7: error: ...`).
//!
//! The typed model (serde) keeps no positions, so the text is parsed a second time with
//! toml_edit, which does, and the path is walked through that document. Only problem
//! reporting pays for it.

use std::ops::Range;

use toml_edit::{ImDocument, Item, Table, TableLike, Value};

/// A 1-based line and column (in characters) in the config text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The line and column of byte `offset` of `text` (clamped to the text).
    pub fn of_offset(text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = text.get(..offset).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            line: before.matches('\n').count() + 1,
            column: before.get(line_start..).unwrap_or_default().chars().count() + 1,
        }
    }
}

/// Where `path` was written in `text`: the key that holds the value the path names, or,
/// when the path goes further than the file does (a default, a nested part of a
/// value), the deepest part of it that is written. `None` when nothing of it is (or the
/// text does not parse).
pub fn locate(text: &str, path: &str) -> Option<Location> {
    if path.is_empty() {
        return None;
    }
    let doc = ImDocument::parse(text).ok()?;
    let steps = steps(path)?;
    let span = walk(Node::Root(doc.as_table()), &steps)?;
    Some(Location::of_offset(text, span.start))
}

/// One step of a config path: a key, or an index into an array.
#[derive(Debug, PartialEq)]
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// `route[2].auth.sensitive[0].path` as keys and indexes. Keys are kept apart at every
/// dot; `walk` joins them again where the file's key itself holds dots (`set."a.b"`).
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        out.push(Step::Key(key));
        while let Some(r) = rest.strip_prefix('[') {
            let (n, after) = r.split_once(']')?;
            out.push(Step::Index(n.parse().ok()?));
            rest = after;
        }
    }
    Some(out)
}

/// A place in the parsed document.
#[derive(Clone, Copy)]
enum Node<'d> {
    /// The whole document: never a place to point at by itself.
    Root(&'d Table),
    Table(&'d Table),
    Item(&'d Item),
    Value(&'d Value),
}

impl<'d> Node<'d> {
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Root(_) => None,
            Node::Table(t) => t.span(),
            Node::Item(i) => i.span(),
            Node::Value(v) => v.span(),
        }
    }

    fn table_like(self) -> Option<&'d dyn TableLike> {
        match self {
            Node::Root(t) | Node::Table(t) => Some(t),
            Node::Item(i) => i.as_table_like(),
            Node::Value(v) => v.as_inline_table().map(|t| t as &dyn TableLike),
        }
    }

    fn index(self, n: usize) -> Option<Node<'d>> {
        match self {
            Node::Item(Item::ArrayOfTables(a)) => a.get(n).map(Node::Table),
            Node::Item(Item::Value(Value::Array(a))) | Node::Value(Value::Array(a)) => {
                a.get(n).map(Node::Value)
            }
            _ => None,
        }
    }
}

/// The span for `steps` below `node`: the last key found, or the node itself.
fn walk(node: Node<'_>, steps: &[Step<'_>]) -> Option<Range<usize>> {
    let Some(first) = steps.first() else {
        return node.span();
    };
    let found = match first {
        Step::Index(n) => node
            .index(*n)
            .and_then(|next| walk(next, &steps[1..]).or_else(|| next.span())),
        Step::Key(_) => {
            let table = node.table_like()?;
            // The longest run of keys that the table holds as one (dotted) key wins.
            let keys = steps
                .iter()
                .take_while(|s| matches!(s, Step::Key(_)))
                .count();
            (1..=keys).rev().find_map(|k| {
                let name = steps[..k]
                    .iter()
                    .filter_map(|s| match s {
                        Step::Key(k) => Some(*k),
                        Step::Index(_) => None,
                    })
                    .collect::<Vec<_>>()
                    .join(".");
                let (key, item) = table.get_key_value(&name)?;
                let here = key.span().or_else(|| item.span());
                let rest = &steps[k..];
                if rest.is_empty() {
                    return here;
                }
                walk(Node::Item(item), rest).or(here)
            })
        }
    };
    found.or_else(|| node.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[server]\nlisten = \"x\"\n\n[[route]]\nmethod = \"GET\"\n\n[[route]]\nmethod = \"GET\"\nset = { tran_code = \"VEHICLEQ\", \"owner.dob\" = \"1\" }\nauth = { sensitive = [{ path = \"a\" }] }\n";

    fn at(path: &str) -> Option<(usize, usize)> {
        locate(TEXT, path).map(|l| (l.line, l.column))
    }

    #[test]
    fn paths_point_at_their_keys() {
        assert_eq!(at("server.listen"), Some((2, 1)));
        assert_eq!(at("route[1].method"), Some((8, 1)));
        // Inside an inline table: the key's own column.
        assert_eq!(at("route[1].set.tran_code"), Some((9, 9)));
        // A dotted key written quoted is found as one key.
        assert_eq!(at("route[1].set.owner.dob"), Some((9, 33)));
        // Through an array of inline tables.
        assert_eq!(at("route[1].auth.sensitive[0].path"), Some((10, 25)));
    }

    #[test]
    fn paths_beyond_the_file_fall_back_to_what_is_written() {
        // A key left to its default: the table that would hold it.
        assert_eq!(at("route[0].backend"), Some((4, 1)));
        // A whole route: its header.
        assert_eq!(at("route[1]"), Some((7, 1)));
        // A section the file does not have: nothing to point at.
        assert_eq!(at("backend[3].url"), None);
        // An index past the routes there are: the array's first table.
        assert_eq!(at("route[5]"), Some((4, 1)));
        // Not a path, and text that does not parse.
        assert_eq!(at(""), None);
        assert_eq!(at("route[x]"), None);
        assert_eq!(locate("[server\n", "server"), None);
    }

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let t = "a\nbé = 1\n";
        assert_eq!(Location::of_offset(t, 0), Location { line: 1, column: 1 });
        // `=` after a two-byte character: column counts characters.
        assert_eq!(Location::of_offset(t, 6), Location { line: 2, column: 4 });
        // Past the end, or inside a character: clamped.
        assert_eq!(Location::of_offset(t, 99).line, 3);
        assert_eq!(Location::of_offset(t, 4), Location { line: 2, column: 2 });
    }
}

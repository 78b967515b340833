//! Finding fields of a built record by (qualified) name, and reaching them by index path.

use super::entry::QName;
use crate::layout::Field;

/// Every path (child indexes from the root) to a field named `q.name` whose ancestors
/// include `q.qualifiers` in order, nearest first. The root itself is never a match.
pub(crate) fn find(root: &Field, q: &QName) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut ancestors = vec![root.name.as_str()];
    walk(root, q, &mut Vec::new(), &mut ancestors, &mut out);
    out
}

fn walk<'a>(
    f: &'a Field,
    q: &QName,
    path: &mut Vec<usize>,
    ancestors: &mut Vec<&'a str>,
    out: &mut Vec<Vec<usize>>,
) {
    for (i, c) in f.children().iter().enumerate() {
        path.push(i);
        if c.name.eq_ignore_ascii_case(&q.name) && qualified(ancestors, &q.qualifiers) {
            out.push(path.clone());
        }
        ancestors.push(c.name.as_str());
        walk(c, q, path, ancestors, out);
        ancestors.pop();
        path.pop();
    }
}

/// True when `qualifiers` (nearest first) appear among `ancestors` (root first) in order.
fn qualified(ancestors: &[&str], qualifiers: &[String]) -> bool {
    let mut it = ancestors.iter().rev();
    qualifiers
        .iter()
        .all(|q| it.any(|a| a.eq_ignore_ascii_case(q)))
}

/// The field at `path` below `root`.
pub(crate) fn get<'a>(root: &'a Field, path: &[usize]) -> Option<&'a Field> {
    path.iter().try_fold(root, |f, &i| f.children().get(i))
}

/// The field at `path` below `root`, mutably.
pub(crate) fn get_mut<'a>(root: &'a mut Field, path: &[usize]) -> Option<&'a mut Field> {
    let mut f = root;
    for &i in path {
        f = match &mut f.kind {
            crate::layout::FieldKind::Group(c) => c.get_mut(i)?,
            crate::layout::FieldKind::Item(_) => return None,
        };
    }
    Some(f)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::layout::{DataType, FieldKind, SourcePos};

    fn field(name: &str, kind: FieldKind) -> Field {
        Field {
            level: 5,
            name: name.into(),
            json_name: name.to_lowercase(),
            offset: 0,
            size: 1,
            occurs: None,
            redefines: None,
            kind,
            value: None,
            conditions: vec![],
            justified_right: false,
            blank_when_zero: false,
            address_usage: None,
            select_when: None,
            pos: SourcePos::default(),
        }
    }

    fn item(name: &str) -> Field {
        field(name, FieldKind::Item(DataType::Alphanumeric { len: 1 }))
    }

    fn q(name: &str, quals: &[&str]) -> QName {
        QName {
            name: name.into(),
            qualifiers: quals.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn finds_by_qualified_name() {
        // REC { A { N }, B { N } }: N is ambiguous until qualified.
        let a = field("A", FieldKind::Group(vec![item("N")]));
        let b = field("B", FieldKind::Group(vec![item("N")]));
        let root = field("REC", FieldKind::Group(vec![a, b]));
        assert_eq!(find(&root, &q("n", &[])).len(), 2);
        assert_eq!(find(&root, &q("N", &["b"])), vec![vec![1, 0]]);
        assert_eq!(find(&root, &q("N", &["B", "REC"])), vec![vec![1, 0]]);
        // Qualifiers out of order, or unknown names, match nothing.
        assert!(find(&root, &q("N", &["REC", "B"])).is_empty());
        assert!(find(&root, &q("X", &[])).is_empty());
        assert_eq!(get(&root, &[1, 0]).map(|f| f.name.as_str()), Some("N"));
        assert!(get(&root, &[2]).is_none());
        assert!(get_mut(&mut root.clone(), &[0, 0, 0]).is_none());
    }
}

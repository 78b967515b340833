//! Resolves names that point at other fields (`depending_on`, `when.field`) to the
//! child-index paths the layout stores, and checks that the target can play its part.
//!
//! A bare name is looked up among the referring field's siblings, then in each enclosing
//! group out to the record (the nearest wins); a dotted name (`header.rec_type`) is a
//! path from the record.

use super::build::{Pending, Ref};
use super::error::Diag;
use crate::layout::{DataType, DependingOn, Field, FieldKind, Selector};

/// The field at a child-index path from `root`.
fn field_at<'f>(root: &'f Field, path: &[usize]) -> Option<&'f Field> {
    path.iter().try_fold(root, |f, &i| f.children().get(i))
}

fn field_at_mut<'f>(root: &'f mut Field, path: &[usize]) -> Option<&'f mut Field> {
    path.iter().try_fold(root, |f, &i| match &mut f.kind {
        FieldKind::Group(c) => c.get_mut(i),
        FieldKind::Item(_) => None,
    })
}

fn child_named(f: &Field, name: &str) -> Option<usize> {
    f.children()
        .iter()
        .position(|c| !c.is_filler() && c.json_name == name)
}

/// Finds the field `name` refers to from the field at `at`.
fn find(root: &Field, at: &[usize], name: &str) -> Option<Vec<usize>> {
    if name.contains('.') {
        let mut path = Vec::new();
        let mut f = root;
        for part in name.split('.') {
            let i = child_named(f, part)?;
            path.push(i);
            f = f.children().get(i)?;
        }
        return Some(path);
    }
    (0..at.len()).rev().find_map(|k| {
        let scope = at.get(..k)?;
        let i = child_named(field_at(root, scope)?, name)?;
        let mut path = scope.to_vec();
        path.push(i);
        Some(path)
    })
}

/// A discriminator value already claimed by one alternative of an overlay set.
struct Choice {
    /// Child-index path of the group holding the overlay set.
    group: Vec<usize>,
    /// Index of the set's base field in that group.
    base: usize,
    /// Path of the discriminator.
    field: Vec<usize>,
    value: String,
    /// Dotted path of the alternative that claimed it.
    by: String,
}

/// Resolves every pending reference, reporting each one that fails. `quiet_missing`
/// silences "names no field" when earlier errors may have dropped the target.
pub(super) fn resolve(root: &mut Field, pending: Vec<Pending>, d: &mut Diag, quiet_missing: bool) {
    let mut chosen: Vec<Choice> = Vec::new();
    for p in pending {
        let name = p.name.get_ref();
        let what = match p.what {
            Ref::DependingOn => "depending_on",
            Ref::When { .. } => "when.field",
        };
        let Some(target) = find(root, &p.at, name) else {
            if !quiet_missing {
                d.err(p.name.span(), format!("field `{}`: {what} `{name}` names no field here (a sibling, a field of an enclosing group, or a dotted path from the record)", p.path));
            }
            continue;
        };
        let mut fail = |why: String| {
            d.err(
                p.name.span(),
                format!("field `{}`: {what} `{name}` {why}", p.path),
            )
        };
        // The target must have one location: not a table, not inside one.
        if (1..=target.len()).any(|k| {
            target
                .get(..k)
                .and_then(|q| field_at(root, q))
                .is_some_and(|f| f.occurs.is_some())
        }) {
            fail("is or lies inside a repeating field; it needs a single location".into());
            continue;
        }
        if target.starts_with(&p.at) {
            fail("is the field itself or lies inside it".into());
            continue;
        }
        let (Some(t), Some(me)) = (field_at(root, &target), field_at(root, &p.at)) else {
            continue;
        };
        match p.what {
            Ref::DependingOn => {
                if !matches!(
                    t.kind,
                    FieldKind::Item(
                        DataType::Zoned { .. } | DataType::Packed { .. } | DataType::Binary { .. }
                    )
                ) {
                    fail("must be a zoned, packed or binary number".into());
                    continue;
                }
                if t.offset + t.size > me.offset {
                    fail("must end before the table starts".into());
                    continue;
                }
                if let Some(o) = field_at_mut(root, &p.at).and_then(|f| f.occurs.as_mut()) {
                    o.depending_on = Some(DependingOn {
                        name: name.clone(),
                        path: target,
                    });
                }
            }
            Ref::When { values } => {
                if !matches!(t.kind, FieldKind::Item(ref dt) if !matches!(dt, DataType::Float { .. }))
                {
                    fail("must be a text or decimal field (not a group or a float)".into());
                    continue;
                }
                let (group, index) = match p.at.split_last() {
                    Some((i, g)) => (g.to_vec(), *i),
                    None => continue,
                };
                let base = me.redefines.unwrap_or(index);
                for v in &values {
                    let clash = chosen.iter().find(|c| {
                        c.group == group && c.base == base && c.field == target && c.value == *v
                    });
                    if let Some(c) = clash {
                        let msg = format!(
                            "field `{}`: value \"{v}\" of `{name}` already selects `{}`",
                            p.path, c.by
                        );
                        d.err(p.name.span(), msg);
                    } else {
                        chosen.push(Choice {
                            group: group.clone(),
                            base,
                            field: target.clone(),
                            value: v.clone(),
                            by: p.path.clone(),
                        });
                    }
                }
                if let Some(f) = field_at_mut(root, &p.at) {
                    f.select_when = Some(Selector {
                        field: target,
                        field_name: name.clone(),
                        values,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;
    use crate::spec::{parse, ParseOptions};

    #[test]
    fn finds_nearest_then_dotted() {
        // `a` at the top and `g.a` inside the group: from inside `g`, the bare name is `g.a`.
        let src = "[record]\nname = \"R\"\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\n[[field]]\nname = \"g\"\ntype = \"group\"\n[[field.fields]]\nname = \"a\"\ntype = \"text\"\nlength = 1\n[[field.fields]]\nname = \"b\"\ntype = \"text\"\nlength = 1\n";
        let layout = parse(src, &ParseOptions::default()).unwrap();
        assert_eq!(find(&layout.root, &[1, 1], "a"), Some(vec![1, 0]));
        // From the top level, the bare name finds the top-level `a`; a dotted name reaches in.
        assert_eq!(find(&layout.root, &[1], "a"), Some(vec![0]));
        assert_eq!(find(&layout.root, &[0], "g.b"), Some(vec![1, 1]));
        // Unknown names and paths through an elementary item find nothing.
        assert_eq!(find(&layout.root, &[0], "zz"), None);
        assert_eq!(find(&layout.root, &[0], "a.b"), None);
    }
}

//! Level numbers to a tree: which entries belong to which record and which group.
//!
//! Nesting follows level numbers, not indentation. 88 entries attach to the entry before
//! them; 66 entries collect per record; a copybook starting below level 01 gets an implicit
//! root group named `RECORD`.

use std::iter::Peekable;

use super::comma_literal;
use super::entry::{single_value, Entry};
use super::{CopybookError, Ctx};
use crate::layout::Condition;

/// Name of the root group wrapped around a copybook that has no 01 level.
pub(crate) const IMPLICIT_ROOT: &str = "RECORD";

/// One entry with its condition names and subordinate entries.
#[derive(Debug)]
pub(crate) struct Node {
    pub entry: Entry,
    pub conditions: Vec<Condition>,
    pub children: Vec<Node>,
}

/// One record: its root entry (01, 77 or implicit) and its 66 entries.
#[derive(Debug)]
pub(crate) struct Draft {
    pub root: Node,
    pub renames: Vec<Entry>,
}

/// Groups entries into records and nests them by level number.
pub(crate) fn records(ctx: &Ctx<'_>, entries: Vec<Entry>) -> Result<Vec<Draft>, CopybookError> {
    let mut it = entries.into_iter().peekable();
    let mut out: Vec<Draft> = Vec::new();
    while let Some(e) = it.next() {
        match e.level {
            1 | 77 => {
                let root = node(ctx, e, &mut it)?;
                out.push(Draft {
                    root,
                    renames: Vec::new(),
                });
            }
            66 => match out.last_mut() {
                Some(d) => d.renames.push(e),
                None => return Err(ctx.err(e.rest_len, "a level-66 entry must follow a record")),
            },
            88 => {
                return Err(ctx.err(
                    e.rest_len,
                    "a level-88 entry must directly follow the item it belongs to",
                ))
            }
            _ => {
                // 02-49 with no open record (or after a 66): continue or start a record.
                let rest_len = e.rest_len;
                match out.last_mut() {
                    Some(d) if d.root.entry.level == 77 => {
                        return Err(ctx.err(
                            rest_len,
                            format!(
                                "level {} cannot follow level-77 item {}: 77 items have no \
                                 subordinate items",
                                e.level,
                                d.root.entry.name_or_filler()
                            ),
                        ))
                    }
                    Some(d) => {
                        check_elementary_parent(ctx, &d.root, &e)?;
                        let child = node(ctx, e, &mut it)?;
                        d.root.children.push(child);
                    }
                    None => {
                        let root_entry = Entry {
                            level: 1,
                            rest_len,
                            name: Some(super::lex::Spanned {
                                value: IMPLICIT_ROOT.to_string(),
                                rest_len,
                            }),
                            ..Entry::default()
                        };
                        let mut root = Node {
                            entry: root_entry,
                            conditions: Vec::new(),
                            children: Vec::new(),
                        };
                        root.children.push(node(ctx, e, &mut it)?);
                        out.push(Draft {
                            root,
                            renames: Vec::new(),
                        });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Builds the node for `entry`, taking its 88s and every following entry with a higher level.
fn node<I: Iterator<Item = Entry>>(
    ctx: &Ctx<'_>,
    entry: Entry,
    it: &mut Peekable<I>,
) -> Result<Node, CopybookError> {
    let mut n = Node {
        entry,
        conditions: Vec::new(),
        children: Vec::new(),
    };
    while let Some(c) = it.next_if(|e| e.level == 88) {
        n.conditions.push(condition(ctx, c)?);
    }
    while let Some(child) = it
        .next_if(|e| (2..=49).contains(&e.level) && e.level > n.entry.level && n.entry.level != 77)
    {
        check_elementary_parent(ctx, &n, &child)?;
        // Level numbers only grow downwards, so this recursion is at most 49 deep.
        n.children.push(node(ctx, child, it)?);
    }
    Ok(n)
}

/// An item with a PICTURE is elementary: it cannot have subordinate entries.
fn check_elementary_parent(
    ctx: &Ctx<'_>,
    parent: &Node,
    child: &Entry,
) -> Result<(), CopybookError> {
    if parent.entry.pic.is_some() {
        return Err(ctx.err(
            child.rest_len,
            format!(
                "{} has a PICTURE clause and subordinate items ({} cannot be part of it)",
                parent.entry.name_or_filler(),
                child.name_or_filler()
            ),
        ));
    }
    Ok(())
}

/// A level-88 entry as a condition of the item before it.
fn condition(ctx: &Ctx<'_>, e: Entry) -> Result<Condition, CopybookError> {
    let Some(name) = e.name else {
        return Err(ctx.err(e.rest_len, "a level-88 entry needs a condition name"));
    };
    let stray = [
        e.pic.as_ref().map(|p| (p.rest_len, "PICTURE")),
        e.usage.as_ref().map(|p| (p.rest_len, "USAGE")),
        e.occurs.as_ref().map(|p| (p.rest_len, "OCCURS")),
        e.redefines.as_ref().map(|p| (p.rest_len, "REDEFINES")),
    ];
    if let Some((at, what)) = stray.into_iter().flatten().next() {
        return Err(ctx.err(at, format!("a level-88 entry takes no {what} clause")));
    }
    let Some(values) = e.values else {
        return Err(ctx.err(
            name.rest_len,
            format!("condition {} needs a VALUE clause", name.value),
        ));
    };
    Ok(Condition {
        values: comma_literal::normalise(ctx, &values)?,
        name: name.value,
    })
}

/// The VALUE of a data item (not a level 88): exactly one literal.
pub(crate) fn item_value(
    ctx: &Ctx<'_>,
    e: &Entry,
) -> Result<Option<crate::layout::Literal>, CopybookError> {
    match &e.values {
        None => Ok(None),
        Some(v) => match single_value(&comma_literal::normalise(ctx, v)?) {
            Some(l) => Ok(Some(l.clone())),
            None => Err(ctx.err(
                v.rest_len,
                "only level-88 entries take several values or THRU",
            )),
        },
    }
}

//! Entry tree -> layout: offsets, sizes, REDEFINES, OCCURS / DEPENDING ON, SYNC slack
//! bytes, JSON names, and the record-wide lookups (ODO counters, 66 RENAMES).
//!
//! Offsets are static: every ODO table counts at its maximum. SYNCHRONIZED binary and
//! floating-point items are aligned to their natural boundary (2, 4 or 8 bytes) counted
//! from the record start, as IBM does for a record that starts on a doubleword; the slack
//! bytes belong to the enclosing group. A table whose entry contains synchronized items
//! is padded to a multiple of that alignment so every occurrence stays aligned.

use super::entry::{Entry, QName};
use super::lex::Spanned;
use super::resolve;
use super::tree::{item_value, Draft, Node};
use super::types::{address_usage, data_type, sync_boundary, Inherited};
use super::{CopybookError, Ctx};
use crate::layout::{
    dedup_sibling_names, json_name, DataType, DependingOn, Field, FieldKind, Layout, Occurs,
    Renames,
};

/// Builds the layout of one record.
pub(crate) fn layout(ctx: &Ctx<'_>, d: Draft) -> Result<Layout, CopybookError> {
    let mut b = Builder {
        ctx,
        pending: Vec::new(),
    };
    let (mut root, _) = b.field(d.root, 0, &mut Vec::new(), Inherited::default())?;
    // A 01 REDEFINES another 01 is simply another record here.
    root.redefines = None;
    for p in std::mem::take(&mut b.pending) {
        resolve_odo(ctx, &mut root, p)?;
    }
    let renames = d
        .renames
        .into_iter()
        .map(|e| renames(ctx, &root, e))
        .collect::<Result<_, _>>()?;
    Ok(Layout {
        name: root.name.clone(),
        root,
        renames,
    })
}

/// An OCCURS DEPENDING ON whose counter is looked up once the record is complete.
struct Pending {
    table: Vec<usize>,
    counter: Spanned<QName>,
}

struct Builder<'c, 'a> {
    ctx: &'c Ctx<'a>,
    pending: Vec<Pending>,
}

impl Builder<'_, '_> {
    /// Lays out `n` starting at `offset`; returns the field and its strictest SYNC alignment.
    fn field(
        &mut self,
        n: Node,
        offset: usize,
        path: &mut Vec<usize>,
        inh: Inherited,
    ) -> Result<(Field, usize), CopybookError> {
        let Node {
            entry,
            conditions,
            children,
        } = n;
        let ctx = self.ctx;
        let occurs = self.occurs(&entry, path)?;
        let value = item_value(ctx, &entry)?;
        let address = if children.is_empty() {
            address_usage(ctx, &entry, inh)
        } else {
            None
        };
        let (offset, size, kind, align) = if children.is_empty() {
            let dt = data_type(ctx, &entry, inh)?;
            let align = if inh.sync || entry.sync {
                sync_boundary(&dt)
            } else {
                1
            };
            let offset = align_up(offset, align).ok_or_else(|| too_large(ctx, &entry))?;
            (offset, dt.byte_len(), FieldKind::Item(dt), align)
        } else {
            let below = inh.below(ctx, &entry)?;
            let (mut fields, size, align) = self.group(children, offset, path, below)?;
            // A FILLER group's items may show as its parent's members (see
            // `Field::is_transparent_in`): the parent gives them their suffixes then.
            if entry.name.is_some() || path.is_empty() {
                dedup_sibling_names(&mut fields);
            }
            let size = if occurs.is_some() {
                align_up(size, align)
            } else {
                Some(size)
            };
            let size = size.ok_or_else(|| too_large(ctx, &entry))?;
            (offset, size, FieldKind::Group(fields), align)
        };
        // Every later sum uses total_size(): make sure it cannot overflow.
        let total = size.checked_mul(occurs.as_ref().map_or(1, |o| o.max));
        if total.and_then(|t| t.checked_add(offset)).is_none() {
            return Err(too_large(ctx, &entry));
        }
        let name = entry.name_or_filler().to_string();
        let field = Field {
            level: entry.level,
            json_name: if entry.name.is_some() {
                json_name(&name)
            } else {
                String::new()
            },
            name,
            offset,
            size,
            occurs,
            redefines: None,
            kind,
            value,
            conditions,
            justified_right: entry.justified,
            blank_when_zero: entry.blank_when_zero,
            address_usage: address,
            select_when: None,
            pos: ctx.pos(entry.rest_len),
        };
        Ok((field, align))
    }

    /// Lays out a group's children from `start`; returns them, the group size and alignment.
    fn group(
        &mut self,
        children: Vec<Node>,
        start: usize,
        path: &mut Vec<usize>,
        inh: Inherited,
    ) -> Result<(Vec<Field>, usize, usize), CopybookError> {
        let mut fields: Vec<Field> = Vec::with_capacity(children.len());
        let mut cursor = start;
        let mut end = start;
        let mut align = 1;
        for (i, c) in children.into_iter().enumerate() {
            let redefined = match &c.entry.redefines {
                Some(r) => Some(self.redefined(&fields, &c.entry, r)?),
                None => None,
            };
            let at = redefined
                .and_then(|t| fields.get(t))
                .map_or(cursor, |t| t.offset);
            path.push(i);
            let (mut f, a) = self.field(c, at, path, inh)?;
            path.pop();
            f.redefines = redefined;
            // Checked in `field`: offset + total size fits.
            let f_end = f.offset.saturating_add(f.total_size());
            // A redefining item may be longer than what it redefines: the group takes the max.
            cursor = if redefined.is_some() {
                cursor.max(f_end)
            } else {
                f_end
            };
            end = end.max(cursor);
            align = align.max(a);
            fields.push(f);
        }
        name_filler_tables(&mut fields);
        Ok((fields, end - start, align))
    }

    /// Index of the preceding sibling that `e` redefines.
    fn redefined(
        &self,
        siblings: &[Field],
        e: &Entry,
        r: &Spanned<QName>,
    ) -> Result<usize, CopybookError> {
        let found = siblings
            .iter()
            .rposition(|s| s.name.eq_ignore_ascii_case(&r.value.name));
        match found.and_then(|t| siblings.get(t).map(|s| (t, s))) {
            Some((t, s)) if s.level == e.level => Ok(t),
            Some((_, s)) => Err(self.ctx.err(
                r.rest_len,
                format!(
                    "REDEFINES {}: it is at level {:02}, this entry at level {:02}",
                    r.value.name, s.level, e.level
                ),
            )),
            None => Err(self.ctx.err(
                r.rest_len,
                format!(
                    "REDEFINES {}: no preceding item of that name at the same level",
                    r.value.name
                ),
            )),
        }
    }

    /// Checks an OCCURS clause and queues its DEPENDING ON counter.
    fn occurs(&mut self, e: &Entry, path: &[usize]) -> Result<Option<Occurs>, CopybookError> {
        let Some(o) = &e.occurs else {
            return Ok(None);
        };
        let (min, max) = (o.value.min, o.value.max);
        if matches!(e.level, 1 | 77) {
            return Err(self
                .ctx
                .err(o.rest_len, "OCCURS is not allowed at level 01 or 77"));
        }
        if max == 0 {
            return Err(self
                .ctx
                .err(o.rest_len, "OCCURS needs at least one occurrence"));
        }
        if min > max {
            return Err(self.ctx.err(
                o.rest_len,
                format!("OCCURS {min} TO {max}: the minimum is larger than the maximum"),
            ));
        }
        if let Some(d) = &o.value.depending {
            self.pending.push(Pending {
                table: path.to_vec(),
                counter: d.clone(),
            });
        }
        Ok(Some(Occurs {
            min,
            max,
            depending_on: None,
        }))
    }
}

fn too_large(ctx: &Ctx<'_>, e: &Entry) -> CopybookError {
    ctx.err(e.rest_len, format!("{} is too large", e.name_or_filler()))
}

/// `n` rounded up to a multiple of `align` (`None` on overflow).
fn align_up(n: usize, align: usize) -> Option<usize> {
    let align = align.max(1);
    n.div_ceil(align).checked_mul(align)
}

/// The unique field of the record that `q` names.
fn lookup(
    ctx: &Ctx<'_>,
    root: &Field,
    q: &Spanned<QName>,
    what: &str,
) -> Result<Vec<usize>, CopybookError> {
    let mut found = resolve::find(root, &q.value);
    match found.len() {
        1 => Ok(found.swap_remove(0)),
        0 => Err(ctx.err(
            q.rest_len,
            format!(
                "{what} {}: no item of that name in record {}",
                q.value, root.name
            ),
        )),
        _ => Err(ctx.err(
            q.rest_len,
            format!(
                "{what} {}: the name is ambiguous; qualify it (name OF group)",
                q.value
            ),
        )),
    }
}

/// Fills in the counter path of an ODO table.
fn resolve_odo(ctx: &Ctx<'_>, root: &mut Field, p: Pending) -> Result<(), CopybookError> {
    let q = &p.counter;
    let path = lookup(ctx, root, q, "OCCURS DEPENDING ON")?;
    let numeric = resolve::get(root, &path).is_some_and(|f| {
        matches!(
            f.kind,
            FieldKind::Item(
                DataType::Zoned { .. }
                    | DataType::Packed { .. }
                    | DataType::Binary { .. }
                    | DataType::CompX { .. }
                    | DataType::Comp6 { .. }
            )
        )
    });
    if !numeric {
        return Err(ctx.err(
            q.rest_len,
            format!(
                "the ODO counter {} must be a numeric elementary item",
                q.value
            ),
        ));
    }
    if path.starts_with(&p.table) {
        return Err(ctx.err(
            q.rest_len,
            format!(
                "the ODO counter {} is inside the table it controls",
                q.value
            ),
        ));
    }
    let in_table = (1..=path.len()).any(|n| {
        resolve::get(root, path.get(..n).unwrap_or_default()).is_some_and(|f| f.occurs.is_some())
    });
    if in_table {
        return Err(ctx.err(
            q.rest_len,
            format!("the ODO counter {} must not be part of a table", q.value),
        ));
    }
    if let Some(table) = resolve::get_mut(root, &p.table) {
        if let Some(o) = table.occurs.as_mut() {
            o.depending_on = Some(DependingOn {
                name: q.value.name.clone(),
                path,
            });
        }
    }
    Ok(())
}

/// A level-66 entry as the byte range it renames.
fn renames(ctx: &Ctx<'_>, root: &Field, e: Entry) -> Result<Renames, CopybookError> {
    let Some(name) = e.name else {
        return Err(ctx.err(e.rest_len, "a level-66 entry needs a name"));
    };
    let Some((from, thru)) = e.renames else {
        return Err(ctx.err(
            name.rest_len,
            format!("{} needs a RENAMES clause", name.value),
        ));
    };
    let span = |q: &Spanned<QName>| -> Result<(usize, usize), CopybookError> {
        let path = lookup(ctx, root, q, "RENAMES")?;
        let f = resolve::get(root, &path).ok_or_else(|| ctx.err(q.rest_len, "internal lookup"))?;
        Ok((f.offset, f.offset.saturating_add(f.total_size())))
    };
    let (start, mut end) = span(&from)?;
    if let Some(t) = &thru {
        let (t_start, t_end) = span(t)?;
        if t_start < start || t_end <= start {
            return Err(ctx.err(
                t.rest_len,
                format!(
                    "RENAMES ... THRU {}: it starts before {}",
                    t.value, from.value
                ),
            ));
        }
        end = end.max(t_end);
    }
    Ok(Renames {
        name: name.value,
        from: from.value.name,
        thru: thru.map(|t| t.value.name),
        offset: start,
        size: end - start,
        pos: ctx.pos(e.rest_len),
    })
}

/// JSON key of a FILLER group that holds named items but cannot be opened into its
/// parent (see `Field::is_transparent_in`): one with OCCURS, whose occurrences need an
/// array, or one in a REDEFINES set, whose alternatives are chosen by key. Without a key
/// its named items, which the program uses (`AMT (2)`), would vanish from the JSON. The
/// parent's sibling de-duplication numbers several of them (`filler`, `filler_2`), as
/// IBM's and TIBCO's copybook importers number FILLER items.
pub(crate) const FILLER_KEY: &str = "filler";

/// Gives [`FILLER_KEY`] to the FILLER groups among `fields` that JSON would otherwise
/// drop with their named items.
fn name_filler_tables(fields: &mut [Field]) {
    let keyed: Vec<bool> = (0..fields.len())
        .map(|i| {
            fields.get(i).is_some_and(|f| {
                f.is_filler()
                    && matches!(f.kind, FieldKind::Group(_))
                    && !Field::is_transparent_in(fields, i)
                    && f.any(&|d| !d.is_filler() && matches!(d.kind, FieldKind::Item(_)))
            })
        })
        .collect();
    for (f, keyed) in fields.iter_mut().zip(keyed) {
        if keyed {
            f.json_name = FILLER_KEY.to_string();
            // `field` left its members' suffixes to a parent that would show them.
            if let FieldKind::Group(children) = &mut f.kind {
                dedup_sibling_names(children);
            }
        }
    }
}

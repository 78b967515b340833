//! `x-cobol` and `description`: where a member comes from in the copybook, so integrators
//! never need to read the copybook to talk to the host's people about a field.

use serde_json::{json, Map, Value};

use crate::layout::{DataType, Field, FieldKind, FloatWidth, Layout, Occurs};

use super::SchemaOptions;

/// Adds the annotations of `f` (at child-index `path`) to its member schema `m`.
pub(super) fn add(
    m: &mut Map<String, Value>,
    layout: &Layout,
    f: &Field,
    path: &[usize],
    opts: &SchemaOptions,
) {
    let mut x = Map::new();
    x.insert("name".into(), f.name.clone().into());
    x.insert("level".into(), f.level.into());
    let mut text = f.name.clone();
    match &f.kind {
        FieldKind::Group(_) => {
            text.push_str(&format!(" (group, {} bytes)", f.size));
        }
        FieldKind::Item(_) if f.address_usage.is_some() => {
            // An index or pointer: an address, with no PICTURE.
            let usage = f.address_usage.unwrap_or_default();
            text.push_str(&format!(" USAGE {usage}"));
            x.insert("usage".into(), usage.into());
        }
        FieldKind::Item(dt) => {
            let (pic, usage) = pic_and_usage(dt);
            match dt {
                DataType::Float { .. } => text.push_str(&format!(" {usage}")),
                _ if usage == "DISPLAY" => text.push_str(&format!(" PIC {pic}")),
                _ => text.push_str(&format!(" PIC {pic} {usage}")),
            }
            x.insert("pic".into(), pic.into());
            x.insert("usage".into(), usage.into());
            if let Some(scale) = numeric_scale(dt) {
                x.insert("scale".into(), scale.into());
                if scale > 0 && opts.decode() {
                    text.push_str(&format!(", {scale} decimal places"));
                }
            }
        }
    }
    x.insert("offset".into(), f.offset.into());
    x.insert("length".into(), f.size.into());
    text.push_str(&format!(" at offset {}", f.offset));
    if variably_located(layout, f, path) {
        // IBM's term: the offset above is the one with every ODO table at its maximum.
        x.insert("variably_located".into(), true.into());
        text.push_str(" (at most: it moves up when an ODO table before it is short)");
    }
    if let Some(o) = &f.occurs {
        match &o.depending_on {
            None => {
                x.insert("occurs".into(), o.max.into());
                text.push_str(&format!(", OCCURS {} TIMES", o.max));
            }
            Some(d) => {
                let counter = json_path(layout, &d.path);
                x.insert(
                    "occurs".into(),
                    json!({"min": o.min, "max": o.max, "depending_on": d.name,
                           "counter": counter}),
                );
                text.push_str(&format!(
                    ", OCCURS {} TO {} TIMES DEPENDING ON {} ({counter})",
                    o.min, o.max, d.name
                ));
            }
        }
    }
    if let Some(r) = f.redefines {
        if let Some(base) = parent_children(layout, path).and_then(|c| c.get(r)) {
            x.insert("redefines".into(), base.name.clone().into());
            text.push_str(&format!(", REDEFINES {}", base.name));
        }
    }
    if let Some(s) = &f.select_when {
        x.insert(
            "when".into(),
            json!({"field": s.field_name, "path": json_path(layout, &s.field), "values": s.values}),
        );
        text.push_str(&format!(
            ", when {} is {}",
            s.field_name,
            s.values.join(" or ")
        ));
    }
    let counts = tables_counted_by(layout, path);
    if !counts.is_empty() {
        text.push_str(&format!(
            ", the number of elements of {}",
            counts.join(", ")
        ));
        if !opts.decode() {
            // The encoder fills it in from the array, and refuses a disagreeing one.
            text.push_str(" (may be omitted: set from the array's length)");
        }
        x.insert("counts".into(), json!(counts));
    }
    m.insert("description".into(), text.into());
    m.insert("x-cobol".into(), Value::Object(x));
}

/// The PIC text (or the usage, for floats) and the usage of an item.
fn pic_and_usage(dt: &DataType) -> (String, &'static str) {
    let full = dt.describe();
    let usage = match dt {
        DataType::Alphanumeric { .. } | DataType::Zoned { .. } | DataType::Edited { .. } => {
            "DISPLAY"
        }
        DataType::National { .. } => "NATIONAL",
        DataType::Packed { .. } => "COMP-3",
        DataType::CompX { .. } => "COMP-X",
        DataType::Comp6 { .. } => "COMP-6",
        DataType::Binary { native: false, .. } => "COMP",
        DataType::Binary { native: true, .. } => "COMP-5",
        DataType::Float {
            width: FloatWidth::Single,
        } => "COMP-1",
        DataType::Float {
            width: FloatWidth::Double,
        } => "COMP-2",
    };
    let pic = match dt {
        DataType::Float { .. } => full,
        _ => full
            .strip_suffix(&format!(" {usage}"))
            .map(str::to_string)
            .unwrap_or(full),
    };
    (pic, usage)
}

fn numeric_scale(dt: &DataType) -> Option<i16> {
    match dt {
        DataType::Zoned { pic, .. }
        | DataType::Packed { pic }
        | DataType::Binary { pic, .. }
        | DataType::CompX { pic, .. }
        | DataType::Comp6 { pic }
        | DataType::Edited { pic, .. } => Some(pic.scale),
        _ => None,
    }
}

/// Siblings of the field at `path` (its parent's children).
fn parent_children<'l>(layout: &'l Layout, path: &[usize]) -> Option<&'l [Field]> {
    let (_, parent) = path.split_last()?;
    layout.field_at(parent).map(Field::children)
}

/// Dotted JSON path of the field at a child-index path (`charges.fine_amount`).
fn json_path(layout: &Layout, path: &[usize]) -> String {
    (1..=path.len())
        .filter_map(|n| layout.field_at(path.get(..n)?))
        .filter(|f| !f.is_filler())
        .map(|f| f.json_name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// JSON paths of the OCCURS DEPENDING ON tables whose counter is the field at `path`.
fn tables_counted_by(layout: &Layout, path: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = odo_tables(layout)
        .into_iter()
        .filter(|(_, o)| o.depending_on.as_ref().is_some_and(|d| d.path == path))
        .map(|(p, _)| json_path(layout, &p))
        .collect();
    out.sort();
    out
}

/// The counts the field at `path` may hold when it is an ODO counter: both codecs refuse
/// a count outside its tables' OCCURS range.
pub(super) fn counter_range(layout: &Layout, path: &[usize]) -> Option<(usize, usize)> {
    odo_tables(layout)
        .into_iter()
        .filter(|(_, o)| o.depending_on.as_ref().is_some_and(|d| d.path == path))
        .map(|(_, o)| (o.min, o.max))
        .reduce(|(a, b), (c, d)| (a.max(c), b.min(d)))
}

/// True when an OCCURS DEPENDING ON table lies wholly before `f` (not around it), so
/// `f`'s real offset depends on that table's counter (IBM: a variably located item).
fn variably_located(layout: &Layout, f: &Field, path: &[usize]) -> bool {
    odo_tables(layout).into_iter().any(|(p, _)| {
        !path.starts_with(&p)
            && layout
                .field_at(&p)
                .is_some_and(|t| t.offset.saturating_add(t.total_size()) <= f.offset)
    })
}

/// Every OCCURS DEPENDING ON table with its child-index path.
fn odo_tables(layout: &Layout) -> Vec<(Vec<usize>, &Occurs)> {
    let mut out = Vec::new();
    let mut stack = vec![(Vec::new(), &layout.root)];
    while let Some((p, f)) = stack.pop() {
        if let Some(o) = f.occurs.as_ref().filter(|o| o.depending_on.is_some()) {
            out.push((p.clone(), o));
        }
        for (i, c) in f.children().iter().enumerate() {
            let mut cp = p.clone();
            cp.push(i);
            stack.push((cp, c));
        }
    }
    out
}

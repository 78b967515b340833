//! `fields` entries of an `[[inbound]]` route: a JSON path for an elementary field, or for
//! a table (OCCURS) an array in the answer and where each element's members are:
//!
//! ```toml
//! fields = { matches = { from = "results", each = { street = "line1", uprn = "id" },
//!                        count = "match_count", overflow = "truncate" } }
//! ```

use std::collections::BTreeMap;
use std::fmt;

use ferrule_parsers::layout::{FieldKind, Layout};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{item, split, Problems};
use crate::inbound::spec::{json_path, FieldFill, TableFill};

/// Where one response field's value comes from.
#[derive(Debug, Clone)]
pub enum FieldSource {
    /// A JSON path in the answer (`address.lines[0]`, `$` for all of it).
    Path(String),
    /// A table filled from an array in the answer.
    Table(TableSource),
}

/// A response table (OCCURS) filled element by element from an array in the answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSource {
    /// The array's JSON path in the answer.
    pub from: String,
    /// A table of groups: member field (dotted, within one element) -> JSON path within
    /// the array's element. Left out for an elementary table: the elements themselves.
    #[serde(default)]
    pub each: BTreeMap<String, String>,
    /// A response field set to how many elements were placed (tables of fixed size; an
    /// OCCURS DEPENDING ON table's counter is set from the array by itself).
    pub count: Option<String>,
    /// More elements than the table holds: refused (the program gets `bad_response`),
    /// or the first ones kept.
    #[serde(default)]
    pub overflow: Overflow,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Overflow {
    #[default]
    Error,
    Truncate,
}

// By hand rather than `untagged`: a mistake inside the table then gets serde's own message
// (an unknown key, a missing `from`) instead of "did not match any variant".
impl<'de> Deserialize<'de> for FieldSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Source;
        impl<'de> Visitor<'de> for Source {
            type Value = FieldSource;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON path, or a table { from, each, count, overflow }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<FieldSource, E> {
                Ok(FieldSource::Path(s.to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(self, m: M) -> Result<FieldSource, M::Error> {
                TableSource::deserialize(de::value::MapAccessDeserializer::new(m))
                    .map(FieldSource::Table)
            }
        }
        d.deserialize_any(Source)
    }
}

/// Checks a table entry `fields.KEY` against the response layout; what it runs as.
pub(super) fn table_fill(
    layout: Option<&Layout>,
    key: &str,
    t: &TableSource,
    ps: &mut Problems,
) -> Option<FieldFill> {
    let at = format!("fields.{key}");
    let from = json_path(&t.from)
        .map_err(|m| ps.push((format!("{at}.from"), m)))
        .ok();
    let mut each = Vec::new();
    for (member, path) in &t.each {
        match json_path(path) {
            Ok(p) => each.push((split(member), p)),
            Err(m) => ps.push((format!("{at}.each.{member}"), m)),
        }
    }
    let count = t.count.as_deref().map(split);
    let layout = layout?;
    let table = split(key);
    let Some(field) = layout.field_by_json_path(&table) else {
        ps.push((at, format!("no field `{key}` in the response layout")));
        return None;
    };
    let Some(occurs) = field
        .occurs
        .as_ref()
        .filter(|_| !repeats_between(layout, &table, 0))
    else {
        ps.push((
            at,
            "a table entry must name a table (OCCURS) that is not inside another table".into(),
        ));
        return None;
    };
    match (&field.kind, t.each.is_empty()) {
        (FieldKind::Group(_), true) => ps.push((
            format!("{at}.each"),
            "required for a table of groups: member field -> JSON path in each element".into(),
        )),
        (FieldKind::Item(_), false) => ps.push((
            format!("{at}.each"),
            "only for a table of groups: an elementary table takes the elements themselves".into(),
        )),
        _ => {}
    }
    let members = t
        .each
        .keys()
        .filter(|_| matches!(field.kind, FieldKind::Group(_)));
    for member in members {
        let full: Vec<String> = table.iter().cloned().chain(split(member)).collect();
        let why = match layout.field_by_json_path(&full) {
            None => Some(format!("no field `{member}` in an element of `{key}`")),
            Some(f)
                if !matches!(f.kind, FieldKind::Item(_))
                    || f.occurs.is_some()
                    || repeats_between(layout, &full, table.len()) =>
            {
                Some(format!(
                    "`{member}` must be elementary and not repeat within an element of `{key}` \
                     (a table inside a table is not filled)"
                ))
            }
            Some(_) => None,
        };
        if let Some(why) = why {
            ps.push((format!("{at}.each.{member}"), why));
        }
    }
    if let (Some(c), Some(d)) = (&t.count, &occurs.depending_on) {
        ps.push((
            format!("{at}.count"),
            format!(
                "the table's OCCURS DEPENDING ON counter ({}) is set from the array by itself; \
                 leave `count = \"{c}\"` out",
                d.name
            ),
        ));
    } else if let Some(c) = &t.count {
        item(layout, c, format!("{at}.count"), "response", ps);
    }
    Some(FieldFill::Table(TableFill {
        from: from?,
        from_text: t.from.clone(),
        each,
        count,
        max: occurs.max,
        truncate: t.overflow == Overflow::Truncate,
    }))
}

/// Whether a group between the first `start` steps of `path` and its last step repeats.
fn repeats_between(layout: &Layout, path: &[String], start: usize) -> bool {
    (start + 1..path.len()).any(|n| {
        layout
            .field_by_json_path(&path[..n])
            .is_some_and(|f| f.occurs.is_some())
    })
}

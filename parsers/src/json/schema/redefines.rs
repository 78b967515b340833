//! REDEFINES sets in a schema: which alternatives a group's object shows, and the `oneOf`
//! that allows at most one of them where the codec does.
//!
//! The decoder shows, per set: with `RedefinesMode::First` the first definition only (or,
//! when discriminators choose, the alternative chosen); with `All` every alternative, each
//! `null` when its bytes do not fit its types. The encoder writes the first alternative the
//! JSON gives and ignores the others, so the Encode schema lets a body give at most one: a
//! second one would be dropped without a word.
//!
//! "At most one" is written as `oneOf` of `{required: [alt]}` for each alternative plus one
//! branch for "none of them": with two present, two branches match and `oneOf` fails. It keeps
//! every alternative a plain optional property, which client generators turn into ordinary
//! optional fields (a `oneOf` of whole objects would multiply with every further set in the
//! group and become a union type per set), while validators still enforce the rule.

use serde_json::{json, Value};

use crate::json::RedefinesMode;
use crate::layout::Field;

use super::SchemaOptions;

/// How a group's member appears in the JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Never written (an alternative that `RedefinesMode::First` hides).
    Never,
    /// Written; `always` in every full-length record; `nullable` when invalid bytes give null.
    Shown { always: bool, nullable: bool },
}

/// Index of the first member of child `i`'s REDEFINES set.
fn set_root(children: &[Field], i: usize) -> usize {
    children.get(i).and_then(|c| c.redefines).unwrap_or(i)
}

/// Indexes of every member of the set whose first member is `root`.
fn members(children: &[Field], root: usize) -> Vec<usize> {
    (0..children.len())
        .filter(|&j| set_root(children, j) == root)
        .collect()
}

/// How child `i` of a group appears, per the codec's rules for its REDEFINES set.
pub(super) fn role(children: &[Field], i: usize, opts: &SchemaOptions) -> Role {
    let root = set_root(children, i);
    let set = members(children, root);
    if set.len() < 2 {
        return Role::Shown {
            always: true,
            nullable: false,
        };
    }
    if !opts.decode() {
        // Any alternative may be given; none has to be.
        return Role::Shown {
            always: false,
            nullable: false,
        };
    }
    let selected = set
        .iter()
        .any(|&j| children.get(j).is_some_and(|c| c.select_when.is_some()));
    let has_selector = children.get(i).is_some_and(|c| c.select_when.is_some());
    let all = opts.redefines == RedefinesMode::All;
    match (all, selected) {
        (false, false) if i == root => Role::Shown {
            always: true,
            nullable: false,
        },
        (false, false) => Role::Never,
        // Chosen by a discriminator, or the fallback when none matches.
        (false, true) if has_selector || i == root => Role::Shown {
            always: false,
            nullable: false,
        },
        (false, true) => Role::Never,
        (true, selected) => Role::Shown {
            always: !selected,
            nullable: true,
        },
    }
}

/// One "at most one of these keys" constraint per REDEFINES set where the codec holds to it.
pub(super) fn at_most_one(children: &[Field], opts: &SchemaOptions) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, c) in children.iter().enumerate() {
        if c.redefines.is_some() {
            continue; // each set once, from its first member
        }
        let set = members(children, i);
        if set.len() < 2 || !exclusive(children, &set, opts) {
            continue;
        }
        let names: Vec<&str> = set
            .iter()
            .filter(|&&j| role(children, j, opts) != Role::Never)
            .filter_map(|&j| children.get(j))
            .filter(|c| !c.is_filler())
            .map(|c| c.json_name.as_str())
            .collect();
        if names.len() < 2 {
            continue;
        }
        let each: Vec<Value> = names.iter().map(|n| json!({"required": [n]})).collect();
        let mut branches = each.clone();
        branches.push(json!({"not": {"anyOf": each}}));
        out.push(json!({ "oneOf": branches }));
    }
    out
}

/// True when records never show two members of this set at once.
fn exclusive(children: &[Field], set: &[usize], opts: &SchemaOptions) -> bool {
    if !opts.decode() {
        return true; // the encoder's rule, enforced by the schema
    }
    let selectors: Vec<&[String]> = set
        .iter()
        .filter_map(|&j| children.get(j)?.select_when.as_ref())
        .map(|s| s.values.as_slice())
        .collect();
    if selectors.is_empty() {
        // First: one member shown; All: every member shown.
        return false;
    }
    // Two discriminators matching the same value would show both.
    let disjoint = selectors.iter().enumerate().all(|(a, va)| {
        selectors
            .iter()
            .skip(a + 1)
            .all(|vb| !va.iter().any(|v| vb.contains(v)))
    });
    let fallbacks = set
        .iter()
        .filter(|&&j| children.get(j).is_some_and(|c| c.select_when.is_none()))
        .count();
    // With All, every member without a discriminator is shown when none matches.
    disjoint && (opts.redefines == RedefinesMode::First || fallbacks <= 1)
}

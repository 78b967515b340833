//! The walk a view's dotted paths take through a JSON tree, shared by the two trees
//! that are edited as JSON: decoded records ([`super::dom`]) and their JSON Schemas
//! ([`super::schema`]). The decode plan ([`super::View::apply`]) marks the same fields
//! in its own tree.
//!
//! A path names fields, not array slots: a step passes through whatever holds the same
//! object more than once (an OCCURS group's elements; a schema's `items` and REDEFINES
//! alternatives), so `charges.code` names the code of each charge.

use serde_json::{Map, Value};

use super::View;

/// How one kind of tree holds its objects and their members.
pub(super) trait Tree {
    /// Calls `f` with each object reachable from `node` without a path step.
    fn objects(node: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>));
    /// An object's members, by name.
    fn members(node: &mut Map<String, Value>) -> Option<&mut Map<String, Value>>;
    /// After `name` left the members: what else names it (a schema's `required`).
    fn removed(_node: &mut Map<String, Value>, _name: &str) {}
    /// After `name` was renamed `new_name` among the members.
    fn renamed(_node: &mut Map<String, Value>, _name: &str, _new_name: &str) {}
}

/// Applies `view` to `root`: the omits, then the renames, one after the other (a rename
/// under an already renamed group finds nothing), each against what the earlier left.
pub(super) fn apply<T: Tree>(view: &View, root: &mut Value) {
    for path in &view.omit {
        omit::<T>(root, path);
    }
    for (path, new_name) in &view.rename {
        rename::<T>(root, path, new_name);
    }
}

/// Calls `edit` with each object that holds the path's last name, and that name.
pub(super) fn parents<T: Tree>(
    root: &mut Value,
    path: &[String],
    edit: &mut dyn FnMut(&mut Map<String, Value>, &str),
) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    T::objects(root, &mut |node| {
        if rest.is_empty() {
            edit(node, first);
        } else if let Some(child) = T::members(node).and_then(|m| m.get_mut(first.as_str())) {
            parents::<T>(child, rest, edit);
        }
    });
}

/// Removes the member at `path`, wherever the path leads; a path naming nothing is a no-op.
fn omit<T: Tree>(root: &mut Value, path: &[String]) {
    parents::<T>(root, path, &mut |node, name| {
        if let Some(members) = T::members(node) {
            // `retain` keeps the order of the rest (`remove` may not).
            members.retain(|k, _| k != name);
        }
        T::removed(node, name);
    });
}

/// Renames the member at `path` to `new_name`, keeping its place among its siblings (a
/// sibling already called `new_name` is replaced).
fn rename<T: Tree>(root: &mut Value, path: &[String], new_name: &str) {
    parents::<T>(root, path, &mut |node, name| {
        let Some(members) = T::members(node) else {
            return;
        };
        if !members.contains_key(name) {
            return;
        }
        let old = std::mem::take(members);
        for (k, v) in old {
            if k == name {
                members.insert(new_name.to_string(), v);
            } else {
                members.insert(k, v);
            }
        }
        T::renamed(node, name, new_name);
    });
}

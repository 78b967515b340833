//! Which members a record shows, computed once per layout: the contract between the
//! typed walk ([`super::ValueDecoder`]) and every schema built for its output.

use crate::json::{RecordError, RedefinesMode};
use crate::layout::{DataType, Field, FieldKind, Layout};
use crate::numeric::edited::EditedPicture;

/// A layout compiled for the typed walk.
#[derive(Debug)]
pub struct Shape<'l> {
    pub root: ShapeNode<'l>,
    /// Paths of ODO counters and REDEFINES discriminators, by slot, with their names.
    pub(crate) slots: Vec<(Vec<usize>, String)>,
}

/// One field of the layout, and how the walk treats it.
#[derive(Debug)]
pub struct ShapeNode<'l> {
    pub field: &'l Field,
    /// Every child of a group, FILLER included, in layout order.
    pub children: Vec<ShapeNode<'l>>,
    /// Shown in the output (false for FILLER, and for REDEFINES alternatives the mode
    /// never shows): has a column. A FILLER is still walked, for its length and errors.
    pub shown: bool,
    /// A FILLER group whose named members are shown as members of its parent
    /// ([`Field::is_transparent_in`]).
    pub transparent: bool,
    /// Index (among its siblings) of the first member of its REDEFINES set.
    pub(crate) set_root: usize,
    /// Redefines or is redefined.
    pub(crate) in_set: bool,
    /// Some member of its REDEFINES set has a selector.
    pub(crate) set_selected: bool,
    /// This REDEFINES alternative applies when this slot's text is one of the values.
    pub(crate) select: Option<(usize, &'l [String])>,
    /// This item is an ODO counter or discriminator: its value goes in this slot.
    pub(crate) slot: Option<usize>,
    /// This table's element count comes from this slot.
    pub(crate) odo_slot: Option<usize>,
    pub(crate) edited: Option<EditedPicture>,
}

impl<'l> Shape<'l> {
    /// Compiles `layout` for `mode`; fails on an edited picture that does not parse.
    pub fn new(layout: &'l Layout, mode: RedefinesMode) -> Result<Self, RecordError> {
        let mut slots: Vec<(Vec<usize>, String)> = Vec::new();
        let mut stack = vec![&layout.root];
        while let Some(f) = stack.pop() {
            let wanted = [
                f.occurs
                    .as_ref()
                    .and_then(|o| o.depending_on.as_ref())
                    .map(|d| (d.path.clone(), d.name.clone())),
                f.select_when
                    .as_ref()
                    .map(|s| (s.field.clone(), s.field_name.clone())),
            ];
            for (path, name) in wanted.into_iter().flatten() {
                if !slots.iter().any(|(p, _)| *p == path) {
                    slots.push((path, name));
                }
            }
            stack.extend(f.children());
        }
        let mut path = Vec::new();
        let root = node(&layout.root, true, true, mode, &slots, &mut path)?;
        Ok(Shape { root, slots })
    }

    /// The members a group occurrence shows, in output order: transparent FILLER groups
    /// opened, hidden fields left out.
    pub fn members<'s>(node: &'s ShapeNode<'l>) -> Vec<&'s ShapeNode<'l>> {
        let mut out = Vec::new();
        for c in &node.children {
            if c.transparent {
                out.extend(Self::members(c));
            } else if c.shown {
                out.push(c);
            }
        }
        out
    }
}

/// `shown`: the field has a column; `open`: its members may have (it is shown, or a
/// transparent FILLER group of a shown parent).
fn node<'l>(
    f: &'l Field,
    shown: bool,
    open: bool,
    mode: RedefinesMode,
    slots: &[(Vec<usize>, String)],
    path: &mut Vec<usize>,
) -> Result<ShapeNode<'l>, RecordError> {
    let slot_of = |p: &[usize]| slots.iter().position(|(s, _)| s == p);
    let edited = match &f.kind {
        FieldKind::Item(DataType::Edited {
            picture, symbols, ..
        }) => Some(
            EditedPicture::parse_with(picture, *symbols)
                .map_err(|e| RecordError::new(f.json_name.clone(), f.offset, &[], e.into()))?,
        ),
        _ => None,
    };
    let siblings = f.children();
    let mut children = Vec::with_capacity(siblings.len());
    for (i, c) in siblings.iter().enumerate() {
        let set_root = root_of(siblings, i);
        let in_set = set_root != i || siblings.iter().any(|s| s.redefines == Some(i));
        let set_selected = in_set
            && siblings
                .iter()
                .enumerate()
                .any(|(j, s)| root_of(siblings, j) == set_root && s.select_when.is_some());
        let column = match mode {
            RedefinesMode::All => true,
            RedefinesMode::First => set_root == i || c.select_when.is_some(),
        };
        let transparent = open && Field::is_transparent_in(siblings, i);
        path.push(i);
        let child_shown = open && column && !c.is_filler();
        let mut n = node(
            c,
            child_shown,
            child_shown || transparent,
            mode,
            slots,
            path,
        )?;
        n.transparent = transparent;
        n.set_root = set_root;
        n.in_set = in_set;
        n.set_selected = set_selected;
        n.select = c
            .select_when
            .as_ref()
            .and_then(|s| Some((slot_of(&s.field)?, s.values.as_slice())));
        n.odo_slot = c
            .occurs
            .as_ref()
            .and_then(|o| o.depending_on.as_ref())
            .and_then(|d| slot_of(&d.path));
        path.pop();
        children.push(n);
    }
    Ok(ShapeNode {
        field: f,
        children,
        shown,
        transparent: false,
        set_root: 0,
        in_set: false,
        set_selected: false,
        select: None,
        slot: slot_of(path),
        odo_slot: None,
        edited,
    })
}

/// The first member of child `i`'s REDEFINES set (a chain `C REDEFINES B REDEFINES A`
/// leads to `A`).
fn root_of(siblings: &[Field], mut i: usize) -> usize {
    for _ in 0..siblings.len() {
        match siblings.get(i).and_then(|f| f.redefines) {
            Some(r) if r < i => i = r,
            _ => break,
        }
    }
    i
}

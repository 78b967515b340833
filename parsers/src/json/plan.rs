//! The layout compiled for the codecs: pre-quoted JSON keys, parsed edited pictures,
//! and the slots through which OCCURS DEPENDING ON counters and REDEFINES
//! discriminators pass their values to the tables and alternatives that need them.

use crate::codepage::CodePage;
use crate::layout::{DataType, Field, FieldKind, Layout};
use crate::numeric::edited::EditedPicture;

use super::error::{RecordError, RecordErrorKind};

pub(crate) struct Node<'l> {
    pub field: &'l Field,
    /// `"name":` ready to copy into the output.
    pub key: Vec<u8>,
    pub children: Vec<Node<'l>>,
    /// For each child: index of the first member of its REDEFINES set.
    pub set_root: Vec<usize>,
    /// For each child: true when some member of its REDEFINES set has a selector.
    pub set_selected: Vec<bool>,
    /// For each child: true when it redefines or is redefined (a set of two or more).
    pub in_set: Vec<bool>,
    /// The JSON keys this group's object may hold: its named children's, and those of
    /// its transparent FILLER groups' members (the encoder's unknown-key check).
    pub known: Vec<&'l str>,
    pub edited: Option<EditedPicture>,
    /// This field's value is an ODO counter stored in this slot.
    pub counter_slot: Option<usize>,
    /// This field is a discriminator whose decoded text goes in this slot.
    pub disc_slot: Option<usize>,
    /// This table's count comes from this slot.
    pub odo_slot: Option<usize>,
    /// This REDEFINES alternative applies when the slot's text is one of `values`.
    pub select: Option<(usize, &'l [String])>,
    /// Decoded (its errors count) but not shown: a FILLER, or a field a view omits.
    pub hidden: bool,
    /// A FILLER group shown as no key of its own: its members are written into its
    /// parent's object (see [`Field::is_transparent_in`]).
    pub transparent: bool,
    /// A view asked for this item's JSON text (its first occurrence).
    pub capture: bool,
    /// A fixed table whose trailing empty occurrences are left out (a view's
    /// `drop_empty_occurs`).
    pub trim_empty: bool,
    /// The key a view shows this field under instead of its layout name.
    pub view_name: Option<String>,
}

pub(crate) struct Plan<'l> {
    pub root: Node<'l>,
    pub slot_count: usize,
    /// Slot names, for error messages.
    pub slot_names: Vec<String>,
    /// Some table's length depends on its contents (`Node::trim_empty`).
    pub trims: bool,
}

impl<'l> Plan<'l> {
    /// Compiles `layout` for records in code page `cp` (which must hold a non-ASCII
    /// currency sign of an edited field as one byte).
    pub fn new(layout: &'l Layout, cp: CodePage) -> Result<Plan<'l>, RecordError> {
        let mut slots: Vec<(Vec<usize>, String)> = Vec::new();
        let mut slot_of = |path: &[usize], name: &str| -> usize {
            if let Some(i) = slots.iter().position(|(p, _)| p == path) {
                return i;
            }
            slots.push((path.to_vec(), name.to_string()));
            slots.len() - 1
        };
        // First pass: give each counter and discriminator path a slot.
        let mut odo: Vec<(*const Field, usize)> = Vec::new();
        let mut sel: Vec<(*const Field, usize)> = Vec::new();
        let mut stack = vec![&layout.root];
        while let Some(f) = stack.pop() {
            if let Some(d) = f.occurs.as_ref().and_then(|o| o.depending_on.as_ref()) {
                odo.push((f as *const Field, slot_of(&d.path, &d.name)));
            }
            if let Some(s) = &f.select_when {
                sel.push((f as *const Field, slot_of(&s.field, &s.field_name)));
            }
            stack.extend(f.children());
        }
        let slot_names = slots.iter().map(|(_, n)| n.clone()).collect();
        let ctx = BuildCtx {
            cp,
            slots: &slots,
            odo: &odo,
            sel: &sel,
        };
        let root = ctx.node(&layout.root, &mut Vec::new())?;
        Ok(Plan {
            root,
            slot_count: slots.len(),
            slot_names,
            trims: false,
        })
    }
}

struct BuildCtx<'a> {
    cp: CodePage,
    slots: &'a [(Vec<usize>, String)],
    odo: &'a [(*const Field, usize)],
    sel: &'a [(*const Field, usize)],
}

impl BuildCtx<'_> {
    fn node<'l>(&self, f: &'l Field, path: &mut Vec<usize>) -> Result<Node<'l>, RecordError> {
        let ptr = f as *const Field;
        let find =
            |list: &[(*const Field, usize)]| list.iter().find(|(p, _)| *p == ptr).map(|x| x.1);
        // An ODO table inside another table (IBM's "table with variable-length elements")
        // is fine: its counter sits outside every table (checked when the layout is
        // built), so all elements of the outer table share one length per record.
        let odo_slot = find(self.odo);
        let slot_for_path = |p: &[usize]| self.slots.iter().position(|(sp, _)| sp == p);
        let is_counter = self
            .odo
            .iter()
            .any(|(_, s)| slot_for_path(path) == Some(*s));
        let is_disc = self
            .sel
            .iter()
            .any(|(_, s)| slot_for_path(path) == Some(*s));
        let select = find(self.sel).zip(f.select_when.as_ref().map(|s| s.values.as_slice()));
        let edited = match &f.kind {
            FieldKind::Item(DataType::Edited {
                picture, symbols, ..
            }) => {
                let err = |kind: RecordErrorKind| {
                    RecordError::new(f.json_name.clone(), f.offset, &[], kind)
                };
                let sign = symbols.currency_sign;
                // The field's length counts the sign as one character: it must be one
                // byte of this code page, or no record could hold it.
                if !sign.is_ascii()
                    && self.cp.encode(&sign.to_string()).map(|b| b.len()).ok() != Some(1)
                {
                    return Err(err(RecordErrorKind::Json(format!(
                        "the currency sign {sign} of the edited picture {picture} has no \
                         single-byte form in code page {}; use one that has it (e.g. \
                         cp1140-cp1149, iso-8859-15 for €, latin1 or cp285 for £)",
                        self.cp.name()
                    ))));
                }
                Some(EditedPicture::parse_with(picture, *symbols).map_err(|e| err(e.into()))?)
            }
            _ => None,
        };
        let mut children = Vec::new();
        for (i, c) in f.children().iter().enumerate() {
            path.push(i);
            let mut child = self.node(c, path)?;
            path.pop();
            if Field::is_transparent_in(f.children(), i) {
                child.transparent = true;
                child.hidden = false;
            }
            children.push(child);
        }
        let set_root: Vec<usize> = f
            .children()
            .iter()
            .enumerate()
            .map(|(i, c)| c.redefines.unwrap_or(i))
            .collect();
        let set_selected = set_root
            .iter()
            .map(|&r| {
                f.children()
                    .iter()
                    .enumerate()
                    .any(|(j, c)| set_root[j] == r && c.select_when.is_some())
            })
            .collect();
        let in_set = set_root
            .iter()
            .enumerate()
            .map(|(i, &r)| r != i || set_root.iter().skip(i + 1).any(|&r| r == i))
            .collect();
        let known = children
            .iter()
            .flat_map(|c| match (c.transparent, c.field.is_filler()) {
                (true, _) => c.known.clone(),
                (false, true) => Vec::new(),
                (false, false) => vec![c.field.json_name.as_str()],
            })
            .collect();
        let mut key = Vec::with_capacity(f.json_name.len() + 3);
        super::text::write_str(&mut key, f.json_name.as_bytes());
        key.push(b':');
        Ok(Node {
            field: f,
            key,
            children,
            set_root,
            set_selected,
            in_set,
            known,
            edited,
            counter_slot: if is_counter {
                slot_for_path(path)
            } else {
                None
            },
            disc_slot: if is_disc { slot_for_path(path) } else { None },
            odo_slot,
            select,
            hidden: f.is_filler(),
            transparent: false,
            capture: false,
            trim_empty: false,
            view_name: None,
        })
    }
}

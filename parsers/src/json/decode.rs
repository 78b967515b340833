//! Record bytes -> JSON text, in one pass, straight into the output buffer.

use crate::layout::{FieldKind, Layout};

use super::error::{RecordError, RecordErrorKind};
use super::flat::{Flat, Run};
use super::item::ItemWriter;
use super::path::{path_string, Seg};
use super::plan::{Node, Plan};
use super::trim::{drop_trailing_empty, Memo};
use super::view::View;
use super::walk_rules::{cut_text, table_shift, Slot, Slots, Table, TableAt};
use super::{CodecOptions, FieldErrorMode, RedefinesMode};

/// Decodes records of one layout to JSON objects.
pub struct Decoder<'l> {
    plan: Plan<'l>,
    /// The same plan as one loop, when the layout allows (see `flat.rs`).
    flat: Option<Flat<'l>>,
    layout: &'l Layout,
    st: State<'l>,
}

/// The walk's working state, apart from the plan it walks.
struct State<'l> {
    opts: CodecOptions,
    items: ItemWriter,
    slots: Slots,
    path: Vec<Seg<'l>>,
    /// The captured item's value text, once written (see [`super::View::capture`]).
    captured: Option<Vec<u8>>,
    /// Per trimmed table of the flat program, an element's bytes seen to decode empty.
    empties: Vec<Memo>,
}

/// What decoding one record gave besides its JSON.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Decoded {
    /// Bytes of the input that belong to this record (less than its length when an
    /// OCCURS DEPENDING ON table is shorter than its maximum).
    pub consumed: usize,
    /// Fields written as `null` because their bytes were invalid (FieldErrorMode::Null).
    pub field_errors: Vec<RecordError>,
    /// The JSON text of the item a view captures ([`super::View::capture`]), if the
    /// record holds it.
    pub captured: Option<Vec<u8>>,
}

struct Walk<'a> {
    rec: &'a [u8],
    mode: FieldErrorMode,
    errors: Vec<RecordError>,
}

impl<'l> Decoder<'l> {
    pub fn new(layout: &'l Layout, opts: CodecOptions) -> Result<Decoder<'l>, RecordError> {
        Self::with_view(layout, opts, &View::default())
    }

    /// A decoder that writes the layout as `view` reshapes it: omitted fields left out,
    /// renamed ones under their new keys, the captured item's text returned in
    /// [`Decoded::captured`]. Fails with [`RecordErrorKind::Json`] when the view cannot
    /// be applied exactly (see [`View`]).
    pub fn with_view(
        layout: &'l Layout,
        opts: CodecOptions,
        view: &View,
    ) -> Result<Decoder<'l>, RecordError> {
        let mut plan = Plan::new(layout, opts.codepage)?;
        view.apply(&mut plan, opts.redefines)?;
        let flat = Flat::compile(&plan, &opts, layout.max_len());
        let st = State {
            opts,
            items: ItemWriter::new(opts),
            slots: Slots::new(plan.slot_names.clone()),
            path: Vec::with_capacity(16),
            captured: None,
            empties: Vec::new(),
        };
        Ok(Decoder {
            plan,
            flat,
            layout,
            st,
        })
    }

    /// The layout this decoder was built for.
    pub fn layout(&self) -> &'l Layout {
        self.layout
    }

    /// Appends the JSON object for `record` to `out` (no newline). On error `out` is
    /// left as it was.
    pub fn decode(
        &mut self,
        record: &[u8],
        out: &mut Vec<u8>,
        mode: FieldErrorMode,
    ) -> Result<Decoded, RecordError> {
        let mark = out.len();
        if let Some(flat) = self.flat.as_ref().filter(|f| record.len() >= f.need) {
            let mut errors = Vec::new();
            let mut captured = None;
            let mut r = Run {
                items: &mut self.st.items,
                rec: record,
                mode,
                errors: &mut errors,
                captured: &mut captured,
                empties: &mut self.st.empties,
            };
            let run = flat.run(&mut r, out);
            return match run {
                Ok(()) => Ok(Decoded {
                    consumed: flat.need,
                    field_errors: errors,
                    captured,
                }),
                Err(e) => {
                    out.truncate(mark);
                    Err(e)
                }
            };
        }
        self.decode_tree_walk(record, out, mode)
    }

    /// True when records at least as long as the layout take the flat program.
    #[doc(hidden)]
    pub fn uses_flat(&self) -> bool {
        self.flat.is_some()
    }

    /// [`Self::decode`] through the general tree walk only: the reference the flat
    /// program is tested against (every layout, any record length).
    #[doc(hidden)]
    pub fn decode_tree_walk(
        &mut self,
        record: &[u8],
        out: &mut Vec<u8>,
        mode: FieldErrorMode,
    ) -> Result<Decoded, RecordError> {
        let mark = out.len();
        let st = &mut self.st;
        st.slots.reset();
        st.path.clear();
        st.captured = None;
        let mut w = Walk {
            rec: record,
            mode,
            errors: Vec::new(),
        };
        let mut delta: isize = 0;
        let root = &self.plan.root;
        // The root is the record object itself: a group's children are its members.
        let result = if matches!(root.field.kind, FieldKind::Group(_)) {
            st.group_body(root, &mut w, &mut delta, out)
        } else {
            out.push(b'{');
            let r = st.field(root, &mut w, &mut delta, out, &mut true);
            out.push(b'}');
            r
        };
        match result {
            Ok(()) => {
                let len = (self.layout.max_len() as isize + delta).max(0) as usize;
                Ok(Decoded {
                    consumed: len.min(record.len()),
                    field_errors: w.errors,
                    captured: st.captured.take(),
                })
            }
            Err(e) => {
                out.truncate(mark);
                Err(e)
            }
        }
    }
}

impl<'l> State<'l> {
    fn path_string(&self) -> String {
        path_string(&self.path)
    }

    /// `{ children }` of a group occurrence.
    fn group_body(
        &mut self,
        node: &Node<'l>,
        w: &mut Walk<'_>,
        delta: &mut isize,
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        out.push(b'{');
        let r = self.members(node, w, delta, out, &mut true);
        out.push(b'}');
        r
    }

    /// A group occurrence's members, each after a comma unless `first`.
    fn members(
        &mut self,
        node: &Node<'l>,
        w: &mut Walk<'_>,
        delta: &mut isize,
        out: &mut Vec<u8>,
        first: &mut bool,
    ) -> Result<(), RecordError> {
        for (i, child) in node.children.iter().enumerate() {
            let root = node.set_root[i];
            let emit = if node.set_selected[i] {
                self.selected(node, i)
            } else {
                match self.opts.redefines {
                    RedefinesMode::First => root == i,
                    RedefinesMode::All => true,
                }
            };
            if !emit {
                continue;
            }
            if self.opts.redefines == RedefinesMode::All && node.in_set[i] {
                // Inactive alternatives routinely hold bytes invalid for their types.
                let mark = out.len();
                let saved_first = *first;
                let mut quiet = Walk {
                    rec: w.rec,
                    mode: FieldErrorMode::Fail,
                    errors: Vec::new(),
                };
                let mut d = *delta;
                if self.field(child, &mut quiet, &mut d, out, first).is_err() {
                    out.truncate(mark);
                    *first = saved_first;
                    if !child.hidden {
                        if !*first {
                            out.push(b',');
                        }
                        *first = false;
                        out.extend_from_slice(&child.key);
                        out.extend_from_slice(b"null");
                    }
                }
                *delta = d;
            } else {
                self.field(child, w, delta, out, first)?;
            }
        }
        Ok(())
    }

    /// Whether member `i` of a discriminated REDEFINES set applies to this record.
    fn selected(&self, node: &Node<'l>, i: usize) -> bool {
        let all = self.opts.redefines == RedefinesMode::All;
        let root_of = |j: usize| node.set_root.get(j).copied().unwrap_or(usize::MAX);
        let select_of = |j: usize| node.children.get(j).and_then(|c| c.select);
        self.slots
            .selected(node.children.len(), i, root_of, select_of, all)
    }

    /// One field with its key: an array for OCCURS, else a single value.
    fn field(
        &mut self,
        node: &Node<'l>,
        w: &mut Walk<'_>,
        delta: &mut isize,
        out: &mut Vec<u8>,
        first: &mut bool,
    ) -> Result<(), RecordError> {
        let f = node.field;
        let start = (f.offset as isize + *delta).max(0) as usize;
        let Some(occurs) = &f.occurs else {
            if start >= w.rec.len() || f.size == 0 {
                return Ok(()); // wholly past the end of a short record: omitted
            }
            if node.transparent {
                // No key of its own, so no path segment either: its items' errors name
                // them where the JSON shows them.
                return self.members(node, w, delta, out, first);
            }
            self.path.push(Seg::Name(&f.json_name));
            if node.hidden {
                let r = self.value(node, w, start, delta, &mut Vec::new());
                self.path.pop();
                return r;
            }
            if !*first {
                out.push(b',');
            }
            *first = false;
            out.extend_from_slice(&node.key);
            let r = self.value(node, w, start, delta, out);
            self.path.pop();
            return r;
        };
        let at = TableAt::new(f, occurs, node.odo_slot, start, w.rec.len());
        let table = self
            .slots
            .table(&at, self.opts.odo_stored_max, w.mode, &mut self.path)?;
        let (count, n) = match table {
            Table::Elements { count, room } => (count, room),
            // Omitted, as every field past the end of a short record is.
            Table::Absent { shift } => {
                *delta += shift;
                return Ok(());
            }
            Table::BadCounter(e) => {
                if !node.hidden {
                    if !*first {
                        out.push(b',');
                    }
                    *first = false;
                    out.extend_from_slice(&node.key);
                    out.extend_from_slice(b"null");
                }
                w.errors.push(e);
                return Ok(());
            }
        };
        let mut sink = Vec::new();
        let target: &mut Vec<u8> = if node.hidden { &mut sink } else { out };
        if !node.hidden {
            if !*first {
                target.push(b',');
            }
            *first = false;
            target.extend_from_slice(&node.key);
        }
        target.push(b'[');
        self.path.push(Seg::Name(&f.json_name));
        // A view's trimmed tables hold no ODO table (see `mark_fixed_tables`): they
        // keep their static stride and move nothing.
        let shrink = if node.trim_empty {
            self.trimmed_elements(node, w, start, count, target)
                .map(|()| 0)
        } else {
            self.elements(node, w, start, count, target)
        };
        self.path.pop();
        target.push(b']');
        *delta += table_shift(n, occurs.max, f.size, shrink?);
        Ok(())
    }

    /// The table's `count` elements from `start`, as far as the record goes; returns how
    /// much shorter than its static size each element was. Elements follow one another
    /// at their actual length: an ODO table inside the element (IBM's complex ODO)
    /// makes it shorter than its static size.
    fn elements(
        &mut self,
        node: &Node<'l>,
        w: &mut Walk<'_>,
        start: usize,
        count: usize,
        target: &mut Vec<u8>,
    ) -> Result<isize, RecordError> {
        let size = node.field.size as isize;
        let mut shrink = 0;
        let mut elem_start = start;
        for i in 0..count {
            if elem_start >= w.rec.len() {
                break;
            }
            shrink = self.element(node, w, elem_start, i, target)?;
            elem_start = (elem_start as isize + size + shrink).max(0) as usize;
        }
        Ok(shrink)
    }

    /// Occurrence `i` of a table, at `elem_start`, with its separating comma; returns
    /// how much shorter than its static size it was.
    fn element(
        &mut self,
        node: &Node<'l>,
        w: &mut Walk<'_>,
        elem_start: usize,
        i: usize,
        target: &mut Vec<u8>,
    ) -> Result<isize, RecordError> {
        if i > 0 {
            target.push(b',');
        }
        self.path.push(Seg::Index(i));
        // Children of an element sit at their static offsets moved to this element.
        let moved = elem_start as isize - node.field.offset as isize;
        let mut elem_delta = moved;
        let r = self.value(node, w, elem_start, &mut elem_delta, target);
        self.path.pop();
        r.map(|()| elem_delta - moved)
    }

    /// A fixed table without its trailing empty occurrences (a view's
    /// `drop_empty_occurs`): see [`drop_trailing_empty`].
    fn trimmed_elements(
        &mut self,
        node: &Node<'l>,
        w: &mut Walk<'_>,
        start: usize,
        count: usize,
        target: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        let size = node.field.size;
        let rec = w.rec;
        let bytes = |i: usize| {
            let at = start + i * size;
            rec.get(at..(at + size).min(rec.len())).unwrap_or_default()
        };
        let space = self.opts.codepage.space();
        // No memo: the walk serves layouts whose elements may depend on other fields.
        drop_trailing_empty(target, count, size, space, bytes, None, |i, out| {
            self.element(node, w, start + i * size, i, out).map(|_| ())
        })
    }

    /// The value of one occurrence at `start`.
    fn value(
        &mut self,
        node: &Node<'l>,
        w: &mut Walk<'_>,
        start: usize,
        delta: &mut isize,
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        let f = node.field;
        let dt = match &f.kind {
            FieldKind::Group(_) => return self.group_body(node, w, delta, out),
            FieldKind::Item(dt) => dt,
        };
        let len = dt.byte_len();
        let bytes = match w.rec.get(start..start + len) {
            Some(b) => b,
            None => {
                let have = w.rec.get(start..).unwrap_or_default();
                match cut_text(dt, have) {
                    // Text cut short by the record's end (segmented files drop the last
                    // field's tail): what the host program sees is the bytes that are there.
                    Some(part) => part,
                    None => {
                        return self.bad(
                            w,
                            out,
                            start,
                            have,
                            RecordErrorKind::CutShort {
                                have: have.len(),
                                need: len,
                            },
                        )
                    }
                }
            }
        };
        let mark = out.len();
        match self.items.item(f, dt, node.edited.as_ref(), bytes, out) {
            Ok(()) => {
                if node.capture && self.captured.is_none() {
                    self.captured = out.get(mark..).map(<[u8]>::to_vec);
                }
                self.capture(node, &out[mark..]);
                Ok(())
            }
            Err(kind) => {
                out.truncate(mark);
                self.bad(w, out, start, bytes, kind)
            }
        }
    }

    /// Stores a counter's or discriminator's value for the fields that follow.
    fn capture(&mut self, node: &Node<'l>, json: &[u8]) {
        // Most fields feed nothing: skip the UTF-8 check and trim they would cost.
        if node.counter_slot.is_none() && node.disc_slot.is_none() {
            return;
        }
        let text = std::str::from_utf8(json).unwrap_or("").trim_matches('"');
        if let Some(slot) = node.counter_slot {
            let count = match text.parse::<i128>() {
                Ok(n) => Slot::Count(n),
                Err(_) => Slot::Unset,
            };
            self.slots.set(slot, count);
        }
        if let Some(slot) = node.disc_slot {
            self.slots.set(slot, Slot::Text(text.to_string()));
        }
    }

    fn bad(
        &self,
        w: &mut Walk<'_>,
        out: &mut Vec<u8>,
        offset: usize,
        bytes: &[u8],
        kind: RecordErrorKind,
    ) -> Result<(), RecordError> {
        let e = RecordError::new(self.path_string(), offset, bytes, kind);
        match w.mode {
            FieldErrorMode::Fail => Err(e),
            FieldErrorMode::Null => {
                out.extend_from_slice(b"null");
                w.errors.push(e);
                Ok(())
            }
        }
    }
}

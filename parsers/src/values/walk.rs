//! The typed walk: record bytes -> [`Event`]s, by the JSON decoder's rules for where each
//! field sits (OCCURS DEPENDING ON shifts, REDEFINES choices, short records).

use crate::json::path::{path_string, Seg};
use crate::json::walk_rules::{cut_text, table_shift, Slot, Slots, Table, TableAt};
use crate::json::{CodecOptions, FieldErrorMode, RecordError, RecordErrorKind, RedefinesMode};
use crate::layout::{FieldKind, Layout};

use super::shape::{Shape, ShapeNode};
use super::{item, Event, Value};

/// One decoded record: its events and the text they point into. Reused from record to
/// record, so a batch decodes without allocating per record once buffers have grown.
#[derive(Debug, Default, Clone)]
pub struct RecordValues {
    pub events: Vec<Event>,
    /// Text of every [`Value::Text`] event, back to back.
    pub text: String,
    /// Bytes of the input that belong to this record.
    pub consumed: usize,
    /// Fields given as [`Event::Null`] because their bytes were invalid
    /// ([`FieldErrorMode::Null`]).
    pub field_errors: Vec<RecordError>,
}

impl RecordValues {
    /// The text of a [`Value::Text`].
    pub fn text_of(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or_default()
    }

    fn clear(&mut self) {
        self.events.clear();
        self.text.clear();
        self.consumed = 0;
        self.field_errors.clear();
    }
}

/// Decodes records of one layout to typed values.
pub struct ValueDecoder<'l> {
    shape: Shape<'l>,
    layout: &'l Layout,
    st: State<'l>,
}

/// The walk's working state, apart from the shape it walks.
struct State<'l> {
    opts: CodecOptions,
    slots: Slots,
    path: Vec<Seg<'l>>,
}

/// Where the walk writes, and how it treats a bad field.
struct Walk<'a> {
    rec: &'a [u8],
    mode: FieldErrorMode,
    out: &'a mut RecordValues,
}

impl<'l> ValueDecoder<'l> {
    pub fn new(layout: &'l Layout, opts: CodecOptions) -> Result<Self, RecordError> {
        let shape = Shape::new(layout, opts.redefines)?;
        let st = State {
            opts,
            slots: Slots::new(shape.slots.iter().map(|(_, n)| n.clone()).collect()),
            path: Vec::with_capacity(16),
        };
        Ok(ValueDecoder { shape, layout, st })
    }

    /// The shape every record's events follow.
    pub fn shape(&self) -> &Shape<'l> {
        &self.shape
    }

    pub fn options(&self) -> &CodecOptions {
        &self.st.opts
    }

    /// Decodes `record` into `out` (cleared first). With [`FieldErrorMode::Fail`] the
    /// first bad field fails the record; with `Null` it becomes [`Event::Null`] and is
    /// reported in [`RecordValues::field_errors`].
    pub fn decode(
        &mut self,
        record: &[u8],
        mode: FieldErrorMode,
        out: &mut RecordValues,
    ) -> Result<(), RecordError> {
        out.clear();
        let st = &mut self.st;
        st.slots.reset();
        st.path.clear();
        let mut w = Walk {
            rec: record,
            mode,
            out,
        };
        let mut delta = 0isize;
        let root = &self.shape.root;
        if matches!(root.field.kind, FieldKind::Group(_)) {
            st.members(root, &mut w, &mut delta)?;
        } else {
            st.field(root, &mut w, &mut delta)?;
        }
        let len = (self.layout.max_len() as isize + delta).max(0) as usize;
        w.out.consumed = len.min(record.len());
        Ok(())
    }
}

impl<'l> State<'l> {
    fn path_string(&self) -> String {
        path_string(self.path.iter())
    }

    /// A group occurrence's members.
    fn members(
        &mut self,
        node: &ShapeNode<'l>,
        w: &mut Walk<'_>,
        delta: &mut isize,
    ) -> Result<(), RecordError> {
        for (i, child) in node.children.iter().enumerate() {
            let emit = if child.set_selected {
                self.selected(node, i)
            } else {
                match self.opts.redefines {
                    RedefinesMode::First => child.set_root == i,
                    RedefinesMode::All => true,
                }
            };
            if !emit {
                if child.shown {
                    w.out.events.push(Event::Null);
                }
                continue;
            }
            if self.opts.redefines == RedefinesMode::All && child.in_set {
                // Inactive alternatives routinely hold bytes invalid for their types.
                let mark = w.out.events.len();
                let saved = std::mem::take(&mut w.out.field_errors);
                let mut d = *delta;
                let mut quiet = Walk {
                    rec: w.rec,
                    mode: FieldErrorMode::Fail,
                    out: w.out,
                };
                let failed = self.field(child, &mut quiet, &mut d).is_err();
                w.out.field_errors = saved;
                if failed {
                    w.out.events.truncate(mark);
                    if child.shown {
                        w.out.events.push(Event::Null);
                    }
                }
                *delta = d;
            } else {
                self.field(child, w, delta)?;
            }
        }
        Ok(())
    }

    /// Whether member `i` of a discriminated REDEFINES set applies to this record.
    fn selected(&self, node: &ShapeNode<'l>, i: usize) -> bool {
        let all = self.opts.redefines == RedefinesMode::All;
        let root_of = |j: usize| node.children.get(j).map_or(usize::MAX, |c| c.set_root);
        let select_of = |j: usize| node.children.get(j).and_then(|c| c.select);
        self.slots
            .selected(node.children.len(), i, root_of, select_of, all)
    }

    /// Nulls for a field the record does not hold: one, or one per member a transparent
    /// FILLER group shows.
    fn absent(node: &ShapeNode<'l>, w: &mut Walk<'_>) {
        if node.transparent {
            for _ in Shape::members(node) {
                w.out.events.push(Event::Null);
            }
        } else if node.shown {
            w.out.events.push(Event::Null);
        }
    }

    /// One field: a list for OCCURS, else a single value. A hidden field (FILLER) is
    /// walked for its length and errors, its events dropped.
    fn field(
        &mut self,
        node: &ShapeNode<'l>,
        w: &mut Walk<'_>,
        delta: &mut isize,
    ) -> Result<(), RecordError> {
        let mark = w.out.events.len();
        let r = self.field_events(node, w, delta);
        if !node.shown && !node.transparent {
            w.out.events.truncate(mark);
        }
        r
    }

    fn field_events(
        &mut self,
        node: &ShapeNode<'l>,
        w: &mut Walk<'_>,
        delta: &mut isize,
    ) -> Result<(), RecordError> {
        let f = node.field;
        let start = (f.offset as isize + *delta).max(0) as usize;
        let Some(occurs) = &f.occurs else {
            if start >= w.rec.len() || f.size == 0 {
                Self::absent(node, w);
                return Ok(());
            }
            if node.transparent {
                return self.members(node, w, delta);
            }
            self.path.push(Seg::Name(&f.json_name));
            let r = self.value(node, w, start, delta);
            self.path.pop();
            return r;
        };
        let at = TableAt::new(f, occurs, node.odo_slot, start, w.rec.len());
        let table = self
            .slots
            .table(&at, self.opts.odo_stored_max, w.mode, &mut self.path)?;
        let (count, n) = match table {
            Table::Elements { count, room } => (count, room),
            Table::Absent { shift } => {
                *delta += shift;
                w.out.events.push(Event::Null);
                return Ok(());
            }
            Table::BadCounter(e) => {
                w.out.events.push(Event::Null);
                w.out.field_errors.push(e);
                return Ok(());
            }
        };
        let head = w.out.events.len();
        w.out.events.push(Event::List(0));
        self.path.push(Seg::Name(&f.json_name));
        let mut shrink: isize = 0;
        let mut elem_start = start;
        let mut written = 0;
        for i in 0..count {
            if elem_start >= w.rec.len() {
                break;
            }
            self.path.push(Seg::Index(i));
            let moved = elem_start as isize - f.offset as isize;
            let mut elem_delta = moved;
            let r = self.value(node, w, elem_start, &mut elem_delta);
            self.path.pop();
            if let Err(e) = r {
                self.path.pop();
                return Err(e);
            }
            written += 1;
            shrink = elem_delta - moved;
            elem_start = (elem_start as isize + f.size as isize + shrink).max(0) as usize;
        }
        self.path.pop();
        if let Some(ev) = w.out.events.get_mut(head) {
            *ev = Event::List(written);
        }
        w.out.events.push(Event::End);
        *delta += table_shift(n, occurs.max, f.size, shrink);
        Ok(())
    }

    /// The value of one occurrence at `start`.
    fn value(
        &mut self,
        node: &ShapeNode<'l>,
        w: &mut Walk<'_>,
        start: usize,
        delta: &mut isize,
    ) -> Result<(), RecordError> {
        let f = node.field;
        let dt = match &f.kind {
            FieldKind::Group(_) => {
                w.out.events.push(Event::Group);
                self.members(node, w, delta)?;
                w.out.events.push(Event::End);
                return Ok(());
            }
            FieldKind::Item(dt) => dt,
        };
        let len = dt.byte_len();
        let bytes = match w.rec.get(start..start + len) {
            Some(b) => b,
            None => {
                let have = w.rec.get(start..).unwrap_or_default();
                match cut_text(dt, have) {
                    Some(part) => part,
                    None => {
                        let kind = RecordErrorKind::CutShort {
                            have: have.len(),
                            need: len,
                        };
                        return self.bad(w, start, have, kind);
                    }
                }
            }
        };
        match item::item(
            &self.opts,
            f,
            dt,
            node.edited.as_ref(),
            bytes,
            &mut w.out.text,
        ) {
            Ok(Some(v)) => {
                if let Some(slot) = node.slot {
                    self.slots.set(slot, capture(&v, &w.out.text));
                }
                w.out.events.push(Event::Value(v));
                Ok(())
            }
            Ok(None) => {
                w.out.events.push(Event::Null);
                Ok(())
            }
            Err(kind) => self.bad(w, start, bytes, kind),
        }
    }

    fn bad(
        &self,
        w: &mut Walk<'_>,
        offset: usize,
        bytes: &[u8],
        kind: RecordErrorKind,
    ) -> Result<(), RecordError> {
        let e = RecordError::new(self.path_string(), offset, bytes, kind);
        match w.mode {
            FieldErrorMode::Fail => Err(e),
            FieldErrorMode::Null => {
                w.out.events.push(Event::Null);
                w.out.field_errors.push(e);
                Ok(())
            }
        }
    }
}

/// What a counter or discriminator passes on: a whole count, and the value as text
/// (the JSON decoder's text of it, quotes aside).
fn capture(v: &Value, text: &str) -> Slot {
    match v {
        Value::Text { start, end } => Slot::Text(text.get(*start..*end).unwrap_or("").into()),
        Value::Decimal(d) if d.scale() == 0 => match d.to_i128() {
            Ok(n) => Slot::Count(n),
            Err(_) => Slot::Unset,
        },
        Value::Decimal(d) => {
            let mut b = Vec::new();
            d.write_json(&mut b);
            Slot::Text(String::from_utf8(b).unwrap_or_default())
        }
        Value::Float(f) => Slot::Text(f.to_string()),
    }
}

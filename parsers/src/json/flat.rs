//! The decode plan flattened into a straight-line program, for layouts whose JSON shape
//! never depends on the data (no OCCURS DEPENDING ON, no selected REDEFINES, no
//! REDEFINES shown all at once): one step per elementary item occurrence, each with its
//! absolute offset and the JSON text that goes before its value (commas, keys, `{`, `[`,
//! closing brackets), run in one loop with no recursion and no path stack.
//!
//! Fixed tables whose trailing empty occurrences a view drops (`drop_empty_occurs`) stay
//! on this path: such a table is one marker step followed by its elements' steps, each
//! element a self-contained run (its closing text included), so the runner can defer,
//! replay and cut whole elements as the walk does.
//!
//! It writes exactly what the general tree walk in `decode.rs` writes for records at
//! least as long as the layout; the decoder uses the walk for shorter records. A field
//! path is rebuilt from the step only when an error needs it.

use crate::codepage::CodePage;
use crate::layout::{DataType, Field, FieldKind};
use crate::numeric::edited::EditedPicture;

use super::error::{RecordError, RecordErrorKind};
use super::item::ItemWriter;
use super::path::{path_string, Seg};
use super::plan::{Node, Plan};
use super::trim::{drop_trailing_empty, Memo};
use super::value_op::ValueOp;
use super::{CodecOptions, FieldErrorMode, RedefinesMode};

/// More steps than this (huge tables) are left to the tree walk, to bound the plan's size.
const MAX_STEPS: usize = 1 << 16;

/// Tables up to this many bytes remember their empty elements (see `Flat::trimmed`).
const MEMO_MAX_BYTES: usize = 4096;

/// No parent segment.
const ROOT: u32 = u32::MAX;

/// Leading text up to this long is also kept in the step itself, copied as one
/// fixed-size block and cut back: cheaper than a `memcpy` call of variable length.
const SHORT: usize = 32;

/// One elementary item occurrence, or a marker that structures trimmed tables.
struct Step<'l> {
    /// JSON text written before the value: `text[pre.0..pre.1]`.
    pre: (u32, u32),
    /// The same text zero-padded, when it is at most `SHORT` bytes.
    short: Option<[u8; SHORT]>,
    offset: usize,
    len: usize,
    op: Op<'l>,
    /// Its segment in `Flat::segs`, for the error path.
    seg: u32,
    /// Part of a FILLER: decoded (its errors count) but not shown.
    hidden: bool,
    /// Shown, not captured, with a value op that has a fast writer: the loop tries
    /// that inline and leaves only what it declines to [`Flat::item`].
    fast: bool,
}

/// What a step does after writing its leading text.
enum Op<'l> {
    /// Writes one value.
    Item {
        field: &'l Field,
        dt: &'l DataType,
        /// Index into `Flat::edited` for numeric-edited items.
        edited: Option<u32>,
        /// Its writer, chosen for its type and the options at compile time.
        value: ValueOp<'l>,
    },
    /// Runs trimmed table `Flat::tables[n]`, whose elements' steps follow.
    Table(u32),
    /// Nothing: the text that closes a trimmed table's element.
    Text,
}

/// A fixed table without its trailing empty occurrences: element `i`'s steps are
/// `first + i * per .. first + (i + 1) * per`.
struct Table {
    first: usize,
    per: usize,
    count: usize,
    /// Record offset and byte size of element 0.
    offset: usize,
    size: usize,
}

/// One record's run: what every step reads and writes.
pub(crate) struct Run<'a, 'r> {
    pub items: &'a mut ItemWriter,
    pub rec: &'r [u8],
    pub mode: FieldErrorMode,
    /// Field errors in Null mode.
    pub errors: &'a mut Vec<RecordError>,
    /// The captured item's value text (see [`super::View::capture`]).
    pub captured: &'a mut Option<Vec<u8>>,
    /// Per trimmed table, an element's bytes seen to decode empty (see
    /// [`drop_trailing_empty`]); kept by the decoder from record to record.
    pub empties: &'a mut Vec<Memo>,
}

/// The flat program for one layout and one set of options.
pub(crate) struct Flat<'l> {
    steps: Vec<Step<'l>>,
    /// Every step's leading text, back to back.
    text: Vec<u8>,
    /// Text after the last value (closing brackets).
    tail: (u32, u32),
    /// Path segments, each with its parent's index (ROOT for none).
    segs: Vec<(u32, Seg<'l>)>,
    edited: Vec<EditedPicture>,
    tables: Vec<Table>,
    /// Bytes a record needs for this program to apply (the layout's length).
    pub need: usize,
    /// The step whose value text a view captures (the first occurrence of its item).
    capture: Option<usize>,
}

impl<'l> Flat<'l> {
    /// The flat program, or `None` when the layout needs the general walk.
    pub fn compile(plan: &Plan<'l>, opts: &CodecOptions, need: usize) -> Option<Flat<'l>> {
        if plan.slot_count > 0 {
            // ODO counters or REDEFINES selectors: the shape varies.
            return None;
        }
        let mut b = Builder {
            flat: Flat {
                steps: Vec::new(),
                text: Vec::new(),
                tail: (0, 0),
                segs: Vec::new(),
                edited: Vec::new(),
                tables: Vec::new(),
                need,
                capture: None,
            },
            pending: Vec::new(),
            all_alternatives: opts.redefines == RedefinesMode::All,
            opts: *opts,
            total_text: decodes_every_byte(opts.codepage),
        };
        let root = &plan.root;
        b.pending.push(b'{');
        if matches!(root.field.kind, FieldKind::Group(_)) {
            b.members(root, 0, ROOT, false, &mut true)?;
        } else {
            b.field(root, 0, &mut true, ROOT, false)?;
        }
        b.pending.push(b'}');
        let start = b.text_len()?;
        b.flat.text.extend_from_slice(&b.pending);
        b.flat.tail = (start, b.text_len()?);
        Some(b.flat)
    }

    /// Appends the JSON object for `r.rec` (at least `need` bytes) to `out`. Field
    /// errors go to `r.errors` in Null mode; in Fail mode the first one is returned
    /// (`out` is then partly written: the caller truncates).
    pub fn run(&self, r: &mut Run<'_, '_>, out: &mut Vec<u8>) -> Result<(), RecordError> {
        if r.empties.len() != self.tables.len() {
            r.empties.resize(self.tables.len(), Vec::new());
        }
        self.steps(0, self.steps.len(), r, out)?;
        out.extend_from_slice(self.slice(self.tail));
        Ok(())
    }

    /// Runs steps `lo..hi`.
    fn steps(
        &self,
        lo: usize,
        hi: usize,
        r: &mut Run<'_, '_>,
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        let steps = self.steps.get(lo..hi).unwrap_or_default();
        let mut it = steps.iter().enumerate();
        while let Some((k, step)) = it.next() {
            match &step.short {
                Some(text) => {
                    let end = out.len() + (step.pre.1 - step.pre.0) as usize;
                    out.extend_from_slice(text);
                    out.truncate(end);
                }
                None => out.extend_from_slice(self.slice(step.pre)),
            }
            match step.op {
                Op::Item {
                    field,
                    dt,
                    edited,
                    value,
                } => {
                    let bytes = r.rec.get(step.offset..step.offset + step.len);
                    if let (true, Some(bytes)) = (step.fast, bytes) {
                        if value.write_fast(r.items, bytes, out) {
                            continue;
                        }
                    }
                    self.item(lo + k, step, (field, dt, edited, value), r, out)?;
                }
                Op::Table(t) => {
                    let Some(table) = self.tables.get(t as usize) else {
                        break; // every marker names a table: unreachable
                    };
                    self.trimmed(t as usize, table, r, out)?;
                    // Its elements' steps, which follow, have been run.
                    if let Some(last) = (table.per * table.count).checked_sub(1) {
                        it.nth(last);
                    }
                }
                Op::Text => {}
            }
        }
        Ok(())
    }

    /// Step `i`'s value: the general path, with errors, FILLER and captures. Kept out
    /// of line so the loop around the fast writers stays small.
    #[inline(never)]
    fn item(
        &self,
        i: usize,
        step: &Step<'l>,
        (field, dt, edited, value): (&Field, &DataType, Option<u32>, ValueOp<'_>),
        r: &mut Run<'_, '_>,
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        let Some(bytes) = r.rec.get(step.offset..step.offset + step.len) else {
            // `need` covers every step: only a caller ignoring it gets here.
            let have = r.rec.get(step.offset..).unwrap_or_default();
            let kind = RecordErrorKind::CutShort {
                have: have.len(),
                need: step.len,
            };
            return Err(RecordError::new(self.path(i), step.offset, have, kind));
        };
        let mark = out.len();
        let edited = edited.and_then(|e| self.edited.get(e as usize));
        let written = value.write(r.items, bytes, out, |items, out| {
            items.item(field, dt, edited, bytes, out)
        });
        match written {
            Ok(()) => {
                if self.capture == Some(i) {
                    *r.captured = out.get(mark..).map(<[u8]>::to_vec);
                }
                if step.hidden {
                    out.truncate(mark);
                }
            }
            Err(kind) => {
                out.truncate(mark);
                let e = RecordError::new(self.path(i), step.offset, bytes, kind);
                match r.mode {
                    FieldErrorMode::Fail => return Err(e),
                    FieldErrorMode::Null => {
                        if !step.hidden {
                            out.extend_from_slice(b"null");
                        }
                        r.errors.push(e);
                    }
                }
            }
        }
        Ok(())
    }

    /// A table without its trailing empty occurrences: see [`drop_trailing_empty`].
    fn trimmed(
        &self,
        id: usize,
        t: &Table,
        r: &mut Run<'_, '_>,
        out: &mut Vec<u8>,
    ) -> Result<(), RecordError> {
        let space = r.items.opts.codepage.space();
        let rec = r.rec;
        let bytes = |i: usize| {
            let at = t.offset + i * t.size;
            rec.get(at..at + t.size).unwrap_or_default()
        };
        // An element here decodes from its own bytes alone (the flat program's shape
        // never depends on the data), so bytes once seen empty are empty again. Not
        // when an element holds the captured item (decoding sets it), nor in Null mode
        // (an element's decode may have recorded errors).
        let captures = self
            .capture
            .is_some_and(|c| (t.first..t.first + t.count * t.per).contains(&c));
        // The memo is kept per pooled decoder: only small tables (a host's list of a
        // few entries), so it stays a few KiB per table whatever the layout.
        let small = t.count.saturating_mul(t.size) <= MEMO_MAX_BYTES;
        let memoised = r.mode == FieldErrorMode::Fail && !captures && small;
        let mut memo = if memoised {
            r.empties.get_mut(id).map(std::mem::take)
        } else {
            None
        };
        let done = drop_trailing_empty(
            out,
            t.count,
            t.size,
            space,
            bytes,
            memo.as_mut(),
            |i, out| self.steps(t.first + i * t.per, t.first + (i + 1) * t.per, r, out),
        );
        if let (Some(m), Some(slot)) = (memo, r.empties.get_mut(id)) {
            *slot = m;
        }
        done
    }

    fn slice(&self, (a, b): (u32, u32)) -> &[u8] {
        self.text.get(a as usize..b as usize).unwrap_or_default()
    }

    /// The field path of step `i`, as the tree walk would have it.
    fn path(&self, i: usize) -> String {
        let mut segs = Vec::new();
        let mut at = self.steps.get(i).map_or(ROOT, |s| s.seg);
        while let Some(&(parent, seg)) = self.segs.get(at as usize) {
            segs.push(seg);
            at = parent;
        }
        path_string(segs.iter().rev())
    }
}

/// True when every byte of single-byte page `cp` decodes (cp037 and the other EBCDIC
/// pages, latin1): then decoding text never fails, whatever the bytes. A single-byte
/// page decodes each byte alone, so one pass over all 256 of them tells.
fn decodes_every_byte(cp: CodePage) -> bool {
    let every: [u8; 256] = std::array::from_fn(|i| i as u8);
    cp.is_single_byte() && cp.decode_to_utf8(&every, &mut Vec::new()).is_ok()
}

/// Walks the plan in the tree walk's order, collecting text between values.
struct Builder<'l> {
    flat: Flat<'l>,
    /// Text since the last step's value.
    pending: Vec<u8>,
    all_alternatives: bool,
    opts: CodecOptions,
    /// The code page decodes every byte: text can neither fail nor, hidden, show.
    total_text: bool,
}

impl<'l> Builder<'l> {
    fn text_len(&self) -> Option<u32> {
        u32::try_from(self.flat.text.len()).ok()
    }

    fn seg(&mut self, parent: u32, seg: Seg<'l>) -> Option<u32> {
        self.flat.segs.push((parent, seg));
        u32::try_from(self.flat.segs.len() - 1).ok()
    }

    /// A group occurrence's members; `delta` moves static offsets to this occurrence.
    fn members(
        &mut self,
        node: &Node<'l>,
        delta: usize,
        seg: u32,
        hidden: bool,
        first: &mut bool,
    ) -> Option<()> {
        for (i, child) in node.children.iter().enumerate() {
            if node.in_set[i] && self.all_alternatives {
                return None; // alternatives decoded quietly, bad ones null: the walk's job
            }
            if node.set_root[i] != i {
                continue; // RedefinesMode::First shows only the redefined item
            }
            self.field(child, delta, first, seg, hidden)?;
        }
        Some(())
    }

    /// One member with its key: an array for OCCURS, else a single value.
    fn field(
        &mut self,
        node: &Node<'l>,
        delta: usize,
        first: &mut bool,
        parent: u32,
        hidden: bool,
    ) -> Option<()> {
        let f = node.field;
        // Empty fields and tables are omitted by the walk only when they sit at the end
        // of the record; leave such layouts to it.
        if f.size == 0 || f.occurs.as_ref().is_some_and(|o| o.max == 0) {
            return None;
        }
        let start = f.offset + delta;
        if node.transparent {
            // Its members join the parent's object, under the parent's path (as the walk).
            return self.members(node, delta, parent, hidden, first);
        }
        let hidden = hidden || node.hidden;
        if !hidden {
            if !*first {
                self.pending.push(b',');
            }
            *first = false;
            self.pending.extend_from_slice(&node.key);
        }
        let seg = self.seg(parent, Seg::Name(&f.json_name))?;
        let Some(occurs) = &f.occurs else {
            return self.value(node, start, delta, seg, hidden);
        };
        if !hidden {
            self.pending.push(b'[');
        }
        let table = if node.trim_empty {
            let t = u32::try_from(self.flat.tables.len()).ok()?;
            self.push(start, 0, Op::Table(t), seg, hidden)?;
            self.flat.tables.push(Table {
                first: self.flat.steps.len(),
                per: 0,
                count: occurs.max,
                offset: start,
                size: f.size,
            });
            Some(t as usize)
        } else {
            None
        };
        for i in 0..occurs.max {
            if i > 0 && !hidden {
                self.pending.push(b',');
            }
            let elem = self.seg(seg, Seg::Index(i))?;
            // Members of an element sit at their static offsets moved to this element.
            let elem_start = start + i * f.size;
            self.value(node, elem_start, elem_start - f.offset, elem, hidden)?;
            if table.is_some() && !self.pending.is_empty() {
                // An element's closing text is its own, so it can be cut with it.
                self.push(elem_start, 0, Op::Text, elem, hidden)?;
            }
        }
        if let Some(t) = table.and_then(|t| self.flat.tables.get_mut(t)) {
            // Elements share one shape, so they have as many steps each.
            let steps = self.flat.steps.len() - t.first;
            t.per = steps / occurs.max;
            if t.per * occurs.max != steps {
                return None;
            }
        }
        if !hidden {
            self.pending.push(b']');
        }
        Some(())
    }

    /// One occurrence's value at `start`.
    fn value(
        &mut self,
        node: &Node<'l>,
        start: usize,
        delta: usize,
        seg: u32,
        hidden: bool,
    ) -> Option<()> {
        let f = node.field;
        let dt = match &f.kind {
            FieldKind::Group(_) => {
                if !hidden {
                    self.pending.push(b'{');
                }
                self.members(node, delta, seg, hidden, &mut true)?;
                if !hidden {
                    self.pending.push(b'}');
                }
                return Some(());
            }
            FieldKind::Item(dt) => dt,
        };
        let len = dt.byte_len();
        if start + len > self.flat.need {
            return None;
        }
        let edited = match &node.edited {
            Some(p) => {
                self.flat.edited.push(p.clone());
                Some(u32::try_from(self.flat.edited.len() - 1).ok()?)
            }
            None => None,
        };
        if node.capture && self.flat.capture.is_none() {
            self.flat.capture = Some(self.flat.steps.len());
        } else if hidden && self.total_text && matches!(dt, DataType::Alphanumeric { .. }) {
            // Hidden text (a FILLER, an omitted field) that cannot fail writes nothing
            // and reports nothing: no step. Its leading text stays pending for the next.
            return Some(());
        }
        let value = match edited {
            Some(_) => ValueOp::General,
            None => ValueOp::compile(f, dt, &self.opts),
        };
        let op = Op::Item {
            field: f,
            dt,
            edited,
            value,
        };
        self.push(start, len, op, seg, hidden)
    }

    /// Appends a step that takes the pending text as its own.
    fn push(
        &mut self,
        offset: usize,
        len: usize,
        op: Op<'l>,
        seg: u32,
        hidden: bool,
    ) -> Option<()> {
        if self.flat.steps.len() >= MAX_STEPS {
            return None;
        }
        let a = self.text_len()?;
        self.flat.text.extend_from_slice(&self.pending);
        let pre = (a, self.text_len()?);
        let short = (self.pending.len() <= SHORT).then(|| {
            let mut text = [0u8; SHORT];
            text.iter_mut()
                .zip(&self.pending)
                .for_each(|(t, &p)| *t = p);
            text
        });
        self.pending.clear();
        let captured = self.flat.capture == Some(self.flat.steps.len());
        let fast = !hidden
            && !captured
            && matches!(op, Op::Item { value, .. } if !matches!(value, ValueOp::General));
        self.flat.steps.push(Step {
            pre,
            short,
            offset,
            len,
            op,
            seg,
            hidden,
            fast,
        });
        Some(())
    }
}

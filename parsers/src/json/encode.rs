//! JSON values -> record bytes. The exact inverse of the decoder for records it wrote.

use serde_json::Value;

use crate::dialect::Endian;
use crate::layout::{DataType, Field, FieldKind, Layout, Literal};
use crate::numeric::{self, zoned::ZonedCode, Decimal};

use super::blank::can_be_blank;
use super::error::{RecordError, RecordErrorKind};
use super::input::{kind, Input, Object, Shape};
use super::path::{path_string, Seg};
use super::plan::{Node, Plan};
use super::{BlankNumbers, CodecOptions};

/// Encodes JSON objects into records of one layout.
pub struct Encoder<'l> {
    plan: Plan<'l>,
    layout: &'l Layout,
    st: State<'l>,
}

/// Where an ODO counter was written, so its table can check or fill it in.
#[derive(Clone, Copy)]
struct CounterAt<'l> {
    start: usize,
    field: &'l Field,
    given: Option<i128>,
}

struct State<'l> {
    opts: CodecOptions,
    zoned: ZonedCode,
    counters: Vec<Option<CounterAt<'l>>>,
    path: Vec<Seg<'l>>,
    scratch: Vec<u8>,
    /// Start of the first absent field after the last present one (short records).
    tail_cut: Option<usize>,
    /// The record may end before its last fields (`trim_absent_tail`).
    trim: bool,
    /// An ODO table given fewer elements than its counter says, accepted because the
    /// record may end there: where its first missing element starts, and the error if
    /// something after it is present after all.
    short_table: Option<(usize, RecordError)>,
    /// When set, field errors are gathered here and encoding goes on (see `encode_all`).
    collected: Option<Vec<RecordError>>,
    /// [`Encoder::set_trim_trailing`]: short records end after their last text's content.
    trim_text: bool,
    /// The last present item written: where it ends, and for left-justified text where
    /// its content ends (trailing spaces dropped, at least one byte kept).
    last_item: Option<(usize, Option<usize>)>,
}

impl<'l> Encoder<'l> {
    pub fn new(layout: &'l Layout, opts: CodecOptions) -> Result<Encoder<'l>, RecordError> {
        let plan = Plan::new(layout, opts.codepage)?;
        let st = State {
            opts,
            zoned: ZonedCode {
                ebcdic: opts.codepage.is_ebcdic(),
                ascii_sign: opts.dialect.ascii_sign,
            },
            counters: vec![None; plan.slot_count],
            path: Vec::with_capacity(16),
            scratch: Vec::with_capacity(256),
            tail_cut: None,
            trim: false,
            short_table: None,
            collected: None,
            trim_text: false,
            last_item: None,
        };
        Ok(Encoder { plan, layout, st })
    }

    /// With a variable-length framing (`trim_absent_tail`), a record whose last present
    /// field is left-justified text ends after that text's last non-space byte: the length
    /// of a segmented record whose last field was cut short, which the decoder shows as the
    /// bytes that were there (spaces the cut kept at its end are not restored).
    pub fn set_trim_trailing(&mut self, on: bool) {
        self.st.trim_text = on;
    }

    /// Appends the record for `value` (a JSON object) to `out`. Missing fields take their
    /// VALUE clause or blank/zero. With `trim_absent_tail` (variable-length framings), a
    /// record whose JSON lacks its last fields ends where they would start, as the
    /// decoder omits fields past the end of a short record.
    pub fn encode(
        &mut self,
        value: &Value,
        out: &mut Vec<u8>,
        trim_absent_tail: bool,
    ) -> Result<(), RecordError> {
        self.st.collected = None;
        self.run(value, out, trim_absent_tail)
    }

    /// Like [`encode`](Self::encode), but goes on past bad fields and returns every
    /// error (for APIs that must name every bad field at once). On error `out` is left as
    /// it was.
    pub fn encode_all(
        &mut self,
        value: &Value,
        out: &mut Vec<u8>,
        trim_absent_tail: bool,
    ) -> Result<(), Vec<RecordError>> {
        self.encode_all_from(value, out, trim_absent_tail)
    }

    /// [`encode_all`](Self::encode_all) from any JSON tree (the gateway's borrowed
    /// [`Json`](super::Json)): the same walk, so the same bytes and the same errors.
    pub fn encode_all_from<V: Input>(
        &mut self,
        value: &V,
        out: &mut Vec<u8>,
        trim_absent_tail: bool,
    ) -> Result<(), Vec<RecordError>> {
        let base = out.len();
        self.st.collected = Some(Vec::new());
        let r = self.run(value, out, trim_absent_tail);
        let mut errors = self.st.collected.take().unwrap_or_default();
        if let Err(e) = r {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            out.truncate(base);
            Err(errors)
        }
    }

    fn run<V: Input>(
        &mut self,
        value: &V,
        out: &mut Vec<u8>,
        trim_absent_tail: bool,
    ) -> Result<(), RecordError> {
        let st = &mut self.st;
        st.counters.iter_mut().for_each(|c| *c = None);
        st.path.clear();
        st.tail_cut = None;
        st.trim = trim_absent_tail;
        st.short_table = None;
        st.last_item = None;
        let base = out.len();
        out.resize(base + self.layout.max_len(), self.st.opts.codepage.space());
        let st = &mut self.st;
        let mut rec = Rec { out, base };
        let mut delta: isize = 0;
        let root = &self.plan.root;
        let r = match (&root.field.kind, value.shape()) {
            (FieldKind::Group(_), Shape::Object(m)) => {
                st.group::<V>(root, Some(m), &mut delta, &mut rec)
            }
            (FieldKind::Item(_), Shape::Object(m)) => {
                // Its one key, unless it is a FILLER (as a group's children count).
                let name = root.field.json_name.as_str();
                let known: &[&str] = if root.field.is_filler() { &[] } else { &[name] };
                st.unknown_keys::<V>(known, m)?;
                st.field(root, m.member(&root.field.json_name), &mut delta, &mut rec)
            }
            (_, _) => Err(RecordError::new(
                String::new(),
                0,
                &[],
                RecordErrorKind::WrongType {
                    expected: "a JSON object",
                    got: kind(value),
                },
            )),
        };
        if let Err(e) = r {
            rec.out.truncate(base);
            return Err(e);
        }
        if let Some((at, e)) = self.st.short_table.take() {
            // The decoder shows such a table for a record that ends inside it; anything
            // present after the missing elements means the counter is simply wrong.
            if !matches!(self.st.tail_cut, Some(cut) if cut <= at) {
                rec.out.truncate(base);
                return Err(e);
            }
        }
        let mut len = (self.layout.max_len() as isize + delta).max(0) as usize;
        if trim_absent_tail {
            if let Some(cut) = self.st.tail_cut {
                len = len.min(cut);
            }
            if let (true, Some((end, Some(text_end)))) = (self.st.trim_text, self.st.last_item) {
                if end == len {
                    len = text_end;
                }
            }
        }
        rec.out.truncate(base + len);
        Ok(())
    }
}

/// The record being written: a window of the caller's buffer.
struct Rec<'a> {
    out: &'a mut Vec<u8>,
    base: usize,
}

impl Rec<'_> {
    fn slice(&mut self, start: usize, len: usize) -> Option<&mut [u8]> {
        self.out.get_mut(self.base + start..self.base + start + len)
    }
}

fn present<V: Input>(v: Option<&V>) -> Option<&V> {
    v.filter(|v| !matches!(v.shape(), Shape::Null))
}

impl<'l> State<'l> {
    fn path_string(&self) -> String {
        path_string(&self.path)
    }

    fn err(&self, offset: usize, kind: RecordErrorKind) -> RecordError {
        RecordError::new(self.path_string(), offset, &[], kind)
    }

    /// In collecting mode a field's error is kept and the walk goes on.
    #[inline]
    fn soft(&mut self, r: Result<(), RecordError>) -> Result<(), RecordError> {
        match (r, &mut self.collected) {
            (Err(e), Some(list)) => {
                list.push(e);
                Ok(())
            }
            (r, _) => r,
        }
    }

    /// Names every key of `m` that is not one of `known` (see [`Node::known`]).
    fn unknown_keys<V: Input>(&mut self, known: &[&str], m: &V::Object) -> Result<(), RecordError> {
        for k in m.keys() {
            if !known.contains(&k) {
                let mut e = self.err(0, RecordErrorKind::UnknownField(k.to_string()));
                if !e.path.is_empty() {
                    e.path.push('.');
                }
                e.path.push_str(k);
                self.soft(Err(e))?;
            }
        }
        Ok(())
    }

    fn group<V: Input>(
        &mut self,
        node: &Node<'l>,
        obj: Option<&V::Object>,
        delta: &mut isize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        if let Some(m) = obj {
            self.unknown_keys::<V>(&node.known, m)?;
        }
        self.members::<V>(node, obj, delta, rec)
    }

    /// A group's members, from `obj` (which also holds the members of any transparent
    /// FILLER group among them).
    fn members<V: Input>(
        &mut self,
        node: &Node<'l>,
        obj: Option<&V::Object>,
        delta: &mut isize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let get = |c: &Node<'l>| obj.and_then(|m| m.member(&c.field.json_name));
        for (i, child) in node.children.iter().enumerate() {
            let root = node.set_root[i];
            if node.in_set[i] {
                // Of a REDEFINES set, write the first member the JSON gives, else the first.
                let chosen = node
                    .children
                    .iter()
                    .enumerate()
                    .find(|(j, c)| node.set_root[*j] == root && present(get(c)).is_some())
                    .map_or(root, |(j, _)| j);
                if chosen != i {
                    continue;
                }
            }
            if child.transparent {
                self.members::<V>(child, obj, delta, rec)?;
                continue;
            }
            self.field(child, get(child), delta, rec)?;
        }
        Ok(())
    }

    fn field<V: Input>(
        &mut self,
        node: &Node<'l>,
        val: Option<&V>,
        delta: &mut isize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let f = node.field;
        let start = (f.offset as isize + *delta).max(0) as usize;
        self.path.push(Seg::Name(&f.json_name));
        // A null for a number that may be blank is written as blanks; other nulls are absent.
        let val = match val {
            Some(v) if matches!(v.shape(), Shape::Null) && self.blank_null(f) => val,
            v => present(v),
        };
        let r = self.field_at(node, val, start, delta, rec);
        self.path.pop();
        r
    }

    fn field_at<V: Input>(
        &mut self,
        node: &Node<'l>,
        val: Option<&V>,
        start: usize,
        delta: &mut isize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let f = node.field;
        let Some(occurs) = &f.occurs else {
            return self.value(node, val, start, delta, rec);
        };
        let arr: &[V] = match val.map(|v| (v, v.shape())) {
            None => &[],
            Some((_, Shape::Array(a))) => a,
            Some((v, _)) => {
                let e = self.err(
                    start,
                    RecordErrorKind::WrongType {
                        expected: "an array",
                        got: kind(v),
                    },
                );
                return self.soft(Err(e));
            }
        };
        let count = match node.odo_slot {
            None => {
                if arr.len() > occurs.max {
                    let e = self.err(
                        start,
                        RecordErrorKind::TooManyElements {
                            count: arr.len(),
                            min: occurs.min,
                            max: occurs.max,
                        },
                    );
                    return self.soft(Err(e));
                }
                occurs.max
            }
            Some(slot) => {
                let given = val.map(|_| arr.len());
                match self.odo_count(slot, given, occurs.min, occurs.max, start, rec) {
                    Ok(n) => n,
                    Err(e) => return self.soft(Err(e)),
                }
            }
        };
        if val.is_none() && !f.is_filler() && self.tail_cut.is_none() {
            self.tail_cut = Some(start);
        }
        // Elements follow one another at their actual length: an ODO table inside the
        // element (IBM's complex ODO) makes it shorter than its static size.
        let mut elem_start = start;
        let mut shrink: isize = 0;
        for i in 0..count {
            let moved = elem_start as isize - f.offset as isize;
            let mut elem_delta = moved;
            self.path.push(Seg::Index(i));
            if val.is_some() && i == arr.len() && !f.is_filler() && self.tail_cut.is_none() {
                self.tail_cut = Some(elem_start);
            }
            if node.odo_slot.is_some() && val.is_some() && i == arr.len() {
                self.short_table_at(elem_start, start, count, arr.len());
            }
            let r = self.value(node, arr.get(i), elem_start, &mut elem_delta, rec);
            self.path.pop();
            r?;
            shrink = elem_delta - moved;
            elem_start = (elem_start as isize + f.size as isize + shrink).max(0) as usize;
        }
        let n = if node.odo_slot.is_some() && !self.opts.odo_stored_max {
            count
        } else {
            occurs.max
        };
        *delta += n as isize * (f.size as isize + shrink) - (occurs.max * f.size) as isize;
        Ok(())
    }

    /// Notes an ODO table given fewer elements than its counter says; `missing_at` is
    /// where its first missing element starts.
    fn short_table_at(&mut self, missing_at: usize, start: usize, count: usize, given: usize) {
        if self.short_table.is_none() {
            let e = RecordErrorKind::CounterMismatch {
                counter: count as i128,
                actual: given,
            };
            self.short_table = Some((missing_at, self.err(start, e)));
        }
    }

    /// The element count of an ODO table: the array's length, checked against the
    /// counter if the JSON gave one, written into the counter if it did not.
    fn odo_count(
        &mut self,
        slot: usize,
        given_len: Option<usize>,
        min: usize,
        max: usize,
        start: usize,
        rec: &mut Rec<'_>,
    ) -> Result<usize, RecordError> {
        let counter = self.counters.get(slot).copied().flatten();
        let count = match (given_len, counter.and_then(|c| c.given)) {
            (Some(n), Some(c)) if c != n as i128 => {
                let e = RecordErrorKind::CounterMismatch {
                    counter: c,
                    actual: n,
                };
                // A record cut short inside its table: `field_at` checks it once the
                // record is done.
                if !(self.trim && (n as i128) < c && c <= max as i128) {
                    return Err(self.err(start, e));
                }
                c as usize
            }
            (Some(n), _) => n,
            (None, Some(c)) if c >= 0 => c as usize,
            (None, _) => min,
        };
        if count < min || count > max {
            return Err(self.err(start, RecordErrorKind::TooManyElements { count, min, max }));
        }
        if let Some(c) = counter.filter(|c| c.given.is_none()) {
            if let FieldKind::Item(dt) = &c.field.kind {
                let d = Decimal::from_i128(count as i128, 0);
                self.number(c.field, dt, &d, c.start, rec)?;
            }
            // Every other table on this counter (the same ODO table in each element of
            // an outer table) must now have this many elements.
            if let Some(Some(slot)) = self.counters.get_mut(slot) {
                slot.given = Some(count as i128);
            }
        }
        Ok(count)
    }

    fn value<V: Input>(
        &mut self,
        node: &Node<'l>,
        val: Option<&V>,
        start: usize,
        delta: &mut isize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let f = node.field;
        // Where a short record ends: the first absent field after the last present one.
        // Groups count like items, or a group of nothing but FILLER would never mark it.
        if !f.is_filler() {
            match val {
                Some(_) => self.tail_cut = None,
                None if self.tail_cut.is_none() => self.tail_cut = Some(start),
                None => {}
            }
        }
        let dt = match &f.kind {
            FieldKind::Group(_) => {
                return match val.map(|v| (v, v.shape())) {
                    None => self.group::<V>(node, None, delta, rec),
                    Some((_, Shape::Object(m))) => self.group::<V>(node, Some(m), delta, rec),
                    Some((v, _)) => {
                        let e = self.err(
                            start,
                            RecordErrorKind::WrongType {
                                expected: "an object",
                                got: kind(v),
                            },
                        );
                        self.soft(Err(e))
                    }
                };
            }
            FieldKind::Item(dt) => dt,
        };
        if let Some(slot) = node.counter_slot {
            let given = match val {
                // A bad counter value is reported once, by the item itself below.
                Some(v) => self.decimal(v, start).ok().and_then(|d| d.to_i128().ok()),
                None => None,
            };
            if let Some(c) = self.counters.get_mut(slot) {
                *c = Some(CounterAt {
                    start,
                    field: f,
                    given,
                });
            }
        }
        let r = match val {
            Some(v) => {
                let r = self.item(node, dt, v, start, rec);
                // Only a trimmed record's length reads it: not scanned for the others.
                if r.is_ok() && !f.is_filler() && self.trim && self.trim_text {
                    self.last_item = Some(self.item_end(f, dt, start, rec));
                }
                r
            }
            None => self.default(node, dt, start, rec),
        };
        self.soft(r)
    }

    /// Where a present item ends, and where its text content ends (left-justified PIC X
    /// only: trailing code-page spaces dropped, one byte kept so the field stays present).
    fn item_end(
        &self,
        f: &Field,
        dt: &DataType,
        start: usize,
        rec: &mut Rec<'_>,
    ) -> (usize, Option<usize>) {
        let len = dt.byte_len();
        let end = start + len;
        if !matches!(dt, DataType::Alphanumeric { .. }) || f.justified_right {
            return (end, None);
        }
        let space = self.opts.codepage.space();
        let content = rec.slice(start, len).map_or(len, |b| {
            b.iter().rposition(|&c| c != space).map_or(0, |i| i + 1)
        });
        (end, Some(start + content.max(1)))
    }

    fn decimal<V: Input>(&self, v: &V, start: usize) -> Result<Decimal, RecordError> {
        // Text is parsed where it lies (a number's text as written).
        let text = match v.shape() {
            Shape::Number(n) => n,
            Shape::String(s) => s.trim(),
            _ => {
                return Err(self.err(
                    start,
                    RecordErrorKind::WrongType {
                        expected: "a number",
                        got: kind(v),
                    },
                ))
            }
        };
        Decimal::parse(text).map_err(|e| self.err(start, e.into()))
    }

    /// True when a JSON null for item `f` stands for a blank number
    /// ([`BlankNumbers::Null`]: null is what such blanks decode to).
    fn blank_null(&self, f: &Field) -> bool {
        self.opts.blank_numbers == BlankNumbers::Null
            && f.occurs.is_none()
            && matches!(&f.kind, FieldKind::Item(dt) if can_be_blank(dt))
    }

    fn item<V: Input>(
        &mut self,
        node: &Node<'l>,
        dt: &DataType,
        v: &V,
        start: usize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let f = node.field;
        let null = matches!(v.shape(), Shape::Null);
        if null && self.opts.blank_numbers == BlankNumbers::Null && can_be_blank(dt) {
            // Spaces, or low-values where BLANK WHEN ZERO makes spaces read as zero.
            let blank = if f.blank_when_zero {
                0
            } else {
                self.opts.codepage.space()
            };
            if let Some(out) = rec.slice(start, dt.byte_len()) {
                out.fill(blank);
            }
            return Ok(());
        }
        match dt {
            DataType::Alphanumeric { .. } | DataType::National { .. } => match v.shape() {
                Shape::String(s) => self.text(f, dt, s, start, rec),
                _ => Err(self.err(
                    start,
                    RecordErrorKind::WrongType {
                        expected: "a string",
                        got: kind(v),
                    },
                )),
            },
            DataType::Float { width } => {
                let text = match v.shape() {
                    Shape::Number(n) => n.to_string(),
                    Shape::String(s) => s.trim().to_string(),
                    _ => {
                        return Err(self.err(
                            start,
                            RecordErrorKind::WrongType {
                                expected: "a number",
                                got: kind(v),
                            },
                        ))
                    }
                };
                let format = self.opts.dialect.float_format;
                let slot = self.slot(rec, start, dt.byte_len())?;
                numeric::float::encode(&text, *width, format, slot)
                    .map_err(|e| self.err(start, e.into()))
            }
            DataType::Edited { .. } => {
                let d = self.decimal(v, start)?;
                self.edited(node, &d, start, rec)
            }
            _ => {
                if self.plain_zoned(f, dt, v, start, rec) {
                    return Ok(());
                }
                let d = self.decimal(v, start)?;
                self.number(f, dt, &d, start, rec)
            }
        }
    }

    /// An unsigned integer zoned item given as plain digits that fit it (`"62"`, `62`,
    /// the usual request field): writes those digits zero-filled on the left in the code
    /// page's zone, as `number` does for them, without building a decimal, and returns
    /// true. False, having written nothing, for anything else.
    fn plain_zoned<V: Input>(
        &self,
        f: &Field,
        dt: &DataType,
        v: &V,
        start: usize,
        rec: &mut Rec<'_>,
    ) -> bool {
        let DataType::Zoned { pic, .. } = dt else {
            return false;
        };
        if pic.signed || pic.scale != 0 || f.blank_when_zero {
            return false;
        }
        // The text `decimal` would parse.
        let text = match v.shape() {
            Shape::Number(n) => n,
            Shape::String(s) => s.trim(),
            _ => return false,
        };
        let n = usize::from(pic.digits);
        if text.is_empty() || text.len() > n || !text.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        // No sign byte: the field is its digits.
        let Some(slot) = rec.slice(start, dt.byte_len()).filter(|s| s.len() == n) else {
            return false;
        };
        let zero = if self.zoned.ebcdic { 0xF0 } else { b'0' };
        let Some((pad, digits)) = slot.split_at_mut_checked(n - text.len()) else {
            return false;
        };
        pad.fill(zero);
        for (b, d) in digits.iter_mut().zip(text.bytes()) {
            *b = zero + (d - b'0');
        }
        true
    }

    fn slot<'r>(
        &self,
        rec: &'r mut Rec<'_>,
        start: usize,
        len: usize,
    ) -> Result<&'r mut [u8], RecordError> {
        // The error (a path string) only when there is one: this runs for every item.
        rec.slice(start, len)
            .ok_or_else(|| self.err(start, RecordErrorKind::CutShort { have: 0, need: len }))
    }

    fn edited(
        &mut self,
        node: &Node<'l>,
        d: &Decimal,
        start: usize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let Some(pic) = &node.edited else {
            return Err(self.err(
                start,
                RecordErrorKind::Json("edited picture not compiled".into()),
            ));
        };
        let f = node.field;
        // BLANK WHEN ZERO, as for other numeric items: the decoder reads the blanks as 0.
        if f.blank_when_zero && d.is_zero() {
            let slot = self.slot(rec, start, pic.len())?;
            slot.fill(self.opts.codepage.space());
            return Ok(());
        }
        let text = pic.encode(d).map_err(|e| self.err(start, e.into()))?;
        self.text(
            f,
            &DataType::Alphanumeric { len: pic.len() },
            &text,
            start,
            rec,
        )
    }

    fn number(
        &mut self,
        f: &Field,
        dt: &DataType,
        d: &Decimal,
        start: usize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let len = dt.byte_len();
        let space = self.opts.codepage.space();
        if f.blank_when_zero && d.is_zero() {
            let slot = self.slot(rec, start, len)?;
            slot.fill(space);
            return Ok(());
        }
        let (zoned, opts) = (self.zoned, self.opts);
        let e = |s: &Self, e: numeric::NumericError| s.err(start, e.into());
        let scaled = |s: &Self, scale: i16| d.rescale(scale).map_err(|x| e(s, x));
        match dt {
            DataType::Zoned { pic, sign } => {
                let v = scaled(self, pic.scale)?;
                let slot = self.slot(rec, start, len)?;
                numeric::zoned::encode(&v, pic, *sign, zoned, slot).map_err(|x| e(self, x))
            }
            DataType::Packed { pic } => {
                let v = scaled(self, pic.scale)?;
                let slot = self.slot(rec, start, len)?;
                numeric::packed::encode(&v, pic, opts.trunc.beyond_pic(), slot)
                    .map_err(|x| e(self, x))
            }
            DataType::Binary { pic, native, .. } => {
                let v = scaled(self, pic.scale)?;
                let endian = if *native {
                    opts.dialect.comp5_endian
                } else {
                    Endian::Big
                };
                let slot = self.slot(rec, start, len)?;
                // COMP-5 is native binary whatever TRUNC says (as on IBM hosts).
                let beyond = opts.trunc.beyond_pic() || *native;
                numeric::binary::encode(&v, pic, endian, beyond, slot).map_err(|x| e(self, x))
            }
            DataType::CompX { pic, .. } => {
                let v = scaled(self, pic.scale)?;
                let slot = self.slot(rec, start, len)?;
                numeric::compx::encode(&v, pic, opts.trunc.beyond_pic(), slot)
                    .map_err(|x| e(self, x))
            }
            DataType::Comp6 { pic } => {
                let v = scaled(self, pic.scale)?;
                let slot = self.slot(rec, start, len)?;
                numeric::comp6::encode(&v, pic, opts.trunc.beyond_pic(), slot)
                    .map_err(|x| e(self, x))
            }
            DataType::Float { width } => {
                let slot = self.slot(rec, start, len)?;
                numeric::float::encode(&d.to_string(), *width, opts.dialect.float_format, slot)
                    .map_err(|x| e(self, x))
            }
            DataType::Alphanumeric { .. } | DataType::National { .. } | DataType::Edited { .. } => {
                Err(self.err(
                    start,
                    RecordErrorKind::WrongType {
                        expected: "text",
                        got: "a number",
                    },
                ))
            }
        }
    }

    /// Text padded with spaces to the field (on the left when JUSTIFIED RIGHT).
    fn text(
        &mut self,
        f: &Field,
        dt: &DataType,
        s: &str,
        start: usize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let len = dt.byte_len();
        self.scratch.clear();
        let (pad, unit): ([u8; 2], usize) = match dt {
            DataType::National { .. } => {
                for u in s.encode_utf16() {
                    self.scratch.extend_from_slice(&u.to_be_bytes());
                }
                ([0x00, 0x20], 2)
            }
            _ => {
                let cp = self.opts.codepage;
                let mut buf = std::mem::take(&mut self.scratch);
                let r = cp.encode_into(s, &mut buf);
                self.scratch = buf;
                r.map_err(|e| self.err(start, e.into()))?;
                ([cp.space(), cp.space()], 1)
            }
        };
        if self.scratch.len() > len {
            return Err(self.err(
                start,
                RecordErrorKind::TooLong {
                    len: self.scratch.len(),
                    max: len,
                },
            ));
        }
        let body_len = self.scratch.len();
        let text_at = if f.justified_right { len - body_len } else { 0 };
        let slot = self.slot(rec, start, len)?;
        // Pad everywhere, then lay the text over it: both lengths are whole units (a
        // national text and its field are even), so the pad pattern stays aligned.
        if unit == 1 {
            let [space, _] = pad;
            slot.fill(space);
        } else {
            for (b, p) in slot.iter_mut().zip(pad.iter().take(unit).cycle()) {
                *b = *p;
            }
        }
        if let Some(dst) = slot.get_mut(text_at..text_at + body_len) {
            dst.copy_from_slice(&self.scratch);
        }
        Ok(())
    }

    /// A field the JSON does not give: its VALUE clause, else blank or zero.
    fn default(
        &mut self,
        node: &Node<'l>,
        dt: &DataType,
        start: usize,
        rec: &mut Rec<'_>,
    ) -> Result<(), RecordError> {
        let f = node.field;
        let len = dt.byte_len();
        let numeric = matches!(
            dt,
            DataType::Zoned { .. }
                | DataType::Packed { .. }
                | DataType::Binary { .. }
                | DataType::CompX { .. }
                | DataType::Comp6 { .. }
                | DataType::Float { .. }
                | DataType::Edited { .. }
        );
        let fill = |s: &Self, rec: &mut Rec<'_>, b: u8| -> Result<(), RecordError> {
            s.slot(rec, start, len)?.fill(b);
            Ok(())
        };
        match &f.value {
            None | Some(Literal::Zeros) if numeric => {
                let zero = Decimal::zero(0);
                match dt {
                    DataType::Edited { .. } => self.edited(node, &zero, start, rec),
                    DataType::Float { .. } => fill(self, rec, 0),
                    _ => self.number(f, dt, &zero, start, rec),
                }
            }
            Some(Literal::Number(n)) if numeric => {
                let d = Decimal::parse(n).map_err(|e| self.err(start, e.into()))?;
                match dt {
                    DataType::Edited { .. } => self.edited(node, &d, start, rec),
                    _ => self.number(f, dt, &d, start, rec),
                }
            }
            None | Some(Literal::Spaces) => match dt {
                DataType::National { .. } => self.text(f, dt, "", start, rec),
                _ => fill(self, rec, self.opts.codepage.space()),
            },
            Some(Literal::LowValues) => fill(self, rec, 0x00),
            Some(Literal::HighValues) => fill(self, rec, 0xFF),
            Some(Literal::Hex(bytes)) => {
                let slot = self.slot(rec, start, len)?;
                for (i, b) in slot.iter_mut().enumerate() {
                    *b = bytes.get(i).copied().unwrap_or(self.opts.codepage.space());
                }
                Ok(())
            }
            Some(lit) => {
                let text = literal_text(lit, len);
                let dt = if numeric {
                    &DataType::Alphanumeric { len }
                } else {
                    dt
                };
                self.text(f, dt, &text, start, rec)
            }
        }
    }
}

/// The text a non-numeric literal stands for in a field of `len` characters.
fn literal_text(lit: &Literal, len: usize) -> String {
    match lit {
        Literal::Text(s) | Literal::Number(s) => s.clone(),
        Literal::Zeros => "0".repeat(len),
        Literal::Spaces => String::new(),
        Literal::Quotes => "\"".repeat(len),
        Literal::All(inner) => {
            let unit = literal_text(inner, 1);
            if unit.is_empty() {
                return String::new();
            }
            unit.chars().cycle().take(len).collect()
        }
        Literal::LowValues | Literal::HighValues | Literal::Hex(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copybook::{parse, ParseOptions};
    use crate::dialect::Trunc;
    use crate::json::{Decoder, FieldErrorMode};
    use serde_json::Map;

    const ODO: &str = "\
       01 REC.
           05 CNT PIC 9.
           05 TBL OCCURS 0 TO 3 TIMES DEPENDING ON CNT.
              10 A PIC X(2).
              10 B PIC X(2).
";

    fn encode(v: &str, trim: bool) -> Result<Vec<u8>, RecordError> {
        let layout = parse(ODO, &ParseOptions::default()).unwrap();
        let mut out = Vec::new();
        Encoder::new(&layout, CodecOptions::default())
            .unwrap()
            .encode(&serde_json::from_str(v).unwrap(), &mut out, trim)?;
        Ok(out)
    }

    #[test]
    fn a_record_cut_inside_its_odo_table_round_trips() {
        // Counter 3, record ends inside element 1: the decoder shows one and a half
        // elements, and encoding that (short record allowed) gives the same bytes back.
        let rec = [0xF3, 0xC1, 0xC1, 0xC2, 0xC2, 0xC3, 0xC3];
        let layout = parse(ODO, &ParseOptions::default()).unwrap();
        let mut json = Vec::new();
        let mut dec = Decoder::new(&layout, CodecOptions::default()).unwrap();
        let d = dec.decode(&rec, &mut json, FieldErrorMode::Fail).unwrap();
        assert!(d.field_errors.is_empty());
        let text = String::from_utf8(json).unwrap();
        assert_eq!(text, r#"{"cnt":3,"tbl":[{"a":"AA","b":"BB"},{"a":"CC"}]}"#);
        assert_eq!(encode(&text, true).unwrap(), rec);
    }

    #[test]
    fn a_short_odo_table_is_refused_for_full_records_or_with_fields_after_it() {
        // Without trimming, the counter must match the array.
        let e = encode(r#"{"cnt":3,"tbl":[{"a":"AA"}]}"#, false).unwrap_err();
        assert!(matches!(
            e.kind,
            RecordErrorKind::CounterMismatch {
                counter: 3,
                actual: 1
            }
        ));
        // With trimming, a present field inside a missing element is not a cut record.
        let with_after = "\
       01 REC.
           05 CNT PIC 9.
           05 TBL OCCURS 0 TO 3 TIMES DEPENDING ON CNT PIC X.
           05 LAST PIC X.
";
        let layout = parse(with_after, &ParseOptions::default()).unwrap();
        let v = serde_json::json!({"cnt": 3, "tbl": ["A"], "last": "Z"});
        let e = Encoder::new(&layout, CodecOptions::default())
            .unwrap()
            .encode(&v, &mut Vec::new(), true)
            .unwrap_err();
        assert!(matches!(e.kind, RecordErrorKind::CounterMismatch { .. }));
        // A counter above the table's maximum stays an error.
        assert!(encode(r#"{"cnt":4,"tbl":[{"a":"AA"}]}"#, true).is_err());
    }

    #[test]
    fn members_are_found_in_small_and_large_objects() {
        // Up to 8 keys by comparison, more through the map's index: the same answers.
        for n in [0, 1, 8, 9, 40] {
            let m: Map<String, Value> = (0..n).map(|i| (format!("k{i}"), Value::from(i))).collect();
            for i in 0..n + 2 {
                let name = format!("k{i}");
                assert_eq!(Object::member(&m, &name), m.get(&name), "{n} keys, {name}");
            }
        }
    }

    #[test]
    fn encode_all_names_every_bad_field() {
        let layout = crate::copybook::parse(
            "       01 R.\n           05 A PIC X(2).\n           05 B PIC 9(3).\n           05 C PIC S9(3) COMP-3.\n",
            &Default::default(),
        )
        .unwrap();
        let mut enc = Encoder::new(&layout, CodecOptions::default()).unwrap();
        let v: Value = serde_json::from_str(r#"{"a":"TOO LONG","b":12345,"c":"x","d":1}"#).unwrap();
        let mut out = b"keep".to_vec();
        let errors = enc.encode_all(&v, &mut out, false).unwrap_err();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["d", "a", "b", "c"]);
        // Nothing of the failed record is left behind.
        assert_eq!(out, b"keep");
        // The first error alone, from the plain encode.
        assert_eq!(enc.encode(&v, &mut out, false).unwrap_err().path, "d");
    }

    #[test]
    fn an_absent_group_of_fillers_ends_a_short_record() {
        // 05 F1 holds only FILLER: a record that stops before it decodes to `{}`, one
        // that reaches it to `{"f1":{}}`; each must encode back to its own length.
        let layout = crate::copybook::parse(
            "       01 REC.\n         05 A PIC X(2).\n         05 F1.\n           10 FILLER PIC X(3).\n",
            &Default::default(),
        )
        .unwrap();
        let mut enc = Encoder::new(&layout, CodecOptions::default()).unwrap();
        let mut out = Vec::new();
        enc.encode(&serde_json::json!({"a": "XY"}), &mut out, true)
            .unwrap();
        assert_eq!(out.len(), 2);
        out.clear();
        enc.encode(&serde_json::json!({"a": "XY", "f1": {}}), &mut out, true)
            .unwrap();
        assert_eq!(out.len(), 5);
    }

    /// Decodes one record of `copybook` to JSON text, or the error's text.
    fn decode_with(copybook: &str, opts: CodecOptions, rec: &[u8]) -> Result<String, String> {
        let layout = parse(copybook, &ParseOptions::default()).unwrap();
        let mut out = Vec::new();
        Decoder::new(&layout, opts)
            .unwrap()
            .decode(rec, &mut out, FieldErrorMode::Fail)
            .map_err(|e| e.to_string())?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn encode_with(copybook: &str, opts: CodecOptions, json: &str) -> Result<Vec<u8>, String> {
        let layout = parse(copybook, &ParseOptions::default()).unwrap();
        let mut out = Vec::new();
        Encoder::new(&layout, opts)
            .unwrap()
            .encode(&serde_json::from_str(json).unwrap(), &mut out, false)
            .map_err(|e| e.to_string())?;
        Ok(out)
    }

    #[test]
    fn blank_when_zero_decodes_at_the_pic_scale() {
        // Zero as digits and zero as blanks are the same JSON ("0.00"), so a zero written
        // as digits by a host re-encodes as blanks and still decodes the same.
        let cpy = "       01 R.\n           05 A PIC 9(3)V99 BLANK WHEN ZERO.\n";
        let o = CodecOptions::default();
        assert_eq!(decode_with(cpy, o, &[0xF0; 5]).unwrap(), r#"{"a":0.00}"#);
        assert_eq!(decode_with(cpy, o, &[0x40; 5]).unwrap(), r#"{"a":0.00}"#);
        assert_eq!(encode_with(cpy, o, r#"{"a":0.00}"#).unwrap(), [0x40; 5]);
    }

    #[test]
    fn edited_blanks_are_zero_only_where_encode_writes_zero_as_blanks() {
        let o = CodecOptions::default();
        // BLANK WHEN ZERO on an edited item: zero is written as blanks, read back as 0.
        let bwz = "       01 R.\n           05 A PIC ZZZ9 BLANK WHEN ZERO.\n";
        assert_eq!(encode_with(bwz, o, r#"{"a":0}"#).unwrap(), [0x40; 4]);
        assert_eq!(decode_with(bwz, o, &[0x40; 4]).unwrap(), r#"{"a":0}"#);
        // Without it, zero shows its 9 ("   0"); blanks are no value of the picture.
        let plain = "       01 R.\n           05 A PIC ZZZ9.\n";
        assert_eq!(
            encode_with(plain, o, r#"{"a":0}"#).unwrap(),
            [0x40, 0x40, 0x40, 0xF0]
        );
        let e = decode_with(plain, o, &[0x40; 4]).unwrap_err();
        assert!(e.contains("byte 0") && e.contains("40 40 40 40"), "{e}");
        // An all-Z picture shows zero as blanks: they decode to 0.
        let all_z = "       01 R.\n           05 A PIC ZZZZ.\n";
        assert_eq!(decode_with(all_z, o, &[0x40; 4]).unwrap(), r#"{"a":0}"#);
        assert_eq!(encode_with(all_z, o, r#"{"a":0}"#).unwrap(), [0x40; 4]);
    }

    #[test]
    fn trunc_decides_binary_values_beyond_the_pic_on_both_sides() {
        let cpy =
            "       01 R.\n           05 N PIC 9(4) COMP.\n           05 M PIC 9(4) COMP-5.\n";
        let bin = CodecOptions::default();
        // 12345 in a four-digit PIC: TRUNC(BIN) (the default) reads it and writes it back.
        let rec = [0x30, 0x39, 0x30, 0x39];
        let json = decode_with(cpy, bin, &rec).unwrap();
        assert_eq!(json, r#"{"n":12345,"m":12345}"#);
        assert_eq!(encode_with(cpy, bin, &json).unwrap(), rec);
        // TRUNC(STD) and OPT refuse it on both sides with the same message; COMP-5 is
        // native binary under every setting.
        for trunc in [Trunc::Std, Trunc::Opt] {
            let o = CodecOptions { trunc, ..bin };
            let e = decode_with(cpy, o, &rec).unwrap_err();
            assert_eq!(
                e,
                "record 0, field n, byte 0: value needs 5 integer digits, the PIC allows 4 (bytes 30 39)"
            );
            let e = encode_with(cpy, o, &json).unwrap_err();
            assert!(
                e.contains("field n")
                    && e.ends_with("value needs 5 integer digits, the PIC allows 4"),
                "{e}"
            );
            assert_eq!(
                decode_with(cpy, o, &[0x27, 0x0F, 0xFF, 0xFF]).unwrap(),
                r#"{"n":9999,"m":65535}"#
            );
        }
        // Beyond the bytes, never wrapped: 65536 in two unsigned bytes.
        let e = encode_with(cpy, bin, r#"{"n":65536}"#).unwrap_err();
        assert!(
            e.ends_with("value 65536 does not fit 2 bytes of binary (0 to 65535)"),
            "{e}"
        );
    }

    #[test]
    fn packed_pad_nibble_follows_trunc() {
        // 9(4) COMP-3 has a pad nibble: 11234 uses it.
        let cpy = "       01 R.\n           05 P PIC 9(4) COMP-3.\n";
        let rec = [0x11, 0x23, 0x4F];
        let bin = CodecOptions::default();
        assert_eq!(decode_with(cpy, bin, &rec).unwrap(), r#"{"p":11234}"#);
        assert_eq!(encode_with(cpy, bin, r#"{"p":11234}"#).unwrap(), rec);
        let std = CodecOptions {
            trunc: Trunc::Std,
            ..bin
        };
        assert!(decode_with(cpy, std, &rec)
            .unwrap_err()
            .contains("the PIC allows 4"));
        assert!(encode_with(cpy, std, r#"{"p":11234}"#).is_err());
        assert_eq!(
            decode_with(cpy, std, &[0x01, 0x23, 0x4F]).unwrap(),
            r#"{"p":1234}"#
        );
    }

    #[test]
    fn a_binary_zero_is_never_negative_on_any_output_path() {
        // "-0" and "-0.00" encode to zero bytes, which decode to 0 as a number and as a
        // string, signed or not, under every TRUNC setting.
        let cpy =
            "       01 R.\n           05 S PIC S9(2)V99 COMP.\n           05 U PIC 9(4) COMP.\n";
        for trunc in [Trunc::Std, Trunc::Opt, Trunc::Bin] {
            for strings in [false, true] {
                let o = CodecOptions {
                    trunc,
                    numbers_as_strings: strings,
                    ..CodecOptions::default()
                };
                let rec = encode_with(cpy, o, r#"{"s":-0.00,"u":"-0"}"#).unwrap();
                assert_eq!(rec, [0, 0, 0, 0]);
                let want = if strings {
                    r#"{"s":"0.00","u":"0"}"#
                } else {
                    r#"{"s":0.00,"u":0}"#
                };
                assert_eq!(decode_with(cpy, o, &rec).unwrap(), want);
            }
        }
    }
}

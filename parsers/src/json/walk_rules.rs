//! The rules both decode walks share: the JSON writer's ([`super::Decoder`]) and the
//! typed one's ([`crate::values::ValueDecoder`]). Where a field sits (OCCURS DEPENDING
//! ON counts and shifts, short records) and which REDEFINES alternative a record holds
//! are decided here once, so the two outputs cannot disagree about them; each walk keeps
//! only what it writes.

use crate::layout::{DataType, Field, Occurs};

use super::error::{RecordError, RecordErrorKind};
use super::path::{path_string, Seg};
use super::FieldErrorMode;

/// A value captured for later fields: an ODO count or a discriminator's text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Slot {
    Unset,
    Count(i128),
    Text(String),
}

/// The captured values of one record, by slot, with the names errors give them.
#[derive(Debug, Clone)]
pub(crate) struct Slots {
    values: Vec<Slot>,
    names: Vec<String>,
}

impl Slots {
    pub fn new(names: Vec<String>) -> Slots {
        Slots {
            values: vec![Slot::Unset; names.len()],
            names,
        }
    }

    /// Forgets the previous record's values.
    pub fn reset(&mut self) {
        self.values.iter_mut().for_each(|s| *s = Slot::Unset);
    }

    pub fn set(&mut self, slot: usize, value: Slot) {
        if let Some(s) = self.values.get_mut(slot) {
            *s = value;
        }
    }

    /// Whether a selector (`slot` holds one of `values`) picks its alternative.
    pub fn matches(&self, select: Option<(usize, &[String])>) -> bool {
        match select {
            Some((slot, values)) => match self.values.get(slot) {
                Some(Slot::Text(t)) => values.iter().any(|v| v == t),
                _ => false,
            },
            None => false,
        }
    }

    /// The element count of the ODO table `name` at `start` (`path` leads to it), from
    /// its counter's slot, checked against its OCCURS range.
    pub fn odo_count<'l>(
        &self,
        slot: usize,
        occurs: &Occurs,
        path: &mut Vec<Seg<'l>>,
        name: &'l str,
        start: usize,
    ) -> Result<usize, RecordError> {
        let kind = match self.values.get(slot) {
            Some(Slot::Count(n)) if *n >= occurs.min as i128 && *n <= occurs.max as i128 => {
                return Ok(*n as usize)
            }
            Some(Slot::Count(n)) => RecordErrorKind::OdoRange {
                count: *n,
                min: occurs.min,
                max: occurs.max,
            },
            _ => {
                RecordErrorKind::OdoCounterUnread(self.names.get(slot).cloned().unwrap_or_default())
            }
        };
        path.push(Seg::Name(name));
        let e = RecordError::new(path_string(path.iter()), start, &[], kind);
        path.pop();
        Err(e)
    }

    /// How the table `t` reads: its element count (from its counter, checked), the room
    /// it takes (IBM semantics: everything after a short table moves up, unless the file
    /// stores tables at their maximum), or why it has no elements.
    pub fn table<'l>(
        &self,
        t: &TableAt<'l, '_>,
        odo_stored_max: bool,
        mode: FieldErrorMode,
        path: &mut Vec<Seg<'l>>,
    ) -> Result<Table, RecordError> {
        let max = t.occurs.max;
        let count = match t.odo_slot {
            None => max,
            Some(slot) => match self.odo_count(slot, t.occurs, path, t.name, t.start) {
                Ok(n) => n,
                Err(e) if odo_stored_max && mode == FieldErrorMode::Null && t.present => {
                    return Ok(Table::BadCounter(e))
                }
                Err(e) => return Err(e),
            },
        };
        let room = if t.odo_slot.is_some() && !odo_stored_max {
            count
        } else {
            max
        };
        // A table past the end of a short record is absent; an empty ODO table is not.
        let empty_odo = count == 0 && t.odo_slot.is_some();
        if !(t.present || empty_odo) {
            return Ok(Table::Absent {
                shift: table_shift(room, max, t.size, 0),
            });
        }
        Ok(Table::Elements { count, room })
    }

    /// Whether member `i` of a group's REDEFINES set with a selector applies to this
    /// record: `root_of(j)` is the first member of member `j`'s set, `select_of(j)` its
    /// selector; `all` is `RedefinesMode::All`.
    pub fn selected<'s>(
        &self,
        count: usize,
        i: usize,
        root_of: impl Fn(usize) -> usize,
        select_of: impl Fn(usize) -> Option<(usize, &'s [String])>,
        all: bool,
    ) -> bool {
        if i >= count {
            return false;
        }
        if select_of(i).is_some() {
            return self.matches(select_of(i));
        }
        // A member without a selector is the fallback when no selector matches.
        let root = root_of(i);
        let any = (0..count).any(|j| root_of(j) == root && self.matches(select_of(j)));
        !any && (i == root || all)
    }
}

/// How one OCCURS table reads in this record ([`Slots::table`]).
#[derive(Debug)]
pub(crate) enum Table {
    /// `count` elements to walk; what follows moves by `table_shift(room, ...)`.
    Elements { count: usize, room: usize },
    /// Wholly past the end of a short record: no value; what follows moves by `shift`.
    Absent { shift: isize },
    /// Stored at full size, its bad counter moves nothing: the table is null (and the
    /// error reported) while the rest of the record decodes (`--on-error null`).
    BadCounter(RecordError),
}

/// Where an OCCURS table is, for [`Slots::table`].
pub(crate) struct TableAt<'l, 'o> {
    pub occurs: &'o Occurs,
    pub odo_slot: Option<usize>,
    pub name: &'l str,
    /// Static size of one element.
    pub size: usize,
    pub start: usize,
    /// The record holds bytes at `start`.
    pub present: bool,
}

impl<'l, 'o> TableAt<'l, 'o> {
    /// Table field `f` (whose `occurs` this is) at `start` of a `rec_len`-byte record.
    pub fn new(
        f: &'l Field,
        occurs: &'o Occurs,
        odo_slot: Option<usize>,
        start: usize,
        rec_len: usize,
    ) -> Self {
        TableAt {
            occurs,
            odo_slot,
            name: &f.json_name,
            size: f.size,
            start,
            present: start < rec_len,
        }
    }
}

/// The present part of a text item the record ends inside: its whole bytes (whole
/// UTF-16 code units for PIC N); `None` for numbers, whose value a cut changes.
pub(crate) fn cut_text<'b>(dt: &DataType, have: &'b [u8]) -> Option<&'b [u8]> {
    let part = match dt {
        DataType::Alphanumeric { .. } => have,
        DataType::National { .. } => have.get(..have.len() & !1)?,
        _ => return None,
    };
    (!part.is_empty()).then_some(part)
}

/// How far a table moves what follows it: `n` elements of `size + shrink` bytes in the
/// room of `max` static elements (`shrink` is negative when a nested ODO table is short).
pub(crate) fn table_shift(n: usize, max: usize, size: usize, shrink: isize) -> isize {
    n as isize * (size as isize + shrink) - (max * size) as isize
}

/// Text bytes without their padding: leading `pad` when right-justified, else trailing
/// (only the padding side, so encoding restores the same bytes).
pub(crate) fn trim_padding<T: PartialEq + Copy>(
    units: &[T],
    pad: T,
    justified_right: bool,
) -> &[T] {
    if justified_right {
        let n = units.iter().take_while(|&&b| b == pad).count();
        units.get(n..).unwrap_or_default()
    } else {
        let n = units.iter().rev().take_while(|&&b| b == pad).count();
        units.get(..units.len() - n).unwrap_or_default()
    }
}

/// `bytes` without their trailing `pad` bytes: [`trim_padding`] for left-justified
/// text, eight bytes at a time (the last non-pad byte of a word is found from its
/// trailing zero bits, with no byte loop; fields under 8 bytes take one).
pub(crate) fn trim_trailing(bytes: &[u8], pad: u8) -> &[u8] {
    let pads = u64::from_ne_bytes([pad; 8]);
    let mut t = bytes;
    while let Some((head, last)) = t.split_last_chunk::<8>() {
        // Big-endian, so the field's last byte is the word's lowest.
        let diff = u64::from_be_bytes(*last) ^ pads;
        if diff != 0 {
            let keep = t.len() - (diff.trailing_zeros() / 8) as usize;
            return t.get(..keep).unwrap_or_default();
        }
        t = head;
    }
    while let [rest @ .., last] = t {
        if *last != pad {
            break;
        }
        t = rest;
    }
    t
}

/// A national (UTF-16BE) item's code units.
pub(crate) fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

#[cfg(test)]
mod tests;

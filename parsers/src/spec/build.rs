//! Compiles the raw spec into the layout tree: field types, offsets (explicit, implied,
//! overlays), FILLER for gaps, OCCURS, levels and source positions. Names that refer to
//! other fields (`depending_on`, `when.field`) are collected as [`Pending`] and resolved
//! by `resolve` once the whole tree, with its final child indexes, exists.

use super::error::{line_col, Diag};
use super::literal::{self, Target};
use super::raw::{RawField, RawRecord, RawSpec, RawWhen};
use super::types::{int_in, length, Type, MAX_RECORD_BYTES};
use crate::dialect::EditSymbols;
use crate::layout::{json_name, DataType, Field, FieldKind, Literal, Occurs, SourcePos};
use std::ops::Range;
use toml::{Spanned, Value};

/// Most levels of groups below the record (levels 05, 10, ... 45 stay within COBOL's 49).
const MAX_DEPTH: usize = 9;
/// Largest OCCURS count.
const MAX_OCCURS: i64 = 1_000_000;

/// A reference to another field, resolved after the tree is built.
pub(super) struct Pending {
    /// Child-index path from the root to the field that makes the reference.
    pub at: Vec<usize>,
    /// Dotted JSON path of that field, for messages.
    pub path: String,
    /// The referenced name as written, and where.
    pub name: Spanned<String>,
    pub what: Ref,
}

pub(super) enum Ref {
    /// `occurs = { depending_on = name }`.
    DependingOn,
    /// `when = { field = name, values = [...] }`.
    When { values: Vec<String> },
}

/// `[a-z_][a-z0-9_]*`: a name every JSON consumer and code generator accepts as is.
pub(super) fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Where a group's children are being built.
struct Scope<'p> {
    /// Dotted JSON path of the group ("" for the record).
    path: &'p str,
    /// Child-index path of the group from the root.
    idx: Vec<usize>,
    /// Offset of the group from the record start.
    abs: usize,
    /// Depth of the children (1 for the record's fields).
    depth: usize,
    /// The group or one of its ancestors repeats.
    in_occurs: bool,
}

/// The children of one group.
struct Built {
    fields: Vec<Field>,
    /// Bytes from the group start to the end of its last byte (ODO at max).
    extent: usize,
    /// False when some child could not be built, so sizes are unreliable.
    complete: bool,
}

/// State of one group's child loop.
struct Cursor {
    /// Next free offset, relative to the group.
    at: usize,
    /// A child failed: later offset checks would only repeat that error.
    broken: bool,
    /// Names of children that failed to build (so references to them stay quiet).
    failed: Vec<String>,
    /// A variable-length (ODO) child has been placed: later offsets cannot be absolute.
    variable: bool,
}

pub(super) struct Builder<'a, 's> {
    pub d: &'a mut Diag<'s>,
    pub pending: Vec<Pending>,
    /// Decimal point and currency of `edited` pictures: the caller's, merged in
    /// [`Builder::record`] with the `[record]` keys.
    pub symbols: EditSymbols,
}

impl<'a, 's> Builder<'a, 's> {
    pub(super) fn new(d: &'a mut Diag<'s>) -> Self {
        Builder {
            d,
            pending: Vec::new(),
            symbols: EditSymbols::STANDARD,
        }
    }

    fn pos(&self, span: &Range<usize>) -> SourcePos {
        let (line, column) = line_col(self.d.source(), span.start);
        SourcePos { line, column }
    }

    /// Builds the record's root group.
    pub(super) fn record(&mut self, raw: &RawSpec) -> Field {
        let rec = raw.record.get_ref();
        let name = rec.name.get_ref();
        let name_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            self.d.err(
                rec.name.span(),
                format!("record name `{name}` must start with a letter and hold only letters, digits, `-` and `_`"),
            );
        }
        self.symbols = self.edit_symbols(rec);
        if raw.field.is_empty() {
            self.d.err(
                raw.record.span(),
                "the record has no fields: add [[field]] tables",
            );
        }
        let scope = Scope {
            path: "",
            idx: Vec::new(),
            abs: 0,
            depth: 1,
            in_occurs: false,
        };
        let built = self.children(&raw.field, &scope, rec.length.as_ref(), &raw.record.span());
        Field {
            level: 1,
            name: name.clone(),
            json_name: json_name(name),
            offset: 0,
            size: built.extent,
            occurs: None,
            redefines: None,
            kind: FieldKind::Group(built.fields),
            value: None,
            conditions: Vec::new(),
            justified_right: false,
            blank_when_zero: false,
            address_usage: None,
            select_when: None,
            pos: self.pos(&raw.record.span()),
        }
    }

    /// `[record]`'s `decimal_point`, `currency_sign` and `currency_symbol`, merged with
    /// the caller's symbols; problems are reported at the key.
    fn edit_symbols(&mut self, rec: &RawRecord) -> EditSymbols {
        let mut declared = EditSymbols::STANDARD;
        if let Some(dp) = &rec.decimal_point {
            match EditSymbols::decimal_point_by_name(dp.get_ref()) {
                Some(comma) => declared.decimal_comma = comma,
                None => self.d.err(
                    dp.span(),
                    format!(
                        "decimal_point `{}`: expected \"comma\" or \"period\"",
                        dp.get_ref()
                    ),
                ),
            }
        }
        match (&rec.currency_sign, &rec.currency_symbol) {
            (Some(sign), symbol) => {
                match declared.with_currency(
                    sign.get_ref(),
                    symbol.as_ref().map(|s| s.get_ref().as_str()),
                ) {
                    Ok(s) => declared = s,
                    Err(why) => {
                        let span = symbol
                            .as_ref()
                            .filter(|_| why.contains("PICTURE"))
                            .map_or(sign.span(), |s| s.span());
                        self.d.err(span, why)
                    }
                }
            }
            (None, Some(symbol)) => self.d.err(
                symbol.span(),
                "currency_symbol needs currency_sign (the character the data shows)",
            ),
            (None, None) => {}
        }
        match self.symbols.merge(declared) {
            Ok(s) => s,
            Err(why) => {
                let span = rec.currency_sign.as_ref().map_or(0..0, |s| s.span());
                self.d.err(span, why);
                declared
            }
        }
    }

    /// Builds a group's children in order, placing each at its offset.
    fn children(
        &mut self,
        raws: &[Spanned<RawField>],
        scope: &Scope,
        declared: Option<&Spanned<i64>>,
        group_span: &Range<usize>,
    ) -> Built {
        let mut fields: Vec<Field> = Vec::new();
        let mut cur = Cursor {
            at: 0,
            broken: false,
            failed: Vec::new(),
            variable: false,
        };
        let mut with_when: Vec<(usize, Range<usize>, String)> = Vec::new();
        for (n, raw) in raws.iter().enumerate() {
            let placed = self.child(raw, n, scope, &mut fields, &mut cur);
            match placed {
                Some((index, path)) => {
                    if let Some(w) = &raw.get_ref().when {
                        with_when.push((index, w.span(), path));
                    }
                }
                None => {
                    cur.broken = true;
                    if let Some(name) = &raw.get_ref().name {
                        cur.failed.push(name.get_ref().clone());
                    }
                }
            }
        }
        for (index, span, path) in with_when {
            let overlaid = fields.iter().any(|f| f.redefines == Some(index));
            let overlays = fields.get(index).is_some_and(|f| f.redefines.is_some());
            if !overlaid && !overlays {
                self.d.err(
                    span,
                    format!("field `{path}`: `when` chooses between overlaid alternatives, but this field neither overlays another nor is overlaid"),
                );
            }
        }
        if let Some(len) = declared {
            let what = if scope.path.is_empty() {
                "record length".to_string()
            } else {
                format!("length of `{}`", scope.path)
            };
            let at = cur.at;
            if let Some(l) = int_in(
                self.d,
                len,
                if scope.path.is_empty() {
                    "(record)"
                } else {
                    scope.path
                },
                "length (bytes)",
                1..=MAX_RECORD_BYTES as i64,
            ) {
                let l = usize::try_from(l).unwrap_or(usize::MAX);
                if !cur.broken && l < at {
                    self.d.err(
                        len.span(),
                        format!("{what} is {l} bytes, but its fields take {at}"),
                    );
                } else if !cur.broken && l > at && cur.variable {
                    self.d.err(len.span(), format!("{what} cannot pad after a variable-length table (fields take {at} bytes at most)"));
                } else if l > at {
                    let pos = self.pos(&len.span());
                    fields.push(filler(scope, scope.abs + at, l - at, pos));
                    cur.at = l;
                }
            }
        }
        if raws.is_empty() && !scope.path.is_empty() {
            self.d.err(
                group_span.clone(),
                format!("group `{}` has no fields", scope.path),
            );
        }
        Built {
            fields,
            extent: cur.at,
            complete: !cur.broken,
        }
    }

    /// Builds one child and appends it (after any gap FILLER); returns its index and path.
    fn child(
        &mut self,
        raw: &Spanned<RawField>,
        n: usize,
        scope: &Scope,
        fields: &mut Vec<Field>,
        cur: &mut Cursor,
    ) -> Option<(usize, String)> {
        let table = raw.span();
        let rf = raw.get_ref();
        let path = match &rf.name {
            Some(name) if scope.path.is_empty() => name.get_ref().clone(),
            Some(name) => format!("{}.{}", scope.path, name.get_ref()),
            None if scope.path.is_empty() => format!("#{}", n + 1),
            None => format!("{}.#{}", scope.path, n + 1),
        };
        let Some(ty_text) = &rf.ty else {
            self.d.err(
                table,
                format!(
                    "field `{path}`: `type` is required (one of {})",
                    Type::NAMES
                ),
            );
            return None;
        };
        let Some(ty) = Type::parse(ty_text.get_ref()) else {
            self.d.err(
                ty_text.span(),
                format!(
                    "field `{path}`: unknown type `{}`; expected one of {}",
                    ty_text.get_ref(),
                    Type::NAMES
                ),
            );
            return None;
        };
        for (key, span) in rf.typed_keys() {
            if !ty.allows(key) {
                self.d.err(
                    span,
                    format!(
                        "field `{path}`: `{key}` does not apply to type {}",
                        ty.name()
                    ),
                );
            }
        }
        // A bad name, place or count does not stop the checks of the rest of the field
        // (its type, its children), so one run reports them all; the field is dropped after.
        let name = self.check_name(rf, ty, &table, &path, fields);
        let placed = self.place(rf, &path, scope, fields, cur);
        let (start, redefines) = placed.unwrap_or((cur.at, None));
        let occurs = self.occurs(rf, &path, scope, redefines.is_some());
        let index = fields.len();
        let kind = match ty {
            Type::Group => {
                let kids = rf
                    .fields
                    .as_ref()
                    .map_or(&[][..], |f| f.get_ref().as_slice());
                if scope.depth >= MAX_DEPTH {
                    self.d.err(
                        table,
                        format!(
                            "field `{path}`: groups nest too deeply (at most {MAX_DEPTH} levels)"
                        ),
                    );
                    return None;
                }
                let mut idx = scope.idx.clone();
                idx.push(index);
                let inner = Scope {
                    path: &path,
                    idx,
                    abs: scope.abs + start,
                    depth: scope.depth + 1,
                    in_occurs: scope.in_occurs || occurs.as_ref().is_some_and(|o| o.is_some()),
                };
                let span = rf.fields.as_ref().map_or(table.clone(), |f| f.span());
                let built = self.children(kids, &inner, rf.length.as_ref(), &span);
                if !built.complete || built.fields.is_empty() {
                    return None;
                }
                FieldKind::Group(built.fields)
            }
            Type::Filler => FieldKind::Item(DataType::Alphanumeric {
                len: length(self.d, rf, &table, &path, ty)?,
            }),
            _ => FieldKind::Item(super::types::elementary(
                self.d,
                ty,
                rf,
                &table,
                &path,
                self.symbols,
            )?),
        };
        let size = match &kind {
            FieldKind::Group(kids) => kids
                .iter()
                .map(|k| k.offset - (scope.abs + start) + k.total_size())
                .max()
                .unwrap_or(0),
            FieldKind::Item(dt) => dt.byte_len(),
        };
        let (Some(name), Some(_), Some(occurs)) = (name, placed, occurs) else {
            return None;
        };
        let total = size.checked_mul(occurs.as_ref().map_or(1, |o| o.max));
        let end = total
            .and_then(|t| t.checked_add(scope.abs + start))
            .filter(|&e| e <= MAX_RECORD_BYTES);
        let Some(end) = end else {
            self.d.err(
                table,
                format!("field `{path}` ends past the {MAX_RECORD_BYTES}-byte record limit"),
            );
            return None;
        };
        let mut field = Field {
            level: u8::try_from(5 * scope.depth).unwrap_or(45),
            name: if ty == Type::Filler {
                "FILLER".into()
            } else {
                name.clone()
            },
            json_name: name,
            offset: scope.abs + start,
            size,
            occurs,
            redefines,
            kind,
            value: None,
            conditions: Vec::new(),
            justified_right: false,
            blank_when_zero: rf.blank_when_zero.as_ref().is_some_and(|b| *b.get_ref()),
            address_usage: None,
            select_when: None,
            pos: self.pos(&table),
        };
        if let Some(j) = &rf.justify {
            match j.get_ref().as_str() {
                "left" => {}
                "right" => field.justified_right = true,
                other => self.d.err(
                    j.span(),
                    format!("field `{path}`: justify must be left or right, got `{other}`"),
                ),
            }
        }
        if redefines.is_some() && has_odo(&field) {
            self.d.err(
                table.clone(),
                format!("field `{path}`: an overlay cannot hold a variable-length table"),
            );
        }
        self.defaults(rf, &mut field, &path);
        let mut at = scope.idx.clone();
        at.push(index);
        if let Some(w) = &rf.when {
            if let Some(values) = self.when_values(w.get_ref(), &path) {
                let name = w.get_ref().field.clone();
                self.pending.push(Pending {
                    at: at.clone(),
                    path: path.clone(),
                    name,
                    what: Ref::When { values },
                });
            }
        }
        if let Some(occurs) = &rf.occurs {
            if let Some(Some(Value::String(name))) = depending_on(occurs.get_ref()) {
                let name = Spanned::new(occurs.span(), name.clone());
                self.pending.push(Pending {
                    at,
                    path: path.clone(),
                    name,
                    what: Ref::DependingOn,
                });
            }
        }
        cur.variable |= has_odo(&field);
        cur.at = cur.at.max(end - scope.abs);
        fields.push(field);
        Some((index, path))
    }

    /// The field's JSON name: checked for shape and uniqueness; empty for FILLER.
    fn check_name(
        &mut self,
        rf: &RawField,
        ty: Type,
        table: &Range<usize>,
        path: &str,
        fields: &[Field],
    ) -> Option<String> {
        if ty == Type::Filler {
            return Some(String::new());
        }
        let Some(name) = &rf.name else {
            self.d
                .err(table.clone(), format!("field `{path}`: `name` is required"));
            return None;
        };
        let text = name.get_ref();
        if !valid_name(text) {
            self.d.err(
                name.span(),
                format!("field `{path}`: name `{text}` must match [a-z_][a-z0-9_]*"),
            );
            return None;
        }
        if fields.iter().any(|f| f.json_name == *text) {
            self.d.err(
                name.span(),
                format!("field `{path}`: `{text}` is already defined in this group"),
            );
            return None;
        }
        Some(text.clone())
    }

    /// Where the field starts within its group, and which sibling it overlays.
    /// Pushes a FILLER for a gap before an explicit offset.
    fn place(
        &mut self,
        rf: &RawField,
        path: &str,
        scope: &Scope,
        fields: &mut Vec<Field>,
        cur: &mut Cursor,
    ) -> Option<(usize, Option<usize>)> {
        let offset = match &rf.offset {
            Some(o) => Some((
                int_in(self.d, o, path, "offset", 0..=MAX_RECORD_BYTES as i64)? as usize,
                o.span(),
            )),
            None => None,
        };
        if let Some(target) = &rf.overlays {
            let wanted = target.get_ref();
            let Some(i) = fields
                .iter()
                .position(|f| !f.is_filler() && f.json_name == *wanted)
            else {
                if !cur.failed.contains(wanted) {
                    self.d.err(target.span(), format!("field `{path}`: overlays `{wanted}`, which is not an earlier field of the same group"));
                }
                return None;
            };
            // An overlay of an overlay shares its base, as COBOL REDEFINES requires.
            let base = fields.get(i).and_then(|f| f.redefines).unwrap_or(i);
            let base_field = fields.get(base)?;
            let start = base_field.offset - scope.abs;
            if has_odo(base_field) {
                self.d.err(target.span(), format!("field `{path}`: cannot overlay `{wanted}`, which holds a variable-length table"));
                return None;
            }
            if let Some((o, span)) = offset {
                if o != start {
                    self.d.err(span, format!("field `{path}`: an overlay starts where `{wanted}` does (offset {start}), got offset {o}; leave `offset` out"));
                    return None;
                }
            }
            return Some((start, Some(base)));
        }
        let Some((o, span)) = offset else {
            return Some((cur.at, None));
        };
        if cur.variable {
            self.d.err(
                span,
                format!("field `{path}`: an explicit offset cannot follow a variable-length table"),
            );
            return None;
        }
        if o < cur.at {
            if !cur.broken {
                let clash = fields
                    .iter()
                    .rev()
                    .find(|f| f.offset - scope.abs + f.total_size() > o)
                    .map_or(String::from("earlier fields"), |f| {
                        let rel = f.offset - scope.abs;
                        let who = if f.is_filler() {
                            "a FILLER".to_string()
                        } else {
                            format!("`{}`", f.json_name)
                        };
                        format!("{who} (bytes {rel}-{})", rel + f.total_size() - 1)
                    });
                self.d.err(span, format!("field `{path}`: offset {o} lies inside {clash}; to overlay a field say `overlays = \"name\"`"));
            }
            return None;
        }
        if o > cur.at {
            let pos = self.pos(&span);
            fields.push(filler(scope, scope.abs + cur.at, o - cur.at, pos));
            cur.at = o;
        }
        Some((o, None))
    }

    /// `occurs = n` or `occurs = { min, max, depending_on }`; the counter is resolved later.
    fn occurs(
        &mut self,
        rf: &RawField,
        path: &str,
        scope: &Scope,
        overlay: bool,
    ) -> Option<Option<Occurs>> {
        let Some(raw) = &rf.occurs else {
            return Some(None);
        };
        let span = raw.span();
        let bad = |d: &mut Diag, why: String| {
            d.err(span.clone(), format!("field `{path}`: {why}"));
            None
        };
        let count = |v: Option<&Value>, lo: i64| match v {
            Some(Value::Integer(n)) if (lo..=MAX_OCCURS).contains(n) => Some(Some(*n as usize)),
            None => Some(None),
            _ => None,
        };
        match raw.get_ref() {
            Value::Integer(_) => match count(Some(raw.get_ref()), 1) {
                Some(Some(n)) => Some(Some(Occurs {
                    min: n,
                    max: n,
                    depending_on: None,
                })),
                _ => bad(
                    self.d,
                    format!("occurs must be 1-{MAX_OCCURS}, got {}", raw.get_ref()),
                ),
            },
            Value::Table(t) => {
                if let Some(k) = t
                    .keys()
                    .find(|k| !matches!(k.as_str(), "min" | "max" | "depending_on"))
                {
                    return bad(
                        self.d,
                        format!("occurs has unknown key `{k}` (expected min, max, depending_on)"),
                    );
                }
                let (Some(min), Some(Some(max))) = (count(t.get("min"), 0), count(t.get("max"), 1))
                else {
                    return bad(
                        self.d,
                        format!(
                            "occurs needs max 1-{MAX_OCCURS} and an optional min 0-{MAX_OCCURS}"
                        ),
                    );
                };
                let min = min.unwrap_or(0);
                if min > max {
                    return bad(self.d, format!("occurs min {min} is above max {max}"));
                }
                match depending_on(raw.get_ref()) {
                    Some(Some(Value::String(_))) => {}
                    _ => return bad(self.d, "occurs as a table needs `depending_on = \"counter_field\"` (for a fixed count write occurs = n)".into()),
                }
                if scope.in_occurs {
                    return bad(
                        self.d,
                        "a variable-length table cannot sit inside another table".into(),
                    );
                }
                if overlay {
                    return bad(
                        self.d,
                        "an overlay cannot hold a variable-length table".into(),
                    );
                }
                Some(Some(Occurs {
                    min,
                    max,
                    depending_on: Some(crate::layout::DependingOn {
                        name: String::new(),
                        path: Vec::new(),
                    }),
                }))
            }
            other => bad(
                self.d,
                format!(
                    "occurs must be an integer or a table, got a {}",
                    other.type_str()
                ),
            ),
        }
    }

    /// `value` and `conditions`, checked against the field's type and size.
    fn defaults(&mut self, rf: &RawField, field: &mut Field, path: &str) {
        let target = match &field.kind {
            FieldKind::Item(DataType::Zoned { pic, .. })
            | FieldKind::Item(DataType::Packed { pic })
            | FieldKind::Item(DataType::Binary { pic, .. })
            | FieldKind::Item(DataType::Edited { pic, .. }) => Target::Number { pic: *pic },
            FieldKind::Item(DataType::Float { .. }) => Target::Float,
            FieldKind::Item(DataType::National { chars }) => Target::Text { chars: *chars },
            _ => Target::Text { chars: field.size },
        };
        if let Some(v) = &rf.value {
            field.value = literal::value(self.d, v, target, field.size, path);
        }
        if let Some(c) = &rf.conditions {
            field.conditions = literal::conditions(self.d, c, target, field.size, path);
        }
    }

    /// The discriminator values of `when`, as trimmed text.
    fn when_values(&mut self, w: &RawWhen, path: &str) -> Option<Vec<String>> {
        if w.values.get_ref().is_empty() {
            self.d.err(
                w.values.span(),
                format!("field `{path}`: `when.values` needs at least one value"),
            );
            return None;
        }
        let mut out = Vec::new();
        for v in w.values.get_ref() {
            match v.get_ref() {
                Value::String(s) => out.push(s.trim().to_string()),
                Value::Integer(i) => out.push(i.to_string()),
                other => {
                    self.d.err(v.span(), format!("field `{path}`: a `when` value must be a string or an integer, got a {}", other.type_str()));
                    return None;
                }
            }
        }
        Some(out)
    }
}

/// `depending_on` of an occurs table: `None` for a plain count, `Some(None)` when absent.
fn depending_on(v: &Value) -> Option<Option<&Value>> {
    match v {
        Value::Table(t) => Some(t.get("depending_on")),
        _ => None,
    }
}

/// True when the field or anything below it is an OCCURS DEPENDING ON table.
fn has_odo(f: &Field) -> bool {
    f.any(&|f| f.occurs.as_ref().is_some_and(|o| o.depending_on.is_some()))
}

/// An unnamed gap: encoded as spaces.
fn filler(scope: &Scope, offset: usize, len: usize, pos: SourcePos) -> Field {
    Field {
        level: u8::try_from(5 * scope.depth).unwrap_or(45),
        name: "FILLER".into(),
        json_name: String::new(),
        offset,
        size: len,
        occurs: None,
        redefines: None,
        kind: FieldKind::Item(DataType::Alphanumeric { len }),
        value: Some(Literal::Spaces),
        conditions: Vec::new(),
        justified_right: false,
        blank_when_zero: false,
        address_usage: None,
        select_when: None,
        pos,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    #[test]
    fn names_are_snake_case_identifiers() {
        // Lower-case letters, digits after the first, underscores.
        assert!(valid_name("first_registered") && valid_name("_x1"));
        // Upper case, a leading digit, a dash and empty names are refused.
        assert!(!valid_name("Vrm") && !valid_name("1st") && !valid_name("a-b") && !valid_name(""));
    }
}

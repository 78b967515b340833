//! The layout IR: a tree of fields with byte offsets, sizes and physical types.
//!
//! Every record-format parser (COBOL copybooks, TOML specs, integrators' own) produces
//! this model; the JSON codec and the listing read only this model.

use crate::dialect::EditSymbols;
use serde::Serialize;

/// Where a definition came from in its source text (1-based), for error messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SourcePos {
    pub line: u32,
    pub column: u32,
}

/// One record layout (a COBOL 01 level, or one TOML spec record).
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    /// The record's own name as written (e.g. `PERSON-REC`).
    pub name: String,
    /// The record itself: normally a group whose children are the fields.
    pub root: Field,
    /// Level-66 RENAMES entries: alternative names for a run of fields (listing and schemas only).
    pub renames: Vec<Renames>,
}

/// `66 NAME RENAMES FROM-FIELD [THRU TO-FIELD]`.
#[derive(Debug, Clone, Serialize)]
pub struct Renames {
    pub name: String,
    pub from: String,
    pub thru: Option<String>,
    /// Byte range it covers (static offsets).
    pub offset: usize,
    pub size: usize,
    pub pos: SourcePos,
}

impl Layout {
    /// Bytes in a record with every OCCURS DEPENDING ON table at its maximum.
    pub fn max_len(&self) -> usize {
        self.root.total_size()
    }

    /// True when the record length varies with OCCURS DEPENDING ON counters.
    pub fn has_odo(&self) -> bool {
        self.root
            .any(&|f| f.occurs.as_ref().is_some_and(|o| o.depending_on.is_some()))
    }

    /// Child-index path from the root to the first field with this name (COBOL name,
    /// case-insensitive, or JSON name), depth first.
    pub fn find_path(&self, name: &str) -> Option<Vec<usize>> {
        fn go(f: &Field, name: &str, path: &mut Vec<usize>) -> bool {
            for (i, c) in f.children().iter().enumerate() {
                path.push(i);
                if (c.name.eq_ignore_ascii_case(name) || c.json_name == name) && !c.is_filler() {
                    return true;
                }
                if go(c, name, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        go(&self.root, name, &mut path).then_some(path)
    }

    /// The field at a JSON path (`keeper.keeper_name`: JSON names from the root; FILLER
    /// has none and is never found, though the named items of a transparent FILLER
    /// group are, as members of its parent; a table is walked through to its element's
    /// fields).
    pub fn field_by_json_path<S: AsRef<str>>(&self, path: &[S]) -> Option<&Field> {
        fn member<'f>(group: &'f Field, name: &str) -> Option<&'f Field> {
            let children = group.children();
            children.iter().enumerate().find_map(|(i, c)| {
                if Field::is_transparent_in(children, i) {
                    member(c, name)
                } else {
                    (!c.is_filler() && c.json_name == name).then_some(c)
                }
            })
        }
        path.iter()
            .try_fold(&self.root, |f, name| member(f, name.as_ref()))
    }

    /// The field at a child-index path.
    pub fn field_at(&self, path: &[usize]) -> Option<&Field> {
        path.iter()
            .try_fold(&self.root, |f, &i| f.children().get(i))
    }

    fn field_at_mut(&mut self, path: &[usize]) -> Option<&mut Field> {
        path.iter()
            .try_fold(&mut self.root, |f, &i| match &mut f.kind {
                FieldKind::Group(c) => c.get_mut(i),
                FieldKind::Item(_) => None,
            })
    }

    /// Makes the REDEFINES alternative `alternative` apply only to records whose
    /// `discriminator` field decodes to one of `values` (multi-segment files).
    pub fn select_alternative(
        &mut self,
        alternative: &str,
        discriminator: &str,
        values: Vec<String>,
    ) -> Result<(), String> {
        let alt = self
            .find_path(alternative)
            .ok_or_else(|| format!("no field named `{alternative}`"))?;
        let disc = self
            .find_path(discriminator)
            .ok_or_else(|| format!("no field named `{discriminator}`"))?;
        match self.field_at(&disc).map(|f| &f.kind) {
            Some(FieldKind::Item(_)) => {}
            _ => {
                return Err(format!(
                    "discriminator `{discriminator}` must be an elementary item"
                ))
            }
        }
        if disc.starts_with(&alt) {
            return Err(format!(
                "discriminator `{discriminator}` lies inside `{alternative}`"
            ));
        }
        let (parent_path, idx) = alt.split_at(alt.len() - 1);
        let parent = self.field_at(parent_path).ok_or("bad path")?;
        let in_set =
            parent.children().iter().enumerate().any(|(j, c)| {
                c.redefines == Some(idx[0]) || (j == idx[0] && c.redefines.is_some())
            });
        if !in_set {
            return Err(format!(
                "`{alternative}` neither redefines nor is redefined"
            ));
        }
        let field_name = self
            .field_at(&disc)
            .map(|f| f.name.clone())
            .unwrap_or_default();
        let f = self.field_at_mut(&alt).ok_or("bad path")?;
        f.select_when = Some(Selector {
            field: disc,
            field_name,
            values,
        });
        Ok(())
    }

    /// Every field in document order (depth first), with its dotted JSON path.
    pub fn walk(&self) -> Vec<(String, &Field)> {
        let mut out = Vec::new();
        fn go<'a>(f: &'a Field, prefix: &str, out: &mut Vec<(String, &'a Field)>) {
            let path = if prefix.is_empty() {
                f.json_name.clone()
            } else if f.json_name.is_empty() {
                prefix.to_string()
            } else {
                format!("{prefix}.{}", f.json_name)
            };
            out.push((path.clone(), f));
            if let FieldKind::Group(children) = &f.kind {
                for c in children {
                    go(c, &path, out);
                }
            }
        }
        go(&self.root, "", &mut out);
        out
    }
}

/// One data description entry (level 01-49 or 77; 66 and 88 are folded into others).
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Level number as written (1-49, 77).
    pub level: u8,
    /// Name as written (`CUST-NAME`); `FILLER` for fillers and unnamed items.
    pub name: String,
    /// Name in JSON after mapping and sibling de-duplication; empty for FILLER.
    pub json_name: String,
    /// Offset from the record start, with every ODO table before it at its maximum.
    pub offset: usize,
    /// Bytes of one occurrence (for a group: the sum of its children, ODO at max).
    pub size: usize,
    /// OCCURS clause, if any.
    pub occurs: Option<Occurs>,
    /// Index among its siblings of the field this one REDEFINES.
    pub redefines: Option<usize>,
    /// Group with children, or an elementary item with a physical type.
    pub kind: FieldKind,
    /// VALUE clause: the default used when encoding a record that omits the field.
    pub value: Option<Literal>,
    /// Level-88 condition names attached to this field.
    pub conditions: Vec<Condition>,
    /// JUSTIFIED RIGHT: text is padded on the left.
    pub justified_right: bool,
    /// BLANK WHEN ZERO: a zero value is stored as spaces.
    pub blank_when_zero: bool,
    /// USAGE INDEX, POINTER and the other pointers: `kind` holds them as native binary
    /// (their values are addresses), and this names what the copybook said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_usage: Option<&'static str>,
    /// When set, this REDEFINES alternative applies only to records whose
    /// discriminator field holds one of these values (multi-segment files).
    pub select_when: Option<Selector>,
    /// Where this entry is defined.
    pub pos: SourcePos,
}

impl Field {
    /// True for FILLER (not shown in JSON).
    pub fn is_filler(&self) -> bool {
        self.json_name.is_empty()
    }

    /// True for child `i` of `siblings` when it is a FILLER group that JSON does not
    /// show as a key: its named items are members of its parent's object instead (IBM
    /// lets programs name them). A FILLER group with OCCURS (no key to hold its array)
    /// or in a REDEFINES set (the alternatives choose by key) stays hidden whole.
    pub fn is_transparent_in(siblings: &[Field], i: usize) -> bool {
        siblings.get(i).is_some_and(|f| {
            f.is_filler()
                && matches!(f.kind, FieldKind::Group(_))
                && f.occurs.is_none()
                && f.redefines.is_none()
                && !siblings.iter().any(|s| s.redefines == Some(i))
        })
    }

    /// Bytes including every occurrence (ODO at its maximum).
    pub fn total_size(&self) -> usize {
        self.size * self.occurs.as_ref().map_or(1, |o| o.max)
    }

    /// True when `pred` holds for this field or any field below it.
    pub fn any(&self, pred: &dyn Fn(&Field) -> bool) -> bool {
        pred(self)
            || match &self.kind {
                FieldKind::Group(c) => c.iter().any(|f| f.any(pred)),
                FieldKind::Item(_) => false,
            }
    }

    /// Children of a group (empty for an elementary item).
    pub fn children(&self) -> &[Field] {
        match &self.kind {
            FieldKind::Group(c) => c,
            FieldKind::Item(_) => &[],
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub enum FieldKind {
    Group(Vec<Field>),
    Item(DataType),
}

/// `OCCURS min TO max [DEPENDING ON counter]`, or `OCCURS n` (min = max = n).
#[derive(Debug, Clone, Serialize)]
pub struct Occurs {
    pub min: usize,
    pub max: usize,
    /// The counter's name as written, and its resolved location.
    pub depending_on: Option<DependingOn>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DependingOn {
    /// Name of the counter field as written (`ITEM-COUNT`).
    pub name: String,
    /// Path of child indexes from the record root to the counter field.
    pub path: Vec<usize>,
}

/// Chooses a REDEFINES alternative by the value of another field.
#[derive(Debug, Clone, Serialize)]
pub struct Selector {
    /// Path of child indexes from the record root to the discriminator field.
    pub field: Vec<usize>,
    /// The discriminator's name as written.
    pub field_name: String,
    /// Values (as decoded text, trimmed) that select this alternative.
    pub values: Vec<String>,
}

/// A level-88 condition name and the values it stands for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub name: String,
    pub values: Vec<ConditionValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ConditionValue {
    One(Literal),
    Range(Literal, Literal),
}

/// A literal from a VALUE clause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Literal {
    /// Quoted text (`'ABC'`, `X'C1C2'` decoded to text is not used: see `Hex`).
    Text(String),
    /// Hexadecimal literal bytes (`X'00FF'`), stored as-is.
    Hex(Vec<u8>),
    /// A numeric literal as written (`-12.50`).
    Number(String),
    /// ZERO/ZEROS/ZEROES.
    Zeros,
    /// SPACE/SPACES.
    Spaces,
    /// LOW-VALUE(S): bytes 0x00.
    LowValues,
    /// HIGH-VALUE(S): bytes 0xFF.
    HighValues,
    /// QUOTE(S).
    Quotes,
    /// ALL 'x': the literal repeated to fill the field.
    All(Box<Literal>),
}

/// How a sign is stored in a DISPLAY (zoned) number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SignPosition {
    /// Overpunched in the zone of the last digit (the default).
    TrailingOverpunch,
    /// Overpunched in the zone of the first digit (SIGN LEADING).
    LeadingOverpunch,
    /// A separate `+`/`-` byte after the digits (SIGN TRAILING SEPARATE).
    TrailingSeparate,
    /// A separate `+`/`-` byte before the digits (SIGN LEADING SEPARATE).
    LeadingSeparate,
}

/// Precision of a floating-point item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FloatWidth {
    /// COMP-1: 4 bytes.
    Single,
    /// COMP-2: 8 bytes.
    Double,
}

/// Numeric shape shared by every numeric type: how many digits the PIC declares and
/// where the decimal point sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NumericPic {
    /// Digit positions stored (9s; P positions are not stored).
    pub digits: u16,
    /// Power of ten the stored integer is divided by: V99 gives 2, trailing PPP gives -3,
    /// leading PPP before 99 gives 5 (3 + 2).
    pub scale: i16,
    /// PIC starts with S.
    pub signed: bool,
}

/// The physical type of an elementary item: how its bytes hold its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum DataType {
    /// PIC X / A (and alphanumeric-edited): text in the record's code page.
    Alphanumeric { len: usize },
    /// PIC N / USAGE NATIONAL: UTF-16BE, `chars` code units.
    National { chars: usize },
    /// USAGE DISPLAY numeric: one digit per byte, sign per `sign`.
    Zoned { pic: NumericPic, sign: SignPosition },
    /// COMP-3 / PACKED-DECIMAL: two digits per byte, sign in the last nibble.
    Packed { pic: NumericPic },
    /// COMP / COMP-4 / BINARY (big-endian) and COMP-5 (`native`: byte order per dialect).
    Binary {
        pic: NumericPic,
        bytes: u8,
        native: bool,
    },
    /// USAGE COMP-X (Micro Focus): unsigned big-endian binary of 1-8 bytes sized by the
    /// PICTURE. `by_bytes`: written `PIC X(n) COMP-X` (n bytes, `pic.digits` the digits
    /// the bytes hold) rather than `PIC 9(n) COMP-X`.
    CompX {
        pic: NumericPic,
        bytes: u8,
        by_bytes: bool,
    },
    /// USAGE COMP-6 (Micro Focus): unsigned packed decimal without a sign nibble.
    Comp6 { pic: NumericPic },
    /// COMP-1 / COMP-2: representation per dialect (IBM hex float or IEEE).
    Float { width: FloatWidth },
    /// Numeric-edited PIC (Z, *, +, -, ., ,, CR, DB, B, 0, /, $): text that shows a number.
    Edited {
        picture: String,
        pic: NumericPic,
        len: usize,
        /// DECIMAL-POINT IS COMMA and the currency sign the picture was written with.
        #[serde(skip_serializing_if = "EditSymbols::is_standard")]
        symbols: EditSymbols,
    },
}

impl DataType {
    /// Bytes this item occupies.
    pub fn byte_len(&self) -> usize {
        match self {
            DataType::Alphanumeric { len } | DataType::Edited { len, .. } => *len,
            DataType::National { chars } => chars * 2,
            DataType::Zoned { pic, sign } => {
                pic.digits as usize
                    + matches!(
                        sign,
                        SignPosition::LeadingSeparate | SignPosition::TrailingSeparate
                    ) as usize
            }
            DataType::Packed { pic } => pic.digits as usize / 2 + 1,
            DataType::Binary { bytes, .. } | DataType::CompX { bytes, .. } => *bytes as usize,
            DataType::Comp6 { pic } => usize::from(pic.digits).div_ceil(2),
            DataType::Float {
                width: FloatWidth::Single,
            } => 4,
            DataType::Float {
                width: FloatWidth::Double,
            } => 8,
        }
    }

    /// Short listing text: `X(20)`, `S9(7)V99 COMP-3`, ...
    pub fn describe(&self) -> String {
        fn num(p: &NumericPic) -> String {
            let s = if p.signed { "S" } else { "" };
            let (digits, scale) = (p.digits as i32, p.scale as i32);
            if scale > digits {
                // Leading P: the point sits before unstored positions (SVPPP99).
                return format!("{s}VP({})9({digits})", scale - digits);
            }
            let mut t = String::from(s);
            if digits - scale.max(0) > 0 {
                t.push_str(&format!("9({})", digits - scale.max(0)));
            }
            if scale > 0 {
                t.push_str(&format!("V9({scale})"));
            }
            if scale < 0 {
                t.push_str(&format!("P({})", -scale));
            }
            t
        }
        match self {
            DataType::Alphanumeric { len } => format!("X({len})"),
            DataType::National { chars } => format!("N({chars})"),
            DataType::Zoned { pic, sign } => match sign {
                SignPosition::TrailingOverpunch => num(pic),
                SignPosition::LeadingOverpunch => format!("{} SIGN LEADING", num(pic)),
                SignPosition::TrailingSeparate => format!("{} SIGN TRAILING SEPARATE", num(pic)),
                SignPosition::LeadingSeparate => format!("{} SIGN LEADING SEPARATE", num(pic)),
            },
            DataType::Packed { pic } => format!("{} COMP-3", num(pic)),
            DataType::Binary { pic, native, .. } => {
                format!("{} {}", num(pic), if *native { "COMP-5" } else { "COMP" })
            }
            DataType::CompX {
                bytes,
                by_bytes: true,
                ..
            } => format!("X({bytes}) COMP-X"),
            DataType::CompX { pic, .. } => format!("{} COMP-X", num(pic)),
            DataType::Comp6 { pic } => format!("{} COMP-6", num(pic)),
            DataType::Float {
                width: FloatWidth::Single,
            } => "COMP-1".into(),
            DataType::Float {
                width: FloatWidth::Double,
            } => "COMP-2".into(),
            DataType::Edited { picture, .. } => picture.clone(),
        }
    }
}

/// Bytes a binary item takes for a given digit count (IBM: 1-4 -> 2, 5-9 -> 4, 10-18 -> 8).
pub fn binary_bytes(digits: u16) -> u8 {
    match digits {
        0..=4 => 2,
        5..=9 => 4,
        _ => 8,
    }
}

/// JSON member name for a COBOL name: lower case, `-` to `_`, leading digit gets `_`.
pub fn json_name(cobol: &str) -> String {
    let mut s: String = cobol
        .chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// Gives repeated JSON names among siblings the suffixes `_2`, `_3`, ... The named
/// items of a transparent FILLER group ([`Field::is_transparent_in`]) count as
/// siblings of its own siblings, since JSON shows them in one object.
pub fn dedup_sibling_names(fields: &mut [Field]) {
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut shown = Vec::new();
    shown_members(fields, &mut shown);
    // A suffix never takes a name a sibling has as written (`A`, `A`, `A-2`: `a_3`).
    let mut taken: Vec<String> = shown.iter().map(|f| f.json_name.clone()).collect();
    for f in shown {
        match seen.iter_mut().find(|(n, _)| *n == f.json_name) {
            Some((_, count)) => {
                let mut name;
                loop {
                    *count += 1;
                    name = format!("{}_{}", f.json_name, count);
                    if !taken.contains(&name) {
                        break;
                    }
                }
                taken.push(name.clone());
                f.json_name = name;
            }
            None => seen.push((f.json_name.clone(), 1)),
        }
    }
}

/// The fields JSON shows as members of one object, transparent FILLER groups opened.
fn shown_members<'f>(fields: &'f mut [Field], out: &mut Vec<&'f mut Field>) {
    let open: Vec<bool> = (0..fields.len())
        .map(|i| Field::is_transparent_in(fields, i))
        .collect();
    for (f, open) in fields.iter_mut().zip(open) {
        if open {
            if let FieldKind::Group(children) = &mut f.kind {
                shown_members(children, out);
            }
        } else if !f.is_filler() {
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_follow_the_mapping() {
        assert_eq!(json_name("CUST-NAME"), "cust_name");
        // A leading digit is not a valid identifier start in most consumers.
        assert_eq!(json_name("1ST-LINE"), "_1st_line");
    }

    #[test]
    fn listing_types_show_scaling_positions() {
        let pic = |digits, scale| DataType::Packed {
            pic: NumericPic {
                digits,
                scale,
                signed: true,
            },
        };
        assert_eq!(pic(9, 2).describe(), "S9(7)V9(2) COMP-3");
        // Trailing P: stored digits times a power of ten.
        assert_eq!(pic(3, -3).describe(), "S9(3)P(3) COMP-3");
        // Leading P: SVPPP99 was once listed as S9(0)V9(2).
        assert_eq!(pic(2, 5).describe(), "SVP(3)9(2) COMP-3");
        assert_eq!(pic(2, 2).describe(), "SV9(2) COMP-3");
    }

    #[test]
    fn binary_sizes_follow_ibm() {
        assert_eq!(binary_bytes(4), 2);
        assert_eq!(binary_bytes(9), 4);
        assert_eq!(binary_bytes(18), 8);
    }
}

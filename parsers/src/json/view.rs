//! A client's view of decoded records, compiled into the decode plan: fields left out,
//! fields under other keys, and one item whose value text is handed back (a return
//! code to map), so a gateway writes its final JSON in one pass instead of decoding,
//! parsing the text back into a DOM, editing it and writing it again.
//!
//! Paths name fields as the JSON shows them, through groups; a step through an OCCURS
//! group applies to every element. Edits apply in order, omits first, each against the
//! names the earlier ones left, exactly as editing the decoded JSON object would.
//!
//! This is the one implementation of omit and rename: compiled into the decode plan
//! here, applied to a decoded JSON value by [`View::edit_json`] (`dom`) and to the
//! record's JSON Schema by [`View::edit_schema`] (`schema`), over one path walk (`walk`).

use crate::layout::FieldKind;

use super::error::{RecordError, RecordErrorKind};
use super::plan::{Node, Plan};
use super::RedefinesMode;

mod dom;
pub mod schema;
mod walk;

/// How decoded records are reshaped for a client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct View {
    /// Fields to leave out (still decoded: a bad value still fails the record).
    pub omit: Vec<Vec<String>>,
    /// Fields to show under another key, keeping their place.
    pub rename: Vec<(Vec<String>, String)>,
    /// An elementary item (not a table) whose first occurrence's JSON text is returned
    /// in [`super::Decoded::captured`]; named as the layout names it, before edits.
    pub capture: Option<Vec<String>>,
    /// Leave out the trailing empty occurrences of fixed OCCURS tables: those whose bytes
    /// are all spaces (of the code page) or low-values, or that decode to nothing but
    /// blank text and zeros. `["VI","WE","","",""]` is written `["VI","WE"]`. Every
    /// occurrence is still decoded (a bad value still fails the record); OCCURS
    /// DEPENDING ON tables keep their count. The encoder writes missing trailing
    /// occurrences as blanks and zeros, so a trimmed record encodes back the same.
    pub drop_empty_occurs: bool,
}

impl View {
    /// True when the view changes nothing.
    pub fn is_empty(&self) -> bool {
        self.omit.is_empty()
            && self.rename.is_empty()
            && self.capture.is_none()
            && !self.drop_empty_occurs
    }

    /// Only trailing empty occurrences dropped (`drop`), nothing else changed.
    pub fn trimming(drop: bool) -> View {
        View {
            drop_empty_occurs: drop,
            ..View::default()
        }
    }

    /// Marks the plan's nodes. Refuses (so the caller can edit a DOM instead) what it
    /// cannot mirror exactly: a path through a REDEFINES set or with every alternative
    /// shown, duplicate keys among siblings, a rename onto a sibling's key, a capture of
    /// a group or table.
    pub(crate) fn apply(
        &self,
        plan: &mut Plan<'_>,
        redefines: RedefinesMode,
    ) -> Result<(), RecordError> {
        if self.drop_empty_occurs {
            plan.trims = mark_fixed_tables(&mut plan.root);
        }
        if self.omit.is_empty() && self.rename.is_empty() && self.capture.is_none() {
            return Ok(());
        }
        let refuse = |why: &str| {
            RecordError::new(
                String::new(),
                0,
                &[],
                RecordErrorKind::Json(format!("view cannot be compiled: {why}")),
            )
        };
        if redefines == RedefinesMode::All {
            return Err(refuse("every REDEFINES alternative is shown"));
        }
        if has_duplicate_keys(&plan.root, true) {
            return Err(refuse("duplicate keys among siblings"));
        }
        // Before any edit: a capture names the layout's fields.
        if let Some(path) = &self.capture {
            if let Some(node) = find(&mut plan.root, path).map_err(refuse)? {
                let is_item = matches!(node.field.kind, FieldKind::Item(_));
                if !is_item || node.field.occurs.is_some() {
                    return Err(refuse("the captured field is a group or a table"));
                }
                node.capture = true;
            }
        }
        for path in &self.omit {
            if let Some(node) = find(&mut plan.root, path).map_err(refuse)? {
                node.hidden = true;
            }
        }
        for (path, new_name) in &self.rename {
            let Some((last, parents)) = path.split_last() else {
                continue;
            };
            // A sibling already called `new_name` would merge with it in a JSON object.
            let clash = siblings(&mut plan.root, parents, new_name, last);
            if clash.map_err(refuse)? {
                return Err(refuse("a rename onto a sibling's key"));
            }
            if let Some(node) = find(&mut plan.root, path).map_err(refuse)? {
                if !node.hidden {
                    let mut key = Vec::with_capacity(new_name.len() + 3);
                    super::text::write_str(&mut key, new_name.as_bytes());
                    key.push(b':');
                    node.key = key;
                    node.view_name = Some(new_name.clone());
                }
            }
        }
        Ok(())
    }
}

/// A table occurrence whose bytes are all `space` (the code page's) or low-values.
pub(crate) fn empty_bytes(bytes: &[u8], space: u8) -> bool {
    bytes.iter().all(|&b| b == 0 || b == space)
}

/// An occurrence's decoded JSON that is nothing but blank text and zeros: one scan over
/// the text the decoder wrote (keys skipped, every value checked), no parse.
pub(crate) fn empty_json(json: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = json.get(i) {
        match b {
            b'"' => {
                let start = i + 1;
                let mut end = start;
                let mut escaped = false;
                loop {
                    match json.get(end) {
                        None => return false,
                        Some(b'"') => break,
                        Some(b'\\') => {
                            escaped = true;
                            end += 2;
                        }
                        Some(_) => end += 1,
                    }
                }
                i = end + 1;
                while json.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                if json.get(i) == Some(&b':') {
                    continue; // a member's key
                }
                // Escapes only stand for characters that are not blank here: kept.
                let text = json.get(start..end).unwrap_or_default().trim_ascii();
                if escaped || !(text.is_empty() || zero(text)) {
                    return false;
                }
            }
            b'-' | b'+' | b'0'..=b'9' => {
                let start = i;
                while json
                    .get(i)
                    .is_some_and(|c| matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
                {
                    i += 1;
                }
                if !zero(json.get(start..i).unwrap_or_default()) {
                    return false;
                }
            }
            b'{' | b'}' | b'[' | b']' | b',' | b':' | b' ' | b'\n' | b'\r' | b'\t' => i += 1,
            // true, false, null (a bad field under FieldErrorMode::Null): not empty.
            _ => return false,
        }
    }
    true
}

/// Decimal text of zero (`0`, `-0.00`, `0E+3`).
fn zero(t: &[u8]) -> bool {
    let mantissa = t
        .split(|&b| b == b'e' || b == b'E')
        .next()
        .unwrap_or_default();
    let digits = mantissa
        .strip_prefix(b"-")
        .or_else(|| mantissa.strip_prefix(b"+"))
        .unwrap_or(mantissa);
    digits.contains(&b'0') && digits.iter().all(|&b| b == b'0' || b == b'.')
}

/// Marks every fixed (not DEPENDING ON) table under `node` to drop its trailing empty
/// occurrences; true when there is one. A table holding an ODO table is left whole: its
/// occurrences differ in length, and trimming reads them at a fixed stride.
fn mark_fixed_tables(node: &mut Node<'_>) -> bool {
    mark_tables(node).0
}

/// [`mark_fixed_tables`], and whether an ODO table is at or under `node`.
fn mark_tables(node: &mut Node<'_>) -> (bool, bool) {
    let mut any = false;
    let mut odo_below = false;
    for c in &mut node.children {
        let (a, o) = mark_tables(c);
        any |= a;
        odo_below |= o;
    }
    let occurs = node.field.occurs.as_ref();
    let is_odo = occurs.is_some_and(|o| o.depending_on.is_some());
    let fixed = occurs.is_some() && !is_odo && !odo_below;
    node.trim_empty = fixed;
    (any || fixed, odo_below || is_odo)
}

/// The members of a record or group occurrence, each with whether it is in a
/// REDEFINES set: the root's members when it is a group, the root itself otherwise.
/// A transparent FILLER group's members stand in its place.
fn members<'p, 'l>(node: &'p mut Node<'l>, is_root: bool) -> Vec<(&'p mut Node<'l>, bool)> {
    if is_root && !matches!(node.field.kind, FieldKind::Group(_)) {
        return vec![(node, false)];
    }
    let mut out = Vec::new();
    open_members(node, &mut out);
    out
}

fn open_members<'p, 'l>(node: &'p mut Node<'l>, out: &mut Vec<(&'p mut Node<'l>, bool)>) {
    let in_set = &node.in_set;
    for (i, c) in node.children.iter_mut().enumerate() {
        if c.transparent {
            open_members(c, out);
        } else {
            out.push((c, in_set.get(i).copied().unwrap_or(false)));
        }
    }
}

/// The node at `path`, `None` when the path names nothing shown (a no-op edit).
fn find<'p, 'l>(
    root: &'p mut Node<'l>,
    path: &[String],
) -> Result<Option<&'p mut Node<'l>>, &'static str> {
    let mut at = root;
    let mut is_root = true;
    for step in path {
        if !is_root && !matches!(at.field.kind, FieldKind::Group(_)) {
            return Ok(None); // an item has no members
        }
        let members = members(at, is_root);
        let mut found = None;
        let mut count = 0;
        for (m, in_set) in members {
            if m.hidden || shown_name(m) != step.as_str() {
                continue;
            }
            if in_set {
                return Err("a path through a REDEFINES set");
            }
            count += 1;
            found = Some(m);
        }
        if count > 1 {
            return Err("duplicate keys among siblings");
        }
        let Some(next) = found else {
            return Ok(None);
        };
        at = next;
        is_root = false;
    }
    Ok(if is_root { None } else { Some(at) })
}

/// Whether the group at `parents` shows a member called `name` other than `except`.
fn siblings(
    root: &mut Node<'_>,
    parents: &[String],
    name: &str,
    except: &str,
) -> Result<bool, &'static str> {
    let group = if parents.is_empty() {
        Some(root)
    } else {
        find(root, parents)?
    };
    let Some(group) = group else {
        return Ok(false);
    };
    let is_root = parents.is_empty();
    if !is_root && !matches!(group.field.kind, FieldKind::Group(_)) {
        return Ok(false);
    }
    Ok(members(group, is_root)
        .iter()
        .any(|(m, _)| !m.hidden && shown_name(m) == name && shown_name(m) != except))
}

/// Whether some group (or the record) shows two members under one key.
fn has_duplicate_keys(node: &Node<'_>, is_root: bool) -> bool {
    if is_root && !matches!(node.field.kind, FieldKind::Group(_)) {
        return false;
    }
    fn shown<'n>(node: &'n Node<'_>, out: &mut Vec<&'n str>) {
        for c in node.children.iter().filter(|c| !c.hidden) {
            if c.transparent {
                shown(c, out);
            } else {
                out.push(shown_name(c));
            }
        }
    }
    let mut names = Vec::new();
    shown(node, &mut names);
    let shown = names;
    let dup = shown
        .iter()
        .enumerate()
        .any(|(i, a)| shown.iter().skip(i + 1).any(|b| a == b));
    dup || node.children.iter().any(|c| has_duplicate_keys(c, false))
}

/// The key a node shows now: its layout name or a view's new name.
fn shown_name<'n>(node: &'n Node<'_>) -> &'n str {
    node.view_name
        .as_deref()
        .unwrap_or(node.field.json_name.as_str())
}

#[cfg(test)]
mod tests {
    use super::super::{CodecOptions, Decoder, FieldErrorMode, RedefinesMode};
    use super::*;
    use crate::layout::Layout;
    use crate::registry::{load, LoadOptions};

    fn layout(src: &str) -> Layout {
        load(src, "t.cpy", None, &LoadOptions::default()).unwrap()
    }

    fn p(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    const REC: &str = "       01 R.\n           05 RC PIC 9(2).\n           05 T OCCURS 2.\n              10 A PIC X.\n              10 B PIC X.\n           05 N PIC X(2).\n";

    fn decode(view: &View, rec: &[u8]) -> (String, Option<Vec<u8>>) {
        let l = layout(REC);
        let mut d = Decoder::with_view(&l, CodecOptions::default(), view).unwrap();
        let mut out = Vec::new();
        let got = d.decode(rec, &mut out, FieldErrorMode::Fail).unwrap();
        (String::from_utf8(out).unwrap(), got.captured)
    }

    #[test]
    fn omit_rename_and_capture_in_one_pass() {
        // cp037 "04" "ab" "cd" "xy": rc captured then omitted, b omitted in each element.
        let view = View {
            omit: vec![p("rc"), p("t.b")],
            rename: vec![(p("t.a"), "first".into()), (p("n"), "name".into())],
            capture: Some(p("rc")),
            drop_empty_occurs: false,
        };
        let rec = b"\xF0\xF4\x81\x82\x83\x84\xA7\xA8";
        let (json, captured) = decode(&view, rec);
        assert_eq!(json, r#"{"t":[{"first":"a"},{"first":"c"}],"name":"xy"}"#);
        assert_eq!(captured.as_deref(), Some(&b"4"[..]));
        // A short record takes the tree walk: the same edits, the fields present.
        let (json, captured) = decode(&view, &rec[..5]);
        assert_eq!(json, r#"{"t":[{"first":"a"},{"first":"c"}]}"#);
        assert_eq!(captured.as_deref(), Some(&b"4"[..]));
    }

    #[test]
    fn an_omitted_field_still_fails_the_record() {
        // Letters in the omitted numeric RC: the record does not decode either way.
        let l = layout(REC);
        let view = View {
            omit: vec![p("rc")],
            ..View::default()
        };
        let mut d = Decoder::with_view(&l, CodecOptions::default(), &view).unwrap();
        let rec = b"\xC1\xC1\x81\x82\x83\x84\xA7\xA8";
        assert!(d
            .decode(rec, &mut Vec::new(), FieldErrorMode::Fail)
            .is_err());
        assert!(d
            .decode_tree_walk(rec, &mut Vec::new(), FieldErrorMode::Fail)
            .is_err());
    }

    #[test]
    fn views_that_cannot_be_mirrored_are_refused() {
        let l = layout(REC);
        let opts = CodecOptions::default();
        // A rename onto a sibling's key would merge two members.
        let clash = View {
            rename: vec![(p("rc"), "n".into())],
            ..View::default()
        };
        assert!(Decoder::with_view(&l, opts, &clash).is_err());
        // Capturing a table.
        let table = View {
            capture: Some(p("t")),
            ..View::default()
        };
        assert!(Decoder::with_view(&l, opts, &table).is_err());
        // Every REDEFINES alternative shown.
        let all = CodecOptions {
            redefines: RedefinesMode::All,
            ..opts
        };
        let omit = View {
            omit: vec![p("rc")],
            ..View::default()
        };
        assert!(Decoder::with_view(&l, all, &omit).is_err());
        // Paths naming nothing are no-ops, as on a JSON object.
        let none = View {
            omit: vec![p("nope.x"), p("n.deeper")],
            rename: vec![(p("missing"), "m".into())],
            capture: Some(p("nope")),
            drop_empty_occurs: false,
        };
        assert!(Decoder::with_view(&l, opts, &none).is_ok());
    }

    /// Markers (text), amounts (packed) and an ODO table; rc is the ODO counter.
    const TABLES: &str = "       01 R.\n           05 M PIC X(2) OCCURS 6.\n           05 P OCCURS 3.\n              10 Q PIC S9(5) COMP-3.\n              10 W PIC X.\n           05 C PIC 9.\n           05 D PIC X OCCURS 0 TO 3 DEPENDING ON C.\n";

    /// cp037 bytes of the TABLES record: `m` as given (2 bytes each), three `p`
    /// elements (packed 3 bytes + 1 text), then `c` = 2 and `d` = two spaces.
    fn tables_record(m: &[&[u8; 2]], p: &[[u8; 4]; 3]) -> Vec<u8> {
        let mut r = Vec::new();
        for x in m {
            r.extend_from_slice(*x);
        }
        for x in p {
            r.extend_from_slice(x);
        }
        r.extend_from_slice(b"\xF2\x40\x40");
        r
    }

    fn decode_tables(view: &View, rec: &[u8]) -> String {
        let l = layout(TABLES);
        let mut d = Decoder::with_view(&l, CodecOptions::default(), view).unwrap();
        let mut out = Vec::new();
        d.decode(rec, &mut out, FieldErrorMode::Fail).unwrap();
        String::from_utf8(out).unwrap()
    }

    const SP: &[u8; 2] = b"\x40\x40";
    const LOW: &[u8; 2] = b"\x00\x00";
    /// A packed zero with a blank flag; spaces; a packed 12 with flag "Y".
    const ZERO: [u8; 4] = *b"\x00\x00\x0C\x40";
    const BLANK: [u8; 4] = *b"\x40\x40\x40\x40";
    const TWELVE: [u8; 4] = *b"\x00\x01\x2C\xE8";

    #[test]
    fn trailing_empty_occurrences_are_dropped() {
        // "VI","WE", then spaces, low-values and spaces: only the two markers are left.
        // The packed table: 12/"Y" then a zero and spaces (blank), both dropped. The ODO
        // table keeps its counted two blanks.
        let rec = tables_record(
            &[b"\xE5\xC9", b"\xE6\xC5", SP, LOW, SP, SP],
            &[TWELVE, ZERO, BLANK],
        );
        let trim = View::trimming(true);
        assert_eq!(
            decode_tables(&trim, &rec),
            r#"{"m":["VI","WE"],"p":[{"q":12,"w":"Y"}],"c":2,"d":["",""]}"#
        );
        // Off (the default, and a plain decoder): every slot is kept, and decoded (the
        // spaces of the last packed slot are then no number).
        let l = layout(TABLES);
        let mut d = Decoder::new(&l, CodecOptions::default()).unwrap();
        assert!(d
            .decode(&rec, &mut Vec::new(), FieldErrorMode::Fail)
            .is_err());
        let rec = tables_record(
            &[b"\xE5\xC9", b"\xE6\xC5", SP, LOW, SP, SP],
            &[TWELVE, ZERO, ZERO],
        );
        let all = decode_tables(&View::default(), &rec);
        assert!(all.starts_with(r#"{"m":["VI","WE","","#), "{all}");
        assert!(all.contains(r#"{"q":0,"w":""}]"#), "{all}");
    }

    #[test]
    fn empty_occurrences_inside_a_table_stay() {
        // An empty slot between two markers keeps its place; an all-empty table is [].
        let rec = tables_record(
            &[b"\xE5\xC9", SP, b"\xE6\xC5", SP, SP, SP],
            &[ZERO, BLANK, BLANK],
        );
        assert_eq!(
            decode_tables(&View::trimming(true), &rec),
            r#"{"m":["VI","","WE"],"p":[],"c":2,"d":["",""]}"#
        );
    }

    #[test]
    fn a_bad_value_in_an_occurrence_still_fails() {
        // The last packed element holds an invalid digit nibble and is not blank bytes:
        // it is decoded, and the record fails (the view changes what is shown, not what
        // is checked).
        let bad = *b"\x00\x0A\x0C\x40";
        let rec = tables_record(&[SP, SP, SP, SP, SP, SP], &[ZERO, ZERO, bad]);
        let l = layout(TABLES);
        let mut d = Decoder::with_view(&l, CodecOptions::default(), &View::trimming(true)).unwrap();
        assert!(d
            .decode(&rec, &mut Vec::new(), FieldErrorMode::Fail)
            .is_err());
    }

    #[test]
    fn a_trimmed_record_encodes_back_to_the_same_bytes() {
        // Missing trailing occurrences are written as blanks and zeros by the encoder.
        let rec = tables_record(
            &[b"\xE5\xC9", b"\xE6\xC5", SP, SP, SP, SP],
            &[TWELVE, ZERO, ZERO],
        );
        let json = decode_tables(&View::trimming(true), &rec);
        assert_eq!(
            json,
            r#"{"m":["VI","WE"],"p":[{"q":12,"w":"Y"}],"c":2,"d":["",""]}"#
        );
        let l = layout(TABLES);
        let mut enc = super::super::Encoder::new(&l, CodecOptions::default()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut back = Vec::new();
        enc.encode_all(&value, &mut back, false).unwrap();
        assert_eq!(back, rec);
    }

    #[test]
    fn blank_and_zero_values() {
        for yes in [
            r#""""#,
            r#""  ""#,
            "0",
            "-0.00",
            "0e5",
            r#""0.00""#,
            r#"{"a":"","b":[0]}"#,
            r#"{"a" : " ", "b" : {"c": 0.0}}"#,
            "[]",
        ] {
            assert!(empty_json(yes.as_bytes()), "{yes}");
        }
        for no in [
            r#""X""#,
            r#""VI""#,
            "1",
            "0.01",
            "1E-5",
            "null",
            "true",
            r#"{"a":"","b":[1]}"#,
            r#"{"a":"\u00e9"}"#,
            r#"{"zero":"x"}"#,
            "1e0",
            "\"\u{e9}\"",
            "not json",
            r#""unterminated"#,
        ] {
            assert!(!empty_json(no.as_bytes()), "{no}");
        }
        // Bytes: code page spaces or low-values, whatever they would decode to.
        assert!(empty_bytes(b"\x40\x00", 0x40));
        assert!(!empty_bytes(b"\x40\xC1", 0x40));
        assert!(!empty_bytes(b"\x20", 0x40));
        assert!(empty_json(br#"{"q":0,"w":""}"#));
    }
}

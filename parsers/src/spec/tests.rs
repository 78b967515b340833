//! End-to-end tests of [`parse`]: whole spec texts in, layouts or located errors out.

use super::*;
use crate::layout::{
    DataType, Field, FieldKind, FloatWidth, Literal, NumericPic, SignPosition, SourcePos,
};
use proptest::prelude::*;

/// A spec with record `R` and the given field tables.
fn spec(fields: &str) -> String {
    format!("[record]\nname = \"R\"\n\n{fields}")
}

fn ok(src: &str) -> Layout {
    match parse(src, &ParseOptions::default()) {
        Ok(l) => l,
        Err(e) => panic!("{}", e.render(src, "test.toml")),
    }
}

/// Every reported problem as (line, column, message).
fn errors(src: &str) -> Vec<(u32, u32, String)> {
    let e = parse(src, &ParseOptions::default()).expect_err("spec should be refused");
    let all = match e {
        SpecError::Many(v) => v,
        one => vec![one],
    };
    all.iter()
        .map(|e| (e.line().unwrap_or(0), e.column().unwrap_or(0), e.message()))
        .collect()
}

/// The single problem reported.
fn error(src: &str) -> (u32, u32, String) {
    let mut all = errors(src);
    assert_eq!(all.len(), 1, "expected one error, got {all:?}");
    all.remove(0)
}

fn item(f: &Field) -> &DataType {
    match &f.kind {
        FieldKind::Item(dt) => dt,
        FieldKind::Group(_) => panic!("`{}` is a group", f.name),
    }
}

#[test]
fn every_type_maps_to_the_layout() {
    // One field of each type, laid end to end.
    let src = spec(
        r#"[[field]]
name = "t"
type = "text"
length = 3
[[field]]
name = "n"
type = "national"
length = 2
[[field]]
name = "z"
type = "zoned"
digits = 4
scale = 1
signed = true
sign = "trailing-separate"
[[field]]
name = "p"
type = "packed"
digits = 5
[[field]]
name = "b"
type = "binary"
bytes = 2
signed = true
[[field]]
name = "f"
type = "float"
width = "single"
[[field]]
name = "e"
type = "edited"
picture = "ZZ9.99-"
[[field]]
type = "filler"
length = 2
"#,
    );
    let l = ok(&src);
    let kids = l.root.children();
    let got: Vec<(&str, usize, usize)> = kids
        .iter()
        .map(|f| (f.name.as_str(), f.offset, f.size))
        .collect();
    assert_eq!(
        got,
        [
            ("t", 0, 3),
            ("n", 3, 4),
            ("z", 7, 5),
            ("p", 12, 3),
            ("b", 15, 2),
            ("f", 17, 4),
            ("e", 21, 7),
            ("FILLER", 28, 2)
        ]
    );
    assert_eq!(
        item(&kids[2]),
        &DataType::Zoned {
            pic: NumericPic {
                digits: 4,
                scale: 1,
                signed: true
            },
            sign: SignPosition::TrailingSeparate
        }
    );
    assert_eq!(
        item(&kids[5]),
        &DataType::Float {
            width: FloatWidth::Single
        }
    );
    assert!(kids[7].is_filler() && kids[7].json_name.is_empty());
    assert_eq!(l.max_len(), 30);
    assert_eq!(l.name, "R");
    assert_eq!((l.root.level, l.root.json_name.as_str()), (1, "r"));
    // Fields remember where their table starts.
    assert_eq!(kids[0].pos, SourcePos { line: 4, column: 1 });
    assert_eq!(kids[0].level, 5);
}

#[test]
fn explicit_offsets_leave_filler_in_gaps() {
    // `b` at offset 5 leaves bytes 2-4 as FILLER; the declared length pads the tail.
    let src = "[record]\nname = \"R\"\nlength = 10\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 2\n[[field]]\nname = \"b\"\ntype = \"text\"\nlength = 1\noffset = 5\n";
    let l = ok(src);
    let got: Vec<(&str, usize, usize)> = l
        .root
        .children()
        .iter()
        .map(|f| (f.json_name.as_str(), f.offset, f.size))
        .collect();
    assert_eq!(got, [("a", 0, 2), ("", 2, 3), ("b", 5, 1), ("", 6, 4)]);
    let gap = &l.root.children()[1];
    assert_eq!(
        (gap.name.as_str(), &gap.value),
        ("FILLER", &Some(Literal::Spaces))
    );
    // The gap's position is the offset that caused it.
    assert_eq!(gap.pos.line, 12);
    assert_eq!(l.max_len(), 10);
}

#[test]
fn overlays_point_at_their_base() {
    // `alt` overlays `base` (index 1 after the gap FILLER), `alt2` overlays `alt` and
    // so `base` too; `after` starts after the longest alternative.
    let src = spec(
        r#"[[field]]
name = "base"
type = "text"
length = 4
offset = 2
[[field]]
name = "alt"
type = "zoned"
digits = 4
overlays = "base"
[[field]]
name = "alt2"
type = "text"
length = 6
overlays = "alt"
[[field]]
name = "after"
type = "text"
length = 1
"#,
    );
    let l = ok(&src);
    let k = l.root.children();
    assert_eq!(k[2].redefines, Some(1));
    assert_eq!(k[3].redefines, Some(1));
    assert_eq!((k[2].offset, k[3].offset), (2, 2));
    assert_eq!(k[4].offset, 8);
    assert_eq!(l.max_len(), 9);
}

#[test]
fn groups_and_tables_get_absolute_offsets_and_levels() {
    // A fixed table of groups after a 2-byte field; children offsets are the first
    // occurrence's, sizes are one occurrence's.
    let src = spec(
        r#"[[field]]
name = "h"
type = "text"
length = 2
[[field]]
name = "markers"
type = "group"
occurs = 3
  [[field.fields]]
  name = "code"
  type = "text"
  length = 2
  [[field.fields]]
  name = "at"
  type = "group"
    [[field.fields.fields]]
    name = "date"
    type = "zoned"
    digits = 8
[[field]]
name = "tail"
type = "text"
length = 1
"#,
    );
    let l = ok(&src);
    let m = &l.root.children()[1];
    assert_eq!((m.offset, m.size, m.total_size(), m.level), (2, 10, 30, 5));
    assert_eq!(m.occurs.as_ref().map(|o| (o.min, o.max)), Some((3, 3)));
    let at = &m.children()[1];
    assert_eq!((at.offset, at.level), (4, 10));
    assert_eq!((at.children()[0].offset, at.children()[0].level), (4, 15));
    assert_eq!(l.root.children()[2].offset, 32);
    let paths: Vec<String> = l.walk().into_iter().map(|(p, _)| p).collect();
    assert!(paths.contains(&"r.markers.at.date".to_string()));
}

#[test]
fn depending_on_resolves_outwards_and_by_dotted_path() {
    // The counter sits in a header group; the table names it by dotted path. A second
    // table inside a group names a counter of the record by bare name.
    let src = spec(
        r#"[[field]]
name = "header"
type = "group"
  [[field.fields]]
  name = "count"
  type = "binary"
  bytes = 2
[[field]]
name = "n"
type = "zoned"
digits = 1
[[field]]
name = "body"
type = "group"
  [[field.fields]]
  name = "reports"
  type = "text"
  length = 5
  occurs = { max = 4, depending_on = "n" }
[[field]]
name = "owners"
type = "text"
length = 3
occurs = { min = 1, max = 2, depending_on = "header.count" }
"#,
    );
    let l = ok(&src);
    assert!(l.has_odo());
    let reports = &l.root.children()[2].children()[0];
    let dep = reports
        .occurs
        .as_ref()
        .and_then(|o| o.depending_on.as_ref())
        .unwrap();
    assert_eq!((dep.name.as_str(), dep.path.as_slice()), ("n", &[1][..]));
    let owners = &l.root.children()[3];
    let o = owners.occurs.as_ref().unwrap();
    assert_eq!((o.min, o.max), (1, 2));
    assert_eq!(o.depending_on.as_ref().unwrap().path, vec![0, 0]);
    // Offsets after a variable table count it at its maximum.
    assert_eq!(owners.offset, 2 + 1 + 20);
}

#[test]
fn when_selects_alternatives_by_discriminator_path() {
    // Both alternatives name the discriminator inside the header group by dotted path
    // (a bare name looks only at siblings and enclosing groups, not into other groups).
    let src = spec(
        r#"[[field]]
name = "hdr"
type = "group"
  [[field.fields]]
  name = "rec_type"
  type = "text"
  length = 1
[[field]]
name = "arrest"
type = "text"
length = 4
when = { field = "hdr.rec_type", values = ["A", " B "] }
[[field]]
name = "release"
type = "zoned"
digits = 4
overlays = "arrest"
when = { field = "hdr.rec_type", values = [7] }
"#,
    );
    let l = ok(&src);
    let k = l.root.children();
    let s = k[1].select_when.as_ref().unwrap();
    assert_eq!(
        (s.field.as_slice(), s.field_name.as_str()),
        (&[0, 0][..], "hdr.rec_type")
    );
    assert_eq!(s.values, ["A", "B"]);
    let s = k[2].select_when.as_ref().unwrap();
    assert_eq!(
        (s.field.as_slice(), s.values.as_slice()),
        (&[0, 0][..], &["7".to_string()][..])
    );
}

#[test]
fn defaults_and_conditions_reach_the_layout() {
    // A text default, a numeric default, a justified field and a condition with a range.
    let src = spec(
        r#"[[field]]
name = "status"
type = "text"
length = 2
justify = "right"
value = "OK"
conditions = [{ name = "bad", values = ["XX", { from = "A", to = "C" }] }]
[[field]]
name = "amount"
type = "zoned"
digits = 5
scale = 2
blank_when_zero = true
value = "12.50"
"#,
    );
    let l = ok(&src);
    let k = l.root.children();
    assert_eq!(k[0].value, Some(Literal::Text("OK".into())));
    assert!(k[0].justified_right);
    assert_eq!(k[0].conditions[0].name, "bad");
    assert_eq!(k[0].conditions[0].values.len(), 2);
    assert_eq!(k[1].value, Some(Literal::Number("12.50".into())));
    assert!(k[1].blank_when_zero);
}

#[test]
fn record_option_selects_by_name() {
    // The expected record matches regardless of case; another name is refused at the name.
    let src = spec("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\n");
    assert!(parse(
        &src,
        &ParseOptions {
            record: Some("r".into()),
            ..Default::default()
        }
    )
    .is_ok());
    let e = parse(
        &src,
        &ParseOptions {
            record: Some("OTHER".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, SpecError::RecordNotFound { .. }));
    assert_eq!((e.line(), e.column()), (Some(2), Some(8)));
    assert!(e.to_string().contains("record `OTHER` not found"));
}

#[test]
fn toml_errors_are_located() {
    // A syntax error: the unterminated string on line 2.
    let e = parse("[record]\nname = \"R\n", &ParseOptions::default()).unwrap_err();
    assert!(matches!(e, SpecError::Toml { .. }));
    assert_eq!(e.line(), Some(2));
    // An unknown key, pointed at exactly.
    let src = spec("[[field]]\nname = \"a\"\ntype = \"text\"\nlenght = 1\n");
    assert_eq!(error(&src).0, 7);
    assert!(error(&src).2.contains("unknown field `lenght`"));
    // A wrong value type.
    let src = spec("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = \"1\"\n");
    assert_eq!((error(&src).0, error(&src).1), (7, 10));
    // No [record] at all.
    let e = parse("[[field]]\nname = \"a\"\n", &ParseOptions::default()).unwrap_err();
    assert!(e.to_string().contains("missing field `record`"), "{e}");
}

#[test]
fn semantic_errors_are_located() {
    // (spec fields, line, column, message part): lines count from the spec() header's
    // three lines, so the first [[field]] is line 4.
    let cases: &[(&str, u32, u32, &str)] = &[
        // Packed digits out of range: at the value.
        ("[[field]]\nname = \"price\"\ntype = \"packed\"\ndigits = 40\n", 7, 10, "field `price`: packed digits must be 1-31, got 40"),
        // An unknown type: at the type's value.
        ("[[field]]\nname = \"a\"\ntype = \"comp3\"\n", 6, 8, "unknown type `comp3`"),
        // No type: at the table.
        ("[[field]]\nname = \"a\"\n", 4, 1, "`type` is required"),
        // No name: at the table.
        ("[[field]]\ntype = \"text\"\nlength = 1\n", 4, 1, "field `#1`: `name` is required"),
        // A name that is not snake case.
        ("[[field]]\nname = \"Vrm\"\ntype = \"text\"\nlength = 1\n", 5, 8, "must match [a-z_][a-z0-9_]*"),
        // A key that does not apply to the type.
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\ndigits = 3\n", 8, 10, "`digits` does not apply to type text"),
        // A filler with a name.
        ("[[field]]\nname = \"a\"\ntype = \"filler\"\nlength = 1\n", 5, 8, "`name` does not apply to type filler"),
        // A group without fields.
        ("[[field]]\nname = \"g\"\ntype = \"group\"\n", 4, 1, "group `g` has no fields"),
        // A bad occurs.
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = 0\n", 8, 10, "occurs must be 1-1000000, got 0"),
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = { max = 3 }\n", 8, 10, "needs `depending_on"),
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = { max = 3, min = 4, depending_on = \"x\" }\n", 8, 10, "min 4 is above max 3"),
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = { max = 3, step = 1 }\n", 8, 10, "unknown key `step`"),
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = \"3\"\n", 8, 10, "integer or a table"),
        // `when` on a field that is not part of an overlay.
        ("[[field]]\nname = \"t\"\ntype = \"text\"\nlength = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\nwhen = { field = \"t\", values = [\"A\"] }\n", 12, 8, "neither overlays"),
        // `when` with no values.
        ("[[field]]\nname = \"t\"\ntype = \"text\"\nlength = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\n[[field]]\nname = \"b\"\ntype = \"text\"\nlength = 1\noverlays = \"a\"\nwhen = { field = \"t\", values = [] }\n", 17, 32, "at least one value"),
        // A negative default for an unsigned number.
        ("[[field]]\nname = \"a\"\ntype = \"packed\"\ndigits = 3\nvalue = -1\n", 8, 9, "negative but the field is unsigned"),
        // A record length shorter than its fields.
        ("[[field]]\nname = \"a\"\ntype = \"group\"\nlength = 1\n[[field.fields]]\nname = \"b\"\ntype = \"text\"\nlength = 2\n", 7, 10, "length of `a` is 1 bytes, but its fields take 2"),
    ];
    for (fields, line, column, part) in cases {
        let (l, c, m) = error(&spec(fields));
        assert!(m.contains(part), "{fields:?}: {m}");
        assert_eq!((l, c), (*line, *column), "{fields:?}: {m}");
    }
}

#[test]
fn placement_errors_are_located() {
    let cases: &[(&str, u32, u32, &str)] = &[
        // An offset inside the previous field, without `overlays`.
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 4\n[[field]]\nname = \"b\"\ntype = \"text\"\nlength = 1\noffset = 2\n", 12, 10, "offset 2 lies inside `a` (bytes 0-3)"),
        // Overlaying something that is not an earlier sibling.
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 4\noverlays = \"zz\"\n", 8, 12, "overlays `zz`, which is not an earlier field"),
        // An overlay with a different offset.
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 4\n[[field]]\nname = \"b\"\ntype = \"text\"\nlength = 1\noverlays = \"a\"\noffset = 1\n", 13, 10, "an overlay starts where `a` does"),
        // A duplicate name in a group.
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\n", 9, 8, "`a` is already defined"),
        // A counter that does not exist, is not numeric, or comes after the table.
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = { max = 2, depending_on = \"nope\" }\n", 8, 10, "depending_on `nope` names no field"),
        ("[[field]]\nname = \"c\"\ntype = \"text\"\nlength = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = { max = 2, depending_on = \"c\" }\n", 12, 10, "must be a zoned, packed or binary number"),
        ("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = { max = 2, depending_on = \"c\" }\n[[field]]\nname = \"c\"\ntype = \"zoned\"\ndigits = 1\n", 8, 10, "must end before the table starts"),
        // A variable table inside a fixed one.
        ("[[field]]\nname = \"c\"\ntype = \"zoned\"\ndigits = 1\n[[field]]\nname = \"g\"\ntype = \"group\"\noccurs = 2\n[[field.fields]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = { max = 2, depending_on = \"c\" }\n", 16, 10, "cannot sit inside another table"),
        // An explicit offset after a variable table.
        ("[[field]]\nname = \"c\"\ntype = \"zoned\"\ndigits = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\noccurs = { max = 2, depending_on = \"c\" }\n[[field]]\nname = \"b\"\ntype = \"text\"\nlength = 1\noffset = 9\n", 17, 10, "cannot follow a variable-length table"),
        // A discriminator that is a float, or lies inside a table.
        ("[[field]]\nname = \"t\"\ntype = \"float\"\nwidth = \"single\"\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\nwhen = { field = \"t\", values = [\"1\"] }\n[[field]]\nname = \"b\"\ntype = \"text\"\nlength = 1\noverlays = \"a\"\n", 12, 18, "must be a text or decimal field"),
        ("[[field]]\nname = \"t\"\ntype = \"text\"\nlength = 1\noccurs = 2\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\nwhen = { field = \"t\", values = [\"1\"] }\n[[field]]\nname = \"b\"\ntype = \"text\"\nlength = 1\noverlays = \"a\"\n", 13, 18, "inside a repeating field"),
        // Two alternatives claiming the same discriminator value.
        ("[[field]]\nname = \"t\"\ntype = \"text\"\nlength = 1\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\nwhen = { field = \"t\", values = [\"A\"] }\n[[field]]\nname = \"b\"\ntype = \"text\"\nlength = 1\noverlays = \"a\"\nwhen = { field = \"t\", values = [\"A\"] }\n", 18, 18, "value \"A\" of `t` already selects `a`"),
    ];
    for (fields, line, column, part) in cases {
        let (l, c, m) = error(&spec(fields));
        assert!(m.contains(part), "{fields:?}: {m}");
        assert_eq!((l, c), (*line, *column), "{fields:?}: {m}");
    }
}

#[test]
fn reports_every_problem_at_once() {
    // Three independent problems in three fields, all reported in source order.
    let src = spec(
        "[[field]]\nname = \"a\"\ntype = \"packed\"\ndigits = 40\n[[field]]\nname = \"B\"\ntype = \"text\"\nlength = 1\n[[field]]\nname = \"c\"\ntype = \"float\"\nwidth = \"half\"\n",
    );
    let all = errors(&src);
    let lines: Vec<u32> = all.iter().map(|e| e.0).collect();
    assert_eq!(lines, [7, 9, 15]);
    let e = parse(&src, &ParseOptions::default()).unwrap_err();
    let text = e.render(&src, "x.layout.toml");
    assert!(text.contains("x.layout.toml:15:9"), "{text}");
    assert!(text.ends_with("error: 3 problems in x.layout.toml\n"));
}

#[test]
fn a_bad_name_does_not_hide_the_fields_other_problems() {
    // The name, the digits and the unknown overlay target are all reported.
    let src = spec(
        "[[field]]\nname = \"Price\"\ntype = \"packed\"\ndigits = 40\noverlays = \"nothing\"\n",
    );
    let lines: Vec<u32> = errors(&src).iter().map(|e| e.0).collect();
    assert_eq!(lines, [5, 7, 8]);
}

#[test]
fn deep_nesting_and_huge_sizes_are_refused() {
    // Ten nested groups exceed the nine levels below the record.
    let mut src = spec("");
    let mut table = String::from("field");
    for i in 0..10 {
        src.push_str(&format!("[[{table}]]\nname = \"g{i}\"\ntype = \"group\"\n"));
        table.push_str(".fields");
    }
    src.push_str(&format!(
        "[[{table}]]\nname = \"x\"\ntype = \"text\"\nlength = 1\n"
    ));
    assert!(errors(&src).iter().any(|e| e.2.contains("nest too deeply")));
    // A table whose total passes the record limit.
    let src =
        spec("[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1000000\noccurs = 1000000\n");
    assert!(error(&src).2.contains("record limit"));
    // No fields at all.
    assert!(error(&spec("")).2.contains("no fields"));
}

#[test]
fn deeply_nested_toml_is_an_error_not_a_crash() {
    // Arrays and inline tables nested far beyond any layout hit the reader's limit.
    let arrays = format!("[record]\nname = \"R\"\nx = {}", "[".repeat(100_000));
    assert!(parse(&arrays, &ParseOptions::default()).is_err());
    let mut fields = String::from(
        "[record]\nname = \"R\"\n[[field]]\nname = \"g\"\ntype = \"group\"\nfields = ",
    );
    for _ in 0..2_000 {
        fields.push_str("[{ name = \"g\", type = \"group\", fields = ");
    }
    assert!(parse(&fields, &ParseOptions::default()).is_err());
    // Just under the reader's limit, groups nested by table headers: refused by depth.
    let mut src = spec("");
    let mut table = String::from("field");
    for i in 0..120 {
        src.push_str(&format!("[[{table}]]\nname = \"g{i}\"\ntype = \"group\"\n"));
        table.push_str(".fields");
    }
    assert!(parse(&src, &ParseOptions::default()).is_err());
}

#[test]
fn samples_parse() {
    // The shipped samples stay valid.
    for name in ["pnc-vehicle.layout.toml", "custody-event.layout.toml"] {
        let path = format!("{}/../samples/{name}", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).unwrap();
        let l = ok(&src);
        assert!(l.max_len() > 0, "{name}");
    }
}

#[test]
fn module_doc_example_parses() {
    // The first TOML example in the module documentation is a complete, valid spec.
    let doc: String = include_str!("mod.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let start = doc.find("```toml\n").unwrap() + 8;
    let end = start + doc[start..].find("```").unwrap();
    let l = ok(&doc[start..end]);
    assert_eq!(
        (l.name.as_str(), l.max_len(), l.has_odo()),
        ("VEHICLE-REC", 145, true)
    );
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
        let _ = parse(&s, &ParseOptions::default());
    }

    #[test]
    fn never_panics_on_spec_like_text(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("[[field]]".to_string()),
                Just("[[field.fields]]".to_string()),
                "name = \"[a-c]\"",
                "type = \"(text|zoned|packed|binary|float|edited|group|filler)\"",
                "(length|digits|bytes|offset|scale|occurs) = -?[0-9]{1,3}",
                "overlays = \"[a-c]\"",
                "occurs = \\{ max = [0-9], depending_on = \"[a-c]\" \\}",
                "when = \\{ field = \"[a-c]\", values = \\[\"A\"\\] \\}",
                "picture = \"[9Z.,$+-]{1,6}\"",
                "value = \"[0-9.-]{0,4}\"",
                "width = \"(single|double)\"",
            ],
            0..30,
        )
    ) {
        let src = format!("[record]\nname = \"R\"\n{}\n", lines.join("\n"));
        let _ = parse(&src, &ParseOptions::default());
    }
}

#[test]
fn record_keys_set_the_decimal_point_and_currency_of_edited_fields() {
    // `decimal_point = "comma"` and a pound sign: `£££.££9,99` is 10 bytes, 2 decimals.
    let src = "[record]\nname = \"R\"\ndecimal_point = \"comma\"\ncurrency_sign = \"£\"\n\n\
               [[field]]\nname = \"p\"\ntype = \"edited\"\npicture = \"£££.££9,99\"\n";
    let l = ok(src);
    match item(&l.root.children()[0]) {
        DataType::Edited {
            pic, len, symbols, ..
        } => {
            assert_eq!((pic.digits, pic.scale, *len), (7, 2, 10));
            assert!(symbols.decimal_comma);
            assert_eq!(symbols.currency_sign, '£');
        }
        other => panic!("{other:?}"),
    }
    // The same from the caller's options.
    let plain = "[record]\nname = \"R\"\n[[field]]\nname = \"p\"\ntype = \"edited\"\npicture = \"ZZ9,99\"\n";
    let opts = ParseOptions {
        symbols: crate::dialect::EditSymbols {
            decimal_comma: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let l = parse(plain, &opts).unwrap();
    assert!(matches!(item(&l.root.children()[0]), DataType::Edited { pic, .. } if pic.scale == 2));
}

#[test]
fn bad_decimal_point_and_currency_keys_are_located() {
    // Each bad key is reported at its value.
    let bad = |record: &str| {
        error(&format!(
            "[record]\nname = \"R\"\n{record}\n[[field]]\nname = \"a\"\ntype = \"text\"\nlength = 1\n"
        ))
    };
    let (line, _, m) = bad("decimal_point = \"semicolon\"");
    assert_eq!(line, 3);
    assert!(m.contains("expected \"comma\" or \"period\""), "{m}");
    let (line, _, m) = bad("currency_sign = \"EUR\"");
    assert_eq!(line, 3);
    assert!(m.contains("3 characters"), "{m}");
    let (line, _, m) = bad("currency_symbol = \"L\"");
    assert_eq!(line, 3);
    assert!(m.contains("needs currency_sign"), "{m}");
    let (line, _, m) = bad("currency_sign = \"£\"\ncurrency_symbol = \"Z\"");
    assert_eq!(line, 4);
    assert!(m.contains("PICTURE symbol"), "{m}");
}

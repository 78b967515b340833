//! End-to-end tests of the copybook parser: text in, layout or located error out.

use super::*;
use crate::dialect::{Dialect, EditSymbols};
use crate::layout::{
    ConditionValue, DataType, Field, FieldKind, FloatWidth, Literal, NumericPic, SignPosition,
};

fn free(src: &str) -> Layout {
    match parse(
        src,
        &ParseOptions {
            format: SourceFormat::Free,
            ..Default::default()
        },
    ) {
        Ok(l) => l,
        Err(e) => panic!("{}", e.render(src, "test.cpy")),
    }
}

fn free_err(src: &str) -> CopybookError {
    match parse_all(src, SourceFormat::Free) {
        Ok(l) => panic!("expected an error, got {l:#?}"),
        Err(e) => e,
    }
}

/// (line, column) of an error.
fn at(e: &CopybookError) -> (u32, u32) {
    (e.line().unwrap_or(0), e.column().unwrap_or(0))
}

fn field<'a>(l: &'a Layout, path: &str) -> &'a Field {
    l.walk()
        .into_iter()
        .find(|(p, _)| p == path)
        .map(|(_, f)| f)
        .unwrap_or_else(|| panic!("no field {path}"))
}

fn dt(f: &Field) -> &DataType {
    match &f.kind {
        FieldKind::Item(d) => d,
        FieldKind::Group(_) => panic!("{} is a group", f.name),
    }
}

fn np(digits: u16, scale: i16, signed: bool) -> NumericPic {
    NumericPic {
        digits,
        scale,
        signed,
    }
}

#[test]
fn fixed_format_record_with_sequence_numbers_and_comments() {
    // Sequence area, identification area, comment lines and a floating comment.
    let src = "\
000100* CUSTOMER RECORD                                                 CUST0001
000200 01  CUSTOMER-REC.                                                CUST0002
000300     05  CUST-ID          PIC 9(6).                               CUST0003
000400     05  CUST-NAME        PIC X(30).     *> the name              CUST0004
000500/                                                                 CUST0005
000600     05  CUST-BAL         PIC S9(7)V99 COMP-3.                    CUST0006
";
    let l = parse(src, &ParseOptions::default()).unwrap();
    assert_eq!(l.name, "CUSTOMER-REC");
    assert_eq!(l.root.json_name, "customer_rec");
    assert_eq!(l.root.level, 1);
    let bal = field(&l, "customer_rec.cust_bal");
    assert_eq!(bal.offset, 36);
    assert_eq!(bal.size, 5);
    assert_eq!(
        dt(bal),
        &DataType::Packed {
            pic: np(9, 2, true)
        }
    );
    assert_eq!(
        bal.pos,
        SourcePos {
            line: 6,
            column: 12
        }
    );
    assert_eq!(l.max_len(), 41);
}

#[test]
fn usages_and_byte_lengths() {
    // Every usage and its size in bytes.
    let l = free(
        "01 R.
           05 A PIC S9(7)V99 COMP-3.
           05 B PIC S9(4) COMP.
           05 C PIC S9(9) BINARY.
           05 D PIC S9(18) COMP-4.
           05 E PIC 9(5) SIGN LEADING SEPARATE.
           05 F PIC N(5).
           05 G COMP-1.
           05 H USAGE IS COMP-2.
           05 I PIC 9(4) COMP-5.
           05 J PIC X(4) USAGE NATIONAL.
           05 K USAGE INDEX.
           05 L PIC S9(3) SIGN TRAILING.
           05 M PIC S9(3) DISPLAY.
           05 N PIC S9(3) PACKED-DECIMAL.
           05 O PIC 9(2) COMPUTATIONAL-5.
           05 P POINTER.",
    );
    let sizes: Vec<(String, usize)> = l
        .root
        .children()
        .iter()
        .map(|f| (f.name.clone(), f.size))
        .collect();
    let expect = [
        ("A", 5),
        ("B", 2),
        ("C", 4),
        ("D", 8),
        ("E", 6),
        ("F", 10),
        ("G", 4),
        ("H", 8),
        ("I", 2),
        ("J", 8),
        ("K", 4),
        ("L", 3),
        ("M", 3),
        ("N", 2),
        ("O", 2),
        ("P", 4),
    ];
    let expect: Vec<(String, usize)> = expect.iter().map(|(n, s)| (n.to_string(), *s)).collect();
    assert_eq!(sizes, expect);
    let c = |n: &str| dt(field(&l, &format!("r.{n}"))).clone();
    // SIGN SEPARATE on an unsigned PIC is taken as signed.
    assert_eq!(
        c("e"),
        DataType::Zoned {
            pic: np(5, 0, true),
            sign: SignPosition::LeadingSeparate
        }
    );
    assert_eq!(
        c("b"),
        DataType::Binary {
            pic: np(4, 0, true),
            bytes: 2,
            native: false
        }
    );
    assert_eq!(
        c("i"),
        DataType::Binary {
            pic: np(4, 0, false),
            bytes: 2,
            native: true
        }
    );
    assert_eq!(
        c("g"),
        DataType::Float {
            width: FloatWidth::Single
        }
    );
    assert_eq!(c("j"), DataType::National { chars: 4 });
    assert_eq!(
        c("l"),
        DataType::Zoned {
            pic: np(3, 0, true),
            sign: SignPosition::TrailingOverpunch
        }
    );
    assert_eq!(
        c("m"),
        DataType::Zoned {
            pic: np(3, 0, true),
            sign: SignPosition::TrailingOverpunch
        }
    );
}

#[test]
fn sign_clauses() {
    // Each SIGN form maps to its position; separate signs add a byte.
    let l = free(
        "01 R.
           05 A PIC S9(5) SIGN LEADING SEPARATE.
           05 B PIC S9(5) SIGN IS TRAILING SEPARATE CHARACTER.
           05 C PIC S9(5) LEADING.",
    );
    let sign = |n: &str| match dt(field(&l, n)) {
        DataType::Zoned { sign, .. } => *sign,
        other => panic!("{other:?}"),
    };
    assert_eq!(sign("r.a"), SignPosition::LeadingSeparate);
    assert_eq!(sign("r.b"), SignPosition::TrailingSeparate);
    assert_eq!(sign("r.c"), SignPosition::LeadingOverpunch);
    assert_eq!(field(&l, "r.a").size, 6);
    assert_eq!(l.max_len(), 17);
}

#[test]
fn nested_groups_and_offsets() {
    // Nesting follows level numbers, not indentation.
    let l = free(
        "01 R.
 05 A.
 10 A1 PIC X(2).
 10 A2.
 15 A21 PIC 9(3).
 05 B PIC X.",
    );
    assert_eq!(field(&l, "r.a").size, 5);
    assert_eq!(field(&l, "r.a.a2.a21").offset, 2);
    assert_eq!(field(&l, "r.b").offset, 5);
    assert_eq!(l.max_len(), 6);
}

#[test]
fn occurs_offsets() {
    // A table's size is one occurrence; the next field follows all of them.
    let l = free(
        "01 R.
           05 T OCCURS 3 TIMES.
              10 X PIC X(2).
              10 Y PIC S9(3) COMP-3.
           05 Z PIC X.",
    );
    let t = field(&l, "r.t");
    assert_eq!((t.size, t.occurs.as_ref().unwrap().max), (4, 3));
    assert_eq!(field(&l, "r.t.y").offset, 2);
    assert_eq!(field(&l, "r.z").offset, 12);
    assert_eq!(l.max_len(), 13);
    assert!(!l.has_odo());
}

#[test]
fn odo_counter_path() {
    // The counter path leads from the root to the counter; offsets assume the max.
    let l = free(
        "01 R.
           05 HDR.
              10 N PIC 9(2).
           05 T OCCURS 1 TO 10 TIMES DEPENDING ON N OF HDR.
              10 X PIC X(3).
           05 TAIL PIC X.",
    );
    let o = field(&l, "r.t").occurs.clone().unwrap();
    assert_eq!((o.min, o.max), (1, 10));
    let d = o.depending_on.unwrap();
    assert_eq!(d.name, "N");
    assert_eq!(d.path, vec![0, 0]);
    assert_eq!(field(&l, "r.tail").offset, 32);
    assert!(l.has_odo());
}

#[test]
fn odo_errors() {
    // Unknown counter: at the counter's name.
    let e = free_err("01 R.\n 05 T OCCURS 1 TO 5 DEPENDING ON NOPE PIC X.");
    assert_eq!(at(&e), (2, 34));
    // Counter not numeric.
    let e = free_err("01 R.\n 05 N PIC X.\n 05 T OCCURS 5 DEPENDING ON N PIC X.");
    assert_eq!(at(&e), (3, 29));
    // Counter inside its own table.
    let e = free_err("01 R.\n 05 T OCCURS 1 TO 5 DEPENDING N.\n  10 N PIC 9.");
    assert_eq!(at(&e), (2, 31));
    // Ambiguous counter.
    let e = free_err(
        "01 R.\n 05 A.\n  10 N PIC 9.\n 05 B.\n  10 N PIC 9.\n 05 T OCCURS 5 DEPENDING N PIC X.",
    );
    assert!(e.to_string().contains("ambiguous"));
    assert_eq!(at(&e), (6, 26));
}

#[test]
fn redefines_offsets_and_index() {
    // B redefines A (index 0) and is longer: the group takes the max extent.
    let l = free(
        "01 R.
           05 A PIC X(4).
           05 B REDEFINES A PIC X(6).
           05 C REDEFINES A.
              10 C1 PIC 9(2).
           05 D PIC X.",
    );
    let b = field(&l, "r.b");
    assert_eq!((b.offset, b.redefines), (0, Some(0)));
    assert_eq!(field(&l, "r.c").redefines, Some(0));
    assert_eq!(field(&l, "r.d").offset, 6);
    assert_eq!(field(&l, "r.d").redefines, None);
    assert_eq!(l.max_len(), 7);
}

#[test]
fn redefines_errors() {
    // Unknown target.
    let e = free_err("01 R.\n 05 A PIC X.\n 05 B REDEFINES Z PIC X.");
    assert_eq!(at(&e), (3, 17));
    // Target is not a sibling (it is a child of another group).
    let e = free_err("01 R.\n 05 G.\n  10 A PIC X.\n 05 B REDEFINES A PIC X.");
    assert_eq!(at(&e), (4, 17));
    // Target is a following item.
    let e = free_err("01 R.\n 05 B REDEFINES A PIC X.\n 05 A PIC X.");
    assert_eq!(at(&e), (2, 17));
}

#[test]
fn sync_alignment() {
    // B is aligned to 4 bytes: 3 slack bytes after A, group size 8.
    let l = free("01 R.\n 05 A PIC X.\n 05 B PIC S9(9) COMP SYNC.");
    assert_eq!(field(&l, "r.b").offset, 4);
    assert_eq!(l.max_len(), 8);
    // COMP-2 aligns to 8, halfword binary to 2; DISPLAY items do not move.
    let l = free(
        "01 R.\n 05 A PIC X.\n 05 H PIC S9(4) COMP SYNC.\n 05 X PIC X SYNC.\n 05 D COMP-2 SYNC.",
    );
    assert_eq!(field(&l, "r.h").offset, 2);
    assert_eq!(field(&l, "r.x").offset, 4);
    assert_eq!(field(&l, "r.d").offset, 8);
    assert_eq!(l.max_len(), 16);
    // A table entry with a synchronized item is padded so each occurrence stays aligned.
    let l = free("01 R.\n 05 T OCCURS 2 SYNC.\n  10 B PIC S9(9) COMP.\n  10 C PIC X.");
    assert_eq!(field(&l, "r.t").size, 8);
    assert_eq!(l.max_len(), 16);
}

#[test]
fn edited_pictures() {
    // Numeric-edited keeps the PIC as written; alphanumeric-edited is plain text.
    let l = free(
        "01 R.\n 05 A PIC ZZ,ZZ9.99CR.\n 05 B PIC $$$,$$9.99.\n 05 C PIC XXBXX.\n 05 D PIC 9(5).99.",
    );
    assert_eq!(
        dt(field(&l, "r.a")),
        &DataType::Edited {
            picture: "ZZ,ZZ9.99CR".into(),
            pic: np(7, 2, true),
            len: 11,
            symbols: EditSymbols::STANDARD,
        }
    );
    assert_eq!(field(&l, "r.b").size, 10);
    assert_eq!(dt(field(&l, "r.c")), &DataType::Alphanumeric { len: 5 });
    assert_eq!(
        dt(field(&l, "r.d")),
        &DataType::Edited {
            picture: "9(5).99".into(),
            pic: np(7, 2, false),
            len: 8,
            symbols: EditSymbols::STANDARD,
        }
    );
}

#[test]
fn p_scaling() {
    // Trailing and leading P.
    let l = free("01 R.\n 05 A PIC 9(3)PPP.\n 05 B PIC SVPPP99 COMP-3.\n 05 C PIC PPP99.");
    assert_eq!(
        dt(field(&l, "r.a")),
        &DataType::Zoned {
            pic: np(3, -3, false),
            sign: SignPosition::TrailingOverpunch
        }
    );
    assert_eq!(
        dt(field(&l, "r.b")),
        &DataType::Packed {
            pic: np(2, 5, true)
        }
    );
    assert_eq!(field(&l, "r.c").size, 2);
}

#[test]
fn values_and_conditions() {
    // VALUE literals; 88s attach to the item before them with values and ranges.
    let l = free(
        "01 R.
           05 STATUS-CODE PIC X VALUE 'A'.
              88 ACTIVE VALUE 'A'.
              88 CLOSED VALUES ARE 'C' 'X'.
           05 AGE PIC 999 VALUE ZERO.
              88 ADULT VALUE 18 THRU 150.
           05 FLAGS PIC X(3) VALUE ALL '*'.
           05 RAW PIC X(2) VALUE X'00FF'.",
    );
    let s = field(&l, "r.status_code");
    assert_eq!(s.value, Some(Literal::Text("A".into())));
    assert_eq!(s.conditions.len(), 2);
    assert_eq!(s.conditions[1].name, "CLOSED");
    assert_eq!(
        s.conditions[1].values,
        vec![
            ConditionValue::One(Literal::Text("C".into())),
            ConditionValue::One(Literal::Text("X".into()))
        ]
    );
    let age = field(&l, "r.age");
    assert_eq!(age.value, Some(Literal::Zeros));
    assert_eq!(
        age.conditions[0].values,
        vec![ConditionValue::Range(
            Literal::Number("18".into()),
            Literal::Number("150".into())
        )]
    );
    assert_eq!(
        field(&l, "r.flags").value,
        Some(Literal::All(Box::new(Literal::Text("*".into()))))
    );
    assert_eq!(field(&l, "r.raw").value, Some(Literal::Hex(vec![0, 0xFF])));
}

#[test]
fn renames_ranges() {
    // 66 RENAMES covers the bytes from the first item to the end of the THRU item.
    let l = free(
        "01 R.
           05 A PIC X(2).
           05 B PIC X(3).
           05 C PIC X(4).
        66 AB RENAMES A THRU B.
        66 CC RENAMES C.",
    );
    assert_eq!(l.renames.len(), 2);
    assert_eq!((l.renames[0].offset, l.renames[0].size), (0, 5));
    assert_eq!(l.renames[0].thru.as_deref(), Some("B"));
    assert_eq!((l.renames[1].offset, l.renames[1].size), (5, 4));
    // THRU an item before the start is an error at the THRU name.
    let e = free_err("01 R.\n 05 A PIC X.\n 05 B PIC X.\n66 X RENAMES B THRU A.");
    assert_eq!(at(&e), (4, 21));
}

#[test]
fn several_records_and_selection() {
    // parse picks by name (case-insensitive); parse_all returns every 01 and 77.
    let src = "01 REQ.\n 05 A PIC X.\n01 RESP.\n 05 B PIC X(2).\n77 COUNTER PIC 9(4) COMP.";
    let all = parse_all(src, SourceFormat::Free).unwrap();
    let names: Vec<&str> = all.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["REQ", "RESP", "COUNTER"]);
    assert_eq!(all[2].max_len(), 2);
    let opts = ParseOptions {
        record: Some("resp".into()),
        format: SourceFormat::Auto,
        ..Default::default()
    };
    assert_eq!(parse(src, &opts).unwrap().max_len(), 2);
    assert_eq!(parse(src, &ParseOptions::default()).unwrap().name, "REQ");
    // An unknown name lists what is there.
    let opts = ParseOptions {
        record: Some("NOPE".into()),
        format: SourceFormat::Auto,
        ..Default::default()
    };
    let e = parse(src, &opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        "no record named NOPE; the copybook defines: REQ, RESP, COUNTER"
    );
}

#[test]
fn copybook_without_01_gets_an_implicit_root() {
    // Entries starting at level 05 are wrapped in RECORD.
    let l = free("05 A PIC X(2).\n05 B.\n 10 C PIC 9.");
    assert_eq!(l.name, "RECORD");
    assert_eq!(l.root.children().len(), 2);
    assert_eq!(field(&l, "record.b.c").offset, 2);
}

#[test]
fn fillers_and_duplicate_names() {
    // FILLER and unnamed items have no JSON name; duplicates get suffixes.
    let l = free("01 R.\n 05 FILLER PIC X.\n 05 PIC X.\n 05 A PIC X.\n 05 A PIC X.");
    let names: Vec<&str> = l
        .root
        .children()
        .iter()
        .map(|f| f.json_name.as_str())
        .collect();
    assert_eq!(names, ["", "", "a", "a_2"]);
    assert_eq!(l.root.children()[1].name, "FILLER");
}

#[test]
fn group_usage_applies_to_children() {
    // USAGE COMP-3 on a group makes its numeric children packed.
    let l = free("01 R.\n 05 G COMP-3.\n  10 A PIC S9(5).\n  10 B PIC 9(3) COMP-3.");
    assert_eq!(field(&l, "r.g.a").size, 3);
    // A child that says otherwise is an error at its USAGE.
    let e = free_err("01 R.\n 05 G COMP-3.\n  10 A PIC S9(5) COMP.");
    assert_eq!(at(&e), (3, 18));
}

#[test]
fn lowercase_and_continued_literal_in_fixed_format() {
    // Keywords are case-insensitive; a continued literal joins across lines.
    let line1 = format!(
        "{:<72}",
        "       01 rec.\n           05 msg pic x(50) value 'HELLO"
    );
    let src = format!("{line1}\n      -    'WORLD'.\n");
    let l = parse(&src, &ParseOptions::default()).unwrap();
    let m = field(&l, "rec.msg");
    match &m.value {
        Some(Literal::Text(t)) => {
            assert!(t.starts_with("HELLO "));
            assert!(t.ends_with(" WORLD"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn error_positions() {
    // (source, line, column) for each kind of mistake.
    let cases: &[(&str, u32, u32)] = &[
        // PIC without a string.
        ("01 R.\n           05 CUST-NAME   PIC .", 2, 31),
        // Unknown clause.
        ("01 R.\n 05 A PIC X FROB.", 2, 13),
        // Bad PIC: repetition count of zero (at the count).
        ("01 R.\n 05 A PIC 9(0).", 2, 13),
        // Bad PIC: unclosed repetition.
        ("01 R.\n 05 A PIC X(5 .", 2, 14),
        // Bad PIC: S not first.
        ("01 R.\n 05 A PIC 9S9.", 2, 12),
        // Bad PIC: two Vs.
        ("01 R.\n 05 A PIC 9V9V9.", 2, 14),
        // Level number out of range.
        ("01 R.\n 50 A PIC X.", 2, 2),
        // An elementary item with children: at the child.
        ("01 R.\n 05 A PIC X.\n   10 B PIC X.", 3, 4),
        // OCCURS at level 01.
        ("01 R OCCURS 2.\n 05 A PIC X.", 1, 6),
        // COPY is not expanded.
        ("01 R.\n COPY OTHER.", 2, 2),
        // Group without children or PIC.
        ("01 R.\n 05 A.", 2, 2),
        // COMP with an alphanumeric PIC.
        ("01 R.\n 05 A PIC X COMP.", 2, 11),
        // Too many digits for binary.
        ("01 R.\n 05 A PIC 9(19) COMP.", 2, 11),
        // SIGN on an alphanumeric item.
        ("01 R.\n 05 A PIC X SIGN LEADING.", 2, 18),
        // Missing period between entries: the next level number is no clause.
        ("01 R.\n 05 A PIC X\n 05 B PIC X.", 3, 2),
        // Unterminated literal.
        ("01 R.\n 05 A PIC X VALUE 'ABC\n.", 2, 19),
        // 88 without a value.
        ("01 R.\n 05 A PIC X.\n 88 ON-OFF.", 3, 5),
        // Several values on a data item.
        ("01 R.\n 05 A PIC X VALUE 'A' 'B'.", 2, 19),
        // 77 with subordinate items.
        ("77 A PIC X.\n 05 B PIC X.", 2, 2),
        // A record made only of an 88.
        ("88 X VALUE 1.", 1, 1),
        // Duplicate clause.
        ("01 R.\n 05 A PIC X PIC X.", 2, 13),
        // OCCURS minimum above maximum.
        ("01 R.\n 05 A PIC X OCCURS 5 TO 2.", 2, 13),
    ];
    for (src, line, col) in cases {
        let e = free_err(src);
        assert_eq!(at(&e), (*line, *col), "{src:?}: {e}");
    }
}

#[test]
fn syntax_error_renders_like_a_compiler() {
    // The brief's example, in fixed format.
    let src = "       01 P.\n           05 CUST-NAME  PIC .\n";
    let e = parse(src, &ParseOptions::default()).unwrap_err();
    assert_eq!(at(&e), (2, 30));
    let r = e.render(src, "person.cpy");
    assert!(
        r.starts_with("error: expected a PIC string after PIC"),
        "{r}"
    );
    assert!(r.contains("--> person.cpy:2:30"));
    assert!(r.ends_with(&format!("  | {}^\n", " ".repeat(29))));
}

#[test]
fn fixed_format_error_columns_count_the_original_line() {
    // Sequence numbers shift nothing: the column is the original one.
    let src = "000100 01 R.\n000200     05 A PIC 9(0).\n";
    let e = parse(src, &ParseOptions::default()).unwrap_err();
    assert_eq!(at(&e), (2, 23));
}

#[test]
fn empty_copybook_is_an_error() {
    // Only comments: no records.
    assert!(matches!(
        parse_all("      * nothing\n", SourceFormat::Auto),
        Err(CopybookError::NoRecords)
    ));
    assert!(matches!(
        parse("", &ParseOptions::default()),
        Err(CopybookError::NoRecords)
    ));
}

#[test]
fn eject_and_skip_are_ignored() {
    // Listing-control statements between entries.
    let l = free("01 R.\nEJECT\n 05 A PIC X.\nSKIP2.\n 05 B PIC X.");
    assert_eq!(l.max_len(), 2);
}

#[test]
fn occurs_with_keys_and_indexes() {
    // Key and index clauses are accepted and ignored.
    let l = free(
        "01 R.\n 05 N PIC 9(3) COMP.\n 05 T OCCURS 0 TO 20 TIMES DEPENDING ON N \
         ASCENDING KEY IS K INDEXED BY IX.\n  10 K PIC X(2).",
    );
    assert_eq!(field(&l, "r.t").occurs.as_ref().unwrap().min, 0);
    assert_eq!(l.max_len(), 42);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const VALID: &str = "\
000100 01  ORDER-REC.
000200     05  ORDER-ID        PIC 9(8).
000300     05  ITEM-COUNT      PIC S9(4) COMP.
000400     05  STATUS          PIC X VALUE 'N'.
000500         88  IS-NEW      VALUE 'N'.
000600     05  ITEMS OCCURS 1 TO 50 DEPENDING ON ITEM-COUNT.
000700         10  SKU         PIC X(10).
000800         10  QTY         PIC S9(5) COMP-3.
000900         10  PRICE       PIC ZZ,ZZ9.99-.
001000     05  ALT REDEFINES STATUS PIC X.
001100 66  IDS RENAMES ORDER-ID THRU ITEM-COUNT.
";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_panics_on_arbitrary_text(s in "\\PC{0,300}") {
            // Any text: an error or a layout, never a panic.
            let _ = parse_all(&s, SourceFormat::Auto);
            let _ = parse_all(&s, SourceFormat::Fixed);
            let _ = parse_all(&s, SourceFormat::Free);
        }

        #[test]
        fn never_panics_on_copybook_like_text(
            words in proptest::collection::vec(
                prop_oneof![
                    Just("01"), Just("05"), Just("88"), Just("66"), Just("77"), Just("A"),
                    Just("B"), Just("PIC"), Just("X(3)"), Just("S9(4)V9"), Just("COMP-3"),
                    Just("OCCURS"), Just("2"), Just("TO"), Just("DEPENDING"), Just("ON"),
                    Just("REDEFINES"), Just("VALUE"), Just("'Q'"), Just("THRU"), Just("."),
                    Just("\n"), Just("SYNC"), Just("RENAMES"), Just("COMP"), Just("ZZ9.9"),
                ],
                0..40,
            )
        ) {
            // Plausible token soup exercises the later stages.
            let s = words.join(" ");
            if let Err(e) = parse_all(&s, SourceFormat::Free) {
                let _ = e.render(&s, "x.cpy");
            }
        }

        #[test]
        fn never_panics_on_mutated_copybook(
            edits in proptest::collection::vec((0usize..600, any::<char>()), 1..8),
            cut in 0usize..700,
        ) {
            // Replace characters and truncate a valid copybook.
            let mut chars: Vec<char> = VALID.chars().collect();
            for (i, c) in edits {
                if let Some(slot) = chars.get_mut(i) {
                    *slot = c;
                }
            }
            chars.truncate(cut);
            let s: String = chars.into_iter().collect();
            if let Err(e) = parse_all(&s, SourceFormat::Auto) {
                let _ = e.render(&s, "x.cpy");
            }
        }
    }

    #[test]
    fn the_mutation_seed_is_valid() {
        // The unmutated copybook parses, so mutations start from something real.
        let l = parse(VALID, &ParseOptions::default()).unwrap();
        assert!(l.has_odo());
        assert_eq!(l.renames[0].size, 10);
    }
}

#[test]
fn customer_copybook_with_keyword_prefixed_names() {
    // Names beginning with USAGE words, as customer and company copybooks have them.
    let l = free(
        "01 CUSTOMER-MASTER.
           05 COMPANY-NAME        PIC X(30).
           05 COMP-CODE           PIC X(4).
           05 COMPUTED-TAX        PIC S9(7)V99 COMP-3.
           05 COMPLIANCE-FLAG     PIC X.
           05 VALUE-DATE          PIC 9(8).
           05 DISPLAY-NAME        PIC X(20).
           05 BINARY-COUNT        PIC S9(4) COMP.",
    );
    assert_eq!(field(&l, "customer_master.company_name").size, 30);
    assert_eq!(field(&l, "customer_master.comp_code").offset, 30);
    assert_eq!(
        dt(field(&l, "customer_master.computed_tax")),
        &DataType::Packed {
            pic: np(9, 2, true)
        }
    );
    assert_eq!(field(&l, "customer_master.binary_count").offset, 68);
}

#[test]
fn a_reserved_word_as_a_name_is_refused_at_the_word() {
    // `COMP` where the name goes reads as an unnamed binary item with PIC X: the error
    // explains that COMP cannot be a name, at line 2 column 4.
    let e = free_err("01 R.\n 05 COMP PIC X(30).");
    assert!(
        e.message()
            .starts_with("COMP is a reserved word and cannot name a data item"),
        "{e}"
    );
    assert_eq!(at(&e), (2, 5));
    // A grammar failure gets the same explanation.
    let e = free_err("01 R.\n 05 VALUE PIC X.");
    assert!(e.message().contains("VALUE is a reserved word"), "{e}");
    assert_eq!(at(&e), (2, 5));
    // An unnamed entry that makes sense stays accepted.
    let l = free("01 R.\n 05 PIC X(2).\n 05 COMP-3 PIC S9(3).");
    assert_eq!(l.root.children().len(), 2);
}

#[test]
fn special_names_set_the_decimal_point_and_currency() {
    // A SPECIAL-NAMES paragraph in the copybook: DECIMAL-POINT IS COMMA and a pound sign
    // written with the picture symbol L.
    let src = "SPECIAL-NAMES.
    DECIMAL-POINT IS COMMA
    CURRENCY SIGN IS \"£\" WITH PICTURE SYMBOL \"L\".
01 R.
 05 AMOUNT PIC Z.ZZZ.ZZ9,99.
 05 PRICE  PIC LLL.LL9,99.
 05 RAW    PIC S9(5)V99.";
    let l = free(src);
    let symbols = EditSymbols::STANDARD
        .with_currency("£", Some("L"))
        .map(|s| EditSymbols {
            decimal_comma: true,
            ..s
        })
        .unwrap();
    assert_eq!(
        dt(field(&l, "r.amount")),
        &DataType::Edited {
            picture: "Z.ZZZ.ZZ9,99".into(),
            pic: np(9, 2, false),
            len: 12,
            symbols,
        }
    );
    assert_eq!(field(&l, "r.price").size, 10);
    assert_eq!(field(&l, "r.raw").offset, 22);
    // The same options given by the caller instead of the text.
    let l = parse(
        "01 R.\n 05 A PIC ZZ9,99.",
        &ParseOptions {
            symbols: EditSymbols {
                decimal_comma: true,
                ..EditSymbols::STANDARD
            },
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(field(&l, "r.a").size, 6);
    // Without them, `ZZ9,99` has no decimals.
    assert!(
        matches!(dt(field(&free("01 R.\n 05 A PIC ZZ9,99."), "r.a")),
        DataType::Edited { pic, .. } if pic.scale == 0)
    );
}

#[test]
fn special_names_errors_are_located() {
    // Unknown SPECIAL-NAMES clause, a missing COMMA, a three-letter currency string,
    // and a caller's currency that contradicts the copybook's.
    let e =
        free_err("SPECIAL-NAMES.\n DECIMAL-POINT IS COMMA\n C01 IS TOP-PAGE.\n01 R.\n 05 A PIC X.");
    assert_eq!(at(&e), (3, 2));
    assert!(
        e.message()
            .contains("other SPECIAL-NAMES clauses are not read"),
        "{e}"
    );
    let e = free_err("DECIMAL-POINT IS PERIOD.\n01 R.\n 05 A PIC X.");
    assert_eq!(at(&e), (1, 18));
    let e = free_err("CURRENCY SIGN IS \"EUR\".\n01 R.\n 05 A PIC X.");
    assert_eq!(at(&e), (1, 1));
    assert!(e.message().contains("3 characters"), "{e}");
    let e = parse(
        "CURRENCY SIGN IS \"£\".\n01 R.\n 05 A PIC £££9.",
        &ParseOptions {
            symbols: EditSymbols::STANDARD.with_currency("€", None).unwrap(),
            format: SourceFormat::Free,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(e.message().contains("differs"), "{e}");
    // `$` in a picture when £ is the currency symbol: at the `$`.
    let e = free_err("CURRENCY SIGN IS \"£\".\n01 R.\n 05 A PIC 9$.");
    assert_eq!(at(&e), (3, 12));
}

#[test]
fn pointer_and_index_sizes_follow_the_dialect() {
    let src = "01 R.
           05 P POINTER.
           05 I INDEX.
           05 E PROCEDURE-POINTER.
           05 F USAGE FUNCTION-POINTER.
           05 G PROGRAM-POINTER.
           05 P32 POINTER-32.
           05 P64 USAGE IS POINTER-64.";
    let sizes = |dialect| {
        let opts = ParseOptions {
            format: SourceFormat::Free,
            dialect,
            ..Default::default()
        };
        let l = parse(src, &opts).unwrap_or_else(|e| panic!("{}", e.render(src, "t.cpy")));
        l.root.children().iter().map(|f| f.size).collect::<Vec<_>>()
    };
    // IBM Enterprise COBOL, LP(32): 4-byte addresses, PROCEDURE-POINTER two words.
    assert_eq!(sizes(Dialect::IBM), [4, 4, 8, 4, 4, 4, 8]);
    // GnuCOBOL 3.1 on x86-64 (`LENGTH OF`): 8-byte addresses, INDEX stays 4.
    assert_eq!(sizes(Dialect::GNUCOBOL), [8, 4, 8, 8, 8, 4, 8]);
    // An address is unsigned and native (COMP-5: whole word, dialect byte order).
    let l = free(src);
    assert!(matches!(
        dt(field(&l, "r.p")),
        DataType::Binary {
            pic: NumericPic { signed: false, .. },
            bytes: 4,
            native: true,
        }
    ));
    // They take no PICTURE, and their USAGE words are no data names.
    let e = free_err("01 R.\n 05 E PROCEDURE-POINTER PIC X(8).");
    assert!(
        e.message()
            .contains("USAGE PROCEDURE-POINTER items take no PICTURE"),
        "{e}"
    );
    let e = free_err("01 R.\n 05 POINTER-64 PIC X.");
    assert!(e.message().contains("reserved word"), "{e}");
}

//! Copybooks written the ways shops really keep them (`tests/copybooks/`): fixed format
//! with sequence numbers and change tags, code shifted into columns 1-7 with column-7
//! comments, the sequence area cut off, free format, tabs and CRLF, members assembled
//! with COPY ... REPLACING from an include directory, REPLACE statements. Each must load
//! with the source format detected, and give the offsets and lengths worked out by hand
//! in the comments.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use ferrule_parsers::copybook::{
    self, parse_with, IncludePath, MemberMap, ParseOptions, SourceFormat,
};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/copybooks")
}

/// Every field as `NAME offset length`, in order.
fn fields(file: &str) -> Vec<String> {
    let path = dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let name = path.display().to_string();
    let members = IncludePath::new(vec![dir().join("members")]);
    let layout = parse_with(&text, &name, &ParseOptions::default(), &members)
        .unwrap_or_else(|e| panic!("{}", e.render(&text, &name)));
    layout
        .walk()
        .into_iter()
        .map(|(_, f)| format!("{} {} {}", f.name, f.offset, f.size))
        .collect()
}

#[test]
fn fixed_with_sequence_numbers_change_tags_and_lower_case() {
    // 9(8)=8; group of 4+2+2; S9(9)V99 COMP-3 = 11 digits = 6 bytes; S9(4) COMP = 2.
    // The `D` debug line is a comment; `/` ejects a page.
    assert_eq!(
        fields("seq-numbers-and-tags.cpy"),
        [
            "ORDER-HEADER 0 25",
            "ORD-ID 0 8",
            "ord-date 8 8",
            "ord-yyyy 8 4",
            "ord-mm 12 2",
            "ord-dd 14 2",
            "ORD-TOTAL 16 6",
            "ORD-LINES 22 2",
            "ORD-STATUS 24 1",
        ]
    );
}

#[test]
fn shifted_code_with_column_7_comments_and_tags_past_72() {
    // The reported failure: `*****` in column 7 read as code. S9(7)V99 COMP-3 = 5.
    assert_eq!(
        fields("shifted-column7-comments.cpy"),
        [
            "CUSTOMER-REC 0 50",
            "CUST-NO 0 6",
            "CUST-NAME 6 35",
            "CUST-LAST 6 20",
            "CUST-FIRST 26 15",
            "CUST-BALANCE 41 5",
            "CUST-FLAGS 46 1",
        ]
    );
}

#[test]
fn sequence_area_cut_off_leaves_the_indicator_in_column_1() {
    // SV9(5) COMP-3 = 3 bytes; S9(11) COMP = 8.
    assert_eq!(
        fields("trimmed-column1-indicator.cpy"),
        [
            "ACCT-REC 0 29",
            "ACCT-ID 0 10",
            "ACCT-OPENED 10 8",
            "ACCT-RATE 18 3",
            "ACCT-LIMIT 21 8",
        ]
    );
}

#[test]
fn free_format_with_directive_and_long_lines() {
    // S9(13)V99 COMP-3 = 15 digits = 8 bytes.
    assert_eq!(
        fields("free-format-directive.cpy"),
        [
            "PAYMENT 0 63",
            "PAY-ID 0 12",
            "PAY-AMOUNT 12 8",
            "PAY-CURRENCY 20 3",
            "PAY-NOTE 23 40",
        ]
    );
}

#[test]
fn tabs_and_crlf() {
    // s9(5) comp-3 = 3; 9(5)v99 = 7.
    assert_eq!(
        fields("tabs-crlf.cpy"),
        [
            "stock-item 0 18",
            "item-code 0 8",
            "item-qty 8 3",
            "item-price 11 7",
        ]
    );
}

#[test]
fn members_copied_with_replacing_nested_and_from_a_library() {
    // ADDRESS twice (:PFX: -> BILL, then SHIP with X(30) -> X(20)); its nested COPY
    // POSTCODE (found as postcode.cpy next to it) gets the outer REPLACING too;
    // AUDIT OF AUDITLIB is AUDITLIB/AUDIT.cbl; 9(14) COMP-3 = 8 bytes.
    assert_eq!(
        fields("invoice-copies-members.cpy"),
        [
            "INVOICE-REC 0 136",
            "INV-NO 0 8",
            "BILL-ADDRESS 8 58",
            "BILL-STREET 8 30",
            "BILL-CITY 38 20",
            "BILL-POSTCODE 58 8",
            "SHIP-ADDRESS 66 48",
            "SHIP-STREET 66 20",
            "SHIP-CITY 86 20",
            "SHIP-POSTCODE 106 8",
            "AUDIT-STAMP 114 16",
            "AUDIT-USER 114 8",
            "AUDIT-TIME 122 8",
            "INV-AMOUNT 130 6",
        ]
    );
}

#[test]
fn replace_statement_until_replace_off() {
    // LEADING WS- -> RQ- until REPLACE OFF; the member's CNT- -> RQ-CNT- by REPLACING.
    assert_eq!(
        fields("replace-statements.cpy"),
        [
            "REQUEST 0 10",
            "RQ-HEAD 0 4",
            "RQ-CNT-READ 4 2",
            "RQ-CNT-WRITTEN 6 2",
            "WS-TAIL 8 2",
        ]
    );
}

#[test]
fn member_errors_name_the_member_and_the_copy_chain() {
    // A bad PIC in a nested member: located in it, with both COPY statements.
    let mut m = MemberMap::new();
    m.insert("OUTER.cpy", "      * outer\n       COPY INNER.\n")
        .insert("INNER.cpy", "       05 A PIC X(3.\n");
    let src = "       01 R.\n           COPY OUTER.\n";
    let e = parse_with(src, "main.cpy", &ParseOptions::default(), &m).unwrap_err();
    assert_eq!(
        e.to_string(),
        "in member INNER.cpy:1:20, copied from OUTER.cpy:2:8, copied from main.cpy:2:12: \
         expected `)` to close the repetition count in the PIC string"
    );
    assert_eq!(e.file(), Some("INNER.cpy"));
    let r = e.render(src, "main.cpy");
    assert!(r.contains("--> INNER.cpy:1:20"), "{r}");
    assert!(r.contains("1 |        05 A PIC X(3."), "{r}");
    assert!(r.contains("= note: copied from main.cpy:2:12"), "{r}");
}

#[test]
fn unknown_member_cycle_and_depth_are_located_errors() {
    let opts = ParseOptions::default();
    // Unknown member: at the COPY word, listing what the map holds.
    let e = parse_with("01 R.\n   COPY NOPE.\n", "m.cpy", &opts, &MemberMap::new()).unwrap_err();
    assert_eq!((e.line(), e.column()), (Some(2), Some(4)));
    assert!(e.to_string().contains("`NOPE` not found"), "{e}");
    // A cycle through two members, reported where it closes.
    let mut m = MemberMap::new();
    m.insert("A", "05 X PIC X.\nCOPY B.").insert("B", "COPY A.");
    let e = parse_with("01 R. COPY A.", "m.cpy", &opts, &m).unwrap_err();
    assert!(
        e.to_string().contains("COPY cycle: A copies B copies A"),
        "{e}"
    );
    assert_eq!(e.file(), Some("B"));
    // 50 members deep: stops at 32 with a clear message.
    let mut deep = MemberMap::new();
    for n in 0..50 {
        deep.insert(format!("M{n}"), format!("COPY M{}.", n + 1));
    }
    deep.insert("M50", "05 X PIC X.");
    let e = parse_with("01 R. COPY M0.", "m.cpy", &opts, &deep).unwrap_err();
    assert!(e.to_string().contains("nested more than 32 deep"), "{e}");
    // Without members at all, COPY says how to give them.
    let e = copybook::parse("01 R. COPY X.", &opts).unwrap_err();
    assert!(e.to_string().contains("no include directories"), "{e}");
}

#[test]
fn unreplaced_placeholder_is_an_error_at_the_tag() {
    // A `:TAG:` member loaded on its own: a located error, never a panic.
    let e = copybook::parse("01 R.\n   05 :PFX:-A PIC X.\n", &ParseOptions::default()).unwrap_err();
    assert_eq!((e.line(), e.column()), (Some(2), Some(7)));
    assert!(
        e.to_string().contains("`:PFX:` is a placeholder for COPY"),
        "{e}"
    );
}

#[test]
fn hopeless_text_says_which_format_was_assumed() {
    // Sequence numbers of uneven width: not fixed, so read shifted, and the error
    // says so and why.
    let e =
        copybook::parse("000100 01 A.\n0002 05 B PIC X.\n", &ParseOptions::default()).unwrap_err();
    let s = e.to_string();
    assert!(s.contains("read as shifted fixed format"), "{s}");
    assert!(s.contains("because line 2 has `5` in column 7"), "{s}");
    // Asked-for formats carry no guess to explain.
    let opts = ParseOptions {
        format: SourceFormat::Free,
        ..Default::default()
    };
    let e = copybook::parse("      *****\n01 A.\n", &opts).unwrap_err();
    assert!(!e.to_string().contains("read as"), "{e}");
}

#[test]
fn expanded_text_reads_back_to_the_same_layout() {
    // `layout --expanded` output is itself a copybook giving the same fields.
    let path = dir().join("invoice-copies-members.cpy");
    let text = std::fs::read_to_string(&path).unwrap();
    let name = path.display().to_string();
    let members = IncludePath::new(vec![dir().join("members")]);
    let expanded = copybook::expand(&text, &name, SourceFormat::Auto, &members).unwrap();
    assert!(expanded.starts_with(">>SOURCE FORMAT FREE\n"));
    let again = copybook::parse(&expanded, &ParseOptions::default()).unwrap();
    let direct = parse_with(&text, &name, &ParseOptions::default(), &members).unwrap();
    assert_eq!(again.walk().len(), direct.walk().len());
    assert_eq!(again.max_len(), direct.max_len());
}

//! The decoder's flat program (layouts with a fixed JSON shape) against its general tree
//! walk: for random layouts, options (trailing empty occurrences dropped or not) and
//! record bytes, both must write the same JSON and report the same field errors, in both
//! error modes.
#![allow(clippy::unwrap_used)]

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::copybook::{parse, ParseOptions};
use ferrule_parsers::dialect::Dialect;
use ferrule_parsers::json::{CodecOptions, Decoder, FieldErrorMode, RedefinesMode, View};
use proptest::prelude::*;

/// One copybook entry: clauses of an elementary item, or a group's members.
#[derive(Debug, Clone)]
enum Entry {
    Item(String),
    Group(Vec<Node>),
}

#[derive(Debug, Clone)]
struct Node {
    entry: Entry,
    occurs: Option<usize>,
    filler: bool,
    /// Followed by `ALT REDEFINES this PIC X(n)` (elementary items without OCCURS).
    redefined: Option<usize>,
}

const SIGNS: &[&str] = &[
    "",
    "",
    "SIGN LEADING",
    "SIGN LEADING SEPARATE",
    "SIGN TRAILING SEPARATE",
];
const USAGES: &[&str] = &["", "COMP-3", "COMP-3", "COMP", "COMP-5", "BINARY"];
const EDITED: &[&str] = &["ZZ,ZZ9.99-", "ZZZ9", "-(5)9.99", "$$$,$$9.99", "9(3).99CR"];

fn pic(int: u16, frac: u16, signed: bool) -> String {
    let mut p = String::from("PIC ");
    if signed {
        p.push('S');
    }
    if int > 0 {
        p.push_str(&format!("9({int})"));
    }
    if frac > 0 {
        p.push_str(&format!("V9({frac})"));
    }
    p
}

fn item() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (1usize..12).prop_map(|n| format!("PIC X({n})")),
        1 => (1usize..8).prop_map(|n| format!("PIC X({n}) JUSTIFIED RIGHT")),
        1 => (1usize..4).prop_map(|n| format!("PIC N({n})")),
        6 => (0u16..12, 0u16..6, any::<bool>(), prop::sample::select(USAGES),
              prop::sample::select(SIGNS))
            .prop_map(|(i, f, s, u, sign)| {
                let (i, f) = if i + f == 0 { (1, f) } else { (i, f) };
                let usage = if u.is_empty() { "DISPLAY" } else { u };
                let sign = if s && u.is_empty() { sign } else { "" };
                format!("{} USAGE {usage} {sign}", pic(i, f, s)).trim_end().to_string()
            }),
        1 => (1u16..6, 0u16..3).prop_map(|(i, f)| format!("{} BLANK WHEN ZERO", pic(i, f, false))),
        1 => any::<bool>().prop_map(|d| (if d { "COMP-2" } else { "COMP-1" }).to_string()),
        1 => prop::sample::select(EDITED).prop_map(|p| format!("PIC {p}")),
    ]
}

fn leaf() -> impl Strategy<Value = Node> {
    (
        item(),
        prop::option::weighted(0.15, 1usize..4),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.15, 1usize..6),
    )
        .prop_map(|(clauses, occurs, filler, redefined)| Node {
            entry: Entry::Item(clauses),
            occurs,
            filler,
            redefined: redefined.filter(|_| occurs.is_none()),
        })
}

fn node() -> impl Strategy<Value = Node> {
    leaf().prop_recursive(3, 24, 5, |inner| {
        (
            prop::collection::vec(inner, 1..5),
            prop::option::weighted(0.3, 1usize..4),
            prop::bool::weighted(0.1),
        )
            .prop_map(|(children, occurs, filler)| Node {
                entry: Entry::Group(children),
                occurs,
                filler,
                redefined: None,
            })
    })
}

struct Writer {
    text: String,
    next: usize,
}

impl Writer {
    fn entry(&mut self, level: usize, name: &str, clauses: &[String]) {
        let indent = " ".repeat(7 + (level / 5) * 2);
        let mut line = format!("{indent}{level:02} {name}");
        for c in clauses {
            for word in c.split(' ') {
                if line.len() + 1 + word.len() > 70 {
                    self.text.push_str(&line);
                    self.text.push('\n');
                    line = format!("{indent}    ");
                }
                line.push(' ');
                line.push_str(word);
            }
        }
        self.text.push_str(&line);
        self.text.push_str(".\n");
    }

    fn node(&mut self, n: &Node, level: usize) {
        self.next += 1;
        let name = if n.filler {
            "FILLER".to_string()
        } else {
            format!("F{}", self.next)
        };
        let occurs = n.occurs.map(|k| format!("OCCURS {k} TIMES"));
        match &n.entry {
            Entry::Item(clauses) => {
                let mut c = vec![clauses.clone()];
                c.extend(occurs);
                self.entry(level, &name, &c);
                if let Some(len) = n.redefined {
                    self.next += 1;
                    let alt = format!("F{}", self.next);
                    self.entry(
                        level,
                        &alt,
                        &[format!("REDEFINES {name}"), format!("PIC X({len})")],
                    );
                }
            }
            Entry::Group(children) => {
                let c: Vec<String> = occurs.into_iter().collect();
                self.entry(level, &name, &c);
                for child in children {
                    self.node(child, level + 5);
                }
            }
        }
    }
}

fn copybook(children: &[Node]) -> String {
    let mut w = Writer {
        text: "       01 REC.\n".into(),
        next: 0,
    };
    for c in children {
        w.node(c, 5);
    }
    w.text
}

const PAGES: &[&str] = &["cp037", "cp1047", "latin1", "utf-8"];

fn codec(page: &str, gnu: bool, all: bool, strings: bool) -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name(page).unwrap(),
        dialect: if gnu { Dialect::GNUCOBOL } else { Dialect::IBM },
        redefines: if all {
            RedefinesMode::All
        } else {
            RedefinesMode::First
        },
        numbers_as_strings: strings,
        ..CodecOptions::default()
    }
}

/// Record bytes that are mostly plausible for COBOL data (spaces, digits, signed zones,
/// packed pairs and signs, letters) so that many records decode, with some noise.
fn record_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => Just(0x40u8),
        6 => 0xF0u8..=0xF9,
        2 => prop::sample::select(vec![0xC0u8, 0xC5, 0xD0, 0xD3, 0x0C, 0x0D, 0x1C, 0x9F, 0x00]),
        4 => (0u8..10, 0u8..10).prop_map(|(h, l)| h << 4 | l),
        2 => 0xC1u8..=0xC9,
        2 => 0x30u8..=0x39,
        1 => Just(0x20u8),
        2 => any::<u8>(),
    ]
}

/// Both decode paths on one record: same JSON, same errors.
fn compare(dec: &mut Decoder<'_>, rec: &[u8], mode: FieldErrorMode) -> Result<(), TestCaseError> {
    let mut a = b"prefix".to_vec();
    let mut b = a.clone();
    let ra = dec.decode(rec, &mut a, mode);
    let rb = dec.decode_tree_walk(rec, &mut b, mode);
    prop_assert_eq!(&ra, &rb);
    prop_assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    Ok(())
}

proptest! {
    // PROPTEST_CASES when set: an explicit `cases` would override the variable.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(600),
        ..ProptestConfig::default()
    })]

    #[test]
    fn flat_program_matches_tree_walk(
        children in prop::collection::vec(node(), 1..7),
        page in prop::sample::select(PAGES),
        gnu: bool,
        all in prop::bool::weighted(0.2),
        strings in prop::bool::weighted(0.2),
        bytes in prop::collection::vec(record_byte(), 0..600),
        cut in 0usize..3,
        drop_empty in prop::bool::weighted(0.4),
        blanks in prop::collection::vec((0usize..600, 1usize..60, any::<bool>()), 0..4),
    ) {
        let text = copybook(&children);
        let layout = parse(&text, &ParseOptions::default())
            .unwrap_or_else(|e| panic!("generated copybook does not parse: {e}\n{text}"));
        let o = codec(page, gnu, all, strings);
        let mut dec = Decoder::with_view(&layout, o, &View::trimming(drop_empty)).unwrap();
        let len = layout.max_len();
        // Exactly the layout's length, longer, and shorter (the walk's job either way).
        let mut rec: Vec<u8> = bytes.iter().copied().cycle().take(len + 3).collect();
        if rec.len() < len + 3 {
            rec.resize(len + 3, 0xF0);
        }
        // Runs of spaces or low-values: the empty occurrences trimming looks for.
        let space = o.codepage.space();
        for (at, n, low) in blanks {
            let at = at % rec.len();
            let end = (at + n).min(rec.len());
            rec[at..end].fill(if low { 0 } else { space });
        }
        let rec = match cut {
            0 => &rec[..len],
            1 => &rec[..],
            _ => &rec[..len.saturating_sub(1 + bytes.len() % 5)],
        };
        compare(&mut dec, rec, FieldErrorMode::Fail)?;
        compare(&mut dec, rec, FieldErrorMode::Null)?;
    }
}

#[test]
fn bench_shapes_take_the_flat_program() {
    // The benchmark layouts (fixed shape) use it; an ODO layout does not.
    // Dropping trailing empty occurrences keeps it.
    for cpy in [
        "../bench/text-heavy.cpy",
        "../bench/packed-heavy.cpy",
        "../bench/mixed.cpy",
    ] {
        let text = std::fs::read_to_string(cpy).unwrap();
        let layout = parse(&text, &ParseOptions::default()).unwrap();
        for drop in [false, true] {
            let view = View::trimming(drop);
            let dec = Decoder::with_view(&layout, CodecOptions::default(), &view).unwrap();
            assert!(dec.uses_flat(), "{cpy}, drop_empty_occurs {drop}");
        }
    }
    let odo = "       01 R.\n           05 N PIC 9.\n           05 T OCCURS 0 TO 3 DEPENDING ON N PIC X.\n";
    let layout = parse(odo, &ParseOptions::default()).unwrap();
    assert!(!Decoder::new(&layout, CodecOptions::default())
        .unwrap()
        .uses_flat());
}

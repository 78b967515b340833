//! Benchmark data generator: writes N fixed-length records of a copybook, filled with
//! pseudo-random but plausible values (names, addresses, dates, amounts), to a file.
//!
//! Deterministic: the same copybook, count and seed always give the same bytes, so
//! `bench/decode.sh` can keep files between runs. Values go through the library's own
//! [`Encoder`], so every record is valid for the decoder.
//!
//! ```text
//! cargo run --release --example bench_gen -- COPYBOOK COUNT OUT.bin [--codepage cp037] [--seed N]
//! ```

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::copybook::{self, ParseOptions};
use ferrule_parsers::json::{CodecOptions, Encoder};
use ferrule_parsers::layout::{DataType, Field, FieldKind, NumericPic};
use serde_json::{Map, Number, Value};

/// xorshift64*: small, fast, good enough for test data, and needs no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }

    /// True with probability `num / den`.
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next() % den < num
    }
}

const SURNAMES: &[&str] = &[
    "SMITH",
    "JONES",
    "WILLIAMS",
    "TAYLOR",
    "BROWN",
    "DAVIES",
    "EVANS",
    "WILSON",
    "THOMAS",
    "JOHNSON",
    "ROBERTS",
    "O'BRIEN",
    "MACDONALD",
    "PATEL",
    "KHAN",
    "NGUYEN",
    "GARCÍA",
    "MÜLLER",
    "FITZGERALD-HAYES",
    "WRIGHT",
    "WALKER",
    "HUGHES",
    "EDWARDS",
    "GREEN",
];
const FORENAMES: &[&str] = &[
    "JOHN",
    "MARY",
    "DAVID",
    "SARAH",
    "MICHAEL",
    "EMMA",
    "JAMES",
    "OLIVIA",
    "AMIR",
    "CHLOË",
    "SEAN",
    "PRIYA",
    "THOMAS",
    "GRACE",
    "ROBERT",
    "HANNAH",
    "WEI",
    "JOSÉ",
    "ANNE-MARIE",
];
const STREETS: &[&str] = &[
    "HIGH STREET",
    "STATION ROAD",
    "CHURCH LANE",
    "MILL ROAD",
    "VICTORIA AVENUE",
    "KING'S PARADE",
    "THE GREEN",
    "MARKET SQUARE",
    "PARK VIEW",
    "LONDON ROAD",
];
const TOWNS: &[&str] = &[
    "LEEDS",
    "BRISTOL",
    "MANCHESTER",
    "CARDIFF",
    "NEWCASTLE UPON TYNE",
    "YORK",
    "NORWICH",
    "SWANSEA",
    "ABERDEEN",
    "MILTON KEYNES",
    "STOKE-ON-TRENT",
    "BATH",
];
const WORDS: &[&str] = &[
    "PAYMENT",
    "TRANSFER",
    "CARD",
    "REFUND",
    "STANDING",
    "ORDER",
    "DIRECT",
    "DEBIT",
    "ATM",
    "WITHDRAWAL",
    "SALARY",
    "INTEREST",
    "FEE",
    "ONLINE",
    "BRANCH",
    "DEPOSIT",
    "TO",
    "FROM",
    "REF",
    "INV",
    "#",
    "&",
    "CO",
    "LTD",
    "-",
    "/",
];
const CURRENCIES: &[&str] = &["GBP", "EUR", "USD", "CHF", "JPY"];

/// Words from `list` joined by spaces, as many as fit in `len` bytes of a single-byte page.
fn words(rng: &mut Rng, list: &[&str], len: usize, max_words: usize) -> String {
    let mut s = String::new();
    for _ in 0..rng.range(1, max_words as u64) {
        let w = rng.pick(list);
        let need = w.chars().count() + usize::from(!s.is_empty());
        if s.chars().count() + need > len {
            break;
        }
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(w);
    }
    s
}

/// A code of upper-case letters and digits, most of the field's width.
fn code(rng: &mut Rng, len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let n = if len <= 4 {
        len
    } else {
        rng.range((len * 3 / 4) as u64, len as u64) as usize
    };
    (0..n)
        .map(|_| char::from(CHARS[rng.next() as usize % CHARS.len()]))
        .collect()
}

fn text(rng: &mut Rng, name: &str, len: usize) -> String {
    let has = |k: &str| name.contains(k);
    if has("CURRENCY") {
        return rng.pick(CURRENCIES)[..3.min(len)].to_string();
    }
    if has("SURNAME") {
        return words(rng, SURNAMES, len, 2);
    }
    if has("FORENAME") {
        return words(rng, FORENAMES, len, 2);
    }
    if has("STREET") {
        return format!("{} {}", rng.range(1, 250), words(rng, STREETS, len - 4, 1));
    }
    if has("TOWN") {
        return words(rng, TOWNS, len, 1);
    }
    if has("POSTCODE") {
        let c = code(rng, 8);
        return format!(
            "{} {}",
            &c[..3.min(c.len())],
            &c[3.min(c.len())..6.min(c.len())]
        );
    }
    if has("DESC") {
        return words(rng, WORDS, len, 6);
    }
    code(rng, len)
}

/// Unscaled digits for a number of the PIC: dates and times look like dates and times,
/// other numbers have between half and all of their digits significant.
fn digits(rng: &mut Rng, name: &str, pic: &NumericPic, max_value: Option<u64>) -> String {
    let n = usize::from(pic.digits);
    if name.contains("DATE") && n == 8 {
        return format!(
            "{:04}{:02}{:02}",
            rng.range(1940, 2025),
            rng.range(1, 12),
            rng.range(1, 28)
        );
    }
    if name.contains("TIME") && n == 6 {
        return format!(
            "{:02}{:02}{:02}",
            rng.range(0, 23),
            rng.range(0, 59),
            rng.range(0, 59)
        );
    }
    let sig = rng.range(n.div_ceil(2) as u64, n as u64) as usize;
    let mut s: String = (0..sig)
        .map(|i| {
            let lo = u64::from(i == 0);
            char::from(b'0' + rng.range(lo, 9) as u8)
        })
        .collect();
    if let Some(max) = max_value {
        while s.parse::<u64>().map_or(true, |v| v > max) {
            s.remove(0);
        }
    }
    s
}

/// JSON number text for unscaled `digits` at `scale`, e.g. "12345" at 2 -> "123.45".
fn number(negative: bool, digits: &str, scale: i16) -> Value {
    let digits = digits.trim_start_matches('0');
    let s = usize::try_from(scale).unwrap_or(0);
    let body = if s == 0 {
        if digits.is_empty() {
            "0".to_string()
        } else {
            digits.to_string()
        }
    } else if digits.len() > s {
        format!(
            "{}.{}",
            &digits[..digits.len() - s],
            &digits[digits.len() - s..]
        )
    } else {
        format!("0.{}{}", "0".repeat(s - digits.len()), digits)
    };
    let text = if negative { format!("-{body}") } else { body };
    Value::Number(text.parse::<Number>().unwrap_or_else(|_| Number::from(0)))
}

fn item(rng: &mut Rng, f: &Field, dt: &DataType) -> Value {
    let name = f.name.as_str();
    match dt {
        DataType::Alphanumeric { len } => Value::String(text(rng, name, *len)),
        DataType::Zoned { pic, .. } | DataType::Packed { pic } => {
            let neg = pic.signed && rng.chance(1, 5);
            number(neg, &digits(rng, name, pic, None), pic.scale)
        }
        DataType::Binary { pic, bytes, .. } => {
            let bits = u32::from(*bytes) * 8 - u32::from(pic.signed);
            let max = if bits >= 64 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            let neg = pic.signed && rng.chance(1, 5);
            number(neg, &digits(rng, name, pic, Some(max)), pic.scale)
        }
        // Not in the benchmark copybooks: let the encoder write its default.
        _ => Value::Null,
    }
}

fn value(rng: &mut Rng, f: &Field) -> Value {
    let one = |rng: &mut Rng| match &f.kind {
        FieldKind::Group(children) => Value::Object(group(rng, children)),
        FieldKind::Item(dt) => item(rng, f, dt),
    };
    match &f.occurs {
        Some(o) => Value::Array((0..o.max).map(|_| one(rng)).collect()),
        None => one(rng),
    }
}

fn group(rng: &mut Rng, children: &[Field]) -> Map<String, Value> {
    let mut m = Map::new();
    for c in children {
        if c.is_filler() || c.redefines.is_some() {
            continue;
        }
        m.insert(c.json_name.clone(), value(rng, c));
    }
    m
}

fn run(args: &[String]) -> Result<(), String> {
    let mut pos = Vec::new();
    let mut codepage = "cp037".to_string();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--codepage" => codepage = it.next().ok_or("--codepage needs a name")?.clone(),
            "--seed" => {
                seed = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seed needs a number")?
            }
            _ => pos.push(a.clone()),
        }
    }
    let [cpy, count, out] = pos.as_slice() else {
        return Err("usage: bench_gen COPYBOOK COUNT OUT.bin [--codepage cp037] [--seed N]".into());
    };
    let count: u64 = count.parse().map_err(|e| format!("COUNT: {e}"))?;
    let source = std::fs::read_to_string(cpy).map_err(|e| format!("{cpy}: {e}"))?;
    let layout = copybook::parse(&source, &ParseOptions::default()).map_err(|e| e.to_string())?;
    let opts = CodecOptions {
        codepage: CodePage::by_name(&codepage).ok_or("unknown code page")?,
        ..CodecOptions::default()
    };
    let mut encoder = Encoder::new(&layout, opts).map_err(|e| e.to_string())?;
    let file = File::create(out).map_err(|e| format!("{out}: {e}"))?;
    let mut w = BufWriter::with_capacity(1 << 16, file);
    let mut rng = Rng(seed | 1);
    let mut rec = Vec::with_capacity(layout.max_len());
    for i in 0..count {
        let v = value(&mut rng, &layout.root);
        rec.clear();
        encoder
            .encode(&v, &mut rec, false)
            .map_err(|e| format!("record {}: {e}\n{v}", i + 1))?;
        w.write_all(&rec).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    eprintln!(
        "bench_gen: {count} records of {} bytes -> {out}",
        layout.max_len()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_gen: {e}");
            ExitCode::FAILURE
        }
    }
}

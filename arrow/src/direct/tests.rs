//! The direct path against the generic one: for the bench copybooks, the samples and a
//! layout with every usage the direct path takes, over valid records, records with a
//! few bytes changed and random bytes, nested and flattened, under several code pages,
//! dialects and TRUNC modes. Wherever the generic path decodes the whole batch cleanly,
//! the direct batch must be the same (or `None`, which only costs speed: the valid
//! records must not get it); wherever a record is bad, the direct path must say `None`.

#![allow(clippy::unwrap_used)]

use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::copybook::{parse, ParseOptions};
use ferrule_parsers::dialect::{Dialect, Trunc};
use ferrule_parsers::json::{BlankNumbers, CodecOptions, FieldErrorMode, RedefinesMode};
use ferrule_parsers::layout::{DataType, Field, FieldKind, Layout, SignPosition};
use ferrule_parsers::values::{RecordValues, ValueDecoder};
use proptest::prelude::*;

use super::DirectPlan;
use crate::{ColumnPlan, PlanOptions, RecordBatch, RecordBatchBuilder};

/// Every usage the direct path reads, in groups, tables (nested too), FILLER and a
/// REDEFINES.
const EVERY: &str = "\
       01 REC.
           05 NAME            PIC X(6).
           05 RNAME           PIC X(5) JUSTIFIED RIGHT.
           05 WIDE            PIC N(3).
           05 Z-UNS           PIC 9(5)V99.
           05 Z-TRAIL         PIC S9(4).
           05 Z-LEAD          PIC S9(3)V9 SIGN LEADING.
           05 Z-SEP-T         PIC S9(3) SIGN TRAILING SEPARATE.
           05 Z-SEP-L         PIC S9(2)V9 SIGN LEADING SEPARATE.
           05 Z-LONG          PIC S9(20)V9(4).
           05 Z-BWZ           PIC 9(3) BLANK WHEN ZERO.
           05 P-ODD           PIC S9(7)V99 COMP-3.
           05 P-EVEN          PIC S9(4) COMP-3.
           05 P-UNS           PIC 9(3) COMP-3.
           05 P-LONG          PIC S9(25)V9(4) COMP-3.
           05 P-PPP           PIC S9(3)PPP COMP-3.
           05 B-H             PIC S9(4) COMP.
           05 B-UH            PIC 9(4) COMP.
           05 B-F             PIC S9(9) BINARY.
           05 B-D             PIC 9(18) COMP-4.
           05 B-SCALED        PIC S9(5)V99 COMP.
           05 B-NATIVE        PIC S9(4) COMP-5.
           05 B-X             PIC 9(3) COMP-X.
           05 F-1             COMP-1.
           05 F-2             COMP-2.
           05 FILLER          PIC X(2).
           05 FILLER          PIC S9(3) COMP-3.
           05 DATE-N          PIC 9(8).
           05 DATE-R REDEFINES DATE-N.
              10 YYYY         PIC 9(4).
              10 MMDD         PIC 9(4).
           05 GRP.
              10 G-A          PIC X(3).
              10 G-B          PIC S9(3) COMP-3.
              10 FILLER.
                 15 G-IN      PIC 9(2).
           05 TBL OCCURS 3 TIMES.
              10 T-K          PIC X(2).
              10 T-V          PIC S9(3)V9 COMP-3.
              10 T-INNER OCCURS 2 TIMES.
                 15 T-Q       PIC 9(2).
           05 CODES           PIC X(2) OCCURS 4 TIMES.
";

fn parsed(src: &str) -> Layout {
    parse(src, &ParseOptions::default()).unwrap()
}

fn cp(name: &str) -> CodePage {
    CodePage::by_name(name).unwrap()
}

/// The codec settings the layouts are tried under.
pub(crate) fn codecs() -> Vec<CodecOptions> {
    let d = CodecOptions::default();
    vec![
        d,
        CodecOptions {
            trunc: Trunc::Std,
            ..d
        },
        CodecOptions {
            codepage: cp("latin1"),
            dialect: Dialect::GNUCOBOL,
            ..d
        },
        CodecOptions {
            codepage: cp("utf-8"),
            trunc: Trunc::Opt,
            ..d
        },
        CodecOptions {
            blank_numbers: BlankNumbers::Null,
            ..d
        },
        CodecOptions {
            codepage: cp("latin1"),
            blank_numbers: BlankNumbers::Zero,
            ..d
        },
    ]
}

/// The generic path's batch, or `None` when some record is not clean.
pub(crate) fn generic(
    layout: &Layout,
    codec: &CodecOptions,
    plan: &ColumnPlan,
    recs: &[&[u8]],
) -> Option<RecordBatch> {
    let mut dec = ValueDecoder::new(layout, *codec).unwrap();
    let mut b = RecordBatchBuilder::new(plan.clone()).unwrap();
    let mut rv = RecordValues::default();
    for (i, r) in recs.iter().enumerate() {
        if dec.decode(r, FieldErrorMode::Null, &mut rv).is_err() || !rv.field_errors.is_empty() {
            return None;
        }
        b.append(&rv, i as u64 + 1).unwrap();
    }
    Some(b.finish().unwrap())
}

/// Compares both paths on `recs`; true when the direct path built the batch.
fn same(layout: &Layout, codec: &CodecOptions, flatten: bool, recs: &[&[u8]]) -> bool {
    let plan = ColumnPlan::new(layout, codec, PlanOptions { flatten }).unwrap();
    let direct = DirectPlan::new(layout, codec, &plan).expect("a layout the direct path takes");
    let d = direct.decode(recs);
    match generic(layout, codec, &plan, recs) {
        Some(g) => {
            if let Some(d) = &d {
                assert_eq!(d, &g, "direct and generic batches differ");
            }
            d.is_some()
        }
        None => {
            assert!(d.is_none(), "a direct batch where a record is bad");
            false
        }
    }
}

/// A deterministic generator from a seed (proptest's ChaCha).
struct Rng(proptest::test_runner::TestRng);

impl Rng {
    fn new(seed: u64) -> Rng {
        use proptest::test_runner::{RngAlgorithm, TestRng};
        let mut s = [0u8; 32];
        s[..8].copy_from_slice(&seed.to_le_bytes());
        Rng(TestRng::from_seed(RngAlgorithm::ChaCha, &s))
    }

    fn next(&mut self) -> u64 {
        proptest::prelude::Rng::next_u64(&mut self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// A record whose every item holds a valid value in `codec`'s code page and dialect.
fn valid(layout: &Layout, codec: &CodecOptions, rng: &mut Rng) -> Vec<u8> {
    let mut rec = vec![0u8; layout.max_len()];
    fill(&layout.root, 0, codec, rng, &mut rec);
    rec
}

fn fill(f: &Field, shift: usize, codec: &CodecOptions, rng: &mut Rng, rec: &mut [u8]) {
    let n = f.occurs.as_ref().map_or(1, |o| o.max);
    for i in 0..n {
        let s = shift + i * f.size;
        match &f.kind {
            FieldKind::Group(children) => {
                for c in children.iter().filter(|c| c.redefines.is_none()) {
                    fill(c, s, codec, rng, rec);
                }
            }
            FieldKind::Item(dt) => {
                let at = s + f.offset;
                let bytes = item(dt, codec, f.blank_when_zero, rng);
                rec[at..at + bytes.len()].copy_from_slice(&bytes);
            }
        }
    }
}

fn item(dt: &DataType, codec: &CodecOptions, bwz: bool, rng: &mut Rng) -> Vec<u8> {
    let cp = codec.codepage;
    let len = dt.byte_len();
    let text: &[u8] = b"AZaz09 -.#";
    let enc = |s: &[u8]| cp.encode(std::str::from_utf8(s).unwrap()).unwrap();
    let zero = if cp.is_ebcdic() { 0xF0 } else { b'0' };
    if bwz && rng.below(4) == 0 {
        return vec![cp.space(); len];
    }
    // Under `--blank-numbers null|zero`, blank zoned and packed items are valid values.
    let blankable = matches!(dt, DataType::Zoned { .. } | DataType::Packed { .. });
    if blankable && codec.blank_numbers != BlankNumbers::Error && rng.below(5) == 0 {
        let b = if rng.below(2) == 0 { cp.space() } else { 0 };
        return vec![b; len];
    }
    match dt {
        DataType::Alphanumeric { .. } => {
            // Often padded, sometimes blank or full.
            let used = rng.below(len as u64 + 1) as usize;
            let mut s: Vec<u8> = (0..used).map(|_| text[rng.below(10) as usize]).collect();
            s.resize(len, b' ');
            enc(&s)
        }
        DataType::National { chars } => {
            let used = rng.below(*chars as u64 + 1) as usize;
            let mut out = Vec::new();
            for i in 0..*chars {
                let c: u16 = if i < used {
                    [0x41, 0xE9, 0x20AC, 0x20][rng.below(4) as usize]
                } else {
                    0x20
                };
                out.extend_from_slice(&c.to_be_bytes());
            }
            out
        }
        DataType::Zoned { pic, sign } => {
            let mut d: Vec<u8> = (0..pic.digits)
                .map(|_| zero + rng.below(10) as u8)
                .collect();
            let neg = pic.signed && rng.below(2) == 0;
            let pick = rng.below(4) as usize;
            // Every sign the codecs accept: zones C, A, E, F and D, B; ASCII letters too.
            let punch = |b: u8| -> u8 {
                let v = b - zero;
                match (cp.is_ebcdic(), neg) {
                    (true, true) => [0xD0, 0xB0][pick % 2] | v,
                    (true, false) => [0xC0, 0xF0, 0xA0, 0xE0][pick] | v,
                    (false, true) if pick.is_multiple_of(2) => b'p' + v,
                    (false, true) if v == 0 => b'}',
                    (false, true) => b'J' + v - 1,
                    (false, false) if pick.is_multiple_of(2) => b,
                    (false, false) if v == 0 => b'{',
                    (false, false) => b'A' + v - 1,
                }
            };
            match sign {
                SignPosition::TrailingSeparate | SignPosition::LeadingSeparate => {
                    let s = if cp.is_ebcdic() {
                        if neg {
                            0x60
                        } else {
                            0x4E
                        }
                    } else if neg {
                        b'-'
                    } else {
                        b'+'
                    };
                    if *sign == SignPosition::LeadingSeparate {
                        d.insert(0, s);
                    } else {
                        d.push(s);
                    }
                }
                _ if !pic.signed => {}
                SignPosition::TrailingOverpunch => {
                    let l = d.len() - 1;
                    d[l] = punch(d[l]);
                }
                SignPosition::LeadingOverpunch => d[0] = punch(d[0]),
            }
            d
        }
        DataType::Packed { pic } => {
            let mut out = vec![0u8; len];
            let nibbles = 2 * len - 1;
            // The pad nibble of an even digit count stays 0 (TRUNC(STD) refuses more).
            let first = usize::from(pic.digits % 2 == 0);
            for k in first..nibbles {
                let v = rng.below(10) as u8;
                out[k / 2] |= if k % 2 == 0 { v << 4 } else { v };
            }
            let sign = match (pic.signed, rng.below(3)) {
                (false, _) => 0x0F,
                (true, 0) => 0x0D,
                (true, 1) => 0x0C,
                (true, _) => 0x0F,
            };
            out[len - 1] |= sign;
            out
        }
        DataType::Binary { pic, .. } | DataType::CompX { pic, .. } => {
            // Within the PIC's digits, so TRUNC(STD) takes it too.
            let limit = 10u128.pow(u32::from(pic.digits).min(18)) as u64;
            let v = rng.below(limit);
            let signed = matches!(dt, DataType::Binary { pic, .. } if pic.signed);
            let v = if signed && rng.below(2) == 0 {
                (v as i64).wrapping_neg() as u64
            } else {
                v
            };
            let be = v.to_be_bytes();
            let mut out = be[8 - len..].to_vec();
            let little = matches!(dt, DataType::Binary { native: true, .. })
                && codec.dialect.comp5_endian == ferrule_parsers::dialect::Endian::Little;
            if little {
                out.reverse();
            }
            out
        }
        DataType::Float { .. } => {
            // Any bytes but the all-ones exponents (IEEE NaN/infinity) or unnormalised
            // IBM values: leave those to the random records.
            let mut out: Vec<u8> = (0..len).map(|_| rng.byte()).collect();
            out[0] = 0x41 + (rng.below(4) as u8);
            if out.len() > 1 {
                out[1] |= 0x10;
            }
            if matches!(
                codec.dialect.float_format,
                ferrule_parsers::dialect::FloatFormat::Ieee(
                    ferrule_parsers::dialect::Endian::Little
                )
            ) {
                out.reverse();
            }
            out
        }
        _ => vec![0; len],
    }
}

/// `count` records: valid, valid with a byte or two changed, or random.
pub(crate) fn batch(
    layout: &Layout,
    codec: &CodecOptions,
    seed: u64,
    count: usize,
    bad: u64,
) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let mut r = valid(layout, codec, &mut rng);
            match rng.below(100) {
                k if k < bad / 2 => r.iter_mut().for_each(|b| *b = rng.byte()),
                k if k < bad => {
                    for _ in 0..=rng.below(2) {
                        let at = rng.below(r.len() as u64) as usize;
                        r[at] = rng.byte();
                    }
                }
                _ => {}
            }
            r
        })
        .collect()
}

pub(crate) fn layouts() -> Vec<(&'static str, Layout)> {
    vec![
        ("every", parsed(EVERY)),
        ("mixed", parsed(include_str!("../../../bench/mixed.cpy"))),
        (
            "text-heavy",
            parsed(include_str!("../../../bench/text-heavy.cpy")),
        ),
        (
            "packed-heavy",
            parsed(include_str!("../../../bench/packed-heavy.cpy")),
        ),
        (
            "person",
            parsed(include_str!("../../../samples/person.cpy")),
        ),
    ]
}

#[test]
fn valid_records_take_the_direct_path_and_match() {
    for (name, layout) in layouts() {
        for (k, codec) in codecs().iter().enumerate() {
            for flatten in [false, true] {
                let recs = batch(&layout, codec, 7 + k as u64, 50, 0);
                let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
                assert!(
                    same(&layout, codec, flatten, &refs),
                    "{name}, codec {k}, flatten {flatten}: valid records refused"
                );
            }
        }
    }
}

#[test]
fn the_sample_file_takes_the_direct_path() {
    // Real records written by the encoder: samples/person.cp037.bin.
    let layout = parsed(include_str!("../../../samples/person.cpy"));
    let data = include_bytes!("../../../samples/person.cp037.bin");
    let refs: Vec<&[u8]> = data.chunks(layout.max_len()).collect();
    for flatten in [false, true] {
        assert!(same(&layout, &CodecOptions::default(), flatten, &refs));
    }
}

#[test]
fn a_bad_record_anywhere_sends_the_batch_back() {
    // One invalid packed nibble in the last record of the batch, and one in a FILLER.
    let layout = parsed(EVERY);
    let codec = CodecOptions::default();
    let mut recs = batch(&layout, &codec, 3, 20, 0);
    let p_odd = find(&layout, "P-ODD");
    recs[19][p_odd] = 0xAB;
    let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
    assert!(!same(&layout, &codec, false, &refs));
    let mut recs = batch(&layout, &codec, 3, 20, 0);
    // FILLER PIC S9(3) COMP-3 sits 2 bytes after the text FILLER, after F-2.
    let filler = find(&layout, "F-2") + 8 + 2;
    recs[0][filler + 1] = 0xAC;
    let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
    assert!(!same(&layout, &codec, false, &refs));
    // A record of another length.
    let mut recs = batch(&layout, &codec, 3, 3, 0);
    recs[1].pop();
    let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
    let plan = ColumnPlan::new(&layout, &codec, PlanOptions::default()).unwrap();
    assert!(DirectPlan::new(&layout, &codec, &plan)
        .unwrap()
        .decode(&refs)
        .is_none());
}

/// The offset of the top-level item `name`.
fn find(layout: &Layout, name: &str) -> usize {
    layout
        .root
        .children()
        .iter()
        .find(|f| f.name == name)
        .unwrap()
        .offset
}

#[test]
fn values_the_codecs_refuse_are_not_taken() {
    // Each field alone, in a one-record batch: the generic path refuses these bytes.
    let cases: &[(&str, &[u8])] = &[
        ("05 A PIC S9(3) COMP-3.", &[0x12, 0x3A]), // sign A: accepted, positive
        ("05 A PIC S9(3) COMP-3.", &[0x12, 0x39]), // sign 9: refused
        ("05 A PIC 9(3) COMP-3.", &[0x12, 0x3D]),  // negative unsigned: refused
        ("05 A PIC S9(4) COMP-3.", &[0x11, 0x23, 0x4C]), // pad digit: TRUNC(BIN) takes it
        ("05 A PIC S9(3).", &[0xF1, 0xF2, 0xB3]),  // zone B: negative
        ("05 A PIC S9(3).", &[0xF1, 0xF2, 0x73]),  // zone 7: refused
        ("05 A PIC 9(3).", &[0xF1, 0xF2, 0xC3]),   // signed zone in an unsigned item
        ("05 A PIC 9(3).", &[0x40, 0x40, 0x40]),   // blank, no BLANK WHEN ZERO
        ("05 A PIC 9(3) BLANK WHEN ZERO.", &[0x40, 0x40, 0x40]),
        (
            "05 A PIC 9(3) SIGN LEADING SEPARATE.",
            &[0x60, 0xF1, 0xF2, 0xF3],
        ),
        (
            "05 A PIC S9(3) SIGN TRAILING SEPARATE.",
            &[0xF1, 0xF2, 0xF3, 0x4F],
        ),
        ("05 A PIC S9(4) COMP.", &[0xFF, 0xFF]),
        ("05 A PIC S9(4) COMP.", &[0x27, 0x10]), // 10000: beyond the PIC
        ("05 A PIC 9(2) COMP-X.", &[0x64]),      // 100: beyond the PIC
        (
            "05 A COMP-2.",
            &[0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
        ),
        ("05 A COMP-1.", &[0x41, 0x01, 0x00, 0x00]), // unnormalised IBM single
        ("05 A PIC N(2).", &[0xD8, 0x00, 0x00, 0x41]), // a lone surrogate
        ("05 A PIC X(3).", &[0xC1, 0x40, 0xFF]),
    ];
    for (line, bytes) in cases {
        let layout = parsed(&format!("       01 REC.\n           {line}\n"));
        for codec in [
            CodecOptions::default(),
            CodecOptions {
                trunc: Trunc::Std,
                ..CodecOptions::default()
            },
        ] {
            for flatten in [false, true] {
                same(&layout, &codec, flatten, &[bytes]);
            }
        }
    }
}

#[test]
fn layouts_it_does_not_do_keep_the_generic_path() {
    let codec = CodecOptions::default();
    let no = |src: &str, codec: &CodecOptions| {
        let layout = parsed(src);
        let plan = ColumnPlan::new(&layout, codec, PlanOptions::default()).unwrap();
        assert!(DirectPlan::new(&layout, codec, &plan).is_none(), "{src}");
    };
    no("       01 R.\n           05 N PIC 9.\n           05 T PIC X OCCURS 0 TO 3 DEPENDING ON N.\n", &codec);
    no("       01 R.\n           05 E PIC ZZ9.99.\n", &codec);
    no("       01 R.\n           05 C PIC 9(3) COMP-6.\n", &codec);
    let all = CodecOptions {
        redefines: RedefinesMode::All,
        ..codec
    };
    no(
        "       01 R.\n           05 A PIC X(4).\n           05 B REDEFINES A PIC 9(4).\n",
        &all,
    );
    // The same REDEFINES shown as its first alternative only is taken.
    let layout =
        parsed("       01 R.\n           05 A PIC X(4).\n           05 B REDEFINES A PIC 9(4).\n");
    assert!(same(&layout, &codec, false, &[b"\xC1\xC2\xC3\xC4"]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn direct_equals_generic_on_mixed_batches(seed in any::<u64>(), which in 0usize..5, k in 0usize..4, flatten in any::<bool>(), bad in 0u64..40) {
        let (_, layout) = layouts().swap_remove(which);
        let codec = codecs()[k];
        let recs = batch(&layout, &codec, seed, 1 + (seed % 12) as usize, bad);
        let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
        let took = same(&layout, &codec, flatten, &refs);
        if bad == 0 {
            prop_assert!(took, "valid records refused");
        }
    }

    #[test]
    fn direct_equals_generic_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400), k in 0usize..4, flatten in any::<bool>()) {
        // One-field layouts see every byte value; EVERY sees whole random records.
        let codec = codecs()[k];
        for (_, layout) in layouts() {
            let len = layout.max_len();
            let refs: Vec<&[u8]> = bytes.chunks(len).collect();
            same(&layout, &codec, flatten, &refs);
        }
    }
}

/// What `read_batches` hands over: the batches, each bad record (number, offset, whole).
#[derive(Default)]
struct Sink {
    keep: bool,
    stop: bool,
    batches: Vec<RecordBatch>,
    bad: Vec<(u64, u64, bool)>,
}

#[derive(Debug, PartialEq)]
enum Stopped {
    Read,
    Bad,
}

impl From<crate::read::ReadError> for Stopped {
    fn from(_: crate::read::ReadError) -> Self {
        Stopped::Read
    }
}

impl crate::read::RecordSink for Sink {
    type Error = Stopped;
    fn batch(&mut self, batch: RecordBatch) -> Result<(), Stopped> {
        self.batches.push(batch);
        Ok(())
    }
    fn bad(&mut self, bad: crate::read::BadRecord) -> Result<bool, Stopped> {
        let number = bad.errors.first().map_or(0, |e| e.record);
        self.bad.push((number, bad.offset, bad.whole));
        if self.stop {
            return Err(Stopped::Bad);
        }
        Ok(self.keep)
    }
}

/// `read_batches` over `input` (fixed framing), with or without the direct path.
fn read(input: &[u8], direct: bool, keep: bool, stop: bool) -> (Sink, Result<(), Stopped>) {
    use crate::read::{read_batches, ReadPlan};
    use ferrule_parsers::framing::{Framing, RecordReader};
    let layout = parsed(include_str!("../../../bench/mixed.cpy"));
    let codec = CodecOptions::default();
    let mut dec = ValueDecoder::new(&layout, codec).unwrap();
    let plan = ColumnPlan::from_shape(dec.shape(), &codec, PlanOptions::default()).unwrap();
    let direct_plan = DirectPlan::new(&layout, &codec, &plan).unwrap();
    let mut builder = RecordBatchBuilder::new(plan).unwrap();
    let mut reader = RecordReader::new(
        input,
        Framing::Fixed {
            len: layout.max_len(),
        },
    );
    let mut sink = Sink {
        keep,
        stop,
        ..Sink::default()
    };
    let plan = ReadPlan {
        measured: None,
        batch_rows: 4,
        direct: direct.then_some(&direct_plan),
    };
    let r = read_batches(&mut reader, &mut dec, &mut builder, plan, &mut sink);
    (sink, r)
}

#[test]
fn read_batches_gives_the_same_rows_and_bad_records_either_way() {
    // 14 records, 4 a batch: records 6 and 7 bad (a field, and the whole record is not
    // possible with fixed offsets: both are field errors), then a truncated tail.
    let layout = parsed(include_str!("../../../bench/mixed.cpy"));
    let codec = CodecOptions::default();
    let len = layout.max_len();
    let mut input: Vec<u8> = batch(&layout, &codec, 11, 14, 0).concat();
    let total = find(&layout, "TOTAL-AMOUNT");
    input[5 * len + total] = 0xFA;
    input[6 * len + 12] = 0x4F; // CUSTOMER-NO: a zone 4 digit
    for tail in [0, 7] {
        let mut input = input.clone();
        input.extend(std::iter::repeat_n(0xF1, tail));
        for (keep, stop) in [(true, false), (false, false), (false, true)] {
            let (g, gr) = read(&input, false, keep, stop);
            let (d, dr) = read(&input, true, keep, stop);
            assert_eq!(gr, dr, "tail {tail} keep {keep} stop {stop}");
            assert_eq!(g.bad, d.bad, "tail {tail} keep {keep} stop {stop}");
            let rows = |s: &Sink| s.batches.iter().map(RecordBatch::num_rows).sum::<usize>();
            assert_eq!(rows(&g), rows(&d), "tail {tail} keep {keep} stop {stop}");
            if keep || stop {
                // Every batch as many rows as records: the same batches.
                assert_eq!(g.batches, d.batches, "tail {tail} keep {keep} stop {stop}");
            }
        }
        assert_eq!(
            read(&input, true, false, false).0.bad,
            [(6, 5 * len as u64, false), (7, 6 * len as u64, false)]
        );
    }
}

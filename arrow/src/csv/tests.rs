//! The hand-written CSV writer against `arrow_csv`'s (the reference, kept here as a
//! dev-dependency): the same bytes for the five layouts of `direct/tests.rs` over valid,
//! damaged and random records (direct and generic batches, bad fields as nulls), and for
//! hand-made columns of every type with the values that stress quoting and number text.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use arrow_array::{
    ArrayRef, Decimal128Array, Float32Array, Float64Array, Int16Array, Int32Array, Int64Array,
    Int8Array, NullArray, RecordBatch, StringArray, UInt16Array, UInt32Array, UInt64Array,
    UInt8Array,
};
use arrow_schema::{DataType, Field, Schema};
use ferrule_parsers::json::FieldErrorMode;
use ferrule_parsers::values::{RecordValues, ValueDecoder};
use proptest::prelude::*;

use super::{write_header, write_rows, CsvFile, CsvText};
use crate::direct::tests::{batch, codecs, layouts};
use crate::{ColumnPlan, DirectPlan, PlanOptions, RecordBatchBuilder};

/// What `arrow_csv` writes for `batches` (header first, as the old writer was set up).
fn reference(batches: &[RecordBatch]) -> Vec<u8> {
    let mut w = arrow_csv::WriterBuilder::new()
        .with_header(true)
        .build(Vec::new());
    for b in batches {
        w.write(b).unwrap();
    }
    w.into_inner()
}

/// What the new writer writes for `batches`.
fn mine(batches: &[RecordBatch]) -> Vec<u8> {
    let mut out = Vec::new();
    write_header(&batches[0].schema(), &mut out);
    for b in batches {
        write_rows(b, &mut out).unwrap();
    }
    out
}

fn same(batches: &[RecordBatch], what: &str) {
    let want = reference(batches);
    let got = mine(batches);
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&want),
        "{what}"
    );
}

fn batch_of(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

/// The generic path's batch of `recs`, bad fields as nulls and whole bad records left
/// out (as `--on-error null` writes them).
fn generic(
    layout: &ferrule_parsers::layout::Layout,
    codec: &ferrule_parsers::json::CodecOptions,
    plan: &ColumnPlan,
    recs: &[Vec<u8>],
) -> RecordBatch {
    let mut dec = ValueDecoder::new(layout, *codec).unwrap();
    let mut b = RecordBatchBuilder::new(plan.clone()).unwrap();
    let mut rv = RecordValues::default();
    for (i, r) in recs.iter().enumerate() {
        if dec.decode(r, FieldErrorMode::Null, &mut rv).is_ok() {
            b.append(&rv, i as u64 + 1).unwrap();
        }
    }
    b.finish().unwrap()
}

/// Every layout and codec: clean batches (the direct path's), and batches with bad and
/// random records (the generic path's, with nulls).
fn layouts_agree(seed: u64, count: usize, bad: u64) {
    for (name, layout) in layouts() {
        for (k, codec) in codecs().iter().enumerate() {
            let plan = ColumnPlan::new(&layout, codec, PlanOptions { flatten: true }).unwrap();
            let recs = batch(&layout, codec, seed, count, bad);
            let what = format!("{name}, codec {k}, seed {seed}, bad {bad}");
            let g = generic(&layout, codec, &plan, &recs);
            same(std::slice::from_ref(&g), &what);
            let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
            if let Some(d) = direct_agrees(&layout, codec, &plan, &refs, &what) {
                same(&[d, g], &what);
            }
        }
    }
}

/// The direct path's CSV text against the generic path's batch written by the
/// reference: text only where every record is clean, the same lines, and text wherever
/// the direct columns are sure. Returns the direct batch.
fn direct_agrees(
    layout: &ferrule_parsers::layout::Layout,
    codec: &ferrule_parsers::json::CodecOptions,
    plan: &ColumnPlan,
    refs: &[&[u8]],
    what: &str,
) -> Option<RecordBatch> {
    let direct = DirectPlan::new(layout, codec, plan)?;
    assert!(direct.is_flat(), "{what}: a flattened plan");
    let t = direct.csv(refs);
    let d = direct.decode(refs);
    if d.is_some() {
        assert!(t.is_some(), "{what}: no text for a batch the columns take");
    }
    match (t, crate::direct::tests::generic(layout, codec, plan, refs)) {
        (Some(t), Some(g)) => {
            let want = reference(std::slice::from_ref(&g));
            let header = want.iter().position(|&b| b == b'\n').unwrap() + 1;
            assert_eq!(t.rows(), g.num_rows(), "{what}");
            assert_eq!(
                String::from_utf8_lossy(t.lines(0, t.rows())),
                String::from_utf8_lossy(&want[header..]),
                "{what}: direct CSV text"
            );
        }
        (Some(_), None) => panic!("{what}: direct CSV text where a record is bad"),
        (None, _) => {}
    }
    d
}

#[test]
fn direct_text_cells_are_quoted_as_the_reference_quotes_them() {
    // Random Latin-1 text always decodes, so the direct path takes it: commas, quotes,
    // CR and LF among the bytes; one column alone (blank rows are `""`), and two.
    let codec = ferrule_parsers::json::CodecOptions {
        codepage: ferrule_parsers::codepage::CodePage::by_name("latin1").unwrap(),
        ..Default::default()
    };
    let opts = ferrule_parsers::copybook::ParseOptions::default();
    for src in [
        "       01 ONE PIC X(3).\n",
        "       01 REC.\n           05 A PIC X(4).\n           05 B PIC X(2) JUSTIFIED RIGHT.\n",
    ] {
        let layout = ferrule_parsers::copybook::parse(src, &opts).unwrap();
        let plan = ColumnPlan::new(&layout, &codec, PlanOptions { flatten: true }).unwrap();
        let pick = b"   ,\"\r\nax\xe9";
        let mut state = 7u64;
        let recs: Vec<Vec<u8>> = (0..300)
            .map(|_| {
                (0..layout.max_len())
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                        pick[(state >> 33) as usize % pick.len()]
                    })
                    .collect()
            })
            .collect();
        let refs: Vec<&[u8]> = recs.iter().map(Vec::as_slice).collect();
        let d = direct_agrees(&layout, &codec, &plan, &refs, src);
        assert!(d.is_some(), "{src}: the direct path took the text");
    }
}

#[test]
fn layouts_give_the_same_csv_as_arrow_csv() {
    // Clean records (the direct path), then a third bad or random (nulls).
    for seed in 0..4 {
        layouts_agree(seed, 40, 0);
        layouts_agree(seed, 40, 30);
    }
}

#[test]
fn text_is_quoted_only_when_needed() {
    let values = [
        Some("plain"),
        Some(""),
        None,
        Some("a,b"),
        Some("say \"hi\""),
        Some("\""),
        Some("two\nlines"),
        Some("cr\r"),
        Some(" padded "),
        Some("é€ unicode"),
        Some("#comment"),
        Some("'single'"),
        Some("tab\there"),
        Some("long text with no special byte at all, well one"),
    ];
    let col: ArrayRef = Arc::new(StringArray::from(values.to_vec()));
    let n = values.len() as i32;
    let ints: ArrayRef = Arc::new(Int32Array::from_iter_values(0..n));
    // Two columns; then one, where an empty cell alone is `""`.
    same(
        &[batch_of(vec![("t", col.clone()), ("i", ints)])],
        "two columns",
    );
    same(&[batch_of(vec![("t", col)])], "one text column");
    // Column names that need quotes.
    let names = batch_of(vec![
        ("a,b", Arc::new(Int8Array::from(vec![1])) as ArrayRef),
        ("q\"", Arc::new(Int8Array::from(vec![None]))),
    ]);
    same(&[names], "names");
}

#[test]
fn decimals_ints_and_floats_read_the_same() {
    let decimals = [
        0i128,
        1,
        -1,
        5,
        -5,
        12,
        123,
        -12345,
        99_999_999_999_999_999,
        i64::MAX as i128,
        -(i64::MAX as i128),
        u64::MAX as i128,
        u64::MAX as i128 + 1,
        -(u64::MAX as i128) - 1,
        10i128.pow(37),
        i128::MAX,
        i128::MIN,
    ];
    for scale in [-5i8, -1, 0, 1, 2, 3, 7, 18, 19, 20, 38] {
        let a = Decimal128Array::from(decimals.to_vec())
            .with_precision_and_scale(38, scale)
            .unwrap();
        let mut with_null: Vec<Option<i128>> = decimals.iter().copied().map(Some).collect();
        with_null.push(None);
        let b = Decimal128Array::from(with_null)
            .with_precision_and_scale(38, scale)
            .unwrap();
        same(
            &[batch_of(vec![("d", Arc::new(a) as ArrayRef)])],
            &format!("scale {scale}"),
        );
        same(
            &[batch_of(vec![("d", Arc::new(b) as ArrayRef)])],
            &format!("scale {scale}, a null"),
        );
    }
    let ints = batch_of(vec![
        (
            "i8",
            Arc::new(Int8Array::from(vec![
                Some(i8::MIN),
                Some(i8::MAX),
                None,
                Some(0),
            ])) as ArrayRef,
        ),
        (
            "i16",
            Arc::new(Int16Array::from(vec![i16::MIN, i16::MAX, -1, 0])),
        ),
        (
            "i32",
            Arc::new(Int32Array::from(vec![i32::MIN, i32::MAX, -1, 0])),
        ),
        (
            "i64",
            Arc::new(Int64Array::from(vec![i64::MIN, i64::MAX, -1, 0])),
        ),
        ("u8", Arc::new(UInt8Array::from(vec![0, u8::MAX, 1, 10]))),
        ("u16", Arc::new(UInt16Array::from(vec![0, u16::MAX, 1, 10]))),
        (
            "u32",
            Arc::new(UInt32Array::from(vec![
                Some(0),
                None,
                Some(u32::MAX),
                Some(7),
            ])),
        ),
        ("u64", Arc::new(UInt64Array::from(vec![0, u64::MAX, 1, 10]))),
        (
            "f32",
            Arc::new(Float32Array::from(vec![0.1, -0.0, f32::MAX, f32::NAN])),
        ),
        (
            "f64",
            Arc::new(Float64Array::from(vec![
                Some(1e21),
                None,
                Some(f64::INFINITY),
                Some(5e-324),
            ])),
        ),
        ("null", Arc::new(NullArray::new(4))),
    ]);
    same(&[ints], "ints and floats");
}

#[test]
fn no_rows_and_no_columns() {
    // No rows: the header alone.
    let schema = Arc::new(Schema::new(vec![
        Field::new("a", DataType::Utf8, true),
        Field::new("b", DataType::Decimal128(5, 2), true),
    ]));
    same(&[RecordBatch::new_empty(schema.clone())], "no rows");
    // A file of no rows written through `CsvFile` still gets its header.
    let file = CsvFile::new(&schema, Vec::new());
    assert_eq!(file.finish().unwrap(), b"a,b\n");
    // No columns: every line is one empty cell.
    let none = RecordBatch::try_new_with_options(
        Arc::new(Schema::empty()),
        vec![],
        &arrow_array::RecordBatchOptions::new().with_row_count(Some(2)),
    )
    .unwrap();
    same(&[none], "no columns");
}

#[test]
fn nested_columns_are_refused() {
    // CSV always flattens; a nested batch is a caller's bug, reported as arrow_csv did.
    let list =
        arrow_array::ListArray::from_iter_primitive::<arrow_array::types::Int32Type, _, _>(vec![
            Some(vec![Some(1)]),
        ]);
    let b = batch_of(vec![("l", Arc::new(list) as ArrayRef)]);
    let err = write_rows(&b, &mut Vec::new()).unwrap_err().to_string();
    assert!(err.contains("Nested type"), "{err}");
    let mut w = arrow_csv::WriterBuilder::new().build(Vec::new());
    assert!(w.write(&b).is_err());
}

#[test]
fn text_parts_write_what_batches_write() {
    // The text a worker makes is what the file would have written from the batch.
    let b = batch_of(vec![
        (
            "t",
            Arc::new(StringArray::from(vec!["x,y", "z"])) as ArrayRef,
        ),
        ("n", Arc::new(Int64Array::from(vec![1, -2]))),
    ]);
    let text = CsvText::new(&b).unwrap();
    assert_eq!(text.rows(), 2);
    // Lines by row: the first, the second, none past the end.
    assert_eq!(text.lines(0, 1), b"\"x,y\",1\n");
    assert_eq!(text.lines(1, 1), b"z,-2\n");
    assert_eq!(text.lines(2, 1), b"");
    assert_eq!(text.lines(0, 9).len(), text.lines(0, 2).len());
    let mut by_text = CsvFile::new(&b.schema(), Vec::new());
    by_text.write_text(text.lines(0, 1)).unwrap();
    by_text.write_text(text.lines(1, 5)).unwrap();
    let mut by_batch = CsvFile::new(&b.schema(), Vec::new());
    by_batch.write(&b).unwrap();
    let want = reference(std::slice::from_ref(&b));
    assert_eq!(by_text.finish().unwrap(), want);
    assert_eq!(by_batch.finish().unwrap(), want);
}

#[test]
fn a_failing_sink_is_an_output_error() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let b = batch_of(vec![("n", Arc::new(Int8Array::from(vec![1])) as ArrayRef)]);
    let mut w = CsvFile::new(&b.schema(), Full);
    let err = w.write(&b).unwrap_err().to_string();
    assert_eq!(err, "output: disk full");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_columns_agree(
        texts in proptest::collection::vec(proptest::option::of("[a-c,\"\r\n é]{0,6}"), 1..20),
        mags in proptest::collection::vec(any::<i128>(), 1..20),
        scale in -10i8..=38,
        small in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let n = texts.len().min(mags.len());
        // Small values (most records') and any i128.
        let values: Vec<Option<i128>> = mags[..n]
            .iter()
            .map(|&v| if small { v % 10i128.pow(18) } else { v })
            .enumerate()
            .map(|(i, v)| (i as u64 != seed % 7).then_some(v))
            .collect();
        let d = Decimal128Array::from(values).with_precision_and_scale(38, scale).unwrap();
        let t = StringArray::from(texts[..n].to_vec());
        let one = batch_of(vec![("t", Arc::new(t.clone()) as ArrayRef)]);
        let two = batch_of(vec![("t", Arc::new(t) as ArrayRef), ("d", Arc::new(d))]);
        prop_assert_eq!(mine(std::slice::from_ref(&one)), reference(std::slice::from_ref(&one)));
        prop_assert_eq!(mine(std::slice::from_ref(&two)), reference(std::slice::from_ref(&two)));
    }

    #[test]
    fn random_record_batches_agree(seed in any::<u64>(), bad in 0u64..100) {
        layouts_agree(seed, 1 + (seed % 9) as usize, bad);
    }
}

#[test]
fn negative_zero_is_written_as_arrow_writes_zero() {
    // Packed 000D and zoned 0}/D0 are a stored minus zero: the JSON writers keep the
    // sign (-0.00), an Arrow decimal has none (0.00), and CSV stays as it was.
    let src = "       01 REC.\n           05 P PIC S9(3)V99 COMP-3.\n           05 Z PIC S9(2).\n           05 Q PIC S9(3) COMP-3.\n";
    let layout = ferrule_parsers::copybook::parse(src, &Default::default()).unwrap();
    let codec = ferrule_parsers::json::CodecOptions::default();
    let plan = ColumnPlan::new(&layout, &codec, PlanOptions { flatten: true }).unwrap();
    let recs: [&[u8]; 2] = [
        &[0x00, 0x00, 0x0D, 0xF0, 0xD0, 0x00, 0x0D],
        &[0x00, 0x01, 0x0D, 0xF0, 0xD1, 0x00, 0x1C],
    ];
    let d = direct_agrees(&layout, &codec, &plan, &recs, src).unwrap();
    let text = mine(std::slice::from_ref(&d));
    assert_eq!(
        String::from_utf8(text).unwrap(),
        "p,z,q\n0.00,0,0\n-0.10,-1,1\n"
    );
}

#[test]
fn needs_quotes_finds_each_special_byte_anywhere() {
    // Every length to 17 (two words and a tail), each byte value at each place, in
    // text of bytes next to the special ones (+, !, 0x0B, 0x0E, 0xAC).
    let naive = |s: &[u8]| s.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    for len in 0..=17usize {
        for at in 0..len {
            for b in 0..=255u8 {
                let mut s: Vec<u8> = (0..len).map(|i| b"+!\x0b\x0e\xac#-"[i % 7]).collect();
                s[at] = b;
                assert_eq!(
                    super::needs_quotes(&s),
                    naive(&s),
                    "len {len} at {at} byte {b:#x}"
                );
            }
        }
    }
}

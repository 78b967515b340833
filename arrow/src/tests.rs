//! Schema mapping for every usage, decimals at the edges of decimal128, and batches built
//! from real records (nested and flattened, nulls where records hold no value).

#![allow(clippy::unwrap_used)]

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::Array;
use arrow_schema::DataType as T;
use ferrule_parsers::codepage::CodePage;
use ferrule_parsers::copybook::{parse, ParseOptions};
use ferrule_parsers::dialect::Dialect;
use ferrule_parsers::json::{CodecOptions, FieldErrorMode, RedefinesMode};
use ferrule_parsers::layout::Layout;
use ferrule_parsers::values::{RecordValues, ValueDecoder};

use crate::{arrow_schema, ColumnPlan, ColumnarError, PlanOptions, RecordBatchBuilder};

fn layout(body: &str) -> Layout {
    parse(&format!("       01 REC.\n{body}"), &ParseOptions::default()).unwrap()
}

fn types(body: &str, codec: &CodecOptions) -> Vec<(String, T)> {
    let s = arrow_schema(&layout(body), codec, PlanOptions::default()).unwrap();
    s.fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect()
}

fn ty(line: &str) -> T {
    types(
        &format!("           05 A {line}\n"),
        &CodecOptions::default(),
    )
    .remove(0)
    .1
}

#[test]
fn every_usage_has_its_arrow_type() {
    // Text, national and every exact decimal kind.
    assert_eq!(ty("PIC X(8)."), T::Utf8);
    assert_eq!(ty("PIC N(4)."), T::Utf8);
    assert_eq!(ty("PIC S9(7)V99."), T::Decimal128(9, 2));
    assert_eq!(ty("PIC S9(7)V99 COMP-3."), T::Decimal128(9, 2));
    assert_eq!(ty("PIC 9(5) COMP-6."), T::Decimal128(5, 0));
    // TRUNC(BIN): an even-digit packed item's pad nibble holds one more digit.
    assert_eq!(ty("PIC S9(4) COMP-3."), T::Decimal128(5, 0));
    assert_eq!(ty("PIC ZZ,ZZ9.99-."), T::Decimal128(7, 2));
    // Unscaled binary: integers by size, unsigned for unsigned PICs and COMP-X.
    assert_eq!(ty("PIC S9(4) COMP."), T::Int16);
    assert_eq!(ty("PIC 9(4) COMP."), T::UInt16);
    assert_eq!(ty("PIC S9(9) COMP-5."), T::Int32);
    assert_eq!(ty("PIC S9(18) BINARY."), T::Int64);
    assert_eq!(ty("PIC 9(18) COMP-4."), T::UInt64);
    assert_eq!(ty("PIC 9(3) COMP-X."), T::UInt16);
    assert_eq!(ty("PIC X(1) COMP-X."), T::UInt8);
    // Scaled binary: exact decimals; TRUNC(BIN) (the default) lets the bytes' digits in.
    assert_eq!(ty("PIC S9(5)V99 COMP."), T::Decimal128(10, 2));
    let std = CodecOptions {
        trunc: ferrule_parsers::dialect::Trunc::Std,
        ..CodecOptions::default()
    };
    assert_eq!(
        types("           05 A PIC S9(5)V99 COMP.\n", &std)[0].1,
        T::Decimal128(7, 2)
    );
    // P scaling: trailing P at scale 0 (Parquet has no negative scale), leading P.
    assert_eq!(ty("PIC S9(3)PPP COMP-3."), T::Decimal128(6, 0));
    assert_eq!(ty("PIC SVPP99 COMP-3."), T::Decimal128(4, 4));
    // Floats: IBM hex COMP-1 widens to Float64 (f32 cannot hold it exactly).
    assert_eq!(ty("COMP-1."), T::Float64);
    assert_eq!(ty("COMP-2."), T::Float64);
    let ieee = CodecOptions {
        dialect: Dialect::GNUCOBOL,
        ..CodecOptions::default()
    };
    assert_eq!(types("           05 A COMP-1.\n", &ieee)[0].1, T::Float32);
}

#[test]
fn decimals_are_exact_up_to_38_digits_and_refused_above() {
    for digits in [18u8, 19, 31, 38] {
        let t = ty(&format!("PIC S9({})V9(2).", digits - 2));
        assert_eq!(t, T::Decimal128(digits, 2), "{digits} digits");
    }
    // The grammar stops at 38 digits, but under TRUNC(BIN) (the default) a 38-digit
    // packed item's pad nibble makes 39: decimal128 cannot hold them, so it is refused
    // with the field and its line, and TRUNC(STD) holds the item to 38.
    let l = parse(
        "       01 REC.\n           05 WIDE PIC S9(36)V99 COMP-3.\n",
        &ParseOptions::default(),
    )
    .unwrap();
    let std = CodecOptions {
        trunc: ferrule_parsers::dialect::Trunc::Std,
        ..CodecOptions::default()
    };
    let s = arrow_schema(&l, &std, PlanOptions::default()).unwrap();
    assert_eq!(s.field(0).data_type(), &T::Decimal128(38, 2));
    let e = arrow_schema(&l, &CodecOptions::default(), PlanOptions::default()).unwrap_err();
    assert!(
        matches!(e, ColumnarError::TooManyDigits { digits: 39, .. }),
        "{e}"
    );
    let msg = e.to_string();
    assert!(msg.contains("wide") && msg.contains("line 2"), "{msg}");
    assert!(msg.contains("--trunc std"), "{msg}");
}

const ORDERS: &str = "\
           05 ID PIC 9(4) COMP.
           05 CUST.
              10 NAME PIC X(4).
                 88 NAME-NONE VALUE SPACES.
              10 BAL PIC S9(3)V99 COMP-3.
           05 CNT PIC 9.
           05 LINE-ITEM OCCURS 0 TO 2 TIMES DEPENDING ON CNT.
              10 QTY PIC S9(3).
";

#[test]
fn groups_are_structs_tables_are_lists_and_88s_are_metadata() {
    let l = layout(ORDERS);
    let s = arrow_schema(&l, &CodecOptions::default(), PlanOptions::default()).unwrap();
    let names: Vec<_> = s.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["id", "cust", "cnt", "line_item"]);
    let T::Struct(cust) = s.field(1).data_type() else {
        panic!("cust is no struct")
    };
    assert_eq!(cust[1].data_type(), &T::Decimal128(5, 2));
    assert_eq!(
        cust[0].metadata().get("cobol.level88").map(String::as_str),
        Some(r#"{"NAME-NONE":["SPACE"]}"#)
    );
    assert_eq!(cust[0].metadata()["cobol.name"], "NAME");
    let T::List(item) = s.field(3).data_type() else {
        panic!("line_item is no list")
    };
    assert!(matches!(item.data_type(), T::Struct(f) if f[0].data_type() == &T::Decimal128(3, 0)));
    // Flattened: a__b names, tables numbered from 1 to their maximum.
    let flat = arrow_schema(&l, &CodecOptions::default(), PlanOptions { flatten: true }).unwrap();
    let names: Vec<_> = flat.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "cust__name",
            "cust__bal",
            "cnt",
            "line_item__1__qty",
            "line_item__2__qty"
        ]
    );
}

/// Two records: one with one line item, one with two; a third with a bad packed field.
fn records() -> Vec<Vec<u8>> {
    let cust = |bal: [u8; 3]| {
        let mut v = vec![0xC1, 0xC2, 0x40, 0x40];
        v.extend(bal);
        v
    };
    let mut r1 = vec![0x00, 0x07];
    r1.extend(cust([0x12, 0x34, 0x5C]));
    r1.extend([0xF1, 0xF0, 0xF0, 0xC5]);
    let mut r2 = vec![0x00, 0x08];
    r2.extend(cust([0x00, 0x00, 0x1D]));
    r2.extend([0xF2, 0xF0, 0xF0, 0xD1, 0xF0, 0xF0, 0xF2]);
    let mut r3 = vec![0x00, 0x09];
    r3.extend(cust([0x00, 0x0A, 0x1D]));
    r3.extend([0xF0]);
    vec![r1, r2, r3]
}

/// The options the ORDERS records are decoded with.
fn orders_codec() -> CodecOptions {
    CodecOptions {
        codepage: CodePage::by_name("cp037").unwrap(),
        redefines: RedefinesMode::First,
        ..CodecOptions::default()
    }
}

fn build(flatten: bool, mode: FieldErrorMode) -> Result<arrow_array::RecordBatch, ColumnarError> {
    let l = layout(ORDERS);
    let codec = orders_codec();
    let mut dec = ValueDecoder::new(&l, codec).unwrap();
    let plan = ColumnPlan::from_shape(dec.shape(), &codec, PlanOptions { flatten }).unwrap();
    let mut b = RecordBatchBuilder::new(plan)?;
    let mut rv = RecordValues::default();
    for (i, r) in records().iter().enumerate() {
        dec.decode(r, mode, &mut rv)
            .map_err(|e| ColumnarError::Record(Box::new(e.at_record(i as u64 + 1))))?;
        b.append(&rv, i as u64 + 1)?;
    }
    b.finish()
}

#[test]
fn batches_hold_exact_values_nested() {
    let batch = build(false, FieldErrorMode::Null).unwrap();
    assert_eq!(batch.num_rows(), 3);
    let id = batch
        .column(0)
        .as_primitive::<arrow_array::types::UInt16Type>();
    assert_eq!(id.values().to_vec(), [7, 8, 9]);
    let cust = batch.column(1).as_struct();
    let bal = cust.column(1).as_primitive::<Decimal128Type>();
    // 123.45 and -0.01 exactly (unscaled at scale 2); record 3's bad nibble is null.
    assert_eq!((bal.value(0), bal.value(1)), (12345, -1));
    assert!(bal.is_null(2));
    let names = cust.column(0).as_string::<i32>();
    assert_eq!(names.value(0), "AB");
    let items = batch.column(3).as_list::<i32>();
    assert_eq!(items.value_length(0), 1);
    assert_eq!(items.value_length(1), 2);
    assert_eq!(items.value_length(2), 0);
    let qty = items.values().as_struct().column(0);
    let qty = qty.as_primitive::<Decimal128Type>();
    // 00E is +5 (E: +5 overpunched); 00J is -1 (J: -1); 002 is 2.
    assert_eq!(qty.value(0), 5);
    assert_eq!((qty.value(1), qty.value(2)), (-1, 2));
}

#[test]
fn batches_flattened_fill_missing_elements_with_nulls() {
    let batch = build(true, FieldErrorMode::Null).unwrap();
    assert_eq!(batch.num_columns(), 6);
    let q2 = batch.column(5).as_primitive::<Decimal128Type>();
    assert!(q2.is_null(0) && !q2.is_null(1) && q2.is_null(2));
}

#[test]
fn a_bad_record_fails_with_its_location() {
    let e = build(false, FieldErrorMode::Fail).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("record 3, field cust.bal, byte 6:"),
        "{msg}"
    );
    assert!(msg.contains("00 0A 1D"), "{msg}");
}

/// The three records as one batch, and a Parquet dataset writer of `rows` rows a part
/// (in the directory returned with it).
#[cfg(feature = "writers")]
fn parquet_parts(rows: usize) -> (arrow_array::RecordBatch, tempfile::TempDir, crate::Writer) {
    let batch = build(false, FieldErrorMode::Null).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let w = crate::Writer::to_dir(crate::Format::Parquet, batch.schema(), dir.path(), rows);
    (batch, dir, w.unwrap())
}

#[cfg(feature = "writers")]
#[test]
fn datasets_split_into_parts_of_n_rows() {
    use crate::{Format, Writer};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let (batch, _dir, mut w) = parquet_parts(2);
    w.write(&batch).unwrap();
    let files = w.finish().unwrap();
    let names: Vec<_> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["part-00000.parquet", "part-00001.parquet"]);
    let rows: Vec<usize> = files
        .iter()
        .map(|p| {
            let r = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(p).unwrap())
                .unwrap()
                .build()
                .unwrap();
            r.map(|b| b.unwrap().num_rows()).sum()
        })
        .collect();
    assert_eq!(rows, [2, 1]);
    // No rows at all: still one part holding the schema.
    let empty = tempfile::tempdir().unwrap();
    let w = Writer::to_dir(Format::Arrow, batch.schema(), empty.path(), 2).unwrap();
    assert_eq!(w.finish().unwrap().len(), 1);
}

#[cfg(feature = "writers")]
#[test]
fn csv_writes_decimals_as_exact_text() {
    use crate::{Format, Writer};
    let batch = build(true, FieldErrorMode::Null).unwrap();
    let path = tempfile::NamedTempFile::new().unwrap();
    let file = std::fs::File::create(path.path()).unwrap();
    let mut w = Writer::to_stream(Format::Csv, batch.schema(), Box::new(file)).unwrap();
    w.write(&batch).unwrap();
    w.finish().unwrap();
    let text = std::fs::read_to_string(path.path()).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,cust__name,cust__bal,cnt,line_item__1__qty,line_item__2__qty"
    );
    assert_eq!(lines[1], "7,AB,123.45,1,5,");
    assert_eq!(lines[2], "8,AB,-0.01,2,-1,2");
}

#[cfg(feature = "writers")]
#[test]
fn parquet_row_groups_are_bounded_whatever_the_file_size() {
    use crate::writer::PARQUET_ROW_GROUP_ROWS;
    use crate::{Format, Writer};
    use arrow_array::Int32Array;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    // One row more than a row group holds: two row groups, not one big one in memory.
    let n = PARQUET_ROW_GROUP_ROWS + 1;
    let col = Int32Array::from_iter_values(0..n as i32);
    let batch =
        arrow_array::RecordBatch::try_from_iter([("n", std::sync::Arc::new(col) as _)]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.parquet");
    let file = std::fs::File::create(&path).unwrap();
    let mut w = Writer::to_stream(Format::Parquet, batch.schema(), Box::new(file)).unwrap();
    w.write(&batch).unwrap();
    w.finish().unwrap();
    let r = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    let groups: Vec<i64> = r
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows())
        .collect();
    assert_eq!(groups, [PARQUET_ROW_GROUP_ROWS as i64, 1]);
}

/// Collects what `read_batches` hands over; `keep` answers every bad record, `stop`
/// makes the first one an error.
struct Collect {
    keep: bool,
    stop: bool,
    rows: Vec<usize>,
    bad: Vec<(u64, u64, bool)>,
}

#[derive(Debug)]
struct Stopped;

impl From<crate::read::ReadError> for Stopped {
    fn from(_: crate::read::ReadError) -> Self {
        Stopped
    }
}

impl crate::read::RecordSink for Collect {
    type Error = Stopped;
    fn batch(&mut self, batch: arrow_array::RecordBatch) -> Result<(), Stopped> {
        self.rows.push(batch.num_rows());
        Ok(())
    }
    fn bad(&mut self, bad: crate::read::BadRecord) -> Result<bool, Stopped> {
        let number = bad.errors.first().map_or(0, |e| e.record);
        self.bad.push((number, bad.offset, bad.whole));
        if self.stop {
            return Err(Stopped);
        }
        Ok(self.keep)
    }
}

/// `read_batches` over the three records back to back, fixed framing measured by their
/// OCCURS DEPENDING ON counters, two rows a batch.
fn read_all(keep: bool, stop: bool) -> (Collect, Result<(), Stopped>) {
    use crate::read::{read_batches, ReadPlan};
    use ferrule_parsers::framing::{Framing, RecordReader};
    let l = layout(ORDERS);
    let codec = orders_codec();
    let mut dec = ValueDecoder::new(&l, codec).unwrap();
    let plan = ColumnPlan::from_shape(dec.shape(), &codec, PlanOptions::default()).unwrap();
    let mut builder = RecordBatchBuilder::new(plan).unwrap();
    let input: Vec<u8> = records().concat();
    let mut reader = RecordReader::new(&input[..], Framing::Fixed { len: 0 });
    let mut sink = Collect {
        keep,
        stop,
        rows: Vec::new(),
        bad: Vec::new(),
    };
    let plan = ReadPlan {
        measured: Some(l.max_len()),
        batch_rows: 2,
        direct: None,
    };
    let r = read_batches(&mut reader, &mut dec, &mut builder, plan, &mut sink);
    (sink, r)
}

#[test]
fn read_batches_hands_over_rows_and_bad_records_in_order() {
    let offset = records()[..2].iter().map(Vec::len).sum::<usize>() as u64;
    // Kept with nulls: three rows; left out: two. Record 3 is reported at its offset.
    let (kept, r) = read_all(true, false);
    assert!(r.is_ok());
    assert_eq!(kept.rows, [2, 1]);
    assert_eq!(kept.bad, [(3, offset, false)]);
    let (left, r) = read_all(false, false);
    assert!(r.is_ok());
    assert_eq!(left.rows, [2]);
    // A stop at record 3: the rows before it are still handed over, then the error.
    let (stopped, r) = read_all(false, true);
    assert!(r.is_err());
    assert_eq!(stopped.rows, [2]);
}

#[cfg(feature = "writers")]
#[test]
fn encoded_row_groups_fill_parts_and_split_where_they_cross() {
    use crate::{Format, Part, Writer};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    // Parts of 2 rows: the first 3-row group does not fit (split by the writer from the
    // batch kept with it), the 1-row slice fits whole.
    let (batch, dir, mut w) = parquet_parts(2);
    let prep = w.preparer();
    w.write_part(prep.prepare(batch.clone()).unwrap()).unwrap();
    w.write_part(prep.prepare(batch.slice(0, 1)).unwrap())
        .unwrap();
    let files = w.finish().unwrap();
    let groups: Vec<Vec<i64>> = files
        .iter()
        .map(|p| {
            let r = SerializedFileReader::new(std::fs::File::open(p).unwrap()).unwrap();
            r.metadata()
                .row_groups()
                .iter()
                .map(|g| g.num_rows())
                .collect()
        })
        .collect();
    assert_eq!(groups, [vec![2], vec![1, 1]]);
    // An encoded group too large for any part, without its rows: an error, no panic.
    let stream = tempfile::NamedTempFile::new().unwrap();
    let s = Writer::to_stream(
        Format::Parquet,
        batch.schema(),
        Box::new(std::fs::File::create(stream.path()).unwrap()),
    )
    .unwrap();
    let Part::Encoded { group, .. } = s.preparer().prepare(batch.clone()).unwrap() else {
        panic!("parquet parts are encoded");
    };
    let mut small = Writer::to_dir(Format::Parquet, batch.schema(), dir.path(), 1).unwrap();
    assert!(small
        .write_part(Part::Encoded { group, batch: None })
        .is_err());
    // Arrow IPC batches pass through unencoded.
    let a = Writer::to_dir(Format::Arrow, batch.schema(), dir.path(), 0).unwrap();
    assert!(matches!(
        a.preparer().prepare(batch).unwrap(),
        Part::Batch(_)
    ));
}

#[test]
fn unscaled_values_are_exact_on_both_sides_of_18_digits() {
    use crate::builder::unscaled;
    use ferrule_parsers::numeric::Decimal;
    let d = |t: &str| Decimal::parse(t).unwrap();
    // 18 digits (the u64 path), 19 and 38 (the i128 path), negative, negative zero.
    assert_eq!(
        unscaled(&d("-999999999999999999"), 0),
        Ok(-999_999_999_999_999_999)
    );
    assert_eq!(
        unscaled(&d("1234567890123456789"), 0),
        Ok(1_234_567_890_123_456_789)
    );
    let max = "9".repeat(38);
    assert_eq!(unscaled(&d(&max), 0), Ok(max.parse::<i128>().unwrap()));
    assert_eq!(unscaled(&d("-0.00"), 2), Ok(0));
    assert_eq!(unscaled(&d("-123.45"), 2), Ok(-12345));
    // Another scale: rescaled exactly, or refused.
    assert_eq!(unscaled(&d("1.5"), 3), Ok(1500));
    assert!(unscaled(&d("1.25"), 1).is_err());
    assert!(unscaled(&d(&"9".repeat(39)), 0).is_err());
}

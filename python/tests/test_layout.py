"""ferrule.Layout, ferrule.read and their errors, checked against the `ferrule` CLI:
`decode --to parquet` of the same bytes, read back by pyarrow, is the reference."""

from __future__ import annotations

import pickle
from bisect import bisect_left
from decimal import Decimal

import pyarrow as pa
import pytest

import ferrule
from conftest import SAMPLES, parquet_of

PERSON = SAMPLES / "person.cpy"
CUSTODY = SAMPLES / "custody.cpy"


def same(got: pa.Table, want: pa.Table) -> None:
    """Equal values and types; field metadata is not compared (Parquet keeps its own)."""
    assert got.schema.remove_metadata() == want.schema.remove_metadata() or got.schema.equals(
        want.schema, check_metadata=False
    ), f"{got.schema}\n!=\n{want.schema}"
    assert got.num_rows == want.num_rows
    for name in want.column_names:
        assert got.column(name).combine_chunks() == want.column(name).combine_chunks(), name


def test_schema_keeps_decimals_and_shapes():
    s = ferrule.Layout(PERSON).arrow_schema()
    assert isinstance(s, pa.Schema)
    # Packed, zoned and sign-separate items are exact decimals, never floats.
    assert s.field("outstanding_fines").type == pa.decimal128(9, 2)
    assert s.field("last_seen_lat").type == pa.decimal128(9, 6)
    assert s.field("birth_date").type == pa.decimal128(8, 0)
    # Binary S9(4) is a 16-bit integer; groups are structs, OCCURS a list.
    assert s.field("conviction_count").type == pa.int16()
    assert pa.types.is_struct(s.field("name_block").type)
    assert s.field("warning_markers").type == pa.list_(pa.utf8())
    # Level-88 names travel as field metadata.
    assert b"SEX-MALE" in s.field("sex").metadata[b"cobol.level88"]


def test_flattened_schema_names_every_item():
    names = ferrule.Layout(PERSON).arrow_schema(flatten=True).names
    assert "name_block__surname" in names
    assert "warning_markers__4" in names


def test_decode_fixed_sample_equals_cli_parquet(tmp_path):
    data = (SAMPLES / "person.cp037.bin").read_bytes()
    batch = ferrule.Layout(PERSON).decode(data)
    assert isinstance(batch, pa.RecordBatch)
    same(pa.Table.from_batches([batch]), parquet_of(tmp_path, SAMPLES / "person.cp037.bin", PERSON))


def test_decode_rdw_sample_equals_cli_parquet(tmp_path):
    layout = ferrule.Layout(CUSTODY, codepage="cp285", framing="rdw")
    batch = layout.decode((SAMPLES / "custody.rdw.bin").read_bytes())
    want = parquet_of(tmp_path, SAMPLES / "custody.rdw.bin", CUSTODY, "--codepage", "cp285", "--framing", "rdw")
    same(pa.Table.from_batches([batch]), want)
    assert batch.schema.field("charges").type.value_type.field("fine_amount").type == pa.decimal128(7, 2)


def test_read_large_file_equals_cli_parquet(tmp_path, people_file):
    table = ferrule.read(people_file, PERSON)
    assert table.num_rows == 70_000
    # Two batches of at most 65536 rows, not one row at a time.
    assert [b.num_rows for b in table.to_batches()] == [65_536, 4_464]
    same(table, parquet_of(tmp_path, people_file, PERSON))


def test_read_rdw_flattened_equals_cli_parquet(tmp_path, custody_file):
    table = ferrule.read(custody_file, str(CUSTODY), codepage="cp285", framing="rdw", flatten=True)
    want = parquet_of(tmp_path, custody_file, CUSTODY, "--codepage", "cp285", "--framing", "rdw", "--flatten")
    same(table, want)


def test_copybook_text_and_layout_objects_are_accepted(people_file):
    text = PERSON.read_text()
    a = ferrule.read(people_file, text)
    b = ferrule.read(people_file, ferrule.Layout(PERSON))
    assert a.equals(b)


def test_decode_hands_over_rust_buffers_without_copying():
    # The columns are built in Rust and exported through the C data interface: pyarrow's
    # own allocator gives nothing for them (a copy on import would come from it).
    data = (SAMPLES / "person.cp037.bin").read_bytes() * 200
    layout = ferrule.Layout(PERSON)
    before = pa.total_allocated_bytes()
    batch = layout.decode(data)
    assert batch.num_rows == 600
    assert pa.total_allocated_bytes() == before
    assert batch.nbytes > 0


def test_empty_input_gives_an_empty_batch_with_the_schema():
    layout = ferrule.Layout(PERSON)
    batch = layout.decode(b"")
    assert batch.num_rows == 0
    assert batch.schema.equals(layout.arrow_schema())


def bad_people() -> tuple[bytes, int, int]:
    """The sample's records with record 2's packed OUTSTANDING-FINES spoiled; the record
    length and the field's offset."""
    layout = ferrule.Layout(PERSON)
    n = layout.record_length
    data = bytearray((SAMPLES / "person.cp037.bin").read_bytes())
    # NOMINAL-REF 10, NAME-BLOCK 56, BIRTH-DATE 8, SEX 1, HEIGHT 3, ETHNIC 2, MARKERS 8,
    # LAST-ADDRESS 68, CONVICTION-COUNT 2: OUTSTANDING-FINES (5 bytes) starts at 158.
    at = 158
    data[n + at : n + at + 5] = b"\x12\x3a\x4c\x00\x0c"
    return bytes(data), n, at


def test_bad_record_raises_record_error_with_its_location():
    data, n, at = bad_people()
    with pytest.raises(ferrule.RecordError) as e:
        ferrule.Layout(PERSON).decode(data)
    err = e.value
    assert (err.record, err.field, err.offset) == (2, "outstanding_fines", at)
    assert err.bytes == b"\x12\x3a\x4c\x00\x0c"
    assert err.input_offset == n
    assert "record 2, field outstanding_fines, byte 158" in str(err)
    assert isinstance(err, ferrule.FerruleError) and isinstance(err, ValueError)


def test_on_error_skip_and_null_report_the_bad_record():
    data, n, _ = bad_people()
    layout = ferrule.Layout(PERSON)
    errors: list = []
    skipped = layout.decode(data, on_error="skip", errors=errors)
    assert skipped.num_rows == 2
    assert [(e.record, e.field) for e in errors] == [(2, "outstanding_fines")]
    nulled = ferrule.Layout(PERSON, on_error="null").decode(data)
    fines = nulled.column("outstanding_fines").to_pylist()
    assert nulled.num_rows == 3 and fines[1] is None and fines[0] == Decimal("125.50")


def test_blank_numbers_read_as_null_or_zero_when_asked():
    layout = ferrule.Layout(PERSON)
    n, at = layout.record_length, 158
    data = bytearray((SAMPLES / "person.cp037.bin").read_bytes())
    data[n + at : n + at + 5] = b"\x40" * 5  # all spaces
    data[2 * n + at : 2 * n + at + 5] = b"\x00" * 5  # all low-values
    with pytest.raises(ferrule.RecordError) as e:
        layout.decode(bytes(data))
    assert (e.value.record, e.value.field) == (2, "outstanding_fines")
    errors: list = []
    nulled = ferrule.Layout(PERSON, blank_numbers="null").decode(bytes(data), errors=errors)
    assert nulled.column("outstanding_fines").to_pylist()[1:] == [None, None]
    assert errors == []
    zeroed = ferrule.Layout(PERSON, blank_numbers="zero").decode(bytes(data))
    assert zeroed.column("outstanding_fines").to_pylist()[1:] == [Decimal("0.00")] * 2
    with pytest.raises(ValueError, match="blank_numbers"):
        ferrule.Layout(PERSON, blank_numbers="spaces")


def test_cut_short_file_raises_framing_error():
    data = (SAMPLES / "person.cp037.bin").read_bytes()
    n = ferrule.Layout(PERSON).record_length
    with pytest.raises(ferrule.FramingError) as e:
        ferrule.Layout(PERSON).decode(data[: 2 * n + 5])
    assert (e.value.record, e.value.input_offset) == (3, 2 * n)


def test_bad_rdw_header_raises_framing_error():
    data = bytearray((SAMPLES / "custody.rdw.bin").read_bytes())
    data[0:4] = b"\x00\x02\x00\x00"  # shorter than the header itself
    with pytest.raises(ferrule.FramingError) as e:
        ferrule.Layout(CUSTODY, codepage="cp285").decode(bytes(data), framing="rdw")
    assert e.value.record == 1 and e.value.input_offset == 0


def test_bad_copybook_raises_copybook_error_with_line_and_column():
    text = "       01  REC.\n           05  A  PIC X(4).\n           05  B  PIC Q(3).\n"
    with pytest.raises(ferrule.CopybookError) as e:
        ferrule.Layout(text)
    assert e.value.line == 3
    assert e.value.column is not None and e.value.column > 1
    assert "line 3" in str(e.value) or ":3:" in str(e.value)


def test_a_missing_copybook_file_is_not_read_as_cobol(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.cpy"):
        ferrule.Layout(str(tmp_path / "nope.cpy"))
    with pytest.raises(FileNotFoundError):
        ferrule.Layout(tmp_path / "nope.cpy")


def test_unknown_options_are_a_type_error_naming_them_all():
    with pytest.raises(TypeError, match="codpage, frameing"):
        ferrule.Layout(PERSON, codpage="cp037", frameing="rdw")


def test_bad_option_values_are_reported_together():
    with pytest.raises(ValueError) as e:
        ferrule.Layout(PERSON, codepage="cp99999", trunc="sometimes", framing="rdw-be")
    msg = str(e.value)
    assert "cp99999" in msg and "trunc" in msg and "framing" in msg


def test_options_reach_the_decoder():
    # cp037 records read as latin1: other text, and zoned digits that are not digits.
    data = (SAMPLES / "person.cp037.bin").read_bytes()
    a = ferrule.Layout(PERSON).decode(data).column("nominal_ref").to_pylist()
    errors: list = []
    b = ferrule.Layout(PERSON, codepage="latin1", on_error="null").decode(data, errors=errors)
    assert a[0] == "N000012345" and b.column("nominal_ref").to_pylist()[0] != a[0]
    assert b.column("birth_date").to_pylist()[0] is None
    assert "birth_date" in {e.field for e in errors}


def test_exceptions_pickle_with_their_attributes():
    data, n, at = bad_people()
    with pytest.raises(ferrule.RecordError) as e:
        ferrule.Layout(PERSON).decode(data)
    again = pickle.loads(pickle.dumps(e.value))
    assert (again.record, again.field, again.offset, again.bytes, again.input_offset) == (
        2, "outstanding_fines", at, e.value.bytes, n)
    assert str(again) == str(e.value)
    assert type(again).__module__ == "ferrule" and type(again).__name__ == "RecordError"


def test_layout_pickles_for_spark_executors():
    layout = ferrule.Layout(CUSTODY, codepage="cp285", framing="rdw")
    again = pickle.loads(pickle.dumps(layout))
    data = (SAMPLES / "custody.rdw.bin").read_bytes()
    assert again.decode(data).equals(layout.decode(data))
    assert again.framing == "rdw"


@pytest.mark.parametrize("split", [1, 300, 4096, 1 << 30])
def test_fixed_splits_are_whole_records(people_file, split):
    layout = ferrule.Layout(PERSON)
    n, size = layout.record_length, people_file.stat().st_size
    ranges = layout.splits(people_file, split)
    step = max(1, split // n) * n
    assert ranges == [(s, min(s + step, size)) for s in range(0, size, step)]


@pytest.mark.parametrize("split", [1, 300, 4096, 1 << 30])
def test_rdw_splits_start_at_the_first_record_past_each_boundary(custody_file, split):
    layout = ferrule.Layout(CUSTODY, codepage="cp285", framing="rdw")
    data = custody_file.read_bytes()
    # Every record's start, from the RDWs (big-endian length including the 4-byte header).
    starts, at = [], 0
    while at < len(data):
        starts.append(at)
        at += int.from_bytes(data[at : at + 2], "big")
    ranges = layout.splits(custody_file, split)
    want = sorted({starts[bisect_left(starts, b)] for b in range(0, starts[-1] + 1, split)})
    assert [s for s, _ in ranges] == want
    assert ranges[-1][1] == len(data) and all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))


@pytest.mark.parametrize("split", [1, 300, 4096])
def test_ranges_decode_to_the_whole_files_rows(custody_file, people_file, split):
    for path, layout in [
        (custody_file, ferrule.Layout(CUSTODY, codepage="cp285", framing="rdw")),
        (people_file, ferrule.Layout(PERSON)),
    ]:
        ranges = layout.splits(path, split)[:60]
        data = path.read_bytes()
        parts = [layout.decode(data[s:e]) for s, e in ranges]
        whole = layout.decode(data[: ranges[-1][1]])
        assert sum(p.num_rows for p in parts) == whole.num_rows
        assert pa.Table.from_batches(parts).equals(pa.Table.from_batches([whole]))


def test_splits_of_an_empty_file_and_unsplittable_framings(tmp_path, custody_file):
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    assert ferrule.Layout(PERSON).splits(empty, 100) == []
    # BDW blocks and ODO records without headers cannot be entered mid-file: one range.
    size = custody_file.stat().st_size
    assert ferrule.Layout(CUSTODY, framing="bdw").splits(custody_file, 100) == [(0, size)]
    assert ferrule.Layout(CUSTODY).splits(custody_file, 100) == [(0, size)]
    with pytest.raises(OSError):
        ferrule.Layout(PERSON).splits(tmp_path / "missing.bin", 100)

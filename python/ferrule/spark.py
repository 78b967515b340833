"""Decode a directory of record files on Spark: ``mapInArrow`` over byte ranges that start
on record boundaries, each decoded by ``Layout.decode`` on an executor.

    from ferrule import spark as fspark
    df = fspark.read(spark, "/data/extracts/", "customer.cpy", framing="rdw", codepage="cp037")
    df.write.parquet("/lake/customer")

How the ranges are found (``Layout.splits``):

* fixed-length records: arithmetic on the driver; every range is a whole number of records
  of about ``split_bytes``;
* RDW (and length-prefixed, line) records: one Spark task per file reads its record headers
  once and keeps the first record that starts at or after each multiple of ``split_bytes``
  (Cobrix builds the same kind of index); a range runs to the next one's start, so its
  reader finishes its last record past the nominal boundary and the next reader starts
  exactly where it stopped;
* framings whose records cannot be found from the middle of a file (BDW blocks, spanned
  records, OCCURS DEPENDING ON records without headers): one range per file.

The executors need the ``ferrule`` wheel installed and the files at the same paths (a
local path in local mode, a shared or mounted file system on a cluster).
"""

from __future__ import annotations

import os
from typing import Any, Iterator, List, Optional, Tuple, Union

import pyarrow as pa

from . import Layout, RecordError

__all__ = ["read", "splits_of", "spark_arrow_schema"]

#: Default size of one range: big enough to amortise a task, small enough for memory.
DEFAULT_SPLIT_BYTES = 64 << 20

#: Spark has no unsigned integers: each is widened to the next type that holds all its values.
_UNSIGNED = {
    pa.uint8(): pa.int16(),
    pa.uint16(): pa.int32(),
    pa.uint32(): pa.int64(),
    pa.uint64(): pa.decimal128(20, 0),
}


def _spark_type(t: pa.DataType) -> pa.DataType:
    if t in _UNSIGNED:
        return _UNSIGNED[t]
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_spark_type(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(_spark_type(t.value_type)))
    return t


def spark_arrow_schema(schema: pa.Schema) -> pa.Schema:
    """The layout's Arrow schema with the types Spark lacks widened (unsigned integers)."""
    return pa.schema([f.with_type(_spark_type(f.type)) for f in schema], metadata=schema.metadata)


def _files(path: Union[str, "os.PathLike[str]"]) -> List[str]:
    """The data files of a directory (hidden and `_`-prefixed ones left out, as Spark's
    readers do), or the path itself when it is a file; sorted, so row order is stable."""
    path = os.fspath(path)
    if os.path.isfile(path):
        return [path]
    names = sorted(n for n in os.listdir(path) if not n.startswith((".", "_")))
    return [os.path.join(path, n) for n in names if os.path.isfile(os.path.join(path, n))]


def _scans(framing: str) -> bool:
    """Whether finding this framing's ranges reads the file (not just its size)."""
    return not framing.lower().startswith("fixed")


def splits_of(
    spark: Any, files: List[str], layout: Layout, split_bytes: int
) -> List[Tuple[str, int, int]]:
    """``(file, start, end)`` ranges of every file, in file order."""
    if not _scans(layout.framing):
        return [(f, s, e) for f in files for s, e in layout.splits(f, split_bytes)]
    # Headers are read where the data is: one task per file.
    def index(f: str) -> List[Tuple[str, int, int]]:
        return [(f, s, e) for s, e in layout.splits(f, split_bytes)]

    rdd = spark.sparkContext.parallelize(files, max(1, len(files)))
    return rdd.flatMap(index).collect()


def _decoder(layout: Layout, schema: pa.Schema, batch_rows: int):
    """The function mapInArrow runs: each input row names a range; its records go out as
    batches of at most ``batch_rows`` rows, in the Spark-facing schema."""

    def run(ranges: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for b in ranges:
            for path, start, end in zip(*(b.column(i).to_pylist() for i in range(3))):
                with open(path, "rb") as f:
                    f.seek(start)
                    data = f.read(end - start)
                try:
                    batch = layout.decode(data)
                except RecordError as e:
                    # Locate the record in the file, not only in its range.
                    raise RecordError(
                        f"{path} (range at byte {start}): {e.message}",
                        e.record,
                        e.field,
                        e.offset,
                        e.bytes,
                        start + e.input_offset,
                    ) from None
                table = pa.Table.from_batches([batch]).cast(schema)
                yield from table.to_batches(max_chunksize=batch_rows)

    return run


def read(
    spark: Any,
    path: Union[str, "os.PathLike[str]"],
    copybook: Union[str, "os.PathLike[str]", Layout],
    *,
    split_bytes: int = DEFAULT_SPLIT_BYTES,
    batch_rows: int = 10_000,
    **options: Any,
):
    """A Spark DataFrame of every record in the files under ``path`` (a directory or one
    file), decoded with ``copybook`` (text, path or Layout) and ``options`` (Layout's:
    codepage, framing, on_error, flatten, ...). Rows come in file order, then byte order.
    With ``on_error="skip"`` bad records are left out; with ``"fail"`` (the default) the
    job fails with the record's file and byte offset."""
    layout = copybook if isinstance(copybook, Layout) else Layout(copybook, **options)
    if isinstance(copybook, Layout) and options:
        raise TypeError(f"options {', '.join(sorted(options))} belong to the Layout, which is already made")
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    schema = spark_arrow_schema(layout.arrow_schema())
    ranges = splits_of(spark, _files(path), layout, split_bytes)
    range_schema = StructType(
        [
            StructField("path", StringType(), False),
            StructField("start", LongType(), False),
            StructField("end", LongType(), False),
        ]
    )
    # One range per partition: Spark schedules each as its own task.
    rdd = spark.sparkContext.parallelize(ranges, max(1, len(ranges)))
    return spark.createDataFrame(rdd, range_schema).mapInArrow(
        _decoder(layout, schema, batch_rows), from_arrow_schema(schema)
    )

"""ferrule.spark in local[2] mode against DuckDB: the same files decoded by `ferrule decode
--to parquet` and read back by DuckDB must give the same counts, the same sum of every
decimal column and the same rows. A small split size makes several ranges per file."""

from __future__ import annotations

import os
import random
import shutil
import sys

import duckdb
import pyarrow as pa
import pytest

import ferrule
from conftest import SAMPLES, custody, encode, ferrule as cli, person
from ferrule import spark as fspark

PERSON = SAMPLES / "person.cpy"
CUSTODY = SAMPLES / "custody.cpy"
SPLIT = 64 * 1024


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("java is missing: scripts/test.sh installs openjdk-17-jre-headless")
    from pyspark.sql import SparkSession

    # The executors' Python is this one, where ferrule is installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master("local[2]")
        .appName("ferrule-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()


def dataset(tmp, name, copybook, make, counts, *args):
    """A directory of files of `counts` records each, plus what Spark must ignore."""
    d = tmp / name
    d.mkdir()
    rng = random.Random(len(counts))
    n = 0
    for i, c in enumerate(counts):
        encode(d / f"part-{i}.dat", copybook, [make(n + j, rng) for j in range(c)], *args)
        n += c
    (d / "empty.dat").write_bytes(b"")
    (d / "_SUCCESS").write_bytes(b"")
    return d


def reference(tmp, d, copybook, *args):
    """DuckDB over `ferrule decode --to parquet` of each file, in file order."""
    files = []
    for f in sorted(d.iterdir()):
        if f.name.startswith("_") or f.stat().st_size == 0:
            continue
        out = tmp / f"{d.name}-{f.name}.parquet"
        cli("decode", "--copybook", copybook, f, "--to", "parquet", "-o", out, *args)
        files.append(str(out))
    con = duckdb.connect()
    con.execute(f"CREATE VIEW ref AS SELECT * FROM read_parquet({files!r})")
    return con


def decimal_columns(schema: pa.Schema):
    return [f.name for f in schema if pa.types.is_decimal(f.type)]


def check_flat(spark, tmp, d, copybook, key, options, cli_args):
    from pyspark.sql import functions as F

    layout = ferrule.Layout(copybook, flatten=True, **options)
    ranges = fspark.splits_of(spark, fspark._files(d), layout, SPLIT)
    assert len(ranges) > len(list(d.glob("part-*"))) + 2, "several ranges per file"
    df = fspark.read(spark, d, layout, split_bytes=SPLIT)
    con = reference(tmp, d, copybook, "--flatten", *cli_args)

    assert df.count() == con.execute("SELECT count(*) FROM ref").fetchone()[0]
    decs = decimal_columns(layout.arrow_schema())
    assert len(decs) >= 3
    got = df.agg(*[F.sum(c).alias(c) for c in decs]).collect()[0].asDict()
    want = con.execute("SELECT " + ", ".join(f"sum({c}) AS {c}" for c in decs) + " FROM ref").fetchone()
    for c, w in zip(decs, want):
        assert got[c] == w, c

    # Rows in file order, then byte order; a sample compared field by field.
    ids = [r[0] for r in df.select(key).collect()]
    assert ids == [r[0] for r in con.execute(f"SELECT {key} FROM ref").fetchall()]
    sample = ids[::97]
    rows = {r[key]: r.asDict() for r in df.filter(F.col(key).isin(sample)).collect()}
    cur = con.execute(f"SELECT * FROM ref WHERE {key} IN (SELECT unnest(?))", [sample])
    names = [c[0] for c in cur.description]
    for values in cur.fetchall():
        want_row = dict(zip(names, values))
        assert rows[want_row[key]] == want_row


def test_fixed_files_match_duckdb(spark, tmp_path):
    d = dataset(tmp_path, "people", PERSON, person, [2000, 3500, 1])
    check_flat(spark, tmp_path, d, PERSON, "nominal_ref", {}, [])


def test_rdw_files_match_duckdb(spark, tmp_path):
    args = ["--framing", "rdw", "--codepage", "cp285"]
    d = dataset(tmp_path, "custody", CUSTODY, custody, [1500, 800, 1], *args)
    check_flat(spark, tmp_path, d, CUSTODY, "custody_id", {"framing": "rdw", "codepage": "cp285"}, args)

    # Nested: structs and OCCURS DEPENDING ON lists survive the trip through Spark.
    from pyspark.sql import functions as F

    df = fspark.read(spark, d, CUSTODY, split_bytes=SPLIT, framing="rdw", codepage="cp285")
    con = reference(tmp_path, d, CUSTODY, *args)
    got = df.select(F.explode("charges").alias("c")).agg(F.sum("c.fine_amount"), F.count("*")).collect()[0]
    want = con.execute("SELECT sum(c.fine_amount), count(*) FROM (SELECT unnest(charges) AS c FROM ref)").fetchone()
    assert tuple(got) == want
    assert df.agg(F.sum("detained_person.date_of_birth")).collect()[0][0] == con.execute(
        "SELECT sum(detained_person.date_of_birth) FROM ref"
    ).fetchone()[0]


def test_bad_record_fails_the_job_naming_file_and_offset(spark, tmp_path):
    d = tmp_path / "bad"
    d.mkdir()
    rng = random.Random(3)
    f = encode(d / "people.dat", PERSON, [person(i, rng) for i in range(1000)])
    n = ferrule.Layout(PERSON).record_length
    data = bytearray(f.read_bytes())
    bad = 700 * n + 158  # record 701's packed OUTSTANDING-FINES
    data[bad : bad + 5] = b"\xff\xff\xff\xff\xff"
    f.write_bytes(bytes(data))
    with pytest.raises(Exception) as e:
        fspark.read(spark, d, PERSON, split_bytes=SPLIT).count()
    text = str(e.value)
    assert "RecordError" in text and str(f) in text and "outstanding_fines" in text
    # Skipping instead: every other record arrives.
    assert fspark.read(spark, d, PERSON, split_bytes=SPLIT, on_error="skip").count() == 999

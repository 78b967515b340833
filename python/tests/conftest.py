"""Shared fixtures: the ferrule binary (the reference the package is checked against),
the repository's samples, and record files made here by `ferrule encode`."""

from __future__ import annotations

import json
import os
import random
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"


def _binary() -> Path:
    """FERRULE_BIN, else the workspace's debug build (built here when missing)."""
    given = os.environ.get("FERRULE_BIN")
    if given:
        return Path(given)
    built = REPO / "target" / "debug" / "ferrule"
    if not built.exists():
        subprocess.run(["cargo", "build", "--bin", "ferrule"], cwd=REPO, check=True)
    return built


FERRULE = _binary()


def ferrule(*args: str, input: bytes = b"") -> bytes:
    """Runs the CLI; its standard output. A non-zero exit fails the test with its stderr."""
    out = subprocess.run([str(FERRULE), *map(str, args)], input=input, capture_output=True)
    if out.returncode != 0:
        pytest.fail(f"ferrule {' '.join(map(str, args))}: {out.stderr.decode(errors='replace')}")
    return out.stdout


def person(i: int, rng: random.Random) -> dict:
    """One PERSON-REC (samples/person.cpy) as decode writes it."""
    return {
        "nominal_ref": f"N{i:09d}",
        "name_block": {
            "surname": rng.choice(["JONES", "O'NEILL", "MÜLLER", "SMITH", ""]),
            "forename_1": rng.choice(["ANN", "BOB", "CERI"]),
            "forename_2": "",
        },
        "birth_date": rng.randint(19000101, 20231231),
        "sex": rng.choice(["M", "F", "U"]),
        "height_cm": rng.randint(0, 999),
        "ethnic_code": "W1",
        "warning_markers": [rng.choice(["FI", "VI", ""]) for _ in range(4)],
        "last_address": {"house": str(i % 300), "street": "HIGH ST", "town": "LEEDS", "postcode": "LS1 1AA"},
        "conviction_count": rng.randint(-9999, 9999),
        "outstanding_fines": str(Decimal(rng.randint(-999999999, 999999999)).scaleb(-2)),
        "last_seen_lat": str(Decimal(rng.randint(-999999999, 999999999)).scaleb(-6)),
        "last_seen_lon": str(Decimal(rng.randint(-999999999, 999999999)).scaleb(-6)),
        "record_updated": rng.randint(0, 99999999999999),
    }


def custody(i: int, rng: random.Random) -> dict:
    """One CUSTODY-REC (samples/custody.cpy, OCCURS DEPENDING ON) as decode writes it."""
    n = rng.randint(0, 10)
    return {
        "custody_id": f"CUS{i:09d}",
        "force_code": rng.randint(0, 99),
        "station_code": "BRIX",
        "detained_person": {"surname": "KOWALSKA", "forenames": "ANNA", "date_of_birth": 19950101, "pnc_id": f"95/{i:06d}A"},
        "arrival_ts": {"arrival_date": 20240612, "arrival_time": rng.randint(0, 235959)},
        "risk_score": str(Decimal(rng.randint(-99999, 99999)).scaleb(-2)),
        "cell_number": rng.randint(-9999, 9999),
        "status_code": rng.choice("CRB"),
        "bail_amount": str(Decimal(rng.randint(-999999999, 999999999)).scaleb(-2)),
        "charge_count": n,
        "charges": [
            {
                "offence_code": f"TH{j:05d}",
                "offence_date": 20240611,
                "plea": rng.choice("GN "),
                "fine_amount": str(Decimal(rng.randint(-9999999, 9999999)).scaleb(-2)),
            }
            for j in range(n)
        ],
    }


def encode(path: Path, copybook: Path, records: list, *args: str) -> Path:
    """Writes `records` to `path` with `ferrule encode` (the CLI's own encoder)."""
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    path.write_bytes(ferrule("encode", "--copybook", copybook, *args, input=lines))
    return path


@pytest.fixture(scope="session")
def people_file(tmp_path_factory) -> Path:
    """70,000 PERSON-REC records, fixed length, cp037: more than one batch of `read`."""
    rng = random.Random(7)
    d = tmp_path_factory.mktemp("people")
    return encode(d / "people.bin", SAMPLES / "person.cpy", [person(i, rng) for i in range(70_000)])


@pytest.fixture(scope="session")
def custody_file(tmp_path_factory) -> Path:
    """3,000 CUSTODY-REC records in RDW framing, cp285."""
    rng = random.Random(11)
    d = tmp_path_factory.mktemp("custody")
    return encode(
        d / "custody.rdw",
        SAMPLES / "custody.cpy",
        [custody(i, rng) for i in range(3_000)],
        "--framing",
        "rdw",
        "--codepage",
        "cp285",
    )


def parquet_of(tmp: Path, data: Path, copybook: Path, *args: str):
    """`ferrule decode --to parquet` of `data`, read back by pyarrow."""
    import pyarrow.parquet as pq

    out = tmp / (data.name + ".parquet")
    ferrule("decode", "--copybook", copybook, data, "--to", "parquet", "-o", out, *args)
    return pq.read_table(out)

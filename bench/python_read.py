"""ferrule.read against the fastest pure-Python decoder we could write for the same layout
(samples/person.cpy, fixed-length cp037 records), on the same file, in the same run; one
core each. Prints MB/s (10^6 bytes of input records per CPU second: the process's CPU time,
so that other work on a shared machine does not enter the figure) and the ratio.

A benchmark, not a test: it reports figures and never fails on them.

Usage: python3 bench/python_read.py [RECORDS]   (default 200000; needs `pip install ./python`)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import ferrule

ROOT = Path(__file__).resolve().parents[1]
COPYBOOK = ROOT / "samples" / "person.cpy"
SAMPLE = ROOT / "samples" / "person.cp037.bin"


def pure_python_decoder():
    """A decoder of PERSON-REC in plain Python, tuned the usual ways: slices computed once,
    text through the codec in one call per field, packed decimals through bytes.hex(),
    zoned digits through one translate; values as Decimal (exact), like ferrule's."""
    zoned_from = bytes(range(0xF0, 0xFA))
    zoned = bytes.maketrans(zoned_from, b"0123456789")

    def packed(b: bytes, scale: int) -> Decimal:
        h = b.hex()
        digits, sign = h[:-1], h[-1]
        if not digits.isdigit() or sign not in "abcdef":
            raise ValueError(f"bad packed decimal {h}")
        v = int(digits)
        return Decimal(-v if sign in "bd" else v).scaleb(-scale)

    def sign_leading(b: bytes, scale: int) -> Decimal:
        s = b[0]
        v = int(b[1:].translate(zoned))
        return Decimal(-v if s == 0x60 else v).scaleb(-scale)

    def record(r: bytes) -> tuple:
        return (
            r[0:10].decode("cp037").rstrip(),
            (
                r[10:34].decode("cp037").rstrip(),
                r[34:50].decode("cp037").rstrip(),
                r[50:66].decode("cp037").rstrip(),
            ),
            Decimal(int(r[66:74].translate(zoned))),
            r[74:75].decode("cp037").rstrip(),
            Decimal(int(r[75:78].translate(zoned))),
            r[78:80].decode("cp037").rstrip(),
            [r[i : i + 2].decode("cp037").rstrip() for i in range(80, 88, 2)],
            (
                r[88:98].decode("cp037").rstrip(),
                r[98:128].decode("cp037").rstrip(),
                r[128:148].decode("cp037").rstrip(),
                r[148:156].decode("cp037").rstrip(),
            ),
            int.from_bytes(r[156:158], "big", signed=True),
            packed(r[158:163], 2),
            sign_leading(r[163:173], 6),
            sign_leading(r[173:183], 6),
            Decimal(int(r[183:197].translate(zoned))),
        )

    return record


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    layout = ferrule.Layout(COPYBOOK)
    n = layout.record_length
    one = SAMPLE.read_bytes()
    data = one * (count // (len(one) // n))
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "people.bin")
        Path(path).write_bytes(data)
        size = len(data)
        decode = pure_python_decoder()
        # Check that both read the same values before timing anything.
        t = layout.read(path)
        first = t.slice(0, 1).to_pylist()[0]
        mine = decode(data[:n])
        assert mine[0] == first["nominal_ref"] and mine[9] == first["outstanding_fines"], (mine, first)

        def best(f, reps=3):
            times = []
            for _ in range(reps):
                s = time.process_time()
                f()
                times.append(time.process_time() - s)
            return min(times)

        rust = best(lambda: ferrule.read(path, layout))
        py = best(lambda: [decode(data[i : i + n]) for i in range(0, size, n)], reps=1)
    mb = size / 1e6
    print(f"records {size // n}, {mb:.1f} MB, record length {n}")
    print(f"ferrule.read          {mb / rust:8.1f} MB/s")
    print(f"pure-Python decoder   {mb / py:8.1f} MB/s")
    print(f"ratio                 {py / rust:8.1f}x")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The best plain-Python decoder we could write for bench/mixed.cpy (ORDER-REC, 250 bytes,
cp037, fixed length): the baseline `bench/columnar.sh` compares `ferrule decode --to csv`
with, on the same file in the same run.

Plain Python only (no numpy, no C extension of our own), written for speed: the whole
record is decoded from cp037 by the codec in one call and text fields are slices of it;
zoned numbers are those slices with the sign overpunch translated; packed decimals go
through bytes.hex(); binary through int.from_bytes. Decimals stay exact (scaled integers
formatted as text), as ferrule writes them. Output: CSV with a header, like
`ferrule decode --to csv` (column names and number formatting may differ; the bench only
times it and checks the row count).

Usage: py_decode_mixed.py INPUT OUTPUT
"""
import csv
import sys

RECLEN = 250

# Overpunched last character of a signed zoned number in cp037: digit and sign.
_POS = {c: str(i) for i, c in enumerate("{ABCDEFGHI")}
_NEG = {c: str(i) for i, c in enumerate("}JKLMNOPQR")}


def zoned(text, scale, signed):
    """A DISPLAY number's text -> exact decimal text."""
    if signed:
        last = text[-1]
        if last in _NEG:
            digits, neg = text[:-1] + _NEG[last], True
        elif last in _POS:
            digits, neg = text[:-1] + _POS[last], False
        else:
            digits, neg = text, False
    else:
        digits, neg = text, False
    return scaled(int(digits), scale, neg)


def packed(b, scale):
    """A COMP-3 field -> exact decimal text."""
    h = b.hex()
    return scaled(int(h[:-1]), scale, h[-1] in "bd")


def scaled(n, scale, neg):
    if scale:
        s = str(n).rjust(scale + 1, "0")
        s = s[:-scale] + "." + s[-scale:]
    else:
        s = str(n)
    return "-" + s if neg and n else s


def binary(b):
    return str(int.from_bytes(b, "big", signed=True))


HEADER = (
    ["ORDER-ID", "CUSTOMER-NO", "ORDER-DATE", "STATUS-CODE", "SURNAME", "TOWN",
     "COUNTRY", "CREDIT-LIMIT", "TOTAL-AMOUNT", "TAX-AMOUNT", "DISCOUNT-PCT", "LINE-COUNT"]
    + [f"ORDER-LINE__{i}__{f}" for i in range(1, 6)
       for f in ("SKU", "QTY", "UNIT-PRICE", "LINE-FLAG", "WEIGHT")]
    + ["SEQ-NO", "CREATED-DATE", "CREATED-TIME", "DESCRIPTION"]
)


def decode(rec):
    t = rec.decode("cp037")
    row = [
        t[0:12].rstrip(),
        zoned(t[12:21], 0, False),
        zoned(t[21:29], 0, False),
        t[29:30].rstrip(),
        t[30:54].rstrip(),
        t[54:74].rstrip(),
        t[74:76].rstrip(),
        packed(rec[76:81], 2),
        packed(rec[81:88], 2),
        packed(rec[88:94], 2),
        zoned(t[94:99], 2, True),
        binary(rec[99:101]),
    ]
    for at in range(101, 221, 24):
        row += (
            t[at:at + 10].rstrip(),
            packed(rec[at + 10:at + 13], 0),
            packed(rec[at + 13:at + 18], 2),
            t[at + 18:at + 19].rstrip(),
            zoned(t[at + 19:at + 24], 1, False),
        )
    row += (
        binary(rec[221:225]),
        zoned(t[225:233], 0, False),
        zoned(t[233:239], 0, False),
        t[239:250].rstrip(),
    )
    return row


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f, open(dst, "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(HEADER)
        rows = 0
        while True:
            chunk = f.read(RECLEN * 4096)
            if not chunk:
                break
            w.writerows(decode(chunk[i:i + RECLEN]) for i in range(0, len(chunk), RECLEN))
            rows += len(chunk) // RECLEN
    print(rows, file=sys.stderr)


if __name__ == "__main__":
    main()

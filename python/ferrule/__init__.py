"""Ferrule for Python: COBOL copybook records (EBCDIC text, zoned and packed decimals,
binary and float items, OCCURS, REDEFINES) decoded to Apache Arrow, by the same Rust code
as the ``ferrule`` command line.

    import ferrule
    layout = ferrule.Layout("customer.cpy", codepage="cp037")
    layout.arrow_schema()                      # pyarrow.Schema; decimals are decimal128
    batch = layout.decode(data)                # pyarrow.RecordBatch
    table = ferrule.read("cust.dat", "customer.cpy", framing="rdw")   # pyarrow.Table

Options are the CLI's ``decode`` options with underscores: format, record, include,
source_format, select, decimal_point, currency_sign, currency_symbol, codepage, dialect,
comp5, float, ascii_sign, odo_stored_max, trunc, blank_numbers, redefines, framing,
on_error, flatten.
"""

from __future__ import annotations

import os
from typing import Any, List, Optional, Union

import pyarrow  # noqa: F401 - the native module hands out pyarrow objects

from . import _ferrule
from ._errors import CopybookError, FerruleError, FramingError, RecordError

__all__ = [
    "Layout",
    "read",
    "CopybookError",
    "FerruleError",
    "FramingError",
    "RecordError",
]
__version__ = _ferrule.__version__

# Shown and pickled as ferrule.RecordError, where users import them from.
for _cls in (CopybookError, FerruleError, FramingError, RecordError):
    _cls.__module__ = __name__
del _cls

Copybook = Union[str, "os.PathLike[str]", "Layout"]


_LAYOUT_SUFFIXES = (".cpy", ".cbl", ".cob", ".copy", ".toml")


def _source(copybook: Union[str, "os.PathLike[str]"]) -> "tuple[str, str]":
    """The copybook's text and a name for messages: a path-like or a string naming an
    existing file is read; any other string is the copybook text itself."""
    if isinstance(copybook, os.PathLike) or (
        isinstance(copybook, str) and "\n" not in copybook and os.path.isfile(copybook)
    ):
        path = os.fspath(copybook)
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(), path
    if isinstance(copybook, str):
        # One line naming a layout file that is not there: say so, rather than parse the
        # file name as COBOL.
        if "\n" not in copybook and copybook.strip().lower().endswith(_LAYOUT_SUFFIXES):
            raise FileNotFoundError(f"copybook {copybook!r}: no such file")
        return copybook, "<copybook>"
    raise TypeError(f"copybook: expected the text, a path or a Layout, got {type(copybook).__name__}")


class Layout:
    """A copybook's record layout with the options its records are read with."""

    def __init__(self, copybook: Union[str, "os.PathLike[str]"], **options: Any):
        text, name = _source(copybook)
        self._native = _ferrule.Layout(text, name, **options)
        # Kept so that the layout can be rebuilt elsewhere (pickled to Spark executors).
        self._args = (text, name, options)

    @classmethod
    def _from_text(cls, text: str, name: str, options: dict) -> "Layout":
        self = cls.__new__(cls)
        self._native = _ferrule.Layout(text, name, **options)
        self._args = (text, name, options)
        return self

    def __reduce__(self):
        return (Layout._from_text, self._args)

    def __repr__(self) -> str:
        return f"<ferrule.Layout {self.name} ({self.record_length} bytes, {self.framing})>"

    @property
    def name(self) -> str:
        """The record's name as written in the copybook."""
        return self._native.name

    @property
    def record_length(self) -> int:
        """The record's length in bytes (OCCURS DEPENDING ON tables at their maximum)."""
        return self._native.record_length

    @property
    def framing(self) -> str:
        """The framing records are read with unless a call says otherwise."""
        return self._native.framing

    @property
    def options(self) -> dict:
        """The options the layout was made with."""
        return dict(self._args[2])

    def arrow_schema(self, *, flatten: Optional[bool] = None) -> pyarrow.Schema:
        """The pyarrow.Schema of decoded records: decimal128(p, s) for zoned, packed and
        scaled binary items, integers by size, utf8 text, structs for groups, lists for
        OCCURS (or flattened ``a__b`` columns with ``flatten=True``)."""
        return self._native.arrow_schema(**_given(flatten=flatten))

    def decode(
        self,
        data: Union[bytes, bytearray, memoryview],
        *,
        framing: Optional[str] = None,
        on_error: Optional[str] = None,
        flatten: Optional[bool] = None,
        errors: Optional[List[RecordError]] = None,
    ) -> pyarrow.RecordBatch:
        """Decodes every record in ``data`` into one pyarrow.RecordBatch. ``framing``:
        ``fixed`` (the layout's length; default), ``rdw``, ``rdw-le``, ``len2``, ... as the
        CLI. ``on_error``: ``fail`` (raise RecordError; default), ``skip`` or ``null``;
        skipped or nulled records' errors are appended to ``errors`` if a list is given."""
        if not isinstance(data, bytes):
            data = bytes(data)
        return self._native.decode(
            data, errors, **_given(framing=framing, on_error=on_error, flatten=flatten)
        )

    def read(
        self,
        path: Union[str, "os.PathLike[str]"],
        *,
        framing: Optional[str] = None,
        on_error: Optional[str] = None,
        flatten: Optional[bool] = None,
        errors: Optional[List[RecordError]] = None,
    ) -> pyarrow.Table:
        """Decodes the file at ``path`` into a pyarrow.Table (as ``decode``)."""
        return self._native.read(
            os.fspath(path),
            errors,
            **_given(framing=framing, on_error=on_error, flatten=flatten),
        )

    def splits(
        self, path: Union[str, "os.PathLike[str]"], split_bytes: int, framing: Optional[str] = None
    ) -> "list[tuple[int, int]]":
        """Byte ranges ``[(start, end), ...]`` of the file, each starting on a record
        boundary, about ``split_bytes`` long; see ``ferrule.spark``."""
        return self._native.splits(os.fspath(path), split_bytes, framing)


def _given(**kw: Any) -> dict:
    return {k: v for k, v in kw.items() if v is not None}


def read(
    path: Union[str, "os.PathLike[str]"],
    copybook: Copybook,
    *,
    errors: Optional[List[RecordError]] = None,
    **options: Any,
) -> pyarrow.Table:
    """Decodes the records of the file at ``path`` with ``copybook`` (its text, its path
    or a Layout) into a pyarrow.Table. ``options`` as Layout's, plus framing, on_error and
    flatten."""
    if isinstance(copybook, Layout):
        read_opts = {k: options.pop(k) for k in ("framing", "on_error", "flatten") if k in options}
        if options:
            raise TypeError(
                f"options {', '.join(sorted(options))} belong to the Layout, which is already made"
            )
        return copybook.read(path, errors=errors, **read_opts)
    return Layout(copybook, **options).read(path, errors=errors)

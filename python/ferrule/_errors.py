"""Ferrule's exceptions. The native module raises these with the location fields filled in,
so that callers can act on where a record went wrong without parsing the message."""

from __future__ import annotations

from typing import Optional


class FerruleError(Exception):
    """Base class of every error Ferrule raises about its input."""


class CopybookError(FerruleError, ValueError):
    """The copybook (or layout spec) does not parse. ``line`` and ``column`` are 1-based,
    or None when the problem has no place in the text (an unknown format name)."""

    def __init__(self, message: str, line: Optional[int] = None, column: Optional[int] = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __reduce__(self):
        return (type(self), (self.message, self.line, self.column))


class RecordError(FerruleError, ValueError):
    """A record does not decode.

    ``record``: 1-based number of the record in the input given; ``field``: dotted path of the
    field (``charges[2].code``; None for the record as a whole); ``offset``: byte offset of the
    field within the record; ``bytes``: the field's bytes as found; ``input_offset``: byte
    offset in the input where the record (its framing) starts."""

    def __init__(
        self,
        message: str,
        record: int,
        field: Optional[str],
        offset: int,
        bytes: bytes,  # noqa: A002 - the attribute's name is the brief's
        input_offset: int,
    ):
        super().__init__(message)
        self.message = message
        self.record = record
        self.field = field
        self.offset = offset
        self.bytes = bytes
        self.input_offset = input_offset

    def __reduce__(self):
        return (
            type(self),
            (self.message, self.record, self.field, self.offset, self.bytes, self.input_offset),
        )


class FramingError(FerruleError, ValueError):
    """Records cannot be cut from the input (a truncated last record, an impossible RDW).
    ``record`` is the 1-based number of the record concerned and ``input_offset`` the byte
    offset of its framing, where known."""

    def __init__(self, message: str, record: Optional[int] = None, input_offset: Optional[int] = None):
        super().__init__(message)
        self.message = message
        self.record = record
        self.input_offset = input_offset

    def __reduce__(self):
        return (type(self), (self.message, self.record, self.input_offset))

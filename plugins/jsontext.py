"""Reading whole JSON documents with positions: the items of a top-level array, or a stream of
concatenated values (pretty-printed objects one after another).

Shared by the JSON reader and by the JSONL reader's fallback for files that are not really
line-delimited. The standard library's ``raw_decode`` gives the offset of every value, which
is what lets each record carry its line and column; after a syntax error the scanner resyncs
at the next line that opens an object, so one bad item does not hide the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\r\n]*")
_NEXT_OBJECT = re.compile(r"\n[ \t]*\{")


@dataclass
class Item:
    """One top-level value (or the failure to read one) with its 1-based line and column."""

    value: Any
    line: int
    column: int
    raw: str
    error: str | None = None


class _LineCounter:
    """Turns increasing offsets into line/column without rescanning the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1
        self.line_start = 0

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.offset:  # callers move forward; going back means start over
            self.offset, self.line, self.line_start = 0, 1, 0
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", 0, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1


def _error_item(text: str, counter: _LineCounter, exc: json.JSONDecodeError) -> Item:
    line, column = counter.at(exc.pos)
    end = text.find("\n", exc.pos)
    start = text.rfind("\n", 0, exc.pos) + 1
    raw = text[start : end if end != -1 else len(text)]
    return Item(None, line, column, raw, error=f"invalid JSON: {exc.msg}")


def _skip(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]


def _resync(text: str, pos: int) -> int | None:
    found = _NEXT_OBJECT.search(text, pos)
    return None if found is None else found.start() + 1


def _iter_values(text: str, pos: int, in_array: bool) -> Iterator[Item]:
    """The scanning loop shared by both layouts: decode a value, then expect a separator
    (``,`` always tolerated; ``]`` ends an array). A syntax error resyncs at the next object."""
    counter = _LineCounter(text)
    while pos < len(text):
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield _error_item(text, counter, exc)
            resume = _resync(text, max(exc.pos, pos))
            if resume is None:
                return
            pos = _skip(text, resume)
            continue
        line, column = counter.at(pos)
        yield Item(value, line, column, text[pos:end])
        pos = _skip(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
        elif in_array and pos < len(text) and text[pos] == "]":
            return
        elif in_array and pos < len(text):
            line, column = counter.at(pos)
            error = "invalid JSON: expected ',' or ']' after an array item"
            yield Item(None, line, column, text[pos : pos + 40], error=error)
            resume = _resync(text, pos)
            if resume is None:
                return
            pos = _skip(text, resume)


def iter_concatenated(text: str, start: int = 0) -> Iterator[Item]:
    """Values written one after another (``{...}{...}`` or pretty-printed objects); a comma
    between them (``{...},\n{...}``) is tolerated."""
    return _iter_values(text, _skip(text, start), in_array=False)


def iter_array(text: str, start: int) -> Iterator[Item]:
    """Items of the array whose ``[`` is at ``start``. Stops at the closing bracket."""
    pos = _skip(text, start + 1)
    if pos < len(text) and text[pos] == "]":
        return iter(())
    return _iter_values(text, pos, in_array=True)

"""Reading whole JSON documents with positions: the items of a top-level array, or a stream of
concatenated values (pretty-printed objects one after another).

Shared by the JSON reader and by the JSONL reader's fallback for files that are not really
line-delimited. The standard library's ``raw_decode`` gives the offset of every value, which
is what lets each record carry its line and column; after a syntax error the scanner resyncs
at the next line that opens an object, so one bad item does not hide the rest.

Every item is held to the run's ``Limits``: nesting (``--max-depth``), number length
(``--max-number-digits``) and, in a document larger than ``--max-record-size``, its size:
such an item is measured by a scan of its brackets and skipped without being decoded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ftlint import Limits

_DECODER = json.JSONDecoder()
#: A string (escapes and all) or one bracket: the tokens that decide nesting and extent.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
#: A ``\\u`` escape of a UTF-16 surrogate: the item may hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


class LimitExceeded(ValueError):
    """A value over one of the run's limits (the message says which)."""


def depth_of(value: Any) -> int:
    """Nesting depth of a parsed value: a scalar is 0, ``{}`` and ``[]`` are 1."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > deepest:
            deepest = depth
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return deepest if isinstance(value, (dict, list)) else 0


def scan_value(text: str, pos: int) -> tuple[int, int] | None:
    """``(end, depth)`` of the array or object that opens at ``pos``, from its brackets
    alone (nothing is decoded); None when it does not open there or never closes."""
    if pos >= len(text) or text[pos] not in "[{":
        return None
    depth = deepest = 0
    for match in _STRUCTURE.finditer(text, pos):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
            if depth == 0:
                return match.end(), deepest
    return None


def number_guard(max_digits: int) -> json.JSONDecoder:
    """A decoder that refuses numbers longer than ``max_digits`` (Python's conversion of long
    integers is quadratic), numbers too large for a double, and the non-JSON constants
    ``NaN`` and ``Infinity`` that the standard library would accept."""

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > max_digits:
            raise LimitExceeded(
                f"a number of {len(digits.lstrip('-')):,} digits, more than the limit of "
                f"{max_digits:,} (--max-number-digits); not read"
            )
        return int(digits)

    def parse_float(text: str) -> float:
        if len(text) > max_digits:
            raise LimitExceeded(
                f"a number of {len(text):,} characters, more than the limit of "
                f"{max_digits:,} (--max-number-digits); not read"
            )
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise ValueError(f"invalid JSON: the number {text[:20]} is too large for a double")
        return value

    def parse_constant(name: str) -> Any:
        raise ValueError(f"invalid JSON: {name} is not a JSON value")

    return json.JSONDecoder(
        parse_int=parse_int, parse_float=parse_float, parse_constant=parse_constant
    )


def lone_surrogate(raw: str, value: Any) -> str | None:
    """The first lone surrogate escape of an item (half a UTF-16 pair, which UTF-8 cannot
    hold), as ``\\ud800``; None when there is none."""
    if "\\u" not in raw or _SURROGATE_ESCAPE.search(raw) is None:
        return None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"\\u{ord(exc.object[exc.start]):04x}"
    return None


_WHITESPACE = re.compile(r"[ \t\r\n]*")
_NEXT_OBJECT = re.compile(r"\n[ \t]*\{")


@dataclass
class Item:
    """One top-level value (or the failure to read one) with its 1-based line and column."""

    value: Any
    line: int
    column: int
    raw: str | None
    error: str | None = None
    #: The rule that reports ``error``: ``invalid-json``, or ``exceeds-limit`` for a limit.
    kind: str = "invalid-json"


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


def _iter_values(
    text: str, pos: int, in_array: bool, limits: Limits, whole: bool = False
) -> Iterator[Item]:
    """The scanning loop shared by both layouts: decode a value, then expect a separator
    (``,`` always tolerated; ``]`` ends an array). A syntax error resyncs at the next object.
    ``whole``: the array is the document, so anything after its ``]`` is reported."""
    counter = _LineCounter(text)
    decoder = number_guard(limits.max_number_digits)
    max_depth, max_size = limits.max_depth, limits.max_record_size
    measure = len(text) > max_size  # no item can be larger than a smaller document
    while pos < len(text):
        refusal = None
        extent = scan_value(text, pos) if measure else None
        if extent is not None and extent[0] - pos > max_size:
            refusal = (
                f"an item of {extent[0] - pos:,} characters, larger than the record size "
                f"limit ({_size(max_size)}, --max-record-size); not read"
            )
        elif extent is not None and extent[1] > max_depth:
            refusal = _too_deep(extent[1], max_depth)
        if refusal is None:
            try:
                value, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                yield _error_item(text, counter, exc)
                resume = _resync(text, max(exc.pos, pos))
                if resume is None:
                    return
                pos = _skip(text, resume)
                continue
            except (RecursionError, ValueError) as exc:
                extent = extent or scan_value(text, pos)
                if isinstance(exc, (LimitExceeded, RecursionError)):
                    refusal = str(exc) if isinstance(exc, LimitExceeded) else None
                    if refusal is None:
                        depth = extent[1] if extent is not None else max_depth + 1
                        refusal = _too_deep(depth, max_depth)
                    line, column = counter.at(pos)
                    yield Item(None, line, column, None, error=refusal, kind="exceeds-limit")
                else:
                    line, column = counter.at(pos)
                    yield Item(None, line, column, text[pos : pos + 80], error=str(exc))
                if extent is None:
                    resume = _resync(text, pos + 1)
                    if resume is None:
                        return
                    pos = _skip(text, resume)
                    continue
                end = extent[0]
            else:
                line, column = counter.at(pos)
                raw = text[pos:end]
                if raw.count("[") + raw.count("{") > max_depth and depth_of(value) > max_depth:
                    yield Item(None, line, column, None, error=_too_deep(depth_of(value),
                               max_depth), kind="exceeds-limit")  # fmt: skip
                else:
                    surrogate = lone_surrogate(raw, value)
                    if surrogate is not None:
                        yield Item(None, line, column, raw, error=(
                            f"invalid JSON: a lone surrogate {surrogate} (half of a UTF-16 pair, "
                            "not a character) cannot be written as UTF-8"))  # fmt: skip
                    else:
                        yield Item(value, line, column, raw)
        else:
            line, column = counter.at(pos)
            yield Item(None, line, column, None, error=refusal, kind="exceeds-limit")
            end = extent[0]  # type: ignore[index]
        pos = _skip(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip(text, pos + 1)
        elif in_array and pos < len(text) and text[pos] == "]":
            if whole:
                yield from _trailing(text, counter, pos + 1)
            return
        elif in_array and pos < len(text):
            line, column = counter.at(pos)
            error = "invalid JSON: expected ',' or ']' after an array item"
            yield Item(None, line, column, text[pos : pos + 40], error=error)
            resume = _resync(text, pos)
            if resume is None:
                return
            pos = _skip(text, resume)


def _size(size: int) -> str:
    from ftlint.plugins.reading import size_text

    return size_text(size)


def _too_deep(depth: int, limit: int) -> str:
    return (
        f"nested {depth:,} levels deep, deeper than the limit of {limit:,} (--max-depth); not read"
    )


def _trailing(text: str, counter: _LineCounter, pos: int) -> Iterator[Item]:
    """What follows the closing bracket of a document's array: nothing, or an error."""
    pos = _skip(text, pos)
    if pos < len(text):
        line, column = counter.at(pos)
        raw = text[pos : pos + 80].split("\n", 1)[0]
        yield Item(None, line, column, raw,
                   error="invalid JSON: extra data after the closing ']' of the array")  # fmt: skip


def iter_concatenated(text: str, start: int = 0, limits: Limits | None = None) -> Iterator[Item]:
    """Values written one after another (``{...}{...}`` or pretty-printed objects); a comma
    between them (``{...},\n{...}``) is tolerated."""
    return _iter_values(text, _skip(text, start), False, limits or Limits())


def iter_array(
    text: str, start: int, limits: Limits | None = None, whole: bool = False
) -> Iterator[Item]:
    """Items of the array whose ``[`` is at ``start``. Stops at the closing bracket (and with
    ``whole``, reports anything after it)."""
    pos = _skip(text, start + 1)
    if pos < len(text) and text[pos] == "]":
        return _trailing(text, _LineCounter(text), pos + 1) if whole else iter(())
    return _iter_values(text, pos, True, limits or Limits(), whole)

"""The canonical JSONL line: compact, UTF-8 (no ``\\u`` escapes for non-ASCII), one ``\\n``.

orjson is used because serialising and parsing are the hot path of ``prepare``; the standard
library covers what orjson refuses (integers beyond 64 bits, non-string keys).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import orjson


def dumps_line(data: Any) -> bytes:
    try:
        return orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE)
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
        return text.encode("utf-8") + b"\n"


#: A record whose source is at least this long (characters) is written by ``write_line`` with
#: its strings of ``HUGE_STRING`` characters or more in pieces.
LARGE_RECORD = 1 << 20
HUGE_STRING = 1 << 20
_SURROGATE = re.compile("[\ud800-\udfff]")


def write_line(sink: BinaryIO, data: Any, raw: str | None = None) -> None:
    """``sink.write(dumps_line(data))``, with the same bytes; for a large record (``raw``, its
    source text, is ``LARGE_RECORD`` long or more) its huge strings are encoded a piece at a
    time, so that the line is never one more copy of the record in memory (a 16 MB answer:
    orjson's buffer and its bytes). Escapes are per character, so the pieces of a string
    encode to the pieces of its encoding."""
    if raw is None or len(raw) < LARGE_RECORD:
        sink.write(dumps_line(data))
        return
    marks: list[str] = []
    huge: list[str] = []
    skeleton = _skeleton(data, marks, huge, uuid.uuid4().hex)
    if not huge or any(_SURROGATE.search(text) for text in huge):
        sink.write(dumps_line(data))  # nothing huge, or what orjson refuses: the usual path
        return
    try:
        line = orjson.dumps(skeleton, option=orjson.OPT_APPEND_NEWLINE)
    except (TypeError, orjson.JSONEncodeError):
        sink.write(dumps_line(data))
        return
    quoted = [orjson.dumps(mark) for mark in marks]
    if any(line.count(mark) != 1 for mark in quoted):  # pragma: no cover - a random mark
        sink.write(dumps_line(data))
        return
    start = 0
    for mark, text in zip(quoted, huge, strict=True):
        at = line.index(mark, start)
        sink.write(line[start:at])
        sink.write(b'"')
        for first in range(0, len(text), HUGE_STRING):
            sink.write(orjson.dumps(text[first : first + HUGE_STRING])[1:-1])
        sink.write(b'"')
        start = at + len(mark)
    sink.write(line[start:])


def _skeleton(value: Any, marks: list[str], huge: list[str], tag: str) -> Any:
    """``value`` with each string of ``HUGE_STRING`` characters or more (not keys) replaced by
    a mark (``tag`` and its number), the strings and marks listed in order."""
    if isinstance(value, str):
        if len(value) < HUGE_STRING:
            return value
        marks.append(f"{tag}-{len(marks)}")
        huge.append(value)
        return marks[-1]
    if isinstance(value, dict):
        return {key: _skeleton(item, marks, huge, tag) for key, item in value.items()}
    if isinstance(value, list):
        return [_skeleton(item, marks, huge, tag) for item in value]
    return value


def pretty_json(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, the same text, written by orjson
    when it writes exactly that: the JSON report of a prepare that drops or flags many records
    is megabytes, and the standard library's indenting encoder is pure Python (0.4 s for the
    report of 100k prompt/completion records, written twice: to the report file and to the
    output; orjson: 0.01 s). The standard library writes what orjson would write otherwise."""
    if _orjson_writes_it(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
        except orjson.JSONEncodeError:  # a key not a str, an integer beyond 64 bits, a lone
            pass  # surrogate, nesting deeper than orjson's limit
    return json.dumps(value, ensure_ascii=False, indent=2, default=default)


class Streamed:
    """A list in a value for ``pretty_json_pieces``, made one item at a time: ``convert`` of
    each of ``items`` (the findings of a report: tens of thousands of dicts never held at
    once)."""

    __slots__ = ("convert", "items")

    def __init__(self, items: Iterable[Any], convert: Callable[[Any], Any]) -> None:
        self.items = items
        self.convert = convert


#: Items of a ``Streamed`` list written as one piece (fewer, larger writes).
PIECE_ITEMS = 256


def pretty_json_pieces(
    value: Any, level: int = 0, default: Callable[[Any], Any] | None = None
) -> Iterator[str]:
    """``pretty_json(value)`` in pieces, where ``value`` may hold ``Streamed`` lists (in its
    dicts and lists): their items are converted and written one batch at a time, so that a
    large report is never one tree of dicts and one string in memory. The text is that of
    ``pretty_json`` of the same value with the lists made: each part is written by it and
    indented by inserting spaces after its line breaks (JSON text has no other line break)."""
    pad = "  " * level
    inner = pad + "  "
    if type(value) is Streamed:
        batch: list[str] = []
        opened = False
        for item in value.items:
            text = pretty_json(value.convert(item), default)
            batch.append(inner + _indented(text, level + 1))
            if len(batch) >= PIECE_ITEMS:
                yield ("[\n" if not opened else ",\n") + ",\n".join(batch)
                opened = True
                batch = []
        if batch:
            yield ("[\n" if not opened else ",\n") + ",\n".join(batch)
            opened = True
        yield f"\n{pad}]" if opened else "[]"
    elif type(value) is dict and value and _holds_streamed(value):
        for i, (key, item) in enumerate(value.items()):
            yield ("{\n" if i == 0 else ",\n") + inner + json.dumps(key, ensure_ascii=False) + ": "
            yield from pretty_json_pieces(item, level + 1, default)
        yield f"\n{pad}}}"
    elif (type(value) is list or type(value) is tuple) and value and _holds_streamed(value):
        for i, item in enumerate(value):
            yield ("[\n" if i == 0 else ",\n") + inner
            yield from pretty_json_pieces(item, level + 1, default)
        yield f"\n{pad}]"
    else:
        yield _indented(pretty_json(value, default), level)


def _indented(text: str, level: int) -> str:
    return text.replace("\n", "\n" + "  " * level) if level else text


def _holds_streamed(value: Any) -> bool:
    """Whether a ``Streamed`` list is somewhere in ``value`` (its dicts, lists and tuples)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is Streamed:
            return True
        if kind is dict:
            stack.extend(item.values())
        elif kind is list or kind is tuple:
            stack.extend(item)
    return False


#: Types both write alike (the containers are walked; their subclasses are not: a named
#: tuple, an enum, a dataclass are left to the standard library, which may refuse them).
_ALIKE = frozenset({str, int, bool, type(None)})


def _orjson_writes_it(value: Any) -> bool:
    """Whether orjson writes ``value`` as the standard library does, but for what it refuses
    (``pretty_json`` then falls back): containers and scalars of exact JSON types only, and
    floats that both write by the shortest repr (orjson writes ``1e-05`` as ``0.00001`` and
    NaN and infinities as ``null``)."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            extend(item.values())  # keys: orjson refuses any but str
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is float:
            if not (item == 0.0 or 1e-4 <= abs(item) < 1e16):  # (NaN fails both)
                return False
        elif kind not in _ALIKE:
            return False
    return True


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)


JSONDecodeError = orjson.JSONDecodeError

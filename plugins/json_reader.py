"""JSON reader: a ``.json`` document whose examples are a top-level array, the list under one
key of a top-level object (``{"data": [...]}``), or the object itself (one example).

Every record carries the line and column of its item (``ftlint.plugins.jsontext``). A
``.json`` file that is really JSON Lines is read line by line by the JSONL reader, with a
``json-is-jsonl`` notice; pretty-printed objects written one after another are read as such,
with the same notice.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any

from ftlint.plugins.jsonl import JsonlReader, records_from_items
from ftlint.plugins.jsontext import (
    LimitExceeded,
    depth_of,
    iter_array,
    iter_concatenated,
    lone_surrogate,
    number_guard,
    scan_value,
)
from ftlint.plugins.reading import expansion_guarded, over_limit, size_text, with_no_examples

from ftlint import (
    ByteRange,
    FileContext,
    Limits,
    Location,
    Reader,
    ReadProblem,
    Record,
    hookimpl,
)  # fmt: skip

BOM = codecs.BOM_UTF8
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"
#: When several keys hold lists of objects, the one read is the first of these that exists.
PREFERRED_KEYS = ("data", "train", "examples", "records", "items", "rows", "samples", "dataset")
#: How many first lines are tried alone to recognise JSON Lines.
_PROBE_LINES = 5


def _decode(raw: bytes, encoding: str) -> str:
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        text = raw.decode(encoding, errors="replace")
    except LookupError:  # an encoding Python does not know: read as UTF-8
        text = raw.decode("utf-8", errors="replace")
    return text.lstrip("\ufeff")


def _head_lines(file: FileContext) -> str:
    """The head's text up to its last complete line (a JSONL file is recognised from it
    without loading the whole file)."""
    text = _decode(file.head, file.encoding)
    if len(file.head) >= file.HEAD_SIZE:
        text = text[: text.rfind("\n") + 1]
    return text


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _parses_alone(line: str) -> bool:
    try:
        json.loads(line)
    except (ValueError, RecursionError):  # ValueError: JSONDecodeError, a huge number
        return False
    return True


def _is_json_lines(text: str, start: int) -> bool:
    """Whether the document is one JSON value per line: its first line is a complete value
    and more follows, or it is an object on one line and another early line is one too."""
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < len(text) and len(spans) < _PROBE_LINES:
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        if _skip(text, pos) < end:  # not blank
            spans.append((pos, end))
        pos = end + 1
    if len(spans) < 2:
        return False  # one line: a document, however long (no copy of it is made)
    lines = [text[a:b] for a, b in spans]
    first = lines[0].strip()
    if _parses_alone(first):
        return True
    if first.startswith("{") and first.endswith("}"):  # a broken first line of a JSONL file
        return any(line.strip().startswith("{") and _parses_alone(line) for line in lines[1:])
    return False


def _members(text: str, start: int) -> Iterator[tuple[str, int, Any]]:
    """``(key, offset of the value, value)`` of the object whose ``{`` is at ``start``.
    Called only on text that parsed, so it cannot fail."""
    pos = _skip(text, start + 1)
    if text[pos] == "}":
        return
    while True:
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, _skip(text, pos) + 1)  # past the ':'
        value_start = pos
        value, pos = _DECODER.raw_decode(text, pos)
        yield key, value_start, value
        pos = _skip(text, pos)
        if text[pos] != ",":
            return
        pos = _skip(text, pos + 1)


def _holds_records(text: str, start: int) -> bool:
    """Whether the object at ``start`` is a container of records (``{"data": [{...}]}``): a
    key whose value is an array of objects, judged from the text after the key."""
    return re.match(r'\{\s*"[^"\\]*"\s*:\s*\[\s*\{', text[start : start + 4096]) is not None


def _looks_like_message(item: Any) -> bool:
    return isinstance(item, dict) and (
        ("role" in item and "content" in item) or ("from" in item and "value" in item)
    )


def _record_lists(data: dict, text: str, start: int) -> list[tuple[str, int, list]]:
    """Keys of the object whose value is a list of objects (the examples), with offsets."""
    found = []
    for key, offset, value in _members(text, start):
        if not isinstance(value, list) or not value or not isinstance(value[0], dict):
            continue
        if _looks_like_message(value[0]):
            continue  # a list of chat messages: the object is one example
        found.append((key, offset, value))
    return found


class JsonReader(Reader):
    name = "json"
    extensions = (".json",)

    def claims(self, file: FileContext) -> int:
        return 60 if file.suffix in self.extensions else 0

    def _notice(
        self, file: FileContext, kind: str, message: str, line: int = 1, **detail: Any
    ) -> Record:
        return Record(
            data=None,
            location=Location(path=file.display_path, line=line),
            raw="",
            problem=ReadProblem(kind, message, detail=detail or None),
            source_format=self.name,
            is_record=False,
        )

    def read(self, file: FileContext, byte_range: ByteRange | None = None) -> Iterator[Record]:
        records = with_no_examples(
            file, self._read(file), "no example (an empty array or object?)", self.name
        )
        yield from expansion_guarded(file, records, self.name) if file.compression else records

    def _read(self, file: FileContext) -> Iterator[Record]:
        head = _head_lines(file)
        if _is_json_lines(head, _skip(head, 0)):
            yield from self._read_json_lines(file)
            return
        text = _decode(file.read_bytes(), file.encoding)
        start = _skip(text, 0)
        if start >= len(text):
            return  # empty: the empty-file rule says so
        if _is_json_lines(text, start):  # lines longer than the head
            yield from self._read_json_lines(file)
            return
        limits = Limits.of(file)
        if text[start] == "[":
            items = iter_array(text, start, limits, whole=True)
            yield from records_from_items(file, items, self.name)
            return
        refusal = self._refusal(text, start, limits)
        if refusal is not None:
            line, column = _line_col(text, start)
            location = Location(path=file.display_path, line=line, column=column, record=1)
            yield over_limit(location, refusal, self.name)
            return
        try:
            data = number_guard(limits.max_number_digits).decode(text)
        except RecursionError:
            yield self._invalid(file, text, start, "invalid JSON: nested too deeply", start)
            return
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" and text[start] == "{":
                yield self._notice(
                    file,
                    "json-is-jsonl",
                    "this .json file holds several JSON objects one after another, not one "
                    "JSON document; each was read as a record, and 'ftlint prepare' writes "
                    "them as .jsonl",
                )
                items = iter_concatenated(text, start, limits)
                yield from records_from_items(file, items, self.name)
                return
            yield self._invalid(file, text, start, f"invalid JSON: {exc.msg}", exc.pos)
            return
        except LimitExceeded as exc:
            line, column = _line_col(text, start)
            location = Location(path=file.display_path, line=line, column=column, record=1)
            yield over_limit(location, str(exc), self.name)
            return
        except ValueError as exc:  # NaN, a number too large for a double
            message = str(exc) if str(exc).startswith("invalid JSON") else f"invalid JSON: {exc}"
            yield self._invalid(file, text, start, message, start)
            return
        surrogate = lone_surrogate(text, data)
        if surrogate is not None:
            message = (
                f"invalid JSON: a lone surrogate {surrogate} (half of a UTF-16 pair, not a "
                "character) cannot be written as UTF-8"
            )
            yield self._invalid(file, text, start, message, start)
            return
        if isinstance(data, dict):
            yield from self._read_object(file, text, start, data)
            return
        yield from records_from_items(file, iter_concatenated(text, start, limits), self.name)

    @staticmethod
    def _refusal(text: str, start: int, limits: Limits) -> str | None:
        """Why the document that opens at ``start`` is not decoded at all: one object larger
        than a record may be (when it is not a container of records, which are measured one
        by one) or nested too deeply. Measured from its brackets only."""
        if len(text) <= limits.max_record_size and (
            text.count("[") + text.count("{") <= limits.max_depth
        ):
            return None
        extent = scan_value(text, start)
        if extent is None:
            return None
        if extent[1] > limits.max_depth + 1:  # a container's records are one level down
            return (
                f"nested {extent[1]:,} levels deep, deeper than the limit of "
                f"{limits.max_depth:,} (--max-depth); not read"
            )
        if extent[0] - start > limits.max_record_size and not _holds_records(text, start):
            return (
                f"an object of {extent[0] - start:,} characters, larger than the record size "
                f"limit ({size_text(limits.max_record_size)}, --max-record-size); not read"
            )
        return None

    def _read_json_lines(self, file: FileContext) -> Iterator[Record]:
        yield self._notice(
            file,
            "json-is-jsonl",
            "this .json file is JSON Lines (one object per line), not one JSON document; "
            "it was read line by line, and 'ftlint prepare' writes it as .jsonl",
        )
        yield from JsonlReader()._read_lines(file, None)

    def _invalid(self, file: FileContext, text: str, start: int, message: str, pos: int) -> Record:
        line, column = _line_col(text, pos)
        end = text.find("\n", pos)
        line_start = text.rfind("\n", 0, pos) + 1
        return Record(
            data=None,
            location=Location(path=file.display_path, line=line, column=column, record=1),
            raw=text[line_start : end if end != -1 else len(text)],
            problem=ReadProblem("invalid-json", message, column),
            source_format=self.name,
        )

    def _read_object(
        self, file: FileContext, text: str, start: int, data: dict
    ) -> Iterator[Record]:
        from ftlint.shapes import UNKNOWN, detect_shape

        lists = _record_lists(data, text, start) if detect_shape(data) == UNKNOWN else []
        if not lists:
            line, column = _line_col(text, start)
            location = Location(path=file.display_path, line=line, column=column, record=1)
            limit = Limits.of(file).max_depth
            if text.count("[") + text.count("{") > limit and depth_of(data) > limit:
                message = (
                    f"nested {depth_of(data):,} levels deep, deeper than the limit of "
                    f"{limit:,} (--max-depth); not read"
                )
                yield over_limit(location, message, self.name)
                return
            yield Record(data, location, raw=text[start:].rstrip(), source_format=self.name)
            return
        chosen = next(
            (entry for name in PREFERRED_KEYS for entry in lists if entry[0] == name), lists[0]
        )
        key, offset, _value = chosen
        ignored = [name for name, _, _ in lists if name != key]
        others = [name for name in data if name != key and name not in ignored]
        message = f"the records are the list under the key {key!r} of the top-level object"
        if ignored:
            message += (
                "; the lists of objects under "
                + ", ".join(repr(name) for name in ignored)
                + " were not read (split them into files of their own)"
            )
        if others:
            message += "; other keys ignored: " + ", ".join(repr(name) for name in others)
        line, _column = _line_col(text, offset)
        yield self._notice(
            file, "records-under-key", message, line=line, key=key, ignored_lists=ignored
        )
        items = iter_array(text, offset, Limits.of(file))
        yield from records_from_items(file, items, self.name)


@hookimpl
def ftlint_readers() -> list[Reader]:
    return [JsonReader()]

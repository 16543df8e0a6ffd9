"""Long JSONL lines take the reader's bounded-memory path (``LARGE_LINE``): the records it
makes are the short-line path's, whatever the line holds (numbers orjson reads otherwise,
lone surrogates, NaN, invalid UTF-8, blank lines, a BOM, nesting), and one huge line costs a
small multiple of its size while it is read (issue 13 point 3)."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from ftlint.plugins import jsonl
from ftlint.plugins.jsonl import JsonlReader
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint.rule import FileContext

CHAT = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}

#: Lines whose reading differs between orjson and the standard library, or that are not
#: records: each must come out of the long-line path as from the short one.
EDGE_LINES = [
    b'{"a": NaN}', b'{"a": -Infinity}', b'{"a": 1e400}', b'{"a": -1E+308, "b": 1e-400}',
    b'{"a": 18446744073709551616}', b'{"a": -9223372036854775809}', b'{"a": 1' + b"0" * 5000 + b"}",
    b'{"a": "\\ud800"}', b'{"a": "\\ud83d\\ude00"}', b'{"a": "\\uDFFF x"}',
    b'{"a": 1, "a": 2, "b": 3}', b'{"a": "\xff\xfe bad utf-8"}', b'{"a": "ok"} trailing',
    b'[1, 2]', b'"text"', b"null", b"{", b'{"a": "\x01"}', b"   \t ", b"", b"\r",
    b'{"a": ' + b"[" * 1100 + b"]" * 1100 + b"}", b'{"a": ' + b"[" * 50 + b"]" * 50 + b"}",
    b'{"a": 0.1, "b": -0, "c": 1.7976931348623157e308, "d": 5e-324, "e": 123456789.123456789}',
    b'\xef\xbb\xbf{"a": 1}', b'{"t": "\\u00e9\\n\\"q\\" \\\\ \\/ \\t"}',
    json.dumps(CHAT, ensure_ascii=False).encode() + b"\r",
]  # fmt: skip


def _records(path, **context):
    file = FileContext.open(path)
    for key, value in context.items():
        setattr(file, key, value)
    return [
        (repr(r.data), r.raw, r.location, r.is_record, r.source_format, _problem(r))
        for r in JsonlReader().read(file)
    ]


def _problem(record):
    problem = record.problem
    return None if problem is None else (problem.kind, problem.message, problem.column)


def _both_paths(monkeypatch, path, **context):
    short = _records(path, **context)
    with monkeypatch.context() as patch:
        patch.setattr(jsonl, "LARGE_LINE", 1)
        long = _records(path, **context)
    return short, long


def test_edge_lines_read_the_same_on_the_long_line_path(tmp_path, monkeypatch):
    path = tmp_path / "edges.jsonl"
    path.write_bytes(b"\n".join(EDGE_LINES) + b"\n")
    short, long = _both_paths(monkeypatch, path)
    assert long == short
    kinds = {problem[0] for *_, problem in short if problem}
    assert {"invalid-json", "not-an-object", "blank-line", "exceeds-limit"} <= kinds


def test_edge_lines_in_another_encoding(tmp_path, monkeypatch):
    path = tmp_path / "latin.jsonl"
    path.write_bytes('{"a": "café"}\n{"b": 1e400}\n'.encode("latin-1"))
    short, long = _both_paths(monkeypatch, path, encoding="latin-1")
    assert long == short


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(_VALUES, min_size=1, max_size=6),
    ascii_only=st.booleans(),
    noise=st.sampled_from([b"", b" ", b"\r", b"\xff", b" NaN", b"\\ud800"]),
)
def test_any_json_reads_the_same_on_both_paths(tmp_path_factory, values, ascii_only, noise):
    lines = [json.dumps(v, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
             for v in values]  # fmt: skip
    lines[-1] += noise
    path = tmp_path_factory.mktemp("any") / "any.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.MonkeyPatch.context() as monkeypatch:
        short, long = _both_paths(monkeypatch, path)
    assert long == short


def test_one_long_line_is_read_in_a_small_multiple_of_its_size(tmp_path):
    size = 4 << 20
    text = ("word “quoted” — more text, " * (size // 30))[: size // 2]
    record = {"messages": [{"role": "user", "content": "x"},
                           {"role": "assistant", "content": text}]}  # fmt: skip
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(CHAT) + "\n" + json.dumps(record, ensure_ascii=False) + "\n",
                    encoding="utf-8")  # fmt: skip
    line = path.stat().st_size
    tracemalloc.start()
    try:
        records = JsonlReader().read(FileContext.open(path))
        next(records)
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        big = next(records)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert big.data == record
    # What stays is the parsed text and the record's source text, both as Python strings
    # (two bytes per character here); the parse adds about one more copy at its peak.
    kept = len(text) * 2 * 2
    assert held - base < kept + line
    assert peak - base < kept + 2 * line, (peak - base) / line

"""The JSONL reader on real files: line numbers, bad lines, blank lines, BOM, encodings,
files that are not line-delimited, and byte-range splitting."""

from __future__ import annotations

import json
from pathlib import Path

from ftlint.plugins.jsonl import JsonlReader, split_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint.rule import FileContext

from .conftest import codes


def read_all(path: Path, **ctx):
    file = FileContext.open(path)
    for key, value in ctx.items():
        setattr(file, key, value)
    return list(JsonlReader().read(file))


def test_records_carry_line_and_record_numbers(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2}\r\n{"a": 3}', encoding="utf-8")
    items = read_all(path)
    records = [r for r in items if r.is_record]
    assert [r.data for r in records] == [{"a": 1}, {"a": 2}, {"a": 3}]
    assert [r.location.line for r in records] == [1, 3, 4]
    assert [r.location.record for r in records] == [1, 2, 3]
    blank = [r for r in items if not r.is_record]
    assert len(blank) == 1 and blank[0].problem.kind == "blank-line"
    assert blank[0].location.line == 2


def test_bad_lines_are_reported_and_reading_goes_on(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"a": 1}\n{"a": "x\ty"}\n[1, 2]\n{"a": 4,}\n{"a": 5}\n', encoding="utf-8")
    items = read_all(path)
    kinds = [(r.location.line, r.problem.kind if r.problem else None) for r in items]
    assert kinds == [
        (1, None),
        (2, "invalid-json"),
        (3, "not-an-object"),
        (4, "invalid-json"),
        (5, None),
    ]
    raw_tab = items[1]
    assert raw_tab.problem.column == 9  # the TAB inside the string
    assert "control character" in raw_tab.problem.message.lower()


def test_bom_on_first_line_is_skipped(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}\n{"a": 2}\n')
    assert [r.data for r in read_all(path)] == [{"a": 1}, {"a": 2}]


def test_invalid_utf8_is_read_with_replacement_characters(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": "caf\xe9"}\n')
    (record,) = read_all(path)
    assert record.ok and record.data == {"a": "caf\ufffd"}


def test_declared_encoding_is_used(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes('{"a": "咨询"}\n'.encode("gb18030"))
    (record,) = read_all(path, encoding="gb18030")
    assert record.data == {"a": "咨询"}


def test_json_array_saved_as_jsonl(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('[\n  {"a": 1},\n  {"a": 2}\n]\n', encoding="utf-8")
    items = read_all(path)
    assert items[0].problem.kind == "not-line-delimited" and not items[0].is_record
    records = [r for r in items if r.is_record]
    assert [r.data for r in records] == [{"a": 1}, {"a": 2}]
    assert [r.location.line for r in records] == [2, 3]


def test_pretty_printed_objects(tmp_path):
    path = tmp_path / "a.jsonl"
    objects = [{"messages": [{"role": "user", "content": f"q{i}"}]} for i in range(3)]
    path.write_text("\n".join(json.dumps(o, indent=2) for o in objects), encoding="utf-8")
    records = [r for r in read_all(path) if r.is_record]
    assert [r.data for r in records] == objects
    assert records[1].location.line == 1 + json.dumps(objects[0], indent=2).count("\n") + 1


def test_pretty_printed_with_a_broken_object_resyncs(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{\n  "a": 1\n}\n{\n  "a": ,\n}\n{\n  "a": 3\n}\n', encoding="utf-8")
    records = [r for r in read_all(path) if r.is_record]
    assert [r.data for r in records if r.ok] == [{"a": 1}, {"a": 3}]
    bad = [r for r in records if not r.ok]
    assert len(bad) == 1 and bad[0].location.line == 5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=3),
            st.just("BLANK"),
            st.just("BAD"),
        ),
        max_size=30,
    ),
    st.integers(min_value=1, max_value=5),
)
def test_split_ranges_read_the_same_as_one_pass(tmp_path_factory, rows, parts):
    """Reading a file in byte ranges yields exactly the records of a single pass, with the
    same line and record numbers."""
    path = tmp_path_factory.mktemp("split") / "a.jsonl"
    lines = []
    for row in rows:
        if row == "BLANK":
            lines.append("")
        elif row == "BAD":
            lines.append('{"broken": ')
        else:
            lines.append(json.dumps(row, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    file = FileContext.open(path)
    reader = JsonlReader()
    whole = [(r.location, r.data, r.problem) for r in reader.read(file)]
    pieces = []
    for byte_range in split_lines(file, parts):
        pieces.extend((r.location, r.data, r.problem) for r in reader.read(file, byte_range))
    assert pieces == whole


def test_real_pretty_printed_file(shared_data, run_json):
    path = shared_data / "Danielcreux__Entrenamiento-IA" / "training_data.jsonl"
    _code, report = run_json("check", path, "--select", "FT2,FT601")
    assert "FT206" in codes(report)
    assert report["files"][0]["records"] == 24


def test_real_file_with_a_raw_tab(shared_data, run_json):
    path = shared_data / "NeMaliavka__AI-bot" / "training_data.jsonl"
    code, report = run_json("check", path, "--select", "FT201")
    invalid = [d for d in report["diagnostics"] if d["code"] == "FT201"]
    assert [d["location"]["line"] for d in invalid] == [15]
    assert code == 1

"""JSON reader: arrays, lists under a key, single examples, JSON Lines saved as .json, with the
line and column of every item."""

from __future__ import annotations

import json
from pathlib import Path

from ftlint.plugins.json_reader import JsonReader

from ftlint.rule import FileContext
from tests.conftest import codes

ONLY_READING = ("--select", "FT2")


def read(path: Path, **attributes) -> list:
    file = FileContext.open(path)
    file.options = {"sheet": None, "column_map": {}}
    for key, value in attributes.items():
        setattr(file, key, value)
    return list(JsonReader().read(file))


def records(items: list) -> list:
    return [r for r in items if r.is_record and r.problem is None]


def diags(report: dict, name: str) -> list[dict]:
    return [d for d in report["diagnostics"] if d["name"] == name]


ARRAY = """[
  {"prompt": "a", "completion": "b"},
  {
    "messages": [{"role": "user", "content": "hi"}]
  },
    {"prompt": "c", "completion": "d"}
]
"""


def test_array_of_objects_with_line_and_column(tmp_path, run_json):
    path = tmp_path / "data.json"
    path.write_text(ARRAY, encoding="utf-8")
    got = records(read(path))
    assert [r.data.get("prompt") for r in got] == ["a", None, "c"]
    assert [(r.location.line, r.location.column, r.location.record) for r in got] == [
        (2, 3, 1),
        (3, 3, 2),
        (6, 5, 3),
    ]
    assert all(r.source_format == "json" for r in got)
    assert got[0].raw == '{"prompt": "a", "completion": "b"}'
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 0 and report["diagnostics"] == []
    assert report["files"][0]["reader"] == "json" and report["files"][0]["records"] == 3


def test_items_that_are_not_objects_or_not_json(tmp_path, run_json):
    path = tmp_path / "mixed.json"
    path.write_text('[\n  {"prompt": "a"},\n  ["x"],\n  {"prompt": tru},\n  {"prompt": "z"}\n]\n')
    _code, report = run_json("check", path, *ONLY_READING)
    assert [(d["name"], d["location"]["line"]) for d in report["diagnostics"]] == [
        ("not-an-object", 3),
        ("invalid-json", 4),
    ]
    assert [r.data["prompt"] for r in records(read(path))] == ["a", "z"]


def test_list_under_one_key(tmp_path, run_json, run_cli):
    path = tmp_path / "wrapped.json"
    path.write_text(
        '{\n  "version": 2,\n  "data": [\n    {"prompt": "p1", "completion": "c1"},\n'
        '    {"prompt": "p2", "completion": "c2"}\n  ]\n}\n',
        encoding="utf-8",
    )
    items = read(path)
    assert [(r.data["prompt"], r.location.line) for r in records(items)] == [("p1", 4), ("p2", 5)]
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 0
    [notice] = report["diagnostics"]
    assert (notice["code"], notice["name"], notice["severity"]) == (
        "FT210",
        "records-under-key",
        "info",
    )
    assert "'data'" in notice["message"] and "'version'" in notice["message"]
    assert notice["location"]["line"] == 3

    code, _o, _e = run_cli("prepare", path, *ONLY_READING)
    assert code == 0
    lines = (tmp_path / "wrapped_prepared.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["prompt"] for line in lines] == ["p1", "p2"]


def test_any_single_key_and_several_lists(tmp_path, run_json):
    path = tmp_path / "instances.json"
    path.write_text('{"instances": [{"prompt": "x", "completion": "y"}]}', encoding="utf-8")
    items = read(path)
    assert records(items)[0].data == {"prompt": "x", "completion": "y"}
    assert "'instances'" in items[0].problem.message

    path = tmp_path / "splits.json"
    path.write_text(
        '{"test": [{"prompt": "t"}], "train": [{"prompt": "a"}, {"prompt": "b"}]}',
        encoding="utf-8",
    )
    assert [r.data["prompt"] for r in records(read(path))] == ["a", "b"]
    _code, report = run_json("check", path, *ONLY_READING)
    [notice] = diags(report, "records-under-key")
    assert notice["severity"] == "warning"
    assert "'train'" in notice["message"] and "'test'" in notice["message"]


def test_single_object_is_one_example(tmp_path, run_json):
    chat = tmp_path / "one.json"
    chat.write_text(
        '{\n  "messages": [\n    {"role": "user", "content": "hi"},\n'
        '    {"role": "assistant", "content": "hello"}\n  ]\n}\n',
        encoding="utf-8",
    )
    [record] = read(chat)
    assert record.problem is None and record.location.line == 1
    assert record.data["messages"][1]["content"] == "hello"
    code, report = run_json("check", chat, *ONLY_READING)
    assert code == 0 and report["diagnostics"] == []
    # A list of messages under an unusual key is still one example, not a list of records.
    odd = tmp_path / "odd.json"
    odd.write_text('{"conversation": [{"role": "user", "content": "hi"}]}', encoding="utf-8")
    [record] = read(odd)
    assert record.problem is None and "conversation" in record.data


def test_json_that_is_really_jsonl(tmp_path, run_json):
    path = tmp_path / "lines.json"
    path.write_text(
        '{"prompt": "a", "completion": "b"}\n'
        '{"prompt": "c", "completion": "d"}\n'
        '{"prompt": "broken"\n'
        '{"prompt": "e", "completion": "f"}\n',
        encoding="utf-8",
    )
    got = records(read(path))
    assert [(r.data["prompt"], r.location.line) for r in got] == [("a", 1), ("c", 2), ("e", 4)]
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 1
    assert [(d["name"], d["location"]["line"]) for d in report["diagnostics"]] == [
        ("json-is-jsonl", 1),
        ("invalid-json", 3),
    ]
    notice = report["diagnostics"][0]
    assert notice["code"] == "FT207" and "JSON Lines" in notice["message"]
    assert report["files"][0]["records"] == 4


def test_jsonl_with_lines_longer_than_the_sniffed_head(tmp_path):
    path = tmp_path / "long.json"
    long_text = "x" * (FileContext.HEAD_SIZE + 10)
    path.write_text(
        json.dumps({"prompt": long_text}) + "\n" + json.dumps({"prompt": "short"}) + "\n",
        encoding="utf-8",
    )
    items = read(path)
    assert items[0].problem.kind == "json-is-jsonl"
    assert [(len(r.data["prompt"]), r.location.line) for r in records(items)] == [
        (len(long_text), 1),
        (5, 2),
    ]


def test_concatenated_pretty_objects(tmp_path, run_json):
    path = tmp_path / "pretty.json"
    path.write_text(
        '{\n  "prompt": "a",\n  "completion": "b"\n}\n'
        '{\n  "prompt": "c",\n  "completion": "d"\n}\n',
        encoding="utf-8",
    )
    got = records(read(path))
    assert [(r.data["prompt"], r.location.line) for r in got] == [("a", 1), ("c", 5)]
    _code, report = run_json("check", path, *ONLY_READING)
    assert codes(report) == ["FT207"]


def test_invalid_document_has_line_and_column(tmp_path, run_json):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "messages": [\n    {"role": "user", "content": "hi",}\n  ]\n}\n')
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 1
    [diagnostic] = report["diagnostics"]
    assert diagnostic["name"] == "invalid-json"
    assert (diagnostic["location"]["line"], diagnostic["location"]["column"]) == (3, 38)


def test_top_level_scalar_and_empty_files(tmp_path, run_json):
    scalar = tmp_path / "scalar.json"
    scalar.write_text('"just a string"\n', encoding="utf-8")
    _code, report = run_json("check", scalar, *ONLY_READING)
    assert codes(report) == ["FT202"]
    for name, content in (("empty.json", ""), ("blank.json", "\n  \n"), ("nothing.json", "[]")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        # No record; content without an example says so (no-examples), a blank file does not.
        kinds = [record.problem.kind for record in read(path)]
        assert kinds == (["no-examples"] if content.strip() else [])
        code, report = run_json("check", path)
        assert code in (0, 1) and "FT001" not in codes(report)


def test_bom_and_encoding(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf[\n  {"prompt": "caf\xc3\xa9", "completion": "x"}\n]\n')
    [record] = records(read(path))
    assert record.data["prompt"] == "café" and (record.location.line, record.location.column) == (
        2,
        3,
    )
    latin = tmp_path / "latin.json"
    latin.write_bytes('[{"prompt": "Ça va ?", "completion": "Très bien"}]'.encode("cp1252"))
    [record] = records(read(latin, encoding="cp1252"))
    assert record.data == {"prompt": "Ça va ?", "completion": "Très bien"}
    [record] = records(read(latin))  # not decoded right, but read
    assert record.data["prompt"] == "\ufffda va ?"


def test_jsonl_in_json_honours_encoding(tmp_path):
    path = tmp_path / "zh.json"
    path.write_bytes('{"prompt": "你好"}\n{"prompt": "再见"}\n'.encode("gb18030"))
    got = records(read(path, encoding="gb18030"))
    assert [r.data["prompt"] for r in got] == ["你好", "再见"]


# ---------------------------------------------------------------------------------------------
# Real data sets


def test_zh_seed_tasks_is_jsonl(shared_data, run_json):
    path = shared_data / "LianjiaTech__BELLE" / "zh_seed_tasks.json"
    _code, report = run_json("check", path)
    [notice] = diags(report, "json-is-jsonl")
    assert notice["code"] == "FT207" and notice["location"]["line"] == 1
    assert report["files"][0]["records"] == 175


def test_dpo_demo_is_an_array_with_line_numbers(shared_data, run_json):
    path = shared_data / "hiyouga__LLaMA-Factory" / "dpo_en_demo.json"
    got = records(read(path))
    assert len(got) == 300
    assert set(got[0].data) == {"conversations", "chosen", "rejected"}
    lines = path.read_text(encoding="utf-8").split("\n")
    assert got[0].location.line == 2
    for record in got:
        line, column = record.location.line, record.location.column
        assert lines[line - 1][column - 1] == "{"
    assert [r.location.line for r in got] == sorted(r.location.line for r in got)
    _code, report = run_json("check", path)
    assert report["files"][0]["reader"] == "json" and report["files"][0]["records"] == 300
    assert not diags(report, "json-is-jsonl")

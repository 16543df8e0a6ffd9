"""The Parquet reader and writer: rows as records (nested ``messages`` too), located by row
group and row; the same findings as the same examples in JSONL; ``prepare -o out.parquet``."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import read_jsonl, write_jsonl

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

#: Real JSONL files of ../shared/data whose every line is a JSON object.
REAL_JSONL = (
    "openai__openai-cookbook/toy_chat_fine_tuning.jsonl",
    "openai__openai-cookbook/drone_training.jsonl",
    "ganachan__GenAI-Autograding/training_set.jsonl",
    "ganachan__GenAI-Autograding/validation_set.jsonl",
    "revenger101__BH-Assurance/qa_dataset_ft.jsonl",
    "tatsu-lab__stanford_alpaca/seed_tasks.jsonl",
)


def to_parquet(rows: list[dict], path: Path, row_group_size: int = 1000) -> Path:
    table = pa.Table.from_struct_array(pa.array(rows))
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def findings(report: dict) -> list[tuple]:
    """What a report found, without where in which file format it was."""
    return sorted(
        (d["code"], d["location"]["record"], d["location"]["field"], d["severity"])
        for d in report["diagnostics"]
    )


def chat(i: int, answer: str | None = None) -> dict:
    return {
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": f"What is {i} + {i}?"},
            {"role": "assistant", "content": answer or f"{2 * i}"},
        ]
    }


@pytest.mark.parametrize("name", REAL_JSONL)
def test_real_files_as_parquet_give_the_findings_of_their_jsonl(
    name, shared_data, tmp_path, run_json
):
    source = shared_data / name
    rows = read_jsonl(source)
    parquet = to_parquet(rows, tmp_path / (source.stem + ".parquet"), row_group_size=7)
    _, from_jsonl = run_json("check", source, "--select", "ALL")
    _, from_parquet = run_json("check", parquet, "--select", "ALL")
    # The one difference: a JSONL file's own bytes (line endings, BOM, its encoding's
    # language guess) are not in a Parquet table.
    byte_rules = {"FT101", "FT102", "FT103", "FT104", "FT105", "FT106", "FT107"}
    expected = [f for f in findings(from_jsonl) if f[0] not in byte_rules]
    assert [f for f in findings(from_parquet) if f[0] not in byte_rules] == expected
    assert from_parquet["files"][0]["reader"] == "parquet"
    assert from_parquet["files"][0]["records"] == len(rows)
    assert from_parquet["summary"].get("tokens") == from_jsonl["summary"].get("tokens")


def test_rows_are_located_by_row_group_and_row(tmp_path, run_json, run_cli):
    rows = [chat(i) for i in range(10)]
    rows[7] = chat(3)  # a duplicate of record 4, in the fourth row group
    rows[8]["messages"][2]["content"] = ""  # an empty answer
    path = to_parquet(rows, tmp_path / "train.parquet", row_group_size=3)
    _, report = run_json("check", path)
    by_code = {d["code"]: d["location"] for d in report["diagnostics"] if d["location"]["record"]}
    assert by_code["FT602"] == {
        "path": str(path), "line": None, "column": None, "record": 8, "field": None,
        "sheet": None, "row_group": 2, "row": 1,
    }  # fmt: skip
    empty = next(
        d for d in report["diagnostics"] if d["location"]["field"] == "/messages/2/content"
    )
    assert (empty["location"]["row_group"], empty["location"]["row"]) == (2, 2)
    assert empty["location"]["record"] == 9
    _, text, _ = run_cli("check", path)
    assert f"{path}[row group 2, row 1]" in text


def test_every_shape_reads_from_its_columns(tmp_path, run_json):
    shapes = {
        "chat": chat(1),
        "prompt-completion": {"prompt": "2+2 ->", "completion": " 4\n"},
        "alpaca": {"instruction": "Add", "input": "2 and 2", "output": "4"},
        "sharegpt": {"conversations": [{"from": "human", "value": "Hi"},
                                       {"from": "gpt", "value": "Hello"}]},
        "preference": {"input": {"messages": [{"role": "user", "content": "Hi"}]},
                       "preferred_output": [{"role": "assistant", "content": "Hello"}],
                       "non_preferred_output": [{"role": "assistant", "content": "Go away"}]},
    }  # fmt: skip
    for name, row in shapes.items():
        jsonl = write_jsonl(tmp_path / f"{name}.jsonl", [row] * 3)
        parquet = to_parquet([row] * 3, tmp_path / f"{name}.parquet")
        _, a = run_json("check", jsonl, "--select", "ALL")
        _, b = run_json("check", parquet, "--select", "ALL")
        assert a["summary"].get("shapes") == b["summary"].get("shapes"), name
        assert findings(a) == findings(b), name


def test_parquet_nulls_are_absent_keys_and_other_types_become_json(tmp_path):
    from ftlint.plugins.parquet import ParquetReader

    from ftlint.rule import FileContext

    message = pa.struct([("role", pa.string()), ("content", pa.string()), ("name", pa.string())])
    table = pa.table(
        {
            "messages": pa.array(
                [[{"role": "user", "content": "Hi", "name": None}]], pa.list_(message)
            ),
            "blob": pa.array([b"\x00\x01"], pa.binary()),
            "when": pa.array([datetime.date(2026, 12, 3)], pa.date32()),
            "weight": pa.array([None], pa.float64()),
        }
    )
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    file = FileContext.open(path)
    [record] = list(ParquetReader().read(file))
    assert record.data == {
        "messages": [{"role": "user", "content": "Hi"}],
        "blob": "AAE=",
        "when": "2026-12-03",
    }
    json.dumps(record.data)  # plain JSON


def test_prepare_writes_parquet_that_checks_clean(tmp_path, run_json, run_cli):
    rows = [chat(i) for i in range(12)] + [chat(3)]  # one duplicate, dropped with --fix
    source = write_jsonl(tmp_path / "train.jsonl", rows)
    out = tmp_path / "out.parquet"
    code, _, err = run_cli("prepare", source, "-o", out, "--fix", "--no-report")
    assert code == 0, err
    assert pq.ParquetFile(out).metadata.num_rows == 12
    written = pq.read_table(out).to_pylist()
    jsonl_out = tmp_path / "out.jsonl"
    run_cli("prepare", source, "-o", jsonl_out, "--fix", "--no-report")
    assert written == read_jsonl(jsonl_out)
    _, again = run_json("check", out)
    assert not [d for d in again["diagnostics"] if d["severity"] == "error"]
    assert {d["code"] for d in again["diagnostics"] if d["severity"] == "warning"} <= {"FT601"}
    # and a Parquet input prepared to Parquet
    second = tmp_path / "second.parquet"
    assert run_cli("prepare", out, "-o", second, "--no-report")[0] == 0
    assert pq.read_table(second).to_pylist() == written


def test_prepare_refuses_records_parquet_cannot_hold_in_one_column(tmp_path, run_cli):
    rows = [{"prompt": "a", "completion": " b", "meta": 1},
            {"prompt": "c", "completion": " d", "meta": {"x": 1}}]  # fmt: skip
    source = write_jsonl(tmp_path / "train.jsonl", rows)
    out = tmp_path / "out.parquet"
    code, _, err = run_cli("prepare", source, "-o", out, "--no-report", "--model", "davinci-002")
    assert code == 2
    assert "cannot be written as one Parquet table" in err and "-o NAME.jsonl" in err
    assert not out.exists()


def test_row_groups_split_across_processes_give_one_pass(tmp_path, run_json, monkeypatch):
    rows = [chat(i % 40, answer=f"{i % 37}") for i in range(250)]
    rows += rows[:50]  # duplicates across row groups and ranges
    path = to_parquet(rows, tmp_path / "train.parquet", row_group_size=25)
    _, one = run_json("check", path, "--jobs", "1")
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1")
    from ftlint.engine import Engine

    seen = []
    original = Engine._scan_parallel

    def spy(self, executor, units):
        seen.append([u.part for u in units])
        return original(self, executor, units)

    monkeypatch.setattr(Engine, "_scan_parallel", spy)
    _, two = run_json("check", path, "--jobs", "2")
    assert seen and len(seen[0]) == 4  # 12 row groups in 4 ranges
    assert [(p.start, p.end) for p in seen[0]] == [(0, 3), (3, 6), (6, 9), (9, 12)]
    assert one == two
    assert {"FT602", "FT603"} <= {d["code"] for d in one["diagnostics"]}


def test_without_pyarrow_the_file_is_unreadable_with_the_extra_named(
    tmp_path, run_json, monkeypatch
):
    path = to_parquet([chat(1)], tmp_path / "train.parquet")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import fails
    _, report = run_json("check", path)
    [problem] = [d for d in report["diagnostics"] if d["code"] == "FT220"]
    assert "pip install 'ftlint[parquet]'" in problem["message"]


def test_a_small_jsonl_check_imports_no_pyarrow(tmp_path):
    import subprocess

    path = write_jsonl(tmp_path / "train.jsonl", [chat(i) for i in range(3)])
    code = (
        "import sys; from ftlint.cli import main; main(['check', sys.argv[1]]); "
        "heavy = [m for m in ('pyarrow', 'fsspec', 'ray') if m in sys.modules]; "
        "print('HEAVY', heavy)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False
    )
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr

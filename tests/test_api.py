"""The Python API: ftlint.check / ftlint.prepare with paths, dicts and DataFrames, the CLI's
options, the report's dict/JSON/pandas forms, and what it imports."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

import ftlint
from tests.conftest import write_jsonl


def chat(question: str, answer: str) -> dict:
    return {
        "messages": [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer},
        ]
    }


def dataset(n: int) -> list[dict]:
    return [
        chat(f"Question number {i} about orders?", f"Answer {i}: it ships soon.") for i in range(n)
    ]


def test_check_a_path_gives_the_report_the_cli_gives(tmp_path, run_cli):
    rows = [*dataset(12), chat("Question number 0 about orders?", "Answer 0: it ships soon.")]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    report = ftlint.check(path, isolated=True)
    _code, out, _err = run_cli("check", path, "--output-format", "json")
    from_cli = json.loads(out)
    from_api = json.loads(report.to_json())
    assert [d["code"] for d in from_api["diagnostics"]] == [
        d["code"] for d in from_cli["diagnostics"]
    ]
    assert from_api["diagnostics"] == from_cli["diagnostics"]
    assert report.to_dict()["summary"]["exit_code"] == report.exit_code
    dup = [d for d in report.diagnostics if d.name == "duplicate-example"]
    assert [d.location.line for d in dup] == [13]


def test_options_are_the_cli_long_names(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [{"prompt": "a", "completion": "b"}] * 3)
    only_structure = ftlint.check(path, isolated=True, select="FT2")
    assert all(d.code.startswith("FT2") for d in only_structure.diagnostics)
    listed = ftlint.check(path, isolated=True, select=["FT6", "FT3"], fail_on="warning")
    assert {d.code[:3] for d in listed.diagnostics} <= {"FT6", "FT3"}
    assert listed.fail_on is ftlint.Severity.WARNING
    with pytest.raises(TypeError, match="unknown option 'selectt'"):
        ftlint.check(path, isolated=True, selectt="FT2")


def test_examples_in_memory_are_located_by_row(tmp_path):
    rows = [*dataset(11), {"messages": [{"role": "wizard", "content": "hi"}]}]
    report = ftlint.check(rows, isolated=True)
    roles = [d for d in report.diagnostics if d.name == "invalid-role"]
    assert [(d.location.path, d.location.line, d.location.field) for d in roles] == [
        ("<records>", 12, "/messages/0/role")
    ]
    assert report.files[0].path == "<records>"
    assert report.files[0].records == 12


def test_a_dataframe_is_one_example_per_row():
    frame = pd.DataFrame(
        {"prompt": ["What is 2+2?", "Capital of France?"], "completion": ["4", None]}
    )
    report = ftlint.check(frame, isolated=True, select="FT3,FT401", model="babbage-002")
    # The missing completion (NaN) is left out of the row, so the row lacks its answer.
    assert report.files[0].records == 2
    assert any(d.location.line == 2 for d in report.diagnostics)


def test_to_pandas_gives_diagnostics_and_per_example_figures(tmp_path):
    rows = [*dataset(10), {"prompt": "Legacy question?", "completion": " Legacy answer."}]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    report = ftlint.check(path, isolated=True)
    frames = report.to_pandas()
    diagnostics, examples = frames
    assert list(diagnostics.columns)[:5] == ["code", "name", "severity", "message", "path"]
    assert len(diagnostics) == len(report.diagnostics)
    assert set(diagnostics["code"]) == {d.code for d in report.diagnostics}
    assert len(examples) == 11
    assert list(examples["record"]) == list(range(1, 12))
    assert set(examples.columns) >= {
        "path",
        "record",
        "tokens",
        "trained_tokens",
        "messages",
        "shape",
    }
    assert examples["shape"].iloc[-1] == "prompt-completion"
    assert examples["shape"].iloc[0] == "chat"
    assert (examples["tokens"] >= examples["trained_tokens"]).all()
    tokens = report.summary()["tokens"]
    assert int(examples["tokens"].sum()) == tokens["total"]
    assert int(examples["trained_tokens"].sum()) == tokens["trained"]


def test_prepare_examples_in_memory_returns_the_records(tmp_path):
    rows = [{"prompt": "Is there a student discount?", "completion": "Yes, 10%."}] * 2 + [
        {"prompt": "Opening hours?", "completion": "9 to 5."}
    ]
    result = ftlint.prepare(rows, isolated=True, fix=True)
    written = list(result.records())
    # prompt/completion becomes chat for the default chat model; the later duplicate goes.
    assert len(written) == 2
    assert all("messages" in record for record in written)
    dropped = [d for f in result.report.files for d in f.dropped]
    assert [(d.location.line, d.code) for d in dropped] == [(2, "FT602")]
    frame = result.to_pandas()
    assert len(frame) == 2 and "messages" in frame.columns
    assert result.output is not None and result.output.exists()
    result.cleanup()


def test_prepare_a_path_writes_beside_it_and_never_over_it(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", dataset(12))
    result = ftlint.prepare(path, isolated=True)
    assert result.output == tmp_path / "train_prepared.jsonl"
    assert len(list(result.records())) == 12
    with pytest.raises(ftlint.ConfigError, match="exists"):
        ftlint.prepare(path, isolated=True)
    again = ftlint.prepare(path, isolated=True, force=True, write_report=True)
    assert (tmp_path / "train_prepared.report.json").exists()
    assert again.exit_code == result.exit_code


def test_check_imports_no_pandas_and_no_openai(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", dataset(3))
    code = (
        "import sys, ftlint\n"
        f"ftlint.check({str(path)!r}, isolated=True)\n"
        "print(sorted(m for m in ('pandas', 'openai', 'matplotlib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_public_api_is_exactly_all():
    exported = list(ftlint.__all__)
    assert exported == sorted(set(exported), key=exported.index)  # no name twice
    for name in exported:
        value = getattr(ftlint, name)
        if isinstance(value, str) or name == "hookimpl":  # __version__, a pluggy marker
            continue
        module = getattr(value, "__module__", None) or getattr(value, "__name__", "")
        assert module.startswith("ftlint"), (name, module)
    with pytest.raises(AttributeError):
        ftlint.engine_internals  # noqa: B018

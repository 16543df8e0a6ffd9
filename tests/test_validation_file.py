"""A validation file given with prepare or check --fix is written with its own fixes (the
training examples it repeats are removed by train-valid-overlap's unsafe fix)."""

from __future__ import annotations

import json
from pathlib import Path

from ftlint.cli import main


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


TRAIN = [
    {"prompt": f"Question {i} about the order?", "completion": f" Answer {i}."} for i in range(12)
]
VALID = [
    {"prompt": "A new question about refunds?", "completion": " A new answer."},
    TRAIN[3],  # leaks from training
]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_prepare_writes_the_validation_file_without_the_leaked_example(tmp_path, capsys):
    train, valid = _write(tmp_path / "t.jsonl", TRAIN), _write(tmp_path / "v.jsonl", VALID)
    args = ["prepare", str(train), "--validation-file", str(valid), "--select", "FT605"]
    assert main([*args, "--unsafe-fixes", "-f", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert _lines(tmp_path / "t_prepared.jsonl") == TRAIN
    assert _lines(tmp_path / "v_prepared.jsonl") == VALID[:1]
    valid_report = next(f for f in report["files"] if f["path"].endswith("v.jsonl"))
    assert [d["location"]["line"] for d in valid_report["dropped"]] == [2]
    assert _lines(valid) == VALID  # the input is left alone


def test_check_fix_rewrites_the_validation_file_in_place(tmp_path):
    train, valid = _write(tmp_path / "t.jsonl", TRAIN), _write(tmp_path / "v.jsonl", VALID)
    args = ["check", str(train), "--validation-file", str(valid), "--select", "FT605"]
    assert main([*args, "--fix"]) == 0  # safe fixes only: the copy stays (a warning)
    assert _lines(valid) == VALID
    assert main([*args, "--unsafe-fixes"]) == 0
    assert _lines(valid) == VALID[:1]
    assert _lines(train) == TRAIN


def test_prepare_refuses_a_split_with_a_validation_file(tmp_path, capsys):
    train, valid = _write(tmp_path / "t.jsonl", TRAIN), _write(tmp_path / "v.jsonl", VALID)
    assert main(["prepare", str(train), "--split", "0.2", "--validation-file", str(valid)]) == 2
    assert "--split makes the validation file" in capsys.readouterr().err

"""Shared test helpers: run the real CLI in-process, find the shared real-world datasets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ftlint.cli import main

REPO = Path(__file__).resolve().parent.parent
#: ``FTLINT_SHARED_DATA`` points elsewhere (a worktree beside the checkout has no ../shared).
SHARED_DATA = Path(os.environ.get("FTLINT_SHARED_DATA") or REPO.parent / "shared" / "data")
# The model lifecycle rule (FT901) reads the date: the suite runs on one fixed day, so that
# its results do not change when a provider's deadline passes.
os.environ.setdefault("FTLINT_TODAY", "2026-12-03")
# The suite's tests were written against OpenAI's profile (its models, limits, prices and the
# conversions its chat models need): they keep checking it by name, as a user who sets
# FTLINT_TARGET would. The shipped default (together, see ftlint.config.DEFAULT_TARGET) is
# tested with this variable removed (tests/test_default_target.py).
os.environ.setdefault("FTLINT_TARGET", "openai")


@pytest.fixture
def run_cli(capsys):
    """Run ``ftlint ARGS`` in this process; returns (exit_code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def run_json(run_cli):
    """Run ``ftlint check ... --output-format json`` and return (exit_code, report dict)."""

    def run(*args: str) -> tuple[int, dict]:
        code, out, err = run_cli(*args, "--output-format", "json")
        assert out.strip(), f"no JSON output; stderr: {err}"
        return code, json.loads(out)

    return run


@pytest.fixture
def shared_data() -> Path:
    """The real public datasets beside the checkout; tests using them skip without them."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


def codes(report: dict) -> list[str]:
    return [d["code"] for d in report["diagnostics"]]


def names(report: dict) -> list[str]:
    return [d["name"] for d in report["diagnostics"]]


def write_jsonl(path: Path, rows: list) -> Path:
    """Write a JSONL test file: dicts (and other values) as JSON, strings as raw lines."""
    text = "".join(
        (row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n"
        for row in rows
    )
    path.write_text(text, encoding="utf-8", newline="\n")
    return path


def read_jsonl(path: Path) -> list:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

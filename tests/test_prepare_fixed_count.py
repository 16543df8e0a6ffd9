"""The records a fix of prepare's first write changed are counted from what that write noted
(``FixPlan.changes``), not by reading the source once more: the count must be the one the
read gives, in one process and across forked writers."""

from __future__ import annotations

import random

import pytest

import ftlint
from ftlint.engine import accept
from ftlint.engine.fixes import FixPlan

from .conftest import write_jsonl


def _records(count: int) -> list[dict]:
    rng = random.Random(5)
    rows = []
    for i in range(count):
        prompt = f"Question {i}: " + " ".join(rng.choices(["how", "why", "ORDER", "late"], k=4))
        completion = rng.choice(["Yes", " yes", "No.", "Maybe later", "  "])
        rows.append({"prompt": prompt, "completion": completion})
    chat = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    rows.append({"messages": chat})
    rows.extend(rows[:5])  # duplicates: dropped by a fix
    return rows


@pytest.fixture
def both_counts(monkeypatch):
    """Every ``_fixed_first`` of the run computed both ways; returns the pairs."""
    pairs = []
    original = accept._fixed_first

    def compare(engine, checked, own, changes=None):
        noted = original(engine, checked, own, changes)
        reread = original(engine, checked, own, None)
        pairs.append((noted, reread, changes is not None))
        return noted

    monkeypatch.setattr(accept, "_fixed_first", compare)
    return pairs


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("model", ["davinci-002", None])
def test_noted_changes_count_as_the_reread(tmp_path, monkeypatch, both_counts, parallel, model):
    folded = []
    if parallel:
        monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1")
        note = FixPlan.note_changes
        monkeypatch.setattr(
            FixPlan,
            "note_changes",
            lambda plan, changes: folded.append(changes) or note(plan, changes),
        )
    source = write_jsonl(tmp_path / "data.jsonl", _records(150))
    options = {"model": model} if model else {}
    result = ftlint.prepare(
        source, output=tmp_path / "out.jsonl", force=True, isolated=True, fix=True,
        unsafe_fixes=True, jobs=2 if parallel else 1, **options,
    )  # fmt: skip
    [file] = result.report.files
    assert both_counts, "prepare counted the fixed records"
    for noted, reread, used in both_counts:
        assert used
        assert noted == reread
    if parallel and model:  # the forked writers' notes reached the parent
        assert len(folded) == 2 and all(folded)
    if model:  # the legacy fixes (separator, stop sequence, leading space) change records
        assert file.fixed_records and file.fixed_records > 50

"""Large JSONL files split by byte ranges across processes give the same report as one pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftlint.config import Config
from ftlint.engine import Engine
from ftlint.pluginmanager import load_plugins
from ftlint.rule import FileContext

LONG = (
    "The quarterly report shows that revenue from the northern region grew steadily while "
    "costs in the southern warehouses fell after the new routing software was installed, and "
    "the board asked the finance team to prepare a detailed forecast for next year covering "
    "hiring, equipment, marketing and the planned expansion into two new cities, including "
    "how the new delivery vans will be paid for and what customers said about late parcels."
)


def messy_dataset(count: int = 600) -> list[str]:
    """Lines of a JSONL file with something for many rules: duplicates, conflicts, near
    duplicates, long examples, bad JSON, blank lines, non-objects."""
    lines = []
    for i in range(count):
        if i % 97 == 13:
            lines.append('{"messages": [')  # invalid JSON
            continue
        if i % 89 == 5:
            lines.append("")
            continue
        if i % 151 == 7:
            lines.append("[1, 2]")
            continue
        user = f"Question {i % 250} about order {i % 250 * 31}?"
        answer = f"Answer for order {i % 250 * 31}: it ships on day {i % 250 % 7}."
        if i % 53 == 0:
            answer = "A different answer altogether."
        row = {"messages": [{"role": "user", "content": user},
                            {"role": "assistant", "content": answer}]}  # fmt: skip
        if i % 41 == 0:
            summary = LONG.replace("steadily", f"by {i} percent")
            row = {"messages": [{"role": "user", "content": "Summarise."},
                                {"role": "assistant", "content": summary}]}  # fmt: skip
        lines.append(json.dumps(row))
    return lines


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def split_everything(monkeypatch):
    """Every file, however small, counts as large; returns the number of parallel scans."""
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1")
    calls = []
    original = Engine._scan_parallel

    def spy(self, executor, units):
        parts = list(original(self, executor, units))
        calls.append((len(units), len(parts)))
        return iter(parts)

    monkeypatch.setattr(Engine, "_scan_parallel", spy)
    return calls


def report_of(run_json, *args) -> dict:
    _code, report = run_json(*args)
    return report


def test_jobs_2_gives_the_same_report_as_jobs_1(tmp_path, run_json, split_everything):
    path = write_lines(tmp_path / "train.jsonl", messy_dataset())
    config = tmp_path / "ftlint.toml"
    config.write_text("[rules.example-too-long]\nmax-tokens = 60\n", "utf-8")
    one = report_of(run_json, "check", path, "--jobs", "1", "--config", config)
    assert split_everything == []
    two = report_of(run_json, "check", path, "--jobs", "2", "--config", config)
    assert split_everything == [(4, 4)]  # 2 ranges per worker, all came back
    assert one == two
    codes = {d["code"] for d in one["diagnostics"]}
    # the file really exercises the dataset rules across the parts
    assert {"FT201", "FT202", "FT203", "FT602", "FT603", "FT604", "FT701", "FT702"} <= codes
    assert one["summary"]["records"] == two["summary"]["records"]
    assert not any("parallel" in note for note in two.get("notes", []))


def test_a_validation_file_splits_too(tmp_path, run_json, split_everything):
    lines = messy_dataset()
    train = write_lines(tmp_path / "train.jsonl", lines[:400])
    valid = write_lines(tmp_path / "valid.jsonl", lines[380:])
    one = report_of(run_json, "check", train, "--validation-file", valid, "--jobs", "1")
    two = report_of(run_json, "check", train, "--validation-file", valid, "--jobs", "3")
    assert len(split_everything) == 2  # the training file and the validation file
    assert one == two
    assert any(d["code"] == "FT605" for d in one["diagnostics"])


def test_prepare_writes_the_same_file(tmp_path, run_json, split_everything):
    path = write_lines(tmp_path / "train.jsonl", messy_dataset())
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        report = report_of(run_json, "prepare", path, "-o", out, "--fix", "--jobs", jobs,
                           "--no-report")  # fmt: skip
        outputs.append((out.read_bytes(), report["files"][0]["dropped"]))
    assert outputs[0] == outputs[1]
    assert outputs[0][1]  # duplicates and unreadable lines were dropped


def _engine(**config) -> Engine:
    return Engine(Config(**config), load_plugins([]))


def test_small_files_stay_in_one_process(tmp_path, monkeypatch):
    path = write_lines(tmp_path / "train.jsonl", messy_dataset(50))
    engine = _engine(jobs=4)

    def forbidden(*args, **kwargs):
        raise AssertionError("a small file must not start worker processes")

    monkeypatch.setattr(engine, "_scan_parallel", forbidden)
    report = engine.check([path])
    assert report.files[0].records > 0


def test_a_failing_pool_falls_back_to_one_process_with_a_note(
    tmp_path, monkeypatch, split_everything
):
    path = write_lines(tmp_path / "train.jsonl", messy_dataset(200))
    expected = _engine(jobs=1).check([path]).to_dict()

    engine = _engine(jobs=2)

    def broken(*args, **kwargs):
        raise OSError("cannot start processes here")

    monkeypatch.setattr(engine, "_scan_parallel", broken)
    report = engine.check([path])
    assert any("checked in one process instead" in note for note in report.notes)
    assert report.to_dict()["diagnostics"] == expected["diagnostics"]


def test_ranges_cover_the_file_with_the_right_numbers(tmp_path):
    from ftlint.plugins.jsonl import JsonlReader

    lines = messy_dataset(300)
    path = write_lines(tmp_path / "train.jsonl", lines)
    file = FileContext.open(path)
    ranges = JsonlReader().split(file, 4)
    assert ranges[0].start == 0 and ranges[-1].end == file.size
    records = []
    for part in ranges:
        records.extend(JsonlReader().read(file, part))
    whole = list(JsonlReader().read(file, None))
    assert [(r.location.line, r.location.record) for r in records] == [
        (r.location.line, r.location.record) for r in whole
    ]


def test_rules_preload_once_before_the_workers_start(tmp_path, monkeypatch, split_everything):
    """``Rule.preload`` runs in the parent, once per parallel scan and before any worker
    starts, with the input's size; a preload that raises changes nothing (the report is the
    one-process report), and a scan in one process never preloads."""
    from ftlint.rule import Rule

    path = write_lines(tmp_path / "train.jsonl", messy_dataset(200))
    expected = _engine(jobs=1).check([path]).to_dict()["diagnostics"]
    events: list[tuple[str, int]] = []
    original = Engine._scan_parallel

    def preload(self, input_size):
        events.append((self.code, input_size))
        raise RuntimeError("a preload that fails")

    def scan_parallel(self, executor, units):
        events.append(("workers", 0))
        return original(self, executor, units)

    monkeypatch.setattr(Rule, "preload", preload)
    monkeypatch.setattr(Engine, "_scan_parallel", scan_parallel)
    report = _engine(jobs=2).check([path])
    assert report.to_dict()["diagnostics"] == expected
    first_worker = events.index(("workers", 0))
    preloaded = events[:first_worker]
    assert preloaded and {size for _code, size in preloaded} == {path.stat().st_size}
    assert len({code for code, _size in preloaded}) == len(preloaded)  # once per rule
    events.clear()
    _engine(jobs=1).check([path])
    assert events == []


def short_examples(count: int) -> list[str]:
    """Prompt/completion lines of about 60 bytes: many records in few bytes."""
    return [
        json.dumps({"prompt": f"Order {i} status?", "completion": f" Shipped on day {i % 7}."})
        for i in range(count)
    ]


def test_many_short_records_are_split_though_the_file_is_small(tmp_path, monkeypatch):
    """A file under the byte threshold but over the record threshold (by the reader's
    estimate) is scanned by the workers, with the report of one pass; under both thresholds
    it stays in one process."""
    path = write_lines(tmp_path / "short.jsonl", short_examples(3000))
    assert path.stat().st_size < Engine.PARALLEL_MIN_SIZE
    expected = _engine(jobs=1).check([path]).to_dict()
    calls = []
    original = Engine._scan_parallel

    def spy(self, executor, units):
        calls.append(len(units))
        return original(self, executor, units)

    monkeypatch.setattr(Engine, "_scan_parallel", spy)
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_RECORDS", "2500")
    report = _engine(jobs=2).check([path])
    assert calls == [4]  # 2 ranges per worker
    assert report.to_dict()["diagnostics"] == expected["diagnostics"]
    assert report.files[0].records == 3000
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_RECORDS", "3500")
    _engine(jobs=2).check([path])
    assert calls == [4]  # not split again


def test_several_small_files_with_many_records_together_use_the_workers(tmp_path, monkeypatch):
    files = [write_lines(tmp_path / f"part{i}.jsonl", short_examples(1000)) for i in range(3)]
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_RECORDS", "2500")  # each alone is under it
    engine = _engine(jobs=2)
    loaded = [(FileContext.open(f), engine.reader_named("jsonl")) for f in files]
    assert not engine.worth_splitting(loaded[:2])
    assert engine.worth_splitting(loaded)


@pytest.mark.parametrize("count", [0, 1, 40, 5_000])
@pytest.mark.parametrize("newline_at_end", [True, False])
def test_the_jsonl_record_estimate(tmp_path, count, newline_at_end):
    """Exact when the head is the whole file; scaled from the head otherwise (lines of one
    length: within a line or two)."""
    from ftlint.plugins.jsonl import JsonlReader

    lines = short_examples(count)
    path = tmp_path / "f.jsonl"
    path.write_text("\n".join(lines) + ("\n" if newline_at_end and lines else ""), "utf-8")
    file = FileContext.open(path)
    estimate = JsonlReader().estimate_records(file)
    if file.size <= FileContext.HEAD_SIZE:
        assert estimate == count
    else:
        assert abs(estimate - count) <= 0.02 * count


def test_a_reader_whose_estimate_fails_is_judged_by_size(tmp_path):
    from ftlint.plugins.jsonl import JsonlReader

    class Broken(JsonlReader):
        def estimate_records(self, file):
            raise RuntimeError("no estimate")

    path = write_lines(tmp_path / "f.jsonl", short_examples(10))
    engine = _engine(jobs=2)
    assert not engine.worth_splitting([(FileContext.open(path), Broken())])


def test_the_parents_objects_are_frozen_while_workers_fork_and_thawed_after(
    tmp_path, monkeypatch, split_everything
):
    """``gc.freeze`` before the pools fork (a worker's collections would otherwise copy
    every inherited page of the parent's heap), ``gc.unfreeze`` after: the scan pool of the
    check and of prepare's output, and prepare's writing pool."""
    import gc

    calls: list[str] = []
    freeze, unfreeze = gc.freeze, gc.unfreeze

    def spy_freeze():
        calls.append("freeze")
        freeze()

    def spy_unfreeze():
        calls.append("unfreeze")
        unfreeze()

    monkeypatch.setattr(gc, "freeze", spy_freeze)
    monkeypatch.setattr(gc, "unfreeze", spy_unfreeze)
    path = write_lines(tmp_path / "train.jsonl", messy_dataset(300))
    expected = _engine(jobs=1).check([path]).to_dict()["diagnostics"]
    assert calls == []  # one process: nothing to freeze
    report = _engine(jobs=2).check([path])
    assert report.to_dict()["diagnostics"] == expected
    assert calls == ["freeze", "unfreeze"]
    assert gc.get_freeze_count() == 0
    calls.clear()
    import ftlint

    ftlint.prepare(path, output=tmp_path / "out.jsonl", fix=True, jobs=2)
    assert calls and calls == ["freeze", "unfreeze"] * (len(calls) // 2)
    assert len(calls) >= 4  # the write pool and the check of the output at least
    assert gc.get_freeze_count() == 0

"""The engine with plugins of its own: crashing rules, fixes of every kind, nothing lost."""

from __future__ import annotations

import json
import sys
import types
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlint import (
    Accumulator,
    DropRecord,
    Fix,
    Location,
    Rule,
    Scope,
    SetValue,
    Severity,
    TransformRecords,
    hookimpl,
)
from ftlint.config import Config, ConfigError
from ftlint.engine import Engine, PrepareOptions
from ftlint.pluginmanager import load_plugins
from tests.conftest import write_jsonl


class Shout(Rule):
    """## What it does
    Test rule: lower-cases a field called `text`."""

    code = "TT100"
    name = "shout"
    scope = Scope.RECORD
    severity = Severity.WARNING
    default_enabled = False

    def check_record(self, record):
        text = record.data.get("text")
        if isinstance(text, str) and text.isupper():
            yield self.diagnostic(
                "shouting", record.location.at(field="/text"),
                fix=Fix.safe("lower-case it", SetValue("/text", text.lower())),
            )  # fmt: skip


class Crash(Rule):
    """## What it does
    Test rule that raises on records with `boom`."""

    code = "TT101"
    name = "crash"
    scope = Scope.RECORD
    default_enabled = False

    def check_record(self, record):
        if "boom" in record.data:
            raise KeyError("boom")
        return ()


class DropOdd(Rule):
    """## What it does
    Test dataset rule: drops records whose `n` is odd (unsafe) and tags every record."""

    code = "TT102"
    name = "drop-odd"
    scope = Scope.DATASET
    default_enabled = False

    def accumulator(self):
        rule = self

        class Acc(Accumulator):
            def __init__(self):
                self.odd = []
                self.path = ""

            def add(self, record):
                self.path = record.location.path
                if record.data.get("n", 0) % 2:
                    self.odd.append(record.location)

            def merge(self, other):
                self.odd.extend(other.odd)

            def finish(self):
                for location in self.odd:
                    yield rule.diagnostic(
                        "odd", location, fix=Fix.unsafe("drop it", DropRecord("odd n"))
                    )
                yield rule.diagnostic(
                    "tag all", Location(path=self.path),
                    severity=Severity.INFO,
                    fix=Fix.safe("tag", TransformRecords("tag", lambda d: {**d, "tag": 1})),
                )  # fmt: skip

        return Acc()


class _Grouped(Rule):
    """## What it does
    Test rules sharing a group: they look only at records with a `g` key."""

    scope = Scope.RECORD
    default_enabled = False
    group = "test-group"
    calls: ClassVar[list[tuple[str, int]]] = []

    def quiet(self, record):
        return "g" not in record.data

    def check_record(self, record):
        _Grouped.calls.append((self.code, record.location.line))
        return [self.diagnostic("seen", record.location)]


class GroupFirst(_Grouped):
    code = "TT103"
    name = "group-first"


class GroupCrash(_Grouped):
    code = "TT104"
    name = "group-crash"

    def check_record(self, record):
        _Grouped.calls.append((self.code, record.location.line))
        if "boom" in record.data:
            raise KeyError("boom")
        return ()


class GroupLast(_Grouped):
    code = "TT105"
    name = "group-last"


def _plugins():
    module = types.ModuleType("ftlint_test_rules")

    @hookimpl
    def ftlint_rules():
        return [Shout, Crash, DropOdd, GroupFirst, GroupCrash, GroupLast]

    module.ftlint_rules = ftlint_rules
    sys.modules["ftlint_test_rules"] = module
    return load_plugins(["ftlint_test_rules"])


def engine(**config) -> Engine:
    return Engine(Config(**config), _plugins())


def test_a_crashing_rule_becomes_a_diagnostic_and_the_run_goes_on(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "A"}, {"boom": 1}, {"text": "LOUD"}])
    report = engine(select=["TT100", "TT101"]).check([path])
    found = {(d.code, d.location.line) for d in report.diagnostics}
    assert ("FT001", 2) in found  # the crash, at the record that caused it
    assert ("TT100", 1) in found and ("TT100", 3) in found  # other rules went on
    crash = next(d for d in report.diagnostics if d.code == "FT001")
    assert "crash" in crash.message and "TT101" in crash.message and "KeyError" in crash.message


def test_a_rule_group_is_skipped_on_quiet_records_and_survives_a_crashing_member(tmp_path):
    rows = [{"x": 1}, {"g": 1}, {"g": 1, "boom": 1}, {"x": 2}, {"g": 2}]
    path = write_jsonl(tmp_path / "a.jsonl", rows)
    _Grouped.calls.clear()
    report = engine(select=["TT103", "TT104", "TT105"], jobs=1).check([path])
    # Records without "g" (lines 1 and 4) are quiet: no rule of the group even ran on them.
    assert {line for _code, line in _Grouped.calls} == {2, 3, 5}
    # TT104 raised on line 3: reported there, never called again; the rules around it went on.
    assert ("TT104", 5) not in _Grouped.calls
    found = sorted((d.code, d.location.line) for d in report.diagnostics)
    assert found == [("FT001", 3), ("TT103", 2), ("TT103", 3), ("TT103", 5),
                     ("TT105", 2), ("TT105", 3), ("TT105", 5)]  # fmt: skip
    crash = next(d for d in report.diagnostics if d.code == "FT001")
    assert "group-crash" in crash.message and "TT104" in crash.message


def test_prepare_applies_safe_fixes_only_with_fix(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"text": "LOUD"}, {"text": "calm"}])
    out = tmp_path / "out.jsonl"
    report = engine(select=["TT100"]).prepare([path], PrepareOptions(output=out))
    assert next(json.loads(x) for x in out.read_text().splitlines()) == {"text": "LOUD"}
    assert report.exit_code == 0 and not any(d.fixed for d in report.diagnostics)
    report = engine(select=["TT100"], fix=True).prepare(
        [path], PrepareOptions(output=out, force=True)
    )
    assert [json.loads(x) for x in out.read_text().splitlines()] == [
        {"text": "loud"}, {"text": "calm"},
    ]  # fmt: skip
    assert all(d.fixed for d in report.diagnostics)


def test_unsafe_drops_and_dataset_transforms(tmp_path):
    rows = [{"n": 1}, {"n": 2}, "not json", {"n": 3}, {"n": 4}]
    path = write_jsonl(tmp_path / "a.jsonl", rows)
    out = tmp_path / "out.jsonl"
    report = engine(select=["TT102", "FT201"], unsafe_fixes=True).prepare(
        [path], PrepareOptions(output=out)
    )
    written = [json.loads(x) for x in out.read_text().splitlines()]
    assert written == [{"n": 2, "tag": 1}, {"n": 4, "tag": 1}]
    dropped = {(d.location.line, d.reason) for d in report.files[0].dropped}
    assert dropped == {(1, "odd n"), (3, "invalid JSON: expecting value"), (4, "odd n")}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(["good", "odd", "bad", "blank", "array"]), max_size=25))
def test_nothing_is_lost(tmp_path, kinds):
    """Every record read is either written or listed as dropped, whatever the mix."""
    rows = []
    for i, kind in enumerate(kinds):
        rows.append(
            {
                "good": {"n": 2 * i},
                "odd": {"n": 2 * i + 1},
                "bad": "{oops",
                "blank": "",
                "array": "[1]",
            }[kind]
        )
    path = write_jsonl(tmp_path / "nl.jsonl", rows)
    out = tmp_path / "nl_out.jsonl"
    report = engine(select=["TT102", "FT2"], unsafe_fixes=True).prepare(
        [path], PrepareOptions(output=out, force=True)
    )
    file = report.files[0]
    assert file.records == sum(1 for k in kinds if k != "blank")
    assert file.written + len(file.dropped) == file.records


def test_in_place_fix_keeps_unreadable_lines_and_unchanged_text(tmp_path):
    original = '{"text": "LOUD"}\n{"text":   "calm"}\n{oops\n\n{"n": 2}\n'
    path = tmp_path / "a.jsonl"
    path.write_text(original, encoding="utf-8")
    report = engine(select=["TT100", "FT2"], fix=True).fix_in_place(
        [path], PrepareOptions(in_place=True)
    )
    assert path.read_text() == '{"text":"loud"}\n{"text":   "calm"}\n{oops\n{"n": 2}\n'
    assert report.files[0].outputs == [str(path)]
    # Second run: nothing left to fix, the file is not touched.
    before = path.stat().st_mtime_ns
    report = engine(select=["TT100", "FT2"], fix=True).fix_in_place(
        [path], PrepareOptions(in_place=True)
    )
    assert report.files[0].outputs == [] and path.stat().st_mtime_ns == before


def test_output_never_replaces_the_input_or_an_existing_file(tmp_path, run_cli):
    chat = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    path = write_jsonl(tmp_path / "a.jsonl", [chat])
    code, _out, err = run_cli("prepare", path, "-o", path)
    assert code == 2 and "over the input" in err
    (tmp_path / "a_prepared.jsonl").write_text("keep me")
    code, _out, err = run_cli("prepare", path)
    assert code == 2 and "--force" in err
    assert (tmp_path / "a_prepared.jsonl").read_text() == "keep me"
    code, _out, err = run_cli("prepare", path, "--force")
    assert (tmp_path / "a_prepared.jsonl").read_text() == json.dumps(
        chat, separators=(",", ":")
    ) + "\n"
    assert json.loads((tmp_path / "a_prepared.report.json").read_text())["version"]


def test_unknown_selector_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigError, match=r"'NOPE1'.*matches no rule"):
        engine(select=["NOPE1"])


def test_missing_and_unreadable_paths(tmp_path):
    report = engine().check([tmp_path / "missing.jsonl", tmp_path])
    messages = [(d.code, d.message) for d in report.diagnostics]
    assert ("FT002", "no such file") in messages
    assert ("FT002", "is a directory") in messages
    assert report.exit_code == 1

"""Rule test cases as YAML files, for ftlint's own rules and for plugin authors.

A case file tests one rule (sqlfluff's ``std_rule_cases`` in spirit)::

    rule: missing-prompt-separator      # the rule under test: its name or code
    options: {model: babbage-002}       # command-line options for every case (optional)
    plugins: [my_plugin.rules]          # plugin modules every case loads, as -p (optional)
    cases:
      - name: every-prompt-has-it       # pass: the rule reports nothing
        records:
          - {prompt: "Hi ->", completion: " there"}
        expect: []
      - name: one-prompt-lacks-it       # fail: exactly these findings of the rule
        records: [...]
        expect:
          - {line: 2, field: /prompt, severity: warning, message_contains: separator}
      - name: the-fix-appends-it        # fixed: what ``prepare`` writes with the fix
        records: [...]
        fix: safe                       # safe (--fix) or unsafe (--unsafe-fixes)
        fixed:
          - {prompt: "Hi ->", completion: " there"}

The input of a case is one of ``records`` (written as JSONL, one object per line, to
``filename``, default ``train.jsonl``), ``text`` (the file's exact text), ``base64`` or ``hex``
(its exact bytes), or ``sheets`` (an XLSX workbook: sheet name -> rows of cells).
``validation`` (records) adds a validation file; a fixed case then also writes it, and
``fixed_validation`` gives the records expected there. ``options`` of a case are added to the
file's; ``rules: {RULE-NAME: {option: value}}`` sets rule options as the configuration file
does. Only the rule under test runs unless ``options`` select more (``extend_select``).

An expected finding matches on the keys it gives: ``code`` (default: the rule's), ``name``,
``severity``, ``message`` (exact), ``message_contains``, ``line``, ``column``, ``record``,
``field``, ``sheet``, ``fix`` (its applicability, or ``null`` for none). The findings of the
rule under test must be exactly the expected ones, in the order of the report. A fixed case
may also give ``fixed_text`` (the output's exact text), ``dropped`` (expected entries of
the report's dropped list, matched on ``line`` and ``reason_contains``) and ``rejected`` (the
lines of the records ``prepare`` rejects: an error no chosen fix cures keeps a record out).

In a test module::

    from ftlint.testing import case_params, run_case

    @pytest.mark.parametrize("case", case_params("tests/cases"))
    def test_rule_case(case):
        run_case(case)
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Keys a case may have; anything else is a mistake in the case file, reported as such.
CASE_KEYS = frozenset(
    {
        "name", "description", "records", "text", "base64", "hex", "sheets", "filename",
        "validation", "options", "rules", "expect", "fix", "fixed", "fixed_text", "dropped",
        "plugins", "fixed_validation", "rejected",
    }
)  # fmt: skip
FINDING_KEYS = frozenset(
    {
        "code", "name", "severity", "message", "message_contains", "line", "column", "record",
        "field", "sheet", "fix",
    }
)  # fmt: skip


DROPPED_KEYS = frozenset({"line", "reason_contains"})


class CaseFileError(ValueError):
    """A case file that does not follow the format above."""


@dataclass
class RuleCase:
    """One case of a case file, ready to run."""

    path: Path
    rule: str
    name: str
    spec: dict[str, Any]
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.path.stem}::{self.name}"

    @property
    def kind(self) -> str:
        """``fixed`` (has an expected output), ``fail`` (expects findings) or ``pass``."""
        if {"fixed", "fixed_text", "fixed_validation"} & set(self.spec):
            return "fixed"
        return "fail" if self.spec.get("expect") else "pass"


# ---------------------------------------------------------------------------------------------
# Loading


def load_cases(*paths: str | Path) -> list[RuleCase]:
    """The cases of case files, or of every ``*.yml`` / ``*.yaml`` below directories."""
    import yaml

    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.y*ml") if p.suffix in {".yml", ".yaml"}))
        else:
            files.append(path)
    cases: list[RuleCase] = []
    for path in files:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise CaseFileError(f"{path}: not valid YAML: {exc}") from None
        cases.extend(_cases_of(path, document))
    return cases


def _cases_of(path: Path, document: Any) -> list[RuleCase]:
    if not isinstance(document, dict) or not isinstance(document.get("rule"), str):
        raise CaseFileError(f"{path}: a case file is a mapping with 'rule' and 'cases'")
    unknown = set(document) - {"rule", "options", "plugins", "cases", "description"}
    if unknown:
        raise CaseFileError(f"{path}: unknown top-level keys {sorted(unknown)}")
    options = dict(document.get("options") or {})
    raw_cases = document.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise CaseFileError(f"{path}: 'cases' must be a non-empty list")
    cases = []
    names: set[str] = set()
    for index, spec in enumerate(raw_cases, 1):
        if not isinstance(spec, dict):
            raise CaseFileError(f"{path}: case {index} is not a mapping")
        name = str(spec.get("name") or f"case-{index}")
        if name in names:
            raise CaseFileError(f"{path}: two cases are named {name!r}")
        names.add(name)
        unknown = set(spec) - CASE_KEYS
        if unknown:
            raise CaseFileError(f"{path}: case {name!r} has unknown keys {sorted(unknown)}")
        inputs = [k for k in ("records", "text", "base64", "hex", "sheets") if k in spec]
        if len(inputs) != 1:
            raise CaseFileError(
                f"{path}: case {name!r} needs exactly one of records, text, base64, hex, sheets"
            )
        if "expect" not in spec and not {"fixed", "fixed_text", "fixed_validation"} & set(spec):
            raise CaseFileError(f"{path}: case {name!r} expects nothing (add expect or fixed)")
        fixed = bool({"fixed", "fixed_text", "fixed_validation"} & set(spec))
        if "fixed_validation" in spec and "validation" not in spec:
            raise CaseFileError(f"{path}: case {name!r}: 'fixed_validation' needs validation")
        for key in ("dropped", "fix", "rejected"):
            if key in spec and not fixed:
                raise CaseFileError(f"{path}: case {name!r}: {key!r} needs fixed or fixed_text")
        for drop in spec.get("dropped") or []:
            if not isinstance(drop, dict) or not drop or set(drop) - DROPPED_KEYS:
                raise CaseFileError(
                    f"{path}: case {name!r}: a dropped entry takes only {sorted(DROPPED_KEYS)}"
                )
        for finding in spec.get("expect") or []:
            if not isinstance(finding, dict) or set(finding) - FINDING_KEYS:
                raise CaseFileError(
                    f"{path}: case {name!r}: an expected finding takes only {sorted(FINDING_KEYS)}"
                )
        shared_plugins = list(document.get("plugins") or [])
        if shared_plugins:
            spec = {**spec, "plugins": [*shared_plugins, *(spec.get("plugins") or [])]}
        cases.append(RuleCase(path, document["rule"], name, spec, options))
    return cases


def case_params(*paths: str | Path) -> list[Any]:
    """``pytest.param`` objects of every case, with readable ids, for ``parametrize``."""
    import pytest

    return [pytest.param(case, id=case.id) for case in load_cases(*paths)]


# ---------------------------------------------------------------------------------------------
# Running


def _write_input(spec: Mapping[str, Any], directory: Path, default_name: str) -> Path:
    name = str(spec.get("filename") or default_name)
    path = directory / name
    if "records" in spec:
        lines = [json.dumps(record, ensure_ascii=False) for record in spec["records"] or []]
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    elif "text" in spec:
        path.write_bytes(str(spec["text"]).encode("utf-8"))
    elif "base64" in spec:
        path.write_bytes(base64.b64decode(spec["base64"]))
    elif "hex" in spec:
        path.write_bytes(bytes.fromhex("".join(str(spec["hex"]).split())))
    elif "sheets" in spec:
        _write_workbook(path, spec["sheets"])
    return path


def _write_workbook(path: Path, sheets: Mapping[str, Iterable[Iterable[Any]]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(str(title))
        for row in rows:
            sheet.append(list(row))
    book.save(path)


def _options(case: RuleCase, directory: Path) -> dict[str, Any]:
    options = {**case.options, **(case.spec.get("options") or {})}
    if "select" not in options:
        options["select"] = [case.rule]
    if "validation" in case.spec:
        valid = _write_input({"records": case.spec["validation"]}, directory, "valid.jsonl")
        options["validation_file"] = valid
    return options


def _matches(diagnostic: Any, expected: Mapping[str, Any], rule_code: str) -> list[str]:
    """What differs between a finding and its expectation (empty: it matches)."""
    location = diagnostic.location
    actual = {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": str(diagnostic.severity),
        "message": diagnostic.message,
        "line": location.line,
        "column": location.column,
        "record": location.record,
        "field": location.field,
        "sheet": location.sheet,
        "fix": None if diagnostic.fix is None else str(diagnostic.fix.applicability),
    }
    wanted = {"code": rule_code, **expected}
    problems = []
    for key, value in wanted.items():
        if key == "message_contains":
            if str(value) not in diagnostic.message:
                problems.append(f"message {diagnostic.message!r} lacks {value!r}")
        elif actual[key] != value:
            problems.append(f"{key} is {actual[key]!r}, expected {value!r}")
    return problems


def _describe(diagnostic: Any) -> str:
    return f"{diagnostic.code} {diagnostic.location.describe()}: {diagnostic.message}"


def run_case(case: RuleCase) -> None:
    """Run one case; an ``AssertionError`` says what differs."""
    from ftlint.api import check, configure, prepare

    spec = case.spec
    with tempfile.TemporaryDirectory(prefix="ftlint-case-") as temp:
        directory = Path(temp)
        path = _write_input(spec, directory, "train.jsonl")
        options = _options(case, directory)
        rule_options = spec.get("rules") or {}
        plugins = spec.get("plugins") or ()
        _config, plugin_set, _ = configure("check", isolated=True, plugins=plugins)
        rule_class = _rule_class(case.rule, plugin_set.rules())
        if "expect" in spec:
            report = check(
                path, isolated=True, plugins=plugins, rule_options=rule_options, **options
            )
            found = [d for d in report.sorted_diagnostics() if d.code == rule_class.code]
            expected = list(spec["expect"] or [])
            listing = "\n  ".join(_describe(d) for d in found) or "(none)"
            context = f"{case.id}: {rule_class.code} reported\n  {listing}\n"
            assert len(found) == len(expected), (
                f"{context}expected {len(expected)} finding(s), got {len(found)}"
            )
            for number, (diagnostic, wanted) in enumerate(zip(found, expected, strict=True), 1):
                problems = _matches(diagnostic, wanted, rule_class.code)
                assert not problems, f"{context}finding {number}: " + "; ".join(problems)
        if {"fixed", "fixed_text", "fixed_validation"} & set(spec):
            fix = spec.get("fix", "safe")
            if fix not in {"safe", "unsafe"}:
                raise CaseFileError(f"{case.id}: fix must be safe or unsafe, not {fix!r}")
            fix_options = {"unsafe_fixes": True} if fix == "unsafe" else {"fix": True}
            out = directory / "out" / "prepared.jsonl"
            out.parent.mkdir()
            result = prepare(
                path,
                output=out,
                isolated=True,
                plugins=plugins,
                rule_options=rule_options,
                **options,
                **fix_options,
            )
            written = out.read_bytes().decode("utf-8") if out.exists() else None
            if "fixed_text" in spec:
                assert written == spec["fixed_text"], (
                    f"{case.id}: prepare wrote {written!r}, expected {spec['fixed_text']!r}"
                )
            if "fixed" in spec:
                records = list(result.records()) if written is not None else []
                assert same_json(records, list(spec["fixed"] or [])), (
                    f"{case.id}: prepare wrote\n  {records}\nexpected\n  {spec['fixed']}"
                )
            if "fixed_validation" in spec:
                valid = Path(options["validation_file"])
                valid_out = valid.with_name(f"{valid.stem}_prepared.jsonl")
                lines = valid_out.read_text(encoding="utf-8").splitlines()
                valid_records = [json.loads(line) for line in lines if line.strip()]
                assert same_json(valid_records, list(spec["fixed_validation"] or [])), (
                    f"{case.id}: prepare wrote the validation file\n  {valid_records}\n"
                    f"expected\n  {spec['fixed_validation']}"
                )
            if "rejected" in spec:
                # The lines of the records prepare rejected: an error no chosen fix cures
                # keeps a record out of the output (issue 17), in <stem>_rejected.jsonl.
                lines = [
                    d.location.line for f in result.report.files for d in f.dropped if d.rejected
                ]
                assert lines == list(spec["rejected"] or []), (
                    f"{case.id}: rejected the records at lines {lines}, expected {spec['rejected']}"
                )
            if "dropped" in spec:
                dropped = [d for f in result.report.files for d in f.dropped]
                wanted_drops = list(spec["dropped"] or [])
                assert len(dropped) == len(wanted_drops), (
                    f"{case.id}: dropped {[d.to_dict() for d in dropped]}, expected {wanted_drops}"
                )
                for entry, wanted in zip(dropped, wanted_drops, strict=True):
                    if "line" in wanted:
                        assert entry.location.line == wanted["line"], f"{case.id}: {entry}"
                    if "reason_contains" in wanted:
                        assert wanted["reason_contains"] in entry.reason, f"{case.id}: {entry}"


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``1``, ``1.0`` and ``true`` are three different values (Python's
    ``==`` says they are one); the order of an object's keys does not matter."""
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, float) or isinstance(b, float):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _rule_class(name: str, rules: Iterable[type]) -> type:
    from ftlint.engine import CORE_RULES

    for rule in (*CORE_RULES, *rules):
        if name in {rule.code, rule.name}:  # type: ignore[attr-defined]
            return rule
    raise CaseFileError(f"no rule named {name!r} is installed")

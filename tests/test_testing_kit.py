"""ftlint.testing, the YAML rule-case kit: the README's example works as written, a case that
does not hold fails with a message saying what differs, and malformed case files are refused."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

from ftlint.testing import CaseFileError, RuleCase, load_cases, run_case, same_json

README = Path(__file__).resolve().parent.parent / "README.md"


def _block(text: str, language: str, first_line: str) -> str:
    for match in re.finditer(rf"```{language}\n(.*?)```", text, re.S):
        if match.group(1).startswith(first_line):
            return match.group(1)
    raise AssertionError(f"no {language} block starting with {first_line!r} in the README")


def test_the_readme_plugin_and_its_cases_work_as_written(tmp_path, monkeypatch):
    readme = README.read_text(encoding="utf-8")
    plugin = _block(readme, "python", "# mycompany_ftlint/plugin.py")
    (tmp_path / "readme_plugin.py").write_text(plugin, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    document = yaml.safe_load(_block(readme, "yaml", "# tests/cases/no-internal-urls.yml"))
    for case in document["cases"]:
        case["plugins"] = ["readme_plugin"]
    cases_file = tmp_path / "no-internal-urls.yml"
    cases_file.write_text(yaml.safe_dump(document), encoding="utf-8")
    cases = load_cases(cases_file)
    assert [c.kind for c in cases] == ["pass", "fail"]
    for case in cases:
        run_case(case)
    sys.modules.pop("readme_plugin", None)


def _case(tmp_path: Path, body: str) -> RuleCase:
    path = tmp_path / "blank-line.yml"
    path.write_text(body, encoding="utf-8")
    (case,) = load_cases(path)
    return case


def test_a_wrong_expectation_fails_naming_the_difference(tmp_path):
    case = _case(
        tmp_path,
        "rule: blank-line\ncases:\n  - name: wrong-line\n"
        '    text: "{\\"a\\": 1}\\n\\n"\n    expect:\n      - {line: 3}\n',
    )
    with pytest.raises(AssertionError, match=r"line is 2, expected 3"):
        run_case(case)


def test_a_missing_finding_fails_with_the_count(tmp_path):
    case = _case(
        tmp_path,
        "rule: blank-line\ncases:\n  - name: none\n"
        '    text: "{}\\n"\n    expect:\n      - {line: 1}\n',
    )
    with pytest.raises(AssertionError, match=r"expected 1 finding\(s\), got 0"):
        run_case(case)


def test_a_wrong_fixed_output_fails(tmp_path):
    case = _case(
        tmp_path,
        "rule: blank-line\ncases:\n  - name: fixed\n"
        '    text: "{\\"a\\": 1}\\n\\n"\n    fix: safe\n    fixed: [{a: 2}]\n',
    )
    with pytest.raises(AssertionError, match="prepare wrote"):
        run_case(case)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("cases: []\n", "a mapping with 'rule' and 'cases'"),
        ("rule: x\ncases: []\n", "non-empty list"),
        ("rule: x\ncases:\n  - {name: a, records: [], text: ''}\n", "exactly one of"),
        ("rule: x\ncases:\n  - {name: a, records: []}\n", "expects nothing"),
        ("rule: x\ncases:\n  - {name: a, records: [], expect: [], colour: red}\n", "unknown keys"),
        ("rule: x\ncases:\n  - {name: a, records: [], expect: [{lines: 2}]}\n", "takes only"),
        ("rule: x\ncases:\n  - {name: a, text: '', expect: []}\n"
         "  - {name: a, text: '', expect: []}\n", "two cases are named"),
        ("rule: [\n", "not valid YAML"),
        ("rule: x\ncases:\n  - {name: a, records: [], fixed_validation: []}\n",
         "'fixed_validation' needs validation"),
        ("rule: x\ncases:\n  - {name: a, records: [], expect: [], dropped: []}\n",
         "'dropped' needs fixed"),
        ("rule: x\ncases:\n  - {name: a, records: [], expect: [], fix: safe}\n",
         "'fix' needs fixed"),
        ("rule: x\ncases:\n  - {name: a, records: [], fixed: [], dropped: [{lines: 1}]}\n",
         "a dropped entry takes only"),
    ],
)  # fmt: skip
def test_malformed_case_files_are_refused(tmp_path, body, message):
    path = tmp_path / "x.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CaseFileError, match=re.escape(message)):
        load_cases(path)


def test_an_unknown_rule_is_a_clear_error(tmp_path):
    case = _case(tmp_path, "rule: no-such-rule\ncases:\n  - {name: a, text: '', expect: []}\n")
    with pytest.raises(CaseFileError, match="no rule named 'no-such-rule'"):
        run_case(case)


def test_fixed_records_compare_as_json_values():
    assert same_json({"a": 1, "b": [True, "x"]}, {"b": [True, "x"], "a": 1})
    assert not same_json({"weight": 1.0}, {"weight": 1})
    assert not same_json({"flag": True}, {"flag": 1})
    assert not same_json([1, 2], [1, 2, 3])
    assert not same_json({"a": None}, {"a": 0})

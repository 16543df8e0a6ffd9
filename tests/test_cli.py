"""The command line as users and scripts meet it: exit codes, configuration files against
flags, rule selection, crashing rules, what ``prepare`` may and may not write, and the rule
documentation commands. Every test writes real files and runs the real ``main``."""

from __future__ import annotations

import codecs
import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from ftlint.cli import main
from tests.conftest import codes, write_jsonl

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Every test runs in its own directory, so that no configuration file around the
    checkout is picked up (configuration is looked for from the current directory up)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FTLINT_DEBUG", raising=False)


def chat(i: int) -> dict:
    topics = ["invoice", "refund", "password reset", "delivery date", "subscription", "gift card"]
    topic = topics[i % len(topics)]
    return {
        "messages": [
            {"role": "system", "content": "You are the support assistant of an online shop."},
            {"role": "user", "content": f"Ticket {i}: where do I see my {topic}?"},
            {
                "role": "assistant",
                "content": f"Open your account page and choose {topic.title()}; "
                f"ticket {i} is linked there.",
            },
        ]
    }


@pytest.fixture
def clean(tmp_path) -> Path:
    return write_jsonl(tmp_path / "clean.jsonl", [chat(i) for i in range(120)])


@pytest.fixture
def defects(tmp_path) -> Path:
    """12 readable examples, a blank line (FT203, warning) and a broken line (FT201, error)."""
    lines: list = [chat(i) for i in range(12)]
    lines.insert(3, "")
    lines.insert(8, '{"messages": [{"role": "user", "content": "unterminated}]}')
    return write_jsonl(tmp_path / "defects.jsonl", lines)


@pytest.fixture
def warnings_only(tmp_path) -> Path:
    lines: list = [chat(i) for i in range(120)]
    lines.insert(50, "   ")
    return write_jsonl(tmp_path / "warnings.jsonl", lines)


# ---------------------------------------------------------------------------------------------
# Exit codes


def test_clean_file_exits_0(run_cli, clean):
    code, out, err = run_cli("check", clean)
    assert code == 0, out + err
    assert "120 records" in out
    assert "Traceback" not in err


def test_errors_exit_1_with_locations(run_json, defects):
    code, report = run_json("check", defects)
    assert code == 1
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert by_code["FT201"]["severity"] == "error"
    assert by_code["FT201"]["location"]["line"] == 9
    assert by_code["FT201"]["location"]["column"] is not None
    assert by_code["FT203"]["location"]["line"] == 4
    assert report["summary"]["exit_code"] == 1
    assert report["summary"]["errors"] >= 1


def test_text_output_shows_location_and_excerpt(run_cli, defects):
    code, out, _ = run_cli("check", defects, "--color", "never")
    assert code == 1
    line = next(ln for ln in out.splitlines() if "FT201" in ln)
    assert line.startswith(f"{defects}:9:")
    assert "(invalid-json)" in line
    assert '{"messages": [{"role": "user", "content": "unterminated}]}' in out  # excerpt


def test_fail_on_warning(run_cli, warnings_only):
    assert run_cli("check", warnings_only, "--select", "FT2")[0] == 0
    code, out, _ = run_cli("check", warnings_only, "--select", "FT2", "--fail-on", "warning")
    assert code == 1
    assert "FT203" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--no-such-option", "x.jsonl"], "unrecognized arguments: --no-such-option"),
        (["check", "--write-baseline", "x.jsonl"], "--write-baseline needs --baseline FILE"),
        (["check", "--select", "FT6O2", "x.jsonl"], "'FT6O2' (did you mean FT602"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["check", "--fail-on", "fatal", "x.jsonl"], "invalid choice: 'fatal'"),
        (["check", "--target", "nowhere", "x.jsonl"], "unknown target 'nowhere'"),
        (["check", "--output-format", "yaml", "x.jsonl"], "unknown output format 'yaml'"),
        (["check", "--map", "prompt", "x.jsonl"], "--map expects FIELD=COLUMN"),
        (["check", "--max-file-size", "lots", "x.jsonl"], "cannot read size 'lots'"),
        (["check", "--config", "missing.toml", "x.jsonl"], "config file missing.toml does not"),
        (["rule", "no-such-rule"], "no rule named 'no-such-rule'"),
    ],
)
def test_usage_errors_exit_2(run_cli, tmp_path, args, message):
    write_jsonl(tmp_path / "x.jsonl", [chat(i) for i in range(12)])
    code, out, err = run_cli(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_no_command_prints_help_and_exits_2(run_cli):
    code, out, _ = run_cli()
    assert code == 2
    assert "check" in out and "prepare" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert re.fullmatch(r"ftlint \d+\.\d+\.\d+\S*\n", capsys.readouterr().out)


def test_missing_file_is_reported_not_a_crash(run_json, tmp_path):
    code, report = run_json("check", tmp_path / "nope.jsonl")
    assert code == 1
    [diagnostic] = report["diagnostics"]
    assert diagnostic["code"] == "FT002"
    assert diagnostic["message"] == "no such file"


# ---------------------------------------------------------------------------------------------
# Configuration


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[tool.ftlint]\nselct = ['FT2']\n", "unknown setting 'selct'"),
        ("[tool.ftlint]\nfail-on = 'fatal'\n", "unknown severity 'fatal'"),
        ("[tool.ftlint]\nmin-examples = -3\n", "'min-examples' must be a non-negative integer"),
        ("[tool.ftlint]\nignore = [1, 2]\n", "'ignore' must be a list of strings"),
        ("[tool.ftlint]\ntarget = 'nowhere'\n", "unknown target 'nowhere'"),
    ],
)
def test_bad_config_exits_2(run_cli, tmp_path, clean, content, message):
    (tmp_path / "pyproject.toml").write_text(content, encoding="utf-8")
    code, out, err = run_cli("check", clean)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_invalid_ftlint_toml_exits_2(run_cli, tmp_path, clean):
    (tmp_path / "ftlint.toml").write_text("select = 'FT2\n", encoding="utf-8")
    code, _, err = run_cli("check", clean)
    assert code == 2
    assert f"{tmp_path / 'ftlint.toml'} is not valid TOML" in err


def test_pyproject_config_and_flags_win(run_json, tmp_path, defects):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "mydata"\n\n[tool.ftlint]\nselect = ["blank-line"]\n',
        encoding="utf-8",
    )
    code, report = run_json("check", defects)
    assert codes(report) == ["FT203"]
    assert code == 0  # a warning only, and the default fail level is error

    code, report = run_json("check", defects, "--select", "FT201")
    assert codes(report) == ["FT201"]
    assert code == 1


def test_config_found_from_a_subdirectory(run_json, tmp_path, defects, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ftlint]\nignore = ['FT6']\nfail-on = 'warning'\n", encoding="utf-8"
    )
    sub = tmp_path / "data" / "raw"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    _, report = run_json("check", defects)
    assert "FT601" not in codes(report)
    assert set(codes(report)) >= {"FT201", "FT203"}


def test_ftlint_toml_fail_on_and_flag_wins(run_cli, tmp_path, warnings_only):
    (tmp_path / "ftlint.toml").write_text(
        'fail-on = "warning"\nselect = ["FT2"]\n', encoding="utf-8"
    )
    assert run_cli("check", warnings_only)[0] == 1
    assert run_cli("check", warnings_only, "--fail-on", "error")[0] == 0


def test_ftlint_toml_beats_pyproject_in_the_same_directory(run_json, tmp_path, defects):
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ftlint]\nselect = ['FT201']\n", encoding="utf-8"
    )
    (tmp_path / "ftlint.toml").write_text("select = ['FT203']\n", encoding="utf-8")
    assert codes(run_json("check", defects)[1]) == ["FT203"]
    # --config names the file to use.
    assert codes(run_json("check", defects, "--config", tmp_path / "pyproject.toml")[1]) == [
        "FT201"
    ]


def test_target_limits_overridden_in_config_and_by_flags(run_json, tmp_path):
    small = write_jsonl(tmp_path / "small.jsonl", [chat(i) for i in range(6)])
    code, report = run_json("check", small)
    [count] = [d for d in report["diagnostics"] if d["code"] == "FT601"]
    assert count["severity"] == "error"
    assert "at least 10" in count["message"]
    assert code == 1

    (tmp_path / "ftlint.toml").write_text(
        "min-examples = 5\nrecommended-examples = 6\n", encoding="utf-8"
    )
    code, report = run_json("check", small)
    assert "FT601" not in codes(report)

    code, report = run_json("check", small, "--min-examples", "8")
    [count] = [d for d in report["diagnostics"] if d["code"] == "FT601"]
    assert "at least 8" in count["message"]


def test_rule_options_in_config_reach_the_rule(run_json, tmp_path):
    """``[tool.ftlint.rules.NAME]`` tables are handed to the rule of that name."""
    module = tmp_path / "ftlint_test_option_rule.py"
    module.write_text(
        textwrap.dedent(
            '''
            from ftlint import Rule, Scope, Severity, hookimpl


            class Shout(Rule):
                """## What it does
                Test rule.
                """

                code = "TST900"
                name = "shout"
                scope = Scope.RECORD
                severity = Severity.WARNING
                default_options = {"word": "default"}

                def check_record(self, record):
                    if record.index == 1:
                        yield self.diagnostic(self.options["word"], record.location)


            @hookimpl
            def ftlint_rules():
                return [Shout]
            '''
        ),
        encoding="utf-8",
    )
    sys.path.insert(0, str(tmp_path))
    try:
        data = write_jsonl(tmp_path / "d.jsonl", [chat(i) for i in range(12)])
        args = ("check", data, "-p", "ftlint_test_option_rule", "--select", "TST")
        assert [d["message"] for d in run_json(*args)[1]["diagnostics"]] == ["default"]
        (tmp_path / "ftlint.toml").write_text("[rules.shout]\nword = 'configured'\n")
        assert [d["message"] for d in run_json(*args)[1]["diagnostics"]] == ["configured"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("ftlint_test_option_rule", None)


def test_target_azure_openai_is_accepted(run_json, clean):
    code, report = run_json("check", clean, "--target", "azure-openai")
    assert report["summary"]["target"] == "azure-openai"
    assert code in (0, 1)


# ---------------------------------------------------------------------------------------------
# Selection


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "FT203"], {"FT203"}),
        (["--select", "blank-line"], {"FT203"}),
        (["--select", "FT20"], {"FT201", "FT203"}),
        (["--select", "ft2"], {"FT201", "FT203"}),
        (["--select", "FT201,too-few-examples"], {"FT201", "FT601"}),
        (["--select", "FT201", "--select", "FT203"], {"FT201", "FT203"}),
        (["--select", "FT2", "--ignore", "invalid-json"], {"FT203"}),
        (["--select", "FT2", "--ignore", "FT203"], {"FT201"}),
        (["--select", "FT2", "--extend-select", "FT601"], {"FT201", "FT203", "FT601"}),
    ],
)
def test_select_and_ignore(run_json, defects, args, expected):
    assert set(codes(run_json("check", defects, *args)[1])) == expected


def test_select_all_with_ignore(run_json, defects):
    found = set(codes(run_json("check", defects, "--select", "ALL", "--ignore", "FT2")[1]))
    assert "FT601" in found
    assert not {c for c in found if c.startswith("FT2")}


def test_ignore_by_name_and_prefix_without_select(run_json, defects):
    found = set(codes(run_json("check", defects, "--ignore", "blank-line,FT6")[1]))
    assert "FT201" in found
    assert not found & {"FT203", "FT601"}


def test_unknown_selector_is_a_configuration_error(run_cli, defects):
    code, out, err = run_cli("check", defects, "--select", "FT2", "--ignore", "blank-lines")
    assert code == 2 and not out
    assert "'blank-lines' (did you mean blank-line" in err and "matches no rule" in err
    code, _out, err = run_cli("check", defects, "--select", "FT9999")
    assert code == 2 and "'FT9999'" in err and "matches no rule" in err


# ---------------------------------------------------------------------------------------------
# A rule that crashes


CRASHING_RULES = '''
from ftlint import Accumulator, Rule, Scope, Severity, hookimpl


class CrashOnThird(Rule):
    """## What it does
    Crashes on the third record (test).
    """

    code = "TST100"
    name = "crash-on-third"
    scope = Scope.RECORD
    severity = Severity.WARNING

    def check_record(self, record):
        if record.index == 3:
            return record.data["no such key"]
        return ()


class CrashInFinish(Rule):
    """## What it does
    Crashes at the end of the dataset (test).
    """

    code = "TST101"
    name = "crash-in-finish"
    scope = Scope.DATASET
    severity = Severity.WARNING

    def accumulator(self):
        class Acc(Accumulator):
            def add(self, record):
                pass

            def merge(self, other):
                pass

            def finish(self):
                raise ZeroDivisionError("division by zero")

        return Acc()


class CrashOnFile(Rule):
    """## What it does
    Crashes on the raw file (test).
    """

    code = "TST102"
    name = "crash-on-file"
    scope = Scope.FILE
    severity = Severity.WARNING

    def check_file(self, file):
        raise RuntimeError("cannot look at " + file.display_path)


class CountsRecords(Rule):
    """## What it does
    Reports every record (test): shows the run went on.
    """

    code = "TST103"
    name = "counts-records"
    scope = Scope.RECORD
    severity = Severity.INFO

    def check_record(self, record):
        yield self.diagnostic(f"record {record.index}", record.location)


@hookimpl
def ftlint_rules():
    return [CrashOnThird, CrashInFinish, CrashOnFile, CountsRecords]
'''


@pytest.fixture
def crashing_plugin(tmp_path):
    (tmp_path / "ftlint_test_crashing_rules.py").write_text(CRASHING_RULES, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    yield "ftlint_test_crashing_rules"
    sys.path.remove(str(tmp_path))
    sys.modules.pop("ftlint_test_crashing_rules", None)


def test_crashing_rule_becomes_ft001_and_the_run_goes_on(run_json, tmp_path, crashing_plugin):
    first = write_jsonl(tmp_path / "first.jsonl", [chat(i) for i in range(12)])
    second = write_jsonl(tmp_path / "second.jsonl", [chat(i) for i in range(4)])
    code, report = run_json(
        "check", first, second, "-p", crashing_plugin, "--select", "TST,FT0,FT2"
    )
    assert code == 1  # FT001 is an error: the data was not fully checked
    errors = [d for d in report["diagnostics"] if d["code"] == "FT001"]
    messages = {(d["location"]["path"], d["location"]["line"], d["message"]) for d in errors}
    for path in (str(first), str(second)):
        assert (
            path,
            3,
            "rule 'crash-on-third' (TST100) failed and skipped the rest of this file: "
            "KeyError: 'no such key'",
        ) in messages
        assert (
            path,
            None,
            "rule 'crash-in-finish' (TST101) failed and skipped the rest of this file: "
            "ZeroDivisionError: division by zero",
        ) in messages
        assert (
            path,
            None,
            "rule 'crash-on-file' (TST102) failed and skipped the rest of this file: "
            f"RuntimeError: cannot look at {path}",
        ) in messages
    assert all(d["name"] == "rule-error" and d["severity"] == "error" for d in errors)
    # The other rule saw every record of both files.
    seen = [(d["location"]["path"], d["location"]["record"]) for d in report["diagnostics"]
            if d["code"] == "TST103"]  # fmt: skip
    assert seen == [(str(first), i) for i in range(1, 13)] + [(str(second), i) for i in range(1, 5)]
    assert [f["records"] for f in report["files"]] == [12, 4]


def test_crashing_rule_in_text_output_has_no_traceback(run_cli, tmp_path, crashing_plugin):
    data = write_jsonl(tmp_path / "d.jsonl", [chat(i) for i in range(12)])
    code, out, err = run_cli("check", data, "-p", crashing_plugin, "--select", "TST100")
    assert code == 1
    assert "FT001" in out and "crash-on-third" in out and "KeyError" in out
    assert "Traceback" not in out + err


def test_rule_error_can_be_ignored_but_not_by_default(run_json, tmp_path, crashing_plugin):
    data = write_jsonl(tmp_path / "d.jsonl", [chat(i) for i in range(12)])
    code, report = run_json(
        "check", data, "-p", crashing_plugin, "--select", "TST100", "--ignore", "FT001"
    )
    assert codes(report) == []
    assert code == 0


# ---------------------------------------------------------------------------------------------
# prepare


def test_prepare_writes_beside_the_input_and_a_report(run_cli, tmp_path, defects):
    before = defects.read_bytes()
    code, _, err = run_cli("prepare", defects)
    assert code == 1  # the broken line is an error, reported and left out
    out_path = tmp_path / "defects_prepared.jsonl"
    data = out_path.read_bytes()
    assert not data.startswith(codecs.BOM_UTF8)
    assert b"\r" not in data and data.endswith(b"\n")
    lines = data.decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [chat(i) for i in range(12)]
    assert defects.read_bytes() == before  # the input is never modified

    report = json.loads((tmp_path / "defects_prepared.report.json").read_text(encoding="utf-8"))
    [file_report] = report["files"]
    assert file_report["written"] == 12
    assert file_report["outputs"] == [str(out_path)]
    # Every input record is in the output or listed as dropped, with its reason.
    [dropped] = file_report["dropped"]
    assert dropped["location"]["line"] == 9
    assert dropped["code"] == "FT201"
    assert dropped["reason"].startswith("invalid JSON")
    assert file_report["records"] == file_report["written"] + len(file_report["dropped"])
    assert "Traceback" not in err


def test_prepare_target_azure_writes_a_bom(run_cli, tmp_path, clean):
    out = tmp_path / "azure.jsonl"
    run_cli("prepare", clean, "--target", "azure-openai", "-o", out, "--no-report")
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    assert not (tmp_path / "azure.report.json").exists()


def test_prepare_never_writes_over_the_input(run_cli, tmp_path, clean):
    before = clean.read_bytes()
    for extra in ([], ["--force"]):
        code, _, err = run_cli("prepare", clean, "-o", clean, *extra)
        assert code == 2
        assert "refusing to write the output over the input" in err
        assert clean.read_bytes() == before
    # The same file under another name is still the input.
    code, _, err = run_cli("prepare", clean, "-o", tmp_path / "." / "clean.jsonl", "--force")
    assert code == 2
    assert clean.read_bytes() == before


def test_prepare_refuses_an_existing_output_without_force(run_cli, tmp_path, clean):
    out = tmp_path / "clean_prepared.jsonl"
    out.write_text("precious\n", encoding="utf-8")
    code, _, err = run_cli("prepare", clean)
    assert code == 2
    assert f"{out} exists; pass --force to overwrite it" in err
    assert out.read_text(encoding="utf-8") == "precious\n"

    code, _, err = run_cli("prepare", clean, "--force", "--select", "FT2")
    assert code == 0, err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 120


def test_prepare_output_option_takes_one_input(run_cli, tmp_path, clean):
    other = write_jsonl(tmp_path / "other.jsonl", [chat(i) for i in range(12)])
    code, _, err = run_cli("prepare", clean, other, "-o", tmp_path / "out.jsonl")
    assert code == 2
    assert "-o/--output takes one input file" in err


def test_prepare_writes_atomically(run_cli, tmp_path, clean, monkeypatch):
    """A run that fails half-way leaves the previous output whole and no temporary file."""
    out = tmp_path / "clean_prepared.jsonl"
    out.write_text("previous output\n", encoding="utf-8")
    import ftlint.jsonl

    real_dumps = ftlint.jsonl.dumps_line
    calls = {"n": 0}

    def failing_dumps(data):
        calls["n"] += 1
        if calls["n"] == 60:
            raise OSError(28, "No space left on device")
        return real_dumps(data)

    monkeypatch.setattr(ftlint.jsonl, "dumps_line", failing_dumps)
    code, _, err = run_cli("prepare", clean, "--force", "--no-report")
    assert code == 2
    assert "No space left on device" in err
    assert "Traceback" not in err
    assert calls["n"] == 60
    assert out.read_text(encoding="utf-8") == "previous output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.jsonl", "clean_prepared.jsonl"]

    monkeypatch.setattr(ftlint.jsonl, "dumps_line", real_dumps)
    assert run_cli("prepare", clean, "--force", "--no-report", "--select", "FT2")[0] == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 120
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.jsonl", "clean_prepared.jsonl"]


def test_check_never_writes(run_cli, tmp_path, defects):
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    run_cli("check", defects)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_check_fix_prints_what_it_changed(run_cli, tmp_path, warnings_only, clean):
    clean_before = clean.stat().st_mtime_ns
    code, _, err = run_cli(
        "check", "--fix", "--exit-non-zero-on-fix", warnings_only, clean, "--select", "FT2"
    )
    assert code == 1
    assert f"ftlint: fixed {warnings_only} (1 fix: remove the blank line)" in err
    assert str(clean) not in err
    assert "   \n" not in warnings_only.read_text(encoding="utf-8")
    assert clean.stat().st_mtime_ns == clean_before
    # Nothing left to fix: exit 0 and nothing printed.
    code, _, err = run_cli(
        "check", "--fix", "--exit-non-zero-on-fix", warnings_only, clean, "--select", "FT2"
    )
    assert code == 0
    assert "fixed" not in err


# ---------------------------------------------------------------------------------------------
# rules, rule, plugins


def test_rule_prints_documentation(run_cli):
    code, out, _ = run_cli("rule", "FT201")
    assert code == 0
    assert out.startswith("invalid-json (FT201)")
    assert "Scope: record · severity: error" in out
    for section in SECTIONS:
        assert section in out
    assert run_cli("rule", "invalid-json")[1] == out
    assert run_cli("rule", "ft201")[1] == out


def test_rules_json_lists_every_rule(run_cli):
    from ftlint.engine import CORE_RULES
    from ftlint.pluginmanager import load_plugins

    code, out, _ = run_cli("rules", "--format", "json")
    assert code == 0
    rules = json.loads(out)
    expected = {r.code for r in (*CORE_RULES, *load_plugins().rules())}
    assert {r["code"] for r in rules} == expected
    assert len({r["code"] for r in rules}) == len(rules)
    assert len({r["name"] for r in rules}) == len(rules)
    assert {"FT001", "FT002", "FT201", "FT203", "FT601"} <= expected
    for rule in rules:
        assert re.fullmatch(r"[A-Z]+\d{3}", rule["code"]), rule
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule["name"]), rule
        assert rule["scope"] in ("file", "record", "dataset"), rule
        assert rule["severity"] in ("error", "warning", "info"), rule
        assert rule["fix"] in (None, "safe", "unsafe", "display-only"), rule
        for section in SECTIONS:
            assert section in rule["documentation"], (rule["code"], section)
        assert rule["summary"], rule


def test_rules_text_table(run_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli("rules")
    assert code == 0
    row = next(line for line in out.splitlines() if line.split()[:1] == ["FT203"])
    assert row.split()[1:6] == ["blank-line", "record", "warning", "safe", "structure"]


def test_plugins_lists_builtins(run_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli("plugins")
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:] if line.strip()}
    assert rows["structure"][1:] == ["0.1.0", "ftlint", "ftlint.rules.structure"]
    assert rows["jsonl"][3] == "ftlint.plugins.jsonl"

    code, out, _ = run_cli("plugins", "-p", "no:structure")
    assert "ftlint.rules.structure" not in out
    code, out, _ = run_cli("rules", "--format", "json", "-p", "no:structure")
    assert "FT201" not in {r["code"] for r in json.loads(out)}


# ---------------------------------------------------------------------------------------------
# What a newcomer runs first: the README's commands, the bundled example, CI

REPO = Path(__file__).resolve().parent.parent
QUICK_START = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[offline]' && "
    ".venv/bin/ftlint check examples/support_faq.csv"
)
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && "
    ".venv/bin/python -m pytest -n auto"
)


def test_readme_commands_and_ci_agree():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"```bash\n{QUICK_START}\n```" in readme
    assert f"```bash\n{TEST_COMMAND}\n```" in readme
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in ci
    assert ci.rstrip().endswith(TEST_COMMAND)


def test_readme_configuration_example_is_valid():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    from ftlint.config import config_from_table

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("```toml\n[tool.ftlint]\n") + len("```toml\n")
    table = tomllib.loads(readme[start : readme.index("```", start)])["tool"]["ftlint"]
    config = config_from_table(table, source="README.md")
    assert config.column_map == {"prompt": "Question", "completion": "Answer"}
    assert str(config.fail_on) == "warning"
    assert config.rule_options["assistant-apology"]["phrases"][0] == "I'm sorry"


def test_bundled_example_runs(run_json, monkeypatch):
    monkeypatch.chdir(REPO)
    code, report = run_json("check", "examples/support_faq.csv")
    assert code in (0, 1)  # it has real defects; which ones depends on the rules installed
    [file_report] = report["files"]
    assert file_report["reader"] == "csv"
    assert file_report["records"] == 36
    assert not {"FT001", "FT002", "FT204"} & set(codes(report))


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def test_bundled_example_prepares_with_every_cell_intact(run_cli, tmp_path, monkeypatch):
    """Every row is written or listed as dropped; the quoted multi-line answer with its
    quoted comma and the Chinese rows come through whole (whatever shape prepare writes)."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "faq.jsonl"
    report_path = tmp_path / "faq.report.json"
    code, _, err = run_cli("prepare", "examples/support_faq.csv", "-o", out, "--report",
                           report_path)  # fmt: skip
    assert code in (0, 1), err
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    [file_report] = json.loads(report_path.read_text(encoding="utf-8"))["files"]
    assert file_report["records"] == 36
    assert len(written) == file_report["written"] == 36 - len(file_report["dropped"])
    texts = [text for record in written for text in _strings(record)]
    answer = (
        'You can return most items within 30 days:\n1. Open Orders and choose "Return an '
        'item".\n2. Print the prepaid label, pack the item in its original box, and drop it'
    )
    assert any(answer in text for text in texts)
    assert any("如何重置密码" in text for text in texts)
    assert any("请在“订单 > 发票”中填写抬头和税号" in text for text in texts)


def test_readme_rules_table_is_current(run_cli):
    """The README's rule table is `ftlint rules --format markdown`: a rule added without
    refreshing it fails here (run that command and paste its output between the markers)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("-->", readme.index("<!-- BEGIN RULES")) + 3
    table = readme[start : readme.index("<!-- END RULES -->")].strip()
    code, out, _ = run_cli("rules", "--format", "markdown", "-p", "no:example")
    assert code == 0
    assert table == out.strip()

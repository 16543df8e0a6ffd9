"""Issue 14 through the command line: grouped text output and the habits of other linters
(--statistics, --show-fixes, --diff, --exit-zero, -q, -s, --show-settings, --show-files,
rule --all), folder walks and standard input, compressed inputs, baselines, the progress bar,
and what a small run imports."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import read_jsonl, write_jsonl


def chat(i: int, answer: str | None = None) -> dict:
    return {
        "messages": [
            {"role": "user", "content": f"Question number {i} about the shop's opening hours?"},
            {"role": "assistant", "content": answer or f"We are open from {i % 9 + 8} am."},
        ]
    }


def jsonl_bytes(rows: list) -> bytes:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows
    ).encode("utf-8")


@pytest.fixture
def blanks(tmp_path, monkeypatch) -> Path:
    """12 good examples with 8 blank lines between them (8 × FT203, each with a safe fix)."""
    rows: list = []
    for i in range(12):
        rows.append(chat(i))
        if i < 8:
            rows.append("")
    monkeypatch.chdir(tmp_path)
    return write_jsonl(tmp_path / "blanks.jsonl", rows)


# ---------------------------------------------------------------------------------------------
# 1. grouping and the habits


def test_text_groups_repeats_and_show_all_lists_them(blanks, run_cli, run_json):
    code, out, _ = run_cli("check", "blanks.jsonl", "--select", "FT203", "--fail-on", "warning")
    assert code == 1
    lines = [line for line in out.splitlines() if "FT203" in line]
    assert len(lines) == 1
    assert lines[0] == (
        "blanks.jsonl: FT203 warning: blank line (blank-line) ×8 — lines 2, 4, 6, 8, 10, … "
        "(--show-all to list every one)"
    )
    assert "fix (safe, --fix): remove the blank line" in out
    _, out, _ = run_cli("check", "blanks.jsonl", "--select", "FT203", "--show-all")
    assert [line.split(":")[1] for line in out.splitlines() if "FT203" in line] == [
        str(n) for n in (2, 4, 6, 8, 10, 12, 14, 16)
    ]
    # the machine formats keep every finding
    _, report = run_json("check", "blanks.jsonl", "--select", "FT203")
    assert len(report["diagnostics"]) == 8
    _, out, _ = run_cli("check", "blanks.jsonl", "--select", "FT203", "-f", "concise")
    assert out.count("FT203") == 8


def test_message_patterns_group_findings_that_differ_in_numbers():
    from ftlint.grouping import group_diagnostics, message_pattern
    from ftlint.model import Diagnostic, Location, Severity

    assert message_pattern("record 7 repeats 'abc' at line 3") == "record N repeats '…' at line N"
    found = [
        Diagnostic("FT603", "conflicting-completions", Severity.WARNING,
                   f"prompt of line {n} has another completion at line {n + 10}",
                   Location("a.csv", line=n, record=n))
        for n in (3, 7, 9, 12)
    ]  # fmt: skip
    [group] = group_diagnostics(found)
    assert group.count == 4 and group.message == "prompt of line N has another completion at line N"
    assert group.where(3) == "lines 3, 7, 9, …"


def test_statistics_in_ruff_layout(blanks, run_cli):
    (blanks.parent / "bad.jsonl").write_text('{"x": 1}\n{bad\n{bad\n', encoding="utf-8")
    code, out, _ = run_cli("check", "blanks.jsonl", "bad.jsonl", "--select", "FT2", "--statistics")
    assert code == 1
    rows = out.splitlines()
    assert rows[0] == "8\tFT203\t[*] blank-line"
    assert rows[1] == "2\tFT201\t    invalid-json"
    assert rows[-1].startswith("Found ") and "[*] 8 fixable with --fix" in rows[-1]
    _, out, _ = run_cli("check", "blanks.jsonl", "--select", "FT203", "--statistics", "-f", "json")
    assert json.loads(out) == [{"code": "FT203", "name": "blank-line", "count": 8, "fixable": 8}]


def test_show_fixes_lists_available_then_applied(blanks, run_cli):
    _, out, _ = run_cli("check", "blanks.jsonl", "--select", "FT203", "--show-fixes")
    assert "Fixes available (8):" in out
    assert "blanks.jsonl: 8 × FT203 remove the blank line (safe, --fix)" in out
    code, out, err = run_cli("check", "blanks.jsonl", "--select", "FT203", "--show-fixes", "--fix")
    assert code == 0 and "Fixed 8:" in out and "ftlint: fixed blanks.jsonl" in err


def test_diff_shows_what_fix_would_change_and_changes_nothing(blanks, run_cli):
    before = blanks.read_bytes()
    code, out, err = run_cli("check", "blanks.jsonl", "--select", "FT203", "--diff")
    assert code == 1
    assert out.startswith("--- a/blanks.jsonl\n+++ b/blanks.jsonl\n@@ ")
    removed = [line for line in out.splitlines() if line.startswith("-") and line[:3] != "---"]
    assert removed == ["-"] * 8
    assert not any(line.startswith("+") and line[:3] != "+++" for line in out.splitlines())
    assert "1 file would be changed by --fix" in err
    assert blanks.read_bytes() == before
    run_cli("check", "blanks.jsonl", "--select", "FT203", "--fix")
    code, out, err = run_cli("check", "blanks.jsonl", "--select", "FT203", "--diff")
    assert code == 0 and out == "" and "--fix would change nothing" in err


def test_exit_zero_quiet_and_silent(blanks, run_cli):
    args = ("check", "blanks.jsonl", "--select", "FT203", "--fail-on", "warning")
    assert run_cli(*args)[0] == 1
    code, out, _ = run_cli(*args, "--exit-zero")
    assert code == 0 and "FT203" in out
    assert run_cli(*args, "--exit-zero", "--select", "FT9999")[0] == 2  # errors still fail
    code, out, _ = run_cli(*args, "-q")
    assert code == 1
    assert out.splitlines()[0].startswith("blanks.jsonl: FT203 warning: blank line")
    assert "Found" not in out and "records" not in out  # no figures, no summary
    code, out, err = run_cli(*args, "-s")
    assert code == 1 and out == "" and err == ""


def test_show_settings_says_where_each_value_came_from(blanks, run_cli):
    (blanks.parent / "ftlint.toml").write_text('fail-on = "warning"\nexclude = ["raw/"]\n')
    code, out, _ = run_cli("check", "--show-settings", "--select", "FT2", "--jobs", "3")
    assert code == 0
    settings = {line.split(" = ")[0].strip(): line for line in out.splitlines()}
    assert settings["select"].endswith('["FT2"]  # command line')
    assert settings["jobs"].endswith("= 3  # command line")
    assert settings["fail-on"].endswith("= warning  # ftlint.toml")
    assert settings["exclude"].endswith('["raw/"]  # ftlint.toml')
    assert settings["target"].endswith("= openai  # default")
    assert settings["config-file"].endswith("ftlint.toml  # found")
    _, out, _ = run_cli("check", "--show-settings", "-f", "json")
    assert json.loads(out)["fail-on"] == {"value": "warning", "source": "ftlint.toml"}


def test_rule_all_prints_every_rule(run_cli):
    from ftlint.engine import CORE_RULES
    from ftlint.pluginmanager import load_plugins

    code, out, _ = run_cli("rule", "--all")
    assert code == 0
    for rule in [*CORE_RULES, *load_plugins([]).rules()]:
        assert f"{rule.name} ({rule.code})" in out
    code, _, err = run_cli("rule", "blank-lines")
    assert code == 2 and "did you mean blank-line" in err


# ---------------------------------------------------------------------------------------------
# 2. paths: folders, standard input


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    """A project: data in folders, a hidden folder, a .gitignore with a negation, other files."""
    root = tmp_path / "project"
    good = jsonl_bytes([chat(i) for i in range(12)])
    for name in ("data/train.jsonl", "data/nested/more.json", "data/raw/dump.jsonl",
                 "data/cache/x.jsonl", "data/cache/keep.jsonl", ".hidden/secret.jsonl",
                 "node_modules/pkg/a.jsonl", "data/train.csv"):  # fmt: skip
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(good if name.endswith("l") else b"prompt,completion\nhi,there\n")
    (root / "data/nested/more.json").write_text(json.dumps([chat(i) for i in range(12)]))
    (root / "data/train.jsonl.gz").write_bytes(gzip.compress(good))
    (root / "package.json").write_text('{"name": "x"}')  # claimed by the JSON reader: read
    (root / "notes.txt").write_text("not data")
    (root / "data/.gitignore").write_text("cache/*\n!cache/keep.jsonl\n")
    (root / ".git").mkdir()  # the walk stops looking for .gitignore files here
    monkeypatch.chdir(root)
    return root


def test_folder_walk_skips_hidden_ignored_and_excluded(tree, run_cli):
    code, out, _ = run_cli("check", "--show-files")
    assert code == 0
    listed = [line.split("\t")[0] for line in out.splitlines()]
    assert listed == [
        "data/cache/keep.jsonl", "data/nested/more.json", "data/train.csv",
        "data/train.jsonl", "data/train.jsonl.gz", "data/raw/dump.jsonl", "package.json",
    ] or sorted(listed) == sorted([
        "data/cache/keep.jsonl", "data/nested/more.json", "data/train.csv",
        "data/train.jsonl", "data/train.jsonl.gz", "data/raw/dump.jsonl", "package.json",
    ])  # fmt: skip
    assert all(line.endswith("\tfound under .") for line in out.splitlines())
    _, out, _ = run_cli("check", "data", "--show-files", "--exclude", "raw,*.csv")
    listed = sorted(line.split("\t")[0] for line in out.splitlines())
    assert listed == [
        "data/cache/keep.jsonl", "data/nested/more.json", "data/train.jsonl",
        "data/train.jsonl.gz",
    ]  # fmt: skip
    (tree / "ftlint.toml").write_text('extend-exclude = ["nested"]\n')
    _, out, _ = run_cli("check", "data", "--show-files", "--extend-exclude", "*.gz")
    listed = sorted(line.split("\t")[0] for line in out.splitlines())
    assert listed == ["data/cache/keep.jsonl", "data/raw/dump.jsonl", "data/train.csv",
                      "data/train.jsonl"]  # fmt: skip


def test_no_path_checks_the_working_directory(tree, run_json):
    _code, report = run_json("check", "--select", "FT2", "--exclude", "package.json")
    paths = sorted(f["path"] for f in report["files"])
    assert "data/train.jsonl.gz" in paths and "data/nested/more.json" in paths
    assert not any(p.startswith((".hidden", "node_modules")) or "cache/x" in p for p in paths)
    assert report["summary"]["files"] == 6


def test_prepare_of_a_folder_and_its_outputs(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    write_jsonl(tmp_path / "data" / "a.jsonl", [chat(i) for i in range(12)])
    write_jsonl(tmp_path / "data" / "b.jsonl", [chat(i) for i in range(20, 32)])
    code, _, err = run_cli("prepare", "data")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [
        "a.jsonl",
        "a_prepared.jsonl",
        "a_prepared.report.json",
        "b.jsonl",
        "b_prepared.jsonl",
    ]  # one report, beside the first output
    code, out, _ = run_cli("check", "data", "--show-files")
    assert "report.json" not in out and "a_prepared.jsonl" in out  # outputs are checkable
    code, _, err = run_cli("prepare", "data", "--force")  # its own outputs are not inputs
    assert code == 0, err
    assert not list((tmp_path / "data").glob("*_prepared_prepared*"))
    code, _, err = run_cli("prepare")
    assert code == 2 and "prepare needs a PATH" in err


def test_a_folder_without_data_is_a_note(tmp_path, run_cli):
    (tmp_path / "empty").mkdir()
    code, out, _ = run_cli("check", tmp_path / "empty")
    assert code == 0 and "no data files under" in out


def test_standard_input_with_a_name_and_format(tmp_path, run_cli, monkeypatch):
    data = jsonl_bytes([chat(i) for i in range(11)] + ["{bad"])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run_cli("check", "-", "--stdin-filename", "data/train.jsonl", "-f", "concise")
    assert code == 1
    assert "data/train.jsonl:12:2: FT201 [error] invalid JSON" in out
    csv = b"prompt,completion\n" + b"".join(b"q%d,a%d\n" % (i, i) for i in range(3))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(csv)))
    code, out, _ = run_cli("check", "-", "--stdin-filename", "qa.csv", "-f", "json")
    report = json.loads(out)
    assert report["files"][0]["path"] == "qa.csv" and report["files"][0]["reader"] == "csv"
    assert report["files"][0]["records"] == 3
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, _, err = run_cli("check", "-", "--fix")
    assert code == 2 and "--fix cannot rewrite standard input" in err


def test_prepare_from_standard_input(tmp_path, run_cli, monkeypatch):
    data = jsonl_bytes([chat(i) for i in range(12)])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    out = tmp_path / "out.jsonl"
    code, _, err = run_cli("prepare", "-", "-o", out, "--no-report")
    assert code == 0, err
    assert read_jsonl(out) == [chat(i) for i in range(12)]
    code, _, err = run_cli("prepare", "-")
    assert code == 2 and "needs -o/--output" in err


# ---------------------------------------------------------------------------------------------
# 3. compressed inputs


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


COMPRESSORS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress, ".zst": _zstd}


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_compressed_jsonl_keeps_uncompressed_line_numbers(tmp_path, run_cli, suffix):
    rows: list = [chat(i) for i in range(14)]
    rows[4] = "{bad json"
    rows.insert(9, "")
    path = tmp_path / f"train.jsonl{suffix}"
    path.write_bytes(COMPRESSORS[suffix](jsonl_bytes(rows)))
    code, out, _ = run_cli("check", path, "--select", "FT2", "-f", "concise")
    assert code == 1
    assert f"train.jsonl{suffix}:5:2: FT201 [error] invalid JSON" in out
    assert f"train.jsonl{suffix}:10: FT203 [warning] blank line" in out


def test_real_dataset_gzipped_reads_like_the_original(shared_data, tmp_path, run_json):
    source = shared_data / "openai__openai-cookbook" / "toy_chat_fine_tuning.jsonl"
    packed = tmp_path / "toy_chat_fine_tuning.jsonl.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    _, plain = run_json("check", source, "--select", "FT1,FT2,FT3,FT6")
    _, gz = run_json("check", packed, "--select", "FT1,FT2,FT3,FT6")
    strip = [{**d, "location": {**d["location"], "path": None}} for d in plain["diagnostics"]]
    assert [{**d, "location": {**d["location"], "path": None}} for d in gz["diagnostics"]] == strip
    assert gz["files"][0]["records"] == plain["files"][0]["records"] > 0


def test_compressed_csv_and_json(tmp_path, run_json):
    (tmp_path / "qa.csv.bz2").write_bytes(
        bz2.compress(b"prompt,completion\n" + b"".join(b"q%d,a%d\n" % (i, i) for i in range(12)))
    )
    (tmp_path / "d.json.xz").write_bytes(lzma.compress(json.dumps([chat(1)]).encode()))
    _, report = run_json(
        "check", tmp_path / "qa.csv.bz2", tmp_path / "d.json.xz", "--select", "FT2"
    )
    readers = {Path(f["path"]).name: (f["reader"], f["records"]) for f in report["files"]}
    assert readers == {"qa.csv.bz2": ("csv", 12), "d.json.xz": ("json", 1)}


def test_prepare_writes_plain_jsonl_unless_the_output_is_compressed(tmp_path, run_cli):
    rows = [chat(i) for i in range(12)]
    source = tmp_path / "test.jsonl.gz"
    source.write_bytes(gzip.compress(jsonl_bytes(rows)))
    code, _, err = run_cli("prepare", source, "--no-report")
    assert code == 0, err
    plain = tmp_path / "test_prepared.jsonl"
    assert read_jsonl(plain) == rows
    for suffix, opener in ((".gz", gzip.open), (".xz", lzma.open), (".bz2", bz2.open)):
        out = tmp_path / f"out.jsonl{suffix}"
        code, _, err = run_cli("prepare", source, "-o", out, "--no-report")
        assert code == 0, err
        with opener(out, "rb") as handle:
            assert handle.read() == plain.read_bytes()
    code, out_text, _ = run_cli("check", source, "--fix", "--select", "FT2")
    assert "--fix rewrites plain (uncompressed) JSONL files only" in out_text
    assert gzip.decompress(source.read_bytes()) == jsonl_bytes(rows)


def test_decompression_bombs_stop_at_the_limits(tmp_path, run_json):
    line = json.dumps(chat(1)).encode() + b"\n"
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(gzip.compress(line * 60_000, compresslevel=9))  # ~8 MB from ~40 KB
    code, report = run_json("check", bomb, "--select", "FT2")
    [refusal] = [d for d in report["diagnostics"] if d["code"] == "FT214"]
    assert (
        "--max-compression-ratio" in refusal["message"]
        and "decompression bomb" in (refusal["message"])
    )
    assert refusal["location"]["line"] is not None  # where reading stopped
    assert code == 1 and 0 < report["files"][0]["records"] < 60_000
    small = tmp_path / "small.jsonl.gz"
    small.write_bytes(gzip.compress(line * 40))
    code, report = run_json("check", small, "--max-expanded-size", "2000", "--select", "FT2")
    assert any("--max-expanded-size" in d["message"] for d in report["diagnostics"])
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(line * 40)[:-30])
    code, report = run_json("check", broken, "--select", "FT2")
    assert any("damaged" in d["message"] for d in report["diagnostics"]), report


# ---------------------------------------------------------------------------------------------
# 5. baseline


def test_baseline_survives_unrelated_edits_and_reports_stale_entries(tmp_path, run_cli):
    rows: list = [chat(i) for i in range(12)]
    rows[3] = {"messages": [{"role": "user", "content": "Only a question?"}]}  # FT3xx finding
    rows[7] = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant",
                                                               "content": ""}]}  # fmt: skip
    data = write_jsonl(tmp_path / "train.jsonl", rows)
    baseline = tmp_path / "baseline.json"
    code, out, _ = run_cli("check", data, "-f", "json")
    found = json.loads(out)["diagnostics"]
    assert code == 1 and found
    code, _, err = run_cli("check", data, "--baseline", baseline, "--write-baseline")
    assert code == 0 and "wrote" in err and baseline.is_file()
    entries = json.loads(baseline.read_text())["entries"]
    assert sum(e["count"] for e in entries) == len(found)
    assert code == 0

    # unrelated edits: records inserted before, another appended: still nothing new
    write_jsonl(data, [chat(100), chat(101), *rows, chat(102)])
    code, out, _ = run_cli("check", data, "--baseline", baseline, "-f", "json")
    report = json.loads(out)
    assert code == 0, report["diagnostics"]
    assert report["summary"]["baseline_suppressed"] == len(found)

    # the flagged record edited: its finding is new again; a fixed record's entry is stale
    edited = [chat(100), chat(101), *rows, chat(102)]
    edited[2 + 3] = {"messages": [{"role": "user", "content": "Another lone question?"}]}
    edited[2 + 7] = chat(7)
    write_jsonl(data, edited)
    code, out, _ = run_cli("check", data, "--baseline", baseline)
    assert code == 1
    assert "line 6" in out or ":6" in out
    assert "no longer found" in out and "rewrite it with --write-baseline" in out
    code, _, err = run_cli("check", data, "--baseline", tmp_path / "missing.json")
    assert code == 2 and "does not exist" in err


# ---------------------------------------------------------------------------------------------
# 8. progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_counts_every_worker(tmp_path, monkeypatch):
    from ftlint import progress
    from ftlint.cli import main

    data = write_jsonl(tmp_path / "big.jsonl", [chat(i) for i in range(3000)])
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "MIN_BYTES", 1)
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1000")  # split across 2 forked workers
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    seen: list[int] = []
    original = progress.Bar.__exit__

    def record(self, *exc):
        seen.append(self._counter.value)
        return original(self, *exc)

    monkeypatch.setattr(progress.Bar, "__exit__", record)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = main(["check", str(data), "--select", "FT2,FT6", "--jobs", "2", "-f", "json"])
    assert code in (0, 1)
    assert seen and seen[0] >= data.stat().st_size  # both workers' bytes in one counter
    assert "checking" in terminal.getvalue()


def test_no_progress_bar_when_not_a_terminal_in_a_hook_or_quiet(monkeypatch):
    from ftlint import progress

    monkeypatch.delenv("FTLINT_NO_PROGRESS", raising=False)
    assert progress.wanted(FakeTerminal())
    assert not progress.wanted(io.StringIO())
    assert not progress.wanted(FakeTerminal(), hook=True)
    assert not progress.wanted(FakeTerminal(), quiet=True)


# ---------------------------------------------------------------------------------------------
# 7. what a small run imports


def test_a_small_check_imports_nothing_heavy(tmp_path):
    data = write_jsonl(tmp_path / "small.jsonl", [chat(i) for i in range(12)])
    code = (
        "import sys\n"
        "from ftlint.cli import main\n"
        f"main(['check', {str(data)!r}])\n"
        "heavy = ('numpy', 'openai', 'pandas', 'matplotlib', 'pyarrow', 'pydantic', 'httpx',\n"
        "         'bpe_openai', 'jinja2', 'zstandard', 'pathspec')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300)  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout + result.stderr

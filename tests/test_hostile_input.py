"""Hostile input (issue 13): every input ends in exit 0 or 1 with a well-formed, valid UTF-8
report; readers never stop early; every record read is written, dropped or rejected; limits
are refusals with a location, never a hang, a crash or gigabytes of memory."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import ftlint

FTLINT = [sys.executable, "-m", "ftlint.cli"]
CHAT = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
LINE = json.dumps(CHAT)


def run(*args: str | Path, cwd: Path, timeout: float = 120) -> tuple[int, bytes, bytes]:
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run(
        [*FTLINT, *map(os.fsdecode, args)],
        cwd=cwd, capture_output=True, timeout=timeout, env=env,
    )  # fmt: skip
    return result.returncode, result.stdout, result.stderr


def check_json(path: Path, *options: str) -> tuple[int, dict]:
    code, out, err = run("check", path, "-f", "json", *options, cwd=path.parent)
    assert code in (0, 1), err.decode("utf-8", "replace")
    return code, json.loads(out.decode("utf-8"))  # strict: valid UTF-8, valid JSON


def prepare_json(path: Path, *options: str) -> tuple[int, dict, Path]:
    out = path.with_name(path.name + ".out.jsonl")
    report = path.with_name(path.name + ".report.json")
    code, stdout, err = run(
        "prepare", path, "-o", out, "--report", report, "--force", "-f", "json", *options,
        cwd=path.parent,
    )  # fmt: skip
    assert code in (0, 1), err.decode("utf-8", "replace")
    json.loads(stdout.decode("utf-8"))
    saved = json.loads(report.read_bytes().decode("utf-8"))
    if saved["files"] and saved["files"][0]["written"] == 0:
        # Nothing acceptable (issue 17): no output file at all, the records are rejected.
        assert not out.exists()
    else:
        out.read_bytes().decode("utf-8")
    return code, saved, out


def codes(report: dict) -> list[str]:
    return [d["code"] for d in report["diagnostics"]]


def accounted(report: dict) -> None:
    """records read == written + dropped by a fix + rejected, per file and in the summary."""
    for file in report["files"]:
        rejected = sum(1 for d in file["dropped"] if d["rejected"])
        assert rejected == file["rejected"]
        dropped = len(file["dropped"]) - rejected
        assert file["records"] == file["written"] + dropped + rejected, file
    summary = report["summary"]
    assert summary["records"] == summary["written"] + summary["dropped"] + summary["rejected"]


# -- known failures of the issue ------------------------------------------------------------


def test_an_integer_of_5000_digits(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text('{"x":' + "9" * 5000 + "}\n" + LINE + "\n", encoding="utf-8")
    code, report, out = prepare_json(path, "--select", "FT2")
    assert code == 1 and codes(report) == ["FT214"]
    assert "5,000 digits" in report["diagnostics"][0]["message"]
    assert report["diagnostics"][0]["location"]["line"] == 1
    assert len(out.read_text("utf-8").splitlines()) == 1
    accounted(report)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_lone_surrogate_never_reaches_an_output(tmp_path, suffix):
    record = LINE[:-1] + ', "\\ud800": 1}'
    path = tmp_path / f"s{suffix}"
    path.write_text(f"[{record}]" if suffix == ".json" else record + "\n" + LINE + "\n")
    code, report = check_json(path)
    assert code == 1 and "FT201" in codes(report)
    code, report, _out = prepare_json(path, "--fix")
    assert [d["rejected"] for d in report["files"][0]["dropped"]] == [True]
    accounted(report)


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_nesting_1000_deep(tmp_path, suffix):
    deep = "[" * 1000 + "]" * 1000
    path = tmp_path / f"d{suffix}"
    record = LINE[:-1] + f', "x": {deep}}}'
    path.write_text(f"[{record}, {LINE}]" if suffix == ".json" else f"{record}\n{LINE}\n")
    code, report = check_json(path)  # every rule, FT701 included
    assert code == 1 and "FT001" not in codes(report)
    [refusal] = [d for d in report["diagnostics"] if d["code"] == "FT214"]
    assert "levels deep" in refusal["message"] and refusal["location"]["record"] == 1
    code, report, out = prepare_json(path)
    assert len(out.read_text("utf-8").splitlines()) == 1
    accounted(report)


def test_a_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"\xff-train.jsonl")
    path = tmp_path / name
    path.write_text(LINE + "\n", encoding="utf-8")
    code, report = check_json(path)
    assert report["files"][0]["path"].endswith("\\xff-train.jsonl")
    # The user is told, with the escaped name (FT106), not left to guess.
    [told] = [d for d in report["diagnostics"] if d["code"] == "FT106"]
    assert told["severity"] == "warning" and "(\\xff)" in told["message"]
    assert "\\xff-train.jsonl'" in told["message"]
    assert told["location"]["path"].endswith("\\xff-train.jsonl")
    code, stdout, err = run("prepare", path, "-f", "json", cwd=tmp_path)
    assert code in (0, 1), err
    saved = json.loads(stdout.decode("utf-8"))
    assert any(d["code"] == "FT106" for d in saved["diagnostics"])
    assert saved["files"][0]["outputs"][0].endswith("\\xff-train_prepared.jsonl")
    report_file = tmp_path / os.fsdecode(b"\xff-train_prepared.report.json")
    json.loads(report_file.read_bytes().decode("utf-8"))


def test_a_utf16_mark_before_utf8_lines_hides_no_record(tmp_path):
    path = tmp_path / "u.jsonl"
    path.write_bytes(b"\xfe\xff" + b"".join((LINE + "\n").encode() for _ in range(12)))
    _code, report, _out = prepare_json(path)
    file = report["files"][0]
    assert file["records"] == 12
    assert (file["written"], file["rejected"]) == (11, 1)
    accounted(report)


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("empty.json", "[]", "FT215"),
        ("rows.csv", "prompt,completion\n,\n ,\n", "FT215"),
        ("garbage.json", "[] trailing", "FT201"),
        ("items.json", f"[{LINE}] trailing", "FT201"),
    ],
)
def test_inputs_without_an_example_are_reported(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    status, report = check_json(path, "--select", "FT2")
    assert status == 1 and code in codes(report)


# -- limits ---------------------------------------------------------------------------------


def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "x.jsonl"
    os.mkfifo(fifo)
    code, report = check_json(fifo)  # the subprocess timeout catches a hang
    assert code == 1 and codes(report) == ["FT002"]
    assert "named pipe" in report["diagnostics"][0]["message"]


def test_a_device_is_refused(tmp_path):
    link = tmp_path / "zero.jsonl"
    link.symlink_to("/dev/zero")
    code, report = check_json(link)
    assert code == 1 and "character device" in report["diagnostics"][0]["message"]


def test_a_line_over_the_record_size_is_skipped_unread(tmp_path):
    path = tmp_path / "big.jsonl"
    blob = '{"x": "' + "a" * 3_000_000 + '"}'
    path.write_text(f"{LINE}\n{blob}\n{LINE}\n", encoding="utf-8")
    _code, report, out = prepare_json(path, "--max-record-size", "1MB")
    [refusal] = [d for d in report["diagnostics"] if d["code"] == "FT214"]
    assert refusal["location"]["line"] == 2 and "3,000,009 bytes" in refusal["message"]
    assert len(out.read_text("utf-8").splitlines()) == 2
    accounted(report)


def test_check_fix_leaves_a_file_with_a_refused_line_untouched(tmp_path):
    path = tmp_path / "big.jsonl"
    original = f"{LINE}\n\n" + '{"x": "' + "a" * 2000 + '"}\n'
    path.write_text(original, encoding="utf-8")
    code, _out, _err = run("check", path, "--fix", "--max-record-size", "1000", cwd=tmp_path)
    assert code == 1
    assert path.read_text("utf-8") == original  # the unread line is not lost


def test_limits_from_the_configuration_file(tmp_path):
    (tmp_path / "ftlint.toml").write_text('max-depth = 2\nmax-record-size = "1MB"\n')
    path = tmp_path / "d.jsonl"
    path.write_text('{"a": [[1]]}\n{"a": [1]}\n', encoding="utf-8")
    code, report = check_json(path, "--select", "FT2")
    assert codes(report) == ["FT214"] and report["diagnostics"][0]["location"]["line"] == 1
    (tmp_path / "ftlint.toml").write_text("max-depth = 0\n")
    code, _out, err = run("check", path, cwd=tmp_path)
    assert code == 2 and b"max-depth" in err


def _workbook(rows: int, text: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["prompt", "completion"])
    for _ in range(rows):
        sheet.append([text, text])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_bomb_is_refused_before_any_sheet_is_parsed(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 2_000_000)  # 12 MB
    _code, report = check_json(path, "--select", "FT2")
    [refusal] = report["diagnostics"]
    assert refusal["code"] == "FT214" and "--max-compression-ratio" in refusal["message"]
    _code, report = check_json(path, "--select", "FT2", "--max-expanded-size", "1MB")
    assert "--max-expanded-size" in report["diagnostics"][0]["message"]


def test_an_ordinary_workbook_is_read(tmp_path):
    path = tmp_path / "ok.xlsx"
    path.write_bytes(_workbook(20, "What is the capital of France? Paris."))
    _code, report = check_json(path, "--select", "FT2")
    assert "FT214" not in codes(report) and report["files"][0]["records"] == 20


# -- through the Python API -------------------------------------------------------------------


def test_the_api_with_hostile_records():
    deep: list = []
    node = deep
    for _ in range(300):
        node.append([])
        node = node[0]
    records = [
        CHAT,
        {**CHAT, "\ud800": 1},
        {**CHAT, "n": 10**40},
        {**CHAT, "deep": deep},
        CHAT,
    ]
    report = ftlint.check(records, isolated=True)
    assert report.files[0].records == 5
    assert "FT001" not in {d.code for d in report.diagnostics}
    json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
    result = ftlint.prepare(records, isolated=True)
    file = result.report.files[0]
    assert file.records == file.written + file.dropped_by_fix + file.rejected
    result.cleanup()


# -- the accounting identity over many inputs -------------------------------------------------

INPUTS = {
    "plain.jsonl": (LINE + "\n") * 5,
    "blank-lines.jsonl": f"{LINE}\n\n{LINE}\n  \n",
    "broken.jsonl": f"{LINE}\n{{nope\n{LINE}\n[1]\n",
    "duplicates.jsonl": f"{LINE}\n{LINE}\n{LINE}\n",
    "array.jsonl": f"[{LINE},\n {LINE}]\n",
    "array.json": f"[{LINE}, {{bad}}, {LINE}]",
    "object.json": LINE,
    "under-key.json": json.dumps({"data": [CHAT, CHAT], "meta": 1}),
    "lines.json": f"{LINE}\n{LINE}\n",
    "empty.json": "[]",
    "trailing.json": f"[{LINE}] x",
    "table.csv": "prompt,completion\nq,a\n,\nq2,a2\n",
    "empty-rows.csv": "prompt,completion\n,\n",
    "missing.csv": "question,answer\nq,a\n",
    "table.tsv": "prompt\tcompletion\nq\ta\n",
    "deep.jsonl": f"{LINE}\n" + '{"a":' + "[" * 200 + "]" * 200 + "}\n",
    "numbers.jsonl": f"{LINE}\n" + '{"a": ' + "1" * 2000 + "}\n" + '{"a": 1e999}\n',
    "nan.json": '[{"a": NaN}, ' + LINE + "]",
    "surrogate.jsonl": LINE[:-1] + ', "x": "\\udc00"}\n' + LINE + "\n",
    "latin1.jsonl": (LINE[:-2] + ' caf\xe9"}\n').encode("latin-1"),
    "utf16.jsonl": ((LINE + "\n") * 3).encode("utf-16"),
    "bom16-utf8.jsonl": b"\xfe\xff" + ((LINE + "\n") * 4).encode(),
    "nul.jsonl": f"{LINE}\n\x00\x00\n{LINE}\n",
}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_every_record_is_accounted_for(tmp_path, name):
    content = INPUTS[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    for options in ((), ("--fix", "--unsafe-fixes")):
        _code, report, out = prepare_json(path, *options)
        accounted(report)
        lines = len(out.read_bytes().splitlines()) if out.exists() else 0
        assert report["files"][0]["written"] == lines
    _code, report = check_json(path)
    assert report["summary"]["rejected"] == report["files"][0]["rejected"]


def test_the_text_report_shows_the_accounting(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(f"{LINE}\n{{nope\n{LINE}\n", encoding="utf-8")
    _code, out, _err = run("prepare", path, cwd=tmp_path)
    assert b"3 records \xc2\xb7 2 written \xc2\xb7 0 dropped \xc2\xb7 1 rejected" in out


def test_ftlint_check_api_reports_limits(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"a": [[[1]]]}\n' + LINE + "\n", encoding="utf-8")
    report = ftlint.check(path, isolated=True, max_depth=3, select=["FT2"])
    assert [(d.code, d.location.line) for d in report.diagnostics] == [("FT214", 1)]
    assert report.files[0].rejected == 1

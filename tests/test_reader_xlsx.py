"""XLSX reader: workbooks written with openpyxl in tmp_path (numbers, dates, booleans, formulas,
several sheets), read through the CLI and the reader."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
from ftlint.plugins.xlsx import XlsxReader, format_value

from ftlint.rule import FileContext
from tests.conftest import codes

openpyxl = pytest.importorskip("openpyxl")

ONLY_READING = ("--select", "FT2")


def read(path: Path, sheet: str | None = None, column_map: dict | None = None) -> list:
    file = FileContext.open(path)
    file.options = {"sheet": sheet, "column_map": column_map or {}}
    return list(XlsxReader().read(file))


def records(items: list) -> list:
    return [r for r in items if r.is_record and r.problem is None]


def problems(items: list, kind: str) -> list:
    return [r for r in items if r.problem is not None and r.problem.kind == kind]


def diags(report: dict, name: str) -> list[dict]:
    return [d for d in report["diagnostics"] if d["name"] == name]


def make_workbook(path: Path) -> Path:
    """Sheet 'QR' (header on row 3 after empty rows, typed values, a formula) and 'Plain'."""
    workbook = openpyxl.Workbook()
    qr = workbook.active
    qr.title = "QR"
    qr["A3"], qr["B3"], qr["C3"] = "Question", "Réponse", "Notes"
    rows = [
        ("Integer?", 42, None),
        ("Float?", 0.1 + 0.2, "x"),
        ("Whole float?", 1234567.0, None),
        ("Date?", dt.date(2024, 5, 1), None),
        ("Date and time?", dt.datetime(2024, 5, 1, 13, 45), None),
        ("Boolean?", True, None),
        ("Formula?", "=6*7", None),
        ("Percent?", 0.25, None),
    ]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is not None:
                qr.cell(row=4 + offset, column=column, value=value)
    qr["B4"].number_format = "0"
    qr["B11"].number_format = "0%"
    qr["B8"].number_format = "yyyy-mm-dd h:mm"
    # A styled but empty cell far to the right and rows below: trailing emptiness is ignored.
    qr["H20"].number_format = "0.00"
    plain = workbook.create_sheet("Plain")
    plain.append(["prompt", "completion"])
    plain.append(["p1", "c1"])
    plain.append([None, None])
    plain.append(["p2", "c2"])
    workbook.save(path)
    return path


def with_cached_formula_value(path: Path, cell: str, value: str) -> None:
    """openpyxl does not compute formulas; write the cached value Excel would have saved."""
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    xml = entries["xl/worksheets/sheet1.xml"].decode()
    xml, count = re.subn(
        rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f><v\s*/>', rf"\1<f>\2</f><v>{value}</v>", xml
    )
    assert count == 1
    entries["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            target.writestr(name, data)


QR_MAP = {"prompt": "Question", "completion": "Réponse"}
MAP_ARGS = ("--map", "prompt=Question", "--map", "completion=Réponse")


def test_values_become_what_a_person_sees(tmp_path):
    path = make_workbook(tmp_path / "book.xlsx")
    with_cached_formula_value(path, "B10", "42")
    got = records(read(path, sheet="QR", column_map=QR_MAP))
    assert [r.data["completion"] for r in got] == [
        "42",
        "0.3",
        "1234567",
        "2024-05-01",
        "2024-05-01 13:45",
        "TRUE",
        "42",
        "25%",
    ]
    assert [r.location.line for r in got] == list(range(4, 12))
    assert {r.location.sheet for r in got} == {"QR"}
    assert [r.location.record for r in got] == list(range(1, 9))
    assert all(r.source_format == "xlsx" for r in got)
    assert got[1].raw == "Float? | 0.3 | x"


def test_formula_without_cached_value_reads_as_empty(tmp_path):
    path = make_workbook(tmp_path / "book.xlsx")
    got = records(read(path, sheet="QR", column_map=QR_MAP))
    assert got[6].data == {"prompt": "Formula?", "completion": ""}


def test_every_sheet_is_read_with_its_own_header(tmp_path, run_json):
    path = make_workbook(tmp_path / "book.xlsx")
    items = read(path, column_map={})
    # QR has no prompt/completion columns: one missing-column, then its rows are unmapped.
    [missing] = problems(items, "missing-column")
    assert missing.location.sheet == "QR" and missing.location.line == 3
    assert "--sheet QR" in missing.problem.message
    assert "'Question', 'Réponse', 'Notes'" in missing.problem.message
    assert len(problems(items, "unmapped-row")) == 8
    plain = records(items)
    assert [(r.data["prompt"], r.location.sheet, r.location.line) for r in plain] == [
        ("p1", "Plain", 2),
        ("p2", "Plain", 4),
    ]
    assert [r.location.record for r in plain] == [9, 10]  # numbered across the workbook
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 1
    assert codes(report) == ["FT204"]
    assert report["diagnostics"][0]["location"]["sheet"] == "QR"
    assert report["files"][0]["records"] == 10


def test_sheet_option_and_unknown_sheet(tmp_path, run_json):
    path = make_workbook(tmp_path / "book.xlsx")
    code, report = run_json("check", path, "--sheet", "plain", *ONLY_READING)
    assert code == 0 and report["diagnostics"] == []
    assert report["files"][0]["records"] == 2
    code, report = run_json("check", path, "--sheet", "Sheet1", *ONLY_READING)
    assert code == 1
    [unknown] = report["diagnostics"]
    assert (unknown["code"], unknown["name"]) == ("FT213", "unknown-sheet")
    assert "'Sheet1'" in unknown["message"] and "'QR', 'Plain'" in unknown["message"]
    assert report["files"][0]["records"] == 0


def test_extra_columns_and_cells_beyond_the_header(tmp_path, run_json):
    path = tmp_path / "wide.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["prompt", "completion", None, "Source"])
    sheet.append(["a", "b", None, "web"])
    sheet.append(["c", "d", None, None, "stray"])  # E: beyond the header
    sheet.append(["e"])  # short rows are normal in a spreadsheet
    workbook.save(path)
    items = read(path)
    assert [r.data for r in records(items)] == [
        {"prompt": "a", "completion": "b"},
        {"prompt": "c", "completion": "d"},
        {"prompt": "e", "completion": ""},
    ]
    _code, report = run_json("check", path, *ONLY_READING)
    [extra] = diags(report, "extra-column")
    assert "'Source'" in extra["message"] and "1 unnamed column (C)" in extra["message"]
    [ragged] = diags(report, "ragged-row")
    assert ragged["location"]["line"] == 3 and ragged["location"]["sheet"] == "Sheet"


def test_corrupt_workbooks_are_diagnostics(tmp_path, run_json, run_cli):
    text = tmp_path / "text.xlsx"
    text.write_text("prompt,completion\na,b\n", encoding="utf-8")
    not_excel = tmp_path / "other.xlsx"
    with zipfile.ZipFile(not_excel, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(make_workbook(tmp_path / "good.xlsx").read_bytes()[:900])
    for path in (text, not_excel, truncated):
        code, report = run_json("check", path)
        assert code == 1
        [diagnostic] = diags(report, "unreadable-workbook")
        assert diagnostic["code"] == "FT212"
        assert "FT001" not in codes(report)
    assert (
        "not a zip archive"
        in diags(run_json("check", text)[1], "unreadable-workbook")[0]["message"]
    )
    code, out, err = run_cli("check", text)
    assert "Traceback" not in out + err


def test_prepare_xlsx_writes_records_in_order(tmp_path, run_cli):
    path = make_workbook(tmp_path / "book.xlsx")
    with_cached_formula_value(path, "B10", "42")
    code, _o, err = run_cli("prepare", path, "--sheet", "QR", *MAP_ARGS, *ONLY_READING)
    assert code == 0, err
    lines = (tmp_path / "book_prepared.jsonl").read_text("utf-8").splitlines()
    got = [json.loads(line) for line in lines]
    assert got[0] == {"prompt": "Integer?", "completion": "42"}
    assert [g["completion"] for g in got][3:5] == ["2024-05-01", "2024-05-01 13:45"]
    assert len(got) == 8


def test_prepare_lists_unmapped_rows_as_dropped(tmp_path, run_cli):
    path = make_workbook(tmp_path / "book.xlsx")
    code, _o, _e = run_cli("prepare", path, *ONLY_READING)
    assert code == 1
    assert [json.loads(x) for x in (tmp_path / "book_prepared.jsonl").read_text().splitlines()] == [
        {"prompt": "p1", "completion": "c1"},
        {"prompt": "p2", "completion": "c2"},
    ]
    report = json.loads((tmp_path / "book_prepared.report.json").read_text("utf-8"))
    dropped = report["files"][0]["dropped"]
    assert len(dropped) == 8
    assert {d["location"]["sheet"] for d in dropped} == {"QR"}
    assert [d["location"]["line"] for d in dropped] == list(range(4, 12))


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (3.0, "General", "3"),
        (0.1 + 0.2, "General", "0.3"),
        (1 / 3, "General", "0.333333333333333"),
        (1234.5, "#,##0.00", "1,234.50"),
        (0.125, "0.0%", "12.5%"),
        (2.5e20, "0.00E+00", "2.5e+20"),
        (False, "General", "FALSE"),
        (dt.datetime(2024, 5, 1, 0, 0), "mm-dd-yy", "2024-05-01"),
        (dt.datetime(2024, 5, 1, 0, 0), "yyyy-mm-dd hh:mm", "2024-05-01 00:00"),
        (dt.datetime(2024, 5, 1, 9, 5, 7), "General", "2024-05-01 09:05:07"),
        (dt.time(13, 45), "h:mm", "13:45"),
        (dt.timedelta(hours=26, minutes=3), "[h]:mm:ss", "26:03:00"),
        (None, "General", ""),
        ("text", "@", "text"),
    ],
)
def test_format_value(value, number_format, text):
    assert format_value(value, number_format) == text


def test_bh_assurance_workbook(shared_data, run_json):
    path = shared_data / "revenger101__BH-Assurance" / "Exemples_questions_reponses.xlsx"
    code, report = run_json("check", path, *MAP_ARGS, *ONLY_READING)
    assert code == 0
    assert report["files"][0]["records"] == 142
    got = records(read(path, column_map=QR_MAP))
    assert len(got) == 142
    assert {r.location.sheet for r in got} == {"QR"}
    assert got[0].location.line == 2
    assert got[0].data["prompt"].startswith("Qu’est-ce qu’une prime")
    _code, report = run_json("check", path, *ONLY_READING)
    [missing] = diags(report, "missing-column")
    assert "--map prompt=Question" in missing["message"]

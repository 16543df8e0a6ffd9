"""CSV / TSV readers and the column rules: real files in tmp_path, read through the CLI (and the
reader directly where line numbers of every record matter)."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path

import pytest
from ftlint.plugins.tabular import CsvReader, TsvReader, choose_delimiter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlint.rule import FileContext
from tests.conftest import codes

# Only the reading/structure rules: other rule families must not change these assertions.
ONLY_READING = ("--select", "FT2")


def read(path: Path, reader=None, **options) -> list:
    file = FileContext.open(path)
    file.options = {"sheet": None, "column_map": options.pop("column_map", {})}
    for key, value in options.items():
        setattr(file, key, value)
    reader = reader or (TsvReader() if path.suffix in (".tsv", ".tab") else CsvReader())
    return list(reader.read(file))


def records(items: list) -> list:
    return [r for r in items if r.is_record and r.problem is None]


def problems(items: list, kind: str) -> list:
    return [r for r in items if r.problem is not None and r.problem.kind == kind]


def diags(report: dict, name: str) -> list[dict]:
    return [d for d in report["diagnostics"] if d["name"] == name]


# ---------------------------------------------------------------------------------------------
# Basic reading


def test_headers_found_case_insensitively_and_rows_become_records(tmp_path, run_json):
    path = tmp_path / "faq.csv"
    path.write_text(" Prompt ,COMPLETION\nHello?,Hi!\nBye?,See you.\n", encoding="utf-8")
    items = read(path)
    got = records(items)
    assert [r.data for r in got] == [
        {"prompt": "Hello?", "completion": "Hi!"},
        {"prompt": "Bye?", "completion": "See you."},
    ]
    assert [(r.location.line, r.location.record) for r in got] == [(2, 1), (3, 2)]
    assert all(r.source_format == "csv" for r in got)
    assert got[0].raw == "Hello?,Hi!"
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 0
    assert report["diagnostics"] == []
    assert report["files"][0]["reader"] == "csv"
    assert report["files"][0]["records"] == 2


def test_quoted_cells_with_delimiters_and_newlines_keep_physical_lines(tmp_path):
    path = tmp_path / "multi.csv"
    path.write_bytes(
        b"prompt,completion\n"
        b'"Line one\nline two, with a comma","Answer ""quoted"""\n'  # lines 2-3
        b'plain,"three\nline\nanswer"\n'  # lines 4-6
        b"last,row\n"  # line 7
    )
    got = records(read(path))
    assert [r.data["prompt"] for r in got] == ["Line one\nline two, with a comma", "plain", "last"]
    assert got[0].data["completion"] == 'Answer "quoted"'
    assert got[1].data["completion"] == "three\nline\nanswer"
    assert [r.location.line for r in got] == [2, 4, 7]


def test_crlf_and_bare_cr_count_as_line_breaks(tmp_path):
    path = tmp_path / "endings.csv"
    path.write_bytes(b'prompt,completion\r\na,b\r\n"x\ry",z\rc,d\r\n')
    got = records(read(path))
    assert [r.data for r in got] == [
        {"prompt": "a", "completion": "b"},
        {"prompt": "x\ry", "completion": "z"},
        {"prompt": "c", "completion": "d"},
    ]
    assert [r.location.line for r in got] == [2, 3, 5]


def test_utf8_bom_does_not_spoil_the_first_header(tmp_path, run_json):
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfprompt,completion\nQ,A\n")
    got = records(read(path))
    assert got[0].data == {"prompt": "Q", "completion": "A"}
    # Even when the reader is told there is no BOM (a rule stripped the flag), it is skipped.
    got = records(read(path, has_bom=False))
    assert got[0].data == {"prompt": "Q", "completion": "A"}
    code, report = run_json("check", path, "--select", "FT204,FT205")
    assert code == 0, report["diagnostics"]


def test_file_encoding_is_honoured(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("prompt,completion\nCafé?,Déjà vu – “yes”\n".encode("cp1252"))
    got = records(read(path, encoding="cp1252"))
    assert got[0].data == {"prompt": "Café?", "completion": "Déjà vu – “yes”"}
    # Read as UTF-8 (no not-utf8 rule ran), undecodable bytes become U+FFFD, nothing breaks.
    got = records(read(path))
    assert got[0].data["prompt"] == "Caf\ufffd?"


def test_gb18030_file(tmp_path):
    path = tmp_path / "zh.csv"
    path.write_bytes("prompt,completion\n你好吗？,我很好。\n".encode("gb18030"))
    assert records(read(path, encoding="gb18030"))[0].data == {
        "prompt": "你好吗？",
        "completion": "我很好。",
    }


def test_empty_rows_are_skipped_silently(tmp_path, run_json):
    path = tmp_path / "gaps.csv"
    path.write_text("\nprompt,completion\n\nQ1,A1\n,\n  ,  \nQ2,A2\n", encoding="utf-8")
    got = records(read(path))
    assert [(r.data["prompt"], r.location.line, r.location.record) for r in got] == [
        ("Q1", 4, 1),
        ("Q2", 7, 2),
    ]
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 0 and report["diagnostics"] == []
    assert report["files"][0]["records"] == 2


def test_tsv_by_extension(tmp_path, run_json):
    for name in ("qa.tsv", "qa.tab"):
        path = tmp_path / name
        path.write_text("Prompt\tCompletion\nA, b; c\tOK\n", encoding="utf-8")
        got = records(read(path))
        assert got[0].data == {"prompt": "A, b; c", "completion": "OK"}
        assert got[0].source_format == "tsv"
        code, report = run_json("check", path, *ONLY_READING)
        assert code == 0 and report["files"][0]["reader"] == "tsv"


# ---------------------------------------------------------------------------------------------
# Delimiter sniffing


@pytest.mark.parametrize(("delimiter", "word"), [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")])
def test_csv_that_is_really_another_delimiter(tmp_path, run_json, delimiter, word):
    path = tmp_path / "europe.csv"
    rows = [["prompt", "completion"], ["Prix, en euros ?", "12,50 €"], ["Et hier ?", "11,00 €"]]
    path.write_text("\n".join(delimiter.join(r) for r in rows) + "\n", encoding="utf-8")
    got = records(read(path))
    assert [r.data["completion"] for r in got] == ["12,50 €", "11,00 €"]
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 0
    [notice] = diags(report, "delimiter-mismatch")
    assert notice["code"] == "FT209" and notice["severity"] == "info"
    assert f"{word}-separated" in notice["message"]
    assert "comma" in notice["message"]


def test_tsv_that_is_really_comma_separated(tmp_path, run_json):
    path = tmp_path / "wrong.tsv"
    path.write_text("prompt,completion\na,b\nc,d\n", encoding="utf-8")
    assert [r.data for r in records(read(path))][1] == {"prompt": "c", "completion": "d"}
    _code, report = run_json("check", path, *ONLY_READING)
    assert "comma-separated" in diags(report, "delimiter-mismatch")[0]["message"]


def test_sniffing_keeps_the_expected_delimiter_when_it_works():
    sample = 'prompt,completion\n"a;b;c",d\ne;f,g\n'
    # The second data row has an unquoted ';' but the comma still gives a consistent table.
    assert choose_delimiter(sample, ",") == ","
    assert choose_delimiter("one column\nonly\n", ",") == ","
    assert choose_delimiter("a;b;c\n1;2;3\n4;5;6\n", ",") == ";"


# ---------------------------------------------------------------------------------------------
# Column mapping and its rules


def test_missing_column_is_reported_once_and_every_row_is_dropped(tmp_path, run_json, run_cli):
    path = tmp_path / "qa.csv"
    path.write_text("id,question,answer\n1,Q1,A1\n2,Q2,A2\n3,Q3,A3\n", encoding="utf-8")
    code, report = run_json("check", path, *ONLY_READING)
    assert code == 1
    [missing] = report["diagnostics"]
    assert (missing["code"], missing["name"], missing["severity"]) == (
        "FT204",
        "missing-column",
        "error",
    )
    assert missing["location"]["line"] == 1
    message = missing["message"]
    assert "'id', 'question', 'answer'" in message
    assert "--map prompt=question --map completion=answer" in message
    assert report["files"][0]["records"] == 3

    out = tmp_path / "out.jsonl"
    code, _out, _err = run_cli("prepare", path, "-o", out, *ONLY_READING)
    assert code == 1
    assert not out.exists()  # nothing acceptable: no output (issue 17), the rows are rejected
    assert len((tmp_path / "out_rejected.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    saved = json.loads((tmp_path / "out.report.json").read_text(encoding="utf-8"))
    dropped = saved["files"][0]["dropped"]
    assert [d["location"]["line"] for d in dropped] == [2, 3, 4]
    assert all("missing-column" in d["reason"] for d in dropped)


def test_map_option_reads_other_headers(tmp_path, run_json, run_cli):
    path = tmp_path / "qa.csv"
    path.write_text("Question,Answer,Notes\nQ1,A1,n\nQ2,A2,\n", encoding="utf-8")
    args = ("--map", "prompt=Question", "--map", "completion=Answer")
    code, report = run_json("check", path, *args, *ONLY_READING)
    assert code == 0
    [extra] = report["diagnostics"]
    assert (extra["code"], extra["name"], extra["severity"]) == ("FT205", "extra-column", "info")
    assert "'Notes'" in extra["message"] and extra["location"]["line"] == 1

    out = tmp_path / "qa_prepared.jsonl"
    code, _o, _e = run_cli("prepare", path, *args, *ONLY_READING)
    assert code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"prompt": "Q1", "completion": "A1"},
        {"prompt": "Q2", "completion": "A2"},
    ]


def test_map_to_a_column_that_does_not_exist(tmp_path, run_json):
    path = tmp_path / "qa.csv"
    path.write_text("Question,Answer\nQ,A\n", encoding="utf-8")
    _code, report = run_json(
        "check", path, "--map", "prompt=Question", "--map", "completion=Reply", *ONLY_READING
    )
    [missing] = diags(report, "missing-column")
    assert "--map completion=Reply: no column 'Reply'" in missing["message"]
    assert "--map completion=Answer" in missing["message"]


def test_map_matches_case_and_accents_loosely_and_extra_fields(tmp_path):
    path = tmp_path / "fr.csv"
    path.write_text("Question,Réponse,Contexte\nQ,R,C\n", encoding="utf-8")
    column_map = {"prompt": "question", "completion": "reponse", "system": "Contexte"}
    [record] = records(read(path, column_map=column_map))
    assert record.data == {"prompt": "Q", "completion": "R", "system": "C"}


def test_one_field_mapped_the_other_found_by_name(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text("Question,completion\nQ,A\n", encoding="utf-8")
    [record] = records(read(path, column_map={"prompt": "Question"}))
    assert record.data == {"prompt": "Q", "completion": "A"}


def test_duplicate_and_unnamed_columns_are_extra(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("prompt,completion,Prompt,,\na,b,c,d,\n", encoding="utf-8")
    items = read(path)
    assert records(items)[0].data == {"prompt": "a", "completion": "b"}
    [extra] = problems(items, "extra-column")
    message = extra.problem.message
    assert "column 'Prompt' and 2 unnamed columns (#4, #5) not used" in message
    assert "duplicate header 'Prompt'" in message


def test_ragged_rows_are_reported_and_still_mapped(tmp_path, run_json):
    path = tmp_path / "ragged.csv"
    path.write_text(
        "prompt,completion,note\n"
        "a,b,c,EXTRA\n"  # line 2: one cell too many
        "d\n"  # line 3: named cells missing
        "e,f,g,\n"  # line 4: surplus cell empty -> nothing to report
        "h,i\n",  # line 5: 'note' missing -> reported
        encoding="utf-8",
    )
    got = records(read(path))
    assert [r.data for r in got] == [
        {"prompt": "a", "completion": "b"},
        {"prompt": "d", "completion": ""},
        {"prompt": "e", "completion": "f"},
        {"prompt": "h", "completion": "i"},
    ]
    _code, report = run_json("check", path, *ONLY_READING)
    ragged = diags(report, "ragged-row")
    assert [(d["code"], d["severity"], d["location"]["line"]) for d in ragged] == [
        ("FT208", "warning", 2),
        ("FT208", "warning", 3),
        ("FT208", "warning", 5),
    ]
    assert [d["location"]["record"] for d in ragged] == [1, 2, 4]
    assert "4 cells, the header has 3" in ragged[0]["message"]
    assert "columns 'completion', 'note' left empty" in ragged[1]["message"]
    assert report["files"][0]["records"] == 4


def test_unclosed_quote_is_named_in_the_ragged_row_message(tmp_path):
    path = tmp_path / "unclosed.csv"
    path.write_text('prompt,completion\n"oops,never closed\nnext,row\nlast,one\n', "utf-8")
    [ragged] = problems(read(path), "ragged-row")
    assert ragged.location.line == 2
    assert "lines 2-4" in ragged.problem.message and "unclosed quote" in ragged.problem.message


def test_malformed_row_is_dropped_and_reading_goes_on(tmp_path, run_json, monkeypatch):
    # The csv module's own errors are rare on Python 3.11+; a tiny field limit provokes one.
    path = tmp_path / "limit.csv"
    path.write_text("prompt,completion\nshort,ok\n" + "x" * 50 + ",long\nlast,row\n", "utf-8")
    previous = csv.field_size_limit(20)
    monkeypatch.setattr("ftlint.plugins.tabular.FIELD_LIMIT", 20)
    try:
        items = read(path)
        code, report = run_json("check", path, *ONLY_READING)
    finally:
        csv.field_size_limit(previous)
    assert [r.data["prompt"] for r in records(items)] == ["short", "last"]
    [bad] = [r for r in items if r.problem is not None]
    # A cell over the csv module's limit is a cell over the record size limit: refused.
    assert (bad.problem.kind, bad.location.line, bad.location.record) == ("exceeds-limit", 3, 2)
    assert bad.is_record
    assert code == 1
    [diagnostic] = report["diagnostics"]
    assert (diagnostic["code"], diagnostic["name"]) == ("FT214", "exceeds-limit")
    assert "--max-record-size" in diagnostic["message"]
    assert report["files"][0]["records"] == 3


def test_map_values_from_config_are_strings(tmp_path, run_json):
    path = tmp_path / "numbers.csv"
    path.write_text("1,2\nQ,A\n", encoding="utf-8")
    (tmp_path / "ftlint.toml").write_text("select = ['FT2']\n[map]\nprompt = 1\ncompletion = 2\n")
    code, report = run_json("check", path, "--config", tmp_path / "ftlint.toml")
    assert code == 0, report["diagnostics"]
    assert [r.data for r in records(read(path, column_map={"prompt": 1, "completion": 2}))] == [
        {"prompt": "Q", "completion": "A"}
    ]


def test_header_only_and_empty_files(tmp_path, run_json):
    header_only = tmp_path / "header.csv"
    header_only.write_text("prompt,completion\n", encoding="utf-8")
    assert records(read(header_only)) == []
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert read(empty) == []
    for path in (header_only, empty):
        code, report = run_json("check", path, *ONLY_READING)
        assert code in (0, 1)
        assert "FT001" not in codes(report)


def test_rules_have_documentation(run_cli):
    for name in (
        "missing-column",
        "extra-column",
        "ragged-row",
        "delimiter-mismatch",
        "records-under-key",
        "malformed-row",
        "unreadable-workbook",
        "unknown-sheet",
    ):
        code, out, _err = run_cli("rule", name)
        assert code == 0
        for section in ("What it does", "Why is this bad?", "Example", "Fix safety"):
            assert section in out, (name, section)


# ---------------------------------------------------------------------------------------------
# prepare: CSV and TSV to JSONL


def test_prepare_csv_keeps_order_and_lists_dropped_rows(tmp_path, run_cli):
    path = tmp_path / "support.csv"
    path.write_bytes(
        "\ufeffprompt;completion\r\n"
        "Où est ma commande ?;Elle arrive demain.\r\n"
        "\r\n"
        '"Deux\r\nlignes";"Réponse; avec point-virgule"\r\n'
        "退货怎么办？;请联系客服。\r\n".encode()
    )
    code, _o, err = run_cli("prepare", path, *ONLY_READING)
    assert code == 0, err
    out = tmp_path / "support_prepared.jsonl"
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data.replace(b"\\r", b"")
    assert [json.loads(line) for line in data.decode().splitlines()] == [
        {"prompt": "Où est ma commande ?", "completion": "Elle arrive demain."},
        {"prompt": "Deux\r\nlignes", "completion": "Réponse; avec point-virgule"},
        {"prompt": "退货怎么办？", "completion": "请联系客服。"},
    ]
    report = json.loads((tmp_path / "support_prepared.report.json").read_text("utf-8"))
    assert report["files"][0]["written"] == 3 and report["files"][0]["dropped"] == []


def test_prepare_tsv(tmp_path, run_cli):
    path = tmp_path / "faq.tsv"
    path.write_text("prompt\tcompletion\tsource\na\tb\tx\nc\td\ty\n", encoding="utf-8")
    code, _o, _e = run_cli("prepare", path, *ONLY_READING)
    assert code == 0
    lines = (tmp_path / "faq_prepared.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"prompt": "a", "completion": "b"},
        {"prompt": "c", "completion": "d"},
    ]


# ---------------------------------------------------------------------------------------------
# Round trip: whatever the csv module writes, the reader reads back, with the right lines.

_cell = st.lists(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
    | st.sampled_from([",", ";", "\t", '"', "\n", "\r\n", "\r", " ", "é", "中", "🙂"]),
    max_size=12,
).map("".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(_cell, _cell), min_size=1, max_size=8),
    # With "\r\n" minimal quoting is unambiguous; with another terminator the csv module
    # leaves a cell holding a lone "\r" or "\n" unquoted, which no reader can tell from a
    # line break, so those files are written fully quoted (as pandas and Excel may do).
    dialect=st.sampled_from(
        [("\r\n", csv.QUOTE_MINIMAL), ("\n", csv.QUOTE_ALL), ("\r", csv.QUOTE_ALL)]
    ),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_round_trip_through_the_csv_module(tmp_path_factory, rows, dialect, delimiter):
    terminator, quoting = dialect
    # Rows whose cells are all blank are empty rows (skipped by design), not examples.
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    directory = tmp_path_factory.mktemp("rt")
    path = directory / ("data.csv" if delimiter == "," else "data.tsv")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=terminator, quoting=quoting)
    writer.writerow(["prompt", "completion"])
    expected_lines = []
    for row in rows:
        text = buffer.getvalue()
        # Physical line of the row's start: line breaks written so far (\r\n, \r, \n) + 1.
        breaks = text.count("\r\n") + text.replace("\r\n", "").count("\r")
        breaks += text.replace("\r\n", "").count("\n")
        expected_lines.append(breaks + 1)
        writer.writerow(row)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    file = FileContext.open(path)
    file.options = {"column_map": {}}
    reader = CsvReader() if delimiter == "," else TsvReader()
    # Random text may look like another delimiter to a sniffer; the reader must not be fooled
    # into reading a consistent two-column table with something else.
    got = [r for r in reader.read(file) if r.is_record]
    assert all(r.problem is None for r in got)
    assert [(r.data["prompt"], r.data["completion"]) for r in got] == [tuple(r) for r in rows]
    assert [r.location.line for r in got] == expected_lines


# ---------------------------------------------------------------------------------------------
# Real data sets


def test_every_shared_file_reads_without_a_crash(shared_data, run_json):
    failures = []
    for path in sorted(shared_data.rglob("*")):
        if not path.is_file() or path.name == "PROVENANCE.md":
            continue
        code, report = run_json("check", path)
        if code not in (0, 1):
            failures.append((path.name, "exit code", code))
        crashed = [d for d in report["diagnostics"] if d["code"] == "FT001"]
        if crashed:
            failures.append((path.name, crashed[0]["message"]))
    assert failures == []


def test_ag_news_without_map(shared_data, run_json):
    path = shared_data / "openai__openai-cookbook" / "AG_news_samples.csv"
    code, report = run_json("check", path)
    assert code == 1
    assert report["files"][0]["records"] == 2000
    [missing] = diags(report, "missing-column")
    assert missing["location"]["line"] == 1
    assert "--map prompt=" in missing["message"] and "--map completion=" in missing["message"]
    assert "'title', 'description', 'label_int', 'label'" in missing["message"]


def test_bh_assurance_csv_with_multiline_cells(shared_data, run_json):
    path = shared_data / "revenger101__BH-Assurance" / "qa_dataset.csv"
    args = ("--map", "prompt=question", "--map", "completion=answer")
    code, report = run_json("check", path, *args, *ONLY_READING)
    assert code == 0
    assert report["files"][0]["records"] == 163
    got = records(read(path, column_map={"prompt": "question", "completion": "answer"}))
    assert len(got) == 163
    physical = path.read_text(encoding="utf-8").split("\n")
    multiline_seen = 0
    for previous, record in itertools.pairwise(got):
        if "\n" in previous.data["completion"]:
            multiline_seen += 1
        line = physical[record.location.line - 1]
        first = record.data["prompt"].split("\n")[0]
        assert line in (first, f'"{first}') or line.startswith((first + ",", f'"{first}')), (
            record.location.line,
            line[:60],
        )
    assert multiline_seen >= 20
    assert got[-1].location.line > 16000


def test_chitchat_tsv_and_hansol_bom_csv(shared_data, run_json):
    tsv = shared_data / "mimi-tg__ChitChat" / "qna_chitchat_professional.tsv"
    code, report = run_json(
        "check", tsv, "--map", "prompt=Question", "--map", "completion=Answer", *ONLY_READING
    )
    assert code == 0 and report["files"][0]["records"] == 9793
    assert "'Source', 'Metadata'" in diags(report, "extra-column")[0]["message"]
    bom = shared_data / "AIKU-Official__hansol-llm-competition" / "train.csv"
    got = records(read(bom, column_map={"prompt": "instruction", "completion": "output"}))
    assert len(got) == 6440

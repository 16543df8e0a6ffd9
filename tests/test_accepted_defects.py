"""The defects of issue 17, each reproduced as it was reported (each test failed before)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import ftlint
from ftlint.model import Severity
from tests.conftest import write_jsonl


def chat(q: str, a: str) -> dict:
    return {"messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}]}


def table(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


# -- rejects: the report, the sidecar, the exit code ------------------------------------------


def test_unfixable_records_are_rejected_with_every_reason(tmp_path, run_cli):
    good = [chat(f"q{i}", f"a{i}") for i in range(12)]
    bad = {"prompt": "Is there a student discount? ->", "completion": ""}
    token = chat("Can I order?", "Yes. END<|endoftext|>")
    path = write_jsonl(tmp_path / "data.jsonl", [*good[:5], bad, *good[5:], token])
    code, out, err = run_cli("prepare", path)
    assert code == 1, err
    written = (tmp_path / "data_prepared.jsonl").read_text("utf-8").splitlines()
    assert len(written) == 12 and all("messages" in json.loads(line) for line in written)
    sidecar = [
        json.loads(line)
        for line in (tmp_path / "data_rejected.jsonl").read_text("utf-8").splitlines()
    ]
    assert [e["source"]["line"] for e in sidecar] == [6, 14]
    assert sidecar[0]["record"] == bad
    assert {r["name"] for r in sidecar[0]["reasons"]} >= {"empty-completion"}
    assert [r["name"] for r in sidecar[1]["reasons"]] == ["special-token"]
    assert "Wrote 12 of 14 records (0 fixed, 0 dropped, 2 rejected)" in out
    assert "rejected (2), with their reasons in" in out
    report = json.loads((tmp_path / "data_prepared.report.json").read_text("utf-8"))
    assert report["files"][0]["rejected"] == 2
    assert report["files"][0]["rejected_file"].endswith("data_rejected.jsonl")
    rejected = [d for d in report["diagnostics"] if d["rejected"]]
    assert {d["location"]["line"] for d in rejected} == {6, 14}
    # With -o, the sidecar goes beside that output; --allow-rejects makes the exit code 0.
    code, _out, err = run_cli("prepare", path, "-o", tmp_path / "other.jsonl")
    assert code == 1 and len((tmp_path / "other_rejected.jsonl").read_text().splitlines()) == 2
    code, _out, err = run_cli("prepare", path, "--force", "--allow-rejects")
    assert code == 0, err


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "support_faq.csv"


@pytest.mark.parametrize("fixes", [(), ("--fix", "--unsafe-fixes")])
def test_the_readme_prepare_example_checks_clean(tmp_path, run_cli, fixes):
    """The issue's first words: `ftlint prepare examples/support_faq.csv` wrote chat records
    mixed with a prompt/completion record, kept an `<|endoftext|>`, reported `dropped: []`,
    and `ftlint check` of that output found 3 errors."""
    source = tmp_path / EXAMPLE.name
    source.write_bytes(EXAMPLE.read_bytes())
    code, _out, _err = run_cli("prepare", source, *fixes)
    prepared = tmp_path / "support_faq_prepared.jsonl"
    text = prepared.read_text("utf-8")
    assert all("messages" in json.loads(line) for line in text.splitlines())
    assert "<|endoftext|>" not in text
    report = json.loads((tmp_path / "support_faq_prepared.report.json").read_text("utf-8"))
    gone = report["files"][0]["dropped"]
    if fixes:  # the duplicate and the empty answer left out, the special token removed
        assert code == 0 and len(gone) == 2 and not any(d["rejected"] for d in gone)
        records = [json.loads(line) for line in text.splitlines()]
        assert not [r for r in records if r["messages"][0]["content"].endswith("->")]
        assert not [r for r in records if r["messages"][-1]["content"].endswith("END")]
    else:  # the empty answer and the special token rejected, with their reasons
        assert code == 1 and len(gone) == 2 and all(d["rejected"] for d in gone)
    code, out, _err = run_cli("check", prepared)
    assert code == 0 and "error" not in out.rsplit("Found", 1)[-1], out


def test_the_sidecar_is_never_written_over_an_existing_file(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "data.jsonl", [chat("q", "a"), {"prompt": "p", "completion": ""}])
    (tmp_path / "data_rejected.jsonl").write_text("keep me")
    code, _out, err = run_cli("prepare", path)
    assert code == 2 and "data_rejected.jsonl exists" in err
    assert (tmp_path / "data_rejected.jsonl").read_text() == "keep me"


def test_nothing_acceptable_writes_no_output(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "data.jsonl", [{"n": 1}, {"prompt": "p", "completion": ""}])
    code, out, _err = run_cli("prepare", path)
    assert code == 1
    assert not (tmp_path / "data_prepared.jsonl").exists()
    assert (tmp_path / "data_prepared.report.json").exists()
    assert len((tmp_path / "data_rejected.jsonl").read_text().splitlines()) == 2
    assert "no output was written" in out


def test_dataset_level_errors_are_said_plainly(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "data.jsonl", [chat(f"q{i}", f"a{i}") for i in range(3)])
    code, out, _err = run_cli("prepare", path)
    assert code == 1
    assert "the prepared data as a whole is not" in out and "No repair of a record" in out
    assert (tmp_path / "data_prepared.jsonl").exists()


# -- the fix loop ---------------------------------------------------------------------------


def test_check_fix_reports_the_state_after_fixing(tmp_path, run_cli):
    """After --fix dropped 98 duplicates, 12 examples are below the recommended size: the same
    run says so (before, only the next run did)."""
    records = [chat(f"q{i}", f"a{i}") for i in range(12)]
    path = write_jsonl(tmp_path / "dup.jsonl", [records[k % 12] for k in range(110)])
    report = ftlint.check(path, isolated=True, fix=True)
    assert len(path.read_text().splitlines()) == 12
    [few] = [d for d in report.diagnostics if d.name == "too-few-examples"]
    assert few.message.startswith("12 examples") and not few.fixed
    assert report.files[0].summary["examples"] == 12
    assert sum(1 for d in report.diagnostics if d.fixed) == 98


def test_records_equal_once_fixed_are_dropped_in_the_same_run(tmp_path):
    first = chat("hello there", "general kenobi")
    second = chat("hello there", "general\u0007 kenobi")
    path = write_jsonl(tmp_path / "d.jsonl", [first, second])
    result = ftlint.prepare(path, output=tmp_path / "o.jsonl", isolated=True, fix=True)
    assert len((tmp_path / "o.jsonl").read_text().splitlines()) == 1
    [dropped] = result.report.files[0].dropped
    assert dropped.location.line == 2 and not dropped.rejected


def test_the_fix_loop_stops_at_its_runaway_limit(tmp_path):
    """A fix that never settles (tests/restless_rule.py finds what it fixed, every time):
    the loop stops after its limit, says so, and writes no record that keeps an error."""
    records = [chat(f"q{i}", f"a{i}") for i in range(3)]
    path = write_jsonl(tmp_path / "d.jsonl", records)
    result = ftlint.prepare(
        path,
        output=tmp_path / "o.jsonl",
        isolated=True,
        fix=True,
        min_examples=1,
        plugins=["tests.restless_rule"],
    )
    report = result.report
    assert any("did not settle after" in note for note in report.notes), report.notes
    assert report.files[0].rejected == 3 and report.exit_code == 1
    assert not (tmp_path / "o.jsonl").exists()
    # check --fix rewrites the file itself: the first fix, MAX_PASSES re-checks that fix
    # again, then the last check is reported.
    from ftlint.engine.loop import MAX_PASSES

    report = ftlint.check(
        path, isolated=True, fix=True, min_examples=1, plugins=["tests.restless_rule"]
    )
    assert any(f"did not settle after {MAX_PASSES} passes" in n for n in report.notes)
    last = json.loads(path.read_text("utf-8").splitlines()[0])["messages"][-1]["content"]
    assert last == "a0" + "+" * (1 + MAX_PASSES)
    left = [d for d in report.diagnostics if d.code == "XT200" and not d.fixed]
    assert len(left) == 3 and report.exit_code == 1


def test_check_fix_on_a_table_points_to_prepare(tmp_path, run_cli):
    path = table(tmp_path / "f.csv", [["prompt", "completion"], ["q", " a"], ["q2", " b"]])
    _code, out, _err = run_cli("check", path, "--fix")
    assert "--fix rewrites JSONL files only" in out
    assert "fixable with ftlint prepare --fix" in out
    assert "fixable with --fix)" not in out
    assert "fix (safe, ftlint prepare --fix)" in out


# -- readers and suggestions ----------------------------------------------------------------


def spreadsheet(path: Path, rows: list[list[str]]) -> Path:
    """``rows`` as a CSV, TSV or XLSX file (by the suffix of ``path``)."""
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
        return path
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter="\t" if path.suffix == ".tsv" else ",").writerows(rows)
    return path


ALPACA_ROWS = [
    ["instruction", "input", "output"],
    ["Translate", "cheese", "fromage"],
    ["Sum", "2, 3", "5"],
]
ALPACA_MAP = {"instruction": "instruction", "input": "input", "output": "output"}


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx"])
def test_a_table_with_alpaca_columns_is_alpaca(tmp_path, suffix):
    """A three-column table was 'too few columns for a prompt and a completion'."""
    path = spreadsheet(tmp_path / f"a{suffix}", ALPACA_ROWS)
    report = ftlint.check(path, isolated=True)
    names = {d.name for d in report.diagnostics}
    assert "missing-column" not in names, [d.message for d in report.diagnostics]
    assert "community-format" in names
    assert report.files[0].summary["shapes"] == {"alpaca": 2}
    result = ftlint.prepare(path, isolated=True, min_examples=1)
    first = next(result.records())
    assert first == chat("Translate\n\ncheese", "fromage")


def test_a_table_mapped_to_alpaca_columns_is_alpaca(tmp_path):
    """The issue's words: `--map instruction=instruction ...` on a three-column table failed
    with 'this table has too few columns for a prompt and a completion'."""
    path = spreadsheet(tmp_path / "a.csv", ALPACA_ROWS)
    report = ftlint.check(path, isolated=True, map=ALPACA_MAP)
    messages = [d.message for d in report.diagnostics]
    assert not any("too few columns" in m for m in messages), messages
    assert "missing-column" not in {d.name for d in report.diagnostics}, messages
    assert report.files[0].summary["shapes"] == {"alpaca": 2}


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xlsx"])
def test_an_alpaca_record_with_an_empty_output_is_reported_at_its_source(tmp_path, suffix):
    """What the conversion hides is reported at the source (the empty 'output'), an error,
    and prepare rejects the record, whatever the input format."""
    rows = [*ALPACA_ROWS, ["Say hi", "", ""]]
    if suffix == ".jsonl":
        records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        path = write_jsonl(tmp_path / "a.jsonl", records)
    else:
        path = spreadsheet(tmp_path / f"a{suffix}", rows)
    report = ftlint.check(path, isolated=True, min_examples=1)
    [empty] = [d for d in report.diagnostics if "'output' is empty" in d.message]
    assert empty.severity is Severity.ERROR and empty.location.record == 3
    assert empty.location.field == "/output"
    result = ftlint.prepare(path, output=tmp_path / "out.jsonl", isolated=True, min_examples=1)
    assert [r["messages"][-1]["content"] for r in result.records()] == ["fromage", "5"]
    assert result.report.files[0].rejected == 1


def test_the_map_suggestion_looks_at_the_content(tmp_path):
    """spam.csv: v1 holds ham/spam, v2 the message; the label is the completion."""
    rows = [["v1", "v2", "", ""]]
    for i in range(20):
        rows.append(
            ["spam" if i % 4 == 0 else "ham", f"message number {i} with some words in it", "", ""]
        )
    path = table(tmp_path / "spam.csv", rows)
    report = ftlint.check(path, isolated=True)
    [missing] = [d for d in report.diagnostics if d.name == "missing-column"]
    assert "--map prompt=v2 --map completion=v1" in missing.message
    # Names still win over content.
    path = table(tmp_path / "qa.csv", [["question", "answer"], ["yes?", "a long answer here"]] * 1)
    [missing] = [
        d for d in ftlint.check(path, isolated=True).diagnostics if d.name == "missing-column"
    ]
    assert "--map prompt=question --map completion=answer" in missing.message


# -- figures and wording --------------------------------------------------------------------


def test_split_figures_are_the_training_files(tmp_path):
    """prepare --split reported the cost of all examples, not of the training file."""
    records = [chat(f"question {i} " * (1 + i % 5), f"answer {i}") for i in range(40)]
    path = write_jsonl(tmp_path / "d.jsonl", records)
    result = ftlint.prepare(path, isolated=True, split="0.25")
    train, valid = tmp_path / "d_train.jsonl", tmp_path / "d_valid.jsonl"
    summary = result.report.files[0].summary
    alone = ftlint.check(train, isolated=True).files[0].summary
    assert summary["billed_tokens"] == alone["billed_tokens"]
    assert summary["examples"] == alone["examples"] == 30
    assert len(valid.read_text().splitlines()) == 10


def test_split_summary_in_words(tmp_path, run_cli):
    """The summary of prepare --split showed raw keys ('train_examples 900')."""
    records = [chat(f"question {i} " * (1 + i % 5), f"answer {i}") for i in range(40)]
    path = write_jsonl(tmp_path / "d.jsonl", records)
    _code, out, _err = run_cli("prepare", path, "--split", "0.25")
    assert "train_examples" not in out and "30 examples (chat 30) · 10 for validation" in out
    report = json.loads((tmp_path / "d_train.report.json").read_text("utf-8"))
    assert report["files"][0]["summary"]["validation_examples"] == 10


def test_plurals(tmp_path):
    """'1 examples' was written wherever a count was one."""
    one = write_jsonl(tmp_path / "one.jsonl", [chat("q", "a")])
    report = ftlint.check(one, isolated=True, min_examples=1)
    messages = " ".join(d.message for d in report.diagnostics)
    assert "1 examples" not in messages and "1 example;" in messages and "1 example," in messages


def test_three_answers_are_not_both(tmp_path):
    """'the model is trained towards both' was said of three answers to one prompt."""
    three = [chat("same prompt", answer) for answer in ("a", "b", "c")]
    report = ftlint.check(write_jsonl(tmp_path / "three.jsonl", three), isolated=True)
    conflicts = [d.message for d in report.diagnostics if d.name == "conflicting-completions"]
    assert conflicts[-1].endswith("trained towards all 3") and conflicts[0].endswith("both")


def test_a_validation_file_keeps_the_training_shapes(tmp_path):
    """'240 examples (chat 300)': the shapes counted the validation file's examples too."""
    train = write_jsonl(tmp_path / "t.jsonl", [chat(f"q{i}", f" a{i}") for i in range(24)])
    valid = write_jsonl(tmp_path / "v.jsonl", [chat(f"v{i}", f" b{i}") for i in range(6)])
    report = ftlint.check(train, isolated=True, validation_file=valid)
    summary = report.files[0].summary
    assert summary["examples"] == 24 and summary["shapes"] == {"chat": 24}


def test_whitespace_padding_counts_each_file_at_its_own_place(tmp_path):
    """FT505's '30 of 30' counted both files and was placed at the training file's line 1."""
    train = write_jsonl(tmp_path / "t.jsonl", [chat(f"q{i}", f" a{i}") for i in range(24)])
    valid = write_jsonl(tmp_path / "v.jsonl", [chat(f"v{i}", f" b{i}") for i in range(6)])
    report = ftlint.check(train, isolated=True, validation_file=valid)
    padding = [d for d in report.diagnostics if d.name == "whitespace-padding"]
    assert sorted((d.location.path, d.message.split(" assistant")[0]) for d in padding) == [
        (str(train), "24 of 24"),
        (str(valid), "6 of 6"),
    ]


def test_a_community_format_is_an_error_in_check(tmp_path):
    task = {
        "id": "t",
        "name": "n",
        "instruction": "Add",
        "instances": [{"input": "2 3", "output": "5"}],
    }
    report = ftlint.check(
        write_jsonl(tmp_path / "s.jsonl", [task] * 1), isolated=True, min_examples=1
    )
    [found] = [d for d in report.diagnostics if d.name == "community-format"]
    assert found.severity is Severity.ERROR and "prepare writes them as chat" in found.message
    assert report.exit_code == 1


def test_prepare_of_its_own_output_named_explicitly(tmp_path, run_cli):
    """A folder's *_prepared.jsonl are skipped when the folder is walked; named on the command
    line, a prepared file is prepared again (and comes out the same)."""
    path = write_jsonl(tmp_path / "d.jsonl", [chat(f"q{i}", f"a{i}") for i in range(12)])
    assert run_cli("prepare", path)[0] == 0
    prepared = tmp_path / "d_prepared.jsonl"
    code, _out, err = run_cli("prepare", prepared, "-o", tmp_path / "again.jsonl")
    assert code == 0, err
    assert (tmp_path / "again.jsonl").read_bytes() == prepared.read_bytes()

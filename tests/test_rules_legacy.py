"""Prompt/completion rules (FT4xx), the checks of the legacy ``openai tools
fine_tunes.prepare_data``: failing, passing and fixed cases on real files (JSONL, CSV, XLSX),
the model switch (prompt/completion models vs chat models), accumulators that merge exactly,
idempotent fixes, and the real datasets of ``../shared/data``."""

from __future__ import annotations

import csv
import itertools
import json
import pickle
import random
from pathlib import Path

import pytest
from ftlint.rules.legacy import ftlint_rules
from ftlint.rules.legacy.affixes import common_prefix, common_suffix, word_prefix
from ftlint.rules.legacy.edits import EditTexts
from ftlint.rules.legacy.legacy_separators import (
    CHAT_LEFTOVER_SEPARATORS,
    CHAT_LEFTOVER_STOPS,
    leftover_ending,
)
from ftlint.rules.legacy.mostly_uppercase import case_counts
from ftlint.rules.legacy.separator_in_prompt import inside_depth
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlint.model import Location, Record
from ftlint.rule import RuleContext
from ftlint.targets import ftlint_targets
from tests.conftest import codes, read_jsonl, write_jsonl

PC = ("--model", "babbage-002")
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix safety")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def write_csv(path: Path, rows: list[tuple[str, str]], header=("prompt", "completion")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def only(report: dict, code: str) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == code]


def check(run_json, path: Path, *args: str) -> dict:
    _code, report = run_json("check", path, "--select", "FT4", *args)
    return report


def prepare(run_cli, path: Path, *args: str) -> dict:
    _code, out, err = run_cli("prepare", path, "--select", "FT4", "--output-format", "json", *args)
    assert out.strip(), err
    return json.loads(out)


CAPITALS = [
    ("France", "Paris"), ("Peru", "Lima"), ("Spain", "Madrid"), ("Italy", "Rome"),
    ("Japan", "Tokyo"), ("Kenya", "Nairobi"), ("Chile", "Santiago"), ("Egypt", "Cairo"),
    ("Norway", "Oslo"), ("Canada", "Ottawa"), ("Ghana", "Accra"), ("Nepal", "Kathmandu"),
]  # fmt: skip


def capitals(prompt_end: str = " ->", completion_end: str = "\n") -> list[dict]:
    return [
        {"prompt": f"Capital of {country}{prompt_end}", "completion": f" {city}{completion_end}"}
        for country, city in CAPITALS
    ]


# ---------------------------------------------------------------------------------------------
# A clean legacy file


def test_clean_legacy_file_passes_and_prints_how_to_use_the_model(run_json, run_cli, tmp_path):
    path = write_jsonl(tmp_path / "clean.jsonl", capitals())
    report = check(run_json, path, *PC)
    assert codes(report) == []
    summary = report["summary"]
    assert summary["task"] == "conditional generation"
    assert summary["prompt_separator"].startswith("` ->`")
    assert summary["stop_sequence"].startswith("`\\n`")
    code, out, _ = run_cli("check", path, "--select", "FT4", *PC)
    assert code == 0
    assert "prompt_separator" in out and "` ->` (end every prompt with it" in out
    assert "stop_sequence" in out and "`\\n` (pass it as stop=[...]" in out


# ---------------------------------------------------------------------------------------------
# empty-completion


def test_empty_completion_each_kind_with_location(run_json, tmp_path):
    records = capitals()
    records[2]["completion"] = ""
    records[4]["completion"] = None
    del records[6]["completion"]
    records[8]["completion"] = "  \n"
    path = write_jsonl(tmp_path / "empty.jsonl", records)
    report = check(run_json, path, *PC)
    found = only(report, "FT401")
    assert [(d["location"]["line"], d["location"]["field"]) for d in found] == [
        (3, "/completion"), (5, "/completion"), (7, "/completion"), (9, "/completion"),
    ]  # fmt: skip
    assert found[0]["severity"] == "error"
    assert "empty" in found[0]["message"] and "missing" in found[1]["message"]
    assert found[0]["fix"]["applicability"] == "unsafe"
    # The empty ones are out of the dataset figures: the rest still has its separators.
    assert "FT402" not in codes(report) and "FT404" not in codes(report)


def test_empty_completion_applies_with_chat_models_too(run_json, tmp_path):
    path = write_csv(tmp_path / "faq.csv", [("Hours?", "9 to 5"), ("Address?", "")])
    report = check(run_json, path)
    assert [(d["code"], d["location"]["line"]) for d in only(report, "FT401")] == [("FT401", 3)]


def test_empty_completion_unsafe_fix_drops_and_lists_the_record(run_cli, tmp_path):
    records = capitals()
    records[3]["completion"] = ""
    path = write_jsonl(tmp_path / "data.jsonl", records)
    report = prepare(run_cli, path, *PC, "--unsafe-fixes")
    out = read_jsonl(tmp_path / "data_prepared.jsonl")
    assert len(out) == len(records) - 1
    assert all(r["completion"].strip() for r in out)
    dropped = report["files"][0]["dropped"]
    assert [(d["location"]["line"], d["code"], d["reason"]) for d in dropped] == [
        (4, "FT401", "empty completion")
    ]


# ---------------------------------------------------------------------------------------------
# missing-prompt-separator / separator-in-prompt


def test_missing_separator_points_at_the_prompt_that_breaks_the_ending(run_json, tmp_path):
    records = capitals(prompt_end="?")
    records[5]["prompt"] = "Capital of Kenya"
    path = write_jsonl(tmp_path / "sep.jsonl", records)
    report = check(run_json, path, *PC)
    (found,) = only(report, "FT402")
    assert found["location"]["line"] == 6 and found["location"]["field"] == "/prompt"
    assert found["severity"] == "warning"
    assert found["fix"]["applicability"] == "unsafe"
    assert "` ->`" in found["fix"]["message"]
    assert "none in the data" in report["summary"]["prompt_separator"]


@pytest.mark.parametrize(
    ("extra_prompt", "expected"),
    [
        ("no newline here", " ->"),
        ("two\nlines", "\n\n###\n\n"),
        ("a heading\n\n###\n\nbelow", "\n\n===\n\n"),
        ("x ->\n\n###\n\n\n\n===\n\n\n\n---\n\n\n\n===>\n\n\n\n--->\n\n", "\n\n### =>\n\n"),
    ],
)
def test_missing_separator_fix_chooses_like_the_legacy_tool(
    run_cli, run_json, tmp_path, extra_prompt, expected
):
    records = capitals(prompt_end="")
    records.append({"prompt": extra_prompt, "completion": " something\n"})
    path = write_jsonl(tmp_path / "data.jsonl", records)
    prepare(run_cli, path, *PC, "--unsafe-fixes")
    out = read_jsonl(tmp_path / "data_prepared.jsonl")
    assert all(r["prompt"].endswith(expected) for r in out)
    assert [r["prompt"][: -len(expected)] for r in out] == [r["prompt"] for r in records]
    # Idempotent: the prepared file is clean, and preparing it again changes nothing.
    assert "FT402" not in codes(check(run_json, tmp_path / "data_prepared.jsonl", *PC))
    prepare(run_cli, tmp_path / "data_prepared.jsonl", *PC, "--unsafe-fixes", "-o", "again.jsonl")
    assert (tmp_path / "again.jsonl").read_bytes() == (
        tmp_path / "data_prepared.jsonl"
    ).read_bytes()


def test_separator_rules_are_silent_with_a_chat_model(run_json, tmp_path):
    records = capitals(prompt_end="", completion_end="")
    records[0]["completion"] = "Paris"  # no leading space either
    path = write_jsonl(tmp_path / "data.jsonl", records)
    assert not {"FT402", "FT403", "FT404", "FT405"} & set(codes(check(run_json, path)))
    pc = codes(check(run_json, path, *PC))
    assert {"FT402", "FT404", "FT405"} <= set(pc)


@pytest.mark.parametrize(
    ("prompt_end", "completion_end", "separator", "stop"),
    [
        ("\n\n###\n\n", " END", "`\\n\\n###\\n\\n`", "` END`"),
        (" ->", "\n***", "` ->`", "`\\n***`"),
        ("? ->", " [END]\n", "` ->`", "` [END]\\n`"),
        ("\n\n###\n\n", "\n", "`\\n\\n###\\n\\n`", None),  # a line break is no marker
    ],
)
def test_legacy_separators_with_a_chat_model_reported_and_removed(
    run_json, run_cli, tmp_path, prompt_end, completion_end, separator, stop
):
    path = write_jsonl(tmp_path / "legacy.jsonl", capitals(prompt_end, completion_end))
    found = only(check(run_json, path), "FT413")
    assert [d["location"]["field"] for d in found] == ["/prompt"] + (
        ["/completion"] if stop else []
    )
    assert separator in found[0]["message"] and "every prompt" in found[0]["message"]
    assert all(d["location"].get("line") is None for d in found)  # the whole file
    if stop:
        assert stop in found[1]["message"] and found[1]["fix"]["applicability"] == "safe"
    assert "FT413" not in codes(check(run_json, path, *PC))  # markers are how those models work

    out = tmp_path / "out.jsonl"
    prepare(run_cli, path, "--select", "FT303", "--fix", "-o", out)  # FT303: converts to chat
    for record, (country, city) in zip(read_jsonl(out), CAPITALS, strict=True):
        user, assistant = record["messages"]
        assert user["content"] == f"Capital of {country}" + ("?" if "?" in prompt_end else "")
        assert assistant["content"] == f" {city}" + ("" if stop else completion_end)
    assert read_jsonl(path) == capitals(prompt_end, completion_end)  # the input is untouched


def test_natural_endings_are_not_legacy_separators(run_json, tmp_path):
    records = [
        {"prompt": f"What is the capital of {country}?", "completion": f" It is {city}."}
        for country, city in CAPITALS
    ]
    path = write_jsonl(tmp_path / "natural.jsonl", records)
    assert "FT413" not in codes(check(run_json, path))
    # One record: its whole text is the "common" ending, which says nothing.
    one = write_jsonl(tmp_path / "one.jsonl", capitals("\n\n###\n\n", " END")[:1])
    assert "FT413" not in codes(check(run_json, one))


def test_legacy_separators_on_csv_rows(run_json, tmp_path):
    rows = [(f"Capital of {country} ->", f" {city} END") for country, city in CAPITALS]
    found = only(check(run_json, write_csv(tmp_path / "capitals.csv", rows)), "FT413")
    assert len(found) == 2


def test_leftover_ending_is_the_marker_with_its_whitespace():
    separators, stops = CHAT_LEFTOVER_SEPARATORS, CHAT_LEFTOVER_STOPS
    assert leftover_ending("?\n\n###\n\n", separators) == "\n\n###\n\n"
    assert leftover_ending("e ->", separators) == " ->"
    assert leftover_ending("s END\n", stops) == " END\n"
    assert leftover_ending(" END", stops) == " END"
    assert leftover_ending("x.", stops) == ""
    assert leftover_ending("\n", stops) == ""
    assert leftover_ending("", separators) == ""
    assert "." not in stops and "\n" not in stops
    assert list(separators) == sorted(separators, key=lambda m: (-len(m), m))


def test_open_ended_generation_skips_prompt_and_stop_rules(run_json, tmp_path):
    records = [{"prompt": "", "completion": f" A story about {c}."} for c, _ in CAPITALS]
    records[3]["completion"] = " A story without a full stop"
    path = write_jsonl(tmp_path / "open.jsonl", records)
    report = check(run_json, path, *PC)
    assert not {"FT402", "FT403", "FT404", "FT406", "FT409"} & set(codes(report))
    assert report["summary"]["task"] == "open-ended generation"


def test_separator_in_prompt_reports_first_prompt_and_count(run_json, tmp_path):
    records = capitals(prompt_end="\n\n###\n\n")
    records[4]["prompt"] = "Read this:\n\n###\n\nCapital of Japan\n\n###\n\n"
    records[9]["prompt"] = "### Canada\n\n###\n\nCapital?\n\n###\n\n"
    path = write_jsonl(tmp_path / "inside.jsonl", records)
    (found,) = only(check(run_json, path, *PC), "FT403")
    assert found["location"]["line"] == 5
    assert "inside 2 prompts" in found["message"]
    assert "`\\n\\n###\\n\\n`" in found["message"]


def test_separator_in_prompt_follows_a_shrinking_suffix(run_json, tmp_path):
    # The first prompts share "\n\n###\n\n"; the last one only "\n\n": the separator is "\n\n",
    # which the first prompt already contains before its end.
    records = capitals(prompt_end="\n\n###\n\n")
    records[0]["prompt"] = "Line one\n\nCapital of France\n\n###\n\n"
    records[-1]["prompt"] = "Capital of Nepal\n\n"
    path = write_jsonl(tmp_path / "shrink.jsonl", records)
    (found,) = only(check(run_json, path, *PC), "FT403")
    assert found["location"]["line"] == 1
    assert "`\\n\\n`" in found["message"]


def test_no_separator_in_prompt_when_it_is_only_at_the_end(run_json, tmp_path):
    path = write_jsonl(tmp_path / "ok.jsonl", capitals(prompt_end="\n\n###\n\n"))
    assert "FT403" not in codes(check(run_json, path, *PC))


# ---------------------------------------------------------------------------------------------
# missing-stop-sequence


@pytest.mark.parametrize(
    ("endings", "expected"),
    [
        (["", "."], "\n"),
        (["\nmore", ""], "."),
        (["\n.", " END", "***"], "+++"),
    ],
)
def test_missing_stop_sequence_chooses_like_the_legacy_tool(
    run_json, run_cli, tmp_path, endings, expected
):
    records = capitals(completion_end="")
    for i, ending in enumerate(endings):
        records[i]["completion"] += ending
    if expected != "\n":
        records[-1]["completion"] += "."  # a full stop somewhere, so "." is taken too
        if expected == ".":
            records[-1]["completion"] = records[-1]["completion"][:-1]
    path = write_jsonl(tmp_path / "stop.jsonl", records)
    (found,) = only(check(run_json, path, *PC), "FT404")
    assert found["location"]["field"] == "/completion"
    assert f"stop=[{json.dumps(expected)}]" in found["fix"]["message"]
    prepare(run_cli, path, *PC, "--unsafe-fixes")
    out = read_jsonl(tmp_path / "stop_prepared.jsonl")
    assert all(r["completion"].endswith(expected) for r in out)
    assert "FT404" not in codes(check(run_json, tmp_path / "stop_prepared.jsonl", *PC))


def test_no_stop_sequence_rule_for_classification(run_json, tmp_path):
    records = [
        {"prompt": f"Review {i}: {'great' if i % 2 else 'awful'} ->", "completion": label}
        for i, label in enumerate([" positive", " negative."] * 10)
    ]
    path = write_jsonl(tmp_path / "cls.jsonl", records)
    report = check(run_json, path, *PC)
    assert "FT404" not in codes(report)
    assert "stop_sequence" not in report["summary"]


# ---------------------------------------------------------------------------------------------
# completion-leading-space


def test_completion_leading_space_counts_and_safe_fix(run_json, run_cli, tmp_path):
    records = capitals()
    records[2]["completion"] = "Madrid\n"
    records[7]["completion"] = "Cairo\n"
    records[8]["completion"] = "\nOslo\n"  # starts with whitespace: fine
    path = write_jsonl(tmp_path / "space.jsonl", records)
    (found,) = only(check(run_json, path, *PC), "FT405")
    assert found["message"].startswith("2 of 12 completions")
    assert found["location"]["line"] == 3
    assert found["fix"]["applicability"] == "safe"
    prepare(run_cli, path, *PC, "--fix")
    out = read_jsonl(tmp_path / "space_prepared.jsonl")
    assert out[2]["completion"] == " Madrid\n" and out[7]["completion"] == " Cairo\n"
    assert out[8]["completion"] == "\nOslo\n" and out[0]["completion"] == " Paris\n"


def test_check_fix_rewrites_jsonl_in_place_with_the_safe_fix(run_cli, tmp_path):
    records = capitals()
    records[0]["completion"] = "Paris\n"
    path = write_jsonl(tmp_path / "inplace.jsonl", records)
    code, _out, _err = run_cli("check", path, "--select", "FT4", *PC, "--fix")
    assert code == 0
    assert read_jsonl(path)[0]["completion"] == " Paris\n"


# ---------------------------------------------------------------------------------------------
# common-prompt-prefix / common-completion-prefix


def test_common_prompt_prefix_cut_at_a_word_boundary_and_removed(run_json, run_cli, tmp_path):
    reviews = ["great phone", "good value", "broke fast", "bad screen", "fine", "gorgeous"]
    records = [
        {"prompt": f"Classify the sentiment of this review: {r} ->", "completion": f" {i}\n"}
        for i, r in enumerate(reviews * 2)
    ]
    path = write_jsonl(tmp_path / "prefix.jsonl", records)
    (found,) = only(check(run_json, path, *PC), "FT406")
    assert "`Classify the sentiment of this review: `" in found["message"]
    assert found["location"]["field"] == "/prompt"
    prepare(run_cli, path, *PC, "--unsafe-fixes")
    out = read_jsonl(tmp_path / "prefix_prepared.jsonl")
    assert [r["prompt"] for r in out[:3]] == ["great phone ->", "good value ->", "broke fast ->"]
    assert "FT406" not in codes(check(run_json, tmp_path / "prefix_prepared.jsonl", *PC))


def test_short_common_prompt_prefix_is_fine(run_json, tmp_path):
    path = write_jsonl(tmp_path / "short.jsonl", capitals())  # "Capital of " is 11 characters
    assert "FT406" not in codes(check(run_json, path, *PC))


def test_common_completion_prefix_keeps_the_leading_space(run_json, run_cli, tmp_path):
    records = [
        {"prompt": f"Capital of {c} ->", "completion": f" Answer: {city}\n"} for c, city in CAPITALS
    ]
    path = write_jsonl(tmp_path / "cprefix.jsonl", records)
    (found,) = only(check(run_json, path, *PC), "FT407")
    assert "` Answer: `" in found["message"]
    prepare(run_cli, path, *PC, "--unsafe-fixes")
    out = read_jsonl(tmp_path / "cprefix_prepared.jsonl")
    assert out[0]["completion"] == " Paris\n"
    assert not {"FT405", "FT407"} & set(
        codes(check(run_json, tmp_path / "cprefix_prepared.jsonl", *PC))
    )


# ---------------------------------------------------------------------------------------------
# mostly-uppercase


def test_mostly_uppercase_prompts_reported_and_lowercased(run_json, run_cli, tmp_path):
    records = capitals()
    for record in records[:6]:
        record["prompt"] = record["prompt"].upper()
    path = write_jsonl(tmp_path / "upper.jsonl", records)
    report = check(run_json, path, *PC)
    (found,) = only(report, "FT408")
    assert found["location"]["field"] == "/prompt" and found["location"]["line"] == 1
    assert "% of the letters in the prompts are upper case" in found["message"]
    prepare(run_cli, path, *PC, "--unsafe-fixes")
    out = read_jsonl(tmp_path / "upper_prepared.jsonl")
    assert out[0]["prompt"] == "capital of france ->"
    assert "FT408" not in codes(check(run_json, tmp_path / "upper_prepared.jsonl", *PC))


def test_uppercase_acronyms_in_uncased_scripts_are_not_mostly_uppercase(run_json, tmp_path):
    records = [
        {
            "prompt": f"乙肝病毒DNA检测结果{i}是什么意思？需要吃药吗？",
            "completion": f" 第{i}次检查的结果说明病毒在复制，建议复查HBV DNA，注意休息。",
        }
        for i in range(12)
    ]
    path = write_jsonl(tmp_path / "zh.jsonl", records)
    assert "FT408" not in codes(check(run_json, path, *PC))


def test_uppercase_class_labels_are_names_not_shouting(run_json, tmp_path):
    records = [
        {"prompt": f"Message {i}: win a prize now ->", "completion": " SPAM" if i % 3 else " HAM"}
        for i in range(30)
    ]
    path = write_jsonl(tmp_path / "labels.jsonl", records)
    assert "FT408" not in codes(check(run_json, path, *PC))


# ---------------------------------------------------------------------------------------------
# identical-prompts / identical-completions


def test_identical_prompts_and_completions_are_errors(run_json, tmp_path):
    same_prompt = [{"prompt": "Write a tweet ->", "completion": f" Tweet {i}\n"} for i in range(5)]
    report = check(run_json, write_jsonl(tmp_path / "p.jsonl", same_prompt), *PC)
    (found,) = only(report, "FT409")
    assert found["severity"] == "error" and "all 5 prompts are identical" in found["message"]
    assert not {"FT402", "FT403", "FT406"} & set(codes(report))

    same_answer = [{"prompt": f"Question {i} ->", "completion": " OK\n"} for i in range(5)]
    report = check(run_json, write_jsonl(tmp_path / "c.jsonl", same_answer))
    (found,) = only(report, "FT410")
    assert found["severity"] == "error" and "` OK\\n`" in found["message"]


def test_one_record_is_never_identical(run_json, tmp_path):
    path = write_jsonl(tmp_path / "one.jsonl", capitals()[:1])
    assert not {"FT409", "FT410"} & set(codes(check(run_json, path, *PC)))


# ---------------------------------------------------------------------------------------------
# classification-detected / class-imbalance


def spam_rows(spam: int, ham: int) -> list[tuple[str, str]]:
    rows = [(f"WIN a prize {i}, call 0800 {i}", "spam") for i in range(spam)]
    rows += [(f"see you at {i} tonight", "ham") for i in range(ham)]
    random.Random(3).shuffle(rows)
    return rows


def test_classification_detected_with_classes_and_settings(run_json, tmp_path):
    path = write_csv(tmp_path / "sms.csv", spam_rows(40, 60), header=("text", "label"))
    report = check(run_json, path, "--map", "prompt=text", "--map", "completion=label")
    (found,) = only(report, "FT411")
    assert found["severity"] == "info"
    assert "2 classes in 100 examples" in found["message"]
    assert "`ham` 60 (60%)" in found["message"] and "`spam` 40 (40%)" in found["message"]
    assert "temperature=0" in found["message"] and "--split" in found["message"]
    assert report["summary"]["task"] == "classification" and report["summary"]["classes"] == 2
    assert "FT412" not in codes(report)
    pc = only(
        check(run_json, path, "--map", "prompt=text", "--map", "completion=label", *PC), "FT411"
    )
    assert "max_tokens=1" in pc[0]["message"] and "logprobs" in pc[0]["message"]


def test_class_imbalance(run_json, tmp_path):
    path = write_csv(tmp_path / "sms.csv", spam_rows(5, 95), header=("text", "label"))
    report = check(run_json, path, "--map", "prompt=text", "--map", "completion=label")
    (found,) = only(report, "FT412")
    assert found["severity"] == "warning"
    assert "`spam` has 5 examples, under a tenth of `ham` (95)" in found["message"]


def test_generation_data_is_not_classification(run_json, tmp_path):
    report = check(run_json, write_jsonl(tmp_path / "gen.jsonl", capitals()), *PC)
    assert not {"FT411", "FT412"} & set(codes(report))


# ---------------------------------------------------------------------------------------------
# Tabular inputs


def test_xlsx_rows_are_prompt_completion_records(run_json, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "QR"
    sheet.append(["Question", "Réponse"])
    for country, city in CAPITALS:
        sheet.append([f"QUELLE EST LA CAPITALE DU PAYS {country.upper()} ?", city])
    sheet.append(["Et la capitale de la Suisse ?", None])
    book.save(tmp_path / "qr.xlsx")
    report = check(
        run_json,
        tmp_path / "qr.xlsx",
        "--map",
        "prompt=Question",
        "--map",
        "completion=Réponse",
        *PC,
    )
    by_code = {d["code"]: d for d in report["diagnostics"]}
    assert by_code["FT401"]["location"]["line"] == 14
    assert by_code["FT401"]["location"]["sheet"] == "QR"
    assert by_code["FT408"]["location"]["field"] == "/prompt"
    assert "FT405" in by_code and "FT404" in by_code


# ---------------------------------------------------------------------------------------------
# Accumulators: merging parts gives the one-pass result


def context(model: str = "babbage-002") -> RuleContext:
    target = next(t for t in ftlint_targets() if t.name == "openai")
    return RuleContext(target=target, model=model)


def run_rules(records: list[Record], cuts: list[int], model: str) -> list[tuple]:
    results = []
    for rule_class in ftlint_rules():
        if rule_class.scope.value != "dataset":
            continue
        rule = rule_class(context(model))
        bounds = [0, *sorted(set(cuts)), len(records)]
        parts = []
        for start, end in itertools.pairwise(bounds):
            acc = rule.accumulator()
            for record in records[start:end]:
                acc.add(record)
            parts.append(acc)
        first = parts[0]
        for part in parts[1:]:
            first.merge(part)
        for d in first.finish():
            results.append((d.code, d.message, d.location, d.fix.message if d.fix else None))
        results.append((rule.code, sorted(first.summary().items())))
    return results


texts = st.text(alphabet="ab ->\n#.E", max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(texts, st.sampled_from(["", " x", "x", " y.", "END", " a b\n", " X"])),
             min_size=1, max_size=14),
    st.lists(st.integers(0, 14), max_size=3),
    st.sampled_from(["babbage-002", "gpt-4o-mini-2024-07-18"]),
)  # fmt: skip
def test_merged_accumulators_equal_one_pass(pairs, cuts, model):
    records = [
        Record({"prompt": p, "completion": c}, Location("d.jsonl", line=i + 1, record=i + 1))
        for i, (p, c) in enumerate(pairs)
    ]
    cuts = [c for c in cuts if c <= len(records)]
    assert run_rules(records, cuts, model) == run_rules(records, [], model)


def run_scans(records: list[Record], cuts: list[int], model: str, pickled: bool) -> list[tuple]:
    """As ``run_rules``, but the way a scan runs them: each part makes the accumulators of
    every rule before its first record (so the legacy ones share their ``Parts``), gives each
    record to those that take records, in order, and (``pickled``: a worker's result) comes
    back through pickle; the parts are merged rule by rule, in order."""
    rules = [r(context(model)) for r in ftlint_rules() if r.scope.value == "dataset"]
    bounds = [0, *sorted(set(cuts)), len(records)]
    parts = []
    for start, end in itertools.pairwise(bounds):
        accumulators = {rule.code: rule.accumulator() for rule in rules}
        adds = [acc.add for acc in accumulators.values() if acc.takes_records]
        for record in records[start:end]:
            for add in adds:
                add(record)
        parts.append(pickle.loads(pickle.dumps(accumulators)) if pickled else accumulators)
    first = parts[0]
    for part in parts[1:]:
        for code, acc in first.items():
            acc.merge(part[code])
    results = []
    for rule in rules:
        acc = first[rule.code]
        for d in acc.finish():
            results.append((d.code, d.message, d.location, d.fix.message if d.fix else None))
        results.append((rule.code, sorted(acc.summary().items())))
    return results


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(texts, st.sampled_from(["", " x", "x", " y.", "END", " a b\n", " X"])),
             min_size=1, max_size=14),
    st.lists(st.integers(0, 14), max_size=3),
    st.sampled_from(["babbage-002", "gpt-4o-mini-2024-07-18"]),
    st.booleans(),
)  # fmt: skip
def test_shared_parts_give_each_rules_own_result(pairs, cuts, model, pickled):
    """The legacy accumulators of a scan fold their shared parts once, for all: the findings
    and figures are those of each rule's accumulator alone, in one pass or merged."""
    records = [
        Record({"prompt": p, "completion": c}, Location("d.jsonl", line=i + 1, record=i + 1))
        for i, (p, c) in enumerate(pairs)
    ]
    cuts = [c for c in cuts if c <= len(records)]
    assert run_scans(records, cuts, model, pickled) == run_rules(records, [], model)


def test_parallel_check_equals_one_process(run_json, tmp_path, monkeypatch):
    rng = random.Random(7)
    records = []
    for i in range(400):
        country, city = CAPITALS[i % len(CAPITALS)]
        ending = rng.choice([" ->", " ->", " ->", "?"])
        records.append({"prompt": f"Q{i} capital of {country}{ending}", "completion": f"{city}"})
    records[250]["prompt"] = "Q ->  -> inside ->"
    path = write_jsonl(tmp_path / "big.jsonl", records)
    one = check(run_json, path, *PC, "--jobs", "1")
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1")
    many = check(run_json, path, *PC, "--jobs", "2")
    assert one["diagnostics"] == many["diagnostics"]
    assert one["summary"] == many["summary"]


# ---------------------------------------------------------------------------------------------
# Pure helpers


@given(st.text(max_size=20), st.text(max_size=20))
def test_common_suffix_and_prefix(a, b):
    suffix = common_suffix(a, b)
    assert a.endswith(suffix) and b.endswith(suffix)
    longer = len(suffix) + 1
    assert len(suffix) == min(len(a), len(b)) or a[-longer:] != b[-longer:]
    prefix = common_prefix(a, b)
    assert a.startswith(prefix) and b.startswith(prefix)
    assert len(prefix) == min(len(a), len(b)) or a[: len(prefix) + 1] != b[: len(prefix) + 1]


@given(st.text(alphabet="ab#\n", max_size=16), st.text(alphabet="ab#\n", max_size=6))
def test_inside_depth_matches_brute_force(text, suffix):
    expected = max(
        (k for k in range(1, len(suffix) + 1) if suffix[-k:] in text[: len(text) - k]), default=0
    )
    assert inside_depth(text, suffix) == expected


@given(st.text(st.characters(max_codepoint=0x52F), max_size=30))  # Latin, Greek, Cyrillic
def test_case_counts_match_the_legacy_definition_on_latin_text(text):
    upper, other = case_counts(text)
    assert upper == sum(1 for c in text if c.isalpha() and c.isupper())
    if text.isascii():
        assert other == sum(1 for c in text if c.isalpha() and c.islower())


def test_word_prefix():
    assert word_prefix("Review: g") == "Review: "
    assert word_prefix("请回答以下问题：") == "请回答以下问题："
    assert word_prefix("Translate to French: ") == "Translate to French: "
    assert word_prefix("abc") == ""


def test_edit_texts_reaches_converted_chat_records():
    lower = EditTexts("lower", "prompt")
    chat = {
        "messages": [{"role": "user", "content": "HELLO"}, {"role": "assistant", "content": "Hi"}]
    }
    assert lower(chat)["messages"][0]["content"] == "hello"
    assert chat["messages"][0]["content"] == "HELLO"  # a new object, the input untouched
    strip = EditTexts("strip-prefix", "completion", " Answer: ", keep_space=True)
    chat["messages"][1]["content"] = " Answer: Paris"
    assert strip(chat)["messages"][1]["content"] == "Paris"
    assert strip({"prompt": "q", "completion": " Answer: Lima"})["completion"] == " Lima"
    unchanged = {"prompt": "q", "completion": ""}
    assert EditTexts("append", "completion", "\n")(unchanged) is unchanged
    strip_end = EditTexts("strip-suffix", "completion", " END\n")
    chat["messages"][1]["content"] = "Paris END\n"
    assert strip_end(chat)["messages"][1]["content"] == "Paris"
    chat["messages"][1]["content"] = "Paris END"  # whitespace-padding stripped it first
    assert strip_end(chat)["messages"][1]["content"] == "Paris"
    chat["messages"][1]["content"] = "paris end"  # mostly-uppercase lower-cased it first
    assert strip_end(chat)["messages"][1]["content"] == "paris"
    assert strip_end({"prompt": "q", "completion": " Lima END\n"})["completion"] == " Lima"
    blank = {"prompt": "q", "completion": " END\n"}  # never down to a blank text
    assert strip_end(blank) is blank
    strip_separator = EditTexts("strip-suffix", "prompt", "\n\n###\n\n")
    chat["messages"][0]["content"] = "Hello\n\n###\n\n"
    assert strip_separator(chat)["messages"][0]["content"] == "Hello"


def test_rule_documentation(run_cli):
    for rule in ftlint_rules():
        code, out, _ = run_cli("rule", rule.name)
        assert code == 0
        for section in SECTIONS:
            assert section in out, (rule.name, section)


# ---------------------------------------------------------------------------------------------
# Real datasets


def test_real_legacy_file_is_clean(run_json, shared_data):
    path = shared_data / "revenger101__BH-Assurance" / "qa_dataset_ft.jsonl"
    report = check(run_json, path, *PC)
    assert codes(report) == []
    assert report["summary"]["prompt_separator"].startswith("`\\n\\n###\\n\\n`")
    assert report["summary"]["stop_sequence"].startswith("` END`")


def test_real_legacy_file_for_a_chat_model_loses_its_markers(run_json, run_cli, shared_data):
    path = shared_data / "revenger101__BH-Assurance" / "qa_dataset_ft.jsonl"
    found = only(check(run_json, path), "FT413")
    assert [d["location"]["field"] for d in found] == ["/prompt", "/completion"]
    out = Path("bh.jsonl")
    prepare(run_cli, path, "--select", "FT303", "--fix", "-o", out)
    records = read_jsonl(out)
    assert len(records) == sum(1 for line in path.open(encoding="utf-8") if line.strip())
    for record in records:
        user, assistant = (m["content"] for m in record["messages"])
        assert not user.endswith("###") and not assistant.rstrip().endswith("END")


def test_real_ag_news_is_balanced_classification(run_json, shared_data):
    path = shared_data / "openai__openai-cookbook" / "AG_news_samples.csv"
    report = check(run_json, path, "--map", "prompt=description", "--map", "completion=label")
    assert codes(report) == ["FT411"]
    assert "4 classes in 2000 examples" in report["diagnostics"][0]["message"]


def test_real_tabular_files_have_no_false_alarms(run_json, shared_data):
    bh = shared_data / "revenger101__BH-Assurance"
    cases = [
        (bh / "qa_dataset.csv", "question", "answer"),
        (bh / "Exemples_questions_reponses.xlsx", "Question", "Réponse"),
        (shared_data / "AIKU-Official__hansol-llm-competition" / "train.csv",
         "instruction", "output"),
        (shared_data / "Toyhom__Chinese-medical-dialogue-data" / "样例_内科5000-6000.csv",
         "ask", "answer"),
    ]  # fmt: skip
    for path, prompt, completion in cases:
        _code, report = run_json(
            "check", path, "--select", "FT4,FT101", "--map", f"prompt={prompt}",
            "--map", f"completion={completion}",
        )  # fmt: skip
        assert not [c for c in codes(report) if c.startswith("FT4")], (path, codes(report))


def test_rules_listing_severity_and_fix_safety(run_cli):
    code, out, _ = run_cli("rules", "--format", "json")
    assert code == 0
    table = {r["code"]: (r["name"], r["scope"], r["severity"], r["fix"]) for r in json.loads(out)}
    assert {c: table[c] for c in table if c.startswith("FT4")} == {
        "FT401": ("empty-completion", "record", "error", "unsafe"),
        "FT402": ("missing-prompt-separator", "dataset", "warning", "unsafe"),
        "FT403": ("separator-in-prompt", "dataset", "warning", None),
        "FT404": ("missing-stop-sequence", "dataset", "warning", "unsafe"),
        "FT405": ("completion-leading-space", "dataset", "warning", "safe"),
        "FT406": ("common-prompt-prefix", "dataset", "warning", "unsafe"),
        "FT407": ("common-completion-prefix", "dataset", "warning", "unsafe"),
        "FT408": ("mostly-uppercase", "dataset", "warning", "unsafe"),
        "FT409": ("identical-prompts", "dataset", "error", None),
        "FT410": ("identical-completions", "dataset", "error", None),
        "FT411": ("classification-detected", "dataset", "info", None),
        "FT412": ("class-imbalance", "dataset", "warning", None),
        "FT413": ("legacy-separators", "dataset", "warning", "safe"),
    }

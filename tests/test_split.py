"""``ftlint prepare --split``: the _train / _valid files, their sizes (the legacy default,
fractions, counts), determinism for a seed, duplicates kept on one side, stratification of
classification data, dropped records in neither file; plus the ranking helpers against a plain
sort."""

from __future__ import annotations

import csv
import json
from array import array
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlint.config import ConfigError
from ftlint.split import SplitSpec, Splitter, stratified_quotas, thresholds
from tests.conftest import read_jsonl, write_jsonl

PC = ("--model", "babbage-002")


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def generation(n: int) -> list[dict]:
    return [
        {"prompt": f"Question number {i} ->", "completion": f" Answer {i * 7}\n"} for i in range(n)
    ]


def prepare(run_cli, path: Path, *args: str) -> tuple[int, dict, str]:
    code, out, err = run_cli(
        "prepare", path, "--select", "FT4", "--output-format", "json", *PC, *args
    )
    return code, (json.loads(out) if out.strip() else {}), err


def outputs(directory: Path, stem: str) -> tuple[list, list]:
    return read_jsonl(directory / f"{stem}_train.jsonl"), read_jsonl(
        directory / f"{stem}_valid.jsonl"
    )


# ---------------------------------------------------------------------------------------------
# Sizes


@pytest.mark.parametrize(
    ("value", "total", "expected"),
    [
        (None, 100, 20), (None, 6000, 1000), (None, 10, 2), (None, 2, 1), (None, 1, 0),
        ("auto", 4999, 1000), ("0.2", 101, 20), ("0.5", 3, 2), ("0.01", 10, 1),
        ("30", 100, 30), ("500", 100, 99), ("1", 50, 1),
    ],
)  # fmt: skip
def test_valid_size(value, total, expected):
    assert SplitSpec.parse(value).valid_size(total) == expected


@pytest.mark.parametrize("value", ["0", "1.5", "-0.2", "abc", "2.5", "nan"])
def test_bad_split_values(value):
    with pytest.raises(ConfigError):
        SplitSpec.parse(value)


def test_split_writes_train_and_valid_files(run_cli, tmp_path):
    records = generation(50)
    path = write_jsonl(tmp_path / "data.jsonl", records)
    code, report, _ = prepare(run_cli, path, "--split", "0.2")
    assert code == 0
    train, valid = outputs(tmp_path, "data")
    assert (len(train), len(valid)) == (40, 10)
    assert not (tmp_path / "data_prepared.jsonl").exists()
    # Every record once, in its original order within each file.
    assert sorted(train + valid, key=lambda r: records.index(r)) == records
    assert train == [r for r in records if r in train]
    file = report["files"][0]
    assert file["written"] == 50
    assert [Path(p).name for p in file["outputs"]] == ["data_train.jsonl", "data_valid.jsonl"]
    assert report["summary"]["train_examples"] == 40 and report["summary"]["valid_examples"] == 10
    assert "seed 42" in report["summary"]["split"]


def test_split_without_value_uses_the_legacy_rule(run_cli, tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", generation(30))
    code, out, err = run_cli("prepare", path, *PC, "--select", "FT4", "--split")
    assert code == 0, err
    train, valid = outputs(tmp_path, "data")
    assert (len(train), len(valid)) == (24, 6)
    assert "24 training / 6 validation examples" in out


def test_split_is_deterministic_and_depends_on_the_seed(run_cli, tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", generation(200))
    prepare(run_cli, path, "--split", "0.25", "--seed", "7")
    first = outputs(tmp_path, "data")
    prepare(run_cli, path, "--split", "0.25", "--seed", "7", "--force")
    assert outputs(tmp_path, "data") == first
    prepare(run_cli, path, "--split", "0.25", "--seed", "8", "--force")
    other = outputs(tmp_path, "data")
    assert len(other[1]) == len(first[1]) == 50
    assert other[1] != first[1]


def test_exact_duplicates_never_straddle(run_cli, tmp_path):
    records = generation(40)
    records += [dict(records[i]) for i in range(0, 40, 2)] * 2  # 20 records three times each
    path = write_jsonl(tmp_path / "dups.jsonl", records)
    for seed in range(5):
        prepare(run_cli, path, "--split", "0.3", "--seed", str(seed), "--force")
        train, valid = outputs(tmp_path, "dups")
        keys = {json.dumps(r, sort_keys=True) for r in train}
        assert not keys & {json.dumps(r, sort_keys=True) for r in valid}
        assert len(train) + len(valid) == 80
        assert abs(len(valid) - 24) <= 2  # exact up to one group at the boundary


def test_classification_is_stratified_by_class(run_cli, tmp_path):
    path = tmp_path / "sms.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for i in range(300):
            label = "spam" if i % 10 == 0 else ("promo" if i % 10 < 4 else "ham")
            writer.writerow([f"message {i} about {label}", label])
    code, out, err = run_cli(
        "prepare", path, "--map", "prompt=text", "--map", "completion=label", "--split", "0.2"
    )
    assert code == 0, err
    train, valid = outputs(tmp_path, "sms")
    assert len(valid) == 60 and len(train) == 240

    def label(record: dict) -> str:
        if "messages" in record:  # a chat model: the rows became conversations
            return record["messages"][-1]["content"]
        return record["completion"]

    assert Counter(map(label, valid)) == {"ham": 36, "promo": 18, "spam": 6}
    assert Counter(map(label, train)) == {"ham": 144, "promo": 72, "spam": 24}
    assert "stratified by class (3 classes)" in out


def test_dropped_records_are_in_neither_file(run_cli, tmp_path):
    records = generation(20)
    records[4]["completion"] = ""
    records[11]["completion"] = ""
    path = write_jsonl(tmp_path / "data.jsonl", records)
    _code, report, _ = prepare(run_cli, path, "--split", "0.25", "--unsafe-fixes")
    train, valid = outputs(tmp_path, "data")
    assert len(train) + len(valid) == 18 and len(valid) == 4
    assert all(r["completion"] for r in train + valid)
    assert [d["location"]["line"] for d in report["files"][0]["dropped"]] == [5, 12]
    assert report["files"][0]["written"] == 18


def test_split_refuses_to_overwrite_and_to_work_in_place(run_cli, tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", generation(20))
    (tmp_path / "data_valid.jsonl").write_text("keep me\n", encoding="utf-8")
    code, _out, err = run_cli("prepare", path, *PC, "--split")
    assert code == 2 and "data_valid.jsonl exists" in err and "--force" in err
    assert (tmp_path / "data_valid.jsonl").read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "data_train.jsonl").exists()
    code, _out, err = run_cli("prepare", path, *PC, "--split", "--in-place")
    assert code == 2 and "--in-place" in err
    code, _out, err = run_cli("prepare", "--split", path)
    assert code == 2 and "put --split after the input files" in err


def test_split_with_output_names_the_pair_after_it(run_cli, tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", generation(20))
    (tmp_path / "out").mkdir()
    code, _report, err = prepare(run_cli, path, "--split", "5", "-o", tmp_path / "out" / "ft.jsonl")
    assert code == 0, err
    train, valid = outputs(tmp_path / "out", "ft")
    assert (len(train), len(valid)) == (15, 5)


def test_prepared_split_files_are_clean_and_stable(run_cli, run_json, tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", generation(40))
    prepare(run_cli, path, "--split", "0.2", "--fix")
    train_path = tmp_path / "data_train.jsonl"
    code, _out, _err = run_cli("prepare", train_path, "--select", "FT4", *PC, "--fix")
    assert code == 0
    assert (tmp_path / "data_train_prepared.jsonl").read_bytes() == train_path.read_bytes()


# ---------------------------------------------------------------------------------------------
# The ranking, against a plain sort


@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=300), st.integers(1, 299))
def test_thresholds_pick_the_smallest_hashes(hashes, wanted):
    wanted = min(wanted, len(hashes) - 1) if len(hashes) > 1 else 0
    if not wanted:
        return
    cuts = thresholds(array("Q", hashes), array("i", [0] * len(hashes)), [wanted])
    value, include = cuts[0]
    chosen = [h for h in hashes if h < value or (include and h == value)]
    assert sorted(chosen) == sorted(hashes)[: len(chosen)]
    if len(set(hashes)) == len(hashes):
        assert len(chosen) == wanted


@given(st.lists(st.integers(0, 2**64 - 1), min_size=2, max_size=200, unique=True), st.data())
def test_thresholds_per_class(hashes, data):
    classes = [data.draw(st.integers(0, 3)) for _ in hashes]
    sizes = [classes.count(c) for c in range(4)]
    quotas = [data.draw(st.integers(0, max(0, size - 1))) for size in sizes]
    cuts = thresholds(array("Q", hashes), array("i", classes), quotas)
    for class_id in range(4):
        members = sorted(h for h, c in zip(hashes, classes, strict=True) if c == class_id)
        cut = cuts.get(class_id)
        chosen = [] if cut is None else [h for h in members if h < cut[0] or h == cut[0]]
        assert chosen == members[: quotas[class_id]]


@given(st.lists(st.integers(1, 500), min_size=1, max_size=8), st.integers(1, 2000))
def test_stratified_quotas(sizes, valid):
    valid = min(valid, sum(sizes) - 1)
    quotas = stratified_quotas(sizes, valid)
    assert all(0 <= q <= max(0, s - 1) for q, s in zip(quotas, sizes, strict=True))
    room = sum(max(0, s - 1) for s in sizes)
    assert sum(quotas) == min(valid, room)
    # Every class gets at least its whole share (capped so one example stays in training);
    # what capped classes cannot take goes to the others, never more than that surplus each.
    shares = [valid * s / sum(sizes) for s in sizes]
    surplus = sum(sh - min(int(sh), max(0, s - 1)) for sh, s in zip(shares, sizes, strict=True))
    for q, s, share in zip(quotas, sizes, shares, strict=True):
        assert q >= min(int(share), max(0, s - 1))
        assert q <= share + surplus + 1e-9


def test_splitter_stratifies_only_classification():
    generation_splitter = Splitter()
    for record in generation(30):
        generation_splitter.add(record)
    assert not generation_splitter.stratified
    labels = Splitter()
    for i in range(30):
        answer = "yes" if i % 2 else "no"
        user = {"role": "user", "content": f"m{i}"}
        labels.add({"messages": [user, {"role": "assistant", "content": answer}]})
    assert labels.stratified and labels.class_count == 2

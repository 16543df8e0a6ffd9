"""``--dataset NAME=GLOB``: shards checked as one dataset give the findings of the concatenated
file, located in the right shard; without it every file stands alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import read_jsonl, write_jsonl
from tests.test_parallel import messy_dataset, write_lines


def shard(lines: list[str], directory: Path, parts: int, suffix: str = ".jsonl") -> list[Path]:
    """``lines`` cut into ``parts`` shards named as the Hub names them."""
    directory.mkdir(parents=True, exist_ok=True)
    size = -(-len(lines) // parts)
    paths = []
    for k in range(parts):
        path = directory / f"train-{k:05d}-of-{parts:05d}{suffix}"
        write_lines(path, lines[k * size : (k + 1) * size])
        paths.append(path)
    return paths


def global_findings(report: dict, offsets: dict[str, int]) -> list[tuple]:
    """Findings with each location turned into the record's ordinal in the whole dataset."""
    found = []
    for d in report["diagnostics"]:
        location = d["location"]
        record = location["record"]
        if record is not None:
            record += offsets[location["path"]]
        found.append((d["code"], d["severity"], record, location["field"]))
    return sorted(found, key=lambda f: (f[0], f[1], f[2] or 0, f[3] or ""))


def record_offsets(paths: list[Path]) -> dict[str, int]:
    """How many records come before each shard (blank lines are not records)."""
    offsets, total = {}, 0
    for path in paths:
        offsets[str(path)] = total
        total += sum(1 for line in path.read_text("utf-8").splitlines() if line.strip())
    return offsets


def test_shards_give_the_findings_of_the_concatenated_file(tmp_path, run_json):
    lines = [line for line in messy_dataset(600) if line.strip()]  # no blank lines
    whole = write_lines(tmp_path / "whole.jsonl", lines)
    shards = shard(lines, tmp_path / "data", 4)
    _, one = run_json("check", whole, "--select", "ALL")
    _, sharded = run_json("check", "--dataset", f"train={tmp_path / 'data' / 'train-*.jsonl'}",
                          "--select", "ALL")  # fmt: skip
    assert [f["path"] for f in sharded["files"]] == [str(p) for p in shards]
    assert {f["dataset"] for f in sharded["files"]} == {"train"}
    assert sum(f["records"] for f in sharded["files"]) == one["files"][0]["records"]
    assert global_findings(sharded, record_offsets(shards)) == global_findings(one, {str(whole): 0})
    # the dataset's figures are the whole file's (in the first shard's summary and the run's)
    for key in ("examples", "tokens", "duplicates", "shapes"):
        assert sharded["summary"].get(key) == one["summary"].get(key), key
    codes = {d["code"] for d in sharded["diagnostics"]}
    assert {"FT602", "FT603", "FT604", "FT702"} <= codes


def test_duplicates_across_shards_name_both_shards(tmp_path, run_json):
    rows = [
        {"messages": [{"role": "user", "content": f"Q{i}"}, {"role": "assistant", "content": "A"}]}
        for i in range(20)
    ]
    first = write_jsonl(tmp_path / "train-00000-of-00002.jsonl", rows[:10])
    second = write_jsonl(tmp_path / "train-00001-of-00002.jsonl", [*rows[10:], rows[3]])
    _, alone = run_json("check", first, second)
    assert not [d for d in alone["diagnostics"] if d["code"] == "FT602"]
    assert len([d for d in alone["diagnostics"] if d["code"] == "FT601"]) == 2  # 10 and 11
    _, together = run_json("check", "--dataset", f"train={tmp_path}/train-*.jsonl")
    [duplicate] = [d for d in together["diagnostics"] if d["code"] == "FT602"]
    assert duplicate["location"]["path"] == str(second)
    assert duplicate["location"]["line"] == 11
    assert f"line 4 of {first}" in duplicate["message"]
    [count] = [d for d in together["diagnostics"] if d["code"] == "FT601"]
    assert count["message"].startswith("21 examples")


def test_parquet_shards_locate_duplicates_by_row_group(tmp_path, run_json):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"prompt": f"Q{i} ->", "completion": f" A{i}\n"} for i in range(30)]
    directory = tmp_path / "shards"
    directory.mkdir()
    for k in range(3):
        part = rows[k * 10 : (k + 1) * 10]
        if k == 2:
            part[7] = rows[2]  # a copy of the first shard's third row
        table = pa.Table.from_struct_array(pa.array(part))
        pq.write_table(table, directory / f"train-{k:05d}-of-00003.parquet", row_group_size=4)
    (directory / "README.md").write_text("# not a shard\n", "utf-8")
    _, report = run_json("check", "--dataset", f"train={directory}", "--model", "davinci-002")
    assert len(report["files"]) == 3  # the directory's Parquet files, not its README
    [duplicate] = [d for d in report["diagnostics"] if d["code"] == "FT602"]
    assert duplicate["location"] == {
        "path": str(directory / "train-00002-of-00003.parquet"), "line": None, "column": None,
        "record": 8, "field": None, "sheet": None, "row_group": 1, "row": 3,
    }  # fmt: skip


def test_datasets_from_the_configuration(tmp_path, run_json, monkeypatch):
    rows = [{"prompt": "same ->", "completion": " answer\n"}] * 2
    (tmp_path / "data").mkdir()
    write_jsonl(tmp_path / "data" / "a.jsonl", rows[:1])
    write_jsonl(tmp_path / "data" / "b.jsonl", rows[1:])
    config = tmp_path / "ftlint.toml"
    config.write_text('model = "davinci-002"\n[datasets]\ntrain = ["data/*.jsonl"]\n', "utf-8")
    monkeypatch.chdir(tmp_path / "data")  # globs are relative to the configuration file
    _, report = run_json("check", "--config", config)
    assert [f["dataset"] for f in report["files"]] == ["train", "train"]
    assert [d["location"]["path"] for d in report["diagnostics"] if d["code"] == "FT602"] == [
        str(tmp_path / "data" / "b.jsonl")
    ]
    _, chosen = run_json("check", "--config", config, "--dataset", "train")
    assert chosen["diagnostics"] == report["diagnostics"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dataset", "train=nowhere/*.jsonl"], "'nowhere/*.jsonl' matches no file"),
        (["--dataset", "=x.jsonl"], "--dataset expects NAME=PATH"),
        (["--dataset", "valid"], "--dataset 'valid': no such dataset in the configuration"),
    ],
)  # fmt: skip
def test_dataset_usage_errors_exit_2(tmp_path, run_cli, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("check", *args)
    assert code == 2
    assert message in err


def test_prepare_a_dataset_drops_copies_in_the_shard_that_holds_them(tmp_path, run_json):
    rows = [{"prompt": f"Q{i} ->", "completion": f" A{i}\n"} for i in range(12)]
    first = write_jsonl(tmp_path / "train-00000-of-00002.jsonl", rows[:6])
    second = write_jsonl(tmp_path / "train-00001-of-00002.jsonl", [*rows[6:], rows[0]])
    _, report = run_json("prepare", "--dataset", f"train={tmp_path}/train-*.jsonl", "--fix",
                         "--model", "davinci-002", "--no-report")  # fmt: skip
    assert read_jsonl(tmp_path / "train-00000-of-00002_prepared.jsonl") == rows[:6]
    assert read_jsonl(tmp_path / "train-00001-of-00002_prepared.jsonl") == rows[6:]
    dropped = [f["dropped"] for f in report["files"]]
    assert dropped[0] == []
    assert dropped[1][0]["location"]["path"] == str(second)
    assert f"line 1 of {first}" in dropped[1][0]["reason"]

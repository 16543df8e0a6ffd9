"""The ``ray`` executor on a local Ray cluster started here: the same report, locations and
figures as the local executor (and as one process) for real files, shards and a generated
set. Skips only where Ray is not installed or cannot start."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_parallel import messy_dataset, write_lines

#: The size of the generated set here (the benchmark, ``benchmarks/executors.py``, runs
#: 200,000): enough for every unit to hold thousands of examples, cheap enough for CI.
GENERATED = 20_000


@pytest.fixture(scope="module")
def ray_cluster():
    ray = pytest.importorskip("ray")
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    except Exception as exc:  # no shared memory, no sockets ...: nothing to test against
        pytest.skip(f"a local Ray cannot start here: {type(exc).__name__}: {exc}")
    yield ray
    ray.shutdown()


@pytest.fixture
def units(monkeypatch):
    """Every file counts as large (it is cut into parts); returns (executor, units) per scan."""
    from ftlint.engine import Engine

    monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1")
    seen = []
    original = Engine._scan_parallel

    def spy(self, executor, work):
        seen.append((executor.name, len(work)))
        return original(self, executor, work)

    monkeypatch.setattr(Engine, "_scan_parallel", spy)
    return seen


def report(run_json, *args) -> dict:
    _, result = run_json(*args)
    return result


def test_real_files_give_the_local_report(ray_cluster, shared_data, run_json, units):
    files = sorted(
        p for p in shared_data.rglob("*") if p.is_file() and p.suffix != ".md" and p.stat().st_size
    )
    assert len(files) >= 10
    # One run over all of them: each Ray worker process builds the run's engine once.
    local = report(run_json, "check", *files, "--jobs", "2")
    units.clear()
    ray = report(run_json, "check", *files, "--jobs", "2", "--executor", "ray")
    assert ray == local
    assert [f["path"] for f in ray["files"]] == [str(p) for p in files]
    split = [p for p in files if p.suffix == ".jsonl" and p.stat().st_size > 100_000]
    assert ("ray", 4) in units and len(units) >= len(split)  # cut into parts, Ray tasks


def test_a_dataset_of_shards_gives_the_local_report(ray_cluster, tmp_path, run_json, units):
    lines = messy_dataset(900)
    for k in range(3):
        write_lines(tmp_path / f"train-{k:05d}-of-00003.jsonl", lines[k * 300 : (k + 1) * 300])
    glob = f"train={tmp_path}/train-*.jsonl"
    local = report(run_json, "check", "--dataset", glob, "--jobs", "2", "--select", "ALL")
    ray = report(run_json, "check", "--dataset", glob, "--executor", "ray", "--select", "ALL")
    assert units[-1] == ("ray", 12)  # 3 shards x 2 workers x 2 parts
    assert ray == local
    codes = {d["code"] for d in ray["diagnostics"]}
    assert {"FT201", "FT602", "FT603", "FT604", "FT702"} <= codes
    assert {d["location"]["path"] for d in ray["diagnostics"] if d["code"] == "FT602"} >= {
        str(tmp_path / "train-00001-of-00003.jsonl"),
        str(tmp_path / "train-00002-of-00003.jsonl"),
    }


def generated_set(path: Path, count: int) -> Path:
    """``count`` chat examples of the benchmark generator, then copies and conflicting
    answers of some of them, so that the dataset rules merge findings across units."""
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    # Registered first: its dataclasses look their module up while the class is built.
    sys.modules[spec.name] = generate
    spec.loader.exec_module(generate)
    examples = list(generate.examples("chat", count, seed=3))
    extra = [examples[i] for i in range(0, count, 997)]  # exact copies
    for i in range(5, count, 1999):  # the same prompt, another answer
        changed = json.loads(json.dumps(examples[i]))
        changed["messages"][-1]["content"] += " Also, see the help page."
        extra.append(changed)
    with path.open("w", encoding="utf-8") as handle:
        for example in [*examples, *extra]:
            handle.write(json.dumps(example, ensure_ascii=False) + "\n")
    return path


def test_a_generated_set_gives_the_local_report(ray_cluster, tmp_path, run_json, units):
    path = generated_set(tmp_path / "generated.jsonl", GENERATED)
    local = report(run_json, "check", path, "--jobs", "2")
    ray = report(run_json, "check", path, "--jobs", "2", "--executor", "ray")
    assert units == [("local", 4), ("ray", 4)]
    assert ray == local
    assert ray["summary"]["records"] == GENERATED + len(range(0, GENERATED, 997)) + len(
        range(5, GENERATED, 1999)
    )
    codes = [d["code"] for d in ray["diagnostics"]]
    assert codes.count("FT602") == len(range(0, GENERATED, 997))
    assert "FT603" in codes


def test_prepare_through_ray_writes_the_local_output(ray_cluster, tmp_path, run_json, units):
    path = write_lines(tmp_path / "train.jsonl", messy_dataset(400))
    outputs = []
    for executor in ("local", "ray"):
        out = tmp_path / f"{executor}.jsonl"
        result = report(run_json, "prepare", path, "-o", out, "--fix", "--no-report",
                        "--executor", executor, "--jobs", "2")  # fmt: skip
        outputs.append((out.read_bytes(), result["files"][0]["dropped"], result["diagnostics"]))
    assert outputs[0] == outputs[1]
    assert ("ray", 4) in units


def test_without_ray_the_executor_names_the_extra(tmp_path, run_cli, monkeypatch):
    path = write_lines(tmp_path / "train.jsonl", messy_dataset(20))
    monkeypatch.setitem(sys.modules, "ray", None)
    code, _, err = run_cli("check", path, "--executor", "ray")
    assert code == 2
    assert "pip install 'ftlint[ray]'" in err


def test_an_unknown_executor_is_a_usage_error(tmp_path, run_cli):
    path = write_lines(tmp_path / "train.jsonl", messy_dataset(20))
    code, _, err = run_cli("check", path, "--executor", "dask")
    assert code == 2
    assert "unknown --executor 'dask'" in err and "local" in err and "ray" in err

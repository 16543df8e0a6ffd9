"""Nothing is written over an existing file without --force, no output is an input, creating
an output is exclusive; SIGINT and SIGTERM stop a run cleanly (exit 130 / 143, temporary
files and workers gone) and workers die with their parent even on SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ftlint.atomic import AtomicWriter, OutputExists, remove_stale, temp_prefix

FTLINT = [sys.executable, "-m", "ftlint.cli"]


def _chat(i: int) -> dict:
    return {
        "messages": [
            {"role": "user", "content": f"Question number {i}: where is my parcel?"},
            {"role": "assistant", "content": f"Answer {i}: it left the depot this morning."},
        ]
    }


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(_chat(i)) + "\n" for i in range(20)), encoding="utf-8")
    return path


def run(*args: object, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*FTLINT, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=120,
    )


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


# ---------------------------------------------------------------------------------------------
# Overwrites


def test_an_existing_report_is_not_replaced_without_force_and_nothing_is_written(data):
    report = data.with_name("train_prepared.report.json")
    report.write_text("mine\n", encoding="utf-8")
    before = _snapshot(data.parent)
    result = run("prepare", data, "--select", "FT2", cwd=data.parent)
    assert result.returncode == 2, result.stderr
    assert f"{report} exists; pass --force to overwrite it" in result.stderr
    assert _snapshot(data.parent) == before  # not even the output
    forced = run("prepare", data, "--select", "FT2", "--force", cwd=data.parent)
    assert forced.returncode == 0, forced.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["files"][0]["written"] == 20


@pytest.mark.parametrize("option", [["--report"], ["--output-file"], ["-o"]])
def test_no_output_may_be_an_input_even_with_force(data, option):
    original = data.read_bytes()
    for force in ([], ["--force"]):
        result = run("prepare", data, *option, data, *force, cwd=data.parent)
        assert result.returncode == 2, result.stderr
        assert "over the input" in result.stderr
        assert data.read_bytes() == original
    assert sorted(p.name for p in data.parent.iterdir()) == ["train.jsonl"]


def test_a_split_output_may_not_be_the_input(data):
    source = data.rename(data.with_name("faq_train.jsonl"))
    original = source.read_bytes()
    result = run("prepare", source, "--split", "0.2", "-o", "faq.jsonl", "--force", cwd=data.parent)
    assert result.returncode == 2
    assert "over the input" in result.stderr
    assert source.read_bytes() == original
    assert sorted(p.name for p in data.parent.iterdir()) == ["faq_train.jsonl"]


def test_check_output_file_is_not_replaced_without_force(data):
    target = data.with_name("report.txt")
    target.write_text("keep me\n", encoding="utf-8")
    result = run("check", data, "--output-file", target, cwd=data.parent)
    assert result.returncode == 2
    assert "exists; pass --force" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep me\n"
    assert run("check", data, "--output-file", data, cwd=data.parent).returncode == 2
    forced = run("check", data, "--output-file", target, "--force", "-f", "json", cwd=data.parent)
    assert forced.returncode == 0, forced.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["files"][0]["records"] == 20


def test_exclusive_creation_one_writer_wins(tmp_path):
    target = tmp_path / "out.jsonl"
    first, second = AtomicWriter(target), AtomicWriter(target)
    first.__enter__().write(b"first\n")
    second.__enter__().write(b"second\n")  # both found the name free when they started
    first.__exit__(None, None, None)
    with pytest.raises(OutputExists, match="exists; pass --force"):
        second.__exit__(None, None, None)  # and the second lost at its commit
    assert target.read_bytes() == b"first\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_two_concurrent_prepares_to_one_output(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text("".join(json.dumps(_chat(i)) + "\n" for i in range(20_000)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = [*FTLINT, "prepare", str(big), "-o", str(out), "--no-report", "--select", "FT2"]
    env = {**os.environ, "NO_COLOR": "1"}
    procs = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert sorted(code for code, _ in results) == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert "exists; pass --force" in loser
    assert len(out.read_text(encoding="utf-8").splitlines()) == 20_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.jsonl", "out.jsonl"]


def test_stale_temporaries_of_dead_runs_are_swept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    stale = tmp_path / f"{temp_prefix('out.jsonl', pid)}abc.tmp"
    stale.write_bytes(b"half")
    mine = tmp_path / f"{temp_prefix('out.jsonl')}def.tmp"
    mine.write_bytes(b"in progress")
    other = tmp_path / ".ftlint-notes.txt"
    other.write_bytes(b"not ours")
    assert remove_stale(tmp_path) == 1
    assert not stale.exists() and mine.exists() and other.exists()


# ---------------------------------------------------------------------------------------------
# Signals


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    """A file that takes several seconds to check across worker processes."""
    path = tmp_path_factory.mktemp("large") / "large.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(150_000):
            handle.write(json.dumps(_chat(i)) + "\n")
    return path


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _start(args: list[str], tmpdir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "TMPDIR": str(tmpdir),
        "FTLINT_PARALLEL_MIN_SIZE": "1",
    }
    return subprocess.Popen(
        [*FTLINT, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )


def _wait_for_workers(proc: subprocess.Popen, count: int = 2, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= count:
            time.sleep(0.5)  # let them start on their ranges
            return workers
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    pytest.fail(f"no workers started: {proc.stderr.read().decode() if proc.stderr else ''}")


def _gone(pids: list[int], timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


pytestmark_linux = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads /proc to find the workers"
)


@pytestmark_linux
@pytest.mark.slow
@pytest.mark.parametrize(
    ("how", "code", "name"),
    [("term", 143, "SIGTERM"), ("int-group", 130, "SIGINT")],
)
def test_a_signal_stops_a_parallel_check_cleanly(large, tmp_path, how, code, name):
    proc = _start(["check", str(large), "--jobs", "2"], tmp_path)
    workers = _wait_for_workers(proc)
    started = time.monotonic()
    if how == "term":
        proc.send_signal(signal.SIGTERM)
    else:  # Ctrl-C in a terminal: the whole process group
        os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err.decode()
    assert time.monotonic() - started < 10
    assert f"interrupted ({name}): nothing was written" in err.decode()
    assert "Traceback" not in err.decode()
    assert _gone(workers), "workers still running"
    assert [p.name for p in tmp_path.iterdir()] == []


@pytestmark_linux
@pytest.mark.slow
def test_sigterm_while_prepare_writes_leaves_no_output_and_no_temporaries(large, tmp_path):
    out = tmp_path / "out" / "prepared.jsonl"
    out.parent.mkdir()
    proc = _start(["prepare", str(large), "-o", str(out), "--jobs", "2"], tmp_path)
    workers = _wait_for_workers(proc)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err.decode()
    assert "nothing was written" in err.decode()
    assert _gone(workers)
    assert list(out.parent.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytestmark_linux
@pytest.mark.slow
def test_workers_die_with_a_killed_parent_and_a_later_run_sweeps_its_files(large, tmp_path):
    proc = _start(["check", str(large), "--jobs", "2"], tmp_path)
    workers = _wait_for_workers(proc)
    proc.kill()
    proc.communicate(timeout=60)
    assert _gone(workers), "orphaned workers run on"
    # Whatever the killed run left in its temporary directory is swept by the next run.
    tiny = tmp_path / "tiny.jsonl"
    tiny.write_text(json.dumps(_chat(0)) + "\n", encoding="utf-8")
    later = _start(["check", str(large), "--jobs", "2", "--select", "FT2"], tmp_path)
    later.communicate(timeout=120)
    assert later.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.jsonl"]

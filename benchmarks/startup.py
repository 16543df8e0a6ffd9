"""Start-up cost of a pre-commit-sized run (issue 14): the whole ``ftlint check`` process on a
12-example chat JSONL with every default rule, as a hook runs it, next to ``python -c pass``
and ``ruff check`` on a small Python file as reference points. Prints the median (and min /
max) wall time of N runs of each, and of a few first runs (an empty ftlint cache directory:
tiktoken's file is loaded and the compact copies of the encoding are written). Not a test: a
figure to watch (goal: <= 0.35 s here).

    python benchmarks/startup.py                 # 20 runs each
    python benchmarks/startup.py --runs 5 --importtime   # and the -X importtime top 25
    python benchmarks/startup.py --before ../base/.venv/bin/python   # A/B, interleaved

``--before PYTHON`` times another installation's ``ftlint check`` (its own venv's python) in
the same loop, run for run (A B A B ...), so that both see the same load on a shared machine.

Bytecode: with ``PYTHONDONTWRITEBYTECODE=1`` (set in some CI images and in this project's
sandbox) Python never writes ``.pyc`` files, so every process compiles every module it
imports from source; an installed package (pip compiles it at install time) or any normal
environment reads the cached bytecode. The benchmark reports both; the cached figure is the
one users see.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _chat(i: int) -> dict:
    topics = ["invoice", "refund", "password", "delivery", "subscription", "gift card"]
    topic = topics[i % len(topics)]
    return {
        "messages": [
            {"role": "system", "content": "You are the support assistant of an online shop."},
            {"role": "user", "content": f"Question {i}: how do I find my {topic}?"},
            {"role": "assistant", "content": f"Open {topic.title()} and follow step {i}."},
        ]
    }


def _run_once(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU (user + system of the child) seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _time(
    command: list[str], env: dict[str, str], cwd: Path, runs: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of each run: on a shared machine the CPU time
    is the steadier figure, since waiting for a core counts in the wall time only."""
    subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)  # warm caches
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = _run_once(command, env, cwd)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def _time_pair(
    commands: tuple[list[str], list[str]], env: dict[str, str], cwd: Path, runs: int
) -> tuple[tuple[list[float], list[float]], tuple[list[float], list[float]]]:
    """``_time`` of two commands, interleaved run by run (A B A B ...)."""
    for command in commands:
        subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
    measured: tuple[tuple[list[float], list[float]], ...] = (([], []), ([], []))
    for _ in range(runs):
        for command, (walls, cpus) in zip(commands, measured, strict=True):
            wall, cpu = _run_once(command, env, cwd)
            walls.append(wall)
            cpus.append(cpu)
    return measured[0], measured[1]


def _time_cold(
    command: list[str], env: dict[str, str], cwd: Path, runs: int
) -> tuple[list[float], list[float]]:
    """``_time`` of first runs: each with an empty ftlint cache directory, so that it loads
    tiktoken's file and writes the compact copies later runs start from."""
    walls, cpus = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="ftlint-cold-") as cache:
            cold = {**env, "FTLINT_CACHE_DIR": cache}
            wall, cpu = _run_once(command, cold, cwd)
            walls.append(wall)
            cpus.append(cpu)
    return walls, cpus


def _line(label: str, measured: tuple[list[float], list[float]]) -> str:
    walls, cpus = measured
    return (
        f"{label:<50} wall median {statistics.median(walls):6.3f} s "
        f"(min {min(walls):.3f}, max {max(walls):.3f})   "
        f"cpu median {statistics.median(cpus):6.3f} s   (n={len(walls)})"
    )


def _importtime(ftlint: list[str], env: dict[str, str], cwd: Path, top: int) -> str:
    result = subprocess.run(
        [*ftlint[:1], "-X", "importtime", *ftlint[1:]],
        env=env, cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if cumulative.strip().isdigit() and not name.startswith("  "):
            rows.append((int(cumulative), name.strip()))
    total = sum(value for value, _name in rows)
    lines = [f"  {value / 1000:8.1f} ms  {name}" for value, name in sorted(rows)[::-1][:top]]
    return f"top-level imports: {total / 1000:.1f} ms in all\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--importtime", action="store_true", help="print -X importtime's top")
    parser.add_argument(
        "--cold-runs", type=int, default=5, help="first runs (empty ftlint cache) to time"
    )
    parser.add_argument(
        "--before",
        metavar="PYTHON",
        help="the python of another installation to time against, interleaved (A/B)",
    )
    parser.add_argument(
        "--args", default="", help="more check options, e.g. '--target openai' (split on spaces)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ftlint-startup-") as folder:
        work = Path(folder)
        data = work / "train.jsonl"
        data.write_text("".join(json.dumps(_chat(i)) + "\n" for i in range(12)), "utf-8")
        (work / "small.py").write_text("import os\n\n\ndef f(x):\n    return os.sep + x\n")
        ftlint = [sys.executable, "-m", "ftlint.cli", "check", str(data), *args.args.split()]
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        base["NO_COLOR"] = "1"
        no_pyc = {**base, "PYTHONDONTWRITEBYTECODE": "1"}
        print(f"python {sys.version.split()[0]} on {os.cpu_count()} cores; {args.runs} runs each")
        print(_line("python -c pass", _time([sys.executable, "-c", "pass"], base, work,
                                             args.runs)))  # fmt: skip
        ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
        if Path(ruff).exists():
            print(_line("ruff check small.py", _time([ruff, "check", "small.py", "--no-cache"],
                                                     base, work, args.runs)))  # fmt: skip
        if args.before:
            other = [args.before, *ftlint[1:]]
            before, after = _time_pair((other, ftlint), base, work, args.runs)
            print(_line("before: ftlint check (bytecode cached)", before))
            print(_line("after:  ftlint check (bytecode cached)", after))
            before, after = _time_pair((other, ftlint), no_pyc, work, args.runs)
            print(_line("before: ftlint check (PYTHONDONTWRITEBYTECODE=1)", before))
            print(_line("after:  ftlint check (PYTHONDONTWRITEBYTECODE=1)", after))
            if args.cold_runs:
                print(_line("before: first run (empty cache dir)",
                            _time_cold(other, base, work, args.cold_runs)))  # fmt: skip
            if args.importtime:
                print("before:", _importtime(other, base, work, 25))
                print("after:", end=" ")
        else:
            print(_line("ftlint check (12 examples, bytecode cached)",
                        _time(ftlint, base, work, args.runs)))  # fmt: skip
            print(_line("ftlint check (PYTHONDONTWRITEBYTECODE=1)",
                        _time(ftlint, no_pyc, work, args.runs)))  # fmt: skip
        if args.cold_runs:
            print(_line("ftlint check, first run (empty cache dir)",
                        _time_cold(ftlint, base, work, args.cold_runs)))  # fmt: skip
        if args.importtime:
            print(_importtime(ftlint, base, work, 25))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark ``ftlint check`` and ``ftlint prepare`` on generated JSONL files.

Each command runs as a subprocess (the installed ``ftlint`` of this Python), one at a time;
the script prints wall time, records/s, MB/s and the peak resident memory of the process
(``ru_maxrss`` from ``wait4``: the largest of the process and any workers it waited for),
then how peak memory grows between sizes, in bytes per extra record. Streaming means that
slope stays small: the design's budget is about 120 bytes per record (dedup hashes and
per-record figures), whatever the file size.

Files are generated once into ``benchmarks/data/`` (git-ignored) and reused.

Usage::

    python benchmarks/run.py --sizes 100000 500000
    python benchmarks/run.py --sizes 10000 50000 --shape completion --commands check
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


@dataclass
class Result:
    command: str
    records: int
    size: int
    seconds: float
    max_rss: int  # bytes
    exit_code: int

    @property
    def records_per_s(self) -> float:
        return self.records / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.size / 1e6 / self.seconds


def data_file(shape: str, count: int, data_dir: Path) -> Path:
    path = data_dir / f"{shape}_{count}.jsonl"
    if not path.exists():
        started = time.perf_counter()
        size = generate(shape, count, path)
        took = time.perf_counter() - started
        print(f"generated {path} ({size / 1e6:.1f} MB) in {took:.1f} s", file=sys.stderr)
    return path


def measure(argv: list[str], cwd: Path) -> tuple[float, int, int]:
    """Run ``argv``; returns (wall seconds, peak RSS in bytes, exit code)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        sys.stderr.write(stderr.decode("utf-8", "replace"))
        raise SystemExit(f"{' '.join(argv)} failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss * 1024, process.returncode  # ru_maxrss is in KiB on Linux


def run_one(command: str, path: Path, records: int, extra: list[str], work: Path) -> Result:
    ftlint = [sys.executable, "-m", "ftlint.cli"]
    if command == "check":
        argv = [*ftlint, "check", str(path), "--output-format", "json", *extra]
    else:
        out = work / f"{path.stem}_prepared.jsonl"
        report = work / "report.json"
        argv = [*ftlint, "prepare", str(path), "-o", str(out), "--force",
                "--report", str(report), "--output-format", "json", *extra]  # fmt: skip
    seconds, rss, code = measure(argv, work)
    for leftover in work.iterdir():
        leftover.unlink()
    return Result(command, records, path.stat().st_size, seconds, rss, code)


def baseline(path: Path, records: int) -> Result:
    """The floor: read every line and parse it with orjson, nothing else."""
    code = (
        "import orjson, sys\n"
        "n = 0\n"
        "with open(sys.argv[1], 'rb') as f:\n"
        "    for line in f:\n"
        "        orjson.loads(line); n += 1\n"
    )
    seconds, rss, exit_code = measure([sys.executable, "-c", code, str(path)], path.parent)
    return Result("parse-only", records, path.stat().st_size, seconds, rss, exit_code)


def print_table(results: list[Result]) -> None:
    header = f"{'command':<11} {'records':>9} {'MB':>7} {'wall s':>8} {'records/s':>10} "
    header += f"{'MB/s':>7} {'peak RSS MB':>12} {'exit':>4}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.command:<11} {r.records:>9} {r.size / 1e6:>7.1f} {r.seconds:>8.2f} "
            f"{r.records_per_s:>10.0f} {r.mb_per_s:>7.1f} {r.max_rss / 1e6:>12.1f} "
            f"{r.exit_code:>4}"
        )


def print_slopes(results: list[Result]) -> None:
    print()
    print("peak memory growth between sizes (bytes per extra record):")
    for command in dict.fromkeys(r.command for r in results):
        runs = sorted((r for r in results if r.command == command), key=lambda r: r.records)
        for small, large in itertools.pairwise(runs):
            slope = (large.max_rss - small.max_rss) / (large.records - small.records)
            print(f"  {command:<11} {small.records} -> {large.records}: {slope:.1f} B/record")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 500_000])
    parser.add_argument("--shape", choices=["chat", "completion"], default="chat")
    parser.add_argument(
        "--commands", nargs="+", choices=["check", "prepare"], default=["check", "prepare"]
    )
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--no-baseline", action="store_true", help="skip the parse-only floor")
    parser.add_argument(
        "ftlint_args", nargs="*", metavar="-- ARGS", help="extra ftlint options, after --"
    )
    args = parser.parse_args(argv)
    if shutil.which("ftlint") is None:
        print("note: no 'ftlint' on PATH; using python -m ftlint.cli", file=sys.stderr)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="ftlint-bench-") as tmp:
        work = Path(tmp)
        for size in sorted(args.sizes):
            path = data_file(args.shape, size, args.data_dir)
            if not args.no_baseline:
                results.append(baseline(path, size))
            for command in args.commands:
                results.append(run_one(command, path, size, args.ftlint_args, work))
                print(f"  done: {command} {size}", file=sys.stderr)
    options = " ".join(args.ftlint_args) or "(none)"
    print(
        f"ftlint benchmark: {args.shape} JSONL, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, ftlint options: {options}"
    )
    print_table(results)
    if len(args.sizes) > 1:
        print_slopes(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

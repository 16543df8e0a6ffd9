"""Benchmark ``ftlint check`` and ``ftlint prepare`` on generated JSONL files.

Each command runs as a subprocess (the installed ``ftlint`` of this Python), one at a time;
the script prints wall and CPU time, records/s, MB/s and the peak resident memory of the process
(``ru_maxrss`` from ``wait4``: the largest of the process and any workers it waited for),
then how peak memory grows between sizes, in bytes per extra record, with ``--jobs 1`` and
with the default jobs. Streaming means that slope stays small: the budget (issue 16) is 120
bytes per record (dedup hashes and per-record figures), whatever the file size. Last, the
peak memory of one huge record as a multiple of its size (``record_memory.py``; issue 13
asks a small multiple).

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
    cpu: float = 0.0  # user + system seconds of the process and the workers it waited for

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


def measure(argv: list[str], cwd: Path) -> tuple[float, int, int, float]:
    """Run ``argv``; returns (wall seconds, peak RSS in bytes, exit code, CPU seconds)."""
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
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss * 1024, process.returncode, cpu  # ru_maxrss: KiB on Linux


def run_one(
    command: str, path: Path, records: int, extra: list[str], work: Path, jobs: str = "default"
) -> Result:
    ftlint = [sys.executable, "-m", "ftlint.cli"]
    if jobs != "default":
        extra = ["--jobs", jobs, *extra]
    if command == "check":
        argv = [*ftlint, "check", str(path), "--output-format", "json", *extra]
    else:
        out = work / f"{path.stem}_prepared.jsonl"
        report = work / "report.json"
        argv = [*ftlint, "prepare", str(path), "-o", str(out), "--force",
                "--report", str(report), "--output-format", "json", *extra]  # fmt: skip
    seconds, rss, code, cpu = measure(argv, work)
    for leftover in work.iterdir():
        leftover.unlink()
    label = command if jobs == "default" else f"{command} -j{jobs}"
    return Result(label, records, path.stat().st_size, seconds, rss, code, cpu)


def baseline(path: Path, records: int) -> Result:
    """The floor: read every line and parse it with orjson, nothing else."""
    code = (
        "import orjson, sys\n"
        "n = 0\n"
        "with open(sys.argv[1], 'rb') as f:\n"
        "    for line in f:\n"
        "        orjson.loads(line); n += 1\n"
    )
    seconds, rss, exit_code, cpu = measure([sys.executable, "-c", code, str(path)], path.parent)
    return Result("parse-only", records, path.stat().st_size, seconds, rss, exit_code, cpu)


def print_table(results: list[Result]) -> None:
    header = f"{'command':<13} {'records':>9} {'MB':>7} {'wall s':>8} {'CPU s':>8} "
    header += f"{'records/s':>10} {'MB/s':>7} {'peak RSS MB':>12} {'exit':>4}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.command:<13} {r.records:>9} {r.size / 1e6:>7.1f} {r.seconds:>8.2f} {r.cpu:>8.2f} "
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
            print(f"  {command:<13} {small.records} -> {large.records}: {slope:.1f} B/record")


def single_record(size_mb: float, extra: list[str], work: Path) -> str:
    """Peak RSS of ``check --jobs 1`` on a file with one chat record of ``size_mb`` MB
    (``record_memory.py``), above the same command on the file without it, as a multiple
    of the record's size (issue 13: a small multiple): against the small file alone (which
    loads neither tiktoken nor numpy) and against it with ``record_memory.FILLER`` small
    chats (which loads them, as the huge record's run does)."""
    from record_memory import FILLER, MB, ftlint, write_input
    from record_memory import measure as measure_record

    small, _ = write_input(work, 0)
    _, tiny, _ = measure_record(ftlint("check", small, work, extra), 3600)
    loaded, _ = write_input(work, 0, FILLER)
    _, base, _ = measure_record(ftlint("check", loaded, work, extra), 3600)
    record = int(size_mb * MB)
    if size_mb == 16:
        record -= 4096  # just under the default --max-record-size
    path, line = write_input(work, record)
    options = list(extra)
    if line > 16 * MB:
        options += ["--max-record-size", f"{line // MB + 8}MB"]
    _, peak, code = measure_record(ftlint("check", path, work, options), 3600)
    for leftover in work.iterdir():
        leftover.unlink()
    over = peak - base
    return (
        f"single record: a {line / MB:.1f} MB line, check --jobs 1 peak RSS {peak:.0f} MB, "
        f"{over:.0f} MB above the file without it (tokenizer loaded): "
        f"{over * MB / line:.1f}x the record; {(peak - tiny) * MB / line:.1f}x above the "
        f"small file alone (exit {code})"
    )


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
        "--jobs", nargs="+", default=["1", "default"],
        help="--jobs values to run each command with ('default': ftlint's own); default 1 and "
        "default, the two figures issue 16 asks",
    )  # fmt: skip
    parser.add_argument(
        "--record-mb", type=float, default=16,
        help="also measure one record of this many MB (record_memory.py); 0 skips it",
    )  # fmt: skip
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
                for jobs in args.jobs:
                    results.append(run_one(command, path, size, args.ftlint_args, work, jobs))
                    print(f"  done: {command} --jobs {jobs} {size}", file=sys.stderr)
        record_line = ""
        if args.record_mb:
            record_line = single_record(args.record_mb, args.ftlint_args, work)
    options = " ".join(args.ftlint_args) or "(none)"
    print(
        f"ftlint benchmark: {args.shape} JSONL, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, ftlint options: {options}"
    )
    print_table(results)
    if len(args.sizes) > 1:
        print_slopes(results)
    if record_line:
        print()
        print(record_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())

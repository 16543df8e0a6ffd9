"""Records per second of ``check`` through the ``local`` and ``ray`` executors with 1 and 2
workers, and what the driver pays per work unit (merge time, result size), for the scaling
estimate in the README. A command that prints figures, not a test.

Usage::

    nice -n 10 python benchmarks/executors.py                 # 200,000 generated chat examples
    nice -n 10 python benchmarks/executors.py --count 50000 --repeat 2

For each executor and worker count the check runs ``--repeat`` times in this process, as
``ftlint.check(path, executor=..., jobs=...)``: each run builds its engine, in every Ray worker
too, as a command-line run does. A local Ray is started with ``num_cpus`` = the worker count,
once per count; its start-up time is printed apart. CPU time counts this process, the local
executor's workers and Ray's processes (on a shared machine wall time is inflated by other
load; CPU time much less). Every run's report must equal the local one-worker report
(the benchmark stops otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _dataset(count: int, data_dir: Path) -> Path:
    import importlib.util

    path = data_dir / f"chat_{count}.jsonl"
    if not path.exists():
        spec = importlib.util.spec_from_file_location("generate", HERE / "generate.py")
        assert spec is not None and spec.loader is not None
        generate = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = generate  # its dataclasses look their module up
        spec.loader.exec_module(generate)
        size = generate.generate("chat", count, path)
        print(f"generated {path} ({size / 1e6:.0f} MB)", flush=True)
    return path


class MergeMeter:
    """Times the driver's merge of each unit's dataset accumulators into those before it,
    the dataset rules' ``finish`` on the driver, and (apart) each unit's pickled result
    (what travels back from a worker)."""

    def __init__(self) -> None:
        self.merge_seconds: list[float] = []
        self.units = 0
        self.result_bytes: list[int] = []
        self.finish_seconds: list[float] = []
        #: Pickle each result to measure it (costs driver time: off in timed runs).
        self.sizing = False

    def install(self) -> None:
        from ftlint.engine import Engine

        original_fold = Engine._fold
        original_merge = Engine._merge_accumulators
        original_finish = Engine.finish
        meter = self

        def fold(engine, files, units, results):
            meter.units += len(units)

            def sized():
                for result in results:
                    if meter.sizing:
                        meter.result_bytes.append(len(pickle.dumps(result, protocol=5)))
                    yield result

            return original_fold(engine, files, units, sized())

        def merge(engine, into, later, file):
            start = time.perf_counter()
            try:
                return original_merge(engine, into, later, file)
            finally:
                meter.merge_seconds.append(time.perf_counter() - start)

        def finish(engine, result, file, report):
            start = time.perf_counter()
            try:
                return original_finish(engine, result, file, report)
            finally:
                meter.finish_seconds.append(time.perf_counter() - start)

        Engine._fold = fold  # type: ignore[method-assign]
        Engine._merge_accumulators = merge  # type: ignore[method-assign]
        Engine.finish = finish  # type: ignore[method-assign]

    def reset(self) -> None:
        self.merge_seconds.clear()
        self.units = 0
        self.result_bytes.clear()
        self.finish_seconds.clear()


def _descendants_cpu() -> float:
    """CPU seconds of the live descendants of this process (Ray's raylet and workers), read
    from /proc (0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return 0.0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    mine = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                grew = True
    mine.discard(os.getpid())
    return sum(cpu[pid] for pid in mine)


def _cpu_seconds() -> float:
    """CPU time of this process, of its finished children (the local executor's workers)
    and of its live descendants (Ray's workers are children of its raylet)."""
    import resource

    total = _descendants_cpu()
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _check(path: Path, executor: str, workers: int) -> tuple[float, float, dict]:
    import ftlint

    start, cpu = time.perf_counter(), _cpu_seconds()
    report = ftlint.check(path, isolated=True, executor=executor, jobs=workers)
    return time.perf_counter() - start, _cpu_seconds() - cpu, report.to_dict()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200_000, help="generated chat examples")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per setting")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--no-ray", action="store_true", help="only the local executor")
    args = parser.parse_args(argv)

    path = _dataset(args.count, args.data_dir)
    meter = MergeMeter()
    meter.install()
    rows: list[dict] = []
    reference: dict | None = None

    def measure(executor: str, workers: int) -> None:
        nonlocal reference
        for _run in range(args.repeat):
            meter.reset()
            meter.sizing = executor == "ray"
            seconds, cpu, report = _check(path, executor, workers)
            records = report["summary"]["records"]
            if reference is None:
                reference = report
            elif report != reference:
                print(f"{executor} x{workers}: the report differs from local x1", file=sys.stderr)
                raise SystemExit(1)
            rows.append(
                {
                    "executor": executor, "workers": workers, "seconds": seconds,
                    "cpu_seconds": cpu, "records_per_s": records / seconds,
                    "records_per_cpu_s": records / cpu if cpu else 0.0, "units": meter.units,
                    "merge_ms_per_unit": 1000 * statistics.mean(meter.merge_seconds or [0]),
                    "finish_s": sum(meter.finish_seconds),
                    "result_kib_per_unit": statistics.mean(meter.result_bytes or [0]) / 1024,
                }
            )  # fmt: skip
            print(_line(rows[-1]), flush=True)

    print(f"{path.name}: {args.count:,} examples, {path.stat().st_size / 1e6:.0f} MB; "
          f"{os.cpu_count()} cores; --repeat {args.repeat}", flush=True)  # fmt: skip
    for workers in args.workers:
        measure("local", workers)
    if not args.no_ray:
        import ray

        for workers in args.workers:
            start = time.perf_counter()
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                     logging_level="ERROR")  # fmt: skip
            print(f"ray.init(num_cpus={workers}): {time.perf_counter() - start:.1f} s", flush=True)
            try:
                measure("ray", workers)
            finally:
                ray.shutdown()
    print()
    print(json.dumps(_summary(rows), indent=2))
    return 0


def _line(row: dict) -> str:
    return (
        f"{row['executor']:>5} x{row['workers']}  {row['seconds']:7.2f} s  "
        f"{row['records_per_s']:8,.0f} records/s  CPU {row['cpu_seconds']:7.2f} s "
        f"({row['records_per_cpu_s']:6,.0f} records/CPU-s)  {row['units']:3d} units  merge "
        f"{row['merge_ms_per_unit']:6.2f} ms/unit  finish (driver) {row['finish_s']:.2f} s"
        + (
            f"  result {row['result_kib_per_unit']:,.0f} KiB/unit"
            if row["executor"] == "ray"
            else ""
        )
    )


def _summary(rows: list[dict]) -> dict:
    """The fastest run of each setting."""
    best: dict[str, dict] = {}
    for row in rows:
        key = f"{row['executor']} x{row['workers']}"
        if key not in best or row["seconds"] < best[key]["seconds"]:
            best[key] = row
    return {
        key: {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}
        for key, row in best.items()
    }


if __name__ == "__main__":
    sys.exit(main())

"""Records per second of ``check`` through the ``local`` and ``ray`` executors with 1 and 2
workers, and what the driver pays per work unit (merge time, result size), for the scaling
estimate in the README. A command that prints figures, not a test.

Usage::

    nice -n 10 python benchmarks/executors.py                 # 200,000 generated chat examples
    nice -n 10 python benchmarks/executors.py --count 50000 --repeat 2

For each executor and worker count the check runs ``--repeat`` times in this process (the
first Ray run of a Ray session includes building the engine in each Ray worker: it is shown
apart as "cold"). A local Ray is started with ``num_cpus`` = the worker count, once per count;
its start-up time is printed too. Every run's report must equal the local one-worker report
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


def _check(path: Path, executor: str, workers: int) -> tuple[float, dict]:
    import ftlint

    start = time.perf_counter()
    report = ftlint.check(path, isolated=True, executor=executor, jobs=workers)
    return time.perf_counter() - start, report.to_dict()


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

    def measure(executor: str, workers: int, cold: bool) -> None:
        nonlocal reference
        for run in range(args.repeat + (1 if cold else 0)):
            meter.reset()
            seconds, report = _check(path, executor, workers)
            records = report["summary"]["records"]
            if reference is None:
                reference = report
            elif report != reference:
                print(f"{executor} x{workers}: the report differs from local x1", file=sys.stderr)
                raise SystemExit(1)
            rows.append(
                {
                    "executor": executor, "workers": workers,
                    "run": "cold" if cold and run == 0 else "warm", "seconds": seconds,
                    "records_per_s": records / seconds, "units": meter.units,
                    "merge_ms_per_unit": 1000 * statistics.mean(meter.merge_seconds or [0]),
                    "finish_s": sum(meter.finish_seconds),
                }
            )  # fmt: skip
            print(_line(rows[-1]), flush=True)

    print(f"{path.name}: {args.count:,} examples, {path.stat().st_size / 1e6:.0f} MB; "
          f"{os.cpu_count()} cores; --repeat {args.repeat}", flush=True)  # fmt: skip
    for workers in args.workers:
        measure("local", workers, cold=False)
    if not args.no_ray:
        import ray

        for workers in args.workers:
            start = time.perf_counter()
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                     logging_level="ERROR")  # fmt: skip
            print(f"ray.init(num_cpus={workers}): {time.perf_counter() - start:.1f} s", flush=True)
            try:
                measure("ray", workers, cold=True)
            finally:
                ray.shutdown()
    # What one unit's result weighs (what a Ray task sends back), measured apart.
    meter.reset()
    meter.sizing = True
    _check(path, "local", max(args.workers))
    sizes = meter.result_bytes
    print(f"result per unit (pickled): mean {statistics.mean(sizes) / 1024:,.1f} KiB over "
          f"{len(sizes)} units of {args.count // max(1, len(sizes)):,} examples")  # fmt: skip
    print()
    print(json.dumps(_summary(rows), indent=2))
    return 0


def _line(row: dict) -> str:
    return (
        f"{row['executor']:>5} x{row['workers']} {row['run']:<4}  {row['seconds']:6.2f} s  "
        f"{row['records_per_s']:9,.0f} records/s  {row['units']:3d} units  merge "
        f"{row['merge_ms_per_unit']:7.2f} ms/unit  finish (driver) {row['finish_s']:.2f} s"
    )


def _summary(rows: list[dict]) -> dict:
    """The best warm run of each setting."""
    best: dict[str, dict] = {}
    for row in rows:
        if row["run"] != "warm":
            continue
        key = f"{row['executor']} x{row['workers']}"
        if key not in best or row["seconds"] < best[key]["seconds"]:
            best[key] = row
    return {
        key: {k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()}
        for key, row in best.items()
    }


if __name__ == "__main__":
    sys.exit(main())

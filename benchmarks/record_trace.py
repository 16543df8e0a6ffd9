"""Where the memory of one huge record goes: ``check`` in this process, each step of the
record's way through the engine measured with tracemalloc and the kernel's peak RSS (a
command that prints figures, not a test; ``record_memory.py`` gives the whole-process figure).

For the huge record, each step (the reader making the record, every record rule, every
dataset accumulator's ``add``) is measured as: its peak above what was allocated when it
started (the transient copies it makes), what it left allocated (copies it keeps, for
instance in ``record.analyses``), and the process's peak RSS growth while it ran (which also
sees memory that tracemalloc does not: Rust tokenizers, orjson's buffers). Steps that cost
less than ``--min-mb`` are not listed. ``--top`` lists the lines that hold the most memory
at the end of the record's way (before it is released).

    .venv/bin/python benchmarks/record_trace.py --size 16
    .venv/bin/python benchmarks/record_trace.py --size 16 --top 15 -- --select FT6
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from record_memory import MB, write_input  # noqa: E402

#: A record at least this large (bytes of source) is the one traced.
HUGE = 1 << 20


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> None:
    """Set the kernel's peak RSS (VmHWM) of this process back to its current RSS."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


class Trace:
    """The steps measured for the huge record, in order."""

    def __init__(self, min_mb: float) -> None:
        self.rows: list[tuple[str, float, float, float, float]] = []
        self.min_mb = min_mb
        self.active = False
        self.top = 0
        self.snapshot: tracemalloc.Snapshot | None = None
        #: The largest allocation seen by any step (``reset_peak`` forgets the run's own).
        self.highest = 0
        self.highest_rss = 0

    def step(self, name: str, call: Callable[[], Any]) -> Any:
        if not self.active:
            return call()
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        _reset_peak_rss()
        rss_before = _rss_kb("VmRSS")
        started = time.process_time()
        try:
            return call()
        finally:
            cpu = time.process_time() - started
            after, peak = tracemalloc.get_traced_memory()
            self.highest = max(self.highest, peak)
            rss_peak = _rss_kb("VmHWM")
            self.highest_rss = max(self.highest_rss, rss_peak)
            self.rows.append(
                (name, (peak - before) / MB, (after - before) / MB,
                 (rss_peak - rss_before) / 1024, cpu)
            )  # fmt: skip

    def print(self, line: int) -> None:
        print(f"huge record: {line / MB:.1f} MB of source")
        print(f"{'step':44} {'peak MB':>8} {'kept MB':>8} {'RSS+ MB':>8} {'x peak':>7} "
              f"{'CPU s':>7}")  # fmt: skip
        for name, peak, kept, rss, cpu in self.rows:
            if max(peak, abs(kept), rss) >= self.min_mb or cpu >= 0.05:
                print(f"{name:44} {peak:8.1f} {kept:8.1f} {rss:8.1f} {peak * MB / line:7.2f} "
                      f"{cpu:7.2f}")  # fmt: skip


def instrument(trace: Trace) -> None:
    """Wrap the engine's reader, record checks and accumulator adds with ``trace.step``."""
    from ftlint.engine import scan as scan_module
    from ftlint.rule import Rule

    original_checks = scan_module.Scanning._record_checks

    def record_checks(self: Any, diagnostics: Any, failed: Any) -> list[tuple[Rule, Any]]:
        checks = original_checks(self, diagnostics, failed)
        wrapped = []
        for rule, check in checks:
            group = getattr(check, "members", None)
            if group is not None:  # a _RuleGroup: trace its members one by one
                check.members = [
                    (member, _traced(trace, f"rule {member.code} {member.name}", call))
                    for member, call in group
                ]
                wrapped.append((rule, check))
            else:
                wrapped.append((rule, _traced(trace, f"rule {rule.code} {rule.name}", check)))
        return wrapped

    scan_module.Scanning._record_checks = record_checks  # type: ignore[method-assign]

    original_scan = scan_module.Scanning.scan

    def scan(self: Any, file: Any, reader: Any, byte_range: Any = None, split: str = "train"):
        for rule in self.dataset_rules:
            make = rule.accumulator

            def accumulator(make: Any = make, rule: Any = rule) -> Any:
                acc = make()
                add = acc.add
                acc.add = _traced(trace, f"add {rule.code} {rule.name}", add)
                finish = acc.finish

                def traced_finish(finish: Any = finish, rule: Any = rule) -> Any:
                    trace.active = True  # once per rule: always measured
                    try:
                        return trace.step(f"finish {rule.code} {rule.name}",
                                          lambda: _materialise(finish()))  # fmt: skip
                    finally:
                        trace.active = False

                acc.finish = traced_finish
                return acc

            rule.accumulator = accumulator
        read = reader.read

        def traced_read(file: Any, byte_range: Any = None) -> Iterator[Any]:
            records = read(file, byte_range)
            while True:
                trace.active = False
                # The reader is traced for every record: which one is huge is known after.
                before, _ = tracemalloc.get_traced_memory()
                tracemalloc.reset_peak()
                _reset_peak_rss()
                rss_before = _rss_kb("VmRSS")
                started = time.process_time()
                record = next(records, None)
                if record is None:
                    return
                size = len(record.raw or "") if record.raw is not None else 0
                if size >= HUGE:
                    after, peak = tracemalloc.get_traced_memory()
                    trace.highest = max(trace.highest, peak)
                    trace.highest_rss = max(trace.highest_rss, _rss_kb("VmHWM"))
                    trace.rows.append(
                        ("read (reader makes the Record)", (peak - before) / MB,
                         (after - before) / MB, (_rss_kb("VmHWM") - rss_before) / 1024,
                         time.process_time() - started)
                    )  # fmt: skip
                    trace.active = True
                yield record
                if trace.active and trace.top:
                    trace.snapshot = tracemalloc.take_snapshot()
                trace.active = False

        reader.read = traced_read
        try:
            return original_scan(self, file, reader, byte_range, split)
        finally:
            del reader.read

    scan_module.Scanning.scan = scan  # type: ignore[method-assign]


def _traced(trace: Trace, name: str, call: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def traced(record: Any) -> Any:
        # Materialise what the check returns inside the step (generators run lazily).
        return trace.step(name, lambda: _materialise(call(record)))

    return traced


def _materialise(found: Any) -> Any:
    if found is None or isinstance(found, (tuple, list)):
        return found
    return list(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=16, help="record size in MB (16)")
    parser.add_argument("--min-mb", type=float, default=1.0)
    parser.add_argument("--top", type=int, default=0, help="list the N largest allocation sites")
    parser.add_argument("extra", nargs="*", help="options passed to ftlint (after --)")
    args = parser.parse_args()
    import ftlint

    trace = Trace(args.min_mb)
    trace.top = args.top
    instrument(trace)
    with tempfile.TemporaryDirectory(prefix="ftlint-record-trace-") as tmp:
        record = int(args.size * MB)
        if args.size == 16:
            record -= 4096  # just under the default limit
        path, line = write_input(Path(tmp), record)
        options: dict[str, Any] = {"jobs": 1}
        if line > 16 * MB:
            options["max_record_size"] = f"{line // MB + 8}MB"
        extra = list(args.extra)
        while extra:
            key = extra.pop(0).lstrip("-").replace("-", "_")
            options[key] = extra.pop(0) if extra and not extra[0].startswith("--") else True
        tracemalloc.start(1 if not args.top else 4)
        _reset_peak_rss()
        rss0 = _rss_kb("VmRSS")
        report = ftlint.check(str(path), **options)
        rss_peak = max(_rss_kb("VmHWM"), trace.highest_rss)
        peak = max(tracemalloc.get_traced_memory()[1], trace.highest)
        trace.print(line)
        rss = (rss_peak - rss0) * 1024
        print(f"whole run: tracemalloc peak {peak / MB:.0f} MB ({peak / line:.2f}x), "
              f"RSS peak above start {rss / MB:.0f} MB ({rss / line:.2f}x); "
              f"{len(report.diagnostics)} findings")  # fmt: skip
        if trace.snapshot is not None:
            print(f"held when the huge record's way ends (top {args.top}):")
            for stat in trace.snapshot.statistics("traceback")[: args.top]:
                print(f"  {stat.size / MB:8.1f} MB  {stat.count:>8} blocks")
                for frame in stat.traceback.format()[-4:]:
                    print(f"      {frame.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the CPU of one ``ftlint check`` goes: time per record rule and per dataset
accumulator, in one process (``--jobs 1``), printed largest first (a command that prints
figures, not a test).

Each record check (or rule group step), each accumulator ``add`` and ``finish`` is wrapped
with a pair of clock reads; ``scan`` is the whole streaming pass (reader, hot loop and all
rules), ``outside`` what the process spent besides (start-up, tokenizer load, the report).
The default clock is wall time (``perf_counter``, about 0.1 us a read): on a busy machine
other processes inflate it, so run it when the machine is quiet. ``--clock cpu`` reads the
thread's CPU time instead, which load does not inflate, but each read is a system call (about
1 us here), which roughly doubles the run: compare its figures only with each other. Either
way the per-rule figures are a little high; use them to find where to look, and
``floor.py`` / ``run.py`` for before-and-after figures.

    .venv/bin/python benchmarks/rule_costs.py benchmarks/data/chat_100000.jsonl
    .venv/bin/python benchmarks/rule_costs.py data.jsonl --top 20 -- target=openai select=FT6
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from typing import Any


def instrument(costs: collections.Counter[str], clock: Any = time.thread_time) -> None:
    """Wrap the engine's record checks and dataset accumulators so that each call adds its
    time to ``costs``."""
    from ftlint.engine import scan as scan_module

    scanning = scan_module.Scanning
    record_checks = scanning._record_checks
    scan = scanning.scan

    def timed(name: str, call: Any) -> Any:
        def wrapper(record: Any) -> Any:
            start = clock()
            try:
                return call(record)
            finally:
                costs[name] += clock() - start

        return wrapper

    def timed_checks(self: Any, diagnostics: Any, failed: Any) -> list[tuple[Any, Any]]:
        wrapped = []
        for rule, check in record_checks(self, diagnostics, failed):
            if isinstance(check, scan_module._RuleGroup):
                name = "check " + ",".join(member.code for member, _ in check.members)
            else:
                name = f"check {rule.code} {rule.name}"
            wrapped.append((rule, timed(name, check)))
        return wrapped

    def timed_scan(self: Any, *args: Any, **kwargs: Any) -> Any:
        for rule in self.dataset_rules:
            make = rule.accumulator

            def accumulator(make: Any = make, rule: Any = rule) -> Any:
                made = make()
                made.add = timed(f"add    {rule.code} {rule.name}", made.add)
                finish = made.finish
                made.finish = lambda: timed(
                    f"finish {rule.code} {rule.name}", lambda _: list(finish())
                )(None)
                return made

            rule.accumulator = accumulator
        start = clock()
        try:
            return scan(self, *args, **kwargs)
        finally:
            costs["scan (reader, loop and rules)"] += clock() - start

    scanning._record_checks = timed_checks
    scanning.scan = timed_scan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="wall",
        help="wall (default): perf_counter, cheap, inflated by other load; cpu: the thread's "
        "CPU time, not inflated by load but a system call per read",
    )
    parser.add_argument(
        "options", nargs="*", help="ftlint.check options as key=value (after --, or bare)"
    )
    argv = sys.argv[1:] if argv is None else list(argv)
    # argparse gives a ``nargs="*"`` positional its (empty) share at the path, so options after
    # ``--`` would be refused as unrecognised: they are split off here instead.
    cut = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:cut])
    after = argv[cut + 1 :]
    pairs = [*args.options, *after]
    malformed = [option for option in pairs if "=" not in option]
    if malformed:
        parser.error(f"options are key=value: {' '.join(malformed)}")
    options: dict[str, Any] = dict(option.split("=", 1) for option in pairs)
    options["jobs"] = 1

    import ftlint

    costs: collections.Counter[str] = collections.Counter()
    instrument(costs, time.thread_time if args.clock == "cpu" else time.perf_counter)
    cpu = time.process_time()
    report = ftlint.check(args.path, **options)
    cpu = time.process_time() - cpu
    scan = costs.pop("scan (reader, loop and rules)")
    rules = sum(costs.values())
    records = report.summary()["records"]
    print(f"{args.path}: {records} records, process CPU {cpu:.2f} s")
    print(f"{scan:8.3f} s  scan (reader, loop and rules)")
    print(f"{scan - rules:8.3f} s    reader and loop (scan minus the rules below)")
    print(f"{cpu - scan:8.3f} s  outside the scan (start-up, tokenizer load, finish, report)")
    for name, seconds in costs.most_common(args.top):
        print(f"{seconds:8.3f} s    {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the fuzz targets for a time budget, one worker process per core.

    .venv/bin/python -m tests.fuzz --budget 1800 --out /tmp/fuzz-failures

Prints a progress line every ``--progress`` seconds (inputs tried, per target, distinct
failures) and, at the end, each distinct failure (deduplicated by signature: exception type +
innermost ftlint frame, or the oracle violated). Each one is saved for reproduction in
``OUT/<signature>/``: ``input.<ext>`` (the smallest input found, shrunk for a few seconds),
``failure.json`` (target, signature, detail, seed and mutations), and replayed with

    .venv/bin/python -m tests.fuzz --replay OUT/<signature>/

A worker stuck on one input past ``--hang`` seconds is killed and the input saved as a
timeout; the worker is restarted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import queue
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

#: Seconds the worker spends shrinking a newly found failure.
SHRINK_SECONDS = 20.0


def _slug(signature: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", signature).strip("_")[:120] or "failure"


def shrink(run: Any, data: bytes, signature: str, budget: float) -> bytes:
    """Delete chunks (halves, quarters ... single bytes) of ``data`` while the same
    signature still fails, for at most ``budget`` seconds."""
    deadline = time.monotonic() + budget

    def fails(candidate: bytes) -> bool:
        try:
            return any(f.signature == signature for f in run(candidate))
        except Exception:
            return False

    chunk = max(1, len(data) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        start = 0
        changed = False
        while start < len(data) and time.monotonic() < deadline:
            candidate = data[:start] + data[start + chunk :]
            if candidate != data and fails(candidate):
                data = candidate
                changed = True
            else:
                start += chunk
        if not changed:
            chunk //= 2
    return data


def worker(
    index: int,
    seed: int,
    names: list[str],
    results: Any,
    heartbeat: Any,
    out: str,
    shrink_seconds: float,
) -> None:
    """Fuzz random targets forever; report counts and new failures to ``results``."""
    import warnings

    from tests.fuzz import oracle, targets

    warnings.simplefilter("ignore")
    oracle.install_rule_error_probe()
    rng = random.Random(seed)
    chosen = [targets.TARGETS[n] for n in names]
    weights = [t.weight for t in chosen]
    seen: set[str] = set()
    tried: Counter[str] = Counter()
    current = Path(out) / f".current-{index}"
    last_report = time.monotonic()
    while True:
        target = rng.choices(chosen, weights)[0]
        data, how = targets.make_input(rng, target.kind)
        current.write_bytes(json.dumps({"target": target.name, "how": how}).encode() + b"\n" + data)
        heartbeat[index] = time.time()
        try:
            failures = target.run(data)
        except Exception as exc:  # the harness itself; not ftlint's fault but say so
            failures = [
                oracle.Failure(target.name, "harness", f"harness: {type(exc).__name__}", repr(exc))
            ]
        tried[target.name] += 1
        for failure in failures:
            key = failure.signature
            if key in seen:
                results.put(("again", index, key, None))
                continue
            seen.add(key)
            heartbeat[index] = time.time()
            small = shrink(target.run, data, key, shrink_seconds) if shrink_seconds else data
            results.put(
                (
                    "failure",
                    index,
                    key,
                    {
                        "target": failure.target,
                        "kind": target.kind,
                        "oracle": failure.oracle,
                        "signature": key,
                        "detail": failure.detail,
                        "how": how,
                        "original_size": len(data),
                        "input": small.hex(),
                    },
                )
            )
        if time.monotonic() - last_report > 2:
            results.put(("tried", index, None, dict(tried)))
            tried.clear()
            last_report = time.monotonic()


def save_failure(out: Path, info: dict) -> Path:
    from tests.fuzz.oracle import EXTENSIONS

    directory = out / _slug(info["signature"])
    directory.mkdir(parents=True, exist_ok=True)
    data = bytes.fromhex(info.pop("input"))
    existing = list(directory.glob("input.*"))
    if existing and existing[0].stat().st_size <= len(data):
        return directory  # keep the smaller reproducer
    for old in existing:
        old.unlink()
    (directory / f"input{EXTENSIONS[info['kind']]}").write_bytes(data)
    info["size"] = len(data)
    (directory / "failure.json").write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    return directory


def run(args: argparse.Namespace) -> int:
    from tests.fuzz import targets

    names = [n for n in targets.TARGETS if re.search(args.targets, n)]
    if not names:
        print(f"no target matches {args.targets!r}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = args.jobs or os.cpu_count() or 1
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    results = context.Queue()
    heartbeat = context.Array("d", [time.time()] * jobs)
    base_seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(
        f"fuzzing {len(names)} targets on {jobs} processes for {args.budget:.0f} s "
        f"(seed {base_seed}); failures go to {out}",
        flush=True,
    )

    def start(index: int, generation: int) -> Any:
        process = context.Process(
            target=worker,
            args=(
                index,
                base_seed + 1000 * generation + index,
                names,
                results,
                heartbeat,
                str(out),
                args.shrink,
            ),
            daemon=True,
        )
        heartbeat[index] = time.time()
        process.start()
        return process

    generations = [0] * jobs
    processes = [start(i, 0) for i in range(jobs)]
    tried: Counter[str] = Counter()
    failures: dict[str, dict] = {}
    counts: Counter[str] = Counter()
    started = time.monotonic()
    last_progress = started
    try:
        while time.monotonic() - started < args.budget:
            try:
                kind, _index, key, payload = results.get(timeout=1)
            except queue.Empty:
                kind = None
            if kind == "tried":
                tried.update(payload)
            elif kind == "again":
                counts[key] += 1
            elif kind == "failure":
                counts[key] += 1
                if key not in failures:
                    failures[key] = {"target": payload["target"], "oracle": payload["oracle"]}
                    elapsed = time.monotonic() - started
                    print(f"[{elapsed:6.0f} s] NEW {payload['target']}: {key}", flush=True)
                failures[key]["dir"] = str(save_failure(out, payload))
            now = time.time()
            for i, process in enumerate(processes):
                stuck = now - heartbeat[i] > args.hang
                if stuck or not process.is_alive():
                    if process.is_alive():
                        process.kill()
                    process.join(5)
                    _record_hang(out, i, failures, counts, stuck, process.exitcode)
                    generations[i] += 1
                    processes[i] = start(i, generations[i])
            if time.monotonic() - last_progress >= args.progress:
                last_progress = time.monotonic()
                _progress(started, tried, failures)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    finally:
        for process in processes:
            process.kill()
        for process in processes:
            process.join(5)
        for leftover in out.glob(".current-*"):
            leftover.unlink()
    _progress(started, tried, failures)
    print(f"\n{len(failures)} distinct failures:")
    for key, info in sorted(failures.items(), key=lambda kv: kv[1]["target"]):
        print(f"  {counts[key]:6d}x  [{info['target']}] {key}\n           {info.get('dir', '')}")
    (out / "summary.json").write_text(
        json.dumps(
            {
                "seconds": round(time.monotonic() - started),
                "jobs": jobs,
                "seed": base_seed,
                "tried": dict(tried),
                "failures": {k: {**v, "count": counts[k]} for k, v in failures.items()},
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    return 1 if failures else 0


def _record_hang(
    out: Path, index: int, failures: dict, counts: Counter, stuck: bool, exitcode: int | None
) -> None:
    current = out / f".current-{index}"
    if not current.exists():
        return
    header, _, data = current.read_bytes().partition(b"\n")
    meta = json.loads(header)
    from tests.fuzz import targets

    oracle_name = "timeout" if stuck else "crash"
    key = "timeout (worker killed)" if stuck else f"worker died (exit {exitcode})"
    counts[key] += 1
    info = {
        "target": meta["target"],
        "kind": targets.TARGETS[meta["target"]].kind,
        "oracle": oracle_name,
        "signature": key,
        "detail": "the worker was killed after the hang limit" if stuck else "process died",
        "how": meta["how"],
        "original_size": len(data),
        "input": data.hex(),
    }
    if key not in failures:
        failures[key] = {"target": meta["target"], "oracle": oracle_name}
        print(f"NEW {meta['target']}: {key}", flush=True)
    failures[key]["dir"] = str(save_failure(out, info))
    current.unlink()


def _progress(started: float, tried: Counter, failures: dict) -> None:
    elapsed = time.monotonic() - started
    total = sum(tried.values())
    per = ", ".join(f"{name} {count}" for name, count in sorted(tried.items()))
    print(
        f"[{elapsed:6.0f} s] {total} inputs ({total / max(elapsed, 1e-9):.1f}/s), "
        f"{len(failures)} distinct failures | {per}",
        flush=True,
    )


def replay(directory: Path) -> int:
    """Run a saved failure's input through its target again and print what fails."""
    from tests.fuzz import oracle, targets

    oracle.install_rule_error_probe()
    info = json.loads((directory / "failure.json").read_text())
    data = next(directory.glob("input.*")).read_bytes()
    failures = targets.TARGETS[info["target"]].run(data)
    for failure in failures:
        print(failure)
    if not failures:
        print(f"{info['target']}: passes now ({info['signature']} is gone)")
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--budget", type=float, default=60, help="seconds to fuzz (default 60)")
    parser.add_argument("--out", default="fuzz-failures", help="directory for the failures")
    parser.add_argument("--jobs", "-j", type=int, help="worker processes (default: all cores)")
    parser.add_argument("--targets", default=".", help="regex of the targets to fuzz")
    parser.add_argument("--seed", type=int, help="base random seed (default: random)")
    parser.add_argument("--progress", type=float, default=30, help="seconds between progress lines")
    parser.add_argument(
        "--hang", type=float, default=90, help="seconds before a stuck input is killed"
    )
    parser.add_argument(
        "--shrink",
        type=float,
        default=SHRINK_SECONDS,
        help="seconds to shrink a new failure (0: off)",
    )
    parser.add_argument("--replay", type=Path, metavar="DIR", help="replay a saved failure")
    parser.add_argument("--list", action="store_true", help="list the targets")
    args = parser.parse_args(argv)
    if args.list:
        from tests.fuzz import targets

        for name in targets.TARGETS:
            print(name)
        return 0
    if args.replay is not None:
        return replay(args.replay)
    return run(args)

"""Whether two installs of ftlint find the same things: ``check -f json`` of each on the
benchmark files and on every real dataset, compared whole (diagnostics, summary, files).

Why: performance work must not change a finding, and the tests see only what they assert.
Each side is the Python of a virtual environment with its own ftlint (a worktree of the
commit before, and this one). Every real file is checked twice, in one process and split
across two workers (``FTLINT_PARALLEL_MIN_SIZE=1``), so that the merge of parts is compared
too; the benchmark files (``generate.py``: chat, completion, completion-raw with its repeats)
and any ``--file`` with ``--jobs 2``. The outputs of the "before" side are kept in
``--cache`` (keyed by its Python, the file and the options), so a second comparison against
the same commit only runs the new side::

    python benchmarks/same_findings.py --before ../base/.venv/bin/python \\
        --after .venv/bin/python
    python benchmarks/same_findings.py --before ... -- --target openai --target together

Exit code 0 when every output is the same, 1 otherwise (the differences are printed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARK_FILES = (
    "chat_100000.jsonl",
    "completion_100000.jsonl",
    "completion-raw_20000.jsonl",
)


def cases(
    data: Path, shared: Path, more: list[Path], extra: list[str] | None = None
) -> list[tuple[str, Path, list[str], dict[str, str]]]:
    """``(label, path, options, environment)`` of every comparison (``extra``: more options
    of ``check`` for every run, a target for instance)."""
    extra = list(extra or [])
    files = [data / name for name in BENCHMARK_FILES if (data / name).exists()] + more
    found = [(path.name, path.resolve(), ["--jobs", "2", *extra], {}) for path in files]
    if shared.is_dir():
        for path in sorted(p for p in shared.rglob("*") if p.is_file() and p.suffix != ".md"):
            found.append((path.name, path, ["--jobs", "1", *extra], {}))
            split = {"FTLINT_PARALLEL_MIN_SIZE": "1"}
            found.append((f"{path.name} (split)", path, ["--jobs", "2", *extra], split))
    return found


def run(python: str, path: Path, options: list[str], extra: dict[str, str]) -> dict:
    """The JSON report of one check, without what differs between two identical runs."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    argv = [python, "-m", "ftlint.cli", "check", str(path), "-f", "json", *options]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd="/")
    if done.returncode not in (0, 1):
        return {"exit code": done.returncode, "stderr": done.stderr[-1000:]}
    report = json.loads(done.stdout)
    report.pop("version", None)
    return report


def differences(before: dict, after: dict) -> list[str]:
    """What differs, briefly: diagnostics gone and new, then summary figures."""
    lines = []
    old = {json.dumps(d, sort_keys=True) for d in before.get("diagnostics", [])}
    new = {json.dumps(d, sort_keys=True) for d in after.get("diagnostics", [])}
    lines += [f"  - {d[:300]}" for d in sorted(old - new)[:5]]
    lines += [f"  + {d[:300]}" for d in sorted(new - old)[:5]]
    a, b = before.get("summary", {}), after.get("summary", {})
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            lines.append(f"  summary {key}: {str(a.get(key))[:150]} -> {str(b.get(key))[:150]}")
    for key in sorted(set(before) | set(after)):
        if key not in ("diagnostics", "summary") and before.get(key) != after.get(key):
            lines.append(f"  {key}: {str(before.get(key))[:200]} -> {str(after.get(key))[:200]}")
    return lines or ["  (same diagnostics and summary, in another order)"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="python of the install before")
    parser.add_argument("--after", default=sys.executable, help="python of the install after")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    parser.add_argument("--cache", type=Path, help="directory for the before side's reports")
    parser.add_argument("--file", type=Path, action="append", default=[], help="one more file")
    parser.add_argument("only", nargs="*", help="compare only the cases whose label has one")
    parser.add_argument(
        "--check-option", action="append", default=[], dest="extra", metavar="ARG",
        help="one more argument of every check (repeat: --check-option=--target "
        "--check-option=openai); or give them after --",
    )  # fmt: skip
    argv = list(sys.argv[1:] if argv is None else argv)
    after_dash: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, after_dash = argv[:at], argv[at + 1 :]
    args = parser.parse_args(argv)
    args.extra += after_dash
    different = compared = 0
    for label, path, options, env in cases(args.data_dir, args.shared, args.file, args.extra):
        if args.only and not any(part in label for part in args.only):
            continue
        compared += 1
        key = hashlib.sha1(f"{args.before}|{path}|{options}|{env}".encode()).hexdigest()[:16]
        cached = args.cache / f"{key}.json" if args.cache else None
        if cached is not None and cached.exists():
            before = json.loads(cached.read_text(encoding="utf-8"))
        else:
            before = run(args.before, path, options, env)
            if cached is not None:
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text(json.dumps(before), encoding="utf-8")
        after = run(args.after, path, options, env)
        if before == after:
            print(f"same       {label} ({len(after.get('diagnostics', []))} diagnostics)")
            continue
        different += 1
        print(f"DIFFERENT  {label}")
        print("\n".join(differences(before, after)))
    print(f"{different} of {compared} reports differ")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())

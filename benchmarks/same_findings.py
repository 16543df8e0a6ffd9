"""Whether two ftlint installs find the same things: ``check -f json`` (and ``prepare
--fix --unsafe-fixes``' output and report) on the benchmark files, every real file in
``../shared/data`` and a few generated files (huge records, lines the JSONL reader reads on
its long-line path, a record whose personal data a fix redacts), each with both installs;
any difference is printed and the exit code is 1 (a command for performance work, which
must not change findings, not a test).

    python benchmarks/same_findings.py --base /work/wt/x-base/.venv/bin/python
    python benchmarks/same_findings.py --base A/bin/python --new B/bin/python --jobs 1 --quick
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from record_memory import write_input  # noqa: E402

REAL = Path(os.environ.get("FTLINT_SHARED_DATA") or HERE.parent.parent / "shared" / "data")
MB = 1 << 20


def generated(directory: Path) -> list[Path]:
    """Files that exercise the paths performance work changes."""
    big, _ = write_input(directory, 3 * MB)
    pii = directory / "pii.jsonl"
    lines = []
    for i in range(40):
        answer = f"Call me at +1 415 555 01{i:02d} or write to jane.doe{i}@example.com. " * 3
        if i % 10 == 0:
            answer = answer * 30000  # a long line: the reader's long-line path, long texts
        chat = {"messages": [{"role": "user", "content": f"question {i % 7}  with  spaces"},
                             {"role": "assistant", "content": answer}]}  # fmt: skip
        lines.append(json.dumps(chat, ensure_ascii=i % 2 == 0))
    lines.append(lines[0])  # an exact duplicate of a long record
    lines.append('{"prompt": "' + "p " * 700000 + '", "completion": " c ' + "x" * 70000 + '"}')
    lines.append('{"prompt": "   ", "completion": "' + "long completion " * 90000 + '"}')
    long_user = "z" * (2 * MB)
    lines.append('{"a": 1e400, "b": NaN, "messages": [{"role": "user", "content": "'
                 + long_user + '"}]}')  # fmt: skip
    lines.append("[" + '"x", ' * 300000 + "1]")
    pii.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [big, pii]


def inputs(quick: bool, directory: Path) -> list[Path]:
    files = sorted((HERE / "data").glob("*.jsonl")) if not quick else []
    if REAL.is_dir():
        files += sorted(p for p in REAL.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")
    return files + generated(directory)


def _normalised(text: str) -> str:
    """The JSON report with its volatile parts (timings) removed, pretty-printed for a diff."""
    try:
        report = json.loads(text)
    except json.JSONDecodeError:
        return text
    report.get("summary", {}).pop("seconds", None)
    return json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False)


def run(python: str, argv: list[str], cwd: Path) -> str:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [python, "-m", "ftlint.cli", *argv], cwd=cwd, env=env, capture_output=True, text=True,
        errors="replace",
    )  # fmt: skip
    return f"exit {done.returncode}\n{_normalised(done.stdout)}"


def outputs(python: str, path: Path, work: Path, options: list[str]) -> str:
    """``check -f json`` of ``path``, then ``prepare --fix --unsafe-fixes`` with its output."""
    checked = run(python, ["check", str(path), "-f", "json", *options], work)
    out = work / "out.jsonl"
    report = work / "out.report.json"
    prepared = run(python, ["prepare", str(path), "-o", str(out), "--force", "--fix",
                            "--unsafe-fixes", "--report", str(report), "-f", "json",
                            *options], work)  # fmt: skip
    written = ""
    for produced in sorted(work.iterdir()):
        written += f"== {produced.name}\n"
        if produced.name.endswith(".report.json"):
            written += _normalised(produced.read_text(encoding="utf-8", errors="replace"))
        else:
            written += produced.read_text(encoding="utf-8", errors="replace")
        produced.unlink()
    return f"{checked}\n== prepare\n{prepared}\n{written}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the Python of the install before")
    parser.add_argument("--new", default=sys.executable, help="the Python of the install after")
    parser.add_argument("--quick", action="store_true", help="skip benchmarks/data")
    parser.add_argument("--jobs", default=None, help="--jobs for ftlint (default: its own)")
    args = parser.parse_args()
    options = ["--jobs", args.jobs] if args.jobs else []
    differences = 0
    with tempfile.TemporaryDirectory(prefix="ftlint-same-") as tmp:
        root = Path(tmp)
        data = root / "in"
        data.mkdir()
        for side in ("a", "b"):
            (root / side).mkdir()
        files = inputs(args.quick, data)
        for path in files:
            before = outputs(args.base, path, root / "a", options)
            after = outputs(args.new, path, root / "b", options)
            before = before.replace(str(root / "a"), "<work>")
            after = after.replace(str(root / "b"), "<work>")
            same = before == after
            print(f"{'same' if same else 'DIFFERENT':9} {path}", flush=True)
            if not same:
                differences += 1
                diff = difflib.unified_diff(before.splitlines(), after.splitlines(), "before",
                                            "after", n=2, lineterm="")  # fmt: skip
                for number, line in enumerate(diff):
                    if number >= 80:
                        print("    ...")
                        break
                    print(f"    {line[:300]}")
    print(f"{len(files)} inputs, {differences} with different results")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())

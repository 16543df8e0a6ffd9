"""Everything ``ftlint prepare`` produces for a set of inputs, in one folder, so that two
checkouts can be compared byte for byte (``diff -r``) before a change to the prepare path.

For every input and every variant (plain ``prepare``; ``--unsafe-fixes`` with the
prompt/completion model ``davinci-002``, under the default target and under ``openai``), the
folder gets the prepared file, the rejects sidecar, the JSON report (``--output-format
json``; the run's temporary folder is replaced by ``<tmp>``) and the exit code.
Performance work must leave all of it unchanged::

    python benchmarks/prepare_outputs.py --python /path/a/.venv/bin/python -o /tmp/a FILES...
    python benchmarks/prepare_outputs.py --python /path/b/.venv/bin/python -o /tmp/b FILES...
    diff -r /tmp/a /tmp/b

Without FILES: the benchmark prompt/completion files and every file of ``../shared/data``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"  # ../shared/data beside the checkout

DAVINCI = ["--model", "davinci-002"]
VARIANTS = {
    "plain": [],
    "davinci-unsafe": ["--fix", "--unsafe-fixes", "--model", "davinci-002"],
    # like with like (floor.py): davinci-002 is OpenAI's, and the legacy fixes are the rules of
    # its prompt/completion models; under the default target they do not run
    "openai-davinci-unsafe": ["--fix", "--unsafe-fixes", "--target", "openai", *DAVINCI],
}


def default_inputs() -> list[Path]:
    found = [HERE / "data" / f"{shape}_100000.jsonl" for shape in ("completion", "completion-raw")]
    found = [p for p in found if p.exists()]
    if DATA.is_dir():
        found += sorted(p for p in DATA.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")
    return found


def _normal(data: bytes, tmp: str) -> bytes:
    """``data`` with this run's temporary folder named ``<tmp>``."""
    return re.sub(rb"ftlint-prep-[A-Za-z0-9_]+", b"<tmp>", data.replace(tmp.encode(), b"<tmp>"))


def run_one(python: str, source: Path, variant: str, out: Path, jobs: str) -> None:
    name = f"{source.parent.name}__{source.name}__{variant}"
    with tempfile.TemporaryDirectory(prefix="ftlint-prep-") as tmp:
        work = Path(tmp)
        copy = work / ("input" + "".join(source.suffixes[-1:]))
        shutil.copyfile(source, copy)
        prepared = work / "input_prepared.jsonl"
        argv = [python, "-m", "ftlint.cli", "prepare", str(copy), "-o", str(prepared),
                "--output-format", "json", "--no-report", "--no-progress", "--jobs", jobs,
                *VARIANTS[variant]]  # fmt: skip
        done = subprocess.run(argv, cwd=work, capture_output=True, check=False)
        report = done.stdout.decode("utf-8", "replace").replace(tmp, "<tmp>")
        report = re.sub(r"ftlint-prep-[A-Za-z0-9_]+", "<tmp>", report)
        target = out / name
        target.mkdir(parents=True, exist_ok=True)
        (target / "exit_code").write_text(f"{done.returncode}\n")
        (target / "report.json").write_text(report)
        stderr = done.stderr.decode("utf-8", "replace").replace(tmp, "<tmp>")
        (target / "stderr").write_text(stderr)
        for produced in sorted(work.iterdir()):
            if produced != copy:  # the sidecar names the source: its temporary folder
                (target / produced.name).write_bytes(_normal(produced.read_bytes(), tmp))
    print(f"{name}: exit {done.returncode}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="python of the checkout to run")
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--jobs", default="2")
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS))
    parser.add_argument("inputs", nargs="*", type=Path)
    args = parser.parse_args(argv)
    for source in args.inputs or default_inputs():
        for variant in args.variant or list(VARIANTS):
            run_one(args.python, source.resolve(), variant, args.out, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

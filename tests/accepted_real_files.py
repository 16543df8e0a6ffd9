"""Prepared means accepted on every real file, whole (not the suite's slices), for every target.

    FTLINT_SHARED_DATA=../shared/data nice -n 10 python -m tests.accepted_real_files [--fixes ...]

For each file of ``../shared/data`` and each installed target that ``prepare`` writes for,
prepare the whole file (without fixes, and with ``--fix --unsafe-fixes``), check what it wrote
with the same target, prepare that output again, and hold every promise of issue 17 (the
suite's ``assert_accepted``); a table whose columns need a ``--map`` is also prepared with
the map ``check`` suggests. ``prepare --target all`` is refused with a usage error (exit 2:
prepare writes one target's format), which is checked too. Prints one line per run (CPU
seconds, records written/rejected) and a summary; exits 1 when any run broke a promise.

Too slow for CI (minutes of CPU per target): the suite runs a slice of each file instead.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import traceback
from pathlib import Path

from tests.conftest import SHARED_DATA
from tests.test_prepare_accepted import (
    _real_files,
    assert_accepted,
    installed_targets,
    suggested_map,
)

FIXES = {"none": (False, False), "safe": (True, False), "unsafe": (True, True)}


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def maps(path: Path) -> list[dict[str, str] | None]:
    """No column map, and the one ``check`` suggests for a table whose columns it cannot
    name (spam.csv's ``--map prompt=v2 --map completion=v1``): prepared with it too."""
    suggested = suggested_map(path)
    return [None, suggested] if suggested else [None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixes", nargs="+", choices=FIXES, default=["none", "unsafe"])
    parser.add_argument("--target", nargs="+", help="only these targets")
    parser.add_argument("--file", nargs="+", help="only files whose path contains one of these")
    args = parser.parse_args(argv)
    if not SHARED_DATA.is_dir():
        print(f"no real files: {SHARED_DATA} is absent")
        return 0
    from ftlint.cli import main as ftlint_main

    failures = []
    files = [p for p in _real_files() if not args.file or any(part in str(p) for part in args.file)]
    with tempfile.TemporaryDirectory() as scratch:
        # prepare --target all: a usage error, said plainly.
        code = ftlint_main(["prepare", str(files[0]), "--target", "all", "-o", f"{scratch}/x"])
        print(f"prepare --target all: exit {code}")
        if code != 2:
            failures.append(("--target all", "exit code", code))
        for path in files:
            for target in args.target or installed_targets():
                for how, column_map in [(h, m) for m in maps(path) for h in args.fixes]:
                    if column_map:
                        how = f"{how} --map {column_map}"
                    directory = Path(tempfile.mkdtemp(dir=scratch))
                    source = directory / path.name
                    source.symlink_to(path)
                    start = cpu()
                    fixes = FIXES[how.split()[0]]
                    extra = {"map": column_map} if column_map else {}
                    try:
                        report = assert_accepted(source, target, None, *fixes, **extra)
                    except Exception as error:  # a broken promise or a crash: both reported
                        failures.append((path.name, target, how))
                        where = path.relative_to(SHARED_DATA)
                        print(f"FAIL {where} {target} {how}: {error!r}"[:2000])
                        traceback.print_exc(limit=3, file=sys.stdout)
                        continue
                    finally:
                        for leftover in directory.iterdir():
                            if leftover.is_file() and not leftover.is_symlink():
                                leftover.unlink()
                    file = report.files[0]
                    print(
                        f"ok   {path.relative_to(SHARED_DATA)} {target} {how}: "
                        f"{file.records} read, {file.written} written, "
                        f"{file.dropped_by_fix} dropped, {file.rejected} rejected, "
                        f"exit {report.exit_code}, {cpu() - start:.1f} s CPU",
                        flush=True,
                    )
    print(f"{len(failures)} failed: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("FTLINT_TODAY", "2026-12-03")
    sys.exit(main())

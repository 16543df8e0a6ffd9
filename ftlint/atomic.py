"""Writing files atomically: a temporary file beside the target, renamed into place.

A run that fails, or is stopped, never leaves half a file where the output should be.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ftlint.report import Report


class AtomicWriter:
    """Write to a temporary file beside the target and rename it into place on success."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.discarded = False
        self._handle: Any = None
        self._tmp: str | None = None

    def __enter__(self) -> AtomicWriter:
        directory = self.target.parent if str(self.target.parent) else Path(".")
        fd, self._tmp = tempfile.mkstemp(
            prefix=f".{self.target.name}.", suffix=".tmp", dir=directory
        )
        self._handle = os.fdopen(fd, "wb", buffering=1 << 20)
        return self

    def write(self, data: bytes) -> None:
        self._handle.write(data)

    def discard(self) -> None:
        self.discarded = True

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self._handle.close()
        assert self._tmp is not None
        if exc_type is not None or self.discarded:
            os.unlink(self._tmp)
            return
        if self.target.exists():
            os.chmod(self._tmp, self.target.stat().st_mode & 0o777)
        else:
            os.chmod(self._tmp, 0o644)
        os.replace(self._tmp, self.target)


def write_json_report(report: Report, target: Path) -> None:
    """The run's JSON report (the ``--output-format json`` contract), written atomically."""
    with AtomicWriter(target) as handle:
        handle.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2).encode() + b"\n")
    report.notes.append(f"report written to {target}")

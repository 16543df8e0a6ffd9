"""The result of a run, as every output format receives it, and the exit code it implies."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ftlint._version import __version__
from ftlint.masking import NO_MASKING, Masking
from ftlint.model import Diagnostic, DroppedRecord, Severity


def format_usd(amount: float) -> str:
    """Dollars with cents, or two significant digits below one cent (a tiny job is not $0.00)."""
    if 0 < abs(amount) < 0.01:
        return f"${amount:.2g}"
    return f"${amount:,.2f}"


def printable(text: str) -> str:
    """``text`` as valid UTF-8 can hold it: a lone surrogate (a file name's undecodable byte,
    ``\\udcff``, or half a UTF-16 pair from a JSON escape, ``\\ud800``) is written as an
    escape, ``\\xff`` or ``\\ud800``. Everything else is kept as it is."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(_escape_surrogate(ch) if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def _escape_surrogate(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that did not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


EXIT_CLEAN = 0
EXIT_PROBLEMS = 1
EXIT_ERROR = 2


@dataclass
class FileReport:
    path: str
    reader: str | None = None
    #: Examples read (not counting blank lines and other non-records).
    records: int = 0
    #: Examples written to the output (prepare only).
    written: int | None = None
    #: Records the reader could not read (a prepare lists each in ``dropped`` too, marked
    #: ``rejected``): ``records == written + dropped by a fix + rejected`` (``accounting``).
    rejected: int = 0
    outputs: list[str] = field(default_factory=list)
    dropped: list[DroppedRecord] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    #: Per-example figures from the dataset rules (``Accumulator.example_columns``): equal
    #: length columns with a ``record`` column; for the Python API, not in the JSON report.
    examples: dict[str, Sequence[Any]] = field(default_factory=dict)

    @property
    def dropped_by_fix(self) -> int:
        """Readable records that a fix left out of the output."""
        return sum(1 for d in self.dropped if not d.rejected)

    def accounting(self) -> dict[str, int | None]:
        """Where every record read went: ``read == written + dropped + rejected`` once the
        output is written (a check writes nothing: ``written`` is None)."""
        return {
            "read": self.records,
            "written": self.written,
            "dropped": self.dropped_by_fix,
            "rejected": self.rejected,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "reader": self.reader,
            "records": self.records,
            "written": self.written,
            "rejected": self.rejected,
            "outputs": [printable(output) for output in self.outputs],
            "dropped": [d.to_dict() for d in self.dropped],
            "summary": self.summary,
        }


class ReportFrames(NamedTuple):
    """``Report.to_pandas()``: the findings, and the figures of each example."""

    diagnostics: Any
    examples: Any


#: Columns of the diagnostics frame, in order.
DIAGNOSTIC_COLUMNS = (
    "code", "name", "severity", "message", "path", "line", "column", "record", "field",
    "sheet", "fix", "fix_message", "fixed", "excerpt",
)  # fmt: skip


@dataclass
class Report:
    command: str
    files: list[FileReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fail_on: Severity = Severity.ERROR
    target: str = "openai"
    model: str | None = None
    #: Messages about the run itself (plugin warnings) shown before the problems.
    notes: list[str] = field(default_factory=list)
    #: The run's masking (``ftlint.masking``): findings, dropped reasons and figures are
    #: masked already; an output format that shows more of the data (a class name, a
    #: label) passes it through ``report.mask(text)`` first.
    mask: Masking = field(default=NO_MASKING, repr=False, compare=False)

    def sorted_diagnostics(self) -> list[Diagnostic]:
        return sorted(self.diagnostics, key=Diagnostic.sort_key)

    def remaining(self) -> list[Diagnostic]:
        """Problems not fixed in this run."""
        return [d for d in self.diagnostics if not d.fixed]

    def counts(self) -> dict[str, int]:
        counter = Counter(str(d.severity) for d in self.remaining())
        return {name: counter.get(name, 0) for name in ("error", "warning", "info")}

    @property
    def exit_code(self) -> int:
        failing = any(d.severity >= self.fail_on for d in self.remaining())
        return EXIT_PROBLEMS if failing else EXIT_CLEAN

    def summary(self) -> dict[str, Any]:
        counts = self.counts()
        summary: dict[str, Any] = {
            "files": len(self.files),
            "records": sum(f.records for f in self.files),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "fixed": sum(1 for d in self.diagnostics if d.fixed),
            "dropped": sum(f.dropped_by_fix for f in self.files),
            "rejected": sum(f.rejected for f in self.files),
            "written": None
            if all(f.written is None for f in self.files)
            else sum(f.written or 0 for f in self.files),
            "target": self.target,
            "model": self.model,
            "exit_code": self.exit_code,
        }
        with_figures = [f for f in self.files if f.summary]
        if len(with_figures) == 1:
            # One dataset (a training file, maybe with its validation file): its figures
            # (tokens, cost ...) are the run's figures.
            for key, value in with_figures[0].summary.items():
                summary.setdefault(key, value)
        return summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": __version__,
            "command": self.command,
            "files": [f.to_dict() for f in self.files],
            "summary": self.summary(),
            "diagnostics": [d.to_dict() for d in self.sorted_diagnostics()],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON contract of ``--output-format json``, as text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def diagnostic_rows(self) -> list[dict[str, Any]]:
        """One flat dict per finding, in report order (the rows of ``to_pandas``)."""
        rows = []
        for d in self.sorted_diagnostics():
            loc = d.location
            rows.append(
                {
                    "code": d.code,
                    "name": d.name,
                    "severity": str(d.severity),
                    "message": d.message,
                    "path": loc.path,
                    "line": loc.line,
                    "column": loc.column,
                    "record": loc.record,
                    "field": loc.field,
                    "sheet": loc.sheet,
                    "fix": None if d.fix is None else str(d.fix.applicability),
                    "fix_message": None if d.fix is None else d.fix.message,
                    "fixed": d.fixed,
                    "excerpt": d.excerpt,
                }
            )
        return rows

    def to_pandas(self) -> ReportFrames:
        """Two DataFrames: ``diagnostics`` (one row per finding) and ``examples`` (one row per
        training example with its figures: tokens, trained tokens, messages, shape, when the
        token rules ran). pandas is imported here, and only here."""
        import pandas as pd

        diagnostics = pd.DataFrame(self.diagnostic_rows(), columns=list(DIAGNOSTIC_COLUMNS))
        frames = []
        for file in self.files:
            if not file.examples:
                continue
            frame = pd.DataFrame({k: list(v) for k, v in file.examples.items()})
            frame.insert(0, "path", file.path)
            frames.append(frame)
        examples = (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["path", "record"])
        )
        return ReportFrames(diagnostics, examples)

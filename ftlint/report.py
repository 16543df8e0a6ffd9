"""The result of a run, as every output format receives it, and the exit code it implies."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from ftlint._version import __version__
from ftlint.config import default_target
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


def make_printable(diagnostics: list[Diagnostic], masking: Masking = NO_MASKING) -> None:
    """What the report shows of each finding: masked by the run's redactors (no secret or
    personal data, whichever rule the finding is of) and escaped where valid UTF-8 cannot
    hold it (lone surrogates). The fix's edits keep the values: they are applied, not shown."""
    for d in diagnostics:
        d.message = printable(masking(d.message))
        if d.excerpt is not None:
            d.excerpt = printable(masking(d.excerpt))
        field = d.location.field
        if field is not None:
            shown = printable(masking(field))
            if shown != field:
                d.location = d.location.at(field=shown)
        for related in d.related:
            related.message = printable(masking(related.message))
        fix = d.fix
        if fix is not None and masking:
            message = masking(fix.message)
            if message != fix.message:
                d.fix = replace(fix, message=message)


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
    #: Records written with at least one fix applied (prepare and ``check --fix``).
    fixed_records: int | None = None
    #: The sidecar of rejected records (``<stem>_rejected.jsonl``), when prepare wrote one.
    rejected_file: str | None = None
    #: ``check --fix`` can rewrite this file (JSONL); for the others ``prepare`` applies fixes.
    fixes_in_place: bool = True
    #: Per-example figures from the dataset rules (``Accumulator.example_columns``): equal
    #: length columns with a ``record`` column; for the Python API, not in the JSON report.
    examples: dict[str, Sequence[Any]] = field(default_factory=dict)
    #: The named dataset (``--dataset NAME=...``) this file is a shard of; its dataset
    #: figures are in the ``summary`` of the dataset's first file.
    dataset: str | None = None
    #: The dataset rules' figures per target in a run over several targets (tokens, cost
    #: with each target's tokenizer and prices); ``summary`` holds the primary target's.
    target_summaries: dict[str, dict[str, Any]] = field(default_factory=dict)

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
        return self._json_value(streamed=False)

    def _json_value(self, streamed: bool) -> dict[str, Any]:
        """``to_dict``; ``streamed``: the dropped records as a ``Streamed`` list, converted
        while the JSON is written (``Report.json_pieces``)."""
        from ftlint.jsonl import Streamed

        data = {
            "path": self.path,
            "reader": self.reader,
            "records": self.records,
            "written": self.written,
            "rejected": self.rejected,
            "outputs": [printable(output) for output in self.outputs],
            "fixed_records": self.fixed_records,
            "rejected_file": None if self.rejected_file is None else printable(self.rejected_file),
            "dropped": Streamed(self.dropped, DroppedRecord.to_dict)
            if streamed
            else [d.to_dict() for d in self.dropped],
            "summary": self.summary,
        }
        if self.dataset is not None:
            data["dataset"] = self.dataset
        if len(self.target_summaries) > 1:
            data["target_summaries"] = self.target_summaries
        return data


#: What a target makes of a file: the provider (or trainer) takes it as it is, takes it
#: but the findings say it will train worse, or refuses it (or training breaks).
ACCEPTED = "accepted"
ACCEPTED_WITH_WARNINGS = "accepted with warnings"
REJECTED = "rejected"


@dataclass
class TargetVerdict:
    """One target's verdict on the run's files, and the findings that decide it (its
    errors when it rejects, else its warnings)."""

    target: str
    model: str | None
    verdict: str
    errors: int
    warnings: int
    #: ``(code, name, count)`` of the deciding findings, most frequent first.
    findings: list[tuple[str, str, int]]
    summary: dict[str, Any] = field(default_factory=dict)
    #: How this run counted the target's tokens: ``exact (...)`` or ``estimated (...)``.
    token_counts: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "model": self.model,
            "verdict": self.verdict,
            "token_counts": self.token_counts,
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [
                {"code": code, "name": name, "count": count} for code, name, count in self.findings
            ],
            "summary": self.summary,
        }


class ReportFrames(NamedTuple):
    """``Report.to_pandas()``: the findings, and the figures of each example."""

    diagnostics: Any
    examples: Any


#: Columns of the diagnostics frame, in order.
DIAGNOSTIC_COLUMNS = (
    "code", "name", "severity", "message", "path", "line", "column", "record", "field",
    "sheet", "fix", "fix_message", "fixed", "excerpt", "target",
)  # fmt: skip


@dataclass
class ReportOptions:
    """How the run asked its report to be shown; output formats read what applies to them
    (``text`` groups repeated findings unless ``show_all``; ``sarif`` makes URIs relative to
    ``project_root``)."""

    #: Every finding on its own (``--show-all``); otherwise ``text`` groups repeats.
    show_all: bool = False
    #: Findings only: no notes, figures or summary line (``-q``).
    quiet: bool = False
    #: A hook's output (pre-commit): grouped findings and the summary, no figures block,
    #: token table or histogram unless ``figures`` is asked for.
    compact: bool = False
    #: Figures (table, histogram) even in compact output (``--figures``).
    figures: bool = False
    #: A list of the fixes applied or available (``--show-fixes``).
    show_fixes: bool = False
    #: The root the file URIs of ``sarif`` (and others) are relative to.
    project_root: str | None = None
    #: Locations listed on a grouped line before ``…``.
    group_locations: int = 5


@dataclass
class Report:
    command: str
    files: list[FileReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    fail_on: Severity = Severity.ERROR
    #: The run's (first) target (the engine always names it).
    target: str = field(default_factory=default_target)
    model: str | None = None
    #: Messages about the run itself (plugin warnings) shown before the problems.
    notes: list[str] = field(default_factory=list)
    #: ``prepare --allow-rejects``: rejected records (in the sidecar) do not fail the run.
    allow_rejects: bool = False

    def fix_option(self, diagnostic: Diagnostic, unsafe: bool = False) -> str:
        """What applies ``diagnostic``'s fix: ``--fix`` (``--unsafe-fixes``) in ``check`` of
        a file it can rewrite, ``ftlint prepare --fix`` where it cannot (CSV, XLSX, JSON)."""
        option = "--unsafe-fixes" if unsafe else "--fix"
        if self.command == "check":
            for file in self.files:
                if file.path == diagnostic.location.path and not file.fixes_in_place:
                    return f"ftlint prepare {option}"
        return option

    #: How to show it (set by the command line; the defaults suit the Python API).
    options: ReportOptions = field(default_factory=ReportOptions)
    #: Findings a ``--baseline`` suppressed (not in ``diagnostics``; counted in the summary).
    suppressed: int = 0
    #: What ``--fix`` would change, per file path (``ftlint.fixpreview``), when the run
    #: computed it (``--diff``, the SARIF ``fixes``).
    previews: dict[str, Any] = field(default_factory=dict)
    #: ``(target, model)`` of every target of the run, the primary first (``--target a,b``).
    run_targets: list[tuple[str, str | None]] = field(default_factory=list)
    #: How each target's tokens were counted (``TargetVerdict.token_counts``).
    token_counts: dict[str, str] = field(default_factory=dict)

    #: The run's masking (``ftlint.masking``): findings, dropped reasons and figures are
    #: masked already; an output format that shows more of the data (a class name, a
    #: label) passes it through ``report.mask(text)`` first.
    mask: Masking = field(default=NO_MASKING, repr=False, compare=False)

    @property
    def multi_target(self) -> bool:
        return len(self.run_targets) > 1

    def verdicts(self) -> list[TargetVerdict]:
        """Each target's verdict: ``rejected`` when a finding for it (or for every target) is
        an error that remains, ``accepted with warnings`` when warnings remain, else
        ``accepted``."""
        targets = self.run_targets or [(self.target, self.model)]
        remaining = self.remaining()
        verdicts = []
        for name, model in targets:
            mine = [d for d in remaining if d.target is None or d.target == name]
            errors = [d for d in mine if d.severity >= Severity.ERROR]
            warnings = [d for d in mine if d.severity == Severity.WARNING]
            verdict = REJECTED if errors else ACCEPTED_WITH_WARNINGS if warnings else ACCEPTED
            counter = Counter((d.code, d.name) for d in (errors or warnings))
            findings = [(code, rule, n) for (code, rule), n in counter.most_common()]
            figures: dict[str, Any] = {}
            with_figures = [f for f in self.files if f.target_summaries.get(name) or f.summary]
            if len(with_figures) == 1:
                file = with_figures[0]
                figures = dict(file.target_summaries.get(name) or file.summary)
            verdicts.append(
                TargetVerdict(
                    name,
                    model,
                    verdict,
                    len(errors),
                    len(warnings),
                    findings,
                    figures,
                    self.token_counts.get(name, ""),
                )
            )
        return verdicts

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
        """1 when a problem at or above the fail level remains; for ``prepare`` also when it
        rejected records (unless ``allow_rejects``: then their problems do not count)."""
        allowed = self.allow_rejects
        failing = any(
            d.severity >= self.fail_on for d in self.remaining() if not (allowed and d.rejected)
        )
        if self.command == "prepare" and not allowed and any(f.rejected for f in self.files):
            failing = True
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
        if self.suppressed:
            summary["baseline_suppressed"] = self.suppressed
        with_figures = [f for f in self.files if f.summary]
        if len(with_figures) == 1:
            # One dataset (a training file, maybe with its validation file): its figures
            # (tokens, cost ...) are the run's figures.
            for key, value in with_figures[0].summary.items():
                summary.setdefault(key, value)
        return summary

    def to_dict(self) -> dict[str, Any]:
        return self._json_value(streamed=False)

    def _json_value(self, streamed: bool) -> dict[str, Any]:
        """``to_dict``; ``streamed``: the findings as a ``Streamed`` list (``json_pieces``)."""
        from ftlint.jsonl import Streamed

        findings = self.sorted_diagnostics()
        return {
            "version": __version__,
            "command": self.command,
            "files": [f._json_value(streamed) for f in self.files],
            "summary": self.summary(),
            "targets": [v.to_dict() for v in self.verdicts()],
            "diagnostics": Streamed(findings, Diagnostic.to_dict)
            if streamed
            else [d.to_dict() for d in findings],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON contract of ``--output-format json``, as text."""
        if indent == 2:
            return "".join(self.json_pieces())
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def json_pieces(self) -> Iterator[str]:
        """``to_json()`` in pieces, for writing: the findings and dropped records are turned
        into dicts a batch at a time while they are written. Why: a report of a run that
        flags many records is tens of megabytes, and as one tree of dicts, then one string,
        it took more memory than the run itself (a prepare dropping 30,000 duplicates of
        100,000 examples: 340 MB against 146 MB with none)."""
        from ftlint.jsonl import pretty_json_pieces

        return pretty_json_pieces(self._json_value(streamed=True))

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
                    "target": d.target,
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

"""The fix loop (sqlfluff's, with a runaway limit): what ``prepare`` and ``check --fix`` wrote is
checked again, with the same rules and the same choice of fixes, until a check finds nothing
left to apply.

Why: a fix can make what another rule (or the same one) then finds: a removed control
character makes two records equal, a removed special token empties an answer, a repaired
mojibake leaves a blank. Only a check of the written file sees that. ``prepare`` promises that
``ftlint check`` of its output finds no error: a record that still has one when no chosen fix
is left is *rejected*: taken out of the output and written with its reasons to the
``<stem>_rejected.jsonl`` sidecar (``ftlint.engine.rejects``). ``check --fix`` rewrites the
file itself and rejects nothing: its report is the state after fixing, as ruff's is.

Each pass of ``prepare`` writes a temporary JSONL beside the output; the records of a pass are
mapped back to the source records they came from by their ordinals (an ``array`` of ints, a
few bytes per record), so that every finding of a later pass is reported at its source line.
"""

from __future__ import annotations

import codecs
import contextlib
import os
from array import array
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ftlint.atomic import make_temp
from ftlint.engine.fixes import FixPlan
from ftlint.model import Diagnostic, DropRecord, Location, Severity, TransformRecords
from ftlint.report import FileReport, make_printable

if TYPE_CHECKING:
    from ftlint.engine.engine import Engine
    from ftlint.reader import Reader
    from ftlint.report import Report
    from ftlint.rule import FileContext

#: Checks of a written file after which the loop stops applying fixes (a fix that keeps
#: finding work): records that still have an error are then rejected, and a note says so.
MAX_PASSES = 10


def open_written(engine: Engine, path: Path, display: str) -> tuple[FileContext, Reader]:
    """A JSONL file this run wrote, opened as ``ftlint check`` opens it (its name ends in
    ``.tmp``: the JSONL reader is chosen by name, not by extension)."""
    from ftlint.rule import FileContext

    file = FileContext.open(path, display)
    file.options = {
        "sheet": None,
        "column_map": {},
        "limits": engine.limits,
    }
    reader = next(r for r in engine.plugins.readers() if r.name == "jsonl")
    file.reader_name = reader.name
    file.is_text = reader.is_text
    return file, reader


@dataclass
class Pass:
    """One check of a written file: its findings, the fixes chosen from them, its figures."""

    file: FileContext
    reader: Reader
    diagnostics: list[Diagnostic]
    plan: FixPlan
    report: FileReport

    def record_errors(self, every: bool = False) -> dict[int, list[Diagnostic]]:
        """The errors of each record that no fix chosen in this pass removes (with ``every``:
        all of them, fixes or not), by record ordinal. A record that a chosen fix drops is
        not among them (it is dropped, not rejected)."""
        found: dict[int, list[Diagnostic]] = {}
        for d in self.diagnostics:
            record = d.location.record
            if record is None or d.severity < Severity.ERROR or (d.fixed and not every):
                continue
            if d.fix is not None and any(isinstance(e, TransformRecords) for e in d.fix.edits):
                # About the whole file, shown at its first record (a conversion of every
                # record): rejecting that one record would cure nothing.
                continue
            found.setdefault(record, []).append(d)
        if not every:
            for record in list(found):
                edits = self.plan.record_edits.get(record, ())
                if any(isinstance(edit, DropRecord) for _code, edit in edits):
                    del found[record]
        return found

    def file_errors(self, every: bool = False) -> list[tuple[Diagnostic, TransformRecords]]:
        """Errors about many records at once, shown at the first (a conversion the chosen
        fixes do not make): their fix's transform says which records they are about, the
        ones it would change."""
        found = []
        for d in self.diagnostics:
            if d.severity < Severity.ERROR or d.fix is None or (d.fixed and not every):
                continue
            for edit in d.fix.edits:
                if isinstance(edit, TransformRecords):
                    found.append((d, edit))
        return found


@dataclass
class Outcome:
    """What the passes after the first write did, in terms of source records."""

    #: Source ordinals of the records in the last written file, in order.
    provenance: array
    #: The check of the last written file (None when no record was left to write).
    final: Pass | None = None
    #: Findings of later passes whose fix was applied, with their source ordinal.
    fixed: list[tuple[Diagnostic, int | None]] = field(default_factory=list)
    #: Rejected records: source ordinal -> the errors that made it so.
    rejected: dict[int, list[Diagnostic]] = field(default_factory=dict)
    #: Records a later fix dropped: (source ordinal, reason, code).
    dropped: list[tuple[int, str, str | None]] = field(default_factory=list)
    #: Source ordinals of the records a later fix changed.
    changed: set[int] = field(default_factory=set)
    passes: int = 0
    #: The limit was reached with fixes still to apply.
    runaway: bool = False


class FixLoop:
    """The passes of one file (see the module docstring)."""

    def __init__(self, engine: Engine, report: Report) -> None:
        self.engine = engine
        self.report = report
        self.command = report.command
        self.final_path: Path | None = None
        #: Errors of the current pass about many records (``Pass.file_errors``).
        self.file_errors: list[tuple[Diagnostic, TransformRecords]] = []

    def check_written(self, path: Path, display: str) -> Pass:
        """Check a file this run wrote, as ``ftlint check`` would, and choose its fixes."""
        engine = self.engine
        file, reader = open_written(engine, path, display)
        diagnostics = engine.check_file_scope(file)
        previous = engine.settings.get("validation_file")
        engine.settings["validation_file"] = None  # a validation file joins the first check
        try:
            result = engine.scan_file(file, reader)
        finally:
            engine.settings["validation_file"] = previous
        file_report = FileReport(path=display, reader=reader.name)
        engine.finish(result, file, file_report)
        diagnostics.extend(result.diagnostics)
        engine.label_targets(diagnostics)
        make_printable(diagnostics, engine.masking)
        file_report.records = result.records
        plan = engine.plan_fixes(diagnostics, self.command)
        return Pass(file, reader, diagnostics, plan, file_report)

    # -- prepare: passes over temporary files ---------------------------------------------------

    def run(
        self,
        first: Path,
        provenance: array,
        directory: Path,
        name: str,
        first_check: Pass | None = None,
    ) -> Outcome:
        """Check ``first`` (the first write) and write fixed passes until a check finds
        nothing to apply and no record error; ``self.final_path`` is the last file written
        (the caller moves it into place or removes it). ``first_check``: the check of
        ``first`` when the caller has it already (``ftlint.engine.accept.reused_check``)."""
        outcome = Outcome(provenance)
        current = self.final_path = first
        number = 0
        while True:
            number += 1
            if number == 1 and first_check is not None:
                check = first_check
            else:
                check = self.check_written(current, f"<prepared, check {number}>")
            outcome.passes = number
            if number > MAX_PASSES:  # after the runaway pass: what is left stays
                for d in check.diagnostics:
                    d.fixed = False
                outcome.final = check
                outcome.runaway = outcome.runaway or not check.plan.empty
                return outcome
            runaway = number == MAX_PASSES
            reject = check.record_errors(every=runaway)
            self.file_errors = check.file_errors(every=runaway)
            if not reject and not self.file_errors and (check.plan.empty or runaway):
                for d in check.diagnostics:
                    d.fixed = False
                outcome.final = check
                outcome.runaway = runaway and not check.plan.empty
                return outcome
            if runaway:
                for d in check.diagnostics:
                    d.fixed = False
                check.plan = FixPlan()
                outcome.runaway = True
            else:
                for d in check.diagnostics:
                    if d.fixed:
                        outcome.fixed.append((d, provenance_of(outcome.provenance, d)))
            fd, temp = make_temp(directory, name, ".tmp")
            os.close(fd)
            target = Path(temp)
            try:
                outcome.provenance = self._write_pass(check, reject, target, outcome)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(target)
                raise
            with contextlib.suppress(OSError):  # every pass's file is this run's temporary
                os.unlink(current)
            current = self.final_path = target
            if not outcome.provenance:  # every record rejected or dropped
                outcome.final = None
                return outcome

    def _write_pass(
        self, check: Pass, reject: dict[int, list[Diagnostic]], target: Path, outcome: Outcome
    ) -> array:
        """The records of ``check.file`` through its plan, less ``reject``, into ``target``;
        returns the new provenance and notes what was rejected, dropped and changed."""
        from ftlint.jsonl import dumps_line

        engine = self.engine
        provenance = outcome.provenance
        new = array("q")
        scratch = FileReport(path=check.report.path)
        with open(target, "wb", buffering=1 << 20) as handle:
            if engine.target.bom == "required":
                handle.write(codecs.BOM_UTF8)
            for record, data, changed in engine.fixed_records(
                check.file, check.reader, check.plan, scratch
            ):
                source = provenance[record.index - 1]
                if record.index in reject:
                    outcome.rejected[source] = reject[record.index]
                    continue
                hit = [
                    replace(d, location=record.location.at(field=None))
                    for d, edit in self.file_errors
                    if _changes(edit, data)
                ]
                if hit:
                    outcome.rejected[source] = hit
                    continue
                if changed:
                    outcome.changed.add(source)
                handle.write(dumps_line(data))
                new.append(source)
        for dropped in scratch.dropped:
            record = dropped.location.record
            if record is None or not 1 <= record <= len(provenance):
                continue
            source = provenance[record - 1]
            if dropped.rejected:  # cannot happen for a file this run wrote; kept safe
                continue
            outcome.dropped.append((source, dropped.reason, dropped.code))
        return new

    # -- check --fix: passes over the file itself -------------------------------------------

    def run_in_place(self, file: FileContext, file_report: FileReport) -> Pass:
        """Rewrite ``file`` until a check finds nothing to fix; returns the last check (the
        state after fixing). Findings fixed on the way are marked fixed in their pass."""
        engine = self.engine
        fixed: list[Diagnostic] = []
        number = 0
        while True:
            number += 1
            check = self.check_written(file.path, file.display_path)
            check.file = file_copy(check.file, file)
            if check.plan.empty or number > MAX_PASSES:
                for d in check.diagnostics:
                    d.fixed = False
                check.diagnostics.extend(fixed)
                if not check.plan.empty:
                    self.report.notes.append(  # (the engine's notes are copied already)
                        f"{file.display_path}: the fixes did not settle after {MAX_PASSES} "
                        "passes; what the last check found is reported"
                    )
                return check
            fixed.extend(d for d in check.diagnostics if d.fixed)
            before = len(file_report.outputs)
            engine._rewrite_in_place(check.file, check.reader, check.plan, file_report)
            del file_report.outputs[before:]
            if str(file.path) not in file_report.outputs:
                file_report.outputs.append(str(file.path))


def _changes(edit: TransformRecords, data: object) -> bool:
    try:
        return edit.transform(data) is not data
    except Exception:  # a transform that fails on this record cannot make it acceptable
        return True


def file_copy(checked: FileContext, source: FileContext) -> FileContext:
    """The freshly opened file with what the first check learnt of the source kept."""
    checked.reader_name = source.reader_name or checked.reader_name
    return checked


def provenance_of(provenance: array, diagnostic: Diagnostic) -> int | None:
    record = diagnostic.location.record
    if record is None or record < 1 or record > len(provenance):
        return None
    return provenance[record - 1]


def at_source(where: Location, source: Location | None, display: str) -> Location:
    """A finding of a written file placed at the source record it came from; its field is
    the written record's pointer."""
    if source is None:
        return Location(path=display, field=where.field)
    return Location(
        path=source.path,
        line=source.line,
        record=source.record,
        field=where.field,
        sheet=source.sheet,
    )

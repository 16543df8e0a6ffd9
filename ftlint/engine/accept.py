"""What ``prepare`` writes is accepted: the fix loop over the written file, the records it
rejects (with every reason, to the report and to ``<stem>_rejected.jsonl``), and the report
put back in terms of the source file.

The invariant: ``ftlint check`` of a prepared file, with the same target and model, finds no
error, except the dataset-level ones that no repair of a record can cure (too few examples
left, a file over the target's size limit); ``prepare`` then says so and exits 1. Run again on
its own output, ``prepare`` writes the same bytes and finds nothing to fix.
"""

from __future__ import annotations

import contextlib
import os
from array import array
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlint.atomic import COMMITTED, make_temp, place
from ftlint.engine.fixes import FixPlan
from ftlint.engine.loop import FixLoop, Outcome, Pass, at_source, open_written
from ftlint.model import Diagnostic, DroppedRecord, DropRecord, Location, Severity
from ftlint.report import FileReport, make_printable, printable

if TYPE_CHECKING:
    from ftlint.engine.engine import Checked, Engine
    from ftlint.engine.options import PrepareOptions
    from ftlint.report import Report


def sidecar_path(out: Path) -> Path:
    """``data_prepared.jsonl`` -> ``data_rejected.jsonl`` (``out.jsonl`` -> ``out_rejected``)."""
    stem = out.stem.removesuffix("_prepared")
    return out.with_name(f"{stem}_rejected.jsonl")


def _first_provenance(engine: Engine, checked: Checked, plan: FixPlan) -> array:
    """Source ordinals of the records the first write wrote, in order: every record read
    but those dropped or unreadable (a reader numbers its records 1, 2, ...); re-read
    through the plan when the count does not agree."""
    report = checked.report
    gone = {d.location.record for d in report.dropped if d.location.record is not None}
    provenance = array("q", (i for i in range(1, report.records + 1) if i not in gone))
    if len(provenance) == report.written:
        return provenance
    scratch = FileReport(path=report.path)
    return array(
        "q",
        (r.index for r, _, _ in engine.fixed_records(checked.file, checked.reader, plan, scratch)),
    )


class SourceRecords:
    """The source records a report needs again (their location, their text), found by
    one more read of the source, only when a later pass or a rejection needs them."""

    def __init__(self, engine: Engine, checked: Checked, wanted: set[int]) -> None:
        self.found: dict[int, Any] = {}
        if not wanted:
            return
        left = set(wanted)
        try:
            for record in checked.reader.read(checked.file):
                if not record.is_record or record.index not in left:
                    continue
                self.found[record.index] = record
                record.analyses.clear()
                left.discard(record.index)
                if not left:
                    break
        except Exception:  # the first read reported the reader's failure
            pass

    def location(self, index: int | None) -> Location | None:
        record = self.found.get(index) if index is not None else None
        return None if record is None else record.location

    def entry(self, index: int, reasons: list[dict[str, Any]], fallback: Location) -> dict:
        """One line of the sidecar: the original record, where it was, why it was rejected."""
        record = self.found.get(index)
        location = record.location if record is not None else fallback
        entry: dict[str, Any] = {
            "source": {
                "path": location.path,
                "line": location.line,
                "record": location.record if location.record is not None else index,
                "sheet": location.sheet,
            },
            "reasons": reasons,
        }
        if record is not None and record.problem is None:
            entry["record"] = record.data
        else:
            entry["raw"] = None if record is None else record.raw
        return entry


def _reason(d: Diagnostic) -> dict[str, Any]:
    return {
        "code": d.code,
        "name": d.name,
        "severity": str(d.severity),
        "message": d.message,
        "field": d.location.field,
    }


def prepare_checked(
    engine: Engine, checked: Checked, out: Path, options: PrepareOptions, report: Report
) -> None:
    """Write the accepted records of a checked file to ``out`` (or its split files)."""
    file, plan, file_report = checked.file, checked.plan, checked.report
    directory = out.parent if str(out.parent) else Path(".")
    fd, temp = make_temp(directory, out.name, ".tmp")
    os.close(fd)
    first = Path(temp)
    loop = FixLoop(engine, report)
    try:
        first_options = replace(options, output=first, force=True, split=None, in_place=False)
        plan.changes = {}  # which records each transform changes: counted in _fixed_first
        try:
            engine.write_output(file, checked.reader, plan, first, file_report, first_options)
            changes = plan.changes
        finally:
            plan.changes = None
        with contextlib.suppress(ValueError):
            file_report.outputs.remove(str(first))
        with contextlib.suppress(ValueError):
            COMMITTED.remove(str(first))
        provenance = _first_provenance(engine, checked, plan)
        if provenance:
            reused = reused_check(engine, checked, first, len(provenance), report.command)
            outcome = loop.run(first, provenance, directory, out.name, reused)
        else:
            outcome = Outcome(provenance)
            loop.final_path = first
        _finish(engine, checked, out, options, report, loop, outcome, changes)
    finally:
        for leftover in (first, loop.final_path):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)


def reused_check(
    engine: Engine, checked: Checked, first: Path, written: int, command: str
) -> Pass | None:
    """The check of the first write without scanning it again, when that check can only find
    what the check of the source found: nothing was changed or left out (no fix chosen, no
    unreadable or blank line), and reading the written file gives every record as the source
    gave it (the same data, ordinal and line). The record and dataset rules see nothing else
    of a record that could differ (its ``raw`` text serves them only as a shortcut that gives
    the same answer on any JSON text of the same data), so their findings and figures are the
    source's, placed in the written file; the file rules read the written bytes themselves.
    None (check the file) whenever any of that does not hold."""
    scan = checked.scan
    if (
        scan is None
        or not checked.plan.empty
        or checked.reader.name != "jsonl"
        or checked.validation is not None
        or engine.config.related_excerpts
        or written != scan.records
        or checked.report.dropped
    ):
        return None
    display = "<prepared, check 1>"
    file, reader = open_written(engine, first, display)
    if not _same_records(checked, file, reader):
        return None
    diagnostics = engine.check_file_scope(file)
    engine.label_targets(diagnostics)
    make_printable(diagnostics, engine.masking)
    source = checked.file.display_path
    diagnostics.extend(_placed(d, source, display) for d in scan.diagnostics)
    file_report = FileReport(path=display, reader=reader.name)
    file_report.summary = dict(scan.summary)
    file_report.examples = scan.examples
    file_report.records = scan.records
    return Pass(file, reader, diagnostics, engine.plan_fixes(diagnostics, command), file_report)


#: Source text (characters) of a record from which ``_same_records`` gives up (issue 13: the
#: peak memory of one record stays a small multiple of its size).
HUGE_SOURCE = 1 << 20


def _same_records(checked: Checked, file: Any, reader: Any) -> bool:
    """Whether the written file reads as the source did: every source item a readable
    record on the line of its ordinal, and the written records the same, in the same order,
    with the same data."""
    try:
        written = iter(reader.read(file))
        for count, record in enumerate(checked.reader.read(checked.file), start=1):
            if record.raw is not None and len(record.raw) >= HUGE_SOURCE:
                # A huge record: its written copy is not read beside it (two parsed copies
                # would double the peak memory of one record); the file is checked instead.
                return False
            other = next(written, None)
            if (
                other is None
                or record.problem is not None
                or other.problem is not None
                or not record.is_record
                or record.location.line != count
                or record.location.record != count
                or other.location.line != count
                or other.location.record != count
                or record.location.column != other.location.column
                or record.source_format != other.source_format
                or record.data != other.data
            ):
                return False
        return next(written, None) is None
    except Exception:  # what fails here is checked (and reported) the ordinary way
        return False


def _placed(d: Diagnostic, source: str, display: str) -> Diagnostic:
    """A copy of a finding of the source at the same place in the written file."""

    def moved(location: Location) -> Location:
        return replace(location, path=display) if location.path == source else location

    related = tuple(replace(r, location=moved(r.location)) for r in d.related)
    return replace(d, location=moved(d.location), related=related)


def _finish(
    engine: Engine,
    checked: Checked,
    out: Path,
    options: PrepareOptions,
    report: Report,
    loop: FixLoop,
    outcome: Outcome,
    changes: dict[int, array] | None = None,
) -> None:
    file, file_report = checked.file, checked.report
    display = file.display_path
    final = outcome.final
    unreadable = [d for d in file_report.dropped if d.rejected]
    unreadable_records = {d.location.record for d in unreadable if d.location.record is not None}
    # The source records a later pass found something in.
    new_findings: list[tuple[Diagnostic, int | None]] = []
    own = [d for d in report.diagnostics if d.location.path == display]
    first_codes = {(d.code, d.location.record) for d in own}
    first_unfixed_codes = {d.code for d in own if not d.fixed}
    if final is not None:
        for d in final.diagnostics:
            if d.location.record is None:
                continue
            if d.code in first_unfixed_codes:
                continue
            new_findings.append((d, _provenance(outcome.provenance, d.location.record)))
    wanted = set(outcome.rejected) | unreadable_records
    wanted |= {s for _, s in outcome.fixed if s is not None}
    wanted |= {s for s, _, _ in outcome.dropped}
    wanted |= {s for _, s in new_findings if s is not None}
    sources = SourceRecords(engine, checked, wanted)

    # -- the findings of the first check, judged by what was written ------------------------
    written = set(outcome.provenance)
    rejected = set(outcome.rejected) | unreadable_records
    final_dataset_codes = (
        {d.code for d in final.diagnostics if d.location.record is None} if final else set()
    )
    replaced: set[int] = set()
    for d in own:
        if d.fixed:
            continue
        record = d.location.record
        if record is not None:
            if record in rejected:
                d.rejected = True
            elif d.severity >= Severity.ERROR:
                # Not in the output as it was: written once cured, or left out by a fix.
                d.fixed = True
        elif final is None:
            continue  # nothing was written: the first check's findings stand
        elif d.code in final_dataset_codes:
            replaced.add(id(d))  # the check of the output says it again, with its figures
        else:
            d.fixed = True  # the written file does not have it
    if replaced:
        report.diagnostics[:] = [d for d in report.diagnostics if id(d) not in replaced]

    # -- what later passes fixed, rejected and found ----------------------------------------
    for d, source in outcome.fixed:
        d.location = at_source(d.location, sources.location(source), display)
        if (d.code, d.location.record) not in first_codes:
            report.diagnostics.append(d)
    for source, errors in outcome.rejected.items():
        for d in errors:
            d.fixed = False
            d.rejected = True
            d.location = at_source(d.location, sources.location(source), display)
            if (d.code, d.location.record) in first_codes:
                for mine in own:
                    if mine.code == d.code and mine.location.record == d.location.record:
                        mine.rejected, mine.fixed = True, False
                continue
            report.diagnostics.append(d)
    for d, source in new_findings:
        d.location = at_source(d.location, sources.location(source), display)
        report.diagnostics.append(d)
    if final is not None and not options.split:
        for d in final.diagnostics:
            if d.location.record is None:
                d.location = Location(path=display, field=d.location.field)
                report.diagnostics.append(d)

    # -- the records: dropped, rejected, written --------------------------------------------
    for source, reason, code in outcome.dropped:
        location = sources.location(source) or Location(path=display, record=source)
        file_report.dropped.append(DroppedRecord(location, printable(reason), code))
    entries: list[tuple[int, dict]] = []
    for d in unreadable:
        index = d.location.record or 0
        reasons = [_reason(x) for x in own if x.location.record == index and x.rejected]
        if not reasons:
            reasons = [{"code": d.code, "message": d.reason}]
        entries.append((index, sources.entry(index, reasons, d.location)))
    for source, errors in outcome.rejected.items():
        location = sources.location(source) or Location(path=display, record=source)
        codes = list(dict.fromkeys(d.code for d in errors))
        if len(codes) == 1:
            reason, code = "; ".join(d.message for d in errors), codes[0]
        else:  # every reason with its own code
            reason, code = "; ".join(f"{d.message} [{d.code}]" for d in errors), None
        file_report.dropped.append(DroppedRecord(location, printable(reason), code, True))
        entries.append((source, sources.entry(source, [_reason(d) for d in errors], location)))
    file_report.rejected = len(unreadable) + len(outcome.rejected)
    file_report.written = len(outcome.provenance)
    first_fixed = _fixed_first(engine, checked, own, changes)
    file_report.fixed_records = len((first_fixed | outcome.changed) & written)
    sidecar = sidecar_path(out)
    if entries:
        entries.sort(key=lambda item: item[0])
        _write_sidecar(sidecar, [e for _i, e in entries], options.force)
        file_report.rejected_file = str(sidecar)

    # -- the output ---------------------------------------------------------------------------
    # (said first: it may be why no record is acceptable)
    if outcome.runaway:
        report.notes.append(
            f"{display}: the fixes did not settle after {outcome.passes - 1} passes; records "
            "with an error left were rejected, and a second prepare may still find fixes"
        )
    if loop.final_path is None or final is None or not outcome.provenance:
        report.notes.append(
            f"{display}: no record is acceptable to {engine.target.name}: no output was written"
            + (f" (the rejected records are in {sidecar})" if entries else "")
        )
        return
    if final is not None:
        file_report.summary = dict(final.report.summary)
        file_report.examples = final.report.examples
    if options.split is not None:
        _write_split(engine, checked, loop.final_path, out, options, report)
    else:
        overwrite = options.force or options.in_place
        _place_output(loop.final_path, out, overwrite=overwrite, engine=engine)
        loop.final_path = None
        file_report.outputs.append(str(out))
    _say_dataset_errors(report, display, file_report)


def _fixed_first(
    engine: Engine,
    checked: Checked,
    own: list[Diagnostic],
    changes: dict[int, array] | None = None,
) -> set[int]:
    """Source ordinals of the records a fix of the first write changed. Record edits say it;
    for a dataset-wide fix (a transform; the conversions ``prepare`` makes are no fixes), the
    first write noted which records each transform changed (``changes``); without that note,
    each transform is tried record by record in one more read of the source."""
    plan = checked.plan
    fixed = {
        r
        for r, edits in plan.record_edits.items()
        if not any(isinstance(e, DropRecord) for _c, e in edits)
    }
    conversions = {
        id(edit)
        for d in own
        if d.fixed and d.fix is not None and d.fix.in_prepare
        for edit in d.fix.edits
    }
    fixes = [t for t in plan.transforms if id(t) not in conversions]
    if not fixes:
        return fixed
    if changes is not None:
        # A record counts when any fix among its transforms changed it: the transforms
        # before the first such fix are conversions, so the data each one saw is the same
        # as in the record-by-record read below.
        for position, transform in enumerate(plan.transforms):
            if id(transform) not in conversions:
                fixed.update(changes.get(position, ()))
        return fixed
    from ftlint.engine.fixes import apply_record_edits

    try:
        for record in checked.reader.read(checked.file):
            if record.problem is not None or record.index in fixed:
                continue
            data = record.data
            edits = plan.record_edits.get(record.index)
            if edits:
                data, drop, _code = apply_record_edits(data, edits)
                if drop is not None:
                    continue
            for transform in plan.transforms:
                new = transform.transform(data)
                if new is not data and id(transform) not in conversions:
                    fixed.add(record.index)
                    break
                data = new
            record.analyses.clear()
    except Exception:  # the first read reported what fails here
        pass
    return fixed


def _place_output(final: Path, out: Path, overwrite: bool, engine: Engine | None = None) -> None:
    """The last pass's file becomes the output: renamed into place, compressed into it when
    ``-o`` names a compressed file (``out.jsonl.gz``), or written in another format by the
    reader plugin that writes it (``out.parquet``)."""
    from ftlint.compression import SUFFIXES, open_compressed_output

    writer = engine.writer_reader(out) if engine is not None else None
    if writer is not None:
        _convert_output(final, out, overwrite, writer)
        return
    if out.suffix.lower() not in SUFFIXES:
        place(final, out, overwrite=overwrite)
        return
    from ftlint.atomic import AtomicWriter

    with AtomicWriter(out, overwrite=overwrite) as handle:
        compressor = open_compressed_output(out, handle)
        sink = compressor if compressor is not None else handle
        with open(final, "rb") as source:
            while chunk := source.read(1 << 20):
                sink.write(chunk)
        if compressor is not None:
            compressor.close()
    with contextlib.suppress(OSError):
        os.unlink(final)


def _convert_output(final: Path, out: Path, overwrite: bool, writer: Any) -> None:
    """The accepted JSONL records of the last pass, written as ``writer`` writes them."""
    import orjson

    from ftlint.atomic import AtomicWriter

    with AtomicWriter(out, overwrite=overwrite) as handle:
        sink = writer.open_writer(handle.stream)
        try:
            with open(final, "rb") as source:
                for line in source:
                    if line.strip():
                        sink.write(_json_line(orjson, line))
            sink.close()
        except BaseException:
            sink.discard()
            raise
    with contextlib.suppress(OSError):
        os.unlink(final)


def _json_line(orjson: Any, line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:  # an integer beyond 64 bits (written by the standard library)
        import json

        return json.loads(line)


def _provenance(provenance: array, record: int | None) -> int | None:
    if record is None or not 1 <= record <= len(provenance):
        return None
    return provenance[record - 1]


def _write_sidecar(path: Path, entries: list[dict], force: bool) -> None:
    from ftlint.atomic import AtomicWriter
    from ftlint.jsonl import dumps_line

    with AtomicWriter(path, overwrite=force) as handle:
        for entry in entries:
            handle.write(dumps_line(entry))


def _write_split(
    engine: Engine,
    checked: Checked,
    final: Path,
    out: Path,
    options: PrepareOptions,
    report: Report,
) -> None:
    """``--split``: the accepted records go to the training and validation files; each is
    checked as ``ftlint check`` would, for its own figures and dataset-level findings."""
    from ftlint.split import split_paths, write_split

    file_report = checked.report
    file, reader = open_written(engine, final, file_report.path)
    base = options.output or checked.file.path
    scratch = FileReport(path=file_report.path)
    write_split(engine, file, reader, FixPlan(), scratch, replace(options, output=base))
    file_report.outputs.extend(scratch.outputs)
    for key in ("split", "train_examples", "valid_examples"):
        if key in scratch.summary:
            file_report.summary[key] = scratch.summary[key]
    loop = FixLoop(engine, report)
    figures: dict[str, Any] = {}
    for role, path in zip(("train", "valid"), split_paths(base), strict=True):
        check: Pass = loop.check_written(path, str(path))
        for d in check.diagnostics:
            d.fixed = False
            # The training file's figures and findings; of the validation file, its errors
            # only (its token cost is not billed, its size is no training set's).
            if d.severity >= Severity.ERROR or (role == "train" and d.location.record is None):
                report.diagnostics.append(d)
        figures[role] = check.report.summary
    # The figures of the whole file would bill the validation examples too: the training
    # file's are the run's, the validation file's are beside them.
    train = figures.get("train", {})
    for key, value in train.items():
        file_report.summary[key] = value
    valid = figures.get("valid", {})
    file_report.summary["validation"] = {
        k: v for k, v in valid.items() if k in ("examples", "shapes", "tokens")
    }
    if isinstance(valid.get("examples"), int):
        file_report.summary["validation_examples"] = valid["examples"]


def _say_dataset_errors(report: Report, display: str, file_report: FileReport) -> None:
    """Errors left once every record is acceptable are about the dataset: say so plainly."""
    outputs = set(file_report.outputs)
    left = [
        d
        for d in report.diagnostics
        if not d.fixed
        and not d.rejected
        and d.severity >= Severity.ERROR
        and d.location.record is None
        and (d.location.path == display or d.location.path in outputs)
    ]
    if left:
        what = "; ".join(dict.fromkeys(f"{d.message} [{d.code}]" for d in left))
        report.notes.append(
            f"{display}: every written record is acceptable, but the prepared data as a whole "
            f"is not: {what}. No repair of a record cures this (add examples, or split the "
            "file that is too large)"
        )

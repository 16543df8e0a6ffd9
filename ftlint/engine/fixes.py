"""The fix plan: which fixes a run applies, and the records as they are once fixed.

A plan holds per-record edits (keyed by record ordinal), dataset-wide transforms and file
edits. ``prepare`` and ``check --fix`` re-read the file and pass every record through it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ftlint import pointer
from ftlint.masking import NO_MASKING, Masking
from ftlint.model import (
    Applicability,
    DeleteValue,
    Diagnostic,
    DroppedRecord,
    DropRecord,
    FileEdit,
    Record,
    ReplaceSpans,
    SetValue,
    TransformRecords,
)

if TYPE_CHECKING:
    from ftlint.config import Config
    from ftlint.reader import ByteRange, Reader
    from ftlint.report import FileReport
    from ftlint.rule import FileContext


@dataclass
class FixPlan:
    """The fixes chosen for one file: per-record edits, dataset-wide transforms, file edits."""

    record_edits: dict[int, list] = field(default_factory=dict)
    transforms: list[TransformRecords] = field(default_factory=list)
    file_edits: list[FileEdit] = field(default_factory=list)
    #: While not None, ``fixed_records`` notes here which records each transform changed:
    #: position in ``transforms`` -> record ordinals. ``prepare`` sets it for its first write,
    #: so that counting the records a fix changed needs no further read of the source.
    changes: dict[int, array] | None = field(default=None, compare=False, repr=False)

    def note_changes(self, changes: dict[int, array]) -> None:
        """Fold in the changes a worker's ``fixed_records`` noted (``changes``)."""
        if self.changes is None:
            return
        for position, records in changes.items():
            self.changes.setdefault(position, array("q")).extend(records)

    def add(self, diagnostic: Diagnostic) -> None:
        assert diagnostic.fix is not None
        for edit in diagnostic.fix.edits:
            if isinstance(edit, TransformRecords):
                self.transforms.append(edit)
            elif isinstance(edit, FileEdit):
                self.file_edits.append(edit)
            elif diagnostic.location.record is not None:
                self.record_edits.setdefault(diagnostic.location.record, []).append(
                    (diagnostic.code, edit)
                )

    @property
    def empty(self) -> bool:
        return not (self.record_edits or self.transforms or self.file_edits)


def apply_record_edits(data: Any, edits: list) -> tuple[Any, DropRecord | None, str | None]:
    """Apply one record's edits; returns the new data, the drop edit if any, and its code."""
    for code, edit in edits:
        if isinstance(edit, DropRecord):
            return data, edit, code
    # Values are set first, in order; deletions come last, deepest and highest list index
    # first, so that deleting list item 1 cannot shift the item another edit points at.
    # An edit whose place no longer exists (two fixes removing the same thing) is skipped.
    # A ReplaceSpans edit is made from the text as read: computed before any edit changes it.
    replaced: dict[int, str] = {}
    for _code, edit in edits:
        if isinstance(edit, ReplaceSpans):
            text = pointer.resolve(data, edit.pointer)
            if isinstance(text, str):
                replaced[id(edit)] = ReplaceSpans.applied(text, edit.spans)
    deletions: dict[str, None] = {}
    for _code, edit in edits:
        if isinstance(edit, SetValue):
            try:
                data = pointer.set_value(data, edit.pointer, edit.value)
            except (KeyError, IndexError, TypeError, ValueError):
                continue
        elif isinstance(edit, ReplaceSpans):
            value = replaced.get(id(edit))
            if value is None:
                continue
            try:
                data = pointer.set_value(data, edit.pointer, value)
            except (KeyError, IndexError, TypeError, ValueError):
                continue
        elif isinstance(edit, DeleteValue):
            deletions[edit.pointer] = None
    for path in sorted(deletions, key=_pointer_order, reverse=True):
        try:
            data = pointer.delete_value(data, path)
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return data, None, None


def _pointer_order(path: str) -> tuple:
    """Sort key of a JSON pointer: list indexes compare as numbers (``/2`` < ``/10``)."""
    return tuple((1, int(t), "") if t.isdigit() else (0, 0, t) for t in pointer.split(path))


class Fixing:
    """The fixing part of the engine (needs ``self.config``)."""

    config: Config
    masking: Masking = NO_MASKING

    def should_apply(self, diagnostic: Diagnostic, command: str = "check") -> bool:
        if diagnostic.fix is None or not diagnostic.fix.edits:
            return False
        if diagnostic.fix.in_prepare and command == "prepare":
            return True
        applicability = diagnostic.fix.applicability
        if applicability is Applicability.SAFE:
            return self.config.fix or self.config.unsafe_fixes
        if applicability is Applicability.UNSAFE:
            return self.config.unsafe_fixes
        return False

    def plan_fixes(self, diagnostics: list[Diagnostic], command: str = "check") -> FixPlan:
        plan = FixPlan()
        for diagnostic in diagnostics:
            if self.should_apply(diagnostic, command):
                plan.add(diagnostic)
                diagnostic.fixed = True
        return plan

    def fixed_records(
        self,
        file: FileContext,
        reader: Reader,
        plan: FixPlan,
        report: FileReport,
        keep_unreadable: bool = False,
        byte_range: ByteRange | None = None,
    ) -> Iterator[tuple[Record, Any, bool]]:
        """Re-read the file (or one byte range of it) and yield ``(record, fixed_data,
        changed)`` for every record that goes to the output; records a fix drops are appended
        to ``report.dropped``.

        With ``keep_unreadable`` (in-place fixing) the lines that could not be read are
        yielded too, with ``data=None``, so that the caller writes them back untouched: a fix
        never deletes what it cannot repair.
        """
        for record in reader.read(file, byte_range):
            if record.problem is not None:
                if keep_unreadable:
                    yield record, None, False
                continue  # already listed as dropped during the check
            data = record.data
            changed = False
            edits = plan.record_edits.get(record.index)
            if edits:
                data, drop, code = apply_record_edits(data, edits)
                if drop is not None:
                    # The reason is shown in the report: masked like the findings.
                    reason = self.masking(drop.reason) if self.masking else drop.reason
                    report.dropped.append(DroppedRecord(record.location, reason, code))
                    continue
                changed = True
            changes = plan.changes
            for position, transform in enumerate(plan.transforms):
                # A transform returns a new object when it changes the record.
                new = transform.transform(data)
                if new is not data:
                    changed = True
                    if changes is not None:
                        noted = changes.get(position)
                        if noted is None:
                            noted = changes[position] = array("q")
                        noted.append(record.index)
                data = new
            yield record, data, changed

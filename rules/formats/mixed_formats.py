"""FT302: one file holding records of several shapes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint.rules.formats.base import PlanRule

from ftlint import Accumulator, Diagnostic, Record, Scope, Severity
from ftlint.conversion import plan_of
from ftlint.shapes import SHAPE_LABELS, UNKNOWN


class _ShapeCounter(Accumulator):
    """Per source shape: its count, first record and the shape it becomes."""

    def __init__(self, rule: MixedFormats) -> None:
        self.rule = rule
        self.shapes: dict[str, list] = {}  # shape -> [count, first location, target]
        #: The training file's records by shape (the summary's "shapes": a validation file
        #: checked with it is counted apart, as its examples are).
        self.train: dict[str, int] = {}

    def add(self, record: Record) -> None:
        if not isinstance(record.data, dict):
            return
        rule = self.rule
        plan = record.analyses.get(rule.plan_key) or plan_of(record, rule.planner)
        if plan.source == UNKNOWN:
            return
        if record.split == "train":
            self.train[plan.source] = self.train.get(plan.source, 0) + 1
        entry = self.shapes.get(plan.source)
        if entry is None:
            self.shapes[plan.source] = [1, record.location, plan.target]
        else:
            entry[0] += 1

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _ShapeCounter)
        for shape, count in other.train.items():
            self.train[shape] = self.train.get(shape, 0) + count
        for shape, (count, first, target) in other.shapes.items():
            entry = self.shapes.get(shape)
            if entry is None:
                self.shapes[shape] = [count, first, target]
            else:
                entry[0] += count

    def finish(self) -> Iterable[Diagnostic]:
        if len(self.shapes) < 2:
            return
        ordered = sorted(self.shapes.items(), key=lambda item: (-item[1][0], item[0]))
        major, (major_count, _first, _target) = ordered[0]
        targets = {entry[2] for _shape, entry in ordered if entry[2] is not None}
        mixed_output = len(targets) > 1
        for shape, (count, first, target) in ordered[1:]:
            tail = (
                f"; after conversion the file would still mix {' and '.join(sorted(targets))} "
                "records, which no single fine-tuning job accepts"
                if mixed_output
                else f"; prepare writes them all as {target} records"
                if target
                else ""
            )
            yield self.rule.diagnostic(
                f"the file mixes shapes: {major_count} {SHAPE_LABELS[major]} records and "
                f"{count} {SHAPE_LABELS[shape]} record{'s' if count != 1 else ''}, the first "
                f"{'of them ' if count != 1 else ''}here{tail}",
                first,
                severity=Severity.ERROR if mixed_output else Severity.WARNING,
            )

    def summary(self) -> dict[str, Any]:
        return {"shapes": dict(sorted(self.train.items()))}


class MixedFormats(PlanRule):
    """## What it does
    Counts the shapes of the records of a file and reports each minority shape at its first
    record, beside the majority. An error when the records would still be of different shapes
    after `prepare` converts them (chat and preference records in one file, for instance);
    a warning when they all end up in one shape.

    ## Why is this bad?
    A fine-tuning job trains one way (supervised, DPO, legacy completion): a file mixing
    shapes is rejected. Mixed shapes also betray files concatenated by mistake.

    ## Example
    950 chat records and, from line 951, 50 prompt/completion records.

    ## Fix safety
    No fix of its own: `prepare` converts what it can (the rules on the model's format and on
    community formats report each conversion); split the file otherwise.
    """

    code = "FT302"
    name = "mixed-formats"
    scope = Scope.DATASET
    severity = Severity.ERROR

    def accumulator(self) -> Accumulator:
        return _ShapeCounter(self)

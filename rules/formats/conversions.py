"""The conversions ``prepare`` makes, as the two conversion rules of the family report them.

``FormatModelMismatch`` (native shapes the model does not train on) and ``CommunityFormat``
(formats the provider does not accept) gather their records the same way: ``Conversions``
counts the records of each conversion group (source shape, target shape, lossy or not,
``--map``-renamed or not), keeps the first record of each, and keeps every record that cannot
be converted. Each rule words its own findings (``ConversionRule.describe`` and
``failure_message``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from ftlint.rules.formats.base import PlanRule

from ftlint import (
    Accumulator,
    Applicability,
    Diagnostic,
    DropRecord,
    Fix,
    Location,
    Record,
    Scope,
    Severity,
    TransformRecords,
)
from ftlint.conversion import ALL_NATIVE, Converter, Plan, plan_of
from ftlint.shapes import SHAPE_LABELS, TABULAR_FORMATS, UNKNOWN

#: Conversion warnings reported per file (each is one record's).
MAX_WARNINGS = 1000


@dataclass
class Group:
    """The records of one conversion group: how many, the first, the keys left out."""

    count: int
    first: Location
    dropped: set[str] = field(default_factory=set)


class Conversions(Accumulator):
    """Counts the records of each conversion group and keeps the ones that cannot convert."""

    def __init__(self, rule: ConversionRule) -> None:
        self.rule = rule
        self.groups: dict[tuple[str, str, bool, bool], Group] = {}
        self.failures: list[tuple[Location, str, str, str]] = []
        #: What conversions would hide, at the source (``Plan.warnings``), a few per file.
        self.warnings: list[tuple[Location, str, str]] = []
        self.source_format = ""

    def add(self, record: Record) -> None:
        if not isinstance(record.data, dict):
            return
        rule = self.rule
        plan = record.analyses.get(rule.plan_key) or plan_of(record, rule.planner)
        if not rule.wants(plan):
            return
        self.source_format = self.source_format or record.source_format
        if plan.error is not None:
            self.failures.append((record.location, plan.source, plan.error, plan.pointer))
            return
        if not plan.converts:
            return
        if plan.warnings and len(self.warnings) < MAX_WARNINGS:
            for message, pointer in plan.warnings:
                self.warnings.append((record.location, message, pointer))
        key = (plan.source, plan.target or "", plan.lossy, plan.mapped)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(0, record.location)
        group.count += 1
        if plan.dropped and len(group.dropped) < 12:
            group.dropped.update(plan.dropped)

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, Conversions)
        self.source_format = self.source_format or other.source_format
        for key, group in other.groups.items():
            mine = self.groups.get(key)
            if mine is None:
                self.groups[key] = group
            else:
                mine.count += group.count
                mine.dropped |= group.dropped
        self.failures.extend(other.failures)
        self.warnings.extend(other.warnings[: max(0, MAX_WARNINGS - len(self.warnings))])

    def finish(self) -> Iterable[Diagnostic]:
        rule = self.rule
        tabular = self.source_format in TABULAR_FORMATS
        for (source, target, lossy, mapped), group in self.groups.items():
            converter = Converter(rule.planner, self.source_format, source, rule.community, lossy)
            message, action = rule.describe(source, target, lossy, mapped, group, tabular)
            transform = TransformRecords(action, converter)
            if lossy:
                fix = Fix(action, (transform,), Applicability.UNSAFE)
                severity = Severity.ERROR
            else:
                # Display-only outside prepare: ``check --fix`` edits a file in place and never
                # changes its format; ``prepare`` writes the model's format by definition.
                fix = Fix(action, (transform,), Applicability.DISPLAY_ONLY, in_prepare=True)
                severity = Severity.INFO if tabular else None
            yield rule.diagnostic(message, group.first, fix=fix, severity=severity)
        for location, message, pointer in self.warnings:
            yield rule.diagnostic(
                f"{message}; prepare converts the record as it is",
                location.at(field=pointer or None),
                severity=Severity.WARNING,
            )
        for location, source, error, pointer in self.failures:
            yield rule.diagnostic(
                rule.failure_message(source, error),
                location.at(field=pointer or None),
                fix=Fix.unsafe(
                    "leave the record out",
                    DropRecord(f"cannot convert {SHAPE_LABELS[source]}: {error}"),
                ),
                severity=Severity.ERROR,
            )


class ConversionRule(PlanRule):
    """A dataset rule over the records of native (``community = False``) or community shapes
    that ``prepare`` converts; subclasses word the findings."""

    scope: ClassVar[Scope] = Scope.DATASET
    community: ClassVar[bool] = False

    def wants(self, plan: Plan) -> bool:
        return plan.community == self.community and plan.source != UNKNOWN

    def accumulator(self) -> Accumulator:
        return Conversions(self)

    def trains_on(self) -> str:
        shapes = self.planner.accepted or ALL_NATIVE
        return " or ".join(SHAPE_LABELS[s] for s in shapes)

    def describe(
        self, source: str, target: str, lossy: bool, mapped: bool, group: Group, tabular: bool
    ) -> tuple[str, str]:
        """The message of a conversion group's finding and its fix's description."""
        raise NotImplementedError

    def failure_message(self, source: str, error: str) -> str:
        """The message of a record that cannot be converted."""
        raise NotImplementedError


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def left_out(group: Group) -> str:
    """The message's tail naming the keys the conversion leaves out (empty: none)."""
    if not group.dropped:
        return ""
    return f"; keys left out: {', '.join(sorted(group.dropped))}"

"""What the record-format rules of the family share (FT940-FT952): the run's format writer,
the structural check of a record in one provider's format, and the accumulator of what
``prepare`` writes in the target's format and loses on the way.

Every rule asks the same per-record analysis (``ftlint.formats.writer.output_of``), so a
record is planned, converted and written once however many of these rules run; the check of
the written record in its format is one more (``written_problems``). The record rules
(FT940-FT947, FT952) share the group ``record-formats``: the engine runs them as one step and
skips it for a record that ``WriterRule.quiet`` finds none of them reports on (most records:
one test instead of nine rule calls)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from ftlint.rules.formats.base import PlanRule

from ftlint import Accumulator, Diagnostic, Location, Record, RuleContext, Scope, Severity
from ftlint.conversion import plan_of
from ftlint.formats import get_format
from ftlint.formats.base import Problem, RecordFormat
from ftlint.formats.writer import FormatWriter, Output, output_of
from ftlint.shapes import TABULAR_FORMATS


def written_problems(record: Record, writer: FormatWriter) -> list[Problem]:
    """The problems of the record as ``prepare`` writes it, in the format it is written in
    (the record analysis ``(written_problems, writer)``: the family rules and ``quiet`` share
    it; each rule reports those of its own family's formats)."""
    key = (written_problems, writer)
    problems = record.analyses.get(key)  # (a miss: ``get`` is cheaper than a KeyError)
    if problems is None:
        out = output_of(record, writer)
        fmt = get_format(out.format) if out.format else None
        problems = record.analyses[key] = fmt.check(out.data) if fmt is not None else []
    return problems


class WriterRule(PlanRule):
    """A rule that reads what the target's format makes of each record."""

    group: ClassVar[str | None] = "record-formats"

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.writer = FormatWriter.from_context(context)

    def output(self, record: Record) -> Output:
        return output_of(record, self.writer)

    def quiet(self, record: Record) -> bool:
        """No record rule of the family reports on ``record``: each test below is the
        negation of what one of them needs before it reports (false when in doubt)."""
        data = record.data
        if not isinstance(data, dict):
            return True  # every rule of the group checks JSON objects only
        writer = self.writer
        if (
            "nova" in writer.families  # nova-reserved-string checks every text
            or "contents" in data  # maybe a Gemini record (invalid-gemini-record)
            or "schemaVersion" in data  # maybe a Nova record (invalid-nova-record,
            or isinstance(data.get("system"), list)  # nova-reserved-string)
        ):
            return False
        if not writer.active:
            return True  # the family rules and unwritable-record check what an active writes
        out = output_of(record, writer)
        if out.error is not None:
            return False  # unwritable-record
        fmt = get_format(out.format) if out.format else None
        if fmt is None or fmt.family not in writer.families:
            return True  # no family rule checks the record (``FormatCheckRule.checked``)
        if fmt.family == "mistral":
            return False  # mistral-tool-call-id reads the tool calls itself
        return not written_problems(record, writer)


class FormatCheckRule(WriterRule):
    """A record's structure in one format: ``checked`` says which format and which data (the
    record as read, or as ``prepare`` writes it) a record is checked in."""

    scope: ClassVar[Scope] = Scope.RECORD
    severity: ClassVar[Severity] = Severity.ERROR
    #: The provider family whose written formats this rule checks (None: see ``checked``).
    family: ClassVar[str | None] = None
    #: ``Problem.kind`` values another rule of the family reports, with a fix of its own.
    reported_elsewhere: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        #: Nothing to check in this run: the target neither reads nor writes the formats of
        #: the rule's family (decided once, not on every record).
        self.idle = self.family is not None and (
            not self.writer.active or self.family not in self.writer.families
        )

    def checked_record(self, record: Record) -> tuple[RecordFormat, object, bool] | None:
        """``checked``, for a record the rule looks at at all (not idle, an object)."""
        if self.idle or not isinstance(record.data, dict):
            return None
        return self.checked(record)

    def checked(self, record: Record) -> tuple[RecordFormat, object, bool] | None:
        """(format, data, pointers are into the record as read) or None: not checked."""
        if self.family is None or self.family not in self.writer.families:
            return None
        out = self.output(record)
        fmt = get_format(out.format) if out.format else None
        if fmt is None or fmt.family != self.family:
            return None
        return fmt, out.data, not out.converts

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        checked = self.checked_record(record)
        if checked is None:
            return ()
        fmt, data, as_read = checked
        problems = self.problems(record, fmt, data)
        if not problems:
            return ()
        return [
            self.report(record, fmt, problem, as_read)
            for problem in problems
            if problem.kind not in self.reported_elsewhere
        ]

    def problems(self, record: Record, fmt: RecordFormat, data: object) -> list[Problem]:
        """``fmt.check(data)`` of what ``checked`` chose (the written record's: shared)."""
        return written_problems(record, self.writer)

    def report(
        self, record: Record, fmt: RecordFormat, problem: Problem, as_read: bool
    ) -> Diagnostic:
        if as_read:
            return self.diagnostic(
                f"{fmt.label}: {problem.message}", record.location.at(field=problem.pointer or None)
            )
        where = f" (at {problem.pointer})" if problem.pointer else ""
        return self.diagnostic(
            f"{fmt.label}, as prepare writes this record: {problem.message}{where}",
            record.location,
        )


class SourceFormatRule(FormatCheckRule):
    """The structure of records read in a provider format of their own (Gemini, Nova)."""

    shape: ClassVar[str] = ""

    def checked(self, record: Record) -> tuple[RecordFormat, object, bool] | None:
        fmt = get_format(self.shape)
        if fmt is None or not fmt.detect(record.data):  # a key test: most records stop here
            return None
        if plan_of(record, self.planner).source != self.shape:
            return None
        return fmt, record.data, True

    def problems(self, record: Record, fmt: RecordFormat, data: object) -> list[Problem]:
        return fmt.check(data)  # the record as read (few records: not shared)


@dataclass
class Group:
    count: int
    first: Location
    message: str = ""


class Written(Accumulator):
    """Counts the records ``prepare`` writes in each target format, and each kind of loss."""

    def __init__(self, rule: WriterRule) -> None:
        self.rule = rule
        #: A target whose writer changes nothing (the OpenAI-style ones) writes nothing to
        #: count: the engine then never calls ``add`` (``add`` would return at once).
        self.takes_records = rule.writer.active
        self.groups: dict[tuple[str, str, bool, bool], Group] = {}
        self.losses: dict[str, Group] = {}
        self.source_format = ""

    def add(self, record: Record) -> None:
        if not self.rule.writer.active or not isinstance(record.data, dict):
            return
        out = self.rule.output(record)
        if out.format is None or out.error is not None:
            return
        self.source_format = self.source_format or record.source_format
        if out.converts:
            key = (out.shape, out.format, out.planned, self.rule.writer.needs_conversion(out))
            group = self.groups.get(key)
            if group is None:
                self.groups[key] = Group(1, record.location)
            else:
                group.count += 1
        for loss in out.losses:
            group = self.losses.get(loss.kind)
            if group is None:
                field = None if out.planned else loss.pointer or None
                self.losses[loss.kind] = Group(1, record.location.at(field=field), loss.message)
            else:
                group.count += 1

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, Written)
        self.source_format = self.source_format or other.source_format
        for mine, theirs in ((self.groups, other.groups), (self.losses, other.losses)):
            for key, group in theirs.items():
                if key in mine:
                    mine[key].count += group.count
                else:
                    mine[key] = group

    @property
    def tabular(self) -> bool:
        return self.source_format in TABULAR_FORMATS

    def finish(self) -> Iterable[Diagnostic]:
        return self.rule.findings(self)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"

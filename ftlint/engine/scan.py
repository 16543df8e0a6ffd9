"""Scanning: one streaming pass of a file (or of one byte range of it) through the file,
record and dataset rules. A rule that raises is reported (``rule-error``) and left out for the
rest of the file; the others go on."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ftlint import pointer
from ftlint.engine.core_rules import RuleError
from ftlint.masking import NO_MASKING, Masking
from ftlint.model import Diagnostic, DroppedRecord, Location, Record
from ftlint.rule import Accumulator, FileContext, Rule

if TYPE_CHECKING:
    from ftlint.reader import ByteRange, Reader
    from ftlint.report import FileReport

EXCERPT_WIDTH = 120
#: What a rule returns when it finds nothing (CPython has one empty tuple: comparing by
#: identity skips making an iterator; any other empty result is simply iterated).
_NOTHING: tuple = ()


@dataclass
class ScanResult:
    """What checking a file (or one part of it) produced; parts merge in order."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    records: int = 0
    #: Records the reader could not read (each is in ``dropped`` too).
    dropped: list[DroppedRecord] = field(default_factory=list)
    accumulators: dict[str, Accumulator] = field(default_factory=dict)


def excerpt_of(
    record: Record | None, field_pointer: str | None, masking: Masking = NO_MASKING
) -> str | None:
    """The start of the field (or of the record's source) on one line, for a finding that
    brings no excerpt of its own; masked by the run's redactors before it is cut, so that
    neither a whole value nor a piece of one shows."""
    if record is None:
        return None
    text: str | None = None
    if field_pointer and record.data is not None:
        value = pointer.resolve(record.data, field_pointer)
        if isinstance(value, str):
            text = value
    if text is None:
        text = record.raw
    if text is None and record.data is not None:
        text = json.dumps(record.data, ensure_ascii=False, default=str)
    if text is None:
        return None
    return one_line(text, masking)


def one_line(text: str, masking: Masking = NO_MASKING, width: int = EXCERPT_WIDTH) -> str:
    """``text`` masked, on one line (``\\n`` for a newline) and cut to ``width``."""
    text, more = masking.window(text, width)
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    if more or len(text) > width:
        text = text[: width - 1] + "…"
    return text


class Scanning:
    """The scanning part of the engine: needs the enabled rules, split by scope
    (``file_rules``, ``record_rules``, ``problem_rules``, ``dataset_rules``) and
    ``core_enabled`` (the codes of the run's own problems that are reported)."""

    file_rules: list[Rule]
    record_rules: list[Rule]
    problem_rules: dict[str, Rule]
    dataset_rules: list[Rule]
    core_enabled: set[str]
    #: The run's redactors (``ftlint.masking``): excerpts are masked before they are cut.
    masking: Masking = NO_MASKING

    def _core(self, rule: type[Rule], message: str, location: Location) -> list[Diagnostic]:
        if rule.code not in self.core_enabled:
            return []
        return [Diagnostic(rule.code, rule.name, rule.severity, message, location)]

    def _rule_failed(self, rule: Rule, exc: Exception, location: Location) -> list[Diagnostic]:
        where = f" for {rule.for_target}" if rule.for_target else ""
        message = (
            f"rule {rule.name!r} ({rule.code}){where} failed and skipped the rest of this "
            f"file: {type(exc).__name__}: {exc}"
        )
        found = self._core(RuleError, message, location)
        for diagnostic in found:
            diagnostic.target = rule.for_target
        return found

    def check_file_scope(self, file: FileContext) -> list[Diagnostic]:
        diagnostics: list[Diagnostic] = []
        for rule in self.file_rules:
            try:
                found = list(rule.check_file(file))
                if rule.for_target is not None:
                    _label(found, rule.for_target)
                diagnostics.extend(found)
            except Exception as exc:
                diagnostics.extend(self._rule_failed(rule, exc, file.location()))
        return diagnostics

    def scan(
        self,
        file: FileContext,
        reader: Reader,
        byte_range: ByteRange | None = None,
        split: str = "train",
    ) -> ScanResult:
        """Stream the records of ``file`` (or of one byte range) through the record rules and
        into fresh dataset accumulators."""
        result = ScanResult()
        failed: set[str] = set()
        accumulators: dict[str, Accumulator] = {}
        for rule in self.dataset_rules:
            try:
                accumulators[rule.key] = rule.accumulator()
            except Exception as exc:
                result.diagnostics.extend(self._rule_failed(rule, exc, file.location()))
        diagnostics = result.diagnostics
        # The hot loop: bound methods resolved once, one ``try`` around all the rules of a
        # record (free in CPython 3.11+ until something raises). When a rule raises, the loop
        # variable names it: it is reported, dropped for the rest of the file, and the rules
        # after it still see the record (``_finish_record``).
        checks = self._record_checks(diagnostics, failed)
        adds = [(code, acc.add) for code, acc in accumulators.items() if acc.takes_records]
        records = iter(reader.read(file, byte_range))
        last_location = file.location()
        count = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:
                diagnostics.extend(
                    self._core(
                        RuleError,
                        f"reader {reader.name!r} failed after {last_location.describe()} and "
                        f"stopped reading this file: {type(exc).__name__}: {exc}",
                        last_location,
                    )
                )
                break
            record.split = split
            last_location = record.location
            if record.problem is not None:
                rule = self.problem_rules.get(record.problem.kind)
                code = None
                if rule is not None:
                    code = rule.code
                    for diagnostic in rule.check_record(record):
                        if diagnostic.excerpt is None:
                            diagnostic.excerpt = excerpt_of(record, None, self.masking)
                        diagnostic.target = rule.for_target
                        diagnostics.append(diagnostic)
                if record.is_record:
                    count += 1
                    result.dropped.append(
                        DroppedRecord(record.location, record.problem.message, code, True)
                    )
                continue
            count += 1
            rule = None
            try:
                for rule, check in checks:  # noqa: B007 (``rule`` names the one that raised)
                    found = check(record)
                    if found is not _NOTHING:  # most rules return () for most records
                        for diagnostic in found:
                            if diagnostic.excerpt is None:
                                diagnostic.excerpt = excerpt_of(
                                    record, diagnostic.location.field, self.masking
                                )
                            diagnostics.append(diagnostic)
            except Exception as exc:
                checks = self._check_failed(record, checks, rule, exc, failed, diagnostics)
            code = None
            try:
                for code, add in adds:  # noqa: B007 (``code`` names the one that raised)
                    add(record)
            except Exception as exc:
                adds = self._add_failed(record, adds, code, exc, failed, diagnostics)
        result.records = count
        result.accumulators = {c: a for c, a in accumulators.items() if c not in failed}
        return result

    def _record_checks(
        self, diagnostics: list[Diagnostic], failed: set[str]
    ) -> list[tuple[Rule, Any]]:
        """``(rule, check)`` for the hot loop: a rule's own ``check_record``, or one
        ``_RuleGroup`` step for consecutive rules of the same ``group``."""
        checks: list[tuple[Rule, Any]] = []
        rules = self.record_rules
        start = 0
        while start < len(rules):
            rule = rules[start]
            end = start + 1
            if rule.group is not None:
                while (
                    end < len(rules)
                    and rules[end].group == rule.group
                    and rules[end].for_target == rule.for_target
                ):
                    end += 1
            if end - start > 1:
                checks.append((rule, _RuleGroup(self, rules[start:end], diagnostics, failed)))
            else:
                checks.append((rule, _labelled(rule)))
            start = end
        return checks

    def _check_failed(
        self,
        record: Record,
        checks: list[tuple[Rule, Any]],
        rule: Rule | None,
        exc: Exception,
        failed: set[str],
        diagnostics: list[Diagnostic],
    ) -> list[tuple[Rule, Any]]:
        """``rule`` raised on ``record``: report it, run the rules after it on this record one
        by one, and return the rules that stay for the next records."""
        assert rule is not None
        position = next(i for i, (r, _) in enumerate(checks) if r is rule)
        failed.add(rule.key)
        diagnostics.extend(self._rule_failed(rule, exc, record.location))
        for other, check in checks[position + 1 :]:
            try:
                for diagnostic in check(record):
                    if diagnostic.excerpt is None:
                        diagnostic.excerpt = excerpt_of(
                            record, diagnostic.location.field, self.masking
                        )
                    diagnostics.append(diagnostic)
            except Exception as error:
                failed.add(other.key)
                diagnostics.extend(self._rule_failed(other, error, record.location))
        return [(r, c) for r, c in checks if r.key not in failed]

    def _add_failed(
        self,
        record: Record,
        adds: list[tuple[str, Any]],
        code: str | None,
        exc: Exception,
        failed: set[str],
        diagnostics: list[Diagnostic],
    ) -> list[tuple[str, Any]]:
        """The accumulator of ``code`` raised on ``record``: as ``_check_failed``."""
        assert code is not None
        position = next(i for i, (c, _) in enumerate(adds) if c == code)
        pending: list[tuple[str, Exception]] = [(code, exc)]
        for other, add in adds[position + 1 :]:
            try:
                add(record)
            except Exception as error:
                pending.append((other, error))
        for failing, error in pending:
            failed.add(failing)
            rule = next(r for r in self.dataset_rules if r.key == failing)
            diagnostics.extend(self._rule_failed(rule, error, record.location))
        return [(c, a) for c, a in adds if c not in failed]

    def _merge_accumulators(
        self,
        into: dict[str, Accumulator],
        later: dict[str, Accumulator],
        file: FileContext,
    ) -> list[Diagnostic]:
        """Fold ``later`` (records after those of ``into``) into ``into``, rule by rule. A rule
        missing from ``later`` failed there (its diagnostic says so) and is dropped here too;
        a merge that raises becomes that rule's failure."""
        problems: list[Diagnostic] = []
        for code, accumulator in list(into.items()):
            other = later.get(code)
            if other is None:
                into.pop(code)
                continue
            try:
                accumulator.merge(other)
            except Exception as exc:
                into.pop(code)
                rule = next(r for r in self.dataset_rules if r.key == code)
                problems.extend(self._rule_failed(rule, exc, file.location()))
        return problems

    def finish(self, result: ScanResult, file: FileContext, report: FileReport) -> None:
        primary = getattr(self, "target", None)
        primary_name = primary.name if primary is not None else None
        for rule in self.dataset_rules:
            accumulator = result.accumulators.get(rule.key)
            if accumulator is None:
                continue
            try:
                found = list(accumulator.finish())
                if rule.for_target is not None:
                    _label(found, rule.for_target)
                result.diagnostics.extend(found)
                figures = accumulator.summary()
                if rule.for_target is not None:
                    report.target_summaries.setdefault(rule.for_target, {}).update(figures)
                if rule.for_target in (None, primary_name):
                    report.summary.update(figures)
                    report.examples.update(accumulator.example_columns())
            except Exception as exc:
                result.diagnostics.extend(self._rule_failed(rule, exc, file.location()))


class _RuleGroup:
    """The rules of one ``Rule.group`` as one step of the record loop: nothing to do for a
    record the group's first rule finds ``quiet``; otherwise each rule in turn. A rule that
    raises is reported (FT001) and left out for the rest of the file, as the loop does for a
    rule of its own; the others go on."""

    def __init__(
        self,
        engine: Scanning,
        rules: list[Rule],
        diagnostics: list[Diagnostic],
        failed: set[str],
    ) -> None:
        self.engine = engine
        self.quiet = rules[0].quiet
        self.members = [(rule, _labelled(rule)) for rule in rules]
        self.diagnostics = diagnostics
        self.failed = failed

    def __call__(self, record: Record) -> Iterable[Diagnostic]:
        try:
            if self.quiet(record):
                return _NOTHING
        except Exception:  # let the rules themselves run (and fail, each on its own)
            pass
        found: list[Diagnostic] = []
        for rule, check in self.members:
            try:
                found.extend(check(record))
            except Exception as exc:
                self.members = [m for m in self.members if m[0] is not rule]
                self.failed.add(rule.key)
                self.diagnostics.extend(self.engine._rule_failed(rule, exc, record.location))
        return found


def _label(diagnostics: list[Diagnostic], target: str) -> None:
    for diagnostic in diagnostics:
        diagnostic.target = target


def _labelled(rule: Rule) -> Any:
    """``rule.check_record``, labelling what it finds with the rule's target when the rule
    runs once per target (a run over several targets); the bare method otherwise."""
    check = rule.check_record
    target = rule.for_target
    if target is None:
        return check

    def labelled(record: Record) -> Iterable[Diagnostic]:
        found = check(record)
        if found is _NOTHING:
            return found
        found = list(found)
        for diagnostic in found:
            diagnostic.target = target
        return found

    return labelled

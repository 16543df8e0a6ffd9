"""The pipeline: read -> file rules -> record rules -> dataset rules -> fixes -> output.

The engine knows no file format and no rule: readers and rules come from plugins. It streams
records once for checking; ``prepare`` reads the file a second time to apply the fixes that
only the whole dataset can decide (a common separator, dropping later duplicates) and writes
the canonical JSONL atomically.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftlint import pointer
from ftlint.atomic import AtomicWriter
from ftlint.config import Config, ConfigError
from ftlint.model import (
    Applicability,
    DeleteValue,
    Diagnostic,
    DroppedRecord,
    DropRecord,
    FileAction,
    FileEdit,
    Location,
    Record,
    Scope,
    SetValue,
    Severity,
    TransformRecords,
)
from ftlint.pluginmanager import Plugins
from ftlint.reader import ByteRange, Reader
from ftlint.report import FileReport, Report
from ftlint.rule import Accumulator, FileContext, Rule, RuleContext
from ftlint.targets import Target

EXCERPT_WIDTH = 120
#: What a rule returns when it finds nothing (CPython has one empty tuple: comparing by
#: identity skips making an iterator; any other empty result is simply iterated).
_NOTHING: tuple = ()


# ---------------------------------------------------------------------------------------------
# Problems of the run itself. They are rules so that they are documented and selectable like
# any other, but the engine raises them: no plugin can provide them.


class RuleError(Rule):
    """## What it does
    Reports a rule (or reader) that raised an unexpected exception.

    ## Why is this bad?
    The data was not fully checked: the failing rule skipped the rest of this file. The run
    goes on with every other rule. This is a bug in the rule; report it to its authors with
    the message shown.

    ## Example
    `FT001 rule 'my-rule' (X100) failed: KeyError: 'messages'`

    ## Fix safety
    No fix: the rule must be fixed.
    """

    code = "FT001"
    name = "rule-error"
    scope = Scope.FILE
    severity = Severity.ERROR


class UnreadableFile(Rule):
    """## What it does
    Reports a path that cannot be read: missing, a directory, no permission, or a file that no
    reader plugin claims (an unknown extension whose content is not recognised either).

    ## Why is this bad?
    Nothing in it was checked.

    ## Example
    `FT002 data/train.parquet: no reader for this file (known: .csv, .json, .jsonl ...)`

    ## Fix safety
    No fix. Convert the file, or pass `--format NAME` to choose a reader.
    """

    code = "FT002"
    name = "unreadable-file"
    scope = Scope.FILE
    severity = Severity.ERROR


CORE_RULES: tuple[type[Rule], ...] = (RuleError, UnreadableFile)


# ---------------------------------------------------------------------------------------------
# Selection


def rule_matches(rule: type[Rule], patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        text = pattern.strip()
        if text.upper() == "ALL" or text.lower() == rule.name:
            return True
        if text and rule.code.upper().startswith(text.upper()):
            return True
    return False


def select_rules(rules: Iterable[type[Rule]], config: Config, target: Target) -> list[type[Rule]]:
    chosen = []
    for rule in rules:
        if rule.targets is not None and target.name not in rule.targets:
            continue
        selected = rule_matches(rule, config.select) if config.select else rule.default_enabled
        if not selected and not rule_matches(rule, config.extend_select):
            continue
        if rule_matches(rule, config.ignore):
            continue
        chosen.append(rule)
    return chosen


def unknown_selectors(rules: Iterable[type[Rule]], config: Config) -> list[str]:
    rules = list(rules)
    return [
        pattern
        for pattern in (*config.select, *config.extend_select, *config.ignore)
        if not any(rule_matches(rule, [pattern]) for rule in rules)
    ]


# ---------------------------------------------------------------------------------------------
# Fix plan


@dataclass
class FixPlan:
    """The fixes chosen for one file: per-record edits, dataset-wide transforms, file edits."""

    record_edits: dict[int, list] = field(default_factory=dict)
    transforms: list[TransformRecords] = field(default_factory=list)
    file_edits: list[FileEdit] = field(default_factory=list)

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
    deletions: dict[str, None] = {}
    for _code, edit in edits:
        if isinstance(edit, SetValue):
            try:
                data = pointer.set_value(data, edit.pointer, edit.value)
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


# ---------------------------------------------------------------------------------------------
# Scanning one file (or one byte range of it)


@dataclass
class ScanResult:
    """What checking a file (or one part of it) produced; parts merge in order."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    records: int = 0
    dropped: list[DroppedRecord] = field(default_factory=list)
    accumulators: dict[str, Accumulator] = field(default_factory=dict)


@dataclass
class PrepareOptions:
    output: Path | None = None
    force: bool = False
    in_place: bool = False
    write_report: bool = True
    #: ``prepare --split``: ``"auto"`` (the legacy min(1000, 20%)), a fraction or a count;
    #: ``None`` writes one ``_prepared.jsonl``. See ``ftlint.split``.
    split: str | None = None
    seed: int = 42


def excerpt_of(record: Record | None, field_pointer: str | None) -> str | None:
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
        import json

        text = json.dumps(record.data, ensure_ascii=False, default=str)
    if text is None:
        return None
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    if len(text) > EXCERPT_WIDTH:
        text = text[: EXCERPT_WIDTH - 1] + "…"
    return text


class Engine:
    """Runs the enabled rules over files. One engine per run (configuration + plugins)."""

    def __init__(
        self, config: Config, plugins: Plugins, display_names: dict[Path, str] | None = None
    ) -> None:
        self.config = config
        self.plugins = plugins
        #: How to name a path in locations (examples passed in memory read ``<records>``).
        self.display_names = display_names or {}
        targets = plugins.targets()
        if config.target not in targets:
            known = ", ".join(sorted(targets)) or "none"
            raise ConfigError(f"unknown target {config.target!r} (known: {known})")
        self.target = targets[config.target].with_overrides(
            max_file_size=config.max_file_size,
            min_examples=config.min_examples,
            recommended_examples=config.recommended_examples,
        )
        self.model = config.model or self.target.default_model
        self.notes: list[str] = list(plugins.warnings)
        all_rules = [*CORE_RULES, *plugins.rules()]
        for pattern in unknown_selectors(all_rules, config):
            self.notes.append(f"--select/--ignore pattern {pattern!r} matches no rule")
        self.rule_classes = select_rules(plugins.rules(), config, self.target)
        self.enabled_codes = {r.code for r in self.rule_classes}
        # Problems of the run itself are always reported unless explicitly ignored.
        self.core_enabled = {r.code for r in CORE_RULES if not rule_matches(r, config.ignore)}
        #: Shared by every rule's context; the engine adds ``validation_file`` per check.
        self.settings = settings = {
            "system": config.system,
            "column_map": dict(config.column_map),
            **config.extra,
        }
        self.rules: list[Rule] = []
        for rule_class in self.rule_classes:
            context = RuleContext(
                target=self.target,
                model=self.model,
                options=config.rule_options.get(rule_class.name, {}),
                settings=settings,
            )
            try:
                self.rules.append(rule_class(context))
            except ConfigError:
                raise  # a rule that cannot run as configured stops the run (exit code 2)
            except Exception as exc:
                self.notes.append(
                    f"rule {rule_class.name} ({rule_class.code}) could not start and is "
                    f"skipped: {type(exc).__name__}: {exc}"
                )
        self.file_rules = [r for r in self.rules if r.scope is Scope.FILE]
        self.record_rules = [
            r for r in self.rules if r.scope is Scope.RECORD and not r.problem_kinds
        ]
        self.problem_rules: dict[str, Rule] = {}
        for rule in self.rules:
            for kind in rule.problem_kinds:
                self.problem_rules.setdefault(kind, rule)
        self.dataset_rules = [r for r in self.rules if r.scope is Scope.DATASET]

    # -- helpers -----------------------------------------------------------------------------
    def _core(self, rule: type[Rule], message: str, location: Location) -> list[Diagnostic]:
        if rule.code not in self.core_enabled:
            return []
        return [Diagnostic(rule.code, rule.name, rule.severity, message, location)]

    def _rule_failed(self, rule: Rule, exc: Exception, location: Location) -> list[Diagnostic]:
        message = (
            f"rule {rule.name!r} ({rule.code}) failed and skipped the rest of this file: "
            f"{type(exc).__name__}: {exc}"
        )
        return self._core(RuleError, message, location)

    def choose_reader(self, file: FileContext) -> Reader | None:
        readers = self.plugins.readers()
        wanted = self.config.extra.get("format")
        if wanted:
            for reader in readers:
                if reader.name == wanted:
                    return reader
            known = ", ".join(sorted(r.name for r in readers))
            raise ConfigError(f"unknown --format {wanted!r} (known: {known})")
        best, best_score = None, 0
        for reader in readers:
            try:
                score = reader.claims(file)
            except Exception:
                score = 0
            if score > best_score:
                best, best_score = reader, score
        return best

    def open_file(self, path: Path) -> tuple[FileContext | None, Reader | None, list[Diagnostic]]:
        display = self.display_names.get(path, str(path))
        location = Location(path=display)
        try:
            file = FileContext.open(path, display)
        except IsADirectoryError:
            return None, None, self._core(UnreadableFile, "is a directory", location)
        except FileNotFoundError:
            return None, None, self._core(UnreadableFile, "no such file", location)
        except OSError as exc:
            return None, None, self._core(UnreadableFile, f"cannot read: {exc.strerror}", location)
        file.options = {"sheet": self.config.sheet, "column_map": dict(self.config.column_map)}
        reader = self.choose_reader(file)
        if reader is None:
            known = sorted({ext for r in self.plugins.readers() for ext in r.extensions})
            message = (
                "no reader for this file (known extensions: "
                f"{', '.join(known) or 'none'}; choose one with --format)"
            )
            return file, None, self._core(UnreadableFile, message, location)
        file.reader_name = reader.name
        file.is_text = reader.is_text
        return file, reader, []

    # -- checking ------------------------------------------------------------------------------
    def check_file_scope(self, file: FileContext) -> list[Diagnostic]:
        diagnostics: list[Diagnostic] = []
        for rule in self.file_rules:
            try:
                diagnostics.extend(rule.check_file(file))
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
                accumulators[rule.code] = rule.accumulator()
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
                            diagnostic.excerpt = excerpt_of(record, None)
                        diagnostics.append(diagnostic)
                if record.is_record:
                    count += 1
                    result.dropped.append(
                        DroppedRecord(record.location, record.problem.message, code)
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
                                diagnostic.excerpt = excerpt_of(record, diagnostic.location.field)
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
                while end < len(rules) and rules[end].group == rule.group:
                    end += 1
            if end - start > 1:
                checks.append((rule, _RuleGroup(self, rules[start:end], diagnostics, failed)))
            else:
                checks.append((rule, rule.check_record))
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
        failed.add(rule.code)
        diagnostics.extend(self._rule_failed(rule, exc, record.location))
        for other, check in checks[position + 1 :]:
            try:
                for diagnostic in check(record):
                    if diagnostic.excerpt is None:
                        diagnostic.excerpt = excerpt_of(record, diagnostic.location.field)
                    diagnostics.append(diagnostic)
            except Exception as error:
                failed.add(other.code)
                diagnostics.extend(self._rule_failed(other, error, record.location))
        return [(r, c) for r, c in checks if r.code not in failed]

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
            rule = next(r for r in self.dataset_rules if r.code == failing)
            diagnostics.extend(self._rule_failed(rule, error, record.location))
        return [(c, a) for c, a in adds if c not in failed]

    # -- parallel scanning ---------------------------------------------------------------------
    #: Files at least this large (bytes) are split across processes when the reader can split
    #: them; ``FTLINT_PARALLEL_MIN_SIZE`` overrides it (tests force a split with a tiny value).
    PARALLEL_MIN_SIZE = 16 * 1024 * 1024
    #: Byte ranges per worker process (more ranges balance uneven parts of a file).
    RANGES_PER_JOB = 2

    def jobs(self) -> int:
        return max(1, self.config.jobs or os.cpu_count() or 1)

    def parallel_min_size(self) -> int:
        value = os.environ.get("FTLINT_PARALLEL_MIN_SIZE")
        if value:
            from ftlint.config import parse_size

            return parse_size(value)
        return self.PARALLEL_MIN_SIZE

    def _parallel_ranges(
        self, file: FileContext, reader: Reader, jobs: int, count: int
    ) -> list[ByteRange] | None:
        """``count`` byte ranges of ``file`` for a pass across ``jobs`` processes, or None
        when one process does it: one job, a small file, a reader that cannot split it."""
        if jobs < 2 or not reader.splittable or file.size < self.parallel_min_size():
            return None
        try:
            ranges = reader.split(file, count)
        except Exception:
            return None
        return ranges if ranges and len(ranges) >= 2 else None

    def scan_file(
        self,
        file: FileContext,
        reader: Reader,
        split: str = "train",
        report: Report | None = None,
    ) -> ScanResult:
        """``scan`` the whole file: in this process, or for a large file that the reader can
        cut into byte ranges, in worker processes whose results are merged in order (the
        same diagnostics and figures as one pass)."""
        jobs = self.jobs()
        ranges = self._parallel_ranges(file, reader, jobs, jobs * self.RANGES_PER_JOB)
        if ranges is None:
            return self.scan(file, reader, split=split)
        parts: list[SpilledPart] = []
        try:
            parts = self._scan_parallel(file, ranges, split, jobs)
            return self._merge_parts(parts, file)
        except Exception as exc:  # the machinery failed (pickling, a worker died ...)
            if report is not None:
                report.notes.append(
                    f"{file.display_path}: parallel checking failed ({type(exc).__name__}: "
                    f"{exc}); checked in one process instead"
                )
            return self.scan(file, reader, split=split)
        finally:
            for part in parts:  # those already loaded are gone: discarding them is a no-op
                part.discard()

    def _scan_parallel(
        self, file: FileContext, ranges: list[ByteRange], split: str, jobs: int
    ) -> list[SpilledPart]:
        import multiprocessing
        import sys
        from concurrent.futures import ProcessPoolExecutor

        # fork starts a worker in milliseconds with the modules (and the tokenizer) already
        # loaded; elsewhere (macOS, Windows) workers start fresh and rebuild everything.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        context = multiprocessing.get_context(method)
        if method == "fork":
            # A forked worker is a copy of this process: it uses this very engine (rules,
            # tokenizer, imports), nothing to rebuild. The pool forks its workers at the
            # first submit, after this is set.
            _WORKER_ENGINE[:] = [self]
            options: dict[str, Any] = {}
        else:
            codes = sorted(rule.code for rule in self.rules)
            settings = {"validation_file": self.settings.get("validation_file")}
            options = {"initializer": _start_worker, "initargs": (self.config, codes, settings)}
        try:
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(ranges)), mp_context=context, **options
            ) as pool:
                futures = [pool.submit(_scan_range, file, part, split) for part in ranges]
                try:
                    return [future.result() for future in futures]
                except BaseException:  # the parts that did come back are not needed
                    pool.shutdown(wait=True, cancel_futures=True)
                    for future in futures:
                        if not future.cancelled() and future.exception() is None:
                            future.result().discard()
                    raise
        finally:
            _WORKER_ENGINE.clear()

    def _merge_parts(self, parts: list[SpilledPart], file: FileContext) -> ScanResult:
        """Fold the results of consecutive byte ranges into the first, in order. Each part is
        loaded from its file only when its turn comes and freed as soon as it is folded in:
        the main process holds one part besides the result."""
        result = parts[0].load()
        for spilled in parts[1:]:
            part = spilled.load()
            result.diagnostics.extend(part.diagnostics)
            result.records += part.records
            result.dropped.extend(part.dropped)
            result.diagnostics.extend(
                self._merge_accumulators(result.accumulators, part.accumulators, file)
            )
            del part
        return result

    def _merge_accumulators(
        self, into: dict[str, Accumulator], later: dict[str, Accumulator], file: FileContext
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
                rule = next(r for r in self.dataset_rules if r.code == code)
                problems.extend(self._rule_failed(rule, exc, file.location()))
        return problems

    def finish(self, result: ScanResult, file: FileContext, report: FileReport) -> None:
        for rule in self.dataset_rules:
            accumulator = result.accumulators.get(rule.code)
            if accumulator is None:
                continue
            try:
                result.diagnostics.extend(accumulator.finish())
                report.summary.update(accumulator.summary())
            except Exception as exc:
                result.diagnostics.extend(self._rule_failed(rule, exc, file.location()))

    # -- fixing --------------------------------------------------------------------------------
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
                    report.dropped.append(DroppedRecord(record.location, drop.reason, code))
                    continue
                changed = True
            for transform in plan.transforms:
                # A transform returns a new object when it changes the record.
                new = transform.transform(data)
                changed = changed or new is not data
                data = new
            yield record, data, changed

    # -- running -------------------------------------------------------------------------------
    def check_path(
        self, path: Path, report: Report, validation: Path | None = None
    ) -> tuple[FileContext, Reader, FixPlan] | None:
        """Check one file (and its validation file, which joins the same dataset with
        ``split="valid"`` so that dataset rules can compare the two)."""
        file, reader, problems = self.open_file(path)
        report.diagnostics.extend(problems)
        file_report = FileReport(
            path=self.display_names.get(path, str(path)), reader=reader.name if reader else None
        )
        report.files.append(file_report)
        if file is None or reader is None:
            return None
        diagnostics = self.check_file_scope(file)
        # Dataset rules that compare training and validation keep their state only when a
        # validation file will join (train-valid-overlap).
        self.settings["validation_file"] = str(validation) if validation is not None else None
        result = self.scan_file(file, reader, report=report)
        if validation is not None:
            self._scan_validation(validation, result, report)
        self.finish(result, file, file_report)
        diagnostics.extend(result.diagnostics)
        file_report.records = result.records
        if report.command == "prepare":  # in a check nothing is written, so nothing dropped
            file_report.dropped.extend(result.dropped)
        report.diagnostics.extend(diagnostics)
        # Record edits are keyed by record number: only this file's diagnostics may plan them
        # (a validation file's findings are reported, never applied to the training file).
        own = [d for d in diagnostics if d.location.path == file.display_path]
        return file, reader, self.plan_fixes(own, report.command)

    def _scan_validation(self, path: Path, train: ScanResult, report: Report) -> None:
        file, reader, problems = self.open_file(path)
        report.diagnostics.extend(problems)
        file_report = FileReport(path=str(path), reader=reader.name if reader else None)
        report.files.append(file_report)
        if file is None or reader is None:
            return
        report.diagnostics.extend(self.check_file_scope(file))
        valid = self.scan_file(file, reader, split="valid", report=report)
        report.diagnostics.extend(valid.diagnostics)
        file_report.records = valid.records
        if report.command == "prepare":
            file_report.dropped.extend(valid.dropped)
        report.diagnostics.extend(
            self._merge_accumulators(train.accumulators, valid.accumulators, file)
        )

    def new_report(self, command: str) -> Report:
        return Report(
            command=command,
            fail_on=self.config.fail_on,
            target=self.target.name,
            model=self.model,
            notes=list(self.notes),
        )

    def check(self, paths: Iterable[Path], validation: Path | None = None) -> Report:
        report = self.new_report("check")
        for path in paths:
            self.check_path(path, report, validation)
        return report

    def prepare(self, paths: Iterable[Path], options: PrepareOptions) -> Report:
        report = self.new_report("prepare")
        for path in paths:
            self._prepare_one(path, options, report)
        return report

    def fix_in_place(self, paths: Iterable[Path], options: PrepareOptions) -> Report:
        """``check --fix``: apply the chosen fixes to JSONL files themselves. Other formats
        are only checked, with a note pointing to ``prepare``."""
        report = self.new_report("check")
        for path in paths:
            _file, reader, _ = self.open_file(path)
            if reader is not None and not reader.rewrites_in_place:
                report.notes.append(
                    f"{path}: --fix rewrites JSONL files only; run 'ftlint prepare {path}' "
                    "to write a fixed JSONL"
                )
                first_new = len(report.diagnostics)
                self.check_path(path, report)
                for diagnostic in report.diagnostics[first_new:]:
                    diagnostic.fixed = False
                continue
            self._prepare_one(path, options, report)
        return report

    def _prepare_one(self, path: Path, options: PrepareOptions, report: Report) -> None:
        checked = self.check_path(path, report)
        if checked is None:
            return
        file, reader, plan = checked
        out = self.output_path(file, options)
        self.write_output(file, reader, plan, out, report.files[-1], options)

    # -- writing -------------------------------------------------------------------------------
    def output_path(self, file: FileContext, options: PrepareOptions) -> Path:
        if options.in_place:
            return file.path
        if options.output is not None:
            out = options.output
        else:
            out = file.path.with_name(f"{file.path.stem}_prepared.jsonl")
        if options.split is not None:
            return out  # ftlint.split names (and checks) the _train and _valid files
        if out.exists():
            if out.resolve() == file.path.resolve():
                raise ConfigError(f"refusing to write the output over the input {file.path}")
            if not options.force:
                raise ConfigError(f"{out} exists; pass --force to overwrite it")
        return out

    def write_output(
        self,
        file: FileContext,
        reader: Reader,
        plan: FixPlan,
        out: Path,
        file_report: FileReport,
        options: PrepareOptions,
    ) -> None:
        if options.in_place:
            self._rewrite_in_place(file, reader, plan, file_report)
            return
        if options.split is not None:
            from ftlint.split import write_split

            write_split(self, file, reader, plan, file_report, options)
            return
        from ftlint.jsonl import dumps_line

        written = 0
        with AtomicWriter(out) as handle:
            if self.target.bom == "required":
                handle.write(codecs.BOM_UTF8)
            parallel = self._write_parallel(file, reader, plan, handle, file_report)
            if parallel is not None:
                written = parallel
            else:
                for _record, data, _changed in self.fixed_records(file, reader, plan, file_report):
                    handle.write(dumps_line(data))
                    written += 1
        file_report.written = written
        file_report.outputs.append(str(out))

    def _write_parallel(
        self,
        file: FileContext,
        reader: Reader,
        plan: FixPlan,
        handle: AtomicWriter,
        file_report: FileReport,
    ) -> int | None:
        """The second pass of ``prepare`` for a large file, split across forked workers by
        byte ranges: each writes the fixed records of its range to a part file beside the
        output, and the parts are appended here in order (the same bytes, and the same
        dropped records in the same order, as one pass). Returns the number of records
        written, or None when the file is written in one process (small file, one job, a
        reader that cannot split, no ``fork`` on this platform, or the workers failed)."""
        import multiprocessing
        import sys

        jobs = self.jobs()
        if not sys.platform.startswith("linux"):
            return None
        ranges = self._parallel_ranges(file, reader, jobs, jobs)
        if ranges is None:
            return None
        from concurrent.futures import ProcessPoolExecutor

        directory = handle.target.parent if str(handle.target.parent) else Path(".")
        parts: list[str] = []
        try:
            for _ in ranges:
                fd, part = tempfile.mkstemp(
                    prefix=f".{handle.target.name}.", suffix=".part", dir=directory
                )
                os.close(fd)
                parts.append(part)
            # Forked workers inherit this engine and the fix plan (its transforms need not
            # be picklable); the pool forks them at the first submit.
            _WORKER_ENGINE[:] = [self]
            _WORKER_PLAN[:] = [plan]
            try:
                with ProcessPoolExecutor(
                    max_workers=min(jobs, len(ranges)),
                    mp_context=multiprocessing.get_context("fork"),
                ) as pool:
                    futures = [
                        pool.submit(_write_range, file, part_range, part)
                        for part_range, part in zip(ranges, parts, strict=True)
                    ]
                    results = [future.result() for future in futures]
            finally:
                _WORKER_ENGINE.clear()
                _WORKER_PLAN.clear()
        except Exception:  # nothing is written yet: one process does it (and meets the
            for part in parts:  # same error, if it was not the machinery's)
                with contextlib.suppress(OSError):
                    os.unlink(part)
            return None
        written = 0
        try:
            for part, (count, dropped) in zip(parts, results, strict=True):
                with open(part, "rb") as source:
                    while chunk := source.read(1 << 20):
                        handle.write(chunk)
                written += count
                file_report.dropped.extend(dropped)
        finally:
            for part in parts:
                with contextlib.suppress(OSError):
                    os.unlink(part)
        return written

    def _rewrite_in_place(
        self, file: FileContext, reader: Reader, plan: FixPlan, file_report: FileReport
    ) -> None:
        """``check --fix``: rewrite a JSONL file with the chosen fixes and nothing else.

        Unchanged lines keep their exact text; unreadable lines are kept as they were; blank
        lines go only when their fix was chosen. The file is left alone when nothing changed.
        """
        from ftlint.jsonl import dumps_line

        actions = {edit.action for edit in plan.file_edits}
        changed_any = bool(actions)  # every file action changes bytes that are kept otherwise
        multi_line_source = False
        written = 0
        dropped_before = len(file_report.dropped)
        with AtomicWriter(file.path) as handle:
            keep_bom = file.has_bom and FileAction.STRIP_BOM not in actions
            if keep_bom or FileAction.ADD_BOM in actions:
                handle.write(codecs.BOM_UTF8)
            for record, data, changed in self.fixed_records(
                file, reader, plan, file_report, keep_unreadable=True
            ):
                problem = record.problem
                if problem is not None:
                    if not record.is_record and not (record.raw or "").strip():
                        if FileAction.REMOVE_BLANK_LINES not in actions:  # a blank line
                            handle.write(b"\n")
                    elif record.is_record and record.raw is not None:
                        handle.write(record.raw.encode("utf-8") + b"\n")
                    continue
                raw = record.raw
                if raw is not None and "\n" in raw:
                    multi_line_source = True
                if not changed and raw is not None and "\n" not in raw:
                    handle.write(raw.encode("utf-8") + b"\n")
                else:
                    handle.write(dumps_line(data))
                    changed_any = changed_any or changed
                written += 1
            if multi_line_source and FileAction.REWRITE_LINES not in actions:
                handle.discard()  # a pretty-printed file is only rewritten by its own fix
            elif not changed_any and len(file_report.dropped) == dropped_before:
                handle.discard()  # nothing to change: leave the file and its mtime alone
        file_report.written = written
        if not handle.discarded:
            file_report.outputs.append(str(file.path))


# ---------------------------------------------------------------------------------------------
# Worker processes of a parallel scan


_WORKER_ENGINE: list[Engine] = []


def _start_worker(config: Config, codes: list[str], settings: dict[str, Any]) -> None:
    """Build this worker's engine from the run's configuration (plugins load here too)."""
    from ftlint.pluginmanager import load_plugins

    plugins = load_plugins(list(config.plugins))
    plugins.hook.ftlint_configure.call_historic(kwargs={"config": config})
    engine = Engine(config, plugins)
    mine = sorted(rule.code for rule in engine.rules)
    if mine != codes:
        differ = ", ".join(sorted(set(mine) ^ set(codes)))
        raise RuntimeError(f"worker rules differ from the main process ({differ})")
    engine.settings.update(settings)
    _WORKER_ENGINE[:] = [engine]


class _RuleGroup:
    """The rules of one ``Rule.group`` as one step of the record loop: nothing to do for a
    record the group's first rule finds ``quiet``; otherwise each rule in turn. A rule that
    raises is reported (FT001) and left out for the rest of the file, as the loop does for a
    rule of its own; the others go on."""

    def __init__(
        self,
        engine: Engine,
        rules: list[Rule],
        diagnostics: list[Diagnostic],
        failed: set[str],
    ) -> None:
        self.engine = engine
        self.quiet = rules[0].quiet
        self.members = [(rule, rule.check_record) for rule in rules]
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
                self.failed.add(rule.code)
                self.diagnostics.extend(self.engine._rule_failed(rule, exc, record.location))
        return found


@dataclass
class SpilledPart:
    """The ``ScanResult`` of one byte range, pickled to a temporary file by the worker that
    scanned it. Results travel this way rather than through the pool's pipe, which buffers a
    whole pickle in memory at both ends; the main process loads them one at a time."""

    path: str

    def load(self) -> ScanResult:
        try:
            with open(self.path, "rb") as handle:
                return pickle.load(handle)
        finally:
            self.discard()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _scan_range(file: FileContext, byte_range: ByteRange, split: str) -> SpilledPart:
    engine = _WORKER_ENGINE[0]
    reader = next(r for r in engine.plugins.readers() if r.name == file.reader_name)
    result = engine.scan(file, reader, byte_range=byte_range, split=split)
    fd, path = tempfile.mkstemp(prefix="ftlint-part-", suffix=".pickle")
    part = SpilledPart(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        part.discard()
        raise
    return part


_WORKER_PLAN: list[FixPlan] = []


def _write_range(
    file: FileContext, byte_range: ByteRange, part: str
) -> tuple[int, list[DroppedRecord]]:
    """One range of ``Engine._write_parallel`` in a forked worker: its fixed records written
    to ``part``; returns how many, and the records its fixes dropped."""
    from ftlint.jsonl import dumps_line

    engine, plan = _WORKER_ENGINE[0], _WORKER_PLAN[0]
    reader = next(r for r in engine.plugins.readers() if r.name == file.reader_name)
    report = FileReport(path=file.display_path)
    written = 0
    with open(part, "wb", buffering=1 << 20) as handle:
        for _record, data, _changed in engine.fixed_records(
            file, reader, plan, report, byte_range=byte_range
        ):
            handle.write(dumps_line(data))
            written += 1
    return written, report.dropped

"""The engine: one run's rules over its files, from opening a file to the report.

``check`` streams each file once through the rules (``Scanning``, ``ParallelScanning`` for large
files); ``prepare`` plans the fixes (``Fixing``), reads the file a second time through the plan
and writes the canonical output (``Writing``). The engine knows no file format and no rule:
readers and rules come from plugins and declare what the engine needs from them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ftlint.config import Config, ConfigError
from ftlint.engine.core_rules import CORE_RULES, UnreadableFile
from ftlint.engine.fixes import Fixing, FixPlan
from ftlint.engine.options import PrepareOptions
from ftlint.engine.parallel import ParallelScanning
from ftlint.engine.scan import Scanning, ScanResult
from ftlint.engine.select import rule_matches, select_rules, unknown_selectors
from ftlint.engine.write import Writing
from ftlint.model import Diagnostic, Location, Scope
from ftlint.pluginmanager import Plugins
from ftlint.reader import Reader
from ftlint.report import FileReport, Report, printable
from ftlint.rule import FileContext, NotARegularFile, Rule, RuleContext


def make_printable(diagnostics: list[Diagnostic]) -> None:
    """Escape what valid UTF-8 cannot hold (lone surrogates) in what the report shows."""
    for d in diagnostics:
        d.message = printable(d.message)
        if d.excerpt is not None:
            d.excerpt = printable(d.excerpt)
        field = d.location.field
        if field is not None and printable(field) != field:
            d.location = d.location.at(field=printable(field))


@dataclass
class Checked:
    """A checked file ready to be written: its reader, its fix plan and its report, and the
    validation file checked with it."""

    file: FileContext
    reader: Reader
    plan: FixPlan
    report: FileReport
    validation: Checked | None = None


class Engine(Scanning, ParallelScanning, Fixing, Writing):
    """Runs the enabled rules over files. One engine per run (configuration + plugins)."""

    def __init__(
        self,
        config: Config,
        plugins: Plugins,
        display_names: dict[Path, str] | None = None,
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
        #: The readers' resource limits (``FileContext.options["limits"]``).
        self.limits = config.limits()
        self.notes: list[str] = list(plugins.warnings)
        all_rules = [*CORE_RULES, *plugins.rules()]
        for pattern in unknown_selectors(all_rules, config):
            self.notes.append(f"--select/--ignore pattern {pattern!r} matches no rule")
        self.rule_classes = select_rules(plugins.rules(), config, self.target)
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
        display = printable(self.display_names.get(path, str(path)))
        location = Location(path=display)
        try:
            file = FileContext.open(path, display)
        except NotARegularFile as exc:
            if exc.args[0] == "a directory":
                return None, None, self._core(UnreadableFile, "is a directory", location)
            message = f"not a regular file: {exc.args[0]}; it is not read (it may never end)"
            return None, None, self._core(UnreadableFile, message, location)
        except IsADirectoryError:
            return None, None, self._core(UnreadableFile, "is a directory", location)
        except FileNotFoundError:
            return None, None, self._core(UnreadableFile, "no such file", location)
        except OSError as exc:
            return (
                None,
                None,
                self._core(UnreadableFile, f"cannot read: {exc.strerror}", location),
            )
        file.options = {
            "sheet": self.config.sheet,
            "column_map": dict(self.config.column_map),
            "limits": self.limits,
        }
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

    def check_path(
        self, path: Path, report: Report, validation: Path | None = None
    ) -> Checked | None:
        """Check one file (and its validation file, which joins the same dataset with
        ``split="valid"`` so that dataset rules can compare the two)."""
        checked = self.check_dataset([path], report, validation)
        return checked[0] if checked else None

    def check_dataset(
        self,
        paths: Sequence[Path],
        report: Report,
        validation: Path | None = None,
        name: str | None = None,
    ) -> list[Checked]:
        """Check several files as one dataset (``--dataset NAME=GLOB``): each file is read
        and reported on its own (its records, locations, rejected rows), the dataset rules
        see them all in order (duplicates across shards, one count, one token total); their
        figures go to the first file's report. A validation file joins the whole dataset."""
        members: list[tuple[FileContext, Reader, FileReport, list[Diagnostic]]] = []
        for path in paths:
            file, reader, problems = self.open_file(path)
            report.diagnostics.extend(problems)
            file_report = FileReport(
                path=printable(self.display_names.get(path, str(path))),
                reader=reader.name if reader else None,
                dataset=name,
            )
            report.files.append(file_report)
            if file is None or reader is None:
                continue
            members.append((file, reader, file_report, self.check_file_scope(file)))
        if not members:
            return []
        # Dataset rules that compare training and validation keep their state only when a
        # validation file will join (train-valid-overlap).
        self.settings["validation_file"] = str(validation) if validation is not None else None
        results = self.scan_dataset([(m[0], m[1]) for m in members], report=report)
        valid = None
        if validation is not None:
            valid = self._scan_validation(validation, results[0], report)
        first_file, _, first_report, _ = members[0]
        self.finish(results[0], first_file, first_report)
        self._locate(results[0].diagnostics, members)
        found: list[Diagnostic] = []
        for (_, _, file_report, diagnostics), result in zip(members, results, strict=True):
            diagnostics.extend(result.diagnostics)
            make_printable(diagnostics)
            file_report.records = result.records
            file_report.rejected = sum(1 for d in result.dropped if d.rejected)
            for dropped in result.dropped:
                dropped.reason = printable(dropped.reason)
            if report.command == "prepare":  # in a check nothing is written, so nothing dropped
                file_report.dropped.extend(result.dropped)
            report.diagnostics.extend(diagnostics)
            found.extend(diagnostics)
        checked: list[Checked] = []
        for file, reader, file_report, _ in members:
            # Record edits are keyed by record number: only this file's diagnostics may plan
            # them (another shard's, or a validation file's findings are never applied here).
            own = [d for d in found if d.location.path == file.display_path]
            checked.append(Checked(file, reader, self.plan_fixes(own, report.command), file_report))
        if valid is not None:
            # The validation file's own fixes, from its findings (the merge of the two
            # datasets reports on validation records: train-valid-overlap).
            theirs = [d for d in report.diagnostics if d.location.path == valid.file.display_path]
            valid.plan = self.plan_fixes(theirs, report.command)
            checked[0].validation = valid
        return checked

    def _locate(
        self,
        diagnostics: list[Diagnostic],
        members: Sequence[tuple[FileContext, Reader, FileReport, list[Diagnostic]]],
    ) -> None:
        """Dataset findings rebuilt from path, line and record get what their file's reader
        adds (a Parquet row group and row)."""
        by_path = {m[0].display_path: m for m in members}
        for diagnostic in diagnostics:
            member = by_path.get(diagnostic.location.path)
            if member is None:
                continue
            # A location is only made more precise: on any failure it stays as it is.
            with contextlib.suppress(Exception):
                diagnostic.location = member[1].locate(member[0], diagnostic.location)

    def _scan_validation(self, path: Path, train: ScanResult, report: Report) -> Checked | None:
        file, reader, problems = self.open_file(path)
        report.diagnostics.extend(problems)
        file_report = FileReport(path=printable(str(path)), reader=reader.name if reader else None)
        report.files.append(file_report)
        if file is None or reader is None:
            return None
        report.diagnostics.extend(self.check_file_scope(file))
        valid = self.scan_file(file, reader, split="valid", report=report)
        make_printable(valid.diagnostics)
        report.diagnostics.extend(valid.diagnostics)
        file_report.records = valid.records
        file_report.rejected = sum(1 for d in valid.dropped if d.rejected)
        if report.command == "prepare":
            file_report.dropped.extend(valid.dropped)
        report.diagnostics.extend(
            self._merge_accumulators(train.accumulators, valid.accumulators, file)
        )
        return Checked(file, reader, FixPlan(), file_report)

    def check_datasets(
        self,
        datasets: Mapping[str, Sequence[Path]],
        report: Report,
        validation: Path | None = None,
    ) -> list[Checked]:
        """Every named dataset, each checked as one (``check_dataset``)."""
        checked: list[Checked] = []
        for name, paths in datasets.items():
            checked.extend(self.check_dataset(list(paths), report, validation, name=name))
        return checked

    def new_report(self, command: str) -> Report:
        return Report(
            command=command,
            fail_on=self.config.fail_on,
            target=self.target.name,
            model=self.model,
            notes=list(self.notes),
        )

    def check(
        self,
        paths: Iterable[Path],
        validation: Path | None = None,
        datasets: Mapping[str, Sequence[Path]] | None = None,
    ) -> Report:
        report = self.new_report("check")
        try:
            self.check_datasets(datasets or {}, report, validation)
            for path in paths:
                self.check_path(path, report, validation)
        finally:
            self.close_executor()
        return report

    def prepare(
        self,
        paths: Iterable[Path],
        options: PrepareOptions,
        datasets: Mapping[str, Sequence[Path]] | None = None,
    ) -> Report:
        report = self.new_report("prepare")
        try:
            for checked in self.check_datasets(datasets or {}, report, options.validation):
                self._write_checked(checked, options)
            for path in paths:
                self._prepare_one(path, options, report)
        finally:
            self.close_executor()
        return report

    def fix_in_place(self, paths: Iterable[Path], options: PrepareOptions) -> Report:
        """``check --fix``: apply the chosen fixes to JSONL files themselves. Other formats
        are only checked, with a note pointing to ``prepare``."""
        report = self.new_report("check")
        try:
            self._fix_in_place(paths, options, report)
        finally:
            self.close_executor()
        return report

    def _fix_in_place(self, paths: Iterable[Path], options: PrepareOptions, report: Report) -> None:
        for path in paths:
            _file, reader, _ = self.open_file(path)
            if reader is not None and not reader.rewrites_in_place:
                report.notes.append(
                    f"{path}: --fix rewrites JSONL files only; run 'ftlint prepare {path}' "
                    "to write a fixed JSONL"
                )
                first_new = len(report.diagnostics)
                self.check_path(path, report, options.validation)
                for diagnostic in report.diagnostics[first_new:]:
                    diagnostic.fixed = False
                continue
            self._prepare_one(path, options, report)

    def _prepare_one(self, path: Path, options: PrepareOptions, report: Report) -> None:
        checked = self.check_path(path, report, options.validation)
        if checked is None:
            return
        self._write_checked(checked, options)

    def _write_checked(self, checked: Checked, options: PrepareOptions) -> None:
        out = self.output_path(checked.file, options)
        self.write_output(checked.file, checked.reader, checked.plan, out, checked.report, options)
        valid = checked.validation
        if valid is not None:
            # Beside the validation file (or over it, in place); -o names the training output.
            valid_options = replace(options, output=None, split=None)
            out = self.output_path(valid.file, valid_options)
            self.write_output(
                valid.file, valid.reader, valid.plan, out, valid.report, valid_options
            )

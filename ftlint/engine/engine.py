"""The engine: one run's rules over its files, from opening a file to the report.

``check`` streams each file once through the rules (``Scanning``, ``ParallelScanning`` for large
files); ``prepare`` plans the fixes (``Fixing``), reads the file a second time through the plan
and writes the canonical output (``Writing``). The engine knows no file format and no rule:
readers and rules come from plugins and declare what the engine needs from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ftlint.config import Config, ConfigError
from ftlint.engine.core_rules import CORE_RULES, UnreadableFile
from ftlint.engine.fixes import Fixing, FixPlan
from ftlint.engine.options import PrepareOptions
from ftlint.engine.parallel import ParallelScanning
from ftlint.engine.scan import Scanning, ScanResult
from ftlint.engine.select import (
    parse_targets,
    rule_matches,
    select_error,
    select_rules,
    unknown_selectors,
)
from ftlint.engine.write import Writing
from ftlint.masking import NO_MASKING, Masking
from ftlint.model import Diagnostic, Location, Scope
from ftlint.pluginmanager import Plugins
from ftlint.reader import Reader
from ftlint.report import FileReport, Report, printable
from ftlint.rule import FileContext, NotARegularFile, Rule, RuleContext
from ftlint.targets import WRITABLE_FORMATS, Target


def token_counting(target: Target, model: str, tokenizer: str | None = None) -> str:
    """How a run counts ``model``'s tokens (``ftlint.tokens.select.counting``): ``exact (...)``
    with the model's own tokenizer, else ``estimated (...)`` with the method."""
    from ftlint.tokens.select import counting

    info = target.model(model)
    if info is None:
        return "estimated (model unknown to the profile)"
    try:
        exact, how = counting(info.tokenizer, info.encoding, tokenizer)
    except ConfigError as exc:
        return f"estimated ({exc})"
    return f"{'exact' if exact else 'estimated'} ({how})"


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
        installed = plugins.targets()
        names = parse_targets(config.target, installed)
        overrides = {
            "max_file_size": config.max_file_size,
            "min_examples": config.min_examples,
            "recommended_examples": config.recommended_examples,
        }
        #: The targets of this run, the first one primary (its figures fill the summary and
        #: its format is what ``prepare`` writes).
        self.run_targets = [installed[name].with_overrides(**overrides) for name in names]
        self.target = self.run_targets[0]
        self.multi_target = len(self.run_targets) > 1
        self.notes: list[str] = list(plugins.warnings)
        #: The model checked for each target: ``--model`` where the target knows it (any name
        #: when one target is checked, as before), else the target's default model.
        self.models: dict[str, str] = {}
        for target in self.run_targets:
            model = config.model
            if model and self.multi_target and target.model(model) is None:
                self.notes.append(
                    f"--model {model} is not a model of {target.name}; {target.name} is "
                    f"checked with its default model {target.default_model}"
                )
                model = None
            self.models[target.name] = model or target.default_model
        self.model = self.models[self.target.name]
        #: The readers' resource limits (``FileContext.options["limits"]``).
        self.limits = config.limits()
        #: Applied to all the report shows of the data, whichever rules run (``masking``).
        self.masking = Masking(plugins.redactors(config))
        from ftlint.formats import register_formats

        self.notes.extend(register_formats(plugins.record_formats()))
        all_rules = [*CORE_RULES, *plugins.rules()]
        unknown = unknown_selectors(all_rules, config)
        if unknown:
            raise ConfigError(select_error(unknown, all_rules))
        # Problems of the run itself are always reported unless explicitly ignored.
        self.core_enabled = {r.code for r in CORE_RULES if not rule_matches(r, config.ignore)}
        #: Shared by every rule's context; the engine adds ``validation_file`` per check.
        self.settings = settings = {
            "system": config.system,
            "column_map": dict(config.column_map),
            "tokenizer": config.tokenizer,
            "max_seq_length": config.max_seq_length,
            **config.extra,
        }
        self.rules: list[Rule] = []
        # Rules that do not depend on the target run once; those that do run once per target
        # of the run (each with its own context), all in the same pass over the file and
        # sharing each record's analyses (``Record.analysis``).
        for target in self.run_targets:
            chosen = select_rules(plugins.rules(), config, target)
            if target is not self.target:
                chosen = [r for r in chosen if r.depends_on_target()]
            self.rule_classes = chosen if target is self.target else self.rule_classes
            for rule_class in chosen:
                context = RuleContext(
                    target=target,
                    model=self.models[target.name],
                    options=config.rule_options.get(rule_class.name, {}),
                    settings=settings,
                    installed=installed,
                )
                try:
                    rule = rule_class(context)
                except ConfigError:
                    raise  # a rule that cannot run as configured stops the run (exit code 2)
                except Exception as exc:
                    self.notes.append(
                        f"rule {rule_class.name} ({rule_class.code}) could not start for "
                        f"{target.name} and is skipped: {type(exc).__name__}: {exc}"
                    )
                    continue
                if self.multi_target and rule_class.depends_on_target():
                    rule.for_target = target.name
                self.rules.append(rule)
        #: Codes of the rules whose findings depend on the target (labelled with it).
        self.dependent_codes = {r.code for r in self.rules if r.depends_on_target()}
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
            file = FileContext.open(path, display, self.limits)
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
        first = len(report.diagnostics)
        file, reader, problems = self.open_file(path)
        report.diagnostics.extend(problems)
        file_report = FileReport(
            path=printable(self.display_names.get(path, str(path))),
            reader=reader.name if reader else None,
        )
        report.files.append(file_report)
        if file is None or reader is None:
            return None
        diagnostics = self.check_file_scope(file)
        # Dataset rules that compare training and validation keep their state only when a
        # validation file will join (train-valid-overlap).
        self.settings["validation_file"] = str(validation) if validation is not None else None
        result = self.scan_file(file, reader, report=report)
        valid = None
        if validation is not None:
            valid = self._scan_validation(validation, result, report)
        self.finish(result, file, file_report)
        diagnostics.extend(result.diagnostics)
        self.label_targets(diagnostics)
        make_printable(diagnostics, self.masking)
        if self.masking:
            file_report.summary = self.masking.values(file_report.summary)
        file_report.records = result.records
        file_report.rejected = sum(1 for d in result.dropped if d.rejected)
        for dropped in result.dropped:
            dropped.reason = printable(self.masking(dropped.reason))
        if report.command == "prepare":  # in a check nothing is written, so nothing dropped
            file_report.dropped.extend(result.dropped)
        report.diagnostics.extend(diagnostics)
        if self.config.related_excerpts:
            from ftlint.engine.related import fill_related_excerpts

            files = [(file, reader)]
            if valid is not None:
                files.append((valid.file, valid.reader))
            fill_related_excerpts(report.diagnostics[first:], files, self.masking)
        # Record edits are keyed by record number: only this file's diagnostics may plan them
        # (a validation file's findings are reported, never applied to the training file).
        own = [d for d in diagnostics if d.location.path == file.display_path]
        checked = Checked(file, reader, self.plan_fixes(own, report.command), file_report)
        if valid is not None:
            # The validation file's own fixes, from its findings (the merge of the two
            # datasets reports on validation records: train-valid-overlap).
            theirs = [d for d in report.diagnostics if d.location.path == valid.file.display_path]
            valid.plan = self.plan_fixes(theirs, report.command)
            checked.validation = valid
        return checked

    def _scan_validation(self, path: Path, train: ScanResult, report: Report) -> Checked | None:
        file, reader, problems = self.open_file(path)
        report.diagnostics.extend(problems)
        file_report = FileReport(path=printable(str(path)), reader=reader.name if reader else None)
        report.files.append(file_report)
        if file is None or reader is None:
            return None
        file_problems = self.check_file_scope(file)
        make_printable(file_problems, self.masking)
        report.diagnostics.extend(file_problems)
        valid = self.scan_file(file, reader, split="valid", report=report)
        self.label_targets(valid.diagnostics)
        make_printable(valid.diagnostics, self.masking)
        for dropped in valid.dropped:
            dropped.reason = printable(self.masking(dropped.reason))
        report.diagnostics.extend(valid.diagnostics)
        file_report.records = valid.records
        file_report.rejected = sum(1 for d in valid.dropped if d.rejected)
        if report.command == "prepare":
            file_report.dropped.extend(valid.dropped)
        report.diagnostics.extend(
            self._merge_accumulators(train.accumulators, valid.accumulators, file)
        )
        return Checked(file, reader, FixPlan(), file_report)

    def label_targets(self, diagnostics: list[Diagnostic]) -> None:
        """In a run over one target, label the findings of target-dependent rules with it (a
        run over several labels them as they are made, rule instance by instance)."""
        if self.multi_target:
            return
        name = self.target.name
        for diagnostic in diagnostics:
            if diagnostic.target is None and diagnostic.code in self.dependent_codes:
                diagnostic.target = name

    def new_report(self, command: str) -> Report:
        return Report(
            command=command,
            fail_on=self.config.fail_on,
            target=self.target.name,
            model=self.model,
            notes=list(self.notes),
            mask=self.masking,
            run_targets=[(t.name, self.models[t.name]) for t in self.run_targets],
            token_counts={
                t.name: token_counting(t, self.models[t.name], self.config.tokenizer)
                for t in self.run_targets
            },
        )

    def _one_target(self, command: str) -> None:
        if self.multi_target:
            names = ", ".join(t.name for t in self.run_targets)
            raise ConfigError(
                f"{command} writes one target's format; choose one --target (not {names}), "
                "or check them all with 'ftlint check --target ...'"
            )

    def check(self, paths: Iterable[Path], validation: Path | None = None) -> Report:
        report = self.new_report("check")
        for path in paths:
            self.check_path(path, report, validation)
        return report

    def prepare(self, paths: Iterable[Path], options: PrepareOptions) -> Report:
        self._one_target("prepare")
        target = self.target
        if target.formats and target.write_format not in WRITABLE_FORMATS:
            raise ConfigError(
                f"prepare cannot write {target.name}'s record format ({target.write_format}) "
                f"in this version of ftlint; 'ftlint check --target {target.name}' checks a "
                f"file for it, and prepare writes {', '.join(sorted(WRITABLE_FORMATS))}"
            )
        report = self.new_report("prepare")
        for path in paths:
            self._prepare_one(path, options, report)
        return report

    def fix_in_place(self, paths: Iterable[Path], options: PrepareOptions) -> Report:
        """``check --fix``: apply the chosen fixes to JSONL files themselves. Other formats
        are only checked, with a note pointing to ``prepare``."""
        self._one_target("check --fix")
        report = self.new_report("check")
        for path in paths:
            file, reader, _ = self.open_file(path)
            compressed = file is not None and file.compression is not None
            if reader is not None and (not reader.rewrites_in_place or compressed):
                what = "plain (uncompressed) JSONL files" if compressed else "JSONL files"
                report.notes.append(
                    f"{path}: --fix rewrites {what} only; run 'ftlint prepare {path}' "
                    "to write a fixed JSONL"
                )
                first_new = len(report.diagnostics)
                self.check_path(path, report, options.validation)
                for diagnostic in report.diagnostics[first_new:]:
                    diagnostic.fixed = False
                continue
            self._prepare_one(path, options, report)
        return report

    def _prepare_one(self, path: Path, options: PrepareOptions, report: Report) -> None:
        checked = self.check_path(path, report, options.validation)
        if checked is None:
            return
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

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
from ftlint.engine.select import (
    parse_targets,
    rule_matches,
    select_error,
    select_rules,
    unknown_selectors,
)
from ftlint.engine.write import Writing
from ftlint.formats import format_names, get_format
from ftlint.masking import Masking
from ftlint.model import Diagnostic, Location, Scope
from ftlint.pluginmanager import Plugins
from ftlint.reader import Reader
from ftlint.report import FileReport, Report, make_printable, printable
from ftlint.rule import FileContext, NotARegularFile, Rule, RuleContext
from ftlint.targets import Target

#: The tokenizer a target falls back to in a run over several targets when its own cannot
#: be loaded (``ftlint.tokens.estimate``).
ESTIMATE_FALLBACK = "estimate:chars4"


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


def _counts_with_hf(target: Target, model: str) -> bool:
    """Whether ``model`` counts its tokens with the user's ``--tokenizer`` (scheme ``hf``)."""
    info = target.model(model)
    return info is not None and (info.tokenizer == "hf" or info.tokenizer.startswith("hf:"))


def _model_elsewhere(model: str, target: str, installed: dict[str, Target]) -> list[str]:
    """A note when ``--model`` is not in the one target's profile but other targets list it
    (``--model davinci-002`` under the default target): the run goes on with that name, but
    the rules that read the model's profile (its limits, its tokenizer, the legacy
    prompt/completion rules) then see an unknown model. Nothing for a name no profile lists
    (a Hugging Face model id for ``hf``)."""
    knowing = [name for name, other in installed.items() if other.model(model) is not None]
    if not knowing:
        return []
    return [
        f"--model {model} is not a model of {target} (the target of this run); "
        f"{', '.join(knowing)} list{'s' if len(knowing) == 1 else ''} it: did you mean "
        f"{' or '.join(f'--target {name}' for name in knowing)}? Rules that read the model's "
        f"profile (limits, tokenizer, the legacy prompt/completion rules) see an unknown model "
        f"on {target}"
    ]


@dataclass
class Checked:
    """A checked file ready to be written: its reader, its fix plan and its report, and the
    validation file checked with it."""

    file: FileContext
    reader: Reader
    plan: FixPlan
    report: FileReport
    validation: Checked | None = None
    #: What the scan of the file alone found, before the report's masking of figures
    #: (``prepare`` of a file it writes unchanged reuses it: ``ftlint.engine.accept``).
    scan: FirstScan | None = None


@dataclass
class FirstScan:
    """A file's scan results as the check of a written file would hold them: the findings
    of the record and dataset rules (not the file rules'), the figures unmasked."""

    diagnostics: list[Diagnostic]
    summary: dict
    examples: dict
    records: int


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
            elif model and target.model(model) is None:
                self.notes.extend(_model_elsewhere(model, target.name, installed))
            self.models[target.name] = model or target.default_model
        self.model = self.models[self.target.name]
        if config.tokenizer and not any(
            _counts_with_hf(t, self.models[t.name]) for t in self.run_targets
        ):
            self.notes.append(
                f"--tokenizer {config.tokenizer} is not used: no model of this run counts with a "
                "Hugging Face tokenizer (targets hf, fireworks, together's open models do)"
            )
        if not config.tokenizer:
            for target in self.run_targets:
                model = self.models[target.name]
                if _counts_with_hf(target, model):
                    info = target.model(model)
                    self.notes.append(
                        f"{target.name}: {model} counts with its own tokenizer, and no "
                        f"--tokenizer was named: its token counts are an estimate "
                        f"({info.encoding if info else 'o200k_base'} stands in); name "
                        "--tokenizer PATH_OR_HUB_ID (ftlint[hf]) for exact counts and for an "
                        "exact --max-seq-length check"
                    )
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
        self.settings = {
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
        for index, target in enumerate(self.run_targets):
            try:
                self.rules.extend(self._start_rules(target, installed))
            except ConfigError as exc:
                if not self.multi_target:
                    raise  # a rule that cannot run as configured stops the run (exit code 2)
                # Over several targets, one target's missing tokenizer (no --tokenizer for an
                # open-weight model, an extra not installed) must not stop the others: that
                # target counts with an estimate instead, and the report says so.
                target = self._estimating(target)
                self.run_targets[index] = target
                if index == 0:
                    self.target = target
                self.notes.append(
                    f"{target.name}: {exc}; its tokens are estimated instead "
                    f"({ESTIMATE_FALLBACK}: about 4 characters a token)"
                )
                self.rules.extend(self._start_rules(target, installed))
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

    def _start_rules(self, target: Target, installed: dict[str, Target]) -> list[Rule]:
        """The rules of the run for ``target``: every selected rule for the primary target,
        only the target-dependent ones for the others (the rest run once, for all)."""
        config = self.config
        chosen = select_rules(self.plugins.rules(), config, target)
        if target.name != self.run_targets[0].name:
            chosen = [r for r in chosen if r.depends_on_target()]
        else:
            self.rule_classes = chosen
        rules = []
        for rule_class in chosen:
            context = RuleContext(
                target=target,
                model=self.models[target.name],
                options=config.rule_options.get(rule_class.name, {}),
                settings=self.settings,
                installed=installed,
            )
            try:
                rule = rule_class(context)
            except ConfigError:
                raise
            except Exception as exc:
                self.notes.append(
                    f"rule {rule_class.name} ({rule_class.code}) could not start for "
                    f"{target.name} and is skipped: {type(exc).__name__}: {exc}"
                )
                continue
            if self.multi_target and rule_class.depends_on_target():
                rule.for_target = target.name
            rules.append(rule)
        return rules

    def _estimating(self, target: Target) -> Target:
        """``target`` with its checked model counting tokens by estimate."""
        name = self.models[target.name]
        info = target.model(name)
        if info is None:
            return target
        models = dict(target.models)
        models[info.name] = replace(info, tokenizer=ESTIMATE_FALLBACK)
        return replace(target, models=models)

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
        first = len(report.diagnostics)
        members: list[tuple[FileContext, Reader, FileReport, list[Diagnostic]]] = []
        for path in paths:
            file, reader, problems = self.open_file(path)
            report.diagnostics.extend(problems)
            file_report = FileReport(
                path=printable(self.display_names.get(path, str(path))),
                reader=reader.name if reader else None,
                fixes_in_place=bool(reader is not None and reader.rewrites_in_place),
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
        first_scan = None
        if len(members) == 1 and validation is None and report.command == "prepare":
            first_scan = FirstScan(
                results[0].diagnostics,
                dict(first_report.summary),
                first_report.examples,
                results[0].records,
            )
        found: list[Diagnostic] = []
        for (_, _, file_report, diagnostics), result in zip(members, results, strict=True):
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
            found.extend(diagnostics)
        if self.config.related_excerpts:
            from ftlint.engine.related import fill_related_excerpts

            files = [(m[0], m[1]) for m in members]
            if valid is not None:
                files.append((valid.file, valid.reader))
            fill_related_excerpts(report.diagnostics[first:], files, self.masking)
        checked: list[Checked] = []
        for file, reader, file_report, _ in members:
            # Record edits are keyed by record number: only this file's diagnostics may plan
            # them (another shard's, or a validation file's findings are never applied here).
            own = [d for d in found if d.location.path == file.display_path]
            checked.append(Checked(file, reader, self.plan_fixes(own, report.command), file_report))
        checked[0].scan = first_scan
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
        self._one_target("prepare")
        target = self.target
        if target.formats and get_format(target.write_format) is None:
            raise ConfigError(
                f"prepare cannot write {target.name}'s record format ({target.write_format}): "
                f"no installed record format has that name (known: {', '.join(format_names())}"
                f"); 'ftlint check --target {target.name}' still checks files for it"
            )
        report = self.new_report("prepare")
        try:
            for checked in self.check_datasets(datasets or {}, report, options.validation):
                self._write_all(checked, options, report)
            for path in paths:
                self._prepare_one(path, options, report)
        finally:
            self.close_executor()
        return report

    def fix_in_place(self, paths: Iterable[Path], options: PrepareOptions) -> Report:
        """``check --fix``: apply the chosen fixes to JSONL files themselves. Other formats
        are only checked, with a note pointing to ``prepare``."""
        self._one_target("check --fix")
        report = self.new_report("check")
        try:
            self._fix_in_place(paths, options, report)
        finally:
            self.close_executor()
        return report

    def _fix_in_place(self, paths: Iterable[Path], options: PrepareOptions, report: Report) -> None:
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

    def _prepare_one(self, path: Path, options: PrepareOptions, report: Report) -> None:
        checked = self.check_path(path, report, options.validation)
        if checked is None:
            return
        self._write_all(checked, options, report)

    def _write_all(self, checked: Checked, options: PrepareOptions, report: Report) -> None:
        """A checked file's output, and its validation file's."""
        self._write_checked(checked, options, report)
        valid = checked.validation
        if valid is not None:
            # Beside the validation file (or over it, in place); -o names the training output.
            self._write_checked(valid, replace(options, output=None, split=None), report)

    def _write_checked(self, checked: Checked, options: PrepareOptions, report: Report) -> None:
        """``prepare``: the accepted records (``ftlint.engine.accept``); ``check --fix``: the
        file rewritten until its fixes settle, reported as it is after fixing."""
        out = self.output_path(checked.file, options)
        if report.command == "prepare":
            from ftlint.engine.accept import prepare_checked

            prepare_checked(self, checked, out, options, report)
            return
        self.write_output(checked.file, checked.reader, checked.plan, out, checked.report, options)
        if not checked.report.outputs:
            return  # nothing changed: the first check is the state after fixing
        from ftlint.engine.loop import FixLoop

        file = checked.file
        final = FixLoop(self, report).run_in_place(file, checked.report)
        display = file.display_path
        kept = [d for d in report.diagnostics if d.location.path != display or d.fixed]
        report.diagnostics[:] = kept + final.diagnostics
        checked.report.summary = dict(final.report.summary)
        checked.report.examples = final.report.examples

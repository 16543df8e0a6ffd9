"""The ``ftlint`` command line. Exit codes: 0 clean, 1 problems at or above the fail level,
2 usage, configuration, plugin or internal error."""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ftlint._version import __version__
from ftlint.config import Config, ConfigError, load_config, parse_size
from ftlint.datasets import parse_dataset_option
from ftlint.limits import Limits
from ftlint.model import Severity
from ftlint.pluginmanager import Plugins, load_plugins
from ftlint.report import EXIT_ERROR, EXIT_PROBLEMS, Report
from ftlint.storage import local_or_url


class UsageError(Exception):
    """Bad command line; argparse would exit, we return 2 with the message instead."""


def _terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, as shutil finds it (``$COLUMNS``, else the
    terminal of standard output, else 80), without importing shutil."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with the width argparse would take. Why: argparse makes a
    formatter for every option it adds and each one imports shutil for the terminal width,
    which imports the compression modules: a cost of every run, for help text not shown."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2  # what HelpFormatter subtracts
        super().__init__(prog, indent_increment, max_help_position, width)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:  # argparse calls sys.exit; keep control instead
        raise UsageError(f"{self.prog}: {message}")


def _split_list(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for value in values or []:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def _positive(text: str) -> int:
    """A whole number of at least 1, else a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_validation_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--validation-file",
        type=Path,
        metavar="VALID",
        help="validation set to check against the training file (with --fix or prepare, "
        "its own fixes are applied too: examples that leak from training are removed)",
    )


def _add_lint_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=local_or_url,
        metavar="PATH",
        help="files and folders to read (default: .); a folder is walked for the file types "
        "readers claim, also compressed; - reads standard input; URLs too (s3://, gs://, "
        "hf://, https://: ftlint[remote])",
    )
    sel = parser.add_argument_group("rule selection")
    sel.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help="only these rules: codes, code prefixes (FT1) or names; ALL for all",
    )
    sel.add_argument(
        "--extend-select",
        action="append",
        metavar="CODES",
        help="add rules to the selection (also rules that are off by default)",
    )
    sel.add_argument("--ignore", action="append", metavar="CODES", help="skip these rules")
    sel.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    tgt = parser.add_argument_group("target")
    tgt.add_argument(
        "--target",
        help="target profile(s): together (default; FTLINT_TARGET sets another), openai, "
        "azure-openai, fireworks, mistral, vertex, bedrock, hf; several separated by commas, "
        "or 'all' (check only); 'ftlint targets' lists them",
    )
    tgt.add_argument("--model", help="the model to fine-tune (decides shape, tokenizer, limits)")
    tgt.add_argument("--max-file-size", metavar="SIZE", help="override the target's file limit")
    tgt.add_argument(
        "--tokenizer",
        metavar="PATH_OR_HUB_ID",
        help="Hugging Face tokenizer (and chat template) for targets that count with one "
        "(hf); needs ftlint[hf]",
    )
    tgt.add_argument(
        "--max-seq-length",
        type=_positive,
        metavar="N",
        help="the trainer's truncation length: report examples longer than N tokens",
    )
    tgt.add_argument(
        "--min-examples",
        type=int,
        metavar="N",
        help="override the target's minimum number of examples",
    )
    inp = parser.add_argument_group("input")
    inp.add_argument(
        "--format",
        dest="reader_format",
        metavar="READER",
        help="read every file with this reader (jsonl, json, csv, tsv, xlsx)",
    )
    inp.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="map a spreadsheet column to an output field (prompt=Question)",
    )
    inp.add_argument("--sheet", help="read only this XLSX sheet (default: every sheet)")
    inp.add_argument(
        "--dataset",
        dest="datasets",
        action="append",
        metavar="NAME=GLOB",
        help="check these files as ONE dataset (shards: duplicates, counts and tokens across "
        "all of them): paths, globs, directories or URLs; repeatable; NAME alone: the "
        "configuration's [datasets] entry",
    )
    inp.add_argument(
        "--system",
        help="system prompt added when prompt/completion (or community format) data is "
        "converted to chat: prepare writes it, check counts its tokens",
    )
    lim = parser.add_argument_group("limits (each refusal is a diagnostic; reading goes on)")
    lim.add_argument(
        "--max-record-size",
        metavar="SIZE",
        help="largest record (JSONL line, JSON item, CSV cell) that is read (default: 16MB)",
    )
    lim.add_argument(
        "--max-depth", type=int, metavar="N", help="deepest nesting of a record (default: 128)"
    )
    lim.add_argument(
        "--max-number-digits",
        type=int,
        metavar="N",
        help="most digits of a number in a record (default: 1000)",
    )
    lim.add_argument(
        "--max-expanded-size",
        metavar="SIZE",
        help="largest size an archive (XLSX) may expand to (default: 1GiB)",
    )
    lim.add_argument(
        "--max-compression-ratio",
        type=int,
        metavar="N",
        help="highest compression ratio of an archive member over 1 MiB (default: 100)",
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--output-format",
        "-f",
        metavar="FORMAT",
        help="text (default), concise, json, github, sarif ...",
    )
    out.add_argument(
        "--output-file",
        type=Path,
        metavar="FILE",
        help="write the report there instead of standard output",
    )
    out.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    _add_ci_options(parser)
    gen = parser.add_argument_group("general")
    gen.add_argument(
        "--config",
        type=Path,
        help="configuration file (default: nearest "
        "ftlint.toml or pyproject.toml with [tool.ftlint])",
    )
    gen.add_argument(
        "-p",
        dest="plugins",
        action="append",
        metavar="NAME",
        help="load a plugin module, or -p no:NAME to disable a plugin",
    )
    gen.add_argument(
        "--jobs", "-j", type=int, metavar="N", help="processes for large files (default: all cores)"
    )
    gen.add_argument(
        "--executor",
        metavar="NAME",
        help="where the work runs: local (default: processes on this machine), ray (ftlint[ray])",
    )
    fix = parser.add_argument_group("fixes")
    fix.add_argument("--fix", action="store_true", default=None, help="apply safe fixes")
    fix.add_argument(
        "--unsafe-fixes",
        action="store_true",
        default=None,
        help="also apply unsafe fixes (they may change meaning)",
    )


def _add_ci_options(parser: argparse.ArgumentParser) -> None:
    """The options of issue 14 (pipelines): presentation, discovery, baseline."""
    out = parser.add_argument_group("presentation")
    out.add_argument(
        "--show-all",
        action="store_true",
        help="text: list every finding (default: repeats grouped with a count)",
    )
    out.add_argument(
        "--statistics", action="store_true", help="only the number of findings per rule"
    )
    out.add_argument(
        "--show-fixes", action="store_true", help="list the fixes applied or available"
    )
    out.add_argument(
        "--figures",
        action="store_true",
        help="the figures block, token table and histogram even in a hook's compact output",
    )
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when problems remain")
    out.add_argument(
        "-q", "--quiet", action="store_true", help="print the findings and nothing else"
    )
    out.add_argument(
        "-s", "--silent", action="store_true", help="print nothing (the exit code says it all)"
    )
    out.add_argument(
        "--show-settings",
        action="store_true",
        help="print the resolved configuration and where each value came from, then exit",
    )
    out.add_argument(
        "--show-files", action="store_true", help="print the files the run would read, then exit"
    )
    out.add_argument(
        "--project-root",
        type=Path,
        metavar="DIR",
        help="what SARIF/GitLab/rdjson paths are relative to (default: the git work tree)",
    )
    out.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    disc = parser.add_argument_group("files")
    disc.add_argument(
        "--exclude",
        action="append",
        metavar="GLOBS",
        help="globs of files and folders a folder walk skips (replaces the config's exclude)",
    )
    disc.add_argument(
        "--extend-exclude", action="append", metavar="GLOBS", help="more globs to skip"
    )
    disc.add_argument(
        "--stdin-filename",
        metavar="NAME",
        help="the name (and so the format) of what - reads from standard input",
    )
    base = parser.add_argument_group("baseline")
    base.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="suppress the accepted findings this file lists; report entries no longer found",
    )
    base.add_argument(
        "--write-baseline",
        action="store_true",
        help="write every finding of this run to --baseline FILE (it is replaced)",
    )


def _split_value(value: str) -> str:
    """``--split`` VALUE: checked here so that a mistake is a usage error naming the option."""
    from ftlint.split import SplitSpec

    try:
        SplitSpec.parse(value)
    except ConfigError:
        raise argparse.ArgumentTypeError(
            f"expected a fraction between 0 and 1 (0.2) or a whole number of validation "
            f"examples, got {value!r} (put --split after the input files to use the default)"
        ) from None
    return value


#: The built-in commands and their one-line help (``ftlint --help`` lists them in this order).
_COMMANDS = {
    "check": "report problems in datasets",
    "prepare": "write a fixed, canonical JSONL",
    "rules": "list the available rules",
    "rule": "show a rule's documentation",
    "targets": "list the installed targets",
    "plugins": "list the loaded plugins",
}


def _command_of(argv: Sequence[str] | None) -> str | None:
    """The built-in command ``argv`` runs, or None (none, a plugin's, or not known yet).
    The top-level parser has no option that takes a value, so it is the first word that is
    not an option."""
    for arg in argv or ():
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg if arg in _COMMANDS else None
    return None


def build_parser(
    plugins: Plugins | None, argv: Sequence[str] | None = None
) -> argparse.ArgumentParser:
    """The command line's parser. With ``argv`` running a built-in command, only that
    command's parser gets its options (and plugins' options and commands are not asked
    for): the others are listed by name and help, which is all argparse needs of them to
    parse ``argv``. Building every parser was a fifteenth of a pre-commit run."""
    running = _command_of(argv)
    parser = _Parser(prog="ftlint", description="Lint, fix and prepare fine-tuning data.")
    parser.add_argument("--version", action="version", version=f"ftlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    built: dict[str, argparse.ArgumentParser] = {}
    for name, help_text in _COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        if running is None or running == name:
            _COMMAND_BUILDERS[name](command)
            built[name] = command

    if plugins is not None:
        for name in ("check", "prepare"):
            if name in built:
                plugins.hook.ftlint_add_options.call_historic(kwargs={"parser": built[name]})
        if running is None:
            plugins.hook.ftlint_add_commands(subparsers=sub)
    return parser


def _build_check(parser: argparse.ArgumentParser) -> None:
    _add_lint_options(parser)
    _add_validation_option(parser)
    parser.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="with --fix: exit 1 when a file was changed (pre-commit)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing --output-file")
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print what --fix would change as a unified diff of the JSONL lines; "
        "change nothing (exit 1 when something would change)",
    )
    parser.set_defaults(func=cmd_check)


def _build_prepare(parser: argparse.ArgumentParser) -> None:
    _add_lint_options(parser)
    _add_validation_option(parser)
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUT",
        help="output file (default: <stem>_prepared.jsonl beside the input)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite existing files: the output, the JSON report, --output-file, --report-html",
    )
    parser.add_argument(
        "--in-place", action="store_true", help="rewrite the input itself (JSONL only)"
    )
    parser.add_argument(
        "--report", type=Path, metavar="FILE", help="JSON report path (default: beside the output)"
    )
    parser.add_argument("--no-report", action="store_true", help="do not write a JSON report")
    parser.add_argument(
        "--report-html",
        type=Path,
        metavar="FILE",
        help="also write the report as one self-contained HTML page (needs ftlint[html])",
    )
    parser.add_argument(
        "--split",
        nargs="?",
        const="auto",
        type=_split_value,
        metavar="VALID",
        help="write <stem>_train.jsonl and <stem>_valid.jsonl instead: VALID is a fraction "
        "(0.2) or a number of validation examples; alone: min(1000, 20%%), the legacy rule",
    )
    parser.add_argument(
        "--seed", type=int, default=42, metavar="N", help="seed of --split (default: 42)"
    )
    parser.add_argument(
        "--allow-rejects",
        action="store_true",
        help="exit 0 although records were rejected (they are in <stem>_rejected.jsonl)",
    )
    parser.set_defaults(func=cmd_prepare)


def _build_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=["text", "json", "markdown"],
        default="text",
        help="markdown prints the table the README carries",
    )
    parser.add_argument("-p", dest="plugins", action="append", metavar="NAME")
    parser.set_defaults(func=cmd_rules)


def _build_rule(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule", metavar="NAME|CODE", nargs="?")
    parser.add_argument("--all", action="store_true", help="every rule's documentation")
    parser.add_argument("-p", dest="plugins", action="append", metavar="NAME")
    parser.set_defaults(func=cmd_rule)


def _build_targets(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=["text", "json", "markdown"],
        default="text",
        help="markdown prints the table the README carries",
    )
    parser.add_argument("-p", dest="plugins", action="append", metavar="NAME")
    parser.set_defaults(func=cmd_targets)


def _build_plugins(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-p", dest="plugins", action="append", metavar="NAME")
    parser.set_defaults(func=cmd_plugins)


_COMMAND_BUILDERS = {
    "check": _build_check,
    "prepare": _build_prepare,
    "rules": _build_rules,
    "rule": _build_rule,
    "targets": _build_targets,
    "plugins": _build_plugins,
}


# ---------------------------------------------------------------------------------------------
# Configuration from arguments


def config_from_args(args: argparse.Namespace, base: Config | None = None) -> Config:
    """The run's configuration: ``base`` (default: the configuration file) with the
    command-line values of ``args`` over it."""
    config = base if base is not None else load_config(getattr(args, "config", None))
    for name in ("select", "extend_select", "ignore"):
        values = _split_list(getattr(args, name, None))
        if values:
            setattr(config, name, values)
    if getattr(args, "fail_on", None):
        config.fail_on = Severity.parse(args.fail_on)
    for name in (
        "target", "model", "sheet", "system", "output_format", "jobs", "min_examples",
        "tokenizer", "max_seq_length", "executor",
    ):  # fmt: skip
        value = getattr(args, name, None)
        if value is not None:
            setattr(config, name, value)
    if getattr(args, "max_file_size", None):
        config.max_file_size = parse_size(args.max_file_size)
    for name in ("max_record_size", "max_expanded_size"):
        if getattr(args, name, None):
            setattr(config, name, parse_size(getattr(args, name)))
    for name in ("max_depth", "max_number_digits", "max_compression_ratio"):
        if getattr(args, name, None) is not None:
            setattr(config, name, getattr(args, name))
    for name in Limits.names():
        value = getattr(config, name)
        if value is not None and value < 1:
            raise ConfigError(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    for item in getattr(args, "map", None) or []:
        field_name, sep, column = item.partition("=")
        if not sep or not field_name.strip() or not column.strip():
            raise ConfigError(f"--map expects FIELD=COLUMN, got {item!r}")
        config.column_map[field_name.strip()] = column.strip()
    if config.output_format == "html" or getattr(args, "report_html", None):
        config.related_excerpts = True  # the HTML report shows both examples of a pair
    for item in getattr(args, "datasets", None) or []:
        if "=" not in item:
            continue  # a dataset of the configuration, selected in ``datasets_of``
        name, pattern = parse_dataset_option(item)
        given = config.extra.setdefault("_cli_datasets", {})
        if name not in given:
            given[name] = []
            config.datasets[name] = given[name]
        given[name].append(pattern)
    if getattr(args, "fix", None):
        config.fix = True
    if getattr(args, "unsafe_fixes", None):
        config.unsafe_fixes = True
    config.plugins = [*config.plugins, *(getattr(args, "plugins", None) or [])]
    if getattr(args, "reader_format", None):
        config.extra["format"] = args.reader_format
    if getattr(args, "exclude", None):
        config.exclude = _split_list(args.exclude)
    if getattr(args, "extend_exclude", None):
        config.extend_exclude = [*config.extend_exclude, *_split_list(args.extend_exclude)]
    # Options that plugins added land in ``extra`` under their destination name.
    for key, value in vars(args).items():
        if key not in config.extra and not hasattr(config, key) and key not in _CORE_ARGS:
            config.extra[key] = value
    return config


_CORE_ARGS = {
    "command", "func", "paths", "datasets", "config", "plugins", "reader_format", "map", "fix",
    "unsafe_fixes", "max_file_size", "color", "output_file", "output", "force", "in_place",
    "report", "no_report", "exit_non_zero_on_fix", "validation_file", "fail_on", "report_html",
    "allow_rejects",
    # presentation, discovery and baseline (ftlint.display, .discovery, .baseline)
    "show_all", "statistics", "show_fixes", "figures", "exit_zero", "quiet", "silent",
    "show_settings", "show_files", "project_root", "no_progress", "exclude", "extend_exclude",
    "stdin_filename", "baseline", "write_baseline", "diff",
    "_ftlint_discovered", "_ftlint_progress",  # what ftlint.session keeps on the namespace
}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Rendering


def _color(args: argparse.Namespace, stream: TextIO) -> bool | None:
    choice = getattr(args, "color", "auto")
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return None  # let the renderer decide from the stream


def render(report: Report, config: Config, plugins: Plugins, args: argparse.Namespace) -> None:
    from ftlint import session

    formats = plugins.output_formats()
    name = config.output_format
    if name not in formats:
        known = ", ".join(sorted(formats)) or "none"
        raise ConfigError(f"unknown output format {name!r} (known: {known})")
    session.present(report, config, plugins, args)  # baseline, grouping options, fixes
    if not session.renders_normally(report, config, args):
        return  # --statistics printed instead, or -s
    path = getattr(args, "output_file", None)
    if path is None:
        # The same on standard output: escaped, whatever the locale's error handler.
        reconfigure = getattr(sys.stdout, "reconfigure", None)
        if reconfigure is not None and str(getattr(sys.stdout, "encoding", "")).lower() in (
            "utf-8",
            "utf8",
        ):
            reconfigure(errors="backslashreplace")
        formats[name].render(report, sys.stdout, color=_color(args, sys.stdout))
        return
    from ftlint.atomic import AtomicWriter

    text = io.StringIO(newline="\n")
    formats[name].render(report, text, color=_color(args, text))
    # Text from undecodable data (lone surrogates) is escaped, never written as invalid UTF-8.
    data = text.getvalue().encode("utf-8", errors="backslashreplace")
    with AtomicWriter(path, overwrite=bool(getattr(args, "force", False))) as handle:
        handle.write(data)


# ---------------------------------------------------------------------------------------------
# What a run writes, refused before it starts when it would replace something


def planned_outputs(args: argparse.Namespace) -> list[Path]:
    """The files ``prepare`` will write for ``args``, in order (the inputs themselves with
    ``--in-place``)."""
    from ftlint.split import split_paths

    outputs: list[Path] = []
    for path in [*args.paths, *getattr(args, "dataset_files", [])]:
        if args.in_place:
            outputs.append(path)
            continue
        from ftlint.compression import inner_path

        out = args.output or path.with_name(f"{inner_path(path).stem}_prepared.jsonl")
        outputs.extend(split_paths(out) if args.split is not None else (out,))
    validation = getattr(args, "validation_file", None)
    if validation is not None:
        valid = Path(validation)
        outputs.append(valid if args.in_place else valid.with_name(f"{valid.stem}_prepared.jsonl"))
    return outputs


def planned_sidecars(args: argparse.Namespace) -> list[Path]:
    """The ``<stem>_rejected.jsonl`` files ``prepare`` may write (one per output written)."""
    from ftlint.engine.accept import sidecar_path

    sidecars: list[Path] = []
    for raw in [*args.paths, *getattr(args, "dataset_files", [])]:
        path = raw if hasattr(raw, "with_name") else Path(raw)  # a URL's output is local
        default = path.with_name(f"{path.stem}_prepared.jsonl")
        out = path if args.in_place else args.output or default
        sidecars.append(sidecar_path(out))
    validation = getattr(args, "validation_file", None)
    if validation is not None:
        valid = Path(validation)
        out = valid if args.in_place else valid.with_name(f"{valid.stem}_prepared.jsonl")
        sidecars.append(sidecar_path(out))
    return sidecars


def report_path(args: argparse.Namespace, outputs: Sequence[Path]) -> Path | None:
    """Where ``prepare`` writes its JSON report: ``--report``, else beside the first output."""
    if getattr(args, "no_report", False):
        return None
    if args.report is not None:
        return Path(args.report)
    if not outputs:
        return None
    first = Path(outputs[0])
    return first.with_name(first.stem + ".report.json")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_overwrites(args: argparse.Namespace, written: Sequence[tuple[str, Path]]) -> None:
    """Stop before anything is written when a file the run would write is one of its inputs
    (always refused) or exists (refused without ``--force``). ``AtomicWriter`` makes the final
    creation exclusive too, for a file that appears while the run goes on."""
    inputs = [
        p
        for p in [*args.paths, *getattr(args, "dataset_files", [])]
        if isinstance(p, Path) and str(p) != "-"
    ]
    if getattr(args, "validation_file", None) is not None:
        inputs.append(Path(args.validation_file))
    force = bool(getattr(args, "force", False))
    for what, target in written:
        for source in inputs:
            if _same_file(target, source) or target.absolute() == source.absolute():
                raise ConfigError(f"refusing to write the {what} over the input {source}")
        if not force and os.path.lexists(target):
            raise ConfigError(f"{target} exists; pass --force to overwrite it")
    seen: dict[Path, str] = {}
    for what, target in written:
        other = seen.setdefault(target.absolute(), what)
        if other != what:
            raise ConfigError(f"the {what} and the {other} are the same file: {target}")


# ---------------------------------------------------------------------------------------------
# Commands


def _engine(args: argparse.Namespace, plugins: Plugins) -> tuple[Any, Config]:
    from ftlint import session
    from ftlint.engine import Engine

    config = config_from_args(args)
    plugins.hook.ftlint_configure.call_historic(kwargs={"config": config})
    given_paths = bool(args.paths)
    args.dataset_map = datasets_of(args, config, plugins, given_paths)
    args.dataset_files = [f for files in args.dataset_map.values() for f in files]
    if args.dataset_map and not given_paths:
        args.paths = []  # only the datasets: no walk of the current folder
        display_names: dict = {}
    else:
        found = session.discover_paths(args, plugins, config)  # folders walked, - spooled
        display_names = found.display_names
    engine = Engine(config, plugins, display_names=display_names)
    session.start_progress(args, config)
    return engine, config


def datasets_of(
    args: argparse.Namespace, config: Config, plugins: Plugins, given_paths: bool
) -> dict[str, list]:
    """The datasets this run checks, their files expanded: those of ``--dataset``; with no
    PATH and no ``--dataset``, every dataset of the configuration file (and no folder walk)."""
    from ftlint.datasets import expand

    given = config.extra.get("_cli_datasets", {})
    chosen = [item.strip() for item in getattr(args, "datasets", None) or [] if "=" not in item]
    names = [*given, *(n for n in chosen if n not in given)]
    if not names and not given_paths:
        names = list(config.datasets)
    extensions = sorted({e for r in plugins.readers() for e in r.extensions})
    base = Path(config.source).parent if config.source else None
    datasets = {}
    for name in names:
        if name not in config.datasets:
            known = ", ".join(sorted(config.datasets)) or "none"
            raise ConfigError(f"--dataset {name!r}: no such dataset in the configuration "
                              f"(known: {known}); give NAME=GLOB")  # fmt: skip
        datasets[name] = expand(
            name, config.datasets[name], extensions, None if name in given else base
        )
    return datasets


def cmd_check(args: argparse.Namespace, plugins: Plugins) -> int:
    from ftlint.engine import PrepareOptions

    if args.output_file is not None:
        refuse_overwrites(args, [("report (--output-file)", Path(args.output_file))])
    engine, config = _engine(args, plugins)
    if config.applies_fixes:
        if args.dataset_map:
            raise ConfigError("check --fix rewrites files one by one; use prepare for --dataset")
        report = engine.fix_in_place(
            args.paths, PrepareOptions(in_place=True, validation=args.validation_file)
        )
        for file in report.files:
            if not file.outputs:
                file.written = None  # left untouched: nothing was written
    else:
        report = engine.check(
            args.paths, validation=args.validation_file, datasets=args.dataset_map
        )
    render(report, config, plugins, args)
    # A fixer says which files it changed (pre-commit shows it); on stderr, so that a
    # json/sarif report on stdout stays valid.
    for file in report.files:
        if not file.outputs:
            continue
        fixes = [
            d.fix.message
            for d in report.diagnostics
            if d.fixed and d.fix is not None and d.location.path == file.path
        ]
        what = "; ".join(dict.fromkeys(fixes)) or "rewritten"
        count = f"{len(fixes)} fix{'' if len(fixes) == 1 else 'es'}: " if fixes else ""
        if not getattr(args, "silent", False):
            print(f"ftlint: fixed {file.path} ({count}{what})", file=sys.stderr)
    code = report.exit_code
    if args.exit_non_zero_on_fix and any(f.outputs for f in report.files):
        code = EXIT_PROBLEMS
    return code


def cmd_prepare(args: argparse.Namespace, plugins: Plugins) -> int:
    from ftlint.engine import PrepareOptions

    engine, config = _engine(args, plugins)
    if args.output is not None and len(args.paths) + len(args.dataset_files) > 1:
        raise ConfigError(
            "-o/--output takes one input file; without it each output is written beside its input"
        )
    if args.split is not None and args.in_place:
        raise ConfigError("--split writes two new files; it cannot be combined with --in-place")
    if args.split is not None and args.validation_file is not None:
        raise ConfigError("--split makes the validation file; it cannot take --validation-file")
    planned = planned_outputs(args)
    written = [] if args.in_place else [("output", out) for out in planned]
    report_target = report_path(args, planned)
    if report_target is not None:
        written.append(("JSON report", report_target))
    written.extend(("file of rejected records", path) for path in planned_sidecars(args))
    if args.output_file is not None:
        written.append(("report (--output-file)", Path(args.output_file)))
    html = _report_format(plugins, "html", "--report-html") if args.report_html else None
    if args.report_html:
        written.append(("HTML report", Path(args.report_html)))
    refuse_overwrites(args, written)
    options = PrepareOptions(
        output=args.output,
        force=args.force,
        in_place=args.in_place,
        split=args.split,
        seed=args.seed,
        validation=args.validation_file,
    )
    report = engine.prepare(args.paths, options, datasets=args.dataset_map)
    report.allow_rejects = bool(args.allow_rejects)
    if report_target is not None:
        _write_json_report(report, args, report_target)
    if html is not None:
        _write_report(report, html, Path(args.report_html), overwrite=bool(args.force))
    render(report, config, plugins, args)
    return report.exit_code


def _report_format(plugins: Plugins, name: str, option: str) -> Any:
    """The output format an option writes a report with, checked before the run starts."""
    fmt = plugins.output_formats().get(name)
    if fmt is None:
        raise ConfigError(f"{option} needs the {name} output format, which is not loaded")
    fmt.require()
    return fmt


def _write_report(report: Report, fmt: Any, path: Path, *, overwrite: bool) -> None:
    """``report`` rendered by ``fmt`` into ``path``, atomically (as ``--output-file``)."""
    from ftlint.atomic import AtomicWriter

    text = io.StringIO(newline="\n")
    fmt.render(report, text, color=False)
    with AtomicWriter(path, overwrite=overwrite) as handle:
        handle.write(text.getvalue().encode("utf-8", errors="backslashreplace"))


def _write_json_report(report: Report, args: argparse.Namespace, planned: Path) -> None:
    """The JSON report: at ``--report``, else beside the first output (where it was planned
    to be, also when nothing was acceptable and no output was written)."""
    from ftlint.atomic import write_json_report

    outputs = [Path(o) for f in report.files for o in f.outputs]
    if args.report is not None:
        target = args.report
    elif outputs:
        first = outputs[0]
        target = first.with_name(first.stem + ".report.json")
    else:
        target = planned
    write_json_report(report, target, overwrite=bool(args.force))


def cmd_rules(args: argparse.Namespace, plugins: Plugins) -> int:
    from ftlint.engine import CORE_RULES

    rules = [*CORE_RULES, *plugins.rules()]
    owners = _rule_owners(plugins)
    if args.format == "json":
        data = [
            {
                "code": r.code,
                "name": r.name,
                "scope": str(r.scope),
                "severity": str(r.severity),
                "fix": r.fix_safety(),
                "targets": sorted(r.targets) if r.targets else None,
                "default_enabled": r.default_enabled,
                "plugin": owners.get(r, "core"),
                "summary": r.summary_line(),
                "documentation": r.documentation(),
            }
            for r in rules
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    if args.format == "markdown":
        print("| code | name | scope | severity | fix | what it does |")
        print("|------|------|-------|----------|-----|--------------|")
        for r in rules:
            summary = r.summary_line().replace("|", "\\|")
            print(
                f"| {r.code} | `{r.name}` | {r.scope} | {r.severity} | "
                f"{r.fix_safety() or '-'} | {summary} |"
            )
        return 0
    from rich.console import Console

    header = ("code", "name", "scope", "severity", "fix", "plugin", "what it does")
    rows = [
        (
            r.code,
            r.name,
            str(r.scope),
            str(r.severity),
            r.fix_safety() or "-",
            owners.get(r, "core"),
            r.summary_line(),
        )
        for r in rules
    ]
    console = Console(soft_wrap=False)
    if not console.is_terminal:
        # Piped or redirected: one plain line per rule, columns aligned, nothing folded, so
        # that grep, cut and a pager all see whole rows.
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
        for row in (header, *rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            print("  ".join([*cells, row[-1]]).rstrip())
        return 0
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in header:
        table.add_column(column, overflow="fold", no_wrap=column != "what it does")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    return 0


def _rule_owners(plugins: Plugins) -> dict[type, str]:
    owners: dict[type, str] = {}
    for impl in plugins.manager.hook.ftlint_rules.get_hookimpls():
        try:
            for rule in impl.function() or ():
                owners[rule] = impl.plugin_name
        except Exception:
            continue
    return owners


def cmd_rule(args: argparse.Namespace, plugins: Plugins) -> int:
    from ftlint.engine import CORE_RULES

    rules = [*CORE_RULES, *plugins.rules()]
    if args.all:
        if args.rule:
            raise UsageError("ftlint rule: give a rule or --all, not both")
        chosen = rules
    elif not args.rule:
        raise UsageError("ftlint rule: name a rule (code or name), or pass --all")
    else:
        wanted = args.rule.strip()
        chosen = [r for r in rules if wanted.lower() == r.name or wanted.upper() == r.code.upper()]
        if not chosen:
            from ftlint.engine.select import nearest_rules

            near = nearest_rules(wanted, rules)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            print(f"ftlint: no rule named {wanted!r}{hint}; see 'ftlint rules'", file=sys.stderr)
            return EXIT_ERROR
    from rich.console import Console

    console = Console()
    for index, r in enumerate(chosen[:1] if not args.all else chosen):
        header = f"# {r.name} ({r.code})\n\nScope: {r.scope} · severity: {r.severity}"
        header += f" · fix: {r.fix_safety() or 'none'}"
        if r.targets:
            header += f" · targets: {', '.join(sorted(r.targets))}"
        if console.is_terminal:
            from rich.markdown import Markdown

            console.print(Markdown(header + "\n\n" + r.documentation()))
        else:
            if index:
                print("\n" + "-" * 72 + "\n")
            print(header.replace("# ", "", 1) + "\n\n" + r.documentation())
    return 0


def cmd_targets(args: argparse.Namespace, plugins: Plugins) -> int:
    """``ftlint targets``: every installed target, with its formats, limits, tokenizer and
    sources (``ftlint.targets.listing``)."""
    from ftlint.targets.listing import render

    print(render(list(plugins.targets().values()), args.format))
    return 0


def cmd_plugins(args: argparse.Namespace, plugins: Plugins) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("name", "version", "distribution", "module"):
        table.add_column(column)
    for info in plugins.infos:
        table.add_row(info.name, info.version or "-", info.distribution or "-", info.module)
    Console(soft_wrap=False).print(table)
    return 0


# ---------------------------------------------------------------------------------------------


def _early_plugins(argv: Sequence[str]) -> list[str]:
    """Plugins named in the config file and with ``-p`` must be known before parsing, since
    plugins add options and commands; ``-p`` comes last so that it can block a config one."""
    explicit = None
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            explicit = Path(argv[i + 1])
        elif arg.startswith("--config="):
            explicit = Path(arg.split("=", 1)[1])
    values = list(load_config(explicit).plugins)
    for i, arg in enumerate(argv):
        if arg == "-p" and i + 1 < len(argv):
            values.append(argv[i + 1])
        elif arg.startswith("-p") and len(arg) > 2:
            values.append(arg[2:])
    return values


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is, so that it stops as Ctrl-C does: temporary files
    removed, workers stopped, nothing half written."""


def _on_sigterm(signum: int, _frame: Any) -> None:
    raise Terminated(signum)


def _interrupted(exc: KeyboardInterrupt) -> int:
    from ftlint.atomic import COMMITTED

    name, code = ("SIGTERM", 143) if isinstance(exc, Terminated) else ("SIGINT", 130)
    if COMMITTED:
        done = ", ".join(dict.fromkeys(COMMITTED))
        print(
            f"ftlint: interrupted ({name}): {done} written before it; nothing else was written",
            file=sys.stderr,
        )
    else:
        print(f"ftlint: interrupted ({name}): nothing was written", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = bool(os.environ.get("FTLINT_DEBUG"))
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _main(argv, debug)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str], debug: bool) -> int:
    from ftlint.atomic import COMMITTED

    COMMITTED.clear()  # what this run writes (main may run many times in one process)
    try:
        plugins = load_plugins(_early_plugins(argv))
        parser = build_parser(plugins, argv)
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_ERROR
        # Call every plugin's hooks now, so that a hook that raises is warned about here
        # rather than silently skipped later (the results are cached for the run).
        plugins.targets(), plugins.readers(), plugins.rules(), plugins.output_formats()
        for warning in plugins.warnings:
            print(f"ftlint: warning: {warning}", file=sys.stderr)
        plugins.warnings.clear()
        from ftlint import session

        try:
            early = session.early_exit(
                args, plugins, config_from_args
            )  # --show-settings, --show-files, --diff
            code = early if early is not None else int(args.func(args, plugins))
        finally:
            session.cleanup(args)
        return session.exit_code(args, code)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_ERROR
    except ConfigError as exc:
        print(f"ftlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        if debug:
            raise
        print(
            f"ftlint: internal error: {type(exc).__name__}: {exc}\n"
            "Please report this; set FTLINT_DEBUG=1 to see the traceback.",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

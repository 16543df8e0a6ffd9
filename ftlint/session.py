"""The parts of a ``check``/``prepare`` run around the engine that make it fit a pipeline:
the files it reads (``ftlint.discovery``), the progress bar, the baseline, how the report is
presented (grouped, quiet, silent, statistics, a hook's compact output), ``--diff``,
``--show-settings`` and ``--show-files``, and ``--exit-zero``.

The command line calls these at fixed points (``_engine`` before a run, ``render`` after it,
``_main`` around it), so that the commands themselves stay as they were.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ftlint.config import Config, ConfigError

if TYPE_CHECKING:
    from ftlint.discovery import Discovered
    from ftlint.pluginmanager import Plugins
    from ftlint.report import Report

_FOUND = "_ftlint_discovered"
#: Formats that carry the fixes on offer as edits (SARIF ``fixes``, reviewdog suggestions).
_WITH_FIXES = {"sarif", "rdjson"}
_BAR = "_ftlint_progress"


def discovered(args: argparse.Namespace) -> Discovered | None:
    return getattr(args, _FOUND, None)


def discover_paths(args: argparse.Namespace, plugins: Plugins, config: Config) -> Discovered:
    """Replace ``args.paths`` (files, folders, ``-``, nothing) by the files the run reads."""
    found = discovered(args)
    if found is not None:
        return found
    from ftlint.discovery import STDIN, discover

    raw = list(getattr(args, "paths", None) or [])
    stdin = [p for p in raw if str(p) == STDIN]
    if len(stdin) > 1:
        raise ConfigError("- (standard input) can be given once")
    if stdin and getattr(args, "fix", None) and args.command == "check":
        raise ConfigError("--fix cannot rewrite standard input; use 'ftlint prepare - -o OUT'")
    if not raw and args.command == "prepare" and not getattr(args, "stdin_filename", None):
        # writing a _prepared.jsonl beside every dataset under . is never a default
        raise ConfigError("prepare needs a PATH: a file, a folder or - (standard input)")
    if stdin and args.command == "prepare" and getattr(args, "output", None) is None:
        raise ConfigError("prepare - (standard input) needs -o/--output")
    if getattr(args, "stdin_filename", None) and not raw:
        raw.append(Path(STDIN))  # --stdin-filename alone: the input is standard input
    extensions = {ext for reader in plugins.readers() for ext in reader.extensions}
    exclude = [*config.exclude, *config.extend_exclude]
    if args.command == "prepare" and any(
        (p if hasattr(p, "is_dir") else Path(p)).is_dir() for p in raw
    ):
        # A folder prepared twice: not its own outputs. A prepared file named on the command
        # line is prepared (issue 17: prepare of its own output writes the same bytes).
        exclude.append("*_prepared.jsonl")
    found = discover(
        raw,
        extensions,
        exclude,
        stdin_filename=getattr(args, "stdin_filename", None),
    )
    setattr(args, _FOUND, found)
    args.paths = list(found.paths)
    return found


def start_progress(args: argparse.Namespace, config: Config) -> None:
    """A progress bar for this run when it may show one (``ftlint.progress``)."""
    from ftlint import display, progress

    quiet = bool(getattr(args, "quiet", False) or getattr(args, "silent", False))
    if getattr(args, "no_progress", False) or getattr(args, "diff", False):
        return
    if not progress.wanted(quiet=quiet, hook=display.in_hook()):
        return
    passes = progress.read_passes(args.command, config.applies_fixes)
    total = progress.total_bytes(args.paths) * passes
    bar = progress.Bar(total, "checking" if args.command == "check" else "preparing")
    bar.__enter__()
    setattr(args, _BAR, bar)


def stop_progress(args: argparse.Namespace) -> None:
    bar = getattr(args, _BAR, None)
    if bar is not None:
        setattr(args, _BAR, None)
        bar.__exit__(None, None, None)


def cleanup(args: argparse.Namespace) -> None:
    stop_progress(args)
    found = discovered(args)
    if found is not None:
        found.cleanup()


# -- after the run -------------------------------------------------------------------------------


def _actual_paths(args: argparse.Namespace) -> dict[str, Path]:
    found = discovered(args)
    mapping: dict[str, Path] = {}
    for path in getattr(args, "paths", None) or []:
        name = found.display_names.get(path, str(path)) if found else str(path)
        mapping[name] = Path(path)
    return mapping


def _digests(report: Report, args: argparse.Namespace, plugins: Plugins, config: Config) -> dict:
    """Record digests of every file with findings on records (for the baseline)."""
    from ftlint.baseline import record_digests
    from ftlint.engine import Engine

    wanted = {d.location.path for d in report.diagnostics if d.location.record is not None}
    if not wanted:
        return {}
    found = discovered(args)
    engine = Engine(config, plugins, display_names=found.display_names if found else None)
    digests: dict[str, dict[int, str]] = {}
    for display, path in _actual_paths(args).items():
        if display not in wanted:
            continue
        file, reader, _problems = engine.open_file(path)
        if file is None or reader is None:
            continue
        try:
            digests[display] = record_digests(reader.read(file))
        except Exception as exc:  # a reader failure is already in the report
            report.notes.append(f"{display}: baseline fingerprints incomplete ({exc})")
    return digests


def apply_baseline(report: Report, args: argparse.Namespace, plugins: Plugins,
                   config: Config) -> None:  # fmt: skip
    path = getattr(args, "baseline", None)
    if getattr(args, "write_baseline", False) and path is None:
        raise ConfigError("--write-baseline needs --baseline FILE (where to write it)")
    if path is None:
        return
    from ftlint import baseline

    digests = _digests(report, args, plugins, config)
    if getattr(args, "write_baseline", False):
        entries = baseline.entries_of(report, digests)
        baseline.write(Path(path), entries)
        total = sum(e.count for e in entries)
        print(f"ftlint: wrote {total:,} finding(s) in {len(entries):,} entries to {path}",
              file=sys.stderr)  # fmt: skip
    entries = baseline.load(Path(path))
    outcome = baseline.apply(report, entries, digests)
    if outcome.stale:
        shown = "; ".join(
            f"{e.code} {e.name} in {e.path}: {e.message[:80]}" for e in outcome.stale[:5]
        )
        more = f" and {len(outcome.stale) - 5} more" if len(outcome.stale) > 5 else ""
        report.notes.append(
            f"baseline {path}: {len(outcome.stale)} entr{'y' if len(outcome.stale) == 1 else 'ies'}"
            f" no longer found ({shown}{more}); rewrite it with --write-baseline"
        )


def present(report: Report, config: Config, plugins: Plugins, args: argparse.Namespace) -> None:
    """Everything between the finished run and its rendering."""
    from ftlint import display
    from ftlint.report import ReportOptions

    stop_progress(args)
    found = discovered(args)
    if found is not None:
        report.notes.extend(n for n in found.notes if n not in report.notes)
    apply_baseline(report, args, plugins, config)
    root = getattr(args, "project_root", None)
    report.options = ReportOptions(
        show_all=bool(getattr(args, "show_all", False)),
        quiet=bool(getattr(args, "quiet", False)),
        compact=display.in_hook(),
        figures=bool(getattr(args, "figures", False)),
        show_fixes=bool(getattr(args, "show_fixes", False)),
        project_root=str(Path(root).resolve() if root else display.find_project_root()),
    )
    if config.output_format in _WITH_FIXES and not config.applies_fixes and report.diagnostics:
        safe = [d for d in report.diagnostics if d.fix is not None and d.fix.edits]
        if safe:
            from ftlint.fixpreview import preview

            report.previews = preview(
                config, plugins, list(args.paths), found.display_names if found else {}
            )


def renders_normally(report: Report, config: Config, args: argparse.Namespace) -> bool:
    """False when the run prints something else (statistics) or nothing (``-s``)."""
    from ftlint import display

    if getattr(args, "statistics", False):
        target = getattr(args, "output_file", None)
        as_json = config.output_format in {"json", "json-lines"}
        if target is None:
            if not getattr(args, "silent", False):
                display.write_statistics(report, sys.stdout, as_json)
        else:
            import io

            from ftlint.atomic import AtomicWriter

            text = io.StringIO()
            display.write_statistics(report, text, as_json)
            with AtomicWriter(Path(target), overwrite=bool(getattr(args, "force", False))) as h:
                h.write(text.getvalue().encode("utf-8", errors="backslashreplace"))
        return False
    return not (getattr(args, "silent", False) and getattr(args, "output_file", None) is None)


def exit_code(args: argparse.Namespace, code: int) -> int:
    """``--exit-zero``: problems do not fail the run; errors of the run itself still do."""
    from ftlint.report import EXIT_PROBLEMS

    if getattr(args, "exit_zero", False) and code == EXIT_PROBLEMS:
        return 0
    return code


# -- instead of a run ----------------------------------------------------------------------------


def early_exit(
    args: argparse.Namespace, plugins: Plugins, config_from_args: Callable[..., Config]
) -> int | None:
    """``--show-settings``, ``--show-files`` and ``--diff``: a result without the usual run
    (``config_from_args`` is the command line's: options over the configuration file)."""
    if getattr(args, "show_settings", False):
        return show_settings(args, config_from_args)
    if getattr(args, "show_files", False):
        from ftlint import display

        config = config_from_args(args)
        found = discover_paths(args, plugins, config)
        display.write_files(found.paths, found.display_names, found.origins, sys.stdout)
        for note in found.notes:
            print(f"ftlint: note: {note}", file=sys.stderr)
        return 0
    if getattr(args, "diff", False):
        return diff(args, plugins, config_from_args)
    return None


def show_settings(args: argparse.Namespace, config_from_args: Callable[..., Config]) -> int:
    from ftlint import display
    from ftlint.config import load_config

    from_file = load_config(getattr(args, "config", None))
    final = config_from_args(args, load_config(getattr(args, "config", None)))
    source = from_file.source
    if source is not None and Path(source).resolve().is_relative_to(Path.cwd().resolve()):
        source = str(Path(source).resolve().relative_to(Path.cwd().resolve()))
    rows = display.settings_sources(final, from_file, Config(), source)
    extra = [
        ("config-file", source, "found" if source else "none found"),
        ("limits", final.limits(), "defaults with the settings above"),
    ]
    as_json = final.output_format in {"json", "json-lines"}
    display.write_settings(rows, extra, sys.stdout, as_json)
    return 0


def diff(
    args: argparse.Namespace, plugins: Plugins, config_from_args: Callable[..., Config]
) -> int:
    """``check --diff``: the unified diff of what ``--fix`` (and ``--unsafe-fixes``) would
    write, on standard output; nothing is changed. Exit 1 when a file would change."""
    from ftlint.fixpreview import preview

    if args.command != "check":
        raise ConfigError("--diff belongs to check")
    config = config_from_args(args)
    plugins.hook.ftlint_configure.call_historic(kwargs={"config": config})
    found = discover_paths(args, plugins, config)
    notes: list[str] = []
    previews = preview(config, plugins, found.paths, found.display_names, notes)
    if not getattr(args, "silent", False):
        for note in dict.fromkeys(notes):
            print(f"ftlint: note: {note}", file=sys.stderr)
    for item in previews.values():
        sys.stdout.write(item.unified())
    count = len(previews)
    if not getattr(args, "silent", False):
        print(
            f"ftlint: {count} file{'' if count == 1 else 's'} would be changed by --fix"
            if count
            else "ftlint: --fix would change nothing",
            file=sys.stderr,
        )
    return 1 if count else 0

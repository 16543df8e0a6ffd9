"""How a run presents itself, apart from the output format: where it runs (a pre-commit hook,
a terminal), ``--statistics`` (ruff's layout), ``--show-settings`` (each resolved value and
where it came from) and ``--show-files``.

pre-commit sets ``PRE_COMMIT=1`` in the environment of every hook it runs (its documented
hook environment); a hook's output is then compact (``ReportOptions.compact``).
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ftlint.config import Config
    from ftlint.report import Report


def in_hook(environ: dict[str, str] | None = None) -> bool:
    """Whether this run is a pre-commit hook."""
    env = os.environ if environ is None else environ
    return env.get("PRE_COMMIT") == "1"


def find_project_root(start: Path | None = None) -> Path:
    """The git work tree holding ``start`` (default: the working directory), else ``start``:
    what SARIF URIs are relative to, as GitHub code scanning resolves them."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return directory
    return here


# -- --statistics --------------------------------------------------------------------------------


def write_statistics(report: Report, stream: TextIO, as_json: bool = False) -> None:
    """One line per rule with its count, most frequent first: ``count code [*] name`` where
    ``[*]`` marks rules whose findings ``--fix`` can repair (ruff's ``--statistics``)."""
    from ftlint.grouping import rule_counts

    rows = rule_counts(report.remaining())
    if as_json:
        data = [
            {"code": code, "name": name, "count": count, "fixable": fixable}
            for code, name, count, fixable in rows
        ]
        stream.write(json.dumps(data, indent=2) + "\n")
        return
    if not rows:
        stream.write("No problems found.\n")
        return
    width = max(len(f"{count}") for _c, _n, count, _f in rows)
    code_width = max(len(code) for code, *_ in rows)
    for code, name, count, fixable in rows:
        mark = "[*] " if fixable == count else ("[-] " if fixable else "    ")
        stream.write(f"{count:>{width}}\t{code:<{code_width}}\t{mark}{name}\n")
    total = sum(count for _c, _n, count, _f in rows)
    fixable_total = sum(f for *_r, f in rows)
    text = f"Found {total:,} problem{'' if total == 1 else 's'}"
    if fixable_total:
        text += f" ([*] {fixable_total:,} fixable with --fix)"
    stream.write(text + ".\n")


# -- --show-settings -----------------------------------------------------------------------------


def settings_sources(
    final: Config, from_file: Config, default: Config, file_name: str | None
) -> list[tuple[str, Any, str]]:
    """``(setting, value, source)`` for every setting: ``command line`` when the command line
    changed it, the configuration file's path when the file set it, else ``default``."""
    rows = []
    for f in fields(final):
        if f.name in {"source", "extra"}:
            continue
        value = getattr(final, f.name)
        if value != getattr(from_file, f.name):
            source = "command line"
        elif value != getattr(default, f.name):
            source = file_name or "configuration"
        else:
            source = "default"
        rows.append((f.name.replace("_", "-"), value, source))
    for key, value in sorted(final.extra.items()):
        if value is None or value is False:
            continue
        rows.append((key.replace("_", "-"), value, "command line or plugin"))
    return rows


def _show(value: Any) -> str:
    if hasattr(value, "name") and hasattr(value, "value") and not isinstance(value, str):
        return str(value)  # an enum (fail-on)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, default=str)
    if value is None:
        return "(none)"
    return str(value)


def write_settings(
    rows: Sequence[tuple[str, Any, str]],
    extra: Sequence[tuple[str, Any, str]],
    stream: TextIO,
    as_json: bool = False,
) -> None:
    """The resolved configuration, one ``name = value  # source`` line per setting."""
    everything = [*rows, *extra]
    if as_json:
        data = {
            name: {"value": str(value) if isinstance(value, enum.Enum) else value,
                   "source": source}
            for name, value, source in everything
        }  # fmt: skip
        stream.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    width = max(len(name) for name, _v, _s in everything)
    for name, value, source in everything:
        text = f"{name:<{width}} = {_show(value)}"
        stream.write(f"{text}  # {source}\n")


def write_files(paths: Sequence[Path], names: dict[Path, str], origins: dict[Path, str],
                stream: TextIO) -> None:  # fmt: skip
    """``--show-files``: each file the run would read, and why it is in the run."""
    for path in paths:
        stream.write(f"{names.get(path, str(path))}\t{origins.get(path, 'argument')}\n")

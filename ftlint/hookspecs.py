"""The contract between ftlint and its plugins. These docstrings are the reference docs.

A plugin is a module (or object) with functions decorated ``@ftlint.hookimpl`` whose names are
the hooks below. Register it under the ``ftlint`` entry-point group::

    [project.entry-points.ftlint]
    myrules = "my_package.ftlint_plugin"

Implementations may accept any subset of a hook's arguments (pluggy passes by name). The
built-in readers, rules and output formats are plugins exactly like this one, so
``-p no:NAME`` can switch any of them off.

Keep plugin modules cheap to import: import heavy libraries inside the functions that use them.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ftlint.markers import hookspec

if TYPE_CHECKING:
    from ftlint.config import Config
    from ftlint.executor import Executor
    from ftlint.output import OutputFormat
    from ftlint.reader import Reader
    from ftlint.rule import Rule
    from ftlint.targets import Target


@hookspec(historic=True)
def ftlint_add_options(parser: argparse.ArgumentParser) -> None:
    """Add command-line options to ``check`` and ``prepare``.

    Called once per sub-command parser; use ``parser.add_argument_group("my plugin")``.
    Values reach plugins through ``ftlint_configure``.
    """


@hookspec(historic=True)
def ftlint_configure(config: Config) -> None:
    """Called once the configuration (file + command line) is final, before any file is read."""


@hookspec
def ftlint_add_commands(subparsers: Any) -> None:
    """Add sub-commands to the ``ftlint`` command line (``submit`` and ``jobs`` use this).

    ``subparsers`` is the ``argparse`` sub-parsers action; set ``func=`` on the new parser
    to a callable ``(args) -> int`` returning the exit code.
    """


@hookspec
def ftlint_readers() -> list[Reader]:
    """Return reader instances. A reader claims files by extension or by sniffing their head
    and streams ``Record`` objects with their origin (line, sheet and row, record ordinal)."""


@hookspec
def ftlint_rules() -> list[type[Rule]]:
    """Return rule classes (not instances). Import rule modules inside this function so that
    a run that does not need them does not pay for them."""


@hookspec
def ftlint_output_formats() -> list[OutputFormat]:
    """Return output formats (``text``, ``json``, ``sarif`` ...) for ``--output-format``."""


@hookspec
def ftlint_targets() -> list[Target]:
    """Return provider profiles: accepted formats, limits, BOM policy, models and prices."""


@hookspec
def ftlint_executors() -> list[Executor]:
    """Return executors: where the work units of a scan run (``--executor NAME``).

    A unit is a file or a part of one its reader can read alone (a byte range, a range of
    Parquet row groups). ``Executor.run(worker, units)`` scans each unit with
    ``worker.scan(unit)`` wherever it likes (the worker pickles to a recipe from which the
    receiving process rebuilds the engine) and yields the results in the order of the units;
    the engine merges them there, so the report is that of one pass. The built-in ``local``
    executor uses processes on this machine; ``ray`` (``ftlint[ray]``) sends units to Ray
    tasks.
    """


@hookspec
def ftlint_record_formats() -> list[Any]:
    """Return record formats (``ftlint.formats.RecordFormat`` instances): how one training
    example of a provider or trainer is recognised, read into ftlint's canonical form, written
    from it and checked. ``Target.formats`` and ``Target.write_format`` name them."""


@hookspec
def ftlint_redactors(config: Config) -> list[Any]:
    """Return redactors: functions ``(text) -> iterable of (start, end, shown)`` that find the
    values no report may show (secrets, personal data) and what to show instead
    (``sk-…9f2c``). The engine masks with every redactor of every loaded plugin whatever
    rules are selected: each finding's excerpt (before it is cut to its width), message, fix
    message and field, the reasons of dropped records and the figures; output formats mask
    what else they show of the data with ``Report.mask``. ``config`` carries the rule options
    (an allow-list of values that may show). A redactor that raises hides the whole text."""


@hookspec(firstresult=True)
def ftlint_submit(
    train_file: str, validation_file: str | None, options: dict[str, Any], config: Config
) -> int | None:
    """Submit a prepared file as a fine-tuning job; return the exit code, or ``None`` to let
    another implementation handle it. The first non-``None`` result wins."""

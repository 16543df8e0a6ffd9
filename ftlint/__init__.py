"""ftlint: lint, fix and prepare fine-tuning datasets for LLMs.

``__all__`` below is the whole public API; everything else may change. For notebooks and
scripts::

    import ftlint
    report = ftlint.check("train.jsonl", target="azure-openai")
    result = ftlint.prepare(df, fix=True)

For plugin authors: ``hookimpl``, the base classes (``Rule``, ``Accumulator``, ``Reader``,
``OutputFormat``), the data model (``Record``, ``Diagnostic``, ``Fix`` and the edits), the
shared record analyses of the public modules ``shapes``, ``conversion``, ``tokens``,
``pointer`` and ``analysis``, and ``testing`` for YAML rule cases.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ftlint._version import __version__

if TYPE_CHECKING:
    from ftlint.api import (
        PrepareResult,
        check,
        check_configured,
        config_from_args,
        configure,
        prepare,
    )
    from ftlint.atomic import AtomicWriter, OutputExists
    from ftlint.compression import ExpansionLimitExceeded
    from ftlint.config import Config, ConfigError
    from ftlint.executor import Executor, ScanWorker, WorkUnit
    from ftlint.jsonl import Streamed, pretty_json, pretty_json_pieces
    from ftlint.limits import Limits
    from ftlint.markers import hookimpl
    from ftlint.masking import Masking
    from ftlint.model import (
        Applicability,
        DeleteValue,
        Diagnostic,
        DroppedRecord,
        DropRecord,
        Edit,
        FileAction,
        FileEdit,
        Fix,
        Location,
        ReadProblem,
        Record,
        Related,
        ReplaceSpans,
        Scope,
        SetValue,
        Severity,
        TransformRecords,
    )
    from ftlint.output import OutputFormat
    from ftlint.pluginmanager import Plugins, load_plugins
    from ftlint.reader import ByteRange, Reader
    from ftlint.report import FileReport, Report, ReportOptions, format_usd, printable
    from ftlint.rule import Accumulator, FileContext, ReaderProblemRule, Rule, RuleContext
    from ftlint.targets import ModelInfo, Target, today

#: Where each public name lives. Why not plain imports: importing every module of the API
#: (the Python API's tempfile, the executor's uuid and platform ...) was a fifth of the start
#: of a pre-commit run that uses only part of it; a name's module is imported on first use
#: (PEP 562), so ``from ftlint import Rule`` costs ``ftlint.rule`` and what it needs.
_WHERE = {
    name: module
    for module, names in {
        "ftlint.api": (
            "PrepareResult", "check", "check_configured", "config_from_args", "configure",
            "prepare",
        ),
        "ftlint.atomic": ("AtomicWriter", "OutputExists"),
        "ftlint.compression": ("ExpansionLimitExceeded",),
        "ftlint.config": ("Config", "ConfigError"),
        "ftlint.executor": ("Executor", "ScanWorker", "WorkUnit"),
        "ftlint.jsonl": ("Streamed", "pretty_json", "pretty_json_pieces"),
        "ftlint.limits": ("Limits",),
        "ftlint.markers": ("hookimpl",),
        "ftlint.masking": ("Masking",),
        "ftlint.model": (
            "Applicability", "DeleteValue", "Diagnostic", "DroppedRecord", "DropRecord", "Edit",
            "FileAction", "FileEdit", "Fix", "Location", "ReadProblem", "Record", "Related",
            "ReplaceSpans", "Scope", "SetValue", "Severity", "TransformRecords",
        ),
        "ftlint.output": ("OutputFormat",),
        "ftlint.pluginmanager": ("Plugins", "load_plugins"),
        "ftlint.reader": ("ByteRange", "Reader"),
        "ftlint.report": ("FileReport", "Report", "ReportOptions", "format_usd", "printable"),
        "ftlint.rule": ("Accumulator", "FileContext", "ReaderProblemRule", "Rule", "RuleContext"),
        "ftlint.targets": ("ModelInfo", "Target", "today"),
    }.items()
    for name in names
}  # fmt: skip

#: Public modules, imported on first use (``ftlint.tokens`` loads nothing heavy until asked).
_MODULES = frozenset(
    {"analysis", "conversion", "grouping", "pointer", "shapes", "testing", "tokens"}
)

__all__ = [
    "Accumulator",
    "Applicability",
    "AtomicWriter",
    "ByteRange",
    "Config",
    "ConfigError",
    "DeleteValue",
    "Diagnostic",
    "DropRecord",
    "DroppedRecord",
    "Edit",
    "Executor",
    "ExpansionLimitExceeded",
    "FileAction",
    "FileContext",
    "FileEdit",
    "FileReport",
    "Fix",
    "Limits",
    "Location",
    "Masking",
    "ModelInfo",
    "OutputExists",
    "OutputFormat",
    "Plugins",
    "PrepareResult",
    "ReadProblem",
    "Reader",
    "ReaderProblemRule",
    "Record",
    "Related",
    "ReplaceSpans",
    "Report",
    "ReportOptions",
    "Rule",
    "RuleContext",
    "ScanWorker",
    "Scope",
    "SetValue",
    "Severity",
    "Streamed",
    "Target",
    "TransformRecords",
    "WorkUnit",
    "__version__",
    "analysis",
    "check",
    "check_configured",
    "config_from_args",
    "configure",
    "conversion",
    "format_usd",
    "grouping",
    "hookimpl",
    "load_plugins",
    "pointer",
    "prepare",
    "pretty_json",
    "pretty_json_pieces",
    "printable",
    "shapes",
    "testing",
    "today",
    "tokens",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # looked up once
        return value
    if name in _MODULES:
        return importlib.import_module(f"ftlint.{name}")
    raise AttributeError(f"module 'ftlint' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})

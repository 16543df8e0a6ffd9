"""ftlint: lint, fix and prepare fine-tuning datasets for LLMs.

The public API for plugin authors::

    from ftlint import hookimpl, Rule, Scope, Severity, Fix, Location, Diagnostic

Everything else is internal and may change.
"""

__version__ = "0.1.0"

from ftlint.api import PrepareResult, check, prepare
from ftlint.config import ConfigError
from ftlint.model import (
    Applicability,
    DeleteValue,
    Diagnostic,
    DropRecord,
    Edit,
    FileEdit,
    Fix,
    Location,
    ReadProblem,
    Record,
    Scope,
    SetValue,
    Severity,
    TransformRecords,
)
from ftlint.output import OutputFormat
from ftlint.pluginmanager import hookimpl
from ftlint.reader import ByteRange, Reader
from ftlint.report import FileReport, Report
from ftlint.rule import Accumulator, FileContext, ReaderProblemRule, Rule, RuleContext

__all__ = [
    "Accumulator",
    "Applicability",
    "ByteRange",
    "ConfigError",
    "DeleteValue",
    "Diagnostic",
    "DropRecord",
    "Edit",
    "FileContext",
    "FileEdit",
    "FileReport",
    "Fix",
    "Location",
    "OutputFormat",
    "PrepareResult",
    "ReadProblem",
    "Reader",
    "ReaderProblemRule",
    "Record",
    "Report",
    "Rule",
    "RuleContext",
    "Scope",
    "SetValue",
    "Severity",
    "TransformRecords",
    "__version__",
    "check",
    "hookimpl",
    "prepare",
]

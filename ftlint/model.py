"""The data that flows between readers, rules, the engine and the output formats.

Everything here is small, immutable where it can be, and picklable: records and diagnostics
cross process boundaries when a large file is checked in parallel.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ftlint.analysis import Analysis


class Severity(enum.IntEnum):
    """How bad a problem is. Ordered, so ``severity >= fail_level`` is meaningful.

    error: the provider rejects the file or training breaks; warning: it will hurt the model;
    info: figures (counts, tokens, cost).
    """

    INFO = 10
    WARNING = 20
    ERROR = 30

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


class Applicability(enum.Enum):
    """Whether a fix may be applied without asking (ruff's model).

    safe: meaning is kept, ``--fix`` applies it; unsafe: it may change meaning, only with
    ``--unsafe-fixes``; display-only: a suggestion that is never applied automatically.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"

    def __str__(self) -> str:
        return self.value


class Scope(enum.Enum):
    """What a rule looks at: the raw file, one record, or the whole dataset."""

    FILE = "file"
    RECORD = "record"
    DATASET = "dataset"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is. Lines, columns, records and rows are 1-based; ``field`` is a JSON
    pointer into the record (``/messages/2/content``); ``sheet`` names an XLSX sheet, whose
    row number is then in ``line``. A Parquet row has no line: ``row_group`` and ``row`` are
    its 0-based indexes as pyarrow takes them (``ParquetFile.read_row_group(row_group)``,
    then ``.slice(row, 1)``), beside its 1-based ``record`` ordinal in the file."""

    path: str
    line: int | None = None
    column: int | None = None
    record: int | None = None
    field: str | None = None
    sheet: str | None = None
    row_group: int | None = None
    row: int | None = None

    def at(self, field: str | None = None, column: int | None = None) -> Location:
        """The same place, narrowed to a field (and optionally a column)."""
        return replace(self, field=field, column=column if column is not None else self.column)

    def describe(self) -> str:
        """``path:line:column`` the way editors and terminals link it, plus record/field."""
        text = self.path
        if self.sheet:
            text += f"[{self.sheet}]"
        if self.row_group is not None:
            text += f"[row group {self.row_group}, row {self.row}]"
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        extra = []
        if self.record is not None:
            extra.append(f"record {self.record}")
        if self.field:
            extra.append(self.field)
        if extra:
            text += f" ({', '.join(extra)})"
        return text

    def to_dict(self) -> dict[str, Any]:
        data = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "record": self.record,
            "field": self.field,
            "sheet": self.sheet,
        }
        if self.row_group is not None:  # a Parquet row (older readers never set these)
            data["row_group"] = self.row_group
            data["row"] = self.row
        return data


def _location_init(
    self: Location,
    path: str,
    line: int | None = None,
    column: int | None = None,
    record: int | None = None,
    field: str | None = None,
    sheet: str | None = None,
    row_group: int | None = None,
    row: int | None = None,
) -> None:
    # The generated __init__ of a frozen dataclass calls object.__setattr__ once per field;
    # setting the slots through their descriptors does the same in half the time (a Location
    # is made for every record read).
    _SET_PATH(self, path)
    _SET_LINE(self, line)
    _SET_COLUMN(self, column)
    _SET_RECORD(self, record)
    _SET_FIELD(self, field)
    _SET_SHEET(self, sheet)
    _SET_ROW_GROUP(self, row_group)
    _SET_ROW(self, row)


_SET_PATH, _SET_LINE, _SET_COLUMN, _SET_RECORD, _SET_FIELD, _SET_SHEET, _SET_ROW_GROUP, _SET_ROW = (
    Location.__dict__[name].__set__
    for name in ("path", "line", "column", "record", "field", "sheet", "row_group", "row")
)
Location.__init__ = _location_init  # type: ignore[method-assign]


# ---------------------------------------------------------------------------------------------
# Edits: what a fix does. Record edits apply to the record named by the diagnostic's location.


@dataclass(frozen=True, slots=True)
class Edit:
    """Base class of every edit a fix can make."""


@dataclass(frozen=True, slots=True)
class SetValue(Edit):
    """Set the value at a JSON pointer inside the record (``""`` replaces the whole record)."""

    pointer: str
    value: Any


@dataclass(frozen=True, slots=True)
class ReplaceSpans(Edit):
    """Replace pieces of the string at a JSON pointer, as the record was read: each span is
    ``(start, end, replacement)`` in that string; of overlapping spans the first (in order
    of ``start``) wins. The same as ``SetValue(pointer, ReplaceSpans.applied(text, spans))``
    without holding the new text: a finding keeps its fix until the end of the run, and a
    redaction in a 16 MB answer would keep a copy of the answer."""

    pointer: str
    spans: tuple[tuple[int, int, str], ...]

    @staticmethod
    def applied(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
        """``text`` with each span replaced by its replacement."""
        parts: list[str] = []
        position = 0
        for start, end, replacement in sorted(spans):
            if start < position:
                continue
            parts.append(text[position:start])
            parts.append(replacement)
            position = end
        parts.append(text[position:])
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class DeleteValue(Edit):
    """Remove the key or list item at a JSON pointer."""

    pointer: str


@dataclass(frozen=True, slots=True)
class DropRecord(Edit):
    """Leave the record out of the output; it is listed in the report with ``reason``."""

    reason: str


@dataclass(frozen=True, slots=True)
class TransformRecords(Edit):
    """Apply ``transform`` to every record of the file (dataset-wide fixes such as appending
    a common separator to every prompt). ``transform`` takes the record data and returns a
    new object when it changes something, the same object otherwise."""

    description: str
    transform: Callable[[Any], Any]


class FileAction(enum.Enum):
    """What a ``FileEdit`` does to a file's bytes. Writing a file anew does every one of these
    by construction (UTF-8, the target's BOM policy, one object per line, no blank lines);
    the edit tells the writer that the file must be rewritten, and which of the source's
    bytes it may not keep when it rewrites a file in place."""

    STRIP_BOM = "strip-bom"
    ADD_BOM = "add-bom"
    #: From ``FileEdit.encoding`` to UTF-8.
    TRANSCODE = "transcode"
    REMOVE_BLANK_LINES = "remove-blank-lines"
    #: One object per line (a pretty-printed or concatenated source).
    REWRITE_LINES = "rewrite-lines"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class FileEdit(Edit):
    """A change to the bytes of the file rather than to a record (see ``FileAction``)."""

    action: FileAction
    encoding: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.action, FileAction):
            raise TypeError(f"FileEdit.action must be a FileAction, not {self.action!r}")


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    #: ``prepare`` applies this fix even without ``--fix``: it is what writing the canonical
    #: output means (a tabular row becomes a record, a community format the model's format).
    in_prepare: bool = False

    @classmethod
    def safe(cls, message: str, *edits: Edit) -> Fix:
        return cls(message, tuple(edits), Applicability.SAFE)

    @classmethod
    def unsafe(cls, message: str, *edits: Edit) -> Fix:
        return cls(message, tuple(edits), Applicability.UNSAFE)

    @classmethod
    def display_only(cls, message: str) -> Fix:
        return cls(message, (), Applicability.DISPLAY_ONLY)


@dataclass(slots=True)
class Related:
    """Another place a finding is about: the first copy of a duplicate, the earlier example a
    near-duplicate resembles, the training example a validation example overlaps (SARIF's
    ``relatedLocations``). ``excerpt`` is filled in by the engine when the run asks for it
    (``Config.related_excerpts``: the HTML report shows the two side by side)."""

    location: Location
    #: What that place is, for people: ``first copy``, ``training example``.
    message: str = ""
    excerpt: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location.to_dict(), "message": self.message,
                "excerpt": self.excerpt}  # fmt: skip


@dataclass(slots=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    location: Location
    fix: Fix | None = None
    excerpt: str | None = None
    #: Filled in by the engine: whether the fix was applied in this run.
    fixed: bool = False
    #: The target this finding is about (``together``...), ``None`` when it holds for every
    #: target of the run (the rule does not depend on the target). Set by the engine.
    target: str | None = None
    #: Filled in by ``prepare``: the record it is about was rejected (not written; it is in
    #: the ``<stem>_rejected.jsonl`` sidecar with this reason).
    rejected: bool = False
    #: Other places this finding is about (``Related``); empty for most findings.
    related: tuple[Related, ...] = ()

    def sort_key(self) -> tuple:
        loc = self.location
        return (
            loc.path,
            loc.sheet or "",
            loc.line if loc.line is not None else -1,
            loc.record if loc.record is not None else -1,
            loc.column or 0,
            self.code,
            self.target or "",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "message": self.message,
            "location": self.location.to_dict(),
            "fix": None
            if self.fix is None
            else {
                "applicability": str(self.fix.applicability),
                "message": self.fix.message,
                "applied": self.fixed,
            },
            "excerpt": self.excerpt,
            "rejected": self.rejected,
            "target": self.target,
            "related": [r.to_dict() for r in self.related],
        }


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(slots=True)
class ReadProblem:
    """Why a reader could not turn a piece of input into a record.

    ``kind`` names the rule that reports it (``invalid-json``, ``not-an-object``,
    ``blank-line``, ...); the reader never decides severity or wording of the final report.
    """

    kind: str
    message: str
    column: int | None = None
    #: Facts of this kind of problem that its rule reads (documented by that rule), for
    #: instance ``{"ignored_lists": ("meta",)}`` for ``records-under-key``.
    detail: dict[str, Any] | None = None


@dataclass(slots=True)
class Record:
    """One example as a reader produced it.

    ``data`` is the parsed value (normally a dict) or ``None`` when ``problem`` says why it
    could not be read. ``raw`` is the source text of the record when the reader has it (JSONL
    line, JSON text), used for excerpts and for minimal in-place rewrites.
    ``split`` is ``"train"`` or ``"valid"`` when a validation file is linked to the run.
    """

    data: Any
    location: Location
    raw: str | None = None
    problem: ReadProblem | None = None
    source_format: str = ""
    split: str = "train"
    #: False for things a reader reports that are not examples (a blank line, a header
    #: problem): they are neither written nor listed as dropped.
    is_record: bool = True
    #: The values of the shared analyses computed for this record so far (``ftlint.analysis``),
    #: keyed by the function, or by ``(function, *arguments)``. A plain dict, made with the
    #: record (as cheap as the lookups it serves are).
    analyses: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def analysis(self) -> Analysis:
        """The analyses rules share for this record, asked by function (``ftlint.analysis``)."""
        return Analysis(self)

    @property
    def index(self) -> int:
        """1-based ordinal of the record in its file."""
        return self.location.record or 0

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(slots=True)
class DroppedRecord:
    """A record that is not in the output, and why; the report lists every one."""

    location: Location
    reason: str
    code: str | None = None
    #: True when the reader could not read the record (a ``ReadProblem``); false when a fix
    #: left a readable record out.
    rejected: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "location": self.location.to_dict(),
            "reason": self.reason,
            "code": self.code,
            "rejected": self.rejected,
        }

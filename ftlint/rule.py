"""The base classes a rule plugin subclasses: ``Rule`` and, for dataset rules, ``Accumulator``.

A rule has one scope:
- file: ``check_file(file)`` sees the raw bytes (encoding, BOM, size) before any record;
- record: ``check_record(record)`` sees one example at a time;
- dataset: ``accumulator()`` returns an object with ``add(record)``, ``merge(other)`` and
  ``finish()``, so that a file split across processes gives the same result as one pass.

The docstring of a rule class is its documentation (``ftlint rule NAME``); write it with the
sections "What it does", "Why is this bad?", "Example" and "Fix safety".
"""

from __future__ import annotations

import codecs
import inspect
import io
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

from ftlint.model import (
    Applicability,
    Diagnostic,
    Fix,
    Location,
    Record,
    Related,
    Scope,
    Severity,
)

if TYPE_CHECKING:
    from ftlint.targets import Target


@dataclass
class RuleContext:
    """What a rule may know about the run: the provider target, the model, its own options."""

    target: Target
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: Free-form settings of the run (system prompt, split...), read-only for rules.
    settings: dict[str, Any] = field(default_factory=dict)
    #: Every installed target by name (a rule that names where else to train reads them).
    installed: dict[str, Target] = field(default_factory=dict)


class NotARegularFile(OSError):
    """A path that is not a regular file: ``args[0]`` says what it is."""


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


@dataclass
class FileContext:
    """One input file as the file-scope rules and the readers see it.

    File rules may set ``encoding`` (the not-utf8 rule does) so that the reader decodes with
    the real encoding; ``has_bom`` tells readers to skip the BOM.
    """

    path: Path
    display_path: str
    size: int
    head: bytes
    reader_name: str = ""
    is_text: bool = True
    encoding: str = "utf-8"
    has_bom: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    #: ``gzip``, ``bz2``, ``xz`` or ``zstd`` for a compressed input (``ftlint.compression``):
    #: ``head`` and every stream are then of the uncompressed bytes; ``size`` stays the size
    #: on disk.
    compression: str | None = None

    HEAD_SIZE: ClassVar[int] = 64 * 1024

    @classmethod
    def open(cls, path: Path, display_path: str | None = None, limits: Any = None) -> FileContext:
        """Open a regular file; anything else (a named pipe, a device, a socket) raises
        ``NotARegularFile`` before it is opened, since reading it may never end."""
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(_file_kind(info.st_mode))
        with path.open("rb") as handle:
            head = handle.read(cls.HEAD_SIZE)
            try:
                size = os.fstat(handle.fileno()).st_size
            except (OSError, AttributeError):  # a remote file (``ftlint.storage.UrlPath``)
                size = info.st_size
        compression = None
        from ftlint.compression import SUFFIXES

        if path.suffix.lower() in SUFFIXES:
            from ftlint.compression import ExpansionLimitExceeded, compression_of

            compression = compression_of(path, head)
            if compression is not None:
                context = cls(path, display_path or str(path), size, b"", compression=compression)
                context.options = {"limits": limits}
                try:
                    with context.open_binary() as stream:
                        head = stream.read(cls.HEAD_SIZE)
                except ExpansionLimitExceeded:
                    head = b""  # the reader meets the same limit and reports it
        return cls(
            path=path,
            display_path=display_path or str(path),
            size=size,
            head=head,
            has_bom=head.startswith(codecs.BOM_UTF8),
            compression=compression,
        )

    @property
    def suffix(self) -> str:
        """The lower-case suffix of what the file holds: ``.jsonl`` for ``train.jsonl.gz``."""
        if self.compression is not None:
            from ftlint.compression import inner_path

            return inner_path(self.path).suffix.lower()
        return self.path.suffix.lower()

    def open_binary(self, buffering: int = 1 << 20, *, counted: bool = True) -> BinaryIO:
        """The file's bytes as a binary stream: uncompressed when the file is compressed
        (with the run's expansion limits), else the file itself. Readers open files here;
        while a progress bar runs, what they read counts towards it (``counted``)."""
        from ftlint import progress

        if self.compression is None:
            if progress.ACTIVE is None or not counted:
                return self.path.open("rb", buffering=buffering)
            raw = progress.counted(self.path.open("rb", buffering=0))
            return io.BufferedReader(raw, buffer_size=buffering)  # type: ignore[return-value]
        from ftlint.compression import open_decompressed
        from ftlint.limits import Limits

        return open_decompressed(
            self.path, self.compression, Limits.of(self), buffering, counted=counted
        )

    def read_bytes(self) -> bytes:
        """All the (uncompressed) bytes: for readers of whole documents (JSON)."""
        with self.open_binary() as handle:
            return handle.read()

    def iter_bytes(self, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        """Stream the file's bytes (for rules that must look at all of them)."""
        with self.open_binary(counted=False) as handle:
            while chunk := handle.read(chunk_size):
                yield chunk

    def location(self, **kwargs: Any) -> Location:
        return Location(path=self.display_path, **kwargs)


class Accumulator:
    """State of a dataset rule over the records it has seen. Keep it small per record."""

    #: False when there is nothing to gather in this run (say, a rule for another kind of
    #: model): the engine then never calls ``add``, which saves a call per record.
    takes_records: bool = True

    def add(self, record: Record) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def merge(self, other: Accumulator) -> None:  # pragma: no cover - interface
        """Fold in ``other``, which saw the records that come *after* this one's."""
        raise NotImplementedError

    def finish(self) -> Iterable[Diagnostic]:  # pragma: no cover - interface
        raise NotImplementedError

    def summary(self) -> dict[str, Any]:
        """Figures this rule contributes to the report's ``summary`` (tokens, cost ...)."""
        return {}

    def example_columns(self) -> dict[str, Sequence[Any]]:
        """Per-example figures for ``Report.to_pandas()``, after ``finish``: columns of equal
        length, one value per training example in file order, with a ``record`` column (the
        record's ordinal) to join on. Empty for most rules."""
        return {}


class Rule:
    """Base class of every rule. Subclasses set the class attributes and one check method."""

    code: ClassVar[str]
    name: ClassVar[str]
    scope: ClassVar[Scope]
    severity: ClassVar[Severity] = Severity.ERROR
    #: Targets this rule applies to (``None``: all).
    targets: ClassVar[frozenset[str] | None] = None
    #: Whether the rule's findings depend on the target (its profile, its model, the shapes
    #: the model takes, its tokenizer). A run over several targets (``--target a,b``) runs a
    #: dependent rule once per target, each finding labelled with its target; an independent
    #: rule runs once and its findings hold for every target. A rule that reads
    #: ``context.target`` or ``context.model`` must say True (or set ``targets``).
    target_dependent: ClassVar[bool] = False
    #: ``ftlint submit`` repeats this rule's findings as a warning just before it uploads,
    #: whatever their severity (the model's lifecycle: the job may not run, or the trained
    #: model may not serve long).
    warn_before_upload: ClassVar[bool] = False
    #: Whether the rule runs unless selected explicitly.
    default_enabled: ClassVar[bool] = True
    #: Options and their defaults; ``[tool.ftlint.rules.NAME]`` overrides them.
    default_options: ClassVar[dict[str, Any]] = {}
    #: Names of ``ReadProblem.kind`` values this rule reports (reader-detected problems).
    problem_kinds: ClassVar[frozenset[str]] = frozenset()
    #: Record rules that report the findings of one shared per-record analysis share a group
    #: name. The engine runs the enabled rules of a group as one step, and skips the step for
    #: a record when ``quiet(record)`` of the group's first rule is true (most records).
    group: ClassVar[str | None] = None
    #: How safe this rule's fix is (``None``: the rule offers no fix). Documentation and
    #: ``ftlint rules`` read it; each ``Fix`` still carries its own applicability.
    fix_applicability: ClassVar[Applicability | None] = None
    #: What a provider's error says when it refuses a file for this rule's reason (a regular
    #: expression, case-insensitive; empty: nothing). ``ftlint submit`` names the rules whose
    #: pattern matches, so a refusal points at the check that finds the problem.
    provider_error: ClassVar[str] = ""
    #: A vaguer pattern, tried only when no rule's ``provider_error`` matched.
    provider_error_fallback: ClassVar[str] = ""

    def __init__(self, context: RuleContext) -> None:
        self.context = context
        self.options = {**self.default_options, **context.options}
        #: The target this instance runs for in a run over several targets, ``None`` for a
        #: rule that runs once for all of them (set by the engine).
        self.for_target: str | None = None

    @classmethod
    def depends_on_target(cls) -> bool:
        """True when the engine must run this rule once per target of the run."""
        return cls.target_dependent or cls.targets is not None

    @property
    def key(self) -> str:
        """What names this rule instance in a run: its code, with its target when it runs
        once per target (``FT601@together``)."""
        return self.code if self.for_target is None else f"{self.code}@{self.for_target}"

    # -- helpers ---------------------------------------------------------------------------
    def diagnostic(
        self,
        message: str,
        location: Location,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
        excerpt: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            name=self.name,
            severity=self.severity if severity is None else severity,
            message=message,
            location=location,
            fix=fix,
            excerpt=excerpt,
            related=related,
        )

    # -- scopes ----------------------------------------------------------------------------
    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        return ()

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        return ()

    def accumulator(self) -> Accumulator:
        raise TypeError(f"{type(self).__name__} is not a dataset rule")

    def preload(self, input_size: int) -> None:
        """Called once before a parallel scan starts its worker processes, with the bytes
        about to be scanned: import or load here what the checks will use on an input that
        large, so that each forked worker inherits it instead of loading it again (two
        workers importing numpy cost twice its ~0.1 s). Nothing by default; never called for
        a scan in one process, where the checks load what they need when they need it."""

    def quiet(self, record: Record) -> bool:
        """For a rule of a ``group``: true when no rule of the group reports anything on
        ``record``. A cheap test (the shared analysis, computed once per record); false
        whenever in doubt."""
        return False

    # -- documentation ---------------------------------------------------------------------
    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "(no documentation)")

    @classmethod
    def summary_line(cls) -> str:
        doc = cls.documentation()
        lines = [line.strip() for line in doc.splitlines()]
        # First sentence after "What it does", else the first line.
        for i, line in enumerate(lines):
            if line.lower().startswith("## what it does") or line.lower() == "what it does":
                paragraph: list[str] = []
                for nxt in lines[i + 1 :]:
                    if nxt.startswith("#") or (not nxt and paragraph):
                        break
                    if nxt:
                        paragraph.append(nxt)
                if paragraph:  # the first sentence, even when the docstring wraps it
                    text = " ".join(paragraph)
                    end = re.search(r"[.!?](?=\s)", text)
                    return text[: end.end()] if end else text
        return next((line for line in lines if line and not line.startswith("#")), "")

    @classmethod
    def fix_safety(cls) -> str | None:
        """The applicability of this rule's fix, declared as ``fix_applicability``."""
        value = cls.fix_applicability
        return None if value is None else str(value)


class ReaderProblemRule(Rule):
    """A record rule that reports problems the reader found (``ReadProblem``).

    Subclasses only set ``problem_kinds`` (defaulting to their own name), code, severity and
    the docstring; wording and location come from the reader.
    """

    scope: ClassVar[Scope] = Scope.RECORD

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("problem_kinds") and "name" in cls.__dict__:
            cls.problem_kinds = frozenset({cls.name})

    def make_fix(self, record: Record) -> Fix | None:
        """The fix offered for this problem; ``None`` when there is none."""
        return None

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        problem = record.problem
        if problem is None or problem.kind not in self.problem_kinds:
            return
        location = record.location
        if problem.column is not None:
            location = location.at(field=location.field, column=problem.column)
        yield self.diagnostic(problem.message, location, fix=self.make_fix(record))

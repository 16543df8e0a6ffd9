"""What every built-in reader shares about hostile input: the record a refusal becomes (a
piece of input over one of the run's ``Limits``, ``exceeds-limit``), and the notice that a file
holding content has no example at all (``no-examples``)."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator

from ftlint import ExpansionLimitExceeded, FileContext, Location, ReadProblem, Record

#: Whitespace (and a byte-order mark) that does not make a file hold content.
_BLANK = b" \t\r\n\x0b\x0c"


#: Problems that already say why a file gave no example (a notice would repeat them).
_SAID = frozenset({"unknown-sheet", "unreadable-workbook", "exceeds-limit", "missing-column"})


def over_limit(
    location: Location, message: str, source_format: str, is_record: bool = True,
    column: int | None = None,
) -> Record:  # fmt: skip
    """A piece of input refused for a limit: it is reported (``exceeds-limit``) and, when it
    is a record, counted as read and rejected. It has no ``raw``: its text was not kept."""
    return Record(
        data=None,
        location=location,
        raw=None,
        problem=ReadProblem("exceeds-limit", message, column),
        source_format=source_format,
        is_record=is_record,
    )


def expansion_guarded(
    file: FileContext, records: Iterable[Record], source_format: str
) -> Iterator[Record]:
    """``records`` of a compressed file, ended by an ``exceeds-limit`` notice (at the last
    place read) when the stream expands past ``--max-expanded-size`` or
    ``--max-compression-ratio``, or turns out damaged: the records before it are kept."""
    last = Location(path=file.display_path)
    try:
        for record in records:
            last = record.location
            yield record
    except ExpansionLimitExceeded as exc:
        yield over_limit(last, str(exc), source_format, is_record=False)


def _has_content(file: FileContext) -> bool:
    head = file.head
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom) :]
    return bool(head.strip(_BLANK).strip(b"\x00")) or len(file.head) >= file.HEAD_SIZE


def with_no_examples(
    file: FileContext, records: Iterable[Record], what: str, source_format: str
) -> Iterator[Record]:
    """``records``, then a ``no-examples`` notice when none of them was a record although the
    file holds content (a blank file is the empty-file rule's). ``what`` says what the file
    holds instead (``an empty JSON array``)."""
    seen = False
    for record in records:
        problem = record.problem
        seen = seen or record.is_record or (problem is not None and problem.kind in _SAID)
        yield record
    if not seen and _has_content(file):
        yield Record(
            data=None,
            location=Location(path=file.display_path),
            problem=ReadProblem("no-examples", f"no examples: the file holds {what}"),
            source_format=source_format,
            is_record=False,
        )


def size_text(size: int) -> str:
    """``16 MB``, ``1 GiB``, ``512 bytes``: how limits are shown in messages."""
    for unit, name in ((1 << 30, "GiB"), (10**9, "GB"), (1 << 20, "MiB"), (10**6, "MB")):
        if size >= unit and size % unit == 0:
            return f"{size // unit} {name}"
    if size >= 10**6:
        return f"{size / 10**6:.1f} MB"
    return f"{size:,} bytes"

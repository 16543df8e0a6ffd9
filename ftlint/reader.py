"""The base class of reader plugins: a reader claims files and streams their records.

A reader never decides what is wrong with the data beyond "I could not read this": it yields
``Record`` objects, some of them carrying a ``ReadProblem`` whose ``kind`` names the rule that
reports it (``invalid-json``, ``blank-line``, ``missing-column`` ...). Rules do the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, ClassVar, Protocol

from ftlint.model import Location, Record
from ftlint.rule import FileContext


@dataclass(frozen=True)
class ByteRange:
    """A slice of a line-oriented file for parallel reading: ``[start, end)`` in bytes, the
    line number of its first line and the ordinal of its first record (both 1-based)."""

    start: int
    end: int
    first_line: int
    first_record: int


class Reader:
    """Base class of reader plugins."""

    #: Short name (``jsonl``, ``csv`` ...), shown in reports and accepted by ``--format``.
    name: ClassVar[str]
    #: Lower-case file suffixes this reader claims, with the dot.
    extensions: ClassVar[tuple[str, ...]] = ()
    #: False for binary containers (XLSX): encoding and BOM rules then do not apply.
    is_text: ClassVar[bool] = True
    #: Whether ``read`` accepts a ``ByteRange`` (line-oriented formats can be split).
    splittable: ClassVar[bool] = False
    #: Whether ``check --fix`` may rewrite this reader's files in place: one record per line
    #: with ``Record.raw`` the exact line, so that unchanged lines keep their bytes. Other
    #: formats are fixed by writing a new file with ``prepare``.
    rewrites_in_place: ClassVar[bool] = False
    #: Whether ``open_writer`` writes this format: ``prepare -o NAME<extension>`` then writes
    #: the prepared records in it (JSONL, the default output, is written by the engine).
    writes: ClassVar[bool] = False

    def claims(self, file: FileContext) -> int:
        """How sure this reader is that it can read ``file``: 0 (no) to 100 (certain).

        The default claims by extension (of what is compressed: ``.csv`` for ``qa.csv.gz``);
        readers may also sniff ``file.head``.
        """
        return 50 if file.suffix in self.extensions else 0

    def read(self, file: FileContext, byte_range: ByteRange | None = None) -> Iterator[Record]:
        raise NotImplementedError(f"reader {self.name} does not implement read()")

    def split(self, file: FileContext, parts: int) -> list[Any] | None:
        """Cut the file into up to ``parts`` ranges for parallel reading, or ``None``. A
        range is what ``read`` takes as its second argument: a ``ByteRange`` for
        line-oriented formats, the reader's own picklable type otherwise (row groups)."""
        return None

    def estimate_records(self, file: FileContext) -> int | None:
        """About how many records ``file`` holds, cheaply (from ``file.head`` or metadata),
        or None when unknown. The engine splits a splittable file across workers when it is
        large in bytes or, by this estimate, in records: with short examples the rules'
        work per record, not the bytes, is most of a check."""
        return None

    def locate(self, file: FileContext, location: Location) -> Location:
        """``location`` with what the reader adds to a record ordinal (a Parquet row group
        and row): dataset rules rebuild their locations from path, line and record only."""
        return location

    def open_writer(self, handle: BinaryIO) -> RecordWriter:
        """A writer of prepared records to the binary ``handle`` (when ``writes``)."""
        raise NotImplementedError(f"reader {self.name} does not write files")


class RecordWriter(Protocol):
    """What ``Reader.open_writer`` returns: ``write`` each record (a JSON object) in order,
    then ``close`` (which finishes the file), or ``discard`` when the output is abandoned."""

    def write(self, record: Any) -> None: ...

    def close(self) -> None: ...

    def discard(self) -> None: ...

"""The base class of reader plugins: a reader claims files and streams their records.

A reader never decides what is wrong with the data beyond "I could not read this": it yields
``Record`` objects, some of them carrying a ``ReadProblem`` whose ``kind`` names the rule that
reports it (``invalid-json``, ``blank-line``, ``missing-column`` ...). Rules do the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from ftlint.model import Record
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

    def claims(self, file: FileContext) -> int:
        """How sure this reader is that it can read ``file``: 0 (no) to 100 (certain).

        The default claims by extension (of what is compressed: ``.csv`` for ``qa.csv.gz``);
        readers may also sniff ``file.head``.
        """
        return 50 if file.suffix in self.extensions else 0

    def read(self, file: FileContext, byte_range: ByteRange | None = None) -> Iterator[Record]:
        raise NotImplementedError(f"reader {self.name} does not implement read()")

    def split(self, file: FileContext, parts: int) -> list[ByteRange] | None:
        """Cut the file into up to ``parts`` ranges for parallel reading, or ``None``."""
        return None

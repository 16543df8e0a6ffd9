"""CSV and TSV readers: the standard library's ``csv`` module, streamed, with physical lines.

The delimiter comes from the extension (``.csv`` comma, ``.tsv`` / ``.tab`` tab) and is
confirmed on the head of the file: a ``.csv`` that is really semicolon- or tab-separated (a
European Excel export) is read with its real delimiter, with a ``delimiter-mismatch`` notice.

The file is decoded with ``file.encoding`` (the not-utf8 rule sets it to the real encoding
before reading) with ``errors="replace"``, and split into physical lines the way an editor
counts them (``\\n``, ``\\r\\n`` and a bare ``\\r``). ``csv.reader`` reports the line a row
*ends* on; a row starts on the line after the previous row ended, which gives every record the
line its first cell is on, even after cells that hold newlines. pandas is not used: it neither
streams rows nor knows their physical lines.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar

from ftlint.plugins.reading import expansion_guarded, size_text, with_no_examples

from ftlint import (
    ByteRange,
    FileContext,
    Limits,
    Location,
    Reader,
    ReadProblem,
    Record,
    hookimpl,
)  # fmt: skip

#: Delimiters a mislabelled file may really use, in order of preference on a tie.
CANDIDATES = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
#: A single cell may be as large as this (the csv module's default, 128 KiB, is too small
#: for the long answers of real data sets).
FIELD_LIMIT = 1 << 30
#: How much of the head the delimiter check looks at.
SNIFF_CHARS = 32 * 1024


def _is_utf8(encoding: str) -> bool:
    return encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig", "u8")


def text_encoding(file: FileContext) -> str:
    """The codec to open the file with: a UTF-8 BOM is consumed by ``utf-8-sig``."""
    if _is_utf8(file.encoding):
        return "utf-8-sig" if file.has_bom else "utf-8"
    return file.encoding


def _decoded_head(file: FileContext) -> tuple[str, bool]:
    """The head as text, cut at its last line break when the file goes on after it."""
    try:
        text = file.head.decode(text_encoding(file), errors="replace")
    except LookupError:
        text = file.head.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff")
    truncated = len(file.head) >= file.HEAD_SIZE or len(text) > SNIFF_CHARS
    text = text[:SNIFF_CHARS]
    if truncated:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut > 0:
            text = text[: cut + 1]
    return text, truncated


def _shape(sample: str, delimiter: str, truncated: bool) -> tuple[int, float]:
    """Header width and the share of non-empty rows that have that width."""
    import csv  # here and below: a run that reads no CSV or TSV does not import it

    try:
        rows = [
            row
            for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error:
        return 0, 0.0
    if truncated and len(rows) > 2:
        rows.pop()  # may be cut inside a quoted cell
    if not rows:
        return 0, 0.0
    width = len(rows[0])
    return width, sum(1 for row in rows if len(row) == width) / len(rows)


def choose_delimiter(sample: str, expected: str, truncated: bool = False) -> str:
    """The delimiter the file really uses: the expected one unless another one, sniffed by
    ``csv.Sniffer`` or tried among the usual ones, splits the head into a consistent table
    of two columns or more where the expected one does not."""
    import csv

    width, consistency = _shape(sample, expected, truncated)
    if width >= 2 and consistency >= 0.9:
        return expected
    candidates: list[str] = []
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(CANDIDATES)).delimiter
        candidates.append(sniffed)
    except csv.Error:
        pass
    candidates.extend(d for d in CANDIDATES if d not in candidates)
    best, best_key = expected, (consistency if width >= 2 else 0.0, 0)
    for rank, delimiter in enumerate(candidates):
        if delimiter == expected:
            continue
        other_width, other_consistency = _shape(sample, delimiter, truncated)
        if other_width < 2 or other_consistency < 0.9:
            continue
        key = (other_consistency, -rank)
        if key > best_key:
            best, best_key = delimiter, key
    return best


class _PhysicalLines:
    """Iterates the lines of a text stream opened with ``newline=""`` (so ``\\r``, ``\\n``
    and ``\\r\\n`` each end one line, kept as they are); drops a BOM at the very start."""

    def __init__(self, handle: Iterable[str]) -> None:
        self._lines = iter(handle)
        self._first = True

    def __iter__(self) -> _PhysicalLines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        if self._first:
            self._first = False
            line = line.lstrip("\ufeff")
        return line


class RowRenderer:
    """Renders a row as it would be written in the file (quoted where needed), for excerpts.
    One buffer and writer serve the whole file; long cells are cut first."""

    def __init__(self, delimiter: str) -> None:
        import csv

        from ftlint.plugins.columns_map import RAW_LIMIT

        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, delimiter=delimiter, lineterminator="")
        self._limit = RAW_LIMIT

    def __call__(self, cells: Sequence[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow([cell[: self._limit] for cell in cells])
        return self._buffer.getvalue()


class DelimitedReader(Reader):
    """Base of the CSV and TSV readers; subclasses set the name, extensions and delimiter."""

    delimiter: ClassVar[str] = ","

    def read(self, file: FileContext, byte_range: ByteRange | None = None) -> Iterator[Record]:
        if file.compression is not None:
            yield from expansion_guarded(file, self._read(file), self.name)
            return
        yield from self._read(file)

    def _read(self, file: FileContext) -> Iterator[Record]:
        sample, truncated = _decoded_head(file)
        delimiter = choose_delimiter(sample, self.delimiter, truncated)
        if delimiter != self.delimiter:
            suffix = file.suffix or "(no extension)"
            yield Record(
                data=None,
                location=Location(path=file.display_path, line=1),
                problem=ReadProblem(
                    "delimiter-mismatch",
                    f"this {suffix} file is {_NAMES[delimiter]}-separated, not "
                    f"{_NAMES[self.delimiter]}-separated; it was read with the "
                    f"{_NAMES[delimiter]} as delimiter",
                ),
                source_format=self.name,
                is_record=False,
            )
        what = "a header and no row with content"
        yield from with_no_examples(file, self._rows(file, delimiter), what, self.name)

    def _rows(self, file: FileContext, delimiter: str) -> Iterator[Record]:
        # A cell over the record size limit is refused by the csv module itself, which then
        # reads on from the next line (the module's limit is global: set for every file).
        import csv

        # The column mapper (and its dataclasses) only for a run that reads a table.
        from ftlint.plugins.columns_map import TableMapper

        cell_limit = min(FIELD_LIMIT, Limits.of(file).max_record_size)
        csv.field_size_limit(cell_limit)
        mapper = TableMapper(file, self.name, render=RowRenderer(delimiter))
        try:
            handle = io.TextIOWrapper(
                file.open_binary(), encoding=text_encoding(file), errors="replace", newline=""
            )
        except LookupError:  # an encoding name Python does not know: read as UTF-8
            handle = io.TextIOWrapper(
                file.open_binary(), encoding="utf-8", errors="replace", newline=""
            )
        with handle:
            reader = csv.reader(_PhysicalLines(handle), delimiter=delimiter, quotechar='"')
            end = 0
            header_seen = False
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    start, end = end + 1, reader.line_num
                    if header_seen:
                        mapper.records += 1
                    kind, message = "malformed-row", f"row cannot be read: {exc}"
                    if "field larger than field limit" in str(exc):
                        kind = "exceeds-limit"
                        message = (
                            f"a cell larger than the record size limit ({size_text(cell_limit)}"
                            ", --max-record-size); the row is skipped without being read"
                        )
                    yield Record(
                        data=None,
                        location=Location(
                            path=file.display_path,
                            line=start,
                            record=mapper.records if header_seen else None,
                        ),
                        problem=ReadProblem(kind, message),
                        source_format=self.name,
                        is_record=header_seen,
                    )
                    continue
                start, end = end + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    if header_seen:
                        yield mapper.empty_row(start)
                    continue
                if not header_seen:
                    header_seen = True
                    yield from mapper.start(cells, start)
                    continue
                yield from mapper.row(cells, start, end)
            yield from mapper.end()


class CsvReader(DelimitedReader):
    name = "csv"
    extensions = (".csv",)
    delimiter = ","


class TsvReader(DelimitedReader):
    name = "tsv"
    extensions = (".tsv", ".tab")
    delimiter = "\t"


@hookimpl
def ftlint_readers() -> list[Reader]:
    return [CsvReader(), TsvReader()]

"""XLSX reader: openpyxl in read-only streaming mode, every sheet or ``--sheet NAME``.

Cached values are read (``data_only=True``): a formula cell gives what Excel last computed.
Values become the text a person sees in the cell: integers without ``.0``, floats without
binary noise (15 significant digits, as Excel shows them), percentages and fixed decimals from
the cell's number format, dates ``2024-05-01``, date-times ``2024-05-01 13:45``, booleans
``TRUE`` / ``FALSE``. Each sheet's header is its first non-empty row; rows are numbered as in
the spreadsheet (``Location.line``, with ``Location.sheet``). openpyxl is imported only when a
workbook is read.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ftlint.plugins.reading import size_text, with_no_examples

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

if TYPE_CHECKING:
    from ftlint.plugins.columns_map import TableMapper

_ZIP_MAGIC = b"PK\x03\x04"
_DECIMALS = re.compile(r"0\.(0+)")
#: Integers stored as floats are shown whole up to this size (Excel's 15-digit precision).
_EXACT_LIMIT = 10**15


def _strip_literals(number_format: str) -> str:
    """The format without quoted text, escaped characters and colour/condition brackets."""
    text = re.sub(r'"[^"]*"', "", number_format)
    text = re.sub(r"\\.", "", text)
    return re.sub(r"\[[^\]]*\]", "", text)


def format_number(value: float | int, number_format: str | None = "General") -> str:
    """A number as a spreadsheet shows it, for the formats that matter in text data."""
    section = _strip_literals((number_format or "General").split(";")[0])
    if re.search(r"[eE][+-]|@|/", section):
        section = "General"  # scientific, text and fraction formats: the plain number
    if "%" in section:
        value = value * 100
    decimals_match = _DECIMALS.search(section)
    if decimals_match is not None or (section.strip("#,%") in ("0", "") and "0" in section):
        decimals = len(decimals_match.group(1)) if decimals_match else 0
        grouping = "," if "#,##" in section or "0,0" in section else ""
        text = f"{value:{grouping}.{decimals}f}"
    elif isinstance(value, int):
        text = str(value)
    elif value.is_integer() and abs(value) < _EXACT_LIMIT:
        text = str(int(value))
    else:
        text = f"{value:.15g}"
    return text + "%" if "%" in section else text


def _time_text(value: dt.time | dt.datetime, with_seconds: bool) -> str:
    text = f"{value.hour:02d}:{value.minute:02d}"
    if with_seconds or value.second:
        text += f":{value.second:02d}"
    return text


def format_value(value: Any, number_format: str | None = None) -> str:
    """Any cell value as the text a person sees in the cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    fmt = (number_format or "General").lower()
    shows_time = "h" in fmt or "ss" in fmt
    if isinstance(value, dt.datetime):
        midnight = value.time() == dt.time(0)
        if midnight and not shows_time:
            return value.date().isoformat()
        return f"{value.date().isoformat()} {_time_text(value, 'ss' in fmt)}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return _time_text(value, "ss" in fmt)
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if isinstance(value, (int, float)):
        return format_number(value, number_format)
    return str(value)


def _cell_text(cell: Any) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    return format_value(value, getattr(cell, "number_format", None))


def _row_cells(row: tuple) -> list[str]:
    """A row as strings, without its trailing empty cells."""
    cells = [_cell_text(cell) for cell in row]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _quiet_rows(worksheet: Any) -> Iterator[tuple[int, tuple]]:
    """``(row number, cells)`` of a sheet, with openpyxl's style warnings silenced per step
    (a ``catch_warnings`` block must not stay open across a ``yield``)."""
    rows = worksheet.iter_rows(min_row=1)
    number = 0
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                row = next(rows)
            except StopIteration:
                return
        number += 1
        yield number, row


class XlsxReader(Reader):
    name = "xlsx"
    extensions = (".xlsx", ".xlsm")
    is_text = False

    def claims(self, file: FileContext) -> int:
        if file.compression is not None:
            return 0  # a zip archive is read in place, not from a stream
        if file.suffix in self.extensions:
            return 60
        head = file.head
        if head.startswith(_ZIP_MAGIC) and b"xl/" in head:
            return 30  # an Office Open XML workbook under another name
        return 0

    def _problem(self, file: FileContext, kind: str, message: str, **where: Any) -> Record:
        return Record(
            data=None,
            location=Location(path=file.display_path, **where),
            problem=ReadProblem(kind, message),
            source_format=self.name,
            is_record=False,
        )

    def read(self, file: FileContext, byte_range: ByteRange | None = None) -> Iterator[Record]:
        what = "a workbook without a row of content under a header"
        yield from with_no_examples(file, self._read(file), what, self.name)

    def _read(self, file: FileContext) -> Iterator[Record]:
        from openpyxl import load_workbook

        refusal = archive_refusal(file)
        if refusal is not None:
            yield self._problem(file, "exceeds-limit", refusal)
            return
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                workbook = load_workbook(file.path, read_only=True, data_only=True)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            hint = ""
            if not file.head.startswith(_ZIP_MAGIC):
                hint = " (not a zip archive: an old .xls, a password-protected or a renamed file?)"
            yield self._problem(
                file,
                "unreadable-workbook",
                f"not a readable XLSX workbook{hint}: {reason}",
            )
            return
        try:
            yield from self._read_workbook(file, workbook)
        finally:
            workbook.close()

    def _read_workbook(self, file: FileContext, workbook: Any) -> Iterator[Record]:
        sheets = list(workbook.worksheets)
        names = [sheet.title for sheet in sheets]
        wanted = (file.options or {}).get("sheet")
        if wanted:
            chosen = [s for s in sheets if s.title == wanted]
            if not chosen:
                folded = str(wanted).strip().casefold()
                chosen = [s for s in sheets if s.title.strip().casefold() == folded][:1]
            if not chosen:
                listed = ", ".join(repr(n) for n in names) or "(none)"
                yield self._problem(
                    file,
                    "unknown-sheet",
                    f"no sheet {wanted!r} in the workbook; its sheets are: {listed}",
                )
                return
            sheets = chosen
        several = len(names) > 1 and not wanted
        # The column mapper (and its dataclasses) only for a run that reads a workbook.
        from ftlint.plugins.columns_map import TableMapper, column_letter

        mapper = TableMapper(
            file,
            self.name,
            column_name=column_letter,
            report_short_rows=False,
            command_extra=lambda sheet: f" --sheet {_shell(sheet)}" if several and sheet else "",
        )
        for sheet in sheets:
            yield from self._read_sheet(file, sheet, mapper)

    def _read_sheet(self, file: FileContext, sheet: Any, mapper: TableMapper) -> Iterator[Record]:
        title = sheet.title
        sheet.reset_dimensions()  # the stored dimension may be wrong: read every row
        header_seen = False
        number = 0
        try:
            for number, row in _quiet_rows(sheet):
                cells = _row_cells(row)
                if not any(cell.strip() for cell in cells):
                    if header_seen:
                        yield mapper.empty_row(number)
                    continue
                if not header_seen:
                    header_seen = True
                    yield from mapper.start(cells, number, sheet=title)
                    continue
                yield from mapper.row(cells, number)
            yield from mapper.end()
        except Exception as exc:
            yield self._problem(
                file,
                "unreadable-workbook",
                f"sheet {title!r} could not be read after row {number}: "
                f"{type(exc).__name__}: {exc}",
                line=number or None,
                sheet=title,
            )


def archive_refusal(file: FileContext) -> str | None:
    """Why the workbook is not opened at all: its parts, by the sizes its zip directory
    declares (Python's zipfile never inflates a member past its declared size), expand to
    more than ``--max-expanded-size`` or one part compresses more than
    ``--max-compression-ratio`` to 1 (a zip bomb; 48 million shared strings). None when it
    may be read, or when it is not a zip archive at all (openpyxl then says what it is)."""
    import zipfile

    limits = Limits.of(file)
    try:
        with zipfile.ZipFile(file.path) as archive:
            members = archive.infolist()
    except Exception:
        # Not a zip archive this module can read (a damaged directory; "zip file version
        # 8.4" is a NotImplementedError): openpyxl then says what it is.
        return None
    total = sum(member.file_size for member in members)
    if total > limits.max_expanded_size:
        return (
            f"the workbook expands to {total:,} bytes, more than the limit of "
            f"{size_text(limits.max_expanded_size)} (--max-expanded-size); not read"
        )
    for member in members:
        if member.file_size < limits.RATIO_FLOOR:
            continue
        ratio = member.file_size / max(1, member.compress_size)
        if ratio > limits.max_compression_ratio:
            return (
                f"its part {member.filename} expands {ratio:,.0f} times (from "
                f"{member.compress_size:,} to {member.file_size:,} bytes), more than the limit "
                f"of {limits.max_compression_ratio:,} (--max-compression-ratio); not read"
            )
    return None


def _shell(text: str) -> str:
    import shlex

    return shlex.quote(text)


@hookimpl
def ftlint_readers() -> list[Reader]:
    return [XlsxReader()]

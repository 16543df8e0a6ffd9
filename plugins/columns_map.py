"""Turning the rows of a table (CSV, TSV, XLSX sheet) into records, shared by the tabular readers.

A table's header decides which column feeds which output field. ``prompt`` and ``completion``
are found by name, case-insensitively (the legacy ``openai tools fine_tunes.prepare_data``
behaviour); ``--map FIELD=COLUMN`` (``file.options["column_map"]``) names the column of any
output field instead. Supported fields:

- ``prompt`` and ``completion``: required, the prompt/completion example;
- any other field name (``--map system=Context`` for instance) is carried into the record as
  one more string field, for the rules and conversions that know it. Only ``prompt`` and
  ``completion`` are required;
- a table without them whose columns are Alpaca's (``instruction`` and ``output``, or
  ``response`` / ``answer``, with an optional ``input`` and ``system``), by name or by
  ``--map``, is read as Alpaca records, as the JSON form of the same data is: the conversion
  to the model's format (``community-format``) is then the same for both.

What the header cannot give is reported once per table (``missing-column`` at the header
line, then every data row is an ``unmapped-row`` problem so that ``prepare`` lists it as
dropped); unused columns are reported once (``extra-column``); rows with cells beyond the
header, or missing named cells, are reported (``ragged-row``) and still mapped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ftlint import FileContext, Location, ReadProblem, Record

#: Output fields every tabular record needs, in output order.
REQUIRED_FIELDS = ("prompt", "completion")
#: Alpaca's columns: the instruction and the answer are needed, the others optional.
ALPACA_REQUIRED = ("instruction", "output")
ALPACA_ANSWERS = ("output", "response", "answer")
ALPACA_OPTIONAL = ("input", "system", "history")
#: Length of a record's ``raw`` rendering (it is only used for excerpts).
RAW_LIMIT = 200

# Header names that usually hold each field, best first: used only to suggest a --map command.
_PROMPT_HINTS = (
    "prompt", "question", "instruction", "query", "input", "text", "ask", "content",
    "description", "body", "title", "request", "message", "user", "human", "source", "context",
    "pregunta", "frage", "domanda", "问题", "提问", "질문",
)  # fmt: skip
_COMPLETION_HINTS = (
    "completion", "answer", "response", "output", "reply", "label", "target", "class",
    "category", "assistant", "gpt", "reponse", "respuesta", "antwort", "risposta", "resposta",
    "答案", "回答", "답변",
)  # fmt: skip


def clean_header(cell: str) -> str:
    """A header cell as written, without surrounding whitespace or a stray BOM."""
    return cell.replace("\ufeff", "").strip()


def _fold(name: str) -> str:
    """Case- and accent-insensitive form of a header, for matching and suggestions."""
    import unicodedata  # here, as shlex below: a run that reads no table needs neither

    text = unicodedata.normalize("NFKD", clean_header(name).casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def column_number(index: int) -> str:
    """How a CSV/TSV column is named when its header is empty: ``#3`` (1-based)."""
    return f"#{index + 1}"


def column_letter(index: int) -> str:
    """Spreadsheet column letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class Mapping:
    """Which column feeds which field, for one table."""

    header: list[str]
    fields: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    #: Problems with ``--map`` values, e.g. a column name that is not in the header.
    map_errors: list[str] = field(default_factory=list)
    unused: list[int] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    #: The table holds Alpaca records (``instruction`` / ``input`` / ``output`` columns).
    alpaca: bool = False

    @property
    def complete(self) -> bool:
        return not self.missing


def _find_column(header: Sequence[str], wanted: str, taken: set[int]) -> int | None:
    """Index of the column called ``wanted``: exact first, then case/accent-insensitive."""
    for i, name in enumerate(header):
        if name == wanted and i not in taken:
            return i
    folded = _fold(wanted)
    for i, name in enumerate(header):
        if _fold(name) == folded and i not in taken:
            return i
    return None


def build_mapping(header_cells: Sequence[str], column_map: dict[str, str] | None) -> Mapping:
    """Decide the columns of each output field from the header and the ``--map`` options."""
    header = [clean_header(c) for c in header_cells]
    mapping = Mapping(header=header)
    column_map = {str(k).strip(): str(v) for k, v in (column_map or {}).items() if str(k).strip()}
    used: set[int] = set()
    # Explicit --map entries first: they win over a column that happens to be called "prompt".
    for field_name, column in column_map.items():
        index = _find_column(header, clean_header(column), set())
        if index is None:
            mapping.map_errors.append(f"--map {field_name}={column}: no column {column!r}")
            continue
        mapping.fields[field_name] = index
        used.add(index)
    for field_name in REQUIRED_FIELDS:
        if field_name in mapping.fields or field_name in column_map:
            continue
        index = next(
            (i for i, name in enumerate(header) if name.casefold() == field_name and i not in used),
            None,
        )
        if index is not None:
            mapping.fields[field_name] = index
            used.add(index)
    mapping.missing = [f for f in REQUIRED_FIELDS if f not in mapping.fields]
    if mapping.missing and not any(f in column_map for f in REQUIRED_FIELDS):
        _alpaca_columns(header, mapping, used)
    seen: set[str] = set()
    for i, name in enumerate(header):
        if i in used:
            seen.add(name.casefold())
            continue
        if name and name.casefold() in seen:
            mapping.duplicates.append(i)
        mapping.unused.append(i)
        if name:
            seen.add(name.casefold())
    return mapping


def _alpaca_columns(header: Sequence[str], mapping: Mapping, used: set[int]) -> None:
    """No prompt and completion: Alpaca's columns (by name, or already mapped) make the
    table Alpaca records."""
    found: dict[str, int] = {}
    for name in ("instruction", *ALPACA_ANSWERS, *ALPACA_OPTIONAL):
        if name in mapping.fields:
            found[name] = mapping.fields[name]
            continue
        index = _find_column(header, name, used | set(found.values()))
        if index is not None:
            found[name] = index
    answers = [name for name in ALPACA_ANSWERS if name in found]
    if "instruction" not in found or not answers:
        return
    for name in ALPACA_ANSWERS:  # one answer column: the first of them found
        if name != answers[0] and name not in mapping.fields:
            found.pop(name, None)
    for name, index in found.items():
        mapping.fields[name] = index
        used.add(index)
    for name in REQUIRED_FIELDS:
        mapping.fields.pop(name, None)
    mapping.missing = []
    mapping.alpaca = True


#: Data rows a table without a prompt and a completion keeps, to suggest a ``--map`` from
#: what its columns hold.
SAMPLE_ROWS = 200
#: A label column: its texts are short, and few distinct (at most this share of the rows).
LABEL_MAX_LENGTH = 40
LABEL_MAX_DISTINCT_SHARE = 0.2


def _label_column(candidates: Sequence[int], samples: Sequence[Sequence[str]]) -> int | None:
    """The column that looks like a class label (a completion): short texts, few distinct
    values, clearly shorter than another column (the text it labels)."""
    if len(samples) < 2:
        return None
    lengths: dict[int, float] = {}
    label: int | None = None
    for i in candidates:
        values = [row[i].strip() for row in samples if i < len(row) and row[i].strip()]
        if not values:
            continue
        lengths[i] = sum(len(v) for v in values) / len(values)
        distinct = len(set(values))
        limit = max(2, LABEL_MAX_DISTINCT_SHARE * len(values))
        if lengths[i] <= LABEL_MAX_LENGTH and distinct <= limit and label is None:
            label = i
    if label is None or not any(lengths[i] >= 2 * lengths[label] for i in lengths if i != label):
        return None
    return label


def _longest_column(candidates: Sequence[int], samples: Sequence[Sequence[str]]) -> int | None:
    best, best_length = None, -1.0
    for i in candidates:
        values = [row[i] for row in samples if i < len(row) and row[i].strip()]
        length = sum(len(v) for v in values) / len(values) if values else 0.0
        if length > best_length:
            best, best_length = i, length
    return best


def suggest_map(
    header: Sequence[str], mapping: Mapping, samples: Sequence[Sequence[str]] = ()
) -> dict[str, str]:
    """A plausible ``--map`` for the missing fields: from common header names, else from
    what the columns hold (``samples``, the first rows): a short column with few distinct
    values is a label, the completion; the longest text is then the prompt."""
    taken = set(mapping.fields.values())
    suggestion: dict[str, str] = {}
    folded = [_fold(name) for name in header]
    by_name: dict[str, int] = {}
    for field_name, hints in (("prompt", _PROMPT_HINTS), ("completion", _COMPLETION_HINTS)):
        if field_name not in mapping.missing:
            continue
        choice = None
        for hint in hints:
            for i, name in enumerate(folded):
                if (
                    i not in taken
                    and i not in by_name.values()
                    and header[i]
                    and (name == hint or hint in name.split())
                ):
                    choice = i
                    break
            if choice is not None:
                break
        if choice is not None:
            by_name[field_name] = choice
    free = [i for i, n in enumerate(header) if n and i not in taken]
    if len(by_name) < len(mapping.missing) and samples:
        rest = [i for i in free if i not in by_name.values()]
        if "completion" in mapping.missing and "completion" not in by_name:
            label = _label_column(rest, samples)
            if label is not None:
                by_name["completion"] = label
                rest.remove(label)
        if "prompt" in mapping.missing and "prompt" not in by_name:
            longest = _longest_column(rest, samples)
            if longest is not None:
                by_name["prompt"] = longest
    for field_name in ("prompt", "completion"):
        if field_name not in mapping.missing:
            continue
        choice = by_name.get(field_name)
        if choice is None:  # nothing recognisable: the first named unused columns, in order
            used = (
                taken
                | set(by_name.values())
                | {header.index(v) for v in suggestion.values() if v in header}
            )
            choice = next((i for i in free if i not in used), None)
        if choice is not None:
            taken.add(choice)
            suggestion[field_name] = header[choice]
    return suggestion


def _quote_list(names: Sequence[str]) -> str:
    return ", ".join(repr(n) for n in names)


@dataclass
class TableMapper:
    """Maps the rows of the tables of one file to records, numbering records across tables.

    ``source_format`` is ``csv`` / ``tsv`` / ``xlsx``; ``column_name`` names a column whose
    header is empty; ``report_short_rows`` is false for spreadsheets, where trailing empty
    cells are simply not stored.
    """

    file: FileContext
    source_format: str
    column_name: Callable[[int], str] = column_number
    report_short_rows: bool = True
    render: Callable[[Sequence[str]], str] = field(default=lambda cells: " | ".join(cells))
    #: Extra words for the suggested command (``--sheet NAME`` for multi-sheet workbooks).
    command_extra: Callable[[str | None], str] = field(default=lambda sheet: "")
    records: int = 0
    _mapping: Mapping | None = None
    _sheet: str | None = None
    _unmapped_reason: str = ""
    #: A table without a prompt and a completion: its ``missing-column`` notice waits for
    #: the first rows (``SAMPLE_ROWS``), so that the suggested ``--map`` can look at them.
    _pending: tuple[int, str] | None = None
    _samples: list[list[str]] = field(default_factory=list)

    # -- helpers -------------------------------------------------------------------------------
    def _location(self, line: int, record: int | None = None) -> Location:
        return Location(path=self.file.display_path, line=line, record=record, sheet=self._sheet)

    def _notice(self, line: int, kind: str, message: str, raw: str = "") -> Record:
        return Record(
            data=None,
            location=self._location(line),
            raw=raw,
            problem=ReadProblem(kind, message),
            source_format=self.source_format,
            is_record=False,
        )

    def _describe_columns(self, indices: Sequence[int]) -> str:
        """``column 'a'``, ``columns 'a', 'b' and 2 unnamed columns (#3, #4)`` ..."""
        header = self._mapping.header if self._mapping else []
        named = [header[i] for i in indices if header[i]]
        unnamed = [self.column_name(i) for i in indices if not header[i]]
        parts = []
        if named:
            parts.append(f"column{'s' if len(named) > 1 else ''} {_quote_list(named)}")
        if unnamed:
            plural = "s" if len(unnamed) > 1 else ""
            parts.append(f"{len(unnamed)} unnamed column{plural} ({', '.join(unnamed)})")
        return " and ".join(parts)

    def raw_of(self, cells: Sequence[str]) -> str:
        text = self.render(cells)
        return text if len(text) <= RAW_LIMIT else text[: RAW_LIMIT - 1] + "…"

    # -- a table's header ----------------------------------------------------------------------
    def start(
        self, header_cells: Sequence[str], line: int, sheet: str | None = None
    ) -> Iterator[Record]:
        """Read a header row; yields the ``extra-column`` notice (the ``missing-column`` one
        comes with the first rows, or from ``end``)."""
        yield from self.end()
        self._sheet = sheet
        mapping = build_mapping(header_cells, self.file.options.get("column_map"))
        self._mapping = mapping
        raw = self.raw_of(header_cells)
        if not mapping.complete:
            self._pending = (line, raw)
            self._samples = []
            where = f"line {line}" if sheet is None else f"sheet {sheet!r} row {line}"
            self._unmapped_reason = (
                f"row not converted: no {' / '.join(mapping.missing)} column "
                f"(missing-column at {where})"
            )
            return
        if mapping.unused:
            message = f"{self._describe_columns(mapping.unused)} not used: left out of the output"
            if mapping.duplicates:
                dups = _quote_list([mapping.header[i] for i in mapping.duplicates])
                message += f" (duplicate header {dups}: the first column of that name is used)"
            message += "; map a column to a field with --map FIELD=COLUMN"
            yield self._notice(line, "extra-column", message, raw)

    def end(self) -> Iterator[Record]:
        """The end of a table: the notice that still waits for its rows, if any."""
        pending, self._pending = self._pending, None
        if pending is None or self._mapping is None:
            return
        line, raw = pending
        yield self._notice(line, "missing-column", self._missing_message(self._mapping), raw)
        self._samples = []

    def _missing_message(self, mapping: Mapping) -> str:
        header = mapping.header
        needed = " and ".join(repr(f) for f in mapping.missing)
        found = _quote_list([h if h else self.column_name(i) for i, h in enumerate(header)])
        parts = [f"no column for {needed}"]
        parts.extend(mapping.map_errors)
        parts.append(f"columns found: {found or '(none)'}")
        suggestion = {
            name: header[index] for name, index in mapping.fields.items() if name in REQUIRED_FIELDS
        }
        suggestion.update(suggest_map(header, mapping, self._samples))
        if all(f in suggestion for f in REQUIRED_FIELDS):
            import shlex

            flags = " ".join(
                f"--map {shlex.quote(f'{name}={suggestion[name]}')}" for name in REQUIRED_FIELDS
            )
            extra = self.command_extra(self._sheet)
            path = shlex.quote(self.file.display_path)
            # The reader does not know the command (check or prepare): the arguments are the same.
            parts.append(f"map the columns: run ftlint with {path}{extra} {flags}")
        else:
            parts.append("this table has too few columns for a prompt and a completion")
        return "; ".join(parts)

    # -- data rows -----------------------------------------------------------------------------
    def row(
        self, cells: Sequence[str], line: int, last_line: int | None = None
    ) -> Iterator[Record]:
        """Map one data row (``cells`` already strings); yields notices and the record."""
        mapping = self._mapping
        if mapping is None:  # the caller sends the header through start() first
            raise RuntimeError("TableMapper.row() before start()")
        self.records += 1
        location = self._location(line, self.records)
        raw = self.raw_of(cells)
        if not mapping.complete:
            if self._pending is not None:
                self._samples.append(list(cells))
                if len(self._samples) >= SAMPLE_ROWS:
                    yield from self.end()
            yield Record(
                data=None,
                location=location,
                raw=raw,
                problem=ReadProblem("unmapped-row", self._unmapped_reason),
                source_format=self.source_format,
            )
            return
        ragged = self._ragged_message(cells, line, last_line)
        if ragged is not None:
            notice = self._notice(line, "ragged-row", ragged, raw)
            notice.location = location
            yield notice
        data: dict[str, str] = {}
        first = ALPACA_REQUIRED if mapping.alpaca else REQUIRED_FIELDS
        for name in (
            *(f for f in first if f in mapping.fields),
            *(f for f in mapping.fields if f not in first),
        ):
            index = mapping.fields[name]
            data[name] = cells[index] if index < len(cells) else ""
        yield Record(data=data, location=location, raw=raw, source_format=self.source_format)

    def _ragged_message(self, cells: Sequence[str], line: int, last_line: int | None) -> str | None:
        assert self._mapping is not None
        header = self._mapping.header
        width = len(header)
        span = f"lines {line}-{last_line}" if last_line and last_line > line else ""
        if len(cells) > width:
            surplus = [c for c in cells[width:] if c.strip()]
            if not surplus:
                return None  # trailing empty cells lose nothing
            return (
                f"row has {len(cells)} cells, the header has {width}: "
                f"{len(surplus)} non-empty cell{'s' if len(surplus) > 1 else ''} beyond the last "
                "column left out "
                + (
                    "(an unquoted delimiter inside a cell?)"
                    if self.report_short_rows
                    else "(a column without a header?)"
                )
            )
        if len(cells) < width and self.report_short_rows:
            lost = [i for i in range(len(cells), width) if header[i]]
            if not lost:
                return None  # only unnamed trailing columns are absent
            message = (
                f"row has {len(cells)} cell{'s' if len(cells) != 1 else ''}, the header has "
                f"{width}: {self._describe_columns(lost)} left empty"
            )
            if span:
                message += f" (the row spans {span}: an unclosed quote may have joined lines)"
            return message
        return None

    def empty_row(self, line: int, raw: str = "") -> Record:
        """A row with nothing in it: not an example, and not worth a diagnostic."""
        return self._notice(line, "empty-row", "empty row", raw)

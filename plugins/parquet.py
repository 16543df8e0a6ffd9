"""Parquet reader and writer (pyarrow, the ``parquet`` extra), streamed by row group.

Each row is one record: its columns become the keys of a JSON object, nested columns the
nested values (a ``messages`` column of ``list<struct<role, content>>`` reads as the chat
format's list of message objects), so every rule sees a Parquet example exactly as it sees
the same example in JSONL. Rows are read in batches of at most ``BATCH_ROWS`` within one row
group: memory holds a batch, never the file. A row's location is its file, row group and row
in the group (0-based, as pyarrow takes them) and its record ordinal in the file (1-based).

What Parquet holds and JSON does not is turned into JSON values: a null is an absent key (a
Parquet schema gives every row every column and every struct every field, filled with nulls
where a JSON source had no key: keeping them would report fields the data never had), bytes
are base64 text, dates and times ISO 8601 text, decimals their digits as text.

A file is cut into ranges of whole row groups for parallel reading (``split``).

pyarrow is imported only when a Parquet file is read or written (``pip install
'ftlint[parquet]'``); without it a Parquet input is reported as unreadable with that hint.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from ftlint.plugins.reading import with_no_examples

from ftlint import ConfigError, FileContext, Location, Reader, ReadProblem, Record, hookimpl

INSTALL_HINT = "pip install 'ftlint[parquet]'"
MAGIC = b"PAR1"
#: Rows converted to Python objects at once (within one row group).
BATCH_ROWS = 1024
#: Records per row group of a written file (and per batch held while writing).
WRITE_ROWS = 4096


@dataclass(frozen=True)
class RowGroupRange:
    """A slice of a Parquet file for parallel reading: row groups ``[start, end)`` and the
    record ordinal (1-based) of the first row of ``start``."""

    start: int
    end: int
    first_record: int


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError(
            f"reading or writing Parquet needs pyarrow, which is not installed: {INSTALL_HINT}"
        ) from None
    return pq


def _open(file: FileContext) -> Any:
    """A ``ParquetFile`` of ``file``: a local path is opened by pyarrow itself (its own
    buffered reads); anything else (an fsspec URL) through the path's own ``open``."""
    pq = _pyarrow_parquet()
    source: Any = file.path
    if hasattr(source, "open") and not hasattr(source, "__fspath__"):
        source = source.open("rb")
    else:
        source = str(source)
    return pq.ParquetFile(source, memory_map=False)


def json_value(value: Any) -> Any:
    """A value of a Parquet row as JSON holds it (see the module docstring)."""
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        import base64  # here, as decimal below: a run that reads no Parquet imports neither

        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    import decimal

    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, tuple):  # a map column: a list of (key, value) pairs
        return [json_value(v) for v in value]
    return str(value)


def row_group_starts(metadata: Any) -> list[int]:
    """The record ordinal (1-based) of the first row of every row group, and one past the
    last record at the end."""
    starts = [1]
    for index in range(metadata.num_row_groups):
        starts.append(starts[-1] + metadata.row_group(index).num_rows)
    return starts


class ParquetReader(Reader):
    name = "parquet"
    extensions = (".parquet", ".pq", ".parq")
    is_text = False
    splittable = True
    writes = True

    def claims(self, file: FileContext) -> int:
        if file.compression is not None:
            return 0  # read in place with random access (its footer), not from a stream
        if file.head[:4] == MAGIC:
            return 90
        return 60 if file.path.suffix.lower() in self.extensions else 0

    def read(self, file: FileContext, byte_range: Any = None) -> Iterator[Record]:
        if byte_range is None:
            what = "a Parquet table without rows"
            yield from with_no_examples(file, self._rows(file, None), what, self.name)
        else:
            yield from self._rows(file, byte_range)

    def _unreadable(self, file: FileContext, message: str, **where: Any) -> Record:
        return Record(
            data=None,
            location=Location(path=file.display_path, **where),
            problem=ReadProblem("unreadable-parquet", message),
            source_format=self.name,
            is_record=False,
        )

    def _rows(self, file: FileContext, part: RowGroupRange | None) -> Iterator[Record]:
        try:
            parquet = _open(file)
        except ConfigError as exc:
            yield self._unreadable(file, str(exc))
            return
        except Exception as exc:
            message = f"not a readable Parquet file: {type(exc).__name__}: {exc}"
            yield self._unreadable(file, message)
            return
        path = file.display_path
        starts = row_group_starts(parquet.metadata)
        groups = range(part.start, part.end) if part else range(parquet.num_row_groups)
        for group in groups:
            record = starts[group] - 1
            row = 0
            try:
                batches = parquet.iter_batches(
                    batch_size=BATCH_ROWS, row_groups=[group], use_threads=False
                )
                for batch in batches:
                    for values in batch.to_pylist():
                        record += 1
                        location = Location(path=path, record=record, row_group=group, row=row)
                        row += 1
                        yield Record(json_value(values), location, source_format=self.name)
            except Exception as exc:
                # The rest of this row group is lost: every row of it is a record that could
                # not be read (listed as rejected), then the next group is tried.
                message = (
                    f"row group {group} cannot be read from row {row} on: "
                    f"{type(exc).__name__}: {exc}"
                )
                yield self._unreadable(file, message, row_group=group, row=row)
                end = starts[group + 1]
                for lost in range(record + 1, end):
                    yield Record(
                        data=None,
                        location=Location(path=path, record=lost, row_group=group, row=row),
                        problem=ReadProblem("unreadable-parquet", f"unread: {message}"),
                        source_format=self.name,
                    )
                    row += 1

    def split(self, file: FileContext, parts: int) -> list[RowGroupRange] | None:
        """Whole row groups in ``parts`` ranges of about the same number of rows."""
        metadata = _open(file).metadata
        groups = metadata.num_row_groups
        if groups < 2 or parts < 2:
            return None
        starts = row_group_starts(metadata)
        total = starts[-1] - 1
        ranges: list[RowGroupRange] = []
        begin = 0
        for index in range(1, parts + 1):
            want = total * index // parts + 1  # the record the next range starts at
            end = begin + 1
            while end < groups and starts[end] < want:
                end += 1
            if index == parts:
                end = groups
            if end > begin:
                ranges.append(RowGroupRange(begin, end, starts[begin]))
                begin = end
            if begin >= groups:
                break
        return ranges

    def estimate_records(self, file: FileContext) -> int | None:
        """The rows the footer counts (compressed columns hold many rows per byte)."""
        try:
            return int(_open(file).metadata.num_rows)
        except Exception:
            return None  # an unreadable file: ``read`` says why

    def locate(self, file: FileContext, location: Location) -> Location:
        """Add the row group and row to a location that has only a record ordinal (what a
        dataset rule's report rebuilds from its columns)."""
        if location.record is None or location.row_group is not None:
            return location
        from bisect import bisect_right
        from dataclasses import replace

        starts = self._starts(file)
        group = bisect_right(starts, location.record) - 1
        if group < 0 or group >= len(starts) - 1:
            return location
        return replace(location, row_group=group, row=location.record - starts[group])

    def _starts(self, file: FileContext) -> list[int]:
        cached = file.options.get("parquet_row_group_starts")
        if cached is None:
            cached = row_group_starts(_open(file).metadata)
            file.options["parquet_row_group_starts"] = cached
        return cached

    def open_writer(self, handle: BinaryIO) -> ParquetWriter:
        _pyarrow_parquet()  # a missing extra is said before anything is written
        return ParquetWriter(handle)


class ParquetWriter:
    """Writes records (JSON objects) as a Parquet table. A Parquet file has one schema,
    known before its first row group: the records go to a spool file first while their
    schema is unified batch by batch, then they are written in row groups of
    ``WRITE_ROWS`` with that schema (memory holds one batch, the spool is on disk)."""

    def __init__(self, handle: BinaryIO) -> None:
        import tempfile

        import orjson

        self._dumps = orjson.dumps
        self.handle = handle
        self.schema: Any = None
        self._batch: list[Any] = []
        self._spool = tempfile.TemporaryFile(prefix="ftlint-parquet-")  # noqa: SIM115 (closed in close/discard)
        self.count = 0

    def write(self, record: Any) -> None:
        try:
            line = self._dumps(record)
        except TypeError:  # an integer beyond 64 bits: the standard library keeps its digits
            import json

            line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        self._spool.write(line + b"\n")
        self._batch.append(record)
        self.count += 1
        if len(self._batch) >= WRITE_ROWS:
            self._unify(self._batch)
            self._batch = []

    def _unify(self, records: list[Any]) -> None:
        import pyarrow as pa

        try:
            schema = _table(records).schema
            if self.schema is None:
                self.schema = schema
            else:
                self.schema = pa.unify_schemas([self.schema, schema], promote_options="permissive")
        except (pa.ArrowException, OverflowError, TypeError, ValueError) as exc:
            raise ConfigError(
                "the prepared records cannot be written as one Parquet table (a field holds "
                f"values of different types: {exc}); write JSONL instead (-o NAME.jsonl)"
            ) from None

    def close(self) -> None:
        import orjson
        import pyarrow.parquet as pq

        if self._batch:
            self._unify(self._batch)
            self._batch = []
        if self.schema is None:
            import pyarrow as pa

            self.schema = pa.schema([])
        import pyarrow as pa

        self._spool.seek(0)
        try:
            with pq.ParquetWriter(self.handle, self.schema) as writer:
                batch: list[Any] = []
                for line in self._spool:
                    batch.append(_loads(orjson, line))
                    if len(batch) >= WRITE_ROWS:
                        writer.write_table(_table(batch, self.schema))
                        batch = []
                if batch:
                    writer.write_table(_table(batch, self.schema))
        except (pa.ArrowException, OverflowError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"the prepared records cannot be written as Parquet ({exc}); write JSONL "
                "instead (-o NAME.jsonl)"
            ) from None
        finally:
            self._spool.close()

    def discard(self) -> None:
        self._spool.close()


def _loads(orjson: Any, line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:  # written by the standard library (a big integer)
        import json

        return json.loads(line)


def _table(records: Iterable[Any], schema: Any = None) -> Any:
    """A table of JSON objects: columns are the union of their keys (``from_pylist`` would
    take the first row's keys only)."""
    import pyarrow as pa

    records = list(records)
    if schema is not None:
        return pa.Table.from_pylist(records, schema=schema)
    array = pa.array(records)
    if not pa.types.is_struct(array.type):  # no record has a key
        return pa.table({})
    return pa.Table.from_struct_array(array)


@hookimpl
def ftlint_readers() -> list[Reader]:
    return [ParquetReader()]

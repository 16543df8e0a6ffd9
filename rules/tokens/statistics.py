"""The per-example columns of the cost figures (``TokenCost``), and their statistics.

``TokenStats`` keeps, per training example, its total tokens, trained tokens and messages
(1-4 bytes each: a column starts narrow and widens only when a value needs it), its record
and line numbers (``RunColumn``: in runs of consecutive numbers, a few bytes per run: a
clean file is one run) and its shape (1 byte, a code into a short list of names): 6 bytes
per example on most files, so that the statistics are exact on any file and
``Report.to_pandas()`` gets one row per example. Parts of a file checked in parallel
concatenate their columns in order (``merge``).

``distribution`` (min, p5, median, mean, p95, max, numpy's linear quantiles) and
``histogram`` (power-of-two buckets) summarise a column.
"""

from __future__ import annotations

import itertools
import math
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ftlint import Accumulator, Record
from ftlint.conversion import Planner, plan_key, plan_of
from ftlint.tokens import figures_key, token_figures

# ---------------------------------------------------------------------------------------------
# Columns that widen


#: Unsigned array typecodes, narrowest first, with the largest value each holds.
_WIDTHS = (("B", 0xFF), ("H", 0xFFFF), ("I", 0xFFFFFFFF))


def _widened(values: array, value: int) -> array:
    """``values`` in the narrowest typecode that also holds ``value``."""
    for typecode, largest in _WIDTHS:
        if value <= largest and typecode >= values.typecode:
            return values if typecode == values.typecode else array(typecode, values)
    return values  # pragma: no cover - values are capped at 0xFFFFFFFF


def _append(values: array, value: int) -> array:
    """Append to a column that starts narrow and widens when a value needs it (the same
    numbers in 1-2 bytes each for most datasets instead of 4)."""
    try:
        values.append(value)
    except OverflowError:
        values = _widened(values, value)
        values.append(value)
    return values


def _extended(values: array, other: array) -> array:
    if other.typecode > values.typecode:  # "B" < "H" < "I": the wider one wins
        values = array(other.typecode, values)
    elif other.typecode < values.typecode:
        other = array(values.typecode, other)
    values.extend(other)
    return values


class RunColumn(Sequence[int]):
    """A column of numbers that mostly count up by one (record and line numbers), kept as
    runs: the position where each run starts, its first value and its step (1, or 0 for a
    repeated value). Appending the next number of the run only counts it (``next`` and
    ``size``, read inline by the hot loop); anything else starts a run. Reads as the list of
    numbers did: ``len``, an index, iteration."""

    __slots__ = ("firsts", "next", "size", "starts", "step", "steps")

    def __init__(self) -> None:
        self.starts = array("Q")  # position of each run's first value
        self.firsts = array("Q")
        self.steps = array("B")
        self.size = 0
        self.next = -1  # the value that continues the last run (-1: none does)
        self.step = 0  # the last run's step (``steps[-1]``, read inline by the hot loop)

    def append(self, value: int) -> None:
        if value == self.next:
            self.next += self.step
        elif self.starts and self.size - self.starts[-1] == 1 and value == self.firsts[-1]:
            self.steps[-1] = self.step = 0  # a run of one becomes a run of a repeated value
            self.next = value
        else:
            self.starts.append(self.size)
            self.firsts.append(value)
            self.steps.append(1)
            self.step = 1
            self.next = value + 1
        self.size += 1

    def extend(self, other: RunColumn) -> None:
        """Append the runs of a later part of the file (a run that goes on across the cut
        stays two runs: the values read the same)."""
        offset = self.size
        self.starts.extend(start + offset for start in other.starts)
        self.firsts.extend(other.firsts)
        self.steps.extend(other.steps)
        self.size += other.size
        if other.size:
            self.next, self.step = other.next, other.step

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.size))]
        if index < 0:
            index += self.size
        if not 0 <= index < self.size:
            raise IndexError(index)
        run = bisect_right(self.starts, index) - 1
        return self.firsts[run] + (index - self.starts[run]) * self.steps[run]

    def __iter__(self) -> Iterator[int]:
        ends = [*self.starts[1:], self.size] if self.starts else []
        for start, end, first, step in zip(self.starts, ends, self.firsts, self.steps,
                                           strict=True):  # fmt: skip
            if step:
                yield from range(first, first + end - start)
            else:
                yield from itertools.repeat(first, end - start)

    def __contains__(self, value: object) -> bool:
        return any(v == value for v in self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RunColumn):
            other = list(other)
        return isinstance(other, (list, tuple)) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which do not hash

    def __repr__(self) -> str:
        return repr(list(self))


class TokenStats(Accumulator):
    """Per training example: total tokens, trained tokens, messages, record, line and shape;
    for validation examples only their count and tokens. Every ``SEAL`` examples the columns
    move into exact copies (``_sealed``), joined once by ``settle`` when the figures are read:
    arrays that grew by ``realloc`` to the end of a large file left the blocks they moved out
    of resident (between the chunks the dataset rules seal meanwhile); parts of a file checked
    in parallel join the list as they are."""

    #: Examples per sealed part of the columns.
    SEAL = 1 << 16

    def __init__(self, encoding_name: str, planner: Planner) -> None:
        self.encoding_name = encoding_name
        self.planner = planner
        #: Where each record's token figures and plan are (read inline: every record).
        self._figures_key = figures_key(encoding_name, planner)
        self._plan_key = plan_key(planner)
        self.total = array("H")
        self.trained = array("H")
        self.messages = array("B")
        self.records = RunColumn()  # ordinals; 0 for none
        self.lines = RunColumn()  # 0 for none
        self.shapes = array("B")  # codes into shape_names
        #: Earlier examples: (total, trained, messages, shapes) parts, in order.
        self._sealed: list[tuple[array, array, array, array]] = []
        self.shape_names: list[str] = []
        self._shape_codes: dict[str, int] = {}
        #: The shape of the last example and its code (``add``).
        self._last_shape: str | None = None
        self._last_code = 0
        self.valid_examples = 0
        self.valid_tokens = 0
        self.paths: dict[str, str] = {}

    def _shape_code(self, shape: str) -> int:
        code = self._shape_codes.get(shape)
        if code is None:
            code = self._shape_codes[shape] = len(self.shape_names)
            self.shape_names.append(shape)
        return code

    def add(self, record: Record) -> None:
        if not isinstance(record.data, dict):
            return
        analyses = record.analyses
        figures = analyses.get(self._figures_key)
        counts = (figures or token_figures(record, self.encoding_name, self.planner))[0]
        location = record.location
        split = record.split
        if split not in self.paths:
            self.paths[split] = location.path
        if split == "train":
            total, trained, messages = counts.total, counts.trained, counts.messages
            try:  # the common case: every value fits its column as it is
                self.total.append(total)
            except OverflowError:
                self.total = _append(self.total, min(total, 0xFFFFFFFF))
            try:
                self.trained.append(trained)
            except OverflowError:
                self.trained = _append(self.trained, min(trained, 0xFFFFFFFF))
            try:
                self.messages.append(messages)
            except OverflowError:
                self.messages = _append(self.messages, min(messages, 0xFFFFFFFF))
            # Record and line numbers that go on counting are only counted (RunColumn).
            runs = self.records
            number = location.record or 0
            if number == runs.next:
                runs.next += runs.step
                runs.size += 1
            else:
                runs.append(number)
            runs = self.lines
            number = location.line or 0
            if number == runs.next:
                runs.next += runs.step
                runs.size += 1
            else:
                runs.append(number)
            # The plan is already there: counting converted the record with it. A run of
            # records of one shape looks its code up once.
            shape = (analyses.get(self._plan_key) or plan_of(record, self.planner)).source
            if shape is not self._last_shape:
                self._last_code = self._shape_code(shape)
                self._last_shape = shape
            shapes = self.shapes
            shapes.append(self._last_code)
            if len(shapes) >= self.SEAL:
                self._seal()
        else:
            self.valid_examples += 1
            self.valid_tokens += counts.total

    def _parts(self) -> list[tuple[array, array, array, array]]:
        current = (self.total, self.trained, self.messages, self.shapes)
        return [*self._sealed, current] if self.shapes else list(self._sealed)

    def _seal(self) -> None:
        """Move the columns into exact copies; start new ones."""
        if self.shapes:
            self._sealed.append(tuple(array(c.typecode, c) for c in self._parts()[-1]))  # type: ignore[arg-type]
            self.total, self.trained = array("H"), array("H")
            self.messages, self.shapes = array("B"), array("B")

    def settle(self) -> None:
        """Join the sealed parts into one array per column (the widest typecode of its
        parts), before the figures are read."""
        if not self._sealed:
            return
        parts = self._parts()
        self._sealed = []
        joined = []
        for k in range(4):
            typecode = max(part[k].typecode for part in parts)  # "B" < "H" < "I"
            column = array(typecode)
            for part in parts:
                piece = part[k]
                column.extend(piece if piece.typecode == typecode else array(typecode, piece))
            joined.append(column)
        self.total, self.trained, self.messages, self.shapes = joined

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, TokenStats)
        self._seal()
        codes = [self._shape_code(shape) for shape in other.shape_names]
        table = None
        if codes != list(range(len(codes))):  # recoded at C speed: a byte table from the
            table = bytes(codes) + bytes(256 - len(codes))  # other part's codes to these
        for total, trained, messages, shapes in other._parts():
            if table is not None:
                shapes = array("B", shapes.tobytes().translate(table))
            self._sealed.append((total, trained, messages, shapes))
        self.records.extend(other.records)
        self.lines.extend(other.lines)
        self.valid_examples += other.valid_examples
        self.valid_tokens += other.valid_tokens
        for split, path in other.paths.items():
            self.paths.setdefault(split, path)

    def example_columns(self) -> dict[str, Sequence[Any]]:
        self.settle()
        if not self.total:
            return {}
        names = self.shape_names
        return {
            "record": _or_none(self.records),
            "line": _or_none(self.lines),
            "tokens": self.total,
            "trained_tokens": self.trained,
            "messages": self.messages,
            "shape": CodedColumn(self.shapes, names),
        }


class CodedColumn(Sequence[str]):
    """A column of names read through their 1-byte codes (the ``shape`` column): one byte
    an example, where a list of the names took a pointer (8 bytes) each at the end of a run,
    when the run's memory peaks. Reads as the list did: by index, slice and iteration."""

    __slots__ = ("codes", "names")

    def __init__(self, codes: array, names: list[str]) -> None:
        self.codes = codes
        self.names = names

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self.names[code] for code in self.codes[index]]
        return self.names[self.codes[index]]

    def __iter__(self) -> Iterator[str]:
        return map(self.names.__getitem__, self.codes)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CodedColumn):
            other = list(other)
        return isinstance(other, (list, tuple)) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to lists, which do not hash

    def __repr__(self) -> str:
        return repr(list(self))


def _or_none(values: Sequence[int]) -> Sequence[int | None]:
    """A column of 1-based numbers, with ``None`` where the reader gave none (stored as 0)."""
    return values if 0 not in values else [value or None for value in values]


# ---------------------------------------------------------------------------------------------
# Statistics


def quantile(ordered: list[int], q: float) -> float:
    """The ``q`` quantile of sorted values, interpolated linearly (numpy's default)."""
    if not ordered:
        return 0.0
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


#: From this many values on, ``distribution`` sorts with numpy (4 bytes a value) instead of
#: a list of Python integers (about 36 bytes a value at the peak of the run).
NUMPY_SORT_MIN = 4096


def _sorted(values: Iterable[int]) -> Any:
    """The values in order: a list, or for a long array a numpy array (same values)."""
    if isinstance(values, array) and len(values) >= NUMPY_SORT_MIN:
        try:
            import numpy as np
        except ImportError:  # pragma: no cover - numpy is a dependency
            return sorted(values)
        return np.sort(np.frombuffer(values, dtype=np.dtype(values.typecode)))
    return sorted(values)


class _Ints:
    """Read access to sorted values as Python integers (numpy elements are converted)."""

    __slots__ = ("values",)

    def __init__(self, values: Any) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, index: int) -> int:
        return int(self.values[index])


def distribution(values: Iterable[int]) -> dict[str, float]:
    ordered = _sorted(values)
    if not len(ordered):
        return {}
    total = sum(ordered) if isinstance(ordered, list) else int(ordered.sum(dtype="uint64"))
    ordered = ordered if isinstance(ordered, list) else _Ints(ordered)
    return {
        "min": ordered[0],
        "p5": round(quantile(ordered, 0.05), 1),
        "median": round(quantile(ordered, 0.5), 1),
        "mean": round(total / len(ordered), 1),
        "p95": round(quantile(ordered, 0.95), 1),
        "max": ordered[-1],
    }


def histogram(values: Iterable[int], limit: int | None = None) -> dict[str, list[int]]:
    """Counts of examples per power-of-two bucket of tokens: bucket ``[lo, hi)``."""
    counts: dict[int, int] = {}
    # Counted per bit length at C speed (a Counter over map), then shifted to buckets.
    for length, count in Counter(map(int.bit_length, map(int, values))).items():
        bucket = max(0, length - 1)
        counts[bucket] = counts.get(bucket, 0) + count
    if not counts:
        return {"edges": [], "counts": []}
    low, high = min(counts), max(counts)
    edges = [0 if b == 0 else 1 << b for b in range(low, high + 2)]
    result: dict[str, list[int]] = {
        "edges": edges,
        "counts": [counts.get(b, 0) for b in range(low, high + 1)],
    }
    if limit is not None:
        result["limit"] = [limit]
    return result

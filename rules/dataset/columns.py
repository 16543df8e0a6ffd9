"""Columns of small numbers per example: the state of the dataset rules' accumulators.

Every rule of the family keeps a few columns of fixed-size numbers per example and decides
at ``finish``: where the example is (``Columns``: in runs, a few bytes per run), an 8-byte
XXH3 digest of its canonical form, and for the similarity rules a 64-byte MinHash signature.
The columns are ``Chunked``: exact chunks of a quarter MiB, so that they hold their bytes and
no more. Parts of a file checked in parallel concatenate their columns in order (``merge``:
the chunks of a part join the list, nothing is copied), so the result is the same as in one
pass. ``repeat_pairs``, ``piecewise_repeat_pairs`` and ``first_indexes`` find the repeats of
a column with numpy sorts once it is long (``VECTOR_MIN``).
"""

from __future__ import annotations

import itertools
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

from ftlint import Accumulator, Location, Record

#: Bytes per sealed chunk of a ``Chunked`` column.
CHUNK_BYTES = 1 << 18


def _rebuilt(typecode: str, chunks: list[bytes]) -> Chunked:
    """A pickled ``Chunked`` column: its chunks read in place from the bytes unpickled."""
    column = Chunked(typecode)
    for chunk in chunks:
        column.add_chunk(memoryview(chunk).cast(typecode))
    return column


class Chunked:
    """A column of numbers (one ``array`` typecode) kept as sealed chunks of about
    ``CHUNK_BYTES`` each and a tail that grows. Why not one ``array``: an array that grows by
    ``realloc`` is overallocated by a sixteenth and leaves behind the blocks it moved out of,
    which stay resident (15-40 bytes per example at the peak of a 500k-example run, measured);
    and the main process merging the parts of a file copied each part into the first one.
    Here a sealed chunk is an exact copy of the tail (a ``bytes`` read through a memoryview,
    which pickles as those bytes: a part is neither copied to be written by a worker nor
    copied again when the main process reads it back), and merging appends the other part's
    chunks. Reads as the array did: ``len``, an index, iteration; ``numpy`` and ``take`` for
    the vectorised searches. Signatures are a column of bytes (``"B"``) read by ``row``."""

    __slots__ = ("_limit", "append", "chunks", "sealed", "starts", "tail", "typecode")

    def __init__(self, typecode: str) -> None:
        self.typecode = typecode
        self.chunks: list[memoryview] = []  # each over a bytes of its exact size
        self.starts: list[int] = []  # position of each chunk's first value
        self.sealed = 0  # values in the chunks
        self.tail = array(typecode)
        #: Append one value: the tail's own ``append``, a call in C (one or more a record for
        #: every dataset accumulator). The tail is sealed once it is full by ``settle``, which
        #: the owner calls now and then (``Columns`` every ``SETTLE_EVERY`` examples), and by
        #: the other ways of adding values.
        self.append = self.tail.append
        self._limit = CHUNK_BYTES // self.tail.itemsize

    def __reduce__(self) -> tuple[Any, ...]:
        chunks = [chunk.obj for chunk in self.chunks]
        if self.tail:
            chunks.append(self.tail.tobytes())
        return _rebuilt, (self.typecode, chunks)

    def settle(self) -> None:
        """Seal the tail if it is full (after values were added by ``append``)."""
        if len(self.tail) >= self._limit:
            self.seal()

    def frombytes(self, data: Any) -> None:
        self.tail.frombytes(data)
        self.settle()

    def __iadd__(self, data: Any) -> Chunked:
        """``column += some_bytes`` (a signature column): as ``frombytes``."""
        self.frombytes(data)
        return self

    def extend(self, values: Iterable[int]) -> None:
        """Append ``values``; another ``Chunked`` column (a later part of the file) gives
        its chunks as they are."""
        if isinstance(values, Chunked):
            self.seal()
            for chunk in values.chunks:
                self.add_chunk(chunk)
            if values.tail:
                self.add_chunk(memoryview(values.tail.tobytes()).cast(self.typecode))
            return
        self.tail.extend(values)
        self.settle()

    def add_chunk(self, chunk: memoryview) -> None:
        if chunk:
            self.starts.append(self.sealed)
            self.chunks.append(chunk)
            self.sealed += len(chunk)

    def seal(self) -> None:
        """Move the tail into a chunk of its exact size."""
        if self.tail:
            self.add_chunk(memoryview(self.tail.tobytes()).cast(self.typecode))
            self.tail = array(self.typecode)
            self.append = self.tail.append

    def pieces(self) -> list[Any]:
        """The chunks and the tail, in order (none empty)."""
        return [*self.chunks, self.tail] if self.tail else list(self.chunks)

    def __len__(self) -> int:
        return self.sealed + len(self.tail)

    def __bool__(self) -> bool:
        return bool(self.sealed or self.tail)

    def _locate(self, i: int) -> tuple[Any, int]:
        """The piece that holds position ``i`` and the position in it."""
        if i < 0:
            i += len(self)
        if i >= self.sealed:
            return self.tail, i - self.sealed
        k = bisect_right(self.starts, i) - 1
        if k < 0:
            raise IndexError(i)
        return self.chunks[k], i - self.starts[k]

    def __getitem__(self, i: int) -> int:
        piece, at = self._locate(i)
        return piece[at]

    def row(self, i: int, width: int) -> bytes:
        """Row ``i`` of a column of ``width``-value rows (rows never straddle chunks: they
        are added whole)."""
        piece, at = self._locate(i * width)
        return piece[at : at + width].tobytes()

    def __iter__(self) -> Iterator[int]:
        return itertools.chain(*self.chunks, self.tail)

    def tobytes(self) -> bytes:
        return b"".join(piece.tobytes() for piece in self.pieces())

    def arrays(self) -> list[Any]:
        """The pieces as numpy arrays, read in place (``piecewise_repeat_pairs``)."""
        import numpy as np

        dtype = np.dtype(self.typecode)
        return [np.frombuffer(piece, dtype=dtype) for piece in self.pieces()]

    def numpy(self) -> Any:
        """The whole column as a new contiguous numpy array (the caller may sort it)."""
        import numpy as np

        dtype = np.dtype(self.typecode)
        pieces = [np.frombuffer(piece, dtype=dtype) for piece in self.pieces()]
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=dtype)

    def take(self, positions: Any) -> Any:
        """The values at ``positions`` (a numpy index array), without a copy of the column."""
        import numpy as np

        dtype = np.dtype(self.typecode)
        out = np.empty(len(positions), dtype=dtype)
        if not len(positions):
            return out
        pieces = self.pieces()
        starts = np.array([*self.starts, self.sealed][: len(pieces)], dtype=np.int64)
        which = np.searchsorted(starts, positions, side="right") - 1
        for k in np.unique(which).tolist():
            mask = which == k
            out[mask] = np.frombuffer(pieces[k], dtype=dtype)[positions[mask] - starts[k]]
        return out


class Columns(Accumulator):
    """Where each example is, in runs: examples that follow each other in one file and split,
    with consecutive record numbers and the same distance between line and record number,
    share one run (the first example's position, origin, record number and that distance).
    A clean file is one run, whatever its size; a blank line, an example a rule leaves out or
    a record spanning lines starts a new one. ``origin_of``, ``record_of`` and ``line_of``
    read them back."""

    def __init__(self) -> None:
        self.origins: list[tuple[str, str | None, str]] = []  # (path, sheet, split)
        self._origin_ids: dict[tuple[str, str | None, str], int] = {}
        self.size = 0  # examples placed
        self.run_start = array("I")  # position of the run's first example
        self.run_origin = array("H")
        self.run_record = array("I")  # record number of the run's first example
        self.run_delta = array("q")  # line minus record number, the same in the whole run
        self._last: tuple[Any, ...] = ()  # (path, sheet, split, origin) of the last example
        # The example that would continue the last run: its (path, sheet, split, line minus
        # record number) and record number (-1: none), so most examples are placed with a
        # few comparisons.
        self._follow: tuple[Any, ...] = ()
        self._next_record = -1

    #: Examples placed between two looks at the tails of the ``Chunked`` columns (a power of
    #: two): their values are appended in C (``Chunked.append``), and a tail full since the
    #: last look is sealed then, at most this many values late.
    SETTLE_EVERY = 1 << 10

    def _state_keys(self) -> tuple[str, ...]:
        """The names of the columns of values, one or more per example placed."""
        return ()

    def _settle(self) -> None:
        for key in self._state_keys():
            column = getattr(self, key)
            if isinstance(column, Chunked):
                column.settle()

    def __getstate__(self) -> dict[str, Any]:
        transient = ("_origin_ids", "_last", "_follow", "_next_record")
        return {k: v for k, v in self.__dict__.items() if k not in transient}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._origin_ids = {origin: i for i, origin in enumerate(self.origins)}
        self._last = self._follow = ()
        self._next_record = -1

    def _place(self, record: Record) -> None:
        location = record.location
        follow = self._follow
        if (
            location.record == self._next_record
            and location.path is follow[0]
            and location.sheet is follow[1]
            and record.split is follow[2]
            and (location.line or 0) - self._next_record == follow[3]
        ):
            self._next_record += 1  # the last run goes on
            self.size += 1
            if not self.size & (self.SETTLE_EVERY - 1):
                self._settle()
            return
        last = self._last
        if (
            last
            and location.path is last[0]
            and location.sheet is last[1]
            and record.split is last[2]
        ):
            origin = last[3]  # the same file and split as the example before (the same strings)
        else:
            key = (location.path, location.sheet, record.split)
            origin = self._origin_ids.get(key)
            if origin is None:
                origin = self._origin_ids[key] = len(self.origins)
                self.origins.append(key)
            self._last = (location.path, location.sheet, record.split, origin)
        number = location.record or 0
        delta = (location.line or 0) - number
        run_origin = self.run_origin
        if (
            not run_origin
            or run_origin[-1] != origin
            or self.run_delta[-1] != delta
            or self.run_record[-1] + (self.size - self.run_start[-1]) != number
        ):
            self.run_start.append(self.size)
            run_origin.append(origin)
            self.run_record.append(number)
            self.run_delta.append(delta)
        self.size += 1
        self._follow = (location.path, location.sheet, record.split, delta)
        self._next_record = number + 1 if location.record else -1
        if not self.size & (self.SETTLE_EVERY - 1):
            self._settle()

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, Columns)
        remap = []
        for key in other.origins:
            origin = self._origin_ids.get(key)
            if origin is None:
                origin = self._origin_ids[key] = len(self.origins)
                self.origins.append(key)
            remap.append(origin)
        offset = self.size
        self.run_start.extend(start + offset for start in other.run_start)
        self.run_origin.extend(remap[origin] for origin in other.run_origin)
        self.run_record.extend(other.run_record)
        self.run_delta.extend(other.run_delta)
        self.size += other.size
        self._last = self._follow = ()
        self._next_record = -1
        for name in self._state_keys():
            getattr(self, name).extend(getattr(other, name))

    def _run(self, i: int) -> int:
        return bisect_right(self.run_start, i) - 1

    def record_of(self, i: int) -> int:
        """The record number of example ``i``; 0 when its reader gave none."""
        run = self._run(i)
        return self.run_record[run] + (i - self.run_start[run])

    def origin_of(self, i: int) -> tuple[str, str | None, str]:
        return self.origins[self.run_origin[self._run(i)]]

    def line_of(self, i: int) -> int:
        """The line (or row) of example ``i``; 0 when its reader gave none."""
        return self.record_of(i) + self.run_delta[self._run(i)]

    def split_of(self, i: int) -> str:
        return self.origin_of(i)[2]

    def run_lengths(self) -> list[int]:
        ends = [*self.run_start[1:], self.size]
        return [end - start for start, end in zip(self.run_start, ends, strict=True)]

    def split_flags(self, wanted: Any) -> bytes:
        """One byte per example: 1 where ``wanted(split)`` of its origin, else 0."""
        flags = [1 if wanted(origin[2]) else 0 for origin in self.origins]
        return b"".join(
            bytes([flags[origin]]) * length
            for origin, length in zip(self.run_origin, self.run_lengths(), strict=True)
        )

    def _split_groups(self) -> Any:
        """``train_flags()`` when examples of both kinds of split are here (``split_key``
        keeps them apart), else None."""
        kinds = {origin[2] == "train" for origin in self.origins}
        return self.train_flags() if len(kinds) > 1 else None

    def train_flags(self) -> Any:
        """Per example, 0 for the training split and 1 for any other (``split_key``)."""
        import numpy as np

        flags = self.split_flags(lambda split: split != "train")
        return np.frombuffer(flags, dtype=np.uint8) if flags else np.zeros(0, dtype=np.uint8)

    def location(self, i: int) -> Location:
        path, sheet, _split = self.origin_of(i)
        return Location(path=path, line=self.line_of(i) or None, record=self.record_of(i) or None,
                        sheet=sheet)  # fmt: skip

    def where(self, i: int, relative_to: int | None = None) -> str:
        """How a message names example ``i`` ("line 12", "record 3 of valid.jsonl" ...)."""
        path, sheet, _ = self.origin_of(i)
        line = self.line_of(i)
        text = f"record {self.record_of(i)}"
        if line:
            text = f"row {line}" if sheet else f"line {line}"
        if sheet:
            text += f" of sheet {sheet!r}"
        if relative_to is not None and self.origin_of(relative_to)[0] != path:
            text += f" of {path}"
        return text


def split_key(split: str, value: int) -> int:
    """Keys of the training split are the digest, of any other split its complement, so that
    one dictionary keeps the splits apart."""
    return value if split == "train" else -value


#: From this many examples on, ``finish`` finds first occurrences with numpy sorts (a few
#: bytes per example) rather than dictionaries (about 100 bytes per example at the peak, and
#: a Python loop); both give the same pairs in the same order.
VECTOR_MIN = 2048


def first_indexes(columns: list[Any], pool: Any = None) -> Any:
    """For every position, the smallest position of a ``pool`` element (all when None) with
    the same key, or ``len`` when there is none. The key of a position is its value in every
    column (equal-length numpy arrays, compared in order); ``pool`` is a boolean array."""
    import numpy as np

    size = len(columns[0])
    if len(columns) == 1:
        order = np.argsort(columns[0], kind="stable")
    else:
        order = np.lexsort(columns[::-1])  # stable: ties keep their positions in order
    change = np.zeros(size, dtype=bool)
    if size:
        change[0] = True
    for column in columns:
        ordered = column[order]
        change[1:] |= ordered[1:] != ordered[:-1]
        del ordered
    starts = np.flatnonzero(change)
    positions = order if pool is None else np.where(pool[order], order, size)
    firsts = np.minimum.reduceat(positions, starts) if size else positions
    del positions
    groups = np.cumsum(change) - 1
    del change
    result = np.empty(size, dtype=np.int64)
    result[order] = firsts[groups]
    return result


def repeat_pairs(keys: Any, groups: Any = None) -> tuple[Any, Any]:
    """``(later, first)`` numpy index arrays: every position whose key (and group, when
    ``groups`` is given) an earlier position has, and the first such position, in order of
    ``later``. One stable sort; about 17 bytes per key at the peak."""
    import numpy as np

    if groups is not None:
        parts = []
        for value in np.unique(groups).tolist():
            where = np.flatnonzero(groups == value)
            later, first = repeat_pairs(keys[where])
            parts.append((where[later], where[first]))
        later = np.concatenate([p[0] for p in parts])
        first = np.concatenate([p[1] for p in parts])
        sequence = np.argsort(later, kind="stable")
        return later[sequence], first[sequence]
    if len(keys) < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")  # equal keys keep their positions in order
    ordered = keys[order]
    repeats = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    owners = np.searchsorted(ordered, ordered[repeats], side="left")  # first of each run
    del ordered
    later, first = order[repeats], order[owners]
    del order
    sequence = np.argsort(later, kind="stable")
    return later[sequence], first[sequence]


#: Passes of ``piecewise_repeat_pairs``, one per value of the top bits of a key.
REPEAT_PASSES = 8
_TOP_SHIFT = 64 - (REPEAT_PASSES - 1).bit_length()


def piecewise_repeat_pairs(pieces: list[Any], groups: Any = None) -> tuple[Any, Any]:
    """``repeat_pairs`` of the keys that ``pieces`` (numpy ``uint64`` arrays, read in place
    from the chunks of a column) hold in order, without a copy of the column. The keys are
    sorted in ``REPEAT_PASSES`` passes, each over the keys whose top bits are the pass's (an
    eighth of them: one byte per key at the peak, where ``repeat_pairs`` holds an order and
    the keys in that order, 16, and a copy of the column another 8). Only the positions of
    repeated keys then go through ``repeat_pairs``: the same pairs in the same order."""
    import numpy as np

    none = np.zeros(0, dtype=np.int64)
    if groups is not None:  # several splits (rare): the plain search over one copy
        keys = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint64)
        return repeat_pairs(keys, groups) if len(keys) else (none, none)
    shift = np.uint64(_TOP_SHIFT)
    repeated = []
    for part in range(REPEAT_PASSES):
        top = np.uint64(part)
        keys = np.concatenate([piece[(piece >> shift) == top] for piece in pieces] or [none])
        keys.sort()
        same = keys[1:] == keys[:-1]
        if same.any():
            repeated.append(np.unique(keys[1:][same]))
        del keys, same
    if not repeated:
        return none, none
    values = np.concatenate(repeated)  # sorted: the passes go up the top bits
    where, found = [], []
    offset = 0
    for piece in pieces:
        slot = np.searchsorted(values, piece)
        np.minimum(slot, len(values) - 1, out=slot)
        local = np.flatnonzero(values[slot] == piece)
        where.append(local + offset)
        found.append(piece[local])
        offset += len(piece)
    positions = np.concatenate(where)
    later, first = repeat_pairs(np.concatenate(found))
    return positions[later], positions[first]


def numpy_column(values: Any) -> Any:
    """A column of 64-bit digests as a numpy array: read in place (an ``array``), or a new
    one (a ``Chunked`` column)."""
    import numpy as np

    if isinstance(values, Chunked):
        return values.numpy()
    return np.frombuffer(values, dtype=np.uint64) if len(values) else np.zeros(0, np.uint64)

"""MinHash signatures and locality-sensitive hashing: how the similarity rules find pairs.

MinHash (the ``rensa`` library, Rust, seeded so that every process computes the same
signature; datasketch, pure Python, measured ~70x slower: 385 vs 5 us per example) over
token 3-grams of the example's own texts, system prompts left out (they are usually shared
by every example and would make unrelated examples look alike). The token ids are the ones
the token rules count (``ftlint.tokens.token_figures``, a record analysis), so each text is
encoded once per run, and languages written without spaces are compared as well as English;
without a tokenizer, word 3-grams are the fallback. Of each 32-bit min-hash value the low
byte is kept (b-bit MinHash); the signature is cut into bands for locality-sensitive hashing,
and each candidate pair is confirmed by estimating its Jaccard similarity from the matching
bytes. ``SignatureColumns`` is the accumulator state both similarity rules build on.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from typing import Any

from ftlint.rules.dataset.canonical import canonical_hashes, comparison_words, hashes_of
from ftlint.rules.dataset.columns import (
    VECTOR_MIN,
    Chunked,
    Columns,
    first_indexes,
    piecewise_repeat_pairs,
    repeat_pairs,
)

from ftlint import Accumulator, Record
from ftlint.conversion import Planner
from ftlint.tokens import figures_key, token_figures

NUM_PERM = 64
SEED = 0x5EED_F71
#: Examples per rensa call (below 32, the smallest batch rensa ever splits across threads).
RENSA_ROWS = 31
#: Candidates compared per example at most (a bucket of thousands of near-identical
#: templated examples must not turn into millions of comparisons).
MAX_CANDIDATES = 32

_LOW_BYTE = slice(0, None, 4) if sys.byteorder == "little" else slice(3, None, 4)


def shingles(words: list[str], size: int) -> list[str]:
    """Word ``size``-grams (the fallback when no tokenizer is available)."""
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return list(map(" ".join, zip(*(words[i:] for i in range(size)), strict=False)))


#: Odd 64-bit multipliers that mix the token ids of one n-gram into one 64-bit value.
_MIXERS = (
    0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
    0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
)  # fmt: skip
MAX_SHINGLE = len(_MIXERS)


def batch_signatures(ids: Any, offsets: array, size: int) -> bytes:
    """Signatures (``NUM_PERM`` bytes each) of consecutive examples whose token ids are
    ``ids[offsets[i]:offsets[i + 1]]`` (none empty): the token ``size``-grams of all of them
    in one vectorised pass (n-grams never cross from one example into the next; an example
    shorter than ``size`` tokens is one n-gram), then one MinHash call for the batch.
    ``ids``: a numpy array of 64-bit integers, or a buffer of them (``array("Q")``)."""
    import numpy as np
    import rensa

    tokens = ids if isinstance(ids, np.ndarray) else np.frombuffer(ids, dtype=np.uint64)
    bounds = np.frombuffer(offsets, dtype=np.uint64).astype(np.int64)
    lengths = np.diff(bounds)
    total = len(tokens)
    mixers = [np.uint64(m) for m in _MIXERS]  # numpy scalars, once per batch
    # The n-gram starting at every position, mixed across example boundaries: the positions
    # kept below never reach past their example's end, except the first position of an
    # example shorter than ``size`` (its one n-gram), recomputed after.
    mixed = tokens * mixers[0]
    for j in range(1, min(size, total)):
        mixed[: total - j] ^= tokens[j:] * mixers[j]
    short = np.flatnonzero(lengths < size)
    if len(short):
        first, length = bounds[short], lengths[short]
        gram = tokens[first] * mixers[0]
        for j in range(1, size):
            longer = length > j
            gram[longer] ^= tokens[first[longer] + j] * mixers[j]
        mixed[first] = gram
    counts = np.maximum(lengths - size + 1, 1)
    starts = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    # The n-grams of each example, one slice of ``mixed`` each: no index arrays (an index
    # array, its offsets and the gather took 24 bytes per token more at the peak: a 16 MB
    # answer is four million tokens).
    grams = np.concatenate(
        [mixed[b : b + c] for b, c in zip(bounds[:-1].tolist(), counts.tolist(), strict=True)]
    )
    del mixed
    offsets = starts.astype(np.uint64)
    values = array("I")
    # At most RENSA_ROWS examples a call: rensa then computes them in this thread. For 32
    # or more (its smallest parallel batch) it may use its rayon thread pool, which does not
    # survive a fork: a worker forked after the main process used it waits forever.
    for first in range(0, len(counts), RENSA_ROWS):
        last = min(first + RENSA_ROWS, len(counts))
        begin, end = int(offsets[first]), int(offsets[last])
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            grams[begin:end], offsets[first : last + 1] - offsets[first], NUM_PERM, SEED
        )
        for row in matrix.to_rows():
            values.fromlist(row)  # a list of ints: fromlist is ~1.5x faster than extend
    return values.tobytes()[_LOW_BYTE]


#: N-grams hashed per step of ``long_signature`` (a few arrays of 8 bytes each at a time).
LONG_STEP = 1 << 16


def long_signature(ids: Any, size: int, step: int = LONG_STEP) -> bytes:
    """``batch_signatures`` of one long example (``ids``: its native 32-bit token ids, at
    least ``size`` of them), a step of n-grams at a time: a MinHash value is the least hash
    of the example's n-grams under each permutation, so the least over the steps' values is
    the value of the whole (checked by ``tests/test_similarity_signatures.py``). The peak is
    a few arrays of ``step`` 64-bit values, where the batch holds several arrays of 8 bytes
    per token of the example (a 16 MB answer is four million tokens)."""
    import numpy as np
    import rensa

    tokens = np.frombuffer(ids, dtype=np.uint32)
    grams = len(tokens) - size + 1
    mixers = [np.uint64(m) for m in _MIXERS]
    least = None
    for first in range(0, grams, step):
        count = min(step, grams - first)
        window = tokens[first : first + count + size - 1].astype(np.uint64)
        mixed = window[:count] * mixers[0]
        for j in range(1, size):
            mixed ^= window[j : j + count] * mixers[j]
        rows = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            mixed, np.array([0, count], dtype=np.uint64), NUM_PERM, SEED
        ).to_rows()
        values = np.array(rows[0], dtype=np.uint32)
        least = values if least is None else np.minimum(least, values)
    assert least is not None
    return least.tobytes()[_LOW_BYTE]


#: Batches of fewer examples, and of fewer token ids, are hashed in plain Python
#: (``small_batch_signatures``): a small file (a pre-commit run on 12 examples) never imports
#: numpy, ~0.15 s of start-up. The cap on ids keeps one huge record off that path (a 4 MB
#: record took 34 s of CPU there, 0.03 s with numpy).
SMALL_BATCH = 64
SMALL_BATCH_TOKENS = 16_384
_MASK = (1 << 64) - 1


def small_batch_signatures(ids: Any, offsets: array, size: int) -> bytes:
    """``batch_signatures`` without numpy, for a few examples: the same n-gram mix (64-bit
    products XORed, wrapping as numpy's ``uint64`` does) and the same MinHash calls, so the
    signatures are byte for byte those of the vectorised path. ``ids``: 32-bit token ids
    (native ``array("I")`` bytes), ``offsets``: where each example's ids start."""
    import rensa

    tokens = array("I")
    tokens.frombytes(bytes(ids))
    mixers = _MIXERS[:size]
    grams: list[int] = []
    bounds = [0]
    for k in range(len(offsets) - 1):
        start, end = offsets[k], offsets[k + 1]
        length = end - start
        if length < size:  # one n-gram of what there is
            gram = 0
            for j in range(length):
                gram ^= (tokens[start + j] * mixers[j]) & _MASK
            grams.append(gram)
        else:
            for p in range(start, end - size + 1):
                gram = 0
                for j in range(size):
                    gram ^= (tokens[p + j] * mixers[j]) & _MASK
                grams.append(gram)
        bounds.append(len(grams))
    values = array("I")
    examples = len(bounds) - 1
    for first in range(0, examples, RENSA_ROWS):
        last = min(first + RENSA_ROWS, examples)
        begin = bounds[first]
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            grams[begin : bounds[last]], [b - begin for b in bounds[first : last + 1]],
            NUM_PERM, SEED,
        )  # fmt: skip
        for row in matrix.to_rows():
            values.fromlist(row)  # a list of ints: fromlist is ~1.5x faster than extend
    return values.tobytes()[_LOW_BYTE]


def word_signature(record: Record, shingle_size: int) -> bytes | None:
    """The b-bit MinHash signature (``NUM_PERM`` bytes) of a record's word n-grams, None when
    it has no text to compare: the fallback when no tokenizer loads (with one, signatures come
    from token n-grams, ``batch_signatures``). A record analysis
    (``record.analysis.get(word_signature, shingle_size)``): both similarity rules read it."""
    import rensa

    value = None
    words = shingles(comparison_words(record), shingle_size)
    if words:
        minhash = rensa.RMinHash(num_perm=NUM_PERM, seed=SEED)
        minhash.update(words)
        value = array("I", minhash.digest()).tobytes()[_LOW_BYTE]
    return value


def estimated_jaccard(a: bytes, b: bytes) -> float:
    """Jaccard similarity from two b-bit (8-bit) signatures: a byte matches with probability
    J + (1 - J) / 256."""
    matches = sum(x == y for x, y in zip(a, b, strict=True))
    p = matches / len(a)
    return max(0.0, (p - 1 / 256) / (1 - 1 / 256))


def band_rows(threshold: float, num_perm: int = NUM_PERM) -> int:
    """Rows per LSH band: the most that still finds 97% of pairs at the threshold (fewer
    candidates to confirm); at 0.9 this is 8 bands of 8 bytes."""
    best = 1
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1 - (1 - threshold**rows) ** bands >= 0.97:
            best = rows
    return best


def bucket_pairs(
    column: Iterable[Any], queries: bytes | None, pool: bytes | None
) -> list[tuple[int, int]]:
    """``(query, earlier pool example)`` for every query example whose key in ``column`` (one
    LSH band key per example) an earlier pool example has: the dictionary loop of
    ``matches`` for small files, and the plain form ``band_pairs`` must agree with."""
    buckets: dict[Any, int] = {}
    pending: list[tuple[int, int]] = []
    if queries is None and pool is None:
        setdefault = buckets.setdefault
        for i, key in enumerate(column):
            j = setdefault(key, i)
            if j != i:
                pending.append((i, j))
        return pending
    for i, key in enumerate(column):
        if pool is None or pool[i]:
            j = buckets.setdefault(key, i)
            if j != i and (queries is None or queries[i]):
                pending.append((i, j))
        elif queries is None or queries[i]:
            j = buckets.get(key, i)
            if j != i:
                pending.append((i, j))
    return pending


class SignatureColumns(Columns):
    """Adds the example digest (8 bytes) and the MinHash signature (64 bytes)."""

    def __init__(
        self,
        threshold: float,
        shingle_size: int,
        encoding: str | None,
        planner: Planner | None = None,
    ) -> None:
        super().__init__()
        self.planner = planner  # the run's: token ids of the form prepare writes
        self.threshold = threshold
        self.shingle_size = shingle_size
        self.encoding = encoding
        #: Where each record's token ids are (``figures_key``), read inline: every record.
        self._figures_key = figures_key(encoding, planner) if encoding is not None else None
        self.digest = Chunked("Q")
        self.signatures = Chunked("B")  # NUM_PERM bytes per example

    def _state_keys(self) -> tuple[str, ...]:
        return ("digest", "signatures")

    #: Examples whose signatures are computed together (one vectorised pass, one call).
    BATCH = 512
    #: Bytes of token ids (4 a token) from which an example's signature is computed alone
    #: (``long_signature``) instead of its ids being copied into the batch.
    LONG = 4 * LONG_STEP

    def add(self, record: Record) -> None:
        example, _, _ = record.analyses.get(canonical_hashes) or hashes_of(record)
        if not example:
            return
        if self.encoding is None:
            value = record.analysis.get(word_signature, self.shingle_size)
            if value is None:
                return
            self._place(record)
            self.digest.append(example)
            self.signatures += value
            return
        figures = record.analyses.get(self._figures_key)
        tokens = (figures or token_figures(record, self.encoding, self.planner))[1]
        if not tokens:
            return
        self._place(record)
        self.digest.append(example)
        if len(tokens) > self.LONG:  # one huge example: its own signature, no copy of its ids
            self.flush()
            self.signatures += long_signature(tokens, self.shingle_size)
            return
        pending = self.__dict__.get("_pending")
        if pending is None:
            pending = self._pending = (bytearray(), array("Q", [0]))
        pending[0].extend(tokens)  # native 32-bit token ids
        pending[1].append(len(pending[0]) >> 2)
        if len(pending[1]) > self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Compute the signatures of the examples added since the last flush."""
        pending = self.__dict__.pop("_pending", None)
        if (
            pending is not None
            and 1 < len(pending[1]) <= SMALL_BATCH
            and len(pending[0]) <= 4 * SMALL_BATCH_TOKENS  # 32-bit ids
        ):
            self.signatures += small_batch_signatures(pending[0], pending[1], self.shingle_size)
        elif pending is not None and len(pending[1]) > 1:
            import numpy as np

            ids = np.frombuffer(pending[0], dtype=np.uint32).astype(np.uint64)
            self.signatures += batch_signatures(ids, pending[1], self.shingle_size)

    def __getstate__(self) -> dict[str, Any]:
        self.flush()
        return super().__getstate__()

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, SignatureColumns)
        self.flush()
        other.flush()
        super().merge(other)

    def sig(self, i: int) -> bytes:
        return self.signatures.row(i, NUM_PERM)

    def band_column(self, band: int, rows: int, data: bytes) -> Any:
        """The key of one LSH band for every example, in order."""
        if rows == 8:
            return memoryview(data).cast("Q")[band :: NUM_PERM // 8]
        start = band * rows
        return [data[o : o + rows] for o in range(start, len(data), NUM_PERM)]

    def band_pairs(
        self, band: int, rows: int, data: Any, queries: bytes | None, pool: bytes | None
    ) -> list[tuple[int, int]]:
        """The candidate pairs of one LSH band, as the bucket loop of ``matches`` finds them:
        ``(i, j)`` for each query ``i`` and the first pool example ``j < i`` whose band equals
        its band, in order of ``i`` (numpy sorts instead of a dictionary)."""
        import numpy as np

        size = len(self.digest)
        pieces = data.pieces() if isinstance(data, Chunked) else [data]
        if rows == 8 and queries is None and pool is None:  # the default (threshold 0.9)
            # The band's 8 bytes of every signature, read in place as one 64-bit key each.
            keys = [np.frombuffer(piece, dtype=np.uint64)[band :: NUM_PERM // 8]
                    for piece in pieces]  # fmt: skip
            later, first = piecewise_repeat_pairs(keys)
            return list(zip(later.tolist(), first.tolist(), strict=True))
        width = -(-rows // 8) * 8
        keys = np.zeros((size, width), dtype=np.uint8)
        keys[:, :rows] = np.concatenate([
            np.frombuffer(piece, dtype=np.uint8).reshape(-1, NUM_PERM)[
                :, band * rows : (band + 1) * rows
            ]
            for piece in pieces
        ])  # fmt: skip
        packed = keys.view(np.uint64)
        del keys
        columns = [np.ascontiguousarray(packed[:, k]) for k in range(width // 8)]
        del packed
        if len(columns) == 1 and queries is None and pool is None:
            later, first = repeat_pairs(columns[0])
            return list(zip(later.tolist(), first.tolist(), strict=True))
        in_pool = None if pool is None else np.frombuffer(pool, dtype=np.uint8).astype(bool)
        first = first_indexes(columns, in_pool)
        wanted = first < np.arange(size)
        if queries is not None:
            wanted &= np.frombuffer(queries, dtype=np.uint8).astype(bool)
        later = np.flatnonzero(wanted)
        return list(zip(later.tolist(), first[later].tolist(), strict=True))

    def similar(self, i: int, j: int) -> float | None:
        """The estimated similarity of two examples when it reaches the threshold."""
        if self.digest[i] == self.digest[j]:
            return None  # exact copies are DuplicateExample's (or the exact overlap's) job
        value = estimated_jaccard(self.sig(i), self.sig(j))
        return value if value >= self.threshold else None

    def matches(self, queries: bytes | None, pool: bytes | None) -> dict[int, tuple[int, float]]:
        """For each query example, an earlier pool example similar enough to it:
        ``{query: (match, similarity)}``. ``queries`` and ``pool`` are masks (one byte per
        example, None for all). The earliest match found wins."""
        self.flush()
        rows = band_rows(self.threshold)
        vector = len(self.digest) >= VECTOR_MIN
        # numpy reads the signatures where they are; the dictionaries need bytes keys.
        data = self.signatures if vector else self.signatures.tobytes()
        found: dict[int, tuple[int, float]] = {}
        tried: dict[int, int] = {}
        for band in range(NUM_PERM // rows):
            if vector:
                pending = self.band_pairs(band, rows, data, queries, pool)
            else:
                pending = bucket_pairs(self.band_column(band, rows, data), queries, pool)
            for i, j in pending:
                previous = found.get(i)
                if previous is not None and previous[0] <= j:
                    continue
                count = tried.get(i, 0)
                if count >= MAX_CANDIDATES:
                    continue
                tried[i] = count + 1
                value = self.similar(i, j)
                if value is not None:
                    found[i] = (j, value)
        return found

    def split_mask(self, wanted: Any) -> bytes | None:
        """One byte per example: 1 where ``wanted(split)``; None when every example is."""
        if all(wanted(origin[2]) for origin in self.origins):
            return None
        return self.split_flags(wanted)

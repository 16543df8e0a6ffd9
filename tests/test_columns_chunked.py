"""The compact columns of the dataset and token rules read back exactly what was put in.

``Chunked`` (digests and signatures in exact chunks, merged by appending chunks),
``piecewise_repeat_pairs`` (repeats found without a copy of the column) and ``RunColumn``
(record and line numbers in runs) replaced plain arrays for memory (issue 16): each test
compares one of them with the plain list or search it stands for, on generated inputs,
after pickling and merging as parts of a file checked in parallel are. No test here
measures time or memory.
"""

from __future__ import annotations

import json
import pickle
import random
from array import array

import numpy as np
import pytest
from ftlint.rules.dataset import columns as columns_module
from ftlint.rules.dataset import minhash
from ftlint.rules.dataset.columns import Chunked, piecewise_repeat_pairs, repeat_pairs
from ftlint.rules.tokens.statistics import RunColumn
from hypothesis import given, settings
from hypothesis import strategies as st

U64 = st.integers(0, 2**64 - 1)


def _chunked(values: list[int], chunk_bytes: int, typecode: str = "Q") -> Chunked:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns_module, "CHUNK_BYTES", chunk_bytes)
        column = Chunked(typecode)
    for value in values:
        column.append(value)
    return column


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from([0, 1, 2**63, 2**64 - 1]) | U64, max_size=40),
             min_size=1, max_size=4),
    st.sampled_from([8, 24, 64, 1 << 18]),
    st.randoms(use_true_random=False),
)  # fmt: skip
def test_chunked_columns_read_back_every_value_after_pickling_and_merging(parts, size, rng):
    expected = [value for part in parts for value in part]
    columns = [_chunked(part, size) for part in parts]
    columns = [pickle.loads(pickle.dumps(c)) for c in columns]  # as workers send them back
    merged = columns[0]
    for other in columns[1:]:
        merged.extend(other)
    assert len(merged) == len(expected) and bool(merged) == bool(expected)
    assert list(merged) == expected
    assert [merged[i] for i in range(len(expected))] == expected
    if expected:
        assert merged[-1] == expected[-1]
    with pytest.raises(IndexError):
        merged[len(expected)]
    assert merged.numpy().tolist() == expected and merged.numpy().dtype == np.uint64
    positions = np.array([rng.randrange(len(expected)) for _ in range(9)] if expected else [],
                         dtype=np.int64)  # fmt: skip
    assert merged.take(positions).tolist() == [expected[p] for p in positions.tolist()]
    assert merged.tobytes() == np.array(expected, dtype=np.uint64).tobytes()
    merged.append(7)  # a merged column goes on growing
    assert list(merged) == [*expected, 7]
    plain = _chunked([], size)
    plain.extend(expected)  # from any iterable of numbers
    assert list(plain) == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=12), st.sampled_from([64, 192, 1024]))
def test_signature_rows_never_straddle_chunks(batches, size):
    rng = random.Random(sum(batches) * size)
    rows = [bytes(rng.randrange(256) for _ in range(minhash.NUM_PERM)) for _ in range(sum(batches))]
    column = _chunked([], size, "B")
    at = 0
    for count in batches:  # signatures come in batches of whole rows
        column += b"".join(rows[at : at + count])
        at += count
    column = pickle.loads(pickle.dumps(column))
    assert [column.row(i, minhash.NUM_PERM) for i in range(len(rows))] == rows
    assert column.tobytes() == b"".join(rows)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(0, 6) | U64 | st.integers(2**63 - 3, 2**63 + 3), max_size=80),
    st.lists(st.integers(1, 30), max_size=5),
    st.booleans(),
)
def test_piecewise_repeat_pairs_are_repeat_pairs(keys, cuts, grouped):
    """Keys in pieces (as a column's chunks), with repeats within and across pieces and
    keys on both sides of every top-bits pass."""
    array_keys = np.array(keys, dtype=np.uint64)
    pieces, at = [], 0
    for cut in [*cuts, len(keys)]:
        pieces.append(array_keys[at : at + cut])
        at += cut
    grouped = grouped and bool(keys)  # the rules group only long columns (VECTOR_MIN)
    groups = np.array([k % 2 for k in keys], dtype=np.uint8) if grouped else None
    later, first = piecewise_repeat_pairs([p for p in pieces if len(p)], groups)
    expected_later, expected_first = repeat_pairs(array_keys, groups)
    assert later.tolist() == expected_later.tolist()
    assert first.tolist() == expected_first.tolist()


@pytest.mark.parametrize("chunk_bytes", [64 * 7, 1 << 18])
@pytest.mark.parametrize("rows", [8, 5])
def test_band_pairs_over_chunks_are_the_bucket_loop(chunk_bytes, rows):
    """The candidate pairs of chunked signatures (several chunks, the last one a partial
    tail) are those of the plain bucket loop over the same bytes."""
    rng = random.Random(rows + chunk_bytes)
    size = columns_module.VECTOR_MIN + 77
    bases = [bytes(rng.randrange(3) for _ in range(64)) for _ in range(10)]
    data = bytearray()
    for _ in range(size):
        signature = bytearray(rng.choice(bases))
        for _ in range(rng.randrange(40)):
            signature[rng.randrange(64)] = rng.randrange(4)
        data += signature
    accumulator = minhash.SignatureColumns(0.9, 3, None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columns_module, "CHUNK_BYTES", chunk_bytes)
        accumulator.signatures = Chunked("B")
    for o in range(0, len(data), 64 * 13):
        accumulator.signatures += bytes(data[o : o + 64 * 13])
    accumulator.digest.extend(range(1, size + 1))
    if chunk_bytes < 4096:
        assert len(accumulator.signatures.chunks) > 1  # several chunks and a tail
    for band in range(64 // rows):
        keys = [bytes(data[o + band * rows : o + (band + 1) * rows])
                for o in range(0, len(data), 64)]  # fmt: skip
        expected = minhash.bucket_pairs(keys, None, None)
        found = accumulator.band_pairs(band, rows, accumulator.signatures, None, None)
        assert found == expected
        assert accumulator.band_pairs(band, rows, data, None, None) == expected


def _runs(draw_runs: list[tuple[int, int, int]]) -> list[int]:
    values = []
    for first, length, step in draw_runs:
        values.extend(first + i * step for i in range(length))
    return values


RUNS = st.lists(
    st.tuples(st.integers(0, 50), st.integers(1, 6), st.sampled_from([0, 1, 1, 2])),
    max_size=12,
).map(_runs)


@settings(max_examples=120, deadline=None)
@given(RUNS, RUNS)
def test_run_columns_read_back_every_number(first_part, second_part):
    """Numbers in runs (counting up, repeated, or neither), through ``append`` and the
    inline fast path of ``TokenStats.add``, pickled and merged as parts are."""
    parts = []
    for index, values in enumerate((first_part, second_part)):
        column = RunColumn()
        for value in values:
            if index and value == column.next:  # the inline path of TokenStats.add
                column.next += column.steps[-1]
                column.size += 1
            else:
                column.append(value)
        parts.append(pickle.loads(pickle.dumps(column)))
    merged = parts[0]
    merged.extend(parts[1])
    expected = first_part + second_part
    assert len(merged) == len(expected) and list(merged) == expected
    assert [merged[i] for i in range(len(expected))] == expected
    assert merged[1:5] == expected[1:5] and merged == expected
    assert (0 in merged) == (0 in expected)
    if expected:
        assert merged[-1] == expected[-1]
    with pytest.raises(IndexError):
        merged[len(expected)]
    merged.append(3)
    assert list(merged) == [*expected, 3]


def _dataset(count: int) -> list[str]:
    """Chat examples with exact copies, conflicting answers and near copies among them."""
    rng = random.Random(11)
    words = [
        "refund",
        "order",
        "parcel",
        "late",
        "broken",
        "invoice",
        "card",
        "address",
        "week",
        "store",
    ]
    rows = []
    for i in range(count):
        roll = rng.random()
        if rows and roll < 0.04:
            rows.append(rng.choice(rows))  # an exact copy
            continue
        question = f"Question {i}: " + " ".join(rng.choices(words, k=12))
        answer = " ".join(rng.choices(words, k=30))
        if rows and roll < 0.08:  # the same question as an earlier one, another answer
            question = json.loads(rng.choice(rows))["messages"][0]["content"]
        elif rows and roll < 0.12:  # a near copy: one word of an earlier answer changed
            earlier = json.loads(rng.choice(rows))["messages"]
            question = earlier[0]["content"]
            answer = earlier[1]["content"].replace(" ", " very ", 1)
        rows.append(json.dumps({"messages": [
            {"role": "user", "content": question}, {"role": "assistant", "content": answer},
        ]}))  # fmt: skip
    return rows


def test_small_chunks_and_parallel_parts_give_the_same_findings(tmp_path, monkeypatch):
    """A dataset large enough for the vectorised searches, with every kind of repeat:
    checked in one pass with the default chunks, and in parallel parts with tiny chunks
    (many chunks per part, merged by appending) and token columns sealed every 97 examples,
    the findings (the token figures among them) and the columns are the same."""
    import ftlint

    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(_dataset(columns_module.VECTOR_MIN + 500)) + "\n", "utf-8")
    select = "FT602,FT603,FT604,FT702"

    def findings(report: ftlint.Report) -> list[tuple]:
        return [(d.code, d.location.line, d.message) for d in report.diagnostics]

    one = ftlint.check(path, isolated=True, select=select, jobs=1)
    from ftlint.rules.tokens.statistics import TokenStats

    monkeypatch.setattr(columns_module, "CHUNK_BYTES", 64 * 5)
    monkeypatch.setattr(TokenStats, "SEAL", 97)  # token columns sealed in many parts too
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1")
    parts = ftlint.check(path, isolated=True, select=select, jobs=2)
    codes = {d.code for d in one.diagnostics}
    assert {"FT602", "FT603", "FT604"} <= codes
    assert findings(parts) == findings(one)
    assert {k: list(v) for k, v in parts.files[0].examples.items()} == {
        k: list(v) for k, v in one.files[0].examples.items()
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2**32 - 1), max_size=9), max_size=5))
def test_sealed_token_columns_settle_into_the_widest_typecode(parts):
    """Token columns sealed in parts that widened differently (a long example in one part
    only) join into one column of every value, in order."""
    from ftlint.rules.tokens.statistics import TokenStats, _append

    stats = TokenStats("o200k_base", None)  # type: ignore[arg-type]  # no record is added
    expected = []
    for values in parts:
        column = array("H")
        for value in values:
            column = _append(column, value)
        stats._sealed.append((column, column, array("B", [1] * len(values)), array("B")))
        expected += values
    stats.settle()
    assert list(stats.total) == expected and list(stats.trained) == expected
    assert list(stats.messages) == [1] * len(expected)
    assert stats._sealed == [] or not expected

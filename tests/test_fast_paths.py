"""The fast paths of the hot loop give exactly what the plain code gives.

Speed work replaced a few straightforward computations with quicker ones (scans of the JSON
source instead of each text, numpy sorts instead of dictionaries, runs instead of one number
per example ...). Each test here compares one of them with the plain computation it stands
for, on generated inputs, so that a later change to either side cannot drift unnoticed.
No test here measures time.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import random
import re
import subprocess
import sys
import tempfile
from array import array
from pathlib import Path

import numpy as np
import pytest
from ftlint.plugins.jsonl import JsonlReader, split_lines
from ftlint.rules.chat.walk import Walk as _Walk
from ftlint.rules.chat.walk import _chat, _plain_chat, analyze
from ftlint.rules.content.controls import CONTROL_RE, has_control
from ftlint.rules.content.encoding import MOJIBAKE_RE
from ftlint.rules.content.texts import BRACE, CONTROL, MOJIBAKE, REPLACEMENT, SPECIAL, suspects
from ftlint.rules.dataset import canonical, minhash
from ftlint.rules.dataset.columns import VECTOR_MIN, Columns, first_indexes, repeat_pairs
from ftlint.rules.legacy.mostly_uppercase import case_counts, case_counts_many
from ftlint.rules.tokens.statistics import _append, _extended, distribution, histogram, quantile
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint import shapes
from ftlint.model import Location, Record
from ftlint.rule import FileContext
from ftlint.tokens import TokenCounter, shared_counter
from tests.conftest import write_jsonl

ROLES = st.sampled_from(["system", "user", "assistant", "tool", "Assistant", "", "developer"])
TEXT = st.text(
    alphabet=st.sampled_from(list("ab {}<|>\t\n\r\x00\x07\x0b\x0c\x1c\x1f\x7f\x85\xa0é中😕\ufffd")),
    max_size=12,
)
MESSAGE = st.one_of(
    st.fixed_dictionaries({"role": ROLES, "content": TEXT}),
    st.fixed_dictionaries(
        {"role": ROLES, "content": TEXT},
        optional={"name": TEXT, "weight": st.sampled_from([0, 1, "1"]), "from": TEXT},
    ),
    st.fixed_dictionaries({"from": st.sampled_from(["human", "gpt"]), "value": TEXT}),
    st.fixed_dictionaries(
        {
            "role": ROLES,
            "content": st.lists(
                st.fixed_dictionaries({"type": st.just("text"), "text": TEXT}), max_size=2
            ),
        }
    ),
    st.just({"role": ["user"], "content": "hi"}),
    st.none(),
)
CHAT = st.fixed_dictionaries(
    {"messages": st.lists(MESSAGE, max_size=5)},
    optional={"tools": st.just([]), "id": st.integers()},
)
PROMPT_COMPLETION = st.fixed_dictionaries(
    {"prompt": st.one_of(TEXT, st.none()), "completion": st.one_of(TEXT, st.none(), st.just(3))}
)
RECORD = st.one_of(CHAT, PROMPT_COMPLETION, st.dictionaries(st.text(max_size=4), TEXT))


def _record_from_line(data: object, line: str | None = None) -> Record:
    source = json.dumps(data) if line is None else line
    return Record(data, Location("f.jsonl", 1, None, 1), raw=source, source_format="jsonl")


@given(RECORD)
def test_texts_of_is_iter_texts(data):
    assert shapes.texts_of(data) == tuple(shapes.iter_texts(data))


@given(RECORD, st.booleans())
def test_content_scan_bits_are_those_of_a_scan_of_every_text(data, ascii_escapes):
    line = json.dumps(data, ensure_ascii=ascii_escapes)
    record = _record_from_line(json.loads(line), line)
    expected = 0
    for _pointer, _role, text in shapes.iter_texts(record.data):
        if CONTROL_RE.search(text):
            expected |= CONTROL
        if not text.isascii():
            if "\ufffd" in text:
                expected |= REPLACEMENT
            if MOJIBAKE_RE.search(text):
                expected |= MOJIBAKE
        if "<|" in text or "_of_turn>" in text:
            expected |= SPECIAL
        if "{" in text:
            expected |= BRACE
    found = suspects(record)
    # The scan may skip a special-token bit for a text with "_of_turn>" but no "<": no marker
    # the rule reports can be there. Every other bit is exactly the plain scan's.
    assert found & ~SPECIAL == expected & ~SPECIAL
    if found & SPECIAL != expected & SPECIAL:
        assert not any("<" in t for _p, _r, t in shapes.iter_texts(record.data))


@given(st.text())
def test_has_control_is_the_control_regex(text):
    assert has_control(text) == (CONTROL_RE.search(text) is not None)


def test_has_control_reads_a_huge_text_in_slices(monkeypatch):
    """A text longer than a slice is read a slice at a time: the same answer wherever the
    control character is (first, across, last slice), lone surrogates at the edges included."""
    from ftlint.rules.content import controls

    monkeypatch.setattr(controls, "_SLICE", 4)
    for text in ["abcdefghij", "\ud800bcd\udc00fghij\ud83d", "é" * 9 + "\x07", "\x0bbcdefgh",
                 "abcd\x1fefgh", "x" * 40 + "\x7f" + "y" * 3]:  # fmt: skip
        assert has_control(text) == (CONTROL_RE.search(text) is not None), repr(text)


CASED = st.text(alphabet=st.sampled_from(list("aZ \n@[`{\x7f\x80éÉßǅΣσДд中ᾼ😕\ud800")))


@given(st.lists(CASED, max_size=8))
def test_case_counts_of_many_texts_are_those_of_each_text(texts):
    upper, other = case_counts_many(texts)
    assert list(zip(upper.tolist(), other.tolist(), strict=True)) == [case_counts(t) for t in texts]


@given(st.lists(st.text(), max_size=8))  # any code point: every plane, lone surrogates
def test_case_counts_of_many_arbitrary_texts_are_those_of_each_text(texts):
    upper, other = case_counts_many(texts)
    assert list(zip(upper.tolist(), other.tolist(), strict=True)) == [case_counts(t) for t in texts]


def test_case_counts_of_many_texts_agree_on_every_code_point():
    """Every code point of the Basic Multilingual Plane (the table's), and the planes beyond
    in steps, each in a text of its own and all in runs of 4,096: the counts of the search."""
    import sys

    points = [*range(0x10000), *range(0x10000, sys.maxunicode + 1, 37)]
    texts = [chr(p) for p in points]
    texts += ["".join(texts[i : i + 4096]) for i in range(0, len(texts), 4096)]
    upper, other = case_counts_many(texts)
    assert list(zip(upper.tolist(), other.tolist(), strict=True)) == [case_counts(t) for t in texts]


MOJIBAKE_PLAIN = re.compile(
    "[\x80-\x9f]|[\xc2-\xf4][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)


@given(st.text(alphabet=st.sampled_from(list("a \x80\x9f\xbf\xc2\xc3\xe9\xf4\xf5\u2019\u20ac中"))))
def test_mojibake_regex_matches_as_the_two_alternatives_do(text):
    plain, fast = MOJIBAKE_PLAIN.search(text), MOJIBAKE_RE.search(text)
    assert (plain is None) == (fast is None)
    assert plain is None or plain.span() == fast.span()


@given(st.text(alphabet=st.sampled_from(list("ab \t\n\r\x0b\x0c\x1c\x1f\xa0\u3000é"))))
def test_normalisation_is_split_and_join(text):
    assert canonical._norm(text) == " ".join(text.split())
    if not re.search(r"[\x00-\x1f]", text):
        assert canonical._norm_plain(text) == " ".join(text.split())


def _plain_canonical(record: Record) -> tuple[int, int, int]:
    """canonical_hashes from ``canonical_parts`` only, as before the fast paths."""
    context_units, answer_units = canonical.canonical_parts(record.data)
    has_context = any(text for _, text in context_units)
    if not has_context and not any(text for _, text in answer_units):
        return 0, 0, 0
    if answer_units and has_context:
        context = canonical._digest(canonical._joined(context_units))
        answer = canonical._digest(canonical._joined(answer_units))
        return canonical._combine(context, answer), context, answer
    return canonical._digest(canonical._joined(context_units + answer_units)), 0, 0


@given(st.one_of(CHAT, PROMPT_COMPLETION), st.booleans())
def test_canonical_hashes_fast_paths_are_the_canonical_parts(data, ascii_escapes):
    line = json.dumps(data, ensure_ascii=ascii_escapes)
    record = _record_from_line(json.loads(line), line)
    assert canonical.canonical_hashes(record) == _plain_canonical(record)


@given(st.one_of(CHAT, PROMPT_COMPLETION), st.booleans(), st.sampled_from([1, 2, 5]))
def test_long_texts_hash_piece_by_piece_as_the_whole_canonical_form(data, ascii_escapes, piece):
    """A text over ``_PIECE`` characters is hashed piece by piece (``_LongUnit``: no
    normalised copy of a 16 MB answer): the digests are those of the whole canonical form."""
    line = json.dumps(data, ensure_ascii=ascii_escapes)
    saved = canonical._PIECE
    canonical._PIECE = piece
    try:
        record = _record_from_line(json.loads(line), line)
        assert canonical.canonical_hashes(record) == _plain_canonical(record)
    finally:
        canonical._PIECE = saved


@given(CHAT)
def test_a_plain_chat_record_has_no_findings(data):
    if _plain_chat(data):
        walk = _Walk(preference=False)
        _chat(walk, data, True)
        assert walk.issues == {}
        assert analyze(data) == {}


def test_a_role_that_is_a_list_is_a_wrong_type_not_a_crash():
    found = analyze({"messages": [{"role": ["user"], "content": "hi"},
                                  {"role": "assistant", "content": "yo"}]})  # fmt: skip
    assert {rule: [(i.message, i.pointer) for i in issues] for rule, issues in found.items()} == {
        "wrong-type": [("'role' must be a string, got array", "/messages/0/role")]
    }


@pytest.fixture(scope="module")
def o200k() -> TokenCounter:
    counter = TokenCounter("o200k_base")
    counter.load_tiktoken()  # tiktoken's buffer path (a small run starts in plain Python)
    return counter


@settings(max_examples=60)
@given(st.text())
def test_buffer_token_ids_are_encode_ordinary(o200k, text):
    if o200k._buffer is None:
        pytest.skip("this tiktoken has no buffer encoder")
    data = {"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": "ok"}]}
    counts, tokens = o200k.example_and_tokens(data)
    expected = o200k.encoding.encode_ordinary(text) + o200k.encoding.encode_ordinary("ok")
    assert array("I", tokens).tolist() == expected
    assert counts == o200k.example(data)


@settings(max_examples=40)
@given(
    st.text(
        st.characters(exclude_categories=()) | st.sampled_from("\ud800\udfff\ud83d"), max_size=40
    )
)
def test_remembered_token_ids_are_the_ids_of_a_fresh_encoding(o200k, text):
    """A text seen again (in the same example, in a later one) takes its ids from the counter's
    cache of recent texts (kept as ``bytes``): the same ids as a first encoding, lone
    surrogates included (encoded as ``encode_ordinary`` encodes them)."""
    if o200k._buffer is None:
        pytest.skip("this tiktoken has no buffer encoder")
    fixed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    data = {"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": text}]}
    expected = o200k.encoding.encode_ordinary(fixed) * 2
    for _ in range(2):  # the second time, both texts come from the cache
        counts, tokens = o200k.example_and_tokens(data)
        assert array("I", tokens).tolist() == expected
        assert counts.trained == len(expected) // 2


@settings(max_examples=60)
@given(
    st.text(
        st.characters(exclude_categories=()) | st.sampled_from("\ud800\udfff\ud83d <|endoftext|>"),
        max_size=60,
    )
)
def test_a_count_from_the_buffer_is_the_length_of_encode_ordinary(o200k, text):
    """``text`` counts in tiktoken's buffer of ids where it can: the count is that of
    ``encode_ordinary``, special-token lookalikes and lone surrogates included."""
    assert o200k.text(text) == len(o200k.encoding.encode_ordinary(text))


def test_the_cache_of_recent_texts_rests_when_texts_do_not_repeat():
    """After a full cache with hardly a repeat, texts are encoded without it for a while, then
    it is tried again; the ids are those of tiktoken throughout."""
    counter = TokenCounter("o200k_base")
    counter.load_tiktoken()
    if counter._buffer is None:
        pytest.skip("this tiktoken has no buffer encoder")
    counter.CACHE_LIMIT = 64
    counter.SEEN_REST = 10

    def ids(text: str) -> list[int]:
        data = {"messages": [{"role": "user", "content": text}]}
        return array("I", counter.example_and_tokens(data)[1]).tolist()

    for i in range(64):  # fills the cache, no repeat
        assert ids(f"text number {i}") == counter.encoding.encode_ordinary(f"text number {i}")
    assert counter._seen_pause == 0
    assert ids("one more") == counter.encoding.encode_ordinary("one more")
    assert counter._seen_pause == 10 and not counter._seen  # resting
    for _ in range(10):
        assert ids("text number 3") == counter.encoding.encode_ordinary("text number 3")
    assert counter._seen_pause == 0 and counter._seen_hits == 0
    ids("again")  # remembered: the cache is back
    assert ids("again") == counter.encoding.encode_ordinary("again")
    assert counter._seen_hits == 1


def test_special_tokens_in_text_are_ordinary_text_in_the_buffer_path(o200k):
    text = "<|endoftext|> and <|endofprompt|><|im_start|>"
    _counts, ids = o200k.example_and_ids({"prompt": text, "completion": "x"})
    assert ids == o200k.encoding.encode_ordinary(text) + o200k.encoding.encode_ordinary("x")


def _dict_pairs(keys: list[int], groups: list[int] | None) -> list[tuple[int, int]]:
    seen: dict = {}
    pairs = []
    for i, key in enumerate(keys):
        j = seen.setdefault((groups[i] if groups else 0, key), i)
        if j != i:
            pairs.append((i, j))
    return pairs


@given(st.lists(st.integers(0, 5), max_size=60), st.booleans())
def test_repeat_pairs_and_first_indexes_are_the_dictionary_loop(keys, grouped):
    groups = [k % 2 for k in reversed(keys)] if grouped else None
    array_keys = np.array(keys, dtype=np.uint64)
    array_groups = np.array(groups, dtype=np.uint8) if groups else None
    later, first = repeat_pairs(array_keys, array_groups)
    expected = _dict_pairs(keys, groups)
    assert list(zip(later.tolist(), first.tolist(), strict=True)) == expected
    if keys:
        columns = ([array_groups] if groups else []) + [array_keys]
        firsts = first_indexes(columns)
        assert [(i, int(j)) for i, j in enumerate(firsts) if j != i] == expected


@pytest.mark.parametrize("rows", [8, 5, 12])
@pytest.mark.parametrize("masked", [False, True])
def test_band_pairs_are_the_bucket_loop(rows, masked):
    rng = random.Random(rows * 2 + masked)
    size = VECTOR_MIN + 50
    bases = [bytes(rng.randrange(3) for _ in range(64)) for _ in range(10)]
    signatures = bytearray()
    for _ in range(size):
        signature = bytearray(rng.choice(bases))
        for _ in range(rng.randrange(40)):
            signature[rng.randrange(64)] = rng.randrange(4)
        signatures += signature
    columns = minhash.SignatureColumns(0.9, 3, None)
    columns.signatures = signatures
    columns.digest.extend(range(1, size + 1))
    queries = pool = None
    if masked:
        pool = bytes(rng.randrange(2) for _ in range(size))
        queries = bytes(1 - b for b in pool)
    for band in range(64 // rows):
        keys = [bytes(signatures[o + band * rows : o + (band + 1) * rows])
                for o in range(0, len(signatures), 64)]  # fmt: skip
        expected = minhash.bucket_pairs(keys, queries, pool)
        assert columns.band_pairs(band, rows, signatures, queries, pool) == expected


def _plain_token_shingles(ids: list[int], size: int) -> np.ndarray:
    """The 64-bit value of every token ``size``-gram of one example (one n-gram of all its
    tokens when it is shorter), mixed one token at a time."""
    count = max(len(ids) - size + 1, 1)
    values = []
    for start in range(count):
        value = 0
        for mixer, token in zip(minhash._MIXERS, ids[start : start + size], strict=False):
            value ^= (token * mixer) & 0xFFFFFFFFFFFFFFFF
        values.append(value)
    return np.array(values, dtype=np.uint64)


def _plain_batch_signatures(ids: list[int], offsets: list[int], size: int) -> bytes:
    """MinHash of every example's token n-grams, one example at a time."""
    import rensa

    out = bytearray()
    for start, end in itertools.pairwise(offsets):
        grams = _plain_token_shingles(ids[start:end], size)
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            grams, np.array([0, len(grams)], dtype=np.uint64), minhash.NUM_PERM,
            minhash.SEED,
        )  # fmt: skip
        out += array("I", matrix.to_rows()[0]).tobytes()[minhash._LOW_BYTE]
    return bytes(out)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=70), st.integers(1, 6))
def test_batch_signatures_are_one_example_at_a_time(lengths, size):
    rng = random.Random(sum(lengths) * size)
    ids = [rng.randrange(200_000) for _ in range(sum(lengths))]
    offsets = [0]
    for length in lengths:
        offsets.append(offsets[-1] + length)
    batch = minhash.batch_signatures(np.array(ids, dtype=np.uint64), array("Q", offsets), size)
    assert batch == _plain_batch_signatures(ids, offsets, size)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3000), st.integers(1, 8), st.integers(1, 700))
def test_a_long_signature_is_the_batch_signature(length, size, step):
    """``long_signature`` (one huge example, a step of n-grams at a time) gives the bytes the
    batch gives the same example, whatever the step."""
    rng = random.Random(length * size + step)
    ids = [rng.randrange(200_000) for _ in range(length + size)]
    batch = minhash.batch_signatures(
        np.array(ids, dtype=np.uint64), array("Q", [0, len(ids)]), size
    )
    assert minhash.long_signature(array("I", ids).tobytes(), size, step) == batch
    assert minhash.long_signature(bytearray(array("I", ids)), size, step) == batch


def test_a_huge_example_is_signed_in_order_without_its_ids_copied(monkeypatch):
    """Examples before and after a long one (``SignatureColumns.LONG``, made small here) keep
    their places and their signatures: the batch is flushed first."""
    rng = random.Random(3)
    words = ["refund", "order", "中文", "42", "😀", "ship", "late", "é"]
    records = [
        Record({"messages": [
            {"role": "user", "content": "Q" + str(number)},
            {"role": "assistant", "content": " ".join(rng.choices(words, k=n))},
        ]}, Location("a.jsonl", number, None, number))
        for number, n in enumerate((5, 80, 7, 300, 3, 60, 1, 200), 1)
    ]  # fmt: skip

    class Counted(minhash.SignatureColumns):
        flushes = 0

        def flush(self) -> None:
            self.flushes += 1
            super().flush()

    def signatures(long: int) -> tuple[bytes, int]:
        monkeypatch.setattr(minhash.SignatureColumns, "LONG", long)
        columns = Counted(0.9, 3, "o200k_base")
        for record in records:
            columns.add(record)
        columns.flush()
        return bytes(columns.signatures), columns.flushes

    shared_counter("o200k_base").want_ids()  # what the similarity rules ask
    whole, _ = signatures(1 << 40)
    alone, flushes = signatures(4 * 40)
    assert alone == whole and len(whole) == minhash.NUM_PERM * len(records)
    assert flushes > 1  # the long examples were signed on their own


@pytest.mark.parametrize("run_length", [1, 40])
def test_columns_give_back_every_place_after_pickling_and_merging(run_length):
    """Places in random order, and in runs of consecutive examples (``_place``'s fast path
    continues the last run: it must agree with the full comparison)."""
    rng = random.Random(5)
    parts = [Columns() for _ in range(3)]
    expected = []
    line = number = 0
    path, split, sheet, numbered, lined = "a.jsonl", "train", None, True, True
    for i in range(600):
        if rng.random() < (run_length - 1) / run_length:  # the next example of a run
            line, number = line + 1, number + 1
        else:
            line += rng.choice([1, 1, 1, 2, 7])
            number += rng.choice([1, 1, 1, 4])
            path = rng.choice(["a.jsonl", "a.jsonl", "b.csv"])
            split = rng.choice(["train", "train", "valid"])
            sheet = rng.choice([None, None, "S1"])
            numbered, lined = rng.random() > 0.2, rng.random() > 0.2
        location = Location(path, line if lined else None, None, number if numbered else None,
                            sheet=sheet)  # fmt: skip
        parts[min(2, i // 200)]._place(Record({}, location, split=split))
        expected.append((path, location.line or 0, location.record or 0, sheet, split))
    parts = [pickle.loads(pickle.dumps(p)) for p in parts]
    parts[0].merge(parts[1])
    parts[0].merge(parts[2])
    merged = parts[0]
    found = [
        (merged.origin_of(i)[0], merged.line_of(i), merged.record_of(i), merged.origin_of(i)[1],
         merged.split_of(i))
        for i in range(merged.size)
    ]  # fmt: skip
    assert found == expected
    flags = merged.split_flags(lambda split: split == "valid")
    assert list(flags) == [1 if e[4] == "valid" else 0 for e in expected]


@given(st.lists(st.integers(0, 2**32 - 1), max_size=40), st.integers(0, 3))
def test_token_columns_widen_and_keep_every_value(values, cut):
    column = array("B")
    other = array("B")
    for value in values[:cut]:
        column = _append(column, value)
    for value in values[cut:]:
        other = _append(other, value)
    assert list(_extended(column, other)) == values


def _plain_histogram(values: list[int]) -> dict[str, list[int]]:
    counts: dict[int, int] = {}
    for value in values:
        bucket = max(0, value.bit_length() - 1)
        counts[bucket] = counts.get(bucket, 0) + 1
    if not counts:
        return {"edges": [], "counts": []}
    low, high = min(counts), max(counts)
    return {
        "edges": [0 if b == 0 else 1 << b for b in range(low, high + 2)],
        "counts": [counts.get(b, 0) for b in range(low, high + 1)],
    }


@given(st.lists(st.integers(0, 70_000), max_size=30))
def test_distribution_and_histogram_are_the_plain_ones(values):
    ordered = sorted(values)
    expected = {}
    if ordered:
        expected = {
            "min": ordered[0],
            "p5": round(quantile(ordered, 0.05), 1),
            "median": round(quantile(ordered, 0.5), 1),
            "mean": round(sum(ordered) / len(ordered), 1),
            "p95": round(quantile(ordered, 0.95), 1),
            "max": ordered[-1],
        }
    assert distribution(values) == expected
    assert histogram(array("I", values)) == _plain_histogram(values)


def test_distribution_of_a_long_array_sorts_with_numpy_and_agrees():
    rng = random.Random(3)
    values = [rng.randrange(5000) for _ in range(10_000)]
    assert distribution(array("H", values)) == distribution(values)


def _count_lines(path: Path, start: int, end: int) -> tuple[int, int]:
    with path.open("rb") as handle:
        handle.seek(start)
        lines = handle.read(end - start).splitlines(keepends=True)
    if start == 0 and lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]  # as the reader: a BOM opens the file; elsewhere it is text
    return len(lines), sum(1 for line in lines if line.strip())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b'{"a": 1}\n',
                b"\n",
                b"  \n",
                b"\r\n",
                b"\xef\xbb\xbf\n",
                b' {"b": 2}\n',
                b'{"c": "' + b"x" * 500 + b'"}\n',
            ]
        ),
        max_size=40,
    ),
    st.booleans(),
    st.integers(2, 5),
)
def test_split_lines_numbers_every_range_as_a_line_by_line_count(pieces, cut, parts):
    body = b"".join(pieces)
    if cut and body.endswith(b"\n"):
        body = body[:-1]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "f.jsonl"
        path.write_bytes(body)
        _check_ranges(path, parts)


def _check_ranges(path: Path, parts: int) -> None:
    ranges = split_lines(FileContext.open(path), parts)
    line = record = 1
    for byte_range in ranges:
        assert (byte_range.first_line, byte_range.first_record) == (line, record)
        lines, records = _count_lines(path, byte_range.start, byte_range.end)
        line += lines
        record += records


def test_a_worker_forked_after_a_near_duplicate_pass_in_this_process_does_not_hang(tmp_path):
    """rensa computes a batch of 256 examples or more on its rayon thread pool, which a
    forked process inherits without its threads: a worker that used it then waited forever.
    A small file (checked in this process) before a large one (split across workers)."""
    words = ["order", "refund", "parcel", "invoice", "account", "delivery", "store"]

    def rows(count: int, seed: int) -> list[dict]:
        rng = random.Random(seed)
        return [
            {"messages": [{"role": "user", "content": f"Ticket {seed}-{i}: " + " ".join(
                rng.choices(words, k=12))},
                {"role": "assistant", "content": " ".join(rng.choices(words, k=20))}]}
            for i in range(count)
        ]  # fmt: skip

    small = write_jsonl(tmp_path / "small.jsonl", rows(300, 1))
    large = write_jsonl(tmp_path / "large.jsonl", rows(1200, 2))
    threshold = (small.stat().st_size + large.stat().st_size) // 2
    env = dict(os.environ, FTLINT_PARALLEL_MIN_SIZE=str(threshold))
    done = subprocess.run(
        [sys.executable, "-m", "ftlint.cli", "check", str(small), str(large), "--jobs", "2",
         "--output-format", "json"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert [f["records"] for f in report["files"]] == [300, 1200]


def test_the_jsonl_reader_counts_records_of_ranges_as_one_pass(tmp_path):
    path = write_jsonl(tmp_path / "f.jsonl", [{"a": i} for i in range(50)] + ["", "  "] +
                       [{"b": i} for i in range(50)])  # fmt: skip
    file = FileContext.open(path)
    whole = [(r.location.line, r.location.record) for r in JsonlReader().read(file)]
    parts = []
    for byte_range in split_lines(file, 3):
        parts += [(r.location.line, r.location.record)
                  for r in JsonlReader().read(file, byte_range)]  # fmt: skip
    assert parts == whole


def test_the_shape_column_reads_as_the_list_of_names():
    """``CodedColumn`` (one byte an example) reads as the list of names it replaces."""
    from ftlint.rules.tokens.statistics import CodedColumn

    names = ["chat", "prompt-completion", "preference"]
    codes = array("B", [0, 1, 1, 2, 0, 0])
    expected = [names[code] for code in codes]
    column = CodedColumn(codes, names)
    assert list(column) == expected and len(column) == len(expected)
    assert column[2] == expected[2] and column[-1] == expected[-1]
    assert column[1:4] == expected[1:4] and column == expected
    assert pickle.loads(pickle.dumps(column)) == expected


_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(), st.text(max_size=30)
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(_JSON_VALUES)
def test_a_large_record_is_written_in_pieces_as_one_line(data):
    """``write_line`` of a large record (its huge strings a piece at a time; here strings of
    4 characters or more, in pieces of 4) writes the bytes ``dumps_line`` writes, surrogates,
    escapes, big numbers and all (what orjson refuses takes the usual path)."""
    import io

    from ftlint import jsonl as jsonl_module

    old = jsonl_module.HUGE_STRING
    jsonl_module.HUGE_STRING = 4
    try:
        for value in (data, {"messages": [{"role": "user", "content": "a\n\"b\"\\\x07é😀" * 3}],
                             "x": data}):  # fmt: skip
            sink = io.BytesIO()
            jsonl_module.write_line(sink, value, "x" * jsonl_module.LARGE_RECORD)
            try:
                expected = jsonl_module.dumps_line(value)
            except (UnicodeEncodeError, ValueError):
                continue  # nothing to compare: the usual path cannot write it either
            assert sink.getvalue() == expected
    finally:
        jsonl_module.HUGE_STRING = old


def _format_case_records() -> list[object]:
    """Every record of the formats family's case files (each family's defects), and a few
    records of every shape and provider format."""
    import yaml

    found: list[object] = [
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]},
        {"messages": [{"role": "user", "content": "A"}, {"role": "user", "content": "B"}]},
        {"prompt": "2+2=", "completion": "4"},
        {"text": "plain text"},
        {"messages": [{"role": "user", "content": "A"}], "text": "A"},
        {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]},
        {"schemaVersion": "bedrock-conversation-2024", "messages": []},
        {"system": [{"text": "User: hi"}], "messages": [{"role": "user", "content": "x"}]},
        {"chosen": "a", "rejected": "b", "prompt": "q"},
        {"prompt": "q", "completion": "a", "label": True},
        {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]},
        {"instruction": "q", "output": "a"},
        {"messages": [{"role": "user", "content": "w"}, {"role": "assistant", "content": None,
         "tool_calls": [{"id": "call_1", "type": "function",
                         "function": {"name": "f", "arguments": "{}"}}]},
         {"role": "tool", "tool_call_id": "call_1", "content": "ok"},
         {"role": "assistant", "content": "done", "weight": 0.5}]},
        {"messages": [{"role": "user", "content": [{"type": "image_url",
                                                     "image_url": {"url": "x"}}] * 11},
                      {"role": "assistant", "content": "Bot: [EOS]"}]},
        ["not", "an", "object"],
    ]  # fmt: skip
    for path in sorted((Path(__file__).parent / "cases" / "formats").glob("*.yml")):
        for case in yaml.safe_load(path.read_text("utf-8")).get("cases", []):
            found.extend(case.get("records") or [])
    return found


@pytest.mark.parametrize(
    "target", ["together", "mistral", "fireworks", "hf", "vertex", "bedrock", "openai"]
)
def test_the_record_formats_group_is_quiet_only_where_no_rule_of_it_reports(target, monkeypatch):
    """``WriterRule.quiet`` lets the engine skip FT940-FT947 and FT952 for a record: the
    findings are those of every rule run on every record."""
    from ftlint.rules.formats.writing import WriterRule

    import ftlint

    records = _format_case_records()
    quick = ftlint.check(records, target=target, select=["FT3", "FT9"]).to_dict()
    monkeypatch.setattr(WriterRule, "quiet", lambda self, record: False)
    every = ftlint.check(records, target=target, select=["FT3", "FT9"]).to_dict()
    assert quick["diagnostics"] == every["diagnostics"]
    assert any(d["code"].startswith("FT94") for d in every["diagnostics"]) or target == "openai"

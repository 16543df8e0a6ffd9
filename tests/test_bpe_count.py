"""bpe-openai's Rust ``count`` gives tiktoken's counts exactly, for both encodings it is used
with (``ftlint.bpe_count``): on every real dataset in ../shared/data (every text of every
file) and on arbitrary Unicode; a small run never imports it; a large one switches to it with
the same figures, or loads it once before a parallel scan forks."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlint import bpe_count
from ftlint.tokens import TokenCounter, get_encoding

pytest.importorskip("bpe_openai")

ENCODINGS = sorted(bpe_count.SUPPORTED)
#: Characters of text taken from one real file (the big ones are sampled evenly): enough for
#: every text of every file in ../shared/data today (the largest has 1.8M characters).
PER_FILE = 8_000_000


@pytest.fixture(scope="module", params=ENCODINGS)
def counters(request):
    """(fast count, tiktoken encode_ordinary) of one encoding."""
    reference = get_encoding(request.param).encode_ordinary
    fast = bpe_count.load(request.param, reference)
    assert fast is not None, f"bpe-openai does not load for {request.param}"
    return fast, reference


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _decode(raw: bytes) -> str:
    for codec in ("utf-8-sig", "gb18030", "cp1252"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def _texts_of(path: Path) -> list[str]:
    """Every text of a dataset file as ftlint would count it (JSON strings, table cells), and
    slices of its raw text besides (whatever a reader makes of it)."""
    suffix = path.suffix.lower()
    texts: list[str] = []
    if suffix == ".xlsx":
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                texts.extend(str(cell) for cell in row if cell is not None)
        book.close()
        return texts
    text = _decode(path.read_bytes())
    if suffix == ".jsonl":
        for line in text.splitlines():
            try:
                texts.extend(_strings(json.loads(line)))
            except ValueError:
                texts.append(line)
    elif suffix == ".json":
        with contextlib.suppress(ValueError):
            texts.extend(_strings(json.loads(text)))
    elif suffix in (".csv", ".tsv"):
        dialect = "excel-tab" if suffix == ".tsv" else "excel"
        csv.field_size_limit(1 << 30)
        for row in csv.reader(io.StringIO(text), dialect):
            texts.extend(row)
    rng = random.Random(path.name)
    for _ in range(20):  # raw slices: line breaks, quotes, markup as they are in the file
        start = rng.randrange(max(1, len(text)))
        texts.append(text[start : start + rng.randrange(1, 4000)])
    return texts


def _sample(texts: list[str], budget: int) -> list[str]:
    """Texts of at most ``budget`` characters in all, taken evenly over the file."""
    total = sum(len(t) for t in texts)
    if total <= budget:
        return texts
    step = total / budget
    kept, seen, next_at = [], 0, 0.0
    for text in texts:
        if seen >= next_at:
            kept.append(text)
            next_at += len(text) * step
        seen += len(text)
    return kept


def test_every_real_dataset_counts_the_same(shared_data, counters):
    fast, reference = counters
    files = sorted(p for p in shared_data.rglob("*") if p.is_file())
    assert files
    checked = 0
    for path in files:
        for text in _sample(_texts_of(path), PER_FILE):
            assert fast(text) == len(reference(text)), (path.name, text[:200])
            checked += 1
    assert checked > 1000


_LOOKALIKES = st.sampled_from(
    [
        "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|im_sep|>", "<|fim_prefix|>",
        "<|endofprompt|>", "<| endoftext |>", "<|endoftext", "endoftext|>", "<||>", "<|",
        "|>", "<start_of_turn>", "</s>", "[INST]", "<<SYS>>",
    ]
)  # fmt: skip
_RUNS = st.builds(
    lambda char, n: char * n,
    st.sampled_from([" ", "\n", "\t", "0", "9", "1", "\u3000", "\xa0", "a", "é", "😀", "-", "."]),
    st.integers(1, 300),
)
_SCRIPTS = st.text(
    st.characters(
        codec="utf-8",
        categories=("L", "M", "N", "P", "S", "Z", "Cc"),
    ),
    max_size=60,
)
_EMOJI = st.sampled_from(["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "🧑🏿‍🚀", "\u200d", "\ufe0f"])
_PIECES = st.one_of(_SCRIPTS, _RUNS, _LOOKALIKES, _EMOJI, st.integers().map(str))
_TEXTS = st.lists(_PIECES, max_size=12).map("".join)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_TEXTS)
def test_arbitrary_unicode_counts_the_same(counters, text):
    fast, reference = counters
    assert fast(text) == len(reference(text))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_lone_surrogates_fall_back_to_tiktoken(encoding):
    reference = get_encoding(encoding).encode_ordinary
    fast = bpe_count.load(encoding, reference)
    count = bpe_count.exact_counter(fast, reference)
    for text in ("\ud800", "a\udfffb", "x" * 10 + "\ud83d"):
        assert count(text) == len(reference(text))


def test_other_encodings_are_not_taken():
    assert bpe_count.load("p50k_base", lambda text: []) is None
    # a reference it disagrees with: not used
    assert bpe_count.load("o200k_base", lambda text: [0] * (len(text) + 1)) is None


def test_a_large_run_switches_with_the_same_figures(monkeypatch):
    """Past the threshold the counter loads bpe-openai; every figure stays tiktoken's."""
    monkeypatch.setattr("ftlint.tokens.FAST_AFTER_TOKENS", 50)
    rng = random.Random(7)
    words = ["order", "refund", "中文", "😀", "  ", "123456789012", "<|endoftext|>", "é"]
    records = [
        {
            "messages": [
                {"role": "system", "content": "You help."},
                {"role": "user", "content": " ".join(rng.choices(words, k=rng.randrange(1, 40)))},
                {"role": "assistant", "content": " ".join(rng.choices(words, k=30))},
            ]
        }
        for _ in range(60)
    ]
    plain = TokenCounter("o200k_base")
    switching = TokenCounter("o200k_base")
    for record in records:
        expected, _ = plain.example_and_tokens(record)  # with ids: tiktoken only
        assert switching.counted(record) == expected
    assert switching._count != switching.text, "the fast counter was not taken"


def test_a_small_run_does_not_import_bpe_openai(tmp_path):
    """A pre-commit-sized check counts with tiktoken and never loads the 74 MB library."""
    sample = tmp_path / "small.jsonl"
    rows = [
        {"messages": [{"role": "user", "content": f"q{i}"}, {"role": "assistant", "content": "a"}]}
        for i in range(50)
    ]
    sample.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code = (
        "import sys\n"
        "from ftlint.cli import main\n"
        "for extra in ([], ['--ignore', 'FT604,FT605']):\n"
        "    status = main(['check', sys.argv[1], '--jobs', '1', *extra])\n"
        "    assert status in (0, 1), status\n"
        "    assert 'bpe_openai' not in sys.modules, 'bpe_openai was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(sample)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_large_input_loads_the_fast_counter_before_the_workers_fork(monkeypatch):
    """``expect_tokens`` (from ``expect_input``, before a scan forks its workers) loads
    bpe-openai once in the parent for an input large enough to pay for it, never when the ids
    are wanted (the near-duplicate signatures need them) or for a small input."""
    from ftlint import tokens

    monkeypatch.setattr(tokens, "_COUNTERS", {})
    counter = tokens.shared_counter("o200k_base")
    tokens.expect_tokens(1_000_000)  # ~125k tokens: not worth loading
    assert counter._count == counter.text
    ids = TokenCounter("o200k_base")
    ids.want_ids()
    ids.expect(10 * bpe_count.FAST_AFTER_TOKENS)
    assert ids._count == ids.text, "loaded although the ids are wanted"
    tokens.expect_tokens(2 * bpe_count.FAST_AFTER_TOKENS * bpe_count.BYTES_PER_TOKEN)
    assert counter._count != counter.text, "the fast counter was not taken"
    record = {"messages": [{"role": "user", "content": "<|endoftext|> 中文 😀 " * 20}]}
    assert counter.counted(record) == TokenCounter("o200k_base").example(record)

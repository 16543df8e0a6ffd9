"""A long text encoded piece by piece (``ftlint.tokens.piecewise``) gives the ids of the whole
text, with cl100k_base, o200k_base and o200k_harmony (the default target's gpt-oss models):
on every text of every real dataset in ../shared/data and on arbitrary Unicode, with pieces
small enough that nearly every certain place is cut; and a huge record counted in pieces
has the same figures as when counted whole."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlint.tokens import TokenCounter, _local_directory, _tiktoken_cache, get_encoding, piecewise
from ftlint.tokens.piecewise import pieces
from tests.test_bpe_count import _LOOKALIKES, _RUNS, _SCRIPTS, _sample, _texts_of

#: Characters of text checked per real file (the big ones sampled evenly).
PER_FILE = 150_000


def _harmony():
    tiktoken = pytest.importorskip("tiktoken")
    directory = _local_directory("o200k_base")
    if directory is None:
        pytest.skip("no local copy of o200k_base")
    try:
        with _tiktoken_cache(directory):
            return tiktoken.get_encoding("o200k_harmony")
    except ValueError:  # a tiktoken without o200k_harmony
        pytest.skip("this tiktoken has no o200k_harmony")


@pytest.fixture(scope="module", params=["cl100k_base", "o200k_base", "o200k_harmony"])
def encode(request):
    """tiktoken's ``encode_ordinary`` of one encoding."""
    encoding = _harmony() if request.param == "o200k_harmony" else get_encoding(request.param)
    return encoding.encode_ordinary


@functools.cache
def _joined_texts(path: Path) -> str:
    return "\n".join(_sample(_texts_of(path), PER_FILE))


def _by_pieces(encode, text: str, size: int) -> list[int]:
    ids: list[int] = []
    for piece in pieces(text, size):
        ids += encode(piece)
    return ids


def test_pieces_join_to_the_text_and_respect_the_size():
    text = "alpha beta\ngamma  delta\n\nEpsilon 12 345." * 50 + "中文没有空格" * 40
    for size in (1, 2, 7, 64, 10_000):
        parts = list(pieces(text, size))
        assert "".join(parts) == text
        assert all(len(part) >= size for part in parts[:-1])
    assert list(pieces("short", 64)) == ["short"]
    assert list(pieces("中" * 500, 8)) == ["中" * 500]  # no certain place: whole


def test_every_real_dataset_encodes_the_same(shared_data, encode):
    """Each file's texts (sampled evenly on the big ones) joined into one text, cut at every
    certain place (pieces of one character at the least) and at a few: the ids of the whole."""
    files = sorted(p for p in shared_data.rglob("*") if p.is_file())
    assert files
    for path in files:
        text = _joined_texts(path)
        expected = encode(text)
        for size in (1, 61):
            assert _by_pieces(encode, text, size) == expected, path.name


_SPACES = st.builds(
    lambda char, n: char * n,
    st.sampled_from([" ", "\n", "\r\n", "\t", " \n", "\n ", "/", "'s", "'S", "3", "\u3000"]),
    st.integers(1, 40),
)
_ASCII = st.text(st.characters(min_codepoint=0, max_codepoint=127), max_size=40)
_TEXTS = st.lists(st.one_of(_SCRIPTS, _RUNS, _LOOKALIKES, _SPACES, _ASCII), max_size=16).map(
    "".join
)


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_TEXTS, size=st.integers(1, 12))
def test_arbitrary_unicode_encodes_the_same(encode, text, size):
    assert _by_pieces(encode, text, size) == encode(text)


def test_a_huge_record_counts_as_when_whole(monkeypatch):
    """The counter's own figures and ids: pieces (a small ``PIECE``) against one whole text."""
    text = ("Refund policy: 30 days.\nSee https://x.example/a/b  or call 555-0100. " * 400) + (
        "中文 😀 ü" * 300
    )
    record = {
        "messages": [
            {"role": "user", "content": text[:5000]},
            {"role": "assistant", "content": text},
        ]
    }
    whole = TokenCounter("o200k_base")
    whole.load_tiktoken()
    expected = whole.example_and_tokens(record)
    expected_count = whole.example(record)
    monkeypatch.setattr(piecewise, "PIECE", 50)
    monkeypatch.setattr("ftlint.tokens.PIECE", 50)
    cut = TokenCounter("o200k_base")
    cut.load_tiktoken()
    assert cut.example_and_tokens(record) == expected
    assert cut.example(record) == expected_count
    assert cut.text(text) == len(get_encoding("o200k_base").encode_ordinary(text))

"""The plain-Python encoder of small runs (``ftlint.tokens.small_bpe``) gives tiktoken's ids
exactly: for ``o200k_base`` and ``cl100k_base``, on arbitrary Unicode (hypothesis), on long
runs that take the merge loop through thousands of steps, and on every real dataset in
../shared/data; its table is only read when it can be trusted; a counter switches to
tiktoken for a large input with the same figures; and a small check imports neither tiktoken
nor anything heavy."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlint import tokens
from ftlint.tokens import KNOWN_ENCODINGS, TokenCounter, get_encoding, small_bpe

from .conftest import write_jsonl

ENCODINGS = ["o200k_base", "cl100k_base"]
#: Characters of text compared per real file (the big ones sampled evenly): plain Python
#: encodes ~1 M characters a second here.
PER_FILE = 60_000


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> Path:
    """A directory with the table of each encoding, written from tiktoken's own ranks as a
    first run writes it."""
    directory = tmp_path_factory.mktemp("small-bpe")
    for name in ENCODINGS:
        assert small_bpe.store_encoding(
            directory, name, KNOWN_ENCODINGS[name][1], get_encoding(name)
        )
    return directory


@pytest.fixture(scope="module", params=ENCODINGS)
def pair(request, tables):
    """(plain-Python encoder, tiktoken's encoding) of one encoding."""
    name = request.param
    small = small_bpe.load(tables, name, KNOWN_ENCODINGS[name][1])
    assert small is not None
    return small, get_encoding(name)


# -- identical ids ------------------------------------------------------------------------------

_LOOKALIKES = st.sampled_from(
    [
        "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|im_sep|>", "<|fim_prefix|>",
        "<|endofprompt|>", "<| endoftext |>", "<|endoftext", "endoftext|>", "<||>", "<|",
        "|>", "<start_of_turn>", "</s>", "[INST]", "<<SYS>>", "'s", "'LL", "'Re", "’s",
    ]
)  # fmt: skip
_RUNS = st.builds(
    lambda char, n: char * n,
    st.sampled_from(
        [" ", "\n", "\r\n", "\t", "0", "9", "1", "\u3000", "\xa0", "a", "é", "😀", "-", ".",
         "!", "\u200b", "ab", " a", "x\n", "中"]
    ),
    st.integers(1, 400),
)  # fmt: skip
_SCRIPTS = st.text(
    st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf")),
    max_size=60,
)
_ANY = st.text(st.characters(), max_size=30)  # lone surrogates and unassigned code points too
_EMOJI = st.sampled_from(["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️", "🧑🏿‍🚀", "\u200d", "\ufe0f"])
_PIECES = st.one_of(_SCRIPTS, _RUNS, _LOOKALIKES, _EMOJI, _ANY, st.integers().map(str))
_TEXTS = st.lists(_PIECES, max_size=12).map("".join)


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_TEXTS)
def test_arbitrary_unicode_encodes_as_tiktoken_does(pair, text):
    small, encoding = pair
    assert small.encode_ordinary(text) == encoding.encode_ordinary(text)


@pytest.mark.parametrize(
    "text",
    [
        " " * 6000,
        " " * 3000 + "x",
        "\n" * 2500 + " \n",
        "a" * 4000,
        "1234567890" * 400,
        "ab" * 2000,
        "😀" * 700,
        "ـ" * 3000,  # Arabic tatweel: one long letter run
        "\ud800",
        "a\udfffb",
        "\ud83d\ude00 pair",  # a surrogate pair as two code points: one emoji to tiktoken
        "x" * 10 + "\ud83d",
        "",
    ],
)
def test_long_runs_and_surrogates(pair, text):
    small, encoding = pair
    assert small.encode_ordinary(text) == encoding.encode_ordinary(text)


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


def _texts_of(path: Path) -> list[str]:
    """The texts ftlint counts in a file (JSON strings, table cells) and raw slices of it."""
    raw = path.read_bytes()
    for codec in ("utf-8-sig", "gb18030", "cp1252"):
        try:
            text = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("utf-8", "replace")
    suffix = path.suffix.lower()
    texts: list[str] = []
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
        csv.field_size_limit(1 << 30)
        dialect = "excel-tab" if suffix == ".tsv" else "excel"
        for row in csv.reader(io.StringIO(text), dialect):
            texts.extend(row)
    rng = random.Random(path.name)
    for _ in range(10):  # raw slices: line breaks, quotes and markup as they are in the file
        start = rng.randrange(max(1, len(text)))
        texts.append(text[start : start + rng.randrange(1, 3000)])
    return texts


def _sample(texts: list[str], budget: int) -> list[str]:
    """Texts of about ``budget`` characters in all, taken evenly over the file."""
    total = sum(len(t) for t in texts)
    if total <= budget:
        return texts
    step, kept, seen, next_at = total / budget, [], 0, 0.0
    for text in texts:
        if seen >= next_at:
            kept.append(text)
            next_at += len(text) * step
        seen += len(text)
    return kept


def test_every_real_dataset_encodes_as_tiktoken_does(shared_data, pair):
    small, encoding = pair
    files = sorted(p for p in shared_data.rglob("*") if p.is_file() and p.suffix != ".md")
    assert files
    checked = 0
    for path in files:
        for text in _sample(_texts_of(path), PER_FILE):
            assert small.encode_ordinary(text) == encoding.encode_ordinary(text), (
                path.name,
                text[:200],
            )
            checked += 1
    assert checked > 1000


# -- the table is read only when it can be trusted ---------------------------------------------


def _table(tables: Path, name: str = "cl100k_base") -> Path:
    return small_bpe.table_path(tables, name, KNOWN_ENCODINGS[name][1])


@pytest.fixture
def copy_of_table(pair, tables, tmp_path):
    """A private copy of a written table, to spoil."""
    small, _encoding = pair
    source = _table(tables, small.name)
    target = tmp_path / source.name
    target.write_bytes(source.read_bytes())
    target.chmod(0o600)
    return small.name, target


def test_the_table_is_private_and_reloads(pair, tables):
    small, _encoding = pair
    path = _table(tables, small.name)
    assert path.stat().st_mode & 0o077 == 0
    assert small_bpe.load(tables, small.name, KNOWN_ENCODINGS[small.name][1]) is not None


def test_a_damaged_table_is_not_used(copy_of_table):
    name, path = copy_of_table
    sha256 = KNOWN_ENCODINGS[name][1]
    data = bytearray(path.read_bytes())
    data[-1000] ^= 0x01  # one bit of one merge rank's bytes
    path.write_bytes(bytes(data))
    assert small_bpe.load(path.parent, name, sha256) is None
    path.write_bytes(bytes(data[:-10]))  # cut short
    assert small_bpe.load(path.parent, name, sha256) is None
    path.write_bytes(b"not a table\n")
    assert small_bpe.load(path.parent, name, sha256) is None


def test_a_table_others_may_write_or_own_is_not_used(copy_of_table, monkeypatch):
    name, path = copy_of_table
    sha256 = KNOWN_ENCODINGS[name][1]
    path.chmod(0o620)
    assert small_bpe.load(path.parent, name, sha256) is None
    path.chmod(0o600)
    assert small_bpe.load(path.parent, name, sha256) is not None
    if hasattr(os, "getuid"):
        someone_else = os.getuid() + 1
        monkeypatch.setattr(os, "getuid", lambda: someone_else)
        assert small_bpe.load(path.parent, name, sha256) is None


def test_a_table_of_another_encoding_is_not_used(pair, tables, tmp_path):
    small, _encoding = pair
    other = "cl100k_base" if small.name == "o200k_base" else "o200k_base"
    sha256 = KNOWN_ENCODINGS[other][1]
    target = small_bpe.table_path(tmp_path, other, sha256)
    target.write_bytes(_table(tables, small.name).read_bytes())  # the name inside differs
    target.chmod(0o600)
    assert small_bpe.load(tmp_path, other, sha256) is None


def test_a_table_that_disagrees_with_tiktoken_is_not_written(tmp_path):
    encoding = get_encoding("cl100k_base")
    wrong = dict(encoding._mergeable_ranks)
    wrong[b" world"], wrong[b" hello"] = wrong[b" hello"], wrong[b" world"]
    sha256 = KNOWN_ENCODINGS["cl100k_base"][1]
    assert not small_bpe.store(
        tmp_path, "cl100k_base", sha256, wrong, encoding._pat_str, encoding.encode_ordinary
    )
    assert not small_bpe.table_path(tmp_path, "cl100k_base", sha256).exists()


# -- the counter: plain Python for a small run, tiktoken for a large one -----------------------


def _records(count: int, seed: int = 3) -> list[dict]:
    rng = random.Random(seed)
    words = ["order", "refund", "中文", "😀", "  ", "123456789012", "<|endoftext|>", "é", "\n\n"]
    return [
        {
            "messages": [
                {"role": "system", "content": "You help."},
                {"role": "user", "content": " ".join(rng.choices(words, k=rng.randrange(1, 40)))},
                {"role": "assistant", "content": " ".join(rng.choices(words, k=30))},
            ]
        }
        for _ in range(count)
    ]


@pytest.fixture
def fresh_counters(monkeypatch, tables):
    """Counters made from now on find their tables in ``tables``, none shared yet."""
    monkeypatch.setenv("FTLINT_CACHE_DIR", str(tables.parent))
    monkeypatch.setattr(tokens, "_our_tiktoken_dir", lambda: tables)
    monkeypatch.setattr(tokens, "_COUNTERS", {})
    monkeypatch.setattr(tokens, "_LARGE_INPUT", False)


def test_a_small_counter_gives_tiktoken_figures_and_ids(fresh_counters):
    small = TokenCounter("o200k_base")
    assert small._small_left > 0 and small._encoding is None  # plain Python, no tiktoken
    reference = TokenCounter("o200k_base")
    reference.load_tiktoken()
    reference.want_ids()
    for record in _records(40):
        assert small.example_and_ids(record) == reference.example_and_ids(record)
        assert small.counted(record) == reference.counted(record)
        assert small.sequence(record) == reference.sequence(record)
    assert small._encoding is None  # never needed


def test_past_its_budget_the_counter_takes_tiktoken_with_the_same_figures(
    fresh_counters, monkeypatch
):
    monkeypatch.setattr(tokens, "SMALL_BUDGET", 500)
    switching = TokenCounter("o200k_base")
    reference = TokenCounter("o200k_base")
    reference.load_tiktoken()
    for record in _records(60, seed=5):
        assert switching.example_and_tokens(record) == reference.example_and_tokens(record)
    assert switching._encoding is not None and switching._encode != switching._encode_small


def test_a_large_input_loads_tiktoken_before_counting(fresh_counters):
    counter = tokens.shared_counter("cl100k_base")
    assert counter._encoding is None
    tokens.expect_input(tokens.SMALL_BUDGET - 1)
    assert counter._encoding is None
    tokens.expect_input(tokens.SMALL_BUDGET)
    assert counter._encoding is not None and counter._buffer is not None
    assert TokenCounter("o200k_base")._small_left == 0  # made after: tiktoken from the start


def test_without_a_table_the_counter_writes_one_from_tiktokens_file(
    fresh_counters, monkeypatch, tmp_path
):
    monkeypatch.setattr(tokens, "_our_tiktoken_dir", lambda: tmp_path)
    counter = TokenCounter("cl100k_base")
    assert counter._encoding is None and counter._small_left > 0  # no tiktoken even now
    assert _table(tmp_path).is_file()
    text = "Where is my order? " * 20
    assert counter.text(text) == len(get_encoding("cl100k_base").encode_ordinary(text))


def test_without_a_table_or_a_file_the_counter_takes_tiktoken_and_writes_one(
    fresh_counters, monkeypatch, tmp_path
):
    monkeypatch.setattr(tokens, "_our_tiktoken_dir", lambda: tmp_path)
    monkeypatch.setattr(tokens, "_verified_file", lambda name: None)  # e.g. downloaded
    counter = TokenCounter("cl100k_base")
    assert counter._encoding is not None and counter._small_left == 0
    assert _table(tmp_path).is_file()  # the next run counts in plain Python
    assert TokenCounter("cl100k_base")._small_left > 0


def test_when_tiktoken_cannot_load_the_small_encoder_goes_on(fresh_counters, monkeypatch):
    reference = get_encoding("o200k_base")

    def unavailable(name):
        raise tokens.TokenizerUnavailable(f"cannot load the {name} token encoding")

    monkeypatch.setattr(tokens, "SMALL_BUDGET", 10)
    monkeypatch.setattr(tokens, "get_encoding", unavailable)
    counter = TokenCounter("o200k_base")
    text = "Where is my order? " * 20
    assert counter.text(text) == len(reference.encode_ordinary(text))  # past the budget
    assert counter._encoding is None and counter._small_left > 0


# -- a small check through the CLI ------------------------------------------------------------

HEAVY = ("tiktoken", "numpy", "pandas", "openai", "pyarrow", "transformers", "ray", "bpe_openai",
         "matplotlib", "tokenizers", "mistral_common")  # fmt: skip


def test_a_small_check_needs_no_tiktoken_and_finds_the_same(tmp_path):
    """The first run (no table yet) writes the table from tiktoken's file and the next one
    reads it: both count in plain Python without importing tiktoken or any heavy module, and
    report the same."""
    data = write_jsonl(tmp_path / "train.jsonl", _records(12))
    code = (
        "import sys\n"
        "from ftlint.cli import main\n"
        f"main(['check', {str(data)!r}, '-f', 'json'])\n"
        f"heavy = {HEAVY!r}\n"
        "print('HEAVY', sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "FTLINT_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    command = [sys.executable, "-c", code]
    runs = [
        subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
        for _ in range(2)
    ]
    first, second = (run.stdout.rpartition("HEAVY")[0] for run in runs)
    assert json.loads(first) == json.loads(second)
    assert "o200k_base" in first
    for run in runs:
        assert run.stdout.rpartition("HEAVY")[2].strip() == "[]", run.stdout[-300:]
    assert [p.suffix for p in (tmp_path / "cache" / "tiktoken").iterdir()] == [".small-bpe"]


# -- ASCII texts split through re -----------------------------------------------------------------


def _tiktoken_patterns(monkeypatch) -> dict[str, str]:
    """The pre-tokenising pattern of each of tiktoken's OpenAI encodings (their constructors
    run with the rank loader stubbed: the patterns need no download)."""
    import tiktoken_ext.openai_public as public

    monkeypatch.setattr(public, "load_tiktoken_bpe", lambda *args, **kwargs: {})
    return {name: public.ENCODING_CONSTRUCTORS[name]()["pat_str"] for name in
            ("r50k_base", "p50k_base", "cl100k_base", "o200k_base")}  # fmt: skip


def test_each_ascii_class_holds_what_the_regex_package_matches():
    import re

    import regex

    for token, chars in small_bpe._ASCII_CLASSES.items():
        theirs = {chr(c) for c in range(128) if regex.fullmatch(f"[{token}]", chr(c))}
        ours = {chr(c) for c in range(128) if chars and re.fullmatch(f"[{chars}]", chr(c))}
        assert ours == theirs, token
    not_space = {chr(c) for c in range(128) if regex.fullmatch(r"\S", chr(c))}
    assert not_space == {chr(c) for c in range(128) if re.fullmatch(r"[^\t\n\x0b\x0c\r ]", chr(c))}


_ASCII = st.text(st.characters(max_codepoint=127), max_size=40)
_ASCII_PIECES = st.sampled_from(
    ["'s", "'S", "'ll", "'LL", "'Re", "'ve", "'m", "'d", "'t", "don't", "Hello", "HELLO",
     "hELLo", "x", "1", "1234", "12345678", " ", "  ", "\t", "\n", "\r\n", "\n\n ", " \n",
     "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "/", "//\n", " /", "?!", "...", "<|endoftext|>",
     "a1b2", "_", "-", "\x00", "\x7f", "$", "€"]
)  # fmt: skip
_ASCII_TEXTS = st.lists(st.one_of(_ASCII, _ASCII_PIECES, _RUNS), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=_ASCII_TEXTS)
def test_the_ascii_patterns_split_as_the_regex_package_does(text):
    """For every OpenAI encoding's pattern: the same pieces on ASCII text (the strategy also
    mixes in a few non-ASCII characters, where the encoder does not use the translation)."""
    import re

    import regex

    with pytest.MonkeyPatch.context() as monkeypatch:
        patterns = _tiktoken_patterns(monkeypatch)
    if not text.isascii():
        return
    for name, pattern in patterns.items():
        translated = small_bpe.ascii_pattern(pattern)
        assert translated is not None, name
        assert re.findall(translated, text) == regex.findall(pattern, text), name


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=_ASCII_TEXTS)
def test_ascii_texts_encode_as_tiktoken_does(pair, text):
    small, encoding = pair
    assert small.encode_ordinary(text) == encoding.encode_ordinary(text)


def test_ascii_texts_need_no_regex_package(tables):
    """The encoder compiles the ``regex`` pattern only for a text that is not ASCII."""
    small = small_bpe.load(tables, "o200k_base", KNOWN_ENCODINGS["o200k_base"][1])
    assert small is not None and small._ascii_split is not None
    assert small.encode_ordinary("Hello, world! It's 2026.\n")
    assert small._unicode_split is None
    assert small.encode_ordinary("naïve") == get_encoding("o200k_base").encode_ordinary("naïve")
    assert small._unicode_split is not None


def test_what_ascii_pattern_does_not_translate_goes_to_regex():
    assert small_bpe.ascii_pattern(r"\p{Lo}+") is None  # no ASCII member
    assert small_bpe.ascii_pattern(r"[\p{Lo}\p{M}]") is None  # empty once translated
    assert small_bpe.ascii_pattern(r"\p{Greek}") is None
    assert small_bpe.ascii_pattern(r"\w+|\d") is None  # re's \w and \d are not regex's
    assert small_bpe.ascii_pattern(r"[[a-z]--[aeiou]]") is None  # set operations
    assert small_bpe.ascii_pattern(r"[\S]") is None
    assert small_bpe.ascii_pattern("[a-z") is None
    assert small_bpe.ascii_pattern(r" ?\p{L}+|\s+(?!\S)") == (
        r" ?[A-Za-z]+|[\t\n\x0b\x0c\r ]+(?![^\t\n\x0b\x0c\r ])"
    )


# -- a first run: the table from tiktoken's file ------------------------------------------------


@pytest.mark.parametrize("name", ENCODINGS)
def test_the_known_patterns_and_probe_ids_are_tiktokens(name):
    encoding = get_encoding(name)
    assert small_bpe.KNOWN_PATTERNS[name] == encoding._pat_str
    assert small_bpe.PROBE_DIGESTS[name] == small_bpe.probe_digest(encoding.encode_ordinary)


@pytest.mark.parametrize("name", ENCODINGS)
def test_the_table_from_tiktokens_file_is_the_one_from_tiktoken(name, tables, tmp_path):
    """Built from the file alone, the table is byte for byte the one written from tiktoken's
    loaded encoding (same ranks, same order, same pattern)."""
    blob = tokens._verified_file(name)
    assert blob is not None
    sha256 = KNOWN_ENCODINGS[name][1]
    assert small_bpe.store_file(tmp_path, name, sha256, blob)
    path = small_bpe.table_path(tmp_path, name, sha256)
    assert path.read_bytes() == small_bpe.table_path(tables, name, sha256).read_bytes()


def test_a_file_that_is_not_tiktokens_format_writes_no_table(tmp_path):
    sha256 = KNOWN_ENCODINGS["o200k_base"][1]
    assert not small_bpe.store_file(tmp_path, "o200k_base", sha256, b"IQ== 0\nnot base64!! x\n")
    assert not small_bpe.store_file(tmp_path, "o200k_base", sha256, b"IQ== 0\n")  # probes fail
    assert not small_bpe.store_file(tmp_path, "p50k_base", sha256, b"IQ== 0\n")  # no pattern
    assert not any(tmp_path.iterdir())

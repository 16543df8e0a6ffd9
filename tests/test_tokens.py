"""ftlint.tokens: encodings per model, offline loading, and the cookbook's counting formula."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest
import tiktoken
import tiktoken.load
import tiktoken.registry
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint import encoding_cache, tokens
from ftlint.tokens import (
    KNOWN_ENCODINGS,
    TokenCounter,
    TokenizerUnavailable,
    encoding_for_model,
    get_encoding,
)


@pytest.fixture(scope="module")
def o200k() -> TokenCounter:
    return TokenCounter("o200k_base")


@pytest.fixture(scope="module")
def cl100k() -> TokenCounter:
    return TokenCounter("cl100k_base")


def cookbook_count(encoding, messages, tokens_per_message=3, tokens_per_name=1) -> int:
    """The notebook's ``num_tokens_from_messages``, written out independently here."""
    total = 0
    for message in messages:
        total += tokens_per_message
        for key, value in message.items():
            total += len(encoding.encode(value))
            if key == "name":
                total += tokens_per_name
    return total + 3


def cookbook_assistant(encoding, messages) -> int:
    return sum(len(encoding.encode(m["content"])) for m in messages if m["role"] == "assistant")


# -- which encoding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o-mini-2024-07-18", "o200k_base"),
        ("gpt-4.1-mini-2025-04-14", "o200k_base"),
        ("o4-mini-2025-04-16", "o200k_base"),
        ("gpt-3.5-turbo-0125", "cl100k_base"),
        ("gpt-4-0613", "cl100k_base"),
        ("gpt-4", "cl100k_base"),
        ("babbage-002", "cl100k_base"),
        ("davinci-002", "cl100k_base"),
        ("ft:gpt-3.5-turbo-0125:acme::abc123", "cl100k_base"),
        ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "o200k_base"),
        (None, "o200k_base"),
    ],
)
def test_encoding_for_model(model, expected):
    assert encoding_for_model(model) == expected


def test_the_target_table_wins_over_the_name():
    assert encoding_for_model("my-model", "cl100k_base") == "cl100k_base"


# -- loading -----------------------------------------------------------------------------------


@pytest.fixture
def fresh_loader(monkeypatch, tmp_path):
    """No encoding loaded yet in this process, every cache directory empty."""
    monkeypatch.setattr(tokens, "_ENCODINGS", {})
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken-cache"))
    monkeypatch.setenv("FTLINT_CACHE_DIR", str(tmp_path / "ftlint-cache"))
    return tmp_path


def _no_network(monkeypatch):
    calls = []

    def refuse(blobpath):
        calls.append(blobpath)
        raise ConnectionError("no route to openaipublic")

    monkeypatch.setattr(tiktoken.load, "read_file", refuse)
    return calls


def test_the_offline_package_is_materialised_for_tiktoken_without_any_network(
    fresh_loader, monkeypatch
):
    calls = _no_network(monkeypatch)
    encoding = get_encoding("o200k_base")
    assert encoding.encode_ordinary("hello world") == [24912, 2375]
    assert calls == []  # a local source exists: the network is not even tried
    url, sha256 = KNOWN_ENCODINGS["o200k_base"]
    cached = fresh_loader / "ftlint-cache" / "tiktoken" / hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(cached.read_bytes()).hexdigest() == sha256
    # the user's TIKTOKEN_CACHE_DIR is left as it was
    assert not (fresh_loader / "tiktoken-cache").exists()


def test_bpe_openai_ships_exactly_tiktokens_files():
    for name, (_url, sha256) in KNOWN_ENCODINGS.items():
        blob = tokens._offline_blob(name)
        assert blob is not None, "bpe-openai is in the test extra"
        assert hashlib.sha256(blob).hexdigest() == sha256


def test_a_corrupt_file_in_tiktokens_cache_is_not_used(fresh_loader, monkeypatch):
    _no_network(monkeypatch)
    url, _sha = KNOWN_ENCODINGS["cl100k_base"]
    bad = fresh_loader / "tiktoken-cache" / hashlib.sha1(url.encode()).hexdigest()
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not an encoding")
    encoding = get_encoding("cl100k_base")
    assert len(encoding.encode_ordinary("hello world")) == 2


def test_a_valid_file_in_tiktokens_own_cache_is_used_first(fresh_loader, monkeypatch):
    _no_network(monkeypatch)
    monkeypatch.setattr(tokens, "_offline_blob", lambda name: None)
    url, _sha = KNOWN_ENCODINGS["cl100k_base"]
    blob = gzip.decompress(
        (
            Path(pytest.importorskip("bpe_openai").__file__).parent
            / "data"
            / "cl100k_base.tiktoken.gz"
        ).read_bytes()
    )
    target = fresh_loader / "tiktoken-cache" / hashlib.sha1(url.encode()).hexdigest()
    target.parent.mkdir(parents=True)
    target.write_bytes(blob)
    assert len(get_encoding("cl100k_base").encode_ordinary("hello world")) == 2


def test_without_any_source_the_error_says_how_to_fix_it(fresh_loader, monkeypatch):
    calls = _no_network(monkeypatch)
    monkeypatch.setattr(tokens, "_offline_blob", lambda name: None)
    with pytest.raises(TokenizerUnavailable) as caught:
        get_encoding("o200k_base")
    message = str(caught.value)
    assert calls  # tiktoken's own download was tried
    assert "ConnectionError" in message
    assert "pip install 'ftlint[offline]'" in message
    assert "TIKTOKEN_CACHE_DIR" in message
    assert "--ignore FT7" in message


def test_a_download_that_hangs_is_abandoned(fresh_loader, monkeypatch):
    import threading

    release = threading.Event()

    def hang(blobpath):
        release.wait(30)
        raise ConnectionError("gave up")

    monkeypatch.setattr(tiktoken.load, "read_file", hang)
    monkeypatch.setattr(tokens, "_offline_blob", lambda name: None)
    monkeypatch.setenv("FTLINT_TIKTOKEN_TIMEOUT", "0.2")
    try:
        with pytest.raises(TokenizerUnavailable, match=r"did not finish within 0\.2 s"):
            get_encoding("cl100k_base")
    finally:
        release.set()


def _forget_loaded_encodings(monkeypatch):
    monkeypatch.setattr(tokens, "_ENCODINGS", {})
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})


def _no_tiktoken_file(monkeypatch):
    """Make every way to tiktoken's file fail: only the compact copy can load the encoding."""

    def refuse(*args, **kwargs):
        raise AssertionError("tiktoken's file was read")

    monkeypatch.setattr(tokens, "_local_directory", refuse)
    monkeypatch.setattr(tokens, "_download", refuse)


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_the_compact_copy_loads_the_same_encoding(fresh_loader, monkeypatch, name):
    _no_network(monkeypatch)
    original = get_encoding(name)  # tiktoken's loader, SHA-256 checked; writes the copy
    _url, sha256 = KNOWN_ENCODINGS[name]
    copy = encoding_cache.copy_path(fresh_loader / "ftlint-cache" / "tiktoken", name, sha256)
    assert copy.stat().st_mode & 0o077 == 0  # private to the user
    _forget_loaded_encodings(monkeypatch)
    _no_tiktoken_file(monkeypatch)
    rebuilt = get_encoding(name)
    assert rebuilt is not original
    assert rebuilt._mergeable_ranks == original._mergeable_ranks
    assert rebuilt._special_tokens == original._special_tokens
    assert rebuilt._pat_str == original._pat_str
    text = "Où est ma commande ? 请问我的订单 👍 <|endoftext|>  x\n\n###\n\n"
    assert rebuilt.encode_ordinary(text) == original.encode_ordinary(text)


def _copy_of(fresh_loader, monkeypatch, name="cl100k_base"):
    _no_network(monkeypatch)
    get_encoding(name)
    _forget_loaded_encodings(monkeypatch)
    directory = fresh_loader / "ftlint-cache" / "tiktoken"
    return encoding_cache.copy_path(directory, name, KNOWN_ENCODINGS[name][1])


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "not ours", "writable by all"])
def test_a_copy_not_to_trust_is_ignored(fresh_loader, monkeypatch, damage):
    copy = _copy_of(fresh_loader, monkeypatch)
    data = bytearray(copy.read_bytes())
    if damage == "flip a byte":
        data[-1000] ^= 0x01
        copy.write_bytes(bytes(data))
    elif damage == "truncate":
        copy.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "not ours":
        someone_else = os.getuid() + 1
        monkeypatch.setattr(encoding_cache.os, "getuid", lambda: someone_else)
    else:
        copy.chmod(0o666)
    directory = copy.parent
    assert encoding_cache.load(directory, "cl100k_base", KNOWN_ENCODINGS["cl100k_base"][1]) is None
    encoding = get_encoding("cl100k_base")  # the normal way, which writes a good copy again
    assert encoding.encode_ordinary("hello world") == [15339, 1917]


def test_nothing_is_downloaded_or_loaded_at_import_time():
    import subprocess
    import sys

    code = (
        "import sys, ftlint.tokens, ftlint.rules.tokens, ftlint.rules.dataset.near_duplicate\n"
        "print('tiktoken' in sys.modules, 'numpy' in sys.modules, 'rensa' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


# -- counting ----------------------------------------------------------------------------------


def test_a_chat_example_counts_like_the_cookbook(o200k):
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "name": "ann", "content": "What is the capital of France?"},
        {"role": "assistant", "content": "Paris."},
    ]
    counts = o200k.example({"messages": messages})
    assert counts.total == cookbook_count(o200k.encoding, messages)
    assert counts.trained == cookbook_assistant(o200k.encoding, messages)
    assert counts.longest == counts.total
    assert counts.messages == 3


def test_weight_zero_assistant_messages_are_not_trained(o200k):
    messages = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello there, how can I help?", "weight": 0},
        {"role": "user", "content": "Tell me a joke"},
        {"role": "assistant", "content": "No.", "weight": 1},
    ]
    counts = o200k.example({"messages": messages})
    assert counts.trained == o200k.text("No.")
    without_weights = [{k: v for k, v in m.items() if k != "weight"} for m in messages]
    assert counts.total == cookbook_count(o200k.encoding, without_weights)


def test_tool_definitions_and_calls_are_counted(o200k):
    call = {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather of a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string", "description": "The city."},
                    "unit": {"type": "string", "enum": ["c", "f"]},
                },
            },
        },
    }
    messages = [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "tool_calls": [{"id": "1", "type": "function", "function": call}]},
    ]
    counts = o200k.example({"messages": messages, "tools": [tool]})
    encode = o200k.text
    # the cookbook's num_tokens_for_tools for the gpt-4o family, written out
    definitions = 7 + encode("get_weather:Weather of a city") + 3
    definitions += 3 + encode("city:string:The city")
    definitions += 3 + encode("unit:string:") - 3 + 3 + encode("c") + 3 + encode("f")
    definitions += 12
    call_tokens = 3 + encode("get_weather") + encode('{"city": "Paris"}')
    messages_tokens = 3 + encode("user") + encode("Weather in Paris?")
    messages_tokens += 3 + encode("assistant") + call_tokens + 3
    assert counts.total == messages_tokens + definitions
    assert counts.trained == call_tokens


def test_prompt_completion_counts_both_texts_and_trains_the_completion(cl100k):
    counts = cl100k.example({"prompt": "Classify: great!\n\n###\n\n", "completion": " positive"})
    assert counts.total == cl100k.text("Classify: great!\n\n###\n\n") + cl100k.text(" positive")
    assert counts.trained == cl100k.text(" positive")


def test_a_preference_pair_counts_the_input_once_and_measures_the_longer_sequence(o200k):
    data = {
        "input": {"messages": [{"role": "user", "content": "Say hi"}]},
        "preferred_output": [{"role": "assistant", "content": "Hi!"}],
        "non_preferred_output": [
            {"role": "assistant", "content": "Hello, it is a pleasure to greet you today."}
        ],
    }
    counts = o200k.example(data)
    base = 3 + o200k.text("user") + o200k.text("Say hi") + 3
    preferred = 3 + o200k.text("assistant") + o200k.text("Hi!")
    rejected = (
        3 + o200k.text("assistant") + o200k.text("Hello, it is a pleasure to greet you today.")
    )
    assert counts.total == base + preferred + rejected
    assert counts.longest == base + rejected
    assert counts.trained == o200k.text("Hi!") + o200k.text(
        "Hello, it is a pleasure to greet you today."
    )


def test_token_ids_of_an_examples_own_texts_leave_the_system_prompt_out(o200k):
    data = {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Hi"},
        ]
    }
    counts, ids = o200k.example_and_ids(data)
    assert counts == o200k.example(data)
    assert ids == o200k.encoding.encode_ordinary("Hello") + o200k.encoding.encode_ordinary("Hi")


def test_special_token_text_in_user_data_counts_as_plain_text(o200k):
    counts = o200k.example({"messages": [{"role": "user", "content": "<|endoftext|>"}]})
    assert counts.total > 3 + 1 + 3


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
RECORDS = st.dictionaries(
    st.sampled_from(
        ["messages", "tools", "prompt", "completion", "input", "preferred_output",
         "non_preferred_output", "conversations", "instruction", "output", "functions"]
    ),
    JSON_VALUES,
    max_size=5,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(RECORDS)
def test_counting_never_fails_on_odd_records(record):
    counter = TokenCounter("o200k_base")
    counts = counter.example(record)
    assert counts.total >= 0 and counts.trained >= 0
    assert counts.trained <= counts.total or counts.longest < counts.total


# -- real files ----------------------------------------------------------------------------------


def test_the_cookbook_toy_file_gives_the_notebooks_own_figures(shared_data, cl100k):
    """The notebook's published output for this very file (cl100k_base, 4096 cap): total
    tokens min 26, max 8032, mean 1648.4, median 45; assistant tokens min 4, max 8000;
    ~4306 billed tokens per epoch; 20 epochs."""
    path = shared_data / "openai__openai-cookbook" / "toy_chat_fine_tuning.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    counts = [cl100k.example(row) for row in rows]
    totals = [c.total for c in counts]
    trained = [c.trained for c in counts]
    assert (min(totals), max(totals), sorted(totals)[2]) == (26, 8032, 45)
    assert round(sum(totals) / len(totals), 1) == 1648.4
    assert (min(trained), max(trained)) == (4, 8000)
    assert sum(min(4096, t) for t in totals) == 4306
    for row, count in zip(rows, counts, strict=True):
        assert count.total == cookbook_count(cl100k.encoding, row["messages"])
        assert count.trained == cookbook_assistant(cl100k.encoding, row["messages"])


def test_real_chat_files_agree_with_a_direct_tiktoken_count(shared_data, o200k):
    for name in ("ganachan__GenAI-Autograding/training_set.jsonl",
                 "ganachan__GenAI-Autograding/validation_set.jsonl"):  # fmt: skip
        for line in (shared_data / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            counts = o200k.example(row)
            assert counts.total == cookbook_count(o200k.encoding, row["messages"])
            assert counts.trained == cookbook_assistant(o200k.encoding, row["messages"])


def test_the_tool_calling_file_counts_tools_once_per_example(shared_data, o200k):
    path = shared_data / "openai__openai-cookbook" / "drone_training.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    tools_tokens = o200k.tools(rows[0]["tools"])
    assert tools_tokens > 16 * 10  # 16 tool definitions
    for row in rows[:20]:
        counts = o200k.example(row)
        messages_only = o200k.example({"messages": row["messages"]})
        assert counts.total == messages_only.total + o200k.tools(row["tools"])
        assert counts.trained > 0  # the assistant's tool calls are what it learns

"""Tokenizer schemes: choosing a counter, the estimate counter, missing extras, lazy imports,
and the records of every format a counter renders."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ftlint import ConfigError
from ftlint.tokens import shared_counter
from ftlint.tokens.chat import CONVERSATION, PAIR, PLAIN, TEXT, rendering
from ftlint.tokens.estimate import EstimateCounter
from ftlint.tokens.select import counter_key, split_spec
from ftlint.tokens.sequence import runs_of_ids, runs_of_mask, truncation

REPO = Path(__file__).resolve().parent.parent
CHAT = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}


def write(path: Path, rows: list) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


# -- choosing a counter -----------------------------------------------------------------------


def test_specs_and_keys():
    assert split_spec("o200k_base") == ("tiktoken", "o200k_base")
    assert split_spec("tiktoken:cl100k_base") == ("tiktoken", "cl100k_base")
    assert split_spec("mistral:v3") == ("mistral", "v3")
    assert counter_key("tiktoken:o200k_base") == "o200k_base"
    assert counter_key("hf", "./tok") == "hf:./tok"
    assert counter_key("hf:./profile-tok", "./mine") == "hf:./mine"  # --tokenizer wins
    assert counter_key("estimate:gemini") == "estimate:gemini"
    with pytest.raises(ConfigError, match="unknown tokenizer scheme 'sentencepiece'"):
        split_spec("sentencepiece:x")
    with pytest.raises(ConfigError, match="--tokenizer PATH_OR_HUB_ID"):
        counter_key("hf")


def test_how_each_scheme_counts_without_loading_anything():
    from ftlint.tokens.select import counting

    assert counting("tiktoken:o200k_base", "o200k_base") == (True, "tiktoken:o200k_base")
    assert counting("mistral:open-mistral-nemo", "o200k_base")[0] is True
    assert counting("mistral:codestral-latest", "o200k_base")[0] is False
    assert counting("hf", "o200k_base", "./tok") == (True, "the chat template of ./tok")
    exact, how = counting("hf", "o200k_base")
    assert not exact and "o200k_base stand-in" in how and "--tokenizer" in how
    assert counting("estimate:gemini", "o200k_base")[0] is False


def test_unknown_versions_and_methods_stop_with_exit_2(run_cli, tmp_path):
    with pytest.raises(ConfigError, match="unknown token estimate 'chars0'"):
        EstimateCounter("chars0")
    pytest.importorskip("mistral_common")
    from ftlint.tokens.mistral import MistralCounter

    with pytest.raises(ConfigError, match="unknown Mistral tokenizer 'v99'"):
        MistralCounter("v99")


# -- the estimate -----------------------------------------------------------------------------


def test_the_estimate_is_characters_over_four():
    counter = EstimateCounter("gemini")
    assert not counter.exact
    assert "ai.google.dev/gemini-api/docs/tokens" in counter.accuracy
    row = {
        "messages": [
            {"role": "system", "content": "Be brief."},  # 9 characters: 3
            {"role": "user", "content": "What is two plus two?"},  # 21: 6
            {"role": "assistant", "content": "Four."},  # 5: 2
        ]
    }
    counts = counter.example(row)
    assert (counts.total, counts.trained, counts.messages) == (11, 2, 3)
    assert counter.sequence(row) == [(3, False), (6, False), (2, True)]
    assert EstimateCounter("chars2").text("abcde") == math.ceil(5 / 2)


def test_gemini_and_nova_records_render_as_their_conversations():
    gemini = {
        "systemInstruction": {"role": "system", "parts": [{"text": "Be brief."}]},
        "contents": [
            {"role": "user", "parts": [{"text": "What is two plus two?"}]},
            {"role": "model", "parts": [{"text": "Four"}, {"text": "."}]},
        ],
    }
    nova = {
        "schemaVersion": "bedrock-conversation-2024",
        "system": [{"text": "Be brief."}],
        "messages": [
            {"role": "user", "content": [{"text": "What is two plus two?"}]},
            {"role": "assistant", "content": [{"text": "Four."}]},
        ],
    }
    expected = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is two plus two?"},
        {"role": "assistant", "content": "Four."},
    ]
    for row in (gemini, nova):
        shown = rendering(row)
        assert (shown.kind, shown.messages) == (CONVERSATION, expected)
        assert EstimateCounter("gemini").example(row).total == 11


def test_every_shape_renders():
    assert rendering({"prompt": "2+2=", "completion": " 4"}).kind == PLAIN
    assert rendering({"text": "plain text"}).kind == TEXT
    assert rendering({"prompt": "Q?", "completion": "A.", "label": False}).kind == PLAIN  # KTO
    pair = rendering(
        {
            "prompt": "Q?",
            "chosen": "Good answer.",
            "rejected": [{"role": "assistant", "content": "Bad."}],
        }
    )
    assert pair.kind == PAIR and pair.chosen[0]["content"] == "Good answer."
    openai_pair = rendering(
        {
            "input": {"messages": [{"role": "user", "content": "Q?"}]},
            "preferred_output": [{"role": "assistant", "content": "A."}],
            "non_preferred_output": [{"role": "assistant", "content": "B."}],
        }
    )
    assert openai_pair.kind == PAIR and openai_pair.messages[0]["content"] == "Q?"
    alpaca = rendering({"instruction": "Add", "input": "2 and 2", "output": "4"})
    assert alpaca.kind == CONVERSATION and alpaca.messages[-1] == {
        "role": "assistant",
        "content": "4",
    }
    sharegpt = rendering(
        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Yo"}]}
    )
    assert [m["role"] for m in sharegpt.messages] == ["user", "assistant"]
    conversational = rendering(
        {
            "prompt": [{"role": "user", "content": "Hi"}],
            "completion": [{"role": "assistant", "content": "Yo"}],
        }
    )
    assert conversational.kind == CONVERSATION and len(conversational.messages) == 2
    for odd in ([1, 2], "text", {"contents": "not a list"}, {"messages": [1, None]}):
        rendering(odd)  # no exception, whatever the record


def test_runs_and_truncation():
    assert truncation([(5, False), (10, True), (3, False)], 8) == (10, 7)
    assert truncation([(5, False), (10, True)], 100) == (0, 0)
    assert runs_of_mask([0, 0, 1, 1, 0]) == [(2, False), (2, True), (1, False)]
    assert runs_of_ids([1, 2, 3, 4, 2, 3, 5], [[2, 3], [2, 3, 5]]) == [
        (1, False),
        (2, True),
        (1, False),
        (3, True),
    ]


def test_an_estimating_target_says_so_in_every_figure(run_json, tmp_path):
    path = write(tmp_path / "train.jsonl", [CHAT, CHAT | {"id": 2}])
    code, report = run_json(
        "check", str(path), "-p", "tests.tokenizer_targets", "--target", "estimate-test",
        "--select", "FT701,FT702", "--output-format", "json",
    )  # fmt: skip
    assert code == 0, report
    tokens = report["summary"]["tokens"]
    assert (tokens["exact"], tokens["tokenizer"]) == (False, "estimate:gemini")
    assert "estimate" in tokens["accuracy"]
    message = next(d["message"] for d in report["diagnostics"] if d["code"] == "FT702")
    assert message.startswith("2 examples, ≈ 4 tokens (2 trained, estimate gemini)")
    assert "estimate: ceil(characters / 4)" in message


def test_max_seq_length_from_the_configuration(run_cli, tmp_path, monkeypatch):
    write(tmp_path / "train.jsonl", [CHAT])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ftlint.toml").write_text("max-seq-length = 5\n", encoding="utf-8")
    code, out, err = run_cli("check", "train.jsonl", "--select", "FT703")
    assert "FT703" in out and "over --max-seq-length 5" in out, (out, err)
    (tmp_path / "ftlint.toml").write_text("max-seq-length = 0\n", encoding="utf-8")
    code, out, err = run_cli("check", "train.jsonl")
    assert code == 2 and "must be a whole number of at least 1" in err


def test_max_seq_length_on_the_command_line_must_be_positive(run_cli, tmp_path):
    path = write(tmp_path / "train.jsonl", [CHAT])
    code, _out, err = run_cli("check", str(path), "--max-seq-length", "0")
    assert code == 2 and "must be at least 1" in err


# -- optional extras --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "target", "extra", "more"),
    [
        ("mistral_common", "mistral-test", "mistral", []),
        ("transformers", "hf-test", "hf", ["--tokenizer", "some/tokenizer"]),
    ],
)
def test_a_missing_extra_stops_with_exit_2_naming_it(
    run_cli, tmp_path, monkeypatch, module, target, extra, more
):
    path = write(tmp_path / "train.jsonl", [CHAT])
    monkeypatch.setitem(sys.modules, module, None)  # as if the extra were not installed
    monkeypatch.setattr("ftlint.tokens._COUNTERS", {})
    code, _out, err = run_cli(
        "check", str(path), "-p", "tests.tokenizer_targets", "--target", target, *more
    )
    assert code == 2, err
    assert f"pip install 'ftlint[{extra}]'" in err
    assert "Traceback" not in err


# -- lazy imports -----------------------------------------------------------------------------

LAZY = """
import sys
from ftlint.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("mistral_common", "transformers", "tokenizers", "sentencepiece",
                           "huggingface_hub", "torch") if m in sys.modules)
print("HEAVY", ",".join(heavy))
"""


def test_a_small_run_imports_no_tokenizer_library(tmp_path):
    """The default target (tiktoken) with --max-seq-length: no other tokenizer library."""
    path = write(tmp_path / "train.jsonl", [CHAT] * 3)
    result = subprocess.run(
        [
            sys.executable, "-c", LAZY, "check", str(path), "--max-seq-length", "100",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert "HEAVY \n" in result.stdout or result.stdout.rstrip().endswith("HEAVY"), result


def test_the_counters_are_shared_per_key():
    assert shared_counter("estimate:gemini") is shared_counter("estimate:gemini")
    assert shared_counter("tiktoken:o200k_base").exact


def test_an_unused_tokenizer_is_a_note(run_cli, tmp_path):
    path = write(tmp_path / "train.jsonl", [CHAT])
    code, out, err = run_cli("check", str(path), "--tokenizer", "./tok")
    assert code in (0, 1)
    assert "note: --tokenizer ./tok is not used" in out + err

"""The ``hf`` counter against transformers' own ``apply_chat_template``.

A small byte-level BPE is trained here with the ``tokenizers`` library (no download) and
saved with a ChatML-style chat template, in three variants: ``{% generation %}`` around each
assistant turn (content and end-of-turn marker: what transformers' assistant mask marks),
the same template without the blocks, and one whose blocks wrap the content alone (the
reference for ftlint's own span finding on the template without blocks).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("transformers")
pytest.importorskip("tokenizers")
os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")

from ftlint.tokens import shared_counter
from ftlint.tokens.hf import HFCounter
from ftlint.tokens.sequence import truncation

CORPUS = [
    "Hello there, how are you today?",
    "The quick brown fox jumps over the lazy dog.",
    "Fine-tuning data must be clean, short and to the point.",
    "Ça va ? Très bien, merci. 数据 😀 1234567890",
    "def count(tokens):\n    return len(tokens)\n",
] * 40

HEAD = "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' }}"
TAIL = "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
OTHER = "{%- else %}{{- message['content'] + '<|im_end|>\\n' }}{%- endif %}"
TEMPLATES = {
    # the turn's content and end marker are trained, as in most templates that have blocks
    "generation": HEAD
    + "{%- if message['role'] == 'assistant' %}{% generation %}"
    + "{{- message['content'] + '<|im_end|>' }}{% endgeneration %}{{- '\\n' }}"
    + OTHER
    + TAIL,
    # the same rendering without blocks
    "plain": HEAD
    + "{%- if message['role'] == 'assistant' %}{{- message['content'] + '<|im_end|>\\n' }}"
    + OTHER
    + TAIL,
    # the same rendering with blocks around the content alone
    "content": HEAD
    + "{%- if message['role'] == 'assistant' %}{% generation %}{{- message['content'] }}"
    + "{% endgeneration %}{{- '<|im_end|>\\n' }}"
    + OTHER
    + TAIL,
    # a template that refuses anything but user/assistant turns (as Llama 2's does)
    "strict": "{%- for message in messages %}{%- if message['role'] == 'system' %}"
    + "{{ raise_exception('no system role') }}{%- endif %}"
    + "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' }}"
    + "{%- endfor %}",
}


@pytest.fixture(scope="module")
def tokenizer_dirs(tmp_path_factory) -> dict[str, Path]:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    bpe.train_from_iterator(CORPUS, trainer)
    dirs = {}
    for name, template in TEMPLATES.items():
        fast = PreTrainedTokenizerFast(
            tokenizer_object=bpe, eos_token="<|endoftext|>", bos_token="<|endoftext|>"
        )
        fast.chat_template = template
        directory = tmp_path_factory.mktemp(f"tok-{name}")
        fast.save_pretrained(str(directory))
        dirs[name] = directory
    return dirs


@pytest.fixture(scope="module")
def references(tokenizer_dirs):
    from transformers import AutoTokenizer

    return {name: AutoTokenizer.from_pretrained(str(d)) for name, d in tokenizer_dirs.items()}


@pytest.fixture(scope="module")
def counters(tokenizer_dirs):
    return {name: HFCounter(str(d)) for name, d in tokenizer_dirs.items()}


def reference(tokenizer, messages) -> tuple[int, int]:
    out = tokenizer.apply_chat_template(
        messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    return len(out["input_ids"]), sum(out["assistant_masks"])


texts = st.text(
    alphabet=st.sampled_from(list("abcdefghij klmnopqrstuvwxyz.,!?\n\t'\"éß数据😀0123456789")),
    min_size=1,
    max_size=60,
) | st.sampled_from([*CORPUS[:5], "user", "assistant", "<|im_end|> inside", " padded  "])


@st.composite
def chats(draw):
    messages = []
    if draw(st.booleans()):
        messages.append({"role": "system", "content": draw(texts)})
    for _ in range(draw(st.integers(1, 3))):
        messages.append({"role": "user", "content": draw(texts)})
        messages.append({"role": "assistant", "content": draw(texts)})
    return messages


FAST = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FAST
@given(messages=chats())
def test_counts_equal_apply_chat_template_with_the_assistant_mask(messages, counters, references):
    counts = counters["generation"].example({"messages": messages})
    assert (counts.total, counts.trained) == reference(references["generation"], messages)
    assert counts.longest == counts.total


@FAST
@given(messages=chats())
def test_without_generation_blocks_the_content_spans_match_a_content_mask(
    messages, counters, references
):
    """Same rendering, no blocks: ftlint's total is the template's; its trained tokens (the
    assistant contents' spans) equal transformers' mask of blocks around the contents."""
    counts = counters["plain"].example({"messages": messages})
    plain = references["plain"].apply_chat_template(messages, tokenize=True, return_dict=True)
    assert counts.total == len(plain["input_ids"])
    assert counts.trained == reference(references["content"], messages)[1]


@FAST
@given(messages=chats(), limit=st.integers(1, 120))
def test_the_truncation_loses_the_masked_tokens_beyond_the_cut(
    messages, limit, counters, references
):
    out = references["generation"].apply_chat_template(
        messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    mask = out["assistant_masks"]
    runs = counters["generation"].sequence({"messages": messages})
    assert truncation(runs, limit) == (max(0, len(mask) - limit), sum(mask[limit:]))


def test_a_template_that_rewrites_contents_falls_back_to_searching(tmp_path, tokenizer_dirs):
    """A template that trims the answers: the marked rendering differs, the search finds the
    stripped content."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dirs["plain"]))
    tokenizer.chat_template = TEMPLATES["plain"].replace(
        "message['content'] + '<|im_end|>\\n' }}{%- else",
        "message['content'] | trim + '<|im_end|>\\n' }}{%- else",
    )
    assert "trim" in tokenizer.chat_template
    tokenizer.save_pretrained(str(tmp_path))
    counter = HFCounter(str(tmp_path))
    messages = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "  Fine  "}]
    counts = counter.example({"messages": messages})
    text = tokenizer.apply_chat_template(messages, tokenize=False)
    assert "Fine<|im_end|>" in text
    assert counts.trained == len(tokenizer("Fine", add_special_tokens=False)["input_ids"])


def test_prompt_completion_text_and_preference_shapes(counters, references):
    counter, tokenizer = counters["generation"], references["generation"]
    eos = tokenizer.eos_token_id
    counts = counter.example({"prompt": "Hello there,", "completion": " how are you?"})
    full = tokenizer("Hello there, how are you?")["input_ids"] + [eos]
    assert counts.total == len(full)
    assert counts.trained == len(full) - len(tokenizer("Hello there,")["input_ids"])
    counts = counter.example({"text": "The quick brown fox."})
    assert counts.total == counts.trained == len(tokenizer("The quick brown fox.")["input_ids"]) + 1
    pair = {
        "prompt": [{"role": "user", "content": "Hello there"}],
        "chosen": [{"role": "assistant", "content": "Fine, thank you."}],
        "rejected": [{"role": "assistant", "content": "Go away."}],
    }
    counts = counter.example(pair)
    chosen = reference(tokenizer, pair["prompt"] + pair["chosen"])
    rejected = reference(tokenizer, pair["prompt"] + pair["rejected"])
    assert counts.longest == max(chosen[0], rejected[0])
    assert counts.trained == chosen[1] + rejected[1]
    assert counts.total < chosen[0] + rejected[0]  # the prompt counts once


def test_a_conversation_the_template_refuses_is_counted_as_its_texts(counters):
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hello there"},
        {"role": "assistant", "content": "Fine."},
    ]
    counts = counters["strict"].example({"messages": messages})
    assert counts.total > counts.trained > 0


def test_check_with_tokenizer_and_max_seq_length(run_json, tmp_path, tokenizer_dirs, references):
    """End to end: FT703 says what TRL's truncation drops, FT702 says the count is exact."""
    rows = [
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Fine"}]},
        {
            "messages": [
                {"role": "user", "content": "Tell me about the fox."},
                {
                    "role": "assistant",
                    "content": "The quick brown fox jumps over the lazy dog. " * 6,
                },
            ]
        },
    ]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    total, trained = reference(references["generation"], rows[1]["messages"])
    limit = total - 20
    code, report = run_json(
        "check", str(path), "-p", "tests.tokenizer_targets", "--target", "hf-test",
        "--tokenizer", str(tokenizer_dirs["generation"]), "--max-seq-length", str(limit),
        "--select", "FT702,FT703", "--output-format", "json",
    )  # fmt: skip
    assert code == 0, report
    found = [d for d in report["diagnostics"] if d["code"] == "FT703"]
    assert [d["location"]["line"] for d in found] == [2]
    lost_trained = sum(
        references["generation"].apply_chat_template(
            rows[1]["messages"], tokenize=True, return_dict=True, return_assistant_tokens_mask=True
        )["assistant_masks"][limit:]
    )
    assert f"has {total:,} tokens, over --max-seq-length {limit:,}" in found[0]["message"]
    assert (
        f"silently drops 20, {lost_trained:,} of them trained (of {trained:,}"
        in (found[0]["message"])
    )
    cost = [d for d in report["diagnostics"] if d["code"] == "FT702"]
    assert cost and "assistant mask" in cost[0]["message"]


def test_without_tokenizer_the_encoding_stands_in_as_an_estimate(run_json, run_cli, tmp_path):
    """No --tokenizer: the profile's encoding counts, and every figure says it is an
    estimate and how to make it exact; a tokenizer that cannot load stops with exit 2."""
    path = tmp_path / "train.jsonl"
    row = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    code, report = run_json(
        "check", str(path), "-p", "tests.tokenizer_targets", "--target", "hf-test",
        "--select", "FT702", "--output-format", "json",
    )  # fmt: skip
    assert code == 0, report
    tokens = report["summary"]["tokens"]
    assert tokens["exact"] is False and tokens["tokenizer"] == "stand-in:o200k_base:hf"
    assert tokens["total"] == 13  # o200k_base with the cookbook's formula: 2 x (3 + 1 + 1) + 3
    message = report["diagnostics"][0]["message"]
    assert message.startswith("1 example, ≈ 13 tokens") and "--tokenizer PATH_OR_HUB_ID" in message
    code, _out, err = run_cli(
        "check", str(path), "-p", "tests.tokenizer_targets", "--target", "hf-test",
        "--tokenizer", str(tmp_path / "no-such-tokenizer"),
    )  # fmt: skip
    assert code == 2
    assert "cannot load the Hugging Face tokenizer" in err
    assert "Traceback" not in err


def test_the_counter_is_shared_per_tokenizer(tokenizer_dirs):
    key = f"hf:{tokenizer_dirs['generation']}"
    assert shared_counter(key) is shared_counter(key)
    assert shared_counter(key).exact


def test_the_tokenizer_from_the_configuration(
    run_json, run_cli, tmp_path, monkeypatch, tokenizer_dirs
):
    row = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
    (tmp_path / "train.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "ftlint.toml"
    config.write_text(f"tokenizer = {json.dumps(str(tokenizer_dirs['generation']))}\n", "utf-8")
    code, report = run_json(
        "check", "train.jsonl", "-p", "tests.tokenizer_targets", "--target", "hf-test",
        "--select", "FT702", "--output-format", "json",
    )  # fmt: skip
    assert code == 0, report
    tokens = report["summary"]["tokens"]
    assert tokens["exact"] is True
    assert tokens["tokenizer"] == f"hf:{tokenizer_dirs['generation']}"
    config.write_text("tokenizer = 3\n", encoding="utf-8")
    code, _out, err = run_cli("check", "train.jsonl")
    assert code == 2 and "'tokenizer' must be a string" in err

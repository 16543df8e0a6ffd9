"""The ``mistral`` counter against mistral-common's own encoding.

The reference total is ``MistralTokenizer.encode_chat_completion`` of the conversation, the
public API. The reference trained count walks those ids independently of ftlint's code:
every token after ``[/INST]`` or ``[/TOOL_RESULTS]`` up to and including ``</s>`` is the
assistant's (v2 and later, where those are control tokens).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("mistral_common")

from mistral_common.protocol.instruct.request import ChatCompletionRequest

from ftlint.tokens.chat import CONVERSATION, PAIR, PLAIN, rendering
from ftlint.tokens.mistral import MistralCounter
from ftlint.tokens.sequence import truncation

VERSIONS = ("v2", "v3", "v3-tekken", "v7")


@pytest.fixture(scope="module")
def counters() -> dict[str, MistralCounter]:
    return {version: MistralCounter(version) for version in (*VERSIONS, "v1")}


def _control(counter: MistralCounter, name: str) -> int | None:
    raw = counter._raw
    for getter in ("get_special_token", "get_control_token"):
        method = getattr(raw, getter, None)
        if method is not None:
            try:
                return method(name)
            except Exception:
                continue
    return None


def reference(counter: MistralCounter, messages: list[dict], tools=None) -> tuple[list, int]:
    """mistral-common's ids for the conversation and the assistant tokens among them."""
    clean = [{k: v for k, v in m.items() if k != "weight"} for m in messages]
    for m in clean:
        if m.get("tool_calls") and not m.get("content"):
            m.pop("content", None)
    request = ChatCompletionRequest.from_openai(clean, tools=tools)
    ids = counter._mistral.encode_chat_completion(request).tokens
    opens = {_control(counter, "[/INST]"), _control(counter, "[/TOOL_RESULTS]")} - {None}
    eos = counter._raw.eos_id
    trained = 0
    inside = False
    for token in ids:
        if inside:
            trained += 1
            if token == eos:
                inside = False
        elif token in opens:
            inside = True
    return ids, trained


words = st.text(
    alphabet=st.sampled_from(list("abcdefghij klmnopqrstuvwxyz.,!?\n'éß数据😀0123456789")),
    min_size=1,
    max_size=50,
).filter(lambda t: t.strip())
texts = words | st.sampled_from(["[INST] lookalike [/INST]", "</s> inside", "  padded  "])


@st.composite
def chats(draw):
    messages = []
    if draw(st.booleans()):
        messages.append({"role": "system", "content": draw(texts)})
    for _ in range(draw(st.integers(1, 3))):
        messages.append({"role": "user", "content": draw(texts)})
        messages.append({"role": "assistant", "content": draw(texts)})
    return messages


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(messages=chats(), version=st.sampled_from(VERSIONS), limit=st.integers(1, 80))
def test_counts_equal_mistral_commons_encoding(messages, version, limit, counters):
    counter = counters[version]
    ids, trained = reference(counter, messages)
    counts = counter.example({"messages": messages})
    assert (counts.total, counts.trained, counts.longest) == (len(ids), trained, len(ids))
    # what a truncation after ``limit`` tokens loses, from the reference ids
    inside, mask = False, []
    opens = {_control(counter, "[/INST]")}
    for token in ids:
        mask.append(int(inside))
        if inside and token == counter._raw.eos_id:
            inside = False
        elif not inside and token in opens:
            inside = True
    lost = truncation(counter.sequence({"messages": messages}), limit)
    assert lost == (max(0, len(ids) - limit), sum(mask[limit:]))


def test_weight_zero_answers_are_not_trained(counters):
    counter = counters["v3-tekken"]
    messages = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello there", "weight": 0},
        {"role": "user", "content": "More"},
        {"role": "assistant", "content": "Sure thing", "weight": 1},
    ]
    ids, _ = reference(counter, messages)
    counts = counter.example({"messages": messages})
    answer = counter._raw.encode("Sure thing", bos=False, eos=False)
    assert counts.total == len(ids)
    assert counts.trained == len(answer) + 1  # and its </s>


def test_v1_counts_equal_mistral_common(counters):
    counter = counters["v1"]
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4"},
    ]
    ids, _ = reference(counter, messages)
    assert counter.example({"messages": messages}).total == len(ids)


def test_a_conversation_mistral_refuses_is_counted_without_a_traceback(counters):
    counter = counters["v3"]
    ends_with_user = {"messages": [{"role": "user", "content": "Hi"}]}
    counts = counter.example(ends_with_user)
    assert counts.total == 1 + counter.text("Hi") + 2 and counts.trained == 0
    with pytest.raises(Exception):  # noqa: B017 - whatever mistral-common raises
        reference(counter, ends_with_user["messages"])


def _records(path: Path) -> list:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json" and text.lstrip().startswith("["):
        return json.loads(text)
    rows, decoder, index = [], json.JSONDecoder(strict=False), 0
    while True:  # JSONL, also pretty-printed objects one after another
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return rows
        row, index = decoder.raw_decode(text, index)
        rows.append(row)


REAL_FILES = (
    "openai__openai-cookbook/toy_chat_fine_tuning.jsonl",
    "openai__openai-cookbook/drone_training.jsonl",
    "ganachan__GenAI-Autograding/training_set.jsonl",
    "Danielcreux__Entrenamiento-IA/training_data.jsonl",
    "revenger101__BH-Assurance/qa_dataset_ft.jsonl",
    "NeMaliavka__AI-bot/training_data.jsonl",
    "hiyouga__LLaMA-Factory/alpaca_zh_demo.json",
    "hiyouga__LLaMA-Factory/dpo_en_demo.json",
    "hiyouga__LLaMA-Factory/glaive_toolcall_en_demo.json",
    "tatsu-lab__stanford_alpaca/seed_tasks.jsonl",
)


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_count_as_mistral_common_does(shared_data, counters, name):
    """A sample of each real file (25 records spread over it): ftlint's figures are
    mistral-common's for every example it encodes (the others take the fallback)."""
    counter = counters["v3-tekken"]
    rows = _records(shared_data / name)
    rows = rows[:: max(1, len(rows) // 25)][:25]
    if name.endswith("drone_training.jsonl"):
        # Mistral takes only 9-character tool call ids ("call_id" is refused): with valid
        # ids the file exercises the tool definitions and calls of the encoding.
        for row in rows:
            for message in row["messages"]:
                for call in message.get("tool_calls") or ():
                    call["id"] = "a1b2c3d4e"
    compared = 0
    for row in rows:
        counts = counter.example(row)
        shown = rendering(row)
        if shown.kind == PLAIN:
            messages = [
                {"role": "user", "content": shown.prompt},
                {"role": "assistant", "content": shown.completion},
            ]
            pairs = [messages]
        elif shown.kind == PAIR:
            pairs = [shown.messages + shown.chosen, shown.messages + shown.rejected]
        else:
            assert shown.kind == CONVERSATION
            pairs = [shown.messages]
        try:
            refs = [reference(counter, messages, shown.tools) for messages in pairs]
        except Exception:
            continue  # mistral-common refuses it: ftlint counts its texts instead
        compared += 1
        if len(refs) == 1:
            assert (counts.total, counts.trained) == (len(refs[0][0]), refs[0][1]), row
        else:
            assert counts.longest == max(len(ids) for ids, _ in refs)
            assert counts.trained == sum(trained for _, trained in refs)
    assert compared >= min(3, len(rows)), f"mistral-common encoded only {compared} of {name}"


def test_check_on_a_mistral_target_reports_exact_counts(run_json, tmp_path, counters):
    rows = [
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]},
        {
            "messages": [
                {"role": "user", "content": "Why?"},
                {"role": "assistant", "content": "x " * 40},
            ]
        },
    ]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, report = run_json(
        "check", str(path), "-p", "tests.tokenizer_targets", "--target", "mistral-test",
        "--select", "FT702,FT703", "--max-seq-length", "20", "--output-format", "json",
    )  # fmt: skip
    assert code == 0, report
    tokens = report["summary"]["tokens"]
    assert (tokens["tokenizer"], tokens["exact"]) == ("mistral:v3-tekken", True)
    counter = counters["v3-tekken"]
    expected = [len(reference(counter, r["messages"])[0]) for r in rows]
    message = next(d["message"] for d in report["diagnostics"] if d["code"] == "FT702")
    assert f"{sum(expected):,} tokens" in message and "mistral v3 tekken_240718.json" in message
    assert "exact: Mistral's instruct encoding" in message
    truncated = [d for d in report["diagnostics"] if d["code"] == "FT703"]
    assert [d["location"]["line"] for d in truncated] == [2]
    assert f"has {expected[1]:,} tokens" in truncated[0]["message"]
    assert tokens["total"] == sum(expected)


def test_model_names_of_the_mistral_profile(counters):
    """The profile names models: the wheel's own tokenizer of each is exact; a ``-latest``
    alias whose current tokenizer the wheel lacks is counted with the shipped Tekken and
    marked approximate."""
    nemo = MistralCounter("open-mistral-nemo")
    assert nemo.exact and "tekken_240718.json" in nemo.label
    row = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]}
    assert nemo.example(row) == counters["v3-tekken"].example(row)
    small = MistralCounter("mistral-small-latest")
    assert not small.exact and small.accuracy.startswith("approximate")


#: Every real file, as ``prepare --target mistral`` writes its first records (the tables with
#: the ``--map`` that ftlint's own suggestion gives).
PREPARED = {
    "AIKU-Official__hansol-llm-competition/train.csv": (),  # Alpaca columns
    "Arijit2003__SpamHamFilteration/spam.csv": ("prompt=v2", "completion=v1"),
    "Danielcreux__Entrenamiento-IA/training_data.jsonl": (),
    "LianjiaTech__BELLE/zh_seed_tasks.json": (),
    "NeMaliavka__AI-bot/training_data.jsonl": (),
    "Toyhom__Chinese-medical-dialogue-data/样例_内科5000-6000.csv": (
        "prompt=ask",
        "completion=answer",
    ),
    "ganachan__GenAI-Autograding/training_set.jsonl": (),
    "ganachan__GenAI-Autograding/validation_set.jsonl": (),
    "hiyouga__LLaMA-Factory/alpaca_zh_demo.json": (),
    "hiyouga__LLaMA-Factory/dpo_en_demo.json": (),
    "hiyouga__LLaMA-Factory/glaive_toolcall_en_demo.json": (),
    "mimi-tg__ChitChat/qna_chitchat_professional.tsv": ("prompt=Question", "completion=Answer"),
    "openai__openai-cookbook/AG_news_samples.csv": ("prompt=description", "completion=label"),
    # OpenAI's tool call ids ("call_id") are rewritten into 9 letters or digits (FT947)
    "openai__openai-cookbook/drone_training.jsonl": (),
    "openai__openai-cookbook/toy_chat_fine_tuning.jsonl": (),
    "revenger101__BH-Assurance/Exemples_questions_reponses.xlsx": (
        "prompt=Question",
        "completion=Réponse",
    ),
    "revenger101__BH-Assurance/qa_dataset.csv": ("prompt=question", "completion=answer"),
    "revenger101__BH-Assurance/qa_dataset_ft.jsonl": (),
    "tatsu-lab__stanford_alpaca/seed_tasks.jsonl": (),
}
#: Preference data: Mistral has no preference training, so nothing of it is written.
NOTHING_WRITTEN = {"hiyouga__LLaMA-Factory/dpo_en_demo.json"}


def test_every_real_file_is_in_the_prepared_list(shared_data):
    found = {
        str(p.relative_to(shared_data))
        for p in shared_data.rglob("*")
        if p.is_file() and p.suffix != ".md" and p.stat().st_size
    }
    assert found == set(PREPARED)


@pytest.mark.parametrize("name", PREPARED)
def test_every_prepared_mistral_file_encodes(run_cli, shared_data, tmp_path, counters, name):
    """``ftlint prepare --target mistral``: every record it writes is one mistral-common
    encodes (fine-tuning validation), and ftlint's count of it is mistral-common's."""
    from tests.test_prepare_accepted import _slice

    out = tmp_path / "prepared.jsonl"
    source = _slice(shared_data / name, tmp_path)
    maps = [arg for pair in PREPARED[name] for arg in ("--map", pair)]
    code, _out, err = run_cli(
        "prepare", source, "--target", "mistral", "-o", out, "--no-report", *maps
    )
    assert code in (0, 1), err
    if name in NOTHING_WRITTEN:
        assert not out.exists()
        return
    counter = counters["v3-tekken"]
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows
    for row in rows:
        ids, trained = reference(counter, row["messages"], row.get("tools"))
        counts = counter.example(row)
        assert (counts.total, counts.trained) == (len(ids), trained)


def test_prepare_rewrites_openai_tool_call_ids_for_mistral(run_cli, shared_data, tmp_path):
    """drone_training.jsonl: every record is written, with the same new id in each call, and
    the report counts the rewritten ids; a second prepare changes nothing."""
    out = tmp_path / "drone.jsonl"
    source = shared_data / "openai__openai-cookbook/drone_training.jsonl"
    code, _out, err = run_cli("prepare", source, "--target", "mistral", "-o", out)
    assert code == 0, err
    report = json.loads((tmp_path / "drone.report.json").read_text(encoding="utf-8"))
    rewrites = [d for d in report["diagnostics"] if d["code"] == "FT947"]
    assert len(rewrites) == 103
    assert all("prepare rewrites 1 id" in d["message"] for d in rewrites)
    assert all(d["fix"]["applicability"] == "safe" and d["fix"]["applied"] for d in rewrites)
    assert report["files"][0]["written"] == 103 and report["files"][0]["rejected"] == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    originals = _records(source)
    for row, original in zip(rows, originals, strict=True):
        for new, old in zip(row["messages"], original["messages"], strict=True):
            calls = zip(new.get("tool_calls") or (), old.get("tool_calls") or (), strict=True)
            for call, before in calls:
                assert re.fullmatch(r"[a-zA-Z0-9]{9}", call["id"])
                assert {**call, "id": before["id"]} == before  # only the id changed
    again = tmp_path / "again.jsonl"
    code, _out, err = run_cli("prepare", out, "--target", "mistral", "-o", again, "--no-report")
    assert code == 0, err
    assert again.read_bytes() == out.read_bytes()

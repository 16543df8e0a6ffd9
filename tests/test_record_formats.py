"""The record formats read and write what the providers document: their own examples read
back unchanged, canonical records survive a trip through every format that can hold them
(hypothesis), Together's own ``check_file`` agrees with ftlint on what ``prepare`` writes and
on broken files, and the real files in ../shared/data prepare for every format family."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ftlint import Severity, check, prepare
from ftlint.formats import BUILTIN_FORMATS, get_format, writer_for
from ftlint.formats.nova import RESERVED_STRINGS
from ftlint.formats.trl import DOC_EXAMPLES
from ftlint.shapes import blank, detect_shape

from .conftest import read_jsonl, write_jsonl

PLUGINS = ["tests.format_targets"]

#: Vertex AI's function-calling tuning example ("Tune function calling", read 2026-12-03).
GEMINI_DOC = {
    "systemInstruction": {
        "parts": [{"text": "You are an assistant that helps users find the best product for them."}]
    },
    "contents": [
        {"role": "user", "parts": [{"text": "Do you have the White Pixel 8 Pro 128GB in stock in the US?"}]},  # noqa: E501
        {"role": "model", "parts": [{"functionCall": {"name": "get_product_sku", "args": {"product_name": "Pixel 8 Pro 128GB"}}}]},  # noqa: E501
        {"role": "user", "parts": [{"functionResponse": {"name": "get_product_sku", "response": {"output": "10"}}}]},  # noqa: E501
        {"role": "model", "parts": [{"text": "Yes, we have it in stock."}]},
    ],
    "tools": [{"functionDeclarations": [{"name": "get_product_sku", "description": "Get the available inventory", "parameters": {"type": "OBJECT", "properties": {"product_name": {"type": "STRING"}}}}]}],  # noqa: E501
}  # fmt: skip
#: The text-only example of "Supervised fine-tuning on Amazon Nova 2.0" (read 2026-12-03).
NOVA_DOC = {
    "schemaVersion": "bedrock-conversation-2024",
    "system": [{"text": "You are a digital assistant with a friendly personality"}],
    "messages": [
        {"role": "user", "content": [{"text": "What country is right next to Australia?"}]},
        {"role": "assistant", "content": [{"text": "The closest country is New Zealand"}]},
    ],
}


def test_every_contract_name_is_registered():
    names = {
        "openai-chat", "openai-preference", "prompt-completion", "text", "gemini", "nova",
        "mistral-chat", "together-chat", "together-instruction", "together-text",
        "together-preference", "fireworks-chat", "fireworks-preference", "trl-messages",
        "trl-prompt-completion", "trl-preference", "trl-kto", "trl-text",
    }  # fmt: skip
    assert names == {f.name for f in BUILTIN_FORMATS}
    for fmt in BUILTIN_FORMATS:
        assert "2026-12-03" in fmt.source, fmt.name
        if fmt.same_as is not None:
            assert get_format(fmt.same_as).shape == fmt.shape


@pytest.mark.parametrize("example, name", [(GEMINI_DOC, "gemini"), (NOVA_DOC, "nova")])
def test_the_documented_examples_are_valid_and_read_back_unchanged(example, name):
    fmt = get_format(name)
    assert detect_shape(example) == name
    assert fmt.check(example) == []
    canonical = fmt.to_canonical(example)
    assert canonical["messages"][0]["role"] == "system"
    written, _losses = fmt.from_canonical(canonical)
    if name == "gemini":  # the role of a system instruction is ignored by Vertex: not written
        assert written == {**example, "systemInstruction": example["systemInstruction"]}
    else:
        assert written == example


@pytest.mark.parametrize("name", sorted(DOC_EXAMPLES))
def test_trls_documented_examples_are_valid(name):
    example = DOC_EXAMPLES[name]
    fmt = get_format(name.replace("-conversational", "").replace("-implicit", ""))
    assert fmt.check(example) == [], name
    if name != "trl-preference-implicit":  # two strings that share no prompt: see the report
        assert fmt.to_canonical(example)


def test_the_reserved_strings_are_awss_list():
    assert set(RESERVED_STRINGS) >= {"User:", "Bot:", "Assistant:", "System:", "<image>",
                                     "<video>", "[EOS]"}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Round trips

# Blank texts are the conversions' own business (a blank system prompt is left out, a blank
# answer is an error), and so are reserved strings (FT942): not round-trip material.
_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30).filter(
    lambda t: not blank(t) and not any(token in t for token in RESERVED_STRINGS)
)


@st.composite
def chats(draw):
    messages = []
    if draw(st.booleans()):
        messages.append({"role": "system", "content": draw(_text)})
    for _ in range(draw(st.integers(1, 3))):
        messages.append({"role": "user", "content": draw(_text)})
        messages.append({"role": "assistant", "content": draw(_text)})
    return {"messages": messages}


@st.composite
def preferences(draw):
    chat = draw(chats())
    chosen = draw(_text)
    rejected = draw(_text.filter(lambda t: t.strip() != chosen.strip()))
    return {
        "input": {"messages": chat["messages"][:-1]},
        "preferred_output": [{"role": "assistant", "content": chosen}],
        "non_preferred_output": [{"role": "assistant", "content": rejected}],
    }


CHAT_FORMATS = [f.name for f in BUILTIN_FORMATS if f.can_write("chat")]
PREFERENCE_FORMATS = [f.name for f in BUILTIN_FORMATS if f.can_write("preference")]


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(chat=chats())
def test_a_chat_survives_every_chat_format(chat):
    for name in CHAT_FORMATS:
        fmt = get_format(name)
        written, losses = fmt.from_canonical(chat)
        # a prompt-completion pair trains on the completion only: earlier answers are a loss
        assert all(loss.kind == "prompt-turns" for loss in losses), name
        assert fmt.check(written) == [] or name.startswith(("together", "fireworks")), name
        back = fmt.to_canonical(written)
        if name == "trl-prompt-completion":
            from ftlint.conversion import prompt_completion_to_chat

            back = prompt_completion_to_chat(written, None)
        assert back == chat, name


@settings(max_examples=40, deadline=None, derandomize=True)
@given(pair=preferences())
def test_a_preference_pair_survives_every_preference_format(pair):
    for name in PREFERENCE_FORMATS:
        fmt = get_format(name)
        written, losses = fmt.from_canonical(pair)
        assert losses == [], name
        assert fmt.to_canonical(written) == pair, name


def test_what_a_format_cannot_hold_is_a_loss_or_an_error():
    from ftlint.formats.base import ConversionError

    weighted = {"messages": [{"role": "user", "content": "Hi"},
                             {"role": "assistant", "content": "x", "weight": 0}]}  # fmt: skip
    for name in ("gemini", "nova"):
        _written, losses = get_format(name).from_canonical(weighted)
        assert [loss.kind for loss in losses] == ["weight"], name
        assert get_format("mistral-chat").from_canonical(weighted) == (weighted, [])
    tools = {
        "messages": [
            {"role": "user", "content": "Weather?"},
            {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
             "function": {"name": "weather", "arguments": "{\"city\": \"Paris\"}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
            {"role": "assistant", "content": "Sunny."},
        ]
    }  # fmt: skip
    with pytest.raises(ConversionError, match="tool use"):
        get_format("nova").from_canonical(tools)
    written, losses = get_format("gemini").from_canonical(tools)
    assert [loss.kind for loss in losses] == ["tool-call-id"]
    back = get_format("gemini").to_canonical(written)
    assert back["messages"][1]["tool_calls"][0]["function"]["name"] == "weather"
    assert back["messages"][2] == {"role": "tool", "tool_call_id": "call00001", "content": "sunny"}


def test_a_target_writes_each_shape_in_its_family():
    hf = ("trl-messages", "trl-prompt-completion", "trl-preference", "trl-kto", "trl-text")
    assert writer_for("trl-messages", hf, "preference").name == "trl-preference"
    assert writer_for("trl-messages", (), "text").name == "trl-text"
    assert writer_for("together-chat", (), "preference").name == "together-preference"
    assert writer_for("gemini", ("gemini",), "preference") is None


# ---------------------------------------------------------------------------------------------
# Whole files: prepare writes each target's format, and check of what it wrote is clean

ROWS = [
    {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                  {"role": "assistant", "content": "Hello"}]},
    {"instruction": "Translate to French", "input": "cheese", "output": "fromage"},
]  # fmt: skip
FORMAT_CODES = {"FT940", "FT941", "FT943", "FT944", "FT945", "FT946", "FT950", "FT952"}


@pytest.mark.parametrize(
    "target, key",
    [("fmt-vertex", ("contents",)), ("fmt-bedrock", ("schemaVersion",)),
     ("fmt-hf", ("messages", "prompt")), ("fmt-together", ("messages", "prompt")),
     ("fmt-mistral", ("messages",))],
)  # fmt: skip
def test_prepare_writes_the_targets_format_and_check_accepts_it(tmp_path, target, key):
    source = write_jsonl(tmp_path / "train.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    prepare(source, output=out, target=target, plugins=PLUGINS, isolated=True)
    rows = read_jsonl(out)
    assert len(rows) == 2 and all(set(key) & set(row) for row in rows)
    report = check(out, target=target, plugins=PLUGINS, isolated=True)
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert not errors, [d.message for d in errors]
    back = check(out, target="openai", plugins=PLUGINS, isolated=True)  # read as any other
    assert not [
        d for d in back.diagnostics if d.code in FORMAT_CODES and d.severity is Severity.ERROR
    ]


# ---------------------------------------------------------------------------------------------
# Together's own validator


@pytest.fixture
def together_files():
    """Together's client (``together``, in the test extra); its import is not cheap."""
    return pytest.importorskip("together.lib.utils.files")


@pytest.mark.parametrize(
    "rows",
    [ROWS, [{"text": "The sky is blue."}],
     [{"input": {"messages": [{"role": "user", "content": "Sky?"}]},
       "preferred_output": [{"role": "assistant", "content": "Blue."}],
       "non_preferred_output": [{"role": "assistant", "content": "Green."}]}]],
    ids=["chat", "text", "preference"],
)  # fmt: skip
def test_what_prepare_writes_for_together_passes_check_file(tmp_path, rows, together_files):
    source = write_jsonl(tmp_path / "train.jsonl", rows)
    out = tmp_path / "out.jsonl"
    prepare(source, output=out, target="fmt-together", plugins=PLUGINS, isolated=True)
    verdict = together_files.check_file(out)
    assert verdict["is_check_passed"], verdict["message"]


DEFECTIVE = {
    "not-utf8": b'{"text": "caf\xe9"}\n',
    "not-an-object": b'["messages"]\n',
    "broken-json": b'{"text": "unterminated\n',
    "empty": b"",
    "only-blank-lines": b"\n\n",
}


@pytest.mark.parametrize("name", sorted(DEFECTIVE))
def test_every_file_check_file_rejects_ftlint_rejects_for_together(tmp_path, name, together_files):
    path = tmp_path / "train.jsonl"
    path.write_bytes(DEFECTIVE[name])
    assert not together_files.check_file(path)["is_check_passed"]
    report = check(path, target="fmt-together", plugins=PLUGINS, isolated=True)
    assert [d for d in report.diagnostics if d.severity is Severity.ERROR], name


# ---------------------------------------------------------------------------------------------
# The real files


def _real_files(root: Path) -> list[Path]:
    files = sorted(p for p in root.rglob("*.jsonl") if p.stat().st_size < 400_000)
    return files[:6]


@pytest.mark.parametrize("target", ["fmt-vertex", "fmt-bedrock", "fmt-hf", "fmt-together"])
def test_the_shared_files_prepare_for_every_family(shared_data, tmp_path, target):
    for path in _real_files(shared_data):
        out = tmp_path / f"{path.stem}_{target}.jsonl"
        result = prepare(path, output=out, target=target, plugins=PLUGINS, isolated=True,
                         force=True)  # fmt: skip
        report = result.report
        total = report.files[0].records if report.files else 0
        written = read_jsonl(out) if out.exists() else []
        dropped = len(report.files[0].dropped) if report.files else 0
        assert len(written) + dropped == total, path  # nothing lost
        fmt = get_format({"fmt-vertex": "gemini", "fmt-bedrock": "nova"}.get(target, ""))
        for row in written:
            if fmt is not None and detect_shape(row) == fmt.name:
                canonical = fmt.to_canonical(row)  # every written record reads back
                assert fmt.from_canonical(canonical)[0] == row, path


# ---------------------------------------------------------------------------------------------
# Converting a file from one target's format to another's


@pytest.mark.parametrize(
    "source, target, key",
    [(GEMINI_DOC, "fmt-together", "messages"), (NOVA_DOC, "fmt-hf", "messages"),
     (NOVA_DOC, "fmt-vertex", "contents"), (GEMINI_DOC, "fmt-mistral", "messages")],
    ids=["gemini-to-together", "nova-to-trl", "nova-to-gemini", "gemini-to-mistral"],
)  # fmt: skip
def test_a_file_in_one_targets_format_converts_to_anothers(tmp_path, source, target, key):
    path = write_jsonl(tmp_path / "train.jsonl", [source])
    out = tmp_path / "out.jsonl"
    prepare(path, output=out, target=target, plugins=PLUGINS, isolated=True)
    (row,) = read_jsonl(out)
    assert key in row
    name = detect_shape(source)
    expected = get_format(name).to_canonical(source)
    written = get_format("gemini").to_canonical(row) if key == "contents" else row
    assert written == expected  # the same conversation, whatever the format


def test_a_gemini_record_is_checked_as_it_is_and_not_converted_for_vertex(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [GEMINI_DOC])
    report = check(path, target="fmt-vertex", plugins=PLUGINS, isolated=True)
    assert not [d for d in report.diagnostics if d.severity is Severity.ERROR]
    broken = {**GEMINI_DOC, "contents": [{"role": "assistant", "parts": [{"text": "Hi"}]}]}
    path = write_jsonl(tmp_path / "broken.jsonl", [broken])
    report = check(path, target="fmt-vertex", plugins=PLUGINS, isolated=True)
    found = {d.location.field for d in report.diagnostics if d.code == "FT940"}
    assert found == {"/contents/0/role", "/contents"}  # a wrong role, so no model turn


def test_images_by_uri_survive_gemini():
    chat = {
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "What is in it?"},
                {"type": "image_url", "image_url": {"url": "gs://bucket/cat.jpeg"}},
            ]},
            {"role": "assistant", "content": "A cat."},
        ]
    }  # fmt: skip
    gemini = get_format("gemini")
    written, losses = gemini.from_canonical(chat)
    assert losses == []
    assert written["contents"][0]["parts"][1] == {
        "fileData": {"mimeType": "image/jpeg", "fileUri": "gs://bucket/cat.jpeg"}
    }
    assert gemini.check(written) == []
    assert gemini.to_canonical(written) == chat


def test_a_llama_factory_pair_is_written_as_trls_triple_and_then_accepted(tmp_path):
    pair = {
        "conversations": [{"from": "human", "value": "Sky?"}],
        "chosen": {"from": "gpt", "value": "Blue."},
        "rejected": {"from": "gpt", "value": "Green."},
    }
    path = write_jsonl(tmp_path / "train.jsonl", [pair])
    out = tmp_path / "out.jsonl"
    prepare(path, output=out, target="fmt-hf", plugins=PLUGINS, isolated=True)
    assert read_jsonl(out) == [
        {
            "prompt": [{"role": "user", "content": "Sky?"}],
            "chosen": [{"role": "assistant", "content": "Blue."}],
            "rejected": [{"role": "assistant", "content": "Green."}],
        }
    ]
    report = check(out, target="fmt-hf", plugins=PLUGINS, isolated=True)
    assert not [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert not [d for d in report.diagnostics if d.code in ("FT304", "FT950")]

"""Hypothesis strategies for training records: every shape ftlint knows (chat,
prompt/completion, preference and the community formats), arbitrary JSON values, and the
substitution of such values at any position of a record. Shared by the property tests of
``test_rules_any_value.py`` and ``test_fix_idempotence.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

#: Strings the rules and the conversions give a meaning to: roles, speakers, transcripts,
#: separators, markers, control characters, mojibake, surrogates, URLs, JSON in a string.
SPECIAL_TEXTS = (
    "", " ", "\n", "  padded  ", "\t", "user", "assistant", "system", "developer", "tool",
    "function", "human", "gpt", "model", "function_call", "observation", "USER", " Gpt ",
    "Human: hi\n\nAssistant: hello", "\n\nHuman: a\n\nAssistant: b",
    "\n\nHuman: a\n\nAssistant: c", "Human:", "\n\n###\n\n", "###", " END", "\n", "->",
    "<|endoftext|>", "<|im_start|>", "{{name}}", "{name}", "[INST]", "\u0007", "\x00",
    "\x1b[0m", "\ufeff", "\ufeffhello", "\u200b", "\u2028", "\ufffd", "Ã©tÃ©", "cafÃ©",
    "â€™", "\ud800", "a\udfffb", "é", "日本語", "🙂", "A" * 40, "SHOUTING TEXT HERE",
    '{"name": "f", "arguments": {}}', '{"name": "f", "arguments": "{}"}',
    '[{"name": "f", "arguments": {"x": 1}}]', '[{"name": "f", "description": "d"}]',
    "{}", "[]", "null", "call_1", "f", "text", "image_url", "auto", "low",
    "https://example.com/a.png", "data:image/png;base64,iVBORw0KGgo=", "data:image/png;base64,",
    "positive", "negative",
)  # fmt: skip

#: Keys the rules read, and a few they do not.
KEYS = (
    "messages", "role", "content", "weight", "name", "tool_calls", "tool_call_id",
    "function_call", "functions", "tools", "parallel_tool_calls", "type", "text", "image_url",
    "url", "detail", "id", "function", "arguments", "parameters", "properties", "description",
    "enum", "prompt", "completion", "input", "preferred_output", "non_preferred_output",
    "instruction", "output", "response", "answer", "system", "history", "conversations",
    "from", "value", "chosen", "rejected", "question", "instances", "refusal", "extra", "",
    "~/",
)  # fmt: skip

ALL_CHARACTERS = st.characters(exclude_categories=())  # surrogates and controls included

TEXTS = st.one_of(
    st.sampled_from(SPECIAL_TEXTS),
    st.text(max_size=12),
    st.text(ALL_CHARACTERS, max_size=8),
    st.lists(st.sampled_from(SPECIAL_TEXTS), min_size=2, max_size=4).map("".join),
)

#: Plain texts for the templates (a record that is mostly right).
WORDS = st.one_of(
    st.sampled_from(("hello", "What is 2+2?", "4", "Sure.", "Paris", "yes", "no")),
    st.text("abcdefgh ?.", min_size=1, max_size=20).filter(lambda s: s.strip()),
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from((0, 1, -1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**40)),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from((0.0, -0.0, 0.5, 1.0, 1e308, 5e-324)),
    TEXTS,
)

JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=4)), inner, max_size=3),
    ),
    max_leaves=6,
)


# ---------------------------------------------------------------------------------------------
# Records of each shape, mostly right


def _message(role: str, content: Any) -> dict:
    return {"role": role, "content": content}


@st.composite
def chat_records(draw: st.DrawFn, text: st.SearchStrategy[str] = WORDS) -> dict:
    messages: list[dict] = []
    if draw(st.booleans()):
        messages.append(_message(draw(st.sampled_from(("system", "developer"))), draw(text)))
    user: Any = draw(text)
    if draw(st.integers(0, 3)) == 0:
        user = [
            {"type": "text", "text": draw(text)},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        ]
    messages.append(_message("user", user))
    record: dict[str, Any] = {"messages": messages}
    if draw(st.integers(0, 3)) == 0:
        call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
        messages.append({"role": "assistant", "tool_calls": [call]})
        messages.append({"role": "tool", "tool_call_id": "call_1", "content": draw(text)})
        record["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": "f",
                    "description": draw(text),
                    "parameters": {
                        "type": "object",
                        "properties": {"x": {"type": "string", "enum": ["a", "b"]}},
                    },
                },
            }
        ]
    assistant = _message("assistant", draw(text))
    if draw(st.integers(0, 4)) == 0:
        assistant["weight"] = draw(st.sampled_from((0, 1)))
    messages.append(assistant)
    return record


@st.composite
def prompt_completion_records(draw: st.DrawFn, text: st.SearchStrategy[str] = WORDS) -> dict:
    return {"prompt": draw(text), "completion": draw(text)}


@st.composite
def preference_records(draw: st.DrawFn, text: st.SearchStrategy[str] = WORDS) -> dict:
    return {
        "input": {"messages": [_message("user", draw(text))]},
        "preferred_output": [_message("assistant", draw(text))],
        "non_preferred_output": [_message("assistant", draw(text))],
    }


@st.composite
def alpaca_records(draw: st.DrawFn, text: st.SearchStrategy[str] = WORDS) -> dict:
    record: dict[str, Any] = {"instruction": draw(text), "input": draw(text)}
    record[draw(st.sampled_from(("output", "response", "answer")))] = draw(text)
    if draw(st.booleans()):
        record["system"] = draw(text)
    if draw(st.integers(0, 3)) == 0:
        record["history"] = [[draw(text), draw(text)]]
    return record


@st.composite
def sharegpt_records(draw: st.DrawFn, text: st.SearchStrategy[str] = WORDS) -> dict:
    turns: list[dict] = []
    if draw(st.booleans()):
        turns.append({"from": "system", "value": draw(text)})
    turns.append({"from": draw(st.sampled_from(("human", "user"))), "value": draw(text)})
    record: dict[str, Any] = {"conversations": turns}
    if draw(st.integers(0, 3)) == 0:
        turns.append({"from": "function_call", "value": '{"name": "f", "arguments": {}}'})
        turns.append({"from": "observation", "value": draw(text)})
        record["tools"] = '[{"name": "f", "description": "d"}]'
    turns.append(
        {"from": draw(st.sampled_from(("gpt", "assistant", "model"))), "value": draw(text)}
    )
    if draw(st.integers(0, 3)) == 0:
        record["system"] = draw(text)
    return record


@st.composite
def chosen_rejected_records(draw: st.DrawFn, text: st.SearchStrategy[str] = WORDS) -> dict:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return {"prompt": draw(text), "chosen": draw(text), "rejected": draw(text)}
    if kind == 1:
        question = draw(text)
        return {
            "chosen": f"\n\nHuman: {question}\n\nAssistant: {draw(text)}",
            "rejected": f"\n\nHuman: {question}\n\nAssistant: {draw(text)}",
        }
    if kind == 2:
        prompt = [_message("user", draw(text))]
        return {
            "chosen": [*prompt, _message("assistant", draw(text))],
            "rejected": [*prompt, _message("assistant", draw(text))],
        }
    if kind == 3:
        return {
            "conversations": [{"from": "human", "value": draw(text)}],
            "chosen": {"from": "gpt", "value": draw(text)},
            "rejected": {"from": "gpt", "value": draw(text)},
        }
    return {
        draw(st.sampled_from(("question", "instruction"))): draw(text),
        "input": draw(text),
        "system": draw(text),
        "chosen": draw(text),
        "rejected": draw(text),
    }


@st.composite
def self_instruct_records(draw: st.DrawFn, text: st.SearchStrategy[str] = WORDS) -> dict:
    instances = [{"input": draw(text), "output": draw(text)}]
    if draw(st.integers(0, 3)) == 0:
        instances.append({"input": draw(text), "output": draw(text)})
    return {
        "id": "seed_task_1",
        "name": draw(text),
        "instruction": draw(text),
        "instances": instances,
        "is_classification": draw(st.booleans()),
    }


@st.composite
def other_records(draw: st.DrawFn, text: st.SearchStrategy[str] = WORDS) -> dict:
    return {draw(st.sampled_from(("text", "question", "q"))): draw(text), "label": draw(text)}


SHAPES = (
    chat_records, prompt_completion_records, preference_records, alpaca_records,
    sharegpt_records, chosen_rejected_records, self_instruct_records, other_records,
)  # fmt: skip


def any_shape(text: st.SearchStrategy[str] = WORDS) -> st.SearchStrategy[dict]:
    return st.one_of(*(shape(text) for shape in SHAPES))


# ---------------------------------------------------------------------------------------------
# Arbitrary values at any position


def positions(value: Any, path: tuple = ()) -> list[tuple]:
    """The path of every value inside ``value`` (each key's value, each list item), depth
    first; the empty path (the record itself) is not one."""
    found = []
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return found
    for key, item in items:
        found.append((*path, key))
        found.extend(positions(item, (*path, key)))
    return found


def containers(value: Any, path: tuple = ()) -> list[tuple]:
    """The path of every object and list inside ``value``, the record itself included."""
    if not isinstance(value, (dict, list)):
        return []
    found = [path]
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        found.extend(containers(item, (*path, key)))
    return found


def _at(value: Any, path: tuple) -> Any:
    for key in path:
        value = value[key]
    return value


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@st.composite
def damaged(draw: st.DrawFn, records: st.SearchStrategy[dict], values=JSON_VALUES) -> Any:
    """A record of ``records`` with up to three of its values replaced by ``values`` and up to
    two values added (a key in an object, an item in a list); now and then the whole record
    is replaced."""
    record = _copy(draw(records))
    if draw(st.integers(0, 30)) == 0:
        return draw(values)
    for _ in range(draw(st.integers(0, 3))):
        places = positions(record)
        if not places:
            break
        path = draw(st.sampled_from(places))
        _at(record, path[:-1])[path[-1]] = draw(values)
    for _ in range(draw(st.integers(0, 2))):
        path = draw(st.sampled_from(containers(record)))
        node = _at(record, path)
        if isinstance(node, dict):
            node[draw(st.sampled_from(KEYS))] = draw(values)
        else:
            node.insert(draw(st.integers(0, len(node))), draw(values))
    return record


def json_line(value: Any, ascii_only: bool) -> str:
    """One JSONL line; lone surrogates are always written as escapes (UTF-8 cannot hold them)."""
    line = json.dumps(value, ensure_ascii=ascii_only)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(value, ensure_ascii=True)
    return line


def write_jsonl(path: Path, records: list[Any], ascii_only: bool = True) -> Path:
    path.write_text("".join(json_line(r, ascii_only) + "\n" for r in records), encoding="utf-8")
    return path

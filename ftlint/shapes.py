"""What kind of example a record is, and where its texts are. Shared by the format, content,
token and duplicate rules so that every rule agrees on the shape and reads each text the same
way. Pure functions, no hooks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

CHAT = "chat"
PROMPT_COMPLETION = "prompt-completion"
PREFERENCE = "preference"
ALPACA = "alpaca"
SHAREGPT = "sharegpt"
CHOSEN_REJECTED = "chosen-rejected"
SELF_INSTRUCT = "self-instruct"
#: Language modelling ``{"text": ...}`` (TRL, Together's generic text).
TEXT = "text"
#: Unpaired preference (TRL's KTO type): ``prompt`` / ``completion`` / boolean ``label``.
UNPAIRED = "unpaired-preference"
#: Provider formats of chat records that are not OpenAI's (``ftlint.formats``).
GEMINI = "gemini"
NOVA = "nova"
UNKNOWN = "unknown"

#: Shapes the provider accepts as they are; the others are community formats to convert.
NATIVE_SHAPES = frozenset({CHAT, PROMPT_COMPLETION, PREFERENCE})
#: Community formats ftlint recognises and ``prepare`` converts.
COMMUNITY_SHAPES = frozenset({ALPACA, SHAREGPT, CHOSEN_REJECTED, SELF_INSTRUCT})
#: Chat formats of other providers: read as chat, native where the target accepts them.
FOREIGN_SHAPES = frozenset({GEMINI, NOVA})
#: ``Record.source_format`` of readers whose rows are mapped to fields (always converted).
TABULAR_FORMATS = frozenset({"csv", "tsv", "xlsx"})

#: Human-readable names, for messages.
SHAPE_LABELS = {
    CHAT: "chat",
    PROMPT_COMPLETION: "prompt/completion",
    PREFERENCE: "preference (DPO)",
    ALPACA: "Alpaca",
    SHAREGPT: "ShareGPT",
    CHOSEN_REJECTED: "chosen/rejected",
    SELF_INSTRUCT: "self-instruct",
    TEXT: "text",
    UNPAIRED: "unpaired preference (KTO)",
    GEMINI: "Gemini (Vertex AI)",
    NOVA: "Nova (Bedrock)",
    UNKNOWN: "unknown",
}

#: Keys that hold the answer of an Alpaca-style record, best first.
ALPACA_OUTPUT_KEYS = ("output", "response", "answer")

#: ShareGPT ``from`` values and the OpenAI role each becomes. ``function_call`` turns become
#: assistant ``tool_calls`` and ``observation`` turns ``tool`` messages.
SHAREGPT_ROLES = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "model": "assistant",
    "chatgpt": "assistant",
    "bard": "assistant",
    "bing": "assistant",
    "system": "system",
    "function_call": "assistant",
    "observation": "tool",
    "tool": "tool",
}


#: Whitespace and the other control characters (U+0000-U+001F, U+007F).
_BLANK_RE = re.compile(r"[\s\x00-\x1f\x7f]*")


def blank(text: str) -> bool:
    """A text with nothing in it: empty, or only whitespace and control characters.

    The control-characters fix removes the controls, so a text of controls alone is empty
    once fixed: the rules and conversions that ask whether a text is empty (empty content,
    empty completion, an answer to convert) ask this, so that the first run decides what the
    second would, and a fix that empties a text leaves what the next run leaves."""
    if not text:
        return True
    first = text[0]  # most texts start with a visible character: decided without a scan
    if first > " " and first != "\x7f" and not first.isspace():
        return False
    return text.isspace() or _BLANK_RE.fullmatch(text) is not None


def detect_shape(data: Any) -> str:
    """The shape of one record, decided by its keys (values are checked by the rules)."""
    if not isinstance(data, dict):
        return UNKNOWN
    if "messages" in data:
        if len(data) == 1:  # messages alone (most chat records): neither Nova key is there
            return CHAT
        if "schemaVersion" in data or isinstance(data.get("system"), list):
            return NOVA
        return CHAT
    if "contents" in data:
        return GEMINI
    if "input" in data and ("preferred_output" in data or "non_preferred_output" in data):
        return PREFERENCE
    if "chosen" in data and "rejected" in data:
        return CHOSEN_REJECTED
    if "conversations" in data:
        return SHAREGPT
    if "prompt" in data or "completion" in data:
        if isinstance(data.get("label"), bool):
            return UNPAIRED
        return PROMPT_COMPLETION
    if "instruction" in data:
        if "output" in data or "response" in data or "answer" in data:
            return ALPACA
        if isinstance(data.get("instances"), list):
            return SELF_INSTRUCT
    if isinstance(data.get("text"), str):
        return TEXT
    return UNKNOWN


def _content_texts(prefix: str, content: Any) -> Iterator[tuple[str, str]]:
    """Texts of a message ``content``: a string, or a list of parts with ``text``."""
    if isinstance(content, str):
        yield prefix + "/content", content
    elif isinstance(content, list):
        for i, part in enumerate(content):
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                yield f"{prefix}/content/{i}/text", part["text"]


def _message_texts(message: dict, pointer: str) -> Iterator[tuple[str, str | None, str]]:
    if "from" in message and "role" not in message:  # a ShareGPT turn
        yield from _turn_texts(message, pointer)
        return
    role = message.get("role") if isinstance(message.get("role"), str) else None
    for text_pointer, text in _content_texts(pointer, message.get("content")):
        yield text_pointer, role, text


def iter_message_texts(messages: Any, prefix: str) -> Iterator[tuple[str, str | None, str]]:
    """Texts of a list of messages (OpenAI ``role``/``content`` or ShareGPT ``from``/``value``)."""
    if not isinstance(messages, list):
        return
    for i, message in enumerate(messages):
        if isinstance(message, dict):
            yield from _message_texts(message, f"{prefix}/{i}")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _turn_texts(turn: dict, pointer: str) -> Iterator[tuple[str, str | None, str]]:
    """The text of one ShareGPT turn (``from``/``value``); tool-call turns hold JSON, not
    text, and are skipped like the ``tool_calls`` of a chat message."""
    source = turn.get("from")
    if source == "function_call":
        return
    role = SHAREGPT_ROLES.get(source.lower()) if isinstance(source, str) else None
    value = turn.get("value")
    if isinstance(value, str):
        yield pointer + "/value", role, value


def _alpaca_texts(data: dict) -> Iterator[tuple[str, str | None, str]]:
    if isinstance(data.get("system"), str):
        yield "/system", "system", data["system"]
    history = data.get("history")
    if isinstance(history, list):
        for i, pair in enumerate(history):
            if isinstance(pair, list):
                for j, role in ((0, "user"), (1, "assistant")):
                    if j < len(pair) and isinstance(pair[j], str):
                        yield f"/history/{i}/{j}", role, pair[j]
    for key, role in (("instruction", "user"), ("input", "user")):
        if isinstance(data.get(key), str):
            yield "/" + key, role, data[key]
    for key in ALPACA_OUTPUT_KEYS:
        if isinstance(data.get(key), str):
            yield "/" + key, "assistant", data[key]


def _answer_texts(value: Any, key: str) -> Iterator[tuple[str, str | None, str]]:
    """``chosen`` / ``rejected``: a string (an answer, or a whole Human/Assistant transcript),
    one message, or a list of messages."""
    if isinstance(value, str):
        transcript = "\n\nHuman:" in value or value.startswith("Human:")
        yield "/" + key, None if transcript else "assistant", value
    elif isinstance(value, dict):
        yield from _message_texts(value, "/" + key)
    elif isinstance(value, list):
        yield from iter_message_texts(value, "/" + key)


def iter_texts(data: Any) -> Iterator[tuple[str, str | None, str]]:
    """Every human-written text of a record as ``(json_pointer, role, text)``.

    Roles: the message role for chat and preference records; ``prompt`` / ``completion`` for
    prompt/completion; for community formats the role the text takes once converted
    (``user``, ``assistant``, ``system``, ``tool``), ``None`` where a format has no roles.
    JSON payloads (tool calls, tool lists) are not texts and are not yielded.
    """
    if not isinstance(data, dict):
        return
    shape = detect_shape(data)
    if shape == CHAT:
        yield from iter_message_texts(data.get("messages"), "/messages")
    elif shape == PREFERENCE:
        source = data.get("input")
        if isinstance(source, dict):
            yield from iter_message_texts(source.get("messages"), "/input/messages")
        for key in ("preferred_output", "non_preferred_output"):
            yield from iter_message_texts(data.get(key), "/" + key)
    elif shape in (PROMPT_COMPLETION, UNPAIRED):
        for key in ("prompt", "completion"):
            value = data.get(key)
            if isinstance(value, str):
                yield "/" + key, key, value
            elif isinstance(value, list):  # TRL's conversational pairs
                yield from iter_message_texts(value, "/" + key)
    elif shape == TEXT:
        yield "/text", None, data["text"]
    elif shape == GEMINI:
        yield from _gemini_texts(data)
    elif shape == NOVA:
        yield from _nova_texts(data)
    elif shape == ALPACA:
        yield from _alpaca_texts(data)
    elif shape == SHAREGPT:
        if isinstance(data.get("system"), str):
            yield "/system", "system", data["system"]
        yield from iter_message_texts(data.get("conversations"), "/conversations")
    elif shape == CHOSEN_REJECTED:
        for key in ("system", "prompt", "question", "instruction", "input"):
            value = data.get(key)
            if isinstance(value, str):
                yield "/" + key, "system" if key == "system" else "user", value
            elif isinstance(value, list):
                yield from iter_message_texts(value, "/" + key)
        for key in ("conversations", "messages"):
            yield from iter_message_texts(data.get(key), "/" + key)
        for key in ("chosen", "rejected"):
            yield from _answer_texts(data.get(key), key)
    elif shape == SELF_INSTRUCT:
        if isinstance(data.get("instruction"), str):
            yield "/instruction", "user", data["instruction"]
        instances = data.get("instances")
        for i, instance in enumerate(instances if isinstance(instances, list) else ()):
            if isinstance(instance, dict):
                for key, role in (("input", "user"), ("output", "assistant")):
                    if isinstance(instance.get(key), str):
                        yield f"/instances/{i}/{key}", role, instance[key]
    else:
        for key, value in data.items():
            if isinstance(value, str):
                yield "/" + _escape(key), None, value


def _parts_texts(
    parts: Any, prefix: str, role: str | None
) -> Iterator[tuple[str, str | None, str]]:
    if isinstance(parts, list):
        for i, part in enumerate(parts):
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                yield f"{prefix}/{i}/text", role, part["text"]


def _gemini_texts(data: dict) -> Iterator[tuple[str, str | None, str]]:
    """Vertex ``systemInstruction`` and ``contents`` parts (``model`` is the assistant)."""
    for key in ("systemInstruction", "system_instruction"):
        system = data.get(key)
        if isinstance(system, dict):
            yield from _parts_texts(system.get("parts"), f"/{key}/parts", "system")
    contents = data.get("contents")
    for i, content in enumerate(contents if isinstance(contents, list) else ()):
        if isinstance(content, dict):
            role = content.get("role")
            role = "assistant" if role == "model" else role if isinstance(role, str) else None
            yield from _parts_texts(content.get("parts"), f"/contents/{i}/parts", role)


def _nova_texts(data: dict) -> Iterator[tuple[str, str | None, str]]:
    """Nova ``system`` blocks and the text blocks of ``messages``."""
    yield from _parts_texts(data.get("system"), "/system", "system")
    messages = data.get("messages")
    for i, message in enumerate(messages if isinstance(messages, list) else ()):
        if isinstance(message, dict):
            role = message.get("role") if isinstance(message.get("role"), str) else None
            yield from _parts_texts(message.get("content"), f"/messages/{i}/content", role)


#: ``/messages/N/content`` for the first messages, built once (the hot path of ``texts_of``).
_CONTENT_POINTERS = tuple(f"/messages/{i}/content" for i in range(64))


def texts_of(data: Any) -> tuple[tuple[str, str | None, str], ...]:
    """``tuple(iter_texts(data))``, with a fast path for the chat record of plain messages
    (string contents) that most files are made of."""
    if (
        isinstance(data, dict)
        and "messages" in data
        and "schemaVersion" not in data
        and not isinstance(data.get("system"), list)
    ):
        messages = data["messages"]
        if isinstance(messages, list) and len(messages) <= len(_CONTENT_POINTERS):
            texts = []
            append = texts.append
            for i, message in enumerate(messages):
                if not isinstance(message, dict):
                    continue
                content = message.get("content")
                if not isinstance(content, str) or ("from" in message and "role" not in message):
                    texts.extend(_message_texts(message, f"/messages/{i}"))
                    continue
                role = message.get("role")
                append((_CONTENT_POINTERS[i], role if isinstance(role, str) else None, content))
            return tuple(texts)
    return tuple(iter_texts(data))


#: ``Record.source_format`` of the readers whose ``raw`` is the JSON text a record was parsed
#: from (``json_source``).
JSON_SOURCES = frozenset({"jsonl", "json"})


def json_source(record: Any) -> str | None:
    """The JSON text a record was parsed from, or None (tabular rows, a reader that keeps no
    text). In JSON every control character but DEL is written as an escape, so a source
    without a backslash holds no text with a line break, a tab or another control character:
    rules use that to skip per-text searches on most records."""
    raw = record.raw
    if record.source_format in JSON_SOURCES and isinstance(raw, str) and record.data is not None:
        return raw
    return None


def model_shapes(target: Any, model: str | None) -> tuple[str, ...] | None:
    """The shapes ``model`` trains on, best first (``chat``, ``preference``,
    ``prompt-completion``), or ``None`` when the target does not know the model."""
    try:
        info = target.model(model)
    except Exception:
        return None
    if info is None:
        return None
    return tuple(info.shapes)

"""What kind of example a record is, and where its texts are. Shared by the format, content,
token and duplicate rules so that every rule agrees on the shape and reads each text the same
way. Pure functions, no hooks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

CHAT = "chat"
PROMPT_COMPLETION = "prompt-completion"
PREFERENCE = "preference"
ALPACA = "alpaca"
SHAREGPT = "sharegpt"
CHOSEN_REJECTED = "chosen-rejected"
UNKNOWN = "unknown"

#: Shapes the provider accepts as they are; the others are community formats to convert.
NATIVE_SHAPES = frozenset({CHAT, PROMPT_COMPLETION, PREFERENCE})


def detect_shape(data: Any) -> str:
    """The shape of one record, decided by its keys (values are checked by the rules)."""
    if not isinstance(data, dict):
        return UNKNOWN
    if "messages" in data:
        return CHAT
    if "input" in data and ("preferred_output" in data or "non_preferred_output" in data):
        return PREFERENCE
    if "chosen" in data and "rejected" in data:
        return CHOSEN_REJECTED
    if "conversations" in data:
        return SHAREGPT
    if "prompt" in data or "completion" in data:
        return PROMPT_COMPLETION
    if "instruction" in data and ("output" in data or "response" in data or "answer" in data):
        return ALPACA
    return UNKNOWN


def _content_texts(prefix: str, content: Any) -> Iterator[tuple[str, str]]:
    """Texts of a message ``content``: a string, or a list of parts with ``text``."""
    if isinstance(content, str):
        yield prefix + "/content", content
    elif isinstance(content, list):
        for i, part in enumerate(content):
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                yield f"{prefix}/content/{i}/text", part["text"]


def iter_message_texts(messages: Any, prefix: str) -> Iterator[tuple[str, str | None, str]]:
    if not isinstance(messages, list):
        return
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        role = message.get("role") if isinstance(message.get("role"), str) else None
        for pointer, text in _content_texts(f"{prefix}/{i}", message.get("content")):
            yield pointer, role, text


def iter_texts(data: Any) -> Iterator[tuple[str, str | None, str]]:
    """Every human-written text of a record as ``(json_pointer, role, text)``.

    Roles: the message role for chat and preference records; ``prompt`` / ``completion`` for
    prompt/completion; ``None`` where a community format has no roles.
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
    elif shape == PROMPT_COMPLETION:
        for key in ("prompt", "completion"):
            if isinstance(data.get(key), str):
                yield "/" + key, key, data[key]
    else:
        for key, value in data.items():
            if isinstance(value, str):
                yield "/" + key.replace("~", "~0").replace("/", "~1"), None, value

"""Any record as the conversation a chat template or an instruct encoder renders.

The tiktoken counter walks a record's fields itself (the cookbook's formula); the counters
that render an example the way the trainer does (``mistral``, ``hf``) need plain messages:
``{"role", "content": str}`` with OpenAI's role names, plus ``tool_calls`` and the tool
definitions. ``rendering`` gives one ``Rendering`` per record, whatever its format: OpenAI
chat, Nova's ``bedrock-conversation-2024`` (content blocks, a ``system`` list), Gemini's
``contents``/``parts`` with ``systemInstruction``, prompt/completion (text or conversational,
as TRL reads it), OpenAI preference pairs and TRL's ``prompt``/``chosen``/``rejected``,
TRL's language-modelling ``text``, and the community formats ``prepare`` converts (Alpaca,
ShareGPT, self-instruct). Images and other non-text parts are left out: none of the counters
here prices them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ftlint.shapes import (
    ALPACA,
    CHAT,
    CHOSEN_REJECTED,
    PREFERENCE,
    PROMPT_COMPLETION,
    SELF_INSTRUCT,
    SHAREGPT,
    detect_shape,
)

#: ``Rendering.kind`` values.
CONVERSATION = "chat"
PAIR = "preference"
PLAIN = "prompt-completion"
TEXT = "text"

#: Gemini's and Nova's role names, as OpenAI's.
_ROLES = {"model": "assistant", "bot": "assistant", "human": "user"}


@dataclass
class Rendering:
    """What a counter renders for one record.

    ``CONVERSATION``: ``messages`` (and ``tools``). ``PAIR``: ``messages`` is the shared
    prompt, ``chosen`` and ``rejected`` the two answers (message lists). ``PLAIN``: ``prompt``
    and ``completion`` texts, tokenized without a template (TRL's standard prompt/completion).
    ``TEXT``: one ``text`` for language modelling. Messages keep their ``weight`` (see
    ``trained``).
    """

    kind: str
    messages: list[dict] = field(default_factory=list)
    tools: list[dict] | None = None
    chosen: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    prompt: str = ""
    completion: str = ""
    text: str = ""


def text_of(content: Any) -> str:
    """The text of a message ``content``: a string, or the texts of its parts (OpenAI
    ``{"type": "text", "text"}``, Nova ``{"text"}``, Gemini parts), joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        text = content.get("text")
        return text if isinstance(text, str) else ""
    if isinstance(content, list):
        return "".join(text_of(part) for part in content)
    return ""


def _message(raw: Any) -> dict | None:
    """One message in OpenAI's form, or None when it is not a message at all."""
    if not isinstance(raw, dict):
        return None
    role = raw.get("role")
    role = _ROLES.get(role, role) if isinstance(role, str) else "user"
    content = raw.get("content", raw.get("parts"))
    message: dict[str, Any] = {"role": role, "content": text_of(content)}
    calls = raw.get("tool_calls")
    if isinstance(calls, list) and calls:
        message["tool_calls"] = [call for call in calls if isinstance(call, dict)]
    for key in ("name", "tool_call_id", "weight"):
        if key in raw:
            message[key] = raw[key]
    return message


def messages_of(value: Any) -> list[dict]:
    """A list of raw messages in OpenAI's form (non-messages left out)."""
    if not isinstance(value, list):
        return []
    return [m for m in map(_message, value) if m is not None]


def _system(value: Any) -> list[dict]:
    """Nova's ``system`` (a list of text blocks) or Gemini's ``systemInstruction``."""
    if value is None:
        return []
    if isinstance(value, dict) and "parts" in value:
        value = value["parts"]
    text = text_of(value)
    return [{"role": "system", "content": text}] if text else []


def _tools(data: dict) -> list[dict] | None:
    tools = data.get("tools")
    if not isinstance(tools, list):
        functions = data.get("functions")
        if not isinstance(functions, list):
            return None
        tools = [{"type": "function", "function": f} for f in functions]
    tools = [t for t in tools if isinstance(t, dict)]
    return tools or None


def _answer(value: Any) -> list[dict]:
    """A preference answer: a message list, one message, or a text."""
    if isinstance(value, str):
        return [{"role": "assistant", "content": value}]
    if isinstance(value, dict):
        return messages_of([value])
    return messages_of(value)


def _prompt(value: Any) -> list[dict]:
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    return messages_of(value)


def rendering(data: Any) -> Rendering:
    """The ``Rendering`` of one record (see the module docstring)."""
    if not isinstance(data, dict):
        return Rendering(TEXT, text=text_of(data))
    shape = detect_shape(data)
    if shape == CHAT or "messages" in data:  # OpenAI chat, Nova's bedrock-conversation-2024
        system = _system(data.get("system")) if "system" in data else []
        return Rendering(
            CONVERSATION, messages=system + messages_of(data["messages"]), tools=_tools(data)
        )
    if "contents" in data:  # Gemini
        system = _system(data.get("systemInstruction", data.get("system_instruction")))
        return Rendering(CONVERSATION, messages=system + messages_of(data["contents"]))
    if shape == PREFERENCE:
        source = data.get("input")
        source = source if isinstance(source, dict) else {}
        return Rendering(
            PAIR,
            messages=messages_of(source.get("messages")),
            tools=_tools(source),
            chosen=_answer(data.get("preferred_output")),
            rejected=_answer(data.get("non_preferred_output")),
        )
    if shape == CHOSEN_REJECTED:
        converted = _community(data, shape)  # ShareGPT-style pairs, as prepare converts them
        if converted is not None:
            return rendering(converted)
        chosen = data.get("chosen")
        rejected = data.get("rejected")
        prompt = _prompt(data.get("prompt")) if "prompt" in data else []
        return Rendering(PAIR, messages=prompt, chosen=_answer(chosen), rejected=_answer(rejected))
    if shape == PROMPT_COMPLETION or "prompt" in data or "completion" in data:  # KTO too
        prompt, completion = data.get("prompt"), data.get("completion")
        if isinstance(prompt, list) or isinstance(completion, list):  # TRL conversational
            return Rendering(CONVERSATION, messages=_prompt(prompt) + _answer(completion))
        return Rendering(PLAIN, prompt=text_of(prompt), completion=text_of(completion))
    if shape in (ALPACA, SHAREGPT, SELF_INSTRUCT):
        converted = _community(data, shape)
        if converted is not None:
            return rendering(converted)
    text = data.get("text")
    if isinstance(text, str):
        return Rendering(TEXT, text=text)
    return Rendering(TEXT, text="\n".join(_strings(data)))


def _community(data: dict, shape: str) -> dict | None:
    """A community record converted to chat as ``prepare`` converts it, or None."""
    from ftlint import conversion

    convert = {
        ALPACA: conversion.alpaca_to_chat,
        SHAREGPT: conversion.sharegpt_to_chat,
        SELF_INSTRUCT: conversion.self_instruct_to_chat,
        CHOSEN_REJECTED: conversion.chosen_rejected_to_preference,
    }[shape]
    try:
        return convert(data, None)
    except (conversion.ConversionError, TypeError, ValueError, AttributeError):
        return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def trained(message: dict) -> bool:
    """Whether the trainer learns this message: an assistant message whose ``weight`` is
    not 0 (Mistral's and OpenAI's per-message switch)."""
    return message.get("role") == "assistant" and message.get("weight", 1) != 0

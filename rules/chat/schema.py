"""What the fine-tuning API accepts in chat and preference records, as the walk and several
chat rules need it, and the JSON type names their messages use.

It follows OpenAI's fine-tuning input schema (``FineTuneChatRequestInput`` and
``FineTunePreferenceRequestInput``): records hold ``messages``, ``tools``,
``parallel_tool_calls`` and the legacy ``functions``; messages are system, user, assistant,
tool or (legacy) function messages with the keys listed in ``ROLE_KEYS``; only assistant
messages take ``weight`` (0 or 1); content is text, or parts of type ``text`` (plus
``image_url`` in user messages and ``refusal`` in assistant messages). What only one rule
needs (role aliases, tool-call keys, image limits...) lives in that rule's module.
"""

from __future__ import annotations

from typing import Any

ROLES = ("system", "user", "assistant", "tool", "function")
#: Roles whose ``{"role", "content": "text"}`` messages need no further check.
PLAIN_ROLES = frozenset({"system", "user", "assistant"})
CHAT_KEYS = ("messages", "tools", "parallel_tool_calls", "functions")
PREFERENCE_KEYS = ("input", "preferred_output", "non_preferred_output")
PREFERENCE_INPUT_KEYS = ("messages", "tools", "parallel_tool_calls")
PROMPT_COMPLETION_KEYS = ("prompt", "completion")
ROLE_KEYS: dict[str, frozenset[str]] = {
    "system": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "assistant": frozenset(
        {"role", "content", "name", "refusal", "audio", "tool_calls", "function_call", "weight"}
    ),
    "tool": frozenset({"role", "content", "tool_call_id"}),
    "function": frozenset({"role", "content", "name"}),
}
#: Preference outputs are plain assistant messages: no ``weight``.
OUTPUT_KEYS = ROLE_KEYS["assistant"] - {"weight"}
#: Content part types each role may use in fine-tuning data.
PART_TYPES = {
    "system": ("text",),
    "user": ("text", "image_url"),
    "assistant": ("text", "refusal"),
    "tool": ("text",),
}
PART_KEYS = {
    "text": frozenset({"type", "text"}),
    "image_url": frozenset({"type", "image_url"}),
    "refusal": frozenset({"type", "refusal"}),
}
IMAGE_URL_KEYS = frozenset({"url", "detail"})


def type_name(value: Any) -> str:
    """JSON's name for a Python value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def names(keys: Any) -> str:
    """Keys as a sorted, comma-separated list, for messages."""
    return ", ".join(sorted(keys))

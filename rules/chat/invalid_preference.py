"""Rule ``invalid-preference``: what makes a preference (DPO) pair.

Preference records are ``{"input": {"messages": [...]}, "preferred_output": [...],
"non_preferred_output": [...]}``. The messages themselves are checked by the other chat rules
(roles, keys, types, content) as the walk reads them; the functions here check the pair.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ftlint.rules.chat.base import ChatRule, a
from ftlint.rules.chat.schema import type_name

from ftlint import Applicability, DropRecord, Fix, SetValue, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class InvalidPreference(ChatRule):
    """## What it does
    Checks the structure of a preference (DPO) example: `input` is an object whose `messages`
    are a non-empty conversation ending before the answer (its last message is a user or
    tool message, not an assistant or system one); `preferred_output` and
    `non_preferred_output` each hold exactly one assistant message; the two outputs differ.

    ## Why is this bad?
    The API rejects malformed pairs. Identical outputs are accepted but teach nothing: DPO
    learns from the difference between the two answers. An input ending with an assistant
    message usually means the preferred answer was left inside the input.

    ## Example
    ```json
    {"input": {"messages": [{"role": "user", "content": "Hi"}]},
     "preferred_output": {"role": "assistant", "content": "Hello!"},
     "non_preferred_output": [{"role": "assistant", "content": "Hello!"}]}
    ```

    ## Fix safety
    Safe: an output given as one message object, or as a plain string, is written as a list
    holding that one assistant message. Unsafe: a pair with identical outputs is left out
    (listed as dropped). Other problems have no fix.
    """

    code = "FT340"
    name = "invalid-preference"
    provider_error = r"preferred|preference|\bdpo\b"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


# -- input ------------------------------------------------------------------------------------
def input_not_object(walk: Walk, data: dict) -> None:
    """An ``input`` that is missing or not an object."""
    walk.add(
        InvalidPreference.name,
        "'input' must be an object holding the conversation ('messages')"
        if "input" in data else "the record has no 'input'",
        "/input",
    )  # fmt: skip


def input_without_messages(walk: Walk) -> None:
    walk.add(InvalidPreference.name, "'input' has no 'messages'", "/input/messages")


def empty_input(walk: Walk) -> None:
    walk.add(InvalidPreference.name, "the input conversation is empty", "/input/messages")


def input_end(walk: Walk, last: str | None, count: int) -> None:
    """The input conversation of ``count`` messages must end with the turn the outputs
    answer: not with an assistant or a system message (``last``: the last one's role)."""
    if last == "assistant":
        walk.add(
            InvalidPreference.name,
            "the input ends with an assistant message: the input is the conversation before "
            "the answer, and the answers go in preferred_output / non_preferred_output",
            f"/input/messages/{count - 1}",
        )
    elif last == "system":
        walk.add(
            InvalidPreference.name,
            "the input ends with a system message: it must end with the user turn that the "
            "outputs answer",
            f"/input/messages/{count - 1}",
        )


# -- outputs ----------------------------------------------------------------------------------
def missing_output(walk: Walk, key: str) -> None:
    walk.add(InvalidPreference.name, f"the record has no {key!r}", f"/{key}")


def string_output(walk: Walk, key: str, value: str) -> dict:
    """An output written as plain text; returns the assistant message it means."""
    pointer = f"/{key}"
    walk.add(
        InvalidPreference.name,
        f"{key!r} must be a list holding one assistant message, got a string",
        pointer,
        Fix.safe(
            "make it one assistant message",
            SetValue(pointer, [{"role": "assistant", "content": value}]),
        ),
    )
    return {"role": "assistant", "content": value}


def object_output(walk: Walk, key: str, value: dict) -> None:
    """An output written as one message object, not in a list."""
    pointer = f"/{key}"
    walk.add(
        InvalidPreference.name,
        f"{key!r} must be a list holding one assistant message, got a single object",
        pointer,
        Fix.safe("put the message in a list", SetValue(pointer, [value])),
    )


def output_type(walk: Walk, key: str, value: Any) -> None:
    """An output that is neither a list nor something the fixes above understand."""
    walk.add(
        InvalidPreference.name,
        f"{key!r} must be a list holding one assistant message, got {type_name(value)}",
        f"/{key}",
    )


def output_count(walk: Walk, key: str, value: list) -> None:
    """An output list must hold exactly one message."""
    if len(value) != 1:
        walk.add(
            InvalidPreference.name,
            f"{key!r} must hold exactly one assistant message, it holds {len(value)}",
            f"/{key}",
        )


def output_role(walk: Walk, key: str, role: str | None, where: str) -> None:
    """The message of an output must be an assistant's (``role`` None: reported already)."""
    if role is not None and role != "assistant":
        walk.add(
            InvalidPreference.name,
            f"{key!r} must be an assistant message, not {a(str(role))} message",
            where,
        )


def identical(walk: Walk, first: dict, second: dict) -> None:
    """Preferred and non-preferred outputs that say the same thing."""
    if _same(first, second):
        walk.add(
            InvalidPreference.name,
            "preferred and non-preferred outputs are identical: the pair teaches nothing",
            "/non_preferred_output",
            Fix.unsafe(
                "leave the example out",
                DropRecord("identical preferred and non-preferred outputs"),
            ),
        )


def _same(first: dict, second: dict) -> bool:
    def canonical(message: dict) -> Any:
        content = message.get("content")
        if isinstance(content, list) and len(content) == 1 and isinstance(content[0], dict):
            content = content[0].get("text", content)  # one text part == the plain text
        return (
            content.strip() if isinstance(content, str) else content,
            message.get("tool_calls"),
            message.get("function_call"),
        )

    try:
        return canonical(first) == canonical(second)
    except Exception:
        return False

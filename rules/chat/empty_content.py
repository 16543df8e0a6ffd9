"""Rule ``empty-content``: messages with no text where text is required."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftlint.rules.chat.base import ChatRule

from ftlint import Applicability, DeleteValue, Fix, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class EmptyContent(ChatRule):
    """## What it does
    Reports messages whose content is missing, null, empty or only whitespace and control
    characters where content is required. An assistant message that makes `tool_calls` (or a
    legacy `function_call`), or carries a `refusal`, needs no content.

    ## Why is this bad?
    A missing or null content is rejected by the API; an empty assistant message trains the
    model to answer nothing (error). An empty system, user or tool message is accepted but
    teaches noise (warning).

    ## Example
    `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ""}]}`

    ## Fix safety
    Unsafe for an empty system message: the fix removes it. Otherwise no fix: write the text.
    A content of control characters alone counts as empty: the control-characters fix empties
    it, and both fixes apply in the same run (the message removed with unsafe fixes, an empty
    content left with the safe ones), so that a second run changes nothing.
    """

    code = "FT314"
    name = "empty-content"
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE


def missing(walk: Walk, message: dict, role: str, pointer: str, has_calls: bool) -> None:
    """A message whose ``content`` is absent or null: fine for an assistant message that calls
    a tool or refuses, and for a function message's null content; reported otherwise."""
    if role == "assistant" and (has_calls or isinstance(message.get("refusal"), str)):
        return
    if role == "function" and "content" in message:
        return  # a function message may carry null content
    state = "no 'content'" if "content" not in message else "null 'content'"
    need = " and no 'tool_calls'" if role == "assistant" else ""
    walk.add(EmptyContent.name, f"the {role} message has {state}{need}", f"{pointer}/content")


def empty(walk: Walk, role: str, pointer: str, has_calls: bool, state: str) -> None:
    """A message whose content holds no text (``state``: empty or blank)."""
    if role == "assistant":
        if not has_calls:
            walk.add(
                EmptyContent.name,
                f"the assistant message is {state}: there is nothing to train on",
                f"{pointer}/content",
            )
        return
    fix = None
    if role == "system":
        fix = Fix.unsafe("remove the empty system message", DeleteValue(pointer))
    walk.add(
        EmptyContent.name,
        f"the {role} message is {state}",
        f"{pointer}/content",
        fix,
        Severity.WARNING,
    )

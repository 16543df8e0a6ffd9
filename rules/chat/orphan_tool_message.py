"""Rule ``orphan-tool-message``: tool results must answer an earlier call."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftlint.rules.chat.base import ChatRule

from ftlint import Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class OrphanToolMessage(ChatRule):
    """## What it does
    Reports a `tool` message whose `tool_call_id` answers no call made by an earlier assistant
    message of the same example.

    ## Why is this bad?
    The API rejects a tool result that follows no matching call: a tool message must answer
    a `tool_calls` entry with the same id.

    ## Example
    `[user, {"role": "tool", "tool_call_id": "call_9", "content": "18°C"}, assistant]`

    ## Fix safety
    No fix: the call is missing, or the id is wrong.
    """

    code = "FT322"
    name = "orphan-tool-message"
    severity = Severity.ERROR


def answer(walk: Walk, call_id: str, where: str) -> None:
    """A tool message answering ``call_id``: it must be the id of a call made before (the
    walk registers them as it reads the assistant messages)."""
    if call_id not in walk.call_ids:
        walk.add(
            OrphanToolMessage.name,
            f"tool message answers {call_id!r}, which no earlier assistant message called",
            where,
        )

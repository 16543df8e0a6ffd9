"""Rule ``no-assistant-message``: a chat example must have an answer to train on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ftlint.rules.chat.base import ChatRule

from ftlint import Applicability, DropRecord, Fix, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class NoAssistantMessage(ChatRule):
    """## What it does
    Reports a chat example with no assistant message (or no messages at all).

    ## Why is this bad?
    Only assistant messages are trained: the example costs tokens and teaches nothing, and the
    API rejects it.

    ## Example
    `{"messages": [{"role": "system", "content": "..."}, {"role": "user", "content": "Hi"}]}`

    ## Fix safety
    Unsafe: the fix leaves the example out of the prepared file (listed as dropped in the
    report). Adding the missing answer is the better fix.
    """

    code = "FT315"
    name = "no-assistant-message"
    provider_error = r"assistant"
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE


def no_messages(walk: Walk) -> None:
    """An empty ``messages``."""
    walk.add(
        NoAssistantMessage.name,
        "'messages' is empty",
        "/messages",
        Fix.unsafe("leave the example out", DropRecord("no messages")),
    )


def no_assistant(walk: Walk, roles: list[tuple[str | None, Any]]) -> None:
    """Messages among which none is an assistant's; not reported when a role could not be
    told (that message may be the answer, and it is reported already)."""
    if all(role is not None for role, _ in roles):
        walk.add(
            NoAssistantMessage.name,
            "no assistant message: nothing in this example is trained",
            "/messages",
            Fix.unsafe("leave the example out", DropRecord("no assistant message")),
        )

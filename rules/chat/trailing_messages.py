"""Rule ``trailing-messages``: messages after the last answer are never trained on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftlint.rules.chat.base import ChatRule

from ftlint import Applicability, DeleteValue, Fix, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class TrailingMessages(ChatRule):
    """## What it does
    Reports messages after the last assistant message of a chat example.

    ## Why is this bad?
    Training learns the assistant messages from what comes before them; whatever follows the
    last one is never trained on, yet it is billed. It is often a sign of a conversation cut
    at the wrong place (a final user turn whose answer is missing).

    ## Example
    `[user, assistant, user]`: the last user message is never used.

    ## Fix safety
    Safe: removing messages that no trained token depends on changes nothing the model learns.
    """

    code = "FT318"
    name = "trailing-messages"
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE


def trailing(walk: Walk, count: int, last: int) -> None:
    """``count`` (> 0) messages after the last assistant message, at index ``last``."""
    plural = count > 1
    walk.add(
        TrailingMessages.name,
        f"{count} message{'s' if plural else ''} after the last assistant message "
        f"{'are' if plural else 'is'} never trained on",
        f"/messages/{last + 1}",
        Fix.safe(
            f"remove the {count} trailing message{'s' if plural else ''}",
            *(DeleteValue(f"/messages/{i}") for i in range(last + count, last, -1)),
        ),
    )

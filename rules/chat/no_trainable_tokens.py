"""Rule ``no-trainable-tokens``: a chat example whose every answer has weight 0."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftlint.rules.chat.base import ChatRule

from ftlint import Applicability, DropRecord, Fix, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class NoTrainableTokens(ChatRule):
    """## What it does
    Reports a chat example whose assistant messages all have `"weight": 0`.

    ## Why is this bad?
    Weight 0 means "do not train on this message": with every assistant message at 0 the
    example trains nothing, and the API rejects it.

    ## Example
    `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello",
    "weight": 0}]}`

    ## Fix safety
    Unsafe: the fix leaves the example out (listed as dropped). Set `weight` to 1 on the
    answers the model should learn instead.
    """

    code = "FT316"
    name = "no-trainable-tokens"
    provider_error = r"assistant"
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE


def untrained(walk: Walk) -> None:
    """Assistant messages, all of weight 0 (the walk tells while it reads the weights)."""
    walk.add(
        NoTrainableTokens.name,
        "every assistant message has weight 0: nothing in this example is trained",
        "/messages",
        Fix.unsafe("leave the example out", DropRecord("no trainable tokens")),
    )

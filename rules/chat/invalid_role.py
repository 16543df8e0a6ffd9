"""Rule ``invalid-role``: every message's role is one the API accepts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftlint.rules.chat.base import ChatRule
from ftlint.rules.chat.schema import ROLES

from ftlint import Applicability, Fix, SetValue, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk

#: Role names people use for the OpenAI ones: a safe fix for case and ``developer`` (the
#: newer name of ``system``), an unsafe one for these aliases.
ROLE_ALIASES = {
    "human": "user",
    "customer": "user",
    "client": "user",
    "gpt": "assistant",
    "chatgpt": "assistant",
    "bot": "assistant",
    "ai": "assistant",
    "model": "assistant",
    "chatbot": "assistant",
    "agent": "assistant",
}


class InvalidRole(ChatRule):
    """## What it does
    Checks that every message's `role` is one the fine-tuning API accepts: `system`, `user`,
    `assistant` or `tool`. The legacy `function` role is still accepted but warned about.

    ## Why is this bad?
    The API rejects the whole file for one unknown role. `Assistant`, `developer`, `human` or
    `bot` are common leftovers from other tools and templates.

    ## Example
    ```json
    {"messages": [{"role": "human", "content": "Hi"}, {"role": "Assistant", "content": "Hello"}]}
    ```

    ## Fix safety
    Safe where the meaning is certain: another letter case or surrounding spaces
    (`Assistant` -> `assistant`), and `developer` -> `system` (the newer name of the same
    role). Unsafe for aliases that are only likely (`human` -> `user`, `gpt`/`bot`/`ai`/`model`
    -> `assistant`). Other roles have no fix.
    """

    code = "FT310"
    name = "invalid-role"
    provider_error = r"\brole\b"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


def role(walk: Walk, raw: str, where: str) -> str | None:
    """The role a string ``role`` means (reporting it unless it is an accepted one), or None
    when it cannot be told."""
    if raw in ROLES:
        if raw == "function":
            walk.add(
                InvalidRole.name,
                "the 'function' role is legacy: use an assistant message with 'tool_calls' "
                "answered by 'tool' messages",
                where,
                severity=Severity.WARNING,
            )
        return raw
    folded = raw.strip().lower()
    if folded in ROLES and folded != "function":
        walk.add(
            InvalidRole.name,
            f"role {raw!r} must be written {folded!r}",
            where,
            Fix.safe(f"write {folded!r}", SetValue(where, folded)),
        )
        return folded
    if folded == "developer":
        walk.add(
            InvalidRole.name,
            f"role {raw!r} is not accepted in fine-tuning data: use 'system'",
            where,
            Fix.safe("write 'system'", SetValue(where, "system")),
        )
        return "system"
    if folded in ROLE_ALIASES:
        target = ROLE_ALIASES[folded]
        walk.add(
            InvalidRole.name,
            f"role {raw!r} is not accepted (system, user, assistant, tool); it looks like "
            f"{target!r}",
            where,
            Fix.unsafe(f"write {target!r}", SetValue(where, target)),
        )
        return target
    walk.add(
        InvalidRole.name,
        f"role {raw!r} is not accepted: use system, user, assistant or tool",
        where,
    )
    return None

"""Rule ``invalid-weight``: ``weight`` only on assistant messages, only 0 or 1."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ftlint.rules.chat.base import ChatRule, a

from ftlint import Applicability, DeleteValue, Fix, SetValue, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class InvalidWeight(ChatRule):
    """## What it does
    Checks `weight`: it is only accepted on assistant messages, and only as the integer 0 (do
    not train on this message) or 1 (train on it, the default).

    ## Why is this bad?
    The API rejects other values and weights on other roles. A weight of 0.5 does not weigh
    the message half: there is no such thing.

    ## Example
    `{"role": "user", "content": "Hi", "weight": 1}` or
    `{"role": "assistant", "content": "...", "weight": 0.5}`

    ## Fix safety
    Safe: `true`, `1.0` and `"1"` become 1 (and likewise for 0); a weight on a non-assistant
    message is removed (those messages are never trained anyway). Other values have no fix.
    """

    code = "FT317"
    name = "invalid-weight"
    provider_error = r"\bweight\b"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


def weight(walk: Walk, value: Any, role: str, where: str) -> Any:
    """Check the ``weight`` of a chat message; returns the weight it means (1 when it does not
    count, None when it cannot be told)."""
    if role != "assistant":
        walk.add(
            InvalidWeight.name,
            f"'weight' is only accepted on assistant messages, not on {a(str(role))} message "
            "(only assistant messages are trained)",
            where,
            Fix.safe("remove 'weight'", DeleteValue(where)),
        )
        return 1
    if type(value) is int and value in (0, 1):
        return value
    normal: int | None = None
    if isinstance(value, bool) or (isinstance(value, float) and value in (0.0, 1.0)):
        normal = int(value)
    elif isinstance(value, str) and value.strip() in ("0", "1"):
        normal = int(value.strip())
    if normal is not None:
        walk.add(
            InvalidWeight.name,
            f"'weight' must be the integer 0 or 1, got {json.dumps(value)}",
            where,
            Fix.safe(f"write {normal}", SetValue(where, normal)),
        )
        return normal
    walk.add(
        InvalidWeight.name,
        f"'weight' must be 0 (not trained) or 1 (trained), got {json.dumps(value, default=str)}",
        where,
    )
    return None

"""Rule ``undefined-tool``: calls to functions the example does not define."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftlint.rules.chat.base import ChatRule

from ftlint import Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class UndefinedTool(ChatRule):
    """## What it does
    Reports a call to a function that the example's `tools` (or legacy `functions`) do not
    define. Examples without `tools` are not checked.

    ## Why is this bad?
    The model learns to call a function it is never offered: at inference it will invent
    calls to tools that do not exist. It is usually a renamed tool, or the wrong tool list
    pasted into the example.

    ## Example
    `"tools": [{"type": "function", "function": {"name": "get_weather", ...}}]` with a call to
    `"name": "getWeather"`.

    ## Fix safety
    No fix: add the definition or correct the name.
    """

    code = "FT321"
    name = "undefined-tool"
    severity = Severity.WARNING


def undefined(walk: Walk, name: str, defined: set[str], where: str, pointer: str) -> None:
    """A call to ``name``, which is not in ``defined`` (the example's ``where``: tools or
    functions); the message lists a few of the defined names."""
    names = sorted(defined)
    known = ", ".join(repr(n) for n in names[:8]) or "none"
    if len(names) > 8:
        known += f", and {len(names) - 8} more"
    walk.add(
        UndefinedTool.name,
        f"call to {name!r}, which is not among the {where} of this example ({known})",
        f"{pointer}/name",
    )

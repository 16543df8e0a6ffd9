"""``TextRule``, the base of the content record rules, and ``snippet``, the excerpt of a text
their messages show."""

from __future__ import annotations

from typing import ClassVar

from ftlint.rules.content.texts import scan

from ftlint import Record, Rule, Scope

_VISIBLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}
_VISIBLE.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r", 0x0C: "\\f", 0x0B: "\\v"})


def snippet(text: str, start: int, end: int, width: int = 20) -> str:
    """``…context match context…`` on one line, control characters made visible."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    shown = text[left:right].translate(_VISIBLE)
    return ("…" if left else "") + shown + ("…" if right < len(text) else "")


class TextRule(Rule):
    """A record rule that looks into texts only when the record's ``texts.scan`` sets its
    bit. Not a rule itself (no code, not registered).

    All share the group ``content-texts``: the engine skips all of them at once for a record
    with no bit set (``quiet``), which is most records.
    """

    scope: ClassVar[Scope] = Scope.RECORD
    group: ClassVar[str | None] = "content-texts"

    def quiet(self, record: Record) -> bool:
        # Every record: the scan's bits read directly (``texts.suspects`` without its call).
        found = record.analyses.get(scan)  # (a miss: ``get`` is cheaper than a KeyError)
        if found is None:
            found = record.analyses[scan] = scan(record)
        return not found[1]

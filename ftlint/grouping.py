"""Repeated findings as one group: the same rule and message pattern in the same file.

A 6,440-row CSV with one ``conflicting-completions`` per row is one line with the count and
the first locations, not 5,708 lines that bury the rest (the ``text`` format's default;
``--show-all`` lists every one; machine formats always keep every finding). The pattern of a
message is the message with its numbers and quoted parts blanked, so "record 7 repeats record
3" and "record 9 repeats record 4" fall in one group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ftlint.model import Diagnostic, Severity

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»")
_NUMBER = re.compile(r"\d[\d,._]*")


def message_pattern(message: str) -> str:
    """``message`` with quoted parts as ``'…'`` and numbers as ``N``: what stays the same
    between repeats of one finding."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", message))


@dataclass
class Group:
    """One rule's findings of one message pattern in one file, in report order."""

    path: str
    code: str
    name: str
    severity: Severity
    pattern: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def first(self) -> Diagnostic:
        return self.diagnostics[0]

    @property
    def count(self) -> int:
        return len(self.diagnostics)

    @property
    def message(self) -> str:
        """The message when every finding says the same, else its pattern."""
        first = self.first.message
        if all(d.message == first for d in self.diagnostics):
            return first
        return self.pattern

    def where(self, limit: int = 5) -> str:
        """``lines 3, 7, 9, …``, ``sheet QR rows 2, 5``, ``records 4, 8``: the first places."""
        places: list[str] = []
        kind = "the file"
        for d in self.diagnostics:
            loc = d.location
            if loc.line is not None:
                kind = "rows" if loc.sheet is not None else "lines"
                value = str(loc.line)
                if loc.sheet is not None:
                    kind = f"sheet {loc.sheet} rows"
            elif loc.record is not None:
                kind, value = "records", str(loc.record)
            else:
                continue
            if not places or places[-1] != value:
                places.append(value)
        if not places:
            return kind
        shown = ", ".join(places[:limit])
        more = ", …" if len(places) > limit else ""
        return f"{kind} {shown}{more}"


def group_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Group]:
    """Groups in order of their first finding (``diagnostics`` should be in report order);
    findings fixed in this run form groups of their own."""
    groups: dict[tuple, Group] = {}
    for d in diagnostics:
        pattern = message_pattern(d.message)
        # one target's findings never merge with another's (``--target a,b``)
        key = (d.location.path, d.location.sheet, d.code, pattern, d.fixed,
               getattr(d, "target", None))  # fmt: skip
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(d.location.path, d.code, d.name, d.severity, pattern)
        group.diagnostics.append(d)
    return list(groups.values())


def rule_counts(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int, int]]:
    """``(code, name, count, fixable)`` per rule, most frequent first (``--statistics``);
    ``fixable`` counts those with a safe fix that ``--fix`` applies."""
    from ftlint.model import Applicability

    table: dict[tuple[str, str], list[int]] = {}
    for d in diagnostics:
        row = table.setdefault((d.code, d.name), [0, 0])
        row[0] += 1
        if d.fix is not None and d.fix.edits and d.fix.applicability is Applicability.SAFE:
            row[1] += 1
    rows = [(code, name, n, fixable) for (code, name), (n, fixable) in table.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0]))

"""What the two privacy rules share: a finding, the allow-list, the masked excerpt, and the
typed placeholders of their fixes.

A finding never travels with its value into a report: the message and the excerpt show a
masked form (``sk-…9f2c``, ``j…@acme.com``) and the fix's message names placeholders only.
The fixes replace each value with a typed placeholder, the same value always with the same
placeholder within an example: ``<EMAIL>`` when the example holds one e-mail address,
``<EMAIL_1>``, ``<EMAIL_2>`` ... (in order of first appearance) when it holds several.

Both rules may fix the same text (a message with a key and an e-mail address). Their fixes
set the whole text, so the second must not undo the first: the rules run in code order and
note what they replace in ``redactions``, a record analysis both read; each rule's fix of a
text replaces what the rules before it found there as well as its own findings, and leaves
alone what they already claimed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ftlint.rules.privacy.texts import gate, scan, scan_texts, suspect_texts, suspects

from ftlint import (
    ConfigError,
    Diagnostic,
    Fix,
    Record,
    ReplaceSpans,
    Rule,
    RuleContext,
    Scope,
    Severity,
)
from ftlint.shapes import json_source


@dataclass(frozen=True, slots=True)
class Finding:
    """One value found in a text: ``text[start:end]`` is what the fix replaces."""

    start: int
    end: int
    #: The placeholder's type: ``SECRET``, ``EMAIL``, ``PHONE``, ``CARD``, ``IBAN``, ``SSN``,
    #: ``IP``.
    kind: str
    #: What it is, for the message: ``an OpenAI API key``, ``an e-mail address``.
    label: str
    #: The value in a canonical form (E.164 for a phone number, digits for a card ...): two
    #: spellings of one value get the same placeholder.
    value: str
    #: What the message and the excerpt show instead of the value.
    masked: str
    #: Other spellings the allow-list is matched against (the whole URL of a password ...).
    aliases: tuple[str, ...] = ()
    #: What the excerpt shows in the value's place, when not ``masked`` (which may show
    #: context around the value, as a URL does around its password).
    inline: str | None = None


#: ``(start, end, placeholder)`` of what a rule's fix replaces in one text.
Span = tuple[int, int, str]


def redactions(record: Record) -> dict[str, list[Span]]:
    """Record analysis: per text pointer, what the privacy rules that already ran replace
    there (each rule adds its own)."""
    return {}


def overlaps(finding: Finding, spans: Iterable[Span]) -> bool:
    return any(finding.start < end and start < finding.end for start, end, _ in spans)


_VISIBLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7F, 0xA0)]}
_VISIBLE.update({0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"})


def masked_excerpt(
    text: str,
    findings: Sequence[Finding],
    claimed: Sequence[Span],
    context: Iterable[Finding] = (),
    width: int = 30,
) -> str:
    """The text around the first finding, on one line: every finding masked, every value
    another rule claimed shown as its placeholder, and the ``context`` findings (what the
    other rule would find, were it running) masked too."""
    spans = [(f.start, f.end) for f in findings] + [(s, e) for s, e, _ in claimed]
    others = [
        (f.start, f.end, f.inline or f.masked, False)
        for f in context
        if not any(f.start < end and start < f.end for start, end in spans)
    ]
    items = sorted(
        [(f.start, f.end, f.inline or f.masked, i == 0) for i, f in enumerate(findings)]
        + [(start, end, placeholder, False) for start, end, placeholder in claimed]
        + others
    )
    # Only the text around the first finding is looked at (a 16 MB text is not copied to
    # show 60 characters of it): ``low:high`` holds ``width`` characters and more on either
    # side, widened so that it cuts no masked value.
    anchor = next((i for i in items if i[3]), items[0] if items else (0, 0, "", True))
    low, high = max(0, anchor[0] - 2 * width), min(len(text), anchor[1] + 2 * width)
    for start, end, _shown, _first in items:
        if start < low < end:
            low = start
        if start < high < end:
            high = end
    parts: list[str] = []
    position = low
    length = 0
    focus = (0, 0)
    for start, end, shown, first in items:
        if start < position or end > high:
            continue
        parts.append(text[position:start])
        length += start - position
        if first:
            focus = (length, length + len(shown))
        parts.append(shown)
        length += len(shown)
        position = end
    parts.append(text[position:high])
    view = "".join(parts)
    left = max(0, focus[0] - width)
    right = min(len(view), focus[1] + width)
    shown = view[left:right].translate(_VISIBLE)
    before = left > 0 or low > 0
    after = right < len(view) or high < len(text)
    return ("…" if before else "") + shown + ("…" if after else "")


def keep_start(value: str, shown: int, tail: int = 4) -> str:
    """``value``'s first ``shown`` characters (a documented prefix), ``…`` and its last
    ``tail`` characters, when that leaves at least half of it out."""
    if len(value) - shown - tail < len(value) // 2:
        tail = 0
    return value[:shown] + "…" + (value[-tail:] if tail else "")


_PLACES = {
    "assistant": "an assistant message",
    "completion": "the completion",
    "user": "a user message",
    "system": "the system prompt",
    "tool": "a tool message",
    "prompt": "the prompt",
}


def place(pointer: str, role: str | None) -> str:
    if pointer.endswith("/arguments"):
        return "the arguments of a tool call"
    return _PLACES.get(role or "", "a text")


def placeholders(found: Iterable[Sequence[Finding]]) -> dict[tuple[str, str], str]:
    """The placeholder of each ``(kind, value)`` of one example: ``<KIND>`` when the example
    holds one value of that kind, else ``<KIND_1>``, ``<KIND_2>`` ... in order of first
    appearance."""
    order: dict[str, dict[str, None]] = {}
    for findings in found:
        for finding in sorted(findings, key=lambda f: f.start):
            order.setdefault(finding.kind, {}).setdefault(finding.value, None)
    names: dict[tuple[str, str], str] = {}
    for kind, values in order.items():
        for i, value in enumerate(values, 1):
            names[kind, value] = f"<{kind}>" if len(values) == 1 else f"<{kind}_{i}>"
    return names


def listing(findings: Sequence[Finding], limit: int = 3) -> str:
    shown = ", ".join(f"{f.label} `{f.masked}`" for f in findings[:limit])
    more = len(findings) - limit
    return shown + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class AllowList:
    """Values that belong in the data (``[tool.ftlint.rules.NAME] allow``): exact values and
    globs, compared in lower case with the value as written, its canonical form and its
    aliases."""

    exact: frozenset[str] = frozenset()
    globs: tuple[str, ...] = ()

    @classmethod
    def from_option(cls, allow: Any, rule_name: str) -> AllowList:
        allow = allow or []
        if isinstance(allow, str):
            allow = [allow]
        if not isinstance(allow, list) or not all(isinstance(v, str) for v in allow):
            raise ConfigError(f"[tool.ftlint.rules.{rule_name}] allow must be a list of strings")
        entries = [v.strip().lower() for v in allow if v.strip()]
        return cls(
            frozenset(v for v in entries if not any(c in v for c in "*?[")),
            tuple(v for v in entries if any(c in v for c in "*?[")),
        )

    def allows(self, finding: Finding, text: str) -> bool:
        if not (self.exact or self.globs):
            return False
        forms = {text[finding.start : finding.end].lower(), finding.value.lower()}
        forms.update(a.lower() for a in finding.aliases)
        if forms & self.exact:
            return True
        return any(fnmatch.fnmatchcase(form, glob) for form in forms for glob in self.globs)


class PrivacyRule(Rule):
    """A record rule that searches the texts ``texts.scan`` let through. Not a rule itself
    (no code, not registered).

    Both privacy rules share the group ``privacy-texts``: the engine skips them at once for
    a record whose source raises no suspicion (``quiet``), which is most records. Subclasses
    set ``bits`` (the ``texts`` bits they look at), ``find`` (the findings of one text) and
    ``message`` / ``severity_of``.
    """

    scope: ClassVar[Scope] = Scope.RECORD
    group: ClassVar[str | None] = "privacy-texts"
    #: The ``texts`` bits of the texts this rule searches.
    bits: int = 0
    default_options: ClassVar[dict[str, Any]] = {"allow": []}

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.allow = AllowList.from_option(self.options.get("allow"), self.name)

    def allowed(self, finding: Finding, text: str) -> bool:
        return self.allow.allows(finding, text)

    def quiet(self, record: Record) -> bool:
        # The gate of the record's JSON source without the record analysis: nearly every
        # record stops here, and a first ``analysis.get`` costs more than the gate itself.
        # A source it lets through is not gated again: the analysis is made here.
        source = json_source(record)
        if source is None:
            return not suspects(record)
        if not gate(source):
            return True
        found = record.analyses.get(scan)
        if found is None:
            found = (), 0
            if record.ok:
                found = scan_texts(record, source)
            record.analyses[scan] = found
        return not found[1]

    # -- what a subclass provides ----------------------------------------------------------
    def find(self, text: str, bits: int) -> list[Finding]:  # pragma: no cover - interface
        raise NotImplementedError

    def message(self, findings: Sequence[Finding], where: str) -> str:  # pragma: no cover
        raise NotImplementedError

    def context_findings(self, text: str) -> list[Finding]:
        """What the other privacy rule finds in ``text``, masked in this rule's excerpts
        too, whether that rule runs or not: an excerpt never shows a value of either kind."""
        return []

    def severity_of(self, role: str | None) -> Severity:
        return self.severity

    # -- the check -------------------------------------------------------------------------
    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & self.bits else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        shared = record.analysis.get(redactions)
        per_text = []
        for pointer, role, text, bits in suspect_texts(record):
            if not bits & self.bits:
                continue
            claimed = shared.get(pointer, ())
            found = [
                f
                for f in self.find(text, bits)
                if not overlaps(f, claimed) and not self.allowed(f, text)
            ]
            if found:
                per_text.append((pointer, role, text, found, list(claimed)))
        if not per_text:
            return
        names = placeholders(found for *_, found, _claimed in per_text)
        for pointer, role, text, found, claimed in per_text:
            own = [(f.start, f.end, names[f.kind, f.value]) for f in found]
            shared.setdefault(pointer, []).extend(own)
            used = ", ".join(dict.fromkeys(span[2] for span in sorted(own)))
            yield self.diagnostic(
                self.message(found, place(pointer, role)),
                record.location.at(field=pointer),
                fix=Fix.unsafe(f"replace with {used}", ReplaceSpans(pointer, tuple(claimed + own))),
                severity=self.severity_of(role),
                excerpt=masked_excerpt(text, found, claimed, self.context_findings(text)),
            )

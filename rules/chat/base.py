"""``ChatRule``: the base of every chat rule, which reports the findings the shared walk
(``walk.findings``) filed under the rule's name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from ftlint import Diagnostic, Record, Rule, RuleContext, Scope
from ftlint.shapes import model_shapes

if TYPE_CHECKING:
    from collections.abc import Callable


class ChatRule(Rule):
    """Base of the chat record rules. Not a rule itself (no code, not registered).

    All chat rules share the group ``chat-analysis``: the engine runs them as one step and
    skips the step when ``quiet`` (the walk found nothing for any of them, most records).
    """

    target_dependent = True

    scope: ClassVar[Scope] = Scope.RECORD
    group: ClassVar[str | None] = "chat-analysis"

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        # Imported here: walk.py imports the rule modules, which import this one.
        from ftlint.rules.chat.walk import analyze, findings

        self._findings: Callable[[Record, Any], dict[str, list[Any]]] = findings
        self._analyze = analyze  # what ``findings`` calls, called directly (every record)
        self.accepted = model_shapes(context.target, context.model)
        #: The analysis key of the walk's findings (``ftlint.analysis``), made once.
        self._key = (findings, self.accepted)

    def _found(self, record: Record) -> dict[str, list[Any]]:
        found = record.analyses[self._key] = self._analyze(record.data, self.accepted)
        return found

    def quiet(self, record: Record) -> bool:
        """The walk found nothing for any chat rule (most records)."""
        found = record.analyses.get(self._key)  # (a miss: ``get`` is cheaper than a KeyError)
        if found is None:  # the first of the group to ask (every record): ``_found`` inline
            found = record.analyses[self._key] = self._analyze(record.data, self.accepted)
        return not found

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Hot path (every chat rule x every record): allocate nothing when the record is clean.
        issues = record.analyses.get(self._key)
        if issues is None:
            issues = self._found(record)
        found = issues.get(self.name)
        if not found:
            return ()
        location = record.location
        return [
            self.diagnostic(
                issue.message,
                location.at(field=issue.pointer),
                fix=issue.fix,
                severity=issue.severity,
            )
            for issue in found
        ]


def a(word: str) -> str:
    """``word`` with its indefinite article: "an assistant message", "a user message" (the
    words it is given, roles and part types, take "an" before a, e, i, o only)."""
    return f"{'an' if word[:1].lower() in 'aeio' else 'a'} {word}"

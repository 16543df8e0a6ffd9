"""What the legacy dataset rules build on: ``LegacyRule`` (the rule base, with its model
flags) and ``Stats`` (the accumulator base, with the figures several rules read).

Each rule has its own ``Stats`` subclass, in its own module. The subclass names the shared
parts it needs (``Part``: the common endings and beginnings of the prompts and completions,
the table of classes); ``Stats`` folds exactly those, so a rule pays for no part it does not
read. What a single rule gathers besides (a candidate mask, letter counts ...) is that rule's
own ``fold_own`` and ``merge_own``, in its module. Merging two parts gives exactly the result
of one pass over both.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from ftlint.rules.legacy.affixes import Ending, common_prefix
from ftlint.rules.legacy.features import Features, converts_to_pc, features

from ftlint import (
    Accumulator,
    Diagnostic,
    Location,
    Record,
    Rule,
    RuleContext,
    Scope,
    Severity,
)
from ftlint.conversion import Planner
from ftlint.shapes import CHAT, PROMPT_COMPLETION, model_shapes

#: ``Stats.add``: the features of this record not computed yet (they may be None).
_NOT_YET: Any = object()

#: Classification: fewer distinct completions than examples / 3 (at least 3 examples a class).
CLASSIFICATION_RATIO = 3
#: Distinct completions tracked for classification. Beyond this the data is not treated as
#: classification: a fixed cap (rather than one that follows the records seen so far) keeps the
#: memory bounded and makes a merged result identical to a one-pass result.
MAX_CLASSES = 5000


def show(text: str, limit: int = 60) -> str:
    """A text as a message shows it: backquoted, newlines and tabs visible, cut when long."""
    shown = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    shown = shown.replace("\t", "\\t")
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"`{shown}`"


def trains_on_prompt_completion(context: RuleContext) -> bool:
    """Whether the chosen model trains on prompt/completion records (babbage-002 ...)."""
    shapes = model_shapes(context.target, context.model)
    return bool(shapes) and PROMPT_COMPLETION in shapes and CHAT not in shapes


class Part(enum.Enum):
    """A figure that several legacy rules read, folded only for the rules that need it."""

    PROMPT_SUFFIX = "prompt-suffix"
    COMPLETION_SUFFIX = "completion-suffix"
    PROMPT_PREFIX = "prompt-prefix"
    COMPLETION_PREFIX = "completion-prefix"
    CLASSES = "classes"


class Parts:
    """The shared parts of the legacy accumulators of one scan, folded once per record for
    all of them (the rules of one planner see the same records, so they count the same):
    the record count, the common endings and beginnings, the table of classes. Each part is
    folded when some member needs it; a part's value does not depend on the others."""

    def __init__(self) -> None:
        self.count = 0
        self.any_prompt = False
        self.first_location: Location | None = None
        self.path: str | None = None
        self.prompt_end = Ending()
        self.completion_end = Ending()
        self.prompt_prefix: str | None = None
        self.prompt_max = 0
        self.completion_prefix: str | None = None
        self.completion_max = 0
        self.classes: dict[str | bytes, int] | None = {}
        self.class_names: dict[bytes, str] = {}
        #: The rule keys of the members, and the parts they need.
        self.members: set[str] = set()
        self.needs: set[Part] = set()
        self.steps: tuple[Callable[[Parts, Features], None], ...] = ()
        #: The features last folded (held, so that the identity test cannot be fooled).
        self.last: Features | None = None
        #: The parts this one was merged into (each merge is made once, by the first member).
        self.absorbed_into: Parts | None = None

    def join(self, key: str, needs: frozenset[Part]) -> None:
        self.members.add(key)
        self.needs |= needs
        self.steps = tuple(getattr(Parts, name) for part, name in _FOLDS if part in self.needs)

    def fold(self, found: Features) -> None:
        self.last = found
        self.count += 1
        if self.first_location is None:
            self.first_location = found.location
            self.path = found.location.path
        if found.prompt:
            self.any_prompt = True
        for step in self.steps:
            step(self, found)

    def _fold_prompt_suffix(self, found: Features) -> None:
        self.prompt_end.add(found.prompt, found.location)

    def _fold_completion_suffix(self, found: Features) -> None:
        self.completion_end.add(found.completion, found.location)

    def _fold_prompt_prefix(self, found: Features) -> None:
        prompt = found.prompt
        if len(prompt) > self.prompt_max:
            self.prompt_max = len(prompt)
        prefix = self.prompt_prefix
        if prefix is None:
            self.prompt_prefix = prompt
        elif prefix and not prompt.startswith(prefix):
            self.prompt_prefix = common_prefix(prefix, prompt)

    def _fold_completion_prefix(self, found: Features) -> None:
        completion = found.completion
        if len(completion) > self.completion_max:
            self.completion_max = len(completion)
        prefix = self.completion_prefix
        if prefix is None:
            self.completion_prefix = completion
        elif prefix and not completion.startswith(prefix):
            self.completion_prefix = common_prefix(prefix, completion)

    def _fold_classes(self, found: Features) -> None:
        classes = self.classes
        if classes is None:
            return
        key = found.label
        classes[key] = classes.get(key, 0) + 1
        if isinstance(key, bytes) and key not in self.class_names:
            self.class_names[key] = found.completion[:80]
        if len(classes) > MAX_CLASSES:
            self.classes, self.class_names = None, {}

    def merge(self, other: Parts) -> None:
        """Fold in ``other`` (the parts of the records after this one's), once."""
        if other.absorbed_into is self or other is self:
            return
        other.absorbed_into = self
        self.count += other.count
        self.any_prompt = self.any_prompt or other.any_prompt
        self.prompt_end.merge(other.prompt_end)
        self.completion_end.merge(other.completion_end)
        if self.prompt_prefix is not None and other.prompt_prefix is not None:
            self.prompt_prefix = common_prefix(self.prompt_prefix, other.prompt_prefix)
        if self.completion_prefix is not None and other.completion_prefix is not None:
            self.completion_prefix = common_prefix(self.completion_prefix, other.completion_prefix)
        self.prompt_max = max(self.prompt_max, other.prompt_max)
        self.completion_max = max(self.completion_max, other.completion_max)
        if self.classes is not None and other.classes is not None:
            for key, count in other.classes.items():
                self.classes[key] = self.classes.get(key, 0) + count
            for key, name in other.class_names.items():
                self.class_names.setdefault(key, name)
            if len(self.classes) > MAX_CLASSES:
                self.classes, self.class_names = None, {}
        else:
            self.classes, self.class_names = None, {}


#: The fold of each shared part, in the order ``Parts.fold`` runs them.
_FOLDS: tuple[tuple[Part, str], ...] = (
    (Part.PROMPT_SUFFIX, "_fold_prompt_suffix"),
    (Part.COMPLETION_SUFFIX, "_fold_completion_suffix"),
    (Part.PROMPT_PREFIX, "_fold_prompt_prefix"),
    (Part.COMPLETION_PREFIX, "_fold_completion_prefix"),
    (Part.CLASSES, "_fold_classes"),
)

#: The parts being gathered for the accumulators of the scan starting now, by planner (its
#: id, with the planner held): a scan makes one accumulator per rule before its first
#: record, so an accumulator joins these parts unless its rule is a member already (a new
#: scan) or they have folded a record (a scan under way).
_OPEN: dict[int, tuple[Any, Parts]] = {}


def _parts_for(planner: Any, key: str, needs: frozenset[Part]) -> tuple[Parts, bool]:
    """The shared parts an accumulator of rule ``key`` joins, and whether it made them."""
    entry = _OPEN.get(id(planner))
    if entry is not None and entry[0] is planner:
        parts = entry[1]
        if key not in parts.members and parts.count == 0 and parts.last is None:
            parts.join(key, needs)
            return parts, False
    parts = Parts()
    parts.join(key, needs)
    _OPEN[id(planner)] = (planner, parts)
    return parts, True


def _shared(name: str) -> property:
    def get(self: Stats) -> Any:
        return getattr(self.parts, name)

    return property(get, doc=f"``Parts.{name}`` of this accumulator's scan")


class Stats(Accumulator):
    """Figures of the prompt/completion records, for the parts a rule asks for.

    A subclass names its ``needs`` and may define ``fold_own`` (its own per-record step) and
    ``merge_own``. The shared parts live in one ``Parts`` for all the legacy accumulators of
    a scan: the first of them to see a record folds it there, for all; an accumulator with
    no step of its own then takes no records at all.
    """

    needs: ClassVar[frozenset[Part]] = frozenset()

    def __init__(self, rule: LegacyRule) -> None:
        self.rule = rule
        #: Chat records have no features in this run: skipped before the analysis lookup
        #: (most records of most files, and every legacy rule asks).
        self.chat_never_counts = not converts_to_pc(rule.planner)
        #: The analysis key of the record's features (``ftlint.analysis``).
        self.key = (features, rule.planner)
        if not type(self).takes_records:  # folds nothing (``InertStats``)
            self.parts = Parts()
            return
        self.parts, made = _parts_for(rule.planner, rule.key, self.needs)
        own = type(self).fold_own is not Stats.fold_own
        #: The first accumulator of the scan always sees the records (it folds the parts);
        #: the others only for a step of their own.
        self.takes_records = made or own

    count = _shared("count")
    any_prompt = _shared("any_prompt")
    first_location = _shared("first_location")
    path = _shared("path")
    prompt_end = _shared("prompt_end")
    completion_end = _shared("completion_end")
    prompt_prefix = _shared("prompt_prefix")
    prompt_max = _shared("prompt_max")
    completion_prefix = _shared("completion_prefix")
    completion_max = _shared("completion_max")
    classes = _shared("classes")
    class_names = _shared("class_names")

    # -- folding ---------------------------------------------------------------------------
    def add(self, record: Record) -> None:
        if self.chat_never_counts:
            data = record.data
            if type(data) is dict and "messages" in data:  # a chat record: no features
                return
        # The analysis read inline: every legacy accumulator asks for every record (``get``:
        # the first to ask misses, and a miss by ``KeyError`` costs several times as much).
        found = record.analyses.get(self.key, _NOT_YET)
        if found is _NOT_YET:
            found = record.analyses[self.key] = features(record, self.rule.planner)
        if found is None:
            return
        parts = self.parts
        if parts.last is not found:  # the first accumulator to see this record
            if parts.last is None:
                _close(self.rule.planner, parts)
            parts.fold(found)
        self.fold_own(found)

    def fold_own(self, found: Features) -> None:
        """What this rule alone gathers from one record (after the shared parts)."""

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, type(self))
        if other.count == 0:
            return
        if self.count == 0:
            self.__dict__.update({k: v for k, v in other.__dict__.items() if k != "rule"})
            return
        self.parts.merge(other.parts)  # made once, by the first accumulator that merges
        self.merge_own(other)  # last: it may read the merged shared figures

    def merge_own(self, other: Any) -> None:
        """Fold in this rule's own figures of ``other``, of the same class, which saw the
        records after this one's (both saw some). The shared parts are merged already."""

    # -- conclusions -----------------------------------------------------------------------
    @property
    def open_ended(self) -> bool:
        """Every prompt is empty: open-ended generation, where prompt rules do not apply."""
        return not self.any_prompt

    @property
    def prompts_identical(self) -> bool:
        prefix = self.prompt_prefix
        return self.count >= 2 and prefix is not None and len(prefix) == self.prompt_max

    @property
    def completions_identical(self) -> bool:
        prefix = self.completion_prefix
        return self.count >= 2 and prefix is not None and len(prefix) == self.completion_max

    @property
    def is_classification(self) -> bool:
        """The legacy test: fewer distinct completions than a third of the examples."""
        if self.open_ended or self.classes is None:
            return False
        distinct = len(self.classes)
        return distinct >= 2 and distinct * CLASSIFICATION_RATIO < self.count

    def class_name(self, key: str | bytes) -> str:
        return key if isinstance(key, str) else self.class_names.get(key, "?")

    def class_table(self, limit: int = 8) -> str:
        """The classes by size with their counts and shares, for a message."""
        assert self.classes is not None
        ranked = sorted(self.classes.items(), key=lambda item: (-item[1], str(item[0])))
        parts = [
            f"{show(self.class_name(key), 30)} {count} ({100 * count / self.count:.0f}%)"
            for key, count in ranked[:limit]
        ]
        if len(ranked) > limit:
            parts.append(f"and {len(ranked) - limit} more")
        return ", ".join(parts)

    def location(self, field: str | None = None, at: Location | None = None) -> Location:
        base = at or self.first_location or Location(path=self.path or "")
        return base.at(field=field)

    def whole_file(self, field: str | None = None) -> Location:
        return Location(path=self.path or "", field=field)

    def finish(self) -> Iterable[Diagnostic]:
        return ()


def _close(planner: Any, parts: Parts) -> None:
    """``parts`` fold their first record: no accumulator joins them any more."""
    entry = _OPEN.get(id(planner))
    if entry is not None and entry[1] is parts:
        del _OPEN[id(planner)]


class InertStats(Stats):
    """The accumulator of a rule that does not apply to this run (a prompt/completion rule
    with a chat model): it folds nothing and reports nothing, so it does not even count."""

    takes_records = False

    def add(self, record: Record) -> None:
        return


class LegacyRule(Rule):
    """Base of the prompt/completion dataset rules: one accumulator class each."""

    target_dependent = True

    scope: ClassVar[Scope] = Scope.DATASET
    severity: ClassVar[Severity] = Severity.WARNING
    #: The accumulator class, with the parts this rule needs.
    stats: ClassVar[type[Stats]]
    #: Only with a model that trains on prompt/completion records.
    pc_model_only: ClassVar[bool] = False
    #: Only with a model that trains on chat records.
    chat_model_only: ClassVar[bool] = False

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.pc_model = trains_on_prompt_completion(context)
        #: The run's planner: records count in the form ``prepare`` writes (``features``).
        self.planner = Planner.from_context(context)

    def accumulator(self) -> Accumulator:
        other_model = self.chat_model_only if self.pc_model else self.pc_model_only
        if other_model:
            return InertStats(self)  # no parts, no diagnostics
        return self.stats(self)

"""FT413 legacy-separators: prompt/completion markers left in data for a chat model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show
from ftlint.rules.legacy.edits import EditTexts
from ftlint.rules.legacy.markers import (
    FALLBACK_SEPARATOR,
    FALLBACK_STOP,
    PROMPT_SEPARATORS,
    STOP_SEQUENCES,
)

from ftlint import Applicability, Diagnostic, Fix, Location, TransformRecords

#: A marker carried by at least this share of the prompts (or completions) is the data's
#: marker: a clear majority, not a coincidence of a few texts.
CLEAR_MAJORITY = 2 / 3

#: Endings removed from prompts for a chat model, longest first (``\n\n###\n\n`` before
#: ``###``): the legacy separators and their bare forms.
CHAT_LEFTOVER_SEPARATORS = tuple(
    sorted(
        {*PROMPT_SEPARATORS, FALLBACK_SEPARATOR, "###", "->", "=>"},
        key=lambda marker: (-len(marker), marker),
    )
)
#: Endings removed from completions, longest first: the legacy stop sequences and their bare
#: forms. Not ``.`` or whitespace, which end ordinary sentences too.
CHAT_LEFTOVER_STOPS = tuple(
    sorted(
        {
            stop
            for stop in (*STOP_SEQUENCES, FALLBACK_STOP, "END", "[END]", "###")
            if stop.strip(".").strip()
        },
        key=lambda marker: (-len(marker), marker),
    )
)


def leftover_ending(suffix: str, markers: tuple[str, ...]) -> str:
    """The part of a common ending ``suffix`` that is a legacy marker: the longest of
    ``markers`` it ends with (trailing whitespace ignored), with the whitespace around it that
    is also part of ``suffix``; "" when it ends with none."""
    core = suffix.rstrip()
    for marker in markers:
        bare = marker.rstrip()
        if bare and core.endswith(bare):
            start = len(core) - len(bare)
            while start > 0 and suffix[start - 1].isspace():
                start -= 1
            return suffix[start:]
    return ""


def marker_of(text: str, markers: tuple[str, ...]) -> str | None:
    """The legacy marker ``text`` ends with (its bare form, trailing whitespace ignored)."""
    core = text.rstrip()
    for marker in markers:
        bare = marker.strip()
        if bare and core.endswith(bare):
            return bare
    return None


class MarkerTally:
    """How many texts end with each legacy marker, and the first text of each marker (and
    of none), so that the records that lack the majority's marker can be named."""

    __slots__ = ("counts", "firsts")

    def __init__(self) -> None:
        self.counts: dict[str | None, int] = {}
        self.firsts: dict[str | None, Location] = {}

    def add(self, text: str, markers: tuple[str, ...], location: Location) -> None:
        marker = marker_of(text, markers)
        self.counts[marker] = self.counts.get(marker, 0) + 1
        if marker not in self.firsts:
            self.firsts[marker] = location

    def merge(self, other: MarkerTally) -> None:
        for marker, count in other.counts.items():
            self.counts[marker] = self.counts.get(marker, 0) + count
        for marker, location in other.firsts.items():
            self.firsts.setdefault(marker, location)

    def majority(self, total: int) -> tuple[str, int, Location | None] | None:
        """The marker a clear majority of the texts end with, how many do, and the first
        text that lacks it."""
        ranked = [(count, m) for m, count in self.counts.items() if m is not None]
        if not ranked or total < 2:
            return None
        count, marker = max(ranked, key=lambda item: (item[0], -len(item[1]), item[1]))
        if count < CLEAR_MAJORITY * total:
            return None
        lacking = [loc for m, loc in self.firsts.items() if m != marker]
        first = min(lacking, key=lambda loc: (loc.record or 0, loc.line or 0), default=None)
        return marker, count, first


class _LeftoverStats(Stats):
    needs = frozenset(
        {Part.PROMPT_SUFFIX, Part.COMPLETION_SUFFIX, Part.PROMPT_PREFIX, Part.COMPLETION_PREFIX}
    )

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        self.prompt_markers = MarkerTally()
        self.completion_markers = MarkerTally()

    def fold_own(self, found: Any) -> None:
        self.prompt_markers.add(found.prompt, CHAT_LEFTOVER_SEPARATORS, found.location)
        self.completion_markers.add(found.completion, CHAT_LEFTOVER_STOPS, found.location)

    def merge_own(self, other: Any) -> None:
        self.prompt_markers.merge(other.prompt_markers)
        self.completion_markers.merge(other.completion_markers)

    def finish(self) -> Iterable[Diagnostic]:
        if self.count < 2:  # one record's whole text is its "common ending"
            return
        if not self.open_ended and not self.prompts_identical:
            separator = leftover_ending(self.prompt_end.suffix, CHAT_LEFTOVER_SEPARATORS)
            if separator:
                yield from self._finding("prompt", separator)
            else:
                yield from self._majority("prompt", self.prompt_markers)
        if not self.completions_identical:
            stop = leftover_ending(self.completion_end.suffix, CHAT_LEFTOVER_STOPS)
            if stop:
                yield from self._finding("completion", stop)
            else:
                yield from self._majority("completion", self.completion_markers)

    def _finding(self, field: str, ending: str) -> Iterator[Diagnostic]:
        if field == "prompt":
            role = "user"
            message = (
                f"every prompt ends with the legacy separator {show(ending)}: a chat model "
                "needs none (the user message ends where the answer starts), and it would "
                "learn to expect it at the end of every request"
            )
        else:
            role = "assistant"
            message = (
                f"every completion ends with the legacy stop sequence {show(ending)}: a chat "
                "model ends its answer by itself, and it would learn to write "
                f"{show(ending.strip())} at the end of every answer"
            )
        yield self.rule.diagnostic(
            message,
            self.whole_file(f"/{field}"),
            fix=Fix.safe(
                f"remove {show(ending)} from the end of every {field} (the {role} message)",
                TransformRecords(
                    f"remove {show(ending)} from the end of every {field}",
                    EditTexts("strip-suffix", field, ending),
                ),
            ),
        )

    def _majority(self, field: str, tally: MarkerTally) -> Iterator[Diagnostic]:
        """Most texts, not all, end with one marker: the data's marker all the same."""
        found = tally.majority(self.count)
        if found is None:
            return
        marker, count, lacking = found
        others = self.count - count
        lack = f"{others} does not" if others == 1 else f"{others} do not"
        where = ""
        if lacking is not None and lacking.line is not None:
            where = f" (the first at line {lacking.line})"
        if field == "prompt":
            role = "user"
            message = (
                f"{count} of {self.count} prompts end with the legacy separator {show(marker)} "
                f"and {lack}{where}: a chat model needs no separator (the user "
                "message ends where the answer starts); trained on it, it would expect it at "
                "the end of most requests"
            )
        else:
            role = "assistant"
            message = (
                f"{count} of {self.count} completions end with the legacy stop sequence "
                f"{show(marker)} and {lack}{where}: a chat model ends its answer by "
                f"itself, and it would learn to write {show(marker)} at the end of most answers"
            )
        yield self.rule.diagnostic(
            message,
            self.whole_file(f"/{field}"),
            fix=Fix.safe(
                f"remove {show(marker)} from the end of every {field} that has it (the {role} "
                "message)",
                TransformRecords(
                    f"remove {show(marker)} from the end of every {field} that has it",
                    EditTexts("strip-marker", field, marker),
                ),
            ),
        )


class LegacySeparators(LegacyRule):
    """## What it does
    With a chat model, finds the markers of the legacy prompt/completion format in data that
    `prepare` converts to chat messages: a separator the prompts end with (`\\n\\n###\\n\\n`,
    ` ->` ...) and a stop sequence the completions end with (` END`, `***` ...), as the
    legacy `prepare_data` tool added them. Not `.` or a line break, which end ordinary text
    too. A marker counts when every text ends with it, or a clear majority (two thirds or
    more): hand-edited data often loses the marker in a few records; the finding then says
    how many lack it and where the first is.

    ## Why is this bad?
    A chat model knows where a prompt ends and an answer stops from the message roles. Trained
    on the markers, it learns to expect the separator at the end of every user message (every
    request then needs it, or the model sees something new) and to write the stop sequence at
    the end of every answer, which your application would show.

    ## Example
    `{"prompt": "Where is my order?\\n\\n###\\n\\n", "completion": " It ships today. END"}`
    in every record, with `--model gpt-4o-mini`.

    ## Fix safety
    Safe: removes the marker (and the whitespace around it that every record shares) from the
    end of every prompt or completion, that is of the user and assistant messages; for a
    majority's marker, from every text that ends with it (with the whitespace before it).
    A text that would be left blank is kept as it is.
    """

    code = "FT413"
    name = "legacy-separators"
    fix_applicability = Applicability.SAFE
    stats = _LeftoverStats
    chat_model_only = True  # the markers are how a prompt/completion model works

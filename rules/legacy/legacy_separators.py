"""FT413 legacy-separators: prompt/completion markers left in data for a chat model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show
from ftlint.rules.legacy.edits import EditTexts
from ftlint.rules.legacy.markers import (
    FALLBACK_SEPARATOR,
    FALLBACK_STOP,
    PROMPT_SEPARATORS,
    STOP_SEQUENCES,
)

from ftlint import Applicability, Diagnostic, Fix, TransformRecords

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


class _LeftoverStats(Stats):
    needs = frozenset(
        {Part.PROMPT_SUFFIX, Part.COMPLETION_SUFFIX, Part.PROMPT_PREFIX, Part.COMPLETION_PREFIX}
    )

    def finish(self) -> Iterable[Diagnostic]:
        if self.count < 2:  # one record's whole text is its "common ending"
            return
        if not self.open_ended and not self.prompts_identical:
            separator = leftover_ending(self.prompt_end.suffix, CHAT_LEFTOVER_SEPARATORS)
            yield from self._finding("prompt", separator)
        if not self.completions_identical:
            stop = leftover_ending(self.completion_end.suffix, CHAT_LEFTOVER_STOPS)
            yield from self._finding("completion", stop)

    def _finding(self, field: str, ending: str) -> Iterator[Diagnostic]:
        if not ending:
            return
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


class LegacySeparators(LegacyRule):
    """## What it does
    With a chat model, finds the markers of the legacy prompt/completion format in data that
    `prepare` converts to chat messages: a separator every prompt ends with (`\\n\\n###\\n\\n`,
    ` ->` ...) and a stop sequence every completion ends with (` END`, `***` ...), as the
    legacy `prepare_data` tool added them. Not `.` or a line break, which end ordinary text
    too.

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
    end of every prompt or completion, that is of the user and assistant messages; a text that
    would be left blank is kept as it is.
    """

    code = "FT413"
    name = "legacy-separators"
    fix_applicability = Applicability.SAFE
    stats = _LeftoverStats
    chat_model_only = True  # the markers are how a prompt/completion model works

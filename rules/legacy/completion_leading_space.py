"""FT405 completion-leading-space: completions that do not start with whitespace."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint.rules.legacy.base import LegacyRule, Stats
from ftlint.rules.legacy.edits import EditTexts
from ftlint.rules.legacy.features import Features

from ftlint import Applicability, Diagnostic, Fix, Location, TransformRecords


class _LeadingStats(Stats):
    """How many completions start without whitespace, and the first of them."""

    def __init__(self, rule: LegacyRule) -> None:
        super().__init__(rule)
        self.no_space = 0
        self.no_space_first: Location | None = None

    def fold_own(self, found: Features) -> None:
        if not found.completion[:1].isspace():
            self.no_space += 1
            if self.no_space_first is None:
                self.no_space_first = found.location

    def merge_own(self, other: Any) -> None:
        self.no_space += other.no_space
        if self.no_space_first is None:
            self.no_space_first = other.no_space_first

    def finish(self) -> Iterable[Diagnostic]:
        if not self.no_space:
            return
        yield self.rule.diagnostic(
            f"{self.no_space} of {self.count} completions do not start with a space (first "
            "here): with these models' tokenizer a leading space gives better results",
            self.location("/completion", self.no_space_first),
            fix=Fix.safe(
                "start every completion with a space",
                TransformRecords(
                    "start every completion with a space", EditTexts("prepend-space", "completion")
                ),
            ),
        )


class CompletionLeadingSpace(LegacyRule):
    """## What it does
    Reports completions that do not start with a whitespace character, the legacy convention
    for prompt/completion fine-tuning. Only for models that train on prompt/completion.

    ## Why is this bad?
    The tokenizer of these models joins a leading space to the next word (` Paris` is one
    token). A completion that starts without it starts with a rarer token, which the legacy
    tool found to give worse results.

    ## Example
    `{"prompt": "Capital of France ->", "completion": "Paris\\n"}`

    ## Fix safety
    Safe: a space is prepended to every completion that does not already start with
    whitespace; the meaning of the text is unchanged.
    """

    code = "FT405"
    name = "completion-leading-space"
    fix_applicability = Applicability.SAFE
    stats = _LeadingStats
    pc_model_only = True

"""FT410 identical-completions: every completion of the dataset is the same."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show

from ftlint import Diagnostic, Severity


class _IdenticalCompletionStats(Stats):
    needs = frozenset({Part.COMPLETION_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if not self.completions_identical:
            return
        yield self.rule.diagnostic(
            f"all {self.count} completions are identical ({show(self.completion_prefix or '')})"
            ": the model will learn to repeat it whatever the prompt",
            self.whole_file("/completion"),
        )


class IdenticalCompletions(LegacyRule):
    """## What it does
    Reports a prompt/completion dataset whose completions are all the same.

    ## Why is this bad?
    The fine-tuned model would answer that one text to everything (the legacy tool stopped
    with an error).

    ## Example
    Every record has `"completion": " OK"`.

    ## Fix safety
    No fix: the data needs real answers.
    """

    code = "FT410"
    name = "identical-completions"
    severity = Severity.ERROR
    stats = _IdenticalCompletionStats

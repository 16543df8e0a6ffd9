"""FT409 identical-prompts: every prompt of the dataset is the same."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show

from ftlint import Diagnostic, Severity


class _IdenticalPromptStats(Stats):
    needs = frozenset({Part.PROMPT_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if self.open_ended or not self.prompts_identical:
            return
        yield self.rule.diagnostic(
            f"all {self.count} prompts are identical ({show(self.prompt_prefix or '')}): the "
            "model cannot learn what depends on the prompt; make the prompts differ, or leave "
            "them empty for open-ended generation",
            self.whole_file("/prompt"),
        )


class IdenticalPrompts(LegacyRule):
    """## What it does
    Reports a prompt/completion dataset whose prompts are all the same (the legacy tool
    stopped with an error). Empty prompts are open-ended generation and are fine.

    ## Why is this bad?
    The model only ever sees one input, so it learns one average answer.

    ## Example
    Every record has `"prompt": "Write a tweet ->"`.

    ## Fix safety
    No fix: put the varying input in the prompts, or leave them empty for open-ended generation.
    """

    code = "FT409"
    name = "identical-prompts"
    severity = Severity.ERROR
    stats = _IdenticalPromptStats

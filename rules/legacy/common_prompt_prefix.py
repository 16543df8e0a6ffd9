"""FT406 common-prompt-prefix: an instruction repeated at the start of every prompt."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.legacy.affixes import word_prefix
from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show
from ftlint.rules.legacy.edits import EditTexts

from ftlint import Applicability, Diagnostic, Fix, TransformRecords

#: A common prompt prefix longer than this is an instruction repeated in every example.
MAX_PROMPT_PREFIX = 12


class _PromptPrefixStats(Stats):
    needs = frozenset({Part.PROMPT_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if self.count < 2 or self.open_ended or self.prompts_identical:
            return
        prefix = word_prefix(self.prompt_prefix or "")
        if len(prefix) <= MAX_PROMPT_PREFIX:
            return
        yield self.rule.diagnostic(
            f"every prompt starts with the same {len(prefix)} characters {show(prefix)}: "
            "fine-tuning learns the task from the examples, so a repeated instruction only "
            "costs tokens; keep the input data in the prompt",
            self.whole_file("/prompt"),
            fix=Fix.unsafe(
                f"remove {show(prefix)} from the start of every prompt",
                TransformRecords(
                    f"remove {show(prefix)} from every prompt",
                    EditTexts("strip-prefix", "prompt", prefix),
                ),
            ),
        )


class CommonPromptPrefix(LegacyRule):
    """## What it does
    Reports a prefix of more than 12 characters shared by every prompt: an instruction or a
    few-shot preamble repeated in each example. The prefix is cut back to a word boundary.

    ## Why is this bad?
    Fine-tuning teaches the task through the examples; the legacy tool advised against
    repeating the instruction. It costs tokens on every example (and on every request later).

    ## Example
    `"Classify the sentiment of this review: Great phone!"`,
    `"Classify the sentiment of this review: Broke in a week."`

    ## Fix safety
    Unsafe: removes the prefix from every prompt. If you keep it, send it with every request
    to the fine-tuned model too.
    """

    code = "FT406"
    name = "common-prompt-prefix"
    fix_applicability = Applicability.UNSAFE
    stats = _PromptPrefixStats

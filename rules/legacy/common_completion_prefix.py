"""FT407 common-completion-prefix: the same words at the start of every completion."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.legacy.affixes import word_prefix
from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show
from ftlint.rules.legacy.edits import EditTexts

from ftlint import Applicability, Diagnostic, Fix, TransformRecords

#: A common completion prefix of this many characters or more is reported.
MIN_COMPLETION_PREFIX = 5


class _CompletionPrefixStats(Stats):
    needs = frozenset({Part.COMPLETION_PREFIX})

    def finish(self) -> Iterable[Diagnostic]:
        if self.count < 2 or self.completions_identical:
            return
        prefix = word_prefix(self.completion_prefix or "")
        if len(prefix) < MIN_COMPLETION_PREFIX or not prefix.strip():
            return
        keep_space = self.rule.pc_model and prefix.startswith(" ")
        yield self.rule.diagnostic(
            f"every completion starts with the same {len(prefix)} characters {show(prefix)}: "
            "the model spends tokens repeating it; put only the output in the completion",
            self.whole_file("/completion"),
            fix=Fix.unsafe(
                f"remove {show(prefix)} from the start of every completion"
                + (" (keeping the leading space)" if keep_space else ""),
                TransformRecords(
                    f"remove {show(prefix)} from every completion",
                    EditTexts("strip-prefix", "completion", prefix, keep_space),
                ),
            ),
        )


class CommonCompletionPrefix(LegacyRule):
    """## What it does
    Reports a prefix of 5 or more characters shared by every completion (cut back to a word
    boundary), such as `" Answer: "`.

    ## Why is this bad?
    The model learns to write the prefix every time: tokens paid for at training and at every
    request, for nothing.

    ## Example
    `" Answer: Paris"`, `" Answer: Lima"`

    ## Fix safety
    Unsafe: removes the prefix from every completion; with a prompt/completion model a leading
    space is kept, as the legacy tool did.
    """

    code = "FT407"
    name = "common-completion-prefix"
    fix_applicability = Applicability.UNSAFE
    stats = _CompletionPrefixStats

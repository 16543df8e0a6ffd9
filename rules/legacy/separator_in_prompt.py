"""FT403 separator-in-prompt: the prompts' common ending also occurs inside a prompt."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show
from ftlint.rules.legacy.features import Features

from ftlint import Diagnostic, Location


def inside_depth(text: str, suffix: str) -> int:
    """The largest ``k <= len(suffix)`` such that ``suffix[-k:]`` occurs in ``text[:-k]``.

    If the last ``k`` characters of the suffix occur before the end, so do the last ``j < k``
    (they end the same occurrence): the property is monotone, so a binary search finds it.
    """
    size = len(text)

    def occurs(k: int) -> bool:
        return text.find(suffix[len(suffix) - k :], 0, size - k) != -1

    if not suffix or not occurs(1):
        return 0
    lo, hi = 1, len(suffix)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if occurs(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


class _InsideStats(Stats):
    """For each length ``k`` of the common suffix so far, the first prompt where its last
    ``k`` characters occur before the end (``inside_first[k-1]``), and the prompts counted by
    the largest such ``k`` (``depths``). The suffix only shrinks, so the figures of the longer
    endings it loses fold into those of its final length."""

    needs = frozenset({Part.PROMPT_SUFFIX, Part.PROMPT_PREFIX})

    def __init__(self, rule: LegacyRule) -> None:
        super().__init__(rule)
        self.inside_first: list[Location] = []
        self.depths: dict[int, int] = {}

    def fold_own(self, found: Features) -> None:
        suffix = self.prompt_end.suffix or ""  # with this prompt folded in already
        limit = len(suffix)
        if len(self.inside_first) > limit:
            self._truncate(limit)
        depth = inside_depth(found.prompt, suffix)
        if depth:
            self.depths[depth] = self.depths.get(depth, 0) + 1
            while len(self.inside_first) < depth:
                self.inside_first.append(found.location)

    def _truncate(self, limit: int) -> None:
        del self.inside_first[limit:]
        folded = 0
        for depth in [d for d in self.depths if d > limit]:
            folded += self.depths.pop(depth)
        if folded and limit:
            self.depths[limit] = self.depths.get(limit, 0) + folded

    def merge_own(self, other: Any) -> None:
        inside_a, inside_b = self.inside_first, other.inside_first
        limit = len(self.prompt_end.suffix or "")  # the merged suffix
        self.inside_first = [
            inside_a[k] if k < len(inside_a) else inside_b[k]
            for k in range(min(limit, max(len(inside_a), len(inside_b))))
        ]
        for depth, count in other.depths.items():
            self.depths[depth] = self.depths.get(depth, 0) + count
        self._truncate(limit)

    def finish(self) -> Iterable[Diagnostic]:
        suffix = self.prompt_end.suffix
        if self.count == 0 or self.open_ended or self.prompts_identical or not suffix:
            return
        size = len(suffix)
        if len(self.inside_first) < size:
            return
        count = sum(n for depth, n in self.depths.items() if depth >= size)
        yield self.rule.diagnostic(
            f"the prompt separator {show(suffix)} also occurs inside {count} prompt"
            f"{'' if count == 1 else 's'} (first here): the model may start its completion "
            "there; choose a separator that occurs only at the end",
            self.location("/prompt", self.inside_first[size - 1]),
        )


class SeparatorInPrompt(LegacyRule):
    """## What it does
    Finds the separator every prompt ends with, and reports prompts that also contain it
    before their end (the legacy tool's "contain the suffix more than once" warning). Only for
    models that train on prompt/completion.

    ## Why is this bad?
    The separator tells the model "the completion starts here". When it also occurs inside a
    prompt, the model learns an ambiguous signal and may start answering in the middle.

    ## Example
    Prompts ending with `\\n\\n###\\n\\n`, one of which quotes a Markdown document with a
    `\\n\\n###\\n\\n` heading inside.

    ## Fix safety
    No automatic fix: choose a separator that occurs in no prompt and replace it everywhere
    (or remove it and let the missing-separator rule propose one).
    """

    code = "FT403"
    name = "separator-in-prompt"
    stats = _InsideStats
    pc_model_only = True

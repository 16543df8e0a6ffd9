"""FT411 classification-detected: the task the data teaches, and settings for a classifier."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint.rules.legacy.base import LegacyRule, Part, Stats

from ftlint import Diagnostic, Severity

#: Classes listed with their counts in the summary (the class balance of the HTML report).
SHOWN_CLASSES = 50


class _TaskStats(Stats):
    needs = frozenset({Part.CLASSES})

    def finish(self) -> Iterable[Diagnostic]:
        if not self.is_classification:
            return
        assert self.classes is not None
        classes = len(self.classes)
        if self.rule.pc_model:
            settings = (
                "make each class name one token with a leading space (` positive`), and query "
                "with max_tokens=1, temperature=0 and logprobs to read the class probabilities"
            )
        else:
            settings = (
                "query with temperature=0 and max_tokens just enough for the longest class "
                "name, and compare the reply with the class names"
            )
        yield self.rule.diagnostic(
            f"classification data: {classes} classes in {self.count} examples "
            f"({self.class_table()}). Suggested settings: {settings}; hold out a validation "
            "set to measure accuracy (`ftlint prepare --split`, stratified by class)",
            self.whole_file("/completion"),
        )

    def summary(self) -> dict[str, Any]:
        if self.count == 0:
            return {}
        if self.open_ended:
            return {"task": "open-ended generation"}
        if self.is_classification:
            assert self.classes is not None
            ranked = sorted(self.classes.items(), key=lambda item: (-item[1], str(item[0])))
            counts: dict[str, int] = {}
            for key, count in ranked[:SHOWN_CLASSES]:
                name = self.class_name(key)[:80]
                counts[name] = counts.get(name, 0) + count
            return {
                "task": "classification",
                "classes": len(self.classes),
                # The largest classes with their examples (the class balance); the rest are
                # ``classes_other`` examples of ``classes - len(class_counts)`` classes.
                "class_counts": counts,
                "classes_other": sum(count for _, count in ranked[SHOWN_CLASSES:]),
            }
        return {"task": "conditional generation"}


class ClassificationDetected(LegacyRule):
    """## What it does
        Infers the task as the legacy tool did: open-ended generation (every prompt empty),
        classification (fewer distinct completions than a third of the examples) or conditional
        generation. For classification data it lists the classes with their share and suggests
        the settings that suit a classifier. The task goes into the report's summary, with the
    number of classes and the examples of each of the 50 largest (`class_counts`, the rest
    counted in `classes_other`), which the HTML report draws as the class balance.

        ## Why is this bad?
        Nothing is wrong: classification deserves different settings (short completions, no stop
        sequence, a held-out validation set stratified by class to measure accuracy).

        ## Example
        2,000 news descriptions labelled `World`, `Sports`, `Business` or `Sci/Tech`.

        ## Fix safety
        Nothing to fix. `ftlint prepare --split` keeps each class's share in both files.
    """

    code = "FT411"
    name = "classification-detected"
    severity = Severity.INFO
    stats = _TaskStats

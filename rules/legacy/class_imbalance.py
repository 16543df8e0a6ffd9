"""FT412 class-imbalance: a classification dataset whose smallest class is tiny."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show

from ftlint import Diagnostic

#: The smallest class has fewer than 1/10 of the largest one's examples.
IMBALANCE_RATIO = 10


class _ImbalanceStats(Stats):
    needs = frozenset({Part.CLASSES})

    def finish(self) -> Iterable[Diagnostic]:
        if not self.is_classification:
            return
        assert self.classes is not None
        ranked = sorted(self.classes.items(), key=lambda item: (-item[1], str(item[0])))
        (big, big_count), (small, small_count) = ranked[0], ranked[-1]
        if small_count * IMBALANCE_RATIO >= big_count:
            return
        yield self.rule.diagnostic(
            f"the classes are unbalanced: {show(self.class_name(small), 30)} has {small_count} "
            f"example{'' if small_count == 1 else 's'}, under a tenth of "
            f"{show(self.class_name(big), 30)} ({big_count}); the model will rarely predict "
            f"the small classes ({self.class_table()})",
            self.whole_file("/completion"),
        )


class ClassImbalance(LegacyRule):
    """## What it does
    For classification data (see `classification-detected`), reports when the smallest class
    has fewer than a tenth of the examples of the largest.

    ## Why is this bad?
    The model learns the prior: it will rarely predict a class it has seen ten times less
    often, whatever the input.

    ## Example
    900 examples of ` ham` and 60 of ` spam`.

    ## Fix safety
    No automatic fix: add examples of the small classes, or sample the large ones down.
    """

    code = "FT412"
    name = "class-imbalance"
    stats = _ImbalanceStats

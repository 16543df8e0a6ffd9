"""Dataset rules (FT6xx): counts, duplicates, conflicts and train/valid overlap.

One module per rule; what several of them share lives in modules named for what it is:
``canonical`` (canonical forms and their digests), ``columns`` (the accumulators' columns
and the numpy searches for repeats), ``minhash`` (signatures and LSH) and ``similarity``
(the options of the two rules that compare signatures).
"""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    from ftlint.rules.dataset import (
        conflicting_completions,
        duplicate_example,
        near_duplicate,
        too_few_examples,
        train_valid_overlap,
    )

    return [
        too_few_examples.TooFewExamples,
        duplicate_example.DuplicateExample,
        conflicting_completions.ConflictingCompletions,
        near_duplicate.NearDuplicate,
        train_valid_overlap.TrainValidOverlap,
    ]

"""FT605 train-valid-overlap: validation examples that are also in the training file."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.dataset.canonical import hashes_of
from ftlint.rules.dataset.minhash import SignatureColumns
from ftlint.rules.dataset.similarity import SimilarityRule

from ftlint import (
    Accumulator,
    Applicability,
    Diagnostic,
    DropRecord,
    Fix,
    Record,
    Related,
    RuleContext,
    Scope,
    Severity,
)


class _OverlapAccumulator(SignatureColumns):
    def __init__(self, rule: TrainValidOverlap) -> None:
        super().__init__(rule.threshold, rule.shingle_size, rule.encoding, rule.planner)
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity
        self.check_near = rule.near
        # The engine says whether a validation file joins this check (None: it does not);
        # without one there is nothing to compare, so nothing is kept (and ``add`` is not
        # even called).
        settings = rule.context.settings
        self.takes_records = "validation_file" not in settings or bool(settings["validation_file"])

    def add(self, record: Record) -> None:
        if not self.takes_records:
            return
        if self.check_near:
            super().add(record)
            return
        example, _, _ = hashes_of(record)
        if example:
            self._place(record)
            self.digest.append(example)

    def finish(self) -> Iterable[Diagnostic]:
        splits = [self.split_of(i) == "train" for i in range(len(self.digest))]
        if all(splits) or not any(splits):
            return
        first: dict[int, int] = {}
        for i, (is_train, digest) in enumerate(zip(splits, self.digest, strict=True)):
            if is_train:
                first.setdefault(digest, i)
        valid = [i for i, is_train in enumerate(splits) if not is_train]
        exact = {
            i: first[digest]
            for i, (is_train, digest) in enumerate(zip(splits, self.digest, strict=True))
            if not is_train and digest in first
        }
        near: dict[int, tuple[int, float]] = {}
        if self.check_near and len(exact) < len(valid):
            queries = bytes(0 if is_train or i in exact else 1 for i, is_train in enumerate(splits))
            near = self.matches(queries, bytes(splits))
        for i in valid:
            if i in exact:
                j = exact[i]
                how = "an exact copy of"
            elif i in near:
                j, value = near[i]
                how = f"a near copy (estimated similarity {value:.2f}) of"
            else:
                continue
            where = self.where(j, i)
            yield Diagnostic(
                self.code, self.name, self.severity,
                f"this validation example is {how} the training example at {where}; the "
                "validation loss then measures memorisation, not generalisation",
                self.location(i),
                fix=Fix.unsafe(
                    "remove it from the validation set",
                    DropRecord(f"also in the training set ({where})"),
                ),
                related=(Related(self.location(j), "training example"),),
            )  # fmt: skip


class TrainValidOverlap(SimilarityRule):
    """## What it does
    With a validation file (`ftlint check TRAIN --validation-file VALID`), reports validation
    examples that also appear in the training file: exact copies (same canonical form as for
    `duplicate-example`) and near copies (as for `near-duplicate`, Jaccard ≥ 0.9 by default),
    with the line of the training example.

    ## Why is this bad?
    The validation loss is meant to show how the model does on examples it has not seen. A
    validation example that is also in training is already memorised: the validation curve
    looks better than the model is, and overfitting goes unnoticed.

    ## Example
    `valid.jsonl:4 FT605 this validation example is an exact copy of the training example at
    line 17 of train.jsonl`.

    ## Fix safety
    Unsafe: the fix removes the example from the validation set (the validation set shrinks).
    Options: `[tool.ftlint.rules.train-valid-overlap] threshold = 0.9`, `shingle-size = 3`,
    `near = false` to compare exact copies only.
    """

    code = "FT605"
    name = "train-valid-overlap"
    scope = Scope.DATASET
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.near = bool(self.options.get("near", True))

    def accumulator(self) -> Accumulator:
        return _OverlapAccumulator(self)

"""FT601 too-few-examples: how many examples a dataset has, against what the target requires
and recommends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint import Accumulator, Diagnostic, Location, Record, Rule, Scope, Severity


class _ExampleCounter(Accumulator):
    def __init__(self, rule: TooFewExamples) -> None:
        self.rule = rule
        self.counts = {"train": 0, "valid": 0}
        self.paths: dict[str, str] = {}

    def add(self, record: Record) -> None:
        self.counts[record.split] = self.counts.get(record.split, 0) + 1
        self.paths.setdefault(record.split, record.location.path)

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _ExampleCounter)
        for split, count in other.counts.items():
            self.counts[split] = self.counts.get(split, 0) + count
        for split, path in other.paths.items():
            self.paths.setdefault(split, path)

    def finish(self) -> Iterable[Diagnostic]:
        target = self.rule.context.target
        count = self.counts.get("train", 0)
        path = self.paths.get("train")
        if path is None:
            return  # nothing readable: empty-file or the reader already said why
        location = Location(path=path)
        if count < target.min_examples:
            yield self.rule.diagnostic(
                f"{count} example{'s' if count != 1 else ''}; {target.name} requires at least "
                f"{target.min_examples} to start a fine-tuning job",
                location,
            )
        elif count < target.recommended_examples:
            yield self.rule.diagnostic(
                f"{count} example{'s' if count != 1 else ''}; fine-tuning usually shows clear "
                "gains from "
                f"{target.recommended_examples} well-chosen examples upwards",
                location,
                severity=Severity.WARNING,
            )

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {"examples": self.counts.get("train", 0)}
        if self.counts.get("valid"):
            summary["validation_examples"] = self.counts["valid"]
        return summary


class TooFewExamples(Rule):
    """## What it does
    Counts the examples of a training file (records that were read; lines that could not be
    read do not count) and compares the count with the target's limits: below the minimum
    (10 for OpenAI) is an error, below the recommended size (100) a warning.

    ## Why is this bad?
    The provider refuses a job with too few examples. Above the minimum, a few dozen examples
    rarely change a model's behaviour reliably; OpenAI suggests starting from 50-100
    well-crafted examples.

    ## Example
    A training file with 8 examples: `FT601 8 examples; openai requires at least 10`.

    ## Fix safety
    No fix: write more examples. Both limits can be changed in config
    (`min-examples`, `recommended-examples`) for providers with other rules.
    """

    target_dependent = True

    code = "FT601"
    name = "too-few-examples"
    provider_error = (
        r"invalid_n_examples|at least \d+ examples|but must have at least|too few examples"
    )
    scope = Scope.DATASET
    severity = Severity.ERROR

    def accumulator(self) -> Accumulator:
        return _ExampleCounter(self)

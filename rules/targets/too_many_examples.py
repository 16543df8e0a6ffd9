"""FT902 too-many-examples: more training examples than the target takes in one job."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint import Accumulator, Diagnostic, Location, Record, Rule, Scope, Severity


class _Counter(Accumulator):
    def __init__(self, rule: TooManyExamples) -> None:
        self.rule = rule
        self.count = 0
        self.path: str | None = None
        limit = rule.context.target.max_examples
        #: Nothing to count when the target has no published ceiling.
        self.takes_records = limit is not None

    def add(self, record: Record) -> None:
        if record.split == "train":
            self.count += 1
            if self.path is None:
                self.path = record.location.path

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _Counter)
        self.count += other.count
        self.path = self.path or other.path

    def finish(self) -> Iterable[Diagnostic]:
        target = self.rule.context.target
        limit = target.max_examples
        if limit is None or self.path is None or self.count <= limit:
            return
        yield self.rule.diagnostic(
            f"{self.count:,} training examples; {target.name} takes at most {limit:,} per "
            "job: split the dataset, or sample it down",
            Location(path=self.path),
        )


class TooManyExamples(Rule):
    """## What it does
    Counts the training examples and compares the count with the target's `max_examples`
    (Fireworks: 3 million per dataset; Vertex AI: 1 million text-only examples; the value
    and its source are in the target's profile, `ftlint targets` shows them).

    ## Why is this bad?
    The provider refuses the dataset, after the upload.

    ## Example
    `FT902 train.jsonl: 1,200,000 training examples; vertex takes at most 1,000,000 per job`

    ## Fix safety
    No fix: which examples to leave out is the user's choice (`prepare --split` writes a
    validation file; a sample keeps the distribution).
    """

    code = "FT902"
    name = "too-many-examples"
    provider_error = r"too many (examples|samples|records)|maximum number of (examples|samples)"
    scope = Scope.DATASET
    severity = Severity.ERROR
    target_dependent = True

    def accumulator(self) -> Accumulator:
        return _Counter(self)

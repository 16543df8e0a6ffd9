"""FT603 conflicting-completions: the same context as an earlier example, another answer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ftlint.rules.dataset.canonical import canonical_hashes, hashes_of
from ftlint.rules.dataset.columns import (
    VECTOR_MIN,
    Chunked,
    Columns,
    piecewise_repeat_pairs,
    split_key,
)

from ftlint import Accumulator, Diagnostic, Record, Related, Rule, Scope, Severity


class _ConflictAccumulator(Columns):
    def __init__(self, rule: ConflictingCompletions) -> None:
        super().__init__()
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity
        self.context = Chunked("Q")
        self.answer = Chunked("Q")

    def _state_keys(self) -> tuple[str, ...]:
        return ("context", "answer")

    def add(self, record: Record) -> None:
        _, context, answer = record.analyses.get(canonical_hashes) or hashes_of(record)
        if context:
            self._place(record)
            self.context.append(context)
            self.answer.append(answer)

    def candidates(self) -> Iterator[tuple[int, int]]:
        """``(later, first)`` for every example whose context an earlier example has and
        whose answer differs from that first example's, in order."""
        if len(self.context) >= VECTOR_MIN:
            later, first = piecewise_repeat_pairs(self.context.arrays(), self._split_groups())
            differ = self.answer.take(later) != self.answer.take(first)
            yield from zip(later[differ].tolist(), first[differ].tolist(), strict=True)
            return
        seen: dict[int, int] = {}
        for i, context in enumerate(self.context):
            j = seen.setdefault(split_key(self.split_of(i), context), i)
            if j != i and self.answer[i] != self.answer[j]:
                yield i, j

    def finish(self) -> Iterable[Diagnostic]:
        answers: dict[int, set[int]] = {}
        for i, j in self.candidates():
            answer = self.answer[i]
            seen = answers.get(j)  # the first example stands for its context
            if seen is None:
                seen = answers[j] = {self.answer[j]}
            if answer in seen:
                continue  # the same pair again: DuplicateExample reports it
            seen.add(answer)
            yield Diagnostic(
                self.code, self.name, self.severity,
                f"same prompt as the example at {self.where(j, i)}, but a different answer "
                f"({len(seen)} different answers so far); the model is trained towards "
                f"{'both' if len(seen) == 2 else f'all {len(seen)}'}",
                self.location(i),
                related=(Related(self.location(j), "first example with this prompt"),),
            )  # fmt: skip


class ConflictingCompletions(Rule):
    """## What it does
    Finds examples whose context is the same as an earlier example's (the same messages up to
    the last assistant message, or the same prompt) but whose answer differs, and reports
    each new answer with the line of the first example.

    ## Why is this bad?
    The model is trained towards both answers for one input: in classification data this is
    label noise (the same text labelled twice differently), elsewhere it teaches the model
    that the answer is arbitrary. It often comes from merging data from several annotators.

    ## Example
    Line 3: `{"prompt": "Great product!", "completion": " positive"}`;
    line 9: `{"prompt": "Great product!", "completion": " negative"}`.

    ## Fix safety
    No fix: only a person can tell which answer is right. Paraphrased answers to the same
    question are sometimes intended (generation tasks); ignore the rule then
    (`--ignore conflicting-completions`).
    """

    code = "FT603"
    name = "conflicting-completions"
    scope = Scope.DATASET
    severity = Severity.WARNING

    def accumulator(self) -> Accumulator:
        return _ConflictAccumulator(self)

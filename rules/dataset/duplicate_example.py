"""FT602 duplicate-example: examples that repeat an earlier one (same canonical form)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ftlint.rules.dataset.canonical import hashes_of
from ftlint.rules.dataset.columns import (
    VECTOR_MIN,
    Chunked,
    Columns,
    piecewise_repeat_pairs,
    split_key,
)

from ftlint import (
    Accumulator,
    Applicability,
    Diagnostic,
    DropRecord,
    Fix,
    Record,
    Related,
    Rule,
    Scope,
    Severity,
)


class _DuplicateAccumulator(Columns):
    """The place and the example digest of every example with text (8 bytes each)."""

    def __init__(self, rule: DuplicateExample) -> None:
        super().__init__()
        self.code, self.name, self.severity = rule.code, rule.name, rule.severity
        self.digest = Chunked("Q")

    def _state_keys(self) -> tuple[str, ...]:
        return ("digest",)

    def add(self, record: Record) -> None:
        example, _, _ = hashes_of(record)
        if example:
            self._place(record)
            self.digest.append(example)

    def pairs(self) -> Iterator[tuple[int, int]]:
        """``(later, first)`` for every example that repeats an earlier one, in order."""
        if len(self.digest) >= VECTOR_MIN:
            later, first = piecewise_repeat_pairs(self.digest.arrays(), self._split_groups())
            yield from zip(later.tolist(), first.tolist(), strict=True)
            return
        seen: dict[int, int] = {}
        for i, digest in enumerate(self.digest):
            j = seen.setdefault(split_key(self.split_of(i), digest), i)
            if j != i:
                yield i, j

    def finish(self) -> Iterable[Diagnostic]:
        copies: dict[int, int] = {}
        for i, j in self.pairs():
            copies[j] = copies.get(j, 1) + 1
            where = self.where(j, i)
            yield Diagnostic(
                self.code, self.name, self.severity,
                f"duplicate of the example at {where} (first copy); a repeated example is "
                "trained on once per copy and outweighs the others",
                self.location(i),
                fix=Fix.safe("drop this later copy", DropRecord(f"duplicate of {where}")),
                related=(Related(self.location(j), "first copy"),),
            )  # fmt: skip
        self.copies = copies

    def summary(self) -> dict[str, Any]:
        copies = getattr(self, "copies", {})
        return {"duplicates": sum(copies.values()) - len(copies)} if copies else {}


class DuplicateExample(Rule):
    """## What it does
    Finds examples that are the same as an earlier one: same messages with the same roles
    (or prompt and completion, or preference input and answers), compared after collapsing
    whitespace, whatever the JSON spelling. Reports each later copy with the line of the first.
    Training and validation files are checked separately (the train/valid overlap rule compares
    them).

    ## Why is this bad?
    A repeated example is trained on as many times as it appears: it outweighs the rest, the
    model memorises it, and you pay for its tokens again. Large numbers of copies are usually
    an export bug (the same rows appended twice).

    ## Example
    Lines 1 and 14 both hold
    `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`
    (`FT602` on line 14: duplicate of the example at line 1).

    ## Fix safety
    Safe: the later copies are dropped (and listed in the report as dropped); the first copy
    stays where it was.
    """

    code = "FT602"
    name = "duplicate-example"
    scope = Scope.DATASET
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE

    def accumulator(self) -> Accumulator:
        return _DuplicateAccumulator(self)

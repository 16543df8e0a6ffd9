"""A tiktoken count standing in for a tokenizer that is not at hand: an estimate, said so.

An ``hf`` target's models count with the user's ``--tokenizer``; without one (``ftlint check
--target all`` on a machine where no tokenizer is named) the model's profile ``encoding``
counts instead, with the cookbook's chat formula, and every figure is marked as an estimate
with how to make it exact.
"""

from __future__ import annotations

from typing import Any

from ftlint.tokens.base import CounterBase


class StandIn(CounterBase):
    """``counter``'s figures under another name, never exact."""

    exact = False

    def __init__(self, counter: Any, spec: str) -> None:
        self._counter = counter
        encoding = getattr(counter, "label", "tiktoken")
        self.label = f"{encoding} stand-in for {spec}"
        self.accuracy = (
            f"estimate: {encoding} with the cookbook's chat formula stands in for the model's "
            "own tokenizer, which was not named; pass --tokenizer PATH_OR_HUB_ID (ftlint[hf]) "
            "for its chat template's exact count and an exact --max-seq-length check"
        )

    def text(self, value: str) -> int:
        return self._counter.text(value)

    def example(self, data: Any) -> Any:
        return self._counter.example(data)

    def example_and_tokens(self, data: Any) -> tuple[Any, bytes]:
        return self._counter.example_and_tokens(data)

    def counted(self, data: Any) -> Any:
        counted = getattr(self._counter, "counted", None)
        return counted(data) if counted is not None else self._counter.example(data)

    def want_ids(self) -> None:
        self.ids_wanted = True
        want = getattr(self._counter, "want_ids", None)
        if want is not None:
            want()

    def sequence(self, data: Any) -> list[tuple[int, bool]]:
        return self._counter.sequence(data)

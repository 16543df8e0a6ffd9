"""The token figures of one example, shared by every counter (``ftlint.tokens`` and the
counters of the other tokenizer schemes beside it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExampleTokens:
    """The token figures of one example.

    ``total``: every token of the example as the provider bills it (the sum of both answers of
    a preference pair, each text counted once). ``trained``: tokens of the messages the model
    learns (assistant, ``weight`` not 0). ``longest``: the longest sequence the model sees, the
    figure compared with the training context (equal to ``total`` except for preference pairs:
    input + the longer answer). ``messages``: messages (or turns) in the example.
    """

    total: int
    trained: int
    longest: int
    messages: int


def _example_tokens_init(
    self: ExampleTokens, total: int, trained: int, longest: int, messages: int
) -> None:
    # One per record: the slots are set through their descriptors, twice as fast as the
    # object.__setattr__ calls of the generated __init__ of a frozen dataclass.
    _SET_TOTAL(self, total)
    _SET_TRAINED(self, trained)
    _SET_LONGEST(self, longest)
    _SET_MESSAGES(self, messages)


_SET_TOTAL, _SET_TRAINED, _SET_LONGEST, _SET_MESSAGES = (
    ExampleTokens.__dict__[name].__set__ for name in ("total", "trained", "longest", "messages")
)
ExampleTokens.__init__ = _example_tokens_init  # type: ignore[method-assign]

"""What every token counter offers, and how a counter that needs an optional extra says so.

A counter is chosen by the model's ``ModelInfo.tokenizer`` string, ``scheme:argument``
(``ftlint.tokens.select``). Whatever its scheme, it answers three questions the token rules
ask: the tokens of one text, the tokens of one example as the trainer renders it (every
token, the trained ones, the longest sequence), and how far the figure can be trusted:
``exact`` is True when the count is the tokenizer's own rendering of the example, False for
an estimate, whose ``accuracy`` then says how it was made (and reports say "≈ estimate").
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from ftlint.config import ConfigError


@runtime_checkable
class Tokenizer(Protocol):
    """The protocol of a token counter (``TokenCounter`` is the tiktoken one)."""

    #: What the reports name: ``o200k_base``, ``mistral v3 (tekken)``, ``hf ./my-tokenizer``.
    label: str
    #: True when the figures are the tokenizer's own count of the rendered example.
    exact: bool
    #: How the count is made and how far it can be off, for reports.
    accuracy: str

    def text(self, value: str) -> int:
        """Tokens of one string, without any framing."""

    def example(self, data: Any) -> Any:
        """The ``ExampleTokens`` of one record (``total``, ``trained``, ``longest``,
        ``messages``), rendered the way the trainer renders it."""

    def example_and_tokens(self, data: Any) -> tuple[Any, bytes]:
        """``example(data)`` and the token ids of the example's own texts as one buffer of
        native 32-bit integers (what the near-duplicate rules compare)."""


class CounterBase:
    """What every counter of a tokenizer scheme shares with ``TokenCounter``'s interface:
    whether a rule of the run wants the token ids (``want_ids``), and ``counted`` for the
    figures alone (a counter may count faster when the ids are not wanted)."""

    #: Whether ``token_figures`` should gather the token ids (a similarity rule asked).
    ids_wanted = False

    def want_ids(self) -> None:
        self.ids_wanted = True

    def example(self, data: Any) -> Any:  # pragma: no cover - every counter defines it
        raise NotImplementedError

    def counted(self, data: Any) -> Any:
        """``example(data)``, when the ids are not wanted."""
        return self.example(data)


class MissingExtra(ConfigError):
    """A run needs an optional dependency that is not installed: it stops (exit code 2)
    with the ``pip install`` line that fixes it."""

    def __init__(self, extra: str, purpose: str, module: str) -> None:
        self.extra = extra
        super().__init__(
            f"{purpose} needs the optional extra ftlint[{extra}] (module {module!r} is not "
            f"installed). Fix: pip install 'ftlint[{extra}]'"
        )


def import_extra(module: str, extra: str, purpose: str) -> ModuleType:
    """``import module``, or ``MissingExtra`` naming the extra that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or module
        raise MissingExtra(extra, purpose, missing) from None

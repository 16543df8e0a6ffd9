"""``estimate:<method>``: token counts for targets whose tokenizer is not public.

Neither Google (Gemini on Vertex AI) nor Amazon (Nova on Bedrock) publishes the tokenizer
it bills and truncates with, only an API that counts online. Offline, ftlint can only
estimate, and says so: every figure from this counter is marked "≈ estimate" with its method.

Methods (the argument of the scheme):

- ``chars4`` (aliases ``gemini``, ``nova``): a text of N characters counts ceil(N / 4) tokens.
  Google's guidance, read 2026-12-03: "For Gemini models, a token is equivalent to about 4
  characters. 100 tokens is equal to about 60-80 English words."
  (https://ai.google.dev/gemini-api/docs/tokens; the same sentence is in Vertex AI's "Count
  tokens and billable characters" page). Amazon's Nova and Bedrock documentation, searched
  the same day, gives no characters-per-token figure: ``nova`` uses the same rule of thumb,
  unconfirmed by Amazon.
- ``chars<N>`` (e.g. ``chars3.5``): ceil(characters / N), for a ratio the user measured.

Accuracy (``benchmarks/estimate_accuracy.py`` on the 18 real datasets of ``../shared/data``,
2026-12-03, against two public tokenizers, since Gemini's and Nova's cannot be run): on the
English, French and Spanish files the estimate was 0.66-1.34 times the o200k_base and Tekken
counts (per file; per text p5-p95 0.70-1.53), so within about a third either way; on the
Chinese and Korean files it was 0.29-0.45 times, i.e. the real count is 2-3.5 times the
estimate. Message framing (roles, turn markers) is not counted, as neither provider documents
it; images and other media are not counted.
"""

from __future__ import annotations

import math
from typing import Any

from ftlint.config import ConfigError
from ftlint.tokens.base import CounterBase
from ftlint.tokens.chat import CONVERSATION, PAIR, PLAIN, TEXT, rendering, trained
from ftlint.tokens.figures import ExampleTokens

#: Named methods and their characters per token.
METHODS = {"chars4": 4.0, "gemini": 4.0, "nova": 4.0}

SOURCES = {
    "gemini": "Google: 'a token is equivalent to about 4 characters' "
    "(ai.google.dev/gemini-api/docs/tokens, read 2026-12-03)",
    "nova": "no figure published by Amazon; 4 characters per token as for Gemini "
    "(unconfirmed for Nova)",
}


def _ratio(method: str) -> float:
    name = method.lower()
    if name in METHODS:
        return METHODS[name]
    if name.startswith("chars"):
        try:
            value = float(name[5:])
        except ValueError:
            value = 0.0
        if value > 0:
            return value
    raise ConfigError(
        f"unknown token estimate {method!r}: expected one of {', '.join(METHODS)} or "
        "chars<N> (N characters per token, e.g. chars3.5)"
    )


class EstimateCounter(CounterBase):
    """Counts characters and divides (see the module docstring). Never exact."""

    exact = False

    def __init__(self, method: str) -> None:
        self.method = method
        self.per_token = _ratio(method)
        source = SOURCES.get(method.lower(), f"{self.per_token:g} characters per token")
        self.label = f"estimate {method}"
        self.accuracy = (
            f"estimate: ceil(characters / {self.per_token:g}) per text ({source}); no public "
            "tokenizer: within about a third of real tokenizers' counts on Latin-script text, "
            "2-3.5x low on Chinese or Korean; message framing not counted"
        )

    def text(self, value: str) -> int:
        return math.ceil(len(value) / self.per_token) if value else 0

    def _messages(self, messages: list[dict]) -> tuple[int, int]:
        total = learned = 0
        for message in messages:
            n = self.text(message.get("content") or "")
            for call in message.get("tool_calls") or ():
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict):
                    n += self.text(str(function.get("name") or ""))
                    n += self.text(str(function.get("arguments") or ""))
            total += n
            if trained(message):
                learned += n
        return total, learned

    def example(self, data: Any) -> Any:
        shown = rendering(data)
        if shown.kind == CONVERSATION:
            total, learned = self._messages(shown.messages)
            return ExampleTokens(total, learned, total, len(shown.messages))
        if shown.kind == PAIR:
            base, _ = self._messages(shown.messages)
            chosen, chosen_trained = self._messages(shown.chosen)
            rejected, rejected_trained = self._messages(shown.rejected)
            return ExampleTokens(
                base + chosen + rejected,
                chosen_trained + rejected_trained,
                base + max(chosen, rejected),
                len(shown.messages) + 1,
            )
        if shown.kind == PLAIN:
            p, c = self.text(shown.prompt), self.text(shown.completion)
            return ExampleTokens(p + c, c, p + c, 2)
        assert shown.kind == TEXT
        n = self.text(shown.text)
        return ExampleTokens(n, n, n, 1)

    def _runs(self, messages: list[dict]) -> list[tuple[int, bool]]:
        return [(self._messages([m])[0], trained(m)) for m in messages]

    def sequence(self, data: Any) -> list[tuple[int, bool]]:
        """The runs ``(tokens, trained)`` of the example's longest sequence, in order."""
        shown = rendering(data)
        if shown.kind == CONVERSATION:
            return self._runs(shown.messages)
        if shown.kind == PAIR:
            answers = [self._runs(shown.chosen), self._runs(shown.rejected)]
            longer = max(answers, key=lambda runs: sum(n for n, _ in runs))
            return self._runs(shown.messages) + longer
        if shown.kind == PLAIN:
            return [(self.text(shown.prompt), False), (self.text(shown.completion), True)]
        return [(self.text(shown.text), True)]

    def example_and_tokens(self, data: Any) -> tuple[Any, bytes]:
        """No token ids: the near-duplicate rules compare with tiktoken for this scheme."""
        return self.example(data), b""

"""What the two similarity rules (near duplicates, train/valid overlap) share: their options
(``threshold``, ``shingle-size``) and what they compare with (the run's encoding and planner).
"""

from __future__ import annotations

from typing import Any

from ftlint.rules.dataset.minhash import MAX_SHINGLE

from ftlint import ConfigError, Rule, RuleContext
from ftlint.conversion import Planner
from ftlint.tokens import TokenizerUnavailable, comparison_encoding_name, shared_counter

DEFAULT_THRESHOLD = 0.9
DEFAULT_SHINGLE = 3


def threshold_option(options: dict[str, Any]) -> float:
    """The ``threshold`` option: a Jaccard similarity in (0, 1]."""
    value = float(options.get("threshold", DEFAULT_THRESHOLD))
    if not 0.0 < value <= 1.0:
        raise ConfigError(f"threshold must be between 0 and 1, got {value}")
    return value


def shingle_size_option(options: dict[str, Any]) -> int:
    """The ``shingle-size`` option: tokens (or words) per n-gram, at most ``MAX_SHINGLE``."""
    value = int(options.get("shingle-size", DEFAULT_SHINGLE))
    if not 1 <= value <= MAX_SHINGLE:
        raise ConfigError(f"shingle-size must be between 1 and {MAX_SHINGLE}, got {value}")
    return value


def comparison_encoding(context: RuleContext) -> str | None:
    """The run's encoding for token shingles; None (word shingles) when it cannot load."""
    name = comparison_encoding_name(context)
    try:
        counter = shared_counter(name)
        want_ids = getattr(counter, "want_ids", None)  # tiktoken's counter counts without ids
        if want_ids is not None:  # unless asked: the signatures are made of the token ids
            want_ids()
    except TokenizerUnavailable:
        return None
    return name


class SimilarityRule(Rule):
    """The base of both rules that compare signatures: their options, and what they compare
    with: the run's encoding (None: word shingles) and planner (token ids of the form prepare
    writes). Not a rule itself (no code, never registered)."""

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.threshold = threshold_option(self.options)
        self.shingle_size = shingle_size_option(self.options)
        self.encoding = comparison_encoding(context)
        self.planner = Planner.from_context(context)

    def preload(self, input_size: int) -> None:
        # An input split across workers is at least 16 MB: its batches of signatures are
        # made with numpy and rensa (``minhash.batch_signatures``) in every worker.
        import numpy  # noqa: F401
        import rensa  # noqa: F401

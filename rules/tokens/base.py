"""What the token rules start from: the model's table entry, its counter (the model's
``tokenizer`` scheme: tiktoken, Mistral, a Hugging Face tokenizer or an estimate), the
training limit and the run's planner (examples are counted as ``prepare`` writes them)."""

from __future__ import annotations

from ftlint import Rule, RuleContext
from ftlint.conversion import Planner
from ftlint.tokens import figures_key, run_encoding, shared_counter


class TokenRule(Rule):
    """Shared set-up: the model's table entry, its encoding and the shared counter."""

    target_dependent = True

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.model_name = context.model or context.target.default_model
        self.model_info = context.target.model(self.model_name)
        self.encoding_name = run_encoding(context)
        self.planner = Planner.from_context(context)
        #: Where each record's token figures are (``figures_key``), read inline.
        self.figures_key = figures_key(self.encoding_name, self.planner)
        limit = self.options.get("max-tokens")
        if limit is None and self.model_info is not None:
            limit = self.model_info.max_tokens
        self.limit: int | None = int(limit) if limit else None
        # Loading the counter here makes a missing tokenizer (or extra) stop the run with its
        # message (exit code 2) before any record is read.
        self.counter = shared_counter(self.encoding_name)
        self.exact = bool(getattr(self.counter, "exact", True))
        #: Who truncates, for messages: the provider of an OpenAI-style target, else the
        #: target itself.
        name = context.target.name
        self.truncator = "OpenAI" if name in ("openai", "azure-openai") else f"the {name} target"

    def tokens(self, count: int) -> str:
        """``1,234 tokens``, or ``≈ 1,234 tokens (estimate)`` when the count is estimated."""
        return f"{count:,} tokens" if self.exact else f"≈ {count:,} tokens (estimate)"

"""What both token rules start from: the model's table entry, its encoding, the training
limit and the run's planner (examples are counted as ``prepare`` writes them)."""

from __future__ import annotations

from ftlint import Rule, RuleContext
from ftlint.conversion import Planner
from ftlint.tokens import run_encoding, shared_counter


class TokenRule(Rule):
    """Shared set-up: the model's table entry, its encoding and the shared counter."""

    target_dependent = True

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.model_name = context.model or context.target.default_model
        self.model_info = context.target.model(self.model_name)
        self.encoding_name = run_encoding(context)
        self.planner = Planner.from_context(context)
        limit = self.options.get("max-tokens")
        if limit is None and self.model_info is not None:
            limit = self.model_info.max_tokens
        self.limit: int | None = int(limit) if limit else None
        # Loading the encoding here makes a missing tokenizer stop the run with its message.
        shared_counter(self.encoding_name)

"""What every rule of the formats family starts from: the run's planner and model name."""

from __future__ import annotations

from ftlint import Rule, RuleContext
from ftlint.conversion import Planner


class PlanRule(Rule):
    """A rule that reads the records' plans; every rule of a run builds an equal planner, so
    they all share each record's one plan (``plan_of`` keys its cache on the planner)."""

    target_dependent = True

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.planner = Planner.from_context(context)

    @property
    def model_name(self) -> str:
        return self.context.model or self.context.target.default_model

"""What every rule of the formats family starts from: the run's planner and model name."""

from __future__ import annotations

from ftlint import Rule, RuleContext
from ftlint.conversion import Planner, plan_key


class PlanRule(Rule):
    """A rule that reads the records' plans; every rule of a run builds an equal planner, so
    they all share each record's one plan (``plan_of`` keys its cache on the planner)."""

    target_dependent = True

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.planner = Planner.from_context(context)
        #: Where the records' plans are (``plan_key``), for the rules that read every one.
        self.plan_key = plan_key(self.planner)

    @property
    def model_name(self) -> str:
        return self.context.model or self.context.target.default_model

    def preference_targets(self) -> str:
        """Where preference (DPO) data trains instead: the installed targets whose default
        model takes it, for the message that leaves the rejected answers out."""
        names = []
        for name in sorted(self.context.installed or {}):
            target = self.context.installed[name]
            info = target.model(None)
            if name != self.context.target.name and info and "preference" in info.shapes:
                names.append(name)
        if not names:
            return ""
        return f"; {self.context.target.name} takes no preference data, these do: " + (
            ", ".join(names) + " (--target NAME)"
        )

"""Target rules (FT901-FT939): checks that only a target's profile asks for, which no other
family makes (a model's lifecycle, a provider's example ceiling).

One module per rule; ``lifecycle`` holds the dates arithmetic the lifecycle rule and
``ftlint submit`` share.
"""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    from ftlint.rules.targets import model_retired, too_many_examples

    return [model_retired.ModelRetired, too_many_examples.TooManyExamples]

"""The plugin module named by the entry point. It only lists its rules: importing it must stay
cheap, because ftlint imports every installed plugin on every run."""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Import the rules here, not at the top: a run that never asks for them pays nothing.
    from ftlint_example.rules import AssistantApology

    return [AssistantApology]

"""Which rules run: ``--select`` / ``--extend-select`` / ``--ignore`` against codes, code
prefixes and names, and each rule's default and targets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ftlint.rule import Rule

if TYPE_CHECKING:
    from ftlint.config import Config
    from ftlint.targets import Target


def rule_matches(rule: type[Rule], patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        text = pattern.strip()
        if text.upper() == "ALL" or text.lower() == rule.name:
            return True
        if text and rule.code.upper().startswith(text.upper()):
            return True
    return False


def select_rules(rules: Iterable[type[Rule]], config: Config, target: Target) -> list[type[Rule]]:
    chosen = []
    for rule in rules:
        if rule.targets is not None and target.name not in rule.targets:
            continue
        selected = rule_matches(rule, config.select) if config.select else rule.default_enabled
        if not selected and not rule_matches(rule, config.extend_select):
            continue
        if rule_matches(rule, config.ignore):
            continue
        chosen.append(rule)
    return chosen


def unknown_selectors(rules: Iterable[type[Rule]], config: Config) -> list[str]:
    rules = list(rules)
    return [
        pattern
        for pattern in (*config.select, *config.extend_select, *config.ignore)
        if not any(rule_matches(rule, [pattern]) for rule in rules)
    ]

"""Problems of the run itself, one module per rule. They are rules so that they are documented
and selectable like any other, but the engine raises them: no plugin provides them."""

from __future__ import annotations

from ftlint.engine.core_rules.rule_error import RuleError
from ftlint.engine.core_rules.unreadable_file import UnreadableFile
from ftlint.rule import Rule

CORE_RULES: tuple[type[Rule], ...] = (RuleError, UnreadableFile)

__all__ = ["CORE_RULES", "RuleError", "UnreadableFile"]

"""A rule or reader that raised: the run's own problem, raised by the engine's scan."""

from __future__ import annotations

from ftlint.model import Scope, Severity
from ftlint.rule import Rule


class RuleError(Rule):
    """## What it does
    Reports a rule (or reader) that raised an unexpected exception.

    ## Why is this bad?
    The data was not fully checked: the failing rule skipped the rest of this file. The run
    goes on with every other rule. This is a bug in the rule; report it to its authors with
    the message shown.

    ## Example
    `FT001 rule 'my-rule' (X100) failed: KeyError: 'messages'`

    ## Fix safety
    No fix: the rule must be fixed.
    """

    code = "FT001"
    name = "rule-error"
    scope = Scope.FILE
    severity = Severity.ERROR

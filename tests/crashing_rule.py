"""A plugin whose rule raises on every record: the YAML cases of ``rule-error`` load it."""

from __future__ import annotations

from ftlint import Rule, Scope, Severity, hookimpl


class AlwaysCrashes(Rule):
    """## What it does
    Raises on every record (a stand-in for a buggy third-party rule).

    ## Why is this bad?
    It is a test fixture.

    ## Example
    Any record.

    ## Fix safety
    No fix.
    """

    code = "XT100"
    name = "always-crashes"
    scope = Scope.RECORD
    severity = Severity.WARNING

    def check_record(self, record):
        raise KeyError("messages")


@hookimpl
def ftlint_rules():
    return [AlwaysCrashes]

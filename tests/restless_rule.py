"""A plugin whose safe fix never settles: every check finds the record it fixed again.

Tests of the fix loop's runaway limit load it (``plugins=["tests.restless_rule"]``): without
the limit, ``prepare --fix`` and ``check --fix`` would rewrite forever.
"""

from __future__ import annotations

from ftlint import Fix, Rule, Scope, SetValue, Severity, hookimpl


class NeverSettles(Rule):
    """## What it does
    Reports every chat record's last message as an error, with a safe fix that appends a
    character to it: the fixed record is found again (a stand-in for a buggy fix).

    ## Why is this bad?
    It is a test fixture.

    ## Example
    Any chat record.

    ## Fix safety
    Safe, and never done.
    """

    code = "XT200"
    name = "never-settles"
    scope = Scope.RECORD
    severity = Severity.ERROR

    def check_record(self, record):
        messages = record.data.get("messages") if isinstance(record.data, dict) else None
        if not isinstance(messages, list) or not messages:
            return
        last = messages[-1]
        if not isinstance(last, dict) or not isinstance(last.get("content"), str):
            return
        pointer = f"/messages/{len(messages) - 1}/content"
        yield self.diagnostic(
            "this message is never long enough",
            record.location.at(field=pointer),
            fix=Fix.safe("append a '+'", SetValue(pointer, last["content"] + "+")),
        )


@hookimpl
def ftlint_rules():
    return [NeverSettles]

"""FT401 empty-completion: a prompt/completion example without an answer."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.legacy.features import texts_of

from ftlint import Applicability, Diagnostic, DropRecord, Fix, Record, Rule, Scope, Severity
from ftlint.shapes import blank


class EmptyCompletion(Rule):
    """## What it does
    Reports prompt/completion examples whose completion is missing, null, empty or only
    whitespace and control characters (CSV rows with an empty answer cell included).

    ## Why is this bad?
    The example teaches nothing but stopping at once; the legacy `prepare_data` tool removed
    such rows before anything else.

    ## Example
    `{"prompt": "What is the capital of France? ->", "completion": ""}`

    ## Fix safety
    Unsafe: the example is dropped (`--unsafe-fixes`) and listed in the report. Write the
    missing answer instead if you have it.
    """

    code = "FT401"
    name = "empty-completion"
    scope = Scope.RECORD
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        texts = texts_of(record)
        if texts is None or not blank(texts[1]):
            return ()
        what = "missing" if record.data.get("completion") is None else "empty"
        return [
            self.diagnostic(
                f"the completion is {what}: this example teaches the model nothing",
                record.location.at(field="/completion"),
                fix=Fix.unsafe("drop the example", DropRecord(f"{what} completion")),
            )
        ]

"""FT210: a `.json` file whose examples are the list under one key of an object."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint import Diagnostic, ReaderProblemRule, Record, Severity


class RecordsUnderKey(ReaderProblemRule):
    """## What it does
    Reports a `.json` file whose examples are the list held by one key of a top-level object
    (`{"data": [...]}`), and says which key was used. Information when the object holds one
    such list; a warning when several keys hold lists of objects and only one was read.

    ## Why is this bad?
    Providers expect one example per line; the wrapper must go. When several lists are
    present (`train` and `test` in one file), the others are not part of the output.

    ## Example
    `{"version": 2, "data": [{"prompt": "...", "completion": "..."}]}`

    ## Fix safety
    Nothing to fix in the data: `prepare` writes the examples of the list as JSONL.
    """

    code = "FT210"
    name = "records-under-key"
    severity = Severity.INFO

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        for diagnostic in super().check_record(record):
            detail = record.problem.detail if record.problem is not None else None
            if detail and detail.get("ignored_lists"):
                diagnostic.severity = Severity.WARNING
            yield diagnostic

"""FT201: a line (JSONL) or an item (JSON) that is not valid JSON."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class InvalidJson(ReaderProblemRule):
    """## What it does
    Reports a line (JSONL) or an item (JSON) that is not valid JSON, with its line and column.

    ## Why is this bad?
    The provider rejects the whole file for one bad line. Common causes: a raw tab or newline
    inside a string, a trailing comma, single quotes, a line cut in two by an editor.

    ## Example
    `{"prompt": "Hello	world", "completion": " Hi"}` (a raw TAB inside the string)

    ## Fix safety
    `prepare` cannot repair it and leaves the record out; it is listed as dropped in the report.
    """

    code = "FT201"
    name = "invalid-json"
    provider_error = r"json|parse|expecting value"
    severity = Severity.ERROR

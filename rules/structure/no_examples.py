"""FT215: a file with content but not one example in it."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class NoExamples(ReaderProblemRule):
    """## What it does
    Reports a file that holds content but not a single example: an empty JSON array `[]`, a
    JSON document whose values are no records, a table with a header and only empty rows.

    ## Why is this bad?
    There is nothing to train on, and nothing else would be reported: the file reads as
    clean. A file with no content at all is `empty-file`'s.

    ## Example
    `[]`

    ## Fix safety
    No fix: the examples are missing from the file; export it again.
    """

    code = "FT215"
    name = "no-examples"
    severity = Severity.ERROR

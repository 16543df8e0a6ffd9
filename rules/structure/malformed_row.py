"""FT211: a CSV/TSV row that the CSV parser cannot read."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class MalformedRow(ReaderProblemRule):
    """## What it does
    Reports a CSV/TSV row that the CSV parser cannot read at all (for instance a NUL byte on
    Python versions whose `csv` module rejects it). The rest of the file is still read.

    ## Why is this bad?
    The row cannot become an example; it is left out of the output and listed as dropped.

    ## Example
    A row holding a raw NUL character (`\\x00`) from a binary copy-paste.

    ## Fix safety
    No automatic fix: repair the row in the source file.
    """

    code = "FT211"
    name = "malformed-row"
    severity = Severity.ERROR

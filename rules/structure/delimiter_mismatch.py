"""FT209: a delimited file whose delimiter is not the one its extension says."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class DelimiterMismatch(ReaderProblemRule):
    """## What it does
    Reports a delimited file whose real delimiter is not the one its extension says: a `.csv`
    written with semicolons (Excel in many European locales) or tabs, a `.tsv` with commas.
    The delimiter is checked on the head of the file, and the file is read with the real one.

    ## Why is this bad?
    It is not a problem for ftlint, which reads it right; other tools that trust the
    extension see one single column.

    ## Example
    `question;answer` in `faq.csv`: `this .csv file is semicolon-separated ...`

    ## Fix safety
    Nothing to fix: `prepare` writes JSONL.
    """

    code = "FT209"
    name = "delimiter-mismatch"
    severity = Severity.INFO

"""FT206: a `.jsonl` file that is one JSON array or pretty-printed objects."""

from __future__ import annotations

from ftlint import Applicability, FileAction, FileEdit, Fix, ReaderProblemRule, Record, Severity


class NotLineDelimited(ReaderProblemRule):
    """## What it does
    Reports a `.jsonl` file that is really one JSON array, or a series of pretty-printed
    objects spread over several lines each. ftlint reads it anyway, with line numbers.

    ## Why is this bad?
    JSONL means one complete object per line; the provider reads the file line by line and
    rejects every partial line.

    ## Example
    ```
    {
      "messages": [ ... ]
    }
    ```

    ## Fix safety
    Safe: `prepare` (and `check --fix`) write one object per line.
    """

    code = "FT206"
    name = "not-line-delimited"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

    def make_fix(self, record: Record) -> Fix | None:
        return Fix.safe("write one object per line", FileEdit(FileAction.REWRITE_LINES))

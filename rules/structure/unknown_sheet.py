"""FT213: a `--sheet` that the workbook does not have."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class UnknownSheet(ReaderProblemRule):
    """## What it does
    Reports a `--sheet NAME` that the workbook does not have, with the sheets it does have.

    ## Why is this bad?
    Nothing was read from the workbook.

    ## Example
    `no sheet 'Sheet1' in the workbook; its sheets are: 'QR', 'Notes'`

    ## Fix safety
    No fix: pass one of the listed names (or no `--sheet` to read every sheet).
    """

    code = "FT213"
    name = "unknown-sheet"
    severity = Severity.ERROR

"""FT212: an `.xlsx` file, or a sheet of it, that cannot be read."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class UnreadableWorkbook(ReaderProblemRule):
    """## What it does
    Reports an `.xlsx` file that cannot be opened as a workbook (not a zip archive, a
    truncated download, an old binary `.xls` or a password-protected file renamed to
    `.xlsx`), or a sheet whose content cannot be read to the end.

    ## Why is this bad?
    Nothing in it (or nothing after the broken part) was checked or prepared.

    ## Example
    `data.xlsx is not an XLSX workbook: File is not a zip file`

    ## Fix safety
    No fix: open the file in a spreadsheet program and save it again as `.xlsx`, or export
    it to CSV.
    """

    code = "FT212"
    name = "unreadable-workbook"
    severity = Severity.ERROR

"""FT208: a table row wider than the header, or lacking cells of named columns."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class RaggedRow(ReaderProblemRule):
    """## What it does
    Reports a row with non-empty cells beyond the header's last column, or (CSV/TSV) a row
    that lacks cells of named columns. The row is still read: its cells are mapped by
    position, the surplus is left out and absent cells are empty.

    ## Why is this bad?
    A row of the wrong width almost always means a broken export: a delimiter inside an
    unquoted cell shifts every cell after it, an unclosed quote joins several lines into one
    cell. The example then pairs the wrong texts.

    ## Example
    `prompt,completion` header and the row `What is 2+2?,4,four` (3 cells).

    ## Fix safety
    No automatic fix: quote the cell that holds the delimiter, or close the quote.
    """

    code = "FT208"
    name = "ragged-row"
    severity = Severity.WARNING

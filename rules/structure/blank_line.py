"""FT203: an empty or whitespace-only line in a JSONL file."""

from __future__ import annotations

from ftlint import Applicability, FileAction, FileEdit, Fix, ReaderProblemRule, Record, Severity


class BlankLine(ReaderProblemRule):
    """## What it does
    Reports empty or whitespace-only lines in a JSONL file.

    ## Why is this bad?
    Strict JSONL parsers, the provider's among them, treat an empty line as an invalid record.

    ## Example
    Two records separated by an empty line.

    ## Fix safety
    Safe: the blank line is removed (`check --fix`, and `prepare` never writes one).
    """

    code = "FT203"
    name = "blank-line"
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE

    def make_fix(self, record: Record) -> Fix | None:
        # A blank line is not a record: the fix is rewriting the file without it.
        return Fix.safe("remove the blank line", FileEdit(FileAction.REMOVE_BLANK_LINES))

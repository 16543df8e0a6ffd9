"""``concise`` output: one line per problem, ``path:line:col: CODE [severity] message``, the
shape editors, ``grep`` and problem matchers read (ruff's concise format, plus the severity).

Problems fixed in this run are not listed (the closing line counts them); notes about the
run go to standard error so that standard output holds only problem lines and the summary.
"""

from __future__ import annotations

import sys
from typing import TextIO

from ftlint import Diagnostic, OutputFormat, Report, hookimpl


def position(diagnostic: Diagnostic) -> str:
    """``path[sheet]:line:col`` with whatever of line and column is known."""
    loc = diagnostic.location
    text = loc.path + (f"[{loc.sheet}]" if loc.sheet else "")
    if loc.line is not None:
        text += f":{loc.line}"
        if loc.column is not None:
            text += f":{loc.column}"
    return text


def one_line(text: str) -> str:
    return " ".join(text.split())


def concise_line(diagnostic: Diagnostic, labelled: bool = False) -> str:
    line = f"{position(diagnostic)}: {diagnostic.code} [{diagnostic.severity}] "
    if labelled and diagnostic.target:
        line += f"[{diagnostic.target}] "
    line += one_line(diagnostic.message)
    if diagnostic.location.field:
        line += f" ({diagnostic.location.field})"
    return line


class ConciseFormat(OutputFormat):
    name = "concise"
    description = "one line per problem: path:line:col: CODE [severity] message"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        from ftlint.plugins.output_text import summary_line

        for note in report.notes:
            print(f"ftlint: note: {note}", file=sys.stderr)
        for diagnostic in report.sorted_diagnostics():
            if not diagnostic.fixed:
                stream.write(concise_line(diagnostic, report.multi_target) + "\n")
        stream.write(summary_line(report) + "\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [ConciseFormat()]

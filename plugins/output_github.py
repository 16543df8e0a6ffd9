"""``github`` output: GitHub Actions workflow commands, which the runner turns into annotations
on the files of a pull request::

    ::error file=data/train.jsonl,line=3,col=17,title=FT201 invalid-json::invalid JSON: ...

errors become ``::error``, warnings ``::warning`` and figures ``::notice``. Values are escaped
as the runner requires: ``%``, CR and LF in the message; also ``:`` and ``,`` in properties.
Paths under the working directory are written relative to it (the checkout root in CI), which
is what annotations are matched against.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from ftlint import Diagnostic, OutputFormat, Report, Severity, hookimpl

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A ``key=value`` property of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def relative_path(path: str) -> str:
    """``path`` relative to the working directory when it lies under it, with ``/``."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return candidate.as_posix()
    return candidate.as_posix()


def command(diagnostic: Diagnostic) -> str:
    from ftlint.plugins.output_text import fix_hint

    loc = diagnostic.location
    properties = [f"file={escape_property(relative_path(loc.path))}"]
    if loc.line is not None and loc.sheet is None:  # an XLSX row is not a line of the file
        properties.append(f"line={loc.line}")
        if loc.column is not None:
            properties.append(f"col={loc.column}")
    properties.append(f"title={escape_property(f'{diagnostic.code} {diagnostic.name}')}")
    message = diagnostic.message
    where = []
    if loc.sheet is not None:
        where.append(f"sheet {loc.sheet}" + (f", row {loc.line}" if loc.line else ""))
    if loc.record is not None:
        where.append(f"record {loc.record}")
    if loc.field:
        where.append(loc.field)
    if where:
        message += f" ({', '.join(where)})"
    hint = fix_hint(diagnostic)
    if hint:
        message += "\n" + hint
    return f"::{COMMANDS[diagnostic.severity]} {','.join(properties)}::{escape_data(message)}"


class GithubFormat(OutputFormat):
    name = "github"
    description = "GitHub Actions workflow commands (annotations on pull requests)"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        from ftlint.plugins.output_text import summary_line

        for note in report.notes:
            stream.write(f"::notice title=ftlint::{escape_data(note)}\n")
        for diagnostic in report.sorted_diagnostics():
            if not diagnostic.fixed:
                stream.write(command(diagnostic) + "\n")
        stream.write(summary_line(report) + "\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [GithubFormat()]

"""``text`` output: the default, for people. Each problem with its location, severity, an
excerpt of the offending record and the fix on offer; then per-file figures and a summary.
Colour via rich, off when NO_COLOR is set or the stream is not a terminal."""

from __future__ import annotations

from typing import Any, TextIO

from ftlint.model import Applicability, Diagnostic, Severity
from ftlint.output import OutputFormat
from ftlint.pluginmanager import hookimpl
from ftlint.report import Report

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def make_console(stream: TextIO, color: bool | None) -> Any:
    from rich.console import Console

    return Console(
        file=stream,
        force_terminal=True if color else None,
        no_color=color is False,
        highlight=False,
        soft_wrap=True,
        emoji=False,
    )


def fix_hint(diagnostic: Diagnostic) -> str | None:
    fix = diagnostic.fix
    if fix is None:
        return None
    if diagnostic.fixed:
        return f"fixed: {fix.message}"
    if fix.applicability is Applicability.SAFE:
        return f"fix (safe, --fix): {fix.message}"
    if fix.applicability is Applicability.UNSAFE:
        return f"fix (unsafe, --unsafe-fixes): {fix.message}"
    return f"suggestion: {fix.message}"


def summary_line(report: Report) -> str:
    counts = report.counts()
    parts = [
        f"{counts[name]} {label}{'' if counts[name] == 1 else 's'}"
        for name, label in (("error", "error"), ("warning", "warning"), ("info", "note"))
        if counts[name]
    ]
    fixed = sum(1 for d in report.diagnostics if d.fixed)
    fixable = sum(
        1
        for d in report.remaining()
        if d.fix is not None and d.fix.edits and d.fix.applicability is Applicability.SAFE
    )
    text = "Found " + ", ".join(parts) if parts else "No problems found"
    if fixed:
        text += f"; fixed {fixed}"
    if fixable:
        text += f" ({fixable} fixable with --fix)"
    return text + "."


class TextFormat(OutputFormat):
    name = "text"
    description = "for people: locations, excerpts, fixes, figures (default)"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        from rich.markup import escape

        console = make_console(stream, color)
        for note in report.notes:
            console.print(f"[dim]note:[/] {escape(note)}")
        for d in report.sorted_diagnostics():
            style = STYLE[d.severity]
            console.print(
                f"[bold]{escape(d.location.describe())}[/]: [{style}]{d.code}[/] "
                f"[{style}]{d.severity}[/]: {escape(d.message)} [dim]({d.name})[/]"
            )
            if d.excerpt:
                console.print(f"  [dim]│[/] {escape(d.excerpt)}")
            hint = fix_hint(d)
            if hint:
                console.print(f"  [green]{escape(hint)}[/]")
        for file in report.files:
            self._file_figures(console, file)
        ok = report.exit_code == 0
        console.print(f"[{'green' if ok else 'bold red'}]{summary_line(report)}[/]")

    def _file_figures(self, console: Any, file: Any) -> None:
        from rich.markup import escape

        line = f"[bold]{escape(file.path)}[/]: {file.records} records"
        if file.reader:
            line += f" ({file.reader})"
        if file.written is not None:
            line += f", {file.written} written"
        if file.dropped:
            line += f", {len(file.dropped)} dropped"
        console.print(line)
        for output in file.outputs:
            console.print(f"  wrote {escape(output)}")
        for dropped in file.dropped[:20]:
            console.print(
                f"  [dim]dropped {escape(dropped.location.describe())}: {escape(dropped.reason)}[/]"
            )
        if len(file.dropped) > 20:
            console.print(
                f"  [dim]... and {len(file.dropped) - 20} more dropped records "
                "(all are listed in the JSON report)[/]"
            )
        for key, value in file.summary.items():
            if isinstance(value, (str, int, float)):
                console.print(f"  {escape(str(key))}: {escape(str(value))}")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [TextFormat()]

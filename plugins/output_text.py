"""``text`` output: the default, for people. Each problem with its location, severity, an
excerpt of the offending record and the fix on offer; then, per file, a compact block of
figures (records, examples, tokens, cost) and the records left out of the output; then a
one-line summary.

Repeated findings (one rule, one message pattern, one file) are one line with their count and
first locations (``ftlint.grouping``) unless ``--show-all``; ``-q`` shows the findings alone; in
a hook (``ReportOptions.compact``) the figures block is left out unless ``--figures``.

Colour via rich, only on a terminal (or with ``--color always``), never with ``NO_COLOR``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from ftlint.plugins import plain_text

from ftlint import (
    Applicability,
    Diagnostic,
    FileReport,
    OutputFormat,
    Report,
    Severity,
    format_usd,
    grouping,
    hookimpl,
    printable,
)

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
#: Dropped records listed per file; the JSON report lists them all.
MAX_DROPPED = 20
#: Summary keys shown by a dedicated line of the figures block.
_KNOWN_FIGURES = {
    "examples", "validation_examples", "shapes", "tokens", "epochs", "epochs_source",
    "billed_tokens", "estimated_cost_usd", "price_per_1m", "price_source", "model",
    "train_examples", "valid_examples", "epochs_rule",
}  # fmt: skip


def make_console(stream: TextIO, color: bool | None) -> Any:
    """A rich console on ``stream``: colour forced (True), off (False), or decided by rich
    from the stream being a terminal and from ``NO_COLOR`` (None). Where rich would write
    plain text (no terminal), the same text without importing rich (``plain_text``)."""

    def rich_console() -> Any:
        from rich.console import Console

        return Console(
            file=stream,
            force_terminal=True if color else None,
            no_color=color is False,
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )

    if plain_text.writes_plain(stream, color):
        return plain_text.PlainConsole(stream, rich_console)
    return rich_console()


def fix_hint(diagnostic: Diagnostic, report: Report | None = None) -> str | None:
    """How the fix of ``diagnostic`` applies: ``--fix`` in a check of a file it rewrites,
    ``ftlint prepare --fix`` for the others (``Report.fix_option``)."""
    fix = diagnostic.fix
    if fix is None:
        return None
    if diagnostic.fixed:
        return f"fixed: {fix.message}"
    if diagnostic.rejected:
        return f"rejected: the record is not written (the fix on offer: {fix.message})"
    if fix.applicability is Applicability.SAFE:
        option = report.fix_option(diagnostic) if report is not None else "--fix"
        return f"fix (safe, {option}): {fix.message}"
    if fix.applicability is Applicability.UNSAFE:
        option = report.fix_option(diagnostic, True) if report is not None else "--unsafe-fixes"
        return f"fix (unsafe, {option}): {fix.message}"
    return f"suggestion: {fix.message}"


def summary_line(report: Report) -> str:
    counts = report.counts()
    parts = [
        f"{counts[name]} {label}{'' if counts[name] == 1 else 's'}"
        for name, label in (("error", "error"), ("warning", "warning"), ("info", "note"))
        if counts[name]
    ]
    fixed = sum(1 for d in report.diagnostics if d.fixed)
    fixable: dict[str, int] = {}
    for d in report.remaining():
        if d.rejected or d.fix is None or not d.fix.edits:
            continue
        if d.fix.applicability is Applicability.SAFE:
            option = report.fix_option(d)
            fixable[option] = fixable.get(option, 0) + 1
    text = "Found " + ", ".join(parts) if parts else "No problems found"
    if fixed:
        text += f"; fixed {fixed}"
    if fixable:
        text += " (" + ", ".join(f"{n} fixable with {o}" for o, n in fixable.items()) + ")"
    suppressed = getattr(report, "suppressed", 0)
    if suppressed:
        text += f"; {suppressed:,} in the baseline"
    text += "."
    if report.command == "prepare":
        text = _records_sentence(report) + " " + text
    return text


def _records_sentence(report: Report) -> str:
    """prepare's outcome in words: written, fixed, dropped, rejected."""
    files = [f for f in report.files if f.written is not None]
    written = sum(f.written or 0 for f in files)
    read = sum(f.records for f in files)
    fixed = sum(f.fixed_records or 0 for f in files)
    dropped = sum(f.dropped_by_fix for f in files)
    rejected = sum(f.rejected for f in files)
    text = f"Wrote {_number(written)} of {_plural(read, 'record')}"
    text += f" ({_number(fixed)} fixed, {_number(dropped)} dropped, {_number(rejected)} rejected)"
    sidecars = [f.rejected_file for f in files if f.rejected_file]
    if sidecars:
        text += "; the rejected records and their reasons are in " + ", ".join(sidecars)
        if report.allow_rejects:
            text += " (allowed: --allow-rejects)"
    elif written == 0 and files:
        text += "; no output was written"
    return text + "."


# -- figures -----------------------------------------------------------------------------------


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _plural(count: Any, noun: str) -> str:
    return f"{_number(count)} {noun}{'' if count == 1 else 's'}"


def _examples_line(summary: dict[str, Any]) -> str | None:
    parts = []
    if isinstance(summary.get("examples"), int):
        text = _plural(summary["examples"], "example")
        shapes = summary.get("shapes")
        if isinstance(shapes, dict) and shapes:
            text += " (" + ", ".join(f"{k} {_number(v)}" for k, v in shapes.items()) + ")"
        parts.append(text)
    if isinstance(summary.get("validation_examples"), int):
        parts.append(f"{_number(summary['validation_examples'])} for validation")
    return " · ".join(parts) or None


def _tokens_line(tokens: Any) -> str | None:
    if not isinstance(tokens, dict) or not isinstance(tokens.get("total"), (int, float)):
        return None
    parts = [f"tokens {_number(tokens['total'])}"]
    if isinstance(tokens.get("trained"), (int, float)):
        parts[0] += f" ({_number(tokens['trained'])} trained)"
    spread = tokens.get("distribution", {})
    total = spread.get("total") if isinstance(spread, dict) else None
    if isinstance(total, dict) and {"median", "p95", "max"} <= total.keys():
        per = (
            f"per example median {_number(total['median'])}, p95 {_number(total['p95'])}, "
            f"max {_number(total['max'])}"
        )
        if isinstance(tokens.get("limit"), int):
            per += f" (limit {_number(tokens['limit'])})"
        parts.append(per)
    if isinstance(tokens.get("encoding"), str):
        parts.append(tokens["encoding"])
    return " · ".join(parts)


def _target_cost(summary: dict[str, Any]) -> str:
    """A verdict's own cost figures (each target has its epochs and price): billed tokens,
    epochs and where they come from, and the dollar figure or why there is none."""
    tokens = summary.get("tokens")
    per_epoch = tokens.get("billed_per_epoch") if isinstance(tokens, dict) else None
    if not isinstance(per_epoch, (int, float)):
        return ""
    epochs, billed = summary.get("epochs"), summary.get("billed_tokens")
    if isinstance(epochs, int) and isinstance(billed, (int, float)):
        text = f"billed {_number(billed)} tokens ({_plural(epochs, 'epoch')}"
        text += f", {summary['epochs_source']})" if summary.get("epochs_source") else ")"
    else:
        text = f"billed {_number(per_epoch)} tokens per epoch (no published default epochs)"
    cost = summary.get("estimated_cost_usd")
    if isinstance(cost, (int, float)):
        text += f" ≈ {format_usd(cost)}"
    elif summary.get("price_per_1m") is None:
        text += "; no published price"
    return text


def _cost_line(summary: dict[str, Any]) -> str | None:
    billed = summary.get("billed_tokens")
    if not isinstance(billed, (int, float)):
        return None
    text = f"training {_number(billed)} billed tokens"
    if isinstance(summary.get("epochs"), int):
        text += f" ({_plural(summary['epochs'], 'epoch')}"
        if summary.get("epochs_source"):
            text += f", {summary['epochs_source']}"
        if summary.get("epochs_rule"):
            text += f": {summary['epochs_rule']}"
        text += ")"
    cost = summary.get("estimated_cost_usd")
    priced = isinstance(cost, (int, float))
    if priced:
        text += f" ≈ {format_usd(cost)}"
        if isinstance(summary.get("price_per_1m"), (int, float)):
            text += f" at ${summary['price_per_1m']:,.2f} per 1M"
    # The price's source only beside a price: "together price table" with no dollar figure
    # would read as if there were one.
    details = [str(summary[k]) for k in ("model",) if summary.get(k)]
    if priced and summary.get("price_source"):
        details.append(str(summary["price_source"]))
    elif summary.get("price_per_1m") is None and "price_source" in summary:
        details.append("no published price")
    if details:
        text += f" ({', '.join(details)})"
    return text


def figure_lines(summary: dict[str, Any]) -> Iterator[str]:
    """The figures rules contributed to a file's summary, a few per line; nested figures
    that have no line of their own are left to the JSON report."""
    for line in (
        _examples_line(summary),
        _tokens_line(summary.get("tokens")),
        _cost_line(summary),
    ):
        if line:
            yield line
    others = [
        f"{key} {_number(value)}"
        for key, value in summary.items()
        if key not in _KNOWN_FIGURES and isinstance(value, (str, int, float))
    ]
    if others:
        yield " · ".join(others)


# -- token statistics (the token-cost rule's distribution and histogram) ------------------------

HISTOGRAM_WIDTH = 40


def token_statistics_lines(summary: dict[str, Any]) -> list[str]:
    """The per-example distribution of tokens and messages as a small table, and a histogram
    of tokens per example (power-of-two buckets), from the token-cost rule's summary."""
    tokens = summary.get("tokens")
    if not isinstance(tokens, dict):
        return []
    spread = tokens.get("distribution")
    lines: list[str] = []
    columns = ("min", "p5", "median", "mean", "p95", "max")
    if isinstance(spread, dict):
        rows = [
            (label, spread.get(key))
            for label, key in (
                ("total tokens", "total"),
                ("trained tokens", "trained"),
                ("messages", "messages"),
            )
            if isinstance(spread.get(key), dict) and spread.get(key)
        ]
        if rows:
            lines.append(f"{'per example':<15}" + "".join(f"{c:>10}" for c in columns))
            for label, values in rows:
                cells = "".join(f"{_number(values.get(c, '')):>10}" for c in columns)
                lines.append(f"{label:<15}{cells}")
    histogram = tokens.get("histogram")
    if isinstance(histogram, dict) and histogram.get("counts"):
        counts, edges = histogram["counts"], histogram["edges"]
        limit = (histogram.get("limit") or [None])[0]
        most = max(counts) or 1
        lines.append("tokens per example:")
        for i, count in enumerate(counts):
            low, high = edges[i], edges[i + 1] - 1
            bar = "█" * max(1 if count else 0, round(count / most * HISTOGRAM_WIDTH))
            mark = f"  ← limit {_number(limit)}" if limit and low <= limit <= high else ""
            label = f"{_number(low)}–{_number(high)}"
            lines.append(f"  {label:>15} {bar:<{HISTOGRAM_WIDTH}} {_number(count)}{mark}")
    return lines


def file_header(file: FileReport) -> str:
    parts = [file.reader or "unread", _plural(file.records, "record")]
    if file.written is not None:  # every record read is accounted for
        parts.append(f"{_number(file.written)} written")
        parts.append(f"{_number(file.dropped_by_fix)} dropped")
    if file.written is not None or file.rejected:
        parts.append(f"{_number(file.rejected)} rejected")
    return " · ".join(parts)


# -- the format --------------------------------------------------------------------------------


VERDICT_STYLE = {
    "accepted": "green",
    "accepted with warnings": "yellow",
    "rejected": "bold red",
}
#: Deciding findings named per target in the verdict lines (the rest are counted).
MAX_DECIDING = 6


class TextFormat(OutputFormat):
    name = "text"
    description = "for people: locations, excerpts, fixes, figures (default)"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        console = make_console(stream, color)
        self._report = report  # for the fix hints (which option applies a fix)
        options = report.options
        labelled = report.multi_target
        if not options.quiet:
            for note in report.notes:
                console.print(f"[dim]note:[/] {_escape(note)}")
        diagnostics = report.sorted_diagnostics()
        if options.show_all:
            for diagnostic in diagnostics:
                self._diagnostic(console, diagnostic, labelled)
        else:
            for group in grouping.group_diagnostics(diagnostics):
                if group.count == 1:
                    self._diagnostic(console, group.first, labelled)
                else:
                    self._group(console, group, options.group_locations, labelled)
        if options.quiet:
            return
        figures = not options.compact or options.figures
        for file in report.files:
            self._file(console, file, figures)
        if labelled:
            self._verdicts(console, report)
        if options.show_fixes:
            self._fixes(console, report)
        ok = report.exit_code == 0
        console.print(f"[{'green' if ok else 'bold red'}]{_escape(summary_line(report))}[/]")

    def _group(
        self, console: Any, group: grouping.Group, limit: int, labelled: bool = False
    ) -> None:
        d = group.first
        style = "dim" if d.fixed else STYLE[d.severity]
        where = group.where(limit)
        label = _target_label(d, labelled)
        console.print(
            f"[bold]{_escape(group.path)}[/]: [{style}]{d.code} {d.severity}[/]{label}: "
            f"{_escape(group.message)} [dim]({d.name})[/] [bold]×{group.count:,}[/] — "
            f"{_escape(where)} [dim](--show-all to list every one)[/]"
        )
        self._details(console, d)

    def _fixes(self, console: Any, report: Report) -> None:
        """``--show-fixes``: per file, the fixes applied and those on offer, with counts."""
        applied: dict[tuple[str, str, str], int] = {}
        available: dict[tuple[str, str, str, str], int] = {}
        for d in report.sorted_diagnostics():
            if d.fix is None or not d.fix.edits:
                continue
            if d.fixed:
                key = (d.location.path, d.code, d.fix.message)
                applied[key] = applied.get(key, 0) + 1
            else:
                kind = str(d.fix.applicability)
                akey = (d.location.path, d.code, d.fix.message, kind)
                available[akey] = available.get(akey, 0) + 1
        if applied:
            console.print(f"[bold]Fixed {sum(applied.values()):,}:[/]")
            for (path, code, message), count in applied.items():
                console.print(f"  {_escape(path)}: {count:,} × {code} {_escape(message)}")
        if available:
            console.print(f"[bold]Fixes available ({sum(available.values()):,}):[/]")
            for (path, code, message, kind), count in available.items():
                flag = "--fix" if kind == "safe" else "--unsafe-fixes"
                console.print(
                    f"  {_escape(path)}: {count:,} × {code} {_escape(message)} "
                    f"[dim]({kind}, {flag})[/]"
                )
        if not applied and not available:
            console.print("[dim]No fixes applied or available.[/]")

    def _diagnostic(self, console: Any, d: Diagnostic, labelled: bool = False) -> None:
        style = "dim" if d.fixed else STYLE[d.severity]
        label = _target_label(d, labelled)
        console.print(
            f"[bold]{_escape(d.location.describe())}[/]: [{style}]{d.code} {d.severity}[/]"
            f"{label}: {_escape(d.message)} [dim]({d.name})[/]"
        )
        self._details(console, d)

    def _details(self, console: Any, d: Diagnostic) -> None:
        """The lines under a finding (or a group of them): its excerpt and its fix hint."""
        if d.excerpt:
            console.print(f"  [dim]│ {_escape(d.excerpt)}[/]")
        hint = fix_hint(d, getattr(self, "_report", None))
        if hint:
            console.print(f"  [{'dim' if d.fixed else 'green'}]{_escape(hint)}[/]")

    def _verdicts(self, console: Any, report: Report) -> None:
        """One line per target: its verdict and the findings that decide it."""
        console.print("[bold]verdicts[/] (findings without a target label hold for all):")
        for verdict in report.verdicts():
            style = VERDICT_STYLE.get(verdict.verdict, "")
            deciding = ", ".join(
                f"{code} {name}" + (f" x{count}" if count > 1 else "")
                for code, name, count in verdict.findings[:MAX_DECIDING]
            )
            if len(verdict.findings) > MAX_DECIDING:
                deciding += f", ... ({len(verdict.findings) - MAX_DECIDING} more)"
            model = f" ({verdict.model})" if verdict.model else ""
            console.print(
                f"  {_escape(verdict.target + model)}: [{style}]{verdict.verdict}[/]"
                + (f" [dim]-- {_escape(deciding)}[/]" if deciding else "")
            )
            cost = _target_cost(verdict.summary)
            if cost:
                console.print(f"    [dim]{_escape(cost)}[/]")

    def _file(self, console: Any, file: FileReport, figures: bool = True) -> None:
        console.print(f"[bold]{_escape(file.path)}[/]: {_escape(file_header(file))}")
        for output in file.outputs:
            console.print(f"  wrote {_escape(printable(output))}")
        try:
            lines = list(figure_lines(file.summary)) if figures else []
            if figures:
                lines.extend(token_statistics_lines(file.summary))
        except Exception:  # figures come from plugins: never let one break the report
            lines = []
        for line in lines:
            console.print(f"  {_escape(line)}")
        if not file.dropped:
            return
        dropped = [d for d in file.dropped if not d.rejected]
        rejected = [d for d in file.dropped if d.rejected]
        where = ""
        if file.rejected_file:
            where = f", with their reasons in {printable(file.rejected_file)}"
        if file.written is None or not rejected or not dropped:
            title = "rejected" if rejected and not dropped and where else "left out of the output"
            self._left_out(console, title, file.dropped, where if rejected else "")
            return
        self._left_out(console, "dropped by a fix", dropped)
        self._left_out(console, "rejected", rejected, where)

    def _left_out(self, console: Any, title: str, records: list, tail: str = "") -> None:
        console.print(f"  [yellow]{_escape(f'{title} ({len(records)}){tail}')}:[/]")
        for dropped in records[:MAX_DROPPED]:
            where = _dropped_where(dropped.location)
            code = f" [{dropped.code}]" if dropped.code else ""
            console.print(f"    [dim]{_escape(f'{where}: {dropped.reason}{code}')}[/]")
        if len(records) > MAX_DROPPED:
            console.print(
                f"    [dim]... and {len(records) - MAX_DROPPED} more "
                "(all are listed in the JSON report)[/]"
            )


def _dropped_where(location: Any) -> str:
    """``line 4 (record 3)``, ``sheet QR row 7 (record 6)``: the path is in the header."""
    parts = []
    if location.sheet is not None:
        parts.append(f"sheet {location.sheet}")
    if location.line is not None:
        parts.append(f"{'row' if location.sheet is not None else 'line'} {location.line}")
    where = " ".join(parts)
    if location.record is not None:
        where += f" (record {location.record})" if where else f"record {location.record}"
    return where or "the file"


def _escape(text: str) -> str:
    return plain_text.escape(text)


def _target_label(d: Diagnostic, labelled: bool) -> str:
    """In a run over several targets each finding says which target it is about; one without
    a label holds for all of them."""
    return f" [cyan]\\[{_escape(d.target)}][/]" if labelled and d.target else ""


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [TextFormat()]

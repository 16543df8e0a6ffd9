"""``rdjson`` output: the Reviewdog Diagnostic Format as one JSON document
(``DiagnosticResult``), for ``reviewdog -f=rdjson`` to comment on pull requests.

Fields as reviewdog's ``proto/rdf/reviewdog.proto`` defines them: ``source`` (name, url),
``diagnostics`` with ``message``, ``location`` (``path`` relative to the project root, a
line-wise ``range``), ``severity`` (``ERROR``, ``WARNING``, ``INFO``), ``code`` (value) and, for a
safe fix on offer, ``suggestions``: the lines ``--fix`` rewrites (an end-exclusive range from
the first line to the start of the line after the last) and their new text, from the run's fix
preview (a change of at most ``OWN_HUNK_LINES`` lines in a row: a longer one is no one
finding's). Ranges are line-wise because the format counts columns in UTF-8 bytes and ftlint in
characters; a finding about the whole file is at line 1.
"""

from __future__ import annotations

from typing import Any, TextIO

from ftlint.plugins.output_sarif import information_uri, project_relative

from ftlint import Diagnostic, OutputFormat, Report, Severity, hookimpl, pretty_json

SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def suggestion(d: Diagnostic, preview: Any) -> dict[str, Any] | None:
    fix = d.fix
    if preview is None or fix is None or d.fixed or not fix.edits:
        return None
    if str(fix.applicability) != "safe":
        return None
    hunk = preview.own_hunk_at(d.location.line)
    if hunk is None:
        return None
    end = hunk.start + len(hunk.old)
    return {
        "range": {"start": {"line": hunk.start, "column": 1}, "end": {"line": end, "column": 1}},
        "text": "".join(hunk.new),
    }


def diagnostic(d: Diagnostic, root: str | None, preview: Any) -> dict[str, Any]:
    loc = d.location
    line = loc.line if loc.line is not None and loc.sheet is None else 1
    message = d.message + (f" ({loc.field})" if loc.field else "")
    item: dict[str, Any] = {
        "message": message,
        "location": {
            "path": project_relative(loc.path, root) or loc.path,
            "range": {"start": {"line": line}},
        },
        "severity": SEVERITIES[d.severity],
        "code": {"value": f"{d.code}"},
    }
    found = suggestion(d, preview)
    if found is not None:
        item["suggestions"] = [found]
    return item


def result(report: Report) -> dict[str, Any]:
    root = getattr(getattr(report, "options", None), "project_root", None)
    previews = getattr(report, "previews", None) or {}
    findings = [d for d in report.sorted_diagnostics() if not d.fixed]
    document: dict[str, Any] = {
        "source": {"name": "ftlint", "url": information_uri()},
        "diagnostics": [diagnostic(d, root, previews.get(d.location.path)) for d in findings],
    }
    if findings:
        document["severity"] = SEVERITIES[max(d.severity for d in findings)]
    return document


class RdjsonFormat(OutputFormat):
    name = "rdjson"
    description = "Reviewdog Diagnostic Format (reviewdog -f=rdjson), with fix suggestions"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        stream.write(pretty_json(result(report)))  # json.dumps(indent=2)'s text
        stream.write("\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [RdjsonFormat()]

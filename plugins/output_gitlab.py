"""``gitlab`` output: GitLab Code Quality JSON (the ``codequality`` report artifact), shown in
merge request widgets and diffs.

One object per finding with the fields GitLab documents for the format ("Code Quality report
format", docs.gitlab.com/ci/testing/code_quality/, read 2026-12-03): ``description``,
``check_name``, ``fingerprint``, ``severity`` (``info``, ``minor``, ``major``, ``critical``,
``blocker``), ``location.path`` (relative to the repository root) and ``location.lines.begin``.
GitLab tells new findings from old ones by the fingerprint, so it must be stable and unique:
here a hash of the rule, the file, the field, the message and the excerpt of the record (its
content, not its line number: inserting other records changes nothing), with a counter for
identical findings. A finding about the whole file is at line 1.
"""

from __future__ import annotations

from typing import Any, TextIO

from ftlint.plugins.output_sarif import project_relative

from ftlint import Diagnostic, OutputFormat, Report, Severity, hookimpl, pretty_json

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "minor", Severity.INFO: "info"}


def fingerprints(diagnostics: list[Diagnostic], paths: list[str]) -> list[str]:
    """A stable, unique fingerprint per finding (see the module doc)."""
    import hashlib

    seen: dict[str, int] = {}
    out = []
    for d, path in zip(diagnostics, paths, strict=True):
        loc = d.location
        text = "\x1f".join(
            (d.code, path, loc.sheet or "", loc.field or "", d.message, d.excerpt or "")
        )
        digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
        count = seen.get(digest, 0)
        seen[digest] = count + 1
        if count:
            digest = hashlib.sha256(f"{digest}:{count}".encode()).hexdigest()
        out.append(digest)
    return out


def issues(report: Report) -> list[dict[str, Any]]:
    root = getattr(getattr(report, "options", None), "project_root", None)
    findings = [d for d in report.sorted_diagnostics() if not d.fixed]
    paths = [project_relative(d.location.path, root) or d.location.path for d in findings]
    items = []
    for d, path, fingerprint in zip(findings, paths, fingerprints(findings, paths), strict=True):
        line = d.location.line if d.location.line is not None and not d.location.sheet else 1
        description = d.message
        if d.location.field:
            description += f" ({d.location.field})"
        items.append(
            {
                "type": "issue",
                "description": description,
                "check_name": f"{d.code} {d.name}",
                "fingerprint": fingerprint,
                "severity": SEVERITIES[d.severity],
                "location": {"path": path, "lines": {"begin": line}},
                "categories": ["Bug Risk" if d.severity is Severity.ERROR else "Style"],
            }
        )
    return items


class GitlabFormat(OutputFormat):
    name = "gitlab"
    description = "GitLab Code Quality JSON (merge request widget), stable fingerprints"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        stream.write(pretty_json(issues(report)))  # json.dumps(indent=2)'s text
        stream.write("\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [GitlabFormat()]

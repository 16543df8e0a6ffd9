"""``sarif`` output: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` describes every rule that has a result (its documentation is
the rule's docstring); each result has a physical location (the file, relative to the working
directory, with line and column when known) and logical locations for the record and the JSON
pointer inside it. Columns count Unicode code points (``columnKind``).

A SARIF ``fix`` must carry byte-level replacements, which ftlint's edits are not (they change
parsed records, or re-encode the whole file), so the fix on offer is in the result's
``properties.fix`` instead: applicability, message, and whether this run applied it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePath
from typing import Any, TextIO
from urllib.parse import quote

from ftlint import (
    Diagnostic,
    Location,
    OutputFormat,
    Report,
    Rule,
    Severity,
    __version__,
    hookimpl,
)

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SRCROOT = "%SRCROOT%"
FALLBACK_URI = "https://pypi.org/project/ftlint/"


def information_uri() -> str:
    """The project's home page from the installed distribution's metadata."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("ftlint")
    except PackageNotFoundError:
        return FALLBACK_URI
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in {"homepage", "home", "source", "repository"} and url.strip():
            return url.strip()
    return meta.get("Home-page") or FALLBACK_URI


def known_rules() -> dict[tuple[str, str], type[Rule]]:
    """Every rule class imported in this process (core and plugins), by code and name."""
    found: dict[tuple[str, str], type[Rule]] = {}
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        code, name = cls.__dict__.get("code"), getattr(cls, "name", None)
        if isinstance(code, str) and isinstance(name, str):
            found.setdefault((code, name), cls)
    return found


def section(documentation: str, title: str) -> str | None:
    """The text of a ``## title`` section of a rule's documentation."""
    match = re.search(
        rf"^##\s*{re.escape(title)}\s*$(.*?)(?=^##\s|\Z)", documentation, re.M | re.S | re.I
    )
    if not match:
        return None
    text = " ".join(match.group(1).split())
    return text or None


def rule_descriptor(code: str, name: str, severity: Severity, cls: type[Rule] | None) -> dict:
    descriptor: dict[str, Any] = {"id": code, "name": name}
    if cls is None:
        descriptor["shortDescription"] = {"text": name}
        descriptor["defaultConfiguration"] = {"level": LEVELS[severity]}
        return descriptor
    documentation = cls.documentation()
    summary = cls.summary_line() or name
    descriptor["shortDescription"] = {"text": summary}
    descriptor["fullDescription"] = {"text": section(documentation, "What it does") or summary}
    descriptor["help"] = {"text": documentation, "markdown": documentation}
    descriptor["defaultConfiguration"] = {"level": LEVELS[cls.severity]}
    properties: dict[str, Any] = {"scope": str(cls.scope), "tags": [str(cls.scope)]}
    if cls.fix_safety():
        properties["fixApplicability"] = cls.fix_safety()
    if cls.targets:
        properties["targets"] = sorted(cls.targets)
    descriptor["properties"] = properties
    return descriptor


def artifact_location(path: str) -> dict[str, str]:
    """A URI relative to the working directory (``%SRCROOT%``) when the file lies under it."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(Path.cwd())
        except ValueError:
            return {"uri": candidate.as_uri()}
    return {"uri": quote(PurePath(candidate).as_posix()), "uriBaseId": SRCROOT}


def location(diagnostic: Diagnostic) -> dict[str, Any]:
    return location_of(diagnostic.location)


def location_of(loc: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(loc.path)}
    if loc.line is not None and loc.sheet is None:  # an XLSX row is not a line of the file
        region: dict[str, int] = {"startLine": loc.line}
        if loc.column is not None:
            region["startColumn"] = loc.column
        physical["region"] = region
    result: dict[str, Any] = {"physicalLocation": physical}
    logical = []
    prefix = f"sheets/{loc.sheet}/" if loc.sheet is not None else ""
    if loc.sheet is not None:
        logical.append(
            {"name": loc.sheet, "fullyQualifiedName": prefix.rstrip("/"), "kind": "namespace"}
        )
    if loc.record is not None:
        record = f"{prefix}records/{loc.record}"
        logical.append({"name": f"record {loc.record}", "fullyQualifiedName": record,
                        "kind": "object"})  # fmt: skip
        if loc.field:
            logical.append(
                {"name": loc.field, "fullyQualifiedName": record + loc.field, "kind": "property"}
            )
    elif loc.field:
        logical.append({"name": loc.field, "fullyQualifiedName": loc.field, "kind": "property"})
    if logical:
        result["logicalLocations"] = logical
    return result


def result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [location(diagnostic)],
    }
    if diagnostic.related:
        # The other example of a pair (the first copy of a duplicate ...), each with an id
        # and a message, as SARIF 2.1.0 section 3.27.22 describes relatedLocations.
        related = []
        for number, other in enumerate(diagnostic.related, 1):
            entry = {"id": number, **location_of(other.location)}
            if other.message:
                entry["message"] = {"text": other.message}
            if other.excerpt:
                entry["properties"] = {"excerpt": other.excerpt}
            related.append(entry)
        item["relatedLocations"] = related
    properties: dict[str, Any] = {"name": diagnostic.name}
    if diagnostic.location.sheet is not None and diagnostic.location.line is not None:
        properties["row"] = diagnostic.location.line
    if diagnostic.excerpt:
        properties["excerpt"] = diagnostic.excerpt
    if diagnostic.fix is not None:
        properties["fix"] = {
            "applicability": str(diagnostic.fix.applicability),
            "message": diagnostic.fix.message,
            "applied": diagnostic.fixed,
        }
    item["properties"] = properties
    return item


def sarif_log(report: Report) -> dict[str, Any]:
    diagnostics = [d for d in report.sorted_diagnostics() if not d.fixed]
    classes = known_rules()
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for diagnostic in sorted(diagnostics, key=lambda d: d.code):
        if diagnostic.code not in index:
            index[diagnostic.code] = len(rules)
            cls = classes.get((diagnostic.code, diagnostic.name))
            rules.append(rule_descriptor(diagnostic.code, diagnostic.name,
                                         diagnostic.severity, cls))  # fmt: skip
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "exitCode": report.exit_code,
        "toolExecutionNotifications": [
            {"message": {"text": note}, "level": "note"} for note in report.notes
        ],
    }
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ftlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": information_uri(),
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [result(d, index[d.code]) for d in diagnostics],
        "properties": {
            "command": report.command,
            "target": report.target,
            "model": report.model,
            "summary": report.summary(),
            "files": [file.to_dict() for file in report.files],
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


class SarifFormat(OutputFormat):
    name = "sarif"
    description = "SARIF 2.1.0 (GitHub code scanning, SARIF viewers)"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        json.dump(sarif_log(report), stream, ensure_ascii=False, indent=2, default=str)
        stream.write("\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [SarifFormat()]

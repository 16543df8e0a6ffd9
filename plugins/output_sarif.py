"""``sarif`` output: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` describes every rule that has a result (its documentation is
the rule's docstring); each result has a physical location and logical locations for the
record and the JSON pointer inside it. Columns count Unicode code points (``columnKind``).

What GitHub code scanning needs of a result (its "SARIF support for code scanning" page):
every result has a ``region`` (a finding about the whole file, or an XLSX row, is at line 1);
URIs are relative to the repository root (``uriBaseId`` ``%SRCROOT%``, resolved through
``originalUriBaseIds`` to the project root: the git work tree or ``--project-root``); file paths
and ``partialFingerprints`` are stable across runs (the fingerprint has no line number). A
finding on a JSONL line carries ``endLine``/``endColumn`` (the line's end).

A safe fix on offer is a SARIF ``fix``: the byte range of the lines ``--fix`` rewrites and
their new text, from the run's fix preview (``ftlint.fixpreview``, the real ``--fix`` on a
copy). A change of more than ``OWN_HUNK_LINES`` lines in a row (a fix of every record next to
dropped ones) is no one finding's and is left out of the ``fixes``. Every fix is also in
``properties.fix`` (applicability, message, applied).
"""

from __future__ import annotations

import os
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
    Streamed,
    __version__,
    hookimpl,
    pretty_json_pieces,
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


def project_relative(path: str, root: str | None = None) -> str | None:
    """``path`` (as the report shows it: relative to the working directory, or absolute) as a
    POSIX path relative to ``root`` (default: the working directory), or None outside it."""
    base = Path(root) if root else Path.cwd()
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = Path.cwd() / candidate
    try:
        relative = Path(os.path.normpath(candidate)).relative_to(Path(os.path.normpath(base)))
    except ValueError:
        try:  # a symbolic link on the way (/tmp -> /private/tmp)
            relative = candidate.resolve().relative_to(base.resolve())
        except (ValueError, OSError):
            return None
    return PurePath(relative).as_posix()


def artifact_location(path: str, root: str | None = None) -> dict[str, str]:
    """A URI relative to the project root (``%SRCROOT%``) when the file lies under it."""
    relative = project_relative(path, root)
    if relative is None:
        return {"uri": Path(os.path.abspath(path)).as_uri()}
    return {"uri": quote(relative), "uriBaseId": SRCROOT}


def fingerprint(diagnostic: Diagnostic, relative: str) -> str:
    """Stable across runs and unrelated edits: rule, file, field, message and excerpt (the
    record's content), never the line number."""
    import hashlib

    loc = diagnostic.location
    text = "\x1f".join(
        (diagnostic.code, relative, loc.sheet or "", loc.field or "", diagnostic.message,
         diagnostic.excerpt or "", getattr(diagnostic, "target", None) or "")
    )  # fmt: skip
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def line_lengths(path: str, wanted: set[int]) -> dict[int, int]:
    """Characters on each wanted line of a plain JSONL file (for ``endColumn``); empty when
    the file cannot be read as it was (standard input, compressed, gone)."""
    lengths: dict[int, int] = {}
    if not wanted or not os.path.isfile(path) or path.lower().endswith(_COMPRESSED):
        return lengths
    last = max(wanted)
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            for number, line in enumerate(handle, start=1):
                if number in wanted:
                    lengths[number] = len(line.rstrip("\r\n").lstrip("\ufeff"))
                if number >= last:
                    break
    except OSError:
        return {}
    return lengths


_COMPRESSED = (".gz", ".bz2", ".xz", ".zst")


def location(
    diagnostic: Diagnostic, root: str | None = None, lengths: dict[int, int] | None = None
) -> dict[str, Any]:
    return location_of(diagnostic.location, root, lengths)


def location_of(
    loc: Location, root: str | None = None, lengths: dict[int, int] | None = None
) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(loc.path, root)}
    if loc.line is not None and loc.sheet is None:  # an XLSX row is not a line of the file
        region: dict[str, int] = {"startLine": loc.line}
        if loc.column is not None:
            region["startColumn"] = loc.column
        length = (lengths or {}).get(loc.line)
        if length is not None:
            region["startColumn"] = region.get("startColumn", 1)
            region["endLine"] = loc.line
            region["endColumn"] = max(region["startColumn"], length + 1)
        physical["region"] = region
    else:  # the whole file, or a sheet's row: GitHub needs a region, line 1 names the file
        physical["region"] = {"startLine": 1}
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


def sarif_fix(diagnostic: Diagnostic, preview: Any, root: str | None) -> dict[str, Any] | None:
    """The SARIF ``fix`` of a safe fix on offer: the bytes of the lines ``--fix`` rewrites
    for this finding, and their new text (from the run's preview of ``--fix``)."""
    fix = diagnostic.fix
    if fix is None or diagnostic.fixed or not fix.edits or str(fix.applicability) != "safe":
        return None
    if preview is None:
        return None
    hunk = preview.own_hunk_at(diagnostic.location.line)
    if hunk is None:
        return None
    offset = preview.byte_offset(hunk.start)
    length = sum(len(line.encode("utf-8", errors="surrogateescape")) for line in hunk.old)
    text = "".join(hunk.new)
    return {
        "description": {"text": fix.message},
        "artifactChanges": [
            {
                "artifactLocation": artifact_location(diagnostic.location.path, root),
                "replacements": [
                    {
                        "deletedRegion": {"byteOffset": offset, "byteLength": length},
                        "insertedContent": {"text": text},
                    }
                ],
            }
        ],
    }


def result(
    diagnostic: Diagnostic,
    rule_index: int,
    root: str | None = None,
    lengths: dict[int, int] | None = None,
    preview: Any = None,
) -> dict[str, Any]:
    relative = project_relative(diagnostic.location.path, root) or diagnostic.location.path
    item: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [location(diagnostic, root, lengths)],
        "partialFingerprints": {"ftlintFindingHash/v1": fingerprint(diagnostic, relative)},
    }
    if diagnostic.related:
        # The other example of a pair (the first copy of a duplicate ...), each with an id
        # and a message, as SARIF 2.1.0 section 3.27.22 describes relatedLocations.
        related = []
        for number, other in enumerate(diagnostic.related, 1):
            entry = {"id": number, **location_of(other.location, root)}
            if other.message:
                entry["message"] = {"text": other.message}
            if other.excerpt:
                entry["properties"] = {"excerpt": other.excerpt}
            related.append(entry)
        item["relatedLocations"] = related
    fix = sarif_fix(diagnostic, preview, root)
    if fix is not None:
        item["fixes"] = [fix]
    properties: dict[str, Any] = {"name": diagnostic.name}
    if diagnostic.target is not None:
        properties["target"] = diagnostic.target
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


def sarif_log(report: Report, streamed: bool = False) -> dict[str, Any]:
    """The SARIF log of ``report``; ``streamed``: its results as a ``Streamed`` list, made
    while ``pretty_json_pieces`` writes them (35,000 results are hundreds of megabytes of
    dicts)."""

    diagnostics = [d for d in report.sorted_diagnostics() if not d.fixed]
    root = getattr(getattr(report, "options", None), "project_root", None)
    jsonl = {f.path for f in report.files if f.reader == "jsonl"}
    wanted: dict[str, set[int]] = {}
    for d in diagnostics:
        if d.location.path in jsonl and d.location.line is not None:
            wanted.setdefault(d.location.path, set()).add(d.location.line)
    lengths = {path: line_lengths(path, lines) for path, lines in wanted.items()}
    previews = getattr(report, "previews", None) or {}
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

    def convert(d: Diagnostic) -> dict[str, Any]:
        path = d.location.path
        return result(d, index[d.code], root, lengths.get(path), previews.get(path))

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
        "originalUriBaseIds": {
            SRCROOT: {"uri": Path(root or Path.cwd()).resolve().as_uri().rstrip("/") + "/"}
        },
        "columnKind": "unicodeCodePoints",
        "results": Streamed(diagnostics, convert) if streamed else list(map(convert, diagnostics)),
        "properties": {
            "command": report.command,
            "target": report.target,
            "model": report.model,
            "targets": [verdict.to_dict() for verdict in report.verdicts()],
            "summary": report.summary(),
            "files": [file.to_dict() for file in report.files],
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


class SarifFormat(OutputFormat):
    name = "sarif"
    description = "SARIF 2.1.0 (GitHub code scanning, SARIF viewers)"

    def render(self, report: Report, stream: TextIO, *, color: bool | None = None) -> None:
        # json.dumps(indent=2, default=str)'s text, written as its results are made (orjson
        # writes each where it writes the same text: 5x faster than json.dump for 35k).
        for piece in pretty_json_pieces(sarif_log(report, streamed=True), default=str):
            stream.write(piece)
        stream.write("\n")


@hookimpl
def ftlint_output_formats() -> list[OutputFormat]:
    return [SarifFormat()]

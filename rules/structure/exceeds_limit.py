"""FT214: input that a reader refuses because it is over one of the run's resource limits."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class ExceedsLimit(ReaderProblemRule):
    """## What it does
    Reports input that ftlint refuses to read because it is over a resource limit: a record
    (a JSONL line, a JSON item, a CSV cell) larger than `--max-record-size` (16 MB), nested
    deeper than `--max-depth` (128), or with a number longer than `--max-number-digits`
    (1000); an XLSX workbook that expands to more than `--max-expanded-size` (1 GiB) or
    whose parts compress more than `--max-compression-ratio` (100) to 1. The refused piece is
    skipped without being parsed, and reading goes on with the next one.

    ## Why is this bad?
    No real training example is that large or that deep: such input is a mistake (a whole
    dump on one line, a base64 blob) or hostile (a zip bomb). Reading it would take minutes
    and gigabytes, and the provider refuses it anyway.

    ## Example
    `a line of 52,428,800 bytes, larger than the record size limit (16 MB, --max-record-size)`

    ## Fix safety
    No fix: `prepare` leaves the record out and lists it as rejected in the report. Raise the
    limit (command line or `[tool.ftlint]`) when the input is really meant to be that large.
    """

    code = "FT214"
    name = "exceeds-limit"
    severity = Severity.ERROR

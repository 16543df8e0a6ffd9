"""FT207: a `.json` file that is really JSON Lines."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class JsonIsJsonl(ReaderProblemRule):
    """## What it does
    Reports a `.json` file that is really JSON Lines (one object per line). ftlint reads it
    line by line.

    ## Why is this bad?
    Tools that load it as JSON fail with "Extra data"; the provider expects `.jsonl`.

    ## Example
    `seed_tasks.json` holding one object per line.

    ## Fix safety
    Nothing to fix in the data: `prepare` writes a `.jsonl` file.
    """

    code = "FT207"
    name = "json-is-jsonl"
    severity = Severity.WARNING

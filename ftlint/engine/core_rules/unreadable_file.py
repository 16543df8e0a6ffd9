"""A path no reader can read: raised by the engine when it opens a file."""

from __future__ import annotations

from ftlint.model import Scope, Severity
from ftlint.rule import Rule


class UnreadableFile(Rule):
    """## What it does
    Reports a path that cannot be read: missing, a directory, no permission, or a file that no
    reader plugin claims (an unknown extension whose content is not recognised either).

    ## Why is this bad?
    Nothing in it was checked.

    ## Example
    `FT002 data/train.parquet: no reader for this file (known: .csv, .json, .jsonl ...)`

    ## Fix safety
    No fix. Convert the file, or pass `--format NAME` to choose a reader.
    """

    code = "FT002"
    name = "unreadable-file"
    scope = Scope.FILE
    severity = Severity.ERROR

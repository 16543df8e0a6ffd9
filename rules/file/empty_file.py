"""FT105: a file with no content (zero bytes, or only a byte-order mark and whitespace)."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.file.blank import is_blank
from ftlint.rules.file.units import human_size

from ftlint import Diagnostic, FileContext, Rule, Scope, Severity


class EmptyFile(Rule):
    """## What it does
    Reports a file with no content: zero bytes, or nothing but a byte-order mark and
    whitespace.

    ## Why is this bad?
    There is nothing to train on; usually an export or a pipeline step failed silently and
    the real data is elsewhere (or lost).

    ## Example
    `FT105 qa_dataset_clients_ft.jsonl: the file is empty (0 bytes)`

    ## Fix safety
    No fix: regenerate the file.
    """

    code = "FT105"
    name = "empty-file"
    scope = Scope.FILE
    severity = Severity.ERROR

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        if file.size == 0:
            yield self.diagnostic("the file is empty (0 bytes)", file.location())
        elif file.is_text and is_blank(file):
            yield self.diagnostic(
                f"the file holds only whitespace or a byte-order mark ({human_size(file.size)})",
                file.location(),
            )

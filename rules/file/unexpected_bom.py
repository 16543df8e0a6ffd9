"""FT102: a UTF-8 byte-order mark at the start of a JSONL or JSON file, for a target whose
profile forbids one."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.file.bom import bom_fix, uploaded_text

from ftlint import Applicability, Diagnostic, FileAction, FileContext, Rule, Scope, Severity


class UnexpectedBom(Rule):
    """## What it does
    Reports a UTF-8 byte-order mark (the bytes `EF BB BF`) at the start of a JSONL or JSON
    file when the target's profile forbids one (`bom = "forbidden"`: OpenAI, Together and
    every target whose documentation asks for plain UTF-8 JSON Lines).

    ## Why is this bad?
    OpenAI's fine-tuning API expects UTF-8 without a BOM: the BOM becomes part of the first
    line, which then is not valid JSON, and the file is rejected. Windows tools (Notepad,
    PowerShell's `Out-File`, Excel's "CSV UTF-8") add one silently.

    ## Example
    `FT102 train.jsonl:1:1: the file starts with a UTF-8 byte-order mark; openai expects UTF-8
    without one`

    ## Fix safety
    Safe: the three bytes carry no content. `check --fix` rewrites the JSONL without them;
    `prepare` never writes a BOM for OpenAI.
    """

    code = "FT102"
    name = "unexpected-bom"
    provider_error = r"\bbom\b|byte order mark"
    scope = Scope.FILE
    severity = Severity.ERROR
    target_dependent = True
    fix_applicability = Applicability.SAFE

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        if self.context.target.bom != "forbidden" or not (uploaded_text(file) and file.has_bom):
            return
        target = self.context.target.name
        yield self.diagnostic(
            f"the file starts with a UTF-8 byte-order mark; {target} expects UTF-8 without one",
            file.location(line=1, column=1),
            fix=bom_fix("remove the byte-order mark", FileAction.STRIP_BOM),
        )

"""FT103: a JSONL or JSON file without the UTF-8 byte-order mark that Azure OpenAI requires."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.file.bom import bom_fix, uploaded_text

from ftlint import Applicability, Diagnostic, FileAction, FileContext, Rule, Scope, Severity


class MissingBom(Rule):
    """## What it does
    Reports a JSONL or JSON file without a UTF-8 byte-order mark when the target's profile
    requires one (`bom = "required"`: Azure OpenAI).

    ## Why is this bad?
    Azure OpenAI's fine-tuning documentation requires training files "encoded in UTF-8 with a
    byte-order mark (BOM)"; a file without one can be refused at upload.

    ## Example
    `FT103 train.jsonl:1:1: the file has no UTF-8 byte-order mark; azure-openai requires UTF-8
    with a BOM`

    ## Fix safety
    Safe: adding the BOM changes no content. `check --fix` rewrites the JSONL with it;
    `prepare` always writes it for Azure OpenAI.
    """

    code = "FT103"
    name = "missing-bom"
    provider_error = r"\bbom\b|byte order mark"
    scope = Scope.FILE
    severity = Severity.ERROR
    target_dependent = True
    fix_applicability = Applicability.SAFE

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        if self.context.target.bom != "required" or file.has_bom or not uploaded_text(file):
            return
        target = self.context.target.name
        yield self.diagnostic(
            f"the file has no UTF-8 byte-order mark; {target} requires UTF-8 with a BOM",
            file.location(line=1, column=1),
            fix=bom_fix("add a UTF-8 byte-order mark", FileAction.ADD_BOM),
        )

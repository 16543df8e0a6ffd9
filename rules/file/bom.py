"""The UTF-8 byte-order mark, against what the target wants: OpenAI rejects a BOM at the start of
a JSONL file, Azure OpenAI requires one.

Both rules look only at JSONL and JSON inputs, the files that are uploaded as they are. A CSV,
TSV or XLSX file is never uploaded: `prepare` turns it into a JSONL written with the BOM policy
of the target, and the readers skip an Excel BOM, so there is nothing to report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ftlint.rules.file.size import is_blank

from ftlint.model import Applicability, Diagnostic, FileAction, FileEdit, Fix, Scope, Severity
from ftlint.pluginmanager import hookimpl
from ftlint.rule import FileContext, Rule

#: Readers whose files are uploaded as they are.
UPLOADED_FORMATS = frozenset({"jsonl", "json"})


def _prepare_fix(message: str, action: FileAction) -> Fix:
    """Safe, and part of what ``prepare`` does: it writes the target's BOM policy."""
    return replace(Fix.safe(message, FileEdit(action)), in_prepare=True)


def _uploaded_text(file: FileContext) -> bool:
    """A JSONL/JSON file with content (a blank one is empty-file's business)."""
    return file.is_text and file.reader_name in UPLOADED_FORMATS and not is_blank(file)


class UnexpectedBom(Rule):
    """## What it does
    Reports a UTF-8 byte-order mark (the bytes `EF BB BF`) at the start of a JSONL or JSON
    file when the target is OpenAI.

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
    scope = Scope.FILE
    severity = Severity.ERROR
    targets = frozenset({"openai"})
    fix_applicability = Applicability.SAFE

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        if not (_uploaded_text(file) and file.has_bom):
            return
        target = self.context.target.name
        yield self.diagnostic(
            f"the file starts with a UTF-8 byte-order mark; {target} expects UTF-8 without one",
            file.location(line=1, column=1),
            fix=replace(
                Fix.safe("remove the byte-order mark", FileEdit(FileAction.STRIP_BOM)),
                in_prepare=True,
            ),
        )


class MissingBom(Rule):
    """## What it does
    Reports a JSONL or JSON file without a UTF-8 byte-order mark when the target is Azure
    OpenAI.

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
    scope = Scope.FILE
    severity = Severity.ERROR
    targets = frozenset({"azure-openai"})
    fix_applicability = Applicability.SAFE

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        if file.has_bom or not _uploaded_text(file):
            return
        target = self.context.target.name
        yield self.diagnostic(
            f"the file has no UTF-8 byte-order mark; {target} requires UTF-8 with a BOM",
            file.location(line=1, column=1),
            fix=replace(
                Fix.safe("add a UTF-8 byte-order mark", FileEdit(FileAction.ADD_BOM)),
                in_prepare=True,
            ),
        )


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [UnexpectedBom, MissingBom]

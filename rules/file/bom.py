"""What the two UTF-8 byte-order-mark checks share: the files they look at, and their fix.

OpenAI rejects a BOM at the start of a JSONL file, Azure OpenAI requires one. Both checks
look only at JSONL and JSON inputs, the files that are uploaded as they are. A CSV, TSV or
XLSX file is never uploaded: ``prepare`` turns it into a JSONL written with the BOM policy of
the target, and the readers skip an Excel BOM, so there is nothing to report.
"""

from __future__ import annotations

from dataclasses import replace

from ftlint.rules.file.blank import is_blank

from ftlint import FileAction, FileContext, FileEdit, Fix

#: Readers whose files are uploaded as they are.
UPLOADED_FORMATS = frozenset({"jsonl", "json"})


def uploaded_text(file: FileContext) -> bool:
    """A JSONL/JSON file with content (a blank one is reported as empty instead)."""
    return file.is_text and file.reader_name in UPLOADED_FORMATS and not is_blank(file)


def bom_fix(message: str, action: FileAction) -> Fix:
    """Safe, and part of what ``prepare`` does: it writes the target's BOM policy."""
    return replace(Fix.safe(message, FileEdit(action)), in_prepare=True)

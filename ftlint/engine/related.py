"""Excerpts of the records that findings refer to (``Diagnostic.related``): the first copy of
a duplicate, the training example a validation example overlaps.

Dataset rules keep a few bytes per record (hashes, signatures), never the text, so they name
the other record by its location only. When the run asks for the excerpts
(``Config.related_excerpts``, set for the HTML report), the engine reads the file once more
and takes the excerpts of the records named, and of the findings themselves, masked like every
other excerpt. The pass is bounded: the first ``MAX_FINDINGS`` findings with related records,
and it stops at the last record it needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ftlint.engine.scan import EXCERPT_WIDTH, excerpt_of, one_line
from ftlint.masking import Masking
from ftlint.report import printable
from ftlint.shapes import texts_of

if TYPE_CHECKING:
    from ftlint.model import Diagnostic, Record
    from ftlint.reader import Reader
    from ftlint.rule import FileContext

#: Findings with related records whose excerpts are read (the HTML report shows fewer).
MAX_FINDINGS = 500
#: Two examples compared side by side: longer than a finding's excerpt of one field.
WIDTH = 2 * EXCERPT_WIDTH


def record_excerpt(record: Record, masking: Masking) -> str | None:
    """The texts of a record with their roles (``user: … │ assistant: …``), which is what two
    examples are compared by; the record's source when it has no text."""
    texts = texts_of(record.data) if record.data is not None else ()
    if not texts:
        return excerpt_of(record, None, masking)
    return one_line(" │ ".join(f"{role}: {text}" if role else text for _, role, text in texts),
                    masking, WIDTH)  # fmt: skip


def _wanted(diagnostics: Iterable[Diagnostic]) -> dict[str, dict[int, list]]:
    """Per path, per record number, the objects (a ``Related`` or a ``Diagnostic``) whose
    ``excerpt`` that record fills."""
    wanted: dict[str, dict[int, list]] = {}
    count = 0
    for d in diagnostics:
        if not d.related:
            continue
        count += 1
        if count > MAX_FINDINGS:
            break
        for item in (d, *d.related):
            location = item.location
            if item.excerpt is None and location.record is not None:
                wanted.setdefault(location.path, {}).setdefault(location.record, []).append(item)
    return wanted


def fill_related_excerpts(
    diagnostics: Sequence[Diagnostic],
    files: Iterable[tuple[FileContext, Reader]],
    masking: Masking,
) -> None:
    wanted = _wanted(diagnostics)
    if not wanted:
        return
    for file, reader in files:
        records = wanted.get(file.display_path)
        if not records:
            continue
        last = max(records)
        try:
            for record in reader.read(file):
                index = record.index
                items = records.get(index)
                if items:
                    excerpt = record_excerpt(record, masking)
                    for item in items:
                        item.excerpt = None if excerpt is None else printable(excerpt)
                record.analyses.clear()  # nothing of it is needed again
                if index >= last:
                    break
        except Exception:
            continue

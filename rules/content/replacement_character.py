"""FT502 replacement-character: U+FFFD, characters lost to a wrong decoding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ftlint.rules.content.base import TextRule, snippet
from ftlint.rules.content.texts import REPLACEMENT, record_texts, suspects

from ftlint import Diagnostic, Record, Severity


class ReplacementCharacter(TextRule):
    """## What it does
    Reports texts that contain U+FFFD, the replacement character `�`.

    ## Why is this bad?
    A program put it there when it could not decode some bytes: the text was read with the
    wrong encoding somewhere before it reached this file, and the original characters are
    lost. The model would learn to write `�`.

    ## Example
    `"Prix : 12 �"` (a `€` lost when a Windows-1252 file was read as UTF-8)

    ## Fix safety
    No fix: the characters are gone. Go back to the source and decode it with its real
    encoding.
    """

    code = "FT502"
    name = "replacement-character"
    severity = Severity.WARNING

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & REPLACEMENT else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            start = text.find("\ufffd")
            if start < 0:
                continue
            count = text.count("\ufffd")
            yield self.diagnostic(
                f"{count} replacement character{'' if count == 1 else 's'} (U+FFFD) near "
                f"`{snippet(text, start, start + 1)}`: the text was decoded with the wrong "
                "encoding somewhere and the original characters are lost",
                record.location.at(field=field),
                excerpt=snippet(text, start, start + 1, 40),
            )

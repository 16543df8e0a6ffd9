"""FT503 mojibake: UTF-8 text decoded as Latin-1 or Windows-1252 (`CafÃ©`), repaired by ftfy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ftlint.rules.content.base import TextRule, snippet
from ftlint.rules.content.controls import remove_controls
from ftlint.rules.content.encoding import repair_mojibake
from ftlint.rules.content.texts import MOJIBAKE, record_texts, suspects

from ftlint import Applicability, Diagnostic, Fix, Record, SetValue, Severity


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


class Mojibake(TextRule):
    """## What it does
    Finds mojibake: UTF-8 text that was decoded as Latin-1 or Windows-1252 somewhere, so that
    `Café` reads `CafÃ©` and `don't` reads `donâ€™t`. Suspicious texts are confirmed with
    `ftfy`, which also repairs them.

    ## Why is this bad?
    The model learns the garbled spelling and reproduces it.

    ## Example
    `{"completion": " Her fiancÃ© Cal Hockley â\\u0080\\u0094 a rich heir"}`

    ## Fix safety
    Unsafe: the text is replaced with ftfy's repair, which is right in the vast majority of
    cases but is a guess about how the text was damaged. Control characters are removed too.
    """

    code = "FT503"
    name = "mojibake"
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & MOJIBAKE else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            fixed = repair_mojibake(text)
            if fixed is None:
                continue
            start = _first_difference(text, fixed)
            before = snippet(text, start, start + 3, 12)
            after = snippet(fixed, start, start + 1, 12)
            yield self.diagnostic(
                f"mojibake (UTF-8 read as Latin-1/Windows-1252): `{before}` should read `{after}`",
                record.location.at(field=field),
                fix=Fix.unsafe(
                    "repair the encoding with ftfy", SetValue(field, remove_controls(fixed))
                ),
                excerpt=snippet(text, start, start + 3, 40),
            )

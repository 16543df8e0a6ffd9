"""FT408 mostly-uppercase: prompts or completions written mostly in capitals."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from ftlint.rules.legacy.base import LegacyRule, Part, Stats
from ftlint.rules.legacy.edits import EditTexts
from ftlint.rules.legacy.features import Features

from ftlint import Accumulator, Applicability, Diagnostic, Fix, Location, TransformRecords

#: A field is reported from this many upper-case letters on: a few codes ("Q1", "SKU") are
#: not text written in capitals.
MIN_UPPER_LETTERS = 50

_ASCII_UPPER = bytes(range(ord("A"), ord("Z") + 1))
_ASCII_LOWER = bytes(range(ord("a"), ord("z") + 1))
#: Deleting these from ASCII text leaves its letters; deleting ``_ASCII_LOWER`` from those
#: leaves the upper-case ones (two C-level passes, lengths instead of counts).
_NOT_LETTERS = bytes(c for c in range(256) if c not in _ASCII_UPPER + _ASCII_LOWER)
#: Runs of ASCII characters: removing them leaves a text's non-ASCII characters, in order.
_ASCII_RUNS = re.compile("[\x00-\x7f]+")


def case_counts(text: str) -> tuple[int, int]:
    """(upper-case letters, other letters).

    Letters of scripts without case (Han, Hangul, Arabic ...) are other letters, so that a
    few Latin acronyms in Chinese text do not make it "mostly upper case". For speed every
    non-ASCII character that is not an upper-case letter counts as an other letter (in natural
    text nearly all of them are letters; the few punctuation marks only make the rule more
    cautious). ASCII is counted with C-level ``bytes.translate``; non-ASCII upper-case letters
    with one ``regex`` search for the Unicode category Lu.
    """
    raw = text.encode("ascii", "ignore")
    size = len(raw)
    letters = raw.translate(None, _NOT_LETTERS)
    ascii_upper = len(letters.translate(None, _ASCII_LOWER))
    ascii_lower = len(letters) - ascii_upper
    if size == len(text):
        return ascii_upper, ascii_lower
    # The only ASCII upper-case letters are A-Z: searched for Lu, the non-ASCII characters
    # alone (a few, usually) give the rest.
    upper = ascii_upper + _non_ascii_upper(text)
    other_non_ascii = len(text) - size - (upper - ascii_upper)
    return upper, ascii_lower + other_non_ascii


@functools.cache
def _upper_finder() -> Callable[[str], list[str]]:
    """``findall`` of the upper-case letters (Unicode category Lu), compiled on first use."""
    try:
        import regex  # tiktoken's dependency: Unicode categories, in C

        return regex.compile(r"\p{Lu}").findall
    except ImportError:  # pragma: no cover - regex ships with tiktoken
        return lambda t: [c for c in t if c.isupper() and c.isalpha()]


def _non_ascii_upper(text: str) -> int:
    """Upper-case letters (Unicode category Lu) among the non-ASCII characters of ``text``."""
    return len(_upper_finder()(_ASCII_RUNS.sub("", text)))


#: Code points below this are looked up in ``_upper_table`` (planes 0 and 1: every script
#: with upper-case letters, emoji, mathematical letters); above, the search decides.
TABLE_END = 0x20000


@functools.cache
def _upper_table() -> Any:
    """1 where a code point below ``TABLE_END`` is an upper-case letter by the very search
    ``_non_ascii_upper`` makes (built from it, once: about 15 ms), so the two always agree."""
    import numpy as np

    table = np.zeros(TABLE_END, dtype=np.uint8)
    planes = "".join(map(chr, range(TABLE_END)))  # lone surrogates included: never Lu
    upper = [ord(c) for c in _upper_finder()(planes)]
    table[np.array(upper, dtype=np.int64)] = 1
    return table


def case_counts_many(texts: list[str]) -> tuple[Any, Any]:
    """``case_counts`` of many texts at once, as two numpy arrays (upper-case letters, other
    letters). Their UTF-8 bytes are counted with a few vectorised passes instead of two
    ``bytes.translate`` calls per text: in UTF-8 the ASCII letters are those very bytes and
    every non-ASCII character has exactly one lead byte (0xC0 or above), so the counts are the
    same. Non-ASCII upper-case letters are looked up by code point (``_upper_table``), decoded
    from each lead byte and the bytes after it; only a text with a character beyond the table
    is searched on its own. Why: searching each non-ASCII text cost 18 us a record on Cyrillic
    prompt/completion data, 13 on Chinese and 10 with emoji, against 2-3 on English (measured
    2026-12-04 on the generated variants, 20k records: now 9, 5 and 4; English unchanged)."""
    import numpy as np

    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
    # Three more bytes: never empty, and the three bytes after a lead can always be read.
    data = np.frombuffer(b"".join(encoded) + b"\0\0\0", dtype=np.uint8)
    count = len(encoded)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=count)
    starts = np.zeros(count, dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    nonempty = lengths > 0  # reduceat gives an empty segment the byte at its start

    def per_text(mask: Any) -> Any:
        return np.add.reduceat(mask, starts, dtype=np.int64) * nonempty

    upper = per_text(np.less(data - np.uint8(65), 26))  # A-Z (below "A" wraps around)
    other = per_text(np.less(data - np.uint8(97), 26))  # a-z
    leads = data >= 0xC0  # one lead byte per non-ASCII character
    wide = per_text(leads)
    other += wide
    if not wide.any():
        return upper, other
    at = np.flatnonzero(leads)
    lead = data[at].astype(np.uint32)
    second, third, fourth = ((data[at + k] & 0x3F).astype(np.uint32) for k in (1, 2, 3))
    code = np.where(
        lead < 0xE0,
        ((lead & 0x1F) << 6) | second,
        np.where(
            lead < 0xF0,
            ((lead & 0x0F) << 12) | (second << 6) | third,
            ((lead & 0x07) << 18) | (second << 12) | (third << 6) | fourth,
        ),
    )
    owner = np.searchsorted(starts, at, side="right") - 1  # the text of each character
    beyond = code >= TABLE_END
    hit = _upper_table()[np.minimum(code, TABLE_END - 1)].view(bool) & ~beyond
    extra = np.bincount(owner[hit], minlength=count)
    for index in np.unique(owner[beyond]).tolist():
        extra[index] = _non_ascii_upper(texts[index])
    upper += extra
    other -= extra
    return upper, other


class _CaseStats(Stats):
    """Letter counts of all prompts and of all completions, and the first text of each field
    that is mostly upper case; the classes, whose labels are names and are not counted.
    Records are counted in batches (``case_counts_many``), flushed before any result."""

    needs = frozenset({Part.CLASSES})
    #: Records whose letters are counted together.
    BATCH = 512

    def __init__(self, rule: LegacyRule) -> None:
        super().__init__(rule)
        self.case = [0, 0, 0, 0]  # prompt upper, other, completion upper, other letters
        self.case_first: list[Location | None] = [None, None]
        self._pending: list[Features] = []

    def fold_own(self, found: Features) -> None:
        pending = self._pending
        pending.append(found)
        if len(pending) >= self.BATCH:
            self._flush_case()

    def _flush_case(self) -> None:
        """Fold the letter counts of the records added since the last flush, in order."""
        pending = self._pending
        if not pending:
            return
        self._pending = []
        import numpy as np

        texts = [text for found in pending for text in (found.prompt, found.completion)]
        upper, other = case_counts_many(texts)
        mostly = (upper > 0) & (upper * 2 > other)
        for column in (0, 1):  # prompts at even positions, completions at odd ones
            self.case[2 * column] += int(upper[column::2].sum())
            self.case[2 * column + 1] += int(other[column::2].sum())
            if self.case_first[column] is None:
                found = np.flatnonzero(mostly[column::2])
                if len(found):
                    self.case_first[column] = pending[int(found[0])].location

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _CaseStats)
        self._flush_case()
        other._flush_case()
        super().merge(other)

    def merge_own(self, other: Any) -> None:
        for i in range(4):
            self.case[i] += other.case[i]
        for column in (0, 1):
            if self.case_first[column] is None:
                self.case_first[column] = other.case_first[column]

    def __getstate__(self) -> dict[str, Any]:
        self._flush_case()
        return self.__dict__

    def finish(self) -> Iterable[Diagnostic]:
        self._flush_case()
        columns = [("prompt", 0)]
        if not self.is_classification:
            columns.append(("completion", 1))  # class labels are names, not prose
        for field, column in columns:
            upper, lower = self.case[2 * column], self.case[2 * column + 1]
            if upper < MIN_UPPER_LETTERS or upper * 2 <= lower:
                continue
            share = round(100 * upper / (upper + lower))
            yield self.rule.diagnostic(
                f"{share}% of the letters in the {field}s are upper case (first such {field} "
                f"here): upper-case text tends to train worse than ordinary mixed case",
                self.location("/" + field, self.case_first[column]),
                fix=Fix.unsafe(
                    f"lower-case every {field}",
                    TransformRecords(f"lower-case every {field}", EditTexts("lower", field)),
                ),
            )


class MostlyUppercase(LegacyRule):
    """## What it does
    Counts the letters of all prompts, and of all completions, and reports a field where more
    than a third of the letters are upper case (the legacy tool's rule), once there are at
    least 50 upper-case letters (a few codes such as `SKU` are not shouting). Letters of
    scripts without case (Chinese, Korean ...) count as lower case, so Latin acronyms in such
    text are not a false alarm. Class labels of classification data are not counted: they are
    names.

    ## Why is this bad?
    Text in capitals is rare in what the model learned from; the legacy tool found that it
    trains worse than ordinary mixed case.

    ## Example
    `{"prompt": "WHAT IS THE WARRANTY PERIOD? ->", "completion": " TWO YEARS.\\n"}`

    ## Fix safety
    Unsafe: lower-cases the whole field in every example, which loses the case of names and
    acronyms. Only apply it if case does not matter in your domain.
    """

    code = "FT408"
    name = "mostly-uppercase"
    fix_applicability = Applicability.UNSAFE
    stats = _CaseStats

"""The texts of a record, read once for all content rules, and what they may contain.

``scan`` is a record analysis (``ftlint.analysis``): ``scanned(record)`` gives the
record's texts and, from one cheap pass over them, a bit for each problem the record may
have. The engine hands the same record to each rule in turn: the first to ask pays for the
scan, the others find it cached on the record. A rule looks further only at records whose
bit is set; the bits are a superset of what the rules report, each rule confirms.
"""

from __future__ import annotations

from ftlint.rules.content.controls import has_control
from ftlint.rules.content.encoding import MOJIBAKE_RE

from ftlint import Record
from ftlint.shapes import json_source, texts_of

#: ``(pointer, role, text)`` of every text of a record (``ftlint.shapes.texts_of``).
Texts = tuple[tuple[str, str | None, str], ...]

#: The bits of ``scan``: a control character, U+FFFD, something that looks like mojibake, a
#: special token written as text, a brace (a template placeholder).
CONTROL, REPLACEMENT, MOJIBAKE, SPECIAL, BRACE = 1, 2, 4, 8, 16


def scan(record: Record) -> tuple[Texts, int]:
    """Record analysis: the record's texts (none for a record that was not read) and the
    bits of the problems they may have. A plain tuple: it is made for every record."""
    texts = texts_of(record.data) if record.ok else ()
    bits = 0
    # Many records are ruled out by two searches of their JSON source rather than of each
    # text: JSON writes control characters but DEL as escapes, and a source without escapes
    # has non-ASCII text only where it has non-ASCII characters.
    source = json_source(record)
    control = other = True
    if source is not None:  # single characters: each search is one fast scan
        escapes = "\\" in source
        control = escapes or "\x7f" in source
        other = escapes or not source.isascii()
    for _field, _role, text in texts:
        if control and has_control(text):
            bits |= CONTROL
        if other and not text.isascii():
            if "\ufffd" in text:
                bits |= REPLACEMENT
            if MOJIBAKE_RE.search(text):
                bits |= MOJIBAKE
        # Every marker SpecialToken reports starts with "<" (a one-character search).
        if "<" in text and ("<|" in text or "_of_turn>" in text):
            bits |= SPECIAL
        if "{" in text:
            bits |= BRACE
    return texts, bits


def scanned(record: Record) -> tuple[Texts, int]:
    """The record's ``scan``, computed once (read inline: every content rule asks)."""
    found = record.analyses.get(scan)  # (a miss: ``get`` is cheaper than a KeyError)
    if found is None:
        found = record.analyses[scan] = scan(record)
    return found


def record_texts(record: Record) -> Texts:
    """The texts of ``record``, from its ``scan``."""
    return scanned(record)[0]


def suspects(record: Record) -> int:
    """The bits of the problems this record may have (a superset; each rule confirms)."""
    return scanned(record)[1]

"""The texts of a record the privacy rules read, and a cheap test of what they may hold.

``scan`` is a record analysis (``scanned(record)``): the first privacy rule to ask
pays for it, the other finds it on the record. It looks at the record's JSON source (or, for
a row of a table, at its texts) with a few searches that cost about a microsecond per record
and rule out nearly every record: an ``@`` (an e-mail address, a password in a URL), the
characters and prefixes every secret format has (``-`` of ``sk-`` and ``xoxb-``, ``_`` of
``ghp_`` and ``sk_live_``, each only beside one of the formats' literals, ``AKIA``, ``ASIA``,
``AIza``, ``eyJ``), and seven digits and
separators in a row (``650-253-0000``, ``81.2.69.160``). Only the texts of a record that passes are
searched with the real patterns, each text only for what its own test found.
"""

from __future__ import annotations

import re
from typing import Any

from ftlint import Record
from ftlint.shapes import json_source, texts_of

#: The bits of ``gate``: an ``@``; something a secret starts with; a number.
AT, SECRET, DIGITS = 1, 2, 4

#: ASCII digits and the characters written between the digits of a number (``.``, ``-``, ``/``,
#: ``+``, parentheses, space) become ``0``: one pass in C (deleting would be slower). Not
#: ``:``, which follows numbers in prose (``Ticket 12345: ...``).
_DIGITS = bytes(48 if chr(b) in "0123456789.-/+() " else b for b in range(256))
_SEVEN = b"0000000"
#: ``AKIA``, ``ASIA`` and ``AIza`` in one search with a literal first character (as fast as
#: one ``in``; a character class first would be eight times slower).
_AWS_GOOGLE = re.compile("A(?:KIA|SIA|Iza)")

#: ``(pointer, role, text, bits)`` of the texts worth searching.
Suspect = tuple[str, "str | None", str, int]


def gate(text: str) -> int:
    """The bits of what ``text`` may hold (a superset: the rules confirm).

    Every test is a search for one character (``memchr``) or a literal. ``DIGITS`` is seven
    digits and separators in a row, which every phone, card, account and social security
    number and IPv4 address has (``1.2.3.4`` is seven), or ``::`` (a compressed IPv6
    address); runs of spaces or dashes pass too, and the rules look closer. An IPv6 address
    written in full (no ``::``), in a record without any other number, is not seen.
    """
    bits = AT if "@" in text else 0
    if (
        (("-" in text or "_" in text) and _anchored(text))
        or _AWS_GOOGLE.search(text)
        or ("J" in text and "eyJ" in text)
    ):
        bits |= SECRET
    if "::" in text or _has_number(text):
        bits |= DIGITS
    return bits


#: The literals of ``secret_in_data.FORMATS`` (each format's ``anchors``) that hold a ``-`` or
#: ``_`` or come with one in the format (``xox`` of ``xoxb-``, ``ecret`` beside an AWS key's
#: label); ``@``, ``AKIA``, ``ASIA``, ``AIza`` and ``eyJ`` have their own tests. Why: a ``-``
#: alone let every record of a prepared legacy file through (each prompt ends with `` ->``),
#: and searching them cost more than the rest of both privacy rules together.
DASH_ANCHORS = ("sk-", "xox", "xapp-", "-----BEGIN", "ecret", "ECRET")
UNDERSCORE_ANCHORS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "_live_")


def _anchored(text: str) -> bool:
    """Whether ``text`` (with a ``-`` or ``_``) holds a literal every match of a secret format
    has. A JSON source with a ``\\u`` escape passes (an escaped character of a literal is only
    seen once decoded: each text is tested again)."""
    if "\\u" in text:
        return True
    for anchor in DASH_ANCHORS:
        if anchor in text:
            return True
    if "_" in text:
        for anchor in UNDERSCORE_ANCHORS:
            if anchor in text:
                return True
    return False


#: Texts longer than this are searched for a number piece by piece (``_has_number``).
_PIECE = 1 << 16


def _has_number(text: str) -> bool:
    """Seven digits and separators in a row (``_SEVEN`` in the translated UTF-8 of
    ``text``). A long text is translated in overlapping pieces, so that a 16 MB answer costs
    no UTF-8 copy and no translated copy: every character of the run is one ASCII byte, so
    pieces that overlap by six characters see every run the whole text has."""
    if len(text) <= _PIECE:
        return _SEVEN in text.encode("utf-8", "surrogatepass").translate(_DIGITS)
    overlap = len(_SEVEN) - 1
    for start in range(0, len(text), _PIECE):
        piece = text[start : start + _PIECE + overlap]
        if _SEVEN in piece.encode("utf-8", "surrogatepass").translate(_DIGITS):
            return True
    return False


def _tool_arguments(data: Any) -> list[tuple[str, str | None, str]]:
    """The ``arguments`` strings of the tool calls (and legacy function calls) of assistant
    messages: the model learns to write them too."""
    found: list[tuple[str, str | None, str]] = []
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list):
        return found
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        calls = message.get("tool_calls")
        for j, call in enumerate(calls if isinstance(calls, list) else ()):
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                pointer = f"/messages/{i}/tool_calls/{j}/function/arguments"
                found.append((pointer, "assistant", function["arguments"]))
        call = message.get("function_call")
        if isinstance(call, dict) and isinstance(call.get("arguments"), str):
            found.append((f"/messages/{i}/function_call/arguments", "assistant", call["arguments"]))
    return found


def scan(record: Record) -> tuple[tuple[Suspect, ...], int]:
    """Record analysis: the texts that may hold a secret or personal data, each with its
    bits, and the union of the bits. Nothing for a record that was not read."""
    if not record.ok:
        return (), 0
    source = json_source(record)
    if source is not None and not gate(source):
        return (), 0  # nearly every record: one look at its source
    return scan_texts(record, source)


def scan_texts(record: Record, source: str | None) -> tuple[tuple[Suspect, ...], int]:
    """``scan`` of a read record whose ``source`` (``json_source``) the gate let through, or
    that has none: for a caller that already gated the source (``PrivacyRule.quiet``)."""
    data = record.data
    texts = list(texts_of(data))
    if source is None or '"arguments"' in source:
        texts.extend(_tool_arguments(data))
    suspects = []
    bits = 0
    for pointer, role, text in texts:
        found = gate(text)
        if found:
            suspects.append((pointer, role, text, found))
            bits |= found
    return tuple(suspects), bits


def scanned(record: Record) -> tuple[tuple[Suspect, ...], int]:
    """The record's ``scan``, computed once (read inline: both privacy rules ask)."""
    found = record.analyses.get(scan)  # (a miss: ``get`` is cheaper than a KeyError)
    if found is None:
        found = record.analyses[scan] = scan(record)
    return found


def suspect_texts(record: Record) -> tuple[Suspect, ...]:
    return scanned(record)[0]


def suspects(record: Record) -> int:
    return scanned(record)[1]

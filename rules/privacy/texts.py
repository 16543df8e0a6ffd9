"""The texts of a record the privacy rules read, and a cheap test of what they may hold.

``scan`` is a record analysis (``record.analysis.get(scan)``): the first privacy rule to ask
pays for it, the other finds it on the record. It looks at the record's JSON source (or, for
a row of a table, at its texts) with a few searches that cost about a microsecond per record
and rule out nearly every record: an ``@`` (an e-mail address, a password in a URL), the
characters and prefixes every secret format has (``-`` of ``sk-`` and ``xoxb-``, ``_`` of
``ghp_`` and ``sk_live_``, ``AKIA``, ``ASIA``, ``AIza``, ``eyJ``), and seven digits in a row
once the separators of phone, card and account numbers are taken out (``.`` and ``:`` count as
digits, for IP addresses). Only the texts of a record that passes are searched with the real
patterns, each text only for what its own test found.
"""

from __future__ import annotations

from typing import Any

from ftlint import Record
from ftlint.shapes import json_source, texts_of

#: The bits of ``gate``: an ``@``; something a secret starts with; a run of digits.
AT, SECRET, DIGITS = 1, 2, 4

#: ASCII digits, ``.`` and ``:`` become ``0``; the separators written inside phone, card and
#: account numbers are deleted: seven ``0`` in a row are seven digits of one number.
_DIGITS = bytes(48 if chr(b) in "0123456789.:" else b for b in range(256))
_SEPARATORS = b" -()/+"
_SEVEN = b"0000000"

#: ``(pointer, role, text, bits)`` of the texts worth searching.
Suspect = tuple[str, "str | None", str, int]


def gate(text: str) -> int:
    """The bits of what ``text`` may hold (a superset: the rules confirm)."""
    bits = AT if "@" in text else 0
    if (
        "-" in text
        or "_" in text
        or "AKIA" in text
        or "ASIA" in text
        or "AIza" in text
        or ("J" in text and "eyJ" in text)
    ):
        bits |= SECRET
    if _SEVEN in text.encode("utf-8", "surrogatepass").translate(_DIGITS, _SEPARATORS):
        bits |= DIGITS
    return bits


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


def suspect_texts(record: Record) -> tuple[Suspect, ...]:
    return record.analysis.get(scan)[0]


def suspects(record: Record) -> int:
    return record.analysis.get(scan)[1]

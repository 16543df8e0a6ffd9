"""Mojibake: what UTF-8 text decoded as Latin-1 or Windows-1252 looks like, and its repair
with ftfy (imported only for a text that looks like it)."""

from __future__ import annotations

import re

#: What UTF-8 decoded as Latin-1 or Windows-1252 looks like: a lead byte shown as `Ã`, `â`, `Å`
#: ... followed by a continuation byte shown as a symbol or a Windows-1252 punctuation mark;
#: or a C1 control character. Only texts that match are given to ftfy.
#: Written as one character class followed by a check, ``[\x80-\x9f]|[\xc2-\xf4][...]``
#: matches the same spans 2-3x faster: the regex engine then scans for the class directly
#: instead of trying both alternatives at every position.
MOJIBAKE_RE = re.compile(
    "[\x80-\x9f\xc2-\xf4](?:(?<=[\x80-\x9f])|[\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d"
    "\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021"
    "\u2022\u2026\u2030\u2039\u203a\u20ac\u2122])"
)


def repair_mojibake(text: str) -> str | None:
    """The repaired text when ``text`` is mojibake (ftfy's encoding fixes), else ``None``."""
    if text.isascii() or MOJIBAKE_RE.search(text) is None:
        return None
    import ftfy  # only for suspicious texts: keeps the hot path free of it

    try:
        fixed = ftfy.fix_encoding(text)
    except Exception:  # ftfy must never take a run down
        return None
    return fixed if fixed != text else None


def repaired(text: str) -> str:
    """``text`` after the mojibake repair, when it needs one."""
    fixed = repair_mojibake(text)
    return text if fixed is None else fixed

"""Common endings and beginnings of a stream of texts: the legacy rules fold every prompt (or
completion) into the suffix or prefix it shares with all those before, one text at a time,
and merging two parts gives the result of one pass over both."""

from __future__ import annotations

from ftlint import Location


def common_suffix(a: str, b: str) -> str:
    """The longest common ending of two texts (binary search over C-level comparisons)."""
    if b.endswith(a):
        return a
    if a.endswith(b):
        return b
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return a[len(a) - lo :] if lo else ""


def common_prefix(a: str, b: str) -> str:
    """The longest common beginning of two texts."""
    if b.startswith(a):
        return a
    if a.startswith(b):
        return b
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return a[:lo]


def _is_word_char(char: str) -> bool:
    """Letters and digits of scripts that separate words (CJK characters are words alone)."""
    if not (char.isalnum() or char == "_"):
        return False
    code = ord(char)
    return code < 0x2E80 or 0xAC00 <= code <= 0xD7A3  # Hangul syllables use spaces


def word_prefix(prefix: str) -> str:
    """A common prefix cut back so that it does not end inside a word.

    Prompts "Review: great" and "Review: good" share "Review: g"; removing that would damage
    every prompt, so the instruction is "Review: ".
    """
    end = len(prefix)
    while end and _is_word_char(prefix[end - 1]):
        end -= 1
    return prefix[:end]


class Ending:
    """The common suffix of a stream of texts, and the first text that shares no ending with
    the first one (where the common suffix became empty)."""

    __slots__ = ("breaker", "first_last", "first_location", "suffix")

    def __init__(self) -> None:
        self.suffix: str | None = None
        self.first_last: str | None = None  # last character of the first text ("" if empty)
        self.first_location: Location | None = None
        self.breaker: Location | None = None

    def add(self, text: str, location: Location) -> None:
        if self.suffix is None:
            self.suffix = text
            self.first_last = text[-1:]
            self.first_location = location
            if not text:
                self.breaker = location
            return
        if self.breaker is None and text[-1:] != self.first_last:
            self.breaker = location
        if self.suffix and not text.endswith(self.suffix):
            self.suffix = common_suffix(self.suffix, text)

    def merge(self, other: Ending) -> None:
        """Fold in ``other``, which saw the texts that come after this one's."""
        if other.suffix is None:
            return
        if self.suffix is None:
            self.suffix, self.first_last = other.suffix, other.first_last
            self.first_location, self.breaker = other.first_location, other.breaker
            return
        if self.breaker is None:
            if other.first_last != self.first_last:
                self.breaker = other.first_location
            else:
                self.breaker = other.breaker
        self.suffix = common_suffix(self.suffix, other.suffix)

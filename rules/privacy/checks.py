"""The arithmetic that tells a real value from text that only looks like one: checksums
(Luhn, ISO 7064 mod 97-10, GitHub's CRC32), Shannon entropy, and the placeholder test of
documentation keys (``sk-xxxx``, ``<your-key>``)."""

from __future__ import annotations

import math
import zlib
from collections import Counter

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def entropy(text: str) -> float:
    """Shannon entropy of the characters of ``text``, in bits per character."""
    if not text:
        return 0.0
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values())


def mixed(text: str) -> bool:
    """Upper case, lower case and digits all present, as in a random base62 string."""
    return (
        any(c.isdigit() for c in text)
        and any(c.isupper() for c in text)
        and any(c.islower() for c in text)
    )


#: What documentation and templates write instead of a real key, case-insensitive.
_PLACEHOLDER_WORDS = (
    "xxxx", "****", "....", "…", "your", "example", "placeholder", "dummy", "sample",
    "redacted", "replace", "insert", "<", ">", "{", "}", "$",
)  # fmt: skip


def looks_random(body: str, min_entropy: float = 3.0) -> bool:
    """Not a placeholder: no placeholder word, no character repeated four times in a row,
    enough entropy."""
    lower = body.lower()
    if any(word in lower for word in _PLACEHOLDER_WORDS):
        return False
    if any(body[i] == body[i + 1] == body[i + 2] == body[i + 3] for i in range(len(body) - 3)):
        return False
    return entropy(body) >= min_entropy


def base62(number: int, width: int = 0) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = BASE62[rest] + digits
    return digits.rjust(width, "0")


def github_checksum_ok(token: str) -> bool:
    """The classic GitHub token format (``ghp_`` and the other ``gh?_`` prefixes, 2021): 30
    random base62 characters, then the CRC32 of those 30 characters in base62, 6 characters."""
    body = token[4:]
    if len(body) != 36:
        return False
    return base62(zlib.crc32(body[:30].encode("ascii")), 6) == body[30:]


def luhn_ok(digits: str) -> bool:
    """The Luhn check of payment card numbers (ISO/IEC 7812-1)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = ord(char) - 48
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def iban_ok(iban: str) -> bool:
    """ISO 13616's check: move the first four characters to the end, letters to numbers
    (A=10 ... Z=35), and the number modulo 97 is 1."""
    moved = iban[4:] + iban[:4]
    try:
        return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1
    except ValueError:
        return False

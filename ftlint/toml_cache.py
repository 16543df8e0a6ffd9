"""TOML read once per text: the parsed form of a TOML text kept in ftlint's cache directory.

Why: every run read the eight target profiles and the configuration file with ``tomllib``,
whose parser is plain Python: importing and running it was about 3% of a pre-commit run on a
small file, for files that seldom change. ``loads`` gives what ``tomllib.loads`` gives; it
finds a text it has parsed before in a cache file named after the text's XXH3 checksum.

Exactness: an entry holds the whole text it was parsed from and is used only when that text
is the one asked about (no trust in the checksum alone); it is written only when the parsed
value is made of what JSON keeps exactly (tables with string keys, arrays, strings, booleans,
integers, finite floats): a text with dates, times or ``nan`` is parsed every time. Trust: as
for the encoding copies (``ftlint.encoding_cache``): read only when the current user owns
the file and no one else may write to it; written whole or not at all, private. Any doubt
and the text is parsed. At most ``MAX_ENTRIES`` are kept, the oldest removed first.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from ftlint.encoding_cache import cache_dir, checksum, trusted_bytes, write_private

MAGIC = b"ftlint-toml 1\n"
#: Entries kept: a new one beyond this removes the oldest (configuration files edited again
#: and again, or a test suite's many, must not fill the cache directory).
MAX_ENTRIES = 64


def _tomllib() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def __getattr__(name: str) -> Any:
    """``TOMLDecodeError``, tomllib's: looked up when asked (an ``except`` clause asks only
    when an exception is raised), so that a run served from the cache never imports it."""
    if name == "TOMLDecodeError":
        return _tomllib().TOMLDecodeError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _exact_in_json(value: Any) -> bool:
    """Whether JSON gives back ``value`` as it is: same types, same numbers."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _exact_in_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_exact_in_json(item) for item in value)
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    return isinstance(value, (str, bool, int))


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, from the cache when this very text was parsed before (and
    raising ``TOMLDecodeError`` as it does)."""
    raw = text.encode("utf-8", "surrogatepass")
    path = cache_dir() / "toml" / f"{checksum(raw):016x}.json"
    stored = trusted_bytes(path)
    if stored is not None and stored.startswith(MAGIC):
        try:
            entry = json.loads(stored[len(MAGIC) :])
            if entry["text"] == text and isinstance(entry["data"], dict):
                return entry["data"]
        except (ValueError, KeyError, TypeError):
            pass
    data = _tomllib().loads(text)
    if _exact_in_json(data):
        body = json.dumps({"text": text, "data": data}, ensure_ascii=False, allow_nan=False)
        if write_private(path, MAGIC, body.encode("utf-8", "surrogatepass")):
            _trim(path.parent)
    return data


def _trim(directory: Path) -> None:
    """Remove the oldest entries beyond ``MAX_ENTRIES`` (best effort)."""
    try:
        entries = [(entry.stat().st_mtime, entry) for entry in directory.glob("*.json")]
    except OSError:
        return
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort()
    for _mtime, entry in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            entry.unlink()

"""A compact copy of each verified tiktoken encoding, which loads in a fraction of the time.

tiktoken reads an encoding from a text file of 200,000 base64 lines and decodes each line in
Python: about 0.25 s of every ftlint start, more than a third of a pre-commit run on one small
file. After the first load, which goes through tiktoken's loader and its SHA-256 check, ftlint
writes the same merge ranks once more as lengths and raw bytes. Later runs rebuild the table by
slicing and hand it to tiktoken's public ``Encoding`` constructor.

Trust: the copy is only read from ftlint's own cache directory, only when the current user owns
it and no one else may write to it, and only when the XXH3 checksum of its contents matches; in
any other case the encoding loads the normal way. The file name holds the SHA-256 of tiktoken's
file and tiktoken's version: a new encoding or a new tiktoken makes a new copy.
"""

from __future__ import annotations

import json
import os
import sys
from array import array
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

MAGIC = b"ftlint-bpe 1\n"


def cache_dir() -> Path:
    """ftlint's cache directory: ``$FTLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/ftlint`` or
    ``~/.cache/ftlint``."""
    explicit = os.environ.get("FTLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ftlint"


def copy_path(directory: Path, name: str, sha256: str) -> Path:
    import tiktoken

    version = getattr(tiktoken, "__version__", "unknown")
    return directory / f"{name}-{sha256[:16]}-tiktoken-{version}.bpe"


def checksum(*parts: Any) -> int:
    """XXH3 of the parts in order: what a cache file's header records of its body."""
    import xxhash

    digest = xxhash.xxh3_64()
    for part in parts:
        digest.update(part)
    return digest.intdigest()


def trusted_bytes(path: Path) -> bytes | None:
    """The file's bytes when the current user owns it and only they may write to it."""
    try:
        with path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            if hasattr(os, "getuid") and status.st_uid != os.getuid():
                return None
            if status.st_mode & 0o022:
                return None
            return handle.read()
    except OSError:
        return None


def load(directory: Path, name: str, sha256: str) -> Any:
    """The encoding rebuilt from its compact copy, or None (no copy, or one not to trust)."""
    data = trusted_bytes(copy_path(directory, name, sha256))
    if data is None or not data.startswith(MAGIC):
        return None
    try:
        end = data.index(b"\n", len(MAGIC))
        header = json.loads(data[len(MAGIC) : end])
        count = int(header["count"])
        if header["name"] != name or header["byteorder"] != sys.byteorder:
            return None
        body = memoryview(data)[end + 1 :]
        lengths_end = 2 * count
        ranks_end = lengths_end + 4 * count
        if checksum(body) != header["checksum"]:
            return None
        lengths = array("H")
        lengths.frombytes(body[:lengths_end])
        ranks = array("I")
        ranks.frombytes(body[lengths_end:ranks_end])
        blob = bytes(body[ranks_end:])
        bounds = list(accumulate(lengths, initial=0))
        if bounds[-1] != len(blob):
            return None
        pieces = [blob[start:stop] for start, stop in pairwise(bounds)]
        import tiktoken

        return tiktoken.Encoding(
            name,
            pat_str=header["pat_str"],
            mergeable_ranks=dict(zip(pieces, ranks, strict=True)),
            special_tokens=header["special_tokens"],
        )
    except (ValueError, KeyError, TypeError, OverflowError):
        return None


def store(directory: Path, name: str, sha256: str, encoding: Any) -> bool:
    """Write the compact copy of an encoding tiktoken has just loaded and verified. Best
    effort: False when the encoding's parts are not where this tiktoken keeps them, or the
    directory is not writable."""
    try:
        ranks: dict[bytes, int] = encoding._mergeable_ranks
        pat_str: str = encoding._pat_str
        special: dict[str, int] = encoding._special_tokens
    except AttributeError:
        return False
    if any(len(piece) > 0xFFFF for piece in ranks):
        return False
    lengths = array("H", map(len, ranks)).tobytes()
    values = array("I", ranks.values()).tobytes()
    blob = b"".join(ranks)
    header = {
        "name": name,
        "pat_str": pat_str,
        "special_tokens": special,
        "count": len(ranks),
        "byteorder": sys.byteorder,
        "checksum": checksum(lengths, values, blob),
    }
    head = MAGIC + json.dumps(header).encode() + b"\n"
    return write_private(copy_path(directory, name, sha256), head, lengths + values + blob)


def write_private(target: Path, *parts: bytes) -> bool:
    """Write ``target`` whole or not at all, readable and writable by its owner only (what
    ``trusted_bytes`` accepts); False when the directory is not writable."""
    try:
        import tempfile  # writes only: a run that reads its cache needs none of it

        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)  # 0600
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
        os.replace(temporary, target)
        return True
    except OSError:
        return False

"""tiktoken's byte-pair encoding in plain Python, for runs too small to pay for tiktoken's start.

Why: a pre-commit run on a dozen examples spent most of its time making tiktoken ready
(importing it, rebuilding the 200,000 merge ranks of ``o200k_base`` as a Python dict and
building its Rust ``CoreBPE`` from them: about 0.45 s of CPU) to count a few hundred tokens.
This encoder gives the same token ids with none of that: the ranks sit in a hash table on disk
(``table_path``) that is read as it is, in a few milliseconds, and looked up in place. It is
slower per token than tiktoken (plain Python), so ``TokenCounter`` uses it for the first
``SMALL_BUDGET`` characters of a run and then loads tiktoken (a large input pays that once).

Exactness: the same pre-tokenisation (the encoding's own pattern, through the ``regex``
package, as tiktoken's pure-Python reference encoder does; for a text that is all ASCII, the
same pattern with its Unicode classes written out for ASCII, through ``re``: see
``ascii_pattern``), the whole piece when it is a
token, else the same merge order as tiktoken's ``byte_pair_merge`` (the lowest rank first, the
leftmost of equal ranks), and the same repair of lone surrogates. ``tests/test_small_bpe.py``
proves the ids identical to tiktoken's ``encode_ordinary`` for ``o200k_base`` and
``cl100k_base`` on arbitrary Unicode (hypothesis) and on every real dataset in
``../shared/data``; the table is checked against tiktoken on a few probes when it is written.

Trust: the table is written once, from tiktoken's file of the encoding checked against its
SHA-256 (``store_file``, on a first run: no tiktoken needed) or from the encoding tiktoken has
just loaded and verified (``store_encoding``); it is read only from ftlint's cache
directory, only when the current user owns it and no one else may write to it, and only when
its XXH3 checksum matches; any doubt and the counter takes tiktoken instead. Its name holds
the SHA-256 of tiktoken's file; the pattern is stored in it.
"""

from __future__ import annotations

import json
import re
import sys
from array import array
from collections.abc import Callable, Mapping
from heapq import heapify, heappop, heappush
from pathlib import Path
from typing import Any
from zlib import crc32

from ftlint.encoding_cache import checksum, trusted_bytes, write_private

MAGIC = b"ftlint-small-bpe 1\n"
#: Characters of text a run encodes with this encoder before ``TokenCounter`` loads tiktoken.
#: Measured here: this encoder takes about 1 us per character of English, tiktoken about
#: 0.45 s of CPU to load and then ~0.05 us per character; 200,000 characters (some 50,000
#: tokens, a hundred or more examples) is where loading tiktoken starts to pay.
SMALL_BUDGET = 200_000
#: Pieces whose ids are remembered (a word, a space and a word ... repeat in every text).
PIECE_CACHE = 1 << 16
#: Texts the written table must encode as tiktoken does.
PROBES = (
    "Hello, world! It's 2026.",
    "<|endoftext|> and <|im_start|>user<|im_sep|>",
    "中文 😕 \n\n  x\t\r\n",
    " " * 300 + "1234567890" * 30,
    "Ünïcödé — naïve façade; Ελληνικά, русский, हिन्दी, العربية",
    "",
)
_ABSENT = 1 << 32  # the rank of a pair that is no token (above every real rank)

#: The pre-tokenising pattern of each encoding whose table can be built from tiktoken's file
#: alone (``store_file``): tiktoken's own, from ``tiktoken_ext/openai_public.py`` (tiktoken
#: 0.14; tests/test_small_bpe.py checks that they are the installed tiktoken's).
KNOWN_PATTERNS = {
    "o200k_base": "|".join(
        [
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""\p{N}{1,3}""",
            r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
            r"""\s*[\r\n]+""",
            r"""\s+(?!\S)""",
            r"""\s+""",
        ]
    ),
    "cl100k_base": (
        r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++"""
        r"""[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
    ),
}  # fmt: skip
#: ``probe_digest`` of tiktoken's ``encode_ordinary`` for each of ``KNOWN_PATTERNS``: a table
#: built without tiktoken must encode the probes to these ids (tests check them against it).
PROBE_DIGESTS = {
    "o200k_base": "98c10cfc88b446487a0e3f38899449fcebb205dc5eab342acc780fa66ce2d382",
    "cl100k_base": "b2dd64baaa63b7a6f2e5e40fd5c89227683df2d5184480a0e51d5aa18cb42dc3",
}


#: What each Unicode class of the encodings' patterns holds among the 128 ASCII characters,
#: as the ``regex`` package reads it (``\s``: White_Space, not Python's ``str.isspace``, which
#: adds \x1c-\x1f); ``tests/test_small_bpe.py`` checks every entry on all 128.
_ASCII_CLASSES = {
    r"\p{L}": "A-Za-z",
    r"\p{Lu}": "A-Z",
    r"\p{Ll}": "a-z",
    r"\p{Lt}": "",
    r"\p{Lm}": "",
    r"\p{Lo}": "",
    r"\p{M}": "",
    r"\p{N}": "0-9",
    r"\s": r"\t\n\x0b\x0c\r ",
}
#: Escapes that mean the same in both packages.
_PLAIN_ESCAPES = frozenset({r"\r", r"\n", r"\t"})
_ESCAPE = re.compile(r"\\p\{\w+\}|\\.", re.S)


def ascii_pattern(pat_str: str) -> str | None:
    """``pat_str`` for the standard ``re`` module, with the same matches as the ``regex``
    package gives on a text that is all ASCII; None when it holds anything not translated
    here (then every text goes through ``regex``).

    Why: importing ``regex`` was about 4% of a pre-commit run, for texts that are nearly
    always ASCII. Each Unicode class becomes the ASCII characters it holds; the rest of the
    syntax of tiktoken's patterns (alternation, ``(?i:...)``, lookahead, possessive
    quantifiers) means the same in ``re`` (3.11 and later for possessive ones; before,
    ``re`` refuses the pattern and ``regex`` is used)."""
    out: list[str] = []
    members: list[str] | None = None  # inside [...]: what it holds so far
    i = 0
    while i < len(pat_str):
        char = pat_str[i]
        if char == "\\":
            match = _ESCAPE.match(pat_str, i)
            if match is None:
                return None
            token = match.group()
            i = match.end()
            if token in _ASCII_CLASSES:
                chars = _ASCII_CLASSES[token]
                if members is not None:
                    members.append(chars)
                elif chars:
                    out.append(f"[{chars}]")
                else:
                    return None  # a class with no ASCII member outside brackets
            elif token == r"\S" and members is None:
                out.append(r"[^\t\n\x0b\x0c\r ]")
            elif token in _PLAIN_ESCAPES or (len(token) == 2 and token[1] in "'/ -"):
                (out if members is None else members).append(token)
            else:
                return None
            continue
        if members is None:
            if char == "[":
                negated = pat_str.startswith("^", i + 1)
                out.append("[^" if negated else "[")
                members = []
                i += 2 if negated else 1
                if pat_str.startswith("]", i):
                    return None  # a literal ] first: not in tiktoken's patterns
                continue
            out.append(char)
        elif char == "]":
            if not "".join(members):
                return None  # empty once written for ASCII: re would refuse or misread it
            out.extend(members)
            out.append("]")
            members = None
        elif char == "[":
            return None  # a nested set: regex syntax that re reads otherwise
        else:
            members.append(char)
        i += 1
    return None if members is not None else "".join(out)


def table_path(directory: Path, name: str, sha256: str) -> Path:
    return directory / f"{name}-{sha256[:16]}.small-bpe"


class SmallEncoder:
    """The ``encode_ordinary`` of one encoding, over a table of ``(bytes, rank)`` entries.

    The table: ``slots`` (open addressing, linear probing on the CRC-32 of the bytes) hold an
    entry's index + 1 (0: empty); entry ``i`` is ``blob[offsets[i]:offsets[i + 1]]`` with rank
    ``ranks[i]``. All four are views of one buffer read from disk: nothing is rebuilt."""

    def __init__(
        self, name: str, pat_str: str, slots: Any, offsets: Any, ranks: Any, blob: bytes
    ) -> None:
        self.name = name
        self._pat_str = pat_str
        self._unicode_split: Callable[[str], list[str]] | None = None
        ascii_only = ascii_pattern(pat_str)
        try:
            self._ascii_split = None if ascii_only is None else re.compile(ascii_only).findall
        except re.error:  # possessive quantifiers before Python 3.11
            self._ascii_split = None
        self._slots = slots
        self._mask = len(slots) - 1
        self._offsets = offsets
        self._ranks = ranks
        self._blob = blob
        self._pieces: dict[str, list[int]] = {}
        self._known: dict[bytes, int] = {}

    def _split(self, text: str) -> list[str]:
        """The pieces of ``text``, as the encoding's pattern splits it."""
        if self._ascii_split is not None and text.isascii():
            return self._ascii_split(text)
        if self._unicode_split is None:
            import regex  # tiktoken's own dependency: its pure-Python reference splits with it

            self._unicode_split = regex.compile(self._pat_str).findall
        return self._unicode_split(text)

    def rank(self, piece: bytes) -> int | None:
        """The rank (token id) of ``piece``, None when it is no token."""
        found = self._known.get(piece)
        if found is None:
            found = self._known[piece] = self._lookup(piece)
            if len(self._known) >= PIECE_CACHE:
                self._known.clear()
        return None if found == _ABSENT else found

    def _lookup(self, piece: bytes) -> int:
        """``piece``'s rank in the table, ``_ABSENT`` when it is no token."""
        slots, offsets, blob = self._slots, self._offsets, self._blob
        mask = self._mask
        size = len(piece)
        slot = crc32(piece) & mask
        while True:
            entry = slots[slot]
            if not entry:
                return _ABSENT
            start = offsets[entry - 1]
            if offsets[entry] - start == size and blob.startswith(piece, start):
                return self._ranks[entry - 1]
            slot = (slot + 1) & mask

    def encode_ordinary(self, text: str) -> list[int]:
        """The token ids of ``text``, special tokens read as plain text (tiktoken's
        ``encode_ordinary``, lone surrogates repaired the same way)."""
        try:
            return self._encode(text)
        except UnicodeEncodeError:
            fixed = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return self._encode(fixed)

    def _encode(self, text: str) -> list[int]:
        pieces = self._pieces
        ids: list[int] = []
        for piece in self._split(text):
            found = pieces.get(piece)
            if found is None:
                raw = piece.encode("utf-8")
                whole = self.rank(raw)
                found = [whole] if whole is not None else self._merge(raw)
                if len(pieces) >= PIECE_CACHE:
                    pieces.clear()
                pieces[piece] = found
            ids += found
        return ids

    def _merge(self, piece: bytes) -> list[int]:
        """The ids of a piece that is no token: adjacent parts merged, the pair of lowest rank
        first and, among equal ranks, the leftmost (tiktoken's order), with a heap so that a
        long piece (a run of thousands of spaces) costs n log n, not n squared."""
        rank = self.rank
        size = len(piece)
        following = list(range(1, size + 1))  # following[i]: where the part at i ends
        previous = list(range(-1, size - 1))  # previous[i]: where the part before i starts
        pair = [_ABSENT] * size  # pair[i]: the rank of the part at i joined with the next
        heap = []
        for start in range(size - 1):
            found = rank(piece[start : start + 2])
            if found is not None:
                pair[start] = found
                heap.append((found, start))
        heapify(heap)
        while heap:
            found, start = heappop(heap)
            if pair[start] != found:  # stale: the part or its neighbour changed since
                continue
            joined = following[start]
            end = following[joined]
            following[start] = end
            pair[joined] = _ABSENT
            if end < size:
                previous[end] = start
                found = rank(piece[start : following[end]])
                pair[start] = _ABSENT if found is None else found
                if found is not None:
                    heappush(heap, (found, start))
            else:
                pair[start] = _ABSENT
            before = previous[start]
            if before >= 0:
                found = rank(piece[before:end])
                pair[before] = _ABSENT if found is None else found
                if found is not None:
                    heappush(heap, (found, before))
        ids = []
        start = 0
        while start < size:
            end = following[start]
            ids.append(self.rank(piece[start:end]))
            start = end
        return ids  # type: ignore[return-value]  # every part is a token by construction


def load(directory: Path, name: str, sha256: str) -> SmallEncoder | None:
    """The encoder of ``name`` from its table in ``directory``, or None (no table, one not to
    trust, or the ``regex`` package missing)."""
    import importlib.util

    if importlib.util.find_spec("regex") is None:  # imported when a text is not ASCII
        return None
    data = trusted_bytes(table_path(directory, name, sha256))
    if data is None or not data.startswith(MAGIC):
        return None
    try:
        end = data.index(b"\n", len(MAGIC))
        header = json.loads(data[len(MAGIC) : end])
        if header["name"] != name or header["byteorder"] != sys.byteorder:
            return None
        count, size = int(header["count"]), int(header["slots"])
        start = int(header["body"])
        body = memoryview(data)[start:]
        if size & (size - 1) or checksum(body) != header["checksum"]:
            return None
        words = body[: 4 * (size + 2 * count + 1)].cast("I")
        slots = words[:size]
        offsets = words[size : size + count + 1]
        ranks = words[size + count + 1 :]
        blob = bytes(body[4 * (size + 2 * count + 1) :])
        if len(blob) != offsets[count]:
            return None
        return SmallEncoder(name, header["pat_str"], slots, offsets, ranks, blob)
    except (ValueError, KeyError, TypeError, ImportError):
        return None


def store_encoding(directory: Path, name: str, sha256: str, encoding: Any) -> bool:
    """``store`` the table of a tiktoken ``Encoding`` that has just loaded and been verified;
    False when its parts are not where this tiktoken keeps them."""
    try:
        ranks: dict[bytes, int] = encoding._mergeable_ranks
        pat_str: str = encoding._pat_str
    except AttributeError:
        return False
    return store(directory, name, sha256, ranks, pat_str, encoding.encode_ordinary)


def probe_digest(encode: Callable[[str], list[int]]) -> str:
    """SHA-256 of the ids ``encode`` gives the probes: what ``PROBE_DIGESTS`` holds."""
    import hashlib

    return hashlib.sha256(json.dumps([encode(probe) for probe in PROBES]).encode()).hexdigest()


def store_file(directory: Path, name: str, sha256: str, blob: bytes) -> bool:
    """Write the table of ``name`` straight from tiktoken's file of it (``blob``, whose SHA-256
    the caller has checked to be ``sha256``), without making tiktoken ready.

    Why: a first run (an empty cache, a fresh CI machine) otherwise loaded tiktoken, built its
    200,000 ranks and its Rust encoder (about 0.5 s of CPU) only to copy them into the table.
    The file's lines are tiktoken's format (``base64-token rank``), read as tiktoken's loader
    reads them; the pattern is tiktoken's (``KNOWN_PATTERNS``); the written table must encode
    the probes to tiktoken's ids (``PROBE_DIGESTS``). False when any of that does not hold."""
    from binascii import Error, a2b_base64

    pat_str, digest = KNOWN_PATTERNS.get(name), PROBE_DIGESTS.get(name)
    if pat_str is None or digest is None:
        return False
    ranks: dict[bytes, int] = {}
    try:
        for line in blob.splitlines():
            if line:
                token, rank = line.split()
                ranks[a2b_base64(token)] = int(rank)
    except (ValueError, Error):
        return False
    return store(directory, name, sha256, ranks, pat_str, None, expected=digest)


def store(
    directory: Path,
    name: str,
    sha256: str,
    ranks: Mapping[bytes, int],
    pat_str: str,
    reference: Callable[[str], list[int]] | None,
    expected: str | None = None,
) -> bool:
    """Write the table of an encoding tiktoken has just loaded and verified (``ranks`` and
    ``pat_str`` are its own), after checking that it encodes the probes as ``reference``
    (tiktoken's ``encode_ordinary``) does, or to the ids of digest ``expected``. Best
    effort: False when it cannot."""
    if reference is None and expected is None:
        return False
    pieces = list(ranks)
    if not pieces or max(ranks.values()) >= 1 << 32:
        return False
    size = 1 << max(10, (2 * len(pieces) - 1).bit_length())  # at most half full
    slots = array("I", bytes(4 * size))
    mask = size - 1
    for index, piece in enumerate(pieces):
        slot = crc32(piece) & mask
        while slots[slot]:
            slot = (slot + 1) & mask
        slots[slot] = index + 1
    offsets = array("I", [0])
    total = 0
    for piece in pieces:
        total += len(piece)
        offsets.append(total)
    values = array("I", (ranks[piece] for piece in pieces))
    blob = b"".join(pieces)
    if array("I").itemsize != 4:  # pragma: no cover - every platform CPython runs on has 4
        return False
    body = slots.tobytes() + offsets.tobytes() + values.tobytes() + blob
    try:
        import regex  # noqa: F401  (the encoder needs it; without it there is nothing to write)

        encoder = SmallEncoder(
            name, pat_str, memoryview(slots), memoryview(offsets), memoryview(values), blob
        )
        if reference is not None and any(
            encoder.encode_ordinary(probe) != reference(probe) for probe in PROBES
        ):
            return False
        if expected is not None and probe_digest(encoder.encode_ordinary) != expected:
            return False
    except ImportError:
        return False
    header = {
        "name": name,
        "pat_str": pat_str,
        "count": len(pieces),
        "slots": size,
        "byteorder": sys.byteorder,
        "checksum": checksum(body),
    }
    line = json.dumps(header).encode()
    # The body starts on a multiple of 8 bytes, so that its integers are aligned.
    start = -(-(len(MAGIC) + len(line) + 1 + 24) // 8) * 8
    header["body"] = start
    line = json.dumps(header).encode()
    head = MAGIC + line + b"\n"
    if len(head) > start:
        return False
    head += b" " * (start - len(head))
    return write_private(table_path(directory, name, sha256), head, body)

"""Encoding detection for a file that is not UTF-8, and the UTF-8 statistics it rests on.

The file is streamed once through the UTF-8 decoder (ASCII chunks are skipped at C speed), so
a valid file costs one pass and no detection. Only a file that fails gets a second pass that
counts its invalid sequences, and a detection on a sample of its non-ASCII lines.

Detection uses charset-normalizer for the candidates and for its "mess" measure, then settles
the cases it gets wrong on short samples with the language evidence of ``language``, and on a
tie prefers the encodings people actually export: GB18030 over GBK/GB2312 (a superset),
Windows-1252 over Latin-1 and over other code pages.
A file that is mostly valid UTF-8 with a few stray bytes (a Windows-1252 paste inside a UTF-8
export) is read as UTF-8 with only the stray bytes decoded by a fallback (the ``utf-8+cp1252``
codec of ``codec``): decoding the whole file as Windows-1252 would turn every correct accent
into mojibake. The fallback is Windows-1252 unless another encoding spells the stray bytes
clearly better; stray bytes that are runs of one repeated byte (a tool's substitute for each
byte of a character) or that no encoding reads with evidence become U+FFFD.
UTF-16 and UTF-32 are recognised by their byte-order mark, or by their NUL bytes without one.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ftlint.rules.file.codec import FALLBACK_PREFIX

from ftlint import FileContext

#: Bytes of a detection sample (only lines holding non-ASCII bytes are kept).
SAMPLE_SIZE = 48 * 1024
#: Bytes read from the first invalid byte's line onwards to build the sample.
REGION_SIZE = 256 * 1024
#: Candidates within this much "mess" of the cleanest one are ties, settled by evidence.
MESS_BAND = 0.02
#: charset-normalizer's own threshold: above it a decoding is noise.
MESS_LIMIT = 0.2

_ASCII = bytes(range(128))

# -- names -------------------------------------------------------------------------------------

#: Supersets people should read with: the decoding is identical where both are defined.
_SUPERSETS = {
    "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "hz": "gb18030",
    "euc_kr": "cp949", "shift_jis": "cp932", "iso8859_1": "latin_1",
}  # fmt: skip

LABELS = {
    "cp1252": "Windows-1252", "cp1250": "Windows-1250", "cp1251": "Windows-1251",
    "cp1253": "Windows-1253", "cp1254": "Windows-1254", "cp1255": "Windows-1255",
    "cp1256": "Windows-1256", "cp1257": "Windows-1257", "cp1258": "Windows-1258",
    "latin_1": "Latin-1 (ISO-8859-1)", "iso8859_15": "ISO-8859-15", "iso8859_2": "ISO-8859-2",
    "gb18030": "GB18030 (GBK)", "big5": "Big5", "cp950": "Big5 (cp950)",
    "big5hkscs": "Big5-HKSCS", "cp932": "Shift_JIS (cp932)", "euc_jp": "EUC-JP",
    "cp949": "EUC-KR (cp949)", "koi8_r": "KOI8-R", "cp866": "DOS Cyrillic (cp866)",
    "mac_roman": "Mac Roman", "cp437": "DOS (cp437)", "cp850": "DOS Latin-1 (cp850)",
    "utf-16": "UTF-16", "utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE",
    "utf-32": "UTF-32", "utf-32-le": "UTF-32LE", "utf-32-be": "UTF-32BE",
}  # fmt: skip

#: Tie-breaker: lower wins. What real exports use most, by region.
_PRIOR = [
    "gb18030", "cp1252", "cp1250", "cp1251", "cp932", "cp949", "cp950", "big5", "big5hkscs",
    "cp1254", "cp1257", "cp1253", "cp1255", "cp1256", "iso8859_15", "iso8859_2", "latin_1",
]  # fmt: skip

#: Always tried besides what charset-normalizer proposes (it samples only a few kilobytes).
_CORE_CANDIDATES = ["cp1252", "gb18030", "cp950", "cp1250", "cp1251", "cp932", "cp949"]

#: Encodings that data files are really saved in. charset-normalizer knows many more (HP
#: Roman-8, Mac Iceland, EBCDIC ...); on a short sample one of those often wins by a hair.
_KNOWN = {
    *(f"cp{n}" for n in range(1250, 1259)), "cp874", "latin_1",
    *(f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16)),
    "koi8_r", "koi8_u", "mac_roman", "tis_620",
    "gb18030", "big5", "cp950", "big5hkscs", "cp932", "euc_jp", "cp949",
}  # fmt: skip


def label(encoding: str) -> str:
    """A name people recognise (``Windows-1252``) for a Python codec name."""
    if encoding.startswith(FALLBACK_PREFIX):
        fallback = encoding[len(FALLBACK_PREFIX) :]
        return f"UTF-8 with {LABELS.get(fallback, fallback)} bytes"
    return LABELS.get(encoding, encoding)


def canonical(encoding: str) -> str:
    """Python's canonical codec name, mapped to the superset people should read with."""
    try:
        name = codecs.lookup(encoding).name.replace("-", "_")
    except LookupError:
        return encoding
    return _SUPERSETS.get(name, name)


# -- scanning ----------------------------------------------------------------------------------


@dataclass
class FirstError:
    """The first byte that is not UTF-8: absolute offset, its value, 1-based line and column."""

    offset: int
    byte: int
    line: int
    column: int | None


@dataclass
class Utf8Stats:
    """Counts over the whole file, decoded as UTF-8 with replacement."""

    invalid: int = 0
    valid_non_ascii: int = 0
    replacement_chars: int = 0

    @property
    def utf8_share(self) -> float:
        """Share of non-ASCII characters that are valid UTF-8 (1.0: stray bytes only)."""
        total = self.valid_non_ascii + self.invalid
        return self.valid_non_ascii / total if total else 0.0


def find_first_error(file: FileContext) -> FirstError | None:
    """Stream the file through the UTF-8 decoder; the first invalid byte, or None."""
    pending = b""
    base = 0  # absolute offset of ``pending[0]``
    newlines = 0  # newlines before ``base``
    last_newline = -1  # absolute offset of the last newline before ``base``
    # 16 KiB pieces: their decoded text (up to 4 bytes a character) stays small enough for
    # the allocator to reuse memory instead of mapping fresh pages for every piece, which
    # makes this pass 3x faster than with 1 MiB pieces.
    for chunk in file.iter_bytes(1 << 14):
        if not pending and chunk.isascii():
            newlines += chunk.count(b"\n")
            found = chunk.rfind(b"\n")
            if found >= 0:
                last_newline = base + found
            base += len(chunk)
            continue
        data = pending + chunk
        try:
            _text, consumed = codecs.utf_8_decode(data, "strict", False)
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = newlines + before.count(b"\n") + 1
            found = before.rfind(b"\n")
            line_start = base + found + 1 if found >= 0 else last_newline + 1
            offset = base + exc.start
            return FirstError(offset, data[exc.start], line, _column(file, line_start, offset))
        newlines += data.count(b"\n", 0, consumed)
        found = data.rfind(b"\n", 0, consumed)
        if found >= 0:
            last_newline = base + found
        pending = data[consumed:]
        base += consumed
    if pending:  # the file ends inside a multi-byte sequence
        line = newlines + 1
        return FirstError(base, pending[0], line, _column(file, last_newline + 1, base))
    return None


def _column(file: FileContext, line_start: int, offset: int) -> int | None:
    """1-based character column of ``offset``: the line before it is valid UTF-8."""
    if offset - line_start > 1 << 20:
        return None  # a huge single line: the byte offset says enough
    with file.open_binary() as handle:
        handle.seek(line_start)
        before = handle.read(offset - line_start)
    return len(before.decode("utf-8", errors="replace")) + 1


def utf8_stats(file: FileContext) -> Utf8Stats:
    """Invalid sequences and valid non-ASCII characters over the whole file."""
    stats = Utf8Stats()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    tail = b""
    for chunk in file.iter_bytes():
        text = decoder.decode(chunk)
        if chunk.isascii() and text.isascii():
            tail = b""
            continue
        ascii_bytes = len(chunk) - len(chunk.translate(None, _ASCII))
        replaced = text.count("\ufffd")
        window = tail + chunk
        genuine = window.count(b"\xef\xbf\xbd") - tail.count(b"\xef\xbf\xbd")
        tail = chunk[-2:]
        stats.invalid += max(0, replaced - genuine)
        stats.replacement_chars += genuine
        stats.valid_non_ascii += max(0, len(text) - ascii_bytes - replaced + genuine)
    final = decoder.decode(b"", final=True)
    stats.invalid += final.count("\ufffd")
    return stats


def _trim_lines(data: bytes, at_start: bool, at_end: bool) -> bytes:
    """Cut partial lines off a slice so that no multi-byte character is split."""
    if not at_start:
        cut = data.find(b"\n")
        data = data[cut + 1 :] if cut >= 0 else b""
    if not at_end:
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut >= 0 else b""
    return data


def detection_sample(file: FileContext, first: FirstError) -> bytes:
    """The head and the region from the first invalid byte's line on, trimmed to whole lines,
    keeping only lines with non-ASCII bytes (the only ones that carry evidence)."""
    with file.open_binary() as handle:
        start = max(0, first.offset - 4096)
        handle.seek(start)
        region = handle.read(REGION_SIZE)
    region = _trim_lines(region, start == 0, start + len(region) >= file.size)
    head = b""
    if start > len(file.head):
        head = _trim_lines(file.head, True, len(file.head) >= file.size)
    sample: list[bytes] = []
    size = 0
    for line in (head + region).split(b"\n"):
        if line.isascii():
            continue
        sample.append(line)
        size += len(line) + 1
        if size >= SAMPLE_SIZE:
            break
    return b"\n".join(sample)


def invalid_only_sample(sample: bytes) -> bytes:
    """The lines of ``sample`` with their valid UTF-8 characters blanked out: what is left is
    ASCII context around the stray bytes, whose encoding is then detected on its own."""
    kept = []
    for line in sample.split(b"\n"):
        text = line.decode("utf-8", errors="surrogateescape")
        if not any("\udc80" <= ch <= "\udcff" for ch in text):
            continue
        blanked = "".join(ch if ord(ch) < 128 or "\udc80" <= ch <= "\udcff" else " " for ch in text)
        kept.append(blanked.encode("ascii", errors="surrogateescape"))
    return b"\n".join(kept)


def substitution_share(sample: bytes) -> tuple[float, int]:
    """Share of the invalid bytes of ``sample`` that sit in runs of one repeated byte, and that
    byte. ``don\xfd\xfd\xfdt`` is the trace of a tool that replaced every byte of a
    multi-byte character (here ``’``) with one substitute: damage, not another encoding."""
    text = sample.decode("utf-8", errors="surrogateescape")
    total = in_runs = 0
    counts: dict[int, int] = {}
    for run in re.findall("[\udc80-\udcff]+", text):
        total += len(run)
        if len(run) >= 2 and len(set(run)) == 1:
            in_runs += len(run)
            byte = ord(run[0]) - 0xDC00
            counts[byte] = counts.get(byte, 0) + len(run)
    if not total:
        return 0.0, 0
    return in_runs / total, max(counts, key=counts.__getitem__, default=0)


# -- detection ---------------------------------------------------------------------------------


@dataclass
class Detection:
    """The guessed encoding of a sample, how sure the guess is, and what came close."""

    encoding: str
    confidence: float
    alternatives: tuple[str, ...] = ()
    #: How well the decoded text spells (0-1) and how many characters say so.
    score: float = 1.0
    evidence: int = 0


def _decode(sample: bytes, encoding: str) -> str | None:
    try:
        return sample.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def detect(sample: bytes) -> Detection | None:
    """The most plausible encoding of ``sample`` (whole lines, not UTF-8), or None."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    # Here, not at the top: its patterns over wide Unicode ranges took ~10 ms to compile in
    # every run, and only a file that is not UTF-8 gets this far.
    from ftlint.rules.file.language import plausibility

    proposed = [match.encoding for match in from_bytes(sample, steps=8, chunk_size=1024)]
    names: list[str] = []
    for name in [*proposed, *_CORE_CANDIDATES]:
        name = canonical(name)
        if name not in _KNOWN or name in names:
            continue
        names.append(name)
    # (mess, score, rank, name, text, evidence)
    scored: list[tuple[float, float, int, str, str, int]] = []
    for name in names:
        text = _decode(sample, name)
        if text is None:
            continue
        mess = mess_ratio(text, maximum_threshold=1.0)
        if mess > MESS_LIMIT:
            continue
        score, evidence = plausibility(name, text)
        if score <= 0:
            continue
        rank = _PRIOR.index(name) if name in _PRIOR else len(_PRIOR) + names.index(name)
        scored.append((mess, score, rank, name, text, evidence))
    if not scored:
        return None
    best_mess = min(item[0] for item in scored)
    band = [item for item in scored if item[0] <= best_mess + MESS_BAND]
    band.sort(key=lambda item: (-round(item[1], 2), item[2]))
    mess, score, _rank, name, text, evidence = band[0]
    rivals = [item for item in band[1:] if item[4] != text]
    confidence = (1.0 - mess) * score
    if rivals and round(rivals[0][1], 2) >= round(score, 2):
        confidence *= 0.6  # only the prior decided between different readings
    elif rivals:
        confidence *= 0.6 + 0.4 * (score - rivals[0][1]) / score
    alternatives = tuple(item[3] for item in rivals[:3])
    return Detection(name, round(confidence, 2), alternatives, score, evidence)


#: Windows-1252 punctuation (0x80-0x9F): smart quotes, dashes, ellipsis, euro sign.
_WINDOWS_PUNCTUATION = frozenset("€‚„…†‡ˆ‰‹‘’“”•–—˜™›")


def detect_stray(sample: bytes) -> Detection | None:
    """The encoding of the stray bytes of a UTF-8 file (``sample``: their lines with the valid
    UTF-8 blanked out). They are nearly always Windows-1252, typed or pasted on Windows (smart
    quotes, dashes, accents): it wins unless another encoding spells the bytes clearly better.
    A few bytes are weak evidence for anything else, so without evidence nothing is guessed."""
    from ftlint.rules.file.language import word_consistency

    found = detect(sample)
    text = _decode(sample, "cp1252")
    if text is not None:
        score, evidence = word_consistency(text)
        evidence += sum(1 for ch in text if ch in _WINDOWS_PUNCTUATION)
        if found is None or found.encoding == "cp1252" or score >= found.score - 0.05:
            return Detection("cp1252", round(score if evidence else 0.7, 2), (), score, evidence)
    if found is not None and found.evidence >= 3:
        return found
    return None


_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 little-endian"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 big-endian"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 little-endian"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 big-endian"),
)


def _stray_wide_bom(rest: bytes) -> bool:
    """Whether what follows a UTF-16 byte-order mark is really 8-bit text: line breaks, no
    NUL byte (UTF-16 of ASCII has one in every pair) and valid UTF-8. Read as UTF-16 it would
    be one line of CJK characters: every line but one lost."""
    sample = rest[:4096]
    if b"\x00" in sample or b"\n" not in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 3  # a character cut at the end of the sample
    return True


def wide_encoding(head: bytes) -> tuple[str, str, bool] | None:
    """UTF-16/32 from a byte-order mark, or from the NUL bytes of mostly-ASCII text without
    one: ``(codec, description, has_bom)``."""
    for bom, codec, description in _WIDE_BOMS:
        if head.startswith(bom):
            if codec == "utf-16" and _stray_wide_bom(head[len(bom) :]):
                return None  # UTF-8 lines behind a stray mark: read them as such
            return codec, description, True
    sample = head[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    quads = len(sample) // 4
    zeros = [sum(1 for i in range(k, quads * 4, 4) if sample[i] == 0) for k in range(4)]
    if zeros[1] + zeros[2] + zeros[3] > 2.7 * quads and zeros[0] < 0.1 * quads:
        return "utf-32-le", "UTF-32 little-endian without a byte-order mark", False
    if zeros[0] + zeros[1] + zeros[2] > 2.7 * quads and zeros[3] < 0.1 * quads:
        return "utf-32-be", "UTF-32 big-endian without a byte-order mark", False
    odd, even = zeros[1] + zeros[3], zeros[0] + zeros[2]
    if odd > 1.4 * quads and even < 0.1 * quads:
        return "utf-16-le", "UTF-16 little-endian without a byte-order mark", False
    if even > 1.4 * quads and odd < 0.1 * quads:
        return "utf-16-be", "UTF-16 big-endian without a byte-order mark", False
    return None

"""not-utf8: find the first byte that is not UTF-8, detect the file's real encoding, and tell
the readers to decode with it so that every later rule sees the right text.

The file is streamed once through the UTF-8 decoder (ASCII chunks are skipped at C speed), so
a valid file costs one pass and no detection. Only a file that fails gets a second pass that
counts its invalid sequences, and a detection on a sample of its non-ASCII lines.

Detection uses charset-normalizer for the candidates and for its "mess" measure, then settles
the cases it gets wrong on short samples with three checks of its own:
- a Chinese decoding must produce common Chinese characters (a GBK file decoded as Big5, or a
  Windows-1252 file decoded as Shift_JIS, yields valid but rare characters);
- a Latin decoding must spell its accented words in one language (Czech read as Windows-1252
  gives ``pøípadì``, letters no single language has together);
- on a tie, the encodings people actually export win: GB18030 over GBK/GB2312 (a superset),
  Windows-1252 over Latin-1 and over other code pages.
A file that is mostly valid UTF-8 with a few stray bytes (a Windows-1252 paste inside a UTF-8
export) is read as UTF-8 with only the stray bytes decoded by a fallback (the ``utf-8+cp1252``
codec registered here): decoding the whole file as Windows-1252 would turn every correct
accent into mojibake. The fallback is Windows-1252 unless another encoding spells the stray
bytes clearly better; stray bytes that are runs of one repeated byte (a tool's substitute for
each byte of a character) or that no encoding reads with evidence become U+FFFD.
UTF-16 and UTF-32 are recognised by their byte-order mark, or by their NUL bytes without one.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ftlint.model import (
    Applicability,
    Diagnostic,
    FileAction,
    FileEdit,
    Fix,
    Location,
    Scope,
    Severity,
)
from ftlint.pluginmanager import hookimpl
from ftlint.rule import FileContext, Rule

#: Bytes of a detection sample (only lines holding non-ASCII bytes are kept).
SAMPLE_SIZE = 48 * 1024
#: Bytes read from the first invalid byte's line onwards to build the sample.
REGION_SIZE = 256 * 1024
#: Candidates within this much "mess" of the cleanest one are ties, settled by evidence.
MESS_BAND = 0.02
#: charset-normalizer's own threshold: above it a decoding is noise.
MESS_LIMIT = 0.2

_ASCII = bytes(range(128))
_FALLBACK_PREFIX = "utf-8+"

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

_CHINESE = {"gb18030", "big5", "cp950", "big5hkscs"}
_JAPANESE = {"cp932", "euc_jp", "euc_jis_2004", "euc_jisx0213", "shift_jis_2004"}
_KOREAN = {"cp949", "johab"}


def label(encoding: str) -> str:
    """A name people recognise (``Windows-1252``) for a Python codec name."""
    if encoding.startswith(_FALLBACK_PREFIX):
        fallback = encoding[len(_FALLBACK_PREFIX) :]
        return f"UTF-8 with {LABELS.get(fallback, fallback)} bytes"
    return LABELS.get(encoding, encoding)


def canonical(encoding: str) -> str:
    """Python's canonical codec name, mapped to the superset people should read with."""
    try:
        name = codecs.lookup(encoding).name.replace("-", "_")
    except LookupError:
        return encoding
    return _SUPERSETS.get(name, name)


# -- a codec for UTF-8 files with stray bytes of another encoding ------------------------------


def _fallback_handler(fallback: str) -> Callable[[UnicodeError], tuple[str, int]]:
    def handle(exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        data = exc.object
        # Multi-byte fallbacks (GB18030) may need the bytes after the invalid one.
        for end in range(exc.start + 1, min(exc.start + 4, len(data)) + 1):
            try:
                return bytes(data[exc.start : end]).decode(fallback), end
            except UnicodeDecodeError:
                continue
        return "\ufffd", exc.start + 1

    return handle


def _search_codec(name: str) -> codecs.CodecInfo | None:
    """``utf-8+cp1252``: UTF-8, with the bytes that are not UTF-8 decoded as cp1252.

    Python normalises the name to ``utf_8_cp1252`` before calling a search function.
    """
    prefix = "utf_8_"
    if not name.startswith(prefix):
        return None
    fallback = name[len(prefix) :]
    try:
        fallback = codecs.lookup(fallback).name.replace("-", "_")
    except LookupError:
        return None
    handler_name = f"ftlint-fallback-{fallback}"
    codecs.register_error(handler_name, _fallback_handler(fallback))

    def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
        return codecs.utf_8_decode(data, handler_name, True)

    def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
        return codecs.utf_8_encode(text, errors)

    class IncrementalDecoder(codecs.BufferedIncrementalDecoder):
        def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:
            return codecs.utf_8_decode(data, handler_name, final)

    class StreamReader(codecs.StreamReader):
        def decode(self, data: bytes, errors: str = "strict") -> tuple[str, int]:
            return codecs.utf_8_decode(data, handler_name, False)

    return codecs.CodecInfo(
        name=f"{_FALLBACK_PREFIX}{fallback}",
        encode=encode,
        decode=decode,
        incrementalencoder=codecs.getincrementalencoder("utf-8"),
        incrementaldecoder=IncrementalDecoder,
        streamreader=StreamReader,
        streamwriter=codecs.getwriter("utf-8"),
    )


codecs.register(_search_codec)


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
    with file.path.open("rb") as handle:
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
    with file.path.open("rb") as handle:
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

#: The most frequent Chinese characters, simplified and traditional: real Chinese text is
#: about a third made of them; a wrong double-byte decoding almost never produces them.
_COMMON_HAN = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之"
    "年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理"
    "心她本前开但因只从想实日者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间"
    "由问很最重并物手应向头文体相见被利什二等产或新己制身果加西月话合回特代内信表化老给世位次度"
    "门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何"
    "电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治"
    "展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该"
    "交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林"
    "服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价"
    "花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包"
    "片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选"
    "这個們來為國說時會對過發後裡麼經當沒動現點從開關業間問題實學兩長種樣頭話還見無機體條請東變"
    "數報結車親認總麼樣氣應該聽讓覺說進給員邊對幾於與業題師當醫藥們嗎歲請謝"
)
_HAN_RANGE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA_RANGE = re.compile(r"[\u3040-\u30ff]")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_HANGUL_RANGE = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_WORD = re.compile(r"[^\W\d_]{2,}")

#: Lower-case accented letters of languages written in the Latin single-byte code pages. An
#: accented word must be spellable in one of them for a decoding to count as consistent.
_ALPHABETS = [
    set(letters)
    for letters in (
        "àâæçéèêëîïôœùûüÿ",  # French
        "äöüß",  # German
        "áéíñóúüº",  # Spanish
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "àçéèíïòóúü",  # Catalan
        "éëïóöüèáà",  # Dutch
        "æøåéèóô",  # Danish, Norwegian
        "åäöé",  # Swedish
        "äöåšž",  # Finnish
        "áðéíóúýþæö",  # Icelandic
        "äöõüšž",  # Estonian
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "čćđšž",  # Slovene, Croatian, Bosnian
        "áéíóöőúüű",  # Hungarian
        "ăâîșțşţ",  # Romanian
        "çë",  # Albanian
        "ąčęėįšųūž",  # Lithuanian
        "āčēģīķļņšūž",  # Latvian
        "çğıöşüâîû",  # Turkish
        "ăâêôơưđàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ",  # Vietnamese
    )
]
#: Non-Latin alphabetic scripts of single-byte code pages: a word must stay in one of them.
_SCRIPTS = [
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x0590, 0x05FF),  # Hebrew
    (0x0600, 0x06FF),  # Arabic
    (0x0E00, 0x0E7F),  # Thai
]


def _is_latin(ch: str) -> bool:
    return ord(ch) < 0x0250 or 0x1E00 <= ord(ch) <= 0x1EFF


def _word_consistent(word: str) -> bool:
    lower = word.lower()
    if all(_is_latin(ch) for ch in lower):
        letters = {ch for ch in lower if ord(ch) >= 128}
        return any(letters <= alphabet for alphabet in _ALPHABETS)
    return any(all(low <= ord(ch) <= high for ch in lower) for low, high in _SCRIPTS)


def word_consistency(text: str) -> tuple[float, int]:
    """Share of accented letters that sit in words spellable in one language or script
    (1.0 when there is no such evidence at all), and how many letters that share is from."""
    total = consistent = 0
    for word in _WORD.findall(text):
        weight = sum(1 for ch in word if ord(ch) >= 128)
        if not weight:
            continue
        total += weight
        if _word_consistent(word):
            consistent += weight
    return (consistent / total if total else 1.0), total


def han_commonness(text: str) -> tuple[int, float]:
    """Number of Han characters and the share of them that are common ones."""
    han = _HAN_RANGE.findall(text)
    if not han:
        return 0, 0.0
    return len(han), sum(1 for ch in han if ch in _COMMON_HAN) / len(han)


def _ks_x_1001(syllable: str) -> bool:
    """Whether a Hangul syllable is one of the 2,350 of KS X 1001 (rows 0xB0-0xC8 of cp949)."""
    try:
        data = syllable.encode("cp949")
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and 0xB0 <= data[0] <= 0xC8 and data[1] >= 0xA1


def plausibility(encoding: str, text: str) -> tuple[float, int]:
    """Does this decoding look like real text in its language? A score from 0 (implausible)
    to 1, and the number of characters that are evidence for it."""
    non_ascii = sum(1 for ch in text if ord(ch) >= 128) or 1
    if encoding in _CHINESE:
        count, share = han_commonness(text)
        if count == 0:
            return 0.0, 0
        if count < 10:
            return (1.0 if share > 0 else 0.3), count
        return (min(1.0, share / 0.25) if share >= 0.08 else 0.0), count
    if encoding in _JAPANESE:
        kana = len(_KANA_RANGE.findall(text))
        if len(_HALFWIDTH_KANA.findall(text)) * 2 > non_ascii or not kana:
            return 0.0, 0
        return 1.0, kana
    if encoding in _KOREAN:
        # Real Korean stays within the 2,350 syllables of KS X 1001 (EUC-KR); other bytes
        # decoded as cp949 land in its extension of rare syllables.
        syllables = _HANGUL_RANGE.findall(text)
        if len(syllables) * 2 <= non_ascii:
            return 0.0, 0
        common = sum(1 for ch in syllables if _ks_x_1001(ch))
        return (1.0 if common >= 0.9 * len(syllables) else 0.0), len(syllables)
    return word_consistency(text)


@dataclass
class Detection:
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


def wide_encoding(head: bytes) -> tuple[str, str, bool] | None:
    """UTF-16/32 from a byte-order mark, or from the NUL bytes of mostly-ASCII text without
    one: ``(codec, description, has_bom)``."""
    for bom, codec, description in _WIDE_BOMS:
        if head.startswith(bom):
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


# -- the rule ----------------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _transcode_fix(encoding: str) -> Fix:
    """Safe, and part of what ``prepare`` does: its output is UTF-8 by construction."""
    fix = Fix.safe(
        f"transcode from {label(encoding)} to UTF-8",
        FileEdit(FileAction.TRANSCODE, encoding=encoding),
    )
    return replace(fix, in_prepare=True)


_REPLACE_FIX = Fix.unsafe(
    "rewrite as UTF-8 with the invalid bytes replaced by U+FFFD",
    FileEdit(FileAction.TRANSCODE, encoding="utf-8"),
)


class NotUtf8(Rule):
    """## What it does
    Checks that a text file (JSONL, JSON, CSV, TSV) is valid UTF-8. When it is not, reports
    the line and byte offset of the first invalid byte, detects the real encoding
    (charset-normalizer plus checks of its own; GB18030/GBK and Windows-1252 exports are the
    common cases, and UTF-16/UTF-32 files from Windows tools), and makes ftlint read the file
    with it, so every other rule sees the right text.

    ## Why is this bad?
    Fine-tuning APIs require UTF-8. A GBK or Windows-1252 file is rejected, or worse, read
    with every non-ASCII character turned into mojibake that the model then learns.

    ## Example
    A CSV saved by Excel on a Chinese Windows: `FT101 not UTF-8: first invalid byte 0xD0 at
    line 2 (byte offset 28); the file is GB18030 (GBK) (confidence 100%)`.

    ## Fix safety
    Safe when an encoding was detected: the file is transcoded to UTF-8 (`prepare` always
    writes UTF-8; `check --fix` rewrites a JSONL file). Unsafe when the file is UTF-8 with a
    few stray bytes (their decoding is a guess from a few bytes) or when no encoding could be
    detected (the invalid bytes become U+FFFD).
    """

    code = "FT101"
    name = "not-utf8"
    scope = Scope.FILE
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        if not file.is_text or file.size == 0:
            return
        wide = wide_encoding(file.head)
        if wide is not None:
            yield self._wide(file, *wide)
            return
        first = find_first_error(file)
        if first is None:
            return
        yield self._not_utf8(file, first)

    def _wide(self, file: FileContext, codec: str, description: str, bom: bool) -> Diagnostic:
        file.encoding = codec
        how = "with a byte-order mark" if bom else "(NUL bytes between the characters)"
        return self.diagnostic(
            f"not UTF-8: the file is {description} {how}; it is read as {label(codec)}",
            file.location(line=1, column=1),
            fix=_transcode_fix(codec),
        )

    def _not_utf8(self, file: FileContext, first: FirstError) -> Diagnostic:
        location = file.location(line=first.line, column=first.column)
        where = (
            f"first invalid byte 0x{first.byte:02X} at line {first.line} "
            f"(byte offset {first.offset:,})"
        )
        stats = utf8_stats(file)
        sample = detection_sample(file, first)
        damaged = ""
        if stats.replacement_chars:
            damaged = (
                f"; it also holds {_count(stats.replacement_chars, 'U+FFFD replacement character')}"
                ", the mark of an earlier lossy conversion"
            )
        if stats.valid_non_ascii and stats.utf8_share >= 0.5:
            return self._mostly_utf8(file, stats, sample, where, damaged, location)
        found = detect(sample)
        if found is None:
            message = (
                f"not valid UTF-8: {where}; its encoding could not be detected, so it is read "
                f"as UTF-8 with {_count(stats.invalid, 'invalid sequence')} replaced by U+FFFD"
                f"{damaged}"
            )
            return self.diagnostic(message, location, fix=_REPLACE_FIX)
        file.encoding = found.encoding
        also = ""
        if found.alternatives:
            also = f"; also possible: {label(found.alternatives[0])}"
        message = (
            f"not UTF-8: {where}; the file is {label(found.encoding)} "
            f"(confidence {found.confidence:.0%}{also}) and is read as such{damaged}"
        )
        return self.diagnostic(message, location, fix=_transcode_fix(found.encoding))

    def _mostly_utf8(
        self,
        file: FileContext,
        stats: Utf8Stats,
        sample: bytes,
        where: str,
        damaged: str,
        location: Location,
    ) -> Diagnostic:
        """A UTF-8 file with stray bytes: read them with a clear fallback, else as U+FFFD."""
        head = (
            f"not valid UTF-8: {_count(stats.invalid, 'invalid byte sequence')}, the {where}; "
            f"the rest is UTF-8 ({stats.valid_non_ascii:,} non-ASCII characters)"
        )
        share, substitute = substitution_share(sample)
        fallback = None if share > 0.5 else detect_stray(invalid_only_sample(sample))
        if fallback is None:
            why = (
                f"most invalid bytes are runs of one byte, 0x{substitute:02X}, the trace of a "
                "tool that replaced each byte of multi-byte characters"
                if share > 0.5
                else "the invalid bytes match no encoding clearly"
            )
            message = f"{head}; {why}, so they are read as U+FFFD{damaged}"
            return self.diagnostic(message, location, fix=_REPLACE_FIX)
        encoding = f"{_FALLBACK_PREFIX}{fallback.encoding}"
        file.encoding = encoding
        message = (
            f"{head}, so only the invalid bytes are read as {label(fallback.encoding)} "
            f"(confidence {fallback.confidence:.0%}){damaged}"
        )
        fix = Fix.unsafe(
            f"transcode to UTF-8, reading the stray bytes as {label(fallback.encoding)}",
            FileEdit(FileAction.TRANSCODE, encoding=encoding),
        )
        return self.diagnostic(message, location, fix=fix)


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [NotUtf8]

"""Language evidence for an encoding guess: does a decoding read as real text?

Charset detection on a short sample often prefers a wrong decoding that is valid but
meaningless. These checks say how plausible a decoding is in its language:
- a Chinese decoding must produce common Chinese characters (a GBK file decoded as Big5, or a
  Windows-1252 file decoded as Shift_JIS, yields valid but rare characters);
- a Japanese decoding must hold kana, and not mostly half-width katakana;
- a Korean decoding must stay within the syllables of KS X 1001;
- a Latin decoding must spell its accented words in one language (Czech read as Windows-1252
  gives ``pøípadì``, letters no single language has together).
"""

from __future__ import annotations

import re

_CHINESE = {"gb18030", "big5", "cp950", "big5hkscs"}
_JAPANESE = {"cp932", "euc_jp", "euc_jis_2004", "euc_jisx0213", "shift_jis_2004"}
_KOREAN = {"cp949", "johab"}


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

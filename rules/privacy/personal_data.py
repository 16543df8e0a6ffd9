"""FT802 personal-data: e-mail addresses, phone numbers, card numbers, IBANs, US social
security numbers and IP addresses in the texts."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ftlint.rules.privacy.base import Finding, PrivacyRule, listing
from ftlint.rules.privacy.checks import iban_ok, luhn_ok
from ftlint.rules.privacy.texts import AT, DIGITS, gate

from ftlint import Applicability, ConfigError, RuleContext, Severity

#: What the rule looks for, and the sources of each test (not re-checked 2026-12):
#: email  RFC 5322 section 3.4.1 (addr-spec, the common subset); RFC 2606 and RFC 6761 (the
#:        reserved documentation domains, not reported)
#: phone  the ``phonenumbers`` library (Google's libphonenumber metadata), numbers it
#:        finds valid with leniency VALID
#: card   ISO/IEC 7812-1 (the Luhn check) and the issuer ranges and lengths of
#:        https://en.wikipedia.org/wiki/Payment_card_number
#: iban   ISO 13616 (mod 97) and the lengths of SWIFT's IBAN registry,
#:        https://www.swift.com/standards/data-standards/iban-international-bank-account-number
#: ssn    https://www.ssa.gov/employer/randomization.html and
#:        https://www.ssa.gov/history/ssn/misused.html (numbers never issued)
#: ip     RFC 6890 special-purpose registries through Python's ``ipaddress.is_global``
#:        (private, loopback, link-local, documentation RFC 5737 / RFC 3849 ranges are not
#:        reported)
KINDS = ("email", "phone", "card", "iban", "ssn", "ip")

# ---------------------------------------------------------------------------------------------
# The shape of a text

#: Each ASCII digit becomes ``0``; every other byte stays.
_ZEROS = bytes(48 if 48 <= b <= 57 else b for b in range(256))
#: Longer texts get no shape: two copies of a 16 MB answer cost more than they save.
_SHAPED = 1 << 16


def _shape(text: str) -> bytes | None:
    """``text`` with each digit as ``0``, when it is ASCII (where ``\\d`` is ``[0-9]``) and
    not long, else None. Why: a search for ``\\d`` costs about 8 ns a character even with
    nothing to find; literal searches of the shape rule out the number patterns for a
    fraction of that (one byte per character: a gap of the shape is a gap of the text)."""
    if len(text) > _SHAPED or not text.isascii():
        return None
    return text.encode("ascii").translate(_ZEROS)


# ---------------------------------------------------------------------------------------------
# E-mail addresses

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63})@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})"
    r"(?![A-Za-z0-9\-]|\.[A-Za-z0-9])"
)
_RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_SUFFIXES = tuple("." + d for d in _RESERVED_DOMAINS)
_RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost", "local"})
#: ``logo@2x.png``: image names, not addresses.
_FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tiff"})


def _emails(text: str) -> list[Finding]:
    found = []
    for match in _EMAIL_RE.finditer(text):
        local, domain = match.group("local"), match.group("domain").lower()
        tld = domain.rsplit(".", 1)[-1]
        if tld in _RESERVED_TLDS or tld in _FILE_TLDS:
            continue
        if domain in _RESERVED_DOMAINS or domain.endswith(
            tuple("." + d for d in _RESERVED_DOMAINS)
        ):
            continue
        if local == "git":
            continue  # git@github.com:org/repo.git, an SSH remote
        start = match.start()
        before = text[max(0, start - 200) : start]
        scheme = before.rfind("://")
        if scheme >= 0 and not re.search(r"[\s/]", before[scheme + 3 :]):
            continue  # user:password@host in a URL (secret-in-data's)
        found.append(
            Finding(
                start, match.end(), "EMAIL", "an e-mail address", match.group().lower(),
                f"{local[0]}…@{domain}",
            )
        )  # fmt: skip
    return found


# ---------------------------------------------------------------------------------------------
# Payment card numbers

#: The card, IBAN, SSN and IPv4 patterns start with the character they consume first and
#: look behind it after that (``\d(?<![\d.,-]\d)`` is ``(?<![\d.,-])\d``). Why: a pattern that
#: starts with a lookbehind makes ``re`` try it at every position of the text; one that starts
#: with a character class lets it skip in C to the next character that can start a match (a
#: fifth of the time on prose with a number). tests/test_privacy_patterns.py keeps the old
#: forms and compares them.
_CARD_RE = re.compile(
    r"\d(?<![\d.,-]\d)(?:\d{3}(?P<s>[ -])\d{4}(?P=s)\d{4}(?P=s)\d{4}(?:(?P=s)\d{3})?"
    r"|\d{3}(?P<t>[ -])\d{6}(?P=t)\d{4,5}"
    r"|\d{12,18})(?![\d-]|[.,]\d)"
)

#: ``(first digits low, high, lengths, brand)``: the issuer ranges of the networks.
_ISSUERS: tuple[tuple[int, int, tuple[int, ...], str], ...] = (
    (4, 4, (13, 16, 19), "Visa"),
    (51, 55, (16,), "Mastercard"),
    (2221, 2720, (16,), "Mastercard"),
    (34, 34, (15,), "American Express"),
    (37, 37, (15,), "American Express"),
    (6011, 6011, (16, 17, 18, 19), "Discover"),
    (644, 649, (16, 17, 18, 19), "Discover"),
    (65, 65, (16, 17, 18, 19), "Discover"),
    (3528, 3589, (16, 17, 18, 19), "JCB"),
    (36, 36, (14, 15, 16, 17, 18, 19), "Diners Club"),
    (300, 305, (14, 15, 16, 17, 18, 19), "Diners Club"),
    (38, 39, (16, 17, 18, 19), "Diners Club"),
    (62, 62, (16, 17, 18, 19), "UnionPay"),
    (2200, 2204, (16, 17, 18, 19), "Mir"),
)

#: Test numbers the payment processors publish for their sandboxes (Stripe, Adyen, Braintree
#: docs): they appear in support and coding data and belong to nobody.
TEST_CARDS = frozenset(
    {"4242424242424242", "4111111111111111", "4000056655665556", "4012888888881881",
     "5555555555554444", "5105105105105100", "2223003122003222", "5200828282828210",
     "378282246310005", "371449635398431", "6011111111111117", "6011000990139424",
     "3056930009020004", "36227206271667", "3566002020360505", "6200000000000005"}
)  # fmt: skip


def card_brand(digits: str) -> str | None:
    for low, high, lengths, brand in _ISSUERS:
        size = len(str(low))
        if low <= int(digits[:size]) <= high and len(digits) in lengths:
            return brand
    return None


def _could_be_card(shape: bytes) -> bool:
    """Every match of ``_CARD_RE`` has 13 digits at least, and 13 in a row or four, a space
    or a dash and four more."""
    return shape.count(b"0") >= 13 and (
        b"0000 0000" in shape or b"0000-0000" in shape or b"0000000000000" in shape
    )


def _cards(text: str, shape: bytes | None = None) -> list[Finding]:
    found: list[Finding] = []
    if shape is not None and not _could_be_card(shape):
        return found
    for match in _CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        brand = card_brand(digits)
        if brand is None or not luhn_ok(digits) or digits in TEST_CARDS:
            continue
        found.append(
            Finding(
                match.start(), match.end(), "CARD", "a card number", digits,
                f"{brand} …{digits[-4:]}",
            )
        )  # fmt: skip
    return found


# ---------------------------------------------------------------------------------------------
# IBANs

#: The length of each country's IBAN (SWIFT's registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

_IBAN_RE = re.compile(
    r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?"
    r"(?![A-Za-z0-9])"
)


#: Every match of ``_IBAN_RE`` starts with two capitals and two digits.
_IBAN_SHAPE = re.compile(rb"[A-Z][A-Z]00")  # (not ``{2}``: a repeat first is no class first)


def _ibans(text: str, shape: bytes | None = None) -> list[Finding]:
    found: list[Finding] = []
    if shape is not None and not _IBAN_SHAPE.search(shape):
        return found
    for match in _IBAN_RE.finditer(text):
        raw = match.group()
        size = IBAN_LENGTHS.get(raw[:2])
        if size is None:
            continue
        # The pattern may take in a short word after the number (``... 0130 00 A``): cut
        # it at the country's length, where a group ends.
        end, count = 0, 0
        while end < len(raw) and count < size:
            count += raw[end] != " "
            end += 1
        if count < size or (end < len(raw) and raw[end] != " "):
            continue
        compact = raw[:end].replace(" ", "")
        if not iban_ok(compact):
            continue
        found.append(
            Finding(
                match.start(), match.start() + end, "IBAN", "an IBAN", compact,
                f"{compact[:2]}…{compact[-2:]}",
            )
        )  # fmt: skip
    return found


# ---------------------------------------------------------------------------------------------
# US social security numbers

_SSN_RE = re.compile(r"(\d(?<![\d-]\d)\d{2})-(\d{2})-(\d{4})(?![\d-])")
#: Numbers published as examples (the 1938 Woolworth wallet card, an advertisement, the
#: SSA's own sample): reported by the SSA as misused, they identify nobody.
_SSN_EXAMPLES = frozenset({"078-05-1120", "219-09-9999", "123-45-6789"})


def _ssns(text: str, shape: bytes | None = None) -> list[Finding]:
    found: list[Finding] = []
    if b"000-00-0000" not in shape if shape is not None else "-" not in text:
        return found  # what every match is, in the shape; its literal, in any text
    for match in _SSN_RE.finditer(text):
        area, group, serial = match.groups()
        if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
            continue  # never issued
        if match.group() in _SSN_EXAMPLES:
            continue
        found.append(
            Finding(
                match.start(), match.end(), "SSN", "a US social security number", match.group(),
                f"…-…-{serial}",
            )
        )  # fmt: skip
    return found


# ---------------------------------------------------------------------------------------------
# IP addresses

_IPV4_RE = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![\w]|\.\d)")
_IPV6_RE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
#: What every match of ``_IPV6_RE`` holds (its first two groups end in ``:``): a search with a
#: literal first character, so that a text with one ``:`` (``Ticket 100001: ...``) does not
#: pay for the IPv6 pattern, which tries every hex letter of the prose.
_IPV6_HINT = re.compile(r":[0-9A-Fa-f]{0,4}:")
#: ``version 1.2.3.4``: a four-part version, not an address.
_VERSION_RE = re.compile(r"\b(?:version|release|build|ver)[\s.:]*$", re.I)
#: Public DNS resolvers (Google, Cloudflare, Quad9, OpenDNS): services, not people.
PUBLIC_SERVICES = frozenset(
    {"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112",
     "208.67.222.222", "208.67.220.220", "2001:4860:4860::8888", "2001:4860:4860::8844",
     "2606:4700:4700::1111", "2606:4700:4700::1001"}
)  # fmt: skip


#: What every match of ``_IPV4_RE`` holds, in the shape.
_IPV4_SHAPE = re.compile(rb"0\.0{1,3}\.0{1,3}\.0")


def _ips(text: str, shape: bytes | None = None) -> list[Finding]:
    found: list[Finding] = []
    if shape is not None:
        regexes = (_IPV4_RE,) if _IPV4_SHAPE.search(shape) else ()
    else:
        regexes = (_IPV4_RE,) if "." in text else ()  # the pattern's literal
    if ":" in text and _IPV6_HINT.search(text):
        regexes += (_IPV6_RE,)
    for regex in regexes:
        for match in regex.finditer(text):
            raw = match.group()
            if regex is _IPV6_RE and raw.count(":") < 2:
                continue
            try:
                address = ipaddress.ip_address(raw)
            except ValueError:
                continue
            if not address.is_global or str(address) in PUBLIC_SERVICES:
                continue
            if _VERSION_RE.search(text, max(0, match.start() - 12), match.start()):
                continue
            canonical = str(address)
            if address.version == 4:
                masked = ".".join(canonical.split(".")[:2]) + ".…"
            else:
                masked = ":".join(address.exploded.split(":")[:2]) + ":…"
            found.append(
                Finding(match.start(), match.end(), "IP", "an IP address", canonical, masked)
            )
    return found


# ---------------------------------------------------------------------------------------------
# Phone numbers (phonenumbers, imported at the first text with a run of seven digits)

#: A number written with a ``+`` or with separators between its digits; a bare run of
#: digits is an order number or an id as often as a phone number.
_FORMATTED_RE = re.compile(r"^\+|\d[\s.\-()/]+\d|^\(")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces and unmatched parentheses the matcher may take in at its
    ends (``( +33 1 ...``)."""

    def unbalanced(span: str) -> int:
        return span.count("(") - span.count(")")

    while start < end and (
        text[start].isspace() or (text[start] == "(" and unbalanced(text[start:end]) > 0)
    ):
        start += 1
    while end > start and (
        text[end - 1].isspace() or (text[end - 1] == ")" and unbalanced(text[start:end]) < 0)
    ):
        end -= 1
    return start, end


#: The fewest digits of a number ``phonenumbers`` finds valid when it reads numbers without a
#: ``+`` as numbers of the region (its metadata, checked by tests/test_rules_privacy.py): the
#: region's shortest national number, or a number dialled abroad from there (the region's
#: international prefix, then the shortest number of any country, ``_FEWEST_WITH_PLUS``).
#: US: national numbers of 10 digits; ``011`` + 6. A region not listed here always asks
#: phonenumbers.
_FEWEST_DIGITS = {"US": 9}
#: With a ``+`` (or a full-width one), a number of any country: a country code and a national
#: number, 6 digits at least (+43 and +98 with 4-digit numbers).
_FEWEST_WITH_PLUS = 6
#: What the matcher could read as one number: digits with at most 4 other characters between
#: them (phonenumbers allows 4 punctuation characters between blocks of digits), ``x`` among
#: them: it is punctuation to the matcher, and with two more letters phonenumbers reads each
#: one as a digit (its alpha conversion needs 3 letters; ``x`` is the only letter it takes in).
_DIGIT_GROUP = re.compile(r"[\dxX](?:[^\dxX]{0,4}[\dxX])*")
_DIGIT = re.compile(r"\d")
#: The members of a ``_DIGIT_GROUP`` (ASCII digits, ``x``, ``X``) as ``0``, every other byte
#: as a space: in an ASCII text, five spaces in a row are a gap between two groups.
_MEMBER_BYTES = bytes(48 if chr(b) in "0123456789xX" else 32 for b in range(256))
_GAP = b" " * 5


def _digits(group: str) -> int:
    """The most digits a number read from ``group`` can have."""
    letters = group.count("x") + group.count("X")
    return len(_DIGIT.findall(group)) + (letters if letters >= 3 else 0)


def _may_hold_a_phone(text: str, regions: Sequence[str]) -> bool:
    """False when no span of ``text`` has the digits of a valid number: the common case of a
    date or a count, which then does not import phonenumbers (a tenth of a small run)."""
    if "+" in text or "\uff0b" in text:
        fewest = _FEWEST_WITH_PLUS
    else:
        known = [_FEWEST_DIGITS.get(region) for region in regions]
        if not known or None in known:
            return True
        fewest = min(known)  # type: ignore[type-var]
    # A group holds no more digits than members (``_digits``): in a short ASCII text, a count
    # of the members and one of each group's rule out nearly every text in C, without a
    # match object per group (each piece split at the gaps holds one group).
    if len(text) <= _SHAPED and text.isascii():
        members = text.encode("ascii").translate(_MEMBER_BYTES)
        if members.count(b"0") < fewest:
            return False
        if not any(piece.count(b"0") >= fewest for piece in members.split(_GAP)):
            return False
    return any(_digits(group.group()) >= fewest for group in _DIGIT_GROUP.finditer(text))


def _phones(text: str, regions: Sequence[str]) -> list[Finding]:
    if not _may_hold_a_phone(text, regions):
        return []
    try:
        import phonenumbers
    except ImportError:  # a broken install (it is a dependency): no phone numbers
        return []
    found: dict[tuple[int, int], Finding] = {}
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.VALID
        ):
            if not _FORMATTED_RE.search(match.raw_string):
                continue
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            span = _trimmed(text, match.start, match.end)
            if any(s < span[1] and span[0] < e for s, e in found):
                continue
            found[span] = Finding(
                *span, "PHONE", "a phone number", e164,
                f"+{match.number.country_code} …{e164[-2:]}",
            )  # fmt: skip
    return list(found.values())


#: The kinds found by their digits, in the order they claim spans (``find_personal_data``).
_NUMBERS: tuple[tuple[str, Callable[[str, bytes | None], list[Finding]]], ...] = (
    ("iban", _ibans),
    ("card", _cards),
    ("ssn", _ssns),
    ("ip", _ips),
)


def find_personal_data(
    text: str,
    kinds: frozenset[str] = frozenset(KINDS),
    regions: Sequence[str] = ("US",),
    *,
    bits: int | None = None,
) -> list[Finding]:
    """Every value of ``kinds`` in ``text``, in order (the first kind to claim a span keeps
    it: IBANs, whose country, length and mod-97 checksum are the strictest test, then cards,
    social security numbers, IP addresses, e-mail addresses, phones). An IBAN's digits can
    hold a run that passes the Luhn test of a card number; it is still one IBAN.

    ``bits``: ``gate(text)``, when the caller has it (``texts.scan`` and the redactor do):
    computed here otherwise."""
    if bits is None:
        bits = gate(text)
    found: list[Finding] = []

    def add(findings: list[Finding]) -> None:
        if findings:  # (nearly always empty: no generator for nothing)
            found.extend(
                f for f in findings if not any(f.start < o.end and o.start < f.end for o in found)
            )

    if bits & DIGITS:
        shape = _shape(text)
        for kind, find in _NUMBERS:
            if kind in kinds:
                add(find(text, shape))
    if bits & AT and "email" in kinds:
        add(_emails(text))
    if bits & DIGITS and "phone" in kinds:
        add(_phones(text, regions))
    found.sort(key=lambda f: f.start)
    return found


class PersonalData(PrivacyRule):
    """## What it does
    Finds personal data in the texts of an example: e-mail addresses, phone numbers, payment
    card numbers, IBANs, US social security numbers and IP addresses. Phone numbers are
    validated with the `phonenumbers` library (numbers without a `+` country code are read as
    numbers of the option `regions`, `["US"]` by default; a bare run of digits is not taken
    for one); card numbers by the issuer ranges and lengths of Visa, Mastercard, American
    Express, Discover, JCB, Diners Club, UnionPay and Mir, and the Luhn check; IBANs by each
    country's length and the mod-97 check; social security numbers are written with dashes
    (`123-45-6789`), without the numbers never issued (area 000, 666 or 9xx, group 00,
    serial 0000); IP addresses are IPv4 and IPv6. Tool-call arguments are searched too.

    What identifies nobody is not reported: addresses at the documentation domains
    (`example.com`, `.test`, `.invalid` ...), the sandbox card numbers payment processors
    publish (`4242 4242 4242 4242`), IP addresses that are not globally routable (private,
    loopback, link-local, the documentation ranges `192.0.2.0/24`, `2001:db8::/32` ...) and
    public DNS resolvers (`8.8.8.8`, `1.1.1.1`). Values that belong in the data go in the
    allow-list (exact values, in the data's spelling or the canonical one: E.164 for phones,
    digits for cards; or globs), and `kinds` chooses what to look for:

    ```toml
    [tool.ftlint.rules.personal-data]
    allow = ["support@acme.com", "*@acme.com", "+18005550199"]
    kinds = ["email", "phone", "card", "iban", "ssn", "ip"]
    regions = ["US", "GB"]
    ```

    A warning in assistant messages and completions (what the model learns to produce),
    a note elsewhere (a user's own address in a prompt is data the model reads, not writes).
    The report never shows the value: `j…@acme.com`, `+1 …42`, `Visa …4242`.

    ## Why is this bad?
    A fine-tuned model can reproduce personal data it was trained on, to anyone; and the
    data file is personal data wherever it is copied or uploaded (GDPR, CCPA). Assistant
    answers that carry a real person's phone number teach the model to hand it out.

    ## Example
    `{"role": "assistant", "content": "Call Jane on +1 650 253 0000 or mail jane@acme.com."}`

    ## Fix safety
    Unsafe: each value is replaced with a typed placeholder, `<EMAIL>`, `<PHONE>`, `<CARD>`,
    `<IBAN>`, `<SSN>`, `<IP>` (numbered, `<EMAIL_1>`, `<EMAIL_2>` ..., when an example holds
    several different values of a kind; the same value always gets the same placeholder
    within an example). The text changes, and a placeholder may read oddly where the value
    was part of the sentence.
    """

    code = "FT802"
    name = "personal-data"
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE
    bits = AT | DIGITS
    default_options: ClassVar[dict[str, Any]] = {
        "allow": [],
        "kinds": list(KINDS),
        "regions": ["US"],
    }

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        kinds = self.options.get("kinds")
        if not isinstance(kinds, list) or not set(kinds) <= set(KINDS):
            raise ConfigError(
                f"[tool.ftlint.rules.{self.name}] kinds must be a list of {', '.join(KINDS)}"
            )
        regions = self.options.get("regions")
        if not isinstance(regions, list) or not all(
            isinstance(r, str) and len(r) == 2 and r.isalpha() for r in regions
        ):
            raise ConfigError(
                f"[tool.ftlint.rules.{self.name}] regions must be a list of two-letter "
                "region codes (ISO 3166-1: US, GB, FR ...)"
            )
        self.kinds = frozenset(kinds)
        self.regions = tuple(r.upper() for r in regions) or ("US",)
        self.bits = (AT if "email" in self.kinds else 0) | (DIGITS if self.kinds - {"email"} else 0)

    def find(self, text: str, bits: int) -> list[Finding]:
        return find_personal_data(text, self.kinds, self.regions, bits=bits)

    def context_findings(self, text: str) -> list[Finding]:
        from ftlint.rules.privacy.secret_in_data import find_secrets

        return find_secrets(text)

    def severity_of(self, role: str | None) -> Severity:
        return Severity.WARNING if role in ("assistant", "completion") else Severity.INFO

    def message(self, findings: Sequence[Finding], where: str) -> str:
        taught = where in ("an assistant message", "the completion", "the arguments of a tool call")
        why = "the model learns to produce it" if taught else "keep it out of the data"
        return f"personal data in {where}: {listing(findings)}; {why}"

"""The privacy family (FT801 secret-in-data, FT802 personal-data): planted values found in
every shape and role with their location, lookalikes left alone, the prefilter never hiding
a value, and reports (JSON, text, SARIF) that never contain a value.

The secrets are made here at run time (random, with the checksums their formats have), so
that no file of the repository holds anything a secret scanner would flag."""

from __future__ import annotations

import base64
import io
import ipaddress
import json
import random
import string
import zlib

import pytest
from ftlint.rules.privacy.checks import base62, github_checksum_ok, iban_ok, luhn_ok
from ftlint.rules.privacy.personal_data import PUBLIC_SERVICES, TEST_CARDS, card_brand
from ftlint.rules.privacy.secret_in_data import find_secrets
from ftlint.rules.privacy.texts import gate
from hypothesis import example, given, settings
from hypothesis import strategies as st

import ftlint
from ftlint import load_plugins

B62 = string.ascii_letters + string.digits
B32 = string.ascii_uppercase + "234567"


def _random(rng: random.Random, size: int, alphabet: str = B62) -> str:
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(size))
        if (
            any(c.isupper() for c in value)
            and any(c.islower() for c in value) == any(c.islower() for c in alphabet)
            and any(c.isdigit() for c in value)
            and not any(value[i] == value[i + 1] == value[i + 2] for i in range(size - 2))
        ):
            return value


# ---------------------------------------------------------------------------------------------
# Value makers: ``(kind, value)``; secrets are SECRET, personal data its placeholder type.


def github_token(rng: random.Random) -> str:
    body = _random(rng, 30)
    return f"gh{rng.choice('pousr')}_" + body + base62(zlib.crc32(body.encode()), 6)


def jwt(rng: random.Random) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    header = part({"alg": rng.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"})
    payload = part({"sub": str(rng.randrange(10**6)), "exp": rng.randrange(2 * 10**9)})
    return f"{header}.{payload}.{_random(rng, 43, B62 + '-_')}"


def private_key(rng: random.Random) -> str:
    body = base64.b64encode(rng.randbytes(180)).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"


SECRET_MAKERS = {
    "openai": lambda r: "sk-" + _random(r, 48),
    "openai-project": lambda r: (
        "sk-proj-" + _random(r, 74, B62 + "-_") + "T3BlbkFJ" + _random(r, 74)
    ),
    "anthropic": lambda r: "sk-ant-api03-" + _random(r, 93, B62 + "-_") + "AA",
    "aws-key-id": lambda r: r.choice(["AKIA", "ASIA"]) + _random(r, 16, B32),
    "github": github_token,
    "github-fine-grained": lambda r: f"github_pat_{_random(r, 22)}_{_random(r, 59)}",
    "slack": lambda r: (
        f"xoxb-{r.randrange(10**11, 10**12)}-{r.randrange(10**12, 10**13)}-" + _random(r, 24)
    ),
    "google": lambda r: "AIza" + _random(r, 35, B62 + "_-"),
    "stripe": lambda r: r.choice(["sk", "rk"]) + "_live_" + _random(r, 24),
    "jwt": jwt,
    "private-key": private_key,
}


def url_password(rng: random.Random) -> tuple[str, str]:
    """A connection URL and its password (what is replaced)."""
    password = _random(rng, 14, B62 + "-!")
    scheme = rng.choice(["postgres", "mysql", "mongodb+srv", "redis", "amqp", "https"])
    return (
        f"{scheme}://svc_{rng.randrange(100)}:{password}@db{rng.randrange(9)}.acme.io/app",
        password,
    )


def email(rng: random.Random) -> str:
    local = rng.choice(["jane.doe", "j.smith", "ops+billing", "k_lee", "mario.rossi"])
    domain = rng.choice(["acme-mail.io", "mail.example-corp.de", "uni-x.edu", "gmail.com"])
    return f"{local}{rng.randrange(100)}@{domain}"


def phone(rng: random.Random) -> str:
    import phonenumbers

    while True:
        choice = rng.randrange(4)
        area, exchange = rng.choice([650, 415, 212, 617]), rng.randrange(200, 999)
        line = f"{rng.randrange(10000):04d}"
        pairs = " ".join(str(rng.randrange(10, 99)) for _ in range(4))
        if choice == 0:
            text = f"+1 {area}-{exchange}-{line}"
        elif choice == 1:
            text = f"({area}) {exchange}-{line}"
        elif choice == 2:
            text = f"+44 20 7{rng.randrange(100, 999)} {line}"
        else:
            text = f"+33 1 {pairs}"
        number = phonenumbers.parse(text, "US")
        if phonenumbers.is_valid_number(number):
            return text


def card(rng: random.Random) -> str:
    while True:
        prefix, size = rng.choice(
            [
                ("4", 16),
                ("51", 16),
                ("55", 16),
                ("2221", 16),
                ("34", 15),
                ("37", 15),
                ("6011", 16),
                ("3530", 16),
            ]
        )
        digits = prefix + "".join(rng.choice(string.digits) for _ in range(size - len(prefix) - 1))
        digits += next(d for d in string.digits if luhn_ok(digits + d))
        if digits in TEST_CARDS:
            continue
        if size == 15:
            return rng.choice([digits, f"{digits[:4]} {digits[4:10]} {digits[10:]}"])
        sep = rng.choice(["", " ", "-"])
        return sep.join(digits[i : i + 4] for i in range(0, 16, 4))


def iban(rng: random.Random) -> str:
    country, size = rng.choice([("DE", 22), ("FR", 27), ("GB", 22), ("NL", 18), ("ES", 24)])
    if country == "GB":
        bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(4))
        bban += "".join(rng.choice(string.digits) for _ in range(14))
    elif country == "NL":
        bban = "".join(rng.choice(string.ascii_uppercase) for _ in range(4))
        bban += "".join(rng.choice(string.digits) for _ in range(10))
    else:
        bban = "".join(rng.choice(string.digits) for _ in range(size - 4))
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    value = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    assert iban_ok(value) and len(value) == size
    return rng.choice([value, " ".join(value[i : i + 4] for i in range(0, len(value), 4))])


def ssn(rng: random.Random) -> str:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return f"{area:03d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"


def ip(rng: random.Random) -> str:
    """A global IPv4 address, or an IPv6 address as people write them: compressed (``::``)."""
    while True:
        if rng.random() < 0.7:
            text = str(ipaddress.IPv4Address(rng.randrange(2**32)))
        else:
            groups = [rng.choice(["2001", "2a00", "2606", "2a03", "2c0f"])]
            groups += [f"{rng.getrandbits(16):x}" for _ in range(rng.randrange(1, 4))]
            text = ":".join(groups) + f"::{rng.getrandbits(16):x}"
        address = ipaddress.ip_address(text)
        if address.is_global and str(address) not in PUBLIC_SERVICES:
            return str(address)


PERSONAL_MAKERS = {"EMAIL": email, "PHONE": phone, "CARD": card, "IBAN": iban, "SSN": ssn, "IP": ip}

# ---------------------------------------------------------------------------------------------
# Surrounding text: words and punctuation, no digit and no @ (which would plant values of
# their own); non-ASCII letters included.

WORD = st.text(alphabet=string.ascii_letters + "éüßçø", min_size=1, max_size=10)
SEP = st.sampled_from([" ", " ", " ", ", ", ". ", "\n", ": ", " (", ") ", "; ", "! "])


@st.composite
def prose(draw, max_words: int = 12) -> str:
    words = draw(st.lists(WORD, max_size=max_words))
    return "".join(w + draw(SEP) for w in words)


def plant(before: str, value: str, after: str) -> tuple[str, int]:
    """``before value after`` with a separator on each side; the value's offset."""
    left = before + (" " if before and not before[-1].isspace() else "")
    return left + value + " " + after, len(left)


# ---------------------------------------------------------------------------------------------
# Detectors


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(SECRET_MAKERS)), st.integers(0, 2**32), prose(), prose())
def test_a_planted_secret_is_found_where_it_is(kind, seed, before, after):
    value = SECRET_MAKERS[kind](random.Random(seed))
    text, start = plant(before, value, after)
    assert gate(text), "the prefilter hid a secret"
    found = find_secrets(text)
    assert [(f.start, f.end) for f in found] == [(start, start + len(value))], (kind, value)
    assert value not in found[0].masked


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.integers(0, 2**32), prose(), prose())
def test_a_password_in_a_url_is_found_and_only_the_password_is_replaced(seed, before, after):
    url, password = url_password(random.Random(seed))
    text, _start = plant(before, url, after)
    found = find_secrets(text)
    assert len(found) == 1
    assert text[found[0].start : found[0].end] == password
    assert password not in found[0].masked


def _personal_rule(**options):
    from ftlint.rules.privacy.personal_data import PersonalData

    from ftlint import RuleContext

    target = load_plugins([]).targets()["openai"]
    return PersonalData(RuleContext(target=target, options=options))


PERSONAL = _personal_rule()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(PERSONAL_MAKERS)), st.integers(0, 2**32), prose(), prose())
# Found in CI: an IBAN whose digits hold a Luhn-valid card number was reported as a card.
@example("IBAN", 83157, "", "")
def test_planted_personal_data_is_found_where_it_is(kind, seed, before, after):
    value = PERSONAL_MAKERS[kind](random.Random(seed))
    text, start = plant(before, value, after)
    bits = gate(text)
    assert bits & PERSONAL.bits, "the prefilter hid a value"
    found = PERSONAL.find(text, bits)
    assert [(f.kind, f.start, f.end) for f in found] == [(kind, start, start + len(value))], value
    assert value not in found[0].masked


def _lookalikes(rng: random.Random) -> list[str]:
    import uuid

    return [
        str(uuid.UUID(int=rng.getrandbits(128))),
        f"{rng.getrandbits(160):040x}",  # a git commit
        f"{rng.getrandbits(28):07x}",  # a short one
        "data:image/png;base64," + base64.b64encode(rng.randbytes(300)).decode(),
        f"#{rng.getrandbits(24):06x}",
        f"v{rng.randrange(10)}.{rng.randrange(30)}.{rng.randrange(100)}",
        f"version {rng.randrange(10)}.{rng.randrange(10)}.{rng.randrange(10)}.{rng.randrange(10)}",
        f"{rng.randrange(1990, 2030)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/{rng.randrange(1990, 2030)}",
        f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}",
        f"978-{rng.randrange(10)}-{rng.randrange(100, 999)}-{rng.randrange(10**4, 10**5)}-7",
        f"order #{rng.randrange(10**5, 10**6)}",
        f"192.168.{rng.randrange(256)}.{rng.randrange(256)}",
        f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
        f"2001:db8::{rng.getrandbits(16):x}",
        f"203.0.113.{rng.randrange(256)}",
        "sk-" + "x" * rng.randrange(8, 60),
        "sk-proj-" + "X" * 40,
        "sk-your-key-here",
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "ghp_" + "x" * 36,
        f"user{rng.randrange(99)}@example.com",
        f"https://{rng.choice(['acme.io', 'example.com'])}/docs/{rng.randrange(999)}",
        "postgres://user:password@localhost:5432/db",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        f"{rng.randrange(1, 999):03d}-{rng.randrange(100):02d}-0000",
        "4242 4242 4242 4242",
        f"${rng.randrange(10**6):,}.{rng.randrange(100):02d}",
        f"3.{rng.getrandbits(40)}",
    ]


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.integers(0, 2**32), st.lists(st.integers(0, 29), min_size=1, max_size=6), prose())
def test_lookalikes_are_not_reported(seed, picks, words):
    lookalikes = _lookalikes(random.Random(seed))
    text = words + " " + " and ".join(lookalikes[i] for i in picks) + "."
    bits = gate(text) | 7
    assert find_secrets(text, bits) == [], text
    assert PERSONAL.find(text, bits) == [], text


def test_checksums():
    assert github_checksum_ok(github_token(random.Random(1)))
    # GitHub's own documentation example of an OAuth token has no valid checksum
    assert not github_checksum_ok("gho_16C7e42F292c6912E7710c838347Ae178B4a")
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")
    assert iban_ok("GB82WEST12345698765432") and not iban_ok("GB82WEST12345698765433")
    assert card_brand("4758300985579192") == "Visa"
    assert card_brand("2720999999999999") == "Mastercard"
    assert card_brand("1234567812345670") is None


# ---------------------------------------------------------------------------------------------
# End to end: every shape and role, the location, and reports without the values


def _chat(*contents):
    roles = ["system", "user", "assistant"][-len(contents) :]
    return {"messages": [{"role": r, "content": c} for r, c in zip(roles, contents, strict=True)]}


def _preference(prompt, good, bad):
    return {
        "input": {"messages": [{"role": "user", "content": prompt}]},
        "preferred_output": [{"role": "assistant", "content": good}],
        "non_preferred_output": [{"role": "assistant", "content": bad}],
    }


_TOOL_CALL = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
_PARTS = {
    "messages": [
        {"role": "user", "content": [{"type": "text", "text": "{}"}]},
        {"role": "assistant", "content": "Ok"},
    ]
}

#: ``(record with a slot, pointer of the slot, role the slot has)``; ``{}`` is replaced.
SHAPES = [
    (_chat("{}", "Hi", "Ok"), "/messages/0/content", "system"),
    (_chat("{}", "Ok"), "/messages/0/content", "user"),
    (_chat("Hi", "{}"), "/messages/1/content", "assistant"),
    (_PARTS, "/messages/0/content/0/text", "user"),
    ({"prompt": "{}", "completion": " ok"}, "/prompt", "prompt"),
    ({"prompt": "Hi", "completion": "{}"}, "/completion", "completion"),
    (_preference("{}", "a", "b"), "/input/messages/0/content", "user"),
    (_preference("Hi", "{}", "b"), "/preferred_output/0/content", "assistant"),
    (_preference("Hi", "a", "{}"), "/non_preferred_output/0/content", "assistant"),
    ({"instruction": "{}", "input": "", "output": "ok"}, "/instruction", "user"),
    ({"instruction": "Do", "input": "x", "output": "{}"}, "/output", "assistant"),
    (
        {"conversations": [{"from": "human", "value": "{}"}, {"from": "gpt", "value": "ok"}]},
        "/conversations/0/value",
        "user",
    ),
    (
        {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "{}"}]},
        "/conversations/1/value",
        "assistant",
    ),
    ({"prompt": "Hi", "chosen": "{}", "rejected": "no"}, "/chosen", "assistant"),
    (
        {
            "messages": [
                {"role": "user", "content": "Go"},
                {"role": "assistant", "tool_calls": [_TOOL_CALL]},
            ]
        },
        "/messages/1/tool_calls/0/function/arguments",
        "assistant",
    ),
]


def _fill(template, text):
    if isinstance(template, dict):
        return {k: _fill(v, text) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, text) for v in template]
    if template == "{}":
        return text
    return template


def _corpus(rng: random.Random):
    """Records with one planted value each, in every shape; the values and, per line, the
    pointer, the code and the severity expected."""
    records, expected, values = [], [], []
    clean = {
        "messages": [
            {"role": "user", "content": "Where is my order?"},
            {"role": "assistant", "content": "On its way."},
        ]
    }
    makers = [("FT801", k, m) for k, m in SECRET_MAKERS.items()] + [
        ("FT802", k, m) for k, m in PERSONAL_MAKERS.items()
    ]
    for i, (code, _kind, maker) in enumerate(makers * 2):
        template, pointer, role = SHAPES[(i * 7) % len(SHAPES)]
        value = maker(rng)
        text = f"See {value} for that."
        if pointer.endswith("/arguments"):
            text = json.dumps({"note": text})
        for _ in range(rng.randrange(3)):
            records.append(clean)
        records.append(_fill(template, text))
        if code == "FT801":
            severity = "error"
        else:
            severity = "warning" if role in ("assistant", "completion") else "info"
        expected.append((len(records), pointer, code, severity))
        values.append(value)
    url, password = url_password(rng)
    records.append(_fill(SHAPES[2][0], f"Connect with {url}"))
    expected.append((len(records), SHAPES[2][1], "FT801", "error"))
    values.append(password)
    # A secret and personal data side by side: neither rule's excerpt shows the other's.
    key, mail, number = github_token(rng), email(rng), card(rng)
    records.append(_fill(SHAPES[2][0], f"Token {key}, mail {mail}, card {number}."))
    expected.append((len(records), SHAPES[2][1], "FT801", "error"))
    expected.append((len(records), SHAPES[2][1], "FT802", "warning"))
    values += [key, mail, number]
    return records, expected, values


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    records, expected, values = _corpus(random.Random(20261215))
    path = tmp_path_factory.mktemp("privacy") / "train.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path, expected, values


def test_every_planted_value_is_found_with_its_location(corpus):
    path, expected, _values = corpus
    report = ftlint.check(str(path), isolated=True, select=["FT8"])
    found = [
        (d.location.line, d.location.field, d.code, str(d.severity))
        for d in report.sorted_diagnostics()
    ]
    assert found == expected


@pytest.mark.parametrize("output", ["json", "text", "sarif", "concise", "github"])
def test_no_report_contains_a_value(corpus, output):
    """The report must not become the leak: neither the messages nor the excerpts (nor
    anything else of any output format) hold a value, with every default rule running."""
    path, _expected, values = corpus
    plugins = load_plugins([])
    for select in (["FT8"], ["FT801"], ["FT802"], None):
        options = {"select": select} if select else {}
        report = ftlint.check(str(path), isolated=True, **options)
        assert any(d.code.startswith("FT80") for d in report.diagnostics)
        stream = io.StringIO()
        plugins.output_formats()[output].render(report, stream, color=False)
        rendered = stream.getvalue()
        assert rendered.strip()
        leaked = [v for v in values if v in rendered]
        assert not leaked, f"{output} ({select or 'all rules'}) shows {leaked}"


def test_the_fix_replaces_values_with_consistent_placeholders(tmp_path):
    rng = random.Random(5)
    key, other, mail = github_token(rng), SECRET_MAKERS["openai"](rng), email(rng)
    record = {
        "messages": [
            {"role": "user", "content": f"{key} and {mail}"},
            {"role": "assistant", "content": f"Not {key}, use {other}; mail {mail.upper()}"},
        ]
    }
    result = ftlint.prepare([record], isolated=True, unsafe_fixes=True, select=["FT8"])
    assert list(result.records()) == [
        {
            "messages": [
                {"role": "user", "content": "<SECRET_1> and <EMAIL>"},
                {"role": "assistant", "content": "Not <SECRET_1>, use <SECRET_2>; mail <EMAIL>"},
            ]
        }
    ]


def test_bad_options_stop_the_run(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"prompt": "a", "completion": "b"}\n', encoding="utf-8")
    for rule, options in (
        ("personal-data", {"kinds": ["emails"]}),
        ("personal-data", {"regions": ["USA"]}),
        ("secret-in-data", {"allow": [1]}),
    ):
        with pytest.raises(ftlint.ConfigError):
            ftlint.check(str(path), isolated=True, select=["FT8"], rule_options={rule: options})


#: Output formats that print findings (html needs jinja2, in the test extra).
LEAK_FORMATS = ("text", "json", "sarif", "github", "concise", "html")


def _rendered(report, name: str) -> str:
    stream = io.StringIO()
    load_plugins([]).output_formats()[name].render(report, stream, color=False)
    return stream.getvalue()


def _leaky_files(tmp_path, values: dict[str, str]):
    """Records whose findings come from other rules (no assistant message, an unknown key
    named by a secret, a field whose secret straddles the excerpt's width, a record dropped
    by a fix) with secrets and personal data in them."""
    token, key, mail, phone = values["token"], values["key"], values["mail"], values["phone"]
    long_text = "x" * 110 + " " + token + " and more text after it"
    records = [
        {"messages": [{"role": "user", "content": token}]},
        {"messages": [{"role": "user", "content": f"write to {mail} or call {phone}"}]},
        {"messages": [{"role": "user", "content": long_text}]},
        {
            key: 1,
            "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
        },
        {
            "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": ""}],
            "x": token,
        },
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _values() -> dict[str, str]:
    rng = random.Random(3)
    return {
        "token": github_token(rng),
        "key": "sk-proj-" + _random(rng, 40),
        "mail": "jane.doe@acme-mail.com",
        "phone": "+1 650-253-0000",
    }


@pytest.mark.parametrize(
    "selection",
    [{}, {"ignore": ["FT8"]}, {"select": ["FT1", "FT2", "FT3", "FT4"]}],
    ids=["default", "privacy-ignored", "privacy-not-selected"],
)
def test_no_output_format_shows_a_value_whichever_rules_run(tmp_path, selection):
    """Another rule's finding (its excerpt of the record, its message, its field, a fix's
    message, a dropped record's reason) never shows a secret or personal data, in any output
    format, with the privacy rules selected or not: the engine masks with the privacy
    family's redactor."""
    values = _values()
    path = _leaky_files(tmp_path, values)
    report = ftlint.check(str(path), isolated=True, **selection)
    assert report.diagnostics, "the records must give findings of other rules"
    assert any(d.code[:3] != "FT8" and d.excerpt for d in report.diagnostics)
    prepared = ftlint.prepare(
        str(path), isolated=True, output=str(tmp_path / "out.jsonl"), fix=True,
        unsafe_fixes=True, **selection,
    )  # fmt: skip
    for name in LEAK_FORMATS:
        for run in (report, prepared.report):
            shown = _rendered(run, name)
            for what, value in values.items():
                assert value not in shown, (name, what)
                assert value[:20] not in shown, (name, what)  # nor the start of one
    # The data itself is not masked: the fixes write what they wrote before.
    assert values["token"] in path.read_text(encoding="utf-8")


def test_an_excerpt_is_masked_before_it_is_cut(tmp_path):
    """A secret that starts inside the excerpt's width and ends beyond it is found whole and
    masked, not cut in half (half a key matches no pattern any more)."""
    from ftlint.rules.privacy.redactor import PrivacyRedactor

    from ftlint.engine.scan import EXCERPT_WIDTH, excerpt_of
    from ftlint.masking import Masking

    token = _values()["token"]
    masking = Masking([PrivacyRedactor(ftlint.Config())])
    for before in range(EXCERPT_WIDTH - 30, EXCERPT_WIDTH + 2):
        text = "y" * before + " " + token + " tail"
        record = ftlint.Record({"t": text}, ftlint.Location("p"), raw=json.dumps({"t": text}))
        excerpt = excerpt_of(record, "/t", masking)
        assert excerpt is not None and len(excerpt) <= EXCERPT_WIDTH
        assert token[:8] not in excerpt, before
        unmasked = excerpt_of(record, "/t")  # without masking, the start of it shows
        assert unmasked is not None and (token[:4] in unmasked) == (before < EXCERPT_WIDTH - 5)


def test_a_huge_field_is_masked_in_bounded_work():
    from ftlint.masking import GUARD, Masking

    calls: list[int] = []

    def redactor(text: str):
        calls.append(len(text))
        return [(0, 4, "<x>")]

    masking = Masking([redactor])
    shown, more = masking.window("abcd" + "z" * 10_000_000, 120)
    assert shown.startswith("<x>zzz") and more
    assert calls == [120 + 2 * GUARD]
    # A value past the searched part never shows, even when masks shrink the text.
    shown, more = Masking([lambda t: [(0, len(t) - 1, "")]]).window("a" * 100_000, 120)
    assert shown == "" and more


def test_a_broken_redactor_hides_the_text():
    from ftlint.masking import Masking

    def broken(text: str):
        raise RuntimeError("boom")

    assert Masking([broken])("secret text") == Masking.HIDDEN


def test_an_allowed_value_shows_and_blocking_the_plugin_shows_everything(tmp_path):
    values = _values()
    path = _leaky_files(tmp_path, values)
    allowed = ftlint.check(
        str(path), isolated=True, rule_options={"personal-data": {"allow": [values["mail"]]}}
    )
    shown = _rendered(allowed, "json")
    assert values["mail"] in shown and values["token"] not in shown
    # -p no:privacy: no redactor at all (documented in the README): values show.
    blocked = ftlint.check(str(path), isolated=True, plugins=["no:privacy"])
    assert values["token"] in _rendered(blocked, "json")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("12 -./()+:a\u00e9\u2014\ud800")), max_size=60))
def test_a_long_text_is_searched_for_numbers_piece_by_piece_as_a_whole(text):
    """``gate`` translates a long text in overlapping pieces (no UTF-8 copy of a 16 MB
    answer): it finds a number exactly where the whole text's translation does."""
    from ftlint.rules.privacy import texts

    whole = texts._SEVEN in text.encode("utf-8", "surrogatepass").translate(texts._DIGITS)
    saved = texts._PIECE
    try:
        for piece in (1, 2, 5, 9):
            texts._PIECE = piece
            assert texts._has_number(text) == whole
    finally:
        texts._PIECE = saved


def test_a_redaction_holds_its_spans_not_a_copy_of_the_text():
    """The fix keeps ``(start, end, placeholder)`` spans (``ReplaceSpans``): a redaction in
    a 16 MB answer does not keep a second 16 MB text until the end of the run. Applied, it
    is made from the text as read, whatever an earlier edit of the record set there."""
    from ftlint import Location, Record, ReplaceSpans, SetValue
    from ftlint.engine.fixes import apply_record_edits

    text = "call +1 415 555 0123 or write " * 4
    data = {"messages": [{"role": "user", "content": "hi"},
                         {"role": "assistant", "content": text}]}  # fmt: skip
    line = json.dumps(data)
    record = Record(data, Location("f.jsonl", 1, None, 1), raw=line, source_format="jsonl")
    found = list(PERSONAL.check_record(record))
    assert found and all(isinstance(e, ReplaceSpans) for d in found for e in d.fix.edits)
    edits = [(d.code, e) for d in found for e in d.fix.edits]
    fixed, _, _ = apply_record_edits(json.loads(json.dumps(data)), edits)
    redacted = fixed["messages"][1]["content"]
    assert "415 555 0123" not in redacted and redacted != text
    spans = [span for _code, edit in edits for span in edit.spans]
    assert redacted == ReplaceSpans.applied(text, spans)
    earlier = [("FT000", SetValue("/messages/1/content", "changed")), *edits]
    again, _, _ = apply_record_edits(json.loads(json.dumps(data)), earlier)
    assert again == fixed

"""FT801 secret-in-data: API keys, tokens, private keys and passwords written in the texts."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ftlint.rules.privacy.base import Finding, PrivacyRule, keep_start, listing
from ftlint.rules.privacy.checks import github_checksum_ok, looks_random, mixed
from ftlint.rules.privacy.texts import AT, SECRET

from ftlint import Applicability, Severity

#: When the sources below were last read. The formats were written from the vendors' pages as
#: known when this rule was made; they were not re-read against the live pages in 2026-12.
READ = "not re-checked 2026-12"


@dataclass(frozen=True)
class SecretFormat:
    """One documented credential format: the rule's data."""

    #: What it is, in a message: ``an OpenAI API key``.
    label: str
    #: Literals one of which every match contains: texts without any are not searched.
    anchors: tuple[str, ...]
    #: The format; the group ``secret`` (else the whole match) is the value.
    regex: re.Pattern[str]
    #: The test that tells a real value from text that only has the shape (a checksum, an
    #: entropy test, the placeholder test): ``valid(text, match)``.
    valid: Callable[[str, re.Match[str]], bool]
    #: Characters of the value shown before the ``…`` (its documented prefix).
    shown: int
    #: Where the format is documented.
    source: str
    read: str = READ
    #: Literals every match contains, all of them: a text without one is not searched
    #: either. Why: the password in a URL is anchored on ``@``, which every e-mail address
    #: has, and its pattern starts with ``\b`` (tried at every word, 2-3 us a text).
    requires: tuple[str, ...] = ()


def _body_random(group: str, min_entropy: float = 3.0, need_mixed: bool = True):
    def valid(text: str, match: re.Match[str]) -> bool:
        body = match.group(group)
        return (not need_mixed or mixed(body)) and looks_random(body, min_entropy)

    return valid


def _openai(text: str, match: re.Match[str]) -> bool:
    body = match.group("body")
    # Keys made since 2023 carry "T3BlbkFJ" (base64 of "OpenAI") inside: observed, not
    # documented; the entropy test alone decides for the others.
    return looks_random(body, 3.0) and ("T3BlbkFJ" in body or mixed(body))


#: The access key id AWS uses in its documentation ("AKIAIOSFODNN7EXAMPLE") and its secret
#: ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") are published examples, not credentials.
def _aws_key_id(text: str, match: re.Match[str]) -> bool:
    value = match.group()
    return not value.endswith("EXAMPLE") and looks_random(value[4:], 2.5)


_AWS_ID_RE = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Z0-9])")
_AWS_SECRET_LABEL_RE = re.compile(r"secret[\s_-]?access[\s_-]?key|aws[\s_-]?secret", re.I)


def _aws_secret(text: str, match: re.Match[str]) -> bool:
    value = match.group()
    if value.endswith("EXAMPLEKEY") or not mixed(value) or not looks_random(value, 4.0):
        return False
    start, end = match.span()
    near = text[max(0, start - 300) : end + 300]
    if _AWS_ID_RE.search(near):
        return True
    return _AWS_SECRET_LABEL_RE.search(text, max(0, start - 60), start) is not None


def _github(text: str, match: re.Match[str]) -> bool:
    return github_checksum_ok(match.group())


def _private_key(text: str, match: re.Match[str]) -> bool:
    body = re.sub(r"[^A-Za-z0-9+/]", "", match.group("body"))
    return len(body) >= 64 and looks_random(body, 4.0)


#: jwt.io's example token (its signature): published in every JWT tutorial.
_JWT_EXAMPLES = frozenset({"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"})


def _jwt(text: str, match: re.Match[str]) -> bool:
    header, _payload, signature = match.group().split(".")
    if signature in _JWT_EXAMPLES:
        return False
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


#: What documentation writes where a password goes (compared in lower case).
_PASSWORD_WORDS = frozenset(
    {"password", "passwd", "pass", "pwd", "pw", "secret", "mypassword", "yourpassword",
     "your_password", "your-password", "my_password", "my-password", "pa55word", "passw0rd"}
)  # fmt: skip


def _password(text: str, match: re.Match[str]) -> bool:
    password = match.group("secret")
    lower = password.lower()
    if lower in _PASSWORD_WORDS or len(set(password)) == 1:
        return False
    if password[0] in "<{[$%" or password.endswith((">", "}", "]")):
        return False  # <password>, {password}, ${DB_PASSWORD}, %(password)s
    return not any(word in lower for word in ("xxxx", "****", "…", "...", "your"))


def _url_mask(match: re.Match[str]) -> str:
    return f"{match.group('scheme')}://{match.group('user')}:…@{match.group('host')}"


_B62 = "A-Za-z0-9"
_TOKEN_END = r"(?![A-Za-z0-9_-])"
_PEM_LABEL = r"(?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?"

#: The formats, in the order they are tried; a value found by one is not searched again.
FORMATS: tuple[SecretFormat, ...] = (
    SecretFormat(
        "a private key",
        ("-----BEGIN",),
        re.compile(
            rf"-----BEGIN (?P<label>{_PEM_LABEL})-----"
            r"(?P<body>(?:[A-Za-z0-9+/=\s\\:,.]|-(?!----))*)"
            r"(?:-----END (?P=label)-----)?"
        ),
        _private_key,
        0,
        "https://www.rfc-editor.org/rfc/rfc7468 (PEM labels; OpenSSH: "
        "https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key)",
    ),
    SecretFormat(
        "an Anthropic API key",
        ("sk-ant-",),
        re.compile(rf"(?<![{_B62}_-])sk-ant-[a-z]+\d\d-(?P<body>[{_B62}_-]{{32,200}}){_TOKEN_END}"),
        _body_random("body"),
        len("sk-ant-api03-"),
        "https://docs.anthropic.com/en/api/overview (the x-api-key header; keys from the "
        "Console start with sk-ant-)",
    ),
    SecretFormat(
        "an OpenAI API key",
        ("sk-",),
        re.compile(
            rf"(?<![{_B62}_-])sk-(?!ant-)(?:(?:proj|svcacct|admin)-)?"
            rf"(?P<body>[{_B62}_-]{{20,250}}){_TOKEN_END}"
        ),
        _openai,
        3,
        "https://platform.openai.com/docs/api-reference/authentication (keys start with "
        "sk-; project keys with sk-proj-)",
    ),
    SecretFormat(
        "an AWS access key id",
        ("AKIA", "ASIA"),
        _AWS_ID_RE,
        _aws_key_id,
        4,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html"
        "#identifiers-unique-ids (AKIA: access key, ASIA: temporary access key)",
    ),
    SecretFormat(
        "an AWS secret access key",
        ("AKIA", "ASIA", "ecret", "ECRET"),
        re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"),
        _aws_secret,
        0,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html "
        "(40 characters; reported next to an access key id or after a secret-key label)",
    ),
    SecretFormat(
        "a GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        re.compile(rf"(?<![{_B62}_])gh[pousr]_[{_B62}]{{36}}(?![{_B62}_])"),
        _github,
        4,
        "https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/ "
        "(prefixes, and the CRC32 checksum in the last 6 characters) and "
        "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/"
        "about-authentication-to-github#githubs-token-formats",
    ),
    SecretFormat(
        "a GitHub fine-grained token",
        ("github_pat_",),
        re.compile(
            rf"(?<![{_B62}_])github_pat_(?P<body>[{_B62}]{{22}}_[{_B62}]{{59}})(?![{_B62}_])"
        ),
        _body_random("body", 4.0),
        len("github_pat_"),
        "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/"
        "about-authentication-to-github#githubs-token-formats (no documented checksum: "
        "entropy test)",
    ),
    SecretFormat(
        "a Slack token",
        ("xox", "xapp-"),
        re.compile(
            rf"(?<![{_B62}-])(?:xox[abeoprs]-\d{{6,}}(?:-\d{{6,}})*-(?P<body>[{_B62}]{{20,}})"
            rf"|xapp-\d-[A-Z0-9]{{6,}}-\d{{6,}}-(?P<app>[a-f0-9]{{32,}})){_TOKEN_END}"
        ),
        lambda text, m: looks_random(m.group("body") or m.group("app"), 3.0),
        5,
        "https://api.slack.com/authentication/token-types (xoxb- bot, xoxp- user, xapp- "
        "app-level tokens)",
    ),
    SecretFormat(
        "a Google API key",
        ("AIza",),
        re.compile(rf"(?<![{_B62}_-])AIza(?P<body>[{_B62}_-]{{35}}){_TOKEN_END}"),
        _body_random("body", 3.5),
        4,
        "https://cloud.google.com/docs/authentication/api-keys (AIza followed by 35 characters)",
    ),
    SecretFormat(
        "a Stripe live secret key",
        ("_live_",),
        re.compile(rf"(?<![{_B62}_])(?:sk|rk)_live_(?P<body>[{_B62}]{{24,247}})(?![{_B62}_])"),
        _body_random("body"),
        len("sk_live_"),
        "https://docs.stripe.com/keys (sk_live_ secret keys, rk_live_ restricted keys; test "
        "keys sk_test_ are not reported)",
    ),
    SecretFormat(
        "a JSON Web Token",
        ("eyJ",),
        re.compile(
            rf"(?<![{_B62}_-])eyJ[{_B62}_-]{{10,}}\.[{_B62}_-]{{4,}}\.[{_B62}_-]{{16,}}{_TOKEN_END}"
        ),
        _jwt,
        3,
        "https://www.rfc-editor.org/rfc/rfc7519 and rfc7515 section 7.1 (three base64url "
        "parts; the header is JSON with alg)",
    ),
    SecretFormat(
        "a password in a URL",
        ("@",),
        re.compile(
            r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]{1,30})://(?P<user>[^\s:/?#@\"'<>]{1,128}):"
            r"(?P<secret>[^\s/?#@\"'<>]{1,256})@(?P<host>[A-Za-z0-9.\-_\[\]]*[A-Za-z0-9\]])"
        ),
        _password,
        0,
        "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1 (user:password in the "
        "authority, deprecated)",
        requires=("://",),
    ),
)

#: Formats whose masked form is not a prefix and a tail of the value.
_MASKS: dict[str, Callable[[re.Match[str]], str]] = {
    "a private key": lambda m: f"-----BEGIN {m.group('label')}-----…",
    "a password in a URL": _url_mask,
}


def find_secrets(text: str, bits: int = AT | SECRET) -> list[Finding]:
    """Every secret of ``text``, in order."""
    found: list[Finding] = []
    for spec in FORMATS:
        if not any(anchor in text for anchor in spec.anchors):
            continue
        if spec.requires and not all(literal in text for literal in spec.requires):
            continue
        for match in spec.regex.finditer(text):
            group = "secret" if "secret" in spec.regex.groupindex else 0
            start, end = match.span(group)
            if any(start < f.end and f.start < end for f in found):
                continue
            if not spec.valid(text, match):
                continue
            value = match.group(group)
            mask = _MASKS.get(spec.label)
            found.append(
                Finding(
                    start,
                    end,
                    "SECRET",
                    spec.label,
                    value,
                    mask(match) if mask else keep_start(value, spec.shown),
                    aliases=(match.group(),),
                    inline="…" if mask is _url_mask else None,
                )
            )
    found.sort(key=lambda f: f.start)
    return found


class SecretInData(PrivacyRule):
    """## What it does
    Finds credentials written in the texts of an example: API keys, tokens, private keys and
    passwords in URLs, by their documented formats. OpenAI (`sk-`, `sk-proj-`) and Anthropic
    (`sk-ant-`) API keys, AWS access key ids (`AKIA`/`ASIA` and 16 base32 characters) and the
    secret keys next to them, GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` with the
    CRC32 checksum of their last six characters, and `github_pat_`), Slack tokens (`xoxb-`,
    `xoxp-`, `xapp-` ...), Google API keys (`AIza`), Stripe live keys (`sk_live_`,
    `rk_live_`), PEM private keys, JSON Web Tokens (a header that decodes to JSON with `alg`)
    and passwords in URLs (`scheme://user:password@host`). Tool-call arguments are searched
    too.

    A format without a checksum must also look random (entropy, upper and lower case and
    digits) so that ordinary text and documentation placeholders do not match: `sk-xxxx`,
    `sk-your-key-here`, `<password>`, `${DB_PASSWORD}`. AWS's documented example key
    (`AKIAIOSFODNN7EXAMPLE`) and jwt.io's example token are not reported. Values that belong
    in the data go in the allow-list:

    ```toml
    [tool.ftlint.rules.secret-in-data]
    allow = ["sk-proj-abc…", "postgres://app:devpass@localhost/*"]  # exact values or globs
    ```

    The report shows where a secret is, never the secret: the message and excerpt mask it
    (`sk-…9f2c`, `postgres://app:…@db.acme.io`). Each format's source is in `FORMATS` in
    `rules/privacy/secret_in_data.py`.

    ## Why is this bad?
    A fine-tuned model can repeat what it was trained on: a key in the data can come out of
    the model, to anyone who uses it. The data file itself is a leak wherever it is copied
    or uploaded. Revoke the credential; removing it from the data is not enough.

    ## Example
    `{"role": "assistant", "content": "Set OPENAI_API_KEY=sk-proj-…9f2c and run it."}`

    ## Fix safety
    Unsafe: each secret is replaced with the placeholder `<SECRET>` (`<SECRET_1>`,
    `<SECRET_2>` ... when an example holds several different ones; the same value always
    gets the same placeholder within an example). The example still teaches where a key
    goes, but its text changed, and the credential must be revoked all the same.
    """

    code = "FT801"
    name = "secret-in-data"
    severity = Severity.ERROR
    fix_applicability = Applicability.UNSAFE
    bits = AT | SECRET

    def find(self, text: str, bits: int) -> list[Finding]:
        return find_secrets(text, bits)

    def context_findings(self, text: str) -> list[Finding]:
        from ftlint.rules.privacy.personal_data import find_personal_data

        return find_personal_data(text)

    def message(self, findings: Sequence[Finding], where: str) -> str:
        count = len(findings)
        what = "a secret" if count == 1 else f"{count} secrets"
        it = "it" if count == 1 else "them"
        return (
            f"{what} in {where}: {listing(findings)}; the model can learn to repeat {it}: "
            f"revoke {it} and take {it} out of the data"
        )

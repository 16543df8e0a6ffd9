"""Keeping credentials out of everything ftlint prints or writes, and refusing to send them in
clear text. Every message of the submit step goes through :func:`scrub` before it is shown."""

from __future__ import annotations

import ipaddress
import os
import re
from urllib.parse import urlsplit

#: Environment variables whose values are credentials for the clients the submit step builds.
SECRET_ENV_VARS = (
    "OPENAI_API_KEY",
    "OPENAI_ADMIN_KEY",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
)

REDACTED = "***"
# Key-shaped strings from any source (an error body echoing a key, a key pasted in a URL).
_KEY_PATTERNS = (
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}"),
    re.compile(r"(?i)\b(api[-_]?key\s*[=:]\s*)[^\s&,;\"']{8,}"),
)


def secret_values() -> list[str]:
    """The credentials known to this process, longest first so that a key containing another
    is replaced whole."""
    values = {os.environ.get(name, "") for name in SECRET_ENV_VARS}
    return sorted((v for v in values if len(v) >= 4), key=len, reverse=True)


def scrub(text: object) -> str:
    """``text`` as a string with every known credential and anything key-shaped replaced."""
    result = str(text)
    for secret in secret_values():
        result = result.replace(secret, REDACTED)
    for pattern in _KEY_PATTERNS:
        result = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, result)
    return result


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_url_problem(url: str, allow_insecure: bool) -> str | None:
    """Why ``url`` must not receive a key, or None when it may.

    Plain ``http://`` sends the key in clear text; that is only acceptable on this machine
    (loopback) or when the user says so with ``--allow-insecure``.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"cannot parse the API address {scrub(url)!r}"
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        return f"the API address {scrub(url)!r} must start with https:// (or http:// on loopback)"
    if not parts.hostname:
        return f"the API address {scrub(url)!r} has no host name"
    if parts.username or parts.password:
        return "the API address must not contain a user name or password"
    if scheme == "http" and not allow_insecure and not is_loopback(parts.hostname):
        return (
            f"refusing to send the API key in clear text to {parts.hostname} over plain http://; "
            "use https://, or pass --allow-insecure if this network is trusted"
        )
    return None

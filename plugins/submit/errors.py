"""What went wrong, said plainly: API and network errors become one clear message (never a
traceback, never a key) with the exit code they imply, and a provider's complaint about the
data is traced back to the ftlint rule that checks for it."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ftlint.plugins.submit.safety import scrub

from ftlint import today

EXIT_OK = 0
#: Blocked by lint errors, or the job failed or was cancelled.
EXIT_FAILED = 1
#: Usage or configuration.
EXIT_USAGE = 2
#: API or network error after retries.
EXIT_API = 3
#: Ctrl-C: the job (if any) keeps running.
EXIT_INTERRUPTED = 130

#: OpenAI's deprecation notice: self-serve fine-tuning takes no new jobs from this day on.
OPENAI_FINE_TUNING_CUTOFF = datetime.date(2027, 1, 6)
DEPRECATION_NOTE = (
    "OpenAI's deprecation notice says its self-serve fine-tuning takes no new jobs from "
    "2027-01-06. Azure OpenAI (--provider azure) and other OpenAI-compatible endpoints "
    "(--base-url) are not affected."
)


class SubmitError(Exception):
    """A failure of the submit step with its exit code and hints; the message is scrubbed."""

    def __init__(self, message: str, exit_code: int = EXIT_API, hints: Iterable[str] = ()) -> None:
        self.message = scrub(message)
        self.exit_code = exit_code
        self.hints = [scrub(h) for h in hints]
        super().__init__(self.message)


# ---------------------------------------------------------------------------------------------
# Classifying openai exceptions (openai is imported only here, inside functions)


def status_of(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def is_connection_error(exc: BaseException) -> bool:
    import openai

    return isinstance(exc, openai.APIConnectionError)


def is_transient(exc: BaseException) -> bool:
    """Worth another attempt: the network, a timeout, rate limiting, a server error."""
    if is_connection_error(exc):
        return True
    status = status_of(exc)
    return status is not None and (status in (408, 409, 429) or status >= 500)


def may_have_succeeded(exc: BaseException) -> bool:
    """After this error the server may have done the work anyway (the answer was lost): a
    connection that broke after sending, a timeout, a server error. 429 means it did not."""
    if is_connection_error(exc):
        return True
    status = status_of(exc)
    return status is not None and (status == 408 or status >= 500)


def error_body(exc: BaseException) -> dict[str, Any]:
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping):
            return dict(inner)
    return {}


def _connection_cause(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    seen = 0
    while cause is not None and seen < 5:
        text = str(cause).strip()
        if text:
            return text
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return type(exc.__cause__).__name__ if exc.__cause__ else "connection failed"


def is_openai_endpoint(endpoint: str | None) -> bool:
    return bool(endpoint) and "api.openai.com" in str(endpoint)


def describe_api_error(
    exc: BaseException,
    action: str,
    endpoint: str | None = None,
    rules: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> SubmitError:
    """One clear message for an exception raised by the openai client while doing ``action``.

    ``rules`` maps rule names to codes (to name the ftlint rule behind a data complaint);
    ``files`` maps ``training_file`` / ``validation_file`` to local paths for the hints.
    """
    import openai

    where = f" ({endpoint})" if endpoint else ""
    if isinstance(exc, openai.APITimeoutError):
        return SubmitError(
            f"{action}: the API did not answer in time{where}, even after retries",
            EXIT_API,
            ["try again later; a slow network or a large file may need a longer --request-timeout"],
        )
    if isinstance(exc, openai.APIConnectionError):
        return SubmitError(
            f"{action}: cannot reach the API{where}: {_connection_cause(exc)}",
            EXIT_API,
            ["check the network and the API address (OPENAI_BASE_URL, --base-url)"],
        )
    if isinstance(exc, openai.APIStatusError):
        body = error_body(exc)
        status = exc.status_code
        message = str(body.get("message") or "").strip() or _status_text(exc)
        code = body.get("code")
        param = body.get("param")
        details = f"HTTP {status}"
        if code:
            details += f", code {code}"
        if param:
            details += f", parameter {param}"
        hints = list(_status_hints(status, str(code or ""), endpoint))
        if _looks_like_deprecation(status, message, endpoint, action):
            hints.append(DEPRECATION_NOTE)
        hints.extend(
            data_rule_hints(str(code or ""), message, str(param or ""), rules or {}, files or {})
        )
        request_id = getattr(exc, "request_id", None)
        if request_id:
            hints.append(f"request id (for the provider's support): {request_id}")
        return SubmitError(f"{action} failed ({details}): {message}", EXIT_API, hints)
    if isinstance(exc, openai.OpenAIError):
        return SubmitError(f"{action} failed: {exc}", EXIT_USAGE)
    return SubmitError(f"{action} failed: {type(exc).__name__}: {exc}", EXIT_API)


def _status_text(exc: Any) -> str:
    try:
        text = exc.response.text.strip()
    except Exception:
        text = ""
    return text[:300] or str(getattr(exc, "message", "")) or "no details given"


def _status_hints(status: int, code: str, endpoint: str | None) -> Iterable[str]:
    if status == 401:
        yield (
            "the API key was not accepted: check OPENAI_API_KEY (AZURE_OPENAI_API_KEY for "
            "Azure) and the project/organisation it belongs to"
        )
    elif status == 403:
        yield "the key is valid but not allowed to do this (project permissions, region, model)"
    elif status == 404:
        yield "not found: check the model name, the job id and the API address"
    elif status == 429 and code == "insufficient_quota":
        yield "the account is out of quota: check billing and usage limits"
    elif status == 429:
        yield "rate limited even after waiting as asked; try again later"
    elif status >= 500:
        yield "the provider had a server error even after retries; try again later"


def _looks_like_deprecation(status: int, message: str, endpoint: str | None, action: str) -> bool:
    """A refusal of a new job that may be OpenAI's end of self-serve fine-tuning (never said
    of Azure, which the notice does not concern)."""
    if "fine-tuning job" not in action or "azure" in str(endpoint or "").lower():
        return False
    if re.search(r"deprecat|no longer|discontinu|sunset|retired|not accepting", message, re.I):
        return True
    return (
        is_openai_endpoint(endpoint)
        and "fine-tuning job" in action
        and status in (403, 404, 410)
        and today() >= OPENAI_FINE_TUNING_CUTOFF
    )


# ---------------------------------------------------------------------------------------------
# From a provider's complaint about the data to the ftlint rule that checks for it


#: Complaints about the data that no rule checks for, and what to do about them.
DATA_NOTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"moderation|unsafe|usage polic|safety (check|system|eval)|violat", re.I),
        "the provider's moderation flagged examples; ftlint does not run a moderation check, "
        "so review the examples (or run them through a moderation API) before resubmitting",
    ),
)


@dataclass(frozen=True)
class Complaint:
    """A rule's ``provider_error`` pattern: what a provider says when it refuses a file for
    the reason that rule checks."""

    rule: str
    pattern: re.Pattern[str]
    fallback: bool = False


def rule_complaints(rules: Iterable[Any]) -> list[Complaint]:
    """The complaints the rules declare, in the rules' order."""
    complaints = []
    for rule in rules:
        for text, fallback in (
            (getattr(rule, "provider_error", ""), False),
            (getattr(rule, "provider_error_fallback", ""), True),
        ):
            if text:
                complaints.append(Complaint(rule.name, re.compile(text, re.I), fallback))
    return complaints


@functools.lru_cache(maxsize=1)
def _installed_complaints() -> tuple[Complaint, ...]:
    from ftlint import load_plugins

    try:
        return tuple(rule_complaints(load_plugins([]).rules()))
    except Exception:  # no hint is better than a failed error message
        return ()


def data_rule_hints(
    code: str,
    message: str,
    param: str,
    rules: Mapping[str, str],
    files: Mapping[str, str],
    complaints: Sequence[Complaint] | None = None,
) -> list[str]:
    """Hints naming the ftlint rules that cover a complaint about the data (empty when the
    complaint is not about the data). ``rules`` gives the codes of rules by name;
    ``complaints`` defaults to those of the installed rules."""
    text = f"{code} {message}"
    if complaints is None:
        complaints = _installed_complaints()
    notes = [note for pattern, note in DATA_NOTES if pattern.search(text)]
    named: list[str] = []
    for fallback in (False, True):
        if fallback and (named or notes):
            break
        for complaint in complaints:
            wanted = complaint.fallback is fallback and complaint.rule not in named
            if wanted and complaint.pattern.search(text):
                named.append(complaint.rule)
    hints = list(notes)
    if named:
        chosen = named[:4]
        listing = ", ".join(f"{r} ({rules[r]})" if r in rules else r for r in chosen)
        path = files.get(param) or files.get("training_file") or "FILE"
        hints.append(
            f"this points at the data; ftlint rule{'s' if len(chosen) > 1 else ''} {listing} "
            f"check{'' if len(chosen) > 1 else 's'} for it: "
            f"ftlint check {path} --select {','.join(chosen)}"
        )
    line = re.search(r"\b(?:example|line)\s+(\d+)", message, re.IGNORECASE)
    if line and hints:
        hints.append(f"the provider points at example/line {line.group(1)} of the file")
    return hints

"""Building the ``openai`` client for the chosen provider from the environment and the
command line, after the safety checks: credentials present (never taken on the command line,
where shell history and ``ps`` would keep them), and no key sent over plain http to another
machine.

Providers:

- ``openai``: ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID``, ``OPENAI_PROJECT_ID``
  (read by the client itself); ``--base-url`` for any OpenAI-compatible endpoint.
- ``azure``: ``AZURE_OPENAI_ENDPOINT`` (or ``--base-url``), ``OPENAI_API_VERSION`` (or
  ``--api-version``), ``AZURE_OPENAI_API_KEY`` or ``AZURE_OPENAI_AD_TOKEN``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ftlint.plugins.submit.errors import EXIT_USAGE, SubmitError
from ftlint.plugins.submit.safety import insecure_url_problem, scrub

OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
PROVIDERS = ("openai", "azure")
#: Requests retried by the client itself (429, 5xx, broken connections), honouring
#: Retry-After; job creation is retried by ftlint, never blindly (see jobs.create_job).
DEFAULT_MAX_RETRIES = 4


@dataclass
class ClientSettings:
    provider: str = "openai"
    base_url: str | None = None
    api_version: str | None = None
    allow_insecure: bool = False
    max_retries: int = DEFAULT_MAX_RETRIES
    #: Seconds per request; None keeps the client's default (10 minutes).
    timeout: float | None = None

    @property
    def endpoint(self) -> str:
        """The address requests go to, as the user configured it."""
        if self.provider == "azure":
            return self.base_url or os.environ.get("AZURE_OPENAI_ENDPOINT", "")
        return self.base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_DEFAULT_URL

    def to_dict(self) -> dict[str, Any]:
        return {"provider": self.provider, "endpoint": scrub(self.endpoint)}


def check_settings(settings: ClientSettings) -> None:
    """Everything that can be checked without the network; raises SubmitError (exit 2)."""
    if settings.provider not in PROVIDERS:
        raise SubmitError(
            f"unknown provider {settings.provider!r} (use {', '.join(PROVIDERS)})", EXIT_USAGE
        )
    if settings.max_retries < 0:
        raise SubmitError("--max-retries must be 0 or more", EXIT_USAGE)
    if settings.provider == "azure":
        if not (os.environ.get("AZURE_OPENAI_API_KEY") or os.environ.get("AZURE_OPENAI_AD_TOKEN")):
            raise SubmitError(
                "no Azure OpenAI credentials: set AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN)",
                EXIT_USAGE,
            )
        if not settings.endpoint:
            raise SubmitError(
                "no Azure OpenAI endpoint: set AZURE_OPENAI_ENDPOINT or pass --base-url",
                EXIT_USAGE,
            )
        if not (settings.api_version or os.environ.get("OPENAI_API_VERSION")):
            raise SubmitError(
                "no Azure OpenAI API version: set OPENAI_API_VERSION or pass --api-version",
                EXIT_USAGE,
            )
    elif not os.environ.get("OPENAI_API_KEY"):
        raise SubmitError(
            "no API key: set OPENAI_API_KEY (keys are read from the environment only, never "
            "from the command line)",
            EXIT_USAGE,
        )
    problem = insecure_url_problem(settings.endpoint, settings.allow_insecure)
    if problem:
        raise SubmitError(problem, EXIT_USAGE)


def make_client(settings: ClientSettings) -> Any:
    """An ``OpenAI`` or ``AzureOpenAI`` client; imports ``openai`` (only submit/jobs do)."""
    check_settings(settings)
    import openai

    common: dict[str, Any] = {"max_retries": settings.max_retries}
    if settings.timeout is not None:
        common["timeout"] = settings.timeout
    try:
        if settings.provider == "azure":
            return openai.AzureOpenAI(
                azure_endpoint=settings.endpoint,
                api_version=settings.api_version or os.environ.get("OPENAI_API_VERSION"),
                **common,
            )
        if settings.base_url:
            common["base_url"] = settings.base_url
        return openai.OpenAI(**common)
    except (openai.OpenAIError, ValueError, TypeError) as exc:
        raise SubmitError(f"cannot set up the API client: {exc}", EXIT_USAGE) from None


def endpoint_of(client: Any) -> str:
    """The client's base URL without query (identifies where uploaded file ids live)."""
    return str(getattr(client, "base_url", "")).split("?")[0].rstrip("/")

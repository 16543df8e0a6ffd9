"""Waiting between attempts: ``Retry-After`` when the server gives one, exponential backoff
otherwise. Used where the submit step retries by itself (creating a job, polling); single
requests are retried by the ``openai`` client, which honours the same headers.

All waiting goes through :func:`sleep` so that tests can record the delays instead of
sleeping through them.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from typing import Any

#: Longest server-requested wait we honour; longer ones are capped (the openai client uses
#: the same two minutes).
MAX_RETRY_AFTER = 120.0
MAX_BACKOFF = 30.0


def sleep(seconds: float) -> None:
    """Wait; a seam for tests."""
    if seconds > 0:
        time.sleep(seconds)


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds to wait from ``retry-after-ms`` / ``retry-after`` (number or HTTP date)."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            parsed = email.utils.parsedate_tz(value) if name == "retry-after" else None
            if parsed is None:
                continue
            seconds = email.utils.mktime_tz(parsed) - time.time()
        if not math.isfinite(seconds):
            return MAX_RETRY_AFTER
        return min(max(seconds, 0.0), MAX_RETRY_AFTER)
    return None


def error_retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    return retry_after_seconds(getattr(response, "headers", None))


def backoff(attempt: int, base: float = 1.0, cap: float = MAX_BACKOFF) -> float:
    """Exponential backoff with up to 25% jitter: ``base * 2**attempt``, at most ``cap``."""
    delay = min(base * (2.0 ** min(attempt, 20)), cap)
    return delay * (1.0 - 0.25 * random.random())


def wait_before_retry(exc: BaseException, attempt: int, base: float = 1.0) -> float:
    """Wait as the server asked, or back off; returns the delay."""
    delay = error_retry_after(exc)
    if delay is None:
        delay = backoff(attempt, base)
    sleep(delay)
    return delay

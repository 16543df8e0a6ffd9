"""A model's lifecycle against a date: can a job start, finish, and be used long enough?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ftlint import Severity, today

__all__ = ["DEFAULT_MARGIN_DAYS", "alternatives", "assess", "today"]

#: Days a fine-tuning job needs between this check and a trained model: upload, the
#: provider's validation, the queue and the training run (hours to a day or two for the
#: hosted services), plus a retry after a refused file. A job closer than this to the end
#: of training may not start or finish.
DEFAULT_MARGIN_DAYS = 7


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Verdict:
    severity: Severity
    message: str


def assess(target: Any, model: str, when: dt.date, margin_days: int) -> Verdict | None:
    """What ``target``'s lifecycle data say about training ``model`` from ``when``: an error
    when no job can start (closed, shut down) or could finish before it closes (within the
    margin), a warning when only existing customers may still train; ``None`` otherwise."""
    info = target.model(model)
    ends = [d for d in (_date(target.jobs_end), _date(info.training_ends if info else "")) if d]
    shutdown = _date(info.shutdown) if info else None
    closes = min(ends) if ends else None
    if shutdown is not None and (closes is None or shutdown < closes):
        closes = shutdown
    label = f"{model} on {target.name}"
    if shutdown is not None and when >= shutdown:
        return Verdict(Severity.ERROR, f"{label} was shut down on {shutdown}")
    if closes is not None and when >= closes:
        return Verdict(Severity.ERROR, f"{label} takes no new fine-tuning jobs since {closes}")
    if closes is not None and (closes - when).days < margin_days:
        left = (closes - when).days
        return Verdict(
            Severity.ERROR,
            f"{label} takes no new fine-tuning jobs from {closes}, {left} day"
            f"{'s' if left != 1 else ''} from now: less than the {margin_days} days a job "
            "needs to be uploaded, validated, queued and trained",
        )
    restricted = _date(info.restricted_since) if info else None
    if restricted is not None and when >= restricted:
        return Verdict(
            Severity.WARNING,
            f"{label}: since {restricted} only customers who already fine-tuned it may start "
            f"new jobs (until {closes})",
        )
    return None


def alternatives(installed: dict[str, Any], exclude: str, when: dt.date, margin: int) -> list[str]:
    """``name (model)`` of the installed targets whose default model can still be trained."""
    found = []
    for name in sorted(installed):
        target = installed[name]
        if name == exclude:
            continue
        verdict = assess(target, target.default_model, when, margin)
        if verdict is None:
            found.append(f"{name} ({target.default_model})")
    return found

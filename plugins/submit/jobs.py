"""Fine-tuning jobs: create one (exactly once), follow it to the end, list and cancel them.

Creating a job is the one request that must never be repeated blindly: a retry after a lost
answer could start (and bill) a second job. So the job request goes out with the client's
own retries off and ftlint decides:

- 429 (and 409): the job was not created; wait as the server asks (``Retry-After``) and retry.
- A broken connection, a timeout or a 5xx: the job may exist. Before trying again, look for
  it: the request carries ``metadata.ftlint_submission`` (a random id for this submission,
  when the endpoint accepts metadata) and an ``Idempotency-Key`` header for endpoints that
  honour one; the job list is searched for that id, or else for a job on the same files and
  model created since the submission began. Found: it is adopted. The lookup fails: stop
  and say so, rather than risk a duplicate.

Following polls the job and its events every ``poll_interval`` seconds (``--poll-interval``,
``FTLINT_POLL_INTERVAL``); transient errors while polling are retried with backoff, up to a
bound. Ctrl-C stops following and leaves the job running.
"""

from __future__ import annotations

import re
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ftlint.plugins.submit import retry
from ftlint.plugins.submit.errors import (
    EXIT_API,
    SubmitError,
    describe_api_error,
    is_transient,
    may_have_succeeded,
)
from ftlint.plugins.submit.ui import UI

TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
METADATA_KEY = "ftlint_submission"
MAX_CREATE_ATTEMPTS = 5
#: Consecutive failed polls tolerated before giving up (the job keeps running).
MAX_POLL_ERRORS = 6
#: Pages of events read per poll (100 events each).
MAX_EVENT_PAGES = 20
EVENT_PAGE = 100
#: Events kept for the live display.
SHOWN_EVENTS = 8
#: Seconds between polls by default.
DEFAULT_POLL_INTERVAL = 10.0
#: Longest time ``follow`` keeps watching by default (then it says how to resume).
DEFAULT_FOLLOW_TIMEOUT = 72 * 3600.0
#: A job created this long before the submission started cannot be ours (clock skew slack).
CLOCK_SLACK = 300


# ---------------------------------------------------------------------------------------------
# Creating


@dataclass
class JobRequest:
    model: str
    training_file: str
    validation_file: str | None = None
    method: str = "supervised"
    n_epochs: int | None = None
    batch_size: int | None = None
    learning_rate_multiplier: float | None = None
    beta: float | None = None
    seed: int | None = None
    suffix: str | None = None

    def hyperparameters(self) -> dict[str, Any]:
        values = {
            "n_epochs": self.n_epochs,
            "batch_size": self.batch_size,
            "learning_rate_multiplier": self.learning_rate_multiplier,
        }
        if self.method == "dpo":
            values["beta"] = self.beta
        return {k: v for k, v in values.items() if v is not None}

    def method_param(self) -> dict[str, Any]:
        """The ``method`` parameter: ``{"type": "dpo", "dpo": {"hyperparameters": {...}}}``."""
        method: dict[str, Any] = {"type": self.method}
        hyper = self.hyperparameters()
        if hyper:
            method[self.method] = {"hyperparameters": hyper}
        return method

    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "training_file": self.training_file,
            "method": self.method_param(),
        }
        for name in ("validation_file", "seed", "suffix"):
            value = getattr(self, name)
            if value is not None:
                params[name] = value
        return params


def new_marker() -> str:
    return uuid.uuid4().hex


def _mentions_metadata(exc: Any) -> bool:
    from ftlint.plugins.submit.errors import error_body

    body = error_body(exc)
    text = f"{body.get('param') or ''} {body.get('message') or ''}"
    return "metadata" in text.lower()


def _same_request(job: Any, request: JobRequest, since: float) -> bool:
    model = str(getattr(job, "model", "") or "")
    return (
        getattr(job, "training_file", None) == request.training_file
        and (getattr(job, "validation_file", None) or None) == (request.validation_file or None)
        and (model == request.model or model.startswith(request.model + "-"))
        and (getattr(job, "created_at", 0) or 0) >= since - CLOCK_SLACK
    )


def find_created_job(
    client: Any, request: JobRequest, marker: str | None, since: float
) -> Any | None:
    """The job this submission created, if the list shows one (newest first)."""
    kwargs: dict[str, Any] = {"limit": 50}
    if marker:
        kwargs["metadata"] = {METADATA_KEY: marker}
    page = client.fine_tuning.jobs.list(**kwargs)
    for job in page.data or []:
        metadata = getattr(job, "metadata", None) or {}
        if marker and metadata.get(METADATA_KEY) == marker:
            return job
        if METADATA_KEY not in metadata and _same_request(job, request, since):
            return job
    return None


def _look_for_job(
    client: Any, request: JobRequest, marker: str | None, since: float, endpoint: str
) -> Any | None:
    """``find_created_job``, or stop when the list cannot be read: re-sending the request
    without knowing could start the job twice."""
    import openai

    try:
        return find_created_job(client, request, marker, since)
    except openai.OpenAIError as exc:
        problem = describe_api_error(exc, "checking whether the job was created", endpoint)
        raise SubmitError(
            "creating the fine-tuning job: the answer was lost and the job list cannot be read "
            f"to check whether the job exists ({problem.message})",
            EXIT_API,
            [
                "run 'ftlint jobs list' before submitting again, so as not to start the same job "
                "twice"
            ],
        ) from None


def create_job(
    client: Any,
    request: JobRequest,
    ui: UI,
    *,
    endpoint: str,
    use_metadata: bool = True,
    marker: str | None = None,
    rules: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
    max_attempts: int = MAX_CREATE_ATTEMPTS,
) -> Any:
    """Create the job exactly once (see the module docstring)."""
    import openai

    action = "creating the fine-tuning job"
    marker = marker or new_marker()
    params = request.params()
    if use_metadata:
        params["metadata"] = {METADATA_KEY: marker}
    headers = {"Idempotency-Key": f"ftlint-{marker}"}
    once = client.with_options(max_retries=0)
    since = time.time()
    last: BaseException | None = None
    attempt = 0
    while attempt < max_attempts:
        try:
            return once.fine_tuning.jobs.create(**params, extra_headers=headers)
        except openai.APIStatusError as exc:
            if exc.status_code in (400, 422) and "metadata" in params and _mentions_metadata(exc):
                ui.note("this endpoint does not take job metadata; sending the job without it")
                params.pop("metadata")
                use_metadata = False
                continue  # a rejected request created nothing: not an attempt
            if not is_transient(exc):
                raise describe_api_error(exc, action, endpoint, rules, files) from None
            last = exc
        except openai.APIConnectionError as exc:
            last = exc
        attempt += 1
        ambiguous = may_have_succeeded(last)
        if ambiguous:
            found = _look_for_job(
                client, request, marker if use_metadata else None, since, endpoint
            )
            if found is not None:
                ui.note(f"the answer was lost, but the job had been created: {found.id}")
                return found
        if attempt >= max_attempts:
            break
        delay = retry.error_retry_after(last)
        brief = describe_api_error(last, action, endpoint).message
        wait = f"{delay:g}s as the server asked" if delay is not None else "a moment"
        ui.warn(f"{brief}; trying again in {wait} ({attempt}/{max_attempts - 1})")
        retry.wait_before_retry(last, attempt - 1)
        if ambiguous:
            # Look once more after the wait: a new job may take a moment to be listed.
            found = _look_for_job(
                client, request, marker if use_metadata else None, since, endpoint
            )
            if found is not None:
                ui.note(f"the answer was lost, but the job had been created: {found.id}")
                return found
    assert last is not None
    raise describe_api_error(last, action, endpoint, rules, files) from None


# ---------------------------------------------------------------------------------------------
# Following


@dataclass
class MetricPoint:
    step: int
    train_loss: float | None = None
    valid_loss: float | None = None
    full_valid_loss: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step,
            "train_loss": self.train_loss,
            "valid_loss": self.valid_loss,
            "full_valid_loss": self.full_valid_loss,
        }


_STEP_MESSAGE = re.compile(
    r"step\s+(\d+)(?:\s*/\s*(\d+))?\s*:\s*training loss\s*=\s*([-\d.eE+]+)"
    r"(?:.*?validation loss\s*=\s*([-\d.eE+]+))?",
    re.IGNORECASE,
)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def metric_from_event(event: Any) -> tuple[MetricPoint | None, int | None]:
    """A metrics point (and the total step count, when given) from one event."""
    data = getattr(event, "data", None)
    if isinstance(data, dict) and "step" in data:
        step = _number(data.get("step"))
        if step is not None:
            total = _number(data.get("total_steps"))
            point = MetricPoint(
                int(step),
                _number(data.get("train_loss")),
                _number(data.get("valid_loss")),
                _number(data.get("full_valid_loss")),
            )
            return point, int(total) if total else None
    match = _STEP_MESSAGE.search(str(getattr(event, "message", "") or ""))
    if match:
        total = int(match.group(2)) if match.group(2) else None
        return (
            MetricPoint(int(match.group(1)), _number(match.group(3)), _number(match.group(4))),
            total,
        )
    return None, None


@dataclass
class FollowState:
    job_id: str
    job: Any = None
    status: str | None = None
    seen: set[str] = field(default_factory=set)
    recent: deque[Any] = field(default_factory=lambda: deque(maxlen=SHOWN_EVENTS))
    events: int = 0
    metrics: dict[int, MetricPoint] = field(default_factory=dict)
    total_steps: int | None = None
    started: float = field(default_factory=time.monotonic)
    poll_errors: int = 0

    def latest(self) -> MetricPoint | None:
        return self.metrics[max(self.metrics)] if self.metrics else None

    def last_valid(self) -> MetricPoint | None:
        with_valid = [m for m in self.metrics.values() if m.valid_loss is not None]
        return max(with_valid, key=lambda m: m.step) if with_valid else None

    def points(self) -> list[MetricPoint]:
        return [self.metrics[s] for s in sorted(self.metrics)]


@dataclass
class FollowOutcome:
    state: FollowState
    #: ``finished`` (a terminal status), ``interrupted`` (Ctrl-C) or ``timeout``.
    reason: str

    @property
    def job(self) -> Any:
        return self.state.job


def resume_hint(job_id: str) -> str:
    return f"the job keeps running; follow it again with: ftlint jobs follow {job_id}"


def _new_events(client: Any, job_id: str, seen: set[str]) -> list[Any]:
    """Events not seen yet, oldest first (the API lists newest first)."""
    fresh: list[Any] = []
    after: str | None = None
    for _ in range(MAX_EVENT_PAGES):
        kwargs: dict[str, Any] = {"limit": EVENT_PAGE}
        if after:
            kwargs["after"] = after
        page = client.fine_tuning.jobs.list_events(job_id, **kwargs)
        data = list(page.data or [])
        reached_seen = False
        for event in data:
            if event.id in seen:
                reached_seen = True
                break
            fresh.append(event)
        if reached_seen or not data or not getattr(page, "has_more", False):
            break
        after = data[-1].id
    fresh.reverse()
    return fresh


class Follower:
    """Polls a job until it ends, showing status, events and metrics as they come."""

    def __init__(
        self,
        client: Any,
        job_id: str,
        ui: UI,
        *,
        endpoint: str,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        timeout: float = DEFAULT_FOLLOW_TIMEOUT,
        max_poll_errors: int = MAX_POLL_ERRORS,
    ) -> None:
        self.client = client
        self.ui = ui
        self.endpoint = endpoint
        self.poll_interval = max(poll_interval, 0.0)
        self.timeout = timeout
        self.max_poll_errors = max_poll_errors
        self.state = FollowState(job_id)
        self._metric_every = 1

    # -- display --------------------------------------------------------------------------------
    def render(self) -> Any:
        from rich.console import Group
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        state = self.state
        created = getattr(state.job, "created_at", None)
        if isinstance(created, (int, float)) and not isinstance(created, bool):
            elapsed = max(0, int(time.time() - created))
        else:
            elapsed = int(time.monotonic() - state.started)
        header = Text.assemble(
            ("fine-tuning job ", "bold"),
            (state.job_id, "bold cyan"),
            "  ",
            (state.status or "…", _status_style(state.status)),
            f"  {_duration(elapsed)}",
        )
        parts: list[Any] = [header]
        latest = state.latest()
        if state.total_steps:
            done = latest.step if latest else 0
            bar = Table.grid(padding=(0, 1))
            bar.add_row(
                ProgressBar(total=state.total_steps, completed=done, width=40),
                Text(f"step {done}/{state.total_steps}"),
            )
            parts.append(bar)
        if latest is not None:
            line = f"train loss {_fmt(latest.train_loss)}"
            valid = state.last_valid()
            if valid is not None:
                line += f" · valid loss {_fmt(valid.valid_loss)} (step {valid.step})"
            line += "  " + sparkline([m.train_loss for m in state.points()])
            parts.append(Text(line))
        if state.recent:
            table = Table.grid(padding=(0, 1))
            for event in state.recent:
                table.add_row(
                    Text(_clock(getattr(event, "created_at", None)), style="dim"),
                    Text(str(getattr(event, "message", "")), style=_level_style(event)),
                )
            parts.append(table)
        return Group(*parts)

    def _print_event(self, event: Any, point: MetricPoint | None) -> None:
        if self.ui.interactive and not self.ui.json:
            return  # the live display shows it
        if point is not None:
            last = self.state.total_steps and point.step >= self.state.total_steps
            if point.step % self._metric_every and not last:
                return
        message = str(getattr(event, "message", "") or "")
        if not message and point is not None:
            message = f"step {point.step}: train loss {_fmt(point.train_loss)}"
        level = str(getattr(event, "level", "info") or "info")
        style = {"warn": "yellow", "error": "red"}.get(level)
        self.ui.say(f"  {_clock(getattr(event, 'created_at', None))} {message}", style)

    # -- polling --------------------------------------------------------------------------------
    def _absorb(self, job: Any, events: list[Any]) -> None:
        state = self.state
        state.job = job
        status = str(getattr(job, "status", "") or "")
        if status != state.status:
            if not (self.ui.interactive and not self.ui.json):
                self.ui.say(f"status: {status}", _status_style(status))
            state.status = status
        for event in events:
            state.seen.add(event.id)
            state.events += 1
            state.recent.append(event)
            point, total = metric_from_event(event)
            if total and total != state.total_steps:
                state.total_steps = total
                self._metric_every = max(1, total // 20)
            if point is not None:
                state.metrics[point.step] = point
            self._print_event(event, point)

    def _poll_once(self) -> None:
        job = self.client.fine_tuning.jobs.retrieve(self.state.job_id)
        events = _new_events(self.client, self.state.job_id, self.state.seen)
        self._absorb(job, events)

    def run(self) -> FollowOutcome:
        import openai

        state = self.state
        deadline = time.monotonic() + self.timeout
        interval = max(self.poll_interval, 1e-3)
        max_polls = int(self.timeout / interval) + self.max_poll_errors + 2
        action = f"following job {state.job_id}"
        try:
            with self.ui.live(self.render) as refresh:
                for _ in range(max_polls):
                    try:
                        self._poll_once()
                        state.poll_errors = 0
                    except openai.APIStatusError as exc:
                        if not is_transient(exc):
                            raise describe_api_error(exc, action, self.endpoint) from None
                        self._poll_failed(exc, action)
                        continue
                    except openai.APIConnectionError as exc:
                        self._poll_failed(exc, action)
                        continue
                    refresh()
                    if state.status in TERMINAL:
                        return FollowOutcome(state, "finished")
                    if time.monotonic() >= deadline:
                        break
                    retry.sleep(self.poll_interval)
        except KeyboardInterrupt:
            return FollowOutcome(state, "interrupted")
        return FollowOutcome(state, "timeout")

    def _poll_failed(self, exc: BaseException, action: str) -> None:
        state = self.state
        state.poll_errors += 1
        problem = describe_api_error(exc, action, self.endpoint)
        if state.poll_errors > self.max_poll_errors:
            raise SubmitError(
                f"{problem.message} ({state.poll_errors} polls in a row failed)",
                EXIT_API,
                [resume_hint(state.job_id)],
            )
        self.ui.warn(f"{problem.message}; polling again shortly")
        retry.wait_before_retry(exc, state.poll_errors - 1, base=max(self.poll_interval, 0.5))


def list_checkpoints(client: Any, job_id: str) -> list[Any]:
    import openai

    try:
        return list(client.fine_tuning.jobs.checkpoints.list(job_id, limit=10).data or [])
    except openai.OpenAIError:
        return []  # optional extra: not every endpoint has checkpoints


# ---------------------------------------------------------------------------------------------
# Formatting helpers


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _clock(timestamp: Any) -> str:
    if not isinstance(timestamp, (int, float)) or isinstance(timestamp, bool):
        return "--:--:--"
    return time.strftime("%H:%M:%S", time.localtime(timestamp))


def _status_style(status: str | None) -> str:
    return {
        "succeeded": "bold green",
        "failed": "bold red",
        "cancelled": "yellow",
        "running": "cyan",
    }.get(status or "", "")


def _level_style(event: Any) -> str:
    return {"warn": "yellow", "error": "red"}.get(str(getattr(event, "level", "")), "")


_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None], width: int = 40) -> str:
    """The last ``width`` values as block characters (a loss trend at a glance)."""
    numbers = [v for v in values if v is not None][-width:]
    if len(numbers) < 2:
        return ""
    low, high = min(numbers), max(numbers)
    span = high - low or 1.0
    return "".join(_BLOCKS[min(7, int((v - low) / span * 7.999))] for v in numbers)


def job_summary(job: Any) -> dict[str, Any]:
    """The fields of a job worth reporting (JSON output, ``jobs list``)."""
    error = getattr(job, "error", None)
    method = getattr(job, "method", None)
    return {
        "id": getattr(job, "id", None),
        "status": getattr(job, "status", None),
        "model": getattr(job, "model", None),
        "method": getattr(method, "type", None) if method is not None else None,
        "fine_tuned_model": getattr(job, "fine_tuned_model", None),
        "training_file": getattr(job, "training_file", None),
        "validation_file": getattr(job, "validation_file", None),
        "created_at": getattr(job, "created_at", None),
        "finished_at": getattr(job, "finished_at", None),
        "trained_tokens": getattr(job, "trained_tokens", None),
        "result_files": list(getattr(job, "result_files", None) or []),
        "error": (
            {
                "code": getattr(error, "code", None),
                "message": getattr(error, "message", None),
                "param": getattr(error, "param", None),
            }
            if error is not None
            and (getattr(error, "code", None) or getattr(error, "message", None))
            else None
        ),
    }

"""The default ``ftlint_submit``: upload, create the job, follow it, report the outcome.

``follow_and_report`` is shared with ``ftlint jobs follow``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftlint.plugins.submit.client import ClientSettings, endpoint_of, make_client
from ftlint.plugins.submit.errors import (
    DEPRECATION_NOTE,
    EXIT_API,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    OPENAI_FINE_TUNING_CUTOFF,
    SubmitError,
    data_rule_hints,
    is_openai_endpoint,
)
from ftlint.plugins.submit.jobs import (
    DEFAULT_FOLLOW_TIMEOUT,
    DEFAULT_POLL_INTERVAL,
    Follower,
    JobRequest,
    create_job,
    job_summary,
    list_checkpoints,
    resume_hint,
)
from ftlint.plugins.submit.results import save_results, usage_snippet
from ftlint.plugins.submit.ui import UI
from ftlint.plugins.submit.upload import UploadCache, UploadSettings, upload_file

from ftlint import today


@dataclass
class FollowOptions:
    poll_interval: float = DEFAULT_POLL_INTERVAL
    timeout: float = DEFAULT_FOLLOW_TIMEOUT
    plot_format: str = "svg"
    #: Where the result CSV and the plot go, and the stem of their names.
    dest_dir: Path = field(default_factory=Path)
    stem: str = ""
    #: ``training_file`` / ``validation_file`` -> local path, for hints about the data.
    files: dict[str, str] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)
    #: Replace result files that exist already (``--force``); otherwise they are kept.
    overwrite: bool = False


def submit(train_file: str, validation_file: str | None, options: dict[str, Any], ui: UI) -> int:
    settings: ClientSettings = options["client_settings"]
    client = make_client(settings)
    endpoint = endpoint_of(client)
    rules: dict[str, str] = options.get("rules") or {}
    upload_settings: UploadSettings = options.get("upload") or UploadSettings.from_env()
    cache = UploadCache()
    train = Path(train_file)
    valid = Path(validation_file) if validation_file else None
    local_files = {"training_file": str(train)}
    if valid is not None:
        local_files["validation_file"] = str(valid)

    ui.step(f"uploading to {endpoint}")
    uploaded = {
        "training": upload_file(
            client, train, "training", ui, upload_settings, cache, endpoint, rules
        )
    }
    if valid is not None:
        uploaded["validation"] = upload_file(
            client, valid, "validation", ui, upload_settings, cache, endpoint, rules
        )
    ui.result["files"] = {role: f.to_dict() for role, f in uploaded.items()}

    request = JobRequest(
        model=options["model"],
        training_file=uploaded["training"].id,
        validation_file=uploaded["validation"].id if "validation" in uploaded else None,
        method=options.get("method") or "supervised",
        n_epochs=options.get("n_epochs"),
        batch_size=options.get("batch_size"),
        learning_rate_multiplier=options.get("learning_rate_multiplier"),
        beta=options.get("beta"),
        seed=options.get("seed"),
        suffix=options.get("suffix"),
    )
    if is_openai_endpoint(endpoint) and today() >= OPENAI_FINE_TUNING_CUTOFF:
        ui.note(DEPRECATION_NOTE + " Trying anyway; the API's answer follows.")
    ui.step(f"creating a {request.method} fine-tuning job on {request.model}")
    try:
        job = create_job(
            client,
            request,
            ui,
            endpoint=endpoint,
            use_metadata=settings.provider != "azure",
            rules=rules,
            files=local_files,
        )
    except KeyboardInterrupt:
        raise SubmitError(
            "interrupted while creating the job; it may have been created",
            EXIT_INTERRUPTED,
            ["check with 'ftlint jobs list' before submitting again"],
        ) from None
    ui.result["job"] = job_summary(job)
    ui.say(f"job {job.id} created (status: {job.status})")
    if options.get("no_wait"):
        ui.say(f"follow it with: ftlint jobs follow {job.id}")
        return EXIT_OK
    follow = FollowOptions(
        poll_interval=options.get("poll_interval") or DEFAULT_POLL_INTERVAL,
        timeout=options.get("follow_timeout") or DEFAULT_FOLLOW_TIMEOUT,
        plot_format=options.get("plot_format") or "svg",
        dest_dir=train.parent,
        stem=train.stem,
        files=local_files,
        rules=rules,
        overwrite=bool(options.get("force")),
    )
    return follow_and_report(client, job.id, ui, follow, settings.provider, endpoint)


def follow_and_report(
    client: Any, job_id: str, ui: UI, options: FollowOptions, provider: str, endpoint: str
) -> int:
    """Follow a job to its end and report: model and usage, metrics and plot, or the error."""
    ui.step(f"following job {job_id} (Ctrl-C stops following; the job keeps running)")
    outcome = Follower(
        client,
        job_id,
        ui,
        endpoint=endpoint,
        poll_interval=options.poll_interval,
        timeout=options.timeout,
    ).run()
    state = outcome.state
    job = outcome.job
    if job is not None:
        ui.result["job"] = job_summary(job)
    ui.result["events"] = state.events
    if outcome.reason == "interrupted":
        ui.warn(f"stopped following job {job_id} (status: {state.status or 'unknown'})")
        ui.say(resume_hint(job_id))
        ui.result["stopped"] = "interrupted"
        return EXIT_INTERRUPTED
    if outcome.reason == "timeout":
        ui.error(
            f"job {job_id} is still {state.status or 'unknown'} after "
            f"{options.timeout:g} seconds of following",
            [resume_hint(job_id)],
        )
        ui.result["stopped"] = "timeout"
        return EXIT_API
    status = state.status
    if status == "succeeded":
        return _report_success(client, job, ui, options, provider, state.points())
    if status == "failed":
        _report_failure(job, ui, options)
        return EXIT_FAILED
    ui.error(f"job {job_id} was {status}")
    return EXIT_FAILED


def _report_success(
    client: Any, job: Any, ui: UI, options: FollowOptions, provider: str, points: list[Any]
) -> int:
    model = getattr(job, "fine_tuned_model", None) or "(no model name returned)"
    ui.success(f"job {job.id} succeeded: fine-tuned model {model}")
    tokens = getattr(job, "trained_tokens", None)
    if tokens:
        ui.say(f"trained tokens: {tokens:,}")
    checkpoints = list_checkpoints(client, job.id)
    if checkpoints:
        ui.say("checkpoints:")
        for checkpoint in sorted(checkpoints, key=lambda c: getattr(c, "step_number", 0)):
            ui.say(f"  step {checkpoint.step_number}: {checkpoint.fine_tuned_model_checkpoint}")
        ui.result["checkpoints"] = [
            {"step": c.step_number, "model": c.fine_tuned_model_checkpoint} for c in checkpoints
        ]
    results = save_results(
        client,
        job,
        options.dest_dir,
        options.stem,
        ui,
        points,
        options.plot_format,
        overwrite=options.overwrite,
    )
    summary = results.summary()
    ui.result["metrics"] = summary
    if summary["steps"]:
        line = f"final train loss {summary['final_train_loss']}"
        if summary["final_valid_loss"] is not None:
            line += f", validation loss {summary['final_valid_loss']}"
        ui.say(f"{line} ({summary['steps']} steps, from the {results.source})")
    if results.csv_path:
        ui.say(f"step metrics: {results.csv_path}")
    if results.plot_path:
        ui.say(f"loss curves: {results.plot_path}")
    if getattr(job, "fine_tuned_model", None):
        ui.say("call it with:")
        ui.raw(usage_snippet(job.fine_tuned_model, str(getattr(job, "model", "")), provider))
    return EXIT_OK


def _report_failure(job: Any, ui: UI, options: FollowOptions) -> None:
    error = getattr(job, "error", None)
    code = str(getattr(error, "code", "") or "")
    message = str(getattr(error, "message", "") or "no reason given")
    param = str(getattr(error, "param", "") or "")
    text = f"job {job.id} failed"
    if code:
        text += f" ({code})"
    text += f": {message}"
    if param:
        text += f" [parameter: {param}]"
    hints = data_rule_hints(code, message, param, options.rules, options.files)
    ui.error(text, hints)

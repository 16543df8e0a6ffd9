"""The ``ftlint submit`` and ``ftlint jobs follow|list|cancel`` command lines.

Exit codes: 0 the job succeeded (or was created, with ``--no-wait``); 1 blocked by lint
errors (or "no" at the confirmation), or the job failed or was cancelled; 2 usage or
configuration (including a missing ``--yes`` when there is no terminal to ask on); 3 API or
network error after retries (or ``--follow-timeout`` reached); 130 Ctrl-C (the job keeps
running).
"""

from __future__ import annotations

import argparse
import os
import traceback
from pathlib import Path
from typing import Any

from ftlint.plugins.submit.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    SubmitError,
)
from ftlint.plugins.submit.safety import scrub

METHODS = ("supervised", "dpo")
PLOT_FORMATS = ("svg", "png")


# ---------------------------------------------------------------------------------------------
# Argument types


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {text!r}")
    return value


def _suffix(text: str) -> str:
    if not text or len(text) > 64:
        raise argparse.ArgumentTypeError("the suffix must be 1 to 64 characters")
    return text


# ---------------------------------------------------------------------------------------------
# Parsers


#: The targets whose API this client submits to.
SUBMIT_TARGETS = ("openai", "azure-openai")


def _add_connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("provider")
    group.add_argument(
        "--target",
        help="provider profile: openai (default) or azure-openai (implies --provider azure)",
    )
    group.add_argument(
        "--provider",
        choices=["openai", "azure"],
        help="API client: openai (also any OpenAI-compatible endpoint) or azure",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="API address (default: OPENAI_BASE_URL, or AZURE_OPENAI_ENDPOINT for Azure)",
    )
    group.add_argument("--api-version", help="Azure API version (default: OPENAI_API_VERSION)")
    group.add_argument(
        "--allow-insecure",
        action="store_true",
        help="allow plain http:// to a host other than this machine (sends the key in clear)",
    )
    group.add_argument(
        "--max-retries",
        type=_non_negative_int,
        metavar="N",
        help="retries per request on 429, 5xx and broken connections (default: 4)",
    )
    group.add_argument(
        "--request-timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="time limit per API request (default: the client's, 10 minutes)",
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--output-format",
        "-f",
        choices=["text", "json"],
        default="text",
        help="text (default) or json (one document on standard output)",
    )


def _add_follow_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plot-format",
        choices=PLOT_FORMATS,
        default="svg",
        help="loss curves as svg (default, no dependency) or png (needs ftlint[plot])",
    )
    parser.add_argument(
        "--follow-timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="stop following after this long (default: 72 hours; the job keeps running)",
    )
    # Seconds between polls; FTLINT_POLL_INTERVAL does the same (tests use a tiny value).
    parser.add_argument("--poll-interval", type=_positive_float, help=argparse.SUPPRESS)


def add_commands(subparsers: Any) -> None:
    submit = subparsers.add_parser(
        "submit",
        help="check, upload and run a fine-tuning job, then follow it",
        description="Check the data with the target's rules, upload it and start a "
        "fine-tuning job, then follow it to the end.",
    )
    submit.add_argument("train", type=Path, metavar="TRAIN", help="training data (JSONL)")
    submit.add_argument("--validation-file", type=Path, metavar="VALID", help="validation data")
    job = submit.add_argument_group("job")
    job.add_argument("--model", help="base model to fine-tune (required unless in the config)")
    job.add_argument("--method", choices=METHODS, default="supervised")
    job.add_argument("--suffix", type=_suffix, help="added to the fine-tuned model's name")
    job.add_argument("--n-epochs", type=_positive_int, metavar="N")
    job.add_argument("--batch-size", type=_positive_int, metavar="N")
    job.add_argument("--learning-rate-multiplier", type=_positive_float, metavar="X")
    job.add_argument("--beta", type=_positive_float, metavar="X", help="DPO beta (--method dpo)")
    job.add_argument("--seed", type=_non_negative_int, metavar="N")
    flow = submit.add_argument_group("flow")
    flow.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    flow.add_argument(
        "--force",
        action="store_true",
        help="submit despite lint errors, and overwrite result files that exist",
    )
    flow.add_argument(
        "--no-wait", action="store_true", help="create the job and exit without following it"
    )
    _add_follow_options(submit)
    check = submit.add_argument_group("checking")
    check.add_argument("--config", type=Path, help="configuration file")
    check.add_argument("--select", action="append", metavar="CODES", help="rules to run")
    check.add_argument("--ignore", action="append", metavar="CODES", help="rules to skip")
    check.add_argument("-p", dest="plugins", action="append", metavar="NAME")
    _add_connection_options(submit)
    submit.set_defaults(func=cmd_submit)

    jobs = subparsers.add_parser("jobs", help="follow, list or cancel fine-tuning jobs")
    actions = jobs.add_subparsers(dest="jobs_action", metavar="ACTION", required=True)
    follow = actions.add_parser("follow", help="follow a job to its end")
    follow.add_argument("job_id", metavar="JOB_ID")
    follow.add_argument(
        "--output-dir",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="where the result CSV and the plot go (default: here)",
    )
    follow.add_argument(
        "--force",
        action="store_true",
        help="overwrite the result CSV and the plot when they exist (default: keep them)",
    )
    _add_follow_options(follow)
    _add_connection_options(follow)
    follow.set_defaults(func=cmd_jobs_follow)
    listing = actions.add_parser("list", help="list recent jobs")
    listing.add_argument("--limit", type=_positive_int, default=20, metavar="N")
    _add_connection_options(listing)
    listing.set_defaults(func=cmd_jobs_list)
    cancel = actions.add_parser("cancel", help="cancel a job")
    cancel.add_argument("job_id", metavar="JOB_ID")
    _add_connection_options(cancel)
    cancel.set_defaults(func=cmd_jobs_cancel)


# ---------------------------------------------------------------------------------------------
# Running a command safely


def _run(args: argparse.Namespace, body: Any) -> int:
    """Run ``body(ui)``: every failure becomes a scrubbed message and an exit code."""
    from ftlint.plugins.submit.ui import UI

    from ftlint import ConfigError

    ui = UI(getattr(args, "output_format", "text") or "text")
    try:
        code = int(body(ui))
    except SubmitError as exc:
        ui.error(exc.message, exc.hints)
        ui.result["error"] = {"message": exc.message, "hints": exc.hints}
        code = exc.exit_code
    except ConfigError as exc:
        ui.error(str(exc))
        ui.result["error"] = {"message": scrub(exc), "hints": []}
        code = EXIT_USAGE
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "openai":
            raise
        # openai is the submit extra: a plain install checks and prepares without it
        message = f"'ftlint {args.command}' needs the openai package, which is not installed"
        hints = ["pip install 'ftlint[submit]'"]
        ui.error(message, hints)
        ui.result["error"] = {"message": message, "hints": hints}
        code = EXIT_USAGE
    except KeyboardInterrupt:
        ui.error("interrupted")
        ui.result["error"] = {"message": "interrupted", "hints": []}
        code = EXIT_INTERRUPTED
    except Exception as exc:
        ui.error(
            f"internal error: {type(exc).__name__}: {exc}",
            ["please report this; set FTLINT_DEBUG=1 to see the traceback"],
        )
        if os.environ.get("FTLINT_DEBUG"):
            ui.err.print(scrub(traceback.format_exc()), markup=False, highlight=False)
        ui.result["error"] = {"message": scrub(f"{type(exc).__name__}: {exc}"), "hints": []}
        code = EXIT_USAGE
    ui.emit_json(code)
    return code


def _poll_interval(args: argparse.Namespace) -> float | None:
    if getattr(args, "poll_interval", None):
        return float(args.poll_interval)
    text = os.environ.get("FTLINT_POLL_INTERVAL")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SubmitError("FTLINT_POLL_INTERVAL must be a number of seconds", EXIT_USAGE) from None
    if not value > 0:
        raise SubmitError("FTLINT_POLL_INTERVAL must be above 0", EXIT_USAGE)
    return value


def _client_settings(args: argparse.Namespace, target: str | None) -> Any:
    from ftlint.plugins.submit.client import DEFAULT_MAX_RETRIES, ClientSettings

    provider = args.provider or ("azure" if target == "azure-openai" else "openai")
    return ClientSettings(
        provider=provider,
        base_url=args.base_url,
        api_version=args.api_version,
        allow_insecure=bool(args.allow_insecure),
        max_retries=DEFAULT_MAX_RETRIES if args.max_retries is None else args.max_retries,
        timeout=args.request_timeout,
    )


def _load_plugins(plugins: Any, args: argparse.Namespace) -> Any:
    if plugins is not None:
        return plugins
    from ftlint import load_plugins

    return load_plugins(getattr(args, "plugins", None) or [])


def _rule_codes(plugins: Any) -> dict[str, str]:
    try:
        return {rule.name: rule.code for rule in plugins.rules()}
    except Exception:
        return {}


# ---------------------------------------------------------------------------------------------
# submit


def cmd_submit(args: argparse.Namespace, plugins: Any = None) -> int:
    return _run(args, lambda ui: _submit(args, _load_plugins(plugins, args), ui))


def _submit(args: argparse.Namespace, plugins: Any, ui: Any) -> int:
    from ftlint.plugins.submit.client import check_settings
    from ftlint.plugins.submit.preflight import confirm, preflight
    from ftlint.plugins.submit.upload import UploadSettings

    from ftlint import config_from_args

    config = config_from_args(args)
    if args.provider == "azure" and not args.target:
        config.target = "azure-openai"
    elif not args.target and config.target not in SUBMIT_TARGETS:
        # The check's default target (together) is not one this client submits to: submit
        # checks for the API it uploads to, OpenAI's unless --target or --provider says Azure.
        config.target = "openai"
    model = args.model or config.model
    if not model:
        raise SubmitError("--model is required: the base model to fine-tune", EXIT_USAGE)
    config.model = model
    if args.beta is not None and args.method != "dpo":
        raise SubmitError("--beta applies to --method dpo only", EXIT_USAGE)
    settings = _client_settings(args, config.target)
    check_settings(settings)
    poll_interval = _poll_interval(args)
    upload_settings = UploadSettings.from_env()
    if poll_interval is not None:
        upload_settings.poll_interval = poll_interval
    ui.result.update(
        {
            "command": "submit",
            "model": model,
            "method": args.method,
            "target": config.target,
            **settings.to_dict(),
        }
    )
    train = args.train
    valid = args.validation_file
    preflight(config, plugins, ui, train, valid, force=args.force, n_epochs=args.n_epochs)
    what = train.name + (f" (+ {valid.name} for validation)" if valid else "")
    confirm(ui, f"Upload {what} and start fine-tuning {model}?", args.yes)
    options: dict[str, Any] = {
        "ui": ui,
        "client_settings": settings,
        "upload": upload_settings,
        "rules": _rule_codes(plugins),
        "target": config.target,
        "model": model,
        "method": args.method,
        "n_epochs": args.n_epochs,
        "batch_size": args.batch_size,
        "learning_rate_multiplier": args.learning_rate_multiplier,
        "beta": args.beta,
        "seed": args.seed,
        "suffix": args.suffix,
        "no_wait": args.no_wait,
        "poll_interval": poll_interval,
        "follow_timeout": args.follow_timeout,
        "plot_format": args.plot_format,
        "force": args.force,
    }
    result = plugins.hook.ftlint_submit(
        train_file=str(train),
        validation_file=str(valid) if valid else None,
        options=options,
        config=config,
    )
    if result is None:
        raise SubmitError("no plugin handled the submission (ftlint_submit)", EXIT_USAGE)
    return int(result)


# ---------------------------------------------------------------------------------------------
# jobs


def _jobs_client(args: argparse.Namespace, ui: Any) -> tuple[Any, Any, str]:
    from ftlint.plugins.submit.client import endpoint_of, make_client

    settings = _client_settings(args, args.target)
    client = make_client(settings)
    ui.result.update({"command": f"jobs {args.jobs_action}", **settings.to_dict()})
    return client, settings, endpoint_of(client)


def cmd_jobs_follow(args: argparse.Namespace, plugins: Any = None) -> int:
    def body(ui: Any) -> int:
        from ftlint.plugins.submit.jobs import DEFAULT_FOLLOW_TIMEOUT, DEFAULT_POLL_INTERVAL
        from ftlint.plugins.submit.submitter import FollowOptions, follow_and_report

        poll_interval = _poll_interval(args)
        client, settings, endpoint = _jobs_client(args, ui)
        options = FollowOptions(
            poll_interval=poll_interval or DEFAULT_POLL_INTERVAL,
            timeout=args.follow_timeout or DEFAULT_FOLLOW_TIMEOUT,
            plot_format=args.plot_format,
            dest_dir=args.output_dir,
            rules=_rule_codes(_load_plugins(plugins, args)),
            overwrite=args.force,
        )
        if not args.output_dir.is_dir():
            raise SubmitError(f"--output-dir {args.output_dir} is not a directory", EXIT_USAGE)
        return follow_and_report(client, args.job_id, ui, options, settings.provider, endpoint)

    return _run(args, body)


def cmd_jobs_list(args: argparse.Namespace, plugins: Any = None) -> int:
    def body(ui: Any) -> int:
        import openai
        from ftlint.plugins.submit.errors import describe_api_error
        from ftlint.plugins.submit.jobs import job_summary

        client, _settings, endpoint = _jobs_client(args, ui)
        try:
            jobs = list(client.fine_tuning.jobs.list(limit=args.limit).data or [])[: args.limit]
        except openai.OpenAIError as exc:
            raise describe_api_error(exc, "listing fine-tuning jobs", endpoint) from None
        summaries = [job_summary(job) for job in jobs]
        ui.result["jobs"] = summaries
        if ui.json:
            return EXIT_OK
        if not summaries:
            ui.say("no fine-tuning jobs")
            return EXIT_OK
        _print_jobs_table(ui, summaries)
        return EXIT_OK

    return _run(args, body)


def _print_jobs_table(ui: Any, summaries: list[dict[str, Any]]) -> None:
    import time

    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("id", "status", "model", "fine-tuned model", "created"):
        table.add_column(column, overflow="fold")
    for job in summaries:
        created = job.get("created_at")
        when = (
            time.strftime("%Y-%m-%d %H:%M", time.localtime(created))
            if isinstance(created, int)
            else "-"
        )
        table.add_row(
            scrub(job.get("id") or "-"),
            scrub(job.get("status") or "-"),
            scrub(job.get("model") or "-"),
            scrub(job.get("fine_tuned_model") or "-"),
            when,
        )
    ui.out.print(table)


def cmd_jobs_cancel(args: argparse.Namespace, plugins: Any = None) -> int:
    def body(ui: Any) -> int:
        import openai
        from ftlint.plugins.submit.errors import describe_api_error
        from ftlint.plugins.submit.jobs import TERMINAL, job_summary

        client, _settings, endpoint = _jobs_client(args, ui)
        action = f"cancelling job {args.job_id}"
        try:
            job = client.fine_tuning.jobs.retrieve(args.job_id)
            if job.status in TERMINAL:
                ui.result["job"] = job_summary(job)
                ui.say(f"job {job.id} is already {job.status}; nothing to cancel")
                return EXIT_OK if job.status == "cancelled" else EXIT_FAILED
            job = client.fine_tuning.jobs.cancel(args.job_id)
        except openai.OpenAIError as exc:
            raise describe_api_error(exc, action, endpoint) from None
        ui.result["job"] = job_summary(job)
        ui.say(f"job {job.id}: {job.status}")
        return EXIT_OK

    return _run(args, body)

"""The submit step: ``ftlint submit`` turns a checked file into a fine-tuning job and follows it
to the end; ``ftlint jobs follow|list|cancel`` manage jobs.

Modules, one concern each (all imported lazily: ``openai`` and ``rich`` load only when a
submit or jobs command runs, never at start-up):

- ``commands``: the command lines and exit codes; ``preflight``: check, cost, confirmation;
- ``client``: the OpenAI / Azure OpenAI client from the environment, with the safety checks;
- ``upload``: files, the Uploads API for large files, reuse of identical uploads;
- ``jobs``: creating a job exactly once, following it, listing and cancelling;
- ``results``: the result CSV, the loss plot, how to call the model;
- ``errors``: clear messages, exit codes, the ftlint rule behind a data complaint;
- ``safety``: credentials scrubbed from every message; no keys over plain http;
- ``retry``: Retry-After and backoff; ``ui``: messages, progress, the live display;
- ``submitter``: the default ``ftlint_submit`` (upload, create, follow, report).

``ftlint_submit`` receives in ``options``: ``ui`` (the console helper), ``client_settings``,
``upload``, ``rules`` (rule name -> code), ``model``, ``method``, ``n_epochs``, ``batch_size``,
``learning_rate_multiplier``, ``beta``, ``seed``, ``suffix``, ``no_wait``, ``poll_interval``,
``follow_timeout``, ``plot_format``, ``target``. Another plugin can take over the submission by
returning an exit code (it is a firstresult hook), or return None to leave it to this one.
"""

from __future__ import annotations

from typing import Any

from ftlint import hookimpl


@hookimpl
def ftlint_add_commands(subparsers: Any) -> None:
    from ftlint.plugins.submit.commands import add_commands

    add_commands(subparsers)


@hookimpl
def ftlint_submit(
    train_file: str, validation_file: str | None, options: dict[str, Any], config: Any
) -> int | None:
    from ftlint.plugins.submit.client import ClientSettings
    from ftlint.plugins.submit.submitter import submit
    from ftlint.plugins.submit.ui import UI

    options = dict(options)
    if not options.get("client_settings"):
        options["client_settings"] = ClientSettings()
    if not options.get("model"):
        options["model"] = getattr(config, "model", None)
    if not options["model"]:
        return None  # nothing to train: leave it to an implementation that knows better
    ui = options.get("ui") or UI(getattr(config, "output_format", "text"))
    return submit(train_file, validation_file, options, ui)

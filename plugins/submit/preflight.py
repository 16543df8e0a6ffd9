"""Before anything is uploaded: check the files with the target's rules, refuse on errors
(unless ``--force``), show what training will cost, and ask (unless ``--yes``)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ftlint.plugins.submit.errors import EXIT_FAILED, EXIT_USAGE, SubmitError
from ftlint.plugins.submit.ui import UI

from ftlint import Config, Plugins, Report


@dataclass
class CostEstimate:
    usd: float | None = None
    billed_tokens: int | None = None
    epochs: float | None = None
    #: How the figure was obtained, or why there is none.
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimated_cost_usd": self.usd,
            "billed_tokens": self.billed_tokens,
            "epochs": self.epochs,
            "note": self.note,
        }

    def describe(self) -> str:
        if self.usd is None and self.billed_tokens is None:
            return f"cost: unknown ({self.note})"
        parts = []
        if self.usd is not None:
            parts.append(f"about ${self.usd:,.2f}")
        if self.billed_tokens is not None:
            parts.append(f"{self.billed_tokens:,} billed tokens")
        if self.epochs is not None:
            parts.append(f"{self.epochs:g} epochs")
        text = "estimated cost: " + ", ".join(parts)
        return f"{text} ({self.note})" if self.note else text


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def cost_from_report(report: Report, n_epochs: int | None) -> CostEstimate:
    """The ``token-cost`` rule's figures from the training file's summary; rescaled when the
    job asks for a different number of epochs than the rule assumed."""
    summary = report.files[0].summary if report.files else {}
    usd = _number(summary.get("estimated_cost_usd"))
    billed = _number(summary.get("billed_tokens"))
    epochs = _number(summary.get("epochs"))
    if usd is None and billed is None:
        return CostEstimate(
            note="the token rules did not run or have no price for this model; "
            "'ftlint check --select FT7' shows why"
        )
    estimate = CostEstimate(usd, int(billed) if billed is not None else None, epochs)
    if n_epochs and epochs and abs(epochs - n_epochs) > 1e-9:
        scale = n_epochs / epochs
        estimate.usd = usd * scale if usd is not None else None
        estimate.billed_tokens = int(billed * scale) if billed is not None else None
        estimate.epochs = float(n_epochs)
        estimate.note = f"rescaled from {epochs:g} to {n_epochs} epochs"
    if usd is None:
        estimate.note = (estimate.note + "; " if estimate.note else "") + "no price for this model"
    return estimate


def run_check(config: Config, plugins: Plugins, train: Path, validation: Path | None) -> Report:
    from ftlint import check_configured

    return check_configured([train], config, plugins, validation=validation)


def show_report(report: Report, plugins: Plugins, ui: UI) -> None:
    if ui.json:
        ui.result["preflight"] = report.to_dict()
        return
    formats = plugins.output_formats()
    renderer = formats.get("text")
    if renderer is None:
        counts = report.counts()
        ui.say(f"{counts['error']} errors, {counts['warning']} warnings")
        return
    renderer.render(report, ui.out.file, color=None if ui.out.is_terminal else False)


def warn_before_upload(report: Report, plugins: Plugins, ui: UI) -> list[str]:
    """Repeat, as warnings just before the upload, the findings of the rules that ask for it
    (``Rule.warn_before_upload``: the model's lifecycle); returns their messages."""
    codes = {rule.code for rule in plugins.rules() if rule.warn_before_upload}
    messages = [d.message for d in report.diagnostics if d.code in codes]
    for message in messages:
        ui.warn(message)
    if messages:
        ui.result["lifecycle"] = messages
    return messages


def preflight(
    config: Config,
    plugins: Plugins,
    ui: UI,
    train: Path,
    validation: Path | None,
    *,
    force: bool,
    n_epochs: int | None,
) -> CostEstimate:
    """Check, then block on errors unless forced; returns the cost estimate."""
    ui.step(f"checking {train}" + (f" and {validation}" if validation else ""))
    report = run_check(config, plugins, train, validation)
    show_report(report, plugins, ui)
    warn_before_upload(report, plugins, ui)
    blocking = [d for d in report.remaining() if d.severity >= report.fail_on]
    if blocking:
        if not force:
            raise SubmitError(
                f"not submitted: the data has {len(blocking)} problem"
                f"{'' if len(blocking) == 1 else 's'} at or above '{report.fail_on}' "
                "(listed above)",
                EXIT_FAILED,
                [
                    f"fix them ('ftlint prepare {train} --fix' writes a fixed copy), "
                    "or pass --force to submit anyway"
                ],
            )
        ui.warn(f"submitting despite {len(blocking)} problems because of --force")
    estimate = cost_from_report(report, n_epochs)
    ui.result["cost"] = estimate.to_dict()
    ui.say(estimate.describe())
    return estimate


def confirm(ui: UI, question: str, assume_yes: bool) -> None:
    """Ask before spending money; never wait when nobody can answer."""
    if assume_yes:
        return
    if not _stdin_is_terminal():
        raise SubmitError(
            "not submitted: confirmation needed but standard input is not a terminal",
            EXIT_USAGE,
            ["pass --yes to submit without being asked"],
        )
    if not ui.confirm(question):
        raise SubmitError("not submitted: cancelled at the confirmation", EXIT_FAILED)


def _stdin_is_terminal() -> bool:
    try:
        return bool(sys.stdin and sys.stdin.isatty())
    except (ValueError, OSError):
        return False

"""FT901 model-retired: a ``--model`` that the target no longer trains, or will stop training
before a job could finish."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from ftlint.rules.targets.lifecycle import DEFAULT_MARGIN_DAYS, alternatives, assess, today

from ftlint import Diagnostic, FileContext, Rule, Scope, Severity


class ModelRetired(Rule):
    """## What it does
    Compares the run's model with its target's lifecycle data (`jobs_end`, and per model
    `training_ends`, `shutdown`, `restricted_since` in the profile, each from the
    provider's deprecation page): an error when the provider takes no new fine-tuning job
    for the model any more, or stops within `margin-days` (default 7: upload, validation,
    queue, training and one retry); a warning when only existing customers may still train
    it (Azure OpenAI after the base model's retirement). It names the installed targets whose
    default model can still be trained.

    ## Why is this bad?
    A job for a retired model is refused after the upload, or the fine-tuned model stops
    serving with its base: OpenAI's self-serve fine-tuning takes no new jobs from
    2027-01-06, and gpt-4o, gpt-4o-mini, gpt-4.1 and gpt-4.1-mini, with the models
    fine-tuned on them, shut down on 2027-01-14.

    ## Example
    `FT901 train.jsonl: gpt-4.1-nano-2025-04-14 on openai was shut down on 2026-10-23;
    train instead on: together (openai/gpt-oss-20b), ...`

    ## Fix safety
    No fix: choose another `--model` or `--target` (`ftlint targets` lists them). The date
    checked is today's; the option `today` (or `FTLINT_TODAY`) sets another.
    """

    code = "FT901"
    name = "model-retired"
    provider_error = r"model .*(deprecated|retired|not available for fine-tuning|shut ?down)"
    scope = Scope.FILE
    severity = Severity.ERROR
    target_dependent = True
    warn_before_upload = True
    default_options: ClassVar[dict] = {"margin-days": DEFAULT_MARGIN_DAYS, "today": None}

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        target = self.context.target
        model = self.context.model or target.default_model
        margin = int(self.options.get("margin-days", DEFAULT_MARGIN_DAYS))
        when = today(self.options.get("today"))
        verdict = assess(target, model, when, margin)
        if verdict is None:
            return
        elsewhere = alternatives(self.context.installed, target.name, when, margin)
        advice = (
            f"; train instead on: {', '.join(elsewhere)} (--target NAME, see 'ftlint targets')"
            if elsewhere
            else "; choose another --model or --target ('ftlint targets' lists them)"
        )
        yield self.diagnostic(verdict.message + advice, file.location(), severity=verdict.severity)

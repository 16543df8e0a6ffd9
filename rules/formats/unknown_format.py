"""FT301: a JSON record of none of the shapes ftlint knows, with the ``--map`` to try."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.formats.base import PlanRule

from ftlint import Diagnostic, Record, Scope, Severity
from ftlint.conversion import ANSWER_HINTS, PROMPT_HINTS, plan_of
from ftlint.shapes import TABULAR_FORMATS, UNKNOWN


def _suggest_map(data: dict) -> str:
    """The ``--map`` options for the keys that look like a prompt and an answer."""
    strings = [k for k, v in data.items() if isinstance(v, str)]
    prompt = next((k for hint in PROMPT_HINTS for k in strings if k.lower() == hint), None)
    answer = next(
        (k for hint in ANSWER_HINTS for k in strings if k.lower() == hint and k != prompt), None
    )
    if prompt and answer:
        return f"--map prompt={prompt} --map completion={answer}"
    return "--map prompt=KEY --map completion=KEY"


class UnknownFormat(PlanRule):
    """## What it does
    Reports a JSON record that has none of the shapes ftlint knows: chat (`messages`),
    prompt/completion (`prompt`, `completion`), preference (`input`, `preferred_output`,
    `non_preferred_output`), or a community format it converts (Alpaca `instruction` /
    `input` / `output`, ShareGPT `conversations`, `chosen` / `rejected` pairs, self-instruct
    `instruction` + `instances`). Tabular files are not checked here: their columns are mapped
    by the reader, which reports a missing column itself.

    ## Why is this bad?
    The provider rejects the record, and ftlint cannot tell what to train on.

    ## Example
    `{"question": "What is 2+2?", "answer": "4"}`: run
    `ftlint prepare data.jsonl --map prompt=question --map completion=answer`.

    ## Fix safety
    No fix: tell ftlint which keys hold the prompt and the answer with `--map FIELD=KEY`
    (fields: `prompt`, `completion`, `system`, or a community format's keys such as
    `instruction` / `output`); `prepare` then converts the records to the model's format.
    """

    code = "FT301"
    name = "unknown-format"
    provider_error_fallback = (
        r"invalid_training_file|invalid_validation_file|file format|invalid file|example \d+"
    )
    scope = Scope.RECORD
    severity = Severity.ERROR

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        data = record.data
        if not isinstance(data, dict) or record.source_format in TABULAR_FORMATS:
            return ()
        plan = record.analyses.get(self.plan_key) or plan_of(record, self.planner)
        if plan.source != UNKNOWN:
            return ()
        keys = ", ".join(list(data)[:8]) or "none"
        return [
            self.diagnostic(
                f"the record has none of the known shapes (its keys: {keys}); expected chat "
                "'messages', 'prompt'/'completion', preference 'input'/'preferred_output'/"
                "'non_preferred_output', or Alpaca/ShareGPT/chosen-rejected; "
                f"say which keys to use with {_suggest_map(data)}",
                record.location,
            )
        ]

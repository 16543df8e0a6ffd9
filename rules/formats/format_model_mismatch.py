"""FT303: native records (chat, prompt/completion, preference) that the model does not train
on, and the conversions ``prepare`` makes for it."""

from __future__ import annotations

from ftlint.rules.formats.conversions import ConversionRule, Group, left_out, plural

from ftlint import Applicability, Severity
from ftlint.shapes import SHAPE_LABELS


class FormatModelMismatch(ConversionRule):
    """## What it does
    Compares the shape of each record with what the chosen `--model` trains on: chat models
    (gpt-4.1, gpt-4o ...) take chat records (and preference records for DPO); `babbage-002` and
    `davinci-002` take prompt/completion records only. Reported once per file and shape, at the
    first record, with the count; records that cannot be converted are reported one by one.
    For a tabular file (CSV, TSV, XLSX) the conversion is the normal way of writing the output,
    so it is a note, not an error.

    Conversions `prepare` makes without being asked (lossless):
    - prompt/completion -> chat: the prompt becomes the user message (left out when empty), the
      completion the assistant message; `--system "..."` (or a mapped `system` column) adds a
      system message. The texts are kept exactly, separators and all.
    - chat -> prompt/completion: only an example that is exactly one user message and one
      assistant message of plain text, without tools; a system message, more turns or tools
      have no place in a prompt/completion pair, and such records stay errors.

    Lossy conversion, offered as an unsafe fix: preference -> chat (for a model without DPO)
    trains on the preferred answer and leaves the other out.

    ## Why is this bad?
    The provider rejects a file whose records are not in the model's format.

    ## Example
    `{"prompt": "...", "completion": "..."}` records with `--model gpt-4.1-mini-2025-04-14`.

    ## Fix safety
    The lossless conversions are safe and applied by `prepare` without `--fix` (writing the
    model's format is what `prepare` is for); `check --fix`, which edits a file in place, never
    changes its format. The lossy one is unsafe (`--unsafe-fixes`). Records that cannot be
    converted are written unchanged (the error stays); their unsafe fix leaves them out of the
    output, listed as dropped.
    """

    code = "FT303"
    name = "format-model-mismatch"
    provider_error_fallback = (
        r"invalid_training_file|invalid_validation_file|file format|invalid file|example \d+"
    )
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE
    community = False

    def describe(
        self, source: str, target: str, lossy: bool, mapped: bool, group: Group, tabular: bool
    ) -> tuple[str, str]:
        records = plural(group.count, "row" if tabular else f"{SHAPE_LABELS[source]} record")
        if tabular:
            return (
                f"{records} become {SHAPE_LABELS[target]} records for {self.model_name}",
                f"ftlint prepare writes {SHAPE_LABELS[target]} records",
            )
        if lossy:
            return (
                f"{records} from here on, but {self.model_name} trains on {self.trains_on()} "
                f"records only; converting them to {SHAPE_LABELS[target]} keeps the preferred "
                f"answer and leaves the other out{self.preference_targets()}",
                "train on the preferred answers (the non-preferred ones are left out)",
            )
        return (
            f"{records} from here on, but {self.model_name} trains on {self.trains_on()} "
            f"records; prepare converts them to {SHAPE_LABELS[target]}{left_out(group)}",
            f"ftlint prepare converts them to {SHAPE_LABELS[target]} records",
        )

    def failure_message(self, source: str, error: str) -> str:
        return (
            f"{self.model_name} trains on {self.trains_on()} records and this "
            f"{SHAPE_LABELS[source]} record cannot be converted: {error}"
        )

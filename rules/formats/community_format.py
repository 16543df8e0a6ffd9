"""FT304: community formats (Alpaca, ShareGPT, chosen/rejected pairs, self-instruct tasks) and
``--map``-renamed records, which ``prepare`` converts to the model's format."""

from __future__ import annotations

from ftlint.rules.formats.conversions import ConversionRule, Group, left_out, plural

from ftlint import Applicability, Severity
from ftlint.shapes import SHAPE_LABELS, SHAREGPT


class CommunityFormat(ConversionRule):
    """## What it does
    Recognises community formats and reports what `prepare` converts them to (chat for chat
    models, preference for DPO-capable models when the record is a preference pair, or
    prompt/completion for `babbage-002` / `davinci-002` where that is lossless):
    - Alpaca: `instruction`, `input`, `output` (or `response` / `answer`), with LLaMA-Factory's
      optional `system` and `history`; the user message is the instruction, then the input
      after a blank line.
    - self-instruct seed tasks: `instruction` + one `instances` entry (`input`, `output`).
    - ShareGPT: `conversations` of `{"from", "value"}` turns (`human`, `gpt`, `system`,
      `function_call`, `observation`), with optional `system` and `tools` (a list or a JSON
      string). Function calls become assistant `tool_calls` with generated ids (`call_1` ...)
      and observations the `tool` messages answering them; `tools` become OpenAI function
      tools.
    - chosen/rejected pairs: `chosen` / `rejected` as answers (with a `prompt`, `question`,
      `instruction` or `conversations` holding the prompt), as message lists sharing the prompt,
      or as `Human:` / `Assistant:` transcripts, become OpenAI preference records.
    - records renamed with `--map FIELD=KEY` (JSON files).
    Reported once per file and format at the first record; records that cannot be converted
    (an empty answer, a speaker it does not know, a function call with no result ...) are
    errors of their own, and what a conversion would hide is a warning at its source turn
    (a ShareGPT conversation with an empty human turn, or one that ends on a human turn).

    ## Why is this bad?
    The provider accepts none of these as they are: uploaded as it is, the file is rejected.
    So it is an error in `check`, whatever the input format; `prepare` converts the records
    (and reports at their source what the conversion would hide: a record it cannot convert,
    such as a ShareGPT conversation with an empty turn or an Alpaca record without an answer).

    ## Example
    `{"instruction": "Translate to French", "input": "cheese", "output": "fromage"}`

    ## Fix safety
    Safe, applied by `prepare` without `--fix` (and never by `check --fix`, which keeps a file's
    format): the texts are kept exactly; only metadata keys (`id`, `category` ...) are left
    out, and the message lists them. Converting a preference pair for a model without DPO keeps
    only the chosen answer: unsafe. A record that cannot be
    converted is written unchanged (the error stays); its unsafe fix leaves it out, listed as
    dropped.
    """

    code = "FT304"
    name = "community-format"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE
    community = True

    def describe(
        self, source: str, target: str, lossy: bool, mapped: bool, group: Group, tabular: bool
    ) -> tuple[str, str]:
        if mapped:
            renames = ", ".join(f"{k} -> {f}" for f, k in self.planner.mapping)
            what = f"{plural(group.count, 'record')} renamed with --map ({renames})"
        else:
            what = plural(group.count, f"{SHAPE_LABELS[source]} record")
        extra = ""
        if source == SHAREGPT:
            extra = " (function_call/observation turns become tool_calls and tool messages)"
        if lossy:
            return (
                f"{what} from here on: {self.model_name} has no preference (DPO) training; "
                f"converting them to {SHAPE_LABELS[target]} keeps the chosen answer and leaves "
                f"the rejected one out{self.preference_targets()}",
                "train on the chosen answers (the rejected ones are left out)",
            )
        return (
            f"{what} from here on: the provider does not accept this format; prepare writes "
            f"them as {SHAPE_LABELS[target]} records{extra}{left_out(group)}",
            f"ftlint prepare converts them to {SHAPE_LABELS[target]} records",
        )

    def failure_message(self, source: str, error: str) -> str:
        return f"this {SHAPE_LABELS[source]} record cannot be converted: {error}"

"""FT701: an example longer than the model's training context, which the provider truncates."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.tokens.base import TokenRule

from ftlint import Applicability, Diagnostic, DropRecord, Fix, Record, Scope, Severity
from ftlint.tokens import example_tokens


class ExampleTooLong(TokenRule):
    """## What it does
    Counts the tokens of each example with the tokenizer of `--model` (tiktoken for OpenAI
    models, Mistral's for Mistral, the `--tokenizer` for open-weight models, an estimate where
    the provider publishes none, marked "≈ ... (estimate)") and reports the ones longer than
    the model's training context: 65,536 tokens for gpt-4o, gpt-4o-mini
    and gpt-4.1 / gpt-4.1-mini, 32,768 for gpt-4.1-nano, 16,385 for gpt-3.5-turbo.
    A preference pair is measured as its input plus the longer of its two answers.

    ## Why is this bad?
    OpenAI does not reject a long example: it silently truncates it to the limit. The end of
    the conversation, usually the assistant's answer the example exists for, is then never
    trained on, and you still pay for the tokens up to the limit.

    ## Example
    A chat example whose assistant message holds a 300-page document:
    `FT701 example has 70,012 tokens, over the 65,536-token training limit of
    gpt-4.1-mini-2025-04-14`.

    ## Fix safety
    Unsafe: the fix drops the example (it is listed in the report as dropped). Shortening or
    splitting it by hand keeps its content. The count is an estimate of the provider's
    (exact for plain chat messages, within a few tokens per tool definition), so an example a
    few tokens over or under the limit may be judged differently by the provider. The limit can
    be changed with `[tool.ftlint.rules.example-too-long] max-tokens = N`.
    """

    code = "FT701"
    name = "example-too-long"
    provider_error = (
        r"too long|exceed\w* .{0,40}tokens|token limit|context length|maximum .{0,20}tokens"
    )
    scope = Scope.RECORD
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        if self.limit is None or not isinstance(record.data, dict):
            return ()
        figures = record.analyses.get(self.figures_key)
        counts = figures[0] if figures else example_tokens(record, self.encoding_name, self.planner)
        if counts.longest <= self.limit:
            return ()
        what = "sequence of this preference pair" if counts.longest != counts.total else "example"
        message = (
            f"{what} has {self.tokens(counts.longest)}, over the {self.limit:,}-token training "
            f"limit of {self.model_name}; {self.truncator} truncates it silently, so its last "
            f"{counts.longest - self.limit:,} tokens (usually the answer) are never trained on"
        )
        reason = f"{counts.longest:,} tokens, over the {self.limit:,}-token limit"
        return [
            self.diagnostic(
                message,
                record.location,
                fix=Fix.unsafe("drop this example", DropRecord(f"example-too-long: {reason}")),
            )
        ]

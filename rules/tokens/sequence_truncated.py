"""FT703: an example longer than the trainer's ``--max-seq-length``, which it cuts silently."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.tokens.base import TokenRule

from ftlint import (
    Applicability,
    ConfigError,
    Diagnostic,
    DropRecord,
    Fix,
    Record,
    RuleContext,
    Scope,
    Severity,
)
from ftlint.conversion import plan_of
from ftlint.tokens import example_tokens
from ftlint.tokens.sequence import truncation


class SequenceTruncated(TokenRule):
    """## What it does
    With `--max-seq-length N` (or `max-seq-length = N` in the configuration), reports every
    example whose sequence is longer than N tokens, counted with the target's tokenizer as the
    trainer renders it (the chat template of `--tokenizer` for open-weight models, Mistral's
    instruct encoding, tiktoken ...), and says how many tokens the truncation drops and how
    many of them are trained (the assistant's tokens). A preference pair is measured as its
    prompt plus the longer answer.

    ## Why is this bad?
    Trainers cut a long example to the sequence length without a word: TRL's `SFTTrainer`
    keeps the first `max_length` tokens (TRL issues 2400, 3927 and 6025 are users finding out
    from a training loss of 0.0). The end of a conversation is usually the answer the example
    exists for, so a truncated example trains on less of it than you think, and one whose
    assistant tokens all lie beyond N trains on nothing at all.

    ## Example
    `FT703 example has 5,120 tokens, over --max-seq-length 4,096: the trainer keeps its first
    4,096 tokens and drops 1,024, of which 900 are trained (of 1,500 trained tokens)`.

    ## Fix safety
    Unsafe: the fix drops the example (listed in the report as dropped). Raising
    `--max-seq-length`, or shortening or splitting the example, keeps its content. The counts
    are exact where the target's tokenizer is (see `ftlint targets`); estimated counts are
    marked "≈ ... (estimate)".
    """

    code = "FT703"
    name = "sequence-truncated"
    scope = Scope.RECORD
    severity = Severity.WARNING
    fix_applicability = Applicability.UNSAFE

    def __init__(self, context: RuleContext) -> None:
        limit = context.settings.get("max_seq_length") or context.options.get("max-seq-length")
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 1
        ):
            raise ConfigError(f"max-seq-length must be a whole number of at least 1, got {limit!r}")
        self.max_seq_length: int | None = limit
        super().__init__(context)

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        limit = self.max_seq_length
        if limit is None or not isinstance(record.data, dict):
            return ()
        counts = example_tokens(record, self.encoding_name, self.planner)
        if counts.longest <= limit:
            return ()
        data = record.data
        plan = plan_of(record, self.planner)
        if plan.converts and isinstance(plan.data, dict):
            data = plan.data
        lost, lost_trained = truncation(self.counter.sequence(data), limit)
        what = "sequence of this preference pair" if counts.longest != counts.total else "example"
        if counts.trained and lost_trained >= counts.trained:
            outcome = (
                f"all {counts.trained:,} of its trained tokens are beyond the cut, so it trains "
                "on nothing"
            )
        else:
            outcome = f"{lost_trained:,} of them trained (of {counts.trained:,} trained tokens)"
        message = (
            f"{what} has {self.tokens(counts.longest)}, over --max-seq-length {limit:,}: the "
            f"trainer keeps its first {limit:,} tokens and silently drops {lost:,}, {outcome}"
        )
        if not self.exact:
            message += (
                "; the counts are an estimate: name the model's --tokenizer for the exact cut"
                if self.encoding_name.startswith("stand-in:")
                else "; the counts are an estimate"
            )
        reason = f"{counts.longest:,} tokens, over --max-seq-length {limit:,}"
        return [
            self.diagnostic(
                message,
                record.location,
                fix=Fix.unsafe("drop this example", DropRecord(f"sequence-truncated: {reason}")),
            )
        ]

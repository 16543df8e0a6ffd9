"""FT945: a record Fireworks' fine-tuning rejects."""

from __future__ import annotations

from ftlint.rules.formats.writing import FormatCheckRule


class InvalidFireworksRecord(FormatCheckRule):
    """## What it does
    For targets whose formats are Fireworks', checks each record as `prepare` writes it:
    roles system, user, assistant (and tool in a function-calling dataset with `tools`), the
    system message only first, `content` a string, `weight` 0 or 1; for DPO, `input.messages`
    of those roles with string content and one assistant message in each output. Sources:
    https://docs.fireworks.ai/fine-tuning/fine-tuning-models and
    https://docs.fireworks.ai/fine-tuning/dpo-fine-tuning (read 2026-12-03).

    ## Why is this bad?
    Fireworks validates the dataset at upload and rejects it.

    ## Example
    `{"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}, ...]}`:
    content must be a string.

    ## Fix safety
    No fix: the record says something the format cannot; correct it at the pointer given.
    """

    code = "FT945"
    name = "invalid-fireworks-record"
    family = "fireworks"

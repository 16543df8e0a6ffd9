"""FT946: a record Mistral's fine-tuning rejects."""

from __future__ import annotations

from ftlint.rules.formats.writing import FormatCheckRule

from ftlint.formats.providers import TOOL_CALL_ID


class InvalidMistralRecord(FormatCheckRule):
    """## What it does
    For targets whose formats are Mistral's, checks each record as `prepare` writes it:
    roles system/user/assistant/tool, `weight` 0 or 1 and only on assistant messages, every
    tool call with an `id`, every tool message answering a call made before it. Ids that are
    not 9 letters or digits (what mistral-common's validator takes) are
    `mistral-tool-call-id`'s, which rewrites them. Source:
    https://docs.mistral.ai/capabilities/finetuning/text_finetuning (read 2026-12-03).

    ## Why is this bad?
    Mistral rejects the file when the job validates it.

    ## Example
    `{"messages": [{"role": "user", "content": "Q", "weight": 0}, ...]}`: only assistant
    messages carry a weight.

    ## Fix safety
    No fix: the record says something the format cannot; correct it at the pointer given.
    """

    code = "FT946"
    name = "invalid-mistral-record"
    family = "mistral"
    reported_elsewhere = frozenset({TOOL_CALL_ID})

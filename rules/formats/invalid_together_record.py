"""FT944: a record Together's fine-tuning rejects."""

from __future__ import annotations

from ftlint.rules.formats.writing import FormatCheckRule


class InvalidTogetherRecord(FormatCheckRule):
    """## What it does
    For targets whose formats are Together's, checks each record as `prepare` writes it:
    conversational data starts with system or user and then alternates user and assistant
    (tool results belong to the assistant's turn), roles are system/user/assistant/tool,
    `weight` is 0 or 1, at most 10 images an example; instruction data has string `prompt`
    and `completion`; preference outputs hold exactly one assistant message; and no record
    could be two formats (`text` beside `messages`), which Together's server rejects. Source:
    https://docs.together.ai/docs/fine-tuning/data-preparation and
    https://docs.together.ai/docs/preference-fine-tuning (read 2026-12-03).

    ## Why is this bad?
    Together rejects the file at upload or when the job starts.

    ## Example
    `{"messages": [{"role": "user", "content": "A"}, {"role": "user", "content": "B"}]}`

    ## Fix safety
    No fix: the record says something the format cannot; correct it at the pointer given.
    """

    code = "FT944"
    name = "invalid-together-record"
    family = "together"

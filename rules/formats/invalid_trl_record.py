"""FT943: a record in one of TRL's dataset types that TRL cannot train on."""

from __future__ import annotations

from ftlint.rules.formats.writing import FormatCheckRule


class InvalidTrlRecord(FormatCheckRule):
    """## What it does
    For targets that train with TRL (their formats are `trl-*`), checks each record as
    `prepare` writes it against TRL's dataset types: `text` a string; `messages` of roles
    system/user/assistant/tool with content; a prompt-completion, preference or unpaired
    preference example whose fields are all strings (standard) or all message lists
    (conversational), never a mix; `completion`, `chosen`, `rejected` present; `label` a
    boolean. Source: https://huggingface.co/docs/trl/dataset_formats (read 2026-12-03).

    ## Why is this bad?
    TRL decides an example's format by its first field and fails, or trains on garbage, on a mix.

    ## Example
    `{"prompt": [{"role": "user", "content": "Sky?"}], "completion": "Blue."}`

    ## Fix safety
    No fix: the record says something the format cannot; correct it at the pointer given.
    """

    code = "FT943"
    name = "invalid-trl-record"
    family = "trl"

"""FT940: a record in Vertex AI's Gemini tuning format whose structure Vertex rejects."""

from __future__ import annotations

from ftlint.rules.formats.writing import SourceFormatRule


class InvalidGeminiRecord(SourceFormatRule):
    """## What it does
    Checks records in Vertex AI's Gemini supervised tuning format (`contents` with `role` and
    `parts`, optional `systemInstruction` and `tools`): `contents` must be a non-empty list;
    every content of a multi-turn example has a `role`, `user` or `model`; every part holds
    exactly one of `text`, `fileData` (`mimeType`, `fileUri`), `functionCall` (`name`, object
    `args`, in a `model` turn) or `functionResponse` (`name`, object `response`); the system
    instruction holds text parts; the example has a `model` turn to train on. Each defect is
    reported at its JSON pointer. Source: https://cloud.google.com/vertex-ai/generative-ai/docs/
    models/gemini-supervised-tuning-prepare and .../tune-function-calling (read 2026-12-03).

    ## Why is this bad?
    Vertex AI rejects the file (or the example) when a part or a role is not one it knows.

    ## Example
    `{"contents": [{"role": "assistant", "parts": [{"text": "Hi"}]}]}`: the role is `model`.

    ## Fix safety
    No fix: the record says something the format cannot; correct it at the pointer given.
    """

    code = "FT940"
    name = "invalid-gemini-record"
    shape = "gemini"

"""Test targets for the record-format rules: one per provider family, with the formats and
write format of the real profiles (which the targets work fills in) but no figures of theirs.
Loaded as a plugin (``-p tests.format_targets``, or ``plugins:`` in a case file)."""

from __future__ import annotations

from ftlint import ModelInfo, Target, hookimpl

ALL_SHAPES = ("chat", "preference", "prompt-completion", "text", "unpaired-preference")


def _target(name: str, write_format: str, formats: tuple[str, ...], shapes: tuple[str, ...]):
    model = ModelInfo(name="test-model", encoding="o200k_base", shapes=shapes, max_tokens=65536)
    return Target(
        name=name,
        description=f"test profile writing {write_format}",
        bom="forbidden",
        max_file_size=1 << 30,
        min_examples=1,
        recommended_examples=1,
        default_model="test-model",
        models={"test-model": model},
        formats=formats,
        write_format=write_format,
    )


TARGETS = [
    _target("fmt-vertex", "gemini", ("gemini",), ("chat",)),
    _target("fmt-bedrock", "nova", ("nova",), ("chat",)),
    _target(
        "fmt-together",
        "together-chat",
        ("together-chat", "together-instruction", "together-text", "together-preference"),
        ("chat", "preference", "prompt-completion", "text"),
    ),
    _target(
        "fmt-fireworks",
        "fireworks-chat",
        ("fireworks-chat", "fireworks-preference"),
        ("chat", "preference"),
    ),
    _target("fmt-mistral", "mistral-chat", ("mistral-chat",), ("chat",)),
    _target(
        "fmt-hf",
        "trl-messages",
        ("trl-messages", "trl-prompt-completion", "trl-preference", "trl-kto", "trl-text"),
        ALL_SHAPES,
    ),
]


@hookimpl
def ftlint_targets() -> list[Target]:
    return TARGETS

"""Targets that count with each tokenizer scheme, for the tokenizer tests (the real profiles
belong to the targets' TOML files; these keep the tests independent of them)."""

from __future__ import annotations

from ftlint import ModelInfo, Target, hookimpl


def _target(name: str, tokenizer: str, max_tokens: int = 32_768) -> Target:
    model = ModelInfo(
        name=f"{name}-model",
        encoding="o200k_base",
        shapes=("chat", "prompt-completion", "preference"),
        max_tokens=max_tokens,
        train_price_per_1m=1.0,
        tokenizer=tokenizer,
    )
    return Target(
        name=name,
        description=f"a test target counting with {tokenizer}",
        bom="forbidden",
        max_file_size=1 << 30,
        min_examples=1,
        recommended_examples=1,
        default_model=model.name,
        models={model.name: model},
    )


@hookimpl
def ftlint_targets() -> list[Target]:
    return [
        _target("estimate-test", "estimate:gemini"),
        _target("mistral-test", "mistral:v3-tekken"),
        _target("mistral-sp-test", "mistral:v3"),
        _target("hf-test", "hf"),
    ]

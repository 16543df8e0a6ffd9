"""A third-party target, as a plugin package registers it through ``ftlint_targets``: loaded
in the tests with ``-p tests.plugin_target``."""

from __future__ import annotations

from ftlint import hookimpl
from ftlint.targets import ModelInfo, Target

ACME = Target(
    name="acme",
    description="ACME's in-house trainer (a test plugin)",
    bom="forbidden",
    max_file_size=10_000_000,
    min_examples=1,
    recommended_examples=1,
    max_examples=2,
    default_model="acme-1",
    models={"acme-1": ModelInfo("acme-1", "o200k_base", ("chat",), 64)},
    formats=("openai-chat",),
    sources=("https://example.invalid/acme (a test)",),
)


@hookimpl
def ftlint_targets() -> list[Target]:
    return [ACME]

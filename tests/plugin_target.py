"""A third-party target, as a plugin package registers it through ``ftlint_targets``: loaded
in the tests with ``-p tests.plugin_target``."""

from __future__ import annotations

from dataclasses import replace

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


#: A target whose record format no installed format writes (prepare refuses it).
ACME2 = replace(ACME, name="acme2", formats=("acme-format",), write_format="acme-format")


@hookimpl
def ftlint_targets() -> list[Target]:
    return [ACME, ACME2]

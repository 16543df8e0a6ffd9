"""Dataset rules (FT6xx): counts, duplicates, conflicts and train/valid overlap."""

from __future__ import annotations

from ftlint.pluginmanager import hookimpl
from ftlint.rule import Rule


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    from ftlint.rules.dataset import counts, duplicates

    return [*counts.ftlint_rules(), *duplicates.ftlint_rules()]

"""File rules (FT1xx): the raw bytes of a file, before any record is read."""

from __future__ import annotations

from ftlint.pluginmanager import hookimpl
from ftlint.rule import Rule


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    from ftlint.rules.file import bom, encoding, size

    return [*encoding.ftlint_rules(), *bom.ftlint_rules(), *size.ftlint_rules()]

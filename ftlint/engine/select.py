"""Which rules run: ``--select`` / ``--extend-select`` / ``--ignore`` against codes, code
prefixes and names, and each rule's default and targets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ftlint.rule import Rule

if TYPE_CHECKING:
    from ftlint.config import Config
    from ftlint.targets import Target


def rule_matches(rule: type[Rule], patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        text = pattern.strip()
        if text.upper() == "ALL" or text.lower() == rule.name:
            return True
        if text and rule.code.upper().startswith(text.upper()):
            return True
    return False


def select_rules(rules: Iterable[type[Rule]], config: Config, target: Target) -> list[type[Rule]]:
    chosen = []
    for rule in rules:
        if rule.targets is not None and target.name not in rule.targets:
            continue
        selected = rule_matches(rule, config.select) if config.select else rule.default_enabled
        if not selected and not rule_matches(rule, config.extend_select):
            continue
        if rule_matches(rule, config.ignore):
            continue
        chosen.append(rule)
    return chosen


def parse_targets(spec: str, installed: dict[str, Target]) -> list[str]:
    """The target names of ``--target``: one name, names separated by commas, or ``all``
    (every installed target, built-in or from a plugin, in name order). The first is the
    run's primary target. Unknown names stop the run with the list of known ones."""
    from ftlint.config import ConfigError

    wanted: list[str] = []
    for part in (spec or "").split(","):
        name = part.strip()
        if not name:
            continue
        names = sorted(installed) if name.lower() == "all" else [name]
        wanted.extend(n for n in names if n not in wanted)
    unknown = [name for name in wanted if name not in installed]
    if unknown or not wanted:
        known = ", ".join(sorted(installed)) or "none"
        shown = ", ".join(repr(n) for n in unknown) or repr(spec)
        raise ConfigError(f"unknown target {shown} (known: {known}; or 'all')")
    return wanted


def unknown_selectors(rules: Iterable[type[Rule]], config: Config) -> list[str]:
    rules = list(rules)
    return [
        pattern
        for pattern in (*config.select, *config.extend_select, *config.ignore)
        if not any(rule_matches(rule, [pattern]) for rule in rules)
    ]


def nearest_rules(text: str, rules: Iterable[type[Rule]]) -> list[str]:
    """Up to three codes or names close to ``text`` (a typo such as ``FT6O2``)."""
    import difflib

    rules = list(rules)
    codes = sorted({r.code for r in rules})
    names = sorted({r.name for r in rules})
    text = text.strip()
    if text[:2].upper() == "FT":
        near = difflib.get_close_matches(text.upper(), codes, n=3, cutoff=0.5)
    else:
        near = difflib.get_close_matches(text.lower(), names, n=3, cutoff=0.5)
    return near or difflib.get_close_matches(text, [*codes, *names], n=3, cutoff=0.4)


def select_error(unknown: Iterable[str], rules: Iterable[type[Rule]]) -> str:
    """The message of a configuration error for selectors that match no rule, with the
    nearest codes and names (a typo such as ``FT9999`` or ``near-duplicates``)."""
    rules = list(rules)
    parts = []
    for pattern in unknown:
        near = nearest_rules(pattern, rules)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        parts.append(f"{pattern!r}{hint}")
    return (
        f"--select/--extend-select/--ignore: {'; '.join(parts)} "
        f"{'matches' if len(parts) == 1 else 'match'} no rule; 'ftlint rules' lists them all"
    )

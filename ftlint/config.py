"""Configuration: ``[tool.ftlint]`` in pyproject.toml or a top-level table in ftlint.toml, found
from the current directory upwards; command-line flags override it.

Keys are the long option names, kebab-case or snake_case (``fail-on``, ``max-file-size``).
Per-rule options live in ``[tool.ftlint.rules.RULE-NAME]``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ftlint import toml_cache
from ftlint.limits import DEFAULT_LIMITS, Limits
from ftlint.model import Severity

#: The target checked when neither ``--target``, the configuration nor ``FTLINT_TARGET`` names
#: one: a target a user can still train on (OpenAI's self-serve fine-tuning takes no new jobs
#: from 2027-01-06): Together, whose records are OpenAI's chat format byte for byte, counted
#: with tiktoken's o200k_base like OpenAI's; see the README, "Default target and model".
DEFAULT_TARGET = "together"


def default_target() -> str:
    """``FTLINT_TARGET`` (a machine's or CI's default, and the test suite's pin), else
    ``DEFAULT_TARGET``."""
    return os.environ.get("FTLINT_TARGET") or DEFAULT_TARGET


class ConfigError(Exception):
    """A problem with the configuration or the command line (exit code 2)."""


@dataclass
class Config:
    select: list[str] = field(default_factory=list)
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    target: str = field(default_factory=default_target)
    model: str | None = None
    fail_on: Severity = Severity.ERROR
    output_format: str = "text"
    #: Overrides of the target's limits.
    max_file_size: int | None = None
    min_examples: int | None = None
    recommended_examples: int | None = None
    #: Resource limits of the readers (``ftlint.limits.Limits``; ``None``: its default).
    max_record_size: int | None = None
    max_depth: int | None = None
    max_number_digits: int | None = None
    max_expanded_size: int | None = None
    max_compression_ratio: int | None = None
    #: Tabular column mapping: output field -> column header.
    column_map: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    system: str | None = None
    plugins: list[str] = field(default_factory=list)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    fix: bool = False
    unsafe_fixes: bool = False
    jobs: int | None = None
    #: Where the work units of a scan run (``--executor``; ``None``: ``local``).
    executor: str | None = None
    #: Named datasets, each a list of paths, globs, directories or URLs checked as one
    #: (``--dataset NAME=GLOB``; ``[tool.ftlint.datasets] train = ["data/train-*.parquet"]``).
    datasets: dict[str, list[str]] = field(default_factory=dict)
    #: The Hugging Face tokenizer (path or hub id) of targets that count with ``hf``.
    tokenizer: str | None = None
    #: The trainer's truncation length in tokens (``--max-seq-length``).
    max_seq_length: int | None = None
    #: Globs a folder walk skips (``exclude`` replaces the default, empty list;
    #: ``extend-exclude`` adds to it): ``ftlint.discovery``.
    exclude: list[str] = field(default_factory=list)
    extend_exclude: list[str] = field(default_factory=list)
    #: Read the records that findings refer to (``Diagnostic.related``: the first copy of a
    #: duplicate ...) once more, for their excerpts; the HTML report shows them side by side.
    #: Off by default: it costs a second read of the file when there are such findings.
    related_excerpts: bool = False
    #: Where the configuration came from (for messages).
    source: str | None = None
    #: Anything plugins added (``ftlint_add_options``) lands here by option name.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def applies_fixes(self) -> bool:
        return self.fix or self.unsafe_fixes

    def limits(self) -> Limits:
        """The readers' resource limits: the defaults with this configuration's values."""
        return DEFAULT_LIMITS.with_overrides(**{name: getattr(self, name) for name in _LIMITS})


_LIST_KEYS = {"select", "extend_select", "ignore", "plugins", "exclude", "extend_exclude"}
_LIMITS = Limits.names()
#: Limits given in bytes accept sizes as text (``"16MB"``), as on the command line.
_SIZE_KEYS = {"max_file_size", "max_record_size", "max_expanded_size"}


def find_config_file(start: Path) -> Path | None:
    """The nearest ftlint.toml, or pyproject.toml with a ``[tool.ftlint]`` table."""
    for directory in (start, *start.parents):
        candidate = directory / "ftlint.toml"
        if candidate.is_file():
            return candidate
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            try:
                data = toml_cache.loads(text)
            except toml_cache.TOMLDecodeError as exc:
                if "tool.ftlint" in text:  # ours, and broken: say so rather than ignore it
                    raise ConfigError(f"{candidate} is not valid TOML: {exc}") from None
                continue
            if "ftlint" in data.get("tool", {}):
                return candidate
    return None


def load_config_table(path: Path) -> dict[str, Any]:
    try:
        data = toml_cache.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    except toml_cache.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("ftlint", {})
    return data.get("tool", {}).get("ftlint", data)


def config_from_table(table: dict[str, Any], source: str | None = None) -> Config:
    """Build a Config from a TOML table, rejecting unknown keys with a clear message."""
    config = Config(source=source)
    known = {f.name for f in fields(Config)} - {"source", "extra", "fix", "unsafe_fixes"}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key == "rules":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: 'rules' must be a table of rule tables")
            config.rule_options = {name: dict(opts) for name, opts in value.items()}
            continue
        if key == "map":
            key = "column_map"
        if key not in known:
            raise ConfigError(f"{source}: unknown setting {raw_key!r}")
        if key in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{source}: {raw_key!r} must be a list of strings")
        elif key == "fail_on":
            try:
                value = Severity.parse(str(value))
            except ValueError as exc:
                raise ConfigError(f"{source}: {exc}") from None
        elif key == "column_map":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: 'map' must be a table of field = \"Column\"")
        elif key == "datasets":
            value = _datasets_table(value, source)
        elif key == "executor" and not isinstance(value, str):
            raise ConfigError(f"{source}: 'executor' must be a name (local, ray ...)")
        elif key in _SIZE_KEYS and isinstance(value, str):
            value = parse_size(value)  # "1GB" as on the command line
        elif key in {"min_examples", "recommended_examples", "jobs", *_SIZE_KEYS, *_LIMITS} and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise ConfigError(f"{source}: {raw_key!r} must be a non-negative integer")
        if key == "tokenizer" and not isinstance(value, str):
            raise ConfigError(f"{source}: 'tokenizer' must be a string (a path or hub id)")
        if key == "max_seq_length" and (
            not isinstance(value, int) or isinstance(value, bool) or value < 1
        ):
            raise ConfigError(f"{source}: {raw_key!r} must be a whole number of at least 1")
        if key in _LIMITS and value < 1:
            raise ConfigError(f"{source}: {raw_key!r} must be at least 1")
        setattr(config, key, value)
    return config


def _datasets_table(value: Any, source: str | None) -> dict[str, list[str]]:
    """``[datasets]``: each name maps to a path or glob, or a list of them."""
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: 'datasets' must be a table of NAME = [\"glob\", ...]")
    datasets: dict[str, list[str]] = {}
    for name, patterns in value.items():
        if isinstance(patterns, str):
            patterns = [patterns]
        if (
            not isinstance(patterns, list)
            or not patterns
            or not all(isinstance(p, str) and p for p in patterns)
        ):
            raise ConfigError(
                f"{source}: dataset {name!r} must be a path or glob, or a list of them"
            )
        datasets[str(name)] = list(patterns)
    return datasets


def load_config(explicit: Path | None = None, start: Path | None = None) -> Config:
    path = explicit or find_config_file(start or Path.cwd())
    if path is None:
        return Config()
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"config file {explicit} does not exist")
    return config_from_table(load_config_table(path), source=str(path))


def parse_size(text: str) -> int:
    """``512MB``, ``1.5 GiB``, ``1000`` -> bytes (decimal units as providers state limits)."""
    units = {
        "": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9,
        "kib": 2**10, "mib": 2**20, "gib": 2**30,
    }  # fmt: skip
    cleaned = text.strip().lower().replace(" ", "")
    number = cleaned.rstrip("kmgib")
    unit = cleaned[len(number) :]
    if unit not in units:
        raise ConfigError(f"cannot read size {text!r} (examples: 512MB, 1GiB, 1000)")
    try:
        return int(float(number) * units[unit])
    except ValueError:
        raise ConfigError(f"cannot read size {text!r} (examples: 512MB, 1GiB, 1000)") from None

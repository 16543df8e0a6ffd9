"""Provider profiles: what each fine-tuning service accepts. The figures are data, in one TOML
file per provider beside this module, each citing its sources; config overrides them."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ftlint import toml_cache
from ftlint.markers import hookimpl

DATA_DIR = Path(__file__).parent


def today(option: Any = None) -> dt.date:
    """The date a model's lifecycle is checked against: ``option`` (a rule's ``today``), else
    ``FTLINT_TODAY`` (tests pin it, so that no result changes when a deadline passes), else
    the system date."""
    value = option or os.environ.get("FTLINT_TODAY")
    if value:
        return dt.date.fromisoformat(str(value))
    return dt.date.today()


@dataclass(frozen=True)
class ModelInfo:
    name: str
    encoding: str
    #: Record shapes the model trains on: ``chat``, ``preference``, ``prompt-completion``.
    shapes: tuple[str, ...]
    #: Longest training example in tokens; longer ones are truncated by the provider.
    max_tokens: int
    #: USD per 1M training tokens, or None when the target publishes no fixed price.
    train_price_per_1m: float | None = None
    #: How this model's tokens are counted, as ``scheme:argument``: ``tiktoken:o200k_base``,
    #: ``mistral:<tokenizer version>``, ``hf`` (the ``--tokenizer`` the user names) or
    #: ``estimate:<method>`` (no public tokenizer: an estimate, never presented as exact).
    #: Defaults to ``tiktoken:<encoding>``.
    tokenizer: str = ""
    #: Lifecycle (ISO dates, ``""`` when none is announced): the last day the provider takes
    #: new fine-tuning jobs on this model, and the day the model (and the models fine-tuned
    #: on it) stop serving. ``lifecycle_note`` says where the dates come from or what they
    #: hold for (Azure: "existing customers only").
    training_ends: str = ""
    shutdown: str = ""
    lifecycle_note: str = ""
    #: From this day only customers who already trained on the model may start new jobs
    #: (Azure, after the base model's retirement); ``""``: no such restriction.
    restricted_since: str = ""
    #: Epochs the provider runs when the job names none (``None``: not published, or "auto").
    default_epochs: int | None = None
    #: The control tokens of the model's own chat format written as text (gpt-oss's harmony
    #: ``<|start|>``, ``<|message|>`` ...): in training text, its tokenizer reads them as
    #: those tokens (``special-token`` reports them as errors for this model).
    special_tokens: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.tokenizer:
            object.__setattr__(self, "tokenizer", f"tiktoken:{self.encoding}")


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    #: ``forbidden`` (UTF-8 without BOM) or ``required`` (UTF-8 with BOM).
    bom: str
    max_file_size: int
    min_examples: int
    recommended_examples: int
    default_model: str
    models: dict[str, ModelInfo] = field(default_factory=dict)
    prices_date: str = ""
    #: Names of the record formats the target accepts (``openai-chat``, ``gemini`` ...), empty
    #: for "whatever the models' shapes say" (the two OpenAI-style targets).
    formats: tuple[str, ...] = ()
    #: The record format ``prepare`` writes for this target.
    write_format: str = "openai-chat"
    #: Largest number of training examples (records) a job takes; ``None``: no published limit.
    max_examples: int | None = None
    #: The last day the provider takes new fine-tuning jobs at all (OpenAI: 2027-01-06), ``""``
    #: when none is announced; each model may close earlier (``ModelInfo.training_ends``).
    jobs_end: str = ""
    #: Epochs the provider runs when a job names none: a number, ``"auto"`` (OpenAI's
    #: automatic choice from the number of examples) or ``None`` (not published); a model's
    #: ``default_epochs`` comes first. ``epochs_source`` says where the figure comes from.
    default_epochs: int | str | None = None
    epochs_source: str = ""
    #: Where each figure comes from, as ``"URL (read DATE)"`` lines, and what could not be
    #: confirmed; ``ftlint targets`` and the README show them.
    sources: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = ()

    def model(self, name: str | None) -> ModelInfo | None:
        """Look up a model by exact name, or by base name (``gpt-4o-mini`` matches the dated
        snapshot; a fine-tuned ``ft:BASE:org::id`` matches BASE)."""
        name = name or self.default_model
        if name.startswith("ft:"):
            name = name.split(":")[1]
        if name in self.models:
            return self.models[name]
        for full, info in self.models.items():
            if full.startswith(name + "-"):
                return info
        return None

    def with_overrides(self, **overrides: Any) -> Target:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def load_target(path: Path) -> Target:
    data = toml_cache.loads(path.read_text(encoding="utf-8"))
    models = {
        name: ModelInfo(
            name=name,
            encoding=spec["encoding"],
            shapes=tuple(spec["shapes"]),
            max_tokens=int(spec["max_tokens"]),
            train_price_per_1m=spec.get("train_price_per_1m"),
            tokenizer=spec.get("tokenizer", ""),
            training_ends=str(spec.get("training_ends", "")),
            shutdown=str(spec.get("shutdown", "")),
            lifecycle_note=spec.get("lifecycle_note", ""),
            restricted_since=str(spec.get("restricted_since", "")),
            default_epochs=spec.get("default_epochs"),
            special_tokens=tuple(spec.get("special_tokens", ())),
        )
        for name, spec in data.get("models", {}).items()
    }
    max_examples = data.get("max_examples")
    return Target(
        name=data["name"],
        description=data.get("description", ""),
        bom=data["bom"],
        max_file_size=int(data["max_file_size"]),
        min_examples=int(data["min_examples"]),
        recommended_examples=int(data["recommended_examples"]),
        default_model=data["default_model"],
        models=models,
        prices_date=data.get("prices_date", ""),
        formats=tuple(data.get("formats", ())),
        write_format=data.get("write_format", "openai-chat"),
        max_examples=None if max_examples is None else int(max_examples),
        jobs_end=str(data.get("jobs_end", "")),
        default_epochs=data.get("default_epochs"),
        epochs_source=data.get("epochs_source", ""),
        sources=tuple(data.get("sources", ())),
        unconfirmed=tuple(data.get("unconfirmed", ())),
    )


@hookimpl
def ftlint_targets() -> list[Target]:
    return [load_target(path) for path in sorted(DATA_DIR.glob("*.toml"))]


def __getattr__(name: str) -> Any:
    """``WRITABLE_FORMATS``: the record formats ``prepare`` writes (every format of the
    registry in ``ftlint.formats``, built-in and plugin); looked up when asked, so that loading
    the profiles imports no format code."""
    if name == "WRITABLE_FORMATS":
        from ftlint.formats import format_names

        return frozenset(format_names())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

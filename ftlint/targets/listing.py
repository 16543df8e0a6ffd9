"""``ftlint targets``: the installed targets (built-in and from plugins) with their formats,
limits, tokenizers and sources, as text, JSON or the Markdown table the README carries."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ftlint.targets import ModelInfo, Target


def _size(value: int) -> str:
    if value <= 0:
        return "no limit"
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if value >= factor:
            return f"{value / factor:.4g} {unit}"
    return f"{value} B"


def counting(info: ModelInfo | None) -> str:
    """``exact`` or ``estimated``, as a run of this version counts the model's tokens
    (``hf`` models: exact with ``--tokenizer``, which this listing cannot know)."""
    from ftlint.tokens.select import counting as how

    if info is None:
        return "estimated"
    if info.tokenizer == "hf" or info.tokenizer.startswith("hf:"):
        return "exact with --tokenizer"
    try:
        return "exact" if how(info.tokenizer, info.encoding)[0] else "estimated"
    except Exception:
        return "estimated"


def describe(target: Target) -> dict[str, Any]:
    """What ``ftlint targets --format json`` prints for one target."""
    default = target.model(None)
    formats = list(target.formats) or sorted(
        {shape for info in target.models.values() for shape in info.shapes}
    )
    from ftlint.config import default_target

    return {
        "name": target.name,
        #: The target checked when no --target, configuration or FTLINT_TARGET names one.
        "default": target.name == default_target(),
        "description": target.description,
        "formats": formats,
        "write_format": target.write_format,
        "bom": target.bom,
        "max_file_size": target.max_file_size or None,
        "min_examples": target.min_examples,
        "max_examples": target.max_examples,
        "recommended_examples": target.recommended_examples,
        "jobs_end": target.jobs_end or None,
        "default_model": target.default_model,
        "models": {
            name: {
                "shapes": list(info.shapes),
                "max_tokens": info.max_tokens or None,
                "tokenizer": info.tokenizer,
                "token_counts": counting(info),
                "train_price_per_1m": info.train_price_per_1m,
                "training_ends": info.training_ends or None,
                "shutdown": info.shutdown or None,
                "default_epochs": (
                    target.default_epochs if info.default_epochs is None else info.default_epochs
                ),
            }
            for name, info in target.models.items()
        },
        "tokenizer": default.tokenizer if default else None,
        "token_counts": counting(default),
        #: ``"auto"`` (OpenAI's automatic choice), a number, or None: not published.
        "default_epochs": target.default_epochs,
        "epochs_source": target.epochs_source or None,
        "sources": list(target.sources),
        "unconfirmed": list(target.unconfirmed),
    }


def _limits(target: Target) -> str:
    parts = [f"file {_size(target.max_file_size)}"]
    examples = f"{target.min_examples:,}"
    examples += f"–{target.max_examples:,}" if target.max_examples else "+"
    parts.append(f"examples {examples}")
    default = target.model(None)
    if default is not None and default.max_tokens:
        parts.append(f"{default.max_tokens:,} tokens/example ({default.name})")
    return ", ".join(parts)


def text_lines(targets: Iterable[Target]) -> list[str]:
    lines: list[str] = []
    for target in targets:
        info = describe(target)
        lines.append(f"{target.name}: {target.description}")
        lines.append(f"  formats: {', '.join(info['formats'])} (writes {target.write_format})")
        lines.append(f"  limits: {_limits(target)}; BOM {target.bom}")
        if target.jobs_end:
            lines.append(f"  no new fine-tuning jobs from {target.jobs_end}")
        lines.append(
            f"  default model {target.default_model}: tokenizer {info['tokenizer']} "
            f"({info['token_counts']} counts)"
        )
        for source in target.sources:
            lines.append(f"  source: {source}")
        for note in target.unconfirmed:
            lines.append(f"  unconfirmed: {note}")
    return lines


def markdown_table(targets: Iterable[Target]) -> str:
    """The README's table of targets (``ftlint targets --format markdown``)."""
    rows = [
        "| target | formats (writes) | limits | tokenizer (counts) | sources |",
        "|---|---|---|---|---|",
    ]
    for target in targets:
        info = describe(target)
        formats = ", ".join(f"`{f}`" for f in info["formats"])
        tokenizer = f"`{info['tokenizer']}` ({info['token_counts']})"
        links = " ".join(
            f"[{i}]({source.split()[0]})" for i, source in enumerate(target.sources, 1)
        )
        if target.unconfirmed:
            links += f" · {len(target.unconfirmed)} unconfirmed"
        rows.append(
            f"| `{target.name}` | {formats} (`{target.write_format}`) | {_limits(target)} | "
            f"{tokenizer} | {links} |"
        )
    return "\n".join(rows)


def render(targets: list[Target], fmt: str) -> str:
    targets = sorted(targets, key=lambda t: t.name)
    if fmt == "json":
        return json.dumps([describe(t) for t in targets], indent=2, ensure_ascii=False)
    if fmt == "markdown":
        return markdown_table(targets)
    return "\n".join(text_lines(targets))

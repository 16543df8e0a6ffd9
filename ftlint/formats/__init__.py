"""Record formats: every provider's and trainer's way of writing one training example, read
into ftlint's canonical form and written back from it (one module per provider family).

The registry holds the built-in formats and those plugins add through the
``ftlint_record_formats`` hook; ``Target.formats`` and ``Target.write_format`` name them.
Formats whose records are byte-identical to another's say so in ``same_as``
(``together-chat``, ``fireworks-chat``, ``mistral-chat`` and ``trl-messages`` are OpenAI chat;
``together-instruction`` and ``trl-prompt-completion`` standard pairs are prompt/completion;
``together-preference`` and ``fireworks-preference`` are OpenAI preference; ``together-text``
and ``trl-text`` are ``text``): they differ only in what the provider checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint.conversion import FOREIGN_READERS, NATIVE_WHEN_ACCEPTED
from ftlint.formats.base import ConversionError, Loss, Problem, RecordFormat
from ftlint.formats.gemini import GEMINI
from ftlint.formats.nova import NOVA
from ftlint.formats.openai import OPENAI_CHAT, OPENAI_PREFERENCE, PROMPT_COMPLETION, TEXT
from ftlint.formats.providers import (
    FIREWORKS_CHAT,
    FIREWORKS_PREFERENCE,
    MISTRAL_CHAT,
    TOGETHER_CHAT,
    TOGETHER_INSTRUCTION,
    TOGETHER_PREFERENCE,
    TOGETHER_TEXT,
)
from ftlint.formats.trl import (
    TRL_KTO,
    TRL_MESSAGES,
    TRL_PREFERENCE,
    TRL_PROMPT_COMPLETION,
    TRL_TEXT,
)
from ftlint.markers import hookimpl

__all__ = [
    "BUILTIN_FORMATS",
    "ConversionError",
    "Loss",
    "Problem",
    "RecordFormat",
    "format_names",
    "get_format",
    "register_formats",
    "writer_for",
]

BUILTIN_FORMATS: tuple[RecordFormat, ...] = (
    OPENAI_CHAT, OPENAI_PREFERENCE, PROMPT_COMPLETION, TEXT, GEMINI, NOVA, MISTRAL_CHAT,
    TOGETHER_CHAT, TOGETHER_INSTRUCTION, TOGETHER_TEXT, TOGETHER_PREFERENCE, FIREWORKS_CHAT,
    FIREWORKS_PREFERENCE, TRL_MESSAGES, TRL_PROMPT_COMPLETION, TRL_PREFERENCE, TRL_KTO, TRL_TEXT,
)  # fmt: skip

_REGISTRY: dict[str, RecordFormat] = {f.name: f for f in BUILTIN_FORMATS}
FOREIGN_READERS[GEMINI.name] = GEMINI.to_canonical
FOREIGN_READERS[NOVA.name] = NOVA.to_canonical
NATIVE_WHEN_ACCEPTED["chosen-rejected"] = (TRL_PREFERENCE.name, TRL_PREFERENCE.is_trl_pair)

#: The canonical format of each canonical shape (what a target without formats writes).
CANONICAL = {
    "chat": "openai-chat",
    "preference": "openai-preference",
    "prompt-completion": "prompt-completion",
    "text": "text",
    "unpaired-preference": "trl-kto",
}


@hookimpl
def ftlint_record_formats() -> list[RecordFormat]:
    return list(BUILTIN_FORMATS)


def register_formats(formats: Iterable[RecordFormat]) -> list[str]:
    """Add plugin formats to the registry; returns notes on the ones that cannot be added
    (a name taken by another format)."""
    notes = []
    for fmt in formats:
        known = _REGISTRY.get(fmt.name)
        if known is not None and known is not fmt:
            if type(known) is not type(fmt):
                notes.append(f"record format {fmt.name!r} is defined twice; the first is kept")
            continue
        _REGISTRY[fmt.name] = fmt
        _WRITES.clear()
    return notes


def get_format(name: str) -> RecordFormat | None:
    return _REGISTRY.get(name)


def format_names() -> list[str]:
    return sorted(_REGISTRY)


def foreign_format(data: Any) -> RecordFormat | None:
    """The format of a record that is not in a canonical shape, by the formats' own detection
    (Gemini ``contents``, Nova ``schemaVersion`` ... and plugin formats)."""
    for fmt in _REGISTRY.values():
        try:
            if fmt.shape == "chat" and fmt.detect(data):
                return fmt
        except Exception:
            continue
    return None


#: ``writer_for``'s answers by its arguments (asked for every record; forgotten when a format
#: is registered).
_WRITES: dict[tuple[str, tuple[str, ...], str], RecordFormat | None] = {}


def writer_for(write_format: str, accepted: Iterable[str], shape: str) -> RecordFormat | None:
    """The format a target writes a record of canonical ``shape`` in: its ``write_format``
    when that can hold the shape, else an accepted format of that shape, else the format of
    that shape in the write format's family (``trl-messages`` -> ``trl-preference``); None
    when the target has no format for the shape."""
    if not isinstance(accepted, tuple):
        return _writer_for(write_format, accepted, shape)
    key = (write_format, accepted, shape)
    try:
        return _WRITES[key]
    except KeyError:
        found = _WRITES[key] = _writer_for(write_format, accepted, shape)
        return found


def _writer_for(write_format: str, accepted: Iterable[str], shape: str) -> RecordFormat | None:
    main = _REGISTRY.get(write_format)
    if main is not None and main.can_write(shape):
        return main
    for name in accepted:
        fmt = _REGISTRY.get(name)
        if fmt is not None and fmt.shape == shape:
            return fmt
    if main is not None:
        for fmt in _REGISTRY.values():
            if fmt.family == main.family and fmt.shape == shape:
                return fmt
    return None

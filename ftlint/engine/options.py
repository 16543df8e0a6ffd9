"""What ``prepare`` (and ``check --fix``) are asked to write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class PrepareOptions:
    output: Path | None = None
    force: bool = False
    in_place: bool = False
    write_report: bool = True
    #: ``prepare --split``: ``"auto"`` (the legacy min(1000, 20%)), a fraction or a count;
    #: ``None`` writes one ``_prepared.jsonl``. See ``ftlint.split``.
    split: str | None = None
    seed: int = 42
    #: ``--validation-file``: checked with the training file, and written (or rewritten in
    #: place) with its own fixes, such as the removal of examples that leak from training.
    validation: Path | None = None

"""The entry points of one group, read without importing ``importlib.metadata``.

Why: ``importlib.metadata`` imports the ``email`` package, ``zipfile``, ``csv`` and more
(measured here: about 0.11 G instructions, a tenth of a pre-commit run on a small file) to find
what a plain scan of ``sys.path`` finds: each ``*.dist-info`` or ``*.egg-info`` folder's
``entry_points.txt``. ``entry_points`` does that scan, in ``importlib.metadata``'s order and
with its rule that the first distribution of a name on ``sys.path`` wins, and returns None
where it could differ (an archive on ``sys.path``, a finder that provides distributions of
its own): the caller then asks ``importlib.metadata`` (tests/test_entry_points.py compares
both).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SUFFIXES = (".dist-info", ".egg-info")


@dataclass(frozen=True)
class EntryPoint:
    """``name = value`` of a group, and the metadata folder of its distribution."""

    name: str
    value: str
    group: str
    path: str

    def load(self) -> Any:
        """The module (``module``) or attribute (``module:attr.sub``) the value names."""
        import importlib

        module_name, _, attribute = self.value.partition(":")
        target: Any = importlib.import_module(module_name.strip())
        for part in attribute.split(".") if attribute.strip() else ():
            target = getattr(target, part.strip())
        return target

    @property
    def dist(self) -> Any:
        """The ``importlib.metadata`` distribution (read only when asked)."""
        import importlib.metadata

        return importlib.metadata.PathDistribution(Path(self.path))


def _normalized(folder: str) -> str:
    """The distribution's name from its folder name, normalized as ``importlib.metadata``
    compares them (PEP 503, with underscores)."""
    stem = folder.lower().rpartition(".")[0]
    return re.sub(r"[-_.]+", "-", stem.partition("-")[0]).replace("-", "_")


def _own_finders_only() -> bool:
    """Whether only the standard path finder provides distributions."""
    from importlib.machinery import PathFinder

    return all(
        finder is PathFinder or not hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    )


def _section(text: str, group: str) -> list[tuple[str, str]]:
    """The ``name = value`` pairs of ``[group]`` in an ``entry_points.txt``."""
    pairs: list[tuple[str, str]] = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current == group:
            name, sep, value = line.partition("=")
            if sep:
                pairs.append((name.strip(), value.strip()))
    return pairs


def entry_points(group: str) -> list[EntryPoint] | None:
    """The entry points of ``group`` of every distribution on ``sys.path``, in
    ``importlib.metadata``'s order; None when only ``importlib.metadata`` can tell."""
    if not _own_finders_only():
        return None
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for entry in sys.path:
        folder = entry or "."
        if os.path.basename(entry).lower().endswith(".egg"):
            return None  # an egg folder keeps its metadata its own way
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return None  # an archive: importlib.metadata reads inside it
        except OSError:
            continue  # a missing folder holds nothing
        # importlib.metadata's order: the folder's listing, the folders of one name together
        # (at the place of the first), the first of a name on sys.path taken.
        by_name: dict[str, list[str]] = {}
        for name in names:
            if name.lower().endswith(_SUFFIXES):
                by_name.setdefault(_normalized(name), []).append(name)
        for normalized, folders in by_name.items():
            for name in folders:
                if normalized in seen:
                    break
                seen.add(normalized)
                path = os.path.join(folder, name)
                try:
                    with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as handle:
                        text = handle.read()
                except OSError:
                    continue
                found.extend(EntryPoint(n, v, group, path) for n, v in _section(text, group))
    return found

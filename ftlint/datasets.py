"""Named datasets: several files (shards) checked as one (``--dataset NAME=GLOB``, or
``[tool.ftlint.datasets]``).

A dataset is given as paths, globs (``data/train-*.parquet``, ``**`` for subdirectories),
directories (their files, recursively, that a reader knows by extension) or URLs (globs
too: ``s3://bucket/train-*.parquet``), in order; each expands to its files sorted by name, so
``train-00000-of-00008.parquet`` comes before ``train-00001-of-00008.parquet``. A file named
twice is read once.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ftlint.config import ConfigError
from ftlint.storage import UrlPath, expand_url_glob, is_url, local_or_url

_GLOB_CHARS = "*?["


def parse_dataset_option(value: str) -> tuple[str, str]:
    """``NAME=GLOB`` of ``--dataset`` as ``(name, glob)``."""
    name, sep, pattern = value.partition("=")
    if not sep or not name.strip() or not pattern.strip():
        raise ConfigError(f"--dataset expects NAME=PATH (a path, glob or directory), got {value!r}")
    return name.strip(), pattern.strip()


def _known(path: str, extensions: Iterable[str]) -> bool:
    name = os.path.basename(path).lower()
    return not name.startswith(".") and any(name.endswith(ext) for ext in extensions)


def expand(
    name: str, patterns: Sequence[str], extensions: Iterable[str], base: Path | None = None
) -> list[Path | UrlPath]:
    """The files of dataset ``name``, in order. A glob or directory that matches no file is
    a configuration error (a typo would otherwise check an empty dataset). Relative patterns
    from a configuration file are relative to ``base`` (its directory)."""
    extensions = tuple(extensions)
    files: list[Path | UrlPath] = []
    for pattern in patterns:
        if is_url(pattern):
            found: list[Path | UrlPath] = list(expand_url_glob(pattern))
            if any(c in pattern for c in _GLOB_CHARS) or len(found) > 1:
                found = [u for u in found if _known(u.name, extensions)]
        else:
            local = local_or_url(pattern)
            assert isinstance(local, Path)
            if base is not None and not local.is_absolute():
                local = base / local
            text = str(local)
            if any(c in text for c in _GLOB_CHARS):
                matches = sorted(glob.glob(text, recursive=True))
                found = [Path(m) for m in matches if os.path.isfile(m)]
            elif local.is_dir():
                found = [
                    Path(root) / f
                    for root, dirs, names in sorted(os.walk(local))
                    for f in sorted(names)
                    if _known(f, extensions) and not _hidden(Path(root), local)
                ]
            else:
                found = [local]  # a plain path: a missing file is reported as unreadable
        if not found:
            raise ConfigError(f"dataset {name!r}: {pattern!r} matches no file")
        files.extend(found)
    unique: dict[str, Path | UrlPath] = {}
    for file in files:
        key = file.url if isinstance(file, UrlPath) else os.path.abspath(file)
        unique.setdefault(key, file)
    return list(unique.values())


def _hidden(directory: Path, top: Path) -> bool:
    """Whether ``directory`` is inside a hidden directory below ``top`` (``.git``, ``.cache``)."""
    try:
        relative = directory.relative_to(top)
    except ValueError:
        return False
    return any(part.startswith(".") for part in relative.parts)

"""Which files a run reads: the paths on the command line, directories walked for the file
types that readers claim, standard input (``-``) spooled to a named temporary file.

A directory walk skips hidden folders (``.git``, ``.venv`` ...), what the ``.gitignore`` files
of the tree ignore, and the ``exclude`` / ``extend-exclude`` globs (``--exclude``, the config
key of the same name). A file named on the command line is always read (as ruff does), unless
it matches an exclude glob. ``.gitignore`` matching uses ``pathspec``'s ``GitIgnoreSpec``: git's
own rules (negation, anchoring, directory-only patterns, ``**``) are subtle enough that a
well-kept implementation beats a home-made one; it is imported only when a directory is walked.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ftlint.compression import SUFFIXES

#: Folders a walk never enters, hidden or not (ruff's and black's defaults, trimmed).
DEFAULT_EXCLUDE = ("__pycache__", "node_modules", "venv", "site-packages", "__pypackages__")
#: Files a walk never picks up: ftlint's own JSON reports (``prepare`` writes them beside
#: its outputs), which are not datasets.
OWN_FILES = ("*.report.json",)
STDIN = "-"


@dataclass
class Discovered:
    """The files of a run, in order, and how to show each (a temporary file holding standard
    input is shown as ``--stdin-filename`` or ``-``)."""

    paths: list[Path] = field(default_factory=list)
    display_names: dict[Path, str] = field(default_factory=dict)
    #: Where each path came from: ``argument`` or the directory it was found under.
    origins: dict[Path, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _spool: str | None = None

    def cleanup(self) -> None:
        if self._spool is not None:
            import shutil  # here and in _spool_stdin: only standard input is spooled

            shutil.rmtree(self._spool, ignore_errors=True)
            self._spool = None


def data_suffixes(extensions: Iterable[str]) -> set[str]:
    """The suffixes a walk picks up: each reader's, alone and compressed (``.jsonl.gz``)."""
    plain = {ext.lower() for ext in extensions}
    return plain | {ext + comp for ext in plain for comp in SUFFIXES}


def _matches_suffix(name: str, suffixes: set[str]) -> bool:
    lower = name.lower()
    return any(lower.endswith(suffix) for suffix in suffixes)


def _glob_match(relative: str, name: str, patterns: Sequence[str]) -> bool:
    """An exclude glob matches the file or folder name, or its path relative to the walk
    root (``data/raw/*``); ``**`` spans folders."""
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(relative, pattern):
            return True
        if "**" in pattern and fnmatch.fnmatchcase(relative, pattern.replace("**/", "*")):
            return True
    return False


class _GitIgnores:
    """The ``.gitignore`` files met on the way down, each applied below its own folder."""

    def __init__(self) -> None:
        self._specs: dict[Path, Any] = {}

    def load(self, directory: Path) -> None:
        ignore = directory / ".gitignore"
        if directory in self._specs or not ignore.is_file():
            return
        try:
            lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        from pathspec import GitIgnoreSpec

        self._specs[directory] = GitIgnoreSpec.from_lines(lines)

    def ignored(self, path: Path, is_dir: bool) -> bool:
        for base, spec in self._specs.items():
            try:
                relative = path.relative_to(base).as_posix()
            except ValueError:
                continue
            if spec.match_file(relative + ("/" if is_dir else "")):
                return True
        return False


def _parents_with_gitignore(root: Path, ignores: _GitIgnores) -> None:
    """The ``.gitignore`` files above the walk root, up to the git work tree's top."""
    here = root.resolve()
    for directory in (here, *here.parents):
        ignores.load(directory)
        if (directory / ".git").exists():
            break


def walk(
    root: Path,
    suffixes: set[str],
    exclude: Sequence[str],
    respect_gitignore: bool = True,
) -> list[Path]:
    """The data files under ``root``, sorted, with the skips described in the module doc."""
    ignores = _GitIgnores()
    if respect_gitignore:
        _parents_with_gitignore(root, ignores)
    found: list[Path] = []
    base = root.resolve()
    for directory, dirs, files in os.walk(root):
        here = Path(directory)
        if respect_gitignore:
            ignores.load(here.resolve())
        kept = []
        for name in sorted(dirs):
            full = (here / name).resolve()
            relative = full.relative_to(base).as_posix() if full.is_relative_to(base) else name
            if name.startswith(".") or name in DEFAULT_EXCLUDE:
                continue
            if _glob_match(relative, name, exclude):
                continue
            if respect_gitignore and ignores.ignored(full, True):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith(".") or not _matches_suffix(name, suffixes):
                continue
            if any(fnmatch.fnmatchcase(name, own) for own in OWN_FILES):
                continue
            full = (here / name).resolve()
            relative = full.relative_to(base).as_posix() if full.is_relative_to(base) else name
            if _glob_match(relative, name, exclude):
                continue
            if respect_gitignore and ignores.ignored(full, False):
                continue
            found.append(here / name)
    return found


def discover(
    arguments: Sequence[Path | str],
    extensions: Iterable[str],
    exclude: Sequence[str] = (),
    stdin_filename: str | None = None,
    stdin: Any = None,
) -> Discovered:
    """The files named by ``arguments`` (no argument: ``.``), directories walked."""
    result = Discovered()
    suffixes = data_suffixes(extensions)
    for raw in arguments or [Path(".")]:
        text = str(raw)
        if text == STDIN:
            path = _spool_stdin(result, stdin_filename, stdin)
            result.paths.append(path)
            result.display_names[path] = stdin_filename or STDIN
            result.origins[path] = "standard input"
            continue
        if not isinstance(raw, str | os.PathLike):  # a URL (ftlint.storage.UrlPath): as it is
            result.paths.append(raw)  # type: ignore[arg-type]
            result.origins[raw] = "argument"  # type: ignore[index]
            continue
        path = Path(raw)
        if path.is_dir():
            files = walk(path, suffixes, exclude)
            if not files:
                result.notes.append(
                    f"no data files under {text} (looked for {', '.join(sorted(extensions))}, "
                    "also compressed; hidden folders and .gitignore'd files are skipped)"
                )
            for found in files:
                if found not in result.origins:
                    result.paths.append(found)
                    result.origins[found] = f"found under {text}"
            continue
        if exclude and _glob_match(path.as_posix(), path.name, exclude):
            result.origins.setdefault(path, "excluded")
            continue
        if path not in result.origins:
            result.paths.append(path)  # a missing file is reported by the run (no such file)
            result.origins[path] = "argument"
    return result


def _spool_stdin(result: Discovered, stdin_filename: str | None, stdin: Any) -> Path:
    """Standard input in a temporary file named like ``--stdin-filename`` (its suffix picks
    the reader; JSONL without one), since readers open their file more than once."""
    import shutil
    import tempfile

    if result._spool is None:
        result._spool = tempfile.mkdtemp(prefix="ftlint-stdin-")
    name = Path(stdin_filename).name if stdin_filename else "stdin.jsonl"
    path = Path(result._spool) / name
    source = stdin if stdin is not None else sys.stdin.buffer
    with path.open("wb") as handle:
        shutil.copyfileobj(source, handle, 1 << 20)
    return path

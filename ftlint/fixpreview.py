"""What ``--fix`` would change, without changing anything: ``check --diff`` prints it as a
unified diff of the JSONL lines, and the ``sarif`` format turns it into SARIF ``fixes``.

The preview runs the real ``check --fix`` (the same engine, plan and in-place writer) on a
copy of each file in a temporary folder and compares the copy with the original, so what it
shows is exactly what ``--fix`` writes. Only files that ``--fix`` rewrites in place (plain
JSONL) have a preview; others are written anew by ``prepare``.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ftlint.config import Config
    from ftlint.pluginmanager import Plugins


@dataclass
class Hunk:
    """Old lines ``[start, start + len(old))`` (1-based) replaced by ``new``."""

    start: int
    old: list[str]
    new: list[str]

    @property
    def end(self) -> int:
        """The last old line of the hunk (``start - 1`` for a pure insertion)."""
        return self.start + len(self.old) - 1


@dataclass
class FilePreview:
    path: str
    old: bytes
    new: bytes
    hunks: list[Hunk] = field(default_factory=list)

    def unified(self) -> str:
        old = _lines(self.old)
        new = _lines(self.new)
        lines = difflib.unified_diff(old, new, f"a/{self.path}", f"b/{self.path}", n=1)
        out = []
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)

    def hunk_at(self, line: int | None) -> Hunk | None:
        """The hunk that changes ``line`` (or, for a file-level finding, the first)."""
        if not self.hunks:
            return None
        if line is None:
            return self.hunks[0]
        for hunk in self.hunks:
            if hunk.start <= line <= max(hunk.end, hunk.start):
                return hunk
        return None


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)


def _hunks(old: bytes, new: bytes) -> list[Hunk]:
    a, b = _lines(old), _lines(new)
    hunks = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            hunks.append(Hunk(i1 + 1, a[i1:i2], b[j1:j2]))
    return hunks


def preview(
    config: Config,
    plugins: Plugins,
    paths: Sequence[Path],
    display_names: dict[Path, str],
    notes: list[str] | None = None,
) -> dict[str, FilePreview]:
    """Display path -> preview, for each file ``--fix`` would change; what the run says about
    files it cannot fix in place (CSV, compressed ...) goes to ``notes``."""
    from ftlint.engine import Engine, PrepareOptions

    folder = Path(tempfile.mkdtemp(prefix="ftlint-preview-"))
    try:
        copies: dict[Path, Path] = {}
        names: dict[Path, str] = {}
        for index, path in enumerate(paths):
            if not path.is_file():
                continue
            copy = folder / str(index) / path.name
            copy.parent.mkdir()
            shutil.copyfile(path, copy)
            copies[copy] = path
            names[copy] = display_names.get(path, str(path))
        fixing = replace(config, fix=True, extra=dict(config.extra))
        engine = Engine(fixing, plugins, display_names=names)
        report = engine.fix_in_place(list(copies), PrepareOptions(in_place=True))
        if notes is not None:
            for note in report.notes:
                for copy, name in names.items():
                    note = note.replace(str(copy), name)
                notes.append(note)
        previews: dict[str, FilePreview] = {}
        for copy, original in copies.items():
            old, new = original.read_bytes(), copy.read_bytes()
            if old != new:
                display = names[copy]
                previews[display] = FilePreview(display, old, new, _hunks(old, new))
        return previews
    finally:
        shutil.rmtree(folder, ignore_errors=True)

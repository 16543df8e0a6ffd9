"""What ``--fix`` would change, without changing anything: ``check --diff`` prints it as a
unified diff of the JSONL lines, and the ``sarif`` format turns it into SARIF ``fixes``.

The preview runs the real ``check --fix`` (the same engine, plan and in-place writer) on a
copy of each file in a temporary folder and compares the copy with the original, so what it
shows is exactly what ``--fix`` writes. Only files that ``--fix`` rewrites in place (plain
JSONL) have a preview; others are written anew by ``prepare``.
"""

from __future__ import annotations

import bisect
import difflib
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ftlint.config import Config
    from ftlint.model import DroppedRecord
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
        starts = self.__dict__.get("_starts")
        if starts is None:
            starts = self.__dict__["_starts"] = [hunk.start for hunk in self.hunks]
        index = bisect.bisect_right(starts, line) - 1  # hunks are in order and never overlap
        if index < 0:
            return None
        hunk = self.hunks[index]
        return hunk if hunk.start <= line <= max(hunk.end, hunk.start) else None

    def own_hunk_at(self, line: int | None) -> Hunk | None:
        """``hunk_at``, when the hunk is small enough to be one finding's own change (at most
        ``OWN_HUNK_LINES`` lines on either side), else None. Why: a change over many lines
        (a fix of every record, next to dropped ones, in one run of changed lines) is no single
        finding's, and repeating it in each finding's SARIF fix or rdjson suggestion made those
        documents grow with findings times file size (3,000 lines: 708 MB)."""
        hunk = self.hunk_at(line)
        if hunk is None or max(len(hunk.old), len(hunk.new)) > OWN_HUNK_LINES:
            return None
        return hunk

    def byte_offset(self, line: int) -> int:
        """Where old line ``line`` (1-based) starts in ``old``, in bytes (offsets made once)."""
        offsets = self.__dict__.get("_offsets")
        if offsets is None:
            offsets = [0]
            for piece in self.old.split(b"\n"):
                offsets.append(offsets[-1] + len(piece) + 1)
            self.__dict__["_offsets"] = offsets
        return offsets[line - 1]


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", errors="surrogateescape").splitlines(keepends=True)


#: A hunk of more lines than this is no single finding's change (``own_hunk_at``).
OWN_HUNK_LINES = 16


def _hunks(old: bytes, new: bytes, dropped: Sequence[set[int]] = ()) -> list[Hunk]:
    """The changed lines. ``--fix`` only rewrites or drops lines in place, in order: when the
    lines of one of the ``dropped`` sets (the lines of the records the run dropped, as its
    report lists them) are exactly the old lines missing from the new file, every other old
    line is the next new one, and each changed line is its own hunk, attributed exactly.
    Otherwise a diff decides: each line its own hunk where the change is line by line (a run
    of deleted lines, or of as many new lines as old ones), a longer run as one hunk."""
    a, b = _lines(old), _lines(new)
    for lines in dropped:
        if len(a) - sum(1 for line in lines if 1 <= line <= len(a)) != len(b):
            continue
        exact = []
        following = iter(b)
        for number, line in enumerate(a, 1):
            if number in lines:
                exact.append(Hunk(number, [line], []))
                continue
            written = next(following)
            if written != line:
                exact.append(Hunk(number, [line], [written]))
        return exact
    hunks = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "delete":
            hunks.extend(Hunk(i + 1, [a[i]], []) for i in range(i1, i2))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            hunks.extend(Hunk(i1 + k + 1, [a[i1 + k]], [b[j1 + k]]) for k in range(i2 - i1))
        else:
            hunks.append(Hunk(i1 + 1, a[i1:i2], b[j1:j2]))
    return _later_copies_deleted(a, hunks)


def _later_copies_deleted(a: list[str], hunks: list[Hunk]) -> list[Hunk]:
    """In a run of identical lines of which some are deleted, the diff may delete any of
    them (the text is the same); ``--fix`` keeps the first copy and drops later ones, so the
    deletions are moved to the run's last lines, where the findings about them are."""
    deleted = {h.start for h in hunks if not h.new and len(h.old) == 1}
    if not deleted:
        return hunks
    other = {line for h in hunks if h.new or len(h.old) != 1 for line in range(h.start, h.end + 1)}
    moved: set[int] = set()
    done: set[int] = set()
    for line in sorted(deleted):
        if line in done:
            continue
        first = last = line  # 1-based bounds of the run of lines equal to this one
        while first > 1 and a[first - 2] == a[line - 1]:
            first -= 1
        while last < len(a) and a[last] == a[line - 1]:
            last += 1
        run = range(first, last + 1)
        done.update(run)
        here = [x for x in run if x in deleted]
        if any(x in other for x in run):
            moved.update(here)  # a line of the run is rewritten: leave the diff's choice
        else:
            moved.update(range(last - len(here) + 1, last + 1))
    kept = [h for h in hunks if h.start not in deleted or h.new or len(h.old) != 1]
    kept += [Hunk(x, [a[x - 1]], []) for x in moved]
    return sorted(kept, key=lambda h: h.start)


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
            if not isinstance(path, Path) or not path.is_file():
                continue  # a URL (ftlint.storage.UrlPath) is never fixed in place
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
        dropped: dict[str, list[DroppedRecord]] = {f.path: f.dropped for f in report.files}
        previews: dict[str, FilePreview] = {}
        for copy, original in copies.items():
            old, new = original.read_bytes(), copy.read_bytes()
            if old != new:
                display = names[copy]
                records = dropped.get(display, [])
                lines = [  # the records fixes left out; then also those it could not read
                    {d.location.line for d in records if not d.rejected and d.location.line},
                    {d.location.line for d in records if d.location.line},
                ]
                previews[display] = FilePreview(display, old, new, _hunks(old, new, lines))
        return previews
    finally:
        shutil.rmtree(folder, ignore_errors=True)

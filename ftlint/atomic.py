"""Writing files atomically, never over an existing file unless asked, and cleaning up after
runs that were killed.

Every temporary file ftlint makes is named ``.ftlint-<pid>-<what>.<random><suffix>`` and lives
beside the file it becomes (or, for a parallel scan's spilled parts, in the temporary
directory). A run that fails, is interrupted or is killed never leaves half a file where the
output should be; a later run removes the temporaries of runs whose process is gone
(``remove_stale``).

Without ``overwrite`` the final step is ``os.link``, which fails when the target exists: of
two runs writing the same new path, exactly one succeeds and the other gets
``OutputExists`` (no check-then-write race).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlint.config import ConfigError

if TYPE_CHECKING:
    from ftlint.report import Report

TEMP_PREFIX = ".ftlint-"
_TEMP_NAME = re.compile(r"\.ftlint-(\d+)-.*\.(?:tmp|part|pickle)\Z")
#: Directories already swept for stale temporaries by this process.
_SWEPT: set[str] = set()
#: Files this process has finished writing (for the message of an interrupted run).
COMMITTED: list[str] = []


class OutputExists(ConfigError):
    """The target of a write exists and overwriting was not asked for (exit code 2)."""


def temp_prefix(what: str, pid: int | None = None) -> str:
    """The name prefix of a temporary file of process ``pid`` (default: this one)."""
    return f"{TEMP_PREFIX}{os.getpid() if pid is None else pid}-{what}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def remove_stale(directory: str | os.PathLike[str]) -> int:
    """Remove this user's ftlint temporaries in ``directory`` whose process is gone; return
    how many. Each directory is swept once per process."""
    key = os.path.abspath(directory)
    if key in _SWEPT:
        return 0
    _SWEPT.add(key)
    removed = 0
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        entries = list(os.scandir(key))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        if match is None or int(match.group(1)) == os.getpid() or _alive(int(match.group(1))):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if uid is not None and info.st_uid != uid:
                continue
            os.unlink(entry.path)
            removed += 1
        except OSError:
            continue
    return removed


def make_temp(directory: str | os.PathLike[str], what: str, suffix: str) -> tuple[int, str]:
    """A new temporary file (descriptor, path) with ftlint's name, after a sweep of stale
    ones in the same directory."""
    remove_stale(directory)
    import tempfile  # here: it imports shutil, random and the compressors, for writes only

    return tempfile.mkstemp(prefix=temp_prefix(what), suffix=suffix, dir=directory)


def refuse_target(target: Path, source: Path, force: bool) -> None:
    """Refuse to write ``target`` over ``source`` (the input it is made from: always) or
    over any existing file (unless ``force``)."""
    if not target.exists():
        return
    if target.resolve() == source.resolve():
        raise ConfigError(f"refusing to write the output over the input {source}")
    if not force:
        raise OutputExists(f"{target} exists; pass --force to overwrite it")


class AtomicWriter:
    """Write to a temporary file beside the target and move it into place on success.

    ``overwrite=False`` (the default) refuses an existing target, atomically: the temporary
    file is hard-linked to the target name, which fails if anything is there."""

    def __init__(self, target: Path, overwrite: bool = False) -> None:
        self.target = Path(target)
        self.overwrite = overwrite
        self.discarded = False
        self._handle: Any = None
        self._tmp: str | None = None

    def __enter__(self) -> AtomicWriter:
        if not self.overwrite and os.path.lexists(self.target):
            raise OutputExists(f"{self.target} exists; pass --force to overwrite it")
        directory = self.target.parent if str(self.target.parent) else Path(".")
        fd, self._tmp = make_temp(directory, self.target.name, ".tmp")
        self._handle = os.fdopen(fd, "wb", buffering=1 << 20)
        return self

    def write(self, data: bytes) -> None:
        self._handle.write(data)

    @property
    def stream(self) -> Any:
        """The temporary file itself (a buffered binary file), for writers that need more
        than ``write`` (``tell``, ``flush``: pyarrow's Parquet writer)."""
        return self._handle

    def discard(self) -> None:
        self.discarded = True

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        assert self._tmp is not None
        try:
            self._handle.close()
        finally:
            if exc_type is not None or self.discarded:
                with contextlib.suppress(OSError):
                    os.unlink(self._tmp)
        if exc_type is not None or self.discarded:
            return
        try:
            self._commit(self._tmp)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            raise
        COMMITTED.append(str(self.target))

    def _commit(self, tmp: str) -> None:
        if self.target.exists():
            os.chmod(tmp, self.target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        if self.overwrite:
            os.replace(tmp, self.target)
            return
        try:
            os.link(tmp, self.target)
        except FileExistsError:
            raise OutputExists(f"{self.target} exists; pass --force to overwrite it") from None
        except OSError as exc:
            if exc.errno not in {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}:
                raise
            # No hard links on this filesystem: claim the name exclusively, then replace it.
            try:
                os.close(os.open(self.target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                raise OutputExists(f"{self.target} exists; pass --force to overwrite it") from None
            os.replace(tmp, self.target)
            return
        os.unlink(tmp)


def place(temp: str | os.PathLike[str], target: Path, overwrite: bool = False) -> None:
    """Move a finished temporary file of this run (beside ``target``) into place, as
    ``AtomicWriter`` does: exclusively unless ``overwrite``. The temporary is gone after."""
    writer = AtomicWriter(target, overwrite=overwrite)
    try:
        if not overwrite and os.path.lexists(target):
            raise OutputExists(f"{target} exists; pass --force to overwrite it")
        writer._commit(os.fspath(temp))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    COMMITTED.append(str(target))


def write_json_report(report: Report, target: Path, overwrite: bool = False) -> None:
    """The run's JSON report (the ``--output-format json`` contract), written atomically."""
    with AtomicWriter(target, overwrite=overwrite) as handle:
        for piece in report.json_pieces():
            handle.write(piece.encode())
        handle.write(b"\n")
    report.notes.append(f"report written to {target}")

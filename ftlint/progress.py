"""A progress bar on standard error for long runs on a terminal (rich): bytes read, rate and
time left, one bar for the whole run, however many worker processes read the files.

Readers open files through ``FileContext.open_binary``; while a bar is active, that stream
counts the bytes it takes from the disk into one shared counter (a ``multiprocessing.Value``
made before the workers fork, so each worker adds to the same number). Counting happens per
buffer refill (1 MiB), not per record: the hot loop pays nothing. The bar appears only after
about a second of work, never when standard error is not a terminal, in a pre-commit hook, or
with ``-q``/``-s``; with ``NO_COLOR`` it is drawn without colour (rich honours the variable).
"""

from __future__ import annotations

import io
import os
import sys
import threading
from typing import Any

#: The shared byte counter of the active bar (None: no bar, streams count nothing).
ACTIVE: Any = None
#: Runs over less input than this never show a bar (they end in about a second anyway).
MIN_BYTES = 2 * 1024 * 1024
#: Seconds of work before the bar appears.
DELAY = 1.0


class CountingFile(io.RawIOBase):
    """A raw file whose reads add to the active counter."""

    def __init__(self, raw: Any, counter: Any) -> None:
        self._raw = raw
        self._counter = counter

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def fileno(self) -> int:
        return self._raw.fileno()

    def readinto(self, buffer: Any) -> int:  # type: ignore[override]
        size = self._raw.readinto(buffer)
        if size:
            with self._counter.get_lock():
                self._counter.value += size
        return size or 0

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def counted(raw: Any) -> Any:
    """``raw`` (an unbuffered binary file) counted into the active bar, or as it is."""
    counter = ACTIVE
    return raw if counter is None else CountingFile(raw, counter)


def wanted(stream: Any = None, *, quiet: bool = False, hook: bool = False) -> bool:
    """Whether a bar may be shown at all on ``stream`` (default: standard error)."""
    stream = sys.stderr if stream is None else stream
    if quiet or hook or os.environ.get("FTLINT_NO_PROGRESS"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Bar:
    """The run's bar: ``with Bar(total_bytes, label):`` around the work."""

    def __init__(self, total: int, label: str, stream: Any = None) -> None:
        self.total = max(1, total)
        self.label = label
        self.stream = sys.stderr if stream is None else stream
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._counter: Any = None

    def __enter__(self) -> Bar:
        global ACTIVE
        if self.total < MIN_BYTES:
            return self
        import multiprocessing

        self._counter = multiprocessing.Value("q", 0)
        ACTIVE = self._counter
        self._thread = threading.Thread(target=self._run, name="ftlint-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        global ACTIVE
        ACTIVE = None
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _run(self) -> None:
        if self._stop.wait(DELAY):
            return  # finished within about a second: no bar at all
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        console = Console(file=self.stream, stderr=self.stream is sys.stderr)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(self.label, total=self.total)
            while not self._stop.is_set():
                progress.update(task, completed=min(self._counter.value, self.total))
                self._stop.wait(0.1)


def read_passes(command: str, fixes: bool) -> int:
    """How often a run reads its input: once to check, once more to write."""
    return 2 if command == "prepare" or fixes else 1


def total_bytes(paths: Any) -> int:
    total = 0
    for path in paths:
        try:
            total += os.stat(path).st_size
        except (OSError, TypeError):  # gone, or a URL (ftlint.storage.UrlPath): not counted
            continue
    return total

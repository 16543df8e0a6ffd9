"""Parallel passes over large files: byte ranges scanned (or written) by worker processes,
their results merged in order so that the report equals that of one pass."""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlint.atomic import make_temp
from ftlint.engine.scan import ScanResult
from ftlint.model import DroppedRecord
from ftlint.report import FileReport

if TYPE_CHECKING:
    from ftlint.atomic import AtomicWriter
    from ftlint.config import Config
    from ftlint.engine.fixes import FixPlan
    from ftlint.reader import ByteRange, Reader
    from ftlint.report import Report
    from ftlint.rule import FileContext


class ParallelScanning:
    """The parallel part of the engine (an ``Engine`` is a ``Scanning`` and ``Fixing`` too)."""

    config: Config

    #: Files at least this large (bytes) are split across processes when the reader can split
    #: them; ``FTLINT_PARALLEL_MIN_SIZE`` overrides it (tests force a split with a tiny value).
    PARALLEL_MIN_SIZE = 16 * 1024 * 1024
    #: Byte ranges per worker process (more ranges balance uneven parts of a file).
    RANGES_PER_JOB = 2

    def jobs(self) -> int:
        return max(1, self.config.jobs or os.cpu_count() or 1)

    def parallel_min_size(self) -> int:
        value = os.environ.get("FTLINT_PARALLEL_MIN_SIZE")
        if value:
            from ftlint.config import parse_size

            return parse_size(value)
        return self.PARALLEL_MIN_SIZE

    def _parallel_ranges(
        self, file: FileContext, reader: Reader, jobs: int, count: int
    ) -> list[ByteRange] | None:
        """``count`` byte ranges of ``file`` for a pass across ``jobs`` processes, or None
        when one process does it: one job, a small file, a reader that cannot split it."""
        if jobs < 2 or not reader.splittable or file.size < self.parallel_min_size():
            return None
        try:
            ranges = reader.split(file, count)
        except Exception:
            return None
        return ranges if ranges and len(ranges) >= 2 else None

    def scan_file(
        self,
        file: FileContext,
        reader: Reader,
        split: str = "train",
        report: Report | None = None,
    ) -> ScanResult:
        """``scan`` the whole file: in this process, or for a large file that the reader can
        cut into byte ranges, in worker processes whose results are merged in order (the
        same diagnostics and figures as one pass)."""
        jobs = self.jobs()
        ranges = self._parallel_ranges(file, reader, jobs, jobs * self.RANGES_PER_JOB)
        if ranges is None:
            return self.scan(file, reader, split=split)
        parts: list[SpilledPart] = []
        try:
            parts = self._scan_parallel(file, ranges, split, jobs)
            return self._merge_parts(parts, file)
        except Exception as exc:  # the machinery failed (pickling, a worker died ...)
            if report is not None:
                report.notes.append(
                    f"{file.display_path}: parallel checking failed ({type(exc).__name__}: "
                    f"{exc}); checked in one process instead"
                )
            return self.scan(file, reader, split=split)
        finally:
            for part in parts:  # those already loaded are gone: discarding them is a no-op
                part.discard()

    def _scan_parallel(
        self, file: FileContext, ranges: list[ByteRange], split: str, jobs: int
    ) -> list[SpilledPart]:
        import multiprocessing
        import sys
        from concurrent.futures import ProcessPoolExecutor

        # fork starts a worker in milliseconds with the modules (and the tokenizer) already
        # loaded; elsewhere (macOS, Windows) workers start fresh and rebuild everything.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        context = multiprocessing.get_context(method)
        if method == "fork":
            # A forked worker is a copy of this process: it uses this very engine (rules,
            # tokenizer, imports), nothing to rebuild. The pool forks its workers at the
            # first submit, after this is set.
            _WORKER_ENGINE[:] = [self]
            options: dict[str, Any] = {"initializer": worker_setup}
        else:
            codes = sorted(rule.code for rule in self.rules)
            settings = {"validation_file": self.settings.get("validation_file")}
            options = {
                "initializer": _start_worker,
                "initargs": (type(self), self.config, codes, settings),
            }
        try:
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(ranges)), mp_context=context, **options
            ) as pool:
                futures = [pool.submit(_scan_range, file, part, split) for part in ranges]
                try:
                    return [future.result() for future in futures]
                except BaseException as exc:  # the parts that did come back are not needed
                    if not isinstance(exc, Exception):  # interrupted: stop the workers now
                        stop_workers(pool)
                    pool.shutdown(wait=True, cancel_futures=True)
                    for future in futures:
                        if not future.cancelled() and future.exception() is None:
                            future.result().discard()
                    raise
        finally:
            _WORKER_ENGINE.clear()

    def _merge_parts(self, parts: list[SpilledPart], file: FileContext) -> ScanResult:
        """Fold the results of consecutive byte ranges into the first, in order. Each part is
        loaded from its file only when its turn comes and freed as soon as it is folded in:
        the main process holds one part besides the result."""
        result = parts[0].load()
        for spilled in parts[1:]:
            part = spilled.load()
            result.diagnostics.extend(part.diagnostics)
            result.records += part.records
            result.dropped.extend(part.dropped)
            result.diagnostics.extend(
                self._merge_accumulators(result.accumulators, part.accumulators, file)
            )
            del part
        return result

    def _write_parallel(
        self,
        file: FileContext,
        reader: Reader,
        plan: FixPlan,
        handle: AtomicWriter,
        file_report: FileReport,
    ) -> int | None:
        """The second pass of ``prepare`` for a large file, split across forked workers by
        byte ranges: each writes the fixed records of its range to a part file beside the
        output, and the parts are appended here in order (the same bytes, and the same
        dropped records in the same order, as one pass). Returns the number of records
        written, or None when the file is written in one process (small file, one job, a
        reader that cannot split, no ``fork`` on this platform, or the workers failed)."""
        import multiprocessing
        import sys

        jobs = self.jobs()
        if not sys.platform.startswith("linux"):
            return None
        ranges = self._parallel_ranges(file, reader, jobs, jobs)
        if ranges is None:
            return None
        from concurrent.futures import ProcessPoolExecutor

        directory = handle.target.parent if str(handle.target.parent) else Path(".")
        parts: list[str] = []
        try:
            for _ in ranges:
                fd, part = make_temp(directory, handle.target.name, ".part")
                os.close(fd)
                parts.append(part)
            # Forked workers inherit this engine and the fix plan (its transforms need not
            # be picklable); the pool forks them at the first submit.
            _WORKER_ENGINE[:] = [self]
            _WORKER_PLAN[:] = [plan]
            try:
                with ProcessPoolExecutor(
                    max_workers=min(jobs, len(ranges)),
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=worker_setup,
                ) as pool:
                    futures = [
                        pool.submit(_write_range, file, part_range, part)
                        for part_range, part in zip(ranges, parts, strict=True)
                    ]
                    try:
                        results = [future.result() for future in futures]
                    except BaseException as exc:
                        if not isinstance(exc, Exception):  # interrupted: stop them now
                            stop_workers(pool)
                        raise
            finally:
                _WORKER_ENGINE.clear()
                _WORKER_PLAN.clear()
        except BaseException as exc:  # nothing is written yet: one process does it (and
            for part in parts:  # meets the same error, if it was not the machinery's)
                with contextlib.suppress(OSError):
                    os.unlink(part)
            if not isinstance(exc, Exception):  # interrupted: stop, do not start over
                raise
            return None
        written = 0
        try:
            for part, (count, dropped) in zip(parts, results, strict=True):
                with open(part, "rb") as source:
                    while chunk := source.read(1 << 20):
                        handle.write(chunk)
                written += count
                file_report.dropped.extend(dropped)
        finally:
            for part in parts:
                with contextlib.suppress(OSError):
                    os.unlink(part)
        return written


# ---------------------------------------------------------------------------------------------
# Worker processes

#: Linux ``prctl`` option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def worker_setup() -> None:
    """First thing in every worker: die with the parent (even when the parent is killed with
    SIGKILL, on Linux), and leave SIGINT to the parent, which stops the workers itself (a
    Ctrl-C reaches the whole process group; workers that raised KeyboardInterrupt mid-task
    would break the pool instead of stopping it)."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before prctl: do not run on as an orphan
            os._exit(1)


def stop_workers(pool: Any) -> None:
    """Kill a pool's worker processes at once (``shutdown`` would wait for their tasks).
    Uses the executor's process table, which has no public accessor."""
    for process in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(Exception):
            process.kill()


#: The engine of a worker process (forked: the parent's own; spawned: rebuilt).
_WORKER_ENGINE: list[Any] = []


def _start_worker(
    engine_class: type, config: Config, codes: list[str], settings: dict[str, Any]
) -> None:
    """Build this worker's engine from the run's configuration (plugins load here too)."""
    from ftlint.pluginmanager import load_plugins

    worker_setup()
    plugins = load_plugins(list(config.plugins))
    plugins.hook.ftlint_configure.call_historic(kwargs={"config": config})
    engine = engine_class(config, plugins)
    mine = sorted(rule.code for rule in engine.rules)
    if mine != codes:
        differ = ", ".join(sorted(set(mine) ^ set(codes)))
        raise RuntimeError(f"worker rules differ from the main process ({differ})")
    engine.settings.update(settings)
    _WORKER_ENGINE[:] = [engine]


@dataclass
class SpilledPart:
    """The ``ScanResult`` of one byte range, pickled to a temporary file by the worker that
    scanned it. Results travel this way rather than through the pool's pipe, which buffers a
    whole pickle in memory at both ends; the main process loads them one at a time."""

    path: str

    def load(self) -> ScanResult:
        try:
            with open(self.path, "rb") as handle:
                return pickle.load(handle)
        finally:
            self.discard()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _scan_range(file: FileContext, byte_range: ByteRange, split: str) -> SpilledPart:
    engine = _WORKER_ENGINE[0]
    reader = next(r for r in engine.plugins.readers() if r.name == file.reader_name)
    result = engine.scan(file, reader, byte_range=byte_range, split=split)
    fd, path = make_temp(tempfile.gettempdir(), "scan", ".pickle")
    part = SpilledPart(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        part.discard()
        raise
    return part


_WORKER_PLAN: list[FixPlan] = []


def _write_range(
    file: FileContext, byte_range: ByteRange, part: str
) -> tuple[int, list[DroppedRecord]]:
    """One range of ``Engine._write_parallel`` in a forked worker: its fixed records written
    to ``part``; returns how many, and the records its fixes dropped."""
    from ftlint.jsonl import dumps_line

    engine, plan = _WORKER_ENGINE[0], _WORKER_PLAN[0]
    reader = next(r for r in engine.plugins.readers() if r.name == file.reader_name)
    report = FileReport(path=file.display_path)
    written = 0
    with open(part, "wb", buffering=1 << 20) as handle:
        for _record, data, _changed in engine.fixed_records(
            file, reader, plan, report, byte_range=byte_range
        ):
            handle.write(dumps_line(data))
            written += 1
    return written, report.dropped

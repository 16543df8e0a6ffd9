"""Parallel passes: a dataset's work units (files, byte ranges, row groups) scanned by the
run's executor (the built-in ``local`` one here: worker processes), their results merged in
order so that the report equals that of one pass; the second pass of ``prepare`` over byte
ranges written by forked workers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ftlint.atomic import make_temp
from ftlint.config import ConfigError
from ftlint.engine.scan import ScanResult
from ftlint.executor import Executor, ScanWorker, WorkUnit
from ftlint.markers import hookimpl
from ftlint.model import DroppedRecord
from ftlint.report import FileReport

if TYPE_CHECKING:
    from ftlint.atomic import AtomicWriter
    from ftlint.config import Config
    from ftlint.engine.fixes import FixPlan
    from ftlint.pluginmanager import Plugins
    from ftlint.reader import ByteRange, Reader
    from ftlint.report import Report
    from ftlint.rule import FileContext


class ParallelScanning:
    """The parallel part of the engine (an ``Engine`` is a ``Scanning`` and ``Fixing`` too):
    the scan of a dataset cut into work units, run by the run's executor, merged in order."""

    config: Config
    plugins: Plugins

    #: Files at least this large (bytes) are split across processes when the reader can split
    #: them; ``FTLINT_PARALLEL_MIN_SIZE`` overrides it (tests force a split with a tiny value).
    PARALLEL_MIN_SIZE = 16 * 1024 * 1024
    #: ... and so are files of at least this many records by their reader's estimate
    #: (``Reader.estimate_records``; ``FTLINT_PARALLEL_MIN_RECORDS`` overrides it): with short
    #: examples the work per record, not the bytes, is most of a pass. Measured 2026-12-04 on
    #: 100,000 examples of 98 bytes (9.8 MB), 2 cores: check 5.0 -> 3.0 s, prepare --fix
    #: 9.6 -> 5.5 s wall; 20,000 such examples gained a little, 5,000 nothing.
    PARALLEL_MIN_RECORDS = 25_000
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

    def parallel_min_records(self) -> int:
        value = os.environ.get("FTLINT_PARALLEL_MIN_RECORDS")
        return int(value) if value else self.PARALLEL_MIN_RECORDS

    def worth_splitting(self, files: Sequence[tuple[FileContext, Reader]]) -> bool:
        """Whether ``files`` together are enough work to pay for worker processes: bytes at
        least ``parallel_min_size``, or records (estimated) at least ``parallel_min_records``."""
        if sum(file.size for file, _ in files) >= self.parallel_min_size():
            return True
        records = 0
        for file, reader in files:
            try:
                estimate = reader.estimate_records(file)
            except Exception:  # a third-party reader's estimate must not stop the run
                estimate = None
            records += estimate or 0
        return records >= self.parallel_min_records()

    def reader_named(self, name: str) -> Reader:
        return next(r for r in self.plugins.readers() if r.name == name)

    def executor(self) -> Executor | None:
        """The run's executor (``--executor``, default ``local``), started on first use;
        None when the local one is switched off (``-p no:executor-local``): one process."""
        cached = getattr(self, "_executor", False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        name = self.config.executor or "local"
        executors = self.plugins.executors()
        executor = executors.get(name)
        if executor is None and name != "local":
            known = ", ".join(sorted(executors)) or "none"
            hint = " (install it: pip install 'ftlint[ray]')" if name == "ray" else ""
            raise ConfigError(f"unknown --executor {name!r}{hint} (known: {known})")
        if executor is not None:
            executor.start(self.config)
        self._executor = executor
        return executor

    def close_executor(self) -> None:
        executor = getattr(self, "_executor", None)
        if executor:
            self._executor = False
            executor.close()

    def _parallel_ranges(
        self, file: FileContext, reader: Reader, jobs: int, count: int
    ) -> list[Any] | None:
        """``count`` parts of ``file`` for a pass across ``jobs`` workers, or None when it is
        one unit: one job, a small file, a reader that cannot split it."""
        if jobs < 2 or not reader.splittable or not self.worth_splitting([(file, reader)]):
            return None
        try:
            ranges = reader.split(file, count)
        except Exception:
            return None
        return ranges if ranges and len(ranges) >= 2 else None

    def plan_units(
        self, files: Sequence[tuple[FileContext, Reader]], split: str, workers: int
    ) -> list[WorkUnit]:
        """The work units of ``files``, in order: each large file cut into parts."""
        units: list[WorkUnit] = []
        for file, reader in files:
            ranges = self._parallel_ranges(file, reader, workers, workers * self.RANGES_PER_JOB)
            if ranges is None:
                units.append(WorkUnit(file, None, split))
            else:
                units.extend(WorkUnit(file, part, split) for part in ranges)
        return units

    def scan_file(
        self,
        file: FileContext,
        reader: Reader,
        split: str = "train",
        report: Report | None = None,
    ) -> ScanResult:
        """``scan`` the whole file: in this process, or (a large file its reader can cut into
        parts) by the executor's workers, merged in order (the same diagnostics and figures
        as one pass)."""
        return self.scan_dataset([(file, reader)], split, report)[0]

    def scan_dataset(
        self,
        files: Sequence[tuple[FileContext, Reader]],
        split: str = "train",
        report: Report | None = None,
    ) -> list[ScanResult]:
        """Scan several files as one dataset: one result per file (its diagnostics, records
        and dropped records), the dataset accumulators of all of them, merged in file order,
        in the first result."""
        from ftlint.tokens import expect_input

        # A large input loads its tokenizer now (before workers fork), a small one never.
        expect_input(sum(file.size for file, _ in files))
        executor = self.executor()
        workers = executor.workers() if executor is not None else 1
        units = self.plan_units(files, split, workers)
        if executor is not None and not self._in_process(executor, units, files):
            self._preload(sum(file.size for file, _ in files))
            try:
                return self._fold(files, units, self._scan_parallel(executor, units))
            except Exception as exc:  # the machinery failed (pickling, a worker died ...)
                if report is not None:
                    names = ", ".join(dict.fromkeys(f.display_path for f, _ in files))
                    report.notes.append(
                        f"{names}: parallel checking failed ({type(exc).__name__}: "
                        f"{exc}); checked in one process instead"
                    )
            units = [WorkUnit(file, None, split) for file, _ in files]
        readers = {id(file): reader for file, reader in files}
        return self._fold(
            files,
            units,
            (
                self.scan(u.file, readers[id(u.file)], byte_range=u.part, split=u.split)
                for u in units
            ),
        )

    def _preload(self, size: int) -> None:
        """Each rule's ``preload`` before the workers start (they inherit what it loads); a
        rule whose preload fails loads in each worker instead, as without it."""
        for rule in (*self.record_rules, *self.dataset_rules):
            with contextlib.suppress(Exception):
                rule.preload(size)

    def _in_process(
        self,
        executor: Executor,
        units: Sequence[WorkUnit],
        files: Sequence[tuple[FileContext, Reader]],
    ) -> bool:
        """Whether the local executor does this work itself: one unit, one job, or files too
        small together to pay for starting workers."""
        if not executor.in_process_when_small:
            return False
        if len(units) < 2 or executor.workers() < 2:
            return True
        if len(units) > len(files):
            return False  # a file was split: ``_parallel_ranges`` found it worth it already
        return not self.worth_splitting(files)

    def _scan_parallel(self, executor: Executor, units: Sequence[WorkUnit]) -> Iterator[Any]:
        """The units' results from ``executor``, in order."""
        return executor.run(ScanWorker(self), units)

    def _fold(
        self,
        files: Sequence[tuple[FileContext, Reader]],
        units: Sequence[WorkUnit],
        results: Iterable[ScanResult],
    ) -> list[ScanResult]:
        """Fold the results of consecutive units into one result per file, in order, and the
        accumulators of all of them into the first. Each result is dropped as soon as it is
        folded in: the main process holds one besides the merged state."""
        merged = [ScanResult() for _ in files]
        index = {id(file): i for i, (file, _) in enumerate(files)}
        accumulators: dict[str, Any] | None = None
        count = 0
        for unit, part in zip(units, results, strict=False):
            count += 1
            into = merged[index[id(unit.file)]]
            into.diagnostics.extend(part.diagnostics)
            into.records += part.records
            into.dropped.extend(part.dropped)
            if accumulators is None:
                accumulators = part.accumulators
            else:
                into.diagnostics.extend(
                    self._merge_accumulators(accumulators, part.accumulators, unit.file)
                )
            del part
        if count != len(units):
            raise RuntimeError(f"the executor returned {count} results for {len(units)} units")
        merged[0].accumulators = accumulators or {}
        return merged

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
                with (
                    frozen_for_fork(),
                    ProcessPoolExecutor(
                        max_workers=min(jobs, len(ranges)),
                        mp_context=multiprocessing.get_context("fork"),
                        initializer=worker_setup,
                    ) as pool,
                ):
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
            for part, (count, dropped, changes) in zip(parts, results, strict=True):
                with open(part, "rb") as source:
                    while chunk := source.read(1 << 20):
                        handle.write(chunk)
                written += count
                file_report.dropped.extend(dropped)
                if changes:
                    plan.note_changes(changes)
        finally:
            for part in parts:
                with contextlib.suppress(OSError):
                    os.unlink(part)
        return written


# ---------------------------------------------------------------------------------------------
# Worker processes

#: Linux ``prctl`` option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def frozen_for_fork(forking: bool = True) -> Iterator[None]:
    """The parent's objects moved out of the garbage collector's reach (``gc.freeze``) while
    forked workers run. Why: a collection in a worker writes into the header of every object
    it walks, so each page of the parent's heap a worker inherits (the report of the first
    pass of ``prepare``: its findings and dropped records) would be copied into it; frozen,
    they stay shared. Measured 2026-12-04, 2 workers, summed PSS of the process tree:
    ``prepare --fix`` of 100,000 examples 191 -> 169 MB, and 280 -> 219 MB when it drops
    30,000 duplicates; the same time. ``gc.unfreeze`` gives them back when the pool is done."""
    if not forking:
        yield
        return
    import gc

    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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


#: The engine of a forked worker process (the parent's own, for ``_write_range``).
_WORKER_ENGINE: list[Any] = []
#: The scan worker of a worker process of the local executor (forked: the parent's own).
_WORKER_SCAN: list[ScanWorker] = []


def _start_scan_worker(worker: ScanWorker | None) -> None:
    """First thing in a worker of the local executor: forked, the parent set the scan
    worker before the fork; spawned, ``worker`` is its recipe (the engine is built here)."""
    worker_setup()
    if worker is not None:
        _WORKER_SCAN[:] = [worker]
        worker.engine()


@dataclass
class SpilledPart:
    """The ``ScanResult`` of one unit, pickled to a temporary file by the worker that
    scanned it. Results travel this way rather than through the pool's pipe, which buffers a
    whole pickle in memory at both ends; the main process loads them one at a time."""

    path: str

    def load(self) -> ScanResult:
        import pickle  # imported by the processes that spill (a one-process run needs none)

        try:
            with open(self.path, "rb") as handle:
                return pickle.load(handle)
        finally:
            self.discard()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _scan_unit(unit: WorkUnit) -> SpilledPart:
    import pickle
    import tempfile

    result = _WORKER_SCAN[0].scan(unit)
    fd, path = make_temp(tempfile.gettempdir(), "scan", ".pickle")
    part = SpilledPart(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        part.discard()
        raise
    return part


class LocalExecutor(Executor):
    """The built-in executor: worker processes on this machine (``--jobs``, default every
    core), forked on Linux (a copy of this process: its engine, rules and tokenizer are
    there already) and spawned elsewhere (the engine rebuilt from its recipe)."""

    name = "local"
    in_process_when_small = True

    def __init__(self) -> None:
        self.jobs = 1

    def start(self, config: Config) -> None:
        self.jobs = max(1, config.jobs or os.cpu_count() or 1)

    def workers(self) -> int:
        return self.jobs

    def run(self, worker: ScanWorker, units: Sequence[WorkUnit]) -> Iterator[Any]:
        parts = self._scan_in_processes(worker, units)
        try:
            for part in parts:
                yield part.load()
        finally:
            for part in parts:  # those already loaded are gone: discarding them is a no-op
                part.discard()

    def _scan_in_processes(
        self, worker: ScanWorker, units: Sequence[WorkUnit]
    ) -> list[SpilledPart]:
        import multiprocessing
        import sys
        from concurrent.futures import ProcessPoolExecutor

        # fork starts a worker in milliseconds with the modules (and the tokenizer) already
        # loaded; elsewhere (macOS, Windows) workers start fresh and rebuild everything.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        context = multiprocessing.get_context(method)
        if method == "fork":
            # The pool forks its workers at the first submit, after this is set.
            _WORKER_SCAN[:] = [worker]
            initargs: tuple[Any, ...] = (None,)
        else:
            initargs = (worker,)
        try:
            with (
                frozen_for_fork(method == "fork"),
                ProcessPoolExecutor(
                    max_workers=min(self.jobs, len(units)),
                    mp_context=context,
                    initializer=_start_scan_worker,
                    initargs=initargs,
                ) as pool,
            ):
                futures = [pool.submit(_scan_unit, unit) for unit in units]
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
            _WORKER_SCAN.clear()


@hookimpl
def ftlint_executors() -> list[Executor]:
    return [LocalExecutor()]


_WORKER_PLAN: list[FixPlan] = []


def _write_range(
    file: FileContext, byte_range: ByteRange, part: str
) -> tuple[int, list[DroppedRecord], dict | None]:
    """One range of ``Engine._write_parallel`` in a forked worker: its fixed records written
    to ``part``; returns how many, the records its fixes dropped, and the records each
    transform changed when the plan notes them (``FixPlan.changes``)."""
    from ftlint.jsonl import write_line

    engine, plan = _WORKER_ENGINE[0], _WORKER_PLAN[0]
    reader = engine.reader_named(file.reader_name)
    report = FileReport(path=file.display_path)
    written = 0
    if plan.changes is not None:
        plan.changes = {}  # this range's own (the fork copied the parent's)
    with open(part, "wb", buffering=1 << 20) as handle:
        for record, data, _changed in engine.fixed_records(
            file, reader, plan, report, byte_range=byte_range
        ):
            write_line(handle, data, record.raw)  # a huge record in pieces
            written += 1
    return written, report.dropped, plan.changes

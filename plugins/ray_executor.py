"""The ``ray`` executor (``--executor ray``, the ``ray`` extra): the work units of a scan run as
Ray tasks, on a local Ray started here or on a cluster (``--ray-address ADDR``, or Ray's own
``RAY_ADDRESS``).

A task gets a unit (a file, a byte range of a JSONL file, a range of Parquet row groups) and
the run's recipe (``ScanWorker``), builds the engine once per Ray worker process, reads its
part from storage itself (a path every node sees, or a URL) and returns its scan result; the
driver merges the results in the order of the units, so the report is the local executor's.
Nothing but the unit and the result crosses the network: no record is shipped to a task.

Without an address, a local Ray is started with ``--jobs`` CPUs (default 2) and stopped at the
end of the run; an address joins an existing cluster, whose nodes must have ftlint (with the
same plugins and extras) installed. Ray is imported only when this executor is chosen.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any

from ftlint import Config, ConfigError, Executor, ScanWorker, WorkUnit, hookimpl

INSTALL_HINT = "pip install 'ftlint[ray]'"
#: CPUs of the local Ray started when no address is given and ``--jobs`` says nothing.
LOCAL_CPUS = 2


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigError(
            f"--executor ray needs Ray, which is not installed: {INSTALL_HINT}"
        ) from None
    return ray


def _scan(worker: ScanWorker, unit: WorkUnit) -> Any:
    """The body of a Ray task: one unit scanned in a Ray worker process."""
    return worker.scan(unit)


class RayExecutor(Executor):
    name = "ray"

    def __init__(self) -> None:
        self._ray: Any = None
        self._started = False
        self._task: Any = None
        self.jobs: int | None = None

    def start(self, config: Config) -> None:
        ray = self._ray = _ray()
        self.jobs = config.jobs
        self._task = None  # a remote function belongs to one Ray session
        if ray.is_initialized():  # the caller's own Ray (a notebook, a test, a job script)
            return
        address = config.extra.get("ray_address") or os.environ.get("RAY_ADDRESS") or None
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": "ERROR",
        }
        try:
            if address:
                ray.init(address=address, **options)
            else:
                ray.init(num_cpus=config.jobs or LOCAL_CPUS, **options)
        except Exception as exc:
            where = f"the Ray cluster at {address}" if address else "a local Ray"
            raise ConfigError(
                f"--executor ray could not start {where}: {type(exc).__name__}: {exc}"
            ) from None
        self._started = True

    def workers(self) -> int:
        if self.jobs:
            return self.jobs
        cpus = self._ray.cluster_resources().get("CPU", 1)
        return max(1, int(cpus))

    def run(self, worker: ScanWorker, units: Sequence[WorkUnit]) -> Iterator[Any]:
        ray = self._ray
        if self._task is None:
            self._task = ray.remote(num_cpus=1, max_retries=1)(_scan)
        recipe = ray.put(worker)  # sent once, shared by every task
        refs = [self._task.remote(recipe, unit) for unit in units]
        try:
            for index, ref in enumerate(refs):
                result = ray.get(ref)
                refs[index] = None  # the driver holds one result at a time
                yield result
        except BaseException:
            for ref in refs:
                if ref is not None:
                    with contextlib.suppress(Exception):
                        ray.cancel(ref, force=True)
            raise

    def close(self) -> None:
        if self._started:
            self._started = False
            self._ray.shutdown()


@hookimpl
def ftlint_add_options(parser: Any) -> None:
    group = parser.add_argument_group("ray executor")
    group.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="with --executor ray: the Ray cluster to use (ray://HOST:10001, HOST:6379, auto; "
        "default: RAY_ADDRESS, else a local Ray with --jobs CPUs, 2 by default)",
    )


@hookimpl
def ftlint_executors() -> list[Executor]:
    return [RayExecutor()]

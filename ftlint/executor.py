"""Where the scan of a dataset runs: executor plugins (``ftlint_executors``) and their units.

A scan is cut into work units: a whole file, or a part of one that its reader can read on its
own (a byte range of a JSONL file, a range of row groups of a Parquet file). An executor scans
every unit somewhere (this process, worker processes, Ray tasks on a cluster) and hands the
results back in the order of the units; the engine folds them in that order (record
diagnostics appended, dataset accumulators merged), so every executor gives the report of one
pass. The built-in ``local`` executor runs them in forked processes on this machine
(``ftlint.engine.parallel``); ``ray`` is a plugin.

A unit carries no data, only where to read it: whoever scans it opens the file itself (a
path every worker can read, or a URL).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ftlint.config import Config
    from ftlint.rule import FileContext


@dataclass(frozen=True)
class WorkUnit:
    """One file (``part`` None) or one part of it (what its reader's ``split`` returned),
    read as ``split`` (``train`` or ``valid``)."""

    file: FileContext
    part: Any = None
    split: str = "train"


#: The engine of this process for a scan recipe (``ScanWorker.token``): built once per worker
#: process (a Ray worker, a spawned process) and reused by every unit of the same run.
_ENGINES: dict[str, Any] = {}


class ScanWorker:
    """What an executor calls to scan a unit: ``scan(unit)`` returns the unit's scan result.

    In the process that made it, it uses the run's own engine. Pickled (to a spawned process
    or a Ray task) it carries only the recipe of that engine (its class, the configuration,
    the enabled rule codes and the run settings that vary per file), and the receiving
    process builds the engine from the recipe once, loading the same plugins."""

    def __init__(self, engine: Any) -> None:
        self._engine: Any = engine
        settings = {"validation_file": engine.settings.get("validation_file")}
        codes = sorted(rule.code for rule in engine.rules)
        self.recipe = (type(engine), engine.config, codes, settings)
        # One token per engine (and per validation file, which changes the settings): a
        # worker process builds the engine once for the whole run, never for another run.
        engine_token = getattr(engine, "_scan_token", None)
        if engine_token is None:
            import uuid  # here: uuid imports platform, a cost for every run that forks none

            engine_token = engine._scan_token = uuid.uuid4().hex
        self.token = f"{engine_token}:{settings['validation_file']}"

    def __getstate__(self) -> dict[str, Any]:
        return {"recipe": self.recipe, "token": self.token}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._engine = None

    def engine(self) -> Any:
        """This process's engine for the recipe (built here on first use)."""
        if self._engine is None:
            engine = _ENGINES.get(self.token)
            if engine is None:
                engine = build_engine(*self.recipe)
                _ENGINES.clear()  # one run at a time per worker process
                _ENGINES[self.token] = engine
            self._engine = engine
        return self._engine

    def scan(self, unit: WorkUnit) -> Any:
        from ftlint.tokens import expect_input

        engine = self.engine()
        expect_input(unit.file.size)  # a worker built here counts a large file with tiktoken
        reader = engine.reader_named(unit.file.reader_name)
        return engine.scan(unit.file, reader, byte_range=unit.part, split=unit.split)


def build_engine(
    engine_class: type, config: Config, codes: Sequence[str], settings: dict[str, Any]
) -> Any:
    """The run's engine rebuilt in another process from its configuration (its plugins are
    loaded here too: they must be installed wherever the work runs)."""
    from ftlint.pluginmanager import load_plugins

    plugins = load_plugins(list(config.plugins))
    plugins.hook.ftlint_configure.call_historic(kwargs={"config": config})
    engine = engine_class(config, plugins)
    mine = sorted(rule.code for rule in engine.rules)
    if mine != list(codes):
        differ = ", ".join(sorted(set(mine) ^ set(codes)))
        raise RuntimeError(f"worker rules differ from the main process ({differ})")
    engine.settings.update(settings)
    return engine


class Executor:
    """Base class of executor plugins (``ftlint_executors`` returns instances)."""

    #: The name ``--executor`` takes.
    name: ClassVar[str]
    #: True for the built-in local executor: a small dataset is then scanned in this process,
    #: without workers. An executor the user chose to send work elsewhere gets every unit.
    in_process_when_small: ClassVar[bool] = False

    def start(self, config: Config) -> None:
        """Called once, before the first ``run`` (connect to a cluster, read options)."""

    def workers(self) -> int:
        """How many units can run at once: decides how many parts a large file is cut into."""
        return 1

    def run(self, worker: ScanWorker, units: Sequence[WorkUnit]) -> Iterator[Any]:
        """Scan every unit (``worker.scan(unit)``, wherever it runs) and yield the results in
        the order of ``units``. Raise if the machinery fails: the engine then scans the units
        in this process, with a note."""
        raise NotImplementedError

    def close(self) -> None:
        """Called at the end of the run (stop what ``start`` started)."""

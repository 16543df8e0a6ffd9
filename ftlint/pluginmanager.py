"""Loading plugins: entry points of the ``ftlint`` group (built-ins included), ``-p MODULE`` to
load one more, ``-p no:NAME`` to block one. A plugin that fails to load is a warning, never a
crash (sqlfluff's approach)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import FunctionType, MethodType, ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from ftlint import hookspecs
from ftlint.markers import PROJECT, hookimpl

if TYPE_CHECKING:
    import importlib.metadata

    from ftlint.config import Config
    from ftlint.executor import Executor
    from ftlint.masking import Redactor
    from ftlint.output import OutputFormat
    from ftlint.reader import Reader
    from ftlint.rule import Rule
    from ftlint.targets import Target

ENTRY_POINT_GROUP = PROJECT
__all__ = ["ENTRY_POINT_GROUP", "PluginInfo", "Plugins", "hookimpl", "load_plugins"]


@dataclass
class PluginInfo:
    """A loaded plugin. Its distribution's name and version are read only when asked for
    (``ftlint plugins``): parsing package metadata costs more than loading the plugin."""

    name: str
    module: str
    dist: importlib.metadata.Distribution | None = None
    #: The entry point it was loaded from: its distribution is found when asked for.
    entry_point: Any = None

    def _dist(self) -> importlib.metadata.Distribution | None:
        if self.dist is None and self.entry_point is not None:
            self.dist = self.entry_point.dist
        return self.dist

    @property
    def version(self) -> str | None:
        dist = self._dist()
        return dist.version if dist is not None else None

    @property
    def distribution(self) -> str | None:
        dist = self._dist()
        return dist.metadata["Name"] if dist is not None else None


@dataclass
class Plugins:
    """The loaded plugins and what they provide, gathered once per run."""

    manager: pluggy.PluginManager
    infos: list[PluginInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _rules: list[type[Rule]] | None = None
    _readers: list[Reader] | None = None
    _formats: dict[str, OutputFormat] | None = None
    _targets: dict[str, Target] | None = None
    _executors: dict[str, Executor] | None = None

    @property
    def hook(self) -> pluggy.HookRelay:
        return self.manager.hook

    def rules(self) -> list[type[Rule]]:
        if self._rules is None:
            seen: dict[str, type[Rule]] = {}
            for group in self._call_each("ftlint_rules"):
                for rule in group or ():
                    if rule.code in seen and seen[rule.code] is not rule:
                        self.warnings.append(
                            f"rule code {rule.code} of {rule.__module__} is already used by "
                            f"{seen[rule.code].__module__}; the second one is ignored"
                        )
                        continue
                    seen[rule.code] = rule
            self._rules = sorted(seen.values(), key=lambda r: r.code)
        return self._rules

    def readers(self) -> list[Reader]:
        if self._readers is None:
            self._readers = [r for group in self._call_each("ftlint_readers") for r in group or ()]
        return self._readers

    def output_formats(self) -> dict[str, OutputFormat]:
        if self._formats is None:
            self._formats = {
                f.name: f for group in self._call_each("ftlint_output_formats") for f in group or ()
            }
        return self._formats

    def targets(self) -> dict[str, Target]:
        if self._targets is None:
            self._targets = {
                t.name: t for group in self._call_each("ftlint_targets") for t in group or ()
            }
        return self._targets

    def executors(self) -> dict[str, Executor]:
        if self._executors is None:
            self._executors = {
                e.name: e for group in self._call_each("ftlint_executors") for e in group or ()
            }
        return self._executors

    def record_formats(self) -> list[Any]:
        """The record formats of every plugin (the built-in ones come from ftlint.formats)."""
        return [f for group in self._call_each("ftlint_record_formats") for f in group or ()]

    def redactors(self, config: Config) -> list[Redactor]:
        """Every redactor of every plugin (``ftlint_redactors``): not cached, they depend on
        the configuration."""
        return [
            r for group in self._call_each("ftlint_redactors", config=config) for r in group or ()
        ]

    def _call_each(self, hook_name: str, **kwargs: Any) -> list:
        """Call a hook implementation by implementation, so one broken plugin cannot take the
        others down: its exception becomes a warning naming it."""
        results = []
        caller = getattr(self.manager.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            try:
                results.append(impl.function(**{k: kwargs[k] for k in impl.argnames}))
            except Exception as exc:
                self.warnings.append(
                    f"plugin {impl.plugin_name!r} failed in {hook_name}: "
                    f"{type(exc).__name__}: {exc}"
                )
        return results


_MISSING = object()


class _Manager(pluggy.PluginManager):
    """pluggy's manager, with a cheap first look at a module plugin's names.

    Why: ``register`` asks ``parse_hookimpl_opts`` about every name of a plugin (its imports
    included), and pluggy answers each through ``inspect.getattr_static``; for ~30 plugin
    modules that was a tenth of a pre-commit run's start. A module holds its names in its
    ``__dict__`` and has no descriptors of its own, so a plain function there without the
    marker, or a value of a kind pluggy never hooks, is no implementation: answered here.
    Everything else (classes, instances, the marked functions) goes to pluggy unchanged."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self._marker = project_name + "_impl"  # the attribute HookimplMarker sets

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        if type(plugin) is ModuleType:
            value = plugin.__dict__.get(name, _MISSING)
            if type(value) is FunctionType:
                if self._marker not in value.__dict__:
                    return None
            elif value is not _MISSING and not isinstance(value, _HOOKABLE):
                return None
        return super().parse_hookimpl_opts(plugin, name)


#: What pluggy takes as a hook implementation besides a plain function.
_HOOKABLE = (staticmethod, classmethod, MethodType)


def _entry_points() -> list[Any]:
    """The group's entry points: the plain scan of ``sys.path`` (``ftlint.entry_points``), or
    ``importlib.metadata`` where only it can tell."""
    from ftlint.entry_points import entry_points

    found = entry_points(ENTRY_POINT_GROUP)
    if found is None:
        import importlib.metadata

        return list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    return found


def load_plugins(extra: list[str] | None = None) -> Plugins:
    """Create the plugin manager and load every plugin.

    ``extra`` holds ``-p`` values: ``no:NAME`` blocks the plugin registered as NAME (an entry
    point name or a module given with ``-p``); anything else is imported as a module.
    """
    manager = _Manager(PROJECT)
    manager.add_hookspecs(hookspecs)
    plugins = Plugins(manager)
    extra = extra or []
    blocked = {value[3:] for value in extra if value.startswith("no:")}
    for name in blocked:
        manager.set_blocked(name)

    for entry_point in _entry_points():
        if manager.is_blocked(entry_point.name) or manager.has_plugin(entry_point.name):
            continue
        try:
            module = entry_point.load()
            manager.register(module, name=entry_point.name)
        except Exception as exc:
            plugins.warnings.append(
                f"plugin {entry_point.name!r} ({entry_point.value}) could not be loaded and is "
                f"skipped: {type(exc).__name__}: {exc}"
            )
            continue
        plugins.infos.append(
            PluginInfo(name=entry_point.name, module=entry_point.value, entry_point=entry_point)
        )

    for value in extra:
        if value.startswith("no:") or manager.is_blocked(value) or manager.has_plugin(value):
            continue
        try:
            module = importlib.import_module(value)
            if manager.is_registered(module):  # installed too: loaded by its entry point
                continue
            manager.register(module, name=value)
        except Exception as exc:
            plugins.warnings.append(
                f"plugin module {value!r} given with -p could not be loaded: "
                f"{type(exc).__name__}: {exc}"
            )
            continue
        plugins.infos.append(PluginInfo(name=value, module=value))
    return plugins

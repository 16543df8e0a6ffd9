"""Start-up shortcuts (issue 14 point 7) give what the long way gives: the cheap look at a
module plugin's names finds the hook implementations pluggy finds."""

from __future__ import annotations

import types

import pluggy

from ftlint import hookimpl
from ftlint.markers import PROJECT
from ftlint.pluginmanager import _Manager, load_plugins


def _found(manager: pluggy.PluginManager, module: types.ModuleType) -> dict[str, object]:
    names = {}
    for name in dir(module):
        opts = manager.parse_hookimpl_opts(module, name)
        if opts is not None:
            names[name] = opts
    return names


def test_every_installed_plugin_registers_the_same_implementations() -> None:
    plain = pluggy.PluginManager(PROJECT)
    ours = _Manager(PROJECT)
    plugins = load_plugins()
    assert len(plugins.infos) >= 20
    for _name, module in plugins.manager.list_name_plugin():
        found = _found(ours, module)
        assert found == _found(plain, module), module
        assert found, module  # each plugin module has at least one implementation


def test_a_module_with_every_kind_of_attribute() -> None:
    module = types.ModuleType("odd_plugin")

    @hookimpl
    def ftlint_readers() -> list:
        return []

    @hookimpl(specname="ftlint_rules")
    def any_name() -> list:
        return []

    def unmarked() -> None:
        pass

    class Holder:
        @staticmethod
        @hookimpl
        def ftlint_targets() -> list:
            return []

    marked_static = staticmethod(hookimpl(lambda: []))
    module.__dict__.update(
        ftlint_readers=ftlint_readers,
        any_name=any_name,
        unmarked=unmarked,
        Holder=Holder,
        number=3,
        text="ftlint_impl",
        builtin=len,
        static=marked_static,
        bound=Holder().ftlint_targets,
    )
    assert _found(_Manager(PROJECT), module) == _found(pluggy.PluginManager(PROJECT), module)
    assert set(_found(_Manager(PROJECT), module)) >= {"ftlint_readers", "any_name"}

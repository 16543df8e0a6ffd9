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


def _subparsers(parser):
    import argparse

    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_the_parser_of_the_running_command_is_the_full_one() -> None:
    """Built for one command, the parser parses, helps and complains as the full one does."""
    from ftlint.cli import _COMMANDS, UsageError, build_parser

    plugins = load_plugins()
    full = build_parser(plugins)
    assert {"submit", "jobs", *_COMMANDS} <= set(_subparsers(full).choices)
    argvs = [
        ["check", "a.jsonl", "--select", "FT1", "--target", "openai", "-f", "json", "--fix"],
        ["prepare", "a.csv", "-o", "out.jsonl", "--split", "0.2", "--seed", "3"],
        ["rules", "--format", "json"],
        ["rule", "FT101"],
        ["targets", "--format", "markdown"],
        ["plugins"],
    ]
    for argv in argvs:
        short = build_parser(plugins, argv)
        assert vars(short.parse_args(argv)) == vars(full.parse_args(argv)), argv
        name = argv[0]
        assert (
            _subparsers(short).choices[name].format_help()
            == _subparsers(full).choices[name].format_help()
        )
        for bad in ([name, "--no-such-option"], [name, "--format"], [name, "-j", "x"]):
            messages = []
            for parser in (short, full):
                try:
                    parser.parse_args(bad)
                    messages.append("parsed")
                except UsageError as exc:
                    messages.append(str(exc))
            assert messages[0] == messages[1], bad
            assert bad[1] != "--no-such-option" or messages[0] != "parsed"  # refused by both
    # the top-level help lists every command, plugins' too, whatever the parser was built for
    assert build_parser(plugins, ["--help"]).format_help() == full.format_help()
    assert "submit" in full.format_help()


def test_a_plugin_command_or_no_command_builds_everything() -> None:
    from ftlint.cli import _command_of

    assert _command_of(["submit", "t.jsonl"]) is None
    assert _command_of([]) is None
    assert _command_of(["--version"]) is None
    assert _command_of(["--", "check"]) is None
    assert _command_of(["check", "prepare"]) == "check"

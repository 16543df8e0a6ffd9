"""Start-up shortcuts (issue 14 point 7) give what the long way gives: the cheap look at a
module plugin's names finds the hook implementations pluggy finds."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pluggy
import pytest

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


# -- TOML read once per text ---------------------------------------------------------------------


def _never_parse(monkeypatch) -> None:
    from ftlint import toml_cache

    def refuse() -> None:
        raise AssertionError("parsed although the cache holds the text")

    monkeypatch.setattr(toml_cache, "_tomllib", refuse)


def test_toml_texts_come_back_from_the_cache_as_tomllib_parses_them(tmp_path, monkeypatch):
    import tomllib

    from ftlint import toml_cache
    from ftlint.targets import DATA_DIR, ftlint_targets

    monkeypatch.setenv("FTLINT_CACHE_DIR", str(tmp_path / "cache"))
    texts = [p.read_text(encoding="utf-8") for p in sorted(DATA_DIR.glob("*.toml"))]
    texts += ['[tool.ftlint]\nselect = ["FT1"]\nmax-depth = 40\nratio = 2.5\nfix = true\n', ""]
    first = [toml_cache.loads(text) for text in texts]
    targets = ftlint_targets()
    _never_parse(monkeypatch)
    assert [toml_cache.loads(text) for text in texts] == first
    assert first == [tomllib.loads(text) for text in texts]
    assert ftlint_targets() == targets
    for entry in (tmp_path / "cache" / "toml").iterdir():
        assert entry.stat().st_mode & 0o077 == 0


def test_what_json_cannot_keep_is_parsed_every_time(tmp_path, monkeypatch):
    import datetime as dt
    import math

    import tomllib

    from ftlint import toml_cache

    monkeypatch.setenv("FTLINT_CACHE_DIR", str(tmp_path / "cache"))
    kept_badly = ("day = 2027-01-06\n", "x = inf\n", "t = 07:32:00\n", "d = 1979-05-27T07:32:00Z")
    for text in kept_badly:
        assert toml_cache.loads(text) == tomllib.loads(text)
    assert toml_cache.loads("day = 2027-01-06\n") == {"day": dt.date(2027, 1, 6)}
    assert math.isnan(toml_cache.loads("x = nan\n")["x"])
    assert not (tmp_path / "cache" / "toml").exists() or not any(
        (tmp_path / "cache" / "toml").iterdir()
    )


def test_a_cache_entry_for_another_text_or_not_to_trust_is_not_used(tmp_path, monkeypatch):
    from ftlint import toml_cache

    monkeypatch.setenv("FTLINT_CACHE_DIR", str(tmp_path / "cache"))
    text = 'name = "real"\n'
    assert toml_cache.loads(text) == {"name": "real"}
    (entry,) = (tmp_path / "cache" / "toml").iterdir()
    # the same name (checksum) but another text in it: a collision is no hit
    entry.write_bytes(toml_cache.MAGIC + b'{"text": "other", "data": {"name": "forged"}}')
    assert toml_cache.loads(text) == {"name": "real"}
    entry.write_bytes(toml_cache.MAGIC + b'{"text": "name = \\"real\\"\\n", "data": {"x": 1}}')
    entry.chmod(0o666)  # others may write it: not read
    assert toml_cache.loads(text) == {"name": "real"}
    entry.write_bytes(b"garbage")
    entry.chmod(0o600)
    assert toml_cache.loads(text) == {"name": "real"}


def test_broken_toml_still_raises_tomllibs_error(tmp_path, monkeypatch):
    import pytest
    import tomllib

    from ftlint import toml_cache
    from ftlint.config import ConfigError, load_config_table

    monkeypatch.setenv("FTLINT_CACHE_DIR", str(tmp_path / "cache"))
    assert toml_cache.TOMLDecodeError is tomllib.TOMLDecodeError
    with pytest.raises(tomllib.TOMLDecodeError):
        toml_cache.loads("x = = 1\n")
    broken = tmp_path / "ftlint.toml"
    broken.write_text("select = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_config_table(broken)


@pytest.mark.parametrize("columns", [None, "120", "0", "-3", "wide", "40"])
def test_the_help_is_as_wide_as_argparse_makes_it(monkeypatch, columns):
    import argparse

    from ftlint.cli import _Formatter

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert _Formatter("ftlint")._width == argparse.HelpFormatter("ftlint")._width


#: What a pre-commit-sized check has no use for (each was imported by every run before).
_NOT_AT_START = (
    "regex", "tomllib", "shutil", "tempfile", "csv", "pickle", "mimetypes", "decimal", "hashlib",
    "tiktoken", "ftlint.plugins.html_page", "ftlint.plugins.columns_map",
    "ftlint.plugins.submit.commands", "ftlint.rules.file.language", "ftlint.api",
)  # fmt: skip


def test_a_small_check_imports_none_of_what_it_does_not_use(tmp_path):
    """A check of a dozen ASCII chat examples, every default rule, the default target and
    the openai one, once the first run has filled the caches: none of ``_NOT_AT_START``."""
    from tests.conftest import write_jsonl

    records = [
        {"messages": [{"role": "user", "content": f"Question {i}?"},
                      {"role": "assistant", "content": f"Answer {i}."}]}
        for i in range(12)
    ]  # fmt: skip
    data = write_jsonl(tmp_path / "train.jsonl", records)
    code = (
        "import sys\n"
        "from ftlint.cli import main\n"
        "main(sys.argv[1:])\n"
        f"print('LOADED', sorted(m for m in {_NOT_AT_START!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "FTLINT_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}
    for run_number, target in enumerate(("together", "openai", "together")):
        run = subprocess.run(
            [sys.executable, "-c", code, "check", str(data), "--target", target],
            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
        )  # fmt: skip
        assert run.returncode in (0, 1), run.stderr
        if run_number:  # the first one writes the caches (tempfile, tomllib, regex's probes)
            loaded = run.stdout.rpartition("LOADED")[2].strip()
            assert loaded == "[]", (target, run.stdout[-400:])


def test_the_toml_cache_keeps_its_newest_entries_only(tmp_path, monkeypatch):
    from ftlint import toml_cache
    from ftlint.encoding_cache import checksum

    monkeypatch.setenv("FTLINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(toml_cache, "MAX_ENTRIES", 3)
    folder = tmp_path / "cache" / "toml"
    texts = [f"n = {i}\n" for i in range(4)]
    for text in texts[:3]:
        toml_cache.loads(text)
    entries = {text: folder / f"{checksum(text.encode()):016x}.json" for text in texts}
    for age, text in zip((300, 200, 100), texts[:3], strict=True):  # the first is the oldest
        os.utime(entries[text], (1_000_000 - age, 1_000_000 - age))
    assert toml_cache.loads(texts[3]) == {"n": 3}
    assert len(list(folder.iterdir())) == 3
    assert not entries[texts[0]].exists()
    assert all(entries[text].exists() for text in texts[1:])

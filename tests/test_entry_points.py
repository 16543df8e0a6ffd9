"""The plain scan of ``sys.path`` for entry points (``ftlint.entry_points``) finds what
``importlib.metadata`` finds, in its order: in this environment for several groups, and on
made-up folders (a name twice on ``sys.path``, one without entry points shadowing a later one,
``.egg-info``, comments, odd spacing and case); where it could differ it says so (None)."""

from __future__ import annotations

import importlib.metadata
import sys
import zipfile

import pytest

from ftlint import entry_points as scan


def _theirs(group: str) -> list[tuple[str, str, str]]:
    return [(e.name, e.value, e.group) for e in importlib.metadata.entry_points(group=group)]


def _ours(group: str) -> list[tuple[str, str, str]]:
    found = scan.entry_points(group)
    assert found is not None
    return [(e.name, e.value, e.group) for e in found]


@pytest.mark.parametrize("group", ["ftlint", "console_scripts", "pytest11", "hypothesis"])
def test_this_environment(group):
    assert _ours(group) == _theirs(group)


def _dist(folder, name: str, text: str | None, suffix: str = ".dist-info") -> None:
    info = folder / f"{name}{suffix}"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name.split('-')[0]}\n")
    if text is not None:
        (info / "entry_points.txt").write_text(text)


def test_made_up_folders(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    _dist(first, "zeta_plugin-1.0", "[ftlint]\nzeta = zeta.plugin\n")
    _dist(first, "Shadow.Pkg-2.0", None)  # no entry points: hides the later one of its name
    _dist(first, "legacy-0.1", "# comment\n[ftlint]\n  old=legacy.mod:hook \n# more\n", ".egg-info")
    _dist(first, "alpha-3", "[other]\nx = y\n\n[ftlint]\nalpha = alpha:attr.sub\n[gui]\nz = w\n")
    _dist(second, "shadow_pkg-1.0", "[ftlint]\nshadowed = nope\n")
    _dist(second, "Zeta.Plugin-0.9", "[ftlint]\nolder = zeta.old\n")
    _dist(second, "beta-1.0", "[ftlint]\nbeta = beta\n")
    monkeypatch.setattr(sys, "path", [str(first), str(tmp_path / "missing"), str(second)])
    assert _ours("ftlint") == _theirs("ftlint")
    names = [name for name, _value, _group in _ours("ftlint")]
    assert "shadowed" not in names and "older" not in names and "beta" in names


def test_where_it_could_differ_it_says_so(tmp_path, monkeypatch):
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("p-1.0.dist-info/entry_points.txt", "[ftlint]\np = p\n")
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert scan.entry_points("ftlint") is None

    class Finder:
        def find_spec(self, *args):
            return None

        def find_distributions(self, *args):
            return iter(())

    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert scan.entry_points("ftlint") is None


def test_load_and_distribution(tmp_path):
    point = scan.EntryPoint("x", "os.path:join", "ftlint", str(tmp_path / "x-1.dist-info"))
    import os.path

    assert point.load() is os.path.join
    assert scan.EntryPoint("m", "os.path", "ftlint", "").load() is os.path
    ours = next(e for e in scan.entry_points("ftlint") or [] if e.name == "chat")
    assert ours.dist.metadata["Name"] == "ftlint"

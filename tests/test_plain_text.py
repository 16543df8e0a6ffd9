"""The text report written without rich (``ftlint.plugins.plain_text``) is what rich writes:
its escape is rich's, its markup reading is rich's on arbitrary text, whole reports come out
the same byte for byte, a terminal or a forced colour still gets rich, and a small check
imports no rich at all."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from ftlint.plugins import output_text, plain_text
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.markup import escape as rich_escape

from .conftest import write_jsonl

#: Text with what rich's markup cares about: brackets, backslashes, tag-like words, and
#: anything else Unicode has (control characters too: rich's own path takes those).
_TRICKY = st.sampled_from(
    ["[", "]", "\\", "\\\\", "[/]", "[bold]", "[/bold]", "[#fff]", "[@click]", "[a=b]", "[ x]",
     "[1]", "[[", "]]", "x", " ", "\n", "\t", "\r", "\x07", ":smile:", "é", "中", "😀"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_TRICKY, st.text(max_size=8)), max_size=12).map("".join)
#: The report's own markup around a text (styles of ``output_text``).
_TEMPLATES = [
    "{}",
    "[bold]{}[/]: [bold red]FT101 error[/]: {} [dim](name)[/]",
    "  [dim]│ {}[/]",
    "  [green]{}[/]",
    "[yellow]{}:[/] [cyan]\\[{}][/]",
    "[dim]note:[/] {}",
]


def _rich(markup: str) -> str:
    stream = io.StringIO()
    Console(file=stream, no_color=True, highlight=False, soft_wrap=True, emoji=False).print(markup)
    return stream.getvalue()


def _ours(markup: str) -> str:
    stream = io.StringIO()
    plain_text.PlainConsole(stream, lambda: output_text.make_console(stream, True)).print(markup)
    return stream.getvalue()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=_TEXT)
def test_the_escape_is_rich_s(text):
    assert plain_text.escape(text) == rich_escape(text)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(texts=st.lists(_TEXT, min_size=2, max_size=2), template=st.sampled_from(_TEMPLATES))
def test_escaped_text_in_the_report_s_markup_reads_as_rich_reads_it(texts, template):
    markup = template.format(*(plain_text.escape(t) for t in texts[: template.count("{}")]))
    if plain_text._RICH_CHANGES.search(markup):
        return  # handed to rich itself (below)
    assert _ours(markup) == _rich(markup)


def test_lines_rich_would_change_more_go_through_rich():
    stream = io.StringIO()
    calls = []

    class Recording:
        def print(self, markup):
            calls.append(markup)

    console = plain_text.PlainConsole(stream, Recording)
    console.print("a[bold]b[/]")
    console.print("tab\there")
    console.print("cr\rhere")
    assert stream.getvalue() == "ab\n"
    assert calls == ["tab\there", "cr\rhere"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rich_decides_on_a_terminal_with_colour_forced_or_told_by_the_environment(monkeypatch):
    for name in plain_text._RICH_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    assert plain_text.writes_plain(io.StringIO(), None)
    assert plain_text.writes_plain(io.StringIO(), False)
    assert not plain_text.writes_plain(io.StringIO(), True)
    assert not plain_text.writes_plain(_Terminal(), None)
    assert not plain_text.writes_plain(_Terminal(), False)  # no colour, but bold and dim
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert not plain_text.writes_plain(io.StringIO(), None)


@pytest.mark.parametrize("args", [[], ["--show-all"], ["--statistics"], ["--show-fixes"]])
def test_whole_reports_are_the_same_with_and_without_rich(tmp_path, monkeypatch, run_cli, args):
    rows = [
        {"messages": [{"role": "user", "content": "a [bold]tag[/] \\ and [x]"}]},
        {"messages": [{"role": "system", "content": "s"}, {"role": "assistant", "content": ""}]},
        {"prompt": "tab\there", "completion": " done\\"},
        "not an object",
        {"messages": [{"role": "user", "content": "Call me at +1 (415) 555-0134 \r"}]},
    ]
    path = write_jsonl(tmp_path / "mixed.jsonl", rows * 3)
    _code, ours, _err = run_cli("check", path, "--color", "never", *args)
    monkeypatch.setattr(plain_text, "writes_plain", lambda stream, color: False)
    _code, theirs, _err = run_cli("check", path, "--color", "never", *args)
    assert ours == theirs
    assert "FT" in ours


def test_a_small_check_to_a_pipe_imports_no_rich(tmp_path):
    data = write_jsonl(tmp_path / "small.jsonl", [{"prompt": "a", "completion": " b"}] * 12)
    code = (
        "import sys\n"
        "from ftlint.cli import main\n"
        f"main(['check', {str(data)!r}])\n"
        "print('RICH', 'rich' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in plain_text._RICH_ENVIRONMENT}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.stdout.rstrip().endswith("RICH False"), result.stdout[-500:] + result.stderr

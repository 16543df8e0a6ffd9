"""The text report without rich where rich would write plain text: a pipe, a file, a hook.

Why: importing rich's console costs more than the rest of a small check's report (measured
here: about 0.13 G instructions, an eighth of a pre-commit run on a 12-line file). Where rich
would add no colour and no style (the stream is no terminal and nothing forces one), the
report's lines are rich markup that only has to lose its tags; ``PlainConsole`` does that
itself, exactly as rich's markup parser reads them (``tests/test_plain_text.py`` compares
both on arbitrary text), and hands a line to rich only when rich would change more than the
tags (control characters it strips, tabs it expands).
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any, TextIO

#: rich's markup tag: ``[`` + a lower-case letter, ``#``, ``/`` or ``@`` + anything up to the
#: first ``]`` without another ``[``, with the backslashes written before it (rich 13-14,
#: ``rich.markup``).
_TAG = re.compile(r"(\\*)(\[[a-z#/@][^[]*?\])")
#: Characters rich changes in text besides its tags: bell, backspace, vertical tab, form feed
#: and carriage return (stripped) and tab (expanded).
_RICH_CHANGES = re.compile("[\t\x07\x08\x0b\x0c\r]")
#: Variables with which rich decides on a terminal itself, or renders for a notebook.
_RICH_ENVIRONMENT = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")


def escape(text: str) -> str:
    """``text`` as rich markup that shows it as it is: what ``rich.markup.escape`` returns (a
    backslash before each ``[`` that would open a tag, doubling the backslashes already there,
    and one more backslash after a single trailing one)."""
    escaped = _TAG.sub(lambda m: m.group(1) * 2 + "\\" + m.group(2), text)
    if escaped.endswith("\\") and not escaped.endswith("\\\\"):
        escaped += "\\"
    return escaped


def plain(markup: str) -> str:
    """The text rich shows for ``markup`` without styles: every tag dropped; before a tag,
    each pair of backslashes is one backslash, and an odd one out makes the tag literal text;
    elsewhere a backslash before ``[`` is dropped. Markup without ``[`` is shown as it is."""
    if "[" not in markup:
        return markup
    parts: list[str] = []
    position = 0
    for match in _TAG.finditer(markup):
        parts.append(markup[position : match.start()].replace("\\[", "["))
        backslashes, escaped = divmod(len(match.group(1)), 2)
        parts.append("\\" * backslashes)
        if escaped:
            parts.append(match.group(2))
        position = match.end()
    parts.append(markup[position:].replace("\\[", "["))
    return "".join(parts)


def writes_plain(stream: TextIO, color: bool | None) -> bool:
    """Whether rich would write ``stream`` without any style: colour not forced, no variable
    that makes rich decide on a terminal, no notebook, and a stream that is no terminal."""
    if color is True or any(name in os.environ for name in _RICH_ENVIRONMENT):
        return False
    if "IPython" in sys.modules or "idlelib" in sys.modules:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return isatty is None or not isatty()
    except ValueError:  # a closed stream: rich takes it for no terminal either
        return True


class PlainConsole:
    """``print(markup)`` as rich's console prints it to a stream without styles, soft-wrapped
    (no line is broken), markup on, emoji codes and highlighting off."""

    def __init__(self, stream: TextIO, make_rich: Any) -> None:
        self.stream = stream
        self._make_rich = make_rich
        self._rich: Any = None

    def print(self, markup: str) -> None:
        if _RICH_CHANGES.search(markup):
            if self._rich is None:
                self._rich = self._make_rich()
            self._rich.print(markup)
            return
        self.stream.write(plain(markup) + "\n")

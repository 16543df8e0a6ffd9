"""Control characters: which ones the content rules report, a fast test for them, and their
removal (with the LaTeX commands whose backslash became one)."""

from __future__ import annotations

import re

#: C0 controls other than tab, line feed and carriage return, and DEL. (C1 controls, U+0080 to
#: U+009F, are nearly always Windows-1252 punctuation decoded as Latin-1: mojibake.)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Every byte but those ``CONTROL_RE`` matches: deleting them leaves the control characters.
_NOT_CONTROL = bytes(
    b for b in range(256) if not (b < 0x09 or b in (0x0B, 0x0C) or 0x0E <= b < 0x20 or b == 0x7F)
)


#: Characters of a text encoded at a time by ``has_control`` (a huge text is not copied whole).
_SLICE = 1 << 20


def has_control(text: str) -> bool:
    """``CONTROL_RE.search(text) is not None``, twice as fast: UTF-8 writes the characters
    ``CONTROL_RE`` matches as those very bytes and every other character with other bytes,
    and deleting bytes is one pass in C. A huge text is encoded a slice at a time (each
    character is encoded on its own, so slices give the same answer), not copied whole."""
    if len(text) > _SLICE:
        return any(has_control(text[i : i + _SLICE]) for i in range(0, len(text), _SLICE))
    return bool(text.encode("utf-8", "surrogatepass").translate(None, _NOT_CONTROL))


#: Vertical tab and form feed (page breaks of text extracted from PDFs) become a line feed.
_CONTROL_TABLE = {c: None for c in [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F]}
_CONTROL_TABLE.update({0x0B: "\n", 0x0C: "\n"})

#: A LaTeX command whose backslash was taken for an escape: ``"\\frac"`` written in a JSON or
#: Python string as ``"\frac"`` is a form feed followed by ``rac``. ``\a``, ``\b``, ``\f``
#: and ``\v`` are the escapes that yield control characters (``\t``, ``\n``, ``\r`` give
#: whitespace).
LATEX_ESCAPE_RE = re.compile(
    r"\x07(?:lpha|pprox|ngle|rc(?:cos|sin|tan)|leph|st)\b"
    r"|\x08(?:eta|egin|ar|inom|ig(?:cup|cap|l|r)?|oldsymbol|mod|ot|oxed|ullet|ackslash|f)\b"
    r"|\x0c(?:rac|orall|lat|rown|box)\b"
    r"|\x0b(?:ec|ar(?:epsilon|theta|phi|rho|sigma|pi)|ee|dots|ert|line)\b"
)
_ESCAPE_LETTERS = {"\x07": "\\a", "\x08": "\\b", "\x0c": "\\f", "\x0b": "\\v"}


def restore_latex(match: re.Match[str]) -> str:
    """The LaTeX command a ``LATEX_ESCAPE_RE`` match stands for, backslash restored."""
    text = match.group()
    return _ESCAPE_LETTERS[text[0]] + text[1:]


def remove_controls(text: str) -> str:
    """The text without its control characters: LaTeX commands whose backslash became a
    control character get it back, a vertical tab or form feed becomes ``\\n``, the rest go."""
    if CONTROL_RE.search(text) is None:
        return text
    return LATEX_ESCAPE_RE.sub(restore_latex, text).translate(_CONTROL_TABLE)

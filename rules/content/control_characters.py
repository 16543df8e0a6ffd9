"""FT501 control-characters: NUL, BEL, escape and the other invisible control characters."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ftlint.rules.content.base import TextRule, snippet
from ftlint.rules.content.controls import (
    CONTROL_RE,
    LATEX_ESCAPE_RE,
    remove_controls,
    restore_latex,
)
from ftlint.rules.content.texts import CONTROL, record_texts, suspects

from ftlint import Applicability, Diagnostic, Fix, Record, SetValue, Severity

#: The names of the control characters a message names.
_CONTROL_NAMES = {
    0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL",
}  # fmt: skip


class ControlCharacters(TextRule):
    """## What it does
    Reports control characters in a text: NUL, BEL, backspace, escape, form feed and the rest of
    U+0000-U+001F and U+007F, except tab, line feed and carriage return (ordinary whitespace).

    ## Why is this bad?
    They are invisible, mean nothing to the model, and come from broken exports (PDF
    extraction, terminal output, binary data pasted into a cell). Some tools reject them.

    ## Example
    `{"prompt": "Total:\\u0007 42", "completion": " ok"}`

    A common cause in mathematics data: `\\frac{a}{b}` written into a JSON or Python string
    as `"\\frac"` instead of `"\\\\frac"`: `\\f` is the form-feed escape (`\\b`, `\\a` and
    `\\v` likewise).

    ## Fix safety
    Safe: the characters are removed; a vertical tab or form feed (a page break) becomes a
    line feed, and a LaTeX command that lost its backslash this way (`\\frac`, `\\beta`,
    `\\alpha`, `\\vec` ...) gets it back.
    """

    code = "FT501"
    name = "control-characters"
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & CONTROL else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            match = CONTROL_RE.search(text)
            if match is None:
                continue
            count = len(CONTROL_RE.findall(text))
            code = ord(match.group())
            name = _CONTROL_NAMES.get(code)
            first = f"U+{code:04X}" + (f" {name}" if name else "")
            latex = LATEX_ESCAPE_RE.search(text)
            if latex is not None:
                command = restore_latex(latex)
                why = (
                    f"`{command}` lost its backslash: the LaTeX command was written in a string "
                    f"where `{command[:2]}` is an escape sequence"
                )
            else:
                why = "invisible noise from a broken export"
            action = "remove the control characters"
            if latex is not None:
                action = "restore the LaTeX backslashes and remove the other control characters"
            yield self.diagnostic(
                f"{count} control character{'' if count == 1 else 's'} (first: {first} at "
                f"character {match.start() + 1}): {why}",
                record.location.at(field=field),
                fix=Fix.safe(action, SetValue(field, remove_controls(text))),
                excerpt=snippet(text, match.start(), match.end(), 40),
            )

"""FT506 template-placeholder: `{{name}}` and `{name}` left unfilled in prose."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ftlint.rules.content.base import TextRule, snippet
from ftlint.rules.content.texts import BRACE, record_texts, suspects

from ftlint import Diagnostic, Record, Severity

#: Code is not prose: fenced blocks and inline code spans are left out of the search.
_CODE_RE = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|`[^`\n]+`", re.S)
#: ``{{ name }}`` (Jinja, Mustache, Handlebars ...).
_DOUBLE_RE = re.compile(r"\{\{\s*[A-Za-z_][\w.\-]*\s*\}\}")
#: ``{name}`` (Python format strings, LangChain prompts): two characters at least, not after a
#: letter or a backslash (LaTeX ``\frac{a}{b}``, ``\text{name}``), ``$`` (JS ``${x}``),
#: ``^``/``_`` (sub- and superscripts), ``/`` (URL templates ``/users/{id}``) or a brace.
_SINGLE_RE = re.compile(r"(?<![\w\\$%#^/{}])\{[A-Za-z_][A-Za-z0-9_]{1,40}\}(?!\})")
#: A line with these is code written without a fence; its braces are not placeholders.
_CODE_HINTS = (
    'f"', "f'", ".format(", "print(", "printf(", "console.", "${", "{%", " = ", "=>", ";",
    "def ", "return ",
)  # fmt: skip


def find_placeholders(text: str) -> list[tuple[int, int]]:
    """Spans of unfilled template placeholders in prose (code excluded)."""
    if "{" not in text:
        return []
    if "`" in text or "~~~" in text:
        text = _CODE_RE.sub(lambda m: " " * len(m.group()), text)  # keep offsets
    spans = []
    for regex in (_DOUBLE_RE, _SINGLE_RE):
        for match in regex.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if any(hint in line for hint in _CODE_HINTS):
                continue
            spans.append(match.span())
    return sorted(spans)


class TemplatePlaceholder(TextRule):
    """## What it does
    Finds template placeholders that were never filled in: `{{name}}` and `{name}` left in a
    text by the script that generated the examples.

    Code is not searched: fenced blocks, inline code, and lines that look like code
    (f-strings, `.format(`, assignments ...). Neither is LaTeX (`\\frac{a}{b}`), JavaScript
    `${x}`, URL templates (`/users/{id}`) or a brace after a letter; single-letter names are
    ignored (`{x}` is mostly mathematics).

    ## Why is this bad?
    The model learns to write `{customer_name}` instead of a name, or is trained on prompts
    that lack the input they were meant to carry.

    ## Example
    `{"role": "user", "content": "Summarise this article: {article}"}`

    ## Fix safety
    No fix: regenerate the examples with the values filled in.
    """

    code = "FT506"
    name = "template-placeholder"
    severity = Severity.WARNING

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Not a generator: a clean record (nearly all) costs one bit test.
        return self._findings(record) if suspects(record) & BRACE else ()

    def _findings(self, record: Record) -> Iterator[Diagnostic]:
        for field, _role, text in record_texts(record):
            spans = find_placeholders(text)
            if not spans:
                continue
            start, end = spans[0]
            names = ", ".join(dict.fromkeys(f"`{text[s:e]}`" for s, e in spans[:5]))
            more = f" and {len(spans) - 5} more" if len(spans) > 5 else ""
            yield self.diagnostic(
                f"unfilled template placeholder{'' if len(spans) == 1 else 's'} {names}{more}: "
                "the script that generated this text did not substitute a value",
                record.location.at(field=field),
                excerpt=snippet(text, start, end, 40),
            )

"""Masking: what a report shows of the data never carries a secret or personal data.

A finding's excerpt, message, fix message and field pointer quote the data; so do the reasons
of dropped records and some figures. Any of them can hold a credential or an e-mail address
that a privacy rule would report, whichever rule the finding is of. The core knows no secret
format: plugins provide *redactors* (hook ``ftlint_redactors``), each a function that returns
the spans of a text to hide and what to show instead; the engine applies them to everything
a report shows, whichever rules are selected, and output formats that show more of the data
mask it with ``Report.mask``.

An excerpt is masked *before* it is cut to its width: cutting first could leave half a key,
which no pattern recognises any more, in plain view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

#: ``(start, end, shown)``: ``text[start:end]`` is shown as ``shown``.
Span = tuple[int, int, str]
#: A redactor: the spans of a text to hide (in any order; overlapping spans: the first kept).
Redactor = Callable[[str], Iterable[Span]]

#: How far past an excerpt's width its text is searched: a value that starts inside the
#: excerpt and is shorter than this (a PEM key of RSA-8192 is about 6,400 characters) is
#: found whole, and so masked whole.
GUARD = 8192


def _apply(text: str, spans: Iterable[Span], stop: int | None = None) -> str:
    """``text`` with each span replaced (overlaps: the earliest span wins). With ``stop``,
    nothing of the source at or past offset ``stop`` is kept."""
    parts: list[str] = []
    position = 0
    end_of_text = len(text) if stop is None else min(stop, len(text))
    for start, end, shown in sorted(spans):
        if start < position or start >= end_of_text:
            continue
        parts.append(text[position:start])
        parts.append(shown)
        position = end
    if position < end_of_text:
        parts.append(text[position:end_of_text])
    return "".join(parts)


class Masking:
    """The run's redactors as one object: ``masking(text)`` is ``text`` with every value a
    redactor finds replaced by its masked form. A redactor that raises hides the whole text
    (``<hidden>``): a broken plugin must not turn into a leak."""

    HIDDEN = "<hidden>"

    def __init__(self, redactors: Sequence[Redactor] = ()) -> None:
        self.redactors = tuple(redactors)

    def __bool__(self) -> bool:
        return bool(self.redactors)

    def spans(self, text: str) -> list[Span] | None:
        """Every span to hide in ``text``; ``None`` when a redactor failed."""
        found: list[Span] = []
        for redactor in self.redactors:
            try:
                found.extend(redactor(text))
            except Exception:
                return None
        return found

    def __call__(self, text: str) -> str:
        if not self.redactors or not text:
            return text
        spans = self.spans(text)
        if spans is None:
            return self.HIDDEN
        return _apply(text, spans) if spans else text

    def window(self, text: str, width: int) -> tuple[str, bool]:
        """The start of ``text`` masked, long enough to fill ``width`` characters, and
        whether more of the text follows. Only ``width + GUARD`` characters are searched:
        a long field costs no more than a short one."""
        limit = width + GUARD
        cut = len(text) > limit + GUARD
        source = text[: limit + GUARD] if cut else text
        if not self.redactors:
            return source[: width + 1], len(text) > width
        spans = self.spans(source)
        if spans is None:
            return self.HIDDEN, False
        # Past ``limit`` a value may run beyond what was searched: that part is never kept.
        shown = _apply(source, spans, stop=limit if cut else None)
        return shown, cut or len(shown) > width

    def values(self, value: Any) -> Any:
        """``value`` with every string inside it (dict keys and values, list items) masked;
        numbers and other values as they are. For the figures of a report."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {self.values(k): self.values(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.values(v) for v in value)
        return value


#: No redactor: shows everything (a report built without an engine, or a run whose
#: redacting plugins are blocked).
NO_MASKING = Masking()

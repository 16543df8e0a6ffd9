"""Resource limits of one run: how large, how deep and how long a piece of input may be before
a reader refuses it (a diagnostic with its location; reading goes on with the next record).

The core knows no format: these are plain numbers that reach every reader through
``FileContext.options["limits"]`` (``Limits.of(file)``). Each is a command-line option and a
``[tool.ftlint]`` key of the same name (``--max-record-size`` / ``max-record-size``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Limits:
    #: Bytes of one record as stored (a JSONL line, a JSON item, a CSV cell); larger ones are
    #: reported and skipped without being parsed.
    max_record_size: int = 16_000_000
    #: Nesting of arrays and objects in one record (the writers and rules recurse).
    max_depth: int = 128
    #: Digits of one number (Python's conversion of long integers is quadratic).
    max_number_digits: int = 1000
    #: Bytes an archive (XLSX) may expand to, checked before any sheet is parsed.
    max_expanded_size: int = 1 << 30
    #: Uncompressed / compressed size of one archive member larger than 1 MiB.
    max_compression_ratio: int = 100

    #: Members below this expanded size are never refused for their ratio (tiny XML parts
    #: compress very well).
    RATIO_FLOOR = 1 << 20

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def of(cls, file: Any) -> Limits:
        """The limits of ``file`` (a ``FileContext``), or the defaults."""
        limits = (getattr(file, "options", None) or {}).get("limits")
        return limits if isinstance(limits, Limits) else DEFAULT_LIMITS

    def with_overrides(self, **values: int | None) -> Limits:
        from dataclasses import replace

        return replace(self, **{k: v for k, v in values.items() if v is not None})


DEFAULT_LIMITS = Limits()

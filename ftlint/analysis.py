"""The per-record analysis: results that several rules read from one record, computed once.

A shared analysis is a plain function ``compute(record, *args) -> T`` (the chat walk, the
conversion plan, the token counts). Its value for one record lives in ``record.analyses``, a
plain dict on the record keyed by the function itself (no arguments) or by the tuple
``(compute, *args)``: the first rule to ask pays for it, every later rule of the same record
gets the same object, and the values go away with the record. The key is the function, so two
families never collide and a type checker knows what each call returns.

Two ways to ask, sharing the same entries:

- ``record.analysis.get(compute, *args)`` (or ``analysed(record, compute, *args)``): the
  convenient spelling;
- on a hot path (several times per record, every record), the dict itself::

      key = (plan, planner)            # made once, where the arguments are known
      value = record.analyses.get(key)
      if value is None:                # (an analysis that can be None: a sentinel default)
          value = record.analyses[key] = plan(record, planner)

  which costs one dict lookup where the convenient spelling costs two Python calls more:
  measured, those calls were most of what the per-record analyses cost (issue 11 point 8: no
  slowdown). ``get`` rather than ``try: d[key] except KeyError``: the first rule to ask misses,
  every record, and a miss by ``KeyError`` costs about 0.35 us against 0.05 us by ``get``
  (CPython 3.11, this machine); a hit costs the same either way.

This replaces free-form ``record.meta`` keys and module-level memos: the state of one record
is on that record, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
#: ``analysed`` called without arguments.
_NO_ARG: Any = object()


def analysed(record: Any, compute: Callable[..., T], arg: Hashable = _NO_ARG, *more: Hashable) -> T:
    """``compute(record, *args)``, computed at most once for ``record`` (an
    ``ftlint.model.Record``), stored in ``record.analyses``.

    (The first argument is named so that the common calls, with none or one, build no
    argument tuple.)"""
    values = record.analyses
    if arg is _NO_ARG:
        key: Any = compute
    elif more:
        key = (compute, arg, *more)
    else:
        key = (compute, arg)
    value = values.get(key, _NO_ARG)  # the sentinel: an analysis may be None
    if value is _NO_ARG:
        args = () if arg is _NO_ARG else (arg, *more)
        value = values[key] = compute(record, *args)
    return value


class Analysis:
    """``record.analysis``: the analyses of one record asked by function (``get``), over
    ``record.analyses``. Holds no state of its own, so making one is cheap and it keeps the
    record alive only as long as it is used."""

    __slots__ = ("_record",)

    def __init__(self, record: Any) -> None:  # the ftlint.model.Record it reads
        self._record = record

    def get(self, compute: Callable[..., T], arg: Hashable = _NO_ARG, *more: Hashable) -> T:
        """``compute(record, *args)``, computed at most once for this record."""
        return analysed(self._record, compute, arg, *more)

    def peek(self, compute: Callable[..., T], *args: Hashable) -> T | None:
        """The value if some rule already computed it, else ``None`` (never computes)."""
        return self._record.analyses.get((compute, *args) if args else compute)

    def __contains__(self, compute: Callable[..., Any]) -> bool:
        return compute in self._record.analyses

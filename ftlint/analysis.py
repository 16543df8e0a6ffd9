"""The per-record analysis: results that several rules read from one record, computed once.

A shared analysis is a plain function ``compute(record, *args) -> T`` (the chat walk, the
conversion plan, the token counts). Rules ask ``record.analysis.get(compute, *args)``: the
first rule to ask pays for it, every later rule of the same record gets the same object, and
the cache goes away with the record. The key is the function itself (plus its arguments),
so two families never collide and a type checker knows what each call returns.

This replaces free-form ``record.meta`` keys and module-level memos: the state of one record
is on that record, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
#: ``Analysis.get`` called without arguments.
_NO_ARG: Any = object()


class Analysis:
    """The cached analyses of one record (made on first use by ``Record.analysis``)."""

    __slots__ = ("_record", "_values")

    def __init__(self, record: Any) -> None:  # the ftlint.model.Record that owns it
        self._record = record
        self._values: dict[Any, Any] = {}

    def get(self, compute: Callable[..., T], arg: Hashable = _NO_ARG, *more: Hashable) -> T:
        """``compute(record, *args)``, computed at most once for this record.

        (The first argument is named so that the common calls, with none or one, build no
        argument tuple: this runs several times per record for every record.)"""
        if arg is _NO_ARG:
            key: Any = compute
        elif more:
            key = (compute, arg, *more)
        else:
            key = (compute, arg)
        try:
            return self._values[key]
        except KeyError:
            args = () if arg is _NO_ARG else (arg, *more)
            value = self._values[key] = compute(self._record, *args)
            return value

    def peek(self, compute: Callable[..., T], *args: Hashable) -> T | None:
        """The value if some rule already computed it, else ``None`` (never computes)."""
        return self._values.get((compute, *args) if args else compute)

    def __contains__(self, compute: Callable[..., Any]) -> bool:
        return compute in self._values

"""JSON pointers (RFC 6901): how diagnostics name a field and how fixes edit one."""

from __future__ import annotations

from typing import Any


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def join(*tokens: str | int) -> str:
    """``join("messages", 2, "content")`` -> ``/messages/2/content``."""
    return "".join("/" + escape(t) for t in tokens)


def split(pointer: str) -> list[str]:
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _step(container: Any, token: str) -> Any:
    if isinstance(container, list):
        return container[int(token)]
    return container[token]


def resolve(document: Any, pointer: str, default: Any = None) -> Any:
    """The value at ``pointer``, or ``default`` when the path does not exist."""
    value = document
    try:
        for token in split(pointer):
            value = _step(value, token)
    except (KeyError, IndexError, ValueError, TypeError):
        return default
    return value


def set_value(document: Any, pointer: str, value: Any) -> Any:
    """Set ``value`` at ``pointer`` in place; returns the (possibly new) document."""
    tokens = split(pointer)
    if not tokens:
        return value
    parent = document
    for token in tokens[:-1]:
        parent = _step(parent, token)
    last = tokens[-1]
    if isinstance(parent, list):
        index = len(parent) if last == "-" else int(last)
        if index == len(parent):
            parent.append(value)
        else:
            parent[index] = value
    else:
        parent[last] = value
    return document


def delete_value(document: Any, pointer: str) -> Any:
    tokens = split(pointer)
    if not tokens:
        return None
    parent = document
    for token in tokens[:-1]:
        parent = _step(parent, token)
    last = tokens[-1]
    if isinstance(parent, list):
        del parent[int(last)]
    else:
        parent.pop(last, None)
    return document

"""Tool call ids that Mistral refuses, and their rewriting into ids it takes.

Mistral's own validator (mistral-common, ``protocol/instruct/validator.py``, 1.x, read
2026-12-03) takes only tool call ids of 9 letters or digits (``^[a-zA-Z0-9]{9}$``) in an
assistant's ``tool_calls`` and a tool message's ``tool_call_id``. OpenAI's ids (``call_...``)
and those of most datasets (``call_1``) are not. An id is only a label that pairs a call with
its result, so writing another label in both places keeps the conversation's meaning.

The rewriting is deterministic (the new id is a hash of the old one, so two runs write the
same bytes), collision-free within the example (an id already used there, kept or written, is
never written again) and consistent: a tool message gets the new id of the call it answers,
the earliest unanswered call with its old id, so two calls that shared one old id still pair
with their own results. Ids that are valid are kept; a call without an id is left as it is
(the format check reports it).
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any, NamedTuple

#: The tool call ids mistral-common's validator accepts.
MISTRAL_TOOL_CALL_ID = re.compile(r"[a-zA-Z0-9]{9}")
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def is_valid(value: Any) -> bool:
    return isinstance(value, str) and MISTRAL_TOOL_CALL_ID.fullmatch(value) is not None


def _rewritable(value: Any) -> bool:
    """An id that is there but not one Mistral takes (a string or a number)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return False
    return not is_valid(value)


def _key(value: str | int) -> tuple[str, str | int]:
    return type(value).__name__, value  # 1 and "1" are different ids


def _fresh(old: str | int, used: set[str]) -> str:
    """A valid id derived from ``old`` that ``used`` does not hold yet (then added to it)."""
    import hashlib  # here: only a rewrite needs it (and hashlib's import is not free)

    salt = 0
    while True:
        digest = hashlib.sha256(f"{salt}\x00{type(old).__name__}\x00{old}".encode()).digest()
        value = int.from_bytes(digest[:16], "big")
        chars = []
        for _ in range(9):
            value, rest = divmod(value, len(_ALPHABET))
            chars.append(_ALPHABET[rest])
        candidate = "".join(chars)
        if candidate not in used:
            used.add(candidate)
            return candidate
        salt += 1


class Rewrite(NamedTuple):
    """What rewriting one record's ids changes."""

    #: ``(pointer, old id, new id)`` of every value rewritten, calls and results.
    edits: tuple[tuple[str, Any, str], ...]
    #: Tool calls whose id was rewritten (the results that answer them are in ``edits``).
    calls: int

    @property
    def results(self) -> int:
        return len(self.edits) - self.calls


_NOTHING = Rewrite((), 0)


def _messages(data: Any) -> list | None:
    if not isinstance(data, dict):
        return None
    messages = data.get("messages")
    return messages if isinstance(messages, list) else None


def needs_rewrite(data: Any) -> bool:
    """Cheap test: does the record hold an id Mistral refuses?"""
    for message in _messages(data) or ():
        if not isinstance(message, dict):
            continue
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                if isinstance(call, dict) and _rewritable(call.get("id")):
                    return True
        if message.get("role") == "tool" and _rewritable(message.get("tool_call_id")):
            return True
    return False


def plan_rewrite(data: Any) -> Rewrite:
    """The ids of ``data``'s messages to rewrite, and their new values."""
    messages = _messages(data)
    if messages is None or not needs_rewrite(data):
        return _NOTHING
    used: set[str] = set()
    for message in messages:
        if not isinstance(message, dict):
            continue
        calls = message.get("tool_calls")
        for call in calls if isinstance(calls, list) else ():
            if isinstance(call, dict) and is_valid(call.get("id")):
                used.add(call["id"])
        if is_valid(message.get("tool_call_id")):
            used.add(message["tool_call_id"])
    pending: dict[tuple, deque[str]] = {}
    latest: dict[tuple, str] = {}
    edits: list[tuple[str, Any, str]] = []
    count = 0
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        calls = message.get("tool_calls")
        for k, call in enumerate(calls if isinstance(calls, list) else ()):
            if not (isinstance(call, dict) and _rewritable(call.get("id"))):
                continue
            old = call["id"]
            new = _fresh(old, used)
            pending.setdefault(_key(old), deque()).append(new)
            latest[_key(old)] = new
            edits.append((f"/messages/{i}/tool_calls/{k}/id", old, new))
            count += 1
        old = message.get("tool_call_id")
        if message.get("role") == "tool" and _rewritable(old):
            queue = pending.get(_key(old))
            if queue:
                new = queue.popleft()
            elif _key(old) in latest:  # a second result for the same call
                new = latest[_key(old)]
            else:  # answers no call (the format check says so): still a valid id
                new = latest[_key(old)] = _fresh(old, used)
            edits.append((f"/messages/{i}/tool_call_id", old, new))
    return Rewrite(tuple(edits), count)


def rewrite(data: Any) -> Any:
    """``data`` with its ids rewritten (a new object), or ``data`` itself when none is."""
    plan = plan_rewrite(data)
    if not plan.edits:
        return data
    messages = [dict(m) if isinstance(m, dict) else m for m in data["messages"]]
    for pointer, _old, new in plan.edits:
        parts = pointer.split("/")
        message = messages[int(parts[2])]
        if parts[3] == "tool_call_id":
            message["tool_call_id"] = new
        else:
            calls = message["tool_calls"] = [
                dict(c) if isinstance(c, dict) else c for c in message["tool_calls"]
            ]
            calls[int(parts[4])]["id"] = new
    return {**data, "messages": messages}

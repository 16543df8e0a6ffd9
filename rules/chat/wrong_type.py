"""Rule ``wrong-type``: values of the wrong JSON type.

The walk tests the types as it goes (it must, to know where to descend) and calls the
function here for the value it found of the wrong type; each function words the finding
and offers the fix when the intended value is unambiguous.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ftlint.rules.chat.base import ChatRule, a
from ftlint.rules.chat.schema import PART_KEYS, type_name

from ftlint import Applicability, Fix, SetValue, Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class WrongType(ChatRule):
    """## What it does
    Reports values of the wrong JSON type: `messages` or `tools` that are not arrays, a
    message that is not an object, `content` that is neither a string nor an array of content
    parts, content parts of a type fine-tuning does not take (audio, files), a non-boolean
    `parallel_tool_calls`, a non-string `name` or `tool_call_id`.

    ## Why is this bad?
    The API rejects the file.

    ## Example
    `{"messages": [{"role": "user", "content": 42}, ...], "parallel_tool_calls": "false"}`

    ## Fix safety
    Safe where the value is unambiguous: a number as content becomes its text, `"true"` /
    `"false"` / 0 / 1 become booleans, a JSON string holding the expected array (`"tools":
    "[...]"`) is parsed, a bare string part becomes a text part. Otherwise no fix.
    """

    code = "FT313"
    name = "wrong-type"
    provider_error = r"missing|required|\bkeys?\b"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


def array(walk: Walk, obj: dict, key: str, prefix: str, what: str) -> list | None:
    """``obj[key]`` when it is a list; reported otherwise (with a safe fix when it is a JSON
    string holding a list, as some exports write ``tools``)."""
    value = obj.get(key)
    if isinstance(value, list):
        return value
    pointer = f"{prefix}/{key}"
    fix = None
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            fix = Fix.safe(
                f"parse the JSON string into a list of {what}", SetValue(pointer, parsed)
            )
    walk.add(
        WrongType.name, f"{key!r} must be an array of {what}, got {type_name(value)}", pointer, fix
    )
    return None


def parallel_tool_calls(walk: Walk, value: Any, pointer: str) -> Any:
    """A ``parallel_tool_calls`` that is not a boolean; returns the flag it means (the value
    itself when it cannot be told)."""
    meant = value
    fix = None
    lowered = value.strip().lower() if isinstance(value, str) else value
    if lowered in ("true", 1) and not isinstance(value, float):
        fix = Fix.safe("write true", SetValue(pointer, True))
        meant = True
    elif lowered in ("false", 0) and not isinstance(value, float):
        fix = Fix.safe("write false", SetValue(pointer, False))
        meant = False
    walk.add(
        WrongType.name,
        f"'parallel_tool_calls' must be true or false, got {json.dumps(value, default=str)}",
        pointer,
        fix,
    )
    return meant


def message(walk: Walk, value: Any, pointer: str) -> None:
    """A message that is not an object."""
    walk.add(WrongType.name, f"a message must be an object, got {type_name(value)}", pointer)


def role(walk: Walk, value: Any, where: str) -> None:
    """A ``role`` that is not a string."""
    walk.add(WrongType.name, f"'role' must be a string, got {type_name(value)}", where)


def name(walk: Walk, value: Any, pointer: str) -> None:
    """A message ``name`` that is not a string."""
    walk.add(WrongType.name, f"'name' must be a string, got {type_name(value)}", f"{pointer}/name")


def content(walk: Walk, value: Any, role: str, where: str) -> None:
    """A ``content`` that is neither text nor (outside function messages) a list of parts."""
    fix = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        fix = Fix.safe("write the number as text", SetValue(where, json.dumps(value)))
    accepted = "a string" if role == "function" else "a string or an array of content parts"
    walk.add(WrongType.name, f"'content' must be {accepted}, got {type_name(value)}", where, fix)


def part(walk: Walk, value: Any, pointer: str) -> None:
    """A content part that is not an object (a bare string becomes a text part)."""
    fix = None
    if isinstance(value, str):
        fix = Fix.safe("make it a text part", SetValue(pointer, {"type": "text", "text": value}))
    walk.add(
        WrongType.name,
        f'a content part must be an object like {{"type": "text", "text": ...}}, '
        f"got {type_name(value)}",
        pointer,
        fix,
    )


def part_type(walk: Walk, kind: Any, role: str, pointer: str) -> None:
    """A content part of a type this role cannot hold."""
    if isinstance(kind, str) and kind in PART_KEYS:
        text = f"{a(str(role))} message cannot hold {kind!r} parts"
    else:
        text = (
            f"content part type {json.dumps(kind, default=str)} is not accepted in "
            "fine-tuning data (text, and images in user messages)"
        )
    walk.add(WrongType.name, text, f"{pointer}/type")


def part_field(walk: Walk, kind: str, field: str, value: Any, pointer: str) -> None:
    """A text (or refusal) part whose ``text`` (or ``refusal``) is not a string."""
    walk.add(
        WrongType.name,
        f"the {kind} part needs a string {field!r}, got {type_name(value)}",
        f"{pointer}/{field}",
    )


def tool_call_id(walk: Walk, value: Any, where: str) -> None:
    """A tool message's ``tool_call_id`` that is not a string."""
    walk.add(WrongType.name, f"'tool_call_id' must be a string, got {type_name(value)}", where)

"""Rule ``invalid-tool-call``: the structure of the tool calls assistant messages make."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import orjson
from ftlint.rules.chat.base import ChatRule
from ftlint.rules.chat.schema import type_name

from ftlint import Applicability, DeleteValue, Fix, SetValue, Severity
from ftlint.pointer import escape

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk

TOOL_CALL_KEYS = frozenset({"id", "type", "function"})
CALL_FUNCTION_KEYS = frozenset({"name", "arguments"})


class InvalidToolCall(ChatRule):
    """## What it does
    Checks the structure of every tool call an assistant message makes: `tool_calls` is a
    non-empty array of `{"id": ..., "type": "function", "function": {"name": ...,
    "arguments": ...}}`; `arguments` is a JSON *string* that decodes to an object; call ids are
    unique within the example. The legacy `function_call` is checked the same way. A message
    with several calls while `parallel_tool_calls` is false is a warning.

    ## Why is this bad?
    The API rejects malformed calls. Arguments written as an object instead of a string are the
    most common mistake; arguments that are not JSON teach the model to emit broken calls.
    Duplicate ids make it impossible to tell which call a tool message answers.

    ## Example
    ```json
    {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
     "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}
    ```

    ## Fix safety
    Safe: arguments given as an object are encoded as the equivalent JSON string; a missing
    `type` becomes `"function"` (the only type); missing arguments become `"{}"`; keys the API
    does not accept are removed; an empty `tool_calls` beside real content is removed.
    """

    code = "FT320"
    name = "invalid-tool-call"
    provider_error = r"\btools?\b|tool_call|function"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


def tool_calls(walk: Walk, calls: Any, message: dict, where: str) -> None:
    """A ``tool_calls`` that is not a non-empty array (removed when empty beside real
    content)."""
    if not isinstance(calls, list):
        walk.add(
            InvalidToolCall.name, f"'tool_calls' must be an array, got {type_name(calls)}", where
        )
        return
    content = message.get("content")
    walk.add(
        InvalidToolCall.name,
        "'tool_calls' is an empty array: remove it or add the calls",
        where,
        Fix.safe("remove the empty 'tool_calls'", DeleteValue(where))
        if isinstance(content, str) and content.strip()
        else None,
    )


def not_parallel(walk: Walk, count: int, where: str) -> None:
    """Several calls in one message while ``parallel_tool_calls`` is false."""
    walk.add(
        InvalidToolCall.name,
        f"{count} tool calls in one message, but 'parallel_tool_calls' is false",
        where,
        severity=Severity.WARNING,
    )


def tool_call(walk: Walk, call: Any, pointer: str) -> dict | None:
    """One entry of ``tool_calls``; returns its ``function`` when that is an object. A new
    valid id is registered on the walk, for the tool messages that answer the call."""
    if not isinstance(call, dict):
        walk.add(
            InvalidToolCall.name, f"a tool call must be an object, got {type_name(call)}", pointer
        )
        return None
    call_id = call.get("id")
    if call_id is None:
        walk.add(InvalidToolCall.name, "the tool call has no 'id'", f"{pointer}/id")
    elif not isinstance(call_id, str) or not call_id:
        walk.add(
            InvalidToolCall.name,
            f"the tool call 'id' must be a non-empty string, got {json.dumps(call_id)}",
            f"{pointer}/id",
        )
    elif call_id in walk.call_ids:
        walk.add(
            InvalidToolCall.name,
            f"tool call id {call_id!r} is used twice in this example: tool messages could "
            "not tell which call they answer",
            f"{pointer}/id",
        )
    else:
        walk.call_ids.add(call_id)
    kind = call.get("type")
    if kind is None:
        walk.add(
            InvalidToolCall.name,
            "the tool call has no 'type'",
            f"{pointer}/type",
            Fix.safe('set "type": "function"', SetValue(f"{pointer}/type", "function")),
        )
    elif kind != "function":
        walk.add(
            InvalidToolCall.name,
            f'tool call type {json.dumps(kind, default=str)} is not accepted: use "function"',
            f"{pointer}/type",
        )
    for key in call:
        if key not in TOOL_CALL_KEYS:
            walk.add(
                InvalidToolCall.name,
                f"unknown key {key!r} in a tool call (accepted: id, type, function)",
                f"{pointer}/{escape(key)}",
                Fix.safe(f"remove {key!r}", DeleteValue(f"{pointer}/{escape(key)}")),
            )
    function = call.get("function")
    if not isinstance(function, dict):
        walk.add(
            InvalidToolCall.name,
            f"the tool call's 'function' must be an object with name and arguments, got "
            f"{type_name(function)}",
            f"{pointer}/function",
        )
        return None
    return function


def function_call(walk: Walk, call: Any, where: str) -> None:
    """A legacy ``function_call`` that is not an object."""
    walk.add(
        InvalidToolCall.name, f"'function_call' must be an object, got {type_name(call)}", where
    )


def call_function(walk: Walk, function: dict, pointer: str) -> str | None:
    """The ``{"name", "arguments"}`` of a call; returns the name when it is one (a non-empty
    string), for the walk to look up among the example's definitions."""
    name = function.get("name")
    valid = isinstance(name, str) and name
    if not valid:
        walk.add(
            InvalidToolCall.name,
            "the call has no function 'name'" if name is None
            else f"the function 'name' must be a non-empty string, got {json.dumps(name)}",
            f"{pointer}/name",
        )  # fmt: skip
    arguments = function.get("arguments")
    at = f"{pointer}/arguments"
    if arguments is None:
        walk.add(
            InvalidToolCall.name,
            "the call has no 'arguments' (a JSON string; \"{}\" for none)",
            at,
            Fix.safe('write "{}"', SetValue(at, "{}")) if "arguments" not in function else None,
        )
    elif isinstance(arguments, dict):
        walk.add(
            InvalidToolCall.name,
            "'arguments' must be a JSON string, not an object",
            at,
            Fix.safe(
                "encode the object as a JSON string",
                SetValue(at, json.dumps(arguments, ensure_ascii=False)),
            ),
        )
    elif not isinstance(arguments, str):
        walk.add(
            InvalidToolCall.name,
            f"'arguments' must be a JSON string, got {type_name(arguments)}",
            at,
        )
    else:
        try:
            parsed = orjson.loads(arguments)
        except orjson.JSONDecodeError as exc:
            walk.add(InvalidToolCall.name, f"'arguments' is not valid JSON: {exc}", at)
        else:
            if not isinstance(parsed, dict):
                walk.add(
                    InvalidToolCall.name,
                    f"'arguments' must encode a JSON object, got {type_name(parsed)}",
                    at,
                )
    for key in function:
        if key not in CALL_FUNCTION_KEYS:
            walk.add(
                InvalidToolCall.name,
                f"unknown key {key!r} in a function call (accepted: name, arguments)",
                f"{pointer}/{escape(key)}",
                Fix.safe(f"remove {key!r}", DeleteValue(f"{pointer}/{escape(key)}")),
            )
    return name if valid else None

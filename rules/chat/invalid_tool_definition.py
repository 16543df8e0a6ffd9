"""Rule ``invalid-tool-definition``: the tools (and legacy functions) an example defines."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import orjson
from ftlint.rules.chat.base import ChatRule
from ftlint.rules.chat.schema import names, type_name

from ftlint import Applicability, DeleteValue, Fix, SetValue, Severity
from ftlint.pointer import escape

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk

TOOL_KEYS = frozenset({"type", "function"})
FUNCTION_DEF_KEYS = frozenset({"name", "description", "parameters", "strict"})
TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")


class InvalidToolDefinition(ChatRule):
    """## What it does
    Checks each tool an example defines: `{"type": "function", "function": {"name": ...,
    "description": ..., "parameters": {...}, "strict": ...}}`. The name must match
    `^[a-zA-Z0-9_-]{1,64}$` and be unique; `parameters` must be a JSON Schema object
    (`"type": "object"`), checked against the JSON Schema metaschema when the `jsonschema`
    package is installed. Legacy `functions` entries are checked the same way.

    ## Why is this bad?
    The API rejects invalid tool definitions, and the model learns the tools from them.

    ## Example
    `{"type": "function", "function": {"name": "get weather", "parameters": {"type": "str"}}}`

    ## Fix safety
    Safe: a bare function definition (`{"name": ..., "parameters": ...}`) is wrapped as
    `{"type": "function", "function": {...}}`; a missing `type` becomes `"function"`;
    `parameters` written as a JSON string holding a valid schema is parsed; keys the API does
    not accept are removed. Names and schemas have no fix.
    """

    code = "FT323"
    name = "invalid-tool-definition"
    provider_error = r"\btools?\b|tool_call|function"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


def tools(walk: Walk, tools: list, prefix: str) -> set[str]:
    """Check the ``tools`` array; returns the function names it defines."""
    defined: set[str] = set()
    for j, tool in enumerate(tools):
        pointer = f"{prefix}/{j}"
        if not isinstance(tool, dict):
            walk.add(
                InvalidToolDefinition.name,
                f"a tool must be an object, got {type_name(tool)}",
                pointer,
            )
            continue
        if "type" not in tool and "function" not in tool and "name" in tool:
            # A bare function definition (the legacy ``functions`` shape, or Glaive's).
            walk.add(
                InvalidToolDefinition.name,
                'a tool must be {"type": "function", "function": {...}}; this is a bare '
                "function definition",
                pointer,
                Fix.safe(
                    "wrap it as a function tool",
                    SetValue(pointer, {"type": "function", "function": tool}),
                ),
            )
            function_definition(walk, tool, pointer, defined)
            continue
        kind = tool.get("type")
        if kind is None:
            walk.add(
                InvalidToolDefinition.name,
                "the tool has no 'type'",
                f"{pointer}/type",
                Fix.safe('set "type": "function"', SetValue(f"{pointer}/type", "function")),
            )
        elif kind != "function":
            walk.add(
                InvalidToolDefinition.name,
                f"tool type {json.dumps(kind, default=str)} is not accepted: fine-tuning "
                'data takes "function" tools',
                f"{pointer}/type",
            )
        for key in tool:
            if key not in TOOL_KEYS:
                walk.add(
                    InvalidToolDefinition.name,
                    f"unknown key {key!r} in a tool (accepted: type, function)",
                    f"{pointer}/{escape(key)}",
                    Fix.safe(f"remove {key!r}", DeleteValue(f"{pointer}/{escape(key)}")),
                )
        function = tool.get("function")
        if not isinstance(function, dict):
            walk.add(
                InvalidToolDefinition.name,
                f"the tool's 'function' must be an object, got {type_name(function)}",
                f"{pointer}/function",
            )
            continue
        function_definition(walk, function, f"{pointer}/function", defined)
    return defined


def functions(walk: Walk, functions: list, prefix: str) -> set[str]:
    """Check the legacy ``functions`` array; returns the function names it defines."""
    defined: set[str] = set()
    for j, function in enumerate(functions):
        if isinstance(function, dict):
            function_definition(walk, function, f"{prefix}/{j}", defined)
        else:
            walk.add(
                InvalidToolDefinition.name,
                f"a function definition must be an object, got {type_name(function)}",
                f"{prefix}/{j}",
            )
    return defined


def function_definition(walk: Walk, function: dict, pointer: str, defined: set[str]) -> None:
    """One ``{"name", "description", "parameters", "strict"}``; adds its name to ``defined``
    (the names seen so far in the same list, to tell duplicates)."""
    name = function.get("name")
    if not isinstance(name, str):
        walk.add(
            InvalidToolDefinition.name,
            "the function has no name" if name is None else
            f"the function name must be a string, got {type_name(name)}",
            f"{pointer}/name",
        )  # fmt: skip
    elif not TOOL_NAME.fullmatch(name):
        walk.add(
            InvalidToolDefinition.name,
            f"function name {name!r} must be 1-64 letters, digits, '_' or '-'",
            f"{pointer}/name",
        )
    elif name in defined:
        walk.add(
            InvalidToolDefinition.name, f"function {name!r} is defined twice", f"{pointer}/name"
        )
    if isinstance(name, str):
        defined.add(name)
    description = function.get("description")
    if description is not None and not isinstance(description, str):
        walk.add(
            InvalidToolDefinition.name,
            f"'description' must be a string, got {type_name(description)}",
            f"{pointer}/description",
        )
    if "strict" in function and not isinstance(function["strict"], bool):
        walk.add(
            InvalidToolDefinition.name,
            f"'strict' must be true or false, got {type_name(function['strict'])}",
            f"{pointer}/strict",
        )
    if "parameters" in function:
        parameters = function["parameters"]
        if not isinstance(parameters, dict):
            fix = None
            if isinstance(parameters, str):
                try:
                    parsed = json.loads(parameters)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict) and schema_problem(parsed) is None:
                    fix = Fix.safe(
                        "parse the JSON string into an object",
                        SetValue(f"{pointer}/parameters", parsed),
                    )
            walk.add(
                InvalidToolDefinition.name,
                f"'parameters' must be a JSON Schema object, got {type_name(parameters)}",
                f"{pointer}/parameters",
                fix,
            )
        else:
            problem = schema_problem(parameters)
            if problem:
                walk.add(
                    InvalidToolDefinition.name,
                    f"'parameters' {problem}",
                    f"{pointer}/parameters",
                )
    for key in function:
        if key not in FUNCTION_DEF_KEYS:
            walk.add(
                InvalidToolDefinition.name,
                f"unknown key {key!r} in a function definition (accepted: "
                f"{names(FUNCTION_DEF_KEYS)})",
                f"{pointer}/{escape(key)}",
                Fix.safe(f"remove {key!r}", DeleteValue(f"{pointer}/{escape(key)}")),
            )


# ---------------------------------------------------------------------------------------------
# JSON Schema check of function parameters. The same tools repeat on every line of a file, and
# the metaschema check is slow: its verdicts are kept, by the schema's canonical JSON, across
# records. A pure, bounded cache of a function of its key (no state of any record).

_SCHEMA_CACHE: dict[bytes, str | None] = {}
_SCHEMA_CACHE_SIZE = 512


def _schema_key(schema: dict) -> bytes:
    try:
        return orjson.dumps(schema, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(schema, sort_keys=True, default=str).encode()


def schema_problem(schema: dict) -> str | None:
    """Why ``schema`` is not a JSON Schema for function parameters, or None.

    OpenAI requires an object schema (``"type": "object"``); an empty ``{}`` is taken as
    "no parameters". The rest is checked against the JSON Schema metaschema when the
    ``jsonschema`` package is installed.
    """
    if not schema:
        return None
    key = _schema_key(schema)
    if key in _SCHEMA_CACHE:
        return _SCHEMA_CACHE[key]
    problem: str | None = None
    if schema.get("type") != "object":
        got = schema.get("type")
        problem = 'must be a JSON Schema of "type": "object"' + (
            f", got {json.dumps(got)}" if got is not None else ' (no "type")'
        )
    else:
        try:
            from jsonschema.exceptions import SchemaError
            from jsonschema.validators import Draft202012Validator, validator_for
        except ImportError:  # optional: without it only the shape above is checked
            pass
        else:
            try:
                validator_for(schema, default=Draft202012Validator).check_schema(schema)
            except SchemaError as exc:
                where = "".join(f"/{escape(str(t))}" for t in exc.path)
                problem = f"is not a valid JSON Schema: {exc.message}" + (
                    f" (at {where})" if where else ""
                )
            except Exception as exc:  # a broken $schema/$ref: say so, never crash
                problem = f"could not be checked as a JSON Schema: {exc}"
    if len(_SCHEMA_CACHE) >= _SCHEMA_CACHE_SIZE:
        _SCHEMA_CACHE.clear()
    _SCHEMA_CACHE[key] = problem
    return problem

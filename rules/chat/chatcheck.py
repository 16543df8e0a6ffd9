"""One pass over a chat or preference record that finds what every chat, tool, image and
preference rule reports.

The rules in ``chat.py``, ``tools.py``, ``images.py`` and ``preference.py`` each need a walk
over the same messages; walking once and caching the findings on the record
(``record.meta``) keeps a 100k-line file at one pass whatever the number of rules enabled.
Each rule then yields the issues filed under its own name. Nothing here raises on bad input:
wrong types, missing keys and ``None`` are what this module is for.

What the API accepts follows OpenAI's fine-tuning input schema (``FineTuneChatRequestInput``
and ``FineTunePreferenceRequestInput``): records hold ``messages``, ``tools``,
``parallel_tool_calls`` and the legacy ``functions``; messages are system, user, assistant,
tool or (legacy) function messages with the keys listed in ``ROLE_KEYS``; only assistant
messages take ``weight`` (0 or 1); content is text, or parts of type ``text`` (plus
``image_url`` in user messages and ``refusal`` in assistant messages).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

import orjson

from ftlint.model import (
    Applicability,
    DeleteValue,
    Diagnostic,
    DropRecord,
    Fix,
    Record,
    Scope,
    SetValue,
    Severity,
)
from ftlint.pointer import escape
from ftlint.rule import Rule, RuleContext
from ftlint.shapes import CHAT, PREFERENCE, PROMPT_COMPLETION, detect_shape, model_shapes

# Rule names (the rules live in chat.py, tools.py, images.py, preference.py).
INVALID_ROLE = "invalid-role"
MISSING_KEY = "missing-key"
UNKNOWN_KEY = "unknown-key"
WRONG_TYPE = "wrong-type"
EMPTY_CONTENT = "empty-content"
NO_ASSISTANT = "no-assistant-message"
NO_TRAINABLE = "no-trainable-tokens"
INVALID_WEIGHT = "invalid-weight"
TRAILING = "trailing-messages"
INVALID_TOOL_CALL = "invalid-tool-call"
UNDEFINED_TOOL = "undefined-tool"
ORPHAN_TOOL = "orphan-tool-message"
INVALID_TOOL_DEF = "invalid-tool-definition"
INVALID_IMAGE = "invalid-image"
INVALID_PREFERENCE = "invalid-preference"

ROLES = ("system", "user", "assistant", "tool", "function")
#: Roles whose ``{"role", "content": "text"}`` messages need no further check.
PLAIN_ROLES = frozenset({"system", "user", "assistant"})
CHAT_KEYS = ("messages", "tools", "parallel_tool_calls", "functions")
PREFERENCE_KEYS = ("input", "preferred_output", "non_preferred_output")
PREFERENCE_INPUT_KEYS = ("messages", "tools", "parallel_tool_calls")
PROMPT_COMPLETION_KEYS = ("prompt", "completion")
ROLE_KEYS: dict[str, frozenset[str]] = {
    "system": frozenset({"role", "content", "name"}),
    "user": frozenset({"role", "content", "name"}),
    "assistant": frozenset(
        {"role", "content", "name", "refusal", "audio", "tool_calls", "function_call", "weight"}
    ),
    "tool": frozenset({"role", "content", "tool_call_id"}),
    "function": frozenset({"role", "content", "name"}),
}
#: Preference outputs are plain assistant messages: no ``weight``.
OUTPUT_KEYS = ROLE_KEYS["assistant"] - {"weight"}
#: Content part types each role may use in fine-tuning data.
PART_TYPES = {
    "system": ("text",),
    "user": ("text", "image_url"),
    "assistant": ("text", "refusal"),
    "tool": ("text",),
}
PART_KEYS = {
    "text": frozenset({"type", "text"}),
    "image_url": frozenset({"type", "image_url"}),
    "refusal": frozenset({"type", "refusal"}),
}
IMAGE_URL_KEYS = frozenset({"url", "detail"})
IMAGE_DETAILS = ("auto", "low", "high")
TOOL_CALL_KEYS = frozenset({"id", "type", "function"})
CALL_FUNCTION_KEYS = frozenset({"name", "arguments"})
TOOL_KEYS = frozenset({"type", "function"})
FUNCTION_DEF_KEYS = frozenset({"name", "description", "parameters", "strict"})

#: Role names people use for the OpenAI ones: a safe fix for case and ``developer`` (the
#: newer name of ``system``), an unsafe one for these aliases.
ROLE_ALIASES = {
    "human": "user",
    "customer": "user",
    "client": "user",
    "gpt": "assistant",
    "chatgpt": "assistant",
    "bot": "assistant",
    "ai": "assistant",
    "model": "assistant",
    "chatbot": "assistant",
    "agent": "assistant",
}
#: Keys that mean a known key under another name (renaming is an unsafe fix).
KEY_ALIASES = {
    "text": "content",
    "message": "content",
    "value": "content",
    "from": "role",
    "speaker": "role",
    "author": "role",
    "sender": "role",
    "tool_call": "tool_calls",
    "toolCalls": "tool_calls",
    "toolCallId": "tool_call_id",
    "tool_id": "tool_call_id",
}

TOOL_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")
MAX_IMAGES = 10
MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_MIME = {"image/jpeg": "JPEG", "image/jpg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


@dataclass(slots=True)
class Issue:
    """One finding, filed under the rule that reports it."""

    rule: str
    message: str
    pointer: str
    fix: Fix | None = None
    severity: Severity | None = None


def type_name(value: Any) -> str:
    """JSON's name for a Python value, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _names(keys: Any) -> str:
    return ", ".join(sorted(keys))


def image_kind(data: bytes) -> str | None:
    """JPEG, PNG or WEBP from the magic bytes, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


# ---------------------------------------------------------------------------------------------
# JSON Schema check of function parameters (cached: the same tools repeat on every line)

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


# ---------------------------------------------------------------------------------------------


class _Walk:
    """The state of one pass over one record."""

    __slots__ = (
        "call_ids",
        "defined_functions",
        "defined_tools",
        "images",
        "issues",
        "parallel",
        "preference",
    )

    def __init__(self, preference: bool) -> None:
        self.issues: dict[str, list[Issue]] = {}
        self.call_ids: set[str] = set()
        self.defined_tools: set[str] | None = None
        self.defined_functions: set[str] | None = None
        self.images = 0
        self.parallel: Any = None
        self.preference = preference

    def add(
        self,
        rule: str,
        message: str,
        pointer: str,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> None:
        self.issues.setdefault(rule, []).append(Issue(rule, message, pointer, fix, severity))

    # -- keys ----------------------------------------------------------------------------------
    def unknown_keys(
        self, obj: dict, allowed: Any, prefix: str, what: str, skip: tuple[str, ...] = ()
    ) -> set[str]:
        """Report keys not in ``allowed``; returns the accepted keys a fix renames to."""
        renamed: set[str] = set()
        for key in obj:
            if key in allowed or key in skip:
                continue
            pointer = f"{prefix}/{escape(key)}"
            target = _rename_target(key, allowed)
            if target is not None and target not in obj and target not in renamed:
                same = target.lower() == key.lower()
                fix = Fix(
                    f"rename {key!r} to {target!r}",
                    (SetValue(f"{prefix}/{escape(target)}", obj[key]), DeleteValue(pointer)),
                    Applicability.SAFE if same else Applicability.UNSAFE,
                )
                hint = f"; did you mean {target!r}?"
                renamed.add(target)
            else:
                fix = Fix.safe(f"remove {key!r}", DeleteValue(pointer))
                hint = ""
            self.add(
                UNKNOWN_KEY,
                f"unknown key {key!r} {what}: the API accepts {_names(allowed)}{hint}",
                pointer,
                fix,
            )
        return renamed

    # -- record level --------------------------------------------------------------------------
    def list_field(self, obj: dict, key: str, prefix: str, what: str) -> list | None:
        """``obj[key]`` when it is a list; a wrong-type issue otherwise (with a safe fix when
        it is a JSON string holding a list, as some exports write ``tools``)."""
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
        self.add(
            WRONG_TYPE,
            f"{key!r} must be an array of {what}, got {type_name(value)}",
            pointer,
            fix,
        )
        return None

    def parallel_flag(self, obj: dict, prefix: str) -> None:
        if "parallel_tool_calls" not in obj:
            return
        value = obj["parallel_tool_calls"]
        self.parallel = value
        if isinstance(value, bool):
            return
        pointer = f"{prefix}/parallel_tool_calls"
        fix = None
        lowered = value.strip().lower() if isinstance(value, str) else value
        if lowered in ("true", 1) and not isinstance(value, float):
            fix = Fix.safe("write true", SetValue(pointer, True))
            self.parallel = True
        elif lowered in ("false", 0) and not isinstance(value, float):
            fix = Fix.safe("write false", SetValue(pointer, False))
            self.parallel = False
        self.add(
            WRONG_TYPE,
            f"'parallel_tool_calls' must be true or false, got {json.dumps(value, default=str)}",
            pointer,
            fix,
        )

    def tool_definitions(self, tools: list, prefix: str) -> None:
        names: set[str] = set()
        for j, tool in enumerate(tools):
            pointer = f"{prefix}/{j}"
            if not isinstance(tool, dict):
                self.add(
                    INVALID_TOOL_DEF, f"a tool must be an object, got {type_name(tool)}", pointer
                )
                continue
            if "type" not in tool and "function" not in tool and "name" in tool:
                # A bare function definition (the legacy ``functions`` shape, or Glaive's).
                self.add(
                    INVALID_TOOL_DEF,
                    'a tool must be {"type": "function", "function": {...}}; this is a bare '
                    "function definition",
                    pointer,
                    Fix.safe(
                        "wrap it as a function tool",
                        SetValue(pointer, {"type": "function", "function": tool}),
                    ),
                )
                self.function_definition(tool, pointer, names)
                continue
            kind = tool.get("type")
            if kind is None:
                self.add(
                    INVALID_TOOL_DEF,
                    "the tool has no 'type'",
                    f"{pointer}/type",
                    Fix.safe('set "type": "function"', SetValue(f"{pointer}/type", "function")),
                )
            elif kind != "function":
                self.add(
                    INVALID_TOOL_DEF,
                    f"tool type {json.dumps(kind, default=str)} is not accepted: fine-tuning "
                    'data takes "function" tools',
                    f"{pointer}/type",
                )
            for key in tool:
                if key not in TOOL_KEYS:
                    self.add(
                        INVALID_TOOL_DEF,
                        f"unknown key {key!r} in a tool (accepted: type, function)",
                        f"{pointer}/{escape(key)}",
                        Fix.safe(f"remove {key!r}", DeleteValue(f"{pointer}/{escape(key)}")),
                    )
            function = tool.get("function")
            if not isinstance(function, dict):
                self.add(
                    INVALID_TOOL_DEF,
                    f"the tool's 'function' must be an object, got {type_name(function)}",
                    f"{pointer}/function",
                )
                continue
            self.function_definition(function, f"{pointer}/function", names)
        if self.defined_tools is None:
            self.defined_tools = names
        else:
            self.defined_tools |= names

    def function_definition(self, function: dict, pointer: str, names: set[str]) -> None:
        name = function.get("name")
        if not isinstance(name, str):
            self.add(
                INVALID_TOOL_DEF,
                "the function has no name" if name is None else
                f"the function name must be a string, got {type_name(name)}",
                f"{pointer}/name",
            )  # fmt: skip
        elif not TOOL_NAME.fullmatch(name):
            self.add(
                INVALID_TOOL_DEF,
                f"function name {name!r} must be 1-64 letters, digits, '_' or '-'",
                f"{pointer}/name",
            )
        elif name in names:
            self.add(INVALID_TOOL_DEF, f"function {name!r} is defined twice", f"{pointer}/name")
        if isinstance(name, str):
            names.add(name)
        description = function.get("description")
        if description is not None and not isinstance(description, str):
            self.add(
                INVALID_TOOL_DEF,
                f"'description' must be a string, got {type_name(description)}",
                f"{pointer}/description",
            )
        if "strict" in function and not isinstance(function["strict"], bool):
            self.add(
                INVALID_TOOL_DEF,
                f"'strict' must be true or false, got {type_name(function['strict'])}",
                f"{pointer}/strict",
            )
        if "parameters" in function:
            parameters = function["parameters"]
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
            if not isinstance(parameters, dict):
                self.add(
                    INVALID_TOOL_DEF,
                    f"'parameters' must be a JSON Schema object, got {type_name(parameters)}",
                    f"{pointer}/parameters",
                    fix,
                )
            else:
                problem = schema_problem(parameters)
                if problem:
                    self.add(INVALID_TOOL_DEF, f"'parameters' {problem}", f"{pointer}/parameters")
        for key in function:
            if key not in FUNCTION_DEF_KEYS:
                self.add(
                    INVALID_TOOL_DEF,
                    f"unknown key {key!r} in a function definition (accepted: "
                    f"{_names(FUNCTION_DEF_KEYS)})",
                    f"{pointer}/{escape(key)}",
                    Fix.safe(f"remove {key!r}", DeleteValue(f"{pointer}/{escape(key)}")),
                )

    def functions_list(self, functions: list, prefix: str) -> None:
        names: set[str] = set()
        for j, function in enumerate(functions):
            if isinstance(function, dict):
                self.function_definition(function, f"{prefix}/{j}", names)
            else:
                self.add(
                    INVALID_TOOL_DEF,
                    f"a function definition must be an object, got {type_name(function)}",
                    f"{prefix}/{j}",
                )
        self.defined_functions = names

    # -- messages ------------------------------------------------------------------------------
    def messages(self, messages: list, prefix: str) -> list[tuple[str | None, Any]]:
        """Check each message; returns ``(role, weight)`` per message for the callers'
        conversation-level checks (``role`` None when it could not be told)."""
        out: list[tuple[str | None, Any]] = []
        append = out.append
        for i, message in enumerate(messages):
            # Fast path: the plain {"role", "content": "text"} message most files are made of.
            if type(message) is dict and len(message) == 2:
                role = message.get("role")
                content = message.get("content")
                if (
                    isinstance(role, str)
                    and role in PLAIN_ROLES
                    and type(content) is str
                    and content
                    and (not content[0].isspace() or content.strip())
                ):
                    append((role, 1))
                    continue
            pointer = f"{prefix}/{i}"
            if not isinstance(message, dict):
                self.add(
                    WRONG_TYPE, f"a message must be an object, got {type_name(message)}", pointer
                )
                append((None, None))
                continue
            role = self.role(message, pointer)
            weight = self.message(message, role, pointer)
            append((role, weight))
        return out

    def role(self, message: dict, pointer: str) -> str | None:
        if "role" not in message:
            self.add(MISSING_KEY, "the message has no 'role'", f"{pointer}/role")
            return None
        raw = message["role"]
        where = f"{pointer}/role"
        if not isinstance(raw, str):
            self.add(WRONG_TYPE, f"'role' must be a string, got {type_name(raw)}", where)
            return None
        if raw in ROLES:
            if raw == "function":
                self.add(
                    INVALID_ROLE,
                    "the 'function' role is legacy: use an assistant message with 'tool_calls' "
                    "answered by 'tool' messages",
                    where,
                    severity=Severity.WARNING,
                )
            return raw
        folded = raw.strip().lower()
        if folded in ROLES and folded != "function":
            self.add(
                INVALID_ROLE,
                f"role {raw!r} must be written {folded!r}",
                where,
                Fix.safe(f"write {folded!r}", SetValue(where, folded)),
            )
            return folded
        if folded == "developer":
            self.add(
                INVALID_ROLE,
                "role 'developer' is not accepted in fine-tuning data: use 'system'",
                where,
                Fix.safe("write 'system'", SetValue(where, "system")),
            )
            return "system"
        if folded in ROLE_ALIASES:
            target = ROLE_ALIASES[folded]
            self.add(
                INVALID_ROLE,
                f"role {raw!r} is not accepted (system, user, assistant, tool); it looks like "
                f"{target!r}",
                where,
                Fix.unsafe(f"write {target!r}", SetValue(where, target)),
            )
            return target
        self.add(
            INVALID_ROLE,
            f"role {raw!r} is not accepted: use system, user, assistant or tool",
            where,
        )
        return None

    def message(self, message: dict, role: str | None, pointer: str) -> Any:
        """Keys, content, weight, tool calls and images of one message; returns its weight."""
        if role is None:
            return None
        allowed = OUTPUT_KEYS if (self.preference and role == "assistant") else ROLE_KEYS[role]
        renamed = self.unknown_keys(
            message, allowed, pointer, f"in a {role} message", skip=("weight",)
        )
        if "name" in message and not isinstance(message["name"], str):
            self.add(
                WRONG_TYPE,
                f"'name' must be a string, got {type_name(message['name'])}",
                f"{pointer}/name",
            )
        weight = self.weight(message, role, pointer)
        has_calls = False
        if role == "assistant":
            has_calls = self.tool_calls(message, pointer)
        elif role == "tool":
            self.tool_answer(message, pointer)
        elif role == "function" and "name" not in message:
            self.add(
                MISSING_KEY,
                "a function message needs the 'name' of the function",
                f"{pointer}/name",
            )
        if "content" not in renamed:  # else the content is there, under another name
            self.content(message, role, pointer, has_calls)
        return weight

    def weight(self, message: dict, role: str, pointer: str) -> Any:
        if "weight" not in message:
            return 1
        value = message["weight"]
        where = f"{pointer}/weight"
        if self.preference:
            self.add(
                UNKNOWN_KEY,
                "unknown key 'weight': preference (DPO) messages take no weight",
                where,
                Fix.safe("remove 'weight'", DeleteValue(where)),
            )
            return 1
        if role != "assistant":
            self.add(
                INVALID_WEIGHT,
                f"'weight' is only accepted on assistant messages, not on a {role} message "
                "(only assistant messages are trained)",
                where,
                Fix.safe("remove 'weight'", DeleteValue(where)),
            )
            return 1
        if type(value) is int and value in (0, 1):
            return value
        normal: int | None = None
        if isinstance(value, bool) or (isinstance(value, float) and value in (0.0, 1.0)):
            normal = int(value)
        elif isinstance(value, str) and value.strip() in ("0", "1"):
            normal = int(value.strip())
        if normal is not None:
            self.add(
                INVALID_WEIGHT,
                f"'weight' must be the integer 0 or 1, got {json.dumps(value)}",
                where,
                Fix.safe(f"write {normal}", SetValue(where, normal)),
            )
            return normal
        self.add(
            INVALID_WEIGHT,
            f"'weight' must be 0 (not trained) or 1 (trained), got "
            f"{json.dumps(value, default=str)}",
            where,
        )
        return None

    def content(self, message: dict, role: str, pointer: str, has_calls: bool) -> None:
        where = f"{pointer}/content"
        if "content" not in message or message["content"] is None:
            if role == "assistant" and (has_calls or isinstance(message.get("refusal"), str)):
                return
            if role == "function" and "content" in message:
                return  # a function message may carry null content
            state = "no 'content'" if "content" not in message else "null 'content'"
            need = " and no 'tool_calls'" if role == "assistant" else ""
            self.add(EMPTY_CONTENT, f"the {role} message has {state}{need}", where)
            return
        content = message["content"]
        if isinstance(content, str):
            if not content.strip():
                self.empty(role, pointer, has_calls, "empty" if not content else "blank")
            return
        if isinstance(content, list) and role != "function":
            if not self.parts(content, role, where) and not has_calls:
                self.empty(role, pointer, has_calls, "empty")
            return
        fix = None
        if isinstance(content, (int, float)) and not isinstance(content, bool):
            fix = Fix.safe("write the number as text", SetValue(where, json.dumps(content)))
        accepted = "a string" if role == "function" else "a string or an array of content parts"
        self.add(WRONG_TYPE, f"'content' must be {accepted}, got {type_name(content)}", where, fix)

    def empty(self, role: str, pointer: str, has_calls: bool, state: str) -> None:
        if role == "assistant":
            if not has_calls:
                self.add(
                    EMPTY_CONTENT,
                    f"the assistant message is {state}: there is nothing to train on",
                    f"{pointer}/content",
                )
            return
        fix = None
        if role == "system":
            fix = Fix.unsafe("remove the empty system message", DeleteValue(pointer))
        self.add(
            EMPTY_CONTENT,
            f"the {role} message is {state}",
            f"{pointer}/content",
            fix,
            Severity.WARNING,
        )

    def parts(self, parts: list, role: str, where: str) -> bool:
        """Check content parts; True when they hold some text or an image, or a part that is
        reported for its type (so that it is not reported as empty content too)."""
        substance = False
        allowed = PART_TYPES.get(role, ("text",))
        for k, part in enumerate(parts):
            pointer = f"{where}/{k}"
            if not isinstance(part, dict):
                if isinstance(part, str):
                    fix = Fix.safe(
                        "make it a text part", SetValue(pointer, {"type": "text", "text": part})
                    )
                    substance = substance or bool(part.strip())
                else:
                    fix = None
                    substance = True
                self.add(
                    WRONG_TYPE,
                    f'a content part must be an object like {{"type": "text", "text": ...}}, '
                    f"got {type_name(part)}",
                    pointer,
                    fix,
                )
                continue
            kind = part.get("type")
            if kind is None:
                self.add(MISSING_KEY, "the content part has no 'type'", f"{pointer}/type")
                substance = True
                continue
            if kind == "image_url":
                self.image(part, role, pointer)
                substance = True
                continue
            if kind not in allowed:
                if isinstance(kind, str) and kind in PART_KEYS:
                    message = f"a {role} message cannot hold {kind!r} parts"
                else:
                    message = (
                        f"content part type {json.dumps(kind, default=str)} is not accepted in "
                        "fine-tuning data (text, and images in user messages)"
                    )
                self.add(WRONG_TYPE, message, f"{pointer}/type")
                substance = True
                continue
            field = "text" if kind == "text" else "refusal"
            value = part.get(field)
            if not isinstance(value, str):
                self.add(
                    WRONG_TYPE if field in part else MISSING_KEY,
                    f"the {kind} part needs a string {field!r}"
                    + (f", got {type_name(value)}" if field in part else ""),
                    f"{pointer}/{field}",
                )
            elif value.strip():
                substance = True
            self.unknown_keys(part, PART_KEYS[kind], pointer, f"in a {kind} part")
        return substance

    # -- images --------------------------------------------------------------------------------
    def image(self, part: dict, role: str, pointer: str) -> None:
        self.images += 1
        if self.preference:
            self.add(
                INVALID_IMAGE,
                "preference (DPO) fine-tuning takes text only: remove the image",
                pointer,
            )
            return
        if role != "user":
            self.add(
                INVALID_IMAGE,
                f"images are only accepted in user messages, not in a {role} message",
                pointer,
            )
            return
        if self.images == MAX_IMAGES + 1:
            self.add(
                INVALID_IMAGE,
                f"more than {MAX_IMAGES} images in one example (the API's limit)",
                pointer,
            )
        spec = part.get("image_url")
        where = f"{pointer}/image_url"
        if isinstance(spec, str):
            self.add(
                INVALID_IMAGE,
                "'image_url' must be an object with a 'url'",
                where,
                Fix.safe('write {"url": ...}', SetValue(where, {"url": spec})),
            )
            url: Any = spec
        elif not isinstance(spec, dict):
            self.add(
                INVALID_IMAGE,
                f"'image_url' must be an object with a 'url', got {type_name(spec)}",
                where,
            )
            return
        else:
            url = spec.get("url")
            detail = spec.get("detail")
            if detail is not None and detail not in IMAGE_DETAILS:
                self.add(
                    INVALID_IMAGE,
                    f"'detail' must be auto, low or high, got {json.dumps(detail, default=str)}",
                    f"{where}/detail",
                )
            self.unknown_keys(spec, IMAGE_URL_KEYS, where, "in an image_url")
            where = f"{where}/url"
        if not isinstance(url, str):
            self.add(INVALID_IMAGE, f"the image URL must be a string, got {type_name(url)}", where)
            return
        problem, severity = image_url_problem(url)
        if problem:
            self.add(INVALID_IMAGE, problem, where, severity=severity)

    # -- tools ---------------------------------------------------------------------------------
    def tool_calls(self, message: dict, pointer: str) -> bool:
        """Check ``tool_calls`` and ``function_call``; True when the message makes a call."""
        has_calls = False
        if "tool_calls" in message:
            calls = message["tool_calls"]
            where = f"{pointer}/tool_calls"
            if not isinstance(calls, list):
                self.add(
                    INVALID_TOOL_CALL,
                    f"'tool_calls' must be an array, got {type_name(calls)}",
                    where,
                )
            elif not calls:
                self.add(
                    INVALID_TOOL_CALL,
                    "'tool_calls' is an empty array: remove it or add the calls",
                    where,
                    Fix.safe("remove the empty 'tool_calls'", DeleteValue(where))
                    if isinstance(message.get("content"), str) and message["content"].strip()
                    else None,
                )
            else:
                has_calls = True
                for j, call in enumerate(calls):
                    self.tool_call(call, f"{where}/{j}")
                if self.parallel is False and len(calls) > 1:
                    self.add(
                        INVALID_TOOL_CALL,
                        f"{len(calls)} tool calls in one message, but 'parallel_tool_calls' is "
                        "false",
                        where,
                        severity=Severity.WARNING,
                    )
        if "function_call" in message:
            call = message["function_call"]
            where = f"{pointer}/function_call"
            if not isinstance(call, dict):
                self.add(
                    INVALID_TOOL_CALL,
                    f"'function_call' must be an object, got {type_name(call)}",
                    where,
                )
            else:
                has_calls = True
                self.call_function(call, where, self.defined_functions, "functions")
        return has_calls

    def tool_call(self, call: Any, pointer: str) -> None:
        if not isinstance(call, dict):
            self.add(
                INVALID_TOOL_CALL, f"a tool call must be an object, got {type_name(call)}", pointer
            )
            return
        call_id = call.get("id")
        if call_id is None:
            self.add(INVALID_TOOL_CALL, "the tool call has no 'id'", f"{pointer}/id")
        elif not isinstance(call_id, str) or not call_id:
            self.add(
                INVALID_TOOL_CALL,
                f"the tool call 'id' must be a non-empty string, got {json.dumps(call_id)}",
                f"{pointer}/id",
            )
        elif call_id in self.call_ids:
            self.add(
                INVALID_TOOL_CALL,
                f"tool call id {call_id!r} is used twice in this example: tool messages could "
                "not tell which call they answer",
                f"{pointer}/id",
            )
        else:
            self.call_ids.add(call_id)
        kind = call.get("type")
        if kind is None:
            self.add(
                INVALID_TOOL_CALL,
                "the tool call has no 'type'",
                f"{pointer}/type",
                Fix.safe('set "type": "function"', SetValue(f"{pointer}/type", "function")),
            )
        elif kind != "function":
            self.add(
                INVALID_TOOL_CALL,
                f'tool call type {json.dumps(kind, default=str)} is not accepted: use "function"',
                f"{pointer}/type",
            )
        for key in call:
            if key not in TOOL_CALL_KEYS:
                self.add(
                    INVALID_TOOL_CALL,
                    f"unknown key {key!r} in a tool call (accepted: id, type, function)",
                    f"{pointer}/{escape(key)}",
                    Fix.safe(f"remove {key!r}", DeleteValue(f"{pointer}/{escape(key)}")),
                )
        function = call.get("function")
        if not isinstance(function, dict):
            self.add(
                INVALID_TOOL_CALL,
                f"the tool call's 'function' must be an object with name and arguments, got "
                f"{type_name(function)}",
                f"{pointer}/function",
            )
            return
        self.call_function(function, f"{pointer}/function", self.defined_tools, "tools")

    def call_function(
        self, function: dict, pointer: str, defined: set[str] | None, where: str
    ) -> None:
        name = function.get("name")
        if not isinstance(name, str) or not name:
            self.add(
                INVALID_TOOL_CALL,
                "the call has no function 'name'" if name is None
                else f"the function 'name' must be a non-empty string, got {json.dumps(name)}",
                f"{pointer}/name",
            )  # fmt: skip
        elif defined is not None and name not in defined:
            known = ", ".join(sorted(defined)[:8]) or "none"
            self.add(
                UNDEFINED_TOOL,
                f"call to {name!r}, which is not among the {where} of this example ({known})",
                f"{pointer}/name",
            )
        arguments = function.get("arguments")
        at = f"{pointer}/arguments"
        if arguments is None:
            self.add(
                INVALID_TOOL_CALL,
                "the call has no 'arguments' (a JSON string; \"{}\" for none)",
                at,
                Fix.safe('write "{}"', SetValue(at, "{}")) if "arguments" not in function else None,
            )
        elif isinstance(arguments, dict):
            self.add(
                INVALID_TOOL_CALL,
                "'arguments' must be a JSON string, not an object",
                at,
                Fix.safe(
                    "encode the object as a JSON string",
                    SetValue(at, json.dumps(arguments, ensure_ascii=False)),
                ),
            )
        elif not isinstance(arguments, str):
            self.add(
                INVALID_TOOL_CALL,
                f"'arguments' must be a JSON string, got {type_name(arguments)}",
                at,
            )
        else:
            try:
                parsed = orjson.loads(arguments)
            except orjson.JSONDecodeError as exc:
                self.add(INVALID_TOOL_CALL, f"'arguments' is not valid JSON: {exc}", at)
            else:
                if not isinstance(parsed, dict):
                    self.add(
                        INVALID_TOOL_CALL,
                        f"'arguments' must encode a JSON object, got {type_name(parsed)}",
                        at,
                    )
        for key in function:
            if key not in CALL_FUNCTION_KEYS:
                self.add(
                    INVALID_TOOL_CALL,
                    f"unknown key {key!r} in a function call (accepted: name, arguments)",
                    f"{pointer}/{escape(key)}",
                    Fix.safe(f"remove {key!r}", DeleteValue(f"{pointer}/{escape(key)}")),
                )

    def tool_answer(self, message: dict, pointer: str) -> None:
        where = f"{pointer}/tool_call_id"
        if "tool_call_id" not in message:
            self.add(
                MISSING_KEY, "a tool message needs the 'tool_call_id' of the call it answers", where
            )
            return
        call_id = message["tool_call_id"]
        if not isinstance(call_id, str):
            self.add(
                WRONG_TYPE, f"'tool_call_id' must be a string, got {type_name(call_id)}", where
            )
        elif call_id not in self.call_ids:
            self.add(
                ORPHAN_TOOL,
                f"tool message answers {call_id!r}, which no earlier assistant message called",
                where,
            )


def _rename_target(key: str, allowed: Any) -> str | None:
    """The accepted key that ``key`` most likely means: same letters in another case, a
    known alias, or a close spelling."""
    lowered = key.lower()
    for name in allowed:
        if name.lower() == lowered:
            return name
    alias = KEY_ALIASES.get(key) or KEY_ALIASES.get(lowered)
    if alias in allowed:
        return alias
    import difflib

    close = difflib.get_close_matches(lowered, list(allowed), n=1, cutoff=0.8)
    return close[0] if close else None


def image_url_problem(url: str) -> tuple[str | None, Severity | None]:
    """Why an image URL is not accepted (and how bad), or ``(None, None)``.

    Accepted: an http(s) URL, or a base64 data URL whose bytes are a JPEG, PNG or WEBP image of
    at most 10 MB.
    """
    if url[:5].lower() == "data:":
        header, comma, payload = url[5:].partition(",")
        if not comma:
            return "the data URL has no ',' before its data", None
        params = header.split(";")
        mime = params[0].strip().lower()
        if "base64" not in (p.strip().lower() for p in params[1:]):
            return "the data URL must be base64-encoded (data:image/png;base64,...)", None
        if mime and mime not in IMAGE_MIME:
            return f"image type {mime!r} is not accepted: use JPEG, PNG or WEBP", None
        size = (len(payload) * 3) // 4 - payload[-2:].count("=")
        if size > MAX_IMAGE_BYTES:
            return f"the image is {size / 1e6:.1f} MB; the limit is 10 MB", None
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            return "the data URL is not valid base64", None
        kind = image_kind(data)
        if kind is None:
            return "the data URL's bytes are not a JPEG, PNG or WEBP image", None
        if mime and IMAGE_MIME[mime] != kind:
            return f"the data URL says {mime} but holds a {kind} image", Severity.WARNING
        return None, None
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the image URL is not a valid URL", None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        shown = url if len(url) <= 60 else url[:57] + "..."
        return (
            f"image URL {shown!r} must be an http(s) URL or a base64 data URL "
            "(data:image/jpeg;base64,...)",
            None,
        )
    return None, None


# ---------------------------------------------------------------------------------------------
# Entry points


def analyze(data: Any, accepted: tuple[str, ...] | None = None) -> dict[str, list[Issue]]:
    """Every chat/tool/image/preference finding of one record, by rule name.

    ``accepted``: the shapes the target model trains on; a record of another shape is
    converted by ``prepare``, so its record-level keys are not checked here.
    """
    shape = detect_shape(data)
    if shape == CHAT:
        if _plain_chat(data):
            return {}
        walk = _Walk(preference=False)
        _chat(walk, data, accepted is None or CHAT in accepted)
        return walk.issues
    if shape == PREFERENCE:
        walk = _Walk(preference=True)
        _preference(walk, data, accepted is None or PREFERENCE in accepted)
        return walk.issues
    if shape == PROMPT_COMPLETION and (accepted is None or PROMPT_COMPLETION in accepted):
        walk = _Walk(preference=False)
        walk.unknown_keys(data, PROMPT_COMPLETION_KEYS, "", "on a prompt/completion record")
        return walk.issues
    return {}


def _plain_chat(data: dict) -> bool:
    """Whether a chat record is only ``messages``, all plain ``{"role", "content": "text"}``
    messages (the fast path of ``_Walk.messages``) ending with the assistant's answer: most
    records of most files, in which no rule finds anything (``_chat`` would walk it to the
    same empty result)."""
    if len(data) != 1:
        return False
    messages = data.get("messages")
    if type(messages) is not list or not messages:
        return False
    for message in messages:
        if type(message) is not dict or len(message) != 2:
            return False
        role = message.get("role")
        content = message.get("content")
        if not (
            isinstance(role, str)
            and role in PLAIN_ROLES
            and type(content) is str
            and content
            and (not content[0].isspace() or content.strip())
        ):
            return False
    return messages[-1]["role"] == "assistant"


def issues(record: Record, rule: str, accepted: tuple[str, ...] | None) -> Sequence[Issue]:
    """The findings of ``rule`` on ``record``, from the cached single pass."""
    return record.analysis.get(walk, accepted).get(rule, ())


def walk(record: Record, accepted: tuple[str, ...] | None) -> dict[str, list[Issue]]:
    """The shared record analysis of the chat rules: ``analyze`` of the record's data."""
    return analyze(record.data, accepted)


def _chat(walk: _Walk, data: dict, keys_matter: bool) -> None:
    if keys_matter:
        walk.unknown_keys(data, CHAT_KEYS, "", "on a chat record")
    walk.parallel_flag(data, "")
    if "tools" in data:
        tools = walk.list_field(data, "tools", "", "tools")
        if tools is not None:
            walk.tool_definitions(tools, "/tools")
    if "functions" in data:
        functions = walk.list_field(data, "functions", "", "function definitions")
        if functions is not None:
            walk.functions_list(functions, "/functions")
    messages = walk.list_field(data, "messages", "", "messages")
    if messages is None:
        return
    if not messages:
        walk.add(NO_ASSISTANT, "'messages' is empty", "/messages", _drop("no messages"))
        return
    roles = walk.messages(messages, "/messages")
    last = -1
    trained = False
    for i, (role, weight) in enumerate(roles):
        if role == "assistant":
            last = i
            trained = trained or weight != 0
    if last < 0:
        if all(role is not None for role, _ in roles):
            walk.add(
                NO_ASSISTANT,
                "no assistant message: nothing in this example is trained",
                "/messages",
                _drop("no assistant message"),
            )
        return
    if not trained:
        walk.add(
            NO_TRAINABLE,
            "every assistant message has weight 0: nothing in this example is trained",
            "/messages",
            _drop("no trainable tokens"),
        )
    trailing = len(roles) - 1 - last
    if trailing:
        walk.add(
            TRAILING,
            f"{trailing} message{'s' if trailing > 1 else ''} after the last assistant message "
            f"{'are' if trailing > 1 else 'is'} never trained on",
            f"/messages/{last + 1}",
            Fix.safe(
                f"remove the {trailing} trailing message{'s' if trailing > 1 else ''}",
                *(DeleteValue(f"/messages/{i}") for i in range(len(roles) - 1, last, -1)),
            ),
        )


def _drop(reason: str) -> Fix:
    return Fix.unsafe("leave the example out", DropRecord(reason))


def _preference(walk: _Walk, data: dict, keys_matter: bool) -> None:
    if keys_matter:
        walk.unknown_keys(data, PREFERENCE_KEYS, "", "on a preference record")
    source = data.get("input")
    if not isinstance(source, dict):
        walk.add(
            INVALID_PREFERENCE,
            "'input' must be an object holding the conversation ('messages')"
            if "input" in data else "the record has no 'input'",
            "/input",
        )  # fmt: skip
    else:
        walk.unknown_keys(source, PREFERENCE_INPUT_KEYS, "/input", "in a preference input")
        walk.parallel_flag(source, "/input")
        if "tools" in source:
            tools = walk.list_field(source, "tools", "/input", "tools")
            if tools is not None:
                walk.tool_definitions(tools, "/input/tools")
        if "messages" not in source:
            walk.add(INVALID_PREFERENCE, "'input' has no 'messages'", "/input/messages")
        else:
            messages = walk.list_field(source, "messages", "/input", "messages")
            if messages is not None:
                _preference_input(walk, messages)
    outputs = []
    for key in ("preferred_output", "non_preferred_output"):
        outputs.append(_preference_output(walk, data, key))
    first, second = outputs
    if first is not None and second is not None and _same(first, second):
        walk.add(
            INVALID_PREFERENCE,
            "preferred and non-preferred outputs are identical: the pair teaches nothing",
            "/non_preferred_output",
            _drop("identical preferred and non-preferred outputs"),
        )


def _preference_input(walk: _Walk, messages: list) -> None:
    if not messages:
        walk.add(INVALID_PREFERENCE, "the input conversation is empty", "/input/messages")
        return
    roles = walk.messages(messages, "/input/messages")
    last = roles[-1][0]
    if last == "assistant":
        walk.add(
            INVALID_PREFERENCE,
            "the input ends with an assistant message: the input is the conversation before "
            "the answer, and the answers go in preferred_output / non_preferred_output",
            f"/input/messages/{len(messages) - 1}",
        )
    elif last == "system":
        walk.add(
            INVALID_PREFERENCE,
            "the input ends with a system message: it must end with the user turn that the "
            "outputs answer",
            f"/input/messages/{len(messages) - 1}",
        )


def _preference_output(walk: _Walk, data: dict, key: str) -> dict | None:
    """Check one output; returns its single message when it is well formed enough to compare."""
    pointer = f"/{key}"
    if key not in data:
        walk.add(INVALID_PREFERENCE, f"the record has no {key!r}", pointer)
        return None
    value = data[key]
    if isinstance(value, str):
        walk.add(
            INVALID_PREFERENCE,
            f"{key!r} must be a list holding one assistant message, got a string",
            pointer,
            Fix.safe(
                "make it one assistant message",
                SetValue(pointer, [{"role": "assistant", "content": value}]),
            ),
        )
        return {"role": "assistant", "content": value}
    if isinstance(value, dict):
        walk.add(
            INVALID_PREFERENCE,
            f"{key!r} must be a list holding one assistant message, got a single object",
            pointer,
            Fix.safe("put the message in a list", SetValue(pointer, [value])),
        )
        role = walk.role(value, pointer)
        walk.message(value, role, pointer)
        if role is not None and role != "assistant":
            walk.add(
                INVALID_PREFERENCE,
                f"{key!r} must be an assistant message, not a {role} message",
                f"{pointer}/role",
            )
        return value
    if not isinstance(value, list):
        walk.add(
            INVALID_PREFERENCE,
            f"{key!r} must be a list holding one assistant message, got {type_name(value)}",
            pointer,
        )
        return None
    if len(value) != 1:
        walk.add(
            INVALID_PREFERENCE,
            f"{key!r} must hold exactly one assistant message, it holds {len(value)}",
            pointer,
        )
        if not value:
            return None
    roles = walk.messages(value, pointer)
    for i, (role, _weight) in enumerate(roles):
        if role is not None and role != "assistant":
            walk.add(
                INVALID_PREFERENCE,
                f"{key!r} must be an assistant message, not a {role} message",
                f"{pointer}/{i}/role",
            )
    return value[0] if len(value) == 1 and isinstance(value[0], dict) else None


def _same(first: dict, second: dict) -> bool:
    def canonical(message: dict) -> Any:
        content = message.get("content")
        if isinstance(content, list) and len(content) == 1 and isinstance(content[0], dict):
            content = content[0].get("text", content)  # one text part == the plain text
        return (
            content.strip() if isinstance(content, str) else content,
            message.get("tool_calls"),
            message.get("function_call"),
        )

    try:
        return canonical(first) == canonical(second)
    except Exception:
        return False


class AnalysisRule(Rule):
    """Base of the record rules that report the findings of ``analyze`` filed under their
    name. Not a rule itself (no code, not registered)."""

    scope: ClassVar[Scope] = Scope.RECORD
    group: ClassVar[str | None] = "chat-analysis"

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.accepted = model_shapes(context.target, context.model)

    def quiet(self, record: Record) -> bool:
        """The analysis found nothing for any of these rules (most records)."""
        return not record.analysis.get(walk, self.accepted)

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        # Hot path (15 rules x every record): inline ``issues`` and allocate nothing when the
        # record is clean, the common case.
        found = record.analysis.get(walk, self.accepted).get(self.name)
        if not found:
            return ()
        location = record.location
        return [
            self.diagnostic(
                issue.message,
                location.at(field=issue.pointer),
                fix=issue.fix,
                severity=issue.severity,
            )
            for issue in found
        ]

"""The single pass over a chat or preference record that every chat rule reports from.

The chat rules all look at the same messages; walking them once per record, whatever the
number of rules enabled, keeps a 100k-line file at one pass. As ruff's checker walks the AST
once and calls each rule where it applies, ``Walk`` reads the record (messages, tools, tool
calls, content parts, images, preference outputs) and, at each point, calls the check
functions of the rule modules (``wrong_type.role`` where a role is not a string,
``invalid_role.role`` where it is not one of the accepted ones, ...). The walk tests what
decides its way (is it an object, a string, present?) inline, as it must to know where to
descend; the rules word their findings, choose severity and fix, and make the tests that
only their finding needs. A check files an ``Issue`` under its rule's name (``Walk.add``).

``findings`` is the per-record analysis (``record.analyses[(findings, accepted)]``) that
``ChatRule.check_record`` reads. Most records are plain ``{"role", "content": "text"}``
conversations ending with the answer: ``analyze`` recognises them first (``_plain_chat``) and
returns no finding without building a walk. Nothing here raises on bad input: wrong types,
missing keys and ``None`` are what this module is for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ftlint.rules.chat import (
    empty_content,
    invalid_image,
    invalid_preference,
    invalid_tool_call,
    invalid_tool_definition,
    missing_key,
    no_assistant_message,
    no_trainable_tokens,
    trailing_messages,
    wrong_type,
)
from ftlint.rules.chat.base import a
from ftlint.rules.chat.invalid_role import role as check_role
from ftlint.rules.chat.invalid_weight import weight as check_weight
from ftlint.rules.chat.orphan_tool_message import answer as check_answer
from ftlint.rules.chat.schema import (
    CHAT_KEYS,
    IMAGE_URL_KEYS,
    OUTPUT_KEYS,
    PART_KEYS,
    PART_TYPES,
    PLAIN_ROLES,
    PREFERENCE_INPUT_KEYS,
    PREFERENCE_KEYS,
    PROMPT_COMPLETION_KEYS,
    ROLE_KEYS,
)
from ftlint.rules.chat.undefined_tool import undefined
from ftlint.rules.chat.unknown_key import preference_weight, unknown_keys

from ftlint.shapes import CHAT, PREFERENCE, PROMPT_COMPLETION, blank, detect_shape

if TYPE_CHECKING:
    from ftlint import Fix, Record, Severity

#: Roles the walk takes as they are; any other string goes to ``invalid_role.role``.
CURRENT_ROLES = frozenset({"system", "user", "assistant", "tool"})


@dataclass(slots=True)
class Issue:
    """One finding, filed under the rule that reports it."""

    rule: str
    message: str
    pointer: str
    fix: Fix | None = None
    severity: Severity | None = None


class Walk:
    """The state of one pass over one record: the findings by rule name, and what the checks
    of later messages need from earlier ones (call ids, defined functions, images seen)."""

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
        #: Valid ids of the tool calls made so far (``invalid_tool_call.tool_call`` adds them).
        self.call_ids: set[str] = set()
        #: The function names the record's ``tools`` / ``functions`` define (None: no list).
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

    # -- record level --------------------------------------------------------------------------
    def parallel_flag(self, obj: dict, prefix: str) -> None:
        if "parallel_tool_calls" not in obj:
            return
        value = obj["parallel_tool_calls"]
        if isinstance(value, bool):
            self.parallel = value
        else:
            self.parallel = wrong_type.parallel_tool_calls(
                self, value, f"{prefix}/parallel_tool_calls"
            )

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
                    and (content[0].isalnum() or not blank(content))
                ):
                    append((role, 1))
                    continue
            pointer = f"{prefix}/{i}"
            if not isinstance(message, dict):
                wrong_type.message(self, message, pointer)
                append((None, None))
                continue
            role = self.role(message, pointer)
            weight = self.message(message, role, pointer)
            append((role, weight))
        return out

    def role(self, message: dict, pointer: str) -> str | None:
        """The role of a message (None when it cannot be told)."""
        if "role" not in message:
            missing_key.role(self, pointer)
            return None
        raw = message["role"]
        if not isinstance(raw, str):
            wrong_type.role(self, raw, f"{pointer}/role")
            return None
        if raw in CURRENT_ROLES:
            return raw
        return check_role(self, raw, f"{pointer}/role")

    def message(self, message: dict, role: str | None, pointer: str) -> Any:
        """Keys, content, weight, tool calls and images of one message; returns its weight."""
        if role is None:
            return None
        allowed = OUTPUT_KEYS if (self.preference and role == "assistant") else ROLE_KEYS[role]
        renamed = unknown_keys(
            self, message, allowed, pointer, f"in {a(str(role))} message", ("weight",)
        )
        if "name" in message and not isinstance(message["name"], str):
            wrong_type.name(self, message["name"], pointer)
        weight: Any = 1
        if "weight" in message:
            if self.preference:
                preference_weight(self, f"{pointer}/weight")
            else:
                weight = check_weight(self, message["weight"], role, f"{pointer}/weight")
        has_calls = False
        if role == "assistant":
            has_calls = self.tool_calls(message, pointer)
        elif role == "tool":
            self.tool_answer(message, pointer)
        elif role == "function" and "name" not in message:
            missing_key.function_name(self, pointer)
        if "content" not in renamed:  # else the content is there, under another name
            self.content(message, role, pointer, has_calls)
        return weight

    def content(self, message: dict, role: str, pointer: str, has_calls: bool) -> None:
        if "content" not in message or message["content"] is None:
            empty_content.missing(self, message, role, pointer, has_calls)
            return
        content = message["content"]
        if isinstance(content, str):
            if blank(content):
                empty_content.empty(
                    self, role, pointer, has_calls, "empty" if not content else "blank"
                )
            return
        if isinstance(content, list) and role != "function":
            if not self.parts(content, role, f"{pointer}/content") and not has_calls:
                empty_content.empty(self, role, pointer, has_calls, "empty")
            return
        wrong_type.content(self, content, role, f"{pointer}/content")

    def parts(self, parts: list, role: str, where: str) -> bool:
        """Check content parts; True when they hold some text or an image, or a part that is
        reported for its type (so that it is not reported as empty content too)."""
        substance = False
        allowed = PART_TYPES.get(role, ("text",))
        for k, part in enumerate(parts):
            pointer = f"{where}/{k}"
            if not isinstance(part, dict):
                wrong_type.part(self, part, pointer)
                substance = substance or (bool(part.strip()) if isinstance(part, str) else True)
                continue
            kind = part.get("type")
            if kind is None:
                missing_key.part_type(self, pointer)
                substance = True
                continue
            if kind == "image_url":
                self.images += 1
                spec = invalid_image.image(self, part, role, pointer)
                if spec is not None:
                    unknown_keys(
                        self, spec, IMAGE_URL_KEYS, f"{pointer}/image_url", "in an image_url"
                    )
                substance = True
                continue
            if kind not in allowed:
                wrong_type.part_type(self, kind, role, pointer)
                substance = True
                continue
            field = "text" if kind == "text" else "refusal"
            value = part.get(field)
            if not isinstance(value, str):
                if field in part:
                    wrong_type.part_field(self, kind, field, value, pointer)
                else:
                    missing_key.part_field(self, kind, field, pointer)
            elif not blank(value):
                substance = True
            unknown_keys(self, part, PART_KEYS[kind], pointer, f"in {a(str(kind))} part")
        return substance

    # -- tools ---------------------------------------------------------------------------------
    def tool_calls(self, message: dict, pointer: str) -> bool:
        """The ``tool_calls`` and ``function_call`` of an assistant message; True when the
        message makes a call."""
        has_calls = False
        if "tool_calls" in message:
            calls = message["tool_calls"]
            where = f"{pointer}/tool_calls"
            if not isinstance(calls, list) or not calls:
                invalid_tool_call.tool_calls(self, calls, message, where)
            else:
                has_calls = True
                defined = self.defined_tools
                for j, call in enumerate(calls):
                    at = f"{where}/{j}"
                    function = invalid_tool_call.tool_call(self, call, at)
                    if function is not None:
                        at = f"{at}/function"
                        name = invalid_tool_call.call_function(self, function, at)
                        if name is not None and defined is not None and name not in defined:
                            undefined(self, name, defined, "tools", at)
                if self.parallel is False and len(calls) > 1:
                    invalid_tool_call.not_parallel(self, len(calls), where)
        if "function_call" in message:
            call = message["function_call"]
            where = f"{pointer}/function_call"
            if not isinstance(call, dict):
                invalid_tool_call.function_call(self, call, where)
            else:
                has_calls = True
                name = invalid_tool_call.call_function(self, call, where)
                defined = self.defined_functions
                if name is not None and defined is not None and name not in defined:
                    undefined(self, name, defined, "functions", where)
        return has_calls

    def tool_answer(self, message: dict, pointer: str) -> None:
        where = f"{pointer}/tool_call_id"
        if "tool_call_id" not in message:
            missing_key.tool_call_id(self, where)
            return
        call_id = message["tool_call_id"]
        if not isinstance(call_id, str):
            wrong_type.tool_call_id(self, call_id, where)
        else:
            check_answer(self, call_id, where)


# ---------------------------------------------------------------------------------------------
# Entry points


def findings(record: Record, accepted: tuple[str, ...] | None) -> dict[str, list[Issue]]:
    """The shared record analysis of the chat rules: ``analyze`` of the record's data."""
    return analyze(record.data, accepted)


def analyze(data: Any, accepted: tuple[str, ...] | None = None) -> dict[str, list[Issue]]:
    """Every chat finding of one record, by rule name.

    ``accepted``: the shapes the target model trains on; a record of another shape is
    converted by ``prepare``, so its record-level keys are not checked here.
    """
    shape = detect_shape(data)
    if shape == CHAT:
        if _plain_chat(data):
            return {}
        walk = Walk(preference=False)
        _chat(walk, data, accepted is None or CHAT in accepted)
        return walk.issues
    if shape == PREFERENCE:
        walk = Walk(preference=True)
        _preference(walk, data, accepted is None or PREFERENCE in accepted)
        return walk.issues
    if shape == PROMPT_COMPLETION and (accepted is None or PROMPT_COMPLETION in accepted):
        walk = Walk(preference=False)
        unknown_keys(walk, data, PROMPT_COMPLETION_KEYS, "", "on a prompt/completion record")
        return walk.issues
    return {}


def _plain_chat(data: dict) -> bool:
    """Whether a chat record is only ``messages``, all plain ``{"role", "content": "text"}``
    messages (the fast path of ``Walk.messages``) ending with the assistant's answer: most
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
            and (content[0].isalnum() or not blank(content))
        ):
            return False
    return messages[-1]["role"] == "assistant"


def _chat(walk: Walk, data: dict, keys_matter: bool) -> None:
    if keys_matter:
        unknown_keys(walk, data, CHAT_KEYS, "", "on a chat record")
    walk.parallel_flag(data, "")
    if "tools" in data:
        tools = wrong_type.array(walk, data, "tools", "", "tools")
        if tools is not None:
            walk.defined_tools = invalid_tool_definition.tools(walk, tools, "/tools")
    if "functions" in data:
        functions = wrong_type.array(walk, data, "functions", "", "function definitions")
        if functions is not None:
            walk.defined_functions = invalid_tool_definition.functions(
                walk, functions, "/functions"
            )
    messages = wrong_type.array(walk, data, "messages", "", "messages")
    if messages is None:
        return
    if not messages:
        no_assistant_message.no_messages(walk)
        return
    roles = walk.messages(messages, "/messages")
    last = -1
    trained = False
    for i, (role, weight) in enumerate(roles):
        if role == "assistant":
            last = i
            trained = trained or weight != 0
    if last < 0:
        no_assistant_message.no_assistant(walk, roles)
        return
    if not trained:
        no_trainable_tokens.untrained(walk)
    trailing = len(roles) - 1 - last
    if trailing:
        trailing_messages.trailing(walk, trailing, last)


def _preference(walk: Walk, data: dict, keys_matter: bool) -> None:
    if keys_matter:
        unknown_keys(walk, data, PREFERENCE_KEYS, "", "on a preference record")
    source = data.get("input")
    if not isinstance(source, dict):
        invalid_preference.input_not_object(walk, data)
    else:
        unknown_keys(walk, source, PREFERENCE_INPUT_KEYS, "/input", "in a preference input")
        walk.parallel_flag(source, "/input")
        if "tools" in source:
            tools = wrong_type.array(walk, source, "tools", "/input", "tools")
            if tools is not None:
                walk.defined_tools = invalid_tool_definition.tools(walk, tools, "/input/tools")
        if "messages" not in source:
            invalid_preference.input_without_messages(walk)
        else:
            messages = wrong_type.array(walk, source, "messages", "/input", "messages")
            if messages is not None:
                if not messages:
                    invalid_preference.empty_input(walk)
                else:
                    roles = walk.messages(messages, "/input/messages")
                    invalid_preference.input_end(walk, roles[-1][0], len(messages))
    first = _preference_output(walk, data, "preferred_output")
    second = _preference_output(walk, data, "non_preferred_output")
    if first is not None and second is not None:
        invalid_preference.identical(walk, first, second)


def _preference_output(walk: Walk, data: dict, key: str) -> dict | None:
    """Walk one output; returns its single message when it is well formed enough to compare."""
    if key not in data:
        invalid_preference.missing_output(walk, key)
        return None
    value = data[key]
    pointer = f"/{key}"
    if isinstance(value, str):
        return invalid_preference.string_output(walk, key, value)
    if isinstance(value, dict):
        invalid_preference.object_output(walk, key, value)
        role = walk.role(value, pointer)
        walk.message(value, role, pointer)
        invalid_preference.output_role(walk, key, role, f"{pointer}/role")
        return value
    if not isinstance(value, list):
        invalid_preference.output_type(walk, key, value)
        return None
    invalid_preference.output_count(walk, key, value)
    if not value:
        return None
    roles = walk.messages(value, pointer)
    for i, (role, _weight) in enumerate(roles):
        invalid_preference.output_role(walk, key, role, f"{pointer}/{i}/role")
    return value[0] if len(value) == 1 and isinstance(value[0], dict) else None

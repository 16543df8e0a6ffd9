"""Record shapes the model trains on, and the conversions ``prepare`` makes to reach them.

Every record gets a *plan* (``plan_of``, one per record through ``record.analysis``): its
shape (after ``--map`` renames, for JSON files), the shape the model needs, and, when they
differ, the converted record or why it cannot be converted. The format rules report the
plans; the token and duplicate rules count and compare the converted form, which is what
``prepare`` writes. A conversion never mutates its input and is idempotent: a converted record
is in the model's shape, so it is left alone the next time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ftlint.model import Record
from ftlint.shapes import (
    ALPACA,
    ALPACA_OUTPUT_KEYS,
    CHAT,
    CHOSEN_REJECTED,
    COMMUNITY_SHAPES,
    FOREIGN_SHAPES,
    GEMINI,
    NOVA,
    PREFERENCE,
    PROMPT_COMPLETION,
    SELF_INSTRUCT,
    SHAPE_LABELS,
    SHAREGPT,
    SHAREGPT_ROLES,
    TABULAR_FORMATS,
    TEXT,
    UNKNOWN,
    UNPAIRED,
    blank,
    detect_shape,
    model_shapes,
)

if TYPE_CHECKING:
    from ftlint.rule import RuleContext

#: The readers of provider chat formats (``ftlint.formats`` registers them when imported:
#: the record formats depend on this module, never the other way round).
FOREIGN_READERS: dict[str, Any] = {}

#: Shapes that are a target's own format when the target accepts that format and the record
#: passes the format's test: chosen/rejected pairs are TRL's ``trl-preference`` (registered by
#: ``ftlint.formats``, like the readers above): shape -> (format name, test).
NATIVE_WHEN_ACCEPTED: dict[str, tuple[str, Any]] = {}

#: Where each shape may go, best first: (target shape, lossy).
ROUTES: dict[str, tuple[tuple[str, bool], ...]] = {
    CHAT: ((CHAT, False), (PROMPT_COMPLETION, False)),
    ALPACA: ((CHAT, False), (PROMPT_COMPLETION, False)),
    SHAREGPT: ((CHAT, False), (PROMPT_COMPLETION, False)),
    SELF_INSTRUCT: ((CHAT, False), (PROMPT_COMPLETION, False)),
    PROMPT_COMPLETION: ((PROMPT_COMPLETION, False), (CHAT, False)),
    PREFERENCE: ((PREFERENCE, False), (CHAT, True), (PROMPT_COMPLETION, True)),
    CHOSEN_REJECTED: ((PREFERENCE, False), (CHAT, True), (PROMPT_COMPLETION, True)),
    GEMINI: ((CHAT, False), (PROMPT_COMPLETION, False)),
    NOVA: ((CHAT, False), (PROMPT_COMPLETION, False)),
    TEXT: ((TEXT, False),),
    UNPAIRED: ((UNPAIRED, False),),
}
ALL_NATIVE = (CHAT, PREFERENCE, PROMPT_COMPLETION)

# Keys that usually hold a prompt or an answer: used only to suggest a --map command.
PROMPT_HINTS = (
    "question", "query", "input", "instruction", "prompt", "text", "context", "ask", "request",
    "q", "source", "user", "human",
)  # fmt: skip
ANSWER_HINTS = (
    "answer", "response", "output", "completion", "reply", "target", "label", "a", "assistant",
    "gpt", "bot",
)  # fmt: skip

_TRANSCRIPT_TURN = re.compile(r"(?:^|\n\n)(Human|Assistant):[ \t]?")


class ConversionError(Exception):
    """Why a record cannot be converted, and where (a JSON pointer into the record)."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer


# ---------------------------------------------------------------------------------------------
# Converters: pure functions, never mutating their input.


def _text(value: Any, pointer: str, what: str) -> str:
    """A text field: strings as they are, numbers written out; anything else is an error."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return json.dumps(value)
    raise ConversionError(f"{what} must be text, got {type(value).__name__}", pointer)


def _with_system(messages: list[dict], system: Any) -> list[dict]:
    if (
        isinstance(system, str)
        and not _blank(system)
        and not any(m.get("role") == "system" for m in messages)
    ):
        return [{"role": "system", "content": system}, *messages]
    return messages


def _blank(text: str) -> bool:
    """Empty, or only whitespace and control characters (``ftlint.shapes.blank``)."""
    return blank(text)


def prompt_completion_to_chat(data: dict, system: str | None) -> dict:
    """``prompt`` -> user message (left out when empty: open-ended generation), ``completion``
    -> assistant message, a ``system`` field (tabular ``--map system=...``) or ``--system`` ->
    system message. (Runs for every record of such a file, twice in ``prepare``: the common
    case, two strings, takes no function call.)"""
    prompt = data.get("prompt")
    if isinstance(prompt, list) and isinstance(data.get("completion"), list):
        return _conversational_pair(data, system)
    if type(prompt) is not str:
        prompt = "" if prompt is None else _text(prompt, "/prompt", "the prompt")
    completion = data.get("completion")
    if type(completion) is not str:
        if completion is None:
            raise ConversionError("the record has no completion to train on", "/completion")
        completion = _text(completion, "/completion", "the completion")
    if blank(completion):
        raise ConversionError(
            "the completion is empty: there is nothing to train on", "/completion"
        )
    assistant = {"role": "assistant", "content": completion}
    messages = [assistant] if blank(prompt) else [{"role": "user", "content": prompt}, assistant]
    own = data.get("system")
    if isinstance(own, str) and not _blank(own):
        system = own
    if system is None:
        return {"messages": messages}
    return {"messages": _with_system(messages, system)}


def _conversational_pair(data: dict, system: str | None) -> dict:
    """TRL's conversational prompt-completion: the prompt messages, then the completion's."""
    prompt, _ = _turns(data["prompt"], "/prompt")
    completion, _ = _turns(data["completion"], "/completion")
    if not completion or any(m["role"] != "assistant" for m in completion):
        raise ConversionError("the completion must be assistant messages", "/completion")
    messages = [*prompt, *completion]
    own = data.get("system")
    if isinstance(own, str) and not _blank(own):
        system = own
    return {"messages": messages if system is None else _with_system(messages, system)}


def chat_to_prompt_completion(data: dict) -> dict:
    """Only exactly one user message and one assistant message, plain text, no tools: anything
    else has no place in a prompt/completion pair."""
    extras = [k for k in data if k != "messages" and data[k] not in (None, [], {})]
    if extras:
        raise ConversionError(
            f"the record has {', '.join(repr(k) for k in extras)}: prompt/completion data has "
            "no tools or options",
            "/" + extras[0],
        )
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise ConversionError("'messages' is not a list", "/messages")
    roles = [m.get("role") if isinstance(m, dict) else None for m in messages]
    if roles != ["user", "assistant"]:
        shown = ", ".join(str(r) for r in roles) or "none"
        raise ConversionError(
            f"only a single user message and its assistant answer convert to prompt/completion; "
            f"this example has {shown}",
            "/messages",
        )
    for i, message in enumerate(messages):
        if set(message) - {"role", "content", "weight"} or message.get("weight", 1) != 1:
            raise ConversionError(
                "the message has keys prompt/completion data cannot hold", f"/messages/{i}"
            )
        if not isinstance(message.get("content"), str):
            raise ConversionError("the content is not plain text", f"/messages/{i}/content")
    if blank(messages[1]["content"]):
        raise ConversionError("the answer is empty", "/messages/1/content")
    return {"prompt": messages[0]["content"], "completion": messages[1]["content"]}


def alpaca_to_chat(data: dict, system: str | None, prefix: str = "") -> dict:
    """``instruction`` (+ ``input`` after a blank line) -> user, ``output`` (or ``response``,
    ``answer``) -> assistant; LLaMA-Factory's ``system`` and ``history`` ([[q, a], ...]) too."""
    instruction = data.get("instruction")
    instruction = (
        "" if instruction is None else _text(instruction, f"{prefix}/instruction", "'instruction'")
    )
    extra = data.get("input")
    extra = "" if extra is None else _text(extra, f"{prefix}/input", "'input'")
    key = next((k for k in ALPACA_OUTPUT_KEYS if k in data), "output")
    if data.get(key) is None:
        raise ConversionError(f"the record has no {key!r} to train on", f"{prefix}/{key}")
    output = _text(data[key], f"{prefix}/{key}", f"{key!r}")
    if blank(output):
        raise ConversionError(f"{key!r} is empty: there is nothing to train on", f"{prefix}/{key}")
    user = "\n\n".join(part for part in (instruction, extra) if not blank(part))
    if not user:
        raise ConversionError("'instruction' and 'input' are both empty", f"{prefix}/instruction")
    messages: list[dict] = []
    history = data.get("history")
    if history not in (None, []):
        if not isinstance(history, list):
            raise ConversionError(
                "'history' must be a list of [question, answer] pairs", "/history"
            )
        for i, pair in enumerate(history):
            if not (isinstance(pair, list) and len(pair) == 2):
                raise ConversionError("a history entry must be [question, answer]", f"/history/{i}")
            messages.append(
                {"role": "user", "content": _text(pair[0], f"/history/{i}/0", "a question")}
            )
            messages.append(
                {"role": "assistant", "content": _text(pair[1], f"/history/{i}/1", "an answer")}
            )
    messages.append({"role": "user", "content": user})
    messages.append({"role": "assistant", "content": output})
    own = data.get("system")
    return {
        "messages": _with_system(messages, own if isinstance(own, str) and own.strip() else system)
    }


def self_instruct_to_chat(data: dict, system: str | None) -> dict:
    """A self-instruct seed task with one instance is an Alpaca example; several instances
    would be several examples, which a conversion of one record cannot write."""
    instances = data.get("instances")
    if not isinstance(instances, list) or len(instances) != 1 or not isinstance(instances[0], dict):
        count = len(instances) if isinstance(instances, list) else 0
        raise ConversionError(
            f"the task has {count} instances; only a task with exactly one converts to one "
            "example (write one record per instance)",
            "/instances",
        )
    instance = instances[0]
    alpaca = {"instruction": data.get("instruction"), "input": instance.get("input")}
    alpaca["output"] = instance.get("output")
    try:
        return alpaca_to_chat(alpaca, system)
    except ConversionError as exc:
        pointer = exc.pointer
        if pointer in ("/input", "/output"):
            pointer = "/instances/0" + pointer
        raise ConversionError(exc.message, pointer) from None


def _sharegpt_tools(value: Any) -> list[dict]:
    if value is None or value == "":
        return []
    tools = value
    if isinstance(value, str):
        try:
            tools = json.loads(value)
        except ValueError as exc:
            raise ConversionError(f"'tools' is not valid JSON: {exc}", "/tools") from None
    if not isinstance(tools, list):
        raise ConversionError("'tools' must be a list of function definitions", "/tools")
    out = []
    for i, tool in enumerate(tools):
        if (
            isinstance(tool, dict)
            and tool.get("type") == "function"
            and isinstance(tool.get("function"), dict)
        ):
            out.append(tool)
        elif isinstance(tool, dict) and isinstance(tool.get("name"), str):
            out.append({"type": "function", "function": tool})
        else:
            raise ConversionError(f"tool {i} is not a function definition", "/tools")
    return out


def _sharegpt_calls(value: Any, pointer: str) -> list[tuple[str, str]]:
    """The calls of a ``function_call`` turn: JSON of one ``{"name", "arguments"}`` or a list."""
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError as exc:
        raise ConversionError(f"the function call is not valid JSON: {exc}", pointer) from None
    calls = parsed if isinstance(parsed, list) else [parsed]
    out = []
    for call in calls:
        if not isinstance(call, dict) or not isinstance(call.get("name"), str) or not call["name"]:
            raise ConversionError(
                'a function call must be {"name": ..., "arguments": ...}', pointer
            )
        arguments = call.get("arguments", {})
        if isinstance(arguments, str):
            try:
                decoded = json.loads(arguments) if arguments.strip() else {}
            except ValueError:
                decoded = None
            if not isinstance(decoded, dict):
                raise ConversionError("the call's arguments are not a JSON object", pointer)
            arguments = decoded
        if not isinstance(arguments, dict):
            raise ConversionError("the call's arguments are not a JSON object", pointer)
        out.append((call["name"], json.dumps(arguments, ensure_ascii=False)))
    return out


def _turns(turns: Any, pointer: str, calls: bool = False) -> tuple[list[dict], int]:
    """ShareGPT turns (``from``/``value``) or OpenAI messages (``role``/``content``) as OpenAI
    messages; with ``calls``, ``function_call`` / ``observation`` turns become ``tool_calls`` and
    ``tool`` messages with generated ids (``call_1``, ``call_2`` ...). A blank system turn is
    left out, as a blank ``system`` field is: the empty-content fix would remove the empty
    system message it became, in the next run."""
    if not isinstance(turns, list):
        raise ConversionError("the conversation must be a list of turns", pointer)
    messages: list[dict] = []
    pending: list[str] = []
    counter = 0
    for i, turn in enumerate(turns):
        where = f"{pointer}/{i}"
        if not isinstance(turn, dict):
            raise ConversionError("a turn must be an object", where)
        key = "from" if "from" in turn else "role"
        source = turn.get(key)
        value = turn.get("value", turn.get("content"))
        if not isinstance(source, str):
            raise ConversionError("the turn has no 'from'", f"{where}/{key}")
        name = source.strip().lower()
        role = SHAREGPT_ROLES.get(name)
        if role is None or (not calls and name in ("function_call", "observation", "tool")):
            raise ConversionError(
                f"speaker {source!r} is not one of human, gpt, system"
                + (", function_call, observation" if calls else ""),
                f"{where}/{key}",
            )
        if name == "function_call":
            tool_calls = []
            for function_name, arguments in _sharegpt_calls(value, where):
                counter += 1
                call_id = f"call_{counter}"
                pending.append(call_id)
                tool_calls.append(
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": function_name, "arguments": arguments},
                    }
                )
            last = messages[-1] if messages else None
            if last is not None and last["role"] == "assistant" and "content" not in last:
                last["tool_calls"].extend(tool_calls)  # consecutive calls: one message
            else:
                messages.append({"role": "assistant", "tool_calls": tool_calls})
            continue
        text = _text(value, f"{where}/value", "the turn's text") if value is not None else ""
        if role == "tool":
            if not pending:
                raise ConversionError("a tool result with no function call before it", where)
            messages.append({"role": "tool", "tool_call_id": pending.pop(0), "content": text})
            continue
        if pending:
            raise ConversionError("a function call has no observation (tool result)", where)
        if role == "assistant" and blank(text):
            raise ConversionError("the answer is empty", f"{where}/value")
        if role == "system" and blank(text):
            continue  # an empty system turn says nothing (as a blank 'system' field)
        messages.append({"role": role, "content": text})
    return messages, counter


def sharegpt_warnings(data: dict) -> tuple[tuple[str, str], ...]:
    """What a converted ShareGPT conversation hides, at its source turn: an empty human turn
    (an empty user message), and human turns after the last gpt turn (never trained on)."""
    turns = data.get("conversations")
    if not isinstance(turns, list):
        return ()
    found: list[tuple[str, str]] = []
    last_answer = -1
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            return ()
        source = turn.get("from", turn.get("role"))
        role = SHAREGPT_ROLES.get(source.strip().lower()) if isinstance(source, str) else None
        value = turn.get("value", turn.get("content"))
        if role == "assistant":
            last_answer = i
        elif role == "user" and (value is None or (isinstance(value, str) and blank(value))):
            found.append(
                ("the human turn is empty: it becomes an empty user message", f"/conversations/{i}")
            )
    if 0 <= last_answer < len(turns) - 1:
        after = turns[last_answer + 1 :]
        if any(
            isinstance(t, dict)
            and SHAREGPT_ROLES.get(str(t.get("from", t.get("role", ""))).strip().lower()) == "user"
            for t in after
        ):
            found.append(
                (
                    f"the conversation ends on a human turn: {len(after)} turn"
                    f"{'' if len(after) == 1 else 's'} after the last gpt turn "
                    "is never trained on",
                    f"/conversations/{last_answer + 1}",
                )
            )
    return tuple(found)


def sharegpt_to_chat(data: dict, system: str | None) -> dict:
    messages, _ = _turns(data.get("conversations"), "/conversations", calls=True)
    if not any(m["role"] == "assistant" for m in messages):
        raise ConversionError("the conversation has no gpt turn to train on", "/conversations")
    own = data.get("system")
    out: dict[str, Any] = {
        "messages": _with_system(messages, own if isinstance(own, str) and own.strip() else system)
    }
    tools = _sharegpt_tools(data.get("tools"))
    if tools:
        out["tools"] = tools
    return out


def _is_transcript(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith("Human:") or "\n\nHuman:" in value)


def _transcript(text: str, pointer: str) -> list[dict]:
    """``\\n\\nHuman: ...\\n\\nAssistant: ...`` (Anthropic HH style) as messages."""
    pieces = _TRANSCRIPT_TURN.split(text)
    if pieces[0].strip():
        raise ConversionError("text before the first 'Human:' turn", pointer)
    messages = []
    for speaker, body in zip(pieces[1::2], pieces[2::2], strict=True):
        role = "user" if speaker == "Human" else "assistant"
        messages.append({"role": role, "content": body.strip()})
    return messages


def _answers(value: Any, pointer: str) -> list[dict]:
    if isinstance(value, str):
        return [{"role": "assistant", "content": value}]
    if isinstance(value, dict):
        try:
            return _turns([value], pointer)[0]
        except ConversionError as exc:  # the turn is the value itself, not item 0 of a list
            raise ConversionError(exc.message, pointer) from None
    if isinstance(value, list):
        return _turns(value, pointer)[0]
    raise ConversionError("must be text, a message, or a list of messages", pointer)


def _prompt(data: dict) -> list[dict] | None:
    """The prompt messages of a chosen/rejected record, from whichever key holds them."""
    for key in ("conversations", "messages"):
        if key in data:
            return _turns(data[key], f"/{key}")[0]
    prompt = data.get("prompt")
    if isinstance(prompt, list):
        return _turns(prompt, "/prompt")[0]
    if prompt is not None:
        return [{"role": "user", "content": _text(prompt, "/prompt", "the prompt")}]
    if data.get("question") is not None:
        return [{"role": "user", "content": _text(data["question"], "/question", "the question")}]
    if data.get("instruction") is not None:
        parts = [_text(data["instruction"], "/instruction", "'instruction'")]
        if data.get("input") is not None:
            parts.append(_text(data["input"], "/input", "'input'"))
        return [{"role": "user", "content": "\n\n".join(p for p in parts if p.strip())}]
    return None


def chosen_rejected_to_preference(data: dict, system: str | None) -> dict:
    """chosen/rejected pairs (TRL, LLaMA-Factory, Anthropic HH transcripts) -> OpenAI DPO.

    The prompt comes from ``prompt`` / ``question`` / ``instruction`` / ``conversations`` /
    ``messages``; without one, it is the part the chosen and rejected conversations share.
    Each side must then end in exactly one assistant answer.
    """
    prompt = _prompt(data)
    chosen_raw, rejected_raw = data.get("chosen"), data.get("rejected")
    if _is_transcript(chosen_raw) and _is_transcript(rejected_raw):
        chosen = (prompt or []) + _transcript(chosen_raw, "/chosen")
        rejected = (prompt or []) + _transcript(rejected_raw, "/rejected")
        prompt = None
    else:
        chosen = _answers(chosen_raw, "/chosen")
        rejected = _answers(rejected_raw, "/rejected")
    if prompt is None:
        shared = 0
        while shared < min(len(chosen), len(rejected)) - 1 and chosen[shared] == rejected[shared]:
            shared += 1
        prompt, chosen, rejected = chosen[:shared], chosen[shared:], rejected[shared:]
    for key, answer in (("chosen", chosen), ("rejected", rejected)):
        if len(answer) != 1 or answer[0].get("role") != "assistant":
            raise ConversionError(
                f"{key!r} must end in exactly one assistant answer after the prompt", f"/{key}"
            )
        if not isinstance(answer[0].get("content"), str) or blank(answer[0]["content"]):
            raise ConversionError(f"the {key} answer is empty", f"/{key}")
    if not prompt:
        raise ConversionError("the pair has no prompt (conversation before the answers)", "")
    if prompt[-1].get("role") == "assistant":
        raise ConversionError("the prompt ends with an assistant turn", "")
    if chosen[0]["content"].strip() == rejected[0]["content"].strip():
        raise ConversionError("chosen and rejected answers are identical", "/rejected")
    own = data.get("system")
    messages = _with_system(prompt, own if isinstance(own, str) and own.strip() else system)
    return {
        "input": {"messages": messages},
        "preferred_output": chosen,
        "non_preferred_output": rejected,
    }


def preference_to_chat(data: dict) -> dict:
    """Lossy: supervised training on the preferred answer; the other answer is left out."""
    source = data.get("input")
    if not isinstance(source, dict) or not isinstance(source.get("messages"), list):
        raise ConversionError("'input' holds no 'messages'", "/input")
    preferred = data.get("preferred_output")
    if not (isinstance(preferred, list) and len(preferred) == 1 and isinstance(preferred[0], dict)):
        raise ConversionError("'preferred_output' is not one message", "/preferred_output")
    out: dict[str, Any] = {"messages": [*source["messages"], preferred[0]]}
    for key in ("tools", "parallel_tool_calls"):
        if key in source:
            out[key] = source[key]
    return out


def apply_map(data: Any, mapping: tuple[tuple[str, str], ...]) -> tuple[Any, bool]:
    """``--map FIELD=KEY`` for JSON records: the value of ``KEY`` becomes ``FIELD``."""
    if not mapping or not isinstance(data, dict):
        return data, False
    if not any(source in data for _field, source in mapping):
        return data, False
    sources = {source for _field, source in mapping}
    out = {k: v for k, v in data.items() if k not in sources}
    for target, source in mapping:
        if source in data:
            out[target] = data[source]
    return out, True


# ---------------------------------------------------------------------------------------------
# Plans


class Plan(NamedTuple):
    """What ``prepare`` does with one record. A plan is made for every record (twice in
    ``prepare``): a named tuple is immutable like a frozen dataclass and is built in C, at a
    third of the cost."""

    source: str
    target: str | None
    #: Community format or ``--map`` rename (else a native shape).
    community: bool
    mapped: bool
    lossy: bool
    #: The record to write; None when nothing changes or the conversion failed.
    data: Any = None
    error: str | None = None
    pointer: str = ""
    #: Top-level keys the conversion leaves out.
    dropped: tuple[str, ...] = ()
    #: What the converted record will lack, said at the source: ``(message, pointer)``
    #: (an empty human turn, a conversation that ends on a human turn).
    warnings: tuple[tuple[str, str], ...] = ()

    @property
    def converts(self) -> bool:
        return self.data is not None


_PLAIN_PLANS: dict[tuple[str, str | None, bool, bool], Plan] = {}


def _plain_plan(source: str, target: str | None, community: bool, mapped: bool) -> Plan:
    """The plan of a record that stays as it is: immutable, so one object per kind serves
    every record (building a frozen dataclass per record costs more than the check itself)."""
    key = (source, target, community, mapped)
    plan = _PLAIN_PLANS.get(key)
    if plan is None:
        plan = _PLAIN_PLANS[key] = Plan(source, target, community, mapped, False)
    return plan


#: The planners made so far (``Planner.from_context``), by their fields.
_PLANNERS: dict[tuple[Any, ...], Planner] = {}


@dataclass(frozen=True, eq=False)
class Planner:
    """Decides the plan of a record for one run (model, ``--system``, ``--map``).

    Compared by identity: ``from_context`` returns one object for equal settings."""

    accepted: tuple[str, ...] | None
    system: str | None = None
    mapping: tuple[tuple[str, str], ...] = ()
    #: The record formats the target accepts as they are (``Target.formats`` and its
    #: ``write_format``): a Gemini record is native for a target that takes ``gemini``.
    formats: tuple[str, ...] = ()
    #: The plan of each shape whose plan depends on the shape alone (no ``--map``, no
    #: conversion, no data-dependent native check): most records are read from here, without
    #: routing them again (``plan``).
    _fixed: dict[str, Plan] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def from_context(cls, context: RuleContext) -> Planner:
        settings = context.settings or {}
        system = settings.get("system")
        mapping = settings.get("column_map") or {}
        target = context.target
        formats = tuple(getattr(target, "formats", ()) or ())
        write_format = getattr(target, "write_format", "")
        if write_format and write_format not in formats:
            formats = (*formats, write_format)
        planner = cls(
            accepted=model_shapes(target, context.model),
            system=system if isinstance(system, str) and system.strip() else None,
            mapping=tuple((str(k), str(v)) for k, v in mapping.items() if isinstance(v, str) and v),
            formats=formats,
        )
        # One object per distinct planner: the rules of a run share it, and it compares and
        # hashes by identity (in C), which the per-record analyses keyed by it need to be cheap.
        key = (planner.accepted, planner.system, planner.mapping, planner.formats)
        return _PLANNERS.setdefault(key, planner)

    def route(self, shape: str) -> tuple[str | None, bool]:
        accepted = self.accepted or ALL_NATIVE
        if self.accepted is None and shape in ALL_NATIVE:
            return shape, False
        for target, lossy in ROUTES.get(shape, ()):
            if target in accepted:
                return target, lossy
        return None, False

    def plan(self, data: Any, source_format: str = "") -> Plan:
        mapped = False
        if self.mapping and source_format not in TABULAR_FORMATS:
            data, mapped = apply_map(data, self.mapping)
        shape = detect_shape(data)
        if not mapped:
            plan = self._fixed.get(shape)
            if plan is not None:
                return plan
            plan = self._planned(data, shape, False)
            # A shape that stays as it is (or has nowhere to go) has the same plan for every
            # record, unless a native check reads the data; a conversion's plan is the record's.
            if (plan.target is None or plan.target == shape) and shape not in NATIVE_WHEN_ACCEPTED:
                self._fixed[shape] = plan
            return plan
        return self._planned(data, shape, mapped)

    def _planned(self, data: Any, shape: str, mapped: bool) -> Plan:
        if shape in FOREIGN_SHAPES and shape in self.formats and not mapped:
            return _plain_plan(shape, shape, False, False)  # the target's own format
        native = NATIVE_WHEN_ACCEPTED.get(shape)
        if native is not None and native[0] in self.formats and not mapped and native[1](data):
            return _plain_plan(shape, shape, False, False)
        community = mapped or shape in COMMUNITY_SHAPES or shape in FOREIGN_SHAPES
        if shape == UNKNOWN:
            return _plain_plan(shape, None, community, mapped)
        target, lossy = self.route(shape)
        if target is None:
            wanted = " or ".join(SHAPE_LABELS[s] for s in self.accepted or ())
            return Plan(
                shape, None, community, mapped, False,
                error=f"{SHAPE_LABELS[shape]} data cannot become {wanted} data",
            )  # fmt: skip
        if target == shape and not mapped:
            return _plain_plan(shape, target, community, mapped)
        try:
            converted = self.convert(data, shape, target)
        except ConversionError as exc:
            return Plan(
                shape, target, community, mapped, lossy, error=exc.message, pointer=exc.pointer
            )
        except Exception as exc:  # odd input must never crash a rule
            return Plan(shape, target, community, mapped, lossy, error=f"cannot convert: {exc}")
        return Plan(
            shape, target, community, mapped, lossy, data=converted,
            dropped=_dropped_keys(data, shape),
            warnings=sharegpt_warnings(data) if shape == SHAREGPT else (),
        )  # fmt: skip

    def convert(self, data: dict, shape: str, target: str) -> dict:
        if shape == target:
            # A --map rename: the record in the target's own keys, its metadata left out as
            # a conversion leaves it out (the provider rejects keys it does not know).
            if shape == PROMPT_COMPLETION and _dropped_keys(data, shape):
                return {k: v for k, v in data.items() if k in ("prompt", "completion")}
            return data
        if target == PREFERENCE:
            return chosen_rejected_to_preference(data, self.system)
        system = self.system if target == CHAT else None
        if shape == CHAT:
            chat = data
        elif shape == PROMPT_COMPLETION:
            chat = prompt_completion_to_chat(data, system)
        elif shape == ALPACA:
            chat = alpaca_to_chat(data, system)
        elif shape == SELF_INSTRUCT:
            chat = self_instruct_to_chat(data, system)
        elif shape == SHAREGPT:
            chat = sharegpt_to_chat(data, system)
        elif shape == PREFERENCE:
            chat = preference_to_chat(data)
        elif shape == CHOSEN_REJECTED:
            chat = preference_to_chat(chosen_rejected_to_preference(data, system))
        elif shape in FOREIGN_SHAPES:
            reader = FOREIGN_READERS.get(shape)
            if reader is None:
                raise ConversionError(f"no reader for {shape} records (-p no:record-formats?)")
            chat = reader(data)
            if system is not None:
                chat = {**chat, "messages": _with_system(chat["messages"], system)}
        else:  # pragma: no cover - every routed shape is handled above
            raise ConversionError(f"no conversion from {shape}")
        return chat if target == CHAT else chat_to_prompt_completion(chat)


_KEPT = {
    PROMPT_COMPLETION: {"prompt", "completion", "system"},
    ALPACA: {"instruction", "input", "system", "history", *ALPACA_OUTPUT_KEYS},
    SHAREGPT: {"conversations", "tools", "system"},
    SELF_INSTRUCT: {"instruction", "instances"},
    CHOSEN_REJECTED: {
        "chosen", "rejected", "prompt", "question", "instruction", "input", "system",
        "conversations", "messages",
    },
    CHAT: {"messages", "tools", "parallel_tool_calls", "functions"},
    PREFERENCE: {"input", "preferred_output", "non_preferred_output"},
    GEMINI: {"contents", "systemInstruction", "system_instruction", "tools"},
    NOVA: {"schemaVersion", "system", "messages"},
}  # fmt: skip


def _dropped_keys(data: dict, shape: str) -> tuple[str, ...]:
    kept = _KEPT.get(shape, frozenset())
    if data.keys() <= kept:  # nearly every record: one set operation in C
        return ()
    return tuple(k for k in data if k not in kept)


def plan_key(planner: Planner) -> tuple[Any, Planner]:
    """The analysis key of the plans of ``planner`` (``ftlint.analysis``). A rule that reads
    the plan of every record makes it once and looks the plan up inline,
    ``record.analyses.get(key) or plan_of(record, planner)``: a call of ``plan_of`` costs
    more than the lookup, and several rules ask for every record."""
    return (_plan, planner)


def plan_of(record: Record, planner: Planner) -> Plan:
    """The record's plan, computed once per record whichever format rule asks first (the
    analysis ``plan_key(planner)``)."""
    key = (_plan, planner)
    plan = record.analyses.get(key)
    if plan is None:
        plan = record.analyses[key] = planner.plan(record.data, record.source_format)
    return plan


def _plan(record: Record, planner: Planner) -> Plan:
    return planner.plan(record.data, record.source_format)


@dataclass(frozen=True)
class Converter:
    """The ``TransformRecords`` function of one conversion group: converts the records whose
    plan has this source shape and kind, leaves every other record as it is."""

    planner: Planner
    source_format: str
    source: str
    community: bool
    lossy: bool

    def __call__(self, data: Any) -> Any:
        try:
            plan = self.planner.plan(data, self.source_format)
        except Exception:
            return data
        if (
            plan.converts
            and plan.source == self.source
            and plan.community == self.community
            and plan.lossy == self.lossy
        ):
            return plan.data
        return data

"""The providers whose records are OpenAI's, byte for byte, with rules of their own: Together,
Fireworks and Mistral. Reading and writing them is the identity (each names the OpenAI format
it equals in ``same_as``); ``check`` holds what the provider accepts beyond OpenAI's rules.

Sources (read 2026-12-03):
- Together, "Data preparation", https://docs.together.ai/docs/fine-tuning/data-preparation :
  conversational ``messages`` (roles system, user, assistant; start with system or user, then
  user and assistant alternate; per-message ``weight`` 0 or 1 only), instruction ``prompt`` /
  ``completion``, generic ``text``, preference ``input`` / ``preferred_output`` /
  ``non_preferred_output``; "if the same file has two possible formats (for example both text
  and messages), the server rejects it". Together's own client (``together`` 3.1.1,
  together/lib/constants.py) also knows the ``tool`` role and allows 10 images an example.
  "Preference fine-tuning", https://docs.together.ai/docs/preference-fine-tuning : both
  outputs hold exactly one assistant message.
- Fireworks, "Supervised Fine Tuning - Text",
  https://docs.fireworks.ai/fine-tuning/fine-tuning-models : OpenAI-compatible chat; roles
  system, user, assistant, the system message optional but first; ``content`` a string;
  optional ``weight`` 0 or 1 ("message will be skipped if value is set to 0"); function
  calling datasets with ``tools``. "Direct Preference Optimization",
  https://docs.fireworks.ai/fine-tuning/dpo-fine-tuning : ``input.messages`` of role
  system/user/assistant and string content, ``preferred_output`` / ``non_preferred_output``
  assistant messages.
- Mistral, "Text fine-tuning", https://docs.mistral.ai/capabilities/finetuning/text_finetuning
  : ``messages`` of user and assistant (system allowed) for "Default Instruct", plus
  ``tool_calls`` and ``tool`` messages for "Function-calling Instruct"; an assistant message
  may carry ``weight`` (0: not trained on). Tool call ids: the docs do not state a rule, but
  Mistral's own validator (mistral-common, ``protocol/instruct/validator.py``, 1.x, read
  2026-12-03) refuses every tool call id and ``tool_call_id`` that is not 9 letters or digits
  (``^[a-zA-Z0-9]{9}$``; ``null`` only on the last assistant message in fine-tuning mode),
  and OpenAI's ids (``call_...``) are not: those are checked.
"""

from __future__ import annotations

from typing import Any

from ftlint.formats import tool_call_ids
from ftlint.formats.base import Problem, RecordFormat

#: ``Problem.kind`` of a Mistral tool call id that is not 9 letters or digits.
TOOL_CALL_ID = "tool-call-id"

#: Keys that make a record one of Together's four formats; two in one record is rejected.
TOGETHER_KEYS = {"messages": "conversational", "prompt": "instruction", "text": "text",
                 "input": "preference"}  # fmt: skip
MAX_TOGETHER_IMAGES = 10


def _weight_problems(message: dict, where: str, only_assistant: bool) -> list[Problem]:
    if "weight" not in message:
        return []
    weight = message["weight"]
    if isinstance(weight, bool) or weight not in (0, 1):
        return [Problem(where + "/weight", f"weight {weight!r}: only 0 and 1 are supported")]
    if only_assistant and message.get("role") != "assistant":
        return [Problem(where + "/weight", "only assistant messages carry a weight")]
    return []


def check_messages(
    messages: Any,
    pointer: str,
    roles: tuple[str, ...],
    *,
    alternate: bool = False,
    string_content: bool = False,
    system_first: bool = True,
    weight_on_assistant: bool = False,
    max_images: int | None = None,
) -> list[Problem]:
    """The message rules of an OpenAI-compatible provider (each switch is one of its rules)."""
    if not isinstance(messages, list) or not messages:
        return [Problem(pointer, "'messages' must be a non-empty list")]
    problems: list[Problem] = []
    previous = None  # the role of the last user/assistant turn, for alternation
    images = 0
    # The pointer of a message (``f"{pointer}/{i}"``) is made only for a message with a
    # problem: most messages have none, and formatting it was most of this loop's time.
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            problems.append(Problem(f"{pointer}/{i}", "a message must be an object"))
            continue
        role = message.get("role")
        if role not in roles:
            problems.append(
                Problem(f"{pointer}/{i}/role", f"role {role!r}: the roles are {', '.join(roles)}")
            )
            continue
        if role == "system" and system_first and i > 0:
            problems.append(
                Problem(f"{pointer}/{i}", "a system message may only be the first message")
            )
        content = message.get("content")
        if isinstance(content, str):
            pass  # the common case: no image to count, the string content a format may want
        else:
            if string_content and not message.get("tool_calls"):
                problems.append(Problem(f"{pointer}/{i}/content", "'content' must be a string"))
            if isinstance(content, list):
                images += sum(
                    1
                    for part in content
                    if isinstance(part, dict) and part.get("type") == "image_url"
                )
        if "weight" in message:
            problems.extend(_weight_problems(message, f"{pointer}/{i}", weight_on_assistant))
        if alternate and role == "tool":
            previous = "tool"  # a tool result belongs to the assistant's turn before it
        elif alternate and role in ("user", "assistant"):
            if previous is None and role != "user":
                problems.append(
                    Problem(f"{pointer}/{i}", "the conversation must start with system or user")
                )
            elif previous == role:
                problems.append(
                    Problem(
                        f"{pointer}/{i}", f"user and assistant must alternate: two {role} messages"
                    )
                )
            previous = role
    if max_images is not None and images > max_images:
        problems.append(Problem(pointer, f"{images} images: at most {max_images} an example"))
    return problems


def _one_assistant(value: Any, pointer: str, string_content: bool = False) -> list[Problem]:
    if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)):
        return [Problem(pointer, "must hold exactly one assistant message")]
    message = value[0]
    problems = []
    if message.get("role") != "assistant":
        problems.append(Problem(pointer + "/0/role", "the output message must be the assistant's"))
    if string_content and not isinstance(message.get("content"), str):
        problems.append(Problem(pointer + "/0/content", "'content' must be a string"))
    return problems


def _preference_problems(data: Any, roles: tuple[str, ...], string_content: bool) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem("", "a preference example must be a JSON object")]
    source = data.get("input")
    problems: list[Problem] = []
    if not isinstance(source, dict):
        problems.append(Problem("/input", "'input' must be an object with 'messages'"))
    else:
        problems.extend(
            check_messages(
                source.get("messages"), "/input/messages", roles, string_content=string_content
            )
        )
    for key in ("preferred_output", "non_preferred_output"):
        problems.extend(_one_assistant(data.get(key), "/" + key, string_content))
    return problems


def _two_formats(data: Any) -> list[Problem]:
    if not isinstance(data, dict) or len(data) < 2:
        return []  # one key cannot be two formats (most records: ``messages`` alone)
    found = [name for key, name in TOGETHER_KEYS.items() if key in data]
    if len(found) > 1:
        return [
            Problem(
                "",
                f"the record could be {' or '.join(found)} data; Together rejects a file with "
                "two possible formats (trim the unused keys)",
            )
        ]
    return []


class TogetherChat(RecordFormat):
    name = "together-chat"
    label = "Together conversational"
    shape = "chat"
    family = "together"
    same_as = "openai-chat"
    source = "https://docs.together.ai/docs/fine-tuning/data-preparation (read 2026-12-03)"

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "an example must be a JSON object")]
        return _two_formats(data) + check_messages(
            data.get("messages"),
            "/messages",
            ("system", "user", "assistant", "tool"),
            alternate=True,
            max_images=MAX_TOGETHER_IMAGES,
        )


class TogetherInstruction(RecordFormat):
    name = "together-instruction"
    label = "Together instruction"
    shape = "prompt-completion"
    family = "together"
    same_as = "prompt-completion"
    source = TogetherChat.source

    def check(self, data: Any) -> list[Problem]:
        problems = _two_formats(data)
        for key in ("prompt", "completion"):
            if not isinstance(data, dict) or not isinstance(data.get(key), str):
                problems.append(Problem("/" + key, f"'{key}' must be a string"))
        return problems


class TogetherText(RecordFormat):
    name = "together-text"
    label = "Together generic text"
    shape = "text"
    family = "together"
    same_as = "text"
    source = TogetherChat.source

    def check(self, data: Any) -> list[Problem]:
        problems = _two_formats(data)
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            problems.append(Problem("/text", "'text' must be a string"))
        return problems


class TogetherPreference(RecordFormat):
    name = "together-preference"
    label = "Together preference"
    shape = "preference"
    family = "together"
    same_as = "openai-preference"
    source = "https://docs.together.ai/docs/preference-fine-tuning (read 2026-12-03)"

    def check(self, data: Any) -> list[Problem]:
        return _two_formats(data) + _preference_problems(
            data, ("system", "user", "assistant", "tool"), string_content=False
        )


class FireworksChat(RecordFormat):
    name = "fireworks-chat"
    label = "Fireworks chat"
    shape = "chat"
    family = "fireworks"
    same_as = "openai-chat"
    source = "https://docs.fireworks.ai/fine-tuning/fine-tuning-models (read 2026-12-03)"

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "an example must be a JSON object")]
        roles = ("system", "user", "assistant")
        if data.get("tools"):
            roles = (*roles, "tool")  # a function-calling dataset
        return check_messages(data.get("messages"), "/messages", roles, string_content=True)


class FireworksPreference(RecordFormat):
    name = "fireworks-preference"
    label = "Fireworks preference (DPO)"
    shape = "preference"
    family = "fireworks"
    same_as = "openai-preference"
    source = "https://docs.fireworks.ai/fine-tuning/dpo-fine-tuning (read 2026-12-03)"

    def check(self, data: Any) -> list[Problem]:
        return _preference_problems(data, ("system", "user", "assistant"), string_content=True)


_MISTRAL_ID_RULE = "Mistral's validator takes only ids of 9 letters or digits"


class MistralChat(RecordFormat):
    name = "mistral-chat"
    label = "Mistral chat"
    shape = "chat"
    family = "mistral"
    same_as = "openai-chat"
    source = "https://docs.mistral.ai/capabilities/finetuning/text_finetuning (read 2026-12-03)"

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "an example must be a JSON object")]
        messages = data.get("messages")
        problems = check_messages(
            messages,
            "/messages",
            ("system", "user", "assistant", "tool"),
            weight_on_assistant=True,
        )
        if not isinstance(messages, list):
            return problems
        calls: set[str] = set()
        for i, message in enumerate(messages):
            if not isinstance(message, dict):
                continue
            tool_calls = message.get("tool_calls")
            for k, call in enumerate(tool_calls if isinstance(tool_calls, list) else []):
                if isinstance(call, dict) and isinstance(call.get("id"), str):
                    calls.add(call["id"])
                    if not tool_call_ids.is_valid(call["id"]):
                        problems.append(
                            Problem(
                                f"/messages/{i}/tool_calls/{k}/id",
                                f"tool call id {call['id']!r}: {_MISTRAL_ID_RULE}",
                                kind=TOOL_CALL_ID,
                            )
                        )
                else:
                    problems.append(
                        Problem(f"/messages/{i}/tool_calls/{k}", "a tool call needs an 'id'")
                    )
            if message.get("role") == "tool" and message.get("tool_call_id") not in calls:
                problems.append(
                    Problem(
                        f"/messages/{i}/tool_call_id",
                        "a tool message must answer a tool call id made before it",
                    )
                )
        return problems


TOGETHER_CHAT = TogetherChat()
TOGETHER_INSTRUCTION = TogetherInstruction()
TOGETHER_TEXT = TogetherText()
TOGETHER_PREFERENCE = TogetherPreference()
FIREWORKS_CHAT = FireworksChat()
FIREWORKS_PREFERENCE = FireworksPreference()
MISTRAL_CHAT = MistralChat()

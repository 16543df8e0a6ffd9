"""Hugging Face TRL's dataset types (also what Axolotl and LLaMA-Factory read in their
``messages`` / ``prompt``-``completion`` / ``chosen``-``rejected`` modes).

Source (read 2026-12-03): "Dataset formats and types", https://huggingface.co/docs/trl/
dataset_formats : a dataset is *standard* (strings) or *conversational* (lists of
``{"role", "content"}`` messages, roles ``user``, ``assistant``, ``system``); the types are
language modelling (``text``, or ``messages``), prompt-completion (``prompt``, ``completion``),
preference (``prompt``, ``chosen``, ``rejected``, or with an implicit prompt only ``chosen`` and
``rejected``, each then the whole sequence) and unpaired preference (``prompt``, ``completion``,
``label`` a boolean). The examples below are the page's own.

Reading: ``messages`` is OpenAI chat; conversational prompt-completion becomes one chat
(prompt messages, then the completion); preference pairs become OpenAI preference records (the
implicit prompt is the part both sides share); ``text`` and unpaired preference records stay
themselves (OpenAI has no such form). Writing: chat as ``messages``, prompt/completion as the
standard pair, preference as the conversational explicit-prompt triple, the others as they are.
"""

from __future__ import annotations

from typing import Any

from ftlint.conversion import chosen_rejected_to_preference
from ftlint.formats.base import ConversionError, Loss, Problem, RecordFormat

ROLES = ("system", "user", "assistant", "tool")

#: The examples of TRL's "Dataset formats and types" page, one per type.
DOC_EXAMPLES = {
    "trl-text": {"text": "The sky is blue."},
    "trl-messages": {
        "messages": [
            {"role": "user", "content": "What color is the sky?"},
            {"role": "assistant", "content": "It is blue."},
        ]
    },
    "trl-prompt-completion": {"prompt": "The sky is", "completion": " blue."},
    "trl-prompt-completion-conversational": {
        "prompt": [{"role": "user", "content": "What color is the sky?"}],
        "completion": [{"role": "assistant", "content": "It is blue."}],
    },
    "trl-preference": {"prompt": "The sky is", "chosen": " blue.", "rejected": " green."},
    "trl-preference-implicit": {"chosen": "The sky is blue.", "rejected": "The sky is green."},
    "trl-preference-conversational": {
        "prompt": [{"role": "user", "content": "What color is the sky?"}],
        "chosen": [{"role": "assistant", "content": "It is blue."}],
        "rejected": [{"role": "assistant", "content": "It is green."}],
    },
    "trl-kto": {"prompt": "The sky is", "completion": " blue.", "label": True},
    "trl-kto-conversational": {
        "prompt": [{"role": "user", "content": "What color is the sky?"}],
        "completion": [{"role": "assistant", "content": "It is green."}],
        "label": False,
    },
}


def _messages_problems(value: Any, pointer: str) -> list[Problem]:
    if not isinstance(value, list) or not value:
        return [Problem(pointer, "must be a non-empty list of messages")]
    problems = []
    for i, message in enumerate(value):
        where = f"{pointer}/{i}"
        if not isinstance(message, dict):
            problems.append(Problem(where, "a message must be an object"))
        elif message.get("role") not in ROLES:
            problems.append(
                Problem(
                    where + "/role", f"role {message.get('role')!r}: TRL knows {', '.join(ROLES)}"
                )
            )
        elif "content" not in message and not message.get("tool_calls"):
            problems.append(Problem(where, "the message has no 'content'"))
    return problems


def _pair_problems(data: dict, keys: tuple[str, ...]) -> list[Problem]:
    """The fields of a standard example are all strings, of a conversational one all message
    lists: TRL decides the format by the first and cannot train on a mix."""
    problems: list[Problem] = []
    kinds = {}
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            kinds[key] = "standard"
        elif isinstance(value, list):
            kinds[key] = "conversational"
            problems.extend(_messages_problems(value, "/" + key))
        elif key in data:
            problems.append(Problem("/" + key, f"'{key}' must be a string or a list of messages"))
    if len(set(kinds.values())) > 1:
        listed = ", ".join(f"{k} {v}" for k, v in kinds.items())
        problems.append(
            Problem("", f"standard (text) and conversational (messages) fields mixed: {listed}")
        )
    return problems


def _split_chat(messages: list) -> tuple[list, list]:
    """A chat as TRL's conversational prompt and completion: the completion is the assistant
    messages after the last turn of anyone else."""
    cut = len(messages)
    while (
        cut > 0
        and isinstance(messages[cut - 1], dict)
        and messages[cut - 1].get("role") == "assistant"
    ):
        cut -= 1
    return messages[:cut], messages[cut:]


class TrlMessages(RecordFormat):
    name = "trl-messages"
    label = "TRL conversational language modelling"
    shape = "chat"
    family = "trl"
    same_as = "openai-chat"
    source = "https://huggingface.co/docs/trl/dataset_formats (read 2026-12-03)"

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "an example must be a JSON object")]
        return _messages_problems(data.get("messages"), "/messages")


class TrlPromptCompletion(RecordFormat):
    name = "trl-prompt-completion"
    label = "TRL prompt-completion"
    shape = "prompt-completion"
    family = "trl"
    same_as = "prompt-completion"
    writes = ("prompt-completion", "chat")
    source = TrlMessages.source

    def to_canonical(self, data: dict) -> dict:
        prompt, completion = data.get("prompt"), data.get("completion")
        if isinstance(prompt, list) and isinstance(completion, list):
            return {"messages": [*prompt, *completion]}
        return data

    def from_canonical(self, data: dict) -> tuple[dict, list[Loss]]:
        if "messages" in data:  # a chat written as a conversational pair
            prompt, completion = _split_chat(data["messages"])
            if not completion:
                raise ConversionError("the chat does not end with an assistant answer", "/messages")
            losses = []
            trained = [
                i
                for i, m in enumerate(prompt)
                if isinstance(m, dict) and m.get("role") == "assistant"
            ]
            if trained:
                losses.append(
                    Loss(
                        "prompt-turns",
                        "in a prompt-completion example only the completion is trained on: the "
                        "assistant turns before the last user turn are not",
                        f"/messages/{trained[0]}",
                    )
                )
            return {"prompt": prompt, "completion": completion}, losses
        return data, []

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "an example must be a JSON object")]
        problems = _pair_problems(data, ("prompt", "completion"))
        if "completion" not in data:
            problems.append(Problem("/completion", "the example has no 'completion'"))
        return problems


class TrlPreference(RecordFormat):
    name = "trl-preference"
    label = "TRL preference"
    shape = "preference"
    family = "trl"
    source = TrlMessages.source

    def detect(self, data: Any) -> bool:
        return isinstance(data, dict) and "chosen" in data and "rejected" in data

    def to_canonical(self, data: dict) -> dict:
        return chosen_rejected_to_preference(data, None)

    def from_canonical(self, data: dict) -> tuple[dict, list[Loss]]:
        source = data.get("input")
        if not isinstance(source, dict) or not isinstance(source.get("messages"), list):
            raise ConversionError("'input' holds no 'messages'", "/input")
        out: dict[str, Any] = {
            "prompt": source["messages"],
            "chosen": data.get("preferred_output"),
            "rejected": data.get("non_preferred_output"),
        }
        losses = []
        for key in source:
            if key == "tools":
                out["tools"] = source["tools"]
            elif key != "messages":
                losses.append(Loss("key", f"TRL preference data has no {key!r}", f"/input/{key}"))
        return out, losses

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "an example must be a JSON object")]
        problems = _pair_problems(data, ("prompt", "chosen", "rejected"))
        for key in ("chosen", "rejected"):
            if key not in data:
                problems.append(Problem("/" + key, f"the example has no '{key}'"))
        return problems


class TrlUnpaired(RecordFormat):
    name = "trl-kto"
    label = "TRL unpaired preference (KTO)"
    shape = "unpaired-preference"
    family = "trl"
    source = TrlMessages.source

    def detect(self, data: Any) -> bool:
        return (
            isinstance(data, dict)
            and isinstance(data.get("label"), bool)
            and ("prompt" in data or "completion" in data)
        )

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem("", "an example must be a JSON object")]
        problems = _pair_problems(data, ("prompt", "completion"))
        for key in ("prompt", "completion"):
            if key not in data:
                problems.append(Problem("/" + key, f"the example has no '{key}'"))
        if not isinstance(data.get("label"), bool):
            problems.append(Problem("/label", "'label' must be true or false"))
        return problems


class TrlText(RecordFormat):
    name = "trl-text"
    label = "TRL language modelling text"
    shape = "text"
    family = "trl"
    same_as = "text"
    source = TrlMessages.source

    def check(self, data: Any) -> list[Problem]:
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            return [Problem("/text", "'text' must be a string")]
        return []


TRL_MESSAGES = TrlMessages()
TRL_PROMPT_COMPLETION = TrlPromptCompletion()
TRL_PREFERENCE = TrlPreference()
TRL_KTO = TrlUnpaired()
TRL_TEXT = TrlText()

"""What a record format is: how to recognise it, read it into ftlint's canonical form, write the
canonical form back, and say what in a record the format does not allow.

The canonical form is the one the rules already know: OpenAI chat (``messages``), OpenAI
preference (``input`` / ``preferred_output`` / ``non_preferred_output``), prompt/completion,
plus TRL's language-modelling ``text`` and unpaired preference (``prompt`` / ``completion`` /
``label``), which OpenAI has no form for. Every provider format converts to and from one of
these, so any format ftlint reads can be written as any other, and every difference between two
formats shows up at one place: ``from_canonical`` returns what it could not carry over
(``Loss``) or raises ``ConversionError`` when the record has no place in the format at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ftlint.conversion import ConversionError

__all__ = ["ConversionError", "Loss", "Problem", "RecordFormat"]


@dataclass(frozen=True)
class Loss:
    """Something of the canonical record that the written format cannot hold: the record is
    written without it, and the loss is reported (never silent)."""

    #: A short key that groups losses of one kind in a report (``weight``, ``tool-call-id``).
    kind: str
    message: str
    #: Where in the canonical (input) record the lost thing is.
    pointer: str = ""


@dataclass(frozen=True)
class Problem:
    """A structural defect of a record in its format (a role the format does not know, a part
    of the wrong type, a missing key), at a JSON pointer into the record."""

    pointer: str
    message: str
    #: A short key for problems another rule reports with a fix of its own (``tool-call-id``:
    #: Mistral's ids, which ``mistral-tool-call-id`` rewrites); ``""`` for the others.
    kind: str = ""


class RecordFormat:
    """One record format. Subclasses set the class attributes and override what differs.

    ``shape`` is the canonical shape the format holds (``chat``, ``preference``,
    ``prompt-completion``, ``text``, ``unpaired-preference``); ``family`` groups the formats
    of one provider or trainer, so that a target writing ``trl-messages`` for chat writes
    ``trl-preference`` for preference records.
    """

    name: str = ""
    label: str = ""
    shape: str = ""
    family: str = ""
    #: Where the format is documented, and when it was read.
    source: str = ""
    #: Another registered format whose records are byte-identical to this one's (read and
    #: written alike; this one may check more, the provider's own rules).
    same_as: str | None = None
    #: The canonical shapes this format can write (default: its own ``shape``).
    writes: tuple[str, ...] = ()

    def can_write(self, shape: str) -> bool:
        return shape in (self.writes or (self.shape,))

    def detect(self, data: Any) -> bool:
        """True when ``data`` is unmistakably in this format (formats whose records look like
        OpenAI's are never detected: their records are read as the canonical shape)."""
        return False

    def to_canonical(self, data: dict) -> dict:
        """The record in the canonical form of ``shape``; ``ConversionError`` when it has
        something the canonical form cannot hold."""
        return data

    def from_canonical(self, data: dict) -> tuple[dict, list[Loss]]:
        """The canonical record written in this format, and what it loses on the way;
        ``ConversionError`` when the record cannot be written in this format."""
        return data, []

    def check(self, data: Any) -> list[Problem]:
        """Structural defects of a record in this format (empty: none)."""
        return []

    def __repr__(self) -> str:
        return f"<record format {self.name}>"


# ---------------------------------------------------------------------------------------------
# Helpers shared by the formats


def text_of_content(content: Any, pointer: str) -> str:
    """The text of an OpenAI message content that holds text only (a string, or text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for i, part in enumerate(content):
            if not (isinstance(part, dict) and part.get("type") == "text"):
                raise ConversionError("only text content converts here", f"{pointer}/{i}")
            texts.append(_str(part.get("text"), f"{pointer}/{i}/text"))
        return "".join(texts)
    if content is None:
        return ""
    raise ConversionError("the content must be text or a list of parts", pointer)


def _str(value: Any, pointer: str) -> str:
    if not isinstance(value, str):
        raise ConversionError("must be text", pointer)
    return value


def json_object(arguments: Any, pointer: str) -> dict:
    """Tool-call arguments (a JSON text in OpenAI's form) as an object."""
    if isinstance(arguments, dict):
        return arguments
    if isinstance(arguments, str):
        try:
            value = json.loads(arguments) if arguments.strip() else {}
        except ValueError:
            value = None
        if isinstance(value, dict):
            return value
    raise ConversionError("the tool call's arguments are not a JSON object", pointer)


def weight_loss(message: dict, pointer: str, format_label: str) -> Loss | None:
    """The loss of a message ``weight`` other than 1 (1 is what every format does anyway)."""
    weight = message.get("weight")
    if weight is None or weight == 1:
        return None
    return Loss(
        "weight",
        f"{format_label} has no per-message weight: this message (weight {weight}) is trained "
        "on like the others",
        pointer + "/weight",
    )


def system_losses(texts: list[str], pointer: str, format_label: str) -> list[Loss]:
    """Several leading system messages become one system prompt of several parts: read back,
    they are one system message (the texts are all kept)."""
    if len(texts) < 2:
        return []
    return [
        Loss(
            "system-messages",
            f"{format_label} has one system prompt: {len(texts)} system messages become its "
            f"{len(texts)} parts (one system message when read back)",
            pointer + "/1",
        )
    ]


def leading_system(messages: list, pointer: str, format_label: str) -> tuple[list[str], int]:
    """The texts of the system messages a conversation starts with, and where the rest starts;
    a system message later in the conversation has no place in formats with one system
    prompt at the top."""
    texts: list[str] = []
    start = 0
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise ConversionError("a message must be an object", f"{pointer}/{i}")
        if message.get("role") != "system":
            break
        texts.append(text_of_content(message.get("content"), f"{pointer}/{i}/content"))
        start = i + 1
    for i in range(start, len(messages)):
        message = messages[i]
        if isinstance(message, dict) and message.get("role") == "system":
            raise ConversionError(
                f"{format_label} has one system prompt, before the conversation: a system "
                "message in the middle of it has no place there",
                f"{pointer}/{i}",
            )
    return texts, start

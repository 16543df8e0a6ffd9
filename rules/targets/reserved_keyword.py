"""FT903 reserved-keyword: a user or system text that holds one of the strings Amazon Nova
reserves (``User:``, ``Bot:``, ``Assistant:``, ``System:``, ``<image>``, ``<video>``,
``[EOS]``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ftlint import Diagnostic, Record, Rule, Scope, Severity

#: The reserved terms of the Nova data preparation guide (item 12, read 2026-12-03).
RESERVED = ("User:", "Bot:", "Assistant:", "System:", "<image>", "<video>", "[EOS]")
_PATTERN = re.compile("|".join(re.escape(term) for term in RESERVED))
#: Roles whose texts the guide names ("user prompt or system prompt").
_PROMPT_ROLES = {"user", "system"}


def _texts(content: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """``(pointer, text)`` of a message's content: a string, or blocks with ``text``."""
    if isinstance(content, str):
        yield pointer, content
    elif isinstance(content, list):
        for i, block in enumerate(content):
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                yield f"{pointer}/{i}/text", block["text"]
            elif isinstance(block, str):
                yield f"{pointer}/{i}", block


def prompt_texts(data: Any) -> Iterator[tuple[str, str]]:
    """The system and user texts of a chat record in OpenAI's shape or Nova's
    (``system`` as a string or a list of ``{text}`` blocks; ``messages`` with ``content``)."""
    if not isinstance(data, dict):
        return
    system = data.get("system")
    if system is not None:
        yield from _texts(system, "/system")
    messages = data.get("messages")
    if isinstance(messages, list):
        for i, message in enumerate(messages):
            if isinstance(message, dict) and message.get("role") in _PROMPT_ROLES:
                yield from _texts(message.get("content"), f"/messages/{i}/content")


class ReservedKeyword(Rule):
    """## What it does
    Finds the terms Amazon Nova reserves (`User:`, `Bot:`, `Assistant:`, `System:`,
    `<image>`, `<video>`, `[EOS]`) in the system and user texts of an example, for the
    `bedrock` target.

    ## Why is this bad?
    Nova's data preparation guide: "If a user prompt or system prompt starts with any of
    these keywords or has these keywords anywhere in their prompts, the training job will
    fail due to data issues." The job fails after upload and queueing.

    ## Example
    `{"messages": [{"role": "user", "content": "User: hi"}, ...]}` →
    `FT903 train.jsonl:1 (record 1, /messages/0/content): "User:" is reserved by Amazon Nova`

    ## Fix safety
    No fix: the guide asks to replace the term "with a different keyword with a similar
    meaning", which only the author can choose.
    """

    code = "FT903"
    name = "reserved-keyword"
    provider_error = r"reserved keyword"
    scope = Scope.RECORD
    severity = Severity.ERROR
    targets = frozenset({"bedrock"})

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        found = []
        for pointer, text in prompt_texts(record.data):
            match = _PATTERN.search(text)
            if match is None:
                continue
            found.append(
                self.diagnostic(
                    f"{match.group()!r} is reserved by Amazon Nova: a prompt that holds it "
                    "fails the training job; write it another way",
                    record.location.at(field=pointer),
                )
            )
        return found

"""Rule ``missing-key``: keys the API requires on messages and content parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ftlint.rules.chat.base import ChatRule

from ftlint import Severity

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk


class MissingKey(ChatRule):
    """## What it does
    Reports a key the API requires that is missing: a message's `role`, a tool message's
    `tool_call_id`, a legacy function message's `name`, a content part's `type` or `text`.
    (Missing content is `empty-content`; missing tool-call fields are `invalid-tool-call`.)

    ## Why is this bad?
    The API rejects the file.

    ## Example
    `{"messages": [{"content": "Hi"}, {"role": "assistant", "content": "Hello"}]}`

    ## Fix safety
    No fix: ftlint cannot know the value.
    """

    code = "FT311"
    name = "missing-key"
    provider_error = r"missing|required|\bkeys?\b"
    severity = Severity.ERROR


def role(walk: Walk, pointer: str) -> None:
    """A message without ``role``."""
    walk.add(MissingKey.name, "the message has no 'role'", f"{pointer}/role")


def function_name(walk: Walk, pointer: str) -> None:
    """A legacy function message without the ``name`` of its function."""
    walk.add(
        MissingKey.name, "a function message needs the 'name' of the function", f"{pointer}/name"
    )


def tool_call_id(walk: Walk, where: str) -> None:
    """A tool message without ``tool_call_id``."""
    walk.add(
        MissingKey.name, "a tool message needs the 'tool_call_id' of the call it answers", where
    )


def part_type(walk: Walk, pointer: str) -> None:
    """A content part without ``type``."""
    walk.add(MissingKey.name, "the content part has no 'type'", f"{pointer}/type")


def part_field(walk: Walk, kind: str, field: str, pointer: str) -> None:
    """A text (or refusal) part without its ``text`` (or ``refusal``)."""
    walk.add(MissingKey.name, f"the {kind} part needs a string {field!r}", f"{pointer}/{field}")

"""Rule ``unknown-key``: keys the API does not accept, on records, messages and parts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ftlint.rules.chat.base import ChatRule
from ftlint.rules.chat.schema import names

from ftlint import Applicability, DeleteValue, Fix, SetValue, Severity
from ftlint.pointer import escape

if TYPE_CHECKING:
    from ftlint.rules.chat.walk import Walk

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


class UnknownKey(ChatRule):
    """## What it does
    Reports keys the fine-tuning API does not accept, on the record (chat: `messages`, `tools`,
    `parallel_tool_calls`, `functions`; preference: `input`, `preferred_output`,
    `non_preferred_output`; prompt/completion: `prompt`, `completion`), on a message (system
    and user: `role`, `content`, `name`; assistant: also `tool_calls`, `function_call`,
    `refusal`, `audio`, `weight`; tool: `role`, `content`, `tool_call_id`) or on a content part.
    Records that `prepare` converts to another shape are not checked here: the conversion
    keeps only what the new shape needs.

    ## Why is this bad?
    The API rejects the file. Extra keys are often metadata (`id`, `source`) or misspellings
    (`contnet`) that mean the real value is missing.

    ## Example
    `{"messages": [...], "id": 17}` or `{"role": "user", "text": "Hi"}`

    ## Fix safety
    Safe: removing a key the API would refuse changes nothing that is trained. When the key
    looks like a misspelling or an alias of an accepted key that is absent (`Content`,
    `contnet`, `text` -> `content`), the fix renames it instead: safe when only the letter case
    differs, unsafe otherwise.
    """

    code = "FT312"
    name = "unknown-key"
    provider_error = r"missing|required|\bkeys?\b"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE


def unknown_keys(
    walk: Walk, obj: dict, allowed: Any, prefix: str, what: str, skip: tuple[str, ...] = ()
) -> set[str]:
    """Report the keys of ``obj`` not in ``allowed``; returns the accepted keys a fix renames
    to (the walk then knows that, say, the content is there under another name)."""
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
        walk.add(
            UnknownKey.name,
            f"unknown key {key!r} {what}: the API accepts {names(allowed)}{hint}",
            pointer,
            fix,
        )
    return renamed


def preference_weight(walk: Walk, where: str) -> None:
    """A ``weight`` in preference data, which takes none."""
    walk.add(
        UnknownKey.name,
        "unknown key 'weight': preference (DPO) messages take no weight",
        where,
        Fix.safe("remove 'weight'", DeleteValue(where)),
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
    import difflib  # only on this rare path: keeps it out of the start-up time

    close = difflib.get_close_matches(lowered, list(allowed), n=1, cutoff=0.8)
    return close[0] if close else None

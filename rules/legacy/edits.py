"""The dataset-wide edit of the legacy fixes: one change to the prompt or the completion of
every prompt/completion record. A callable object rather than a closure, so that fixes stay
picklable (they cross process boundaries in a parallel run)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ftlint.rules.legacy.features import pc_texts

from ftlint.shapes import CHAT, detect_shape


@dataclass(frozen=True)
class EditTexts:
    """Edit the prompt or the completion of every prompt/completion record.

    ``action``: ``append`` (``value``), ``prepend-space``, ``strip-prefix`` (``value``; keeps a
    leading space with ``keep_space``), ``strip-suffix`` (``value``; never down to a blank
    text), ``strip-marker`` (``value`` and the whitespace before it, where a text ends
    with it), ``lower``. The last four also reach records that ``prepare`` already converted to
    chat (the prompt is the user message, the completion the
    assistant message), so the result does not depend on the order in which fixes apply.
    Records with an empty completion are left alone: ``EmptyCompletion`` decides about them.
    """

    action: str
    field: str
    value: str = ""
    keep_space: bool = False

    def edit(self, text: str) -> str:
        if self.action == "append":
            return text + self.value
        if self.action == "prepend-space":
            return text if text[:1].isspace() else " " + text
        if self.action == "strip-prefix":
            # The lower-case form too: the upper-case rule's fix may have lower-cased the text
            # first.
            if not (text.startswith(self.value) or text.startswith(self.value.lower())):
                return text
            rest = text[len(self.value) :]
            return " " + rest if self.keep_space and not rest.startswith(" ") else rest
        if self.action == "strip-suffix":
            # Also the ending without its trailing whitespace (the content family's padding
            # fix may have stripped it first) and in lower case (as for strip-prefix).
            bare = self.value.rstrip()
            for ending in dict.fromkeys((self.value, bare, self.value.lower(), bare.lower())):
                if ending and text.endswith(ending):
                    rest = text[: len(text) - len(ending)]
                    return rest if rest.strip() else text
            return text
        if self.action == "strip-marker":
            # A majority's marker: from every text that ends with it (trailing whitespace
            # ignored), with the whitespace before it; never down to a blank text.
            core = text.rstrip()
            for ending in dict.fromkeys((self.value, self.value.lower())):
                if ending and core.endswith(ending):
                    rest = core[: len(core) - len(ending)].rstrip()
                    return rest if rest.strip() else text
            return text
        if self.action == "lower":
            return text.lower()
        return text

    def __call__(self, data: Any) -> Any:
        if type(data) is dict and len(data) == 2 and "prompt" in data and "completion" in data:
            # The plain record (nearly every one, three transforms each): its shape can only
            # be prompt/completion, so ``pc_texts`` is read inline.
            prompt, completion = data["prompt"], data["completion"]
            texts = (
                "" if prompt is None else prompt,
                "" if completion is None else completion,
            )
            if not (type(texts[0]) is str and type(texts[1]) is str):
                texts = pc_texts(data)
        else:
            texts = pc_texts(data)
        if texts is not None:
            if not texts[1] or texts[1].isspace():  # (``not strip()``, without a copy)
                return data
            old = texts[0] if self.field == "prompt" else texts[1]
            new = self.edit(old)
            if new == old:
                return data
            return {**data, self.field: new}
        chat_actions = ("strip-prefix", "strip-suffix", "strip-marker", "lower")
        if self.action in chat_actions and detect_shape(data) == CHAT:
            return self._edit_chat(data)
        return data

    def _edit_chat(self, data: dict) -> Any:
        messages = data.get("messages")
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            return data
        roles = [m.get("role") for m in messages]
        if roles not in (["user", "assistant"], ["system", "user", "assistant"]):
            return data  # not a converted prompt/completion pair
        index = len(messages) - (2 if self.field == "prompt" else 1)
        old = messages[index].get("content")
        if not isinstance(old, str) or not messages[-1].get("content"):
            return data
        # Chat content keeps no leading space for the tokenizer's sake.
        new = EditTexts(self.action, self.field, self.value).edit(old)
        if new == old:
            return data
        copied = list(messages)
        copied[index] = {**messages[index], "content": new}
        return {**data, "messages": copied}

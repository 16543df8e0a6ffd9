"""``hf``: token counts with a Hugging Face tokenizer and its chat template (``--tokenizer``).

The extra ``ftlint[hf]`` (``transformers`` and ``tokenizers``; no torch) loads the tokenizer
named by ``--tokenizer PATH_OR_HUB_ID`` with ``AutoTokenizer.from_pretrained``. Each example
is rendered as TRL's ``SFTTrainer`` renders it:

- a conversation goes through the tokenizer's chat template (``apply_chat_template``): the
  total is the length of the rendered ids. When the template marks the assistant's turns with
  ``{% generation %}`` blocks, the trained tokens are those of transformers' own assistant
  mask (``return_assistant_tokens_mask``, what TRL's ``assistant_only_loss`` trains on).
  Without such blocks, ftlint finds where each assistant message's content sits in the
  rendered text: it renders the conversation once more with a unique marker in place of each
  assistant content, and when the marked rendering with the contents put back is the very
  text, the markers' places are the spans (exact); when the template rewrites contents (a
  ``trim``, a reasoning block it drops), it searches each content (or its stripped text) in
  order after the previous one. The trained tokens are those whose character offsets overlap
  a span, so the turn's framing (role header, end-of-turn token) is not counted as trained.
  TRL itself trains on every token of such a template unless told otherwise, and refuses
  ``assistant_only_loss`` without the blocks;
- a prompt/completion pair of texts is tokenized without a template, prompt + completion and
  an end-of-sequence token as TRL appends it; the completion is trained;
- a ``text`` (language modelling) is tokenized with the tokenizer's special tokens and an
  end-of-sequence token; all of it is trained;
- a preference pair renders prompt + chosen and prompt + rejected; the tokens both share
  (the prompt) count once in the total, the longest sequence is the longer of the two.

A conversation the template refuses (its ``raise_exception``: roles that do not alternate,
a system message it does not take ...) is counted as its texts joined by newlines, the
assistant texts trained; so is every conversation when the tokenizer has no chat template
(then the figures are marked estimated). Per-message ``weight`` is not read: TRL has none.
"""

from __future__ import annotations

import os
import re
from array import array
from typing import Any

from ftlint.config import ConfigError
from ftlint.tokens.base import CounterBase, import_extra
from ftlint.tokens.chat import CONVERSATION, PAIR, PLAIN, TEXT, rendering
from ftlint.tokens.figures import ExampleTokens
from ftlint.tokens.sequence import common_prefix

#: ``{% generation %}`` in any of Jinja's whitespace-control spellings.
_GENERATION = re.compile(r"\{%-?\s*generation\s*-?%\}")


def _load(source: str) -> Any:
    # transformers says on import that PyTorch is missing: true, and not needed for tokenizers.
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    transformers = import_extra(
        "transformers", "hf", f"counting tokens with the Hugging Face tokenizer {source!r}"
    )
    import_extra("tokenizers", "hf", "a Hugging Face fast tokenizer")
    try:
        return transformers.AutoTokenizer.from_pretrained(source)
    except Exception as exc:  # no such path, no network for a hub id, not a tokenizer
        raise ConfigError(
            f"cannot load the Hugging Face tokenizer {source!r} (--tokenizer): "
            f"{type(exc).__name__}: {str(exc)[:300]}. Fix: pass the path of a directory "
            "holding tokenizer.json / tokenizer_config.json, or a hub id that is cached or "
            "reachable"
        ) from None


class HFCounter(CounterBase):
    """Counts examples with one Hugging Face tokenizer (see the module docstring)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._tokenizer = tokenizer = _load(source)
        template = getattr(tokenizer, "chat_template", None)
        if isinstance(template, dict):  # several named templates: the default one
            template = template.get("default") or next(iter(template.values()), None)
        self.template: str | None = template if isinstance(template, str) else None
        self.generation = bool(self.template and _GENERATION.search(self.template))
        self._eos = tokenizer.eos_token_id
        self.label = f"hf {source}"
        self.exact = self.template is not None
        if self.template is None:
            self.accuracy = (
                "estimate: the tokenizer has no chat template, so conversations are counted "
                "as their texts joined by newlines"
            )
        elif self.generation:
            self.accuracy = (
                "exact: the tokenizer's chat template (apply_chat_template); trained = "
                "transformers' assistant mask of the {% generation %} blocks"
            )
        else:
            self.accuracy = (
                "exact total with the tokenizer's chat template (apply_chat_template); "
                "trained = the tokens of the assistant messages' content as rendered (the "
                "template has no {% generation %} blocks)"
            )

    # -- texts --------------------------------------------------------------------------------
    def _ids(self, text: str, special: bool = False) -> list[int]:
        return self._tokenizer(text, add_special_tokens=special)["input_ids"]

    def text(self, value: str) -> int:
        return len(self._ids(value))

    # -- one conversation ---------------------------------------------------------------------
    def conversation(self, messages: list[dict], tools: list[dict] | None) -> tuple[list, int]:
        """The rendered ids of a conversation and how many of them are trained."""
        ids, mask = self.masked(messages, tools)
        return ids, sum(mask)

    def masked(self, messages: list[dict], tools: list[dict] | None) -> tuple[list, list]:
        """The rendered ids of a conversation and its per-token trained mask (0/1)."""
        clean = [{k: v for k, v in m.items() if k != "weight"} for m in messages]
        if self.template is not None:
            try:
                return self._templated(clean, tools)
            except Exception:  # the template refuses this conversation (raise_exception ...)
                pass
        ids: list[int] = []
        mask: list[int] = []
        for i, message in enumerate(clean):
            part = self._ids(("\n" if i else "") + (message.get("content") or ""))
            ids.extend(part)
            mask.extend([int(message.get("role") == "assistant")] * len(part))
        return ids, mask

    def _templated(self, messages: list[dict], tools: list[dict] | None) -> tuple[list, list]:
        tokenizer = self._tokenizer
        if self.generation:
            out = tokenizer.apply_chat_template(
                messages,
                tools=tools,
                tokenize=True,
                return_dict=True,
                return_assistant_tokens_mask=True,
            )
            return list(out["input_ids"]), [int(bool(m)) for m in out["assistant_masks"]]
        text = tokenizer.apply_chat_template(messages, tools=tools, tokenize=False)
        encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        spans = self._marked_spans(text, messages, tools)
        if spans is None:
            spans = _assistant_spans(text, messages)
        mask = [
            int(end > start and any(start < s_end and end > s_start for s_start, s_end in spans))
            for start, end in encoded["offset_mapping"]
        ]
        return list(encoded["input_ids"]), mask

    def _marked_spans(
        self, text: str, messages: list[dict], tools: list[dict] | None
    ) -> list[tuple[int, int]] | None:
        """The assistant contents' spans in ``text``, found by rendering the conversation
        once more with a unique marker in place of each assistant content: exact when the
        template writes contents verbatim (then the marked rendering, markers replaced by the
        contents, is ``text`` itself); None when it does not (it trims or rewrites them)."""
        marked = []
        contents: list[str] = []
        for message in messages:
            content = message.get("content")
            if message.get("role") == "assistant" and isinstance(content, str) and content:
                marked.append({**message, "content": f"\ue000{len(contents)}\ue001"})
                contents.append(content)
            else:
                marked.append(message)
        if not contents:
            return []
        try:
            rendered = self._tokenizer.apply_chat_template(marked, tools=tools, tokenize=False)
        except Exception:
            return None
        spans: list[tuple[int, int]] = []
        pieces: list[str] = []
        cursor = length = 0
        for number, content in enumerate(contents):
            marker = f"\ue000{number}\ue001"
            found = rendered.find(marker, cursor)
            if found < 0:
                return None
            pieces.append(rendered[cursor:found])
            length += found - cursor
            spans.append((length, length + len(content)))
            pieces.append(content)
            length += len(content)
            cursor = found + len(marker)
        pieces.append(rendered[cursor:])
        return spans if "".join(pieces) == text else None

    def sequence(self, data: Any) -> list[tuple[int, bool]]:
        """The runs ``(tokens, trained)`` of the example's longest sequence, in order."""
        from ftlint.tokens.sequence import runs_of_mask

        shown = rendering(data)
        if shown.kind == CONVERSATION:
            return runs_of_mask(self.masked(shown.messages, shown.tools)[1])
        if shown.kind == PAIR:
            masks = [
                self.masked(shown.messages + answer, shown.tools)[1]
                for answer in (shown.chosen, shown.rejected)
            ]
            return runs_of_mask(max(masks, key=len))
        counts = self.example(data)
        return [(counts.total - counts.trained, False), (counts.trained, True)]

    # -- whole examples -----------------------------------------------------------------------
    def example(self, data: Any) -> Any:
        return self.example_and_tokens(data)[0]

    def example_and_tokens(self, data: Any) -> tuple[Any, bytes]:
        shown = rendering(data)
        if shown.kind == CONVERSATION:
            ids, learned = self.conversation(shown.messages, shown.tools)
            counts = ExampleTokens(len(ids), learned, len(ids), len(shown.messages))
            return counts, array("I", ids).tobytes()
        if shown.kind == PAIR:
            chosen, chosen_trained = self.conversation(shown.messages + shown.chosen, shown.tools)
            rejected, rejected_trained = self.conversation(
                shown.messages + shown.rejected, shown.tools
            )
            shared = common_prefix(chosen, rejected)
            counts = ExampleTokens(
                len(chosen) + len(rejected) - shared,
                chosen_trained + rejected_trained,
                max(len(chosen), len(rejected)),
                len(shown.messages) + 1,
            )
            return counts, b""
        if shown.kind == PLAIN:
            prompt = self._ids(shown.prompt, special=True)
            ids = self._with_eos(self._ids(shown.prompt + shown.completion, special=True))
            learned = max(0, len(ids) - len(prompt))
            return ExampleTokens(len(ids), learned, len(ids), 2), array("I", ids).tobytes()
        assert shown.kind == TEXT
        ids = self._with_eos(self._ids(shown.text, special=True))
        return ExampleTokens(len(ids), len(ids), len(ids), 1), array("I", ids).tobytes()

    def _with_eos(self, ids: list[int]) -> list[int]:
        """TRL appends the end-of-sequence token to a completion or text without one."""
        if self._eos is not None and (not ids or ids[-1] != self._eos):
            return [*ids, self._eos]
        return ids


def _assistant_spans(text: str, messages: list[dict]) -> list[tuple[int, int]]:
    """Where each assistant message's content sits in the rendered text, found in order."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for message in messages:
        content = message.get("content")
        if not isinstance(content, str) or not content:
            continue
        if message.get("role") != "assistant":
            found = text.find(content, cursor)
            if found >= 0:
                cursor = found + len(content)
            continue
        for needle in (content, content.strip()):
            found = text.find(needle, cursor) if needle else -1
            if found >= 0:
                spans.append((found, found + len(needle)))
                cursor = found + len(needle)
                break
    return spans

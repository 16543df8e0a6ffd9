"""FT402 missing-prompt-separator: prompts that share no common ending."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show
from ftlint.rules.legacy.edits import EditTexts
from ftlint.rules.legacy.features import Features
from ftlint.rules.legacy.markers import FALLBACK_SEPARATOR, PROMPT_SEPARATORS

from ftlint import Applicability, Diagnostic, Fix, TransformRecords

#: Bit of a prompt mask for a line break (bit i is ``PROMPT_SEPARATORS[i]``).
_NEWLINE_BIT = 1 << len(PROMPT_SEPARATORS)
#: A mask with every bit: nothing left to search for.
_PROMPT_ALL = (1 << len(PROMPT_SEPARATORS)) - 1 | _NEWLINE_BIT


def prompt_mask(text: str, seen: int = 0) -> int:
    """``seen`` plus a bit for each separator candidate in ``text`` (bit i for
    ``PROMPT_SEPARATORS[i]``, ``_NEWLINE_BIT`` for a line break). Candidates already seen in
    earlier prompts are not searched again; all but ` ->` contain a blank line."""
    if seen == _PROMPT_ALL:
        return seen
    if not seen & 1 and " ->" in text:
        seen |= 1
    if "\n" in text:
        seen |= _NEWLINE_BIT
        if "\n\n" in text:
            for i in range(1, len(PROMPT_SEPARATORS)):
                if not seen & (1 << i) and PROMPT_SEPARATORS[i] in text:
                    seen |= 1 << i
    return seen


def choose_separator(mask: int) -> str:
    """The legacy choice: the first separator that occurs in no prompt."""
    for i, candidate in enumerate(PROMPT_SEPARATORS):
        if candidate == " ->" and mask & _NEWLINE_BIT:
            continue
        if not mask & (1 << i):
            return candidate
    return FALLBACK_SEPARATOR


class _SeparatorStats(Stats):
    """The prompts' common ending, and which separator candidates some prompt contains."""

    needs = frozenset({Part.PROMPT_SUFFIX, Part.PROMPT_PREFIX})

    def __init__(self, rule: LegacyRule) -> None:
        super().__init__(rule)
        self.prompt_mask = 0

    def fold_own(self, found: Features) -> None:
        self.prompt_mask = prompt_mask(found.prompt, self.prompt_mask)

    def merge_own(self, other: Any) -> None:
        self.prompt_mask |= other.prompt_mask

    def finish(self) -> Iterable[Diagnostic]:
        rule = self.rule
        if self.count == 0 or self.open_ended or self.prompts_identical:
            return
        if self.prompt_end.suffix:
            return
        separator = choose_separator(self.prompt_mask)
        at = self.prompt_end.breaker
        yield rule.diagnostic(
            "the prompts share no common ending: the model cannot tell where a prompt stops "
            "and the completion starts (this prompt ends differently from the first one)",
            self.location("/prompt", at),
            fix=Fix.unsafe(
                f"append the separator {show(separator)} to every prompt; end every prompt "
                "with it when you query the fine-tuned model",
                TransformRecords(
                    f"append {show(separator)} to every prompt",
                    EditTexts("append", "prompt", separator),
                ),
            ),
        )

    def summary(self) -> dict[str, Any]:
        if self.count == 0 or self.open_ended:
            return {}
        suffix = self.prompt_end.suffix
        if suffix and not self.prompts_identical:
            text = f"{show(suffix)} (end every prompt with it when you query the model)"
        else:
            separator = choose_separator(self.prompt_mask)
            text = (
                f"none in the data; the missing-prompt-separator fix (--unsafe-fixes) appends "
                f"{show(separator)}: then end every prompt with it when you query the model"
            )
        return {"prompt_separator": text}


class MissingPromptSeparator(LegacyRule):
    """## What it does
    Checks that every prompt ends with the same separator (a fixed string such as
    `\\n\\n###\\n\\n`), as the legacy `prepare_data` tool did. Only for models that train on
    prompt/completion (babbage-002, davinci-002); skipped for open-ended generation (every
    prompt empty).

    ## Why is this bad?
    Without a separator the model cannot tell where the prompt stops and the completion
    starts, and at inference it keeps writing the prompt instead of answering.

    ## Example
    `{"prompt": "Capital of France?", "completion": " Paris\\n"}` next to
    `{"prompt": "Capital of Peru", "completion": " Lima\\n"}`: no common ending.

    ## Fix safety
    Unsafe: appends a separator to every prompt, the first of ` ->`, `\\n\\n###\\n\\n`,
    `\\n\\n===\\n\\n`, `\\n\\n---\\n\\n`, `\\n\\n===>\\n\\n`, `\\n\\n--->\\n\\n` that occurs in no
    prompt (` ->` only when no prompt has a line break). Every prompt you send the fine-tuned
    model must then end with it; the report's summary repeats it.
    """

    code = "FT402"
    name = "missing-prompt-separator"
    fix_applicability = Applicability.UNSAFE
    stats = _SeparatorStats
    pc_model_only = True

"""FT404 missing-stop-sequence: completions that share no common ending."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ftlint.rules.legacy.base import LegacyRule, Part, Stats, show
from ftlint.rules.legacy.edits import EditTexts
from ftlint.rules.legacy.features import Features
from ftlint.rules.legacy.markers import FALLBACK_STOP, STOP_SEQUENCES

from ftlint import Applicability, Diagnostic, Fix, TransformRecords

#: A mask with every bit: nothing left to search for.
_STOP_ALL = (1 << len(STOP_SEQUENCES)) - 1


def stop_mask(text: str, seen: int = 0) -> int:
    """``seen`` plus a bit for each stop-sequence candidate in ``text`` (bit i for
    ``STOP_SEQUENCES[i]``); candidates already seen are not searched again."""
    if seen == _STOP_ALL:
        return seen
    for i, candidate in enumerate(STOP_SEQUENCES):
        if not seen & (1 << i) and candidate in text:
            seen |= 1 << i
    return seen


def choose_stop(mask: int) -> str:
    """The legacy choice: the first stop sequence that occurs in no completion."""
    for i, candidate in enumerate(STOP_SEQUENCES):
        if not mask & (1 << i):
            return candidate
    return FALLBACK_STOP


class _StopStats(Stats):
    """The completions' common ending, and which stop-sequence candidates some completion
    contains; the classes, since classification data needs no stop sequence."""

    needs = frozenset({Part.COMPLETION_SUFFIX, Part.COMPLETION_PREFIX, Part.CLASSES})

    def __init__(self, rule: LegacyRule) -> None:
        super().__init__(rule)
        self.completion_mask = 0

    def fold_own(self, found: Features) -> None:
        self.completion_mask = stop_mask(found.completion, self.completion_mask)

    def merge_own(self, other: Any) -> None:
        self.completion_mask |= other.completion_mask

    def finish(self) -> Iterable[Diagnostic]:
        if self.count == 0 or self.open_ended or self.is_classification:
            return
        if self.completions_identical or self.completion_end.suffix:
            return
        stop = choose_stop(self.completion_mask)
        yield self.rule.diagnostic(
            "the completions share no common ending: the fine-tuned model will not know when "
            "to stop and keeps generating (this completion ends differently from the first)",
            self.location("/completion", self.completion_end.breaker),
            fix=Fix.unsafe(
                f"append the stop sequence {show(stop)} to every completion; pass "
                f"stop=[{json.dumps(stop)}] when you query the fine-tuned model",
                TransformRecords(
                    f"append {show(stop)} to every completion",
                    EditTexts("append", "completion", stop),
                ),
            ),
        )

    def summary(self) -> dict[str, Any]:
        if self.count == 0 or self.open_ended or self.is_classification:
            return {}
        suffix = self.completion_end.suffix
        if suffix and not self.completions_identical:
            text = f"{show(suffix)} (pass it as stop=[...] when you query the model)"
        else:
            stop = choose_stop(self.completion_mask)
            text = (
                f"none in the data; the missing-stop-sequence fix (--unsafe-fixes) appends "
                f"{show(stop)}: then pass it as stop=[...] when you query the model"
            )
        return {"stop_sequence": text}


class MissingStopSequence(LegacyRule):
    """## What it does
    Checks that every completion ends with the same stop sequence (`\\n`, ` END` ...), as the
    legacy `prepare_data` tool did. Only for models that train on prompt/completion; skipped for
    classification (the answer is a short label) and open-ended generation.

    ## Why is this bad?
    The model learns where to stop from the examples: without a common ending it rambles on
    after the answer, and there is no stop sequence to cut it at inference.

    ## Example
    `{"prompt": "2+2 ->", "completion": " 4"}` and `{"prompt": "3+3 ->", "completion": " 6."}`

    ## Fix safety
    Unsafe: appends to every completion the first of `\\n`, `.`, ` END`, `***`, `+++`, `&&&`,
    `$$$`, `@@@`, `%%%` that occurs in no completion. Pass it as `stop` when you query the
    fine-tuned model; the report's summary repeats it.
    """

    code = "FT404"
    name = "missing-stop-sequence"
    fix_applicability = Applicability.UNSAFE
    stats = _StopStats
    pc_model_only = True

"""FT505 whitespace-padding: assistant answers that start or end with whitespace, reported once
for the dataset with one fix for every answer."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ftlint.rules.content.texts import scan, scanned

from ftlint import (
    Accumulator,
    Applicability,
    Diagnostic,
    Fix,
    Record,
    Rule,
    RuleContext,
    Scope,
    Severity,
    TransformRecords,
    pointer,
)
from ftlint.shapes import CHAT, PROMPT_COMPLETION, iter_texts, model_shapes


def _padded(text: str) -> bool:
    return bool(text) and (text[0].isspace() or text[-1].isspace()) and not text.isspace()


@dataclass(frozen=True)
class StripAnswers:
    """Strip leading and trailing whitespace from every assistant text of a record (and from
    prompt/completion completions when ``completions``). Returns a new object when it changes
    something."""

    completions: bool

    def __call__(self, data: Any) -> Any:
        roles = ("assistant", "completion") if self.completions else ("assistant",)
        targets = [(f, t) for f, role, t in iter_texts(data) if role in roles and _padded(t)]
        if not targets:
            return data
        new = copy.deepcopy(data)
        for field, text in targets:
            new = pointer.set_value(new, field, text.strip())
        return new


class _PaddingCounter(Accumulator):
    """The assistant answers seen, those padded, and the first padded one, per file (the
    training file and a validation file checked with it are counted apart: each finding
    is about its own file, at its own first padded answer)."""

    def __init__(self, rule: WhitespacePadding) -> None:
        self.rule = rule
        self.roles = ("assistant",) if rule.pc_model else ("assistant", "completion")
        #: split -> [padded, answers, first padded answer]
        self.splits: dict[str, list] = {}

    def add(self, record: Record) -> None:
        # Every record: the texts of the scan read directly, ``_padded`` written out.
        roles = self.roles
        counts = self.splits.get(record.split)
        if counts is None:
            counts = self.splits[record.split] = [0, 0, None]
        found = record.analyses.get(scan)
        texts = scanned(record)[0] if found is None else found[0]
        for field, role, text in texts:
            if role not in roles:
                continue
            counts[1] += 1
            if text and (text[0].isspace() or text[-1].isspace()) and not text.isspace():
                counts[0] += 1
                if counts[2] is None:
                    counts[2] = record.location.at(field=field)

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _PaddingCounter)
        for split, (count, texts, first) in other.splits.items():
            mine = self.splits.get(split)
            if mine is None:
                self.splits[split] = [count, texts, first]
                continue
            mine[0] += count
            mine[1] += texts
            if mine[2] is None:
                mine[2] = first

    def finish(self) -> Iterable[Diagnostic]:
        for split in sorted(self.splits, key=lambda s: s != "train"):
            count, texts, first = self.splits[split]
            if not count or first is None:
                continue
            transform = StripAnswers(completions=not self.rule.pc_model)
            yield self.rule.diagnostic(
                f"{count} of {texts} assistant answers start or end with whitespace "
                "(first here): the model learns to emit it",
                first,
                fix=Fix.safe(
                    "strip the whitespace around every assistant answer",
                    TransformRecords("strip the whitespace around assistant answers", transform),
                ),
            )


class WhitespacePadding(Rule):
    """## What it does
    Counts assistant answers (assistant messages, preferred and non-preferred outputs, and the
    answers of community formats) that start or end with spaces or line breaks, and reports
    them once with the first location.

    With a model that trains on prompt/completion (babbage-002, davinci-002), completions are
    left to the legacy rules: their leading space is the expected convention
    (`CompletionLeadingSpace`) and their trailing `\\n` is often the stop sequence. With a
    chat model a prompt/completion file becomes user/assistant messages, and its completions
    are checked like any assistant answer.

    ## Why is this bad?
    The model learns to begin or end its replies with the same whitespace, which costs tokens
    and leaks into the application's output.

    ## Example
    `{"role": "assistant", "content": " Score: 10/10\\n"}`

    ## Fix safety
    Safe: the whitespace around each answer is removed; the text itself is unchanged.
    """

    target_dependent = True

    code = "FT505"
    name = "whitespace-padding"
    scope = Scope.DATASET
    severity = Severity.INFO
    fix_applicability = Applicability.SAFE

    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        shapes = model_shapes(context.target, context.model) or ()
        self.pc_model = PROMPT_COMPLETION in shapes and CHAT not in shapes

    def accumulator(self) -> Accumulator:
        return _PaddingCounter(self)

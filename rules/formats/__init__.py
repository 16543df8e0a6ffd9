"""Record shapes against the chosen model, and the conversions ``prepare`` makes.

Every record gets a *plan* (cached on the record): its shape (after ``--map`` renames, for
JSON files), the shape the model needs, and, when they differ, the converted record or why it
cannot be converted. Four rules read the plans:

- ``unknown-format`` (record): a record of no known shape;
- ``mixed-formats`` (dataset): one file holding several shapes;
- ``format-model-mismatch`` (dataset): native records (chat, prompt/completion, preference)
  that the model does not train on;
- ``community-format`` (dataset): Alpaca, ShareGPT, chosen/rejected pairs, self-instruct
  tasks and ``--map``-renamed records, which the API does not accept as they are.

Conversions are dataset-wide ``TransformRecords`` fixes (one per file and kind, applied by
``prepare`` without ``--fix`` when lossless), so that they run after every per-record fix and
never fight over pointers; records that cannot be converted get their own error, with an
unsafe fix that leaves them out. A conversion never mutates its input and is idempotent: a
converted record is in the model's shape, so it is left alone the next time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ftlint.conversion import (
    ALL_NATIVE,
    ANSWER_HINTS,
    PROMPT_HINTS,
    Converter,
    Plan,
    Planner,
    plan_of,
)
from ftlint.model import (
    Applicability,
    Diagnostic,
    DropRecord,
    Fix,
    Location,
    Record,
    Scope,
    Severity,
    TransformRecords,
)
from ftlint.pluginmanager import hookimpl
from ftlint.rule import Accumulator, Rule, RuleContext
from ftlint.shapes import SHAPE_LABELS, SHAREGPT, TABULAR_FORMATS, UNKNOWN

# ---------------------------------------------------------------------------------------------
# Rules


class _PlanRule(Rule):
    def __init__(self, context: RuleContext) -> None:
        super().__init__(context)
        self.planner = Planner.from_context(context)

    @property
    def model_name(self) -> str:
        return self.context.model or self.context.target.default_model


def _suggest_map(data: dict) -> str:
    strings = [k for k, v in data.items() if isinstance(v, str)]
    prompt = next((k for hint in PROMPT_HINTS for k in strings if k.lower() == hint), None)
    answer = next(
        (k for hint in ANSWER_HINTS for k in strings if k.lower() == hint and k != prompt), None
    )
    if prompt and answer:
        return f"--map prompt={prompt} --map completion={answer}"
    return "--map prompt=KEY --map completion=KEY"


class UnknownFormat(_PlanRule):
    """## What it does
    Reports a JSON record that has none of the shapes ftlint knows: chat (`messages`),
    prompt/completion (`prompt`, `completion`), preference (`input`, `preferred_output`,
    `non_preferred_output`), or a community format it converts (Alpaca `instruction` /
    `input` / `output`, ShareGPT `conversations`, `chosen` / `rejected` pairs, self-instruct
    `instruction` + `instances`). Tabular files are not checked here: their columns are mapped
    by the reader (`missing-column`).

    ## Why is this bad?
    The provider rejects the record, and ftlint cannot tell what to train on.

    ## Example
    `{"question": "What is 2+2?", "answer": "4"}`: run
    `ftlint prepare data.jsonl --map prompt=question --map completion=answer`.

    ## Fix safety
    No fix: tell ftlint which keys hold the prompt and the answer with `--map FIELD=KEY`
    (fields: `prompt`, `completion`, `system`, or a community format's keys such as
    `instruction` / `output`); `prepare` then converts the records to the model's format.
    """

    code = "FT301"
    name = "unknown-format"
    scope = Scope.RECORD
    severity = Severity.ERROR

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        data = record.data
        if not isinstance(data, dict) or record.source_format in TABULAR_FORMATS:
            return ()
        plan = plan_of(record, self.planner)
        if plan.source != UNKNOWN:
            return ()
        keys = ", ".join(list(data)[:8]) or "none"
        return [
            self.diagnostic(
                f"the record has none of the known shapes (its keys: {keys}); expected chat "
                "'messages', 'prompt'/'completion', preference 'input'/'preferred_output'/"
                "'non_preferred_output', or Alpaca/ShareGPT/chosen-rejected; "
                f"say which keys to use with {_suggest_map(data)}",
                record.location,
            )
        ]


@dataclass
class _Group:
    count: int
    first: Location
    dropped: set[str] = field(default_factory=set)


class _ShapeCounter(Accumulator):
    """mixed-formats: per source shape, its count, first record and the shape it becomes."""

    def __init__(self, rule: MixedFormats) -> None:
        self.rule = rule
        self.shapes: dict[str, list] = {}  # shape -> [count, first location, target]

    def add(self, record: Record) -> None:
        if not isinstance(record.data, dict):
            return
        plan = plan_of(record, self.rule.planner)
        if plan.source == UNKNOWN:
            return
        entry = self.shapes.get(plan.source)
        if entry is None:
            self.shapes[plan.source] = [1, record.location, plan.target]
        else:
            entry[0] += 1

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _ShapeCounter)
        for shape, (count, first, target) in other.shapes.items():
            entry = self.shapes.get(shape)
            if entry is None:
                self.shapes[shape] = [count, first, target]
            else:
                entry[0] += count

    def finish(self) -> Iterable[Diagnostic]:
        if len(self.shapes) < 2:
            return
        ordered = sorted(self.shapes.items(), key=lambda item: (-item[1][0], item[0]))
        major, (major_count, _first, _target) = ordered[0]
        targets = {entry[2] for _shape, entry in ordered if entry[2] is not None}
        mixed_output = len(targets) > 1
        for shape, (count, first, target) in ordered[1:]:
            tail = (
                f"; after conversion the file would still mix {' and '.join(sorted(targets))} "
                "records, which no single fine-tuning job accepts"
                if mixed_output
                else f"; prepare writes them all as {target} records"
                if target
                else ""
            )
            yield self.rule.diagnostic(
                f"the file mixes shapes: {major_count} {SHAPE_LABELS[major]} records and "
                f"{count} {SHAPE_LABELS[shape]} record{'s' if count != 1 else ''}, the first "
                f"{'of them ' if count != 1 else ''}here{tail}",
                first,
                severity=Severity.ERROR if mixed_output else Severity.WARNING,
            )

    def summary(self) -> dict[str, Any]:
        return {"shapes": {shape: entry[0] for shape, entry in sorted(self.shapes.items())}}


class MixedFormats(_PlanRule):
    """## What it does
    Counts the shapes of the records of a file and reports each minority shape at its first
    record, beside the majority. An error when the records would still be of different shapes
    after `prepare` converts them (chat and preference records in one file, for instance);
    a warning when they all end up in one shape.

    ## Why is this bad?
    A fine-tuning job trains one way (supervised, DPO, legacy completion): a file mixing
    shapes is rejected. Mixed shapes also betray files concatenated by mistake.

    ## Example
    950 chat records and, from line 951, 50 prompt/completion records.

    ## Fix safety
    No fix of its own: `prepare` converts what it can (see `format-model-mismatch` and
    `community-format`); split the file otherwise.
    """

    code = "FT302"
    name = "mixed-formats"
    scope = Scope.DATASET
    severity = Severity.ERROR

    def accumulator(self) -> Accumulator:
        return _ShapeCounter(self)


class _Conversions(Accumulator):
    """Counts the records of each conversion group and keeps the ones that cannot convert."""

    def __init__(self, rule: _ConversionRule) -> None:
        self.rule = rule
        self.groups: dict[tuple[str, str, bool, bool], _Group] = {}
        self.failures: list[tuple[Location, str, str, str]] = []
        self.source_format = ""

    def add(self, record: Record) -> None:
        if not isinstance(record.data, dict):
            return
        plan = plan_of(record, self.rule.planner)
        if not self.rule.wants(plan):
            return
        self.source_format = self.source_format or record.source_format
        if plan.error is not None:
            self.failures.append((record.location, plan.source, plan.error, plan.pointer))
            return
        if not plan.converts:
            return
        key = (plan.source, plan.target or "", plan.lossy, plan.mapped)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(0, record.location)
        group.count += 1
        if plan.dropped and len(group.dropped) < 12:
            group.dropped.update(plan.dropped)

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _Conversions)
        self.source_format = self.source_format or other.source_format
        for key, group in other.groups.items():
            mine = self.groups.get(key)
            if mine is None:
                self.groups[key] = group
            else:
                mine.count += group.count
                mine.dropped |= group.dropped
        self.failures.extend(other.failures)

    def finish(self) -> Iterable[Diagnostic]:
        rule = self.rule
        tabular = self.source_format in TABULAR_FORMATS
        for (source, target, lossy, mapped), group in self.groups.items():
            converter = Converter(rule.planner, self.source_format, source, rule.community, lossy)
            message, action = rule.describe(source, target, lossy, mapped, group, tabular)
            transform = TransformRecords(action, converter)
            if lossy:
                fix = Fix(action, (transform,), Applicability.UNSAFE)
                severity = Severity.ERROR
            else:
                # Display-only outside prepare: ``check --fix`` edits a file in place and never
                # changes its format; ``prepare`` writes the model's format by definition.
                fix = Fix(action, (transform,), Applicability.DISPLAY_ONLY, in_prepare=True)
                severity = Severity.INFO if tabular else None
            yield rule.diagnostic(message, group.first, fix=fix, severity=severity)
        for location, source, error, pointer in self.failures:
            yield rule.diagnostic(
                rule.failure_message(source, error),
                location.at(field=pointer or None),
                fix=Fix.unsafe(
                    "leave the record out",
                    DropRecord(f"cannot convert {SHAPE_LABELS[source]}: {error}"),
                ),
                severity=Severity.ERROR,
            )


class _ConversionRule(_PlanRule):
    scope: ClassVar[Scope] = Scope.DATASET
    community: ClassVar[bool] = False

    def wants(self, plan: Plan) -> bool:
        return plan.community == self.community and plan.source != UNKNOWN

    def accumulator(self) -> Accumulator:
        return _Conversions(self)

    def trains_on(self) -> str:
        shapes = self.planner.accepted or ALL_NATIVE
        return " or ".join(SHAPE_LABELS[s] for s in shapes)

    def describe(
        self, source: str, target: str, lossy: bool, mapped: bool, group: _Group, tabular: bool
    ) -> tuple[str, str]:
        raise NotImplementedError

    def failure_message(self, source: str, error: str) -> str:
        raise NotImplementedError


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _left_out(group: _Group) -> str:
    if not group.dropped:
        return ""
    return f"; keys left out: {', '.join(sorted(group.dropped))}"


class FormatModelMismatch(_ConversionRule):
    """## What it does
    Compares the shape of each record with what the chosen `--model` trains on: chat models
    (gpt-4.1, gpt-4o ...) take chat records (and preference records for DPO); `babbage-002` and
    `davinci-002` take prompt/completion records only. Reported once per file and shape, at the
    first record, with the count; records that cannot be converted are reported one by one.
    For a tabular file (CSV, TSV, XLSX) the conversion is the normal way of writing the output,
    so it is a note, not an error.

    Conversions `prepare` makes without being asked (lossless):
    - prompt/completion -> chat: the prompt becomes the user message (left out when empty), the
      completion the assistant message; `--system "..."` (or a mapped `system` column) adds a
      system message. The texts are kept exactly, separators and all.
    - chat -> prompt/completion: only an example that is exactly one user message and one
      assistant message of plain text, without tools; a system message, more turns or tools
      have no place in a prompt/completion pair, and such records stay errors.

    Lossy conversion, offered as an unsafe fix: preference -> chat (for a model without DPO)
    trains on the preferred answer and leaves the other out.

    ## Why is this bad?
    The provider rejects a file whose records are not in the model's format.

    ## Example
    `{"prompt": "...", "completion": "..."}` records with `--model gpt-4.1-mini-2025-04-14`.

    ## Fix safety
    The lossless conversions are safe and applied by `prepare` without `--fix` (writing the
    model's format is what `prepare` is for); `check --fix`, which edits a file in place, never
    changes its format. The lossy one is unsafe (`--unsafe-fixes`). Records that cannot be
    converted are written unchanged (the error stays); their unsafe fix leaves them out of the
    output, listed as dropped.
    """

    code = "FT303"
    name = "format-model-mismatch"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE
    community = False

    def describe(
        self, source: str, target: str, lossy: bool, mapped: bool, group: _Group, tabular: bool
    ) -> tuple[str, str]:
        records = _plural(group.count, "row" if tabular else f"{SHAPE_LABELS[source]} record")
        if tabular:
            return (
                f"{records} become {SHAPE_LABELS[target]} records for {self.model_name}",
                f"ftlint prepare writes {SHAPE_LABELS[target]} records",
            )
        if lossy:
            return (
                f"{records} from here on, but {self.model_name} trains on {self.trains_on()} "
                f"records only; converting them to {SHAPE_LABELS[target]} keeps the preferred "
                "answer and leaves the other out",
                "train on the preferred answers (the non-preferred ones are left out)",
            )
        return (
            f"{records} from here on, but {self.model_name} trains on {self.trains_on()} "
            f"records; prepare converts them to {SHAPE_LABELS[target]}{_left_out(group)}",
            f"ftlint prepare converts them to {SHAPE_LABELS[target]} records",
        )

    def failure_message(self, source: str, error: str) -> str:
        return (
            f"{self.model_name} trains on {self.trains_on()} records and this "
            f"{SHAPE_LABELS[source]} record cannot be converted: {error}"
        )


class CommunityFormat(_ConversionRule):
    """## What it does
    Recognises community formats and reports what `prepare` converts them to (chat for chat
    models, preference for DPO-capable models when the record is a preference pair, or
    prompt/completion for `babbage-002` / `davinci-002` where that is lossless):
    - Alpaca: `instruction`, `input`, `output` (or `response` / `answer`), with LLaMA-Factory's
      optional `system` and `history`; the user message is the instruction, then the input
      after a blank line.
    - self-instruct seed tasks: `instruction` + one `instances` entry (`input`, `output`).
    - ShareGPT: `conversations` of `{"from", "value"}` turns (`human`, `gpt`, `system`,
      `function_call`, `observation`), with optional `system` and `tools` (a list or a JSON
      string). Function calls become assistant `tool_calls` with generated ids (`call_1` ...)
      and observations the `tool` messages answering them; `tools` become OpenAI function
      tools.
    - chosen/rejected pairs: `chosen` / `rejected` as answers (with a `prompt`, `question`,
      `instruction` or `conversations` holding the prompt), as message lists sharing the prompt,
      or as `Human:` / `Assistant:` transcripts, become OpenAI preference records.
    - records renamed with `--map FIELD=KEY` (JSON files).
    Reported once per file and format at the first record; records that cannot be converted
    (an empty answer, a speaker it does not know, a function call with no result ...) are
    errors of their own.

    ## Why is this bad?
    The provider accepts none of these as they are.

    ## Example
    `{"instruction": "Translate to French", "input": "cheese", "output": "fromage"}`

    ## Fix safety
    Safe, applied by `prepare` without `--fix` (and never by `check --fix`, which keeps a file's
    format): the texts are kept exactly; only metadata keys (`id`, `category` ...) are left
    out, and the message lists them. Converting a preference pair for a model without DPO keeps
    only the chosen answer: unsafe. A record that cannot be
    converted is written unchanged (the error stays); its unsafe fix leaves it out, listed as
    dropped.
    """

    code = "FT304"
    name = "community-format"
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE
    community = True

    def describe(
        self, source: str, target: str, lossy: bool, mapped: bool, group: _Group, tabular: bool
    ) -> tuple[str, str]:
        if mapped:
            renames = ", ".join(f"{k} -> {f}" for f, k in self.planner.mapping)
            what = f"{_plural(group.count, 'record')} renamed with --map ({renames})"
        else:
            what = _plural(group.count, f"{SHAPE_LABELS[source]} record")
        extra = ""
        if source == SHAREGPT:
            extra = " (function_call/observation turns become tool_calls and tool messages)"
        if lossy:
            return (
                f"{what} from here on: {self.model_name} has no preference (DPO) training; "
                f"converting them to {SHAPE_LABELS[target]} keeps the chosen answer and leaves "
                "the rejected one out",
                "train on the chosen answers (the rejected ones are left out)",
            )
        return (
            f"{what} from here on: the provider does not accept this format; prepare writes "
            f"them as {SHAPE_LABELS[target]} records{extra}{_left_out(group)}",
            f"ftlint prepare converts them to {SHAPE_LABELS[target]} records",
        )

    def failure_message(self, source: str, error: str) -> str:
        return f"this {SHAPE_LABELS[source]} record cannot be converted: {error}"


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [UnknownFormat, MixedFormats, FormatModelMismatch, CommunityFormat]

"""FT904 format-not-accepted: records in a format the target's profile does not list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ftlint import Accumulator, Diagnostic, Location, Record, Rule, Scope, Severity
from ftlint.shapes import CHAT, PREFERENCE, PROMPT_COMPLETION, detect_shape

#: The record formats a record of each OpenAI-style shape is, byte for byte: a chat record is
#: also Together's, Fireworks', Mistral's chat (Mistral adds an optional ``weight``) and TRL's
#: conversational ``messages``; a prompt/completion pair is Together's instruction format and
#: TRL's standard prompt-completion; a preference record (``input``, ``preferred_output``,
#: ``non_preferred_output``) is Together's and Fireworks' DPO format.
FORMATS_OF_SHAPE: dict[str, tuple[str, ...]] = {
    CHAT: ("openai-chat", "together-chat", "fireworks-chat", "mistral-chat", "trl-messages"),
    PROMPT_COMPLETION: ("prompt-completion", "together-instruction", "trl-prompt-completion"),
    PREFERENCE: ("openai-preference", "together-preference", "fireworks-preference"),
}
#: Provider formats recognised by their keys, for a file already in one of them.
GEMINI, NOVA = "gemini", "nova"


def record_format(data: Any) -> str | None:
    """The family of record formats ``data`` is in: an OpenAI-style shape, ``gemini``
    (``contents``), ``nova`` (``schemaVersion``), or ``None`` (another shape, which the
    formats rules report)."""
    if isinstance(data, dict):
        if "schemaVersion" in data:
            return NOVA
        if isinstance(data.get("contents"), list):
            return GEMINI
    shape = detect_shape(data)
    return shape if shape in FORMATS_OF_SHAPE else None


def accepted(formats: tuple[str, ...], family: str) -> bool:
    return any(f in formats for f in FORMATS_OF_SHAPE.get(family, (family,)))


class _Counter(Accumulator):
    def __init__(self, rule: FormatNotAccepted) -> None:
        self.formats = tuple(rule.context.target.formats)
        #: A target with no ``formats`` takes what its models' shapes say (FT303 checks it).
        self.takes_records = bool(self.formats)
        self.rule = rule
        #: family -> [count, first location]
        self.refused: dict[str, list[Any]] = {}

    def add(self, record: Record) -> None:
        family = record_format(record.data)
        if family is None or accepted(self.formats, family):
            return
        entry = self.refused.get(family)
        if entry is None:
            self.refused[family] = [1, record.location]
        else:
            entry[0] += 1

    def merge(self, other: Accumulator) -> None:
        assert isinstance(other, _Counter)
        for family, (count, location) in other.refused.items():
            entry = self.refused.get(family)
            if entry is None:
                self.refused[family] = [count, location]
            else:
                entry[0] += count

    def finish(self) -> Iterable[Diagnostic]:
        target = self.rule.context.target
        reads = ", ".join(target.formats)
        for family, (count, location) in self.refused.items():
            label = f"{family} record"
            yield self.rule.diagnostic(
                f"{count} {label}{'s' if count != 1 else ''} from here on, but {target.name} "
                f"reads {reads} records; 'ftlint prepare --target {target.name}' writes "
                f"{target.write_format}",
                Location(path=location.path, line=location.line, record=location.record),
            )


class FormatNotAccepted(Rule):
    """## What it does
    Compares the format of each record with the formats the target's profile lists
    (`formats`: Vertex AI reads `gemini` records, Bedrock `nova`, Together its chat,
    instruction, text and preference formats ...). A record in OpenAI's chat shape is in
    several formats at once (OpenAI's, Together's, Fireworks', Mistral's and TRL's
    conversational format are the same bytes), so it is refused only by a target that lists
    none of them. Reported once per file and format, at the first such record, with the
    count. Targets without a `formats` list (OpenAI, Azure OpenAI) are checked by
    `format-model-mismatch` against the model's shapes instead.

    ## Why is this bad?
    The provider refuses the file: Vertex AI's tuning reads `contents`/`parts`, not
    `messages`; Bedrock wants Nova's `bedrock-conversation-2024` schema.

    ## Example
    `FT904 train.jsonl:1 (record 1): 120 chat records from here on, but vertex reads gemini
    records; 'ftlint prepare --target vertex' writes gemini`

    ## Fix safety
    No fix in `check`: converting is what `prepare --target NAME` does, with a finding for
    what the target's format cannot hold.
    """

    code = "FT904"
    name = "format-not-accepted"
    provider_error = r"unsupported (data|dataset|file) format|invalid (dataset|data) format"
    scope = Scope.DATASET
    severity = Severity.ERROR
    target_dependent = True

    def accumulator(self) -> Accumulator:
        return _Counter(self)

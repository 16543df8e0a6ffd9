"""FT942: a text holding one of the strings Amazon Nova's fine-tuning rejects (``User:``,
``Bot:``, ``[EOS]`` ...)."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.formats.writing import WriterRule

from ftlint import Diagnostic, Record, Scope, Severity
from ftlint.conversion import plan_of
from ftlint.formats.nova import reserved_in
from ftlint.shapes import NOVA, texts_of


def _may_be_nova(data: dict) -> bool:
    """Cheap: only a record with these keys can be a Nova record (most records are not)."""
    return "schemaVersion" in data or isinstance(data.get("system"), list)


class NovaReservedString(WriterRule):
    """## What it does
    For records in Nova's format, or written in it (`--target` whose write format is `nova`),
    reports every text (system prompt, user or assistant turn) holding a string Nova reserves:
    `System:`, `SYSTEM:`, `User:`, `USER:`, `Bot:`, `BOT:`, `Assistant:`, `ASSISTANT:`,
    `Thought:`, `[EOS]`, `<image>`, `<video>` (the list of AWS's own validator, which rejects
    them anywhere in a text; the user guide names User:, Bot:, Assistant:, System:, <image>,
    <video> and [EOS] as reserved keywords). Sources:
    https://docs.aws.amazon.com/nova/latest/userguide/fine-tune-prepare-data-understanding.html
    and aws-samples/amazon-bedrock-samples nova_ft_dataset_validator.py (read 2026-12-03).

    ## Why is this bad?
    Nova marks its own turns with these strings; Bedrock rejects a sample whose text holds one.

    ## Example
    `{"messages": [{"role": "user", "content": "User: hi\\nBot: hello"}, ...]}`

    ## Fix safety
    No fix: rewrite the text (a transcript of turns belongs in separate messages).
    """

    code = "FT942"
    name = "nova-reserved-string"
    scope = Scope.RECORD
    severity = Severity.ERROR

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        if not isinstance(record.data, dict):
            return ()
        if "nova" not in self.writer.families and (
            not _may_be_nova(record.data) or plan_of(record, self.planner).source != NOVA
        ):
            return ()
        found = []
        for pointer, _role, text in texts_of(record.data):
            tokens = reserved_in(text)
            if tokens:
                shown = ", ".join(repr(t) for t in tokens)
                found.append(
                    self.diagnostic(
                        f"the text holds {shown}, reserved by Amazon Nova: Bedrock rejects the "
                        "sample",
                        record.location.at(field=pointer),
                    )
                )
        return found

"""FT952: a record the target's record format has no place for (a tool call for Nova, a system
message in the middle of a conversation for Gemini, an inline image for Vertex AI ...)."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.formats.writing import WriterRule

from ftlint import Diagnostic, DropRecord, Fix, Record, Scope, Severity


class UnwritableRecord(WriterRule):
    """## What it does
    Reports each record that cannot be written in the target's record format, with the place
    that has no equivalent there: tool calls, tool results and tool lists for Nova (its
    fine-tuning does not support tool use), turns that do not alternate user/assistant for
    Nova, a system message after the first turn for Gemini and Nova (they have one system
    prompt at the top), an inline `data:` image for Vertex AI (it reads files by URI) or an
    image outside S3 for Nova, a record shape the target has no format for.

    ## Why is this bad?
    The provider rejects the record, or the conversion would change what it says; ftlint
    never writes it silently in another form.

    ## Example
    `{"messages": [{"role": "user", "content": "Weather?"}, {"role": "assistant",
    "tool_calls": [...]}, ...]}` prepared with `--target bedrock`.

    ## Fix safety
    Unsafe: the fix leaves the record out (listed as dropped with the reason). Without it the
    record is written as it is and the error stays.
    """

    code = "FT952"
    name = "unwritable-record"
    scope = Scope.RECORD
    severity = Severity.ERROR

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        if not self.writer.active or not isinstance(record.data, dict):
            return ()
        out = self.output(record)
        if out.error is None:
            return ()
        name = out.format or self.writer.write_format
        field = None if out.planned else out.pointer or None
        return [
            self.diagnostic(
                f"this record cannot be written in the {name} format of "
                f"{self.context.target.name}: {out.error}",
                record.location.at(field=field),
                fix=Fix.unsafe(
                    "leave the record out", DropRecord(f"cannot be written as {name}: {out.error}")
                ),
            )
        ]

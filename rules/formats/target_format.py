"""FT950: records that are not in the target's record format, and the conversion ``prepare``
makes to write them in it (``Target.write_format``)."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.formats.writing import WriterRule, Written, plural

from ftlint import (
    Accumulator,
    Applicability,
    Diagnostic,
    Fix,
    Scope,
    Severity,
    TransformRecords,
)
from ftlint.formats import get_format
from ftlint.shapes import SHAPE_LABELS


class TargetFormat(WriterRule):
    """## What it does
    Compares each record with the record formats the target accepts (`Target.formats`) and
    reports, once per file and kind, the records `prepare` writes in the target's format
    (`Target.write_format`): OpenAI chat records become Gemini `contents`/`parts` for Vertex AI,
    Nova `bedrock-conversation-2024` records for Bedrock, TRL columns for open-weight training.
    Records that the format rules first convert (prompt/completion, Alpaca, ShareGPT ...) are
    written in the target's format too, and counted here as a note.

    ## Why is this bad?
    The provider rejects a file that is not in its format: Vertex AI reads `contents`, not
    `messages`; Nova reads content blocks, not strings.

    ## Example
    `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}`
    checked with `--target vertex`.

    ## Fix safety
    Applied by `prepare` without `--fix` (writing the target's format is what `prepare` is for);
    `check --fix` never changes a file's format. What a format cannot hold is reported by
    `format-conversion-loss` (written without it) or `unwritable-record` (not written in the
    format: the record stays as it is, with its error).
    """

    code = "FT950"
    name = "target-format"
    scope = Scope.DATASET
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

    def accumulator(self) -> Accumulator:
        return Written(self)

    def findings(self, written: Written) -> Iterable[Diagnostic]:
        writer = self.writer.for_source(written.source_format)
        for (shape, name, planned, needed), group in written.groups.items():
            fmt = get_format(name)
            label = fmt.label if fmt is not None else name
            records = plural(group.count, f"{SHAPE_LABELS.get(shape, shape)} record")
            action = f"write the records in the {label} format ({name})"
            fix = Fix(
                action,
                (TransformRecords(action, writer),),
                Applicability.DISPLAY_ONLY,
                in_prepare=True,
            )
            if planned:
                message = (
                    f"{records} from here on, once converted, are written in {self.target_name}'s "
                    f"{label} format ({name})"
                )
                severity = Severity.INFO
            else:
                accepted = ", ".join(writer.accepted) or writer.write_format
                message = (
                    f"{records} from here on: not in a format {self.target_name} accepts "
                    f"({accepted}); prepare writes them in the {label} format ({name})"
                )
                severity = Severity.ERROR if needed and not written.tabular else Severity.INFO
            yield self.diagnostic(message, group.first, fix=fix, severity=severity)

    @property
    def target_name(self) -> str:
        return self.context.target.name

"""FT104: a file larger than the target accepts for one upload."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.rules.file.units import human_size

from ftlint import Diagnostic, FileContext, Rule, Scope, Severity


class FileTooLarge(Rule):
    """## What it does
    Reports a file larger than the target accepts for one upload (512 MB for OpenAI and
    Azure OpenAI today).

    ## Why is this bad?
    The upload is refused. Split the dataset, or drop what the other rules flag
    (duplicates, over-long examples) first; both usually shrink it a lot.

    ## Example
    `FT104 train.jsonl: 612.4 MB, larger than the 512 MB that openai accepts per file`

    ## Fix safety
    No fix. When the provider raises its limit, or for another service, set a new one with
    `--max-file-size 1GB` or `max-file-size` in the configuration.
    """

    target_dependent = True

    code = "FT104"
    name = "file-too-large"
    provider_error = r"file size|too large|maximum size|larger than"
    scope = Scope.FILE
    severity = Severity.ERROR

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        target = self.context.target
        limit = target.max_file_size
        if limit <= 0 or file.size <= limit:
            return
        exact = f" ({file.size:,} bytes)" if file.size >= 1000 else ""
        yield self.diagnostic(
            f"{human_size(file.size)}{exact}, larger than the "
            f"{human_size(limit)} that {target.name} accepts per file; split the dataset, or "
            "set another limit with --max-file-size",
            file.location(),
        )

"""File size: too large for the target's upload limit, or empty."""

from __future__ import annotations

import codecs
from collections.abc import Iterable

from ftlint.model import Diagnostic, Scope, Severity
from ftlint.pluginmanager import hookimpl
from ftlint.rule import FileContext, Rule

#: Byte-order marks and whitespace that make a file look non-empty without holding anything.
_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_BLANK = b" \t\r\n\x0b\x0c\x00"


def human_size(size: int) -> str:
    """Decimal units, as providers state their limits (512 MB = 512,000,000 bytes)."""
    if size < 1000:
        return f"{size} byte{'' if size == 1 else 's'}"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def _strip_bom(data: bytes) -> bytes:
    for bom in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def is_blank(file: FileContext) -> bool:
    """Whether the file holds nothing but a byte-order mark and whitespace (in any of the
    Unicode encodings: UTF-16 whitespace is an ASCII blank beside a NUL)."""
    if _strip_bom(file.head).strip(_BLANK):
        return False
    if file.size <= len(file.head):
        return True
    first = True
    for chunk in file.iter_bytes():
        if first:
            chunk, first = _strip_bom(chunk), False
        if chunk.strip(_BLANK):
            return False
    return True


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

    code = "FT104"
    name = "file-too-large"
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


class EmptyFile(Rule):
    """## What it does
    Reports a file with no content: zero bytes, or nothing but a byte-order mark and
    whitespace.

    ## Why is this bad?
    There is nothing to train on; usually an export or a pipeline step failed silently and
    the real data is elsewhere (or lost).

    ## Example
    `FT105 qa_dataset_clients_ft.jsonl: the file is empty (0 bytes)`

    ## Fix safety
    No fix: regenerate the file.
    """

    code = "FT105"
    name = "empty-file"
    scope = Scope.FILE
    severity = Severity.ERROR

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        if file.size == 0:
            yield self.diagnostic("the file is empty (0 bytes)", file.location())
        elif file.is_text and is_blank(file):
            yield self.diagnostic(
                f"the file holds only whitespace or a byte-order mark ({human_size(file.size)})",
                file.location(),
            )


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [FileTooLarge, EmptyFile]

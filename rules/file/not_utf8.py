"""FT101: a text file that is not UTF-8. The check finds the first invalid byte, detects the
real encoding (``detect``) and sets it on the ``FileContext``, so that the reader decodes with
it and every later rule sees the right text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ftlint.rules.file.codec import FALLBACK_PREFIX
from ftlint.rules.file.detect import (
    FirstError,
    Utf8Stats,
    detect,
    detect_stray,
    detection_sample,
    find_first_error,
    invalid_only_sample,
    label,
    substitution_share,
    utf8_stats,
    wide_encoding,
)

from ftlint import (
    Applicability,
    Diagnostic,
    FileAction,
    FileContext,
    FileEdit,
    Fix,
    Location,
    Rule,
    Scope,
    Severity,
)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _transcode_fix(encoding: str) -> Fix:
    """Safe, and part of what ``prepare`` does: its output is UTF-8 by construction."""
    fix = Fix.safe(
        f"transcode from {label(encoding)} to UTF-8",
        FileEdit(FileAction.TRANSCODE, encoding=encoding),
    )
    return replace(fix, in_prepare=True)


_REPLACE_FIX = Fix.unsafe(
    "rewrite as UTF-8 with the invalid bytes replaced by U+FFFD",
    FileEdit(FileAction.TRANSCODE, encoding="utf-8"),
)


class NotUtf8(Rule):
    """## What it does
    Checks that a text file (JSONL, JSON, CSV, TSV) is valid UTF-8. When it is not, reports
    the line and byte offset of the first invalid byte, detects the real encoding
    (charset-normalizer plus checks of its own; GB18030/GBK and Windows-1252 exports are the
    common cases, and UTF-16/UTF-32 files from Windows tools), and makes ftlint read the file
    with it, so every other rule sees the right text.

    ## Why is this bad?
    Fine-tuning APIs require UTF-8. A GBK or Windows-1252 file is rejected, or worse, read
    with every non-ASCII character turned into mojibake that the model then learns.

    ## Example
    A CSV saved by Excel on a Chinese Windows: `FT101 not UTF-8: first invalid byte 0xD0 at
    line 2 (byte offset 28); the file is GB18030 (GBK) (confidence 100%)`.

    ## Fix safety
    Safe when an encoding was detected: the file is transcoded to UTF-8 (`prepare` always
    writes UTF-8; `check --fix` rewrites a JSONL file). Unsafe when the file is UTF-8 with a
    few stray bytes (their decoding is a guess from a few bytes) or when no encoding could be
    detected (the invalid bytes become U+FFFD).
    """

    code = "FT101"
    name = "not-utf8"
    provider_error = r"utf-?8|encoding|decod"
    scope = Scope.FILE
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        if not file.is_text or file.size == 0:
            return
        wide = wide_encoding(file.head)
        if wide is not None:
            yield self._wide(file, *wide)
            return
        first = find_first_error(file)
        if first is None:
            return
        yield self._not_utf8(file, first)

    def _wide(self, file: FileContext, codec: str, description: str, bom: bool) -> Diagnostic:
        file.encoding = codec
        how = "with a byte-order mark" if bom else "(NUL bytes between the characters)"
        return self.diagnostic(
            f"not UTF-8: the file is {description} {how}; it is read as {label(codec)}",
            file.location(line=1, column=1),
            fix=_transcode_fix(codec),
        )

    def _not_utf8(self, file: FileContext, first: FirstError) -> Diagnostic:
        location = file.location(line=first.line, column=first.column)
        where = (
            f"first invalid byte 0x{first.byte:02X} at line {first.line} "
            f"(byte offset {first.offset:,})"
        )
        stats = utf8_stats(file)
        sample = detection_sample(file, first)
        damaged = ""
        if stats.replacement_chars:
            damaged = (
                f"; it also holds {_count(stats.replacement_chars, 'U+FFFD replacement character')}"
                ", the mark of an earlier lossy conversion"
            )
        if stats.valid_non_ascii and stats.utf8_share >= 0.5:
            return self._mostly_utf8(file, stats, sample, where, damaged, location)
        found = detect(sample)
        if found is None:
            message = (
                f"not valid UTF-8: {where}; its encoding could not be detected, so it is read "
                f"as UTF-8 with {_count(stats.invalid, 'invalid sequence')} replaced by U+FFFD"
                f"{damaged}"
            )
            return self.diagnostic(message, location, fix=_REPLACE_FIX)
        file.encoding = found.encoding
        also = ""
        if found.alternatives:
            also = f"; also possible: {label(found.alternatives[0])}"
        message = (
            f"not UTF-8: {where}; the file is {label(found.encoding)} "
            f"(confidence {found.confidence:.0%}{also}) and is read as such{damaged}"
        )
        return self.diagnostic(message, location, fix=_transcode_fix(found.encoding))

    def _mostly_utf8(
        self,
        file: FileContext,
        stats: Utf8Stats,
        sample: bytes,
        where: str,
        damaged: str,
        location: Location,
    ) -> Diagnostic:
        """A UTF-8 file with stray bytes: read them with a clear fallback, else as U+FFFD."""
        head = (
            f"not valid UTF-8: {_count(stats.invalid, 'invalid byte sequence')}, the {where}; "
            f"the rest is UTF-8 ({stats.valid_non_ascii:,} non-ASCII characters)"
        )
        share, substitute = substitution_share(sample)
        fallback = None if share > 0.5 else detect_stray(invalid_only_sample(sample))
        if fallback is None:
            why = (
                f"most invalid bytes are runs of one byte, 0x{substitute:02X}, the trace of a "
                "tool that replaced each byte of multi-byte characters"
                if share > 0.5
                else "the invalid bytes match no encoding clearly"
            )
            message = f"{head}; {why}, so they are read as U+FFFD{damaged}"
            return self.diagnostic(message, location, fix=_REPLACE_FIX)
        encoding = f"{FALLBACK_PREFIX}{fallback.encoding}"
        file.encoding = encoding
        message = (
            f"{head}, so only the invalid bytes are read as {label(fallback.encoding)} "
            f"(confidence {fallback.confidence:.0%}){damaged}"
        )
        fix = Fix.unsafe(
            f"transcode to UTF-8, reading the stray bytes as {label(fallback.encoding)}",
            FileEdit(FileAction.TRANSCODE, encoding=encoding),
        )
        return self.diagnostic(message, location, fix=fix)

"""FT106: a file name that is not valid UTF-8, shown with escapes in every report."""

from __future__ import annotations

from collections.abc import Iterable

from ftlint import Diagnostic, FileContext, Rule, Scope, Severity, printable


def _undecodable(name: str) -> list[str]:
    """The escapes of the characters valid UTF-8 cannot hold: ``\\xff`` for a byte that did
    not decode, ``\\ud800`` for a lone surrogate."""
    return list(dict.fromkeys(printable(ch) for ch in name if "\ud800" <= ch <= "\udfff"))


class EscapedFileName(Rule):
    """## What it does
    Reports a file whose name (or folder name) is not valid UTF-8: bytes of another encoding
    (a name written as Latin-1, `caf\\xe9.jsonl`) or a lone surrogate. Reports, which are
    UTF-8, show such a name with escapes (`\\xe9`); the message says so and gives the escaped
    name, so that the path in the report is not taken for the real one.

    ## Why is this bad?
    The name in the report is not the name on disk: copied from the report, it names no file.
    Upload tools and providers that expect UTF-8 names may refuse the file or mangle its name,
    and the outputs `prepare` writes beside it inherit the same bytes.

    ## Example
    `FT106 caf\\xe9.jsonl: the file name is not valid UTF-8 (\\xe9); reports show it escaped`

    ## Fix safety
    No fix: rename the file (`convmv -f latin1 -t utf8 --notest NAME` renames from Latin-1).
    """

    code = "FT106"
    name = "escaped-file-name"
    scope = Scope.FILE
    severity = Severity.WARNING

    def check_file(self, file: FileContext) -> Iterable[Diagnostic]:
        escapes = _undecodable(str(file.path))
        if not escapes:
            return
        shown = ", ".join(escapes[:5]) + (" ..." if len(escapes) > 5 else "")
        yield self.diagnostic(
            f"the file name is not valid UTF-8 ({shown}); reports show it escaped, as "
            f"{printable(str(file.path))!r}, and the outputs written beside it keep its bytes",
            file.location(),
        )

"""Problems of the run itself. They are rules so that they are documented and selectable like
any other, but the engine raises them: no plugin provides them."""

from __future__ import annotations

from ftlint.model import Scope, Severity
from ftlint.rule import Rule


class RuleError(Rule):
    """## What it does
    Reports a rule (or reader) that raised an unexpected exception.

    ## Why is this bad?
    The data was not fully checked: the failing rule skipped the rest of this file. The run
    goes on with every other rule. This is a bug in the rule; report it to its authors with
    the message shown.

    ## Example
    `FT001 rule 'my-rule' (X100) failed: KeyError: 'messages'`

    ## Fix safety
    No fix: the rule must be fixed.
    """

    code = "FT001"
    name = "rule-error"
    scope = Scope.FILE
    severity = Severity.ERROR


class UnreadableFile(Rule):
    """## What it does
    Reports a path that cannot be read: missing, a directory, no permission, or a file that no
    reader plugin claims (an unknown extension whose content is not recognised either).

    ## Why is this bad?
    Nothing in it was checked.

    ## Example
    `FT002 data/train.parquet: no reader for this file (known: .csv, .json, .jsonl ...)`

    ## Fix safety
    No fix. Convert the file, or pass `--format NAME` to choose a reader.
    """

    code = "FT002"
    name = "unreadable-file"
    scope = Scope.FILE
    severity = Severity.ERROR


CORE_RULES: tuple[type[Rule], ...] = (RuleError, UnreadableFile)

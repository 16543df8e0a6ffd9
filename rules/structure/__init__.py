"""Problems a reader finds while turning bytes into records: lines that are not JSON, values
that are not objects, blank lines, files that are not what their extension says."""

from __future__ import annotations

from ftlint.model import Applicability, FileAction, FileEdit, Fix, Record, Severity
from ftlint.pluginmanager import hookimpl
from ftlint.rule import ReaderProblemRule, Rule


class InvalidJson(ReaderProblemRule):
    """## What it does
    Reports a line (JSONL) or an item (JSON) that is not valid JSON, with its line and column.

    ## Why is this bad?
    The provider rejects the whole file for one bad line. Common causes: a raw tab or newline
    inside a string, a trailing comma, single quotes, a line cut in two by an editor.

    ## Example
    `{"prompt": "Hello	world", "completion": " Hi"}` (a raw TAB inside the string)

    ## Fix safety
    `prepare` cannot repair it and leaves the record out; it is listed as dropped in the report.
    """

    code = "FT201"
    name = "invalid-json"
    severity = Severity.ERROR


class NotAnObject(ReaderProblemRule):
    """## What it does
    Reports a record that is valid JSON but not an object: an array, a string, a number, null.

    ## Why is this bad?
    Every fine-tuning example is a JSON object (`{"messages": [...]}`); anything else is
    rejected by the provider.

    ## Example
    `["What is 2+2?", "4"]`

    ## Fix safety
    `prepare` leaves the record out and lists it as dropped.
    """

    code = "FT202"
    name = "not-an-object"
    severity = Severity.ERROR


class BlankLine(ReaderProblemRule):
    """## What it does
    Reports empty or whitespace-only lines in a JSONL file.

    ## Why is this bad?
    Strict JSONL parsers, the provider's among them, treat an empty line as an invalid record.

    ## Example
    Two records separated by an empty line.

    ## Fix safety
    Safe: the blank line is removed (`check --fix`, and `prepare` never writes one).
    """

    code = "FT203"
    name = "blank-line"
    severity = Severity.WARNING
    fix_applicability = Applicability.SAFE

    def make_fix(self, record: Record) -> Fix | None:
        # A blank line is not a record: the fix is rewriting the file without it.
        return Fix.safe("remove the blank line", FileEdit(FileAction.REMOVE_BLANK_LINES))


class NotLineDelimited(ReaderProblemRule):
    """## What it does
    Reports a `.jsonl` file that is really one JSON array, or a series of pretty-printed
    objects spread over several lines each. ftlint reads it anyway, with line numbers.

    ## Why is this bad?
    JSONL means one complete object per line; the provider reads the file line by line and
    rejects every partial line.

    ## Example
    ```
    {
      "messages": [ ... ]
    }
    ```

    ## Fix safety
    Safe: `prepare` (and `check --fix`) write one object per line.
    """

    code = "FT206"
    name = "not-line-delimited"
    severity = Severity.ERROR
    fix_applicability = Applicability.SAFE

    def make_fix(self, record: Record) -> Fix | None:
        return Fix.safe("write one object per line", FileEdit(FileAction.REWRITE_LINES))


class JsonIsJsonl(ReaderProblemRule):
    """## What it does
    Reports a `.json` file that is really JSON Lines (one object per line). ftlint reads it
    line by line.

    ## Why is this bad?
    Tools that load it as JSON fail with "Extra data"; the provider expects `.jsonl`.

    ## Example
    `seed_tasks.json` holding one object per line.

    ## Fix safety
    Nothing to fix in the data: `prepare` writes a `.jsonl` file.
    """

    code = "FT207"
    name = "json-is-jsonl"
    severity = Severity.WARNING


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    from ftlint.rules.structure import columns

    return [
        InvalidJson, NotAnObject, BlankLine, NotLineDelimited, JsonIsJsonl,
        *columns.ftlint_rules(),
    ]  # fmt: skip

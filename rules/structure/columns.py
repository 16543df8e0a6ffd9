"""Problems the tabular and JSON readers find while turning tables and documents into records:
columns that do not map to the output fields, ragged rows, a mislabelled delimiter, records
nested under a key, unreadable workbooks and sheets.

Every rule here reports a ``ReadProblem`` a reader produced; wording and location come from the
reader (``plugins/columns_map.py``, ``plugins/tabular.py``, ``plugins/xlsx.py``,
``plugins/json_reader.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ftlint.model import Diagnostic, Record, Severity
from ftlint.pluginmanager import hookimpl
from ftlint.rule import ReaderProblemRule, Rule


class MissingColumn(ReaderProblemRule):
    """## What it does
    Reports a table (CSV, TSV, XLSX sheet) whose header has no column for a field the output
    needs: `prompt` and `completion`, found case-insensitively, or the columns named with
    `--map FIELD=COLUMN`. Reported once, at the header line, with the columns found and the
    `--map` command that would read the file.

    ## Why is this bad?
    Without those columns no row can become an example: every row is left out of the output
    (each is listed as dropped in the `prepare` report).

    ## Example
    A CSV with the header `question,answer`:
    `no column for 'prompt' and 'completion'; columns found: 'question', 'answer'; map the
    columns, e.g.: ftlint check faq.csv --map prompt=question --map completion=answer`

    ## Fix safety
    No automatic fix: choosing which column is the prompt is a decision about the data. Pass
    `--map` (or `map = {prompt = "question", completion = "answer"}` in `[tool.ftlint]`).
    """

    code = "FT204"
    name = "missing-column"
    severity = Severity.ERROR


class ExtraColumn(ReaderProblemRule):
    """## What it does
    Reports, once per table, the columns that no output field uses. They are left out of the
    prepared JSONL.

    ## Why is this bad?
    Usually it is not: ids, labels and metadata columns have no place in a training example,
    which is why this is information, not a warning. It is reported so that nothing leaves
    the data silently: a column with real content (an `input` or `context` column beside the
    instruction) would be lost from training.

    ## Example
    Header `prompt,completion,source`: `column 'source' not used: left out of the output`.

    ## Fix safety
    Nothing to fix. Map the column to a field with `--map FIELD=COLUMN` when it should be in
    the output, or `--ignore extra-column`.
    """

    code = "FT205"
    name = "extra-column"
    severity = Severity.INFO


class RaggedRow(ReaderProblemRule):
    """## What it does
    Reports a row with non-empty cells beyond the header's last column, or (CSV/TSV) a row
    that lacks cells of named columns. The row is still read: its cells are mapped by
    position, the surplus is left out and absent cells are empty.

    ## Why is this bad?
    A row of the wrong width almost always means a broken export: a delimiter inside an
    unquoted cell shifts every cell after it, an unclosed quote joins several lines into one
    cell. The example then pairs the wrong texts.

    ## Example
    `prompt,completion` header and the row `What is 2+2?,4,four` (3 cells).

    ## Fix safety
    No automatic fix: quote the cell that holds the delimiter, or close the quote.
    """

    code = "FT208"
    name = "ragged-row"
    severity = Severity.WARNING


class DelimiterMismatch(ReaderProblemRule):
    """## What it does
    Reports a delimited file whose real delimiter is not the one its extension says: a `.csv`
    written with semicolons (Excel in many European locales) or tabs, a `.tsv` with commas.
    The delimiter is checked on the head of the file, and the file is read with the real one.

    ## Why is this bad?
    It is not a problem for ftlint, which reads it right; other tools that trust the
    extension see one single column.

    ## Example
    `question;answer` in `faq.csv`: `this .csv file is semicolon-separated ...`

    ## Fix safety
    Nothing to fix: `prepare` writes JSONL.
    """

    code = "FT209"
    name = "delimiter-mismatch"
    severity = Severity.INFO


class RecordsUnderKey(ReaderProblemRule):
    """## What it does
    Reports a `.json` file whose examples are the list held by one key of a top-level object
    (`{"data": [...]}`), and says which key was used. Information when the object holds one
    such list; a warning when several keys hold lists of objects and only one was read.

    ## Why is this bad?
    Providers expect one example per line; the wrapper must go. When several lists are
    present (`train` and `test` in one file), the others are not part of the output.

    ## Example
    `{"version": 2, "data": [{"prompt": "...", "completion": "..."}]}`

    ## Fix safety
    Nothing to fix in the data: `prepare` writes the examples of the list as JSONL.
    """

    code = "FT210"
    name = "records-under-key"
    severity = Severity.INFO

    def check_record(self, record: Record) -> Iterable[Diagnostic]:
        for diagnostic in super().check_record(record):
            detail = record.problem.detail if record.problem is not None else None
            if detail and detail.get("ignored_lists"):
                diagnostic.severity = Severity.WARNING
            yield diagnostic


class MalformedRow(ReaderProblemRule):
    """## What it does
    Reports a CSV/TSV row that the CSV parser cannot read at all (for instance a NUL byte on
    Python versions whose `csv` module rejects it). The rest of the file is still read.

    ## Why is this bad?
    The row cannot become an example; it is left out of the output and listed as dropped.

    ## Example
    A row holding a raw NUL character (`\\x00`) from a binary copy-paste.

    ## Fix safety
    No automatic fix: repair the row in the source file.
    """

    code = "FT211"
    name = "malformed-row"
    severity = Severity.ERROR


class UnreadableWorkbook(ReaderProblemRule):
    """## What it does
    Reports an `.xlsx` file that cannot be opened as a workbook (not a zip archive, a
    truncated download, an old binary `.xls` or a password-protected file renamed to
    `.xlsx`), or a sheet whose content cannot be read to the end.

    ## Why is this bad?
    Nothing in it (or nothing after the broken part) was checked or prepared.

    ## Example
    `data.xlsx is not an XLSX workbook: File is not a zip file`

    ## Fix safety
    No fix: open the file in a spreadsheet program and save it again as `.xlsx`, or export
    it to CSV.
    """

    code = "FT212"
    name = "unreadable-workbook"
    severity = Severity.ERROR


class UnknownSheet(ReaderProblemRule):
    """## What it does
    Reports a `--sheet NAME` that the workbook does not have, with the sheets it does have.

    ## Why is this bad?
    Nothing was read from the workbook.

    ## Example
    `no sheet 'Sheet1' in the workbook; its sheets are: 'QR', 'Notes'`

    ## Fix safety
    No fix: pass one of the listed names (or no `--sheet` to read every sheet).
    """

    code = "FT213"
    name = "unknown-sheet"
    severity = Severity.ERROR


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    return [
        MissingColumn,
        ExtraColumn,
        RaggedRow,
        DelimiterMismatch,
        RecordsUnderKey,
        MalformedRow,
        UnreadableWorkbook,
        UnknownSheet,
    ]

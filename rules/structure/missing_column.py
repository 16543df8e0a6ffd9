"""FT204: a table without a column for a field the output needs."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


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
    columns: run ftlint with faq.csv --map prompt=question --map completion=answer`

    ## Fix safety
    No automatic fix: choosing which column is the prompt is a decision about the data. Pass
    `--map` (or `map = {prompt = "question", completion = "answer"}` in `[tool.ftlint]`).
    """

    code = "FT204"
    name = "missing-column"
    severity = Severity.ERROR

"""FT205: the columns of a table that no output field uses."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


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

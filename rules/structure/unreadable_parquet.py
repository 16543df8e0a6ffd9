"""FT220: a Parquet file, or a row group of it, that cannot be read."""

from __future__ import annotations

from ftlint import ReaderProblemRule, Severity


class UnreadableParquet(ReaderProblemRule):
    """## What it does
    Reports a `.parquet` file that cannot be opened as a Parquet table (not a Parquet file, a
    truncated download whose footer is missing, a codec pyarrow was built without), a row
    group that cannot be decoded to its end (each of its rows from there on is listed as
    rejected), or a Parquet input on a machine without pyarrow (`pip install
    'ftlint[parquet]'`).

    ## Why is this bad?
    Nothing in it (or nothing in the broken row group) was checked or prepared.

    ## Example
    `not a readable Parquet file: ArrowInvalid: Parquet magic bytes not found in footer`

    ## Fix safety
    No fix: download or export the file again (or install the extra the message names).
    """

    code = "FT220"
    name = "unreadable-parquet"
    severity = Severity.ERROR

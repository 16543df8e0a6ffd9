"""Structure rules (FT2xx): problems a reader finds while turning bytes into records.

Lines that are not JSON, values that are not objects, blank lines, files that are not what
their extension says (JSONL/JSON readers); columns that do not map to the output fields,
ragged rows, a mislabelled delimiter, records nested under a key, unreadable workbooks and
sheets (tabular, XLSX and JSON readers), unreadable Parquet files and row groups.

Every rule here is a ``ReaderProblemRule``, one module each: it reports the ``ReadProblem``
objects a reader produced, whose ``kind`` is the rule's name; wording and location come from
the reader (``plugins/jsonl.py``, ``plugins/json_reader.py``, ``plugins/columns_map.py``,
``plugins/tabular.py``, ``plugins/xlsx.py``, ``plugins/parquet.py``).
"""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Imported here: loading the plugin costs nothing until the rules are asked for.
    from ftlint.rules.structure.blank_line import BlankLine
    from ftlint.rules.structure.delimiter_mismatch import DelimiterMismatch
    from ftlint.rules.structure.exceeds_limit import ExceedsLimit
    from ftlint.rules.structure.extra_column import ExtraColumn
    from ftlint.rules.structure.invalid_json import InvalidJson
    from ftlint.rules.structure.json_is_jsonl import JsonIsJsonl
    from ftlint.rules.structure.malformed_row import MalformedRow
    from ftlint.rules.structure.missing_column import MissingColumn
    from ftlint.rules.structure.no_examples import NoExamples
    from ftlint.rules.structure.not_an_object import NotAnObject
    from ftlint.rules.structure.not_line_delimited import NotLineDelimited
    from ftlint.rules.structure.ragged_row import RaggedRow
    from ftlint.rules.structure.records_under_key import RecordsUnderKey
    from ftlint.rules.structure.unknown_sheet import UnknownSheet
    from ftlint.rules.structure.unreadable_parquet import UnreadableParquet
    from ftlint.rules.structure.unreadable_workbook import UnreadableWorkbook

    return [
        InvalidJson, NotAnObject, BlankLine, NotLineDelimited, JsonIsJsonl,
        MissingColumn, ExtraColumn, RaggedRow, DelimiterMismatch, RecordsUnderKey,
        MalformedRow, UnreadableWorkbook, UnknownSheet, ExceedsLimit, NoExamples,
        UnreadableParquet,
    ]  # fmt: skip

"""Every rule reads any JSON value at any position (issue 13).

A record of each shape (chat, prompt/completion, preference, Alpaca, ShareGPT,
chosen/rejected, self-instruct, other) gets arbitrary JSON values (null, booleans, integers
beyond 64 bits, floats, strings with controls and lone surrogates, lists, objects, nested)
in place of its values and as extra keys and items. ``check`` with every rule and ``prepare``
with every fix must report no rule error (FT001) and raise nothing: a wrong type is reported
by the chat and structure rules, and every other rule skips what it cannot read.

``FTLINT_ANY_VALUE_EXAMPLES=5000 pytest tests/test_rules_any_value.py`` searches longer.
"""

from __future__ import annotations

import functools
import os
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftlint
from ftlint.engine import scan
from tests.json_records import SHAPES, any_shape, damaged, write_jsonl

EXAMPLES = int(os.environ.get("FTLINT_ANY_VALUE_EXAMPLES", "150"))
MODELS = (None, "gpt-3.5-turbo-0125", "babbage-002")  # chat+preference, chat, completion


@contextmanager
def rule_tracebacks() -> Iterator[list[str]]:
    """The tracebacks of the rule errors of the runs inside (the report has only the message)."""
    found: list[str] = []
    original = scan.Scanning._rule_failed

    @functools.wraps(original)
    def failed(self, rule, exc, location):
        found.append("".join(traceback.format_exception(exc)))
        return original(self, rule, exc, location)

    with mock.patch.object(scan.Scanning, "_rule_failed", failed):
        yield found


def assert_no_rule_error(report: ftlint.Report, tracebacks: list[str], records: list) -> None:
    errors = [d.message for d in report.diagnostics if d.code == "FT001"]
    assert not errors and not tracebacks, (errors, records, *tracebacks)


def run_all_rules(records: list, model: str | None, ascii_only: bool = True) -> None:
    options = {"model": model} if model else {}
    with tempfile.TemporaryDirectory() as directory:
        source = write_jsonl(Path(directory) / "data.jsonl", records, ascii_only)
        with rule_tracebacks() as tracebacks:
            report = ftlint.check(source, isolated=True, select=["FT"], **options)
        assert_no_rule_error(report, tracebacks, records)
        with rule_tracebacks() as tracebacks:
            result = ftlint.prepare(
                source,
                output=Path(directory) / "out.jsonl",
                isolated=True,
                select=["FT"],
                fix=True,
                unsafe_fixes=True,
                **options,
            )
        assert_no_rule_error(result.report, tracebacks, records)


ANY_RECORDS = st.lists(damaged(any_shape()), min_size=1, max_size=4)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(records=ANY_RECORDS, model=st.sampled_from(MODELS), ascii_only=st.booleans())
def test_any_value_at_any_position(records, model, ascii_only):
    run_all_rules(records, model, ascii_only)


@settings(max_examples=max(EXAMPLES // 15, 10), deadline=None)
@given(data=st.data())
def test_each_shape_with_any_values(data):
    """Each shape on its own, so that every one is tried in every run of the suite."""
    for shape in SHAPES:
        records = data.draw(
            st.lists(damaged(shape()), min_size=1, max_size=3), label=shape.__name__
        )
        run_all_rules(records, data.draw(st.sampled_from(MODELS)))


def test_known_crashes():
    """The rule errors found so far, each as a record of its own."""
    records = [
        {"conversations": [{"from": ["human"], "value": "hi"}, {"from": "gpt", "value": "yo"}]},
    ]
    for record in records:
        for model in MODELS:
            run_all_rules([record, record], model)

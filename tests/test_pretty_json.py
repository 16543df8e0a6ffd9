"""``pretty_json`` (the JSON report's text, by orjson where it writes the same) is
``json.dumps(value, ensure_ascii=False, indent=2)`` on any value: arbitrary JSON, floats of
every size, what orjson refuses (a key not a str, an integer beyond 64 bits, a lone
surrogate, deep nesting) and what it would write where the standard library refuses."""

from __future__ import annotations

import dataclasses
import enum
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint.jsonl import pretty_json

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e-3, max_value=1e-3),
    st.text(),
    st.sampled_from(["\ud800", "a\udfffb", "\x00\x1f\x7f\u2028\u2029\ufeff", "é😀", '"\\/']),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        st.dictionaries(st.integers(-3, 3), inner, max_size=2),
    ),
    max_leaves=30,
)


def reference(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


@settings(max_examples=600, deadline=None, derandomize=True)
@given(VALUES)
def test_the_same_text_as_the_standard_library(value):
    assert pretty_json(value) == reference(value)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_is_written_as_its_repr(number):
    assert pretty_json({"x": [number]}) == reference({"x": [number]})


class Colour(enum.Enum):
    RED = "red"


class Level(str, enum.Enum):
    HIGH = "high"


@dataclasses.dataclass
class Point:
    x: int


@pytest.mark.parametrize(
    "value",
    [
        {"nan": math.nan, "inf": -math.inf, "small": 1e-05, "big": 1e16, "zero": -0.0},
        {"deep": json.loads("[" * 300 + "]" * 300)},
        {1: "int key"},
        {Level.HIGH: "a str-enum key"},
        {"v": Level.HIGH},
        {"big": 2**64, "small": -(2**63) - 1},
    ],
)
def test_values_orjson_writes_otherwise(value):
    assert pretty_json(value) == reference(value)


@pytest.mark.parametrize("value", [{"c": Colour.RED}, {"p": Point(1)}, {"s": {1, 2}}])
def test_values_the_standard_library_refuses_are_still_refused(value):
    with pytest.raises(TypeError):
        reference(value)
    with pytest.raises(TypeError):
        pretty_json(value)


def test_a_prepare_report_is_written_alike(tmp_path, capsys):
    """The report of a real ``prepare`` (findings, dropped records, figures): the report file
    and the output are the standard library's text of the same report."""
    from ftlint.cli import main

    rows = [{"prompt": f"Ticket {i % 7}: where", "completion": "on its way"} for i in range(40)]
    source = tmp_path / "data.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    argv = ["prepare", str(source), "-o", str(out), "--output-format", "json", "--fix",
            "--unsafe-fixes", "--target", "openai", "--model", "davinci-002",
            "--no-progress"]  # fmt: skip
    main(argv)
    printed = capsys.readouterr().out
    report = json.loads(printed)
    assert report["files"][0]["dropped"]  # duplicates dropped: a report with every part
    assert printed == reference(report) + "\n"
    written = tmp_path / "out.report.json"
    assert written.read_text() == reference(json.loads(written.read_text())) + "\n"

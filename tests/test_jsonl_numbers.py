"""The JSONL reader keeps every integer exact: orjson reads one beyond 64 bits as a float, so
a line with such a number is read again by the standard library (a negative one needs only 19
digits to be out of orjson's range)."""

from __future__ import annotations

import json

import pytest
from ftlint.plugins.jsonl import JsonlReader
from ftlint.plugins.jsontext import depth_of
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ftlint.limits import Limits
from ftlint.rule import FileContext

EDGES = [
    2**63 - 1, 2**63, 2**64 - 1, 2**64, 10**19 - 1, 10**19, 10**20, 10**40,
    -(2**63), -(2**63) - 1, -(10**18), -(10**19 - 1), -(10**19), -(10**30),
]  # fmt: skip


@pytest.mark.parametrize("number", EDGES)
def test_integers_at_and_beyond_64_bits_keep_their_digits(tmp_path, number):
    line = json.dumps({"messages": [{"role": "user", "content": "n", "n": number}], "k": number})
    path = tmp_path / "n.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    (record,) = JsonlReader().read(FileContext.open(path))
    assert record.data == json.loads(line)
    assert type(record.data["k"]) is int


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.sampled_from(EDGES)
    | st.text(alphabet="0123456789[{ a-,:.", max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(alphabet="ab0[", max_size=3), inner, max_size=4)
    ),
    max_leaves=40,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=_VALUES,
    max_depth=st.integers(min_value=1, max_value=24) | st.just(128),
    spaced=st.booleans(),
)
@example(value=2**64, max_depth=128, spaced=False)  # 21 marks: the fewest a 20-digit line has
@example(value=-(2**63) - 1, max_depth=128, spaced=False)
def test_the_guard_refuses_exactly_the_deep_lines_and_keeps_every_integer(
    tmp_path, value, max_depth, spaced
):
    """The reader's one-pass look at a line (its openers and digits) decides as a full
    reading would: a line nested deeper than ``max_depth`` is refused, any other is read with
    every integer exact, whatever the digits and brackets inside its strings."""
    data = {"k": value}
    line = json.dumps(data, separators=(", ", ": ") if spaced else (",", ":"))
    path = tmp_path / "g.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    file = FileContext.open(path)
    file.options = {"limits": Limits(max_depth=max_depth)}
    (record,) = JsonlReader().read(file)
    if depth_of(json.loads(line)) > max_depth:
        assert record.problem is not None and record.problem.kind == "exceeds-limit"
    else:
        assert record.problem is None
        assert record.data == json.loads(line)
        assert json.dumps(record.data) == json.dumps(json.loads(line))  # ints stay ints

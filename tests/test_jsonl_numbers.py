"""The JSONL reader keeps every integer exact: orjson reads one beyond 64 bits as a float, so
a line with such a number is read again by the standard library (a negative one needs only 19
digits to be out of orjson's range)."""

from __future__ import annotations

import json

import pytest
from ftlint.plugins.jsonl import JsonlReader

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

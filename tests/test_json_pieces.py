"""The JSON report written in pieces (``Report.json_pieces``) is the text of ``pretty_json``
of the whole report, byte for byte, whatever the values and wherever the streamed lists."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint.jsonl import PIECE_ITEMS, Streamed, pretty_json, pretty_json_pieces

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),  # beyond 64 bits: the stdlib writes it
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),  # any code point, lone surrogates, line breaks and quotes included
)
plain = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def with_streamed(draw, depth: int = 0):
    """A value, some of whose lists are ``Streamed`` (the items converted by a function)."""
    kind = draw(st.sampled_from(["plain", "streamed", "dict", "list"] if depth < 3 else ["plain"]))
    if kind == "plain":
        value = draw(plain)
        return value, value
    if kind == "streamed":
        items = draw(st.lists(plain, max_size=6))
        return Streamed(items, lambda item: {"item": item}), [{"item": i} for i in items]
    if kind == "dict":
        keys = draw(st.lists(st.text(max_size=5), max_size=4, unique=True))
        parts = [draw(with_streamed(depth + 1)) for _ in keys]
        return (
            {k: p[0] for k, p in zip(keys, parts, strict=True)},
            {k: p[1] for k, p in zip(keys, parts, strict=True)},
        )
    parts = [draw(with_streamed(depth + 1)) for _ in range(draw(st.integers(0, 4)))]
    return [p[0] for p in parts], [p[1] for p in parts]


@settings(max_examples=400, deadline=None)
@given(with_streamed())
def test_pieces_are_the_text_of_the_whole(pair):
    streamed, made = pair
    text = "".join(pretty_json_pieces(streamed))
    assert text == pretty_json(made)
    assert json.loads(text) == json.loads(pretty_json(made))


def test_a_long_streamed_list_is_written_in_batches():
    items = list(range(PIECE_ITEMS * 3 + 5))
    pieces = list(pretty_json_pieces({"a": 1, "xs": Streamed(items, lambda i: {"n": i})}))
    assert "".join(pieces) == pretty_json({"a": 1, "xs": [{"n": i} for i in items]})
    assert len(pieces) < 12  # four batches, the brackets and the keys


def test_the_report_in_pieces_is_the_report(tmp_path, run_cli):
    """A real report with findings, dropped records and targets: the JSON output and the
    report file of prepare are ``pretty_json`` of ``to_dict``."""
    import ftlint

    rows = [{"prompt": f"Question {i % 40}", "completion": f"Answer {i % 40} é"}
            for i in range(300)]  # fmt: skip
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n{bad\n", "utf-8")
    report = ftlint.check(path)
    assert report.diagnostics
    assert report.to_json() == pretty_json(report.to_dict())
    result = ftlint.prepare(path, output=tmp_path / "out.jsonl", fix=True, write_report=True)
    assert result.report.files[0].dropped
    assert result.report.to_json() == pretty_json(result.report.to_dict())
    written = [n for n in result.report.notes if n.startswith("report written to ")]
    report_file = written[0].removeprefix("report written to ")
    with open(report_file, encoding="utf-8") as handle:
        assert handle.read() == result.report.to_json() + "\n"
    _code, out, _err = run_cli("check", path, "--output-format", "json")
    assert out == pretty_json(json.loads(out)) + "\n"

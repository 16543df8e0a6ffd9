"""The legacy fixes' dataset-wide edit (``EditTexts``) reads a plain two-key record's texts
inline (the hot path of ``prepare --unsafe-fixes`` for davinci-002: three edits a record):
the result is that of the general path (``pc_texts``) on any record and any value."""

from __future__ import annotations

from typing import Any

from ftlint.rules.legacy.edits import EditTexts
from ftlint.rules.legacy.features import pc_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint.shapes import CHAT, detect_shape
from tests.json_records import JSON_VALUES, SPECIAL_TEXTS, TEXTS, any_shape


def general(edit: EditTexts, data: Any) -> Any:
    """``EditTexts.__call__`` as it was, through ``pc_texts`` for every record."""
    texts = pc_texts(data)
    if texts is not None:
        if not texts[1].strip():
            return data
        old = texts[0] if edit.field == "prompt" else texts[1]
        new = edit.edit(old)
        if new == old:
            return data
        return {**data, edit.field: new}
    chat_actions = ("strip-prefix", "strip-suffix", "strip-marker", "lower")
    if edit.action in chat_actions and detect_shape(data) == CHAT:
        return edit._edit_chat(data)
    return data


class Text(str):
    """A ``str`` subclass (no reader makes one; the general path must still decide)."""


VALUES = st.one_of(TEXTS, st.none(), JSON_VALUES, TEXTS.map(Text))
EDITS = st.builds(
    EditTexts,
    st.sampled_from(
        ["append", "prepend-space", "strip-prefix", "strip-suffix", "strip-marker", "lower", "x"]
    ),
    st.sampled_from(["prompt", "completion"]),
    st.one_of(
        st.sampled_from([" ->", "\n", " END", "\n\n###\n\n", ""]), st.sampled_from(SPECIAL_TEXTS)
    ),
    st.booleans(),
)
RECORDS = st.one_of(
    st.fixed_dictionaries({"prompt": VALUES, "completion": VALUES}),
    st.fixed_dictionaries({"completion": VALUES, "prompt": VALUES}),
    st.fixed_dictionaries({"prompt": VALUES, "completion": VALUES, "label": st.booleans()}),
    st.fixed_dictionaries({"prompt": VALUES}),
    any_shape(TEXTS),
)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(EDITS, RECORDS)
def test_the_inline_path_edits_as_the_general_one(edit, data):
    expected = general(edit, data)
    got = edit(data)
    assert got == expected
    assert (got is data) == (expected is data)  # "unchanged" is the same object
    if got is not data:
        assert list(got) == list(expected)  # key order: the written line's

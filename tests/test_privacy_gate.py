"""The privacy prefilter's ``-`` / ``_`` test needs one of the secret formats' literals too
(a prepared legacy file has `` ->`` in every prompt): the findings stay those of the plain
``-`` / ``_`` test it replaced, on texts and on JSON sources with ``\\u`` escapes."""

from __future__ import annotations

import json
import re

from ftlint.rules.privacy import texts
from ftlint.rules.privacy.secret_in_data import FORMATS, find_secrets
from ftlint.rules.privacy.texts import AT, DIGITS, SECRET, gate
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint import shapes

_AWS_GOOGLE = re.compile("A(?:KIA|SIA|Iza)")


def old_gate(text: str) -> int:
    """The gate before: any ``-`` or ``_`` set the secret bit."""
    bits = AT if "@" in text else 0
    if "-" in text or "_" in text or _AWS_GOOGLE.search(text) or ("J" in text and "eyJ" in text):
        bits |= SECRET
    if "::" in text or texts._has_number(text):
        bits |= DIGITS
    return bits


def test_every_literal_of_a_secret_format_is_seen():
    """A format's literal is one of the gate's, holds one, or has a test of its own."""
    own = {"@", "AKIA", "ASIA", "AIza", "eyJ"}
    listed = (*texts.DASH_ANCHORS, *texts.UNDERSCORE_ANCHORS)
    for spec in FORMATS:
        for anchor in spec.anchors:
            assert anchor in own or any(a in anchor for a in listed), (spec.label, anchor)
            if anchor not in own and not any(a in anchor for a in texts.DASH_ANCHORS):
                assert "_" in anchor  # an underscore literal is only looked for beside a "_"


#: Pieces that make the formats' literals, their near misses and escapes likely.
PIECES = st.sampled_from(
    [
        "sk-", "sk", "-", "_", " ->", "->", "s", "k", "x", "xox", "xoxb-", "xapp-", "app",
        "-----BEGIN", "----", "BEGIN", "ecret", "ECRET", "secret access key", "gh", "ghp_",
        "p_", "github_pat_", "_live_", "live", "AKIA", "ASIA", "AIza", "eyJ", "J", "@",
        "\\u", "\\", "u002d", "\n", " ", "a", "Z", "9", "1234567", "::", "é", "😀",
        "sk-proj-Ab3dEf9hIjKlMn0pQrStUvWx", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYABCDEFGH",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=12).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(TEXT)
def test_a_text_the_gate_lets_through_less_holds_no_secret(text):
    new, old = gate(text), old_gate(text)
    assert new & ~SECRET == old & ~SECRET
    if old & SECRET and not new & SECRET:
        assert find_secrets(text) == []


def _escaped(text: str, escape: list[bool]) -> str:
    """``text`` as a JSON string, some characters written as ``\\uXXXX``."""
    out = []
    for i, char in enumerate(text):
        if escape[i % len(escape)] and char.isascii():
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(json.dumps(char, ensure_ascii=False)[1:-1])
    return '"' + "".join(out) + '"'


@settings(max_examples=300, deadline=None, derandomize=True)
@given(TEXT, TEXT, st.lists(st.booleans(), min_size=1, max_size=7))
def test_a_source_the_gate_lets_through_less_holds_no_secret(prompt, completion, escape):
    """A record's JSON source (the record-level gate) with escaped characters: where the new
    gate stops a record the old one let through, no text of it holds a secret."""
    raw = f'{{"prompt": {_escaped(prompt, escape)}, "completion": {_escaped(completion, escape)}}}'
    data = json.loads(raw)
    new, old = gate(raw), old_gate(raw)
    assert new & ~SECRET == old & ~SECRET
    if old & SECRET and not new & SECRET:
        for _pointer, _role, text in shapes.iter_texts(data):
            assert find_secrets(text) == []

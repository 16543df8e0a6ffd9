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


def _key(seed: int) -> str:
    """An OpenAI-shaped key, random (made at run time: no file holds one)."""
    import random
    import string

    rng = random.Random(seed)
    body = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
    return "sk-proj-" + body + "T3BlbkFJ"


def _both_gates(monkeypatch, run):
    """``run()`` with the gate, then with the old gate in every module that reads it."""
    from ftlint.rules.privacy import base, personal_data, redactor

    new = run()
    with monkeypatch.context() as patched:
        for module in (texts, base, personal_data, redactor):
            patched.setattr(module, "gate", old_gate)
        old = run()
    return new, old


def _report(report) -> dict:
    found = report.to_dict()
    for file in found["files"]:
        file.pop("path", None)
        file.pop("outputs", None)
    return found


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.tuples(TEXT, TEXT, st.integers(0, 3), st.integers(0, 2**16)), min_size=2,
                max_size=8))  # fmt: skip
def test_prepare_finds_and_writes_the_same_with_either_gate(rows):
    """``prepare --unsafe-fixes`` of prompt/completion records for davinci-002 (the legacy
    fixes add `` ->`` to every prompt) with keys, addresses and lookalikes planted: the
    report and the records written are those of the old gate."""
    import pytest

    from ftlint import api

    records = []
    for prompt, completion, plant, seed in rows:
        if plant == 1:
            completion += f" use {_key(seed)} here"
        elif plant == 2:
            prompt += f" mail jane{seed}@example.com -"
        records.append({"prompt": prompt, "completion": completion})

    def run():
        result = api.prepare(records, target="openai", model="davinci-002", fix=True,
                             unsafe_fixes=True)  # fmt: skip
        try:
            return _report(result.report), list(result.records())
        finally:
            result.cleanup()

    with pytest.MonkeyPatch.context() as monkeypatch:
        new, old = _both_gates(monkeypatch, run)
    assert new == old
    if any(plant == 1 for *_, plant, _seed in rows):  # the planted key is found (either way)
        assert "FT801" in [d["code"] for d in new[0]["diagnostics"]]


def test_real_files_are_checked_the_same_with_either_gate(monkeypatch, shared_data):
    """The head of every real JSONL file of ``../shared/data``, checked with either gate."""
    from ftlint import api

    folder = shared_data
    files = sorted(p for p in folder.rglob("*.jsonl") if p.is_file())
    assert files
    for path in files:
        head = []
        with open(path, encoding="utf-8", errors="replace") as handle:
            for _, line in zip(range(200), handle, strict=False):
                if line.strip():
                    head.append(line.rstrip("\n"))

        def run(head=head):
            return _report(api.check([json.loads(h) for h in head if _json(h)], target="openai"))

        new, old = _both_gates(monkeypatch, run)
        assert new == old, path


def _json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False

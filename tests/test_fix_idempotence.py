"""Fixes are idempotent (issue 13): ``prepare`` on its own output changes nothing.

Damaged records (control characters, mojibake, whitespace padding, legacy separators, byte
order marks, empty contents, community formats, duplicates) go through ``prepare`` with the
safe fixes and with the safe and unsafe fixes (out1); ``prepare`` with the same options on
out1 (out2) must write the same bytes and apply no fix.

``FTLINT_IDEMPOTENCE_EXAMPLES=5000 pytest tests/test_fix_idempotence.py`` searches longer.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftlint
from tests.json_records import SHAPES, chosen_rejected_records, json_line, preference_records

EXAMPLES = int(os.environ.get("FTLINT_IDEMPOTENCE_EXAMPLES", "150"))
MODELS = (None, "gpt-3.5-turbo-0125", "babbage-002")  # chat+preference, chat, completion

CONTROLS = st.sampled_from(("\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x1b[0m"))
INVISIBLE = st.sampled_from(("\ufeff", "\u200b", "\u00a0", "\u2028", "\ufffd"))
PADDING = st.sampled_from((" ", "  ", "\n", "\t", " \n ", "\r\n", "\u3000"))
SEPARATORS = st.sampled_from(("\n\n###\n\n", "\n\n", " ->", "\n###\n", " END", "\n", "###"))
#: Not the special tokens: their removal can empty a text or join a new token
#: (``test_special_token_removal``).
SPECIAL = st.sampled_from(("{{name}}", "[INST]"))


def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="replace")


#: The texts of one file are all different: two texts that differ only by their damage are
#: equal once fixed (duplicate examples, identical preferred and non-preferred answers), which
#: the first run cannot see (``test_records_equal_once_fixed``).
WORDS = st.text("abcdefghijklmnopqrstuvwxyz ?.", min_size=6, max_size=20).filter(str.strip)
ACCENTS = st.sampled_from(("café", "déjà vu", "naïve", "It’s", "“quoted”", "日本", "🙂"))


@st.composite
def dirty_texts(draw: st.DrawFn, fresh: st.SearchStrategy[str]) -> str:
    """A text made of a ``fresh`` one (never the same twice in a file), with zero or more
    kinds of damage."""
    text = draw(fresh)
    kind = draw(st.integers(0, 5))
    if kind == 0:
        text = draw(ACCENTS) + " " + text
    elif kind == 1:
        text = ""
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 8))
        where = draw(st.integers(0, len(text)))
        if kind == 0:
            text = text[:where] + draw(CONTROLS) + text[where:]
        elif kind == 1:
            text = text[:where] + draw(INVISIBLE) + text[where:]
        elif kind == 2:
            text = draw(PADDING) + text
        elif kind == 3:
            text = text + draw(PADDING)
        elif kind == 4:
            text = _mojibake(text or draw(ACCENTS))
        elif kind == 5:
            text = text + draw(SEPARATORS)
        elif kind == 6:
            text = text + draw(PADDING) + draw(CONTROLS) + draw(PADDING)
        elif kind == 7:
            text = draw(st.sampled_from(("", " ", "\u0007", "\x00", "\ufeff", "\u200b", "\n")))
        else:
            text = "\ufeff" + text
    return text


@st.composite
def damaged_files(draw: st.DrawFn, shapes=SHAPES) -> bytes:
    """A JSONL file of damaged records: duplicates, blank lines and a byte order mark now and
    then."""
    pool = iter(draw(st.lists(WORDS, min_size=80, max_size=80, unique=True)))
    texts = dirty_texts(st.just(None).map(lambda _: next(pool)))
    records = draw(st.lists(st.one_of(*(s(texts) for s in shapes)), min_size=1, max_size=5))
    for _ in range(draw(st.integers(0, 2))):  # exact duplicates
        records.insert(draw(st.integers(0, len(records))), draw(st.sampled_from(records)))
    lines = [json_line(r, draw(st.booleans())) for r in records]
    if draw(st.integers(0, 4)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), "")
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    if draw(st.integers(0, 4)) == 0:
        data = b"\xef\xbb\xbf" + data
    return data


def prepare(source: Path, output: Path, unsafe: bool, model: str | None, select) -> ftlint.Report:
    options = {"model": model} if model else {}
    if select:
        options["select"] = select
    result = ftlint.prepare(
        source, output=output, isolated=True, fix=True, unsafe_fixes=unsafe, **options
    )
    return result.report


def assert_idempotent(data: bytes, unsafe: bool, model: str | None = None, select=None) -> None:
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "data.jsonl"
        source.write_bytes(data)
        out1 = Path(directory) / "out1.jsonl"
        out2 = Path(directory) / "out2.jsonl"
        prepare(source, out1, unsafe, model, select)
        if not out1.exists():
            return  # nothing written (every record dropped)
        report = prepare(out1, out2, unsafe, model, select)
        first = out1.read_bytes()
        second = out2.read_bytes() if out2.exists() else b""
        applied = [
            f"{d.code} {d.name} {d.location.record} {d.location.field}: {d.message}"
            for d in report.diagnostics
            if d.fixed
        ]
        dropped = [f"{d.code} {d.reason}" for d in report.files[0].dropped]
        assert second == first, (data, first, second, applied, dropped)
        assert not applied and not dropped, (data, first, applied, dropped)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The same examples on every machine: the open cases below are known, and CI must not
    # turn red on whichever of them a random run happens to meet.
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    draw=st.data(),
    unsafe=st.booleans(),
    model=st.sampled_from(MODELS),
    select=st.sampled_from((None, ["FT"])),
)
def test_prepare_is_idempotent(draw, unsafe, model, select):
    shapes = SHAPES
    if unsafe and model == "babbage-002":  # lossy conversions: test_lossy_conversion_...
        shapes = tuple(s for s in SHAPES if s not in (preference_records, chosen_rejected_records))
    assert_idempotent(draw.draw(damaged_files(shapes)), unsafe, model, select)


def _line(record: dict) -> bytes:
    return (json_line(record, False) + "\n").encode("utf-8")


@pytest.mark.parametrize("unsafe", [False, True])
def test_control_character_only_system_message(unsafe):
    """A system message whose content is only a control character: the first run used to
    leave ``"content": ""`` and the second to remove the message."""
    record = {
        "messages": [
            {"role": "system", "content": "\u0007"},
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "yo"},
        ]
    }
    assert_idempotent(_line(record), unsafe)


def test_control_character_only_answers():
    """Answers of control characters alone are empty ones: the first run drops or leaves what
    the second would (the conversions and empty-completion use ``ftlint.shapes.blank``)."""
    records = [
        {"prompt": "q", "completion": "\u0007"},
        {"instruction": "q", "input": "", "output": "\x00 \x1b"},
        {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "\x07"}]},
        {"prompt": "q", "chosen": "\x07", "rejected": "no"},
    ]
    for record in records:
        for model in MODELS:
            for unsafe in (False, True):
                assert_idempotent(_line(record), unsafe, model)


def test_special_token_removal_joins_no_new_token():
    """Removing a special token can join the pieces of another: they are removed too."""
    record = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "a <|im_<|endoftext|>start|> b"},
        ]
    }
    assert_idempotent(_line(record), True, "gpt-3.5-turbo-0125")


# Open in issue 13, closed by the fix loop of issue 17 (prepare checks what it wrote again
# and fixes, drops or rejects what a fix made): each failed before it.


def test_mojibake_repair_that_leaves_a_blank_answer():
    # Found by test_prepare_is_idempotent: "Â\xa0" is repaired to a no-break space, which
    # the next run's empty-completion drops.
    record = {"instruction": "", "input": "café .jsonl", "output": "\u00c2\u00a0"}
    assert_idempotent(_line(record), True, "babbage-002")


def test_special_token_only_completion():
    record = {"prompt": "<|im_start|>", "completion": "<|im_start|>"}
    assert_idempotent(_line(record), True, "gpt-3.5-turbo-0125")


def test_records_equal_once_fixed():
    answer = {"role": "user", "content": "hello there"}
    first = {"messages": [answer, {"role": "assistant", "content": "general kenobi"}]}
    second = {"messages": [answer, {"role": "assistant", "content": "general\u0007 kenobi"}]}
    assert_idempotent(_line(first) + _line(second), False)


def test_preference_answers_equal_once_fixed():
    record = {
        "input": {"messages": [{"role": "user", "content": "q"}]},
        "preferred_output": [{"role": "assistant", "content": "same"}],
        "non_preferred_output": [{"role": "assistant", "content": "\u0000same"}],
    }
    assert_idempotent(_line(record), True)


def test_lossy_conversion_to_prompt_completion_with_unsafe_fixes():
    pair = {
        "conversations": [{"from": "human", "value": "hi"}],
        "chosen": {"from": "gpt", "value": "yo"},
        "rejected": {"from": "gpt", "value": "no"},
    }
    plain = {"prompt": "a", "completion": " b"}
    assert_idempotent(_line(pair) + _line(plain), True, "babbage-002")

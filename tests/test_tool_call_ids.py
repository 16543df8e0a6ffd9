"""The rewriting of tool call ids for Mistral (``ftlint.formats.tool_call_ids``), as a property
over generated conversations: every id written is one Mistral takes, valid ids are kept, each
result still answers its own call, two runs write the same ids, a second run changes nothing."""

from __future__ import annotations

import copy
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint.formats.tool_call_ids import plan_rewrite, rewrite

VALID = re.compile(r"[a-zA-Z0-9]{9}")
ids = st.one_of(
    st.sampled_from(["call_1", "call_2", "call_abc", "D681PevKs", "a1b2c3d4e", "x", ""]),
    st.text(min_size=0, max_size=12),
    st.integers(-5, 5),
)


@st.composite
def conversations(draw):
    """User turns, assistant turns with parallel tool calls, and one result per call (some
    results missing or answering an id no call made)."""
    messages = []
    for _ in range(draw(st.integers(1, 3))):
        messages.append({"role": "user", "content": "q"})
        calls = [
            {"id": draw(ids), "type": "function", "function": {"name": "f", "arguments": "{}"}}
            for _ in range(draw(st.integers(0, 3)))
        ]
        if calls:
            messages.append({"role": "assistant", "tool_calls": calls})
            for call in calls:
                if draw(st.integers(0, 3)):  # most calls get their result
                    messages.append({"role": "tool", "tool_call_id": call["id"], "content": "r"})
            if draw(st.booleans()):
                messages.append({"role": "tool", "tool_call_id": draw(ids), "content": "orphan"})
        messages.append({"role": "assistant", "content": "a"})
    return {"messages": messages}


def _pairs(data: dict) -> list[tuple[int, int | None]]:
    """(index of each tool message, index of the call it answers: the earliest unanswered
    call with its id), by position, so that two conversations compare by structure."""
    pending: list[tuple[object, int]] = []
    found = []
    calls = 0
    for message in data["messages"]:
        for call in message.get("tool_calls") or ():
            pending.append((call["id"], calls))
            calls += 1
        if message["role"] == "tool":
            match = next((p for p in pending if p[0] == message["tool_call_id"]), None)
            if match is not None:
                pending.remove(match)
            found.append(match[1] if match else None)
    return found


@settings(max_examples=100, deadline=None, derandomize=True)
@given(data=conversations())
def test_rewritten_ids_are_valid_kept_paired_and_stable(data):
    before = copy.deepcopy(data)
    written = rewrite(data)
    assert data == before  # the input is never mutated
    calls = [c for m in written["messages"] for c in m.get("tool_calls") or ()]
    olds = [c for m in before["messages"] for c in m.get("tool_calls") or ()]
    for new, old in zip(calls, olds, strict=True):
        assert VALID.fullmatch(new["id"])
        if isinstance(old["id"], str) and VALID.fullmatch(old["id"]):
            assert new["id"] == old["id"]  # valid ids are kept
        assert {**new, "id": old["id"]} == old  # nothing else changes
    # collision-free: a rewritten call never takes an id another call holds
    rewritten = [n["id"] for n, o in zip(calls, olds, strict=True) if n["id"] != o["id"]]
    assert len(set(rewritten)) == len(rewritten)
    kept = {n["id"] for n, o in zip(calls, olds, strict=True) if n["id"] == o["id"]}
    assert not set(rewritten) & kept
    for message in written["messages"]:
        if message["role"] == "tool":
            assert VALID.fullmatch(message["tool_call_id"])
    # every result answers the call it answered before (orphans stay orphans)
    assert _pairs(written) == _pairs(before)
    assert rewrite(copy.deepcopy(before)) == written  # deterministic
    assert rewrite(written) is written  # nothing left to rewrite
    assert not plan_rewrite(written).edits


def test_a_record_without_tool_calls_is_returned_as_it_is():
    data = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    assert rewrite(data) is data
    assert rewrite({"prompt": "p", "completion": "c"}) == {"prompt": "p", "completion": "c"}
    assert rewrite(["not", "a", "record"]) == ["not", "a", "record"]

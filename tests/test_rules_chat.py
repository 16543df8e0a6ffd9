"""Chat rules (FT310-FT318): failing, passing and fixed cases, real data, odd input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ftlint.rules.chat.walk import analyze
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import write_jsonl

SYSTEM = {"role": "system", "content": "You are terse."}
USER = {"role": "user", "content": "Hi"}
ASSISTANT = {"role": "assistant", "content": "Hello."}


def check(run_json, path: Path, *args: str) -> tuple[int, list[dict]]:
    code, report = run_json("check", path, "--select", "FT3", *args)
    return code, report["diagnostics"]


def prepare(run_cli, path: Path, *args: str) -> tuple[int, list[dict], str]:
    out = path.with_name(path.stem + "_out.jsonl")
    code, stdout, _err = run_cli(
        "prepare", path, "-o", out, "--force", "--no-report", "--select", "FT3", *args
    )
    # no output file when every record is rejected (issue 17: prepared means accepted)
    text = out.read_text("utf-8") if out.exists() else ""
    rows = [json.loads(line) for line in text.splitlines()]
    return code, rows, stdout


def rejected(path: Path) -> list[dict]:
    """The records of the rejects' sidecar of ``prepare``'s output ``<stem>_out.jsonl``."""
    sidecar = path.with_name(path.stem + "_out_rejected.jsonl")
    return [json.loads(line) for line in sidecar.read_text("utf-8").split("\n") if line]


def found(diagnostics: list[dict]) -> set[tuple[str, str | None, int | None]]:
    return {(d["name"], d["location"]["field"], d["location"]["line"]) for d in diagnostics}


def one(diagnostics: list[dict], name: str) -> dict:
    matches = [d for d in diagnostics if d["name"] == name]
    assert len(matches) == 1, diagnostics
    return matches[0]


# ---------------------------------------------------------------------------------------------
# Failing cases: (record, [(rule name, pointer)], severity of the first)

FAILING = [
    pytest.param(
        {"messages": [USER, {"role": "Assistant", "content": "x"}]},
        [("invalid-role", "/messages/1/role")], "error", id="role-case",
    ),
    pytest.param(
        {"messages": [{"role": "narrator", "content": "x"}, ASSISTANT]},
        [("invalid-role", "/messages/0/role")], "error", id="role-unknown",
    ),
    pytest.param(
        {"messages": [USER, {"role": "function", "name": "f", "content": "{}"}, ASSISTANT]},
        [("invalid-role", "/messages/1/role")], "warning", id="role-function-legacy",
    ),
    pytest.param(
        {"messages": [{"content": "Hi"}, ASSISTANT]},
        [("missing-key", "/messages/0/role")], "error", id="missing-role",
    ),
    pytest.param(
        {"messages": [USER, ASSISTANT], "id": 7},
        [("unknown-key", "/id")], "error", id="unknown-record-key",
    ),
    pytest.param(
        {"messages": [{"role": "user", "content": "Hi", "source": "faq"}, ASSISTANT]},
        [("unknown-key", "/messages/0/source")], "error", id="unknown-message-key",
    ),
    pytest.param(
        {"messages": [USER, {"role": "assistant", "content": 42}]},
        [("wrong-type", "/messages/1/content")], "error", id="content-number",
    ),
    pytest.param(
        {"messages": "[]"}, [("wrong-type", "/messages")], "error", id="messages-string",
    ),
    pytest.param(
        {"messages": [USER, "Hello"]},
        [("wrong-type", "/messages/1")], "error", id="message-not-object",
    ),
    pytest.param(
        {"messages": [USER, ASSISTANT], "parallel_tool_calls": "false"},
        [("wrong-type", "/parallel_tool_calls")], "error", id="parallel-string",
    ),
    pytest.param(
        {"messages": [USER, {"role": "user", "content": [{"type": "input_audio"}]}, ASSISTANT]},
        [("wrong-type", "/messages/1/content/0/type")], "error", id="audio-part",
    ),
    pytest.param(
        {"messages": [USER, {"role": "assistant", "content": ""}]},
        [("empty-content", "/messages/1/content")], "error", id="empty-assistant",
    ),
    pytest.param(
        {"messages": [USER, {"role": "assistant"}]},
        [("empty-content", "/messages/1/content")], "error", id="missing-assistant-content",
    ),
    pytest.param(
        {"messages": [{"role": "user", "content": "  "}, ASSISTANT]},
        [("empty-content", "/messages/0/content")], "warning", id="blank-user",
    ),
    pytest.param(
        {"messages": [{"role": "system", "content": None}, USER, ASSISTANT]},
        [("empty-content", "/messages/0/content")], "error", id="null-system",
    ),
    pytest.param(
        {"messages": [SYSTEM, USER]},
        [("no-assistant-message", "/messages")], "error", id="no-assistant",
    ),
    pytest.param(
        {"messages": []}, [("no-assistant-message", "/messages")], "error", id="no-messages",
    ),
    pytest.param(
        {"messages": [USER, {**ASSISTANT, "weight": 0}, USER, {**ASSISTANT, "weight": 0}]},
        [("no-trainable-tokens", "/messages")], "error", id="all-weight-zero",
    ),
    pytest.param(
        {"messages": [USER, {**ASSISTANT, "weight": 0.5}]},
        [("invalid-weight", "/messages/1/weight")], "error", id="weight-half",
    ),
    pytest.param(
        {"messages": [{**USER, "weight": 1}, ASSISTANT]},
        [("invalid-weight", "/messages/0/weight")], "error", id="weight-on-user",
    ),
    pytest.param(
        {"messages": [USER, ASSISTANT, USER]},
        [("trailing-messages", "/messages/2")], "warning", id="trailing-user",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("record", "expected", "severity"), FAILING)
def test_failing_records(tmp_path, run_json, record, expected, severity):
    path = write_jsonl(tmp_path / "data.jsonl", [{"messages": [USER, ASSISTANT]}, record])
    _code, diagnostics = check(run_json, path)
    assert found(diagnostics) == {(name, field, 2) for name, field in expected}
    first = next(d for d in diagnostics if d["name"] == expected[0][0])
    assert first["severity"] == severity
    assert first["location"]["record"] == 2
    assert first["code"].startswith("FT31")


PASSING = [
    {"messages": [SYSTEM, USER, ASSISTANT]},
    {"messages": [USER, ASSISTANT]},  # no system message is fine
    {"messages": [ASSISTANT]},  # open-ended generation: no user message is fine
    {
        "messages": [
            SYSTEM,
            {"role": "user", "content": [{"type": "text", "text": "Look"}], "name": "ann"},
            {**ASSISTANT, "weight": 0},
            USER,
            {"role": "assistant", "content": [{"type": "text", "text": "Sure."}], "weight": 1},
        ]
    },
    {"messages": [USER, {"role": "assistant", "content": None, "refusal": "I can't."}]},
    {"messages": [USER, {"role": "assistant", "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]}]},
]  # fmt: skip


def test_passing_records(tmp_path, run_json):
    path = write_jsonl(tmp_path / "good.jsonl", PASSING)
    code, diagnostics = check(run_json, path)
    assert diagnostics == [] and code == 0


def test_messages_are_pointed_at_with_line_numbers_in_a_json_array(tmp_path, run_json):
    path = tmp_path / "data.json"
    path.write_text(json.dumps([{"messages": [USER, ASSISTANT]}, {"messages": [USER]}], indent=2))
    _code, diagnostics = check(run_json, path)
    d = one(diagnostics, "no-assistant-message")
    assert d["location"]["record"] == 2 and d["location"]["line"] > 2


# ---------------------------------------------------------------------------------------------
# Fixes


def test_safe_fixes_are_applied_with_fix_only(tmp_path, run_json, run_cli):
    rows = [
        {"messages": [{"role": " User", "content": "Hi"}, {"role": "assistant", "content": 42}]},
        {"messages": [{"role": "developer", "content": "Be brief."}, USER, ASSISTANT], "id": 3},
        {"messages": [{**USER, "weight": 0}, {**ASSISTANT, "weight": True}, USER]},
        {"messages": [USER, ASSISTANT], "parallel_tool_calls": "true"},
        {"messages": [{"role": "user", "Content": "Hi"}, ASSISTANT]},
    ]
    path = write_jsonl(tmp_path / "fix.jsonl", rows)
    code, written, _out = prepare(run_cli, path)
    # prepare alone applies no record fix: every record keeps its error and is rejected
    assert written == [] and code == 1
    assert len(rejected(path)) == len(rows)
    code, written, _out = prepare(run_cli, path, "--fix")
    assert written == [
        {"messages": [USER, {"role": "assistant", "content": "42"}]},
        {"messages": [{"role": "system", "content": "Be brief."}, USER, ASSISTANT]},
        {"messages": [USER, {**ASSISTANT, "weight": 1}]},
        {"messages": [USER, ASSISTANT], "parallel_tool_calls": True},
        {"messages": [USER, ASSISTANT]},
    ]
    assert code == 0
    # Nothing left to report on the prepared file, and fixing it again changes nothing.
    out = tmp_path / "fix_out.jsonl"
    assert check(run_json, out) == (0, [])
    before = out.read_bytes()
    again = tmp_path / "again.jsonl"
    run_cli(
        "prepare", out, "-o", again, "--fix", "--unsafe-fixes", "--no-report", "--select", "FT3"
    )
    assert again.read_bytes() == before


def test_unsafe_fixes_need_unsafe_fixes(tmp_path, run_cli):
    rows = [
        {"messages": [{"role": "human", "content": "Hi"}, {"role": "gpt", "content": "Yo"}]},
        {"messages": [{"role": "user", "text": "Hi"}, ASSISTANT]},
        {"messages": [{"role": "system", "content": ""}, USER, ASSISTANT]},
        {"messages": [SYSTEM, USER]},
        {"messages": [USER, {**ASSISTANT, "weight": 0}]},
    ]
    path = write_jsonl(tmp_path / "unsafe.jsonl", rows)
    code, written, _out = prepare(run_cli, path, "--fix")
    # --fix applies no unsafe fix: what is written is unchanged, the rest is rejected
    assert code == 1 and all(row in rows for row in written)
    assert len(written) + len(rejected(path)) == len(rows) and len(written) < len(rows)
    code, written, stdout = prepare(run_cli, path, "--unsafe-fixes")
    assert written == [
        {"messages": [USER, {"role": "assistant", "content": "Yo"}]},
        {"messages": [USER, ASSISTANT]},
        {"messages": [USER, ASSISTANT]},
    ]
    assert "no assistant message" in stdout and "no trainable tokens" in stdout
    assert code == 0


def test_check_fix_rewrites_jsonl_in_place(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "inplace.jsonl", [{"messages": [USER, ASSISTANT, USER]}])
    code, _out, _err = run_cli("check", path, "--select", "FT3", "--fix")
    assert code == 0
    assert json.loads(path.read_text()) == {"messages": [USER, ASSISTANT]}


def test_deletions_do_not_shift_other_fixes(tmp_path, run_cli):
    """Trailing messages are removed after the role fix of one of them is applied."""
    record = {
        "messages": [
            {"role": "system", "content": ""},
            USER,
            ASSISTANT,
            {"role": "USER", "content": "more?", "extra": 1},
            {"role": "user", "content": "hello?"},
        ]
    }
    path = write_jsonl(tmp_path / "order.jsonl", [record])
    _code, written, _out = prepare(run_cli, path, "--unsafe-fixes")
    assert written == [{"messages": [USER, ASSISTANT]}]


# ---------------------------------------------------------------------------------------------
# Messages and docs


def test_messages_explain(tmp_path, run_json):
    rows = [
        {"messages": [{"role": "bot", "content": "x"}]},
        {"messages": [USER, {**ASSISTANT, "weight": 2}]},
        {"messages": [USER, ASSISTANT, USER, USER]},
        {"messages": [{"role": "user", "contnet": "Hi"}, ASSISTANT]},
    ]
    _code, diagnostics = check(run_json, write_jsonl(tmp_path / "m.jsonl", rows))
    by_name = {d["name"]: d for d in diagnostics}
    assert "looks like 'assistant'" in by_name["invalid-role"]["message"]
    assert by_name["invalid-role"]["fix"]["applicability"] == "unsafe"
    assert "got 2" in by_name["invalid-weight"]["message"]
    assert by_name["trailing-messages"]["message"].startswith("2 messages after the last")
    unknown = by_name["unknown-key"]
    assert "did you mean 'content'" in unknown["message"]
    assert unknown["fix"]["applicability"] == "unsafe"


@pytest.mark.parametrize(
    "name",
    [
        "invalid-role", "missing-key", "unknown-key", "wrong-type", "empty-content",
        "no-assistant-message", "no-trainable-tokens", "invalid-weight", "trailing-messages",
    ],
)  # fmt: skip
def test_rule_documentation(run_cli, name):
    code, out, _err = run_cli("rule", name)
    assert code == 0
    for section in ("What it does", "Why is this bad?", "Example", "Fix safety"):
        assert section in out


# ---------------------------------------------------------------------------------------------
# Real data and odd input


@pytest.mark.parametrize(
    "relative",
    [
        "openai__openai-cookbook/drone_training.jsonl",
        "openai__openai-cookbook/toy_chat_fine_tuning.jsonl",
        "ganachan__GenAI-Autograding/training_set.jsonl",
        "Danielcreux__Entrenamiento-IA/training_data.jsonl",
    ],
)
def test_clean_real_chat_files_have_no_chat_findings(shared_data, run_json, relative):
    code, diagnostics = check(run_json, shared_data / relative)
    assert diagnostics == [] and code == 0


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["user", "assistant", "system", "tool", "function", "Assistant", "{}"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from([
            "role", "content", "weight", "tool_calls", "tool_call_id", "name", "type", "text",
            "function", "arguments", "id", "image_url", "url", "messages", "tools", "input",
            "preferred_output", "non_preferred_output", "parallel_tool_calls", "refusal",
        ]),
        inner, max_size=5,
    ),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["messages", "tools", "parallel_tool_calls", "functions", "x"]),
        JSON_VALUES,
    )
    | st.fixed_dictionaries(
        {"input": JSON_VALUES, "preferred_output": JSON_VALUES, "non_preferred_output": JSON_VALUES}
    )
)
def test_odd_records_never_crash(data):
    issues = analyze(data, ("chat", "preference"))
    for found_issues in issues.values():
        for issue in found_issues:
            assert issue.pointer.startswith("/") and issue.message

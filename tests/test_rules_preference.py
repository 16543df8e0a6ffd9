"""invalid-preference (FT340), chosen/rejected conversion to OpenAI DPO, real DPO data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftlint.conversion import ConversionError, chosen_rejected_to_preference
from tests.conftest import write_jsonl

USER = {"role": "user", "content": "Name a colour."}
GOOD = {"role": "assistant", "content": "Blue."}
BAD = {"role": "assistant", "content": "I cannot."}


def pair(**changes) -> dict:
    record = {
        "input": {"messages": [USER]},
        "preferred_output": [GOOD],
        "non_preferred_output": [BAD],
    }
    record.update(changes)
    return record


def check(run_json, path: Path, *args: str) -> list[dict]:
    _code, report = run_json("check", path, "--select", "FT3", *args)
    return report["diagnostics"]


def found(diagnostics: list[dict]) -> set[tuple[str, str | None]]:
    return {(d["name"], d["location"]["field"]) for d in diagnostics}


def test_valid_pairs(tmp_path, run_json):
    rows = [
        pair(),
        pair(input={"messages": [{"role": "system", "content": "Be kind."}, USER],
                    "tools": [], "parallel_tool_calls": True}),
        pair(input={"messages": [USER, GOOD, {"role": "user", "content": "Another?"}]}),
    ]  # fmt: skip
    assert check(run_json, write_jsonl(tmp_path / "ok.jsonl", rows)) == []


FAILING = [
    pytest.param(pair(input={"messages": [USER, GOOD]}),
                 {("invalid-preference", "/input/messages/1")}, id="input-ends-with-answer"),
    pytest.param(pair(input={"messages": []}), {("invalid-preference", "/input/messages")},
                 id="empty-input"),
    pytest.param(pair(input="Name a colour."), {("invalid-preference", "/input")},
                 id="input-string"),
    pytest.param(pair(preferred_output=[GOOD, GOOD]), {("invalid-preference", "/preferred_output")},
                 id="two-messages"),
    pytest.param(pair(preferred_output=[]), {("invalid-preference", "/preferred_output")},
                 id="no-message"),
    pytest.param(pair(non_preferred_output=[USER]),
                 {("invalid-preference", "/non_preferred_output/0/role")}, id="user-output"),
    pytest.param(pair(non_preferred_output=[GOOD]),
                 {("invalid-preference", "/non_preferred_output")}, id="identical"),
    pytest.param(pair(non_preferred_output=[{"role": "assistant", "content": " Blue. "}]),
                 {("invalid-preference", "/non_preferred_output")}, id="identical-but-spaces"),
    pytest.param({"input": {"messages": [USER]}, "preferred_output": [GOOD]},
                 {("invalid-preference", "/non_preferred_output")}, id="missing-output"),
    pytest.param(pair(preferred_output=GOOD), {("invalid-preference", "/preferred_output")},
                 id="output-object"),
    pytest.param(pair(preferred_output="Blue."), {("invalid-preference", "/preferred_output")},
                 id="output-string"),
    pytest.param(pair(preferred_output=[{**GOOD, "weight": 1}]),
                 {("unknown-key", "/preferred_output/0/weight")}, id="weight"),
    pytest.param(pair(input={"messages": [{"role": "Human", "content": "Hi"}]}),
                 {("invalid-role", "/input/messages/0/role")}, id="role-checked-by-chat-rules"),
    pytest.param(pair(score=0.9), {("unknown-key", "/score")}, id="extra-key"),
]  # fmt: skip


@pytest.mark.parametrize(("record", "expected"), FAILING)
def test_failing_pairs(tmp_path, run_json, record, expected):
    diagnostics = check(run_json, write_jsonl(tmp_path / "bad.jsonl", [pair(), record]))
    assert found(diagnostics) == expected
    assert {d["location"]["line"] for d in diagnostics} == {2}


def test_fixes(tmp_path, run_cli, run_json):
    rows = [pair(preferred_output=GOOD), pair(preferred_output="Blue."), pair()]
    rows.append(pair(non_preferred_output=[GOOD]))
    path = write_jsonl(tmp_path / "fix.jsonl", rows)
    out = tmp_path / "fix_out.jsonl"
    code, stdout, _err = run_cli(
        "prepare", path, "-o", out, "--unsafe-fixes", "--no-report", "--select", "FT3"
    )
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert written == [pair(), pair(), pair()]
    assert "identical preferred and non-preferred outputs" in stdout  # the dropped record
    assert code == 0
    assert check(run_json, out) == []


# ---------------------------------------------------------------------------------------------
# chosen/rejected -> OpenAI DPO


def test_transcripts_are_split_into_prompt_and_answers():
    data = {
        "chosen": "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: A colour?\n\nAssistant: Blue.",
        "rejected": "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: A colour?\n\nAssistant: No.",
    }
    assert chosen_rejected_to_preference(data, None) == {
        "input": {
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "A colour?"},
            ]
        },
        "preferred_output": [{"role": "assistant", "content": "Blue."}],
        "non_preferred_output": [{"role": "assistant", "content": "No."}],
    }


def test_message_lists_with_an_implicit_prompt():
    data = {
        "chosen": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}],
        "rejected": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "B"}],
    }
    converted = chosen_rejected_to_preference(data, "Be brief.")
    assert converted["input"]["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Q"},
    ]
    assert converted["non_preferred_output"] == [{"role": "assistant", "content": "B"}]


def test_explicit_prompt_and_plain_answers():
    data = {"prompt": "Q", "chosen": "A", "rejected": "B", "system": "S"}
    converted = chosen_rejected_to_preference(data, None)
    assert converted["input"]["messages"] == [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "Q"},
    ]


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"prompt": "Q", "chosen": "A", "rejected": "A"}, "identical"),
        ({"chosen": "A", "rejected": "B"}, "no prompt"),
        ({"prompt": "Q", "chosen": "", "rejected": "B"}, "empty"),
        ({"chosen": "\n\nHuman: X\n\nAssistant: A", "rejected": "\n\nHuman: Y\n\nAssistant: B"},
         "exactly one assistant answer"),
        ({"question": "Q", "chosen": 3.5j, "rejected": "B"}, "must be text"),
    ],
)  # fmt: skip
def test_pairs_that_cannot_convert(data, text):
    with pytest.raises(ConversionError) as info:
        chosen_rejected_to_preference(data, None)
    assert text in info.value.message


def test_chosen_rejected_jsonl_is_converted_by_prepare(tmp_path, run_cli, run_json):
    rows = [
        {"question": "Q1", "chosen": "A1", "rejected": "B1"},
        {"question": "Q2", "chosen": "same", "rejected": "same"},
    ]
    path = write_jsonl(tmp_path / "cr.jsonl", rows)
    diagnostics = check(run_json, path)
    assert found(diagnostics) == {("community-format", None), ("community-format", "/rejected")}
    out = tmp_path / "cr_out.jsonl"
    code, _o, _e = run_cli("prepare", path, "-o", out, "--no-report", "--select", "FT3")
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert written[0] == {
        "input": {"messages": [{"role": "user", "content": "Q1"}]},
        "preferred_output": [{"role": "assistant", "content": "A1"}],
        "non_preferred_output": [{"role": "assistant", "content": "B1"}],
    }
    assert written[1] == rows[1]  # cannot be converted: written unchanged, still an error
    assert code == 1


def test_preference_for_a_model_without_dpo_is_an_unsafe_conversion(tmp_path, run_cli, run_json):
    path = write_jsonl(tmp_path / "p.jsonl", [pair(), pair()])
    diagnostics = check(run_json, path, "--model", "gpt-3.5-turbo-0125")
    d = next(d for d in diagnostics if d["name"] == "format-model-mismatch")
    assert d["severity"] == "error" and d["fix"]["applicability"] == "unsafe"
    assert "preferred answer" in d["message"]
    out = tmp_path / "p_out.jsonl"
    base = ("prepare", path, "-o", out, "--force", "--no-report", "--select", "FT3")
    assert run_cli(*base, "--model", "gpt-3.5-turbo-0125")[0] == 1
    assert json.loads(out.read_text().splitlines()[0]) == pair()
    assert run_cli(*base, "--model", "gpt-3.5-turbo-0125", "--unsafe-fixes")[0] == 0
    assert json.loads(out.read_text().splitlines()[0]) == {"messages": [USER, GOOD]}


def test_llama_factory_dpo_demo(shared_data, tmp_path, run_cli, run_json):
    """300 {conversations, chosen{from,value}, rejected{from,value}} records become OpenAI
    preference records that the preference and chat rules accept."""
    source = shared_data / "hiyouga__LLaMA-Factory" / "dpo_en_demo.json"
    diagnostics = check(run_json, source)
    # An error (issue 17): the provider rejects this format; prepare converts it.
    assert [(d["name"], d["severity"]) for d in diagnostics] == [("community-format", "error")]
    assert diagnostics[0]["message"].startswith("300 chosen/rejected records")
    out = tmp_path / "dpo.jsonl"
    code, _o, _e = run_cli("prepare", source, "-o", out, "--no-report", "--select", "FT3")
    assert code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 300
    original = json.loads(source.read_text())
    assert rows[0]["preferred_output"][0]["content"] == original[0]["chosen"]["value"]
    assert rows[0]["input"]["messages"][-1]["role"] == "user"
    systems = [r for r in rows if r["input"]["messages"][0]["role"] == "system"]
    assert len(systems) == 80  # the records whose conversation starts with a system turn
    assert check(run_json, out) == []
    again = tmp_path / "dpo2.jsonl"
    run_cli(
        "prepare", out, "-o", again, "--fix", "--unsafe-fixes", "--no-report", "--select", "FT3"
    )
    assert again.read_bytes() == out.read_bytes()


def test_rule_documentation(run_cli):
    code, out, _err = run_cli("rule", "invalid-preference")
    assert code == 0 and "preferred_output" in out and "Fix safety" in out

"""Tool rules (FT320-FT323): calls, definitions, tool messages; fixes; real data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import write_jsonl

USER = {"role": "user", "content": "Weather in Paris?"}
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def call(call_id: str = "call_1", name: str = "get_weather", arguments='{"city": "Paris"}'):
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def calling(*calls) -> dict:
    return {"role": "assistant", "tool_calls": list(calls)}


def answer(call_id: str = "call_1", content: str = "18°C") -> dict:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


FINAL = {"role": "assistant", "content": "It is 18°C."}


def example(*messages, tools=(WEATHER,), **extra) -> dict:
    record = {"messages": [USER, *messages]}
    if tools is not None:
        record["tools"] = tools if isinstance(tools, str) else list(tools)
    record.update(extra)
    return record


def check(run_json, path: Path, *args: str) -> list[dict]:
    _code, report = run_json("check", path, "--select", "FT3", *args)
    return report["diagnostics"]


def found(diagnostics: list[dict]) -> set[tuple[str, str | None]]:
    return {(d["name"], d["location"]["field"]) for d in diagnostics}


FAILING = [
    pytest.param(
        example(calling(call(arguments={"city": "Paris"})), answer(), FINAL),
        {("invalid-tool-call", "/messages/1/tool_calls/0/function/arguments")},
        id="arguments-object",
    ),
    pytest.param(
        example(calling(call(arguments="{city: Paris}")), answer(), FINAL),
        {("invalid-tool-call", "/messages/1/tool_calls/0/function/arguments")},
        id="arguments-not-json",
    ),
    pytest.param(
        example(calling(call(arguments="[1, 2]")), answer(), FINAL),
        {("invalid-tool-call", "/messages/1/tool_calls/0/function/arguments")},
        id="arguments-not-object",
    ),
    pytest.param(
        example(calling(call(), call()), answer(), FINAL),
        {("invalid-tool-call", "/messages/1/tool_calls/1/id")},
        id="duplicate-ids",
    ),
    pytest.param(
        example(calling({"id": "call_1", "function": {"name": "get_weather", "arguments": "{}"}}),
                answer(), FINAL),
        {("invalid-tool-call", "/messages/1/tool_calls/0/type")},
        id="missing-type",
    ),
    pytest.param(
        example(calling({"type": "function", "function": call()["function"]}), FINAL),
        {("invalid-tool-call", "/messages/1/tool_calls/0/id")},
        id="missing-id",
    ),
    pytest.param(
        example({"role": "assistant", "content": "ok", "tool_calls": []}),
        {("invalid-tool-call", "/messages/1/tool_calls")},
        id="empty-tool-calls",
    ),
    pytest.param(
        example(calling(call("a"), call("b")), answer("a"), answer("b"), FINAL,
                parallel_tool_calls=False),
        {("invalid-tool-call", "/messages/1/tool_calls")},
        id="parallel-false",
    ),
    pytest.param(
        example(calling(call(name="get_wether")), answer(), FINAL),
        {("undefined-tool", "/messages/1/tool_calls/0/function/name")},
        id="undefined-tool",
    ),
    pytest.param(
        example(calling(call()), answer("call_9"), FINAL),
        {("orphan-tool-message", "/messages/2/tool_call_id")},
        id="orphan-unknown-id",
    ),
    pytest.param(
        example(answer(), calling(call()), FINAL),
        {("orphan-tool-message", "/messages/1/tool_call_id")},
        id="orphan-before-call",
    ),
    pytest.param(
        example(calling(call()), {"role": "tool", "content": "18°C"}, FINAL),
        {("missing-key", "/messages/2/tool_call_id")},
        id="tool-without-id",
    ),
    pytest.param(
        example(FINAL, tools=[{"type": "function", "function": {"name": "get weather"}}]),
        {("invalid-tool-definition", "/tools/0/function/name")},
        id="bad-name",
    ),
    pytest.param(
        example(FINAL, tools=[{"type": "function", "function": {"name": "x" * 65}}]),
        {("invalid-tool-definition", "/tools/0/function/name")},
        id="long-name",
    ),
    pytest.param(
        example(FINAL, tools=[WEATHER, WEATHER]),
        {("invalid-tool-definition", "/tools/1/function/name")},
        id="duplicate-definition",
    ),
    pytest.param(
        example(FINAL, tools=[{"type": "function", "function": {
            "name": "f", "parameters": {"type": "string"}}}]),
        {("invalid-tool-definition", "/tools/0/function/parameters")},
        id="parameters-not-object-schema",
    ),
    pytest.param(
        example(FINAL, tools=[{"type": "function", "function": {
            "name": "f",
            "parameters": {"type": "object", "properties": {"a": {"type": "strng"}}}}}]),
        {("invalid-tool-definition", "/tools/0/function/parameters")},
        id="parameters-invalid-schema",
    ),
    pytest.param(
        example(FINAL, tools=[{"type": "function", "function": {"name": "f", "parameters": "{}"}}]),
        {("invalid-tool-definition", "/tools/0/function/parameters")},
        id="parameters-string",
    ),
    pytest.param(
        example(FINAL, tools=[WEATHER["function"]]),
        {("invalid-tool-definition", "/tools/0")},
        id="bare-function",
    ),
    pytest.param(
        example(FINAL, tools=[{"type": "code_interpreter"}]),
        {("invalid-tool-definition", "/tools/0/type"),
         ("invalid-tool-definition", "/tools/0/function")},
        id="other-tool-type",
    ),
    pytest.param(
        example(FINAL, tools=json.dumps([WEATHER])),
        {("wrong-type", "/tools")},
        id="tools-as-json-string",
    ),
    pytest.param(
        {"messages": [USER, {"role": "assistant",
                             "function_call": {"name": "nope", "arguments": "{}"}}],
         "functions": [WEATHER["function"]]},
        {("undefined-tool", "/messages/1/function_call/name")},
        id="legacy-function-call",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("record", "expected"), FAILING)
def test_failing_records(tmp_path, run_json, record, expected):
    path = write_jsonl(tmp_path / "tools.jsonl", [record])
    diagnostics = check(run_json, path)
    assert found(diagnostics) == expected
    assert all(d["location"]["line"] == 1 and d["location"]["record"] == 1 for d in diagnostics)


def test_severities_and_messages(tmp_path, run_json):
    rows = [
        example(calling(call(name="get_wether")), answer(), FINAL),
        example(calling(call("a"), call("b")), answer("a"), answer("b"), FINAL,
                parallel_tool_calls=False),
        example(calling(call(arguments="[1]")), answer(), FINAL),
    ]  # fmt: skip
    diagnostics = check(run_json, write_jsonl(tmp_path / "s.jsonl", rows))
    by_line = {d["location"]["line"]: d for d in diagnostics}
    assert by_line[1]["severity"] == "warning" and "get_wether" in by_line[1]["message"]
    assert "get_weather" in by_line[1]["message"]  # the defined tools are listed
    assert by_line[2]["severity"] == "warning" and "parallel_tool_calls" in by_line[2]["message"]
    assert by_line[3]["severity"] == "error" and "got array" in by_line[3]["message"]


PASSING = [
    example(calling(call()), answer(), FINAL),
    example(calling(call("a"), call("b", arguments="{}")), answer("a"), answer("b"), FINAL,
            parallel_tool_calls=True),
    example(calling(call())),  # ends with the call: the cookbook's drone examples do this
    example(calling(call(name="anything")), tools=None),  # no tools given: names not checked
    example(FINAL, tools=[{"type": "function", "function": {"name": "ping"}}]),  # no parameters
    example(FINAL, tools=[{"type": "function", "function": {"name": "ping", "parameters": {}}}]),
    example({"role": "assistant", "content": None, "tool_calls": [call()]}, answer(), FINAL),
    example(FINAL, tools=[{"type": "function", "function": {
        "name": "f", "strict": True, "parameters": {
            "type": "object", "properties": {"n": {"type": "integer", "minimum": 0}},
            "required": ["n"], "additionalProperties": False}}}]),
]  # fmt: skip


def test_passing_records(tmp_path, run_json):
    assert check(run_json, write_jsonl(tmp_path / "ok.jsonl", PASSING)) == []


def test_safe_fixes(tmp_path, run_cli, run_json):
    rows = [
        example(calling(call(arguments={"city": "Paris"})), answer(), FINAL),
        example(FINAL, tools=[WEATHER["function"]]),
        example(calling({"id": "c", "function": {"name": "get_weather"}}), answer("c"), FINAL),
        example(FINAL, tools=json.dumps([WEATHER])),
        example({"role": "assistant", "content": "ok", "tool_calls": []}),
    ]
    path = write_jsonl(tmp_path / "fix.jsonl", rows)
    out = tmp_path / "fixed.jsonl"
    code, _o, _e = run_cli("prepare", path, "-o", out, "--fix", "--no-report", "--select", "FT3")
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert written[0]["messages"][1]["tool_calls"][0]["function"]["arguments"] == (
        '{"city": "Paris"}'
    )
    assert written[1]["tools"] == [WEATHER]
    assert written[2]["messages"][1]["tool_calls"][0] == {
        "id": "c", "type": "function", "function": {"name": "get_weather", "arguments": "{}"},
    }  # fmt: skip
    assert written[3]["tools"] == [WEATHER]
    assert written[4]["messages"][1] == {"role": "assistant", "content": "ok"}
    assert code == 0
    assert check(run_json, out) == []


@pytest.mark.parametrize(
    "name",
    ["invalid-tool-call", "undefined-tool", "orphan-tool-message", "invalid-tool-definition"],
)
def test_rule_documentation(run_cli, name):
    code, out, _err = run_cli("rule", name)
    assert code == 0 and "Fix safety" in out and "Why is this bad?" in out


def test_drone_training_is_clean(shared_data, run_json):
    """Assistant turns with tool_calls and no content, 16 tools per line, no tool answers."""
    path = shared_data / "openai__openai-cookbook" / "drone_training.jsonl"
    assert check(run_json, path) == []


def test_converted_glaive_tool_calls_pass_every_tool_rule(shared_data, tmp_path, run_cli, run_json):
    """ShareGPT function_call/observation turns become tool_calls + tool messages that the
    tool rules accept: ids generated, arguments encoded, tools wrapped."""
    source = shared_data / "hiyouga__LLaMA-Factory" / "glaive_toolcall_en_demo.json"
    out = tmp_path / "glaive.jsonl"
    code, _o, _e = run_cli("prepare", source, "-o", out, "--no-report", "--select", "FT3")
    assert code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    with_calls = [r for r in rows if any("tool_calls" in m for m in r["messages"])]
    assert len(with_calls) > 100
    assert all(r["tools"] for r in with_calls)
    assert check(run_json, out) == []

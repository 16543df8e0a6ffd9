"""Shapes and formats (FT301-FT304): detection, model mismatch, community conversions, --map,
--system, tabular files, real community datasets, idempotence."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftlint.conversion import Planner, alpaca_to_chat, sharegpt_to_chat
from ftlint.shapes import iter_texts
from tests.conftest import write_jsonl

CHAT_ONLY = ("chat", "preference")
PAIR = {"prompt": "2+2=", "completion": "4"}
CHAT = {"messages": [{"role": "user", "content": "2+2="}, {"role": "assistant", "content": "4"}]}


def check(run_json, path: Path, *args: str) -> tuple[int, list[dict]]:
    code, report = run_json("check", path, "--select", "FT3", *args)
    return code, report["diagnostics"]


def prepare(run_cli, path: Path, *args: str) -> tuple[int, list, str]:
    out = path.with_name(path.stem + "_out.jsonl")
    code, stdout, _err = run_cli(
        "prepare", path, "-o", out, "--force", "--no-report", "--select", "FT3", *args
    )
    # Nothing acceptable: no output at all (issue 17), so nothing written.
    lines = out.read_text("utf-8").splitlines() if out.exists() else []
    return code, [json.loads(line) for line in lines], stdout


def names(diagnostics: list[dict]) -> list[str]:
    return [d["name"] for d in diagnostics]


# ---------------------------------------------------------------------------------------------
# unknown-format and --map


def test_unknown_format_suggests_a_map(tmp_path, run_json):
    path = write_jsonl(tmp_path / "qa.jsonl", [{"question": "2+2?", "answer": "4"}, CHAT])
    code, diagnostics = check(run_json, path)
    unknown = [d for d in diagnostics if d["name"] == "unknown-format"]
    assert [(d["location"]["line"], d["severity"]) for d in unknown] == [(1, "error")]
    assert "--map prompt=question --map completion=answer" in unknown[0]["message"]
    assert "question, answer" in unknown[0]["message"]
    assert code == 1


def test_map_renames_json_keys_and_prepare_converts(tmp_path, run_json, run_cli):
    rows = [{"question": "2+2?", "answer": "4", "id": 1}, {"question": "3+3?", "answer": "6"}]
    path = write_jsonl(tmp_path / "qa.jsonl", rows)
    mapping = ("--map", "prompt=question", "--map", "completion=answer")
    code, diagnostics = check(run_json, path, *mapping)
    assert names(diagnostics) == ["community-format"]
    assert (
        "renamed with --map (question -> prompt, answer -> completion)"
        in (diagnostics[0]["message"])
    )
    code, written, _out = prepare(run_cli, path, *mapping)
    assert written == [
        {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]},
        {"messages": [{"role": "user", "content": "3+3?"}, {"role": "assistant", "content": "6"}]},
    ]
    assert code == 0
    code, written, _out = prepare(run_cli, path, *mapping, "--model", "babbage-002")
    # The metadata key is left out (issue 17: the provider would reject the record with it).
    assert written == [
        {"prompt": "2+2?", "completion": "4"},
        {"prompt": "3+3?", "completion": "6"},
    ]


# ---------------------------------------------------------------------------------------------
# format-model-mismatch


def test_prompt_completion_for_a_chat_model(tmp_path, run_json, run_cli):
    rows = [PAIR, {"prompt": "", "completion": "Once upon a time", "id": 2}]
    path = write_jsonl(tmp_path / "pc.jsonl", rows)
    code, diagnostics = check(run_json, path)
    assert code == 1
    [d] = diagnostics
    assert (d["name"], d["code"], d["severity"]) == ("format-model-mismatch", "FT303", "error")
    assert d["location"]["line"] == 1 and "2 prompt/completion records" in d["message"]
    assert "keys left out: id" in d["message"]
    code, written, stdout = prepare(run_cli, path, "--system", "You are a calculator.")
    assert written == [
        {"messages": [
            {"role": "system", "content": "You are a calculator."},
            {"role": "user", "content": "2+2="},
            {"role": "assistant", "content": "4"},
        ]},
        {"messages": [
            {"role": "system", "content": "You are a calculator."},
            {"role": "assistant", "content": "Once upon a time"},
        ]},
    ]  # fmt: skip
    assert code == 0 and "fixed" in stdout


def test_prompt_completion_for_babbage_is_fine(tmp_path, run_json):
    path = write_jsonl(tmp_path / "pc.jsonl", [PAIR, PAIR])
    assert check(run_json, path, "--model", "babbage-002") == (0, [])


def test_unconvertible_records_stay_errors_until_dropped(tmp_path, run_json, run_cli):
    rows = [PAIR, {"prompt": "x", "completion": ""}, {"prompt": "y"}]
    path = write_jsonl(tmp_path / "pc.jsonl", rows)
    _code, diagnostics = check(run_json, path)
    failures = [d for d in diagnostics if d["location"]["field"] == "/completion"]
    assert [d["location"]["line"] for d in failures] == [2, 3]
    assert all(d["fix"]["applicability"] == "unsafe" for d in failures)
    code, written, _out = prepare(run_cli, path)
    # Rejected (issue 17): not written, in the sidecar with their reasons; exit 1.
    assert len(written) == 1 and code == 1
    sidecar = (tmp_path / "pc_out_rejected.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["record"] for line in sidecar] == rows[1:]
    code, written, stdout = prepare(run_cli, path, "--unsafe-fixes")
    assert len(written) == 1 and code == 0
    assert "cannot convert prompt/completion: the completion is empty" in stdout


def test_chat_for_babbage_converts_only_single_turns(tmp_path, run_json, run_cli):
    system = {"role": "system", "content": "S"}
    rows = [
        CHAT,
        {"messages": [system, *CHAT["messages"]]},
        {"messages": CHAT["messages"] * 2},
        {**CHAT, "tools": [{"type": "function", "function": {"name": "f"}}]},
    ]
    path = write_jsonl(tmp_path / "chat.jsonl", rows)
    _code, diagnostics = check(run_json, path, "--model", "babbage-002")
    fields = sorted((d["location"]["line"], d["location"]["field"]) for d in diagnostics)
    assert fields == [(1, None), (2, "/messages"), (3, "/messages"), (4, "/tools")]
    assert "babbage-002 trains on prompt/completion records" in diagnostics[-1]["message"]
    code, written, _out = prepare(run_cli, path, "--model", "babbage-002")
    assert written == [PAIR] and code == 1  # the others rejected (issue 17)
    code, written, _out = prepare(run_cli, path, "--model", "babbage-002", "--unsafe-fixes")
    assert written == [PAIR] and code == 0


def test_check_fix_never_changes_the_format(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "pc.jsonl", [PAIR])
    before = path.read_bytes()
    code, _out, _err = run_cli("check", path, "--select", "FT3", "--fix")
    assert path.read_bytes() == before and code == 1


def test_tabular_files_are_converted_with_a_note(tmp_path, run_json, run_cli):
    path = tmp_path / "faq.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Question", "Answer", "Context"])
        writer.writerow(["Opening hours?", "9 to 5.", "You work at a shop."])
        writer.writerow(["Where?", "Main street.", ""])
    mapping = ("--map", "prompt=Question", "--map", "completion=Answer", "--map", "system=Context")
    code, diagnostics = check(run_json, path, *mapping)
    [d] = diagnostics
    assert (d["name"], d["severity"]) == ("format-model-mismatch", "info")
    assert "2 rows become chat records" in d["message"]
    assert code == 0
    code, written, _out = prepare(run_cli, path, *mapping, "--system", "Be polite.")
    assert written == [
        {"messages": [
            {"role": "system", "content": "You work at a shop."},
            {"role": "user", "content": "Opening hours?"},
            {"role": "assistant", "content": "9 to 5."},
        ]},
        {"messages": [
            {"role": "system", "content": "Be polite."},
            {"role": "user", "content": "Where?"},
            {"role": "assistant", "content": "Main street."},
        ]},
    ]  # fmt: skip
    assert check(run_json, path, *mapping[:4], "--model", "davinci-002") == (0, [])


# ---------------------------------------------------------------------------------------------
# mixed-formats


def test_mixed_shapes_that_end_up_alike_are_a_warning(tmp_path, run_json):
    rows = [CHAT, CHAT, PAIR, CHAT, PAIR]
    _code, diagnostics = check(run_json, write_jsonl(tmp_path / "m.jsonl", rows))
    [mixed] = [d for d in diagnostics if d["name"] == "mixed-formats"]
    assert mixed["severity"] == "warning" and mixed["location"]["line"] == 3
    assert "3 chat records and 2 prompt/completion records" in mixed["message"]


def test_chat_and_preference_in_one_file_is_an_error(tmp_path, run_json):
    preference = {
        "input": {"messages": [{"role": "user", "content": "Hi"}]},
        "preferred_output": [{"role": "assistant", "content": "Hello!"}],
        "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
    }
    alpaca = {"instruction": "Add", "input": "2+2", "output": "4"}
    code, report = run_json(
        "check", write_jsonl(tmp_path / "m.jsonl", [CHAT, CHAT, preference, alpaca]), "--select",
        "FT3",
    )  # fmt: skip
    mixed = {
        d["location"]["line"]: d for d in report["diagnostics"] if d["name"] == "mixed-formats"
    }
    assert set(mixed) == {3, 4}
    assert all(d["severity"] == "error" for d in mixed.values())
    assert "no single fine-tuning job" in mixed[3]["message"]
    assert report["files"][0]["summary"]["shapes"] == {"alpaca": 1, "chat": 2, "preference": 1}
    assert code == 1


# ---------------------------------------------------------------------------------------------
# Community formats


def test_alpaca_json_array(tmp_path, run_json, run_cli):
    rows = [
        {"instruction": "Translate to French", "input": "cheese", "output": "fromage"},
        {"instruction": "Say hi", "input": "", "output": "Hi!", "system": "Be warm.",
         "history": [["Hello?", "Hello."]]},
        {"instruction": "Empty", "input": "", "output": " "},
    ]  # fmt: skip
    path = tmp_path / "alpaca.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), "utf-8")
    code, diagnostics = check(run_json, path)
    assert [(d["severity"], d["location"]["record"]) for d in diagnostics] == [
        ("error", 1),  # the provider rejects the format; prepare converts it (issue 17)
        ("error", 3),
    ]
    assert diagnostics[1]["location"]["field"] == "/output"
    code, written, _out = prepare(run_cli, path)
    assert written[:2] == [
        {"messages": [
            {"role": "user", "content": "Translate to French\n\ncheese"},
            {"role": "assistant", "content": "fromage"},
        ]},
        {"messages": [
            {"role": "system", "content": "Be warm."},
            {"role": "user", "content": "Hello?"},
            {"role": "assistant", "content": "Hello."},
            {"role": "user", "content": "Say hi"},
            {"role": "assistant", "content": "Hi!"},
        ]},
    ]  # fmt: skip
    assert code == 1


def test_alpaca_for_babbage(tmp_path, run_cli):
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"instruction": "Add", "input": "2+2", "output": "4"}]
    )
    _code, written, _out = prepare(run_cli, path, "--model", "babbage-002")
    assert written == [{"prompt": "Add\n\n2+2", "completion": "4"}]


def test_sharegpt_turns_and_tools():
    data = {
        "system": "You can call tools.",
        "tools": json.dumps([{"name": "add", "parameters": {"type": "object", "properties": {}}}]),
        "conversations": [
            {"from": "human", "value": "2+2?"},
            {"from": "function_call", "value": json.dumps({"name": "add", "arguments": {"a": 2}})},
            {"from": "observation", "value": "4"},
            {"from": "gpt", "value": "4."},
        ],
    }
    before = copy.deepcopy(data)
    assert sharegpt_to_chat(data, "ignored: the record has its own") == {
        "messages": [
            {"role": "system", "content": "You can call tools."},
            {"role": "user", "content": "2+2?"},
            {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
             "function": {"name": "add", "arguments": '{"a": 2}'}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": "4"},
            {"role": "assistant", "content": "4."},
        ],
        "tools": [{"type": "function", "function": {
            "name": "add", "parameters": {"type": "object", "properties": {}}}}],
    }  # fmt: skip
    assert data == before  # conversions never mutate their input


@pytest.mark.parametrize(
    ("turns", "pointer", "text"),
    [
        ([{"from": "narrator", "value": "x"}], "/conversations/0/from", "narrator"),
        ([{"from": "human", "value": "x"}, {"from": "observation", "value": "4"}],
         "/conversations/1", "no function call"),
        ([{"from": "human", "value": "x"}, {"from": "function_call", "value": "{oops"}],
         "/conversations/1", "not valid JSON"),
        ([{"from": "human", "value": "x"}, {"from": "function_call", "value": '{"name": "f"}'},
          {"from": "gpt", "value": "done"}], "/conversations/2", "no observation"),
        ([{"from": "human", "value": "x"}], "/conversations", "no gpt turn"),
        ([{"from": "human", "value": "x"}, {"from": "gpt", "value": ""}],
         "/conversations/1/value", "empty"),
    ],
)  # fmt: skip
def test_sharegpt_records_that_cannot_convert(tmp_path, run_json, turns, pointer, text):
    path = write_jsonl(tmp_path / "s.jsonl", [{"conversations": turns}])
    _code, diagnostics = check(run_json, path)
    [d] = diagnostics
    assert d["name"] == "community-format" and d["location"]["field"] == pointer
    assert text in d["message"] and d["severity"] == "error"


def test_alpaca_converter_keeps_texts_exactly():
    data = {"instruction": "  Sum ", "input": "1\n2", "answer": " 3 "}
    assert alpaca_to_chat(data, None)["messages"] == [
        {"role": "user", "content": "  Sum \n\n1\n2"},
        {"role": "assistant", "content": " 3 "},
    ]


def test_iter_texts_gives_roles_for_community_formats():
    glaive = {
        "conversations": [
            {"from": "human", "value": "hi"},
            {"from": "function_call", "value": "{}"},
            {"from": "observation", "value": "ok"},
            {"from": "gpt", "value": "yo"},
        ],
        "tools": "[]",
    }
    assert list(iter_texts(glaive)) == [
        ("/conversations/0/value", "user", "hi"),
        ("/conversations/2/value", "tool", "ok"),
        ("/conversations/3/value", "assistant", "yo"),
    ]
    alpaca = {"instruction": "a", "input": "b", "output": "c", "id": "x"}
    assert [(p, r) for p, r, _t in iter_texts(alpaca)] == [
        ("/instruction", "user"), ("/input", "user"), ("/output", "assistant"),
    ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Real community datasets


def test_nemaliavka_alpaca_with_answer_key(shared_data, tmp_path, run_json, run_cli):
    source = shared_data / "NeMaliavka__AI-bot" / "training_data.jsonl"
    _code, diagnostics = check(run_json, source)
    assert names(diagnostics) == ["community-format"]
    assert diagnostics[0]["message"].startswith("184 Alpaca records")
    out = tmp_path / "nem.jsonl"
    run_cli("prepare", source, "-o", out, "--no-report", "--select", "FT3")
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) == 184  # line 15 is invalid JSON and dropped by the reader
    assert rows[0]["messages"][0] == {"role": "user", "content": "Расскажи про курсы"}
    assert all(r["messages"][-1]["role"] == "assistant" for r in rows)


def test_self_instruct_seed_tasks(shared_data, run_json):
    source = shared_data / "tatsu-lab__stanford_alpaca" / "seed_tasks.jsonl"
    _code, diagnostics = check(run_json, source)
    [d] = diagnostics
    assert d["name"] == "community-format" and "175 self-instruct records" in d["message"]
    assert "keys left out: id, is_classification, name" in d["message"]


def test_unknown_format_is_never_reported_on_clean_native_data(shared_data, run_json):
    source = shared_data / "revenger101__BH-Assurance" / "qa_dataset_ft.jsonl"
    assert check(run_json, source, "--model", "davinci-002") == (0, [])


REAL = [
    "openai__openai-cookbook/drone_training.jsonl",
    "openai__openai-cookbook/toy_chat_fine_tuning.jsonl",
    "ganachan__GenAI-Autograding/validation_set.jsonl",
    "revenger101__BH-Assurance/qa_dataset_ft.jsonl",
    "NeMaliavka__AI-bot/training_data.jsonl",
    "tatsu-lab__stanford_alpaca/seed_tasks.jsonl",
    "LianjiaTech__BELLE/zh_seed_tasks.json",
    "hiyouga__LLaMA-Factory/alpaca_zh_demo.json",
    "hiyouga__LLaMA-Factory/dpo_en_demo.json",
    "hiyouga__LLaMA-Factory/glaive_toolcall_en_demo.json",
]


@pytest.mark.parametrize("relative", REAL)
@pytest.mark.parametrize("model", ["gpt-4.1-mini-2025-04-14", "babbage-002"])
def test_prepared_real_data_is_clean_and_stable(shared_data, tmp_path, run_json, run_cli,
                                                relative, model):  # fmt: skip
    """prepare writes what the model takes (where it can); the output passes every FT3 rule
    and preparing it again with every fix changes nothing."""
    out = tmp_path / "out.jsonl"
    code, _o, _e = run_cli(
        "prepare", shared_data / relative, "-o", out, "--no-report", "--select", "FT3",
        "--model", model, "--unsafe-fixes", "--allow-rejects",
    )  # fmt: skip
    assert code == 0
    if not out.exists():
        return  # no record is acceptable to this model (issue 17): nothing is written
    assert check(run_json, out, "--model", model) == (0, [])
    again = tmp_path / "again.jsonl"
    run_cli(
        "prepare", out, "-o", again, "--no-report", "--select", "FT3", "--model", model, "--fix",
        "--unsafe-fixes",
    )  # fmt: skip
    assert again.read_bytes() == out.read_bytes()


@pytest.mark.parametrize(
    "name", ["unknown-format", "mixed-formats", "format-model-mismatch", "community-format"]
)
def test_rule_documentation(run_cli, name):
    code, out, _err = run_cli("rule", name)
    assert code == 0
    for section in ("What it does", "Why is this bad?", "Example", "Fix safety"):
        assert section in out


VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["from", "value", "role", "content", "name", "arguments", "x"]), inner,
        max_size=3,
    ),
    max_leaves=12,
)  # fmt: skip
KEYS = [
    "messages", "prompt", "completion", "instruction", "input", "output", "answer", "history",
    "system", "conversations", "tools", "chosen", "rejected", "question", "instances",
    "preferred_output", "non_preferred_output",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=5),
    st.sampled_from([CHAT_ONLY, ("chat",), ("prompt-completion",), None]),
)
def test_plans_never_crash_and_never_mutate(data, accepted):
    before = copy.deepcopy(data)
    planner = Planner(accepted, system="S", mapping=(("prompt", "question"),))
    plan = planner.plan(data, "jsonl")
    assert data == before
    if plan.converts:
        assert planner.plan(plan.data, "jsonl").converts is False  # converted once, stays

"""Preference (DPO) data through ``prepare`` for each real target profile: TRL's conversational
``prompt``/``chosen``/``rejected`` for ``hf``, Together's and Fireworks' ``input`` /
``preferred_output`` / ``non_preferred_output`` (Together's own ``check_file`` passes it), and
for Mistral and Bedrock, which take no preference data, rejected records whose reason names the
targets that do."""

from __future__ import annotations

import json

import pytest

from tests.conftest import read_jsonl, write_jsonl

OPENAI_PAIRS = [
    {
        "input": {
            "messages": [
                {"role": "system", "content": "Answer in one word."},
                {"role": "user", "content": f"Colour of the sky, case {i}?"},
            ]
        },
        "preferred_output": [{"role": "assistant", "content": "Blue."}],
        "non_preferred_output": [{"role": "assistant", "content": "Green."}],
    }
    for i in range(12)
]
#: The same pairs as a community format ftlint reads (chosen/rejected beside a conversation,
#: LLaMA-Factory's ShareGPT preference layout).
SHAREGPT_PAIRS = [
    {
        "conversations": [{"from": "human", "value": f"Colour of the sky, case {i}?"}],
        "chosen": {"from": "gpt", "value": "Blue."},
        "rejected": {"from": "gpt", "value": "Green."},
    }
    for i in range(12)
]


def _prepare(run_cli, tmp_path, rows, target, *args):
    source = write_jsonl(tmp_path / "pairs.jsonl", rows)
    out = tmp_path / f"{target}.jsonl"
    code, _out, err = run_cli("prepare", source, "--target", target, "-o", out, *args)
    return code, out, err


def _errors(run_json, path, target):
    _code, report = run_json("check", path, "--target", target)
    return [d for d in report["diagnostics"] if d["severity"] == "error"]


@pytest.mark.parametrize("rows", [OPENAI_PAIRS, SHAREGPT_PAIRS], ids=["openai", "sharegpt"])
def test_prepare_for_hf_writes_trl_conversational_preference(run_cli, run_json, tmp_path, rows):
    code, out, err = _prepare(run_cli, tmp_path, rows, "hf")
    assert code == 0, err
    written = read_jsonl(out)
    assert len(written) == 12
    for row in written:
        assert set(row) == {"prompt", "chosen", "rejected"}
        assert row["prompt"][-1]["role"] == "user"
        assert row["chosen"] == [{"role": "assistant", "content": "Blue."}]
        assert row["rejected"] == [{"role": "assistant", "content": "Green."}]
    if rows is OPENAI_PAIRS:
        assert written[0]["prompt"][0] == {"role": "system", "content": "Answer in one word."}
    assert _errors(run_json, out, "hf") == []


@pytest.mark.parametrize("target", ["together", "fireworks"])
@pytest.mark.parametrize("rows", [OPENAI_PAIRS, SHAREGPT_PAIRS], ids=["openai", "sharegpt"])
def test_prepare_for_together_and_fireworks_writes_their_preference_format(
    run_cli, run_json, tmp_path, target, rows
):
    code, out, err = _prepare(run_cli, tmp_path, rows, target)
    assert code == 0, err
    written = read_jsonl(out)
    assert len(written) == 12
    for row in written:
        assert set(row) == {"input", "preferred_output", "non_preferred_output"}
        assert row["input"]["messages"][-1]["role"] == "user"
        assert row["preferred_output"] == [{"role": "assistant", "content": "Blue."}]
        assert row["non_preferred_output"] == [{"role": "assistant", "content": "Green."}]
    assert _errors(run_json, out, target) == []
    if target == "together":
        files = pytest.importorskip("together.lib.utils.files")
        verdict = files.check_file(out)
        assert verdict["is_check_passed"], verdict["message"]


@pytest.mark.parametrize("target", ["mistral", "bedrock"])
@pytest.mark.parametrize("rows", [OPENAI_PAIRS, SHAREGPT_PAIRS], ids=["openai", "sharegpt"])
def test_targets_without_preference_training_reject_pairs_and_say_where_to_go(
    run_cli, tmp_path, target, rows
):
    code, out, err = _prepare(run_cli, tmp_path, rows, target)
    assert code == 1, err
    assert not out.exists()  # nothing acceptable: no output file
    rejected = read_jsonl(tmp_path / f"{target}_rejected.jsonl")
    assert len(rejected) == 12
    for entry in rejected:
        reasons = " ".join(r["message"] for r in entry["reasons"])
        assert "leaves the" in reasons and "out" in reasons  # what conversion would lose
        assert f"{target} takes no preference data, these do: " in reasons
        named = reasons.split("these do: ")[1]
        assert all(name in named for name in ("fireworks", "hf", "together"))
        assert "mistral" not in named and "bedrock" not in named


def test_profiles_list_preference_only_where_the_provider_trains_on_it(run_cli):
    code, out, _err = run_cli("targets", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    targets = {t["name"]: t for t in (listed if isinstance(listed, list) else listed["targets"])}
    for name in ("mistral", "bedrock"):
        shapes = {s for m in targets[name]["models"].values() for s in m["shapes"]}
        assert "preference" not in shapes, name
        assert not any("preference" in f for f in targets[name]["formats"]), name
    for name in ("hf", "together", "fireworks"):
        assert any("preference" in f for f in targets[name]["formats"]), name


def test_the_real_llama_factory_dpo_file_prepares_for_hf(run_cli, run_json, shared_data, tmp_path):
    from tests.test_prepare_accepted import _slice

    source = _slice(shared_data / "hiyouga__LLaMA-Factory" / "dpo_en_demo.json", tmp_path)
    out = tmp_path / "dpo.jsonl"
    code, _out, err = run_cli("prepare", source, "--target", "hf", "-o", out, "--no-report")
    assert code in (0, 1), err
    written = read_jsonl(out)
    assert written and all(set(r) == {"prompt", "chosen", "rejected"} for r in written)
    assert all(isinstance(r["prompt"], list) and r["chosen"][0]["role"] == "assistant"
               for r in written)  # fmt: skip
    assert _errors(run_json, out, "hf") == []

"""The shipped default target (``ftlint.config.DEFAULT_TARGET``): one a user can still train on
after OpenAI's self-serve fine-tuning stops taking jobs (2027-01-06), with the output contract
unchanged; and the lifecycle rule on injected dates, never on the machine's.

The rest of the suite pins ``FTLINT_TARGET=openai`` (tests/conftest.py): these tests remove
it, as a user's machine has no such variable."""

from __future__ import annotations

import json

import pytest

from ftlint.config import DEFAULT_TARGET
from tests.conftest import read_jsonl, write_jsonl

ROWS = [
    {
        "messages": [
            {"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": f"What is {i} + {i}?"},
            {"role": "assistant", "content": str(2 * i)},
        ]
    }
    for i in range(12)
]


@pytest.fixture
def shipped(monkeypatch):
    """No FTLINT_TARGET: the default a user gets."""
    monkeypatch.delenv("FTLINT_TARGET", raising=False)


def _codes(report: dict) -> set[str]:
    return {d["code"] for d in report["diagnostics"]}


def test_the_default_is_together_and_keeps_the_output_contract(shipped, tmp_path, run_json):
    path = write_jsonl(tmp_path / "train.jsonl", ROWS)
    code, report = run_json("check", path)
    assert DEFAULT_TARGET == "together"
    assert set(report) == {"version", "command", "files", "summary", "targets", "diagnostics"}
    assert (report["summary"]["target"], report["summary"]["model"]) == (
        "together",
        "openai/gpt-oss-20b",
    )
    assert [v["target"] for v in report["targets"]] == ["together"]
    assert report["targets"][0]["token_counts"].startswith("exact (tiktoken:o200k_base)")
    assert code == 0 and "FT901" not in _codes(report)


@pytest.mark.parametrize("day", ["2026-12-03", "2026-12-31", "2027-01-07", "2027-06-01"])
def test_the_default_can_be_trained_on_after_openai_stops_taking_jobs(
    shipped, tmp_path, run_json, monkeypatch, day
):
    """On every date, before and after OpenAI's deadlines, the default target's default model
    draws no model-retired finding; the same file for --target openai does from 2026-12-31."""
    monkeypatch.setenv("FTLINT_TODAY", day)
    path = write_jsonl(tmp_path / "train.jsonl", ROWS)
    _code, report = run_json("check", path)
    assert "FT901" not in _codes(report)
    _code, report = run_json("check", path, "--target", "openai")
    retired = [d for d in report["diagnostics"] if d["code"] == "FT901"]
    if day == "2026-12-03":
        assert not retired
    else:
        assert retired and retired[0]["severity"] == "error"
        assert "train instead on: " in retired[0]["message"]
        assert "together (openai/gpt-oss-20b)" in retired[0]["message"]


def test_the_lifecycle_margin_is_counted_from_the_injected_date(tmp_path, run_json, monkeypatch):
    """openai/gpt-4.1-mini: jobs close on 2027-01-06; a job needs 7 days, so the rule reports
    it once fewer are left: from 2026-12-31, not on 2026-12-30 (7 days left). The date is
    FTLINT_TODAY, or the rule's option, never the machine's."""
    path = write_jsonl(tmp_path / "train.jsonl", ROWS)
    monkeypatch.setenv("FTLINT_TODAY", "2026-12-30")
    _code, report = run_json("check", path, "--target", "openai", "--select", "FT901")
    assert report["diagnostics"] == []
    monkeypatch.setenv("FTLINT_TODAY", "2026-12-31")
    _code, report = run_json("check", path, "--target", "openai", "--select", "FT901")
    (finding,) = report["diagnostics"]
    assert "takes no new fine-tuning jobs from 2027-01-06, 6 days from now" in finding["message"]
    config = tmp_path / "ftlint.toml"
    config.write_text('[rules.model-retired]\ntoday = "2027-01-15"\n', "utf-8")
    _code, report = run_json(
        "check", path, "--target", "openai", "--select", "FT901", "--config", config
    )
    (finding,) = report["diagnostics"]
    assert "was shut down on 2027-01-14" in finding["message"]


def test_ftlint_target_the_configuration_and_the_flag_choose_in_that_order(
    shipped, tmp_path, run_json, monkeypatch
):
    path = write_jsonl(tmp_path / "train.jsonl", ROWS)
    monkeypatch.setenv("FTLINT_TARGET", "mistral")
    _code, report = run_json("check", path)
    assert report["summary"]["target"] == "mistral"
    config = tmp_path / "ftlint.toml"
    config.write_text('target = "hf"\n', "utf-8")
    _code, report = run_json("check", path, "--config", config)
    assert report["summary"]["target"] == "hf"
    _code, report = run_json("check", path, "--config", config, "--target", "vertex")
    assert report["summary"]["target"] == "vertex"


def test_prepare_by_default_writes_openai_chat_bytes_that_together_accepts(
    shipped, tmp_path, run_cli, run_json
):
    path = write_jsonl(tmp_path / "train.jsonl", ROWS)
    out = tmp_path / "out.jsonl"
    code, _out, err = run_cli("prepare", path, "-o", out, "--no-report")
    assert code == 0, err
    assert read_jsonl(out) == ROWS  # Together's chat format is OpenAI's, byte for byte
    _code, report = run_json("check", out)
    assert not [d for d in report["diagnostics"] if d["severity"] == "error"]
    files = pytest.importorskip("together.lib.utils.files")
    assert files.check_file(out)["is_check_passed"]


def test_ftlint_targets_marks_the_default(shipped, run_cli):
    code, out, _err = run_cli("targets", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    targets = listed if isinstance(listed, list) else listed["targets"]
    assert [t["name"] for t in targets if t["default"]] == ["together"]


def test_the_text_summary_names_no_price_table_without_a_price(shipped, tmp_path, run_cli):
    """Under the default (no published price) the cost line says so, and the epochs' source
    is in words beside the epochs, not a raw ``epochs_rule`` key."""
    path = write_jsonl(tmp_path / "train.jsonl", ROWS)
    _code, out, _err = run_cli("check", path)
    cost = next(line for line in out.splitlines() if line.strip().startswith("training "))
    assert "price table" not in cost and "no published price" in cost
    assert "1 epoch, default: " in cost
    assert "epochs_rule" not in out


def test_the_text_summary_names_the_price_table_beside_a_price(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "train.jsonl", ROWS)
    _code, out, _err = run_cli("check", path, "--target", "openai")
    cost = next(line for line in out.splitlines() if line.strip().startswith("training "))
    assert "≈ $" in cost and "openai price table" in cost


def test_a_model_of_another_target_gets_a_note_naming_it(shipped, tmp_path, run_cli):
    """``--model davinci-002`` under the default target: the run goes on (one target, any
    name), but a note says which targets list the model, since the rules that read the
    model's profile see an unknown model; a name no profile lists gets no note."""
    path = write_jsonl(tmp_path / "train.jsonl", [{"prompt": "a ->", "completion": " b\n"}] * 3)
    _code, out, err = run_cli("check", path, "--model", "davinci-002")
    text = out + err
    assert f"--model davinci-002 is not a model of {DEFAULT_TARGET}" in text
    assert "did you mean --target azure-openai or --target openai?" in text
    _code, out, err = run_cli("check", path, "--model", "davinci-002", "--target", "openai")
    assert "is not a model of" not in out + err
    _code, out, err = run_cli("check", path, "--model", "org/some-model", "--target", "hf")
    assert "is not a model of" not in out + err

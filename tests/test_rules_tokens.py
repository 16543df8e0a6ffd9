"""FT701 example-too-long and FT702 token-cost, through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ftlint.rules.tokens.statistics import distribution, histogram
from ftlint.rules.tokens.token_cost import automatic_epochs

from ftlint.tokens import TokenCounter, TokenizerUnavailable
from tests.conftest import write_jsonl


def chat(user: str, answer: str, system: str | None = None) -> dict:
    messages = [{"role": "system", "content": system}] if system else []
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return {"messages": messages}


def of(report: dict, code: str) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == code]


@pytest.fixture(scope="module")
def counter() -> TokenCounter:
    return TokenCounter("o200k_base")


def dataset(count: int = 12) -> list[dict]:
    return [chat(f"Question number {i} about invoices?", f"Answer {i}: see page {i}.")
            for i in range(count)]  # fmt: skip


# -- epochs, statistics ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("examples", "epochs"),
    [(1, 25), (5, 20), (10, 10), (33, 3), (34, 3), (100, 3), (8333, 3), (8334, 2),
     (12_500, 2), (12_501, 1), (1_000_000, 1)],
)  # fmt: skip
def test_automatic_epochs_follow_the_cookbook(examples, epochs):
    assert automatic_epochs(examples) == epochs


def test_distribution_uses_linear_quantiles():
    # numpy's default: position q * (n - 1), interpolated
    assert distribution(range(1, 101)) == {
        "min": 1, "p5": 6.0, "median": 50.5, "mean": 50.5, "p95": 95.0, "max": 100,
    }  # fmt: skip
    assert distribution([7]) == {"min": 7, "p5": 7, "median": 7, "mean": 7, "p95": 7, "max": 7}
    assert distribution([]) == {}


def test_histogram_buckets_are_powers_of_two():
    result = histogram([1, 2, 3, 4, 100, 130], limit=128)
    assert result["edges"] == [0, 2, 4, 8, 16, 32, 64, 128, 256]  # the first bucket is 0-1
    assert sum(result["counts"]) == 6
    assert result["limit"] == [128]
    # 100 falls in [64, 128), 130 in [128, 256)
    edges, counts = result["edges"], result["counts"]
    assert counts[edges.index(64)] == 1 and counts[edges.index(128)] == 1


# -- token-cost ------------------------------------------------------------------------------


def test_the_summary_carries_the_cost_figures(tmp_path, run_json, counter):
    rows = dataset(12)
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    _code, report = run_json("check", path)
    summary = report["summary"]
    totals = [counter.example(r).total for r in rows]
    assert summary["examples"] == 12
    assert summary["model"] == "gpt-4.1-mini-2025-04-14"
    assert summary["tokens"]["encoding"] == "o200k_base"
    assert summary["tokens"]["total"] == sum(totals)
    assert summary["tokens"]["trained"] == sum(counter.example(r).trained for r in rows)
    assert summary["tokens"]["max_example"] == max(totals)
    assert summary["epochs"] == 8  # 100 // 12
    assert summary["billed_tokens"] == sum(totals) * 8
    assert summary["estimated_cost_usd"] == pytest.approx(sum(totals) * 8 / 1e6 * 5.0, abs=1e-4)
    spread = summary["tokens"]["distribution"]
    assert spread["total"]["min"] == min(totals) and spread["total"]["max"] == max(totals)
    assert spread["messages"]["median"] == 2
    notes = of(report, "FT702")
    assert len(notes) == 1 and notes[0]["severity"] == "info"
    assert f"{sum(totals):,} tokens" in notes[0]["message"]
    assert "× 8 epochs (automatic)" in notes[0]["message"]
    assert "$5.00 per 1M" in notes[0]["message"]
    assert "estimate" in notes[0]["message"]


def test_n_epochs_and_a_configured_price_are_used(tmp_path, run_json, counter):
    rows = dataset(12)
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    config = tmp_path / "ftlint.toml"
    config.write_text("[rules.token-cost]\nprice-per-1m = 2.5\n", "utf-8")
    _code, report = run_json("check", path, "--n-epochs", "4", "--config", config)
    total = sum(counter.example(r).total for r in rows)
    summary = report["summary"]
    assert (summary["epochs"], summary["epochs_source"]) == (4, "n_epochs")
    assert summary["billed_tokens"] == total * 4
    assert summary["estimated_cost_usd"] == pytest.approx(total * 4 / 1e6 * 2.5, abs=1e-4)
    assert "configuration" in summary["price_source"]


@pytest.mark.parametrize("value", ["0", "51", "two"])
def test_a_bad_n_epochs_is_a_usage_error(tmp_path, run_cli, value):
    path = write_jsonl(tmp_path / "train.jsonl", dataset(12))
    code, _out, err = run_cli("check", path, "--n-epochs", value)
    assert code == 2
    assert "--n-epochs" in err


def test_billing_caps_each_example_at_the_limit(tmp_path, run_json, counter):
    long_answer = "word " * 400
    rows = [*dataset(11), chat("Summarise this", long_answer)]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    config = tmp_path / "ftlint.toml"
    config.write_text("[rules.token-cost]\nmax-tokens = 100\n", "utf-8")
    _code, report = run_json("check", path, "--config", config)
    totals = [counter.example(r).total for r in rows]
    assert max(totals) > 100
    tokens = report["summary"]["tokens"]
    assert tokens["limit"] == 100
    assert tokens["billed_per_epoch"] == sum(min(100, t) for t in totals)


def test_a_model_without_a_price_says_how_to_set_one(tmp_path, run_json):
    path = write_jsonl(tmp_path / "train.jsonl", dataset(12))
    _code, report = run_json("check", path, "--model", "gpt-4-0613")
    assert report["summary"]["estimated_cost_usd"] is None
    assert report["summary"]["tokens"]["encoding"] == "cl100k_base"
    assert "price-per-1m" in of(report, "FT702")[0]["message"]


def test_validation_examples_are_counted_apart_and_not_billed(tmp_path, run_json, counter):
    train = dataset(12)
    valid = [chat("A held-out question?", "A held-out answer.")]
    _code, report = run_json(
        "check", write_jsonl(tmp_path / "t.jsonl", train),
        "--validation-file", write_jsonl(tmp_path / "v.jsonl", valid),
    )  # fmt: skip
    files = {Path(f["path"]).name: f for f in report["files"]}
    summary = files["t.jsonl"]["summary"]
    assert summary["examples"] == 12
    assert summary["validation"] == {"examples": 1, "tokens": counter.example(valid[0]).total}
    assert summary["tokens"]["total"] == sum(counter.example(r).total for r in train)


def test_prompt_completion_files_count_both_fields(tmp_path, run_json):
    rows = [
        {"prompt": f"Review {i}: fine\n\n###\n\n", "completion": " positive"} for i in range(12)
    ]
    counter = TokenCounter("cl100k_base")
    _code, report = run_json("check", write_jsonl(tmp_path / "pc.jsonl", rows),
                             "--model", "babbage-002")  # fmt: skip
    tokens = report["summary"]["tokens"]
    assert tokens["encoding"] == "cl100k_base"
    assert tokens["total"] == sum(counter.example(r).total for r in rows)
    assert tokens["trained"] == 12 * counter.text(" positive")


def test_data_converted_for_the_model_is_counted_as_prepare_writes_it(tmp_path, run_json):
    # Prompt/completion data for a chat model trains as user/assistant messages (with their
    # overheads and the --system prompt): check must bill what prepare writes.
    rows = [{"prompt": f"Ticket {i}: my parcel is late", "completion": f" Sorry, ref {i}."}
            for i in range(12)]  # fmt: skip
    source = write_jsonl(tmp_path / "pc.jsonl", rows)
    config = tmp_path / "ftlint.toml"
    config.write_text('model = "gpt-4o-mini-2024-07-18"\nsystem = "You are support."\n')
    options = ("--config", config)
    _code, before = run_json("check", source, *options)
    prepared = tmp_path / "out.jsonl"
    run_json("prepare", source, "-o", prepared, "--no-report", *options)
    _code, after = run_json("check", prepared, *options)
    assert before["summary"]["tokens"]["total"] == after["summary"]["tokens"]["total"]
    assert before["summary"]["tokens"]["trained"] == after["summary"]["tokens"]["trained"]
    counter = TokenCounter("o200k_base")
    plain = sum(counter.example(r).total for r in rows)
    assert before["summary"]["tokens"]["total"] > plain  # message overheads and the system


def test_check_takes_the_system_prompt_on_the_command_line_as_prepare_does(tmp_path, run_json):
    rows = [{"prompt": f"Order {i}: where is it?", "completion": f" On its way, ref {i}."}
            for i in range(12)]  # fmt: skip
    source = write_jsonl(tmp_path / "pc.jsonl", rows)
    system = ("--system", "You are the support desk of a parcel service.")
    _code, without = run_json("check", source)
    _code, before = run_json("check", source, *system)
    prepared = tmp_path / "out.jsonl"
    run_json("prepare", source, "-o", prepared, "--no-report", *system)
    _code, after = run_json("check", prepared)
    assert before["summary"]["tokens"] == after["summary"]["tokens"]
    counter = TokenCounter("o200k_base")
    per_example = counter.text(system[1]) + 3 + 1  # its text, the overhead, its role
    assert before["summary"]["tokens"]["total"] == (
        without["summary"]["tokens"]["total"] + 12 * per_example
    )


def test_a_json_array_file_is_counted_too(tmp_path, run_json, counter):
    rows = dataset(12)
    path = tmp_path / "train.json"
    path.write_text(json.dumps(rows, indent=2), "utf-8")
    _code, report = run_json("check", path)
    assert report["summary"]["tokens"]["total"] == sum(counter.example(r).total for r in rows)


def test_the_text_report_shows_the_distribution_and_a_histogram(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "train.jsonl", dataset(12))
    _code, out, _err = run_cli("check", path, "--color", "never")
    assert "per example" in out and "median" in out and "p95" in out
    assert "total tokens" in out and "trained tokens" in out and "messages" in out
    assert "tokens per example:" in out
    assert "█" in out


def test_a_missing_tokenizer_stops_the_run_with_the_fix(tmp_path, run_cli, monkeypatch):
    def unavailable(name):
        raise TokenizerUnavailable(
            f"cannot load the {name} token encoding: install it with "
            "`pip install 'ftlint[offline]'`"
        )

    monkeypatch.setattr("ftlint.tokens._COUNTERS", {})
    monkeypatch.setattr("ftlint.tokens.get_encoding", unavailable)
    monkeypatch.setattr("ftlint.tokens._small_encoder", lambda name: None)  # no table either
    path = write_jsonl(tmp_path / "train.jsonl", dataset(12))
    code, out, err = run_cli("check", path)
    assert code == 2
    assert "pip install 'ftlint[offline]'" in err
    assert "Traceback" not in err + out


# -- example-too-long ------------------------------------------------------------------------


def test_an_example_over_the_limit_is_reported_and_its_fix_drops_it(tmp_path, run_json, counter):
    rows = [*dataset(11), chat("Summarise this", "word " * 300)]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    config = tmp_path / "ftlint.toml"
    config.write_text("[rules.example-too-long]\nmax-tokens = 120\n", "utf-8")
    _code, report = run_json("check", path, "--config", config)
    found = of(report, "FT701")
    assert [d["location"]["line"] for d in found] == [12]
    total = counter.example(rows[-1]).total
    assert f"{total:,} tokens" in found[0]["message"]
    assert "truncates it silently" in found[0]["message"]
    assert found[0]["fix"]["applicability"] == "unsafe"

    out = tmp_path / "out.jsonl"
    _code, report = run_json("prepare", path, "-o", out, "--config", config, "--unsafe-fixes",
                            "--no-report")  # fmt: skip
    written = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(written) == 11
    dropped = report["files"][0]["dropped"]
    assert [(d["location"]["line"], d["code"]) for d in dropped] == [(12, "FT701")]


def test_the_models_own_limit_applies(tmp_path, run_json):
    # 16,385 tokens for gpt-3.5-turbo: one example well over it
    rows = [*dataset(11), chat("Repeat", "banana " * 17_000)]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    _code, report = run_json("check", path, "--model", "gpt-3.5-turbo-0125")
    found = of(report, "FT701")
    assert (
        len(found) == 1
        and "16,385-token training limit of gpt-3.5-turbo-0125" in found[0]["message"]
    )
    _code, report = run_json("check", path)  # gpt-4.1-mini: 65,536 tokens, fits
    assert of(report, "FT701") == []


def test_the_cookbook_toy_file(shared_data, run_json):
    path = shared_data / "openai__openai-cookbook" / "toy_chat_fine_tuning.jsonl"
    _code, report = run_json("check", path, "--model", "gpt-3.5-turbo-0125")
    summary = report["summary"]
    assert summary["tokens"]["max_example"] == 8032
    assert summary["tokens"]["distribution"]["total"]["median"] == 45
    assert summary["tokens"]["distribution"]["trained"]["max"] == 8000
    assert summary["epochs"] == 20
    assert summary["billed_tokens"] == 20 * summary["tokens"]["total"]


# -- per-example columns (Report.to_pandas) --------------------------------------------------


def mixed_lines() -> list[str]:
    """Chat, then prompt/completion, then Alpaca records, with a blank line and a line of
    bad JSON among them: line numbers and record ordinals part, and neither is counted."""
    lines = [json.dumps(chat(f"Question {i}?", f"Answer {i}.")) for i in range(16)]
    lines += [json.dumps({"prompt": f"Prompt {i}", "completion": f" done {i}"}) for i in range(8)]
    lines.insert(5, "")
    lines.insert(9, '{"messages": [')
    lines += [json.dumps({"instruction": "Translate", "input": f"cheese {i}", "output": "fromage"})
              for i in range(8)]  # fmt: skip
    return lines


def test_token_cost_gives_one_row_per_training_example(tmp_path, counter):
    import ftlint

    lines = mixed_lines()
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    report = ftlint.check(path, isolated=True, select="FT702")
    columns = {key: list(values) for key, values in report.files[0].examples.items()}
    assert set(columns) == {"record", "line", "tokens", "trained_tokens", "messages", "shape"}
    assert {len(values) for values in columns.values()} == {32}
    # Line 6 is blank (no record), line 10 is bad JSON (record 9, not an example).
    expected_lines = [n for n in range(1, 35) if n not in (6, 10)]
    assert columns["line"] == expected_lines
    assert columns["record"] == [n if n < 6 else n - 1 for n in expected_lines]
    assert columns["shape"] == ["chat"] * 16 + ["prompt-completion"] * 8 + ["alpaca"] * 8
    shape = report.files[0].examples["shape"]  # one byte per example, read as the names
    assert shape == columns["shape"] and len(shape) == 32 and shape[-1] == "alpaca"
    assert shape[14:18] == columns["shape"][14:18]
    import pickle

    assert list(pickle.loads(pickle.dumps(shape))) == columns["shape"]
    rows = [json.loads(lines[n - 1]) for n in expected_lines[:16]]
    assert columns["tokens"][:16] == [counter.example(r).total for r in rows]
    assert columns["trained_tokens"][:16] == [counter.example(r).trained for r in rows]
    assert columns["messages"] == [2] * 32  # converted for the chat model: user, assistant
    tokens = report.summary()["tokens"]
    assert sum(columns["tokens"]) == tokens["total"]
    assert sum(columns["trained_tokens"]) == tokens["trained"]


def test_parts_checked_in_parallel_give_the_same_columns(tmp_path, monkeypatch):
    import ftlint
    from ftlint.engine import Engine

    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(mixed_lines()) + "\n", "utf-8")
    one = ftlint.check(path, isolated=True, select="FT702", jobs=1).files[0].examples
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1")
    parts = []
    original = Engine._scan_parallel

    def spy(self, executor, units):
        parts.append(len(units))
        return original(self, executor, units)

    monkeypatch.setattr(Engine, "_scan_parallel", spy)
    two = ftlint.check(path, isolated=True, select="FT702", jobs=2).files[0].examples
    assert parts and parts[0] > 1  # the file really was checked in parts
    assert {k: list(v) for k, v in two.items()} == {k: list(v) for k, v in one.items()}


def _figures(report: dict) -> dict[str, dict]:
    return {v["target"]: v["summary"] for v in report["targets"]}


def test_each_target_has_its_own_epochs_and_price(tmp_path, run_json, run_cli, counter):
    """One run over several targets: OpenAI's automatic epochs and price, Together's default
    epoch and no dollar figure, Bedrock's 2 epochs, Mistral's unpublished default (tokens per
    epoch only); the text report prints each target's figures under its verdict."""
    rows = dataset(12)
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    _code, report = run_json("check", path, "--target", "openai,together,bedrock,mistral,hf")
    figures = _figures(report)
    total = sum(counter.example(r).total for r in rows)
    openai, together = figures["openai"], figures["together"]
    assert (openai["epochs"], openai["epochs_source"]) == (8, "automatic")
    assert openai["estimated_cost_usd"] == pytest.approx(total * 8 / 1e6 * 5.0, abs=1e-4)
    assert (together["epochs"], together["epochs_source"]) == (1, "default")
    assert together["billed_tokens"] == total  # the same o200k_base count, 1 epoch
    assert together["estimated_cost_usd"] is None and together["price_per_1m"] is None
    assert (figures["bedrock"]["epochs"], figures["hf"]["epochs"]) == (2, 3)
    mistral = figures["mistral"]
    assert (mistral["epochs"], mistral["epochs_source"]) == (None, "not published")
    assert mistral["billed_tokens"] is None and mistral["estimated_cost_usd"] is None
    assert mistral["tokens"]["billed_per_epoch"] > 0
    messages = {d["target"]: d["message"] for d in of(report, "FT702")}
    assert "× 1 epoch (together's default)" in messages["together"]
    assert "no published price for openai/gpt-oss-20b on together" in messages["together"]
    assert "$" not in messages["together"]
    assert "no published default number of epochs for mistral" in messages["mistral"]
    _code, text, _err = run_cli("check", path, "--target", "openai,together,mistral")
    verdicts = text[text.index("verdicts") :]
    assert f"billed {total * 8:,} tokens (8 epochs, automatic) ≈ $" in verdicts
    assert f"billed {total:,} tokens (1 epoch, default); no published price" in verdicts
    assert "tokens per epoch (no published default epochs); no published price" in verdicts


def test_config_sets_epochs_and_prices_per_target(tmp_path, run_json, counter):
    rows = dataset(12)
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    config = tmp_path / "ftlint.toml"
    config.write_text(
        "[rules.token-cost]\nn-epochs = {mistral = 2}\nprice-per-1m = {together = 3.0}\n",
        "utf-8",
    )
    _code, report = run_json("check", path, "--target", "openai,together", "--config", config)
    figures = _figures(report)
    total = sum(counter.example(r).total for r in rows)
    together = figures["together"]
    assert together["estimated_cost_usd"] == pytest.approx(total * 1 / 1e6 * 3.0, abs=1e-4)
    assert "configuration" in together["price_source"]
    assert figures["openai"]["price_per_1m"] == 5.0  # the others keep their own
    _code, report = run_json("check", path, "--target", "mistral,openai", "--config", config)
    figures = _figures(report)
    assert (figures["mistral"]["epochs"], figures["mistral"]["epochs_source"]) == (2, "n_epochs")
    assert figures["openai"]["epochs_source"] == "automatic"

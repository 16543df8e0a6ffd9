"""``ftlint submit`` and ``ftlint jobs``, driven through the real ``openai`` client over real
HTTP against a fake fine-tuning API on 127.0.0.1 (tests/fake_openai_server.py)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ftlint.plugins.submit import retry
from ftlint.plugins.submit.errors import data_rule_hints
from ftlint.plugins.submit.jobs import JobRequest, metric_from_event, sparkline
from ftlint.plugins.submit.results import decode_result_content, parse_result_csv, render_svg
from ftlint.plugins.submit.safety import insecure_url_problem, scrub

from tests.fake_openai_server import (
    FakeOpenAI,
    Step,
    failure_script,
    running_script,
)

KEY = "sk-ftlint-test-DO-NOT-LEAK-7f3a9c2e5b1d4a6f8e0c"
MODEL = "gpt-4o-mini-2024-07-18"
TOPICS = (
    "rivers", "mountains", "volcanoes", "glaciers", "deserts", "forests",
    "oceans", "islands", "lakes", "canyons", "caves", "reefs",
)  # fmt: skip
ENV_TO_CLEAR = (
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_ADMIN_KEY",
    "OPENAI_CUSTOM_HEADERS",
    "OPENAI_LOG",
    "AZURE_OPENAI_API_KEY",
    "AZURE_OPENAI_AD_TOKEN",
    "AZURE_OPENAI_ENDPOINT",
    "OPENAI_API_VERSION",
    "FTLINT_UPLOAD_THRESHOLD",
    "FTLINT_UPLOAD_PART_SIZE",
    "FTLINT_DEBUG",
)


# ---------------------------------------------------------------------------------------------
# Fixtures


def chat_line(topic: str, i: int, system: bool = True) -> str:
    messages = [
        {"role": "user", "content": f"Tell me one fact about {topic}."},
        {"role": "assistant", "content": f"A fact about {topic}: they differ widely ({i})."},
    ]
    if system:
        messages.insert(0, {"role": "system", "content": "You are a concise geography tutor."})
    return json.dumps({"messages": messages})


@pytest.fixture
def data(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "data"
    folder.mkdir()
    train = folder / "train.jsonl"
    train.write_text("".join(chat_line(t, i) + "\n" for i, t in enumerate(TOPICS)))
    valid = folder / "valid.jsonl"
    valid.write_text(
        "".join(chat_line(t + " today", i, False) + "\n" for i, t in enumerate(TOPICS[:10]))
    )
    return {"train": train, "valid": valid, "dir": folder}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    server = FakeOpenAI(KEY)
    url = server.start()
    for name in ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    monkeypatch.setenv("FTLINT_POLL_INTERVAL", "0.01")
    monkeypatch.setenv("FTLINT_CACHE_DIR", str(tmp_path / "cache"))
    yield server
    server.stop()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """ftlint's own waits (Retry-After, backoff, polling), recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(retry, "sleep", recorded.append)
    return recorded


def submit_args(data: dict[str, Path], *extra: str, valid: bool = True) -> list[str]:
    args = ["submit", str(data["train"]), "--model", MODEL, "--yes"]
    if valid:
        args += ["--validation-file", str(data["valid"])]
    return [*args, *extra]


def assert_no_key(tmp_path: Path, *texts: str) -> None:
    for text in texts:
        assert KEY not in text
        assert KEY[10:30] not in text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def job_creates(fake: FakeOpenAI) -> list:
    return fake.calls("POST", "/fine_tuning/jobs")


# ---------------------------------------------------------------------------------------------
# Start-up


def test_openai_is_not_imported_at_start_up():
    code = (
        "import sys, ftlint.cli, ftlint.pluginmanager; "
        "ftlint.cli.build_parser(ftlint.pluginmanager.load_plugins()); "
        "assert 'openai' not in sys.modules, 'openai imported at start-up'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_submit_without_the_openai_package_names_the_extra(fake, data, run_cli, monkeypatch):
    """openai is the ``submit`` extra: without it, submit and jobs say what to install."""
    for name in [m for m in sys.modules if m == "openai" or m.startswith("openai.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "openai", None)  # import fails as if not installed
    code, _out, err = run_cli(*submit_args(data))
    assert code == 2
    assert "needs the openai package" in err and "pip install 'ftlint[submit]'" in err
    assert not job_creates(fake)
    code, _out, err = run_cli("jobs", "list")
    assert code == 2 and "ftlint[submit]" in err


def test_commands_are_registered():
    from ftlint.cli import build_parser
    from ftlint.pluginmanager import load_plugins

    parser = build_parser(load_plugins())
    args = parser.parse_args(["submit", "t.jsonl", "--model", "m", "--method", "dpo"])
    assert args.method == "dpo" and args.func.__name__ == "cmd_submit"
    args = parser.parse_args(["jobs", "follow", "ftjob-1"])
    assert args.func.__name__ == "cmd_jobs_follow"


# ---------------------------------------------------------------------------------------------
# The happy path


def test_submit_follows_the_job_to_success(fake, data, run_cli, tmp_path):
    code, out, err = run_cli(*submit_args(data, "--suffix", "demo", "--n-epochs", "3"))
    assert code == 0, err
    model = f"ft:{MODEL}:org-fake:demo:"
    assert "succeeded" in out and model in out
    assert "chat.completions.create" in out  # how to call it
    assert "Step 12/12" in out  # events as they came
    # One job, created with the method parameter and the hyperparameters.
    (create,) = job_creates(fake)
    assert create.json["method"] == {
        "type": "supervised",
        "supervised": {"hyperparameters": {"n_epochs": 3}},
    }
    assert create.json["suffix"] == "demo"
    assert create.json["validation_file"] == create.json["training_file"].replace("1", "2")
    assert create.json["metadata"]["ftlint_submission"]
    assert create.headers["idempotency-key"].startswith("ftlint-")
    # The result CSV next to the data, exactly as served, and the plot.
    job_id = next(iter(fake.jobs))
    csv_path = data["dir"] / f"train.{job_id}.results.csv"
    assert csv_path.read_bytes() == fake.jobs[job_id]["_csv"]
    svg = (data["dir"] / f"train.{job_id}.loss.svg").read_text()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert 'data-series="train loss"' in svg and 'data-series="validation loss"' in svg
    assert "final train loss 0.137439, validation loss 0.312932 (12 steps" in out
    assert_no_key(tmp_path, out, err)


def test_submit_json_output(fake, data, run_cli):
    code, out, err = run_cli(*submit_args(data, "--output-format", "json"))
    assert code == 0, err
    document = json.loads(out)
    assert document["exit_code"] == 0
    assert document["job"]["status"] == "succeeded"
    assert document["job"]["fine_tuned_model"].startswith(f"ft:{MODEL}")
    assert document["files"]["training"]["reused"] is False
    assert (
        document["files"]["training"]["sha256"]
        == hashlib.sha256(data["train"].read_bytes()).hexdigest()
    )
    assert document["metrics"]["steps"] == 12
    assert document["metrics"]["plot"].endswith(".loss.svg")
    assert document["preflight"]["summary"]["errors"] == 0
    assert {"estimated_cost_usd", "billed_tokens", "epochs"} <= set(document["cost"])
    assert len(document["checkpoints"]) == 2
    assert "succeeded" in err  # the human messages went to standard error


def test_base64_result_file_and_png_plot(fake, data, run_cli):
    pytest.importorskip("matplotlib")
    fake.result_base64 = True
    code, _out, err = run_cli(*submit_args(data, "--plot-format", "png"))
    assert code == 0, err
    job_id = next(iter(fake.jobs))
    csv_text = (data["dir"] / f"train.{job_id}.results.csv").read_text()
    assert csv_text.startswith("step,train_loss")
    png = data["dir"] / f"train.{job_id}.loss.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_png_falls_back_to_svg_without_matplotlib(fake, data, run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    code, out, err = run_cli(*submit_args(data, "--plot-format", "png"))
    assert code == 0, err
    assert "matplotlib is not installed" in out
    job_id = next(iter(fake.jobs))
    assert (data["dir"] / f"train.{job_id}.loss.svg").is_file()
    assert not (data["dir"] / f"train.{job_id}.loss.png").exists()


def test_dpo_method_carries_beta(fake, data, run_cli, tmp_path):
    train = tmp_path / "prefs.jsonl"
    lines = []
    for i, topic in enumerate(TOPICS):
        lines.append(
            json.dumps(
                {
                    "input": {"messages": [{"role": "user", "content": f"Describe {topic}."}]},
                    "preferred_output": [
                        {"role": "assistant", "content": f"{topic.title()} are varied ({i})."}
                    ],
                    "non_preferred_output": [{"role": "assistant", "content": f"No idea {i}."}],
                }
            )
        )
    train.write_text("\n".join(lines) + "\n")
    code, _out, err = run_cli(
        "submit", train, "--model", MODEL, "--yes", "--no-wait",
        "--method", "dpo", "--beta", "0.2", "--learning-rate-multiplier", "0.5",
    )  # fmt: skip
    assert code == 0, err
    (create,) = job_creates(fake)
    assert create.json["method"] == {
        "type": "dpo",
        "dpo": {"hyperparameters": {"learning_rate_multiplier": 0.5, "beta": 0.2}},
    }


# ---------------------------------------------------------------------------------------------
# Failures


def test_failed_job_shows_error_and_the_rule(fake, data, run_cli, tmp_path):
    message = "Training file has 5 example(s), but must have at least 10 examples"
    fake.job_script = failure_script("invalid_n_examples", message, "training_file")
    code, out, err = run_cli(*submit_args(data))
    assert code == 1
    assert "failed (invalid_n_examples)" in err
    assert message in err
    assert "[parameter: training_file]" in err
    assert "too-few-examples (FT601)" in err
    assert f"ftlint check {data['train']} --select too-few-examples" in err
    assert_no_key(tmp_path, out, err)


def test_moderation_failure_says_no_rule_covers_it(fake, data, run_cli):
    message = (
        "The job failed due to an unsafe training file. This training file was blocked by our "
        "moderation system because it contains too many examples that violate usage policies"
    )
    fake.job_script = failure_script("invalid_training_file", message)
    code, _out, err = run_cli(*submit_args(data))
    assert code == 1
    assert "moderation" in err and "ftlint does not run a moderation check" in err


def test_cancelled_job_exits_1(fake, data, run_cli):
    fake.job_script = [Step("running", [("info", "started")]), Step("cancelled")]
    code, _out, err = run_cli(*submit_args(data))
    assert code == 1
    assert "was cancelled" in err


def test_api_refusal_reaches_the_user_with_the_deprecation_note(fake, data, run_cli, tmp_path):
    refusal = "Self-serve fine-tuning no longer accepts new jobs. See the deprecations page."
    fake.add_fault(
        "POST",
        "/fine_tuning/jobs",
        status=403,
        times=99,
        body={"error": {"message": refusal, "type": "invalid_request_error",
                        "code": "fine_tuning_unavailable", "param": None}},
    )  # fmt: skip
    code, out, err = run_cli(*submit_args(data))
    assert code == 3
    assert refusal in err
    assert "HTTP 403, code fine_tuning_unavailable" in err
    assert "2027-01-06" in err and "--provider azure" in err
    assert len(job_creates(fake)) == 1  # a definite refusal is not retried
    assert_no_key(tmp_path, out, err)


# ---------------------------------------------------------------------------------------------
# Retries


def test_429_with_retry_after_on_job_creation(fake, data, run_cli, sleeps):
    fake.add_fault(
        "POST",
        "/fine_tuning/jobs",
        status=429,
        headers={"Retry-After": "7"},
        body={"error": {"message": "Rate limit reached", "type": "requests", "code": None,
                        "param": None}},
    )  # fmt: skip
    code, _out, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 0, err
    assert sleeps[0] == 7.0  # waited exactly as the server asked
    creates = job_creates(fake)
    assert len(creates) == 2 and fake.created_jobs == 1
    assert creates[0].headers["idempotency-key"] == creates[1].headers["idempotency-key"]
    assert "7s as the server asked" in err


def test_429_with_retry_after_on_upload_is_retried_by_the_client(fake, data, run_cli):
    fake.add_fault("POST", "/files", status=429, headers={"retry-after-ms": "20"})
    code, _out, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0, err
    calls = fake.calls("POST", "/files")
    assert len(calls) == 2
    assert calls[1].headers["x-stainless-retry-count"] == "1"
    assert len([f for f in fake.files.values() if f["purpose"] == "fine-tune"]) == 1


def test_500s_during_polling_are_survived(fake, data, run_cli, sleeps):
    fake.add_fault(
        "GET", r"/fine_tuning/jobs/[^/]+", status=500, times=4, headers={"retry-after-ms": "5"}
    )
    fake.add_fault(
        "GET", r"/fine_tuning/jobs/[^/]+/events", status=502, times=2,
        headers={"retry-after-ms": "5"},
    )  # fmt: skip
    code, out, err = run_cli(*submit_args(data, "--max-retries", "1"))
    assert code == 0, err
    assert "succeeded" in out
    assert "polling again shortly" in err
    assert len(fake.calls("GET", r"/fine_tuning/jobs/[^/]+")) >= 6 + 4


def test_persistent_polling_errors_stop_with_exit_3_and_a_resume_hint(fake, data, run_cli, sleeps):
    fake.add_fault("GET", r"/fine_tuning/jobs/[^/]+", status=503, times=1000)
    code, _out, err = run_cli(*submit_args(data, "--max-retries", "0"))
    assert code == 3
    assert "polls in a row failed" in err
    job_id = next(iter(fake.jobs))
    assert f"ftlint jobs follow {job_id}" in err
    assert fake.jobs[job_id]["status"] != "cancelled"


def test_dropped_connection_during_upload(fake, data, run_cli):
    fake.add_fault("POST", "/files", kind="drop")
    code, _out, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0, err
    calls = fake.calls("POST", "/files")
    assert [c.dropped for c in calls] == [True, False]
    (stored,) = [f for f in fake.files.values() if f["purpose"] == "fine-tune"]
    assert fake.contents[stored["id"]] == data["train"].read_bytes()


def test_multipart_upload_with_a_dropped_part(fake, data, run_cli, monkeypatch):
    monkeypatch.setenv("FTLINT_UPLOAD_THRESHOLD", "1000")
    monkeypatch.setenv("FTLINT_UPLOAD_PART_SIZE", "700")
    fake.add_fault("POST", r"/uploads/[^/]+/parts", kind="drop")
    code, out, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0, err
    size = data["train"].stat().st_size
    parts = -(-size // 700)
    assert f"in {parts} parts through the Uploads API" in out
    assert len(fake.calls("POST", r"/uploads/[^/]+/parts")) == parts + 1  # one resent
    (complete,) = fake.calls("POST", r"/uploads/[^/]+/complete")
    assert complete.json["md5"] == hashlib.md5(data["train"].read_bytes()).hexdigest()
    (upload,) = fake.uploads.values()
    assert upload["mime_type"] == "text/jsonl" and upload["status"] == "completed"
    assert fake.contents[upload["file"]["id"]] == data["train"].read_bytes()
    assert not fake.calls("POST", "/files")


def test_failed_multipart_upload_is_cancelled(fake, data, run_cli, monkeypatch):
    monkeypatch.setenv("FTLINT_UPLOAD_THRESHOLD", "1000")
    fake.add_fault(
        "POST",
        r"/uploads/[^/]+/complete",
        status=400,
        body={"error": {"message": "md5 mismatch", "type": "invalid_request_error"}},
    )
    code, _out, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 3
    assert "md5 mismatch" in err
    (upload,) = fake.uploads.values()
    assert upload["status"] == "cancelled"
    assert len(fake.calls("POST", r"/uploads/[^/]+/cancel")) == 1
    assert fake.created_jobs == 0


def test_lost_answer_on_job_creation_never_creates_twice(fake, data, run_cli, sleeps):
    fake.add_fault("POST", "/fine_tuning/jobs", kind="drop_after")
    code, out, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 0, err
    assert fake.created_jobs == 1
    assert len(job_creates(fake)) == 1
    lookup = fake.calls("GET", "/fine_tuning/jobs")
    assert lookup and any(k.startswith("metadata[") for k in lookup[0].query)
    assert "the job had been created" in out


def test_lost_answer_and_a_lagging_job_list(fake, data, run_cli, sleeps):
    fake.add_fault("POST", "/fine_tuning/jobs", kind="drop_after")
    empty = {"object": "list", "data": [], "has_more": False}
    fake.add_fault("GET", "/fine_tuning/jobs", status=200, body=empty)  # not listed yet
    code, out, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 0, err
    assert fake.created_jobs == 1 and len(job_creates(fake)) == 1
    assert len(fake.calls("GET", "/fine_tuning/jobs")) == 2
    assert "the job had been created" in out


def test_lost_answer_and_an_unreadable_job_list_stops(fake, data, run_cli, sleeps):
    fake.add_fault("POST", "/fine_tuning/jobs", kind="drop_after")
    fake.add_fault("GET", "/fine_tuning/jobs", status=500, times=99)
    code, _out, err = run_cli(*submit_args(data, "--no-wait", "--max-retries", "0"))
    assert code == 3
    assert "cannot be read" in err and "ftlint jobs list" in err
    assert len(job_creates(fake)) == 1  # never re-sent blindly


def test_lost_answer_without_metadata_support_matches_by_files(fake, data, run_cli, sleeps):
    fake.accept_metadata = False
    # The first request is rejected for its metadata (nothing created); the second creates
    # the job but its answer is lost; the job is then found by its files and model.
    fake.add_fault("POST", "/fine_tuning/jobs", kind="drop_after", skip=1)
    code, out, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 0, err
    assert "does not take job metadata" in out
    assert "the job had been created" in out
    assert fake.created_jobs == 1
    assert len(job_creates(fake)) == 2
    (lookup,) = fake.calls("GET", "/fine_tuning/jobs")
    assert not any(k.startswith("metadata[") for k in lookup.query)


def test_server_errors_on_creation_retry_then_give_up_with_exit_3(fake, data, run_cli, sleeps):
    fake.add_fault("POST", "/fine_tuning/jobs", status=500, times=99)
    code, _out, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 3
    assert fake.created_jobs == 0
    assert len(job_creates(fake)) == 5  # bounded
    assert "HTTP 500" in err


# ---------------------------------------------------------------------------------------------
# Reuse of uploaded files


def test_identical_file_is_reused_not_sent_again(fake, data, run_cli):
    code, _, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 0, err
    assert len(fake.calls("POST", "/files")) == 2
    code, out, err = run_cli(*submit_args(data, "--no-wait", "--output-format", "json"))
    assert code == 0, err
    assert len(fake.calls("POST", "/files")) == 2  # nothing uploaded the second time
    document = json.loads(out)
    assert document["files"]["training"]["reused"] is True
    first, second = (c.json for c in job_creates(fake))
    assert first["training_file"] == second["training_file"]
    assert "already uploaded as" in err


def test_same_name_and_size_but_other_content_is_uploaded_again(fake, data, run_cli):
    code, _, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0, err
    text = data["train"].read_text()
    data["train"].write_text(text.replace("rivers", "rovers"))  # same size, other bytes
    code, _, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0, err
    assert len(fake.calls("POST", "/files")) == 2
    first, second = (c.json for c in job_creates(fake))
    assert first["training_file"] != second["training_file"]


def test_reuse_without_a_local_record_checks_the_content(fake, data, run_cli, tmp_path):
    code, _, _ = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0
    (tmp_path / "cache" / "uploads.json").unlink()  # another machine: no record
    code, _, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0, err
    assert len(fake.calls("POST", "/files")) == 1  # verified by downloading and hashing
    assert fake.calls("GET", r"/files/[^/]+/content")
    # Where downloads are refused, an unverifiable file is uploaded again.
    (tmp_path / "cache" / "uploads.json").unlink()
    fake.allow_download = False
    code, _, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0, err
    assert len(fake.calls("POST", "/files")) == 2


def test_file_rejected_by_the_provider(fake, data, run_cli):
    fake.new_file_statuses = ["uploaded", "error"]
    code, _out, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 1
    assert "rejected the training file" in err
    assert fake.created_jobs == 0


def test_waits_until_the_file_is_processed(fake, data, run_cli):
    fake.new_file_statuses = ["uploaded", "uploaded", "processed"]
    code, _out, err = run_cli(*submit_args(data, "--no-wait", valid=False))
    assert code == 0, err
    assert len(fake.calls("GET", r"/files/file-[^/]+")) == 2


# ---------------------------------------------------------------------------------------------
# The key never shows


def test_rejected_key_is_never_printed(fake, data, run_cli, tmp_path, monkeypatch):
    wrong = "sk-ftlint-WRONG-key-0123456789abcdefXYZ"
    monkeypatch.setenv("OPENAI_API_KEY", wrong)
    code, out, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 3
    assert "HTTP 401" in err and "invalid_api_key" in err
    assert "Incorrect API key provided: ***" in err
    assert wrong not in out + err
    code, out, err = run_cli("jobs", "list", "--output-format", "json")
    assert code == 3
    assert wrong not in out + err
    assert json.loads(out)["error"]["message"].startswith("listing fine-tuning jobs failed")
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert wrong.encode() not in path.read_bytes()


def test_no_key_in_any_output_across_commands(fake, data, run_cli, tmp_path):
    outputs = []
    for args in (
        submit_args(data, "--output-format", "json"),
        submit_args(data, "--no-wait"),
        ["jobs", "list"],
        ["jobs", "list", "--output-format", "json"],
    ):
        code, out, err = run_cli(*args)
        assert code == 0, err
        outputs += [out, err]
    job_id = list(fake.jobs)[-1]
    for args in (["jobs", "follow", job_id, "--output-dir", str(tmp_path)],
                 ["jobs", "cancel", job_id]):  # fmt: skip
        code, out, err = run_cli(*args)
        outputs += [out, err]
    assert_no_key(tmp_path, *outputs)


def test_scrub_removes_keys_from_any_text(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    text = f"error for {KEY}; header Authorization: Bearer abcdefghijkl1234; sk-other123456789"
    cleaned = scrub(text)
    assert KEY not in cleaned and "abcdefghijkl1234" not in cleaned
    assert "sk-other123456789" not in cleaned
    assert "Bearer ***" in cleaned


# ---------------------------------------------------------------------------------------------
# --no-wait, jobs follow / list / cancel, Ctrl-C


def test_no_wait_then_jobs_follow(fake, data, run_cli, tmp_path):
    code, out, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 0, err
    job_id = next(iter(fake.jobs))
    assert f"ftlint jobs follow {job_id}" in out
    assert not fake.calls("GET", rf"/fine_tuning/jobs/{job_id}")  # not followed
    results = tmp_path / "results"
    results.mkdir()
    code, out, err = run_cli("jobs", "follow", job_id, "--output-dir", results)
    assert code == 0, err
    assert "succeeded" in out
    assert (results / f"{job_id}.results.csv").read_bytes() == fake.jobs[job_id]["_csv"]
    assert (results / f"{job_id}.loss.svg").is_file()


def test_result_files_are_not_overwritten_without_force(fake, data, run_cli, tmp_path):
    """Following a job again keeps the result CSV and plot it wrote before (a warning says
    so, the metrics are still shown); --force replaces them. No temporary file is left."""
    code, _out, err = run_cli(*submit_args(data, "--no-wait"))
    assert code == 0, err
    job_id = next(iter(fake.jobs))
    results = tmp_path / "results"
    results.mkdir()
    csv_path, svg_path = results / f"{job_id}.results.csv", results / f"{job_id}.loss.svg"
    csv_path.write_text("mine\n")
    svg_path.write_text("<svg>mine</svg>\n")
    code, out, err = run_cli("jobs", "follow", job_id, "--output-dir", results)
    assert code == 0, err
    assert csv_path.read_text() == "mine\n" and svg_path.read_text() == "<svg>mine</svg>\n"
    assert f"{csv_path} exists and is kept; pass --force to overwrite it" in err
    assert f"{svg_path} exists and is kept" in err
    assert "final train loss" in out  # the downloaded metrics are still read
    code, out, err = run_cli("jobs", "follow", job_id, "--output-dir", results, "--force")
    assert code == 0, err
    assert csv_path.read_bytes() == fake.jobs[job_id]["_csv"]
    assert svg_path.read_text().startswith("<svg")
    assert sorted(p.name for p in results.iterdir()) == sorted([csv_path.name, svg_path.name])


def test_jobs_follow_a_failed_job_exits_1(fake, data, run_cli):
    fake.job_script = failure_script("invalid_training_file", "Invalid file format. Line 3.")
    code, _, _ = run_cli(*submit_args(data, "--no-wait"))
    assert code == 0
    code, _out, err = run_cli("jobs", "follow", next(iter(fake.jobs)))
    assert code == 1
    assert "Invalid file format. Line 3." in err


def test_follow_timeout_and_unknown_job(fake, data, run_cli):
    fake.job_script = running_script()
    assert run_cli(*submit_args(data, "--no-wait"))[0] == 0
    job_id = next(iter(fake.jobs))
    code, _out, err = run_cli("jobs", "follow", job_id, "--follow-timeout", "0.05")
    assert code == 3
    assert "still running after 0.05 seconds" in err
    assert f"ftlint jobs follow {job_id}" in err
    code, _out, err = run_cli("jobs", "follow", "ftjob-missing")
    assert code == 3 and "HTTP 404" in err and "Could not find fine-tune" in err


def test_jobs_list(fake, data, run_cli):
    for _ in range(2):
        assert run_cli(*submit_args(data, "--no-wait"))[0] == 0
    code, out, err = run_cli("jobs", "list")
    assert code == 0, err
    for job_id in fake.jobs:
        assert job_id in out
    code, out, _ = run_cli("jobs", "list", "--output-format", "json", "--limit", "1")
    document = json.loads(out)
    assert [j["id"] for j in document["jobs"]] == [max(fake.jobs)]


def test_jobs_cancel(fake, data, run_cli):
    fake.job_script = running_script()
    assert run_cli(*submit_args(data, "--no-wait"))[0] == 0
    job_id = next(iter(fake.jobs))
    code, out, err = run_cli("jobs", "cancel", job_id)
    assert code == 0, err
    assert "cancelled" in out
    assert fake.jobs[job_id]["status"] == "cancelled"
    code, out, _ = run_cli("jobs", "cancel", job_id)
    assert code == 0 and "already cancelled" in out
    code, _, err = run_cli("jobs", "cancel", "ftjob-missing")
    assert code == 3 and "HTTP 404" in err


def test_ctrl_c_stops_following_and_leaves_the_job_running(fake, data, run_cli, monkeypatch):
    fake.job_script = running_script()

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(retry, "sleep", interrupt)
    code, out, err = run_cli(*submit_args(data))
    assert code == 130
    job_id = next(iter(fake.jobs))
    assert f"ftlint jobs follow {job_id}" in out
    assert "stopped following" in err
    assert fake.jobs[job_id]["status"] == "running"
    assert not fake.calls("POST", r"/fine_tuning/jobs/[^/]+/cancel")


# ---------------------------------------------------------------------------------------------
# Refusals before anything is sent


def test_refuses_on_lint_errors(fake, data, run_cli):
    with data["train"].open("a") as handle:
        handle.write('{"messages": [broken\n')
    code, out, err = run_cli(*submit_args(data))
    assert code == 1
    assert "invalid-json" in out
    assert "not submitted" in err and "--force" in err
    assert fake.requests == []
    code, _out, err = run_cli(*submit_args(data, "--force", "--no-wait"))
    assert code == 0, err
    assert "despite" in err


def test_refuses_plain_http_to_another_host(fake, data, run_cli, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://example.com/v1")
    code, _out, err = run_cli(*submit_args(data))
    assert code == 2
    assert "clear text" in err and "--allow-insecure" in err
    code, _out, err = run_cli("jobs", "list", "--base-url", "http://10.1.2.3:8080/v1")
    assert code == 2 and "--allow-insecure" in err
    assert fake.requests == []


def test_allow_insecure_and_loopback_are_accepted():
    assert insecure_url_problem("http://127.0.0.1:9/v1", False) is None
    assert insecure_url_problem("http://localhost:9/v1", False) is None
    assert insecure_url_problem("http://[::1]:9/v1", False) is None
    assert insecure_url_problem("https://api.example.com/v1", False) is None
    assert insecure_url_problem("http://example.com/v1", True) is None
    assert "clear text" in (insecure_url_problem("http://example.com/v1", False) or "")
    assert insecure_url_problem("ftp://example.com", True)
    assert insecure_url_problem("https://user:pw@example.com", False)


def test_refuses_to_wait_for_confirmation_without_a_terminal(fake, data, run_cli):
    args = [a for a in submit_args(data) if a != "--yes"]
    code, _out, err = run_cli(*args)
    assert code == 2
    assert "pass --yes" in err
    assert fake.requests == []


def test_missing_key_and_model_are_usage_errors(fake, data, run_cli, monkeypatch):
    code, _, err = run_cli("submit", data["train"], "--yes")
    assert code == 2 and "--model is required" in err
    monkeypatch.delenv("OPENAI_API_KEY")
    code, _, err = run_cli(*submit_args(data))
    assert code == 2 and "OPENAI_API_KEY" in err
    code, _, err = run_cli(*submit_args(data, "--beta", "0.1"))
    assert code == 2 and "--method dpo" in err
    code, _, err = run_cli(*submit_args(data, "--n-epochs", "0"))
    assert code == 2
    code, _, err = run_cli(*submit_args(data, "--target", "azure-openai"))
    assert code == 2 and "AZURE_OPENAI_API_KEY" in err
    assert fake.requests == []


# ---------------------------------------------------------------------------------------------
# Azure


def test_azure_provider(fake, data, run_cli, monkeypatch, tmp_path):
    azure_key = "azure-ftlint-test-key-00112233445566778899"
    fake.api_key = azure_key
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", azure_key)
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", fake.origin)
    monkeypatch.setenv("OPENAI_API_VERSION", "2025-04-01-preview")
    for name in ("train", "valid"):  # Azure wants UTF-8 with a BOM
        data[name].write_bytes(b"\xef\xbb\xbf" + data[name].read_bytes())
    code, out, err = run_cli(*submit_args(data, "--provider", "azure"))
    assert code == 0, err
    assert "Azure: deploy" in out
    (create,) = job_creates(fake)
    assert "metadata" not in create.json
    assert create.query["api-version"] == ["2025-04-01-preview"]
    assert create.headers["api-key"] == azure_key
    assert azure_key not in out + err


# ---------------------------------------------------------------------------------------------
# Units


def test_job_request_params():
    request = JobRequest(MODEL, "file-1", None, "supervised", n_epochs=2, batch_size=8, seed=3)
    assert request.params() == {
        "model": MODEL,
        "training_file": "file-1",
        "method": {
            "type": "supervised",
            "supervised": {"hyperparameters": {"n_epochs": 2, "batch_size": 8}},
        },
        "seed": 3,
    }
    assert JobRequest(MODEL, "f").params()["method"] == {"type": "supervised"}


def test_metric_from_event_reads_data_or_message():
    class Event:
        def __init__(self, message, data=None):
            self.message, self.data = message, data

    point, total = metric_from_event(Event("", {"step": 5, "train_loss": 0.5, "total_steps": 9}))
    assert (point.step, point.train_loss, total) == (5, 0.5, 9)
    point, total = metric_from_event(
        Event("Step 3/10: training loss=0.25, validation loss=0.5", None)
    )
    assert (point.step, point.train_loss, point.valid_loss, total) == (3, 0.25, 0.5, 10)
    assert metric_from_event(Event("Fine-tuning job started")) == (None, None)


def test_result_csv_parsing_and_svg():
    text = "step,train_loss,train_accuracy,valid_loss\n1,2.0,0.1,\n2,1.0,0.2,1.5\nbad,x,,\n"
    assert decode_result_content(base64.b64encode(text.encode())) == text
    assert decode_result_content(b"not a csv at all") is None
    points = parse_result_csv(text)
    assert [(p.step, p.train_loss, p.valid_loss) for p in points] == [
        (1, 2.0, None),
        (2, 1.0, 1.5),
    ]
    svg = render_svg(points, "job <1>")
    assert "job &lt;1&gt;" in svg
    (train,) = re.findall(r'data-series="train loss"[^>]*points="([^"]+)"', svg)
    (x1, y1), (x2, y2) = (map(float, p.split(",")) for p in train.split())
    assert x2 > x1 and y2 > y1  # later step to the right; lower loss lower on the chart
    assert render_svg([], "empty") is None


def test_cost_estimate_from_the_token_cost_summary():
    from ftlint.plugins.submit.preflight import cost_from_report

    from ftlint.report import FileReport, Report

    report = Report("check", files=[FileReport("t.jsonl")])
    unknown = cost_from_report(report, None)
    assert unknown.usd is None and unknown.describe().startswith("cost: unknown")
    report.files[0].summary.update(estimated_cost_usd=1.5, billed_tokens=3000, epochs=3)
    same = cost_from_report(report, 3)
    assert (same.usd, same.billed_tokens, same.epochs) == (1.5, 3000, 3.0)
    assert same.describe() == "estimated cost: about $1.50, 3,000 billed tokens, 3 epochs"
    rescaled = cost_from_report(report, 6)
    assert (rescaled.usd, rescaled.billed_tokens, rescaled.epochs) == (3.0, 6000, 6.0)
    assert "rescaled from 3 to 6 epochs" in rescaled.describe()


def test_sparkline():
    assert sparkline([3.0, 2.0, 1.0]) == "█▄▁"
    assert sparkline([None, 1.0]) == ""


@pytest.mark.parametrize(
    ("message", "rule"),
    [
        ("Training file has 3 example(s), but must have at least 10 examples", "too-few-examples"),
        ("Example 6174 message contains an invalid token: <|fim_suffix|>", "special-token"),
        ("Example 12 exceeds the maximum of 65536 tokens", "example-too-long"),
        ("Line 3 is not valid JSON", "invalid-json"),
        ("Example 4 has an invalid role 'bot'", "invalid-role"),
    ],
)
def test_data_complaints_map_to_rules(message, rule):
    hints = data_rule_hints("invalid_training_file", message, "training_file",
                            {rule: "FTX"}, {"training_file": "t.jsonl"})  # fmt: skip
    assert any(f"{rule} (FTX)" in h and "ftlint check t.jsonl --select" in h for h in hints)


def test_non_data_errors_give_no_rule_hint():
    assert data_rule_hints("", "The server had an error", "", {}, {}) == []


def test_retry_after_parsing():
    assert retry.retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry.retry_after_seconds({"retry-after-ms": "250"}) == 0.25
    assert retry.retry_after_seconds({"retry-after": "1e9"}) == retry.MAX_RETRY_AFTER
    assert retry.retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry.retry_after_seconds({}) is None


# ---------------------------------------------------------------------------------------------
# The model's lifecycle (FT901): a warning before the upload, a refusal when it is retired


def test_a_retired_model_is_refused_before_the_upload(fake, data, run_cli):
    args = ["submit", str(data["train"]), "--model", "gpt-4.1-nano-2025-04-14", "--yes"]
    code, _, err = run_cli(*args)
    assert code != 0
    assert "ftlint: warning: gpt-4.1-nano-2025-04-14 on openai was shut down on 2026-10-23" in err
    assert "train instead on: " in err
    assert not fake.calls("POST", "/files")  # nothing uploaded


def test_a_closing_model_is_warned_about_and_still_submitted(fake, data, run_cli, monkeypatch):
    # 2027-01-03: jobs close on 2027-01-06, within the 7-day margin (an error, so --force)
    monkeypatch.setenv("FTLINT_TODAY", "2027-01-03")
    code, _, err = run_cli(*submit_args(data, "--no-wait", "--force"))
    assert code == 0
    assert "ftlint: warning: " in err and "takes no new fine-tuning jobs from 2027-01-06" in err
    assert "submitting despite" in err
    assert len(job_creates(fake)) == 1


def test_submit_checks_for_openai_when_the_default_target_is_not_one_it_submits_to(
    fake, data, run_cli, monkeypatch
):
    """The check's shipped default is together, which this client does not submit to: with no
    --target, submit checks the file for OpenAI's API, the one it uploads to."""
    monkeypatch.delenv("FTLINT_TARGET", raising=False)
    code, out, err = run_cli(*submit_args(data, "--no-wait", "--output-format", "json"))
    assert code == 0, err
    assert json.loads(out)["target"] == "openai"

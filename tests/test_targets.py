"""Several targets in one run: one pass over the file, target-dependent rules once per target,
each finding labelled with its target, a verdict per target; the profiles, ``ftlint
targets``, a plugin target, and every real file of ../shared/data through ``--target all``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ftlint.targets import ftlint_targets
from ftlint.targets.listing import markdown_table
from tests.conftest import REPO, write_jsonl

CHAT = {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}


def chats(n: int) -> list[dict]:
    return [
        {
            "messages": [
                {"role": "user", "content": f"q{i}"},
                {"role": "assistant", "content": f"a{i}"},
            ]
        }
        for i in range(n)
    ]


def verdicts(report: dict) -> dict[str, str]:
    return {v["target"]: v["verdict"] for v in report["targets"]}


def test_every_profile_loads_with_sources_and_a_default_model():
    targets = {t.name: t for t in ftlint_targets()}
    assert {"openai", "azure-openai", "together", "fireworks", "mistral", "vertex"} <= set(targets)
    assert {"bedrock", "hf"} <= set(targets)
    for target in targets.values():
        assert target.sources, target.name
        assert all("read 2026-" in source for source in target.sources), target.name
        assert target.model(None) is not None, target.name
        assert target.write_format
    assert targets["openai"].jobs_end == "2027-01-06"
    assert targets["openai"].model("gpt-4o-mini").shutdown == "2027-01-14"
    assert targets["openai"].model("gpt-4.1-nano").shutdown == "2026-10-23"
    assert targets["vertex"].model(None).tokenizer.startswith("estimate:")
    assert targets["mistral"].model(None).tokenizer.startswith("mistral:")


def test_one_pass_a_verdict_per_target_and_labelled_findings(tmp_path, run_json, monkeypatch):
    from ftlint.plugins.jsonl import JsonlReader

    reads = []
    original = JsonlReader.read

    def counting(self, file, byte_range=None):
        reads.append(file.path)
        return original(self, file, byte_range)

    monkeypatch.setattr(JsonlReader, "read", counting)
    path = write_jsonl(tmp_path / "train.jsonl", [*chats(3), "{not json", CHAT, CHAT])
    code, report = run_json("check", path, "--target", "together,vertex,openai", "--jobs", "1")
    assert reads == [path]  # one pass over the file for three targets
    assert code == 1  # openai rejects (fewer than 10 examples; a line that is not JSON)
    assert verdicts(report) == {"together": "rejected", "vertex": "rejected", "openai": "rejected"}
    by_code: dict[str, list] = {}
    for d in report["diagnostics"]:
        by_code.setdefault(d["code"], []).append(d["target"])
    # Target-independent rules run once: their findings hold for every target (no label).
    assert by_code["FT201"] == [None]  # invalid-json
    assert by_code["FT602"] == [None]  # duplicate-example: one finding for the repeats
    # Target-dependent rules run once per target, each finding labelled.
    assert sorted(by_code["FT601"]) == ["openai", "together", "vertex"]
    openai = next(v for v in report["targets"] if v["target"] == "openai")
    assert {"code": "FT601", "name": "too-few-examples", "count": 1} in openai["findings"]
    assert openai["token_counts"] == "exact (tiktoken:o200k_base)"
    vertex = next(v for v in report["targets"] if v["target"] == "vertex")
    assert vertex["token_counts"].startswith("estimated")
    assert vertex["summary"]["tokens"]["limit"] == 131072


def test_verdicts_accepted_with_warnings_and_exit_code(tmp_path, run_json):
    path = write_jsonl(tmp_path / "train.jsonl", chats(12))
    code, report = run_json("check", path, "--target", "openai,together")
    assert verdicts(report) == {
        "openai": "accepted with warnings",  # 12 < the 100 recommended
        "together": "accepted with warnings",
    }
    assert code == 0  # no target rejects
    path = write_jsonl(tmp_path / "small.jsonl", chats(5))
    code, report = run_json("check", path, "--target", "together,openai")
    assert verdicts(report) == {"together": "accepted with warnings", "openai": "rejected"}
    assert code == 1  # one chosen target rejects


def test_single_target_output_is_unchanged(tmp_path, run_cli, run_json):
    path = write_jsonl(tmp_path / "train.jsonl", chats(5))
    code, out, _ = run_cli("check", path)
    assert code == 1
    assert "[openai]" not in out and "verdicts" not in out
    code, report = run_json("check", path)
    assert report["summary"]["target"] == "openai"
    assert [v["target"] for v in report["targets"]] == ["openai"]
    assert {d["target"] for d in report["diagnostics"]} == {"openai"}  # all target-dependent


def test_text_sarif_and_concise_carry_the_target(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "train.jsonl", chats(5))
    code, out, _ = run_cli("check", path, "--target", "openai,together")
    assert code == 1
    assert "FT601 error [openai]:" in out
    assert "FT601 warning [together]:" in out
    assert "verdicts" in out and "together (openai/gpt-oss-20b): accepted with warnings" in out
    assert "openai (gpt-4.1-mini-2025-04-14): rejected -- FT601 too-few-examples" in out
    _, out, _ = run_cli("check", path, "--target", "openai,together", "--output-format", "sarif")
    run = json.loads(out)["runs"][0]
    assert {r["properties"].get("target") for r in run["results"]} == {"openai", "together"}
    assert [v["target"] for v in run["properties"]["targets"]] == ["openai", "together"]
    _, out, _ = run_cli("check", path, "--target", "openai,together", "--output-format", "concise")
    assert "FT601 [error] [openai] " in out


def test_python_api_carries_the_target(tmp_path):
    from ftlint import check

    path = write_jsonl(tmp_path / "train.jsonl", [*chats(3), "{bad"])
    report = check([path], target="openai,together", isolated=True)
    targets = {(d.code, d.target) for d in report.diagnostics}
    assert ("FT201", None) in targets
    assert ("FT601", "openai") in targets and ("FT601", "together") in targets
    assert {v.target: v.verdict for v in report.verdicts()} == {
        "openai": "rejected",
        "together": "rejected",  # the unreadable line is an error for every target
    }
    assert "target" in report.to_pandas().diagnostics.columns


def test_target_all_includes_a_plugin_target(tmp_path, run_json, run_cli):
    path = write_jsonl(tmp_path / "train.jsonl", chats(3))
    code, report = run_json("check", path, "--target", "all", "-p", "tests.plugin_target")
    names = [v["target"] for v in report["targets"]]
    assert names == sorted([*(t.name for t in ftlint_targets()), "acme", "acme2"])  # by name
    assert "acme" in names and "openai" in names and "bedrock" in names
    acme = next(v for v in report["targets"] if v["target"] == "acme")
    # acme takes at most 2 examples: FT902 too-many-examples, from the plugin's profile
    assert acme["verdict"] == "rejected"
    assert [f["code"] for f in acme["findings"]] == ["FT902"]
    assert any(
        d["code"] == "FT902" and d["target"] == "acme" and "at most 2" in d["message"]
        for d in report["diagnostics"]
    )
    code, out, _ = run_cli("targets", "-p", "tests.plugin_target")
    assert code == 0 and "acme: ACME's in-house trainer" in out


def test_model_for_several_targets(tmp_path, run_json):
    path = write_jsonl(tmp_path / "train.jsonl", chats(12))
    _, report = run_json(
        "check", path, "--target", "openai,together", "--model", "gpt-4.1-nano-2025-04-14"
    )
    models = {v["target"]: v["model"] for v in report["targets"]}
    assert models == {"openai": "gpt-4.1-nano-2025-04-14", "together": "openai/gpt-oss-20b"}
    retired = [d for d in report["diagnostics"] if d["code"] == "FT901"]
    assert [d["target"] for d in retired] == ["openai"]
    assert "train instead on: " in retired[0]["message"]
    assert "together (openai/gpt-oss-20b)" in retired[0]["message"]


def test_unknown_target_and_prepare_of_several_are_usage_errors(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "train.jsonl", chats(3))
    code, _, err = run_cli("check", path, "--target", "openai,nope")
    assert code == 2 and "unknown target 'nope'" in err
    code, _, err = run_cli("prepare", path, "--target", "openai,together")
    assert code == 2 and "writes one target's format" in err
    assert not list(tmp_path.glob("*_prepared*"))


def test_bom_rules_read_the_profile(tmp_path, run_json):
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(CHAT).encode() + b"\n")
    _, report = run_json("check", path, "--target", "together,azure-openai,hf")
    bom = {
        (d["code"], d["target"]) for d in report["diagnostics"] if d["code"] in ("FT102", "FT103")
    }
    assert bom == {("FT102", "together"), ("FT102", "hf")}  # azure requires the BOM


def test_readme_targets_table_is_current():
    """The README's table of targets is `ftlint targets --format markdown`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("-->", readme.index("<!-- BEGIN TARGETS")) + 3
    table = readme[start : readme.index("<!-- END TARGETS -->")].strip()
    assert table == markdown_table(sorted(ftlint_targets(), key=lambda t: t.name))


SAMPLE_LINES = 300


def _sampled(path: Path, into: Path) -> Path:
    """A big line-based file cut to its first lines (keeps the suite fast); others as they are."""
    if path.stat().st_size < 1_000_000 or path.suffix not in (".jsonl", ".csv", ".tsv"):
        return path
    target = into / path.name
    with path.open("rb") as source, target.open("wb") as out:
        for i, line in enumerate(source):
            if i >= SAMPLE_LINES:
                break
            out.write(line)
    return target


def test_every_real_file_through_target_all(shared_data, tmp_path, run_json):
    files = sorted(p for p in shared_data.rglob("*") if p.is_file() and p.name != "PROVENANCE.md")
    assert files
    for path in files:
        sample = _sampled(path, tmp_path)
        code, report = run_json("check", sample, "--target", "all", "--jobs", "1")
        assert code in (0, 1), (path, code)
        assert len(report["targets"]) == len(ftlint_targets()), path
        assert not [d for d in report["diagnostics"] if d["code"] == "FT001"], path  # rule-error
        for verdict in report["targets"]:
            assert verdict["verdict"] in ("accepted", "accepted with warnings", "rejected")
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_html_report_has_a_verdict_per_target(tmp_path, run_cli):
    pytest.importorskip("jinja2")
    path = write_jsonl(tmp_path / "train.jsonl", chats(5))
    code, out, _ = run_cli("check", path, "--target", "openai,together", "-f", "html")
    assert code == 1
    assert '<table class="files" id="targets">' in out
    assert '<tr data-target="openai"><td>openai</td>' in out
    assert '<span class="verdict rejected">rejected</span>' in out
    assert '<tr data-target="together">' in out
    _, single, _ = run_cli("check", path, "-f", "html")
    assert 'id="targets"' not in single  # one target: the page as before


def test_prepare_writes_each_target_s_format_and_its_check_accepts_it(tmp_path, run_cli):
    """prepare --target NAME writes the profile's write_format (gemini for Vertex, nova for
    Bedrock, Together's chat), and a check of that file for the same target finds no error."""
    from tests.conftest import read_jsonl

    rows = [
        {
            "messages": [
                {"role": "user", "content": f"q{i}"},
                {"role": "assistant", "content": f"a{i}"},
            ]
        }
        for i in range(120)
    ]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    keys = {"vertex": "contents", "bedrock": "schemaVersion", "together": "messages"}
    for name, key in keys.items():
        out = tmp_path / f"{name}.jsonl"
        code, _, err = run_cli("prepare", path, "--target", name, "-o", out)
        assert code in (0, 1), err
        assert key in read_jsonl(out)[0], name
        code, report_out, _ = run_cli("check", out, "--target", name, "--output-format", "json")
        report = json.loads(report_out)
        errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
        assert errors == [], (name, errors[:3])
        assert report["targets"][0]["verdict"] in ("accepted", "accepted with warnings")


def test_prepare_refuses_a_write_format_nobody_writes(tmp_path, run_cli):
    path = write_jsonl(tmp_path / "train.jsonl", chats(3))
    code, _, err = run_cli("prepare", path, "--target", "acme2", "-p", "tests.plugin_target")
    assert code == 2 and "cannot write acme2's record format (acme-format)" in err
    assert not list(tmp_path.glob("*_prepared*"))


def test_parallel_run_over_several_targets_equals_one_process(tmp_path, run_json, monkeypatch):
    rows = [*chats(40), "{broken", *chats(3)]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    _, one = run_json("check", path, "--target", "openai,together,bedrock", "--jobs", "1")
    monkeypatch.setenv("FTLINT_PARALLEL_MIN_SIZE", "1")
    _, two = run_json("check", path, "--target", "openai,together,bedrock", "--jobs", "2")

    def findings(report: dict) -> list:
        return [
            (d["code"], d["target"], d["message"], d["location"]) for d in report["diagnostics"]
        ]

    assert findings(two) == findings(one)
    assert two["targets"] == one["targets"]


def test_targets_command_json_lists_sources_and_counting(run_cli):
    code, out, _ = run_cli("targets", "--format", "json")
    assert code == 0
    listed = {t["name"]: t for t in json.loads(out)}
    assert set(listed) == {t.name for t in ftlint_targets()}
    assert listed["vertex"]["token_counts"] == "estimated"
    assert listed["openai"]["token_counts"] == "exact"
    assert listed["openai"]["jobs_end"] == "2027-01-06"
    assert listed["fireworks"]["max_examples"] == 3_000_000
    assert all(t["sources"] for t in listed.values())
    assert listed["bedrock"]["unconfirmed"]  # what could not be confirmed says so


@pytest.mark.parametrize("target", ["hf", "fireworks"])
def test_an_open_weight_target_alone_runs_without_a_tokenizer(tmp_path, run_json, run_cli, target):
    """--target hf / fireworks with no --tokenizer: no usage error; the counts are an estimate,
    never shown as exact, with a note that names --tokenizer for exact counts and for
    --max-seq-length; the truncation finding says it is estimated too."""
    long = {
        "messages": [
            {"role": "user", "content": "Tell me everything."},
            {"role": "assistant", "content": "word " * 300},
        ]
    }
    rows = [*chats(3), long]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    code, report = run_json("check", path, "--target", target, "--max-seq-length", "64")
    assert code in (0, 1), report
    tokens = report["summary"]["tokens"]
    assert tokens["exact"] is False and tokens["tokenizer"].startswith("stand-in:o200k_base")
    counts = report["targets"][0]["token_counts"]
    assert counts.startswith("estimated") and "--tokenizer" in counts
    assert "--max-seq-length" in counts
    cost = next(d for d in report["diagnostics"] if d["code"] == "FT702")
    assert "≈" in cost["message"] and "--tokenizer PATH_OR_HUB_ID" in cost["message"]
    cut = [d for d in report["diagnostics"] if d["code"] == "FT703"]
    assert [d["location"]["line"] for d in cut] == [4]
    assert "(estimate)" in cut[0]["message"] and "--tokenizer" in cut[0]["message"]
    code, out, err = run_cli("check", path, "--target", target, "--max-seq-length", "64")
    assert code in (0, 1) and "Traceback" not in err
    note = next(line for line in out.splitlines() if line.startswith(f"note: {target}: "))
    assert "no --tokenizer was named" in note and "estimate" in note
    assert "--tokenizer PATH_OR_HUB_ID" in note and "--max-seq-length" in note
    _code, out, _err = run_cli("check", path, "--target", "openai")
    assert "no --tokenizer was named" not in out  # counted exactly: no such note

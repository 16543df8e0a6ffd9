"""The example third-party plugin in ``examples/ftlint-plugin-example``, installed the way a user
installs a plugin (pip, into a separate directory), and plugins that are broken.

ftlint runs in a subprocess with that directory on PYTHONPATH, so the plugin is found through
its entry point exactly as in a real installation, and the test process stays clean. The
example's own test suite (its YAML cases, run with ``ftlint.testing``) runs as its author runs
it: ``python -m pytest`` on its ``tests`` directory.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
PLUGIN_SRC = REPO / "examples" / "ftlint-plugin-example"


def _records(n: int = 12, apology_at: int = 4) -> list[dict]:
    records = []
    for i in range(1, n + 1):
        answer = (
            "I'm sorry, but as an AI I cannot look up orders."
            if i == apology_at
            else f"Your order number {i} ships within two business days."
        )
        records.append(
            {
                "messages": [
                    {"role": "user", "content": f"When does order {i} ship?"},
                    {"role": "assistant", "content": answer},
                ]
            }
        )
    return records


def _write_jsonl(path: Path, records: list) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    """pip-install the example plugin (no dependencies: ftlint is already here) into a fresh
    directory. The source is copied first so that the build leaves the checkout untouched."""
    base = tmp_path_factory.mktemp("plugin")
    src = base / "src"
    shutil.copytree(
        PLUGIN_SRC,
        src,
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".pytest_cache"),
    )
    site = base / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--target", str(site), str(src)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "ftlint_example" / "rules.py").is_file()
    return site


def run_ftlint(site: Path | None, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    env.update({"COLUMNS": "200", "NO_COLOR": "1"})
    return subprocess.run(
        [sys.executable, "-m", "ftlint.cli", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip


def _json_report(result: subprocess.CompletedProcess) -> dict:
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def _ex100(report: dict) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == "EX100"]


# ---------------------------------------------------------------------------------------------
# Installed plugin


def test_rules_lists_the_plugin_rule(plugin_site, tmp_path):
    result = run_ftlint(plugin_site, "rules", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rules = {r["code"]: r for r in json.loads(result.stdout)}
    rule = rules["EX100"]
    assert rule["name"] == "assistant-apology"
    assert rule["scope"] == "record"
    assert rule["severity"] == "warning"
    assert rule["fix"] == "unsafe"
    assert rule["plugin"] == "example"
    assert "## Why is this bad?" in rule["documentation"]
    # The built-ins are still all there next to it.
    assert "FT201" in rules and "FT601" in rules

    text = run_ftlint(plugin_site, "rules", cwd=tmp_path)
    assert text.returncode == 0
    line = next(ln for ln in text.stdout.splitlines() if "EX100" in ln)
    assert "assistant-apology" in line and "example" in line


def test_rule_documentation(plugin_site, tmp_path):
    for name in ("EX100", "assistant-apology", "ex100"):
        result = run_ftlint(plugin_site, "rule", name, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "assistant-apology (EX100)" in result.stdout
        assert "## Fix safety" in result.stdout
        assert "Unsafe: the fix drops the whole example" in result.stdout


def test_plugins_shows_name_version_distribution(plugin_site, tmp_path):
    result = run_ftlint(plugin_site, "plugins", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    row = next(ln for ln in result.stdout.splitlines() if ln.split()[:1] == ["example"])
    assert row.split() == ["example", "0.1.0", "ftlint-plugin-example", "ftlint_example.plugin"]
    # Built-ins are plugins loaded the same way, from the ftlint distribution.
    structure = next(ln for ln in result.stdout.splitlines() if ln.split()[:1] == ["structure"])
    assert "ftlint" in structure.split()


def test_check_reports_the_plugin_rule(plugin_site, tmp_path):
    data = _write_jsonl(tmp_path / "support.jsonl", _records())
    result = run_ftlint(plugin_site, "check", data, "--output-format", "json", cwd=tmp_path)
    report = _json_report(result)
    [diagnostic] = _ex100(report)
    assert diagnostic["name"] == "assistant-apology"
    assert diagnostic["severity"] == "warning"
    assert diagnostic["location"]["line"] == 4
    assert diagnostic["location"]["record"] == 4
    assert diagnostic["location"]["field"] == "/messages/1/content"
    assert diagnostic["message"] == 'assistant answer opens with "I\'m sorry"'
    assert diagnostic["fix"]["applicability"] == "unsafe"

    text = run_ftlint(plugin_site, "check", data, cwd=tmp_path)
    assert "support.jsonl:4 (record 4, /messages/1/content): EX100 warning" in text.stdout
    assert "I'm sorry, but as an AI" in text.stdout  # the excerpt


def test_check_covers_prompt_completion_and_text_parts(plugin_site, tmp_path):
    records = [{"prompt": f"Question {i} ->", "completion": f" Answer {i}."} for i in range(12)]
    records[2]["completion"] = "  As an AI language model, I do not know."
    records[5] = {
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "text", "text": "I\u2019m sorry, no."}]},
        ]
    }
    data = _write_jsonl(tmp_path / "mixed.jsonl", records)
    report = _json_report(
        run_ftlint(plugin_site, "check", data, "--select", "EX", "-f", "json", cwd=tmp_path)
    )
    found = {(d["location"]["line"], d["location"]["field"]) for d in report["diagnostics"]}
    assert found == {(3, "/completion"), (6, "/messages/1/content/0/text")}


def test_rule_options_from_config(plugin_site, tmp_path):
    records = _records()
    records[7]["messages"][1]["content"] = "Unfortunately we are closed on Sundays."
    data = _write_jsonl(tmp_path / "support.jsonl", records)
    (tmp_path / "ftlint.toml").write_text(
        '[rules.assistant-apology]\nphrases = ["Unfortunately"]\n', encoding="utf-8"
    )
    report = _json_report(run_ftlint(plugin_site, "check", data, "-f", "json", cwd=tmp_path))
    assert [d["location"]["line"] for d in _ex100(report)] == [8]


def test_selection_by_prefix_name_and_ignore(plugin_site, tmp_path):
    data = _write_jsonl(tmp_path / "support.jsonl", _records())
    for selector in ("EX", "EX100", "assistant-apology"):
        report = _json_report(
            run_ftlint(plugin_site, "check", data, "--select", selector, "-f", "json", cwd=tmp_path)
        )
        assert {d["code"] for d in report["diagnostics"]} == {"EX100"}
    report = _json_report(
        run_ftlint(plugin_site, "check", data, "--ignore", "EX1", "-f", "json", cwd=tmp_path)
    )
    assert _ex100(report) == []


def test_p_no_name_disables_the_plugin(plugin_site, tmp_path):
    data = _write_jsonl(tmp_path / "support.jsonl", _records())
    result = run_ftlint(plugin_site, "check", "-p", "no:example", data, "-f", "json", cwd=tmp_path)
    report = _json_report(result)
    assert _ex100(report) == []
    assert report["summary"]["records"] == 12  # the rest of the run is unchanged
    assert "'example'" not in result.stderr  # blocked, not "failed to load"

    rules = run_ftlint(plugin_site, "rules", "--format", "json", "-p", "no:example", cwd=tmp_path)
    assert "EX100" not in {r["code"] for r in json.loads(rules.stdout)}
    plugins = run_ftlint(plugin_site, "plugins", "-p", "no:example", cwd=tmp_path)
    assert "ftlint-plugin-example" not in plugins.stdout


def test_prepare_unsafe_fix_drops_the_example_and_reports_it(plugin_site, tmp_path):
    data = _write_jsonl(tmp_path / "support.jsonl", _records())
    result = run_ftlint(
        plugin_site, "prepare", data, "--select", "EX", "--unsafe-fixes", "-f", "json",
        cwd=tmp_path,
    )  # fmt: skip
    report = _json_report(result)
    out = tmp_path / "support_prepared.jsonl"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 11
    assert not any("I'm sorry" in line for line in lines)
    [dropped] = report["files"][0]["dropped"]
    assert dropped["location"]["line"] == 4
    assert dropped["code"] == "EX100"
    assert "apology" in dropped["reason"]


def test_without_the_plugin_installed(tmp_path):
    """The same commands without the plugin on the path: no EX rule anywhere."""
    result = run_ftlint(None, "rules", "--format", "json", cwd=tmp_path)
    assert not any(r["code"].startswith("EX") for r in json.loads(result.stdout))


# ---------------------------------------------------------------------------------------------
# The example's own tests: its YAML cases, run with ftlint.testing as the plugin's author does


@pytest.mark.parametrize("installed", [False, True], ids=["from-source", "installed"])
def test_the_examples_own_test_suite_passes(installed, request):
    """``python -m pytest examples/ftlint-plugin-example/tests``: the example's pyproject puts its
    directory on sys.path, so the cases (which load ``ftlint_example.plugin`` with ``plugins:``)
    pass before ``pip install`` and after it, when the entry point loads the plugin as well."""
    from ftlint.testing import load_cases

    expected = len(load_cases(PLUGIN_SRC / "tests" / "cases"))
    assert expected >= 10  # pass, fail and fixed cases of EX100
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # leave no __pycache__ in the checkout
    env.pop("PYTHONPATH", None)  # from source, only the example's pytest config finds it
    if installed:
        env["PYTHONPATH"] = str(request.getfixturevalue("plugin_site"))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(PLUGIN_SRC / "tests")],
        capture_output=True, text=True, cwd=REPO, env=env, stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    summary = output.strip().splitlines()[-1]
    assert re.fullmatch(rf"{expected} passed in [0-9.]+s( \([0-9:]+\))?", summary), output


# ---------------------------------------------------------------------------------------------
# The rule itself, in process: odd input is normal input


def _load_rule_class():
    sys.path.insert(0, str(PLUGIN_SRC))
    try:
        from ftlint_example.rules import AssistantApology
    finally:
        sys.path.remove(str(PLUGIN_SRC))
    return AssistantApology


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["messages", "role", "content", "completion", "text", "type", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(data=json_values)
def test_rule_never_raises_on_odd_records(data):
    from ftlint import Location, Record, RuleContext
    from ftlint.targets import DATA_DIR, load_target

    rule_class = _load_rule_class()
    rule = rule_class(RuleContext(target=load_target(DATA_DIR / "openai.toml")))
    record = Record(data=data, location=Location(path="x.jsonl", line=1, record=1))
    for diagnostic in rule.check_record(record):
        assert diagnostic.code == "EX100"
        assert diagnostic.location.field


# ---------------------------------------------------------------------------------------------
# Broken plugins: a clear warning on stderr, and the run goes on


def _fake_distribution(site: Path, name: str, entry_points: str, modules: dict[str, str]) -> None:
    """An installed distribution as pip would leave it: a dist-info with METADATA and
    entry_points.txt, plus its modules."""
    dist_info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist_info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    for module, source in modules.items():
        (site / f"{module}.py").write_text(source, encoding="utf-8")


def test_plugin_that_fails_to_import_is_a_warning(tmp_path):
    site = tmp_path / "site"
    _fake_distribution(
        site,
        "ftlint-broken",
        "[ftlint]\nbroken = ftlint_broken_plugin\nmissing = ftlint_no_such_module\n",
        {"ftlint_broken_plugin": "import a_dependency_that_is_not_installed\n"},
    )
    data = _write_jsonl(tmp_path / "support.jsonl", _records())
    result = run_ftlint(site, "check", data, "-f", "json", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert (
        "ftlint: warning: plugin 'broken' (ftlint_broken_plugin) could not be loaded and is "
        "skipped: ModuleNotFoundError: No module named 'a_dependency_that_is_not_installed'"
    ) in result.stderr
    assert "plugin 'missing' (ftlint_no_such_module) could not be loaded" in result.stderr
    # The run went on with every other plugin.
    report = _json_report(result)
    assert report["summary"]["records"] == 12
    assert result.returncode in (0, 1)

    listing = run_ftlint(site, "plugins", cwd=tmp_path)
    assert listing.returncode == 0
    assert "could not be loaded" in listing.stderr
    assert "structure" in listing.stdout and "broken" not in listing.stdout


def test_plugin_whose_hook_raises_is_a_warning(tmp_path):
    site = tmp_path / "site"
    _fake_distribution(
        site,
        "ftlint-raising",
        "[ftlint]\nraising = ftlint_raising_plugin\n",
        {
            "ftlint_raising_plugin": (
                "from ftlint import hookimpl\n\n"
                "@hookimpl\n"
                "def ftlint_rules():\n"
                "    raise RuntimeError('rules table is corrupt')\n"
            )
        },
    )
    data = _write_jsonl(tmp_path / "support.jsonl", [{"messages": "not a list"}] * 3)
    result = run_ftlint(site, "check", data, "--select", "FT2,FT6", "-f", "json", cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert "plugin 'raising' failed in ftlint_rules: RuntimeError: rules table is corrupt" in (
        result.stderr + result.stdout
    )
    report = _json_report(result)
    assert report["summary"]["records"] == 3
    assert "FT601" in {d["code"] for d in report["diagnostics"]}
    assert result.returncode == 1  # 3 examples is below the minimum: the checks still ran


def test_p_with_unknown_module_is_a_warning(tmp_path):
    data = _write_jsonl(tmp_path / "support.jsonl", _records())
    result = run_ftlint(None, "check", "-p", "no_such_ftlint_plugin", data, "-f", "json",
                        cwd=tmp_path)  # fmt: skip
    assert "plugin module 'no_such_ftlint_plugin' given with -p could not be loaded" in (
        result.stderr
    )
    assert _json_report(result)["summary"]["records"] == 12

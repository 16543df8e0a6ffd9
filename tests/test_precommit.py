"""The hooks in ``.pre-commit-hooks.yaml``, run by the real ``pre-commit`` the way a user's
project runs them: a ``repo:`` entry pointing at a git copy of this project, which pre-commit
installs into its own virtualenv (``language: python``).

Offline, as in an air-gapped CI: the hook environment is installed with ``PIP_NO_INDEX`` from a
wheel directory built beforehand (this project's wheel and its dependencies, built while the
index is reachable), and the hook runs with an unreachable proxy, empty tiktoken and ftlint
caches: the token rules must find their encodings in what the hook installed (``bpe-openai``,
the hooks' default ``additional_dependencies``).
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "ftlint tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "ftlint tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}  # no user config, no hooks, no signing
    result = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


def _chat(i: int) -> dict:
    topics = ["invoice", "refund", "password", "delivery", "subscription", "gift card"]
    topic = topics[i % len(topics)]
    return {
        "messages": [
            {"role": "system", "content": "You are the support assistant of an online shop."},
            {"role": "user", "content": f"Question {i}: how do I find my {topic}?"},
            {
                "role": "assistant",
                "content": f"Open your account, choose {topic.title()} and follow step {i}.",
            },
        ]
    }


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def test_manifest_is_valid_and_declares_both_hooks():
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS_FILE)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    import yaml  # pre-commit depends on PyYAML

    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))}
    assert hooks["ftlint"]["entry"] == "ftlint check"
    assert hooks["ftlint-fix"]["entry"] == "ftlint check --fix --exit-non-zero-on-fix"
    for hook in hooks.values():
        assert hook["language"] == "python"
    import re

    check_files = re.compile(hooks["ftlint"]["files"])
    check_exclude = re.compile(hooks["ftlint"]["exclude"])
    fix_files = re.compile(hooks["ftlint-fix"]["files"])

    def checked(name: str) -> bool:
        return bool(check_files.search(name)) and not check_exclude.search(name)

    # every extension a reader claims, plain or compressed, and nothing else
    from ftlint.discovery import data_suffixes
    from ftlint.pluginmanager import load_plugins

    claimed = {ext for reader in load_plugins([]).readers() for ext in reader.extensions}
    for suffix in data_suffixes(claimed):
        assert checked(f"data/train{suffix}"), suffix
    assert not checked("notes.txt") and not checked("train.jsonl.zip")
    # tool configuration is not data
    configuration = (
        "package.json",
        "web/package-lock.json",
        "tsconfig.base.json",
        ".vscode/settings.json",
        ".github/renovate.json",
        ".devcontainer/x.json",
    )
    for name in configuration:
        assert not checked(name), name
    assert checked("data/packages.json") and checked("package_data.jsonl")
    # the README's narrowing to a data folder keeps the extension filter
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    narrowed = re.search(r"files: (\^data/\S+)", readme)
    assert narrowed, "the README shows how to narrow the hook to a data folder"
    pattern = re.compile(narrowed.group(1))
    assert pattern.search("data/train.jsonl.gz") and pattern.search("data/x/y.csv")
    assert not pattern.search("data/notes.txt") and not pattern.search("train.jsonl")
    assert fix_files.search("data/train.jsonl")
    assert not fix_files.search("data/train.csv") and not fix_files.search("x.json")
    assert not fix_files.search("data/train.jsonl.gz")  # --fix rewrites plain JSONL only
    for hook in hooks.values():  # the offline encodings are part of what the hook installs
        assert any(dep.startswith("bpe-openai") for dep in hook["additional_dependencies"])


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """A git repository holding this project's files (tracked and new, as the working tree
    has them), committed, as pre-commit needs a ``rev`` to check out."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    if listing.returncode != 0:
        pytest.skip("the project is not a git checkout")
    dest = tmp_path_factory.mktemp("hookrepo")
    for name in listing.stdout.decode().split("\0"):
        source = REPO / name
        if not name or not source.is_file() or name.startswith(".venv"):
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name)
    assert (dest / ".pre-commit-hooks.yaml").is_file()
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "ftlint under test")
    return dest, _git(dest, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def wheelhouse(hook_repo, tmp_path_factory) -> Path:
    """This project's wheel and every wheel its hook environment needs (its dependencies,
    bpe-openai, setuptools to build it), made while the package index is reachable."""
    repo, _rev = hook_repo
    folder = tmp_path_factory.mktemp("wheelhouse")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--wheel-dir", str(folder), str(repo),
         "bpe-openai>=0.1", "setuptools>=77", "wheel"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=1200,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.skip(f"cannot build the wheel directory (no package index?): {result.stderr}")
    for wheel in folder.glob("ftlint-*.whl"):
        wheel.unlink()  # pre-commit installs ftlint from the hook repository itself
    return folder


class Project:
    """A user's repository with a .pre-commit-config.yaml using the two hooks."""

    def __init__(
        self, root: Path, hook_repo: Path, rev: str, home: Path, wheels: Path | None = None
    ) -> None:
        self.root = root
        self.home = home
        self.wheels = wheels
        root.mkdir()
        _git(root, "init", "-q")
        (root / ".pre-commit-config.yaml").write_text(
            "repos:\n"
            f"  - repo: {hook_repo.as_posix()}\n"
            f"    rev: {rev}\n"
            "    hooks:\n"
            "      - id: ftlint-fix\n"
            "      - id: ftlint\n",
            encoding="utf-8",
        )
        self.add(".pre-commit-config.yaml")

    def write(self, name: str, data: bytes) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.add(name)
        return path

    def add(self, *names: str) -> None:
        _git(self.root, "add", *names)

    def run(self, *extra: str) -> subprocess.CompletedProcess:
        env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(self.home), "NO_COLOR": "1"}
        env.pop("PRE_COMMIT", None)
        if self.wheels is not None:  # no index, no internet, no cached encodings
            offline = self.home.parent / "offline"
            for name in ("tiktoken-cache", "ftlint-cache"):
                (offline / name).mkdir(parents=True, exist_ok=True)
            env.update({
                "PIP_NO_INDEX": "1",
                "PIP_FIND_LINKS": str(self.wheels),
                "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
                "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9",
                "NO_PROXY": "", "no_proxy": "",
                "TIKTOKEN_CACHE_DIR": str(offline / "tiktoken-cache"),
                "FTLINT_CACHE_DIR": str(offline / "ftlint-cache"),
                "FTLINT_TIKTOKEN_TIMEOUT": "5",
            })  # fmt: skip
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never",
             *extra],
            cwd=self.root, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
            timeout=1200,
        )  # fmt: skip


@pytest.mark.slow
def test_hooks_with_real_pre_commit(hook_repo, wheelhouse, tmp_path):
    repo, rev = hook_repo
    project = Project(tmp_path / "project", repo, rev, tmp_path / "pre-commit-home", wheelhouse)

    # 1. A clean dataset (plain and gzipped) passes both hooks, offline, with the token rules
    # (their encoding from the hook's own bpe-openai); tool configuration and other files are
    # not checked; the fixer leaves the data alone.
    clean_bytes = _jsonl([_chat(i) for i in range(20)])
    clean = project.write("data/clean.jsonl", clean_bytes)
    import gzip

    project.write("data/shipped.jsonl.gz", gzip.compress(_jsonl([_chat(i) for i in range(30, 45)])))
    project.write("package.json", b'{"name": "shop", "version": "1.0.0"}\n')
    project.write("notes.txt", b"not a dataset\n")
    first = project.run("--verbose")  # installs the hook environment: offline, from wheels
    output = first.stdout + first.stderr
    assert first.returncode == 0, output
    assert "ftlint (fix)" in output and "Passed" in output
    assert "Failed" not in output
    assert "o200k_base" in output  # tokens were counted: the offline encoding was there
    assert "cannot load" not in output and "download" not in output
    assert "package.json" not in output and "notes.txt" not in output
    assert "data/shipped.jsonl.gz" in output
    # compact in a hook: findings and the summary, no figures block, table or histogram
    assert "tokens per example:" not in output and "█" not in output  # no histogram
    assert not any(line.strip().startswith("per example") for line in output.splitlines())
    assert clean.read_bytes() == clean_bytes
    mtime = clean.stat().st_mtime_ns

    # 2. A JSONL with a BOM and blank lines: the fixer rewrites it and fails once ...
    records = [_chat(i) for i in range(100, 112)]
    body = _jsonl(records).decode().splitlines(keepends=True)
    dirty_bytes = (
        codecs.BOM_UTF8 + "".join([*body[:5], "\n", *body[5:9], "   \n", *body[9:]]).encode()
    )
    dirty = project.write("data/dirty.jsonl", dirty_bytes)
    second = project.run()
    output = second.stdout + second.stderr
    assert second.returncode == 1, output
    assert "ftlint (fix)" in output and "Failed" in output
    assert "exit code: 1" in output
    assert "files were modified by this hook" in output
    assert "ftlint: fixed data/dirty.jsonl" in output
    fixed = dirty.read_bytes()
    assert fixed != dirty_bytes
    assert b"\n\n" not in fixed and b"   \n" not in fixed
    assert not fixed.startswith(codecs.BOM_UTF8)  # unexpected-bom's safe fix (openai)
    assert fixed == _jsonl(records)  # every record kept, in order, lines byte for byte
    assert "remove the blank line" in output
    # ... and left the clean file untouched.
    assert clean.read_bytes() == clean_bytes
    assert clean.stat().st_mtime_ns == mtime

    # 3. Once the fix is staged, both hooks pass.
    project.add("data/dirty.jsonl")
    third = project.run()
    assert third.returncode == 0, third.stdout + third.stderr
    assert dirty.read_bytes() == fixed

    # 4. A problem no safe fix can repair: the check hook fails with its location, and the
    # fixer does not touch the line it cannot read; repeats are one grouped line.
    broken_bytes = _jsonl([_chat(i) for i in range(200, 211)]) + b'{"messages": [\n' * 3
    broken = project.write("data/broken.jsonl", broken_bytes)
    fourth = project.run()
    output = fourth.stdout + fourth.stderr
    assert fourth.returncode == 1, output
    assert "data/broken.jsonl: FT201 error:" in output and "×3 — lines 12, 13, 14" in output
    assert broken.read_bytes() == broken_bytes
    assert "tokens per example:" not in output and "█" not in output  # no histogram
    hook_lines = output.split("- hook id: ftlint\n", 1)[1].splitlines()
    assert len([line for line in hook_lines if line.strip()]) < 25, output

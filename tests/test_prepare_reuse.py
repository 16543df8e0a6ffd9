"""``prepare`` of a file it writes unchanged does not scan the written file again: the check
of the source stands for it (``ftlint.engine.accept.reused_check``). Proven here by result:
the output, the rejects sidecar and the report are byte for byte those of the full re-check,
on files where the shortcut is taken and on files where it must not be (a blank line, a value
that JSON cannot write back as it was read, a fix to apply), and on the head of every real
JSONL file in ``../shared/data``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftlint.cli import main
from ftlint.engine import accept
from tests.conftest import SHARED_DATA

BASE = [
    {"prompt": "What is the capital of France?\n\n###\n\n", "completion": " Paris END"},
    {"prompt": "Name a colour of the sky.\n\n###\n\n", "completion": " Blue END"},
    {"prompt": "What is two plus two?\n\n###\n\n", "completion": " Four END"},
]


def _lines(rows: list, **dumps: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, **dumps)) + "\n" for r in rows)


def _many(count: int) -> list:
    return [
        {"prompt": f"Ticket {i}: my order {i % 7} has not arrived.\n\n###\n\n",
         "completion": f" We are sorry, order {i % 7} ships on day {i % 5}. END"}
        for i in range(count)
    ]  # fmt: skip


#: name -> (file text, whether the shortcut may be taken)
CASES: dict[str, tuple[str, bool]] = {
    "clean, spaced JSON": (_lines(_many(40)), True),
    "clean chat": (
        _lines(
            [
                {
                    "messages": [
                        {"role": "system", "content": "You are terse."},
                        {"role": "user", "content": f"Count to {i}."},
                        {"role": "assistant", "content": " ".join(map(str, range(i)))},
                    ]
                }
                for i in range(1, 30)
            ]
        ),
        True,
    ),
    "duplicates and personal data": (
        _lines(
            [
                *_many(20),
                *_many(5),
                {
                    "prompt": "Mail me at jane.doe@example.com\n\n###\n\n",
                    "completion": " Done, jane.doe@example.com END",
                },
            ]
        ),
        True,
    ),
    "escaped unicode": (
        _lines(
            [
                {
                    "prompt": "Caf\u00e9 \U0001f600 \u4e2d\u6587?\n\n###\n\n",
                    "completion": " Oui \u00e9t\u00e9 END",
                },
                *BASE,
            ]
        ),
        True,
    ),
    "literal unicode, CRLF and a BOM": (
        "\ufeff"
        + _lines(
            [*BASE, {"prompt": "Ça va?\n\n###\n\n", "completion": " Oui END"}], ensure_ascii=False
        ).replace("\n", "\r\n"),
        True,
    ),
    "a blank line inside": (_lines([*BASE[:2], "", *BASE[2:]]), False),
    "a trailing blank line": (_lines([*BASE, "   "]), False),
    "an unreadable line": (_lines([*BASE, "{not json"]), False),
    "NaN beside a long integer (written back as null)": (
        _lines(
            [
                *BASE,
                '{"prompt": "x\\n\\n###\\n\\n", "completion": " y END", '
                '"n": 123456789012345678901234567890, "v": NaN}',
            ]
        ),
        False,
    ),
    "errors without a fix (rejected)": (
        _lines([*BASE, {"prompt": "Only a prompt\n\n###\n\n", "completion": 7}]),
        True,
    ),
    "mixed shapes and an empty completion": (
        _lines(
            [
                *BASE,
                {
                    "messages": [
                        {"role": "user", "content": "Hi"},
                        {"role": "assistant", "content": "Hello"},
                    ]
                },
                {"prompt": "Say nothing\n\n###\n\n", "completion": ""},
            ]
        ),
        True,
    ),
}


def _prepare(source: Path, work: Path, args: list[str], capsys: pytest.CaptureFixture) -> dict:
    """Everything one ``prepare`` produced: its files and its report, with the run's
    folder named ``<work>``."""
    work.mkdir()
    out = work / "out.jsonl"
    code = main(["prepare", str(source), "-o", str(out), "--output-format", "json",
                 "--no-report", "--no-progress", *args])  # fmt: skip
    report = capsys.readouterr().out.replace(str(work), "<work>")
    produced = {p.name: p.read_bytes().replace(str(work).encode(), b"<work>")
                for p in sorted(work.iterdir())}  # fmt: skip
    return {"exit": code, "report": report, "files": produced}


def _both(source: Path, tmp: Path, args: list[str], capsys, monkeypatch) -> tuple[dict, dict, int]:
    """The run with the shortcut, the run that checks the written file, and how often the
    shortcut was taken."""
    taken = []
    original = accept.reused_check

    def spied(*a, **k):
        found = original(*a, **k)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(accept, "reused_check", spied)
    fast = _prepare(source, tmp / "fast", args, capsys)
    monkeypatch.setattr(accept, "reused_check", lambda *a, **k: None)
    full = _prepare(source, tmp / "full", args, capsys)
    return fast, full, sum(taken)


@pytest.mark.parametrize("target", ["openai", "together"])
@pytest.mark.parametrize("name", list(CASES))
def test_reused_check_gives_the_full_checks_results(name, target, tmp_path, capsys, monkeypatch):
    text, may_reuse = CASES[name]
    source = tmp_path / "in.jsonl"
    source.write_bytes(text.encode("utf-8"))
    fast, full, taken = _both(source, tmp_path, ["--target", target], capsys, monkeypatch)
    assert json.loads(fast["report"])["files"], fast["report"]
    assert fast == full
    if not may_reuse:
        assert taken == 0
    elif name == "clean chat" or (name == "clean, spaced JSON" and target == "together"):
        assert taken == 1  # the cases the shortcut is for must take it


def test_not_reused_when_fixes_change_records(tmp_path, capsys, monkeypatch):
    source = tmp_path / "in.jsonl"
    source.write_text(_lines([{"prompt": f"Question {i}", "completion": f"Answer {i}"}
                              for i in range(30)]))  # fmt: skip
    args = ["--target", "openai", "--fix", "--unsafe-fixes", "--model", "davinci-002"]
    fast, full, taken = _both(source, tmp_path, args, capsys, monkeypatch)
    assert fast == full
    assert taken == 0
    assert json.loads(fast["report"])["summary"]["fixed"] > 0


def test_not_reused_for_a_huge_record(tmp_path, capsys, monkeypatch):
    """A record of ``HUGE_SOURCE`` characters or more (made small here) is not read beside its
    written copy: the written file is checked instead, with the same results."""
    monkeypatch.setattr(accept, "HUGE_SOURCE", 200)
    source = tmp_path / "in.jsonl"
    chats = [{"messages": [{"role": "user", "content": f"Question {i}?"},
                           {"role": "assistant", "content": f"Answer {i}. " * (i * 5)}]}
             for i in range(8)]  # fmt: skip
    source.write_text(_lines(chats))
    fast, full, taken = _both(source, tmp_path, ["--target", "together"], capsys, monkeypatch)
    assert fast == full
    assert taken == 0


def _real_heads() -> list[Path]:
    if not SHARED_DATA.is_dir():
        return []
    return sorted(p for p in SHARED_DATA.rglob("*") if p.suffix in (".jsonl", ".json"))


@pytest.mark.parametrize("path", _real_heads(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_files(path, tmp_path, capsys, monkeypatch):
    """The head of every real JSON/JSONL file (a JSON document is read whole: small here)."""
    if path.suffix == ".jsonl":
        with path.open("rb") as handle:
            head = b"".join(line for _, line in zip(range(300), handle, strict=False))
        source = tmp_path / path.name
        source.write_bytes(head)
    else:
        if path.stat().st_size > 2_000_000:
            pytest.skip("a large JSON document: read whole, too slow for the suite")
        source = path
    fast, full, _taken = _both(source, tmp_path, [], capsys, monkeypatch)
    assert fast == full

"""invalid-image (FT330): where images may be, what they may be, how many, how big."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from ftlint.rules.chat.invalid_image import MAX_IMAGE_BYTES, image_kind, image_url_problem

from tests.conftest import write_jsonl

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 24
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16
GIF = b"GIF89a" + b"\x00" * 24


def data_url(payload: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode()}"


def image(url, **extra) -> dict:
    return {"type": "image_url", "image_url": {"url": url, **extra}}


def example(*parts, role: str = "user") -> dict:
    return {
        "messages": [
            {"role": role, "content": [{"type": "text", "text": "What is this?"}, *parts]},
            {"role": "assistant", "content": "A cheese."},
        ]
    }


def check(run_json, path: Path) -> list[dict]:
    _code, report = run_json("check", path, "--select", "FT3")
    return report["diagnostics"]


def test_accepted_images(tmp_path, run_json):
    rows = [
        example(image("https://upload.wikimedia.org/cheese.jpg")),
        example(image("http://example.com/a.png", detail="low")),
        example(image(data_url(PNG))),
        example(image(data_url(JPEG, "image/jpeg"), detail="high")),
        example(image(data_url(WEBP, "image/webp"))),
        example(*[image(data_url(PNG)) for _ in range(10)]),  # exactly the limit
    ]
    assert check(run_json, write_jsonl(tmp_path / "ok.jsonl", rows)) == []


FAILING = [
    pytest.param(example(image("C:/photos/cat.jpg")), "/messages/0/content/1/image_url/url",
                 "http(s)", "error", id="local-path"),
    pytest.param(example(image("ftp://example.com/a.png")), "/messages/0/content/1/image_url/url",
                 "http(s)", "error", id="ftp"),
    pytest.param(example(image(data_url(GIF, "image/gif"))), "/messages/0/content/1/image_url/url",
                 "'image/gif' is not accepted", "error", id="gif-declared"),
    pytest.param(example(image(data_url(GIF))), "/messages/0/content/1/image_url/url",
                 "not a JPEG, PNG or WEBP", "error", id="gif-bytes"),
    pytest.param(example(image("data:image/png;base64,iVBOR%%%")),
                 "/messages/0/content/1/image_url/url", "not valid base64", "error",
                 id="bad-base64"),
    pytest.param(example(image("data:image/png,rawbytes")), "/messages/0/content/1/image_url/url",
                 "base64-encoded", "error", id="not-base64"),
    pytest.param(example(image(data_url(JPEG))), "/messages/0/content/1/image_url/url",
                 "says image/png but holds a JPEG", "warning", id="type-mismatch"),
    pytest.param(example(image("https://x.org/a.png", detail="ultra")),
                 "/messages/0/content/1/image_url/detail", "auto, low or high", "error",
                 id="detail"),
    pytest.param(example(image(data_url(PNG)), role="system"), "/messages/0/content/1",
                 "only accepted in user messages", "error", id="in-system"),
    pytest.param(example(image(None)), "/messages/0/content/1/image_url/url", "must be a string",
                 "error", id="url-missing"),
    pytest.param(example(*[image(data_url(PNG)) for _ in range(11)]),
                 "/messages/0/content/11", "more than 10 images", "error", id="eleven"),
]  # fmt: skip


@pytest.mark.parametrize(("record", "field", "text", "severity"), FAILING)
def test_rejected_images(tmp_path, run_json, record, field, text, severity):
    diagnostics = check(run_json, write_jsonl(tmp_path / "bad.jsonl", [record]))
    assert [(d["name"], d["location"]["field"]) for d in diagnostics] == [("invalid-image", field)]
    assert text in diagnostics[0]["message"]
    assert diagnostics[0]["severity"] == severity


def test_image_in_assistant_message(tmp_path, run_json):
    record = {
        "messages": [
            {"role": "user", "content": "Draw a cat"},
            {"role": "assistant", "content": [image("https://x.org/cat.png")]},
        ]
    }
    diagnostics = check(run_json, write_jsonl(tmp_path / "a.jsonl", [record]))
    assert [(d["name"], d["location"]["field"]) for d in diagnostics] == [
        ("invalid-image", "/messages/1/content/0")
    ]


def test_image_in_preference_data(tmp_path, run_json):
    record = {
        "input": {"messages": [{"role": "user", "content": [image("https://x.org/a.png")]}]},
        "preferred_output": [{"role": "assistant", "content": "A cat."}],
        "non_preferred_output": [{"role": "assistant", "content": "A dog."}],
    }
    diagnostics = check(run_json, write_jsonl(tmp_path / "p.jsonl", [record]))
    assert [(d["name"], d["location"]["field"]) for d in diagnostics] == [
        ("invalid-image", "/input/messages/0/content/0")
    ]
    assert "text only" in diagnostics[0]["message"]


def test_image_url_as_a_plain_string_is_fixed(tmp_path, run_cli, run_json):
    part = {"type": "image_url", "image_url": "https://x.org/a.png"}
    path = write_jsonl(tmp_path / "s.jsonl", [example(part)])
    out = tmp_path / "s_fixed.jsonl"
    run_cli("prepare", path, "-o", out, "--fix", "--no-report", "--select", "FT3")
    written = json.loads(out.read_text())
    assert written["messages"][0]["content"][1] == image("https://x.org/a.png")
    assert check(run_json, out) == []


def test_size_limit_is_checked_without_decoding():
    big = "data:image/png;base64," + "A" * ((MAX_IMAGE_BYTES // 3 + 2) * 4)
    problem, _severity = image_url_problem(big)
    assert problem is not None and "limit is 10 MB" in problem


def test_magic_bytes():
    assert (image_kind(PNG), image_kind(JPEG), image_kind(WEBP), image_kind(GIF)) == (
        "PNG", "JPEG", "WEBP", None,
    )  # fmt: skip


def test_rule_documentation(run_cli):
    code, out, _err = run_cli("rule", "FT330")
    assert code == 0 and "invalid-image" in out and "10 MB" in out

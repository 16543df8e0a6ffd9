"""URL inputs through fsspec: ``memory://`` and a local HTTP server (with range requests, as
object stores and the Hub serve files); read streaming; credentials in a URL never shown."""

from __future__ import annotations

import http.server
import json
import re
import sys
import threading
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import write_jsonl
from tests.test_parallel import messy_dataset, write_lines

fsspec = pytest.importorskip("fsspec")
pytest.importorskip("aiohttp")


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that answers ``Range: bytes=a-b`` with 206, as S3 and the Hub do,
    and records what it was asked."""

    requests: ClassVar[list[tuple[str, str, str | None]]] = []

    def log_message(self, *args):  # quiet
        pass

    def send_head(self):
        self.requests.append((self.command, self.path, self.headers.get("Range")))
        wanted = self.headers.get("Range")
        path = Path(self.translate_path(self.path.split("?", 1)[0]))
        if not path.is_file():
            self.send_error(404)
            return None
        size = path.stat().st_size
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", wanted or "")
        if match is None:
            return super().send_head()
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        return _Limited(handle, end - start + 1)


class _Limited:
    def __init__(self, handle, size):
        self.handle, self.left = handle, size

    def read(self, n=-1):
        n = self.left if n < 0 else min(n, self.left)
        data = self.handle.read(n)
        self.left -= len(data)
        return data

    def close(self):
        self.handle.close()


@pytest.fixture
def http_root(tmp_path):
    """A directory served on 127.0.0.1 (a thread, stopped after the test): (root, base URL)."""
    root = tmp_path / "served"
    root.mkdir()
    RangeHandler.requests = []

    def handler(*args, **kwargs):
        return RangeHandler(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def memory_fs():
    fs = fsspec.filesystem("memory")
    yield fs
    for entry in fs.ls("/", detail=False):
        fs.rm(entry, recursive=True)


def comparable(report: dict) -> list[tuple]:
    return sorted(
        (d["code"], d["location"]["line"], d["location"]["record"], d["location"]["field"],
         d["message"])
        for d in report["diagnostics"]
    )  # fmt: skip


def test_a_file_over_http_is_read_with_range_requests(tmp_path, http_root, run_json, monkeypatch):
    import ftlint.storage

    root, base = http_root
    lines = messy_dataset(600)
    local = write_lines(root / "train.jsonl", lines)
    monkeypatch.setattr(ftlint.storage, "BLOCK_SIZE", 16 * 1024)  # several blocks
    _, here = run_json("check", local)
    url = f"{base}/train.jsonl"
    _, there = run_json("check", url)
    assert comparable(there) == comparable(here)
    assert there["files"][0]["path"] == url
    assert {d["location"]["path"] for d in there["diagnostics"]} == {url}
    ranges = [r for method, _, r in RangeHandler.requests if method == "GET" and r]
    assert len(ranges) >= local.stat().st_size // (16 * 1024)  # streamed, block by block


def test_csv_and_parquet_over_http(tmp_path, http_root, run_json):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    root, base = http_root
    (root / "qa.csv").write_text("prompt,completion\nHi ->, there\n\nHi ->, there\n", "utf-8")
    rows = [{"messages": [{"role": "user", "content": f"Q{i % 5}"},
                          {"role": "assistant", "content": "A"}]} for i in range(12)]  # fmt: skip
    pq.write_table(pa.Table.from_struct_array(pa.array(rows)), root / "chat.parquet",
                   row_group_size=5)  # fmt: skip
    for name in ("qa.csv", "chat.parquet"):
        _, here = run_json("check", root / name, "--model", "davinci-002")
        _, there = run_json("check", f"{base}/{name}", "--model", "davinci-002")
        assert comparable(there) == comparable(here), name
        assert there["files"][0]["records"] == here["files"][0]["records"]


def test_credentials_in_a_url_are_never_shown(http_root, run_cli):
    root, base = http_root
    write_jsonl(root / "train.jsonl", [{"prompt": "a", "completion": "b"}, "not json"])
    host = base.removeprefix("http://")
    url = f"http://alice:s3cr3t-pass@{host}/train.jsonl?X-Amz-Signature=deadbeef99&part=1"
    for fmt in ("text", "json", "sarif", "github", "concise"):
        code, out, err = run_cli("check", url, "-f", fmt)
        assert code == 1, err
        assert "s3cr3t-pass" not in out + err and "deadbeef99" not in out + err, fmt
        assert "alice" not in out + err, fmt
    _, out, _ = run_cli("check", url, "-f", "json")
    shown = json.loads(out)["files"][0]["path"]
    assert shown == f"http://***@{host}/train.jsonl?X-Amz-Signature=***&part=1"


def test_a_missing_url_is_reported_and_the_run_goes_on(tmp_path, http_root, run_json):
    root, base = http_root
    write_jsonl(root / "ok.jsonl", [{"prompt": "a ->", "completion": " b\n"}])
    _, report = run_json("check", f"{base}/missing.jsonl", f"{base}/ok.jsonl")
    [problem] = [
        d for d in report["diagnostics"] if d["location"]["path"].endswith("missing.jsonl")
    ]
    assert problem["severity"] == "error" and "no such file" in problem["message"]
    assert report["files"][1]["records"] == 1


def test_memory_urls_and_a_dataset_glob(memory_fs, run_json, tmp_path):
    rows = [{"prompt": f"Q{i} ->", "completion": f" A{i}\n"} for i in range(8)]
    for name, part in (("00000", rows[:4]), ("00001", [*rows[4:], rows[1]])):
        text = "".join(json.dumps(r) + "\n" for r in part)
        memory_fs.pipe(f"/shards/train-{name}-of-00002.jsonl", text.encode())
    _, one = run_json("check", "memory://shards/train-00000-of-00002.jsonl", "--model",
                      "davinci-002")  # fmt: skip
    assert one["files"][0]["records"] == 4
    _, report = run_json("check", "--dataset", "train=memory://shards/train-*.jsonl",
                         "--model", "davinci-002")  # fmt: skip
    assert [f["path"] for f in report["files"]] == [
        "memory:///shards/train-00000-of-00002.jsonl",
        "memory:///shards/train-00001-of-00002.jsonl",
    ]
    [duplicate] = [d for d in report["diagnostics"] if d["code"] == "FT602"]
    assert duplicate["location"]["path"] == "memory:///shards/train-00001-of-00002.jsonl"
    assert duplicate["location"]["line"] == 5


def test_prepare_a_url_writes_locally(memory_fs, run_cli, tmp_path, monkeypatch):
    memory_fs.pipe("/in/train.jsonl", b'{"prompt": "a ->", "completion": " b\\n"}\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("prepare", "memory://in/train.jsonl", "--model", "davinci-002")
    assert code == 1, err  # one example: too few for a job
    assert (tmp_path / "train_prepared.jsonl").read_text("utf-8").count("\n") == 1


def test_without_fsspec_a_url_names_the_extra(run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "fsspec", None)
    code, _, err = run_cli("check", "s3://bucket/train.jsonl")
    assert code == 2
    assert "pip install 'ftlint[remote]'" in err


def test_mask_url():
    from ftlint.storage import mask_url

    assert mask_url("https://u:p@host/a.jsonl") == "https://***@host/a.jsonl"
    assert mask_url("https://token@host/a") == "https://***@host/a"
    assert mask_url("s3://bucket/a.parquet") == "s3://bucket/a.parquet"
    assert (
        mask_url("https://h/a?sig=1&se=2026&sp=r&x=y&access_token=t")
        == "https://h/a?sig=***&se=***&sp=***&x=y&access_token=***"
    )

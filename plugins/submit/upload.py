"""Uploading a data file for fine-tuning, or reusing the copy already uploaded.

- Up to :data:`MULTIPART_THRESHOLD` bytes: one ``files.create(purpose="fine-tune")`` request.
- Larger: the Uploads API (``uploads.create``, ``uploads.parts.create`` per part of
  :data:`PART_SIZE`, ``uploads.complete`` with the file's MD5 so the server can verify it);
  on failure or Ctrl-C the unfinished upload is cancelled.
- Reuse: the API returns a file's name and size but no content hash. ftlint therefore keeps a
  small local record (``uploads.json`` in its cache directory) of the SHA-256 of every file it
  uploaded, per endpoint and file id. A listed file with the same name and size is reused when
  that record says its SHA-256 is the local file's; with no record, a small file is downloaded
  and hashed when the provider allows it (OpenAI refuses downloads of fine-tune files, so this
  mostly helps other endpoints). Otherwise the file is uploaded again: a wrong reuse would
  train on the wrong data.

Both limits can be lowered through ``FTLINT_UPLOAD_THRESHOLD`` / ``FTLINT_UPLOAD_PART_SIZE``
(bytes), which lets tests exercise the multi-part path with small files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ftlint.plugins.submit import retry
from ftlint.plugins.submit.errors import (
    EXIT_FAILED,
    EXIT_USAGE,
    SubmitError,
    data_rule_hints,
    describe_api_error,
)
from ftlint.plugins.submit.ui import UI

#: Largest file sent in one request (the Files API limit for fine-tune files is 512 MB).
MULTIPART_THRESHOLD = 512_000_000
#: Bytes per part for the Uploads API (at most 64 MB per part; the openai client uses 64 MiB).
PART_SIZE = 64 * 1024 * 1024
#: MIME type the Uploads API expects for fine-tuning data.
JSONL_MIME = "text/jsonl"
#: Files we would download to compare hashes when there is no local record.
VERIFY_BY_DOWNLOAD_LIMIT = 32_000_000
#: Pages of the file list we look through for an earlier upload.
MAX_LIST_PAGES = 5
#: Records kept in the local upload cache (oldest dropped first).
MAX_CACHE_ENTRIES = 2000
#: Checks of a freshly uploaded file's status before giving up waiting for processing.
MAX_PROCESSING_POLLS = 120
HASH_CHUNK = 1 << 20


@dataclass
class UploadSettings:
    threshold: int = MULTIPART_THRESHOLD
    part_size: int = PART_SIZE
    reuse: bool = True
    poll_interval: float = 2.0

    @classmethod
    def from_env(cls, **overrides: Any) -> UploadSettings:
        settings = cls(**overrides)
        for name, attr in (
            ("FTLINT_UPLOAD_THRESHOLD", "threshold"),
            ("FTLINT_UPLOAD_PART_SIZE", "part_size"),
        ):
            value = os.environ.get(name)
            if value:
                try:
                    number = int(value)
                except ValueError:
                    raise SubmitError(f"{name} must be a number of bytes", EXIT_USAGE) from None
                if number <= 0:
                    raise SubmitError(f"{name} must be positive", EXIT_USAGE)
                setattr(settings, attr, number)
        return settings


@dataclass(frozen=True)
class Fingerprint:
    path: str
    name: str
    size: int
    sha256: str
    md5: str


def fingerprint(path: Path) -> Fingerprint:
    """Size and hashes of a file, read once in 1 MiB chunks."""
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    size = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                sha.update(chunk)
                md5.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise SubmitError(f"cannot read {path}: {exc.strerror or exc}", EXIT_USAGE) from None
    return Fingerprint(str(path), path.name, size, sha.hexdigest(), md5.hexdigest())


@dataclass
class UploadedFile:
    id: str
    filename: str
    bytes: int
    sha256: str
    #: ``reused``, ``files`` (one request) or ``uploads`` (in parts).
    via: str
    status: str | None = None

    @property
    def reused(self) -> bool:
        return self.via == "reused"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reused": self.reused}


# ---------------------------------------------------------------------------------------------
# The local record of uploaded files


def cache_dir() -> Path:
    explicit = os.environ.get("FTLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "ftlint"


class UploadCache:
    """``{endpoint}|{file_id} -> {sha256, bytes, filename, uploaded_at}`` in a JSON file.

    Holds no secrets. A damaged or unwritable cache only costs a re-upload, never a failure.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or cache_dir() / "uploads.json"

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        files = data.get("files") if isinstance(data, dict) else None
        return files if isinstance(files, dict) else {}

    def lookup(self, endpoint: str, file_id: str) -> dict[str, Any] | None:
        entry = self._load().get(f"{endpoint}|{file_id}")
        return entry if isinstance(entry, dict) else None

    def remember(self, endpoint: str, file_id: str, fp: Fingerprint) -> bool:
        files = self._load()
        files[f"{endpoint}|{file_id}"] = {
            "sha256": fp.sha256,
            "bytes": fp.size,
            "filename": fp.name,
            "uploaded_at": int(time.time()),
        }
        if len(files) > MAX_CACHE_ENTRIES:
            ordered = sorted(files.items(), key=lambda kv: kv[1].get("uploaded_at", 0))
            files = dict(ordered[-MAX_CACHE_ENTRIES:])
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"version": 1, "files": files}, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            return False
        return True


# ---------------------------------------------------------------------------------------------
# Reuse


def _listed_files(client: Any) -> list[Any]:
    files: list[Any] = []
    after: str | None = None
    for _ in range(MAX_LIST_PAGES):
        kwargs: dict[str, Any] = {"purpose": "fine-tune"}
        if after:
            kwargs["after"] = after
        page = client.files.list(**kwargs)
        data = list(page.data or [])
        files.extend(data)
        if not data or not getattr(page, "has_more", False):
            break
        after = data[-1].id
    return files


def _download_sha256(client: Any, file_id: str) -> str | None:
    import openai

    try:
        content = client.files.content(file_id)
        return hashlib.sha256(content.content).hexdigest()
    except openai.OpenAIError:
        return None


def find_reusable(
    client: Any, fp: Fingerprint, cache: UploadCache, endpoint: str, ui: UI
) -> Any | None:
    """An uploaded file with the same name, size and content hash, or None."""
    import openai

    try:
        listed = _listed_files(client)
    except openai.OpenAIError as exc:
        problem = describe_api_error(exc, "listing uploaded files", endpoint)
        ui.warn(f"{problem.message}; uploading without checking for an earlier copy")
        return None
    candidates = [
        f
        for f in listed
        if getattr(f, "filename", None) == fp.name
        and getattr(f, "bytes", None) == fp.size
        and getattr(f, "status", None) not in ("error", "deleted", "deleting")
    ]
    candidates.sort(key=lambda f: getattr(f, "created_at", 0) or 0, reverse=True)
    for candidate in candidates:
        record = cache.lookup(endpoint, candidate.id)
        if record is not None:
            if record.get("sha256") == fp.sha256:
                return candidate
            continue
        if fp.size <= VERIFY_BY_DOWNLOAD_LIMIT and _download_sha256(client, candidate.id) == (
            fp.sha256
        ):
            cache.remember(endpoint, candidate.id, fp)
            return candidate
    return None


# ---------------------------------------------------------------------------------------------
# Sending


class ProgressReader(io.RawIOBase):
    """A seekable read-only view of a binary file that reports how far it has been read.

    The openai client can rewind it to resend the body after a broken connection (it needs
    ``seekable``/``tell``/``seek``), and httpx takes its length from ``fileno``.
    """

    def __init__(self, handle: Any, report: Callable[[int], None]) -> None:
        super().__init__()
        self._handle = handle
        self._report = report

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._handle.fileno()

    def tell(self) -> int:
        return self._handle.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self._handle.seek(offset, whence)
        self._report(position)
        return position

    def readinto(self, buffer: Any) -> int:
        count = self._handle.readinto(buffer)
        self._report(self._handle.tell())
        return count or 0

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._report(self._handle.tell())
        return data


def _simple_upload(client: Any, path: Path, fp: Fingerprint, ui: UI) -> Any:
    with path.open("rb") as handle, ui.progress(f"uploading {fp.name}", fp.size) as update:
        reader = ProgressReader(handle, update)
        return client.files.create(file=(fp.name, reader), purpose="fine-tune")


def _multipart_upload(
    client: Any, path: Path, fp: Fingerprint, ui: UI, part_size: int, endpoint: str
) -> Any:
    import openai

    upload = client.uploads.create(
        bytes=fp.size, filename=fp.name, mime_type=JSONL_MIME, purpose="fine-tune"
    )
    parts = -(-fp.size // part_size)
    ui.say(f"  sending {fp.name} in {parts} parts through the Uploads API ({upload.id})")
    part_ids: list[str] = []
    try:
        with path.open("rb") as handle, ui.progress(f"uploading {fp.name}", fp.size) as update:
            for _ in range(parts):
                chunk = handle.read(part_size)
                if not chunk:
                    break
                part = client.uploads.parts.create(upload_id=upload.id, data=chunk)
                part_ids.append(part.id)
                update(handle.tell())
        done = client.uploads.complete(upload_id=upload.id, part_ids=part_ids, md5=fp.md5)
    except BaseException:
        with contextlib.suppress(openai.OpenAIError):
            client.with_options(max_retries=0, timeout=10).uploads.cancel(upload.id)
        raise
    if done.file is None:
        raise SubmitError(
            f"the upload {upload.id} completed with status {done.status!r} but no file",
            hints=[f"endpoint: {endpoint}"],
        )
    return done.file


def wait_until_processed(
    client: Any,
    file: Any,
    ui: UI,
    poll_interval: float,
    role: str,
    rules: dict[str, str],
    local_path: Path,
) -> Any:
    """Wait (bounded) until the provider has processed the file; a file it rejects stops the
    submission with the provider's reason."""
    for _ in range(MAX_PROCESSING_POLLS):
        status = getattr(file, "status", None)
        if status == "error":
            details = getattr(file, "status_details", None) or "no details given"
            hints = data_rule_hints("", details, "", rules, {"training_file": str(local_path)})
            raise SubmitError(
                f"the provider rejected the {role} file {file.filename} ({file.id}): {details}",
                EXIT_FAILED,
                hints,
            )
        if status in (None, "processed", "succeeded"):
            return file
        retry.sleep(poll_interval)
        file = client.files.retrieve(file.id)
    ui.warn(f"{file.id} is still {file.status!r}; creating the job anyway")
    return file


def upload_file(
    client: Any,
    path: Path,
    role: str,
    ui: UI,
    settings: UploadSettings,
    cache: UploadCache,
    endpoint: str,
    rules: dict[str, str] | None = None,
) -> UploadedFile:
    """Upload ``path`` (or find the identical copy already uploaded)."""
    import openai

    fp = fingerprint(path)
    if fp.size == 0:
        raise SubmitError(f"{path} is empty; there is nothing to upload", EXIT_USAGE)
    action = f"uploading the {role} file {path}"
    try:
        if settings.reuse:
            existing = find_reusable(client, fp, cache, endpoint, ui)
            if existing is not None:
                ui.say(
                    f"{role} file {fp.name}: already uploaded as {existing.id} (same name, "
                    f"size and SHA-256); not sent again"
                )
                return UploadedFile(
                    existing.id, fp.name, fp.size, fp.sha256, "reused", existing.status
                )
        size_text = _human_size(fp.size)
        if fp.size > settings.threshold:
            ui.say(f"{role} file {fp.name} ({size_text}): uploading in parts")
            file = _multipart_upload(client, path, fp, ui, settings.part_size, endpoint)
            via = "uploads"
        else:
            ui.say(f"{role} file {fp.name} ({size_text}): uploading")
            file = _simple_upload(client, path, fp, ui)
            via = "files"
        cache.remember(endpoint, file.id, fp)
        ui.say(f"  uploaded as {file.id}")
        file = wait_until_processed(
            client, file, ui, settings.poll_interval, role, rules or {}, path
        )
    except openai.OpenAIError as exc:
        raise describe_api_error(exc, action, endpoint, rules) from None
    except OSError as exc:
        raise SubmitError(f"{action}: {exc.strerror or exc}", EXIT_USAGE) from None
    return UploadedFile(file.id, fp.name, fp.size, fp.sha256, via, getattr(file, "status", None))


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} bytes"

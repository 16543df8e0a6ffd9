"""A fake OpenAI fine-tuning API on 127.0.0.1, spoken to over real HTTP by the real ``openai``
client (tests point ``OPENAI_BASE_URL`` at it; nothing in the client is patched).

Endpoints: files (create multipart, list, retrieve, content), uploads (create, parts, complete,
cancel), fine_tuning jobs (create, retrieve, list, events, checkpoints, cancel), under ``/v1/``
(OpenAI) and ``/openai/`` (Azure). Scripted per test:

- ``job_script``: the steps a new job goes through, one step per ``GET /fine_tuning/jobs/ID``
  (status, events, metrics; success writes a result CSV and checkpoints; failure sets the
  error code, message and parameter);
- ``add_fault``: answer a matching request with a status (429 with Retry-After, 500 ...),
  drop the connection mid-request (``drop``: the socket closes while the body is being sent)
  or after doing the work (``drop_after``: the answer is lost);
- ``requests`` records every request (method, path, query, headers, JSON body) for assertions.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

# ---------------------------------------------------------------------------------------------
# Scripts


@dataclass
class Step:
    status: str
    events: list[tuple[str, str]] = field(default_factory=list)
    #: (step, train_loss, valid_loss or None)
    metrics: list[tuple[int, float, float | None]] = field(default_factory=list)
    error: dict[str, Any] | None = None


def success_script(total_steps: int = 12, chunks: int = 3) -> list[Step]:
    """validating -> queued -> running (metrics in ``chunks`` polls) -> succeeded."""
    steps = [
        Step("validating_files", [("info", "Validating training file")]),
        Step("queued", [("info", "Files validated, moving job to queued state")]),
    ]
    per = -(-total_steps // chunks)
    for index in range(chunks):
        metrics = []
        for step in range(index * per + 1, min(total_steps, (index + 1) * per) + 1):
            valid = round(2.2 * 0.85**step, 6) if step % 4 == 0 else None
            metrics.append((step, round(2.0 * 0.8**step, 6), valid))
        events = [("info", "Fine-tuning job started")] if index == 0 else []
        steps.append(Step("running", events, metrics))
    steps.append(
        Step(
            "succeeded",
            [
                ("info", "New fine-tuned model created"),
                ("info", "The job has successfully completed"),
            ],
        )
    )
    return steps


def failure_script(code: str, message: str, param: str | None = "training_file") -> list[Step]:
    return [
        Step("validating_files", [("info", "Validating training file")]),
        Step(
            "failed", [("error", message)], error={"code": code, "message": message, "param": param}
        ),
    ]


def running_script(polls: int = 50) -> list[Step]:
    """A job that stays running (for cancel and Ctrl-C tests)."""
    return [Step("running", [("info", f"still running ({i})")]) for i in range(polls)]


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    kind: str  # "status", "drop", "drop_after"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None
    times: int = 1
    #: Matching requests let through before the fault starts.
    skip: int = 0
    hits: int = 0
    seen: int = 0


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    json: Any = None
    dropped: bool = False


class _Reply(Exception):
    def __init__(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.payload = payload
        self.headers = headers or {}


def _error(status: int, message: str, code: str | None = None, param: str | None = None) -> _Reply:
    return _Reply(
        status,
        {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "code": code,
                "param": param,
            }
        },
    )


# ---------------------------------------------------------------------------------------------
# The server


class FakeOpenAI:
    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.lock = threading.RLock()
        self.counter = 0
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.file_statuses: dict[str, list[str]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}
        self.parts: dict[str, bytes] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.scripts: dict[str, list[Step]] = {}
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.checkpoints: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        # Behaviour switches for the next objects created.
        self.job_script: list[Step] = success_script()
        self.new_file_statuses: list[str] = ["processed"]
        self.result_base64 = False
        self.allow_download = True
        self.accept_metadata = True
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                fake.handle(self, "GET")

            def do_POST(self) -> None:
                fake.handle(self, "POST")

            def do_DELETE(self) -> None:
                fake.handle(self, "DELETE")

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # dropped connections are on purpose

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self.base_url

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def origin(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- scripting and assertions ---------------------------------------------------------------
    def add_fault(self, method: str, path: str, kind: str = "status", **kwargs: Any) -> Fault:
        fault = Fault(method, re.compile(path), kind, **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def calls(self, method: str, path: str) -> list[Recorded]:
        pattern = re.compile(path)
        with self.lock:
            return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    @property
    def created_jobs(self) -> int:
        return len(self.jobs)

    def _next_id(self, prefix: str) -> str:
        with self.lock:
            self.counter += 1
            return f"{prefix}{self.counter:04d}"

    # -- HTTP -----------------------------------------------------------------------------------
    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        path = url.path
        for prefix in ("/v1", "/openai"):
            if path.startswith(prefix + "/"):
                path = path[len(prefix) :]
                break
        query = parse_qs(url.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        fault = self._take_fault(method, path)
        if fault is not None and fault.kind == "drop":
            length = int(headers.get("content-length") or 0)
            if length:
                handler.rfile.read(min(length, 64))
            self._record(Recorded(method, path, query, headers, dropped=True))
            self._drop(handler)
            return
        body = self._read_body(handler, headers)
        payload = None
        if body and "json" in headers.get("content-type", ""):
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
        self._record(Recorded(method, path, query, headers, payload))
        if fault is not None and fault.kind == "status":
            body_json = fault.body or {
                "error": {
                    "message": f"fake error {fault.status}",
                    "type": "server_error",
                    "code": None,
                    "param": None,
                }
            }
            self._send(handler, fault.status, body_json, fault.headers)
            return
        try:
            self._authorise(headers)
            status, result, extra = self.route(method, path, query, headers, body, payload)
        except _Reply as reply:
            status, result, extra = reply.status, reply.payload, reply.headers
        if fault is not None and fault.kind == "drop_after":
            self._drop(handler)
            return
        self._send(handler, status, result, extra)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.method != method or not fault.path.fullmatch(path):
                    continue
                fault.seen += 1
                if fault.seen > fault.skip and fault.hits < fault.times:
                    fault.hits += 1
                    return fault
        return None

    def _record(self, recorded: Recorded) -> None:
        with self.lock:
            self.requests.append(recorded)

    @staticmethod
    def _drop(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.connection.shutdown(socket.SHUT_RDWR)

    @staticmethod
    def _read_body(handler: BaseHTTPRequestHandler, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int(handler.rfile.readline().strip().split(b";")[0] or b"0", 16)
                if size == 0:
                    handler.rfile.readline()
                    break
                chunks.append(handler.rfile.read(size))
                handler.rfile.readline()
            return b"".join(chunks)
        length = int(headers.get("content-length") or 0)
        return handler.rfile.read(length) if length else b""

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, status: int, payload: Any, extra: dict[str, str]
    ) -> None:
        if isinstance(payload, bytes):
            data, content_type = payload, "application/octet-stream"
        else:
            data, content_type = json.dumps(payload).encode(), "application/json"
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(data)))
            handler.send_header("x-request-id", f"req_fake_{int(time.time() * 1000) % 100000}")
            for name, value in extra.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:
            handler.close_connection = True

    def _authorise(self, headers: dict[str, str]) -> None:
        given = headers.get("authorization", "")
        token = given[7:] if given.lower().startswith("bearer ") else headers.get("api-key", "")
        if token != self.api_key:
            # Like the real API, name the key that was refused (in full, to test scrubbing).
            raise _error(
                401,
                f"Incorrect API key provided: {token}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                "invalid_api_key",
            )

    # -- routing --------------------------------------------------------------------------------
    def route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        payload: Any,
    ) -> tuple[int, Any, dict[str, str]]:
        with self.lock:
            for pattern, verb, name in _ROUTES:
                match = pattern.fullmatch(path)
                if match and verb == method:
                    return getattr(self, name)(
                        *match.groups(), query=query, headers=headers, body=body, payload=payload
                    )
        raise _error(404, f"Invalid URL ({method} {path})")

    # files
    def _new_file(self, filename: str, content: bytes, purpose: str) -> dict[str, Any]:
        file_id = self._next_id("file-")
        statuses = list(self.new_file_statuses) if purpose == "fine-tune" else ["processed"]
        obj = {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": int(time.time()),
            "filename": filename,
            "purpose": purpose,
            "status": statuses[0],
            "status_details": None,
        }
        self.files[file_id] = obj
        self.contents[file_id] = content
        self.file_statuses[file_id] = statuses[1:]
        return obj

    def files_create(self, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        fields = parse_multipart(kw["headers"].get("content-type", ""), kw["body"])
        purpose = fields.get("purpose", (None, b""))[1].decode()
        filename, content = fields.get("file", (None, b""))
        if not filename or purpose != "fine-tune":
            raise _error(400, "file and purpose=fine-tune are required", param="file")
        return 200, self._new_file(filename, content, purpose), {}

    def files_list(self, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        purpose = kw["query"].get("purpose", [None])[0]
        data = [f for f in self.files.values() if purpose is None or f["purpose"] == purpose]
        data.sort(key=lambda f: f["id"], reverse=True)
        return 200, {"object": "list", "data": data, "has_more": False}, {}

    def files_retrieve(self, file_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        obj = self.files.get(file_id)
        if obj is None:
            raise _error(404, f"No such File object: {file_id}", param="id")
        pending = self.file_statuses.get(file_id)
        if pending:
            obj["status"] = pending.pop(0)
        return 200, obj, {}

    def files_content(self, file_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        obj = self.files.get(file_id)
        if obj is None:
            raise _error(404, f"No such File object: {file_id}", param="id")
        if obj["purpose"] == "fine-tune" and not self.allow_download:
            raise _error(400, "Not allowed to download files of purpose: fine-tune")
        return 200, self.contents[file_id], {}

    # uploads
    def uploads_create(self, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        payload = kw["payload"] or {}
        upload_id = self._next_id("upload_")
        self.uploads[upload_id] = {
            "id": upload_id,
            "object": "upload",
            "bytes": int(payload.get("bytes", 0)),
            "created_at": int(time.time()),
            "expires_at": int(time.time()) + 3600,
            "filename": payload.get("filename"),
            "purpose": payload.get("purpose"),
            "mime_type": payload.get("mime_type"),
            "status": "pending",
            "file": None,
        }
        return 200, self.uploads[upload_id], {}

    def _upload(self, upload_id: str) -> dict[str, Any]:
        upload = self.uploads.get(upload_id)
        if upload is None:
            raise _error(404, f"No such Upload: {upload_id}")
        return upload

    def uploads_part(self, upload_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        upload = self._upload(upload_id)
        if upload["status"] != "pending":
            raise _error(400, f"Upload {upload_id} is {upload['status']}")
        fields = parse_multipart(kw["headers"].get("content-type", ""), kw["body"])
        data = fields.get("data", (None, b""))[1]
        part_id = self._next_id("part_")
        self.parts[part_id] = data
        return (
            200,
            {
                "id": part_id,
                "object": "upload.part",
                "created_at": int(time.time()),
                "upload_id": upload_id,
            },
            {},
        )

    def uploads_complete(self, upload_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        upload = self._upload(upload_id)
        payload = kw["payload"] or {}
        content = b"".join(self.parts[p] for p in payload.get("part_ids", []))
        if len(content) != upload["bytes"]:
            raise _error(400, f"expected {upload['bytes']} bytes, got {len(content)}")
        md5 = payload.get("md5")
        if md5 and hashlib.md5(content).hexdigest() != md5:
            raise _error(400, "md5 mismatch")
        upload["status"] = "completed"
        upload["file"] = self._new_file(upload["filename"], content, upload["purpose"])
        return 200, upload, {}

    def uploads_cancel(self, upload_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        upload = self._upload(upload_id)
        upload["status"] = "cancelled"
        return 200, upload, {}

    # jobs
    def _event(
        self, job_id: str, level: str, message: str, data: Any = None, kind: str = "message"
    ) -> None:
        self.events.setdefault(job_id, []).append(
            {
                "id": self._next_id("ftevent-"),
                "object": "fine_tuning.job.event",
                "created_at": int(time.time()),
                "level": level,
                "message": message,
                "data": data,
                "type": kind,
            }
        )

    def jobs_create(self, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        payload = kw["payload"] or {}
        if "metadata" in payload and not self.accept_metadata:
            raise _error(400, "Unrecognized request argument supplied: metadata", param="metadata")
        training = payload.get("training_file")
        if training not in self.files:
            raise _error(400, f"invalid training_file: {training}", param="training_file")
        job_id = self._next_id("ftjob-")
        method = payload.get("method") or {"type": "supervised"}
        kind = method.get("type", "supervised")
        hyper = (method.get(kind) or {}).get("hyperparameters") or {}
        self.jobs[job_id] = {
            "id": job_id,
            "object": "fine_tuning.job",
            "created_at": int(time.time()),
            "model": payload.get("model"),
            "training_file": training,
            "validation_file": payload.get("validation_file"),
            "status": "validating_files",
            "hyperparameters": {
                "n_epochs": hyper.get("n_epochs", "auto"),
                "batch_size": hyper.get("batch_size", "auto"),
                "learning_rate_multiplier": hyper.get("learning_rate_multiplier", "auto"),
            },
            "method": method,
            "metadata": payload.get("metadata"),
            "organization_id": "org-fake",
            "result_files": [],
            "seed": payload.get("seed", 42),
            "fine_tuned_model": None,
            "finished_at": None,
            "trained_tokens": None,
            "error": None,
            "estimated_finish": None,
            "integrations": [],
            "_suffix": payload.get("suffix"),
        }
        self.scripts[job_id] = [
            Step(s.status, list(s.events), list(s.metrics), s.error) for s in self.job_script
        ]
        self._event(job_id, "info", f"Created fine-tuning job: {job_id}")
        return 200, self._public(self.jobs[job_id]), {}

    @staticmethod
    def _public(job: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in job.items() if not k.startswith("_")}

    def _job(self, job_id: str) -> dict[str, Any]:
        job = self.jobs.get(job_id)
        if job is None:
            raise _error(404, f"Could not find fine-tune: {job_id}", param="fine_tune_id")
        return job

    def jobs_list(self, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        query = kw["query"]
        limit = int(query.get("limit", ["20"])[0])
        wanted = {
            key[len("metadata[") : -1]: values[0]
            for key, values in query.items()
            if key.startswith("metadata[") and key.endswith("]")
        }
        data = [
            self._public(j)
            for j in sorted(self.jobs.values(), key=lambda j: j["id"], reverse=True)
            if all((j.get("metadata") or {}).get(k) == v for k, v in wanted.items())
        ]
        return 200, {"object": "list", "data": data[:limit], "has_more": len(data) > limit}, {}

    def jobs_retrieve(self, job_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        job = self._job(job_id)
        script = self.scripts.get(job_id) or []
        if script and job["status"] not in ("succeeded", "failed", "cancelled"):
            self._apply(job, script.pop(0))
        return 200, self._public(job), {}

    def _apply(self, job: dict[str, Any], step: Step) -> None:
        job_id = job["id"]
        job["status"] = step.status
        for level, message in step.events:
            self._event(job_id, level, message)
        all_metrics = job.setdefault("_metrics", [])
        for number, train, valid in step.metrics:
            all_metrics.append((number, train, valid))
            data = {"step": number, "train_loss": train, "total_steps": _total_steps(self, job)}
            message = f"Step {number}/{data['total_steps']}: training loss={train:.4f}"
            if valid is not None:
                data["valid_loss"] = valid
                message += f", validation loss={valid:.4f}"
            self._event(job_id, "info", message, data, "metrics")
        if step.status == "succeeded":
            self._succeed(job)
        elif step.status == "failed":
            job["error"] = step.error
            job["finished_at"] = int(time.time())

    def _succeed(self, job: dict[str, Any]) -> None:
        job_id = job["id"]
        suffix = job.get("_suffix") or ""
        job["fine_tuned_model"] = f"ft:{job['model']}:org-fake:{suffix}:{job_id[-4:]}abc"
        job["finished_at"] = int(time.time())
        job["trained_tokens"] = 12345
        lines = ["step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy"]
        for number, train, valid in job.get("_metrics", []):
            valid_text = "" if valid is None else f"{valid}"
            lines.append(f"{number},{train},0.5,{valid_text},")
        csv_bytes = ("\n".join(lines) + "\n").encode()
        content = base64.b64encode(csv_bytes) if self.result_base64 else csv_bytes
        result = self._new_file("step_metrics.csv", content, "fine-tune-results")
        job["result_files"] = [result["id"]]
        job["_csv"] = csv_bytes
        self.checkpoints[job_id] = [
            {
                "id": self._next_id("ftckpt_"),
                "object": "fine_tuning.job.checkpoint",
                "created_at": int(time.time()),
                "fine_tuned_model_checkpoint": f"{job['fine_tuned_model']}:ckpt-step-{n}",
                "fine_tuning_job_id": job_id,
                "metrics": {"step": n},
                "step_number": n,
            }
            for n in sorted({m[0] for m in job.get("_metrics", [])})[-2:]
        ]

    def jobs_events(self, job_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        self._job(job_id)
        query = kw["query"]
        limit = int(query.get("limit", ["20"])[0])
        after = query.get("after", [None])[0]
        events = list(reversed(self.events.get(job_id, [])))
        if after:
            ids = [e["id"] for e in events]
            events = events[ids.index(after) + 1 :] if after in ids else []
        page = events[:limit]
        return 200, {"object": "list", "data": page, "has_more": len(events) > limit}, {}

    def jobs_checkpoints(self, job_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        self._job(job_id)
        data = list(reversed(self.checkpoints.get(job_id, [])))
        return 200, {"object": "list", "data": data, "has_more": False}, {}

    def jobs_cancel(self, job_id: str, **kw: Any) -> tuple[int, Any, dict[str, str]]:
        job = self._job(job_id)
        if job["status"] in ("succeeded", "failed", "cancelled"):
            raise _error(400, f"Job {job_id} has already {job['status']}")
        job["status"] = "cancelled"
        job["finished_at"] = int(time.time())
        self._event(job_id, "info", "Fine-tuning job cancelled")
        return 200, self._public(job), {}


def _total_steps(fake: FakeOpenAI, job: dict[str, Any]) -> int:
    script_metrics = [m[0] for s in fake.job_script for m in s.metrics]
    seen = [m[0] for m in job.get("_metrics", [])]
    return max(script_metrics + seen, default=0)


_ROUTES = [
    (re.compile(pattern), method, handler)
    for pattern, method, handler in (
        (r"/files", "POST", "files_create"),
        (r"/files", "GET", "files_list"),
        (r"/files/([^/]+)", "GET", "files_retrieve"),
        (r"/files/([^/]+)/content", "GET", "files_content"),
        (r"/uploads", "POST", "uploads_create"),
        (r"/uploads/([^/]+)/parts", "POST", "uploads_part"),
        (r"/uploads/([^/]+)/complete", "POST", "uploads_complete"),
        (r"/uploads/([^/]+)/cancel", "POST", "uploads_cancel"),
        (r"/fine_tuning/jobs", "POST", "jobs_create"),
        (r"/fine_tuning/jobs", "GET", "jobs_list"),
        (r"/fine_tuning/jobs/([^/]+)", "GET", "jobs_retrieve"),
        (r"/fine_tuning/jobs/([^/]+)/events", "GET", "jobs_events"),
        (r"/fine_tuning/jobs/([^/]+)/checkpoints", "GET", "jobs_checkpoints"),
        (r"/fine_tuning/jobs/([^/]+)/cancel", "POST", "jobs_cancel"),
    )
]


def parse_multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """``name -> (filename, content)`` from a multipart/form-data body."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return {}
    boundary = b"--" + match.group(1).encode()
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in body.split(boundary):
        part = part.removeprefix(b"\r\n")
        if not part or part.startswith(b"--"):
            continue
        head, _, content = part.partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        disposition = next(
            (
                line
                for line in head.decode("latin-1").split("\r\n")
                if line.lower().startswith("content-disposition")
            ),
            "",
        )
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'filename="([^"]*)"', disposition)
        if name:
            fields[name.group(1)] = (filename.group(1) if filename else None, content)
    return fields

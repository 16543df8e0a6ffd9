"""The oracle: what counts as a failure of ftlint on one input.

Each ``run_*`` function writes the input to a fresh temporary directory, runs one part of
ftlint on it and returns the ``Failure`` list (empty: the input passed). A failure is:

- an exception escaping a reader, ``ftlint.check`` or ``ftlint.prepare``;
- a ``rule-error`` (FT001) finding: a rule or reader raised inside the engine;
- a report that is not valid JSON or not valid UTF-8;
- records not accounted for: a prepared file's ``records`` is not ``written`` + ``dropped``;
- an output that is not UTF-8 JSONL (one JSON object per line, ``written`` lines);
- ``prepare --fix --unsafe-fixes`` of its own output not giving the same bytes again;
- an existing file written over (the input, or an existing output without ``force``);
- a reader's records that differ when the file is read in byte ranges (parallel reading);
- a CLI exit code other than 0/1, a traceback or "internal error" on stderr;
- a run over the time budget.

``Failure.signature`` deduplicates by cause: exception type + innermost frame in ftlint's
code, or the oracle violated (+ the rule that raised).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
#: Seconds one input may take in one target.
TIME_BUDGET = 20.0
#: The CLI's wall-clock limit per command (a hang is reported, never waited for).
CLI_TIMEOUT = 60.0
EXTENSIONS = {"jsonl": ".jsonl", "json": ".json", "csv": ".csv", "tsv": ".tsv", "xlsx": ".xlsx"}


@dataclass(frozen=True)
class Failure:
    target: str
    #: The oracle violated: exception, rule-error, report-utf8, report-json, accounting,
    #: output-utf8, output-jsonl, not-idempotent, overwrite, split-mismatch, cli-exit,
    #: cli-stderr, cli-stdout, timeout.
    oracle: str
    #: What the failure is deduplicated by (oracle + cause).
    signature: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.target}] {self.signature}: {self.detail[:300]}"


# ---------------------------------------------------------------------------------------------
# Signatures


_PROJECT_DIRS = tuple(str(REPO / d) + os.sep for d in ("ftlint", "plugins", "rules"))


def _frame_name(filename: str, function: str) -> str:
    for prefix in _PROJECT_DIRS:
        if filename.startswith(prefix):
            return f"{os.path.relpath(filename, REPO)}:{function}"
    if "site-packages" in filename:
        filename = filename.split("site-packages" + os.sep, 1)[1]
    else:
        filename = os.path.basename(filename)
    return f"{filename}:{function}"


def exception_signature(exc: BaseException) -> str:
    """``Type@innermost ftlint frame`` (and the innermost frame, when that is a library)."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [
        f
        for f in frames
        if f.filename.startswith(_PROJECT_DIRS) and os.sep + "fuzz" + os.sep not in f.filename
    ]
    where = _frame_name(own[-1].filename, own[-1].name) if own else "?"
    if frames and (not own or frames[-1] is not own[-1]):
        where += f" > {_frame_name(frames[-1].filename, frames[-1].name)}"
    return f"{type(exc).__name__}@{where}"


#: Filled by the probe on ``Scanning._rule_failed``: the signature of each exception a rule
#: raised inside the engine (the engine keeps only the message).
_RULE_ERRORS: list[str] = []


@functools.cache
def install_rule_error_probe() -> None:
    """Wrap the engine's ``_rule_failed`` so that the traceback of a rule's exception is
    kept for deduplication (the engine reports only its message). Observes, changes nothing."""
    from ftlint.engine.scan import Scanning

    original = Scanning._rule_failed

    def probe(self, rule, exc, location):  # type: ignore[no-untyped-def]
        _RULE_ERRORS.append(f"{rule.name}: {exception_signature(exc)}")
        return original(self, rule, exc, location)

    Scanning._rule_failed = probe  # type: ignore[method-assign]

    from ftlint.engine import Engine

    open_file = Engine.open_file

    def probed_open_file(self, path):  # type: ignore[no-untyped-def]
        file, reader, problems = open_file(self, path)
        if reader is not None and not isinstance(reader, _ProbedReader):
            reader = _ProbedReader(reader)
        return file, reader, problems

    Engine.open_file = probed_open_file  # type: ignore[method-assign]


class _ProbedReader:
    """A reader as the engine sees it, that notes the traceback of an exception of ``read``
    (the engine reports a reader's exception as FT001 with its message only)."""

    def __init__(self, reader) -> None:  # type: ignore[no-untyped-def]
        self._reader = reader

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._reader, name)

    def read(self, file, byte_range=None):  # type: ignore[no-untyped-def]
        try:
            yield from self._reader.read(file, byte_range)
        except Exception as exc:
            _RULE_ERRORS.append(f"reader {self._reader.name}: {exception_signature(exc)}")
            raise


_RULE_MESSAGE = re.compile(r"^rule '([^']*)' \((\w+)\) failed.*?: (\w+):")
_READER_MESSAGE = re.compile(r"^reader '([^']*)' failed .*?stopped reading this file: (\w+):")


def rule_error_signature(message: str, probed: list[str]) -> str:
    match = _RULE_MESSAGE.match(message)
    if match:
        name, _code, exc_type = match.groups()
        for entry in probed:
            if entry.startswith(f"{name}: {exc_type}@"):
                return f"rule-error {entry}"
        return f"rule-error {name}: {exc_type}"
    match = _READER_MESSAGE.match(message)
    if match:
        name, exc_type = match.groups()
        for entry in probed:
            if entry.startswith(f"reader {name}: {exc_type}@"):
                return f"rule-error {entry}"
        return f"rule-error reader {name}: {exc_type}"
    return f"rule-error {message[:60]}"


# ---------------------------------------------------------------------------------------------
# Helpers


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ftlint-fuzz-") as name:
        yield Path(name)


def input_name(kind: str, name: bytes | str | None = None) -> str:
    if name is None:
        return "input" + EXTENSIONS[kind]
    return os.fsdecode(name) if isinstance(name, bytes) else name


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}


def check_report_json(target: str, report: object) -> tuple[list[Failure], dict | None]:
    """The JSON report must serialise, be valid UTF-8 and parse back."""
    try:
        text = report.to_json()  # type: ignore[attr-defined]
    except Exception as exc:
        return [
            Failure(target, "report-json", f"report-json: {exception_signature(exc)}", repr(exc))
        ], None
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = text[max(0, exc.start - 40) : exc.end + 40]
        return [Failure(target, "report-utf8", "report-utf8: unencodable text", repr(bad))], None
    return check_json_bytes(target, encoded, "report")


def check_json_bytes(target: str, data: bytes, what: str) -> tuple[list[Failure], dict | None]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Failure(target, f"{what}-utf8", f"{what}-utf8: not UTF-8", repr(exc))], None
    try:
        value = json.loads(text)
    except ValueError as exc:
        return [
            Failure(target, f"{what}-json", f"{what}-json: invalid", f"{exc}: {text[:200]!r}")
        ], None
    return [], value


def rule_errors(target: str, diagnostics: list[dict], probed: list[str]) -> list[Failure]:
    failures = []
    for diagnostic in diagnostics:
        if diagnostic.get("code") == "FT001":
            message = diagnostic.get("message", "")
            signature = rule_error_signature(message, probed)
            failures.append(Failure(target, "rule-error", signature, message))
    return failures


def check_accounting(target: str, report: dict) -> list[Failure]:
    """Every record read is written, dropped by a fix, or rejected (unreadable): ``records ==
    written + dropped + rejected`` for each prepared file, as the JSON report states them
    (``dropped`` lists the rejected ones too, marked ``rejected``; a report without the
    ``rejected`` field counts every dropped record as dropped)."""
    failures = []
    files = report.get("files", [])
    for file in files:
        written = file.get("written")
        records = file.get("records")
        dropped_list = file.get("dropped") or []
        rejected = file.get("rejected", 0) or 0
        dropped = sum(1 for d in dropped_list if not d.get("rejected"))
        listed_rejected = len(dropped_list) - dropped
        if "rejected" in file and written is not None and listed_rejected != rejected:
            failures.append(
                Failure(
                    target,
                    "accounting",
                    "accounting: rejected != rejected records listed",
                    f"rejected={rejected} listed={listed_rejected}",
                )
            )
        if written is None:
            if isinstance(records, int) and rejected > records:
                failures.append(
                    Failure(
                        target,
                        "accounting",
                        "accounting: rejected > records",
                        f"records={records} rejected={rejected}",
                    )
                )
            continue
        if records != written + dropped + rejected:
            failures.append(
                Failure(
                    target,
                    "accounting",
                    "accounting: records != written + dropped + rejected",
                    f"records={records} written={written} dropped={dropped} rejected={rejected}",
                )
            )
    summary = report.get("summary", {})
    if summary.get("records") != sum(f.get("records", 0) for f in files):
        failures.append(Failure(target, "accounting", "accounting: summary records", repr(summary)))
    return failures


def check_output(target: str, path: Path, written: int | None) -> list[Failure]:
    """A prepared file: UTF-8 (a BOM allowed), one JSON object per line, ``written`` lines."""
    data = path.read_bytes()
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [Failure(target, "output-utf8", "output-utf8: not UTF-8", repr(exc))]
    if text and not text.endswith("\n"):
        return [Failure(target, "output-jsonl", "output-jsonl: no final newline", text[-80:])]
    lines = text.split("\n")[:-1] if text else []
    for number, line in enumerate(lines, 1):
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            return [
                Failure(
                    target,
                    "output-jsonl",
                    f"output-jsonl: line not JSON ({type(exc).__name__})",
                    f"line {number}: {exc}: {line[:200]!r}",
                )
            ]
        if not isinstance(value, dict):
            return [
                Failure(
                    target,
                    "output-jsonl",
                    "output-jsonl: line not an object",
                    f"line {number}: {line[:200]!r}",
                )
            ]
    if written is not None and len(lines) != written:
        return [
            Failure(
                target,
                "accounting",
                "accounting: output lines != written",
                f"{len(lines)} lines, written={written}",
            )
        ]
    return []


def cpu_clock() -> float:
    """CPU seconds of this process and of its finished children. The time budget is of CPU,
    not of the wall clock: on a loaded machine (the fuzzer runs under ``nice``) a 1-second
    run can take 25 s of wall time, which is no finding. A run that waits (a FIFO, a lock)
    spends no CPU: ``--hang`` and the CLI's subprocess timeout catch those by wall time."""
    try:
        import resource
    except ImportError:  # not POSIX: this process only
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(target: str, started: float, budget: float) -> list[Failure]:
    elapsed = cpu_clock() - started
    if elapsed > budget:
        return [Failure(target, "timeout", "timeout", f"{elapsed:.1f} CPU s > {budget:.0f} s")]
    return []


# ---------------------------------------------------------------------------------------------
# Readers


@functools.cache
def _engine():  # type: ignore[no-untyped-def]
    import ftlint
    from ftlint.engine import Engine

    config, plugins, _args = ftlint.configure("check", isolated=True)
    return Engine(config, plugins)


def _reader(name: str):  # type: ignore[no-untyped-def]
    for reader in _engine().plugins.readers():
        if reader.name == name:
            return reader
    raise LookupError(name)


def _record_key(record: object) -> tuple:
    loc = record.location  # type: ignore[attr-defined]
    problem = record.problem  # type: ignore[attr-defined]
    return (
        loc.line,
        loc.record,
        loc.sheet,
        repr(record.data),  # type: ignore[attr-defined]
        problem.kind if problem is not None else None,
        record.is_record,  # type: ignore[attr-defined]
    )


def run_reader(kind: str, data: bytes, name: bytes | str | None = None) -> list[Failure]:
    """Read every record of ``data`` with the ``kind`` reader as the engine does: open the
    file, run the file rules (they set the encoding), stream ``read``; for a splittable
    reader, read it again in byte ranges and compare."""
    from ftlint.model import Record

    target = f"reader-{kind}"
    engine = _engine()
    reader = _reader(kind)
    failures: list[Failure] = []
    with workdir() as directory:
        path = directory / input_name(kind, name)
        path.write_bytes(data)
        started = cpu_clock()
        file, _chosen, _problems = engine.open_file(path)
        if file is None:
            return []
        file.reader_name = reader.name
        file.is_text = reader.is_text
        del _RULE_ERRORS[:]
        for diagnostic in engine.check_file_scope(file):
            if diagnostic.code == "FT001":
                signature = rule_error_signature(diagnostic.message, _RULE_ERRORS)
                failures.append(Failure(target, "rule-error", signature, diagnostic.message))
        records = []
        try:
            for record in reader.read(file):
                if not isinstance(record, Record):
                    failures.append(
                        Failure(target, "reader-type", "reader yields a non-Record", repr(record))
                    )
                    break
                records.append(record)
        except Exception as exc:
            failures.append(Failure(target, "exception", exception_signature(exc), repr(exc)[:500]))
            return failures + _timed(target, started, TIME_BUDGET)
        if reader.splittable:
            failures += _check_split(target, reader, file, records)
        failures += _timed(target, started, TIME_BUDGET)
    return failures


def _check_split(target: str, reader, file, records: list) -> list[Failure]:  # type: ignore[no-untyped-def]
    try:
        ranges = reader.split(file, 3)
    except Exception as exc:
        return [Failure(target, "exception", exception_signature(exc), repr(exc)[:500])]
    if not ranges or len(ranges) < 2:
        return []
    try:
        parts = [r for byte_range in ranges for r in reader.read(file, byte_range)]
    except Exception as exc:
        return [Failure(target, "exception", exception_signature(exc), repr(exc)[:500])]
    whole = [_record_key(r) for r in records]
    split = [_record_key(r) for r in parts]
    if whole != split:
        first = next(
            (i for i, (a, b) in enumerate(zip(whole, split, strict=False)) if a != b),
            min(len(whole), len(split)),
        )
        return [
            Failure(
                target,
                "split-mismatch",
                "split-mismatch: byte ranges read differently",
                f"{len(whole)} vs {len(split)} records; first difference at {first}: "
                f"{whole[first : first + 1]} vs {split[first : first + 1]}",
            )
        ]
    return []


# ---------------------------------------------------------------------------------------------
# The pipeline in this process


def run_check(kind: str, data: bytes, name: bytes | str | None = None) -> list[Failure]:
    """``ftlint.check(path, isolated=True)``."""
    import ftlint

    install_rule_error_probe()
    target = f"check-{kind}"
    with workdir() as directory:
        path = directory / input_name(kind, name)
        path.write_bytes(data)
        started = cpu_clock()
        del _RULE_ERRORS[:]
        try:
            report = ftlint.check(path, isolated=True, jobs=1)
        except Exception as exc:
            return [Failure(target, "exception", exception_signature(exc), repr(exc)[:500])]
        failures = _timed(target, started, TIME_BUDGET)
        found, value = check_report_json(target, report)
        failures += found
        if value is not None:
            failures += rule_errors(target, value["diagnostics"], _RULE_ERRORS)
            failures += check_accounting(target, value)
        if path.read_bytes() != data:
            failures.append(Failure(target, "overwrite", "overwrite: check changed its input", ""))
    return failures


def _prepare(path: Path, out: Path, **options: object):  # type: ignore[no-untyped-def]
    import ftlint

    return ftlint.prepare(
        path, output=out, isolated=True, fix=True, unsafe_fixes=True, jobs=1, **options
    )


def run_prepare(
    kind: str,
    data: bytes,
    name: bytes | str | None = None,
    *,
    idempotence: bool = True,
    overwrite: bool | None = None,
) -> list[Failure]:
    """``ftlint.prepare(path, output=..., isolated=True, fix=True, unsafe_fixes=True)``; then
    prepare of that output must give the same bytes, and prepare onto an existing output
    without ``force`` must refuse and leave it alone (``overwrite``; default: one input in 4)."""
    from ftlint.config import ConfigError

    install_rule_error_probe()
    target = f"prepare-{kind}"
    if overwrite is None:
        overwrite = zlib.crc32(data) % 4 == 0
    with workdir() as directory:
        path = directory / input_name(kind, name)
        path.write_bytes(data)
        out = directory / "out.jsonl"
        started = cpu_clock()
        del _RULE_ERRORS[:]
        try:
            result = _prepare(path, out)
        except Exception as exc:
            return [Failure(target, "exception", exception_signature(exc), repr(exc)[:500])]
        failures = _timed(target, started, TIME_BUDGET)
        found, value = check_report_json(target, result.report)
        failures += found
        if value is not None:
            failures += rule_errors(target, value["diagnostics"], _RULE_ERRORS)
            failures += check_accounting(target, value)
        if path.read_bytes() != data:
            failures.append(
                Failure(target, "overwrite", "overwrite: prepare changed its input", "")
            )
        written = result.report.files[0].written if result.report.files else None
        if not out.exists():
            # prepare writes no output file when no record is acceptable (issue 17): every
            # record is then rejected or dropped, which ``check_accounting`` has checked.
            if written:
                failures.append(
                    Failure(target, "output-jsonl", "output-jsonl: no output file", f"{written=}")
                )
            return failures
        failures += check_output(target, out, written)
        first = out.read_bytes()
        if idempotence and not any(f.oracle.startswith("output") for f in failures):
            again = directory / "again.jsonl"
            try:
                _prepare(out, again)
            except Exception as exc:
                failures.append(
                    Failure(
                        target,
                        "exception",
                        f"{exception_signature(exc)} (prepare of the output)",
                        repr(exc)[:500],
                    )
                )
            else:
                if again.exists() and again.read_bytes() != first:
                    failures.append(
                        Failure(
                            target,
                            "not-idempotent",
                            "not-idempotent: prepare of the output differs",
                            _first_difference(first, again.read_bytes()),
                        )
                    )
        if overwrite:
            try:
                _prepare(path, out)
            except ConfigError:
                pass
            except Exception as exc:
                failures.append(
                    Failure(target, "exception", exception_signature(exc), repr(exc)[:500])
                )
            else:
                failures.append(
                    Failure(target, "overwrite", "overwrite: existing output not refused", "")
                )
            if out.read_bytes() != first:
                failures.append(
                    Failure(target, "overwrite", "overwrite: existing output changed", "")
                )
        failures += _timed(target, started, TIME_BUDGET * (2 if idempotence else 1))
    return failures


def _first_difference(a: bytes, b: bytes) -> str:
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i, (x, y) in enumerate(zip(la, lb, strict=False), 1):
        if x != y:
            return f"line {i}: {x[:150]!r} -> {y[:150]!r}"
    return f"{len(la)} lines -> {len(lb)} lines"


# ---------------------------------------------------------------------------------------------
# The command line


def ftlint_command() -> list[str]:
    script = Path(sys.executable).with_name("ftlint")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from ftlint.cli import main; sys.exit(main())"]


def _cli(target: str, args: list[str], cwd: Path) -> tuple[list[Failure], bytes | None]:
    env = dict(os.environ)
    env.pop("FTLINT_DEBUG", None)
    started = cpu_clock()
    try:
        done = subprocess.run(
            ftlint_command() + args,
            cwd=cwd,
            capture_output=True,
            timeout=CLI_TIMEOUT,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return [
            Failure(target, "timeout", "timeout", f"ftlint {args[0]} > {CLI_TIMEOUT:.0f} s")
        ], None
    failures = _timed(target, started, TIME_BUDGET)
    stderr = done.stderr.decode("utf-8", errors="replace")
    if "Traceback" in stderr or "internal error" in stderr:
        match = re.search(r"internal error: (\w+)", stderr) or re.search(
            r"^(\w+(?:Error|Exception)\b)", stderr, re.MULTILINE
        )
        cause = match.group(0) if match else "Traceback"
        failures.append(Failure(target, "cli-stderr", f"cli-stderr: {cause}", stderr[-1500:]))
    if done.returncode not in (0, 1):
        failures.append(
            Failure(
                target,
                "cli-exit",
                f"cli-exit {done.returncode} ({args[0]})",
                stderr[-1500:],
            )
        )
    return failures, done.stdout


def run_cli(kind: str, data: bytes, name: bytes | str | None = None) -> list[Failure]:
    """``ftlint check -f json PATH`` and ``ftlint prepare PATH -o OUT --fix --unsafe-fixes
    -f json`` as subprocesses: exit 0/1, nothing internal on stderr, JSON on stdout, the
    report file and the output valid."""
    target = f"cli-{kind}"
    with workdir() as directory:
        filename = input_name(kind, name)
        path = directory / filename
        path.write_bytes(data)
        failures, stdout = _cli(target, ["check", "-f", "json", filename], directory)
        if stdout is not None and not any(f.oracle == "cli-exit" for f in failures):
            found, value = check_json_bytes(target, stdout, "report")
            failures += found
            if value is not None:
                failures += rule_errors(target, value.get("diagnostics", []), [])
        out = directory / "out.jsonl"
        found, stdout = _cli(
            target,
            ["prepare", filename, "-o", "out.jsonl", "--fix", "--unsafe-fixes", "-f", "json"],
            directory,
        )
        failures += found
        if stdout is not None and not any(f.oracle == "cli-exit" for f in found):
            found, value = check_json_bytes(target, stdout, "report")
            failures += found
            if value is not None:
                failures += rule_errors(target, value.get("diagnostics", []), [])
                failures += check_accounting(target, value)
                written = value["files"][0].get("written") if value.get("files") else None
                if out.exists():
                    failures += check_output(target, out, written)
            report_file = directory / "out.report.json"
            if out.exists() and report_file.exists():
                found, _ = check_json_bytes(target, report_file.read_bytes(), "report-file")
                failures += found
        if path.read_bytes() != data:
            failures.append(
                Failure(target, "overwrite", "overwrite: the CLI changed its input", "")
            )
    # The same cause seen by check and prepare is one failure of this target.
    unique: dict[str, Failure] = {}
    for failure in failures:
        unique.setdefault(failure.signature, failure)
    return list(unique.values())

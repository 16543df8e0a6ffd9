"""Prepared means accepted (issue 17): ``ftlint check`` of what ``ftlint prepare`` wrote, with
the same target and model, finds no error but the dataset-level ones no record repair can cure
(too few examples, a file over the size limit); every record read is written, dropped or
rejected (in ``<stem>_rejected.jsonl``); ``prepare`` on its own output writes the same bytes
and fixes nothing.

Tested as a property (generated records of every shape and defect, in every input format:
JSONL, JSON, CSV, TSV, XLSX, Parquet), on a slice of every real file in ``../shared/data``
and on the regression corpus ``tests/prepare_regressions/`` (inputs that once broke it), for
every installed target, so that targets added later are covered too. Whole real files:
``python -m tests.accepted_real_files`` (minutes of CPU: not in the suite).

``FTLINT_ACCEPTED_EXAMPLES=500 pytest tests/test_prepare_accepted.py`` searches longer.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import tempfile
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ftlint
from ftlint.model import Scope, Severity
from ftlint.pluginmanager import load_plugins
from tests.conftest import SHARED_DATA
from tests.json_records import SHAPES, TEXTS, damaged, json_line
from tests.test_fix_idempotence import WORDS, dirty_texts

EXAMPLES = int(os.environ.get("FTLINT_ACCEPTED_EXAMPLES", "15"))
REGRESSIONS = Path(__file__).parent / "prepare_regressions"
#: Records of each real file that the test prepares (the head of the file: fast, and every
#: shape the file has).
SLICE = 12
MAX_SLICE_BYTES = 64 * 1024


@cache
def plugins() -> Any:
    return load_plugins([])


@cache
def scopes() -> dict[str, Scope]:
    from ftlint.engine import CORE_RULES

    return {rule.code: rule.scope for rule in (*CORE_RULES, *plugins().rules())}


def _writable(target: Any) -> bool:
    """``prepare`` writes this target's format (an installed record format has its name; the
    others are checked only, and prepare says so)."""
    from ftlint.formats import get_format

    return not target.formats or get_format(target.write_format) is not None


def installed_targets() -> list[str]:
    """Every installed target that prepare can write for."""
    return sorted(name for name, target in plugins().targets().items() if _writable(target))


def target_models() -> list[tuple[str, str | None]]:
    """Each installed target with its default model, and with one model of each other kind
    of record it trains on (a prompt/completion model, a chat model without DPO)."""
    pairs: list[tuple[str, str | None]] = []
    for name, target in sorted(plugins().targets().items()):
        if not _writable(target):
            continue
        pairs.append((name, None))
        default = target.model(target.default_model)
        seen = {default.shapes if default else ()}
        for model, info in target.models.items():
            if info.shapes not in seen:
                seen.add(info.shapes)
                pairs.append((name, model))
    return pairs


# ---------------------------------------------------------------------------------------------
# The invariant


def assert_accepted(
    source: Path,
    target: str,
    model: str | None = None,
    fix: bool = False,
    unsafe: bool = False,
    **extra: Any,
) -> ftlint.Report:
    """Prepare ``source`` and hold the promise; returns prepare's report."""
    options: dict[str, Any] = {"target": target, **extra}
    if model:
        options["model"] = model
    out = source.with_name(source.stem + "_out.jsonl")
    result = ftlint.prepare(
        source, output=out, force=True, isolated=True, fix=fix, unsafe_fixes=unsafe, **options
    )
    report = result.report
    [file] = report.files
    # Nothing is lost: every record read is written, dropped by a fix, or rejected.
    assert file.records == file.written + file.dropped_by_fix + file.rejected, file.accounting()
    rejected = [d for d in file.dropped if d.rejected]
    assert len(rejected) == file.rejected
    if file.rejected:
        assert report.exit_code == 1, "rejected records make prepare exit 1"
        sidecar = Path(file.rejected_file)
        entries = [json.loads(line) for line in sidecar.read_bytes().splitlines()]  # not U+2028
        assert len(entries) == file.rejected
        assert all(entry["reasons"] and entry["source"]["path"] for entry in entries)
    if not file.written:
        assert not out.exists(), "nothing acceptable: no output file"
        return report
    check_options = {k: v for k, v in options.items() if k not in ("select", "ignore")}
    check_options.update({k: v for k, v in extra.items() if k in ("select", "ignore")})
    checked = ftlint.check(out, isolated=True, **check_options)
    # A finding about the job rather than the data (the model's lifecycle, FT901: a retired
    # model) holds whatever prepare writes, and is not this invariant's concern.
    about_the_job = {r.code for r in plugins().rules() if r.warn_before_upload}
    errors = [
        d
        for d in checked.diagnostics
        if d.severity >= Severity.ERROR and d.code not in about_the_job
    ]
    for d in errors:
        if d.name == "model-retired":
            continue  # about the chosen model, not the data: no repair of the data cures it
        # Only what no record repair can cure: a finding about the whole dataset.
        assert d.location.record is None and scopes().get(d.code) is Scope.DATASET, (
            source.read_bytes()[:2000],
            out.read_bytes()[:2000],
            d.code,
            d.message,
        )
    if errors and not file.rejected:
        assert report.exit_code == 1, "dataset-level errors left make prepare exit 1"
    if not errors and not file.rejected:
        assert report.exit_code == 0 or any(
            d.severity >= report.fail_on for d in report.remaining()
        )
    # prepare on its own output: the same bytes, nothing to fix, drop or reject.
    again_out = source.with_name(source.stem + "_again.jsonl")
    again = ftlint.prepare(
        out, output=again_out, force=True, isolated=True, fix=fix, unsafe_fixes=unsafe, **options
    ).report
    fixed = [f"{d.code} {d.message}" for d in again.diagnostics if d.fixed]
    assert again_out.read_bytes() == out.read_bytes(), (out.read_bytes(), fixed)
    assert not fixed and not again.files[0].dropped, (out.read_bytes(), fixed)
    return report


# ---------------------------------------------------------------------------------------------
# Inputs of every format


def _no_surrogates(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def write_input(directory: Path, kind: str, records: list[Any], table: list[list[str]]) -> Path:
    """``records`` as JSONL or JSON, or ``table`` (a header and rows) as CSV, TSV, XLSX or
    Parquet."""
    if kind == "jsonl":
        path = directory / "data.jsonl"
        path.write_text("".join(json_line(r, True) + "\n" for r in records), encoding="utf-8")
    elif kind == "json":
        path = directory / "data.json"
        path.write_text("[" + ",\n".join(json_line(r, True) for r in records) + "]", "utf-8")
    elif kind in ("csv", "tsv"):
        path = directory / f"data.{kind}"
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if kind == "csv" else "\t")
        for row in table:
            writer.writerow([_no_surrogates(cell).replace("\x00", "") for cell in row])
        path.write_text(buffer.getvalue(), encoding="utf-8")
    elif kind == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = directory / "data.parquet"
        header, rows = table[0], table[1:]
        columns = {
            name: pa.array([_no_surrogates(row[i]) for row in rows], pa.string())
            for i, name in enumerate(header)
        }
        pq.write_table(pa.table(columns), path)
    else:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        path = directory / "data.xlsx"
        book = Workbook()
        sheet = book.active
        for row in table:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", _no_surrogates(cell)) for cell in row])
        book.save(path)
    return path


HEADERS = (
    ("prompt", "completion"),
    ("instruction", "input", "output"),
    ("Prompt", "Completion", "system"),
)


@st.composite
def inputs(draw: st.DrawFn) -> tuple[str, list[Any], list[list[str]]]:
    kind = draw(st.sampled_from(("jsonl", "json", "csv", "tsv", "xlsx", "parquet")))
    pool = iter(draw(st.lists(WORDS, min_size=60, max_size=60, unique=True)))
    texts = st.one_of(dirty_texts(st.just(None).map(lambda _: next(pool))), TEXTS)
    records: list[Any] = []
    table: list[list[str]] = []
    if kind in ("jsonl", "json"):
        shapes = st.one_of(*(shape(texts) for shape in SHAPES))
        records = draw(st.lists(st.one_of(shapes, damaged(shapes)), min_size=1, max_size=6))
        for _ in range(draw(st.integers(0, 2))):  # exact duplicates
            records.insert(draw(st.integers(0, len(records))), draw(st.sampled_from(records)))
    else:
        header = list(draw(st.sampled_from(HEADERS)))
        rows = draw(
            st.lists(st.lists(texts, min_size=len(header), max_size=len(header)), max_size=6)
        )
        table = [header, *rows]
    return kind, records, table


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=inputs(),
    target_model=st.sampled_from(target_models()),
    fixes=st.sampled_from(((False, False), (True, False), (True, True))),
)
def test_what_prepare_writes_is_accepted(data, target_model, fixes):
    kind, records, table = data
    target, model = target_model
    with tempfile.TemporaryDirectory() as directory:
        source = write_input(Path(directory), kind, records, table)
        assert_accepted(source, target, model, *fixes)


# ---------------------------------------------------------------------------------------------
# Real files


def _real_files() -> list[Path]:
    if not SHARED_DATA.is_dir():
        return []
    return sorted(
        p for p in SHARED_DATA.rglob("*") if p.is_file() and p.suffix != ".md" and p.stat().st_size
    )


def _slice(path: Path, directory: Path) -> Path:
    """The first ``SLICE`` records of a real file, in its own format."""
    out = directory / path.name
    if path.suffix == ".jsonl":
        lines = path.read_bytes().splitlines(keepends=True)[:SLICE]
        while len(lines) > 2 and sum(map(len, lines)) > MAX_SLICE_BYTES:
            lines.pop()  # long records (6,500 tokens each): fewer of them, fast all the same
        out.write_bytes(b"".join(lines))
    elif path.suffix == ".json":
        try:
            data = json.loads(path.read_text("utf-8"))
        except ValueError:  # JSON Lines under a .json name (BELLE's seed tasks)
            out.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:SLICE]))
        else:
            out.write_text(json.dumps(data[:SLICE] if isinstance(data, list) else data), "utf-8")
    elif path.suffix in (".csv", ".tsv"):
        raw = path.read_bytes()
        text = raw.decode("utf-8", "surrogateescape")
        rows = list(
            csv.reader(
                io.StringIO(text, newline=""), delimiter="\t" if path.suffix == ".tsv" else ","
            )
        )
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t" if path.suffix == ".tsv" else ",").writerows(
            rows[: SLICE + 1]
        )
        out.write_bytes(buffer.getvalue().encode("utf-8", "surrogateescape"))
    else:
        out.write_bytes(path.read_bytes())
    return out


@pytest.mark.parametrize("target", installed_targets())
@pytest.mark.parametrize("name", [str(p.relative_to(SHARED_DATA)) for p in _real_files()] or ["-"])
def test_real_files_prepare_to_accepted_files(shared_data, tmp_path, name, target):
    path = shared_data / name
    if not path.is_file():
        pytest.skip("no real files")
    source = _slice(path, tmp_path)
    # Alternate the fixes over the files and targets: each meets both.
    turn = len(name) + installed_targets().index(target)
    unsafe = turn % 2 == 0
    assert_accepted(source, target, fix=unsafe, unsafe=unsafe)
    # A table whose columns check cannot name: also with the --map check suggests (spam.csv's
    # label column, a Question/Answer TSV), for every other target.
    if source.suffix in (".csv", ".tsv", ".xlsx") and turn % 4 < 2:
        column_map = suggested_map(source)
        if column_map:
            assert_accepted(source, target, fix=unsafe, unsafe=unsafe, map=column_map)


def suggested_map(path: Path) -> dict[str, str] | None:
    """The ``--map`` that ``check`` suggests for a table whose columns it cannot name."""
    for d in ftlint.check(path, isolated=True, select="FT204").diagnostics:
        if d.name == "missing-column" and "e.g.: " in d.message:
            words = shlex.split(d.message.split("e.g.: ", 1)[1])
            pairs = [w.split("=", 1) for before, w in pairwise(words) if before == "--map"]
            if pairs:
                return dict(pairs)
    return None


def test_the_suggested_map_of_spam_csv_prepares_accepted_records(shared_data, tmp_path):
    """spam.csv: the --map suggestion makes the ham/spam label the completion, and what that
    map prepares is accepted."""
    source = _slice(shared_data / "Arijit2003__SpamHamFilteration" / "spam.csv", tmp_path)
    report = ftlint.check(source, isolated=True)
    [missing] = [d for d in report.diagnostics if d.name == "missing-column"]
    assert "--map prompt=v2 --map completion=v1" in missing.message
    prepared = assert_accepted(source, "openai", map={"prompt": "v2", "completion": "v1"})
    assert prepared.files[0].written > 0


# ---------------------------------------------------------------------------------------------
# The regression corpus


def _regressions() -> list[str]:
    return sorted(p.name for p in REGRESSIONS.iterdir() if p.suffix != ".md")


#: Corpus files that broke with one kind of model only: also run with that kind.
KIND_OF_MODEL = {
    "lossy_preference_pair_beside_prompt_completion.jsonl": ("prompt-completion",),
    "mojibake_repair_leaves_a_blank_answer.jsonl": ("prompt-completion",),
    "special_token_only_completion.jsonl": ("chat",),
    "special_token_joins_another.jsonl": ("chat",),
}


def _model_of_kind(target: str, shapes: tuple[str, ...]) -> str | None:
    for model, info in plugins().targets()[target].models.items():
        if info.shapes == shapes:
            return model
    return None


def _corpus_cases() -> list[Any]:
    cases = []
    for number, name in enumerate(_regressions()):
        for turn, target in enumerate(installed_targets()):
            models: list[str | None] = [None]
            if name in KIND_OF_MODEL:
                models.append(_model_of_kind(target, KIND_OF_MODEL[name]))
            # Both choices of fixes for the first target, one (alternating) for the others:
            # every file meets both, every target both, in a test that stays fast.
            both = ((False, False), (True, True))
            choices = both if turn == 0 else (both[(number + turn) % 2],)
            for model in dict.fromkeys(models):
                for fixes in choices:
                    how = "unsafe" if fixes[1] else "prepare"
                    label = f"{name}-{target}-{model or 'default'}-{how}"
                    cases.append(pytest.param(name, target, model, fixes, id=label))
    return cases


@pytest.mark.parametrize(("name", "target", "model", "fixes"), _corpus_cases())
def test_regression_corpus(tmp_path, name, target, model, fixes):
    source = tmp_path / name
    source.write_bytes((REGRESSIONS / name).read_bytes())
    assert_accepted(source, target, model, *fixes)


def test_the_readme_example_prepares_to_a_clean_file(tmp_path):
    """The README's prepare example: ``ftlint check`` of its output finds no error."""
    example = Path(__file__).resolve().parent.parent / "examples" / "support_faq.csv"
    source = tmp_path / example.name
    source.write_bytes(example.read_bytes())
    report = assert_accepted(source, "openai")
    file = report.files[0]
    assert file.written and file.rejected == 2  # an empty answer, a special token
    out = tmp_path / "support_faq_out.jsonl"
    checked = ftlint.check(out, isolated=True)
    assert not [d for d in checked.diagnostics if d.severity >= Severity.ERROR]
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert all("messages" in r for r in records)  # no prompt/completion record mixed in
    assert "<|endoftext|>" not in out.read_text("utf-8")

"""Every known reproducer, kept: the input bytes are the files beside this module, each run
through the fuzz oracle (the reader, ``ftlint.check``, ``ftlint.prepare`` with
``fix=True, unsafe_fixes=True`` and its idempotence, and for a few the CLI).

Cases that still fail are ``xfail(strict=False)`` with the cause, so the suite stays green
while the readers and rules are fixed; when a fix lands the case shows as XPASS and its mark
should go. Some cases also have an expectation of their own beyond the generic oracle
(``test_expectation``): what a correct run says about that input.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fuzz import oracle

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Case:
    file: str
    #: What failed when the case was found (and, until ``fixed`` names the commit, the
    #: reason of its xfail mark).
    cause: str = ""
    #: The commit that fixed it; while None the case is an expected failure.
    fixed: str | None = None
    #: The name the input gets when it is run (default: ``input.<ext>``).
    name: bytes | None = None
    #: Also run it through the CLI (two interpreter starts: only where the CLI matters).
    cli: bool = False

    @property
    def kind(self) -> str:
        return Path(self.file).suffix.lstrip(".")

    def data(self) -> bytes:
        return (HERE / self.file).read_bytes()

    @property
    def xfail(self) -> str | None:
        return None if self.fixed or not self.cause else self.cause


_RECURSION = (
    "RecursionError: the stdlib json parser used to sniff/parse the document "
    "(plugins/jsonl.py _looks_like_document, plugins/jsontext.py _iter_values) recurses "
    "once per nesting level; the reader raises instead of reporting the record"
)
_EMPTY = (
    "a file with no examples at all is reported as 'No problems found' (exit 0): "
    "too-few-examples (FT601) says nothing about 0 examples"
)
_TRAILING = "the text after the JSON array ('garbage}') is ignored without a finding"
_STRAY_BOM = (
    "two stray bytes FE FF make the UTF-8 file read as UTF-16 BE: 12 chat lines become one "
    "invalid record, and the safe fix (check --fix, prepare --fix) transcodes the file into "
    "CJK garbage"
)
_PRECISION = (
    "found by the fuzzer: the JSONL path turns an integer beyond 64 bits into a float "
    "(123456789012345678901 -> 1.2345678901234568e+20), even without fixes; from .json the "
    "first prepare keeps the integer and prepare of that output changes it (not idempotent)"
)
_UNHASHABLE = (
    "TypeError unhashable type: 'list' in ftlint/tokens.py _community (a ShareGPT 'from' that "
    "is a list/dict is used as a dict key): FT701/FT702/FT604 fail with rule-error FT001"
)

CASES = [
    Case(
        "big_int_5000_digits.jsonl",
        fixed="6bae6ea",
        cause="ValueError: integer of more than 4300 digits (sys.get_int_max_str_digits) raised "
        "by json.raw_decode in plugins/jsonl.py _looks_like_document; the reader stops (FT001) "
        "and prepare raises",
    ),
    Case(
        "lone_surrogate_key.json",
        fixed="6bae6ea",
        cause="a lone surrogate key (\\ud800) reaches the report (location field '/\\ud800'): "
        "the JSON report is not valid UTF-8 and the CLI fails with UnicodeEncodeError, exit 2",
        cli=True,
    ),
    Case("deep_nesting_1000.json", cause=_RECURSION, fixed="6bae6ea"),
    Case("deep_nesting_1000_in_record.json", cause=_RECURSION, fixed="6bae6ea"),
    Case("deep_nesting_1000.jsonl", cause=_RECURSION, fixed="6bae6ea"),
    Case("deep_nesting_1000_in_record.jsonl", cause=_RECURSION, fixed="6bae6ea"),
    Case(
        "non_utf8_file_name.jsonl",
        name=b"\xff.jsonl",
        fixed="6bae6ea",
        cause="a file name with non-UTF-8 bytes (\\udcff after os.fsdecode) is written into the "
        "report: not valid UTF-8; the CLI prints invalid UTF-8 JSON for check and fails with "
        "UnicodeEncodeError (exit 2) in prepare",
        cli=True,
    ),
    Case("fe_ff_then_utf8.jsonl", cause=_STRAY_BOM, fixed="6bae6ea"),
    Case("empty_array.json", cause=_EMPTY, fixed="6bae6ea"),
    Case("all_rows_empty.csv", cause=_EMPTY, fixed="6bae6ea"),
    Case("header_then_empty_rows.csv", cause=_EMPTY, fixed="6bae6ea"),
    Case("trailing_garbage.json", cause=_TRAILING, fixed="6bae6ea"),
    Case(
        "system_bell_character.jsonl",
        cause="not idempotent: the unsafe fix of control-characters (FT501) leaves the system "
        "message empty (''), and only a second prepare drops the empty system message",
        fixed="3498ff8",  # the fix loop of prepare (issue 17)
    ),
    Case(
        "alpaca_special_token.jsonl",
        cause="found by the fuzzer: an Alpaca record whose instruction is only a special token "
        "is written unconverted ({'instruction': '', ...}, not chat) by prepare --fix "
        "--unsafe-fixes: the special-token fix (FT504) replaces the community-format "
        "conversion of the same record; a second prepare then drops it (not idempotent)",
        fixed="3498ff8",
    ),
    Case(
        "fuzz_alpaca_special_token.json",
        cause="found by the fuzzer (shrunk): the same cause as alpaca_special_token.jsonl in a "
        ".json file",
        fixed="3498ff8",
    ),
    Case(
        "deep_record_tokens_recursion.json",
        cause="found by the fuzzer (shrunk): a JSONL-in-.json record nested ~900 deep parses, "
        "then RecursionError in ftlint/tokens.py strings_in: FT701 and FT702 fail (FT001)",
        fixed="6bae6ea",
    ),
    Case(
        "big_int_bad_line.jsonl",
        cause="found by the fuzzer (shrunk): a line of 4302 digits: ValueError (int max str "
        "digits) in plugins/jsonl.py _invalid_json_message; the reader stops",
        fixed="6bae6ea",
    ),
    Case("big_int_precision.json", cause=_PRECISION, fixed="5088272"),
    Case(
        "bom_line_after_the_first.jsonl",
        cause="found by the fuzzer (shrunk, 600 s run of 2026-12-03): a line holding only a BOM "
        "after line 1 is a record for the reader (invalid JSON) but was not counted as one by "
        "the byte-range split (plugins/jsonl.py _count_lines), so a part read in parallel "
        "numbered the records after it one lower than one pass",
        fixed="_count_lines, 2026-12-03",
    ),
    Case("big_int_precision.jsonl"),  # passes the generic oracle; see the test at the end
    Case("alpaca_unhashable.jsonl"),
    Case("alpaca_unhashable.json"),
    Case("sharegpt_unhashable.jsonl", cause=_UNHASHABLE, fixed="189393c"),
    Case("sharegpt_unhashable.json", cause=_UNHASHABLE, fixed="189393c"),
    Case(
        "zip_version_8_4.xlsx",
        cause="found by the 30-minute fuzz run: a flipped byte makes a zip directory entry "
        "claim 'version 8.4'; zipfile raises NotImplementedError, which the XLSX size guard "
        "(plugins/xlsx.py archive_refusal) did not catch: prepare raised",
        fixed="185fa2c",
    ),
    Case(
        "sharegpt_special_token_answer.jsonl",
        cause="found by the 30-minute fuzz run (shrunk): a ShareGPT answer that is only a "
        "special token ('<|rt|>'); prepare --fix --unsafe-fixes removes the token and writes "
        "the record unconverted with an empty answer, which a second prepare drops (not "
        "idempotent; the class of alpaca_special_token.jsonl: the fixes are planned from the "
        "findings before any fix, a fixpoint of prepare closes it)",
        fixed="3498ff8",
    ),
]


def _params(cases: list[Case]) -> list:
    return [
        pytest.param(
            case,
            id=case.file,
            marks=[pytest.mark.xfail(strict=False, reason=case.xfail)] if case.xfail else [],
        )
        for case in cases
    ]


def _assert_passes(failures: list[oracle.Failure]) -> None:
    assert not failures, "\n".join(str(f) for f in failures)


def test_every_input_file_is_a_case():
    files = {p.name for p in HERE.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")}
    assert files == {case.file for case in CASES}


@pytest.mark.parametrize("case", _params(CASES))
def test_oracle(case: Case):
    if case.name is not None and os.name == "nt":
        pytest.skip("non-UTF-8 file names are a POSIX thing")
    data = case.data()
    failures = oracle.run_reader(case.kind, data, case.name)
    failures += oracle.run_check(case.kind, data, case.name)
    failures += oracle.run_prepare(case.kind, data, case.name, overwrite=True)
    _assert_passes(failures)


@pytest.mark.parametrize("case", _params([c for c in CASES if c.cli]))
def test_cli(case: Case):
    if case.name is not None and os.name == "nt":
        pytest.skip("non-UTF-8 file names are a POSIX thing")
    _assert_passes(oracle.run_cli(case.kind, case.data(), case.name))


# ---------------------------------------------------------------------------------------------
# What a correct run says about some of these inputs (beyond "nothing crashed")


def _report(case: Case) -> dict:
    import ftlint

    with oracle.workdir() as directory:
        path = directory / oracle.input_name(case.kind, case.name)
        path.write_bytes(case.data())
        return json.loads(ftlint.check(path, isolated=True, jobs=1).to_json())


_BY_FILE = {case.file: case for case in CASES}


@pytest.mark.parametrize(
    "case",
    _params(
        [
            _BY_FILE[f]
            for f in ("empty_array.json", "all_rows_empty.csv", "header_then_empty_rows.csv")
        ]
    ),
)
def test_no_examples_is_an_error(case: Case):
    report = _report(case)
    assert report["summary"]["errors"] >= 1, report["diagnostics"]


@pytest.mark.parametrize("case", _params([_BY_FILE["trailing_garbage.json"]]))
def test_trailing_garbage_is_reported(case: Case):
    report = _report(case)
    assert any(d["code"].startswith("FT2") for d in report["diagnostics"]), report["diagnostics"]


@pytest.mark.parametrize("case", _params([_BY_FILE["fe_ff_then_utf8.jsonl"]]))
def test_stray_utf16_bom_keeps_the_records(case: Case):
    report = _report(case)
    assert report["files"][0]["records"] == 12, report["diagnostics"]
    with oracle.workdir() as directory:  # and the safe fix keeps them too
        import ftlint

        path = directory / "input.jsonl"
        path.write_bytes(case.data())
        ftlint.check(path, isolated=True, fix=True, jobs=1)
        assert (
            json.loads(ftlint.check(path, isolated=True, jobs=1).to_json())["files"][0]["records"]
            == 12
        )


def test_big_integers_keep_their_digits():
    """Fixed in 5088272 (was: the JSONL path read them as floats)."""
    case = _BY_FILE["big_int_precision.jsonl"]
    import ftlint

    with oracle.workdir() as directory:
        path = directory / "input.jsonl"
        path.write_bytes(case.data())
        result = ftlint.prepare(path, output=directory / "out.jsonl", isolated=True, jobs=1)
        # The unknown key ``x`` makes the record a reject (issue 17): the sidecar keeps the
        # original record, whose integer must keep every digit.
        sidecar = directory / "out_rejected.jsonl"
        assert b"123456789012345678901" in sidecar.read_bytes(), list(result.records())


def test_an_unsupported_zip_version_is_an_unreadable_workbook():
    report = _report(_BY_FILE["zip_version_8_4.xlsx"])
    [finding] = [d for d in report["diagnostics"] if d["code"] == "FT212"]
    assert "NotImplementedError: zip file version 8.4" in finding["message"]

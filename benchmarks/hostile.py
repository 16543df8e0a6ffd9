"""Time and peak memory of ``ftlint check`` on the worst inputs of issue 13 (a command that
prints figures, not a test).

Each input is written to a temporary directory, then checked in its own process; the
figures are that process's wall time, peak RSS (``wait4``), exit code and the codes it
reported. The inputs: one 50 MB JSONL line, a record nested 100,000 deep, a number of a
million digits, an XLSX whose sheet expands to 4 GiB from a few MB (a zip bomb), an XLSX
with 48 million shared strings, and a FIFO named ``x.jsonl``.

    .venv/bin/python benchmarks/hostile.py
    .venv/bin/python benchmarks/hostile.py --only line,fifo -- --max-record-size 100MB
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

CHAT = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
LINE = json.dumps(CHAT) + "\n"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _stream_member(archive: zipfile.ZipFile, name: str, head: bytes, unit: bytes,
                   count: int, tail: bytes) -> None:  # fmt: skip
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        member.write(head)
        block = unit * max(1, (1 << 20) // len(unit))
        per_block = len(block) // len(unit)
        full, rest = divmod(count, per_block)
        for _ in range(full):
            member.write(block)
        member.write(unit * rest)
        member.write(tail)


def _workbook(path: Path, sheet: tuple[bytes, bytes, int, bytes], strings: int = 0) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _RELS)
        if strings:
            _stream_member(
                archive, "xl/sharedStrings.xml",
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">', b"<si><t>x</t></si>", strings, b"</sst>",
            )  # fmt: skip
        _stream_member(archive, "xl/worksheets/sheet1.xml", *sheet)


_SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>prompt</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>completion</t></is></c></row>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"


def make_line(directory: Path) -> Path:
    path = directory / "line.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(LINE)
        handle.write('{"x": "' + "a" * 50_000_000 + '"}\n')
        handle.write(LINE)
    return path


def make_deep(directory: Path) -> Path:
    path = directory / "deep.jsonl"
    path.write_text(LINE + '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}\n" + LINE)
    return path


def make_number(directory: Path) -> Path:
    path = directory / "number.jsonl"
    path.write_text(LINE + '{"x": ' + "9" * 1_000_000 + "}\n" + LINE)
    return path


def make_bomb(directory: Path) -> Path:
    path = directory / "bomb.xlsx"
    unit = b"<row/>"
    _workbook(path, (_SHEET_HEAD, unit, (4 << 30) // len(unit), _SHEET_TAIL))
    return path


def make_strings(directory: Path) -> Path:
    path = directory / "strings.xlsx"
    row = b'<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>'
    _workbook(path, (_SHEET_HEAD, row, 10, _SHEET_TAIL), strings=48_000_000)
    return path


def make_fifo(directory: Path) -> Path:
    path = directory / "x.jsonl"
    os.mkfifo(path)
    return path


INPUTS: dict[str, Callable[[Path], Path]] = {
    "line": make_line, "deep": make_deep, "number": make_number, "bomb": make_bomb,
    "strings": make_strings, "fifo": make_fifo,
}  # fmt: skip


def measure(path: Path, options: list[str], timeout: float) -> tuple[float, float, int, str]:
    command = [sys.executable, "-m", "ftlint.cli", "check", str(path), "-f", "json", *options]
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                return time.perf_counter() - start, usage.ru_maxrss / 1024, -9, "timed out"
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        try:
            report = json.loads(out.read().decode("utf-8"))
            found = sorted({d["code"] for d in report["diagnostics"]})
            codes = ",".join(found) + f" ({report['summary']['records']} records)"
        except (ValueError, KeyError):
            codes = "no valid report"
    return elapsed, usage.ru_maxrss / 1024, process.returncode, codes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(INPUTS)}")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per run")
    parser.add_argument("options", nargs="*", help="ftlint check options (after --)")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(INPUTS)
    print(f"{'input':<10}{'size':>12}{'make s':>9}{'check s':>9}{'peak MB':>10}  exit  codes")
    with tempfile.TemporaryDirectory(prefix="ftlint-hostile-") as temp:
        for name in names:
            start = time.perf_counter()
            path = INPUTS[name](Path(temp))
            made = time.perf_counter() - start
            size = path.stat().st_size if path.is_file() else 0
            elapsed, peak, code, codes = measure(path, args.options, args.timeout)
            print(
                f"{name:<10}{size / 1e6:>10.1f}MB{made:>9.1f}{elapsed:>9.2f}{peak:>10.0f}"
                f"  {code:>4}  {codes}",
                flush=True,
            )
            if path.is_file():
                path.unlink()
            else:
                path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

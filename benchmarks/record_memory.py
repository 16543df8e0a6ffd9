"""Peak memory of ``ftlint check`` and ``ftlint prepare`` on one huge record, against the
record's size (a command that prints figures, not a test).

Issue 13 asks that the peak memory for a single record stay within a small multiple of its
size. Each input is one JSONL file of a few small chat records and one huge chat record
whose assistant answer is prose (words, punctuation, some non-ASCII) of the given size; each
command runs in its own process and its peak RSS (``wait4``) is compared with the same
command on a file without the huge record. The figure is ``(peak - baseline) / record size``,
printed against two baselines, and the marginal figure besides:

- ``x small``: the baseline is the small file alone. Such a file is counted with the
  plain-Python encoder (``ftlint.tokens.small_bpe``) and its few examples are signed without
  numpy, so this figure also carries the fixed cost of loading tiktoken (~70 MB of tables)
  and numpy, which the huge record's run pays and the baseline does not;
- ``x record``: the baseline is the small file plus about 300 KB of small distinct chats,
  enough that the run loads tiktoken and numpy as the huge record's run does (what this
  docstring always called the baseline: interpreter, modules, tokenizer). Changed in the
  session of 2026-12-03, when the small-file encoder had made the old baseline lighter than
  it says; the memory itself is reduced, not only the definition (both figures are printed);
- ``marginal``: the growth of the peak per byte of record between one size and the previous
  one, which no fixed cost enters.

    .venv/bin/python benchmarks/record_memory.py                 # 16 MB (default limit) and 50 MB
    .venv/bin/python benchmarks/record_memory.py --sizes 4 --commands check
    .venv/bin/python benchmarks/record_memory.py -- --select FT7  # options for ftlint itself
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1024 * 1024
CHAT = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
LINE = json.dumps(CHAT) + "\n"
_WORD_TEXT = (
    "the of and to in is was for on that with as by at from this are be or an it not which "
    "have but they had his their one all were we can there been has more if no out so said "
    "what up its about into than them only other new some could time these two may then do "
    "first any my now such like our over man me even most made after also did many before "
    "must through back years where much your way well down should because each just those "
    "café naïve Zürich résumé — “quoted” 2026-12-03 42 3.14 e-mail: ask@ (x) [y] {z}"
)
WORDS = _WORD_TEXT.split()


def prose(size: int, seed: int = 7) -> str:
    """About ``size`` bytes of UTF-8 prose: a 1 MB block of random words, repeated."""
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < min(size, MB):
        word = rng.choice(WORDS)
        sep = ". " if rng.random() < 0.07 else ("\n" if rng.random() < 0.01 else " ")
        parts.append(word + sep)
        length += len((word + sep).encode("utf-8"))
    block = "".join(parts)
    text = block * (size // len(block.encode("utf-8")) + 1)
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")


#: Small distinct chats of the loaded baseline (``x record``): ~300 KB, past the plain-Python
#: encoder's budget, and more examples than the similarity rules sign without numpy.
FILLER = 2000


def write_input(directory: Path, record_size: int, filler: int = 0) -> tuple[Path, int]:
    """A file of five small chats, ``filler`` small distinct ones and (``record_size`` > 0)
    one chat of that many bytes; returns the path and the huge line's size in bytes."""
    path = directory / f"record_{record_size}_{filler}.jsonl"
    big = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(LINE * 3)
        for number in range(filler):
            words = prose(160, seed=number).strip() or "word"
            chat = {"messages": [{"role": "user", "content": f"Question {number}?"},
                                 {"role": "assistant", "content": words}]}  # fmt: skip
            handle.write(json.dumps(chat, ensure_ascii=False) + "\n")
        if record_size:
            shell = {"messages": [{"role": "user", "content": "Write it all."},
                                  {"role": "assistant", "content": ""}]}  # fmt: skip
            overhead = len(json.dumps(shell, ensure_ascii=False).encode("utf-8")) + 1
            text = prose(record_size - overhead - 64)
            shell["messages"][1]["content"] = text
            line = json.dumps(shell, ensure_ascii=False) + "\n"
            big = len(line.encode("utf-8"))
            handle.write(line)
        handle.write(LINE * 2)
    return path, big


def measure(command: list[str], timeout: float) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of ``command`` in its own process."""
    env = {**os.environ, "NO_COLOR": "1"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            return time.perf_counter() - start, usage.ru_maxrss / 1024, -9
        time.sleep(0.02)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def ftlint(command: str, path: Path, out_dir: Path, extra: list[str]) -> list[str]:
    base = [sys.executable, "-m", "ftlint.cli", command, str(path), "-f", "json", "--jobs", "1"]
    if command == "prepare":
        out = out_dir / f"{path.stem}_out.jsonl"
        base += ["-o", str(out), "--force", "--no-report"]
    return base + extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="16,50",
                        help="record sizes in MB, comma-separated (default 16,50; 16 is just "
                        "under the default --max-record-size)")  # fmt: skip
    parser.add_argument("--commands", default="check,prepare")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("extra", nargs="*", help="options passed to ftlint (after --)")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",") if s]
    commands = [c for c in args.commands.split(",") if c]
    print(f"{'command':8} {'record':>10} {'wall s':>8} {'peak MB':>9} {'x small':>8} "
          f"{'over base':>10} {'x record':>9} {'marginal':>9}  exit")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ftlint-record-memory-") as tmp:
        directory = Path(tmp)
        small, _ = write_input(directory, 0)
        loaded, _ = write_input(directory, 0, FILLER)
        tiny = {c: measure(ftlint(c, small, directory, args.extra), args.timeout) for c in commands}
        base = {
            c: measure(ftlint(c, loaded, directory, args.extra), args.timeout) for c in commands
        }
        for command in commands:
            for label, (wall, peak, code) in (("(small)", tiny[command]),
                                              ("(base)", base[command])):  # fmt: skip
                print(f"{command:8} {label:>10} {wall:8.1f} {peak:9.0f} {'':>8} {'':>10} "
                      f"{'':>9} {'':>9}  {code}")  # fmt: skip
        previous: dict[str, tuple[int, float]] = {}
        for size in sizes:
            record = int(size * MB)
            # Just under the limit at 16 MB (it is read); above it, the limit is raised so
            # that the record is parsed and checked, which is the case that costs memory.
            if record >= 16 * MB:
                record = min(record, 16 * MB - 4096) if size == 16 else record
            path, line = write_input(directory, record)
            extra = list(args.extra)
            if line > 16 * MB and not any(a.startswith("--max-record-size") for a in extra):
                extra += ["--max-record-size", f"{line // MB + 8}MB"]
            for command in commands:
                wall, peak, code = measure(ftlint(command, path, directory, extra), args.timeout)
                small_ratio = (peak - tiny[command][1]) * MB / line
                over = peak - base[command][1]
                ratio = over * MB / line
                marginal = ""
                if command in previous:
                    before_line, before_peak = previous[command]
                    marginal = f"{(peak - before_peak) * MB / (line - before_line):.1f}"
                previous[command] = (line, peak)
                print(f"{command:8} {line / MB:9.1f}M {wall:8.1f} {peak:9.0f} {small_ratio:8.1f} "
                      f"{over:10.0f} {ratio:9.1f} {marginal:>9}  {code}")  # fmt: skip
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())

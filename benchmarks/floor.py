"""The token-counting floor next to ``ftlint check``, on the same file, in one run.

The floor is the least any tool must do to count the tokens of a chat dataset: parse every
line with orjson and count the tokens of every text with tiktoken's ``encode_ordinary`` in a
plain loop (3-4x faster than ``encode_ordinary_batch``), split across all cores by byte ranges.
Both the floor and ``ftlint check`` (all default rules) run as subprocesses, so both pay for
interpreter start-up and loading the encoding; each runs ``--repeat`` times and the medians
are printed, with the CPU time (user + system, workers included: less sensitive than wall
time to other load on the machine). Memory: peak RSS of the largest process (``wait4``) and
the peak of the summed proportional set size (PSS) of the whole process tree, sampled every
50 ms from /proc (Linux only): forked workers share the parent's pages (the tokenizer), which
PSS counts once.

Bytecode: the measured processes run with Python's bytecode cache on, as an installed tool
does (``pip install`` compiles it; an editable checkout writes it on the first run). A
``PYTHONDONTWRITEBYTECODE`` in the environment would make every run compile ftlint's modules
again (~0.2 s here, none of it ftlint's work), so it is dropped for them and one untimed run
writes the cache first.

Optionally (``--legacy-python``), ``ftlint prepare`` on a prompt/completion file of the same
size is compared with the legacy ``openai tools fine_tunes.prepare_data -q`` of openai 0.28.1,
installed in a separate virtual environment (pandas 2, which it was written for and which runs it
faster than pandas 3: the comparison is with the legacy tool at its best)::

    python3 -m venv /tmp/legacy && /tmp/legacy/bin/pip install openai==0.28.1 'pandas<3'
    python benchmarks/floor.py --examples 100000 --legacy-python /tmp/legacy/bin/python

It runs plain ``prepare`` on a file that needs nothing, then like with like
(``prepare --fix --unsafe-fixes --target openai --model davinci-002``, as ``-q`` applies every
fix; the target named, since davinci-002 is OpenAI's and the legacy fixes are the rules of its
prompt/completion models: under another target they do not run) on a file
that needs every legacy fix, then on variations of that file (``--variants``: no or many
repeats, short or long texts, other scripts; ``--variant-examples``, ``--variant-repeat``),
and prints wall time, CPU time and memory of both tools for each. ``--skip-check`` leaves out
the floor and ``check``.

Files are generated once with ``benchmarks/generate.py`` into ``benchmarks/data/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

# ---------------------------------------------------------------------------------------------
# The floor itself (runs in a subprocess: ``floor.py --floor FILE --jobs N``)

_ENCODE: list = []


def _floor_range(path: str, start: int, end: int) -> tuple[int, int]:
    import orjson

    from ftlint.shapes import iter_texts

    encode = _ENCODE[0]
    loads = orjson.loads
    tokens = lines = 0
    with open(path, "rb") as handle:
        handle.seek(start)
        remaining = end - start
        for line in handle:
            if remaining <= 0:
                break
            remaining -= len(line)
            if not line.strip():
                continue
            lines += 1
            for _pointer, _role, text in iter_texts(loads(line)):
                tokens += len(encode(text))
    return tokens, lines


def run_floor(path: Path, jobs: int, encoding: str) -> int:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ftlint.plugins.jsonl import split_lines

    from ftlint.rule import FileContext
    from ftlint.tokens import get_encoding

    _ENCODE[:] = [get_encoding(encoding).encode_ordinary]  # loaded once, inherited by fork
    ranges = split_lines(FileContext.open(path), jobs)
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(_floor_range, str(path), r.start, r.end) for r in ranges]
        results = [f.result() for f in futures]
    tokens = sum(t for t, _ in results)
    lines = sum(n for _, n in results)
    print(f"floor: {lines} examples, {tokens} text tokens")
    return 0


# ---------------------------------------------------------------------------------------------
# Measuring subprocesses


@dataclass
class Run:
    seconds: float
    max_rss: int  # bytes, largest single process
    tree_rss: int  # bytes, peak of the summed PSS of the process tree (0 when not measurable)
    exit_code: int
    cpu: float = 0.0  # user + system seconds of the process and the workers it waited for


def _descendants(root: int) -> set[int]:
    """``root`` and every process below it. Read from ``/proc/PID/task/TID/children`` (a few
    small files) where the kernel has it: the sampler must not take CPU from what it
    measures; else from the parent of every process in /proc."""
    tree = {root}
    todo = [root]
    try:
        while todo:
            pid = todo.pop()
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as handle:
                    for child in handle.read().split():
                        if int(child) not in tree:
                            tree.add(int(child))
                            todo.append(int(child))
        return tree
    except FileNotFoundError as exc:
        if "children" not in str(exc.filename):
            return tree  # a process ended while being read: what was found is the tree
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
    tree = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                changed = True
    return tree


def _tree_rss(root: int) -> int:
    """Memory of ``root`` and all its descendants (Linux /proc): the sum of their proportional
    set sizes (resident pages, a page shared by n processes counting 1/n in each)."""
    tree = _descendants(root)
    total = 0
    page = os.sysconf("SC_PAGE_SIZE")
    for pid in tree:
        try:  # proportional set size: pages shared after fork count once, split between users
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            try:
                with open(f"/proc/{pid}/statm", "rb") as handle:
                    total += int(handle.read().split()[1]) * page
            except OSError:
                continue
    return total


def measure(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    started = time.perf_counter()
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                peak[0] = max(peak[0], _tree_rss(process.pid))
            except (OSError, ValueError):
                return
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if os.path.isdir("/proc"):
        sampler.start()
    assert process.stderr is not None
    stderr = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    if sampler.is_alive():
        sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.stderr.write(stderr.decode("utf-8", "replace")[-2000:])
        raise SystemExit(f"{' '.join(argv)} failed with exit code {code}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss * 1024, peak[0], code, cpu)


def median_run(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        int(statistics.median(r.max_rss for r in runs)),
        int(statistics.median(r.tree_rss for r in runs)),
        runs[-1].exit_code,
        statistics.median(r.cpu for r in runs),
    )


def best_of(name_a: str, runs_a: list[Run], name_b: str, runs_b: list[Run]) -> str:
    """The fastest run of each side and their ratio: on a shared machine other load only
    ever slows a run down, so the minimum is the steadiest figure of a fixed workload."""
    a = min(r.seconds for r in runs_a)
    b = min(r.seconds for r in runs_b)
    return f"  fastest runs: {name_a} {a:.2f} s, {name_b} {b:.2f} s; ratio {b / a:.2f}"


def data_file(shape: str, count: int, data_dir: Path) -> Path:
    path = data_dir / f"{shape}_{count}.jsonl"
    if not path.exists():
        size = generate(shape, count, path)
        print(f"generated {path} ({size / 1e6:.1f} MB)", file=sys.stderr)
    return path


def row(name: str, run: Run, size: int, reference: Run | None = None) -> str:
    ratio = f"{run.seconds / reference.seconds:>6.2f}x" if reference else f"{'':>7}"
    cpu_ratio = f"{run.cpu / reference.cpu:>6.2f}x" if reference else f"{'':>7}"
    return (
        f"{name:<42} {run.seconds:>7.2f} s {size / 1e6 / run.seconds:>7.1f} MB/s {ratio} "
        f"{run.cpu:>7.2f} s {cpu_ratio} {run.max_rss / 1e6:>8.0f} MB {run.tree_rss / 1e6:>9.0f} MB"
    )


def header() -> str:
    text = f"{'':<42} {'wall (median)':>9} {'throughput':>12} {'ratio':>7} {'CPU':>9} {'ratio':>7} "
    return text + f"{'max RSS':>11} {'tree PSS':>12}"


def measured_env() -> dict[str, str]:
    """The environment of the measured runs: this one, with the bytecode cache on."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def warm_up(ftlint: list[str], command: str, source: Path, work: Path, env: dict[str, str]) -> None:
    """One untimed ``check`` or ``prepare`` of the file's first line: writes the bytecode
    cache of every module the measured runs import."""
    sample = work / f"warm-up{source.suffix}"
    with source.open("rb") as lines:
        sample.write_bytes(lines.readline())
    extra = ["-o", str(work / "warm-up-out.jsonl"), "--force"] if command == "prepare" else []
    subprocess.run([*ftlint, command, str(sample), *extra], cwd=work, env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help="a chat JSONL to use instead of generating one")
    parser.add_argument("--examples", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--encoding", default="o200k_base", help="the default model's encoding")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument(
        "--legacy-python",
        type=Path,
        help="python of a venv with openai==0.28.1 + pandas: compare prepare with prepare_data",
    )
    parser.add_argument(
        "--variants",
        default="all",
        help="with --legacy-python: the variations of the file needing every fix to run too: "
        f"all (default), none, or some of {', '.join(VARIANTS)} (comma-separated)",
    )
    parser.add_argument("--variant-examples", type=int, help="their size (default: --examples)")
    parser.add_argument("--variant-repeat", type=int, help="their runs (default: --repeat)")
    parser.add_argument(
        "--baseline-python",
        type=Path,
        help="python of another ftlint checkout: its prepare runs interleaved with this one's",
    )
    parser.add_argument("--skip-check", action="store_true", help="only the prepare comparison")
    parser.add_argument("ftlint_args", nargs="*", help="extra ftlint check options, after --")
    args = parser.parse_args(argv)
    if args.floor is not None:
        return run_floor(args.floor, args.jobs, args.encoding)

    # absolute: the measured runs start in a temporary directory
    if args.skip_check:
        chat = Path()
    else:
        chat = args.file.resolve() if args.file else data_file("chat", args.examples, args.data_dir)
    size = chat.stat().st_size if not args.skip_check else 0
    ftlint = [sys.executable, "-m", "ftlint.cli"]
    env = measured_env()
    floor_runs: list[Run] = []
    check_runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="ftlint-floor-") as tmp:
        work = Path(tmp)
        if args.skip_check:
            if args.legacy_python:
                compare_prepare(args, ftlint, work)
            return 0
        warm_up(ftlint, "check", chat, work, env)
        for _ in range(args.repeat):  # interleaved, so that load changes hit both alike
            floor_runs.append(
                measure(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "--floor",
                        str(chat),
                        "--jobs",
                        str(args.jobs),
                        "--encoding",
                        args.encoding,
                    ],
                    work,
                    env,
                )
            )
            check_runs.append(
                measure(
                    [
                        *ftlint,
                        "check",
                        str(chat),
                        "--jobs",
                        str(args.jobs),
                        "--output-format",
                        "json",
                        "--output-file",
                        # a new file each run: ftlint does not write over one
                        str(work / f"report-{len(check_runs)}.json"),
                        *args.ftlint_args,
                    ],
                    work,
                    env,
                )
            )
        floor, check = median_run(floor_runs), median_run(check_runs)
        print(
            f"{chat.name}: {size / 1e6:.1f} MB, {args.jobs} jobs, {args.repeat} runs each, "
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
        )
        print(header())
        print(row("floor (orjson + encode_ordinary)", floor, size))
        print(row("ftlint check (default rules)", check, size, floor))
        print(
            "  all runs, floor: "
            + ", ".join(f"{r.seconds:.2f}" for r in floor_runs)
            + " s; check: "
            + ", ".join(f"{r.seconds:.2f}" for r in check_runs)
            + " s"
        )
        print(best_of("floor", floor_runs, "check", check_runs))
        if args.legacy_python:
            compare_prepare(args, ftlint, work)
    return 0


#: Variations of the prompt/completion file that needs the legacy fixes (``generate.Variation``
#: fields): the figures must hold on data the code was not tuned for.
VARIANTS = {
    "no repeats": {"duplicates": 0.0, "near": 0.0},
    "many repeats": {"duplicates": 0.3, "near": 0.2},
    "short texts": {"length": 0.3},
    "long texts": {"length": 3.0},
    "latin only": {"script": "latin"},
    "chinese": {"script": "cjk"},
    "cyrillic": {"script": "cyrillic"},
    "emoji": {"script": "emoji"},
}


def compare_prepare(args: argparse.Namespace, ftlint: list[str], work: Path) -> None:
    """``prepare`` next to the legacy ``prepare_data -q``: on a prompt/completion file that
    needs nothing (plain ``prepare``), and like with like on files that need every legacy fix
    (``-q`` applies every fix it recommends, so ftlint applies them too: ``--fix
    --unsafe-fixes --target openai --model davinci-002``), the default one and its variations."""
    source = data_file("completion", args.examples, args.data_dir)
    compare_with_legacy(args, ftlint, work, source, [], "ftlint prepare", "")
    fixing = ["--fix", "--unsafe-fixes", "--target", "openai", "--model", "davinci-002"]
    source = data_file("completion-raw", args.examples, args.data_dir)
    what = "needing every legacy fix (no separator, no stop sequence, no leading space)"
    compare_with_legacy(args, ftlint, work, source, fixing, "ftlint prepare --unsafe-fixes", what)
    if args.variants == "none":
        return
    names = list(VARIANTS) if args.variants == "all" else args.variants.split(",")
    count = args.variant_examples or args.examples
    repeat = args.variant_repeat or args.repeat
    figures: list[tuple[str, float, float, float]] = []
    for name in names:
        source = variant_file(name, count, args.data_dir)
        old, new = compare_with_legacy(
            args, ftlint, work, source, fixing, "ftlint prepare --unsafe-fixes", name, repeat
        )
        figures.append((name, old.seconds / new.seconds, old.cpu / new.cpu,
                        new.tree_rss / max(old.tree_rss, 1)))  # fmt: skip
    print()
    print(f"variations ({count} examples, {repeat} runs each): legacy / ftlint")
    print(f"{'':<16} {'wall':>7} {'CPU':>7} {'memory (ftlint / legacy)':>26}")
    for name, wall, cpu, memory in figures:
        print(f"{name:<16} {wall:>6.2f}x {cpu:>6.2f}x {memory:>26.2f}")


def variant_file(name: str, count: int, data_dir: Path) -> Path:
    from generate import Variation

    if name not in VARIANTS:
        raise SystemExit(f"unknown variant {name!r} (known: {', '.join(VARIANTS)})")
    variation = Variation(**VARIANTS[name])
    path = data_dir / f"completion-raw{variation.tag()}_{count}.jsonl"
    if not path.exists():
        size = generate("completion-raw", count, path, variation=variation)
        print(f"generated {path} ({size / 1e6:.1f} MB)", file=sys.stderr)
    return path


def compare_with_legacy(
    args: argparse.Namespace,
    ftlint: list[str],
    work: Path,
    source: Path,
    extra: list[str],
    label: str,
    what: str,
    repeat: int | None = None,
) -> tuple[Run, Run]:
    """Interleaved runs of ``prepare_data -q`` and ``ftlint prepare`` on copies of ``source``;
    prints their medians (wall, CPU, max RSS, tree PSS) and ratios."""
    size = source.stat().st_size
    ours: list[Run] = []
    theirs: list[Run] = []
    before: list[Run] = []
    env = measured_env()
    warm_up(ftlint, "prepare", source, work, env)
    baseline = [str(args.baseline_python), "-m", "ftlint.cli"] if args.baseline_python else None
    if baseline:
        warm_up(baseline, "prepare", source, work, env)

    def prepare(command: list[str], out: Path) -> Run:
        argv = [*command, "prepare", str(copy), "-o", str(out), "--force", "--jobs",
                str(args.jobs), "--output-format", "json", *extra]  # fmt: skip
        run = measure(argv, work, env)
        for leftover in (out, out.with_name(f"{out.stem}_rejected.jsonl")):
            leftover.unlink(missing_ok=True)
        return run

    for index in range(repeat or args.repeat):
        copy = work / source.name
        shutil.copyfile(source, copy)
        legacy = [str(args.legacy_python), "-c", "from openai._openai_scripts import main; main()",
                  "tools", "fine_tunes.prepare_data", "-f", str(copy), "-q"]  # fmt: skip
        theirs.append(measure(legacy, work, env))
        for leftover in work.glob("*_prepared*.jsonl"):
            leftover.unlink()
        if baseline:  # interleaved: legacy, baseline, this checkout, legacy, ...
            before.append(prepare(baseline, work / f"before-{index}.jsonl"))
        ours.append(prepare(ftlint, work / f"out-{index}.jsonl"))
    old, new = median_run(theirs), median_run(ours)
    print()
    print(f"{source.name}: {size / 1e6:.1f} MB prompt/completion{', ' + what if what else ''}, "
          f"{len(ours)} runs each")  # fmt: skip
    print(header())
    print(row("openai 0.28.1 prepare_data -q", old, size))
    if before:
        print(row(f"{label} (baseline)", median_run(before), size, old))
    print(row(label, new, size, old))
    if before:
        print("  CPU per run, baseline: " + ", ".join(f"{r.cpu:.2f}" for r in before)
              + " s; this checkout: " + ", ".join(f"{r.cpu:.2f}" for r in ours) + " s")  # fmt: skip
    print(
        f"  {label} is {old.seconds / new.seconds:.2f}x faster (CPU {old.cpu / new.cpu:.2f}x) "
        f"and uses {new.tree_rss / max(old.tree_rss, 1):.2f} of the legacy tool's memory "
        f"(tree PSS; max RSS {new.max_rss / max(old.max_rss, 1):.2f})"
    )
    print(best_of("legacy", theirs, "prepare", ours))
    return old, new


if __name__ == "__main__":
    sys.exit(main())

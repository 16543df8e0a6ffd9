"""What checking several targets in one pass costs, against one target: the wall and CPU time
of ``ftlint check`` on one generated chat file with ``--target openai``, three targets and
``--target all``, in one process (``--jobs 1``), and the per-target cost beyond the first.

Usage::

    python benchmarks/targets.py [N_EXAMPLES]   # default 20000 (about 14 MB)
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = {
    "openai": "openai",
    "together,mistral,vertex": "together,mistral,vertex",
    "all": "all",
}


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / f"chat_{count}.jsonl"
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "chat", str(count), "-o", str(data)],
            check=True,
        )
        size = data.stat().st_size
        print(f"{count:,} chat examples, {size / 1e6:.1f} MB, --jobs 1")
        first = None
        for label, spec in RUNS.items():
            cpu = child_cpu()
            start = time.perf_counter()
            subprocess.run(
                [str(Path(sys.executable).parent / "ftlint"), "check", str(data), "--target", spec,
                 "--jobs", "1", "--output-format", "json"],
                stdout=subprocess.DEVNULL,
                check=False,
            )  # fmt: skip
            wall = time.perf_counter() - start
            used = child_cpu() - cpu
            first = first or used
            print(f"  --target {label:<26} wall {wall:6.2f} s  cpu {used:6.2f} s  "
                  f"({used / first:.2f}x one target)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

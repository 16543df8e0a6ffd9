"""Coverage-guided fuzzing of one target with atheris (libFuzzer), when it is installed
(``pip install atheris``; optional, not a dependency):

    .venv/bin/python -m tests.fuzz.atheris_main reader-jsonl -- -max_total_time=600 -jobs=2

The corpus directory (``--corpus``, default ``/tmp/ftlint-atheris/<target>``) is seeded from
the same seeds as the hypothesis harness; libFuzzer mutates them guided by coverage of the
readers, rules and engine. An input that fails the oracle raises, and libFuzzer writes it as
``crash-<sha1>`` (replay: ``python -m tests.fuzz.atheris_main TARGET -- crash-...``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class OracleFailure(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    own, _, rest = (
        (argv[: argv.index("--")], "--", argv[argv.index("--") + 1 :])
        if "--" in argv
        else (argv, "", [])
    )
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.atheris_main")
    parser.add_argument("target", help="a target of python -m tests.fuzz --list")
    parser.add_argument("--corpus", type=Path, help="corpus directory")
    args = parser.parse_args(own)
    try:
        import atheris
    except ImportError:
        print("atheris is not installed: pip install atheris", file=sys.stderr)
        return 2
    with atheris.instrument_imports():
        import ftlint.plugins.json_reader
        import ftlint.plugins.jsonl
        import ftlint.plugins.tabular
        import ftlint.plugins.xlsx

        import ftlint  # noqa: F401
        from tests.fuzz import corpus, oracle, targets
    target = targets.TARGETS[args.target]
    oracle.install_rule_error_probe()
    directory = args.corpus or Path("/tmp/ftlint-atheris") / args.target
    directory.mkdir(parents=True, exist_ok=True)
    for i, seed in enumerate(corpus.seeds_of(target.kind)):
        (directory / f"seed-{i:03d}").write_bytes(seed.data)

    def test_one_input(data: bytes) -> None:
        failures = target.run(data)
        if failures:
            raise OracleFailure("\n".join(str(f) for f in failures))

    atheris.Setup([sys.argv[0], *rest, str(directory)], test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())

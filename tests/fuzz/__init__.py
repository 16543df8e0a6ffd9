"""Fuzzing ftlint: every reader and the whole pipeline (``check``, ``prepare``, the CLI) on
mutated slices of real datasets. ``python -m tests.fuzz --budget SECONDS`` runs it for a time
budget; ``tests/fuzz/test_fuzz.py`` runs a short, deterministic budget in the test suite."""

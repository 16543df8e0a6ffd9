"""Where the trained tokens sit in an example: what a truncation to N tokens loses.

A trainer that truncates (TRL's ``max_length``, Axolotl's ``sequence_len``) keeps the first N
tokens of the sequence and drops the rest, silently. How many *trained* tokens that loses
depends on where the assistant's tokens are, so every counter can describe the longest
sequence of an example as runs ``(tokens, trained)`` in order (``sequence``), and
``truncation`` adds up what falls beyond N.
"""

from __future__ import annotations

from typing import Any

Runs = list[tuple[int, bool]]


def truncation(runs: Runs, limit: int) -> tuple[int, int]:
    """``(tokens lost, trained tokens lost)`` when the sequence is cut after ``limit``."""
    position = lost = lost_trained = 0
    for count, learned in runs:
        beyond = max(0, position + count - max(limit, position))
        lost += beyond
        if learned:
            lost_trained += beyond
        position += count
    return lost, lost_trained


def runs_of_ids(ids: list[int], parts: list[list[int]]) -> Runs:
    """The runs of a rendered sequence whose trained parts are ``parts``, each a contiguous
    sub-list of ``ids`` found in order (an instruct encoding concatenates its messages)."""
    runs: Runs = []
    cursor = 0
    for part in parts:
        if not part:
            continue
        found = _find(ids, part, cursor)
        if found < 0:
            continue
        if found > cursor:
            runs.append((found - cursor, False))
        runs.append((len(part), True))
        cursor = found + len(part)
    if cursor < len(ids):
        runs.append((len(ids) - cursor, False))
    return runs


def _find(ids: list[int], part: list[int], start: int) -> int:
    first, size = part[0], len(part)
    index = start
    while True:
        try:
            index = ids.index(first, index)
        except ValueError:
            return -1
        if ids[index : index + size] == part:
            return index
        index += 1


def common_prefix(a: Any, b: Any) -> int:
    """Tokens two encodings share at their start (a preference pair's prompt); 0 when
    either is a bare count (no ids)."""
    if not isinstance(a, list) or not isinstance(b, list):
        return 0
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def runs_of_mask(mask: list[int] | list[bool]) -> Runs:
    """Runs from a per-token mask (1: trained)."""
    runs: Runs = []
    for flag in mask:
        learned = bool(flag)
        if runs and runs[-1][1] == learned:
            runs[-1] = (runs[-1][0] + 1, learned)
        else:
            runs.append((1, learned))
    return runs

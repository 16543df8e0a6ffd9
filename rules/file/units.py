"""File sizes as people read them, in the decimal units providers state their limits in."""

from __future__ import annotations


def human_size(size: int) -> str:
    """Decimal units, as providers state their limits (512 MB = 512,000,000 bytes)."""
    if size < 1000:
        return f"{size} byte{'' if size == 1 else 's'}"
    value = float(size)
    for unit in ("kB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return f"{text} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover

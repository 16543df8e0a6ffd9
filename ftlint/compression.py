"""Compressed inputs: ``.gz``, ``.bz2`` and ``.xz`` through the standard library, ``.zst``
through ``zstandard`` (the maintained binding of the reference C library; imported only for a
``.zst`` file). Datasets are shipped this way (``harmless-base/test.jsonl.gz``).

A compressed file is read as a stream of its uncompressed bytes, so readers keep their line
numbers (of the uncompressed text) and never hold the whole file. The stream counts what it
expands to: more than ``--max-expanded-size`` bytes, or a ratio over
``--max-compression-ratio`` once past ``Limits.RATIO_FLOOR``, stops it with
``ExpansionLimitExceeded`` (a decompression bomb, the same limits as an XLSX archive).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from ftlint.limits import Limits

#: Suffix -> compression name.
SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd"}
#: Magic bytes of each compression (a ``.gz`` must start with gzip's).
_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)


class ExpansionLimitExceeded(OSError):
    """A compressed input expands past the run's limits; reading it stops there."""


def compression_of(path: Path, head: bytes = b"") -> str | None:
    """The compression of ``path`` from its suffix, confirmed by its magic bytes (a ``.gz``
    that is not gzip is read as it is, and its reader reports what it finds)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        return None
    if head and not any(head.startswith(magic) and name == kind for magic, name in _MAGIC):
        return None
    return kind


def inner_path(path: Path) -> Path:
    """``data/train.jsonl.gz`` -> ``data/train.jsonl``: the name of what is compressed."""
    return path.with_suffix("") if path.suffix.lower() in SUFFIXES else path


def _zstandard():
    try:
        import zstandard
    except ImportError:  # pragma: no cover - a dependency; a broken install says so
        raise ExpansionLimitExceeded(
            "reading .zst files needs the zstandard package (pip install zstandard)"
        ) from None
    return zstandard


def _decompressor(raw: BinaryIO, kind: str) -> BinaryIO:
    if kind == "gzip":
        import gzip

        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "bz2":
        import bz2

        return bz2.BZ2File(raw, mode="rb")  # type: ignore[return-value]
    if kind == "xz":
        import lzma

        return lzma.LZMAFile(raw, mode="rb")  # type: ignore[return-value]
    if kind == "zstd":
        # read_across_frames: a file of several frames (zstd -c a b > c) is one stream.
        return _zstandard().ZstdDecompressor().stream_reader(raw, read_across_frames=True)
    raise ValueError(f"unknown compression {kind!r}")


class LimitedStream(io.RawIOBase):
    """The uncompressed bytes of a compressed file, refused past the expansion limits."""

    def __init__(self, path: Path, kind: str, limits: Limits | None, counted: bool = False) -> None:
        from ftlint import progress
        from ftlint.limits import DEFAULT_LIMITS

        self.kind = kind
        self.limits = limits or DEFAULT_LIMITS
        raw = path.open("rb", buffering=0)
        self._raw = progress.counted(raw) if counted else raw
        self._stream = _decompressor(self._raw, kind)
        self.expanded = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._stream.read(len(buffer))
        except (EOFError, OSError, ValueError) as exc:
            if isinstance(exc, ExpansionLimitExceeded):
                raise
            raise ExpansionLimitExceeded(f"the {self.kind} stream is damaged: {exc}") from None
        except Exception as exc:  # zstandard.ZstdError and the like
            raise ExpansionLimitExceeded(f"the {self.kind} stream is damaged: {exc}") from None
        size = len(data)
        buffer[:size] = data
        self.expanded += size
        self._check()
        return size

    def _check(self) -> None:
        limits = self.limits
        if self.expanded > limits.max_expanded_size:
            raise ExpansionLimitExceeded(
                f"the {self.kind} file expands to more than {limits.max_expanded_size:,} bytes "
                "(--max-expanded-size); reading stopped there"
            )
        if self.expanded > limits.RATIO_FLOOR:
            consumed = max(1, self._raw.tell())
            if self.expanded / consumed > limits.max_compression_ratio:
                raise ExpansionLimitExceeded(
                    f"the {self.kind} file expands more than {limits.max_compression_ratio}x "
                    f"({self.expanded:,} bytes from {consumed:,}; --max-compression-ratio), "
                    "a decompression bomb; reading stopped there"
                )

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            self._raw.close()
            super().close()


def open_decompressed(
    path: Path,
    kind: str,
    limits: Limits | None = None,
    buffering: int = 1 << 20,
    counted: bool = False,
) -> BinaryIO:
    """A buffered binary stream of the uncompressed bytes of ``path`` (``counted``: its
    compressed bytes count towards the progress bar)."""
    stream = LimitedStream(path, kind, limits, counted)
    return io.BufferedReader(stream, buffer_size=buffering)  # type: ignore[return-value]


def open_compressed_output(path: Path, handle: BinaryIO) -> BinaryIO | None:
    """A compressing writer over ``handle`` when ``path`` names a compressed file (``prepare
    -o train.jsonl.gz``), else None (the output is plain)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind == "gzip":
        import gzip

        return gzip.GzipFile(filename="", fileobj=handle, mode="wb", mtime=0)  # type: ignore[return-value]
    if kind == "bz2":
        import bz2

        return bz2.BZ2File(handle, mode="wb")  # type: ignore[return-value]
    if kind == "xz":
        import lzma

        return lzma.LZMAFile(handle, mode="wb")  # type: ignore[return-value]
    if kind == "zstd":
        return _zstandard().ZstdCompressor().stream_writer(handle, closefd=False)
    return None

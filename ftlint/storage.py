"""Inputs behind URLs (``s3://``, ``gs://``, ``hf://datasets/...``, ``https://``,
``memory://`` ...): fsspec filesystems, read streaming, named in reports without credentials.

A URL input is a ``UrlPath``: it offers the parts of ``pathlib.Path`` that the engine and the
readers use (``name``, ``suffix``, ``stem``, ``stat``, ``open``, ``read_bytes``), so a reader
streams a remote file exactly as a local one, through fsspec's buffered reads (HTTP range
requests, S3 ranged GETs). Credentials come only from each filesystem's own environment
(``AWS_PROFILE`` / ``AWS_ACCESS_KEY_ID`` for s3fs, ``GOOGLE_APPLICATION_CREDENTIALS`` for gcsfs,
``HF_TOKEN`` for huggingface_hub, ``~/.netrc`` ...): ftlint has no option that takes one, so
none is ever printed. A URL that carries one itself (``https://user:secret@host/...``, a signed
query string) is shown masked (``https://***@host/...``, ``X-Amz-Signature=***``) wherever it
appears: locations, file lists, notes.

fsspec is the ``remote`` extra (``pip install 'ftlint[remote]'``), imported only for a URL.
"""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

INSTALL_HINT = "pip install 'ftlint[remote]'"
#: ``scheme://`` with a scheme of two characters or more (``C:\\`` is a Windows drive).
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]+://")
#: Query parameters whose values are credentials (signed S3/GCS URLs, Azure SAS, tokens).
_SECRET_PARAM = re.compile(
    r"(?i)(signature|sig|token|key|credential|password|passwd|secret|auth|session|^se$|^sp$)"
)
#: Bytes fsspec fetches at a time (HTTP range requests, S3 GETs).
BLOCK_SIZE = 4 << 20


def is_url(text: str) -> bool:
    """Whether ``text`` names a file through an fsspec protocol (``file://`` is local)."""
    return bool(_URL.match(text)) and not text.lower().startswith("file://")


def local_or_url(text: str) -> Path | UrlPath:
    """A command-line path: a ``UrlPath`` for a URL, a local ``Path`` otherwise
    (``file:///x`` is the local ``/x``)."""
    if text.lower().startswith("file://"):
        return Path(text[len("file://") :])
    return UrlPath(text) if is_url(text) else Path(text)


def mask_url(url: str) -> str:
    """``url`` without its credentials: the user information before ``@`` and the values of
    query parameters that sign or authorise a request become ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^/@]*@", "//***@", url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{quote(k, safe='')}={'***' if _SECRET_PARAM.search(k) else quote(v, safe='/:')}"
            for k, v in pairs
        )
    if netloc == parts.netloc and query == parts.query:
        return url  # nothing to hide: shown exactly as given
    text = f"{parts.scheme}://{netloc}{parts.path}"
    if query:
        text += f"?{query}"
    if parts.fragment:
        text += f"#{parts.fragment}"
    return text


def _fsspec() -> Any:
    try:
        import fsspec
    except ImportError:
        from ftlint.config import ConfigError

        raise ConfigError(
            f"reading a URL needs fsspec, which is not installed: {INSTALL_HINT}"
        ) from None
    return fsspec


class _Stat:
    def __init__(self, mode: int, size: int) -> None:
        self.st_mode = mode
        self.st_size = size


class UrlPath:
    """A file behind an fsspec URL, with the parts of ``pathlib.Path`` ftlint uses.
    ``str()`` is the masked URL (what reports show); ``url`` is the URL itself."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.display = mask_url(url)
        self._fs: Any = None
        self._path: str | None = None

    # -- naming ----------------------------------------------------------------------------
    def __str__(self) -> str:
        return self.display

    def __repr__(self) -> str:
        return f"UrlPath({self.display!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UrlPath) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    def __getstate__(self) -> dict[str, Any]:  # a worker opens its own filesystem
        return {"url": self.url, "display": self.display}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._fs = self._path = None

    @property
    def _pure(self) -> PurePosixPath:
        return PurePosixPath(urlsplit(self.url).path or "/")

    @property
    def name(self) -> str:
        return self._pure.name

    @property
    def suffix(self) -> str:
        return self._pure.suffix

    @property
    def suffixes(self) -> list[str]:
        return self._pure.suffixes

    @property
    def stem(self) -> str:
        return self._pure.stem

    def with_name(self, name: str) -> Path:
        """A file named ``name`` in the current directory: outputs are written locally."""
        return Path(name)

    def absolute(self) -> UrlPath:
        return self

    # -- reading ---------------------------------------------------------------------------
    def filesystem(self) -> tuple[Any, str]:
        """The fsspec filesystem and the path in it (credentials from its environment)."""
        if self._fs is None:
            fsspec = _fsspec()
            try:
                self._fs, self._path = fsspec.core.url_to_fs(self.url)
            except (ImportError, ValueError) as exc:
                from ftlint.config import ConfigError

                raise ConfigError(f"cannot read {self.display}: {exc}") from None
        assert self._path is not None
        return self._fs, self._path

    def stat(self) -> _Stat:
        """Like ``os.stat``: a missing file raises ``FileNotFoundError``."""
        fs, path = self.filesystem()
        try:
            info = fs.info(path)
        except FileNotFoundError:
            raise
        except OSError:
            raise
        except Exception as exc:  # a filesystem's own error (permissions, HTTP status)
            raise OSError(0, f"{type(exc).__name__}: {exc}") from None
        kind = info.get("type")
        if kind == "directory":
            return _Stat(stat.S_IFDIR, 0)
        size = info.get("size")
        return _Stat(stat.S_IFREG, int(size) if size is not None else 0)

    def exists(self) -> bool:
        fs, path = self.filesystem()
        try:
            return bool(fs.exists(path))
        except Exception:
            return False

    def open(
        self,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> Any:
        """A buffered, seekable binary stream (or text over it), read as it is consumed."""
        if any(c in mode for c in "wax+"):
            raise PermissionError(f"{self.display}: URL inputs are read only")
        fs, path = self.filesystem()
        raw = fs.open(path, "rb", block_size=BLOCK_SIZE)
        size = buffering if buffering and buffering > 1 else io.DEFAULT_BUFFER_SIZE
        binary = io.BufferedReader(raw, buffer_size=size)
        if "b" in mode:
            return binary
        return io.TextIOWrapper(binary, encoding=encoding, errors=errors, newline=newline)

    def read_bytes(self) -> bytes:
        with self.open("rb") as handle:
            return handle.read()


def expand_url_glob(pattern: str) -> list[UrlPath]:
    """The files a URL with ``*``, ``?`` or ``[`` matches, sorted (or the directory's files)."""
    url = UrlPath(pattern)
    fs, path = url.filesystem()
    protocol = pattern.split("://", 1)[0]
    if any(c in path for c in "*?["):
        found = sorted(fs.glob(path))
    else:
        try:
            kind = fs.info(path).get("type")
        except Exception:
            return [url]
        if kind != "directory":
            return [url]
        found = sorted(p for p in fs.find(path) if not PurePosixPath(p).name.startswith("."))
    urls = []
    for item in found:
        full = fs.unstrip_protocol(item)
        if not full.startswith(protocol + "://"):
            full = f"{protocol}://{item.lstrip('/')}"
        urls.append(UrlPath(full))
    return urls

"""The ``utf-8+ENCODING`` codecs: UTF-8, with the bytes that are not UTF-8 decoded as
ENCODING (``utf-8+cp1252``).

They read a UTF-8 export holding a few stray bytes of another encoding (a Windows-1252 paste)
without turning its correct accents into mojibake. Importing this module registers them, so the
readers and ``prepare`` can decode with the name that the encoding check puts in
``FileContext.encoding``.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

#: Prefix of the codec names: ``utf-8+cp1252``.
FALLBACK_PREFIX = "utf-8+"


def _fallback_handler(fallback: str) -> Callable[[UnicodeError], tuple[str, int]]:
    def handle(exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        data = exc.object
        # Multi-byte fallbacks (GB18030) may need the bytes after the invalid one.
        for end in range(exc.start + 1, min(exc.start + 4, len(data)) + 1):
            try:
                return bytes(data[exc.start : end]).decode(fallback), end
            except UnicodeDecodeError:
                continue
        return "\ufffd", exc.start + 1

    return handle


def _search_codec(name: str) -> codecs.CodecInfo | None:
    """``utf-8+cp1252``: UTF-8, with the bytes that are not UTF-8 decoded as cp1252.

    Python normalises the name to ``utf_8_cp1252`` before calling a search function.
    """
    prefix = "utf_8_"
    if not name.startswith(prefix):
        return None
    fallback = name[len(prefix) :]
    try:
        fallback = codecs.lookup(fallback).name.replace("-", "_")
    except LookupError:
        return None
    handler_name = f"ftlint-fallback-{fallback}"
    codecs.register_error(handler_name, _fallback_handler(fallback))

    def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
        return codecs.utf_8_decode(data, handler_name, True)

    def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
        return codecs.utf_8_encode(text, errors)

    class IncrementalDecoder(codecs.BufferedIncrementalDecoder):
        def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:
            return codecs.utf_8_decode(data, handler_name, final)

    class StreamReader(codecs.StreamReader):
        def decode(self, data: bytes, errors: str = "strict") -> tuple[str, int]:
            return codecs.utf_8_decode(data, handler_name, False)

    return codecs.CodecInfo(
        name=f"{FALLBACK_PREFIX}{fallback}",
        encode=encode,
        decode=decode,
        incrementalencoder=codecs.getincrementalencoder("utf-8"),
        incrementaldecoder=IncrementalDecoder,
        streamreader=StreamReader,
        streamwriter=codecs.getwriter("utf-8"),
    )


codecs.register(_search_codec)

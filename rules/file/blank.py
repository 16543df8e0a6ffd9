"""Whether a file holds nothing: only a byte-order mark and whitespace.

``EmptyFile`` reports such a file; the byte-order-mark rules leave it alone (a file
with nothing in it has a bigger problem than its BOM).
"""

from __future__ import annotations

import codecs

from ftlint import FileContext

#: Byte-order marks and whitespace that make a file look non-empty without holding anything.
_BOMS = (
    codecs.BOM_UTF32_LE,
    codecs.BOM_UTF32_BE,
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)
_BLANK = b" \t\r\n\x0b\x0c\x00"


def _strip_bom(data: bytes) -> bytes:
    for bom in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def is_blank(file: FileContext) -> bool:
    """Whether the file holds nothing but a byte-order mark and whitespace (in any of the
    Unicode encodings: UTF-16 whitespace is an ASCII blank beside a NUL)."""
    if _strip_bom(file.head).strip(_BLANK):
        return False
    if len(file.head) < file.HEAD_SIZE:  # the head is the whole (uncompressed) file
        return True
    first = True
    for chunk in file.iter_bytes():
        if first:
            chunk, first = _strip_bom(chunk), False
        if chunk.strip(_BLANK):
            return False
    return True

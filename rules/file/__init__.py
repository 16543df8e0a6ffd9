"""File rules (FT1xx): the raw bytes of a file, before any record is read.

One module per rule (``not_utf8``, ``unexpected_bom``, ``missing_bom``, ``file_too_large``,
``empty_file``, ``escaped_file_name``); what they share is in modules named for what it is:
``detect`` (UTF-8 statistics and encoding detection), ``language`` (whether a decoding reads
as real text), ``codec`` (the ``utf-8+ENCODING`` codecs for UTF-8 files with stray bytes),
``bom`` (the files the byte-order-mark checks look at, and their fix), ``blank`` (a file
holding only whitespace) and ``units`` (sizes as people read them).
"""

from __future__ import annotations

from ftlint import Rule, hookimpl


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Imported here: loading the plugin costs nothing until the rules are asked for.
    from ftlint.rules.file.empty_file import EmptyFile
    from ftlint.rules.file.escaped_file_name import EscapedFileName
    from ftlint.rules.file.file_too_large import FileTooLarge
    from ftlint.rules.file.missing_bom import MissingBom
    from ftlint.rules.file.not_utf8 import NotUtf8
    from ftlint.rules.file.unexpected_bom import UnexpectedBom

    return [NotUtf8, UnexpectedBom, MissingBom, FileTooLarge, EmptyFile, EscapedFileName]

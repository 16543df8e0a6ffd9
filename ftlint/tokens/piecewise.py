"""A long text cut into pieces that tiktoken encodes to the very ids of the whole text.

Why: tiktoken encodes one text at a time, and on a huge one (a 16 MB answer) it holds about
four times the text at its peak (the UTF-8 copy, which then stays cached in the ``str``, and
its growing vectors of pieces and ids). Encoding the text piece by piece bounds that to a few
times the piece, and each piece's UTF-8 copy goes with the piece.

Where a cut is certain: tiktoken first splits a text with its pattern, then encodes each
split part on its own, so a cut that falls where the pattern splits anyway changes nothing,
provided the pattern splits the part before the cut and the part after it as it splits the
whole. For the patterns of ``cl100k_base`` and ``o200k_base`` (``o200k_harmony`` has
o200k's pattern) that holds at two kinds of places, both decided on ASCII characters only
(no Unicode table of ours that could disagree with the regex crate's):

- before a space that follows an ASCII character other than white space (``"word| next"``,
  ``"3.|14 "``): no alternative of either pattern holds a space after anything but white space
  (a space only ever starts a part), and the part before ends in no white space, so neither
  the lookahead ``\\s+(?!\\S)`` nor cl100k's ``\\s++$`` can read the end of the first piece
  otherwise than the next character;
- after a line break followed by an ASCII letter or digit (``"end.\\n|Next"``): a part that
  holds a line break ends there unless more line breaks, white space or (o200k) ``/``
  follow, and no letter or number part takes a line break in front of it.

The scan after a cut needs nothing before it (the patterns look ahead, never behind), so
the ids of the pieces, in order, are the ids of the whole text, and their count its count.
``tests/test_token_pieces.py`` proves it against whole-text encoding with both encodings
(and o200k_harmony) on every text of every real dataset and on arbitrary Unicode. A text
with no such place (a long run of one script without spaces) stays whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: Texts longer than this (characters) are encoded in pieces of about this length.
PIECE = 1 << 16

#: The character before a certain cut and the one after it (the cut is between them).
_CUT = re.compile(r"[!-~] |\n[A-Za-z0-9]")


def pieces(text: str, size: int = PIECE) -> Iterator[str]:
    """``text`` as consecutive pieces of at least ``size`` characters (the last one may be
    shorter), each cut at a certain place (see the module docstring); ``"".join`` of them is
    ``text``. A text of ``size`` characters or fewer is its one piece."""
    size = max(1, size)
    if len(text) <= size:
        yield text
        return
    search = _CUT.search
    start = 0
    end = len(text)
    while end - start > size:
        found = search(text, start + size - 1)
        if found is None:
            break
        cut = found.start() + 1
        yield text[start:cut]
        start = cut
    yield text[start:] if start else text

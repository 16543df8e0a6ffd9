"""A faster exact token count: the Rust ``count`` of ``bpe-openai``, where it equals tiktoken's.

Why: counting tokens is the cost floor of ``check``. ``bpe-openai`` (already a dependency, for
its offline copies of the encodings) counts a text without building its token ids, measured
here 1.5x faster than tiktoken's ``encode_ordinary`` (206 against 300 ns a token on the
generated chat file, with identical totals). It is used only where the count alone is wanted:
the ids the near-duplicate rules compare still come from tiktoken (``bpe-openai``'s own
``encode`` is no faster than tiktoken's buffer encoder).

Where it is identical: ``cl100k_base`` and ``o200k_base``, the two encodings both libraries
have, proven by ``tests/test_bpe_count.py`` (every text of every real dataset in
``../shared/data/`` and arbitrary Unicode from hypothesis: mixed scripts, emoji, long runs of
spaces and digits, special-token lookalikes) and checked again on probes each time it loads.
Anything else falls back to tiktoken: another encoding, a missing or broken package, a probe
that disagrees, a text it cannot take (lone surrogates, which tiktoken replaces).

What it costs: importing its 74 MB library and building one encoding took 0.8-1.1 s of CPU
here, and its tables take about 60 MB per encoding; it saves about 0.07 us a token (on the
100k-example chat file: 1.75 s against tiktoken's 2.43 s for 9.6M tokens, measured 2026-12-03).
It pays from about 16M tokens on, so ``TokenCounter`` loads it only once a process has counted
``FAST_AFTER_TOKENS`` tokens with tiktoken, or, before a scan starts (and its workers fork), when
the input is that large (``ftlint.tokens.expect_input``: the workers then share one load
instead of paying for one each). A small file, such as a pre-commit run, never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Encodings whose bpe-openai counts are proven equal to tiktoken's (tests/test_bpe_count.py).
SUPPORTED = frozenset({"cl100k_base", "o200k_base"})
#: Tokens a process counts with tiktoken before it loads bpe-openai: its loading (0.8-1.1 s of
#: CPU) against ~0.07 us saved a token breaks even at 11-16M tokens (measured on the generated
#: chat file; with 2M, a 40k-example check took 0.45 s more CPU than without it).
FAST_AFTER_TOKENS = 16_000_000
#: Bytes of input per token, at the least, for ``expect_tokens`` (JSON chat: ~7 here).
BYTES_PER_TOKEN = 8
#: Texts both counters must agree on before the fast one is used.
PROBES = (
    "Hello, world!",
    "<|endoftext|> and <|im_start|>user<|im_sep|>",
    "中文 😕 \n\n  x\t\r\n",
    " " * 300 + "1234567890" * 30,
    "",
)


def load(encoding_name: str, reference: Callable[[str], list[int]]) -> Callable[[str], int] | None:
    """bpe-openai's ``count`` for ``encoding_name``, or None when it is not proven equal to
    ``reference`` (tiktoken's ``encode_ordinary`` of the same encoding) or cannot load."""
    if encoding_name not in SUPPORTED:
        return None
    try:
        from bpe_openai import _bindings

        count = _bindings.tokenizer_for_encoding(encoding_name).count
        if any(count(probe) != len(reference(probe)) for probe in PROBES):
            return None
    except Exception:  # not installed, an incompatible version ...: tiktoken counts
        return None
    return count


def exact_counter(
    fast: Callable[[str], int], reference: Callable[[str], Any]
) -> Callable[[str], int]:
    """A count of one text: ``fast``, or ``reference`` (tiktoken's ``encode_ordinary``) for a
    text the fast counter cannot take; a huge text in pieces (``ftlint.tokens.piecewise``: the
    same count, with a piece's peak and UTF-8 copy instead of the text's)."""
    from ftlint.tokens.piecewise import PIECE, pieces

    def count(text: str) -> int:
        if len(text) > PIECE:
            return sum(map(count, pieces(text)))
        try:
            return fast(text)
        except UnicodeEncodeError:  # lone surrogates: tiktoken replaces them
            return len(reference(text))

    return count

"""Which counter a run uses: the model's ``ModelInfo.tokenizer`` string, ``scheme:argument``.

- ``tiktoken:<encoding>`` (or a bare encoding name): ``TokenCounter``, the cookbook formula;
- ``mistral:<version or tokenizer file>``: ``MistralCounter`` (extra ``ftlint[mistral]``);
- ``hf`` or ``hf:<path or hub id>``: ``HFCounter`` with the run's ``--tokenizer`` (extra
  ``ftlint[hf]``); ``--tokenizer`` wins over a path written in the profile. Without either,
  the model's tiktoken ``encoding`` stands in (``StandIn``: every figure an estimate), so that
  ``--target all`` runs without a tokenizer named;
- ``estimate:<method>``: ``EstimateCounter`` (no public tokenizer; never exact).

A counter is built once per process and key; the key (``counter_key``) is what the token
rules pass around and what a record's cached token figures are stored under. The modules of
the optional counters are imported only here, when a run asks for them.
"""

from __future__ import annotations

from typing import Any

from ftlint.config import ConfigError

SCHEMES = ("tiktoken", "mistral", "hf", "estimate")


def split_spec(spec: str) -> tuple[str, str]:
    """``("tiktoken", "o200k_base")`` from ``tiktoken:o200k_base``; a bare name is an
    encoding (``o200k_base``), as before tokenizer schemes existed."""
    scheme, sep, argument = spec.partition(":")
    if not sep:
        return ("hf", "") if spec == "hf" else ("tiktoken", spec)
    if scheme not in SCHEMES:
        raise ConfigError(
            f"unknown tokenizer scheme {scheme!r} in {spec!r} (known: {', '.join(SCHEMES)})"
        )
    return scheme, argument


def counter_key(spec: str, tokenizer: str | None = None) -> str:
    """The key of the counter for ``spec`` in a run whose ``--tokenizer`` is ``tokenizer``:
    a bare encoding name for tiktoken (what reports have always shown), ``hf:<source>``,
    else the spec itself."""
    scheme, argument = split_spec(spec)
    if scheme == "tiktoken":
        return argument
    if scheme == "hf":
        source = tokenizer or argument
        if not source:
            raise ConfigError(
                "this target counts tokens with a Hugging Face tokenizer: name it with "
                '--tokenizer PATH_OR_HUB_ID (or `tokenizer = "..."` in the configuration)'
            )
        return f"hf:{source}"
    return f"{scheme}:{argument}"


def stand_in_key(encoding: str, spec: str) -> str:
    """The key of the tiktoken stand-in for a model whose own tokenizer is not at hand (an
    ``hf`` target without ``--tokenizer``): its counts are estimates."""
    return f"stand-in:{encoding}:{spec}"


def split_stand_in(key: str) -> tuple[str, str] | None:
    """``(encoding, spec)`` of a stand-in key, else None."""
    if not key.startswith("stand-in:"):
        return None
    encoding, _, spec = key[len("stand-in:") :].partition(":")
    return encoding, spec


def counting(spec: str, encoding: str, tokenizer: str | None = None) -> tuple[bool, str]:
    """Whether a run counts a model's tokens exactly, and how, from its tokenizer string
    alone (nothing is loaded: ``ftlint targets`` and the report's verdicts use it)."""
    scheme, argument = split_spec(spec)
    if scheme == "tiktoken":
        return True, spec if ":" in spec else f"tiktoken:{spec}"
    if scheme == "mistral":
        from ftlint.tokens.mistral import resolve

        version, own = resolve(argument or "v3")
        if own:
            return True, f"Mistral's instruct encoding, tokenizer {version} (mistral-common)"
        return False, f"Mistral's instruct encoding with the shipped {version} tokenizer"
    if scheme == "hf":
        source = tokenizer or argument
        if source:
            return True, f"the chat template of {source}"
        return False, (
            f"{encoding} stand-in; pass --tokenizer PATH_OR_HUB_ID for exact counts and "
            "--max-seq-length"
        )
    return False, f"{argument or 'chars4'}: about 4 characters per token"


def build(key: str) -> Any:
    """A new counter for a key made by ``counter_key`` (other than a tiktoken encoding)."""
    scheme, argument = split_spec(key)
    if scheme == "tiktoken":  # ``ftlint.tokens.shared_counter`` builds those itself
        raise ValueError(f"{key!r} is a tiktoken encoding, not a tokenizer scheme")
    if scheme == "mistral":
        from ftlint.tokens.mistral import MistralCounter

        return MistralCounter(argument or "v3")
    if scheme == "hf":
        from ftlint.tokens.hf import HFCounter

        return HFCounter(argument)
    from ftlint.tokens.estimate import EstimateCounter

    return EstimateCounter(argument or "chars4")

"""Token counts, the training context limit and the cost of a fine-tuning job (FT7xx).

Counts come from ``ftlint.tokens``: the counter of the model's tokenizer scheme (tiktoken with
the cookbook's chat formula, Mistral's instruct encoding, a Hugging Face chat template, or an
estimate where no tokenizer is public). Each example is
counted once per run: ``ftlint.tokens.token_figures`` is a shared record analysis, so that
``ExampleTooLong``, ``TokenCost``, ``SequenceTruncated`` (``--max-seq-length``) and the
dataset rules on near duplicates share one count.
``base`` holds the set-up both rules share (model, encoding, training limit), ``statistics``
the per-example columns and their distribution and histogram.
"""

from __future__ import annotations

import argparse

from ftlint import Rule, hookimpl

#: What the fine-tuning API accepts for ``n_epochs``.
MAX_EPOCHS = 50


def _epochs(text: str) -> int:
    """``--n-epochs``: a whole number the API accepts, else a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_EPOCHS}, got {value}")
    return value


@hookimpl
def ftlint_add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("tokens and cost")
    group.add_argument(
        "--n-epochs",
        type=_epochs,
        metavar="N",
        help="epochs for the cost estimate (default: the provider's automatic choice)",
    )


@hookimpl
def ftlint_rules() -> list[type[Rule]]:
    # Imported here: loading the plugin costs nothing until the rules are asked for.
    from ftlint.rules.tokens.example_too_long import ExampleTooLong
    from ftlint.rules.tokens.sequence_truncated import SequenceTruncated
    from ftlint.rules.tokens.token_cost import TokenCost

    return [ExampleTooLong, TokenCost, SequenceTruncated]
